//! HTML into the document model, with html5gum's tokenizer and its exact byte spans.
//!
//! A tokenizer is enough: drafts and CMS exports are fragments, and what matters for prose is
//! which text sits in which block-level element, not a conforming DOM. Script, style, pre and
//! code content never reaches the prose. Which tokens are the page's content (not its menus
//! and footers) is decided first, by [`super::html_scope`], over the same tokens.

use super::html_scope::{self, CHROME_ELEMENTS, HtmlOptions, SECTIONING};
use super::html_tokens::{Token, Tokens, class};
use super::html_tree::{CLOSES_P, LIST_SCOPE, RAW_TEXT, VOID};
use super::{BlockBuilder, BlockKind, Citation, Comment, Document, Image, Link, LinkKind, ListRef};
use crate::span::Span;

/// Elements whose content is never prose.
pub(super) const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "textarea", "svg", "math", "head", "iframe",
    "object", "select",
];

/// Elements that end the current block when they open or close.
pub(super) const BLOCK_LEVEL: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "dt",
    "dd",
    "blockquote",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "caption",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "thead",
    "tbody",
    "hr",
    "form",
    "details",
    "summary",
    "body",
    "html",
    "address",
    "fieldset",
    "legend",
];

struct OpenLink {
    span_start: usize,
    dest: Option<String>,
    dest_span: Option<Span>,
    text_start: usize,
    text_src_start: usize,
    images_before: usize,
    non_image_text: bool,
    /// The accessible name, computed over the element tree.
    name: Option<String>,
}

