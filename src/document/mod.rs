//! The one model of a draft that every rule reads.
//!
//! Markdown, HTML and plain text are parsed once into the same shape: prose [`Block`]s with their
//! visible text, [`Sentence`]s and [`Word`]s, plus [`Link`]s, [`Image`]s, front matter, comments,
//! FAQ sections and source lists. Rules never parse text themselves; that keeps them
//! format-agnostic and guarantees that code, URLs and front matter are never mistaken for prose.
//!
//! A block's `text` is what a reader sees: markup is stripped, inline code and images become a
//! placeholder character, and line breaks inside a paragraph become spaces. An [`OffsetMap`]
//! takes any range of that text back to exact byte spans of the original file.

mod builder;
mod char_classes;
pub mod dates;
mod html;
pub mod html_scope;
mod html_tokens;
pub mod html_tree;
mod markdown;
mod plain;
mod quotations;
pub mod sentences;
mod structure;
#[cfg(test)]
pub(crate) mod test_text;

use std::ops::Range;

pub use builder::{BlockBuilder, OffsetMap};
pub use quotations::{Citation, Quotation, QuotationKind};

/// Documents longer than this are segmented into words and sentences in parallel.
const PARALLEL_SEGMENT_BYTES: usize = 256 * 1024;

use crate::source::Format;
use crate::span::Span;

/// Stands in the visible text for inline code and images: it is not a word, not a number and
/// not punctuation, so no rule matches it, yet it keeps the text's offsets honest.
pub const PLACEHOLDER: char = '\u{FFFC}';

/// What kind of container a block of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading, with its level (1–6). Plain-text headings are inferred and get level 2.
    Heading(u8),
    Paragraph,
    ListItem,
    BlockQuote,
    TableCell,
    /// A definition-list term (`<dt>`), a common way to ask an FAQ question in HTML.
    Term,
    /// A code block: not prose, kept only so structure (what follows what) stays visible.
    Code,
}

impl BlockKind {
    pub fn is_prose(self) -> bool {
        self != BlockKind::Code
    }

    pub fn is_heading(self) -> bool {
        matches!(self, BlockKind::Heading(_))
    }
}

/// Membership of a list-item block in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListRef {
    /// Document-wide list number; items of one list share it.
    pub list: usize,
    /// 0-based position of the item in its list.
    pub index: usize,
    pub ordered: bool,
}

/// A word of a block; its source span is `block.source_span(word.text.clone())`, computed on
/// demand because rules rarely need it and a document has many words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Range in the block's `text`.
    pub text: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Range in the block's `text`, trimmed of surrounding white space.
    pub text: Range<usize>,
    pub span: Span,
    /// Indices into the block's `words`.
    pub words: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    /// The whole block in the source, markup included (`## `, `- `, `<p>`…).
    pub span: Span,
    /// The visible text.
    pub text: String,
    pub map: OffsetMap,
    pub sentences: Vec<Sentence>,
    pub words: Vec<Word>,
    /// Ranges of `text` that are not prose even though they sit in it: bare URLs, template
    /// shortcodes, placeholders. Rules skip matches touching them.
    pub excluded: Vec<Range<usize>>,
    pub list: Option<ListRef>,
    /// The whole text is bold (`**Question?**`), which is how many drafts mark FAQ questions.
    pub strong_only: bool,
    /// Indices into [`Document::links`] of the links inside this block.
    pub links: Range<usize>,
}

impl Block {
    /// Source span of a range of `text`.
    pub fn source_span(&self, text: Range<usize>) -> Span {
        self.map.span(text)
    }

    /// Whether a range of `text` touches code, a URL or another non-prose part.
    pub fn is_excluded(&self, range: &Range<usize>) -> bool {
        self.excluded
            .iter()
            .any(|ex| ex.start < range.end && range.start < ex.end)
    }

    /// The sentence holding a text offset.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        self.sentences
            .iter()
            .position(|s| s.text.start <= offset && offset < s.text.end.max(s.text.start + 1))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](url)`
    Inline,
    /// `[text][label]`, `[text][]` or `[text]` resolved through a definition.
    Reference,
    /// `<https://…>` or `<me@example.com>`
    Autolink,
    /// `<a href="…">` in HTML.
    Html,
}

