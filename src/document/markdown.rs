//! Markdown (CommonMark + GFM) into the document model, with pulldown-cmark's offset iterator.

use std::collections::HashMap;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{
    BlockBuilder, BlockKind, BrokenReference, Comment, Document, Image, Link, LinkKind, ListRef,
};
use crate::span::Span;

struct ListState {
    id: usize,
    ordered: bool,
    next_index: usize,
}

struct OpenLink {
    kind: LinkKind,
    /// Span of the reference definition (`[label]: url`) of a reference link.
    definition: Option<Span>,
    span: Span,
    dest: String,
    text_start: usize,
    images_before: usize,
    non_image_text: bool,
}

struct OpenImage {
    span: Span,
    dest: String,
    /// The alt text, with where each part of it is in the source.
    alt: BlockBuilder,
}

#[derive(Default)]
struct State {
    current: Option<BlockBuilder>,
    lists: Vec<ListState>,
    list_count: usize,
    /// The innermost open item has not produced a block yet.
    item_pending: Option<(Span, ListRef)>,
    quote_depth: usize,
    links: Vec<OpenLink>,
    image: Option<OpenImage>,
    /// Inside a code block, metadata block or HTML block: text is not prose.
    skip_depth: usize,
    strong_depth: usize,
}

pub(super) fn parse(doc: &mut Document<'_>) {
    let source = doc.source;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_DEFINITION_LIST;
    let mut broken: Vec<BrokenReference> = Vec::new();
    let callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        if let Some(reference) = broken_reference(source, &link) {
            broken.push(reference);
        }
        None
    };
    let parser = Parser::new_with_broken_link_callback(source, options, Some(callback));
    let definitions: HashMap<String, Span> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (label.to_lowercase(), def.span.clone().into()))
        .collect();

    let mut st = State::default();
    let mut footnotes = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        let span: Span = range.into();
        if st.skip_depth > 0 {
            match event {
                Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock) => {
                    st.skip_depth -= 1
                }
                Event::Html(html) => collect_comment(doc, &html, span),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => start(doc, &mut st, tag, span, &definitions),
            Event::End(tag) => end(doc, &mut st, tag, span),
            Event::Text(text) => {
                if let Some(footnote) = undefined_footnote(source, span) {
                    footnotes.push(footnote);
                }
                if let Some(image) = st.image.as_mut() {
                    image.alt.push(&text, span);
                } else {
                    mark_link_text(&mut st);
                    block(doc, &mut st, span).push(&text, span);
                }
            }
            Event::Code(_) => {
                if let Some(image) = st.image.as_mut() {
                    image.alt.push_placeholder(span);
                }
                mark_link_text(&mut st);
                block(doc, &mut st, span).push_placeholder(span);
            }
            Event::SoftBreak | Event::HardBreak => {
                // Alt text over two lines is two words, not one.
                if let Some(image) = st.image.as_mut() {
                    image.alt.push_break(span);
                }
                if let Some(b) = st.current.as_mut() {
                    b.push_break(span);
                }
            }
            Event::FootnoteReference(_) => {
                // Kept literally: `[^1]` is a citation marker that rules may look for.
                block(doc, &mut st, span).push(&source[span.range()], span);
            }
            Event::InlineHtml(html) => {
                collect_comment(doc, &html, span);
                if html.trim_start().to_ascii_lowercase().starts_with("<br")
                    && let Some(b) = st.current.as_mut()
                {
                    b.push_break(span);
                }
            }
            Event::Html(html) => collect_comment(doc, &html, span),
            Event::InlineMath(_) | Event::DisplayMath(_) => {
                block(doc, &mut st, span).push_placeholder(span);
            }
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }
    finish_block(doc, &mut st);
    broken.extend(footnotes);
    broken.sort_by_key(|b| b.span);
    doc.broken_references = broken;
}