#[derive(Default)]
struct State {
    current: Option<BlockBuilder>,
    /// The kind, span start and list membership the next block gets, set by its start tag.
    pending: Option<(BlockKind, usize, Option<ListRef>)>,
    lists: Vec<(usize, bool, usize)>,
    list_count: usize,
    quote_depth: usize,
    /// Name and depth of the non-prose element being skipped.
    skipping: Option<(&'static str, usize)>,
    code_start: Option<(usize, usize)>,
    link: Option<OpenLink>,
    strong_depth: usize,
    /// The accessible name of the `<a>` whose start tag is being read.
    link_name: Option<String>,
    /// Open `<blockquote>` and `<figure>` elements: name, first block, first citation.
    quote_containers: Vec<(&'static str, usize, usize)>,
    /// The `<cite>` being read: its block's index and where its text starts there.
    cite_start: Option<(usize, usize)>,
    /// The block quote's `<footer>` or the figure's `<figcaption>` being read: its first block.
    caption_start: Option<usize>,
    /// Citations read so far, each with whether it is a caption and whether it still waits
    /// for the quote or figure that encloses it.
    citations: Vec<PendingCitation>,
}

struct PendingCitation {
    citation: Citation,
    caption: bool,
    waiting: bool,
}

/// What the parsers need to know about a tag name, looked up once per name and page.
fn classify(name: &str) -> u16 {
    [
        (VOID, class::VOID),
        (CLOSES_P, class::CLOSES_P),
        (LIST_SCOPE, class::LIST_SCOPE),
        (RAW_TEXT, class::RAW_TEXT),
        (SECTIONING, class::SECTIONING),
        (CHROME_ELEMENTS, class::CHROME),
        (SKIPPED, class::SKIPPED),
        (BLOCK_LEVEL, class::BLOCK_LEVEL),
    ]
    .iter()
    .filter(|(names, _)| names.contains(&name))
    .fold(0, |bits, (_, bit)| bits | bit)
}

pub(super) fn parse(doc: &mut Document<'_>, options: &HtmlOptions) {
    let source = doc.source;
    let tokens = Tokens::parse(source, classify);
    let html_scope::Analysis {
        keep,
        link_names,
        scope,
    } = html_scope::analyse(&tokens, source.len(), options);
    // Link names come in token order: one cursor instead of a lookup per tag.
    let mut link_names = link_names.into_iter().peekable();
    let mut st = State::default();
    let mut in_content = true;
    for (index, token) in tokens.list.iter().enumerate() {
        if !keep[index] {
            // Comments stay: suppressions may sit anywhere.
            if let Token::Comment { at } = token {
                push_comment(doc, at.start, at.end);
            }
            if in_content {
                // Text on either side of left-out chrome never joins into one block.
                finish_block(doc, &mut st, None);
                in_content = false;
            }
            continue;
        }
        in_content = true;
        match *token {
            Token::Start {
                tag,
                attrs,
                at,
                self_closing,
            } => {
                let name = tokens.str(tag.name);
                let span = Span::new(at.start, at.end.min(source.len()));
                if let Some((skipped, depth)) = st.skipping.as_mut() {
                    if *skipped == name {
                        *depth += 1;
                    }
                    continue;
                }
                if let Some((_, depth)) = st.code_start.as_mut() {
                    if name == "code" {
                        *depth += 1;
                    }
                    continue;
                }
                while link_names.next_if(|(token, _)| *token < index).is_some() {}
                st.link_name = link_names
                    .next_if(|(token, _)| *token == index)
                    .map(|(_, n)| n);
                let attrs = tokens.attrs(attrs);
                let attr = |key: &str| tokens.attr(attrs, key);
                start_tag(doc, &mut st, name, tag.class, span, &attr, self_closing);
            }
            Token::End { tag, at } => {
                let name = tokens.str(tag.name);
                let span = Span::new(at.start, at.end.min(source.len()));
                if let Some((skipped, depth)) = st.skipping.as_mut() {
                    if *skipped == name {
                        *depth -= 1;
                        if *depth == 0 {
                            st.skipping = None;
                        }
                    }
                    continue;
                }
                if let Some((start, depth)) = st.code_start.as_mut() {
                    if name == "code" {
                        *depth -= 1;
                        if *depth == 0 {
                            let code = Span::new(*start, span.end);
                            st.code_start = None;
                            block(doc, &mut st, code).push_placeholder(code);
                            mark_link_text(&mut st);
                        }
                    }
                    continue;
                }
                end_tag(doc, &mut st, name, tag.class, span);
            }
            Token::Text { value, at } => {
                if st.skipping.is_some() || st.code_start.is_some() {
                    continue;
                }
                let span = Span::new(at.start, at.end.min(source.len()));
                let value = tokens.str(value);
                if value.trim().is_empty() && st.current.is_none() {
                    continue;
                }
                if !value.trim().is_empty() {
                    mark_link_text(&mut st);
                }
                push_text(doc, &mut st, value, span);
            }
            Token::Comment { at } => push_comment(doc, at.start, at.end),
            Token::Other => {}
        }
    }
    finish_block(doc, &mut st, None);
    doc.html_scope = Some(scope);
    // A caption whose figure holds no block quote names an image or a table, not a speaker.
    doc.citations = st
        .citations
        .into_iter()
        .filter(|c| !(c.caption && c.waiting))
        .map(|c| c.citation)
        .collect();
    // A `<cite>` closes before the footer around it: order them by block for lookups.
    doc.citations.sort_by_key(|c| c.block);
}

fn push_comment(doc: &mut Document<'_>, start: usize, end: usize) {
    let span = Span::new(start, end.min(doc.source.len()));
    doc.comments.push(Comment {
        span,
        text: doc.source[span.range()].to_string(),
    });
}

/// Pushes decoded text. Where entities were decoded the text no longer matches the source byte
/// for byte; the offset map then knows only the ends of this stretch, which is still exact for
/// everything that starts or ends at a tag.
fn push_text(doc: &mut Document<'_>, st: &mut State, value: &str, span: Span) {
    block(doc, st, span).push(value, span);
}

fn mark_link_text(st: &mut State) {
    if let Some(link) = st.link.as_mut() {
        link.non_image_text = true;
    }
}

fn block<'s>(doc: &mut Document<'_>, st: &'s mut State, span: Span) -> &'s mut BlockBuilder {
    if st.current.is_none() {
        let (kind, start, list) = st.pending.take().unwrap_or((
            if st.quote_depth > 0 {
                BlockKind::BlockQuote
            } else {
                BlockKind::Paragraph
            },
            span.start,
            None,
        ));
        let mut builder = BlockBuilder::new(kind, Span::new(start, span.end), doc.links.len());
        builder.list = list;
        builder.strong_depth = st.strong_depth;
        st.current = Some(builder);
    }
    let builder = st.current.as_mut().expect("opened above");
    builder.span.end = builder.span.end.max(span.end);
    builder
}

fn finish_block(doc: &mut Document<'_>, st: &mut State, end: Option<usize>) {
    if st.link.is_some() && st.current.is_some() {
        // A block-level tag inside <a>: the link ends with the block.
        let at = end.unwrap_or_else(|| st.current.as_ref().map_or(0, |b| b.span.end));
        close_link(doc, st, at);
    }
    if let Some(mut builder) = st.current.take() {
        if let Some(end) = end {
            builder.span.end = builder.span.end.max(end);
        }
        if !builder.text().trim().is_empty() || builder.links_start < doc.links.len() {
            doc.blocks.push(builder.finish(doc.links.len()));
        }
    }
}

fn start_tag<'t>(
    doc: &mut Document<'_>,
    st: &mut State,
    name: &str,
    tag_class: u16,
    span: Span,
    attr: &dyn Fn(&str) -> Option<&'t str>,
    self_closing: bool,
) {
    if tag_class & class::SKIPPED != 0 && !self_closing {
        finish_block(doc, st, None);
        let skipped = SKIPPED.iter().find(|s| **s == name).copied().unwrap_or("");
        st.skipping = Some((skipped, 1));
        return;
    }
    match name {
        "pre" => {
            finish_block(doc, st, None);
            let code = BlockBuilder::new(BlockKind::Code, span, doc.links.len());
            doc.blocks.push(code.finish(doc.links.len()));
            st.skipping = Some(("pre", 1));
            return;
        }
        "code" | "kbd" | "samp" => {
            st.code_start = Some((span.start, 1));
            return;
        }
        "a" => {
            // Links inside links are invalid HTML; the tokenizer's callers close the first.
            if st.link.is_some() {
                close_link(doc, st, span.start);
            }
            if attr("href").is_none() && (attr("name").is_some() || attr("id").is_some()) {
                // `<a name="x">` is an anchor to link to, not a link.
                return;
            }
            let text_start = st.current.as_ref().map_or(0, BlockBuilder::text_len);
            st.link = Some(OpenLink {
                span_start: span.start,
                dest_span: attr("href").and_then(|_| attribute_span(doc.source, span, "href")),
                dest: attr("href").map(str::to_string),
                text_start,
                text_src_start: span.end,
                images_before: doc.images.len(),
                non_image_text: false,
                name: st.link_name.take(),
            });
            return;
        }
        "img" => {
            block(doc, st, span).push_placeholder(span);
            let alt = alt_text(doc.source, span, attr("alt").unwrap_or_default());
            doc.images.push(Image {
                span,
                alt: alt.text,
                alt_map: alt.map,
                dest: attr("src").unwrap_or_default().to_string(),
                block: Some(doc.blocks.len()),
            });
            return;
        }
        "br" => {
            if let Some(b) = st.current.as_mut() {
                b.push_break(span);
            }
            return;
        }
        "strong" | "b" => {
            st.strong_depth += 1;
            if let Some(b) = st.current.as_mut() {
                b.strong_depth += 1;
            }
            return;
        }
        "cite" => {
            let at = st.current.as_ref().map_or(0, BlockBuilder::text_len);
            st.cite_start = Some((doc.blocks.len(), at));
            return;
        }
        _ => {}
    }
    if tag_class & class::BLOCK_LEVEL == 0 {
        return;
    }
    finish_block(doc, st, None);
    match name {
        "blockquote" => {
            st.quote_containers
                .push(("blockquote", doc.blocks.len(), st.citations.len()))
        }
        "figure" => st
            .quote_containers
            .push(("figure", doc.blocks.len(), st.citations.len())),
        "footer" if st.quote_depth > 0 => st.caption_start = Some(doc.blocks.len()),
        "figcaption" if st.quote_containers.last().is_some_and(|c| c.0 == "figure") => {
            st.caption_start = Some(doc.blocks.len());
        }
        _ => {}
    }
    match name {
        "ul" | "ol" => {
            st.list_count += 1;
            st.lists.push((st.list_count - 1, name == "ol", 0));
        }
        "blockquote" => st.quote_depth += 1,
        _ => {}
    }
    let kind = match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            Some(BlockKind::Heading(name[1..].parse().unwrap_or(2)))
        }
        "li" => Some(BlockKind::ListItem),
        "td" | "th" => Some(BlockKind::TableCell),
        "dt" => Some(BlockKind::Term),
        "p" | "dd" | "figcaption" | "caption" if st.quote_depth > 0 => Some(BlockKind::BlockQuote),
        "p" | "dd" | "figcaption" | "caption" => {
            // The first paragraph of a list item is the item's text.
            match st.pending {
                Some((BlockKind::ListItem, _, _)) => None,
                _ => Some(BlockKind::Paragraph),
            }
        }
        _ => None,
    };
    if let Some(kind) = kind {
        let list = (kind == BlockKind::ListItem)
            .then(|| {
                st.lists.last_mut().map(|(id, ordered, next)| {
                    *next += 1;
                    ListRef {
                        list: *id,
                        index: *next - 1,
                        ordered: *ordered,
                    }
                })
            })
            .flatten();
        st.pending = Some((kind, span.start, list));
    }
}