#[derive(Clone, Debug)]
pub struct Link {
    pub kind: LinkKind,
    /// The whole link in the source.
    pub span: Span,
    /// The visible text, as in its block.
    pub text: String,
    /// The text's span in the source (empty at the text position for `[](url)`).
    pub text_span: Span,
    /// The block holding the link and the range of its text in that block.
    pub block: usize,
    pub text_range: Range<usize>,
    /// The destination as written (after entity/escape decoding), `None` when the element
    /// has none at all (`<a>` without `href`).
    pub dest: Option<String>,
    /// Where the destination is written: inside the link, or in a reference definition.
    pub dest_span: Option<Span>,
    /// The link contains only images.
    pub image_only: bool,
    /// The accessible name (HTML-AAM: `aria-labelledby`, `aria-label`, text with image alt
    /// and SVG titles, `title`); `None` in formats without such markup.
    pub name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Image {
    pub span: Span,
    pub alt: String,
    /// Where each part of `alt` is in the source (inside `![…]` or the `alt="…"` value).
    pub alt_map: OffsetMap,
    pub dest: String,
    pub block: Option<usize>,
}

impl Image {
    /// The alt text as a block of its own, with words, sentences and exact source spans:
    /// what Vale's `alt` scope reads.
    pub fn alt_block(&self) -> Block {
        builder::detached_block(
            BlockKind::Paragraph,
            self.span,
            self.alt.clone(),
            self.alt_map.clone(),
        )
    }
}

/// A comment (`<!-- … -->`, or a `draftlint-…` line in plain text), kept for suppressions.
#[derive(Clone, Debug)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// A `[text][label]` whose label has no definition.
#[derive(Clone, Debug)]
pub struct BrokenReference {
    pub span: Span,
    pub label: String,
}

/// One question and its answer in an FAQ section.
#[derive(Clone, Debug)]
pub struct FaqPair {
    /// Block index of the question.
    pub question: usize,
    /// Block indices of the answer.
    pub answer: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct FaqSection {
    /// The block that opens the section ("FAQ", "Frequently asked questions").
    pub opener: usize,
    pub pairs: Vec<FaqPair>,
    /// All blocks of the section, opener included.
    pub blocks: Range<usize>,
}

/// A list of sources or further reading, introduced by a heading or lead-in line.
#[derive(Clone, Debug)]
pub struct SourceList {
    /// The heading or lead-in block, if the list has one.
    pub lead: Option<usize>,
    /// Block indices of the list items.
    pub items: Vec<usize>,
}

#[derive(Debug)]
pub struct Document<'a> {
    pub source: &'a str,
    pub format: Format,
    pub blocks: Vec<Block>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    pub front_matter: Option<Span>,
    pub comments: Vec<Comment>,
    pub broken_references: Vec<BrokenReference>,
    pub faqs: Vec<FaqSection>,
    pub source_lists: Vec<SourceList>,
    /// The date the document speaks from: its own (front matter, HTML, dateline), or one the
    /// run supplies for undated documents (see [`dates`]).
    pub date: Option<dates::DocDate>,
    /// Quoted speech and block quotes, sorted by block and position.
    pub quotations: Vec<Quotation>,
    /// HTML only: where markup names a quotation's source (`<cite>`, a block quote's footer).
    pub citations: Vec<Citation>,
    /// HTML only: which part of the page was linted.
    pub html_scope: Option<html_scope::ContentScope>,
}

/// Creates the patterns parsing needs (each is built on its first search), so that
/// `tests/builtin_patterns.rs` can build and check every one of them.
pub fn warm_up() {
    structure::create_patterns();
    builder::create_patterns();
    dates::create_patterns();
}

impl<'a> Document<'a> {
    pub fn parse(source: &'a str, format: Format) -> Document<'a> {
        Document::parse_with(source, format, &html_scope::HtmlOptions::default())
    }

    /// Parses with the HTML parser's settings (content and exclude selectors).
    pub fn parse_with(
        source: &'a str,
        format: Format,
        html: &html_scope::HtmlOptions,
    ) -> Document<'a> {
        let mut doc = Document {
            source,
            format,
            blocks: Vec::new(),
            links: Vec::new(),
            images: Vec::new(),
            front_matter: None,
            comments: Vec::new(),
            broken_references: Vec::new(),
            faqs: Vec::new(),
            source_lists: Vec::new(),
            date: None,
            quotations: Vec::new(),
            citations: Vec::new(),
            html_scope: None,
        };
        match format {
            Format::Markdown => markdown::parse(&mut doc),
            Format::Html => html::parse(&mut doc, html),
            Format::Text => plain::parse(&mut doc),
        }
        if source.len() > PARALLEL_SEGMENT_BYTES {
            use rayon::prelude::*;
            doc.blocks.par_iter_mut().for_each(builder::segment);
        } else {
            doc.blocks.iter_mut().for_each(builder::segment);
        }
        structure::find_sections(&mut doc);
        doc.date = dates::find(&doc);
        quotations::find(&mut doc);
        // Rules run while the whole model is held: return the spare capacity of its lists.
        doc.blocks.shrink_to_fit();
        doc.links.shrink_to_fit();
        doc.quotations.shrink_to_fit();
        doc
    }

    /// Prose blocks with their indices.
    pub fn prose(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind.is_prose())
    }

    /// Source span covered by a run of blocks.
    pub fn blocks_span(&self, blocks: Range<usize>) -> Span {
        let first = &self.blocks[blocks.start];
        let last = &self.blocks[blocks.end - 1];
        first.span.cover(last.span)
    }
}
