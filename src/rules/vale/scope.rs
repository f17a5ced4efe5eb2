//! Vale's scopes (`text`, `heading.h2`, `sentence`, `~blockquote`, `list & ~heading`) over the
//! draftlint document model.
//!
//! A rule's `scope` is a list of alternatives; an alternative joins terms with `&`, and a term
//! prefixed with `~` excludes what it names. Every alternative is matched against the blocks
//! of the [`Document`]: headings, paragraphs, list items, quotes and table cells. Code and
//! front matter are never in scope, whatever the selector says. The scope also says what a rule
//! reads at a time: a whole block, or (`sentence`) each sentence of it.

use std::ops::Range;

use crate::document::{Block, BlockKind, Document};

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
            _ => {
                let level = name.strip_prefix("heading.h")?.parse::<u8>().ok()?;
                (1..=6)
                    .contains(&level)
                    .then_some(Part::Heading(Some(level)))?
            }
        })
    }

    fn holds(self, block: &Block) -> bool {
        match (self, block.kind) {
            (_, BlockKind::Code) => false,
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
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            alternatives: vec![vec![(false, Part::Text)]],
            sentences: false,
        }
    }
}

/// Scopes draftlint cannot offer; a rule using them is skipped with a warning.
pub const UNSUPPORTED: &[&str] = &["alt", "raw", "summary", "title", "code", "comment"];

impl Scope {
    /// Parses a rule's scope list; `Err` names the part that is not supported.
    pub fn parse(list: &[String]) -> Result<Scope, String> {
        if list.is_empty() {
            return Ok(Scope::default());
        }
        let mut alternatives = Vec::new();
        let mut sentences = false;
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
            alternatives.push(terms);
        }
        Ok(Scope {
            alternatives,
            sentences,
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

    /// The pieces of text a rule reads, in document order: the block index and a range of
    /// its text (the whole text, or one sentence).
    pub fn units<'d>(
        &'d self,
        doc: &'d Document<'_>,
    ) -> impl Iterator<Item = (usize, Range<usize>)> + 'd {
        doc.blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind.is_prose() && self.holds(b))
            .flat_map(move |(i, b)| {
                let whole = std::iter::once(0..b.text.len());
                let pieces: Vec<Range<usize>> = if self.sentences {
                    b.sentences.iter().map(|s| s.text.clone()).collect()
                } else {
                    whole.collect()
                };
                pieces.into_iter().map(move |r| (i, r))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Format;

    fn kinds(scope: &[&str], source: &str) -> Vec<String> {
        let scope =
            Scope::parse(&scope.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("scope");
        let doc = Document::parse(source, Format::Markdown);
        scope
            .units(&doc)
            .map(|(b, r)| doc.blocks[b].text[r].to_string())
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
        assert!(Scope::parse(&["alt".to_string()]).is_err());
    }
}
