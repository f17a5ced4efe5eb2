//! Quoted speech: which words of a block are someone else's.
//!
//! Rules must tell the writer's claims from a speaker's words: a figure inside a quotation is
//! sourced by its speaker, a repeated word inside one may be how the speaker talked. So the
//! model records every quotation once, after segmentation, from the visible text of each block.
//!
//! Quote marks are paired on the visible text, never in code or URLs (those are placeholders or
//! excluded ranges there). Curly double quotes, low-high quotes („…“), guillemets («…») and CJK
//! corner brackets (「…」) are unambiguous. Straight double quotes open after a space or an
//! opening bracket and close before one. Curly single quotes count only when a `‘` opens them:
//! a lone `’` is an apostrophe ("don’t", "Jones’", "the ’90s"), and straight single quotes are
//! never quotations, because in plain text they are apostrophes far more often than quotes.
//!
//! A quote left open at the end of a block is dropped, unless the next block opens with the same
//! mark: that is the convention of a quotation running over several paragraphs, where only the
//! last paragraph closes it ([`Quotation::runs_on`]). Markdown `>` and HTML `<blockquote>`
//! blocks are block quotations. A curly opener closed by a straight mark (`“…"`) is one
//! quotation: a slip of the keyboard, not two open quotes.
//!
//! HTML also says in markup where a quotation's source is named: `<cite>`, the `<footer>` of a
//! `<blockquote>`, the `<figcaption>` of a `<figure>` that holds one. The HTML parser records
//! those as [`Citation`]s, because the visible text alone no longer shows them.

use std::ops::Range;

use super::{Block, BlockKind, Document};
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotationKind {
    /// Quoted words inside a block's text, between quote marks.
    Inline,
    /// A whole block quote (`>` in Markdown, `<blockquote>` in HTML).
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quotation {
    pub kind: QuotationKind,
    /// Index into [`Document::blocks`].
    pub block: usize,
    /// The quoted words, inside the marks, in the block's text (the whole text for a block quote).
    pub text: Range<usize>,
    /// The quotation including its marks, in the block's text.
    pub outer: Range<usize>,
    /// Source span of `outer`.
    pub span: Span,
    /// Number of the block's words inside `text`.
    pub words: usize,
    /// Left open at the end of its paragraph because the next paragraph opens with the same
    /// mark: the quotation goes on there (the convention for speech over several paragraphs).
    pub runs_on: bool,
}

/// Where HTML markup names the source of a quotation: a `<cite>` element, the `<footer>` of a
/// `<blockquote>`, or the `<figcaption>` of a `<figure>` that holds a block quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The block that holds the citation's text.
    pub block: usize,
    /// The citation's text in that block.
    pub text: Range<usize>,
    /// The blocks it cites: those of its `<blockquote>` or `<figure>`; for a `<cite>` outside
    /// both, its own block.
    pub cites: Range<usize>,
}

/// A family of quote marks: how one opens and which marks close it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// `"`: the same mark opens and closes.
    Straight,
    /// `“…”` and `„…“`/`„…”`.
    CurlyDouble,
    /// `‘…’`.
    CurlySingle,
    /// `«…»`.
    Guillemet,
    /// `「…」`.
    Corner,
    /// `『…』`.
    WhiteCorner,
}

enum Mark {
    Open(Family),
    Close(Family),
    /// `"`: opens or closes depending on its neighbours.
    Straight,
    /// `“` closes a `„` but opens otherwise.
    LeftDouble,
}

fn mark(c: char) -> Option<Mark> {
    Some(match c {
        '"' => Mark::Straight,
        '“' => Mark::LeftDouble,
        '„' => Mark::Open(Family::CurlyDouble),
        '”' => Mark::Close(Family::CurlyDouble),
        '‘' => Mark::Open(Family::CurlySingle),
        '’' => Mark::Close(Family::CurlySingle),
        '«' => Mark::Open(Family::Guillemet),
        '»' => Mark::Close(Family::Guillemet),
        '「' => Mark::Open(Family::Corner),
        '」' => Mark::Close(Family::Corner),
        '『' => Mark::Open(Family::WhiteCorner),
        '』' => Mark::Close(Family::WhiteCorner),
        _ => return None,
    })
}