/// Whether an unresolved `[…]` promised a definition, and what to report.
///
/// `[text]` alone is ordinary bracketed prose ("[Insert quote]"); explicit references
/// (`[text][label]`, `[text][]`) and image shortcuts (`![alt]`, never prose) promise a
/// definition. `(text)[https://…]` is a link written back to front: reported whole, with the
/// URL as its label. pulldown-cmark reads `[text]\[label]` as a full reference although the
/// backslash escapes the second bracket; that is not a reference.
fn broken_reference(source: &str, link: &BrokenLink<'_>) -> Option<BrokenReference> {
    let span: Span = link.span.clone().into();
    let written = source.get(span.range())?;
    let label = link.reference.to_string();
    match link.link_type {
        LinkType::Reference | LinkType::Collapsed => {
            let label_open = written.rfind('[')?;
            (!written[..label_open].ends_with('\\')).then_some(BrokenReference { span, label })
        }
        // `![alt](…)` whose destination did not parse (often a template, `({{ image }})`) is not
        // a reference: other checks look at link syntax.
        LinkType::Shortcut if written.starts_with('!') => {
            (!source[span.end..].starts_with('(')).then_some(BrokenReference { span, label })
        }
        LinkType::Shortcut => {
            let looks_like_url = ["http://", "https://", "www.", "mailto:", "/", "#"]
                .iter()
                .any(|p| label.starts_with(p));
            let before = &source[..span.start];
            if !looks_like_url || !before.ends_with(')') {
                return None;
            }
            // The `(` that opens the reversed text, on the same line.
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            let open = line[..line.len() - 1].rfind('(')?;
            let start = span.start - (line.len() - open);
            Some(BrokenReference {
                span: Span::new(start, span.end),
                label,
            })
        }
        _ => None,
    }
}

/// `[^label]` written where no footnote `label` is defined: pulldown-cmark leaves it as the text
/// `[`, `^label`, `]` (a defined one is a footnote reference event).
fn undefined_footnote(source: &str, span: Span) -> Option<BrokenReference> {
    if source.get(span.range()) != Some("[") {
        return None;
    }
    let rest = &source[span.end..];
    let label = rest.strip_prefix('^')?;
    let end = label.find(']')?;
    let label = &label[..end];
    let definition = rest[1 + end + 1..].starts_with(':');
    if label.is_empty() || definition || label.contains(|c: char| c.is_whitespace() || c == '[') {
        return None;
    }
    Some(BrokenReference {
        span: Span::new(span.start, span.end + 1 + end + 1),
        label: format!("^{label}"),
    })
}

fn collect_comment(doc: &mut Document<'_>, html: &str, span: Span) {
    let trimmed = html.trim();
    if trimmed.starts_with("<!--") {
        let start = span.start + (html.len() - html.trim_start().len());
        doc.comments.push(Comment {
            span: Span::new(start, start + trimmed.len()),
            text: trimmed.to_string(),
        });
    }
}

fn mark_link_text(st: &mut State) {
    if let Some(link) = st.links.last_mut() {
        link.non_image_text = true;
    }
}

/// The open block, opening one for loose text in a list item (tight lists have no paragraphs).
fn block<'s>(doc: &mut Document<'_>, st: &'s mut State, span: Span) -> &'s mut BlockBuilder {
    if st.current.is_none() {
        let (kind, block_span, list) = match st.item_pending.take() {
            Some((item_span, list)) => (BlockKind::ListItem, item_span, Some(list)),
            None => (BlockKind::Paragraph, span, None),
        };
        let mut builder = BlockBuilder::new(kind, block_span, doc.links.len());
        builder.list = list;
        builder.strong_depth = st.strong_depth;
        st.current = Some(builder);
    }
    st.current.as_mut().expect("opened above")
}

fn open(doc: &mut Document<'_>, st: &mut State, kind: BlockKind, span: Span) {
    finish_block(doc, st);
    let (kind, list, span) = match (kind, st.item_pending.take()) {
        (BlockKind::Paragraph, Some((item_span, list))) => {
            (BlockKind::ListItem, Some(list), item_span)
        }
        (BlockKind::Paragraph, None) if st.quote_depth > 0 => (BlockKind::BlockQuote, None, span),
        (kind, pending) => {
            st.item_pending = pending;
            (kind, None, span)
        }
    };
    let mut builder = BlockBuilder::new(kind, span, doc.links.len());
    builder.list = list;
    st.current = Some(builder);
}

