//! Vale's scopes (`text`, `heading.h2`, `sentence`, `~blockquote`, `list & ~heading`) over the
//! draftlint document model.
//!
//! A rule's `scope` is a list of alternatives; an alternative joins terms with `&`, and a term
//! prefixed with `~` excludes what it names. Every alternative is matched against the blocks
//! of the [`Document`]: headings, paragraphs, list items, quotes and table cells. Code and
//! front matter are never in scope, whatever the selector says. The scope also says what a rule
//! reads at a time: a whole block, or (`sentence`) each sentence of it.
//!
//! Vale has three scopes that are not blocks, and they are read as texts of their own:
//! `alt` (each image's alt text, Markdown `![…]` or HTML `alt="…"`), `summary` (the body
//! text: paragraphs, list items and quotes, without headings or table cells, read as one
//! text joined by blank lines, as Vale builds it) and `raw` (the source of the prose blocks,
//! markup included: Vale reads the whole file, draftlint leaves front matter, code blocks
//! and HTML outside the article out, as it does everywhere). As in Vale, a `~` term never
//! selects `raw` or `summary`; unlike Vale, `text` alone does not take in alt text, so that
//! a style's rules without a scope find in alt text only what they found before. Each keeps
//! exact byte spans: a finding in them points into the source like any other.

use std::ops::Range;

use crate::document::{Block, BlockBuilder, BlockKind, Document};
use crate::span::Span;

/// One named part of a selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Any prose block.
    Text,
    /// A heading, of one level when given.
    Heading(Option<u8>),
    Paragraph,
    /// Each sentence of a non-heading block.
    Sentence,
    List,
    TableCell,
    Blockquote,
    /// Images' alt text.
    Alt,
    /// The prose blocks' source, markup included.
    Raw,
    /// The body text read as one.
    Summary,
}

impl Part {
    fn parse(name: &str) -> Option<Part> {
        Some(match name {
            "text" | "text.md" | "text.html" | "text.txt" => Part::Text,
            "heading" => Part::Heading(None),
            "paragraph" => Part::Paragraph,
            "sentence" => Part::Sentence,
            "list" => Part::List,
            // draftlint does not tell header cells from body cells.
            "table" | "table.cell" | "table.header" => Part::TableCell,
            "blockquote" => Part::Blockquote,
            "alt" => Part::Alt,
            "raw" => Part::Raw,
            "summary" => Part::Summary,
            _ => {
                let level = name.strip_prefix("heading.h")?.parse::<u8>().ok()?;
                (1..=6)
                    .contains(&level)
                    .then_some(Part::Heading(Some(level)))?
            }
        })
    }

    /// A text that is not a block.
    fn is_detached(self) -> bool {
        matches!(self, Part::Alt | Part::Raw | Part::Summary)
    }

    fn holds(self, block: &Block) -> bool {
        match (self, block.kind) {
            (_, BlockKind::Code) => false,
            (part, _) if part.is_detached() => false,
            (Part::Text, _) => true,
            (Part::Heading(None), BlockKind::Heading(_)) => true,
            (Part::Heading(Some(want)), BlockKind::Heading(level)) => want == level,
            (Part::Paragraph, kind) => matches!(kind, BlockKind::Paragraph | BlockKind::Term),
            (Part::Sentence, kind) => !kind.is_heading(),
            (Part::List, kind) => kind == BlockKind::ListItem,
            (Part::TableCell, kind) => kind == BlockKind::TableCell,
            (Part::Blockquote, kind) => kind == BlockKind::BlockQuote,
            _ => false,
        }
    }
}

/// A parsed `scope`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Alternatives; each is a conjunction of (negated?, part).
    alternatives: Vec<Vec<(bool, Part)>>,
    /// Rules read sentence by sentence.
    sentences: bool,
    /// The texts that are not blocks an alternative selects.
    alt: bool,
    raw: bool,
    summary: bool,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            alternatives: vec![vec![(false, Part::Text)]],
            sentences: false,
            alt: false,
            raw: false,
            summary: false,
        }
    }
}

/// Scopes draftlint cannot offer; a rule using them is skipped with a warning. Vale defines
/// no `title` scope for markup; `code` and `comment` are source-code scopes, and draftlint
/// never lints code.
pub const UNSUPPORTED: &[&str] = &["title", "code", "comment"];

/// Which text an alternative (a conjunction of terms) selects outside the blocks, as Vale
/// matches a selector against its `text.attr.alt`, `raw` and `summary` texts: every term
/// that is not negated must name it (`text` names alt text too), and a negated term
/// matches alt text unless it is `~alt`, but never `raw` or `summary`.
fn detached_part(terms: &[(bool, Part)]) -> Option<Part> {
    let (_, part) = terms
        .iter()
        .find(|(negated, p)| !negated && p.is_detached())?;
    let fits = terms.iter().all(|&(negated, term)| match (negated, *part) {
        (false, Part::Alt) => term == Part::Alt || term == Part::Text,
        (false, _) => term == *part,
        (true, Part::Alt) => term != Part::Alt,
        (true, _) => false,
    });
    fits.then_some(*part)
}