fn end_tag(doc: &mut Document<'_>, st: &mut State, name: &str, tag_class: u16, span: Span) {
    match name {
        "a" => {
            if st.link.is_some() {
                close_link(doc, st, span.end);
            }
            return;
        }
        "strong" | "b" => {
            st.strong_depth = st.strong_depth.saturating_sub(1);
            if let Some(b) = st.current.as_mut() {
                b.strong_depth = b.strong_depth.saturating_sub(1);
            }
            return;
        }
        "cite" => {
            if let Some((index, start)) = st.cite_start.take()
                && index == doc.blocks.len()
                && let Some(b) = st.current.as_ref()
                && b.text_len() > start
            {
                st.citations.push(PendingCitation {
                    citation: Citation {
                        block: index,
                        text: start..b.text_len(),
                        cites: index..index + 1,
                    },
                    caption: false,
                    waiting: true,
                });
            }
            return;
        }
        _ => {}
    }
    if tag_class & class::BLOCK_LEVEL == 0 {
        return;
    }
    finish_block(doc, st, Some(span.end));
    end_citation(doc, st, name);
    if name != "li" && name != "p" {
        st.pending = None;
    }
    match name {
        "ul" | "ol" => {
            st.lists.pop();
        }
        "blockquote" => st.quote_depth = st.quote_depth.saturating_sub(1),
        "li" => st.pending = None,
        _ => {}
    }
}