fn finish_block(doc: &mut Document<'_>, st: &mut State) {
    if let Some(builder) = st.current.take() {
        if builder.text().trim().is_empty() && builder.kind != BlockKind::Code {
            // An empty paragraph still keeps its links' block index valid.
            if builder.links_start == doc.links.len() {
                return;
            }
        }
        doc.blocks.push(builder.finish(doc.links.len()));
    }
}

fn start(
    doc: &mut Document<'_>,
    st: &mut State,
    tag: Tag<'_>,
    span: Span,
    definitions: &HashMap<String, Span>,
) {
    match tag {
        Tag::Paragraph => open(doc, st, BlockKind::Paragraph, span),
        Tag::Heading { level, .. } => open(doc, st, BlockKind::Heading(level as u8), span),
        Tag::TableCell => open(doc, st, BlockKind::TableCell, span),
        Tag::DefinitionListTitle => open(doc, st, BlockKind::Term, span),
        Tag::DefinitionListDefinition => open(doc, st, BlockKind::Paragraph, span),
        Tag::BlockQuote(_) => {
            finish_block(doc, st);
            st.quote_depth += 1;
        }
        Tag::CodeBlock(_) => {
            finish_block(doc, st);
            st.item_pending = None;
            let builder = BlockBuilder::new(BlockKind::Code, span, doc.links.len());
            doc.blocks.push(builder.finish(doc.links.len()));
            st.skip_depth += 1;
        }
        Tag::HtmlBlock => {
            finish_block(doc, st);
            st.skip_depth += 1;
        }
        Tag::MetadataBlock(_) => {
            finish_block(doc, st);
            doc.front_matter = Some(span);
            st.skip_depth += 1;
        }
        Tag::List(first) => {
            finish_block(doc, st);
            st.item_pending = None;
            st.list_count += 1;
            st.lists.push(ListState {
                id: st.list_count - 1,
                ordered: first.is_some(),
                next_index: 0,
            });
        }
        Tag::Item => {
            finish_block(doc, st);
            if let Some(list) = st.lists.last_mut() {
                let item = ListRef {
                    list: list.id,
                    index: list.next_index,
                    ordered: list.ordered,
                };
                list.next_index += 1;
                st.item_pending = Some((span, item));
            }
        }
        Tag::Strong => {
            st.strong_depth += 1;
            if let Some(b) = st.current.as_mut() {
                b.strong_depth += 1;
            }
        }
        Tag::Link {
            link_type,
            dest_url,
            id,
            ..
        } => {
            let b = block(doc, st, span);
            let text_start = b.text_len();
            let kind = match link_type {
                LinkType::Inline => LinkKind::Inline,
                LinkType::Autolink | LinkType::Email => LinkKind::Autolink,
                _ => LinkKind::Reference,
            };
            let definition = (kind == LinkKind::Reference)
                .then(|| definitions.get(&id.to_lowercase()).copied())
                .flatten();
            st.links.push(OpenLink {
                kind,
                definition,
                span,
                dest: dest_url.to_string(),
                text_start,
                images_before: doc.images.len(),
                non_image_text: false,
            });
        }
        Tag::Image { dest_url, .. } => {
            block(doc, st, span).push_placeholder(span);
            st.image = Some(OpenImage {
                span,
                dest: dest_url.to_string(),
                alt: BlockBuilder::new(BlockKind::Paragraph, span, 0),
            });
        }
        Tag::FootnoteDefinition(_) => finish_block(doc, st),
        Tag::Emphasis
        | Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::Table(_)
        | Tag::TableHead
        | Tag::TableRow
        | Tag::DefinitionList => {}
    }
}