impl Scope {
    /// Parses a rule's scope list; `Err` names the part that is not supported.
    pub fn parse(list: &[String]) -> Result<Scope, String> {
        if list.is_empty() {
            return Ok(Scope::default());
        }
        let mut alternatives = Vec::new();
        let mut sentences = false;
        let (mut alt, mut raw, mut summary) = (false, false, false);
        for entry in list {
            let mut terms = Vec::new();
            for term in entry.split('&').map(str::trim) {
                let (negated, name) = match term.strip_prefix('~') {
                    Some(name) => (true, name.trim()),
                    None => (false, term),
                };
                let part = Part::parse(name).ok_or_else(|| name.to_string())?;
                sentences |= part == Part::Sentence && !negated;
                terms.push((negated, part));
            }
            // Only exclusions: everything else.
            if terms.iter().all(|(negated, _)| *negated) {
                terms.insert(0, (false, Part::Text));
            }
            match detached_part(&terms) {
                Some(Part::Alt) => alt = true,
                Some(Part::Raw) => raw = true,
                Some(Part::Summary) => summary = true,
                _ => {}
            }
            alternatives.push(terms);
        }
        Ok(Scope {
            alternatives,
            sentences,
            alt,
            raw,
            summary,
        })
    }

    /// Whether the block is in scope.
    pub fn holds(&self, block: &Block) -> bool {
        self.alternatives.iter().any(|terms| {
            terms
                .iter()
                .all(|&(negated, part)| part.holds(block) != negated)
        })
    }

    /// The pieces of text a rule reads: a block and a range of its text (the whole text, or
    /// one sentence). The document's blocks come first, in document order, then the texts
    /// that are not blocks (alt texts, the summary, the raw source), built for this call.
    pub fn units<'s, 'd>(&'s self, doc: &'d Document<'_>) -> Units<'s, 'd> {
        let mut detached = Vec::new();
        if self.alt {
            detached.extend(doc.images.iter().map(|image| image.alt_block()));
        }
        if self.summary {
            detached.extend(summary(doc));
        }
        if self.raw {
            detached.extend(raw(doc));
        }
        Units {
            scope: self,
            blocks: &doc.blocks,
            detached,
        }
    }
}

/// What a [`Scope`] selects in one document; iterate over `&Units`. The document's blocks
/// are read as the iteration reaches them; only the texts that are not blocks are built.
pub struct Units<'s, 'd> {
    scope: &'s Scope,
    blocks: &'d [Block],
    detached: Vec<Block>,
}