/// Whether a byte of UTF-8 text may start a character of [`mark`]: `"`, or the first byte of
/// U+00AB and U+00BB (0xC2), of U+2018 to U+201E (0xE2) or of U+300C to U+300F (0xE3). Never a
/// continuation byte, so it is always where a character starts.
fn may_start_mark(b: u8) -> bool {
    matches!(b, b'"' | 0xC2 | 0xE2 | 0xE3)
}

/// An opening mark waiting for its closer.
struct Open {
    family: Family,
    /// Offset of the mark; the quoted text starts after it.
    at: usize,
    len: usize,
    /// Opened by `„`, so `“` closes it.
    low: bool,
}

pub(super) fn find(doc: &mut Document<'_>) {
    let mut quotations = Vec::new();
    let prose: Vec<usize> = doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind.is_prose())
        .map(|(i, _)| i)
        .collect();
    for (n, &index) in prose.iter().enumerate() {
        let block = &doc.blocks[index];
        let next = prose.get(n + 1).map(|&i| &doc.blocks[i]);
        if block.kind == BlockKind::BlockQuote {
            let text = block.text.as_str();
            let start = text.len() - text.trim_start().len();
            let end = text.trim_end().len().max(start);
            quotations.push(quotation(
                QuotationKind::Block,
                index,
                block,
                start..end,
                start..end,
                false,
            ));
        }
        inline(index, block, next, &mut quotations);
    }
    doc.quotations = quotations;
}

fn quotation(
    kind: QuotationKind,
    index: usize,
    block: &Block,
    text: Range<usize>,
    outer: Range<usize>,
    runs_on: bool,
) -> Quotation {
    let first = block.words.partition_point(|w| w.text.start < text.start);
    let words = block.words[first..]
        .iter()
        .take_while(|w| w.text.end <= text.end)
        .count();
    Quotation {
        kind,
        block: index,
        span: block.source_span(outer.clone()),
        text,
        outer,
        words,
        runs_on,
    }
}

/// Inline quotations of one block, outermost only, in text order.
fn inline(index: usize, block: &Block, next: Option<&Block>, out: &mut Vec<Quotation>) {
    let text = block.text.as_str();
    // The straight mark is the only ASCII opener: ASCII text without it has no quotation.
    if memchr::memchr(b'"', text.as_bytes()).is_none()
        && (text.is_ascii() || !text.contains(['“', '„', '‘', '«', '「', '『']))
    {
        return;
    }
    // Every closed pair, at any depth: (text, outer).
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    // Only the marks are visited (see [`may_start_mark`]), with the characters around them.
    let marks = text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| may_start_mark(b))
        .map(|(at, _)| at);
    for at in marks {
        let Some(c) = text[at..].chars().next() else {
            continue;
        };
        let Some(m) = mark(c) else { continue };
        let before = text[..at].chars().next_back();
        let next_char = text[at + c.len_utf8()..].chars().next();
        if block.is_excluded(&(at..at + c.len_utf8())) {
            continue;
        }
        let len = c.len_utf8();
        let opens = |low: bool, family: Family| Open {
            family,
            at,
            len,
            low,
        };
        let space_or_none = |c: Option<char>| c.is_none_or(char::is_whitespace);
        match m {
            Mark::Straight => {
                let can_close =
                    !space_or_none(before) && !next_char.is_some_and(char::is_alphanumeric);
                let can_open =
                    !before.is_some_and(char::is_alphanumeric) && !space_or_none(next_char);
                let top_straight = stack.last().is_some_and(|o| o.family == Family::Straight);
                let top_curly = stack
                    .last()
                    .is_some_and(|o| o.family == Family::CurlyDouble && !o.low);
                if top_straight && can_close {
                    close(&mut stack, &mut pairs, Family::Straight, at, len);
                } else if can_open {
                    stack.push(opens(false, Family::Straight));
                } else if top_curly && can_close {
                    // “…": the closing mark typed straight.
                    close(&mut stack, &mut pairs, Family::CurlyDouble, at, len);
                }
            }
            Mark::LeftDouble => {
                if stack.iter().any(|o| o.low) && !space_or_none(before) {
                    close(&mut stack, &mut pairs, Family::CurlyDouble, at, len);
                } else {
                    stack.push(opens(false, Family::CurlyDouble));
                }
            }
            Mark::Open(Family::CurlySingle) => {
                // "‘90s" and "rock ‘n’ roll" are elisions typed with the wrong mark.
                let rest = &text[at + len..];
                let elision = rest.starts_with(|c: char| c.is_ascii_digit())
                    || rest.starts_with("n’")
                    || rest.starts_with("n ");
                if !elision
                    && !before.is_some_and(char::is_alphanumeric)
                    && !space_or_none(next_char)
                {
                    stack.push(opens(false, Family::CurlySingle));
                }
            }
            Mark::Close(Family::CurlySingle) => {
                // Between letters it is an apostrophe ("don’t"); only an open `‘` makes a
                // closer of it.
                let apostrophe = before.is_some_and(char::is_alphanumeric)
                    && next_char.is_some_and(char::is_alphanumeric);
                if !apostrophe && stack.iter().any(|o| o.family == Family::CurlySingle) {
                    close(&mut stack, &mut pairs, Family::CurlySingle, at, len);
                }
            }
            Mark::Open(family) => stack.push(opens(c == '„', family)),
            Mark::Close(family) => close(&mut stack, &mut pairs, family, at, len),
        }
    }
    // A quotation left open runs to the end of the block only when the next block opens with
    // the same mark (a quotation over several paragraphs).
    let mut runs_on = None;
    if let Some(outermost) = stack.first()
        && next.is_some_and(|n| opens_with(&n.text, outermost.family))
    {
        let end = text.trim_end().len().max(outermost.at + outermost.len);
        pairs.push((outermost.at + outermost.len..end, outermost.at..end));
        runs_on = Some(outermost.at);
    }
    pairs.sort_by_key(|(_, outer)| (outer.start, std::cmp::Reverse(outer.end)));
    let mut covered_to = 0;
    for (inner, outer) in pairs {
        if outer.start < covered_to {
            continue;
        }
        covered_to = outer.end;
        let open_ended = runs_on == Some(outer.start) && outer.end >= text.trim_end().len();
        out.push(quotation(
            QuotationKind::Inline,
            index,
            block,
            inner,
            outer,
            open_ended,
        ));
    }
}