fn end(doc: &mut Document<'_>, st: &mut State, tag: TagEnd, _span: Span) {
    match tag {
        TagEnd::Paragraph
        | TagEnd::Heading(_)
        | TagEnd::TableCell
        | TagEnd::DefinitionListTitle
        | TagEnd::DefinitionListDefinition
        | TagEnd::FootnoteDefinition => finish_block(doc, st),
        TagEnd::Item => {
            finish_block(doc, st);
            st.item_pending = None;
        }
        TagEnd::List(_) => {
            finish_block(doc, st);
            st.lists.pop();
        }
        TagEnd::BlockQuote(_) => {
            finish_block(doc, st);
            st.quote_depth = st.quote_depth.saturating_sub(1);
        }
        TagEnd::Strong => {
            st.strong_depth = st.strong_depth.saturating_sub(1);
            if let Some(b) = st.current.as_mut() {
                b.strong_depth = b.strong_depth.saturating_sub(1);
            }
        }
        TagEnd::Image => {
            if let Some(image) = st.image.take() {
                let alt = image.alt.finish(0);
                doc.images.push(Image {
                    span: image.span,
                    alt: alt.text,
                    alt_map: alt.map,
                    dest: image.dest,
                    block: Some(doc.blocks.len()),
                });
            }
        }
        TagEnd::Link => {
            if let Some(open) = st.links.pop() {
                let source = doc.source;
                let b = block(doc, st, open.span);
                let text_range = open.text_start..b.text_len();
                let text = b.text()[text_range.clone()].to_string();
                let text_span = text_span(source, &open);
                let dest_span = dest_span(source, &open, text_span);
                doc.links.push(Link {
                    kind: open.kind,
                    span: open.span,
                    text,
                    text_span,
                    block: doc.blocks.len(),
                    text_range,
                    dest: Some(open.dest),
                    dest_span,
                    image_only: !open.non_image_text && doc.images.len() > open.images_before,
                    name: None,
                });
            }
        }
        _ => {}
    }
}

/// The link text's bytes: between `[` and the matching `]` for bracketed links, the URL itself
/// for autolinks.
fn text_span(source: &str, link: &OpenLink) -> Span {
    let raw = &source[link.span.range()];
    if link.kind == LinkKind::Autolink {
        let inner = raw.trim_start_matches('<').trim_end_matches('>');
        let start = link.span.start + (raw.len() - raw.trim_start_matches('<').len());
        return Span::new(start, start + inner.len());
    }
    match matching_bracket(raw) {
        Some(close) => Span::new(link.span.start + 1, link.span.start + close),
        None => Span::new(link.span.start, link.span.end),
    }
}

/// Index of the `]` closing the `[` at index 0, honouring escapes and nesting.
fn matching_bracket(raw: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in raw.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the destination is written: inside `(…)` for inline links, inside `<…>` for autolinks,
/// in the definition (`[label]: url`) for reference links.
fn dest_span(source: &str, link: &OpenLink, text_span: Span) -> Option<Span> {
    match link.kind {
        LinkKind::Autolink => Some(text_span),
        LinkKind::Inline => {
            let after = &source[text_span.end..link.span.end];
            let open = after.find('(')?;
            Some(destination_at(
                source,
                text_span.end + open + 1,
                link.span.end,
            ))
        }
        _ => {
            let def = link.definition?;
            let colon = source[def.range()].find("]:")?;
            Some(destination_at(source, def.start + colon + 2, def.end))
        }
    }
}

/// The destination starting at `start` (after optional white space), as CommonMark writes it:
/// `<…>` or a run without white space and with balanced parentheses.
fn destination_at(source: &str, start: usize, limit: usize) -> Span {
    let rest = &source[start..limit];
    let start = start + (rest.len() - rest.trim_start().len());
    let rest = &source[start..limit];
    if let Some(stripped) = rest.strip_prefix('<') {
        return Span::new(start + 1, start + 1 + stripped.find('>').unwrap_or(0));
    }
    let mut depth = 0usize;
    let mut len = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            c if c.is_whitespace() => {
                len = i;
                break;
            }
            '(' => depth += 1,
            ')' if depth == 0 => {
                len = i;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    Span::new(start, start + len)
}