/// Records the citations a closing tag completes: the blocks of a quote's footer or a figure's
/// caption, and, at the end of a block quote or a figure that holds one, which blocks the
/// citations inside it cite.
fn end_citation(doc: &Document<'_>, st: &mut State, name: &str) {
    match name {
        "footer" | "figcaption" => {
            let Some(first) = st.caption_start.take() else {
                return;
            };
            for (i, block) in doc.blocks.iter().enumerate().skip(first) {
                st.citations.push(PendingCitation {
                    citation: Citation {
                        block: i,
                        text: 0..block.text.len(),
                        cites: i..i + 1,
                    },
                    caption: true,
                    waiting: true,
                });
            }
        }
        "blockquote" | "figure" => {
            let Some(at) = st.quote_containers.iter().rposition(|c| c.0 == name) else {
                return;
            };
            let (_, first, from) = st.quote_containers[at];
            st.quote_containers.truncate(at);
            let blocks = first..doc.blocks.len();
            let holds_quote = name == "blockquote"
                || doc.blocks[blocks.clone()]
                    .iter()
                    .any(|b| b.kind == BlockKind::BlockQuote);
            if !holds_quote {
                return;
            }
            for pending in st.citations[from..].iter_mut().filter(|c| c.waiting) {
                pending.citation.cites = blocks.clone();
                pending.waiting = false;
            }
        }
        _ => {}
    }
}