impl<'a> IntoIterator for &'a Units<'_, '_> {
    type Item = (&'a Block, Range<usize>);
    type IntoIter = Box<dyn Iterator<Item = (&'a Block, Range<usize>)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        let scope = self.scope;
        let blocks = self
            .blocks
            .iter()
            .filter(move |b| b.kind.is_prose() && scope.holds(b))
            .flat_map(move |block| {
                // The whole text, or each sentence.
                let whole = (!scope.sentences).then_some(0..block.text.len());
                let sentences = block
                    .sentences
                    .iter()
                    .filter(move |_| scope.sentences)
                    .map(|s| s.text.clone());
                whole.into_iter().chain(sentences).map(move |r| (block, r))
            });
        Box::new(blocks.chain(self.detached.iter().map(|b| (b, 0..b.text.len()))))
    }
}

/// Vale's `summary`: paragraphs, list items and quotes (no headings, table cells or code),
/// joined by blank lines into one text; `None` for a document without body text.
fn summary(doc: &Document<'_>) -> Option<Block> {
    let body = |b: &&Block| {
        matches!(
            b.kind,
            BlockKind::Paragraph | BlockKind::Term | BlockKind::ListItem | BlockKind::BlockQuote
        )
    };
    let mut parts = doc.blocks.iter().filter(body);
    let first = parts.next()?;
    let mut joined = BlockBuilder::new(BlockKind::Paragraph, first.span, 0);
    joined.push_block(first);
    for block in parts {
        // The blank line stands where the next block starts.
        joined.push("\n\n", Span::new(block.span.start, block.span.start));
        joined.push_block(block);
        joined.span = joined.span.cover(block.span);
    }
    Some(joined.finish_detached())
}

/// Vale's `raw`: the source of the prose blocks, markup included, one text per stretch of
/// blocks that touch or overlap (a list item holds its nested items). Nothing is left out
/// inside it, not even a URL: that is what `raw` is for.
fn raw(doc: &Document<'_>) -> Vec<Block> {
    let mut spans: Vec<Span> = doc.prose().map(|(_, b)| b.span).collect();
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => *last = last.cover(span),
            _ => merged.push(span),
        }
    }
    merged
        .into_iter()
        .filter_map(|span| {
            let text = doc.source.get(span.range())?;
            let mut block = BlockBuilder::new(BlockKind::Paragraph, span, 0);
            block.push(text, span);
            Some(block.finish(0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Format;

    fn kinds(scope: &[&str], source: &str) -> Vec<String> {
        let scope =
            Scope::parse(&scope.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("scope");
        let doc = Document::parse(source, Format::Markdown);
        (&scope.units(&doc))
            .into_iter()
            .map(|(b, r)| b.text[r].to_string())
            .collect()
    }

    #[test]
    fn selects_blocks_and_sentences() {
        let md = "# One\n\n## Two\n\nA b. C d.\n\n- item\n\n> quote\n\n```\ncode\n```\n";
        assert_eq!(kinds(&["heading.h2"], md), ["Two"]);
        assert_eq!(kinds(&["heading"], md), ["One", "Two"]);
        assert_eq!(kinds(&["sentence"], md), ["A b.", "C d.", "item", "quote"]);
        assert_eq!(kinds(&["~heading"], md), ["A b. C d.", "item", "quote"]);
        assert_eq!(kinds(&["list", "blockquote"], md), ["item", "quote"]);
        assert_eq!(kinds(&["text & ~list"], md).len(), 4);
        assert!(Scope::parse(&["code".to_string()]).is_err());
    }

    fn texts(scope: &[&str], source: &str, format: Format) -> Vec<String> {
        let scope =
            Scope::parse(&scope.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("scope");
        let doc = Document::parse(source, format);
        (&scope.units(&doc))
            .into_iter()
            .map(|(b, r)| {
                // Every text maps back onto the source it came from, at both ends.
                let span = b.source_span(r.clone());
                assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
                b.text[r].to_string()
            })
            .collect()
    }

    #[test]
    fn alt_raw_and_summary_are_texts_of_their_own() {
        let md = "---\nt: x\n---\n\n# Head\n\nOne ![Alt *one*](a.png) two.\n\n- item\n\n| c |\n|---|\n| d |\n\n```\ncode\n```\n";
        assert_eq!(texts(&["alt"], md, Format::Markdown), ["Alt one"]);
        assert_eq!(
            texts(&["alt & ~heading"], md, Format::Markdown),
            ["Alt one"]
        );
        assert_eq!(texts(&["alt & text"], md, Format::Markdown), ["Alt one"]);
        // Vale: a negated term never selects `raw` or `summary`; `~alt` is every block.
        assert!(texts(&["raw & ~heading"], md, Format::Markdown).is_empty());
        assert!(texts(&["summary & ~list"], md, Format::Markdown).is_empty());
        assert_eq!(texts(&["~alt"], md, Format::Markdown).len(), 5);
        assert!(texts(&["alt & heading"], md, Format::Markdown).is_empty());
        assert_eq!(
            texts(&["summary"], md, Format::Markdown),
            ["One \u{FFFC} two.\n\nitem"]
        );
        assert_eq!(
            texts(&["raw"], md, Format::Markdown),
            // A table cell's source is what lies between its pipes.
            [
                "# Head\n",
                "One ![Alt *one*](a.png) two.\n",
                "- item\n\n",
                " c ",
                " d "
            ]
        );
        assert!(texts(&["alt"], "Plain ![x](y) text.", Format::Text).is_empty());
        assert_eq!(
            texts(
                &["alt"],
                "An ![alt over\r\ntwo `lines`](a.png) image.",
                Format::Markdown
            ),
            ["alt over two \u{FFFC}"]
        );
    }

    #[test]
    fn alt_text_maps_to_exact_source_spans() {
        for (source, format) in [
            (
                "Intro 🎉\r\n\r\n![猫の photo 🐱 &amp; x\tz](a.png)\r\n",
                Format::Markdown,
            ),
            (
                "<p>Intro 🎉</p>\r\n<p><img alt=\"猫の photo 🐱 &amp; x\tz\" src=a.png></p>\r\n",
                Format::Html,
            ),
        ] {
            let doc = Document::parse(source, format);
            let scope = Scope::parse(&["alt".to_string()]).unwrap();
            let units = scope.units(&doc);
            let (block, range) = (&units).into_iter().next().expect("one alt text");
            assert_eq!(&block.text[range], "猫の photo 🐱 & x\tz", "{format:?}");
            let span = |needle: &str| {
                let at = block.text.find(needle).unwrap();
                &source[block.source_span(at..at + needle.len()).range()]
            };
            assert_eq!(span("猫の photo 🐱"), "猫の photo 🐱", "{format:?}");
            assert_eq!(span("&"), "&amp;", "{format:?}");
            assert_eq!(span("x\tz"), "x\tz", "{format:?}");
        }
    }
}