/// Closes the innermost open quotation of `family`, dropping unclosed ones inside it.
fn close(
    stack: &mut Vec<Open>,
    pairs: &mut Vec<(Range<usize>, Range<usize>)>,
    family: Family,
    at: usize,
    len: usize,
) {
    let Some(depth) = stack.iter().rposition(|o| o.family == family) else {
        return;
    };
    let open = &stack[depth];
    pairs.push((open.at + open.len..at, open.at..at + len));
    stack.truncate(depth);
}

fn opens_with(text: &str, family: Family) -> bool {
    let Some(c) = text.trim_start().chars().next() else {
        return false;
    };
    match (mark(c), family) {
        (Some(Mark::Straight), Family::Straight)
        | (Some(Mark::LeftDouble), Family::CurlyDouble) => true,
        (Some(Mark::Open(f)), _) => f == family,
        _ => false,
    }
}

impl Document<'_> {
    /// The quotations of one block, in text order.
    pub fn quotations_in(&self, block: usize) -> &[Quotation] {
        let start = self.quotations.partition_point(|q| q.block < block);
        let end = self.quotations.partition_point(|q| q.block <= block);
        &self.quotations[start..end]
    }

    /// The HTML citations whose text is in one block, in text order.
    pub fn citations_in(&self, block: usize) -> &[Citation] {
        let start = self.citations.partition_point(|c| c.block < block);
        let end = self.citations.partition_point(|c| c.block <= block);
        &self.citations[start..end]
    }

    /// For each block, whether an HTML citation cites it. Quotes and figures nest or follow
    /// each other, so merging their ranges keeps this linear however many citations they hold.
    pub fn cited_blocks(&self) -> Vec<bool> {
        let mut cited = vec![false; self.blocks.len()];
        let mut ranges: Vec<Range<usize>> =
            self.citations.iter().map(|c| c.cites.clone()).collect();
        ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut marked_to = 0;
        for r in ranges {
            let from = r.start.max(marked_to);
            for flag in cited.iter_mut().take(r.end).skip(from) {
                *flag = true;
            }
            marked_to = marked_to.max(r.end);
        }
        cited
    }

    /// Whether a range of a block's text lies inside a quotation (its marks included).
    pub fn in_quotation(&self, block: usize, range: Range<usize>) -> bool {
        self.quotations_in(block)
            .iter()
            .any(|q| q.outer.start <= range.start && range.end <= q.outer.end)
    }
}