fn close_link(doc: &mut Document<'_>, st: &mut State, end: usize) {
    let Some(open) = st.link.take() else { return };
    let end = end.max(open.span_start);
    let b = block(doc, st, Span::new(open.span_start, open.span_start));
    let text_start = open.text_start.min(b.text_len());
    let text_range = text_start..b.text_len();
    let text = b.text()[text_range.clone()].to_string();
    let text_span = if text_range.is_empty() {
        Span::new(open.text_src_start, open.text_src_start)
    } else {
        b.source_span(text_range.clone())
    };
    doc.links.push(Link {
        kind: LinkKind::Html,
        span: Span::new(open.span_start, end),
        text,
        text_span,
        block: doc.blocks.len(),
        text_range,
        dest: open.dest,
        dest_span: open.dest_span,
        image_only: !open.non_image_text && doc.images.len() > open.images_before,
        name: open.name,
    });
}

/// An `<img>`'s alt text (entities decoded) mapped to its `alt="…"` value in the source.
/// What the decoded value shares with the source at either end maps byte for byte; only the
/// stretch between (where entities were decoded) maps by its ends, as in [`push_text`].
fn alt_text(source: &str, tag: Span, decoded: &str) -> super::Block {
    let mut alt = BlockBuilder::new(BlockKind::Paragraph, tag, 0);
    let Some(value) = attribute_span(source, tag, "alt") else {
        alt.push(decoded, Span::new(tag.end, tag.end));
        return alt.finish(0);
    };
    let raw = &source[value.range()];
    // An entity's first or last byte may equal what it decodes to (`&amp;`): the verbatim
    // ends stop before the first `&` and after the last `;`.
    let head = raw.find('&').unwrap_or(raw.len());
    let tail = raw
        .rfind(';')
        .filter(|_| head < raw.len())
        .map_or(0, |i| i + 1);
    let prefix: usize = decoded
        .chars()
        .zip(raw[..head].chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let suffix: usize = decoded[prefix..]
        .chars()
        .rev()
        .zip(raw[prefix.max(tail)..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let (d_mid, r_mid) = (decoded.len() - suffix, raw.len() - suffix);
    alt.push(
        &decoded[..prefix],
        Span::new(value.start, value.start + prefix),
    );
    alt.push(
        &decoded[prefix..d_mid],
        Span::new(value.start + prefix, value.start + r_mid),
    );
    alt.push(&decoded[d_mid..], Span::new(value.start + r_mid, value.end));
    alt.finish(0)
}

/// The span of an attribute's value inside a start tag.
fn attribute_span(source: &str, tag: Span, name: &str) -> Option<Span> {
    let raw = &source[tag.range()];
    let lower = raw.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = lower[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_whitespace());
        let rest = &raw[from..];
        let after_name = rest.trim_start();
        if !before_ok || !after_name.starts_with('=') {
            continue;
        }
        let value = after_name[1..].trim_start();
        let value_start = tag.start + raw.len() - value.len();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let len = value[1..].find(q).unwrap_or(value.len() - 1);
                Span::new(value_start + 1, value_start + 1 + len)
            }
            _ => {
                let len = value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len());
                Span::new(value_start, value_start + len)
            }
        });
    }
    None
}