#[cfg(test)]
mod tests {
    /// Every mark starts with a byte that [`super::may_start_mark`] admits.
    #[test]
    fn mark_bytes_are_admitted() {
        for c in [
            '"', '“', '„', '”', '‘', '’', '«', '»', '「', '」', '『', '』',
        ] {
            assert!(super::mark(c).is_some());
            let mut buf = [0u8; 4];
            assert!(
                super::may_start_mark(c.encode_utf8(&mut buf).as_bytes()[0]),
                "{c}"
            );
        }
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            if super::mark(c).is_some() {
                assert!(
                    super::may_start_mark(c.encode_utf8(&mut buf).as_bytes()[0]),
                    "{c}"
                );
            }
        }
    }

    use crate::document::{Citation, Document};
    use crate::source::Format;

    /// Each inline quotation as (block, text with marks, runs on).
    fn inline(doc: &Document<'_>) -> Vec<(usize, String, bool)> {
        doc.quotations
            .iter()
            .filter(|q| q.kind == super::QuotationKind::Inline)
            .map(|q| {
                let text = doc.blocks[q.block].text[q.outer.clone()].to_string();
                (q.block, text, q.runs_on)
            })
            .collect()
    }

    #[test]
    fn a_curly_quotation_closes_with_a_straight_mark() {
        let text = "“I enjoyed it, truly.\" - Pia and “she said \"no\" twice”.\n";
        let doc = Document::parse(text, Format::Markdown);
        assert_eq!(
            inline(&doc),
            [
                (0, "“I enjoyed it, truly.\"".to_string(), false),
                (0, "“she said \"no\" twice”".to_string(), false),
            ]
        );
        assert_eq!(doc.quotations[0].span.range(), 0..24);
    }

    #[test]
    fn a_quotation_over_two_paragraphs_runs_on() {
        let text = "She said, \"We stay.\n\n\"And we fight.\"\n\nAfter \"that\".\n";
        let doc = Document::parse(text, Format::Text);
        assert_eq!(
            inline(&doc),
            [
                (0, "\"We stay.".to_string(), true),
                (1, "\"And we fight.\"".to_string(), false),
                (2, "\"that\"".to_string(), false),
            ]
        );
    }

    #[test]
    fn html_citations_of_block_quotes() {
        let text = "<p>Intro.</p>\
            <blockquote><p>“One.”</p><footer>— Ann</footer></blockquote>\
            <blockquote><p>“Two.” <cite>Bo</cite></p></blockquote>\
            <figure><blockquote><p>“Three.”</p></blockquote><figcaption>Cy</figcaption></figure>\
            <figure><img src=\"a.png\" alt=\"\"><figcaption>A road</figcaption></figure>\
            <p>“Four.” <cite>Di</cite></p>";
        let doc = Document::parse(text, Format::Html);
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Intro.",
                "“One.”",
                "— Ann",
                "“Two.” Bo",
                "“Three.”",
                "Cy",
                "\u{fffc}",
                "A road",
                "“Four.” Di"
            ]
        );
        let cite = |block, text, cites| Citation { block, text, cites };
        assert_eq!(
            doc.citations,
            [
                cite(2, 0..7, 1..3),
                cite(3, 11..13, 3..4),
                cite(5, 0..2, 4..6),
                cite(8, 12..14, 8..9),
            ]
        );
        let cited: Vec<usize> = (0..doc.blocks.len())
            .filter(|&i| doc.cited_blocks()[i])
            .collect();
        assert_eq!(cited, [1, 2, 3, 4, 5, 8]);
        assert_eq!(doc.citations_in(3).len(), 1);
        assert!(doc.citations_in(6).is_empty());
        let cited = &doc.citations[0];
        assert_eq!(
            &text[doc.blocks[cited.block]
                .source_span(cited.text.clone())
                .range()],
            "— Ann"
        );
    }
}
