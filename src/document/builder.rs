//! Building a block's visible text while remembering where every piece came from.

use std::ops::Range;
use std::sync::LazyLock;

use crate::pattern::Regex;
use unicode_segmentation::UnicodeSegmentation;

use super::char_classes::{CharClasses, Proxy, byte_table};
use super::sentences;
use super::{Block, BlockKind, ListRef, PLACEHOLDER, Sentence, Word};
use crate::span::Span;

/// One stretch of visible text and the source bytes it came from. When the two have the same
/// length (the common case) offsets map one to one; otherwise (an entity such as `&amp;`, an
/// escape such as `\*`, a placeholder) only the ends of the stretch are known.
#[derive(Clone, Copy, Debug)]
struct Segment {
    text_start: usize,
    text_len: usize,
    src_start: usize,
    src_len: usize,
}

/// Maps offsets in a block's visible text to byte offsets in the source.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    segments: Segments,
}

/// The segments of a block. Most blocks are one verbatim stretch of the source (a paragraph of
/// plain prose), so one segment is kept inline: a million short paragraphs then need no
/// million extra allocations.
#[derive(Clone, Debug)]
enum Segments {
    One(Segment),
    Many(Vec<Segment>),
}

impl Default for Segments {
    fn default() -> Self {
        Segments::Many(Vec::new())
    }
}

impl Segments {
    fn as_slice(&self) -> &[Segment] {
        match self {
            Segments::One(segment) => std::slice::from_ref(segment),
            Segments::Many(segments) => segments,
        }
    }

    fn last_mut(&mut self) -> Option<&mut Segment> {
        match self {
            Segments::One(segment) => Some(segment),
            Segments::Many(segments) => segments.last_mut(),
        }
    }

    fn push(&mut self, segment: Segment) {
        match self {
            Segments::Many(segments) if segments.is_empty() => *self = Segments::One(segment),
            Segments::One(first) => *self = Segments::Many(vec![*first, segment]),
            Segments::Many(segments) => segments.push(segment),
        }
    }

    fn shrink_to_fit(&mut self) {
        if let Segments::Many(segments) = self {
            segments.shrink_to_fit();
        }
    }
}

impl OffsetMap {
    /// Source offset of a text offset used as the start of a range.
    pub fn start(&self, offset: usize) -> usize {
        // The last segment starting at or before the offset; at a seam this is the later one.
        let segments = self.segments.as_slice();
        let idx = segments
            .partition_point(|s| s.text_start <= offset)
            .saturating_sub(1);
        match segments.get(idx) {
            Some(seg) => seg.map(offset, false),
            None => 0,
        }
    }

    /// Source offset of a text offset used as the end of a range.
    pub fn end(&self, offset: usize) -> usize {
        // The first segment ending at or after the offset; at a seam this is the earlier one.
        let segments = self.segments.as_slice();
        let idx = segments.partition_point(|s| s.text_start + s.text_len < offset);
        match segments.get(idx).or(segments.last()) {
            Some(seg) => seg.map(offset, true),
            None => 0,
        }
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.start(range.start);
        let end = self.end(range.end).max(start);
        Span::new(start, end)
    }
}

impl Segment {
    /// Text and source have the same length, so offsets map one to one.
    fn is_verbatim(&self) -> bool {
        self.text_len == self.src_len
    }

    fn map(&self, offset: usize, is_end: bool) -> usize {
        let rel = offset.saturating_sub(self.text_start).min(self.text_len);
        if self.text_len == self.src_len {
            self.src_start + rel
        } else if rel == 0 && !(is_end && self.text_len == 0) {
            self.src_start
        } else if rel == self.text_len || is_end {
            self.src_start + self.src_len
        } else {
            self.src_start
        }
    }
}

/// Accumulates the visible text of one block.
#[derive(Debug)]
pub struct BlockBuilder {
    pub kind: BlockKind,
    pub span: Span,
    text: String,
    map: OffsetMap,
    excluded: Vec<Range<usize>>,
    pub list: Option<ListRef>,
    /// Non-space text was seen outside bold markup.
    pub plain_seen: bool,
    pub strong_depth: usize,
    pub links_start: usize,
}

static NOT_PROSE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(concat!(
        r"(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\x22]",
        r"|\bwww\.[a-z0-9-]+\.[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\x22]",
        // Template expressions of static-site generators (Hugo shortcodes, Liquid, Jinja).
        r"|\{\{.*?\}\}",
        r"|\{%.*?%\}",
    ))
    .expect("built-in pattern")
});

/// Whether `text` holds what every match of [`NOT_PROSE`] starts with or contains (`://`,
/// `www.`, `{{`, `{%`): most blocks hold none, and a byte search is cheaper than the pattern.
fn may_hold_non_prose(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The searchers are built once: building one per block cost more than most searches.
    static SCHEME: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"://"));
    static WWW: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"www."));
    SCHEME.find(bytes).is_some()
        || WWW.find(bytes).is_some()
        || memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%')))
}

/// Creates this module's patterns (built on their first search), so that
/// `tests/builtin_patterns.rs` can build every one of them.
pub(super) fn create_patterns() {
    LazyLock::force(&NOT_PROSE);
}

impl BlockBuilder {
    pub fn new(kind: BlockKind, span: Span, links_start: usize) -> Self {
        Self {
            kind,
            span,
            // The visible text of a prose block is rarely longer than its source: one
            // allocation instead of one per doubling (the spare is returned by `finish`).
            text: if kind.is_prose() {
                String::with_capacity(span.len())
            } else {
                String::new()
            },
            map: OffsetMap::default(),
            excluded: Vec::new(),
            list: None,
            plain_seen: false,
            strong_depth: 0,
            links_start,
        }
    }

    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Source span of a range of the text built so far.
    pub fn source_span(&self, range: Range<usize>) -> Span {
        self.map.span(range)
    }

    /// Appends text that came from `src` in the source.
    pub fn push(&mut self, text: &str, src: Span) {
        if text.is_empty() {
            return;
        }
        if self.strong_depth == 0 && !text.trim().is_empty() {
            self.plain_seen = true;
        }
        let segment = Segment {
            text_start: self.text.len(),
            text_len: text.len(),
            src_start: src.start,
            src_len: src.len(),
        };
        self.text.push_str(text);
        // Text copied verbatim right after text copied verbatim (the lines of a paragraph and
        // the breaks between them) extends the same stretch: one segment per paragraph instead
        // of two per line, mapping every offset the same way.
        if let Some(last) = self.map.segments.last_mut()
            && last.is_verbatim()
            && segment.is_verbatim()
            && last.src_start + last.src_len == segment.src_start
        {
            last.text_len += segment.text_len;
            last.src_len += segment.src_len;
            return;
        }
        self.map.segments.push(segment);
    }

    /// Appends a line break inside the block as a space.
    pub fn push_break(&mut self, src: Span) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.push(" ", src);
        }
    }

    /// Appends a stand-in for something that is not prose (inline code, an image).
    pub fn push_placeholder(&mut self, src: Span) {
        let start = self.text.len();
        let mut buf = [0u8; 4];
        self.push(PLACEHOLDER.encode_utf8(&mut buf), src);
        self.excluded.push(start..self.text.len());
    }

    /// Finishes the block: trims it, finds non-prose stretches, sentences and words.
    /// Finishes the block's text. Sentences and words come later, from [`segment`], which
    /// the document runs over all blocks at once (in parallel for long documents).
    pub fn finish(mut self, links_end: usize) -> Block {
        let strong_only =
            self.strong_depth == 0 && !self.plain_seen && !self.text.trim().is_empty();
        // A document can have a million blocks: keep no spare capacity in them.
        self.text.shrink_to_fit();
        self.map.segments.shrink_to_fit();
        self.excluded.shrink_to_fit();
        Block {
            kind: self.kind,
            span: self.span,
            text: self.text,
            map: self.map,
            sentences: Vec::new(),
            words: Vec::new(),
            excluded: self.excluded,
            list: self.list,
            strong_only,
            links: self.links_start..links_end,
        }
    }
}

impl BlockBuilder {
    /// Appends a finished block: its text, offset map and non-prose stretches (to read
    /// several blocks as one text, as Vale's `summary` scope does).
    pub fn push_block(&mut self, block: &Block) {
        let offset = self.text.len();
        for segment in block.map.segments.as_slice() {
            self.map.segments.push(Segment {
                text_start: segment.text_start + offset,
                ..*segment
            });
        }
        self.text.push_str(&block.text);
        self.excluded.extend(
            block
                .excluded
                .iter()
                .map(|r| r.start + offset..r.end + offset),
        );
    }

    /// Finishes a block that is not one of the document's own (an image's alt text, the
    /// body text read as one), with its words and sentences.
    pub fn finish_detached(self) -> Block {
        let mut block = self.finish(0);
        segment(&mut block);
        block
    }
}

/// A block that is not one of the document's own, from its text and offset map, with its
/// words and sentences.
pub fn detached_block(kind: BlockKind, span: Span, text: String, map: OffsetMap) -> Block {
    let mut block = Block {
        kind,
        span,
        text,
        map,
        sentences: Vec::new(),
        words: Vec::new(),
        excluded: Vec::new(),
        list: None,
        strong_only: false,
        links: 0..0,
    };
    segment(&mut block);
    block
}

/// Finds a block's non-prose stretches (URLs, template code), words and sentences.
pub fn segment(block: &mut Block) {
    if may_hold_non_prose(&block.text) {
        for m in NOT_PROSE.find_iter(&block.text) {
            block.excluded.push(m.range());
        }
    }
    block.excluded.sort_by_key(|r| r.start);
    let excluded = &block.excluded;
    let map = &block.map;
    // One proxy of the text for both fast paths.
    let proxy = Proxy::new(&block.text);
    let words = match &proxy {
        Some(proxy) => words_of(&proxy.classes(ascii_word_class)),
        None => uax29_words(&block.text),
    };
    block.words = words
        .into_iter()
        .filter(|r| {
            !excluded
                .iter()
                .any(|ex| ex.start < r.end && r.start < ex.end)
        })
        .map(|r| Word { text: r })
        .collect();
    block.words.shrink_to_fit();
    block.excluded.shrink_to_fit();
    let words = &block.words;
    block.sentences = sentences::split_with(&block.text, proxy.as_ref())
        .into_iter()
        .map(|range| {
            let first = words.partition_point(|w| w.text.start < range.start);
            let last = words.partition_point(|w| w.text.start < range.end);
            Sentence {
                span: map.span(range.clone()),
                text: range,
                words: first..last,
            }
        })
        .collect();
}

/// The words of `text` (UAX #29 word pieces that hold a letter or digit): one pass that joins
/// exactly what UAX #29 joins (letters, digits and `_` (WB5, WB8-WB10, WB13a-b), a letter
/// pair across `:`, `.`, `'` or a curly apostrophe (WB6-7), a digit pair across `,`, `;`, `.`
/// or an apostrophe (WB11-12)) for text that has a [`Proxy`]; unicode-segmentation for any
/// other text.
#[cfg(test)]
fn word_ranges(text: &str) -> Vec<Range<usize>> {
    match Proxy::new(text) {
        Some(proxy) => words_of(&proxy.classes(ascii_word_class)),
        None => uax29_words(text),
    }
}

/// The words of any text, as unicode-segmentation finds them.
fn uax29_words(text: &str) -> Vec<Range<usize>> {
    text.unicode_word_indices()
        .map(|(i, w)| i..i + w.len())
        .collect()
}

/// UAX #29 word-break classes, as far as the fast path needs them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WordClass {
    Letter,
    Digit,
    /// `_` (ExtendNumLet).
    Underscore,
    /// `:`: joins letters only.
    MidLetter,
    /// `,` and `;`: join digits only.
    MidNum,
    /// `.`, `'` and the curly single quotes: join letters and digits.
    MidNumLet,
    Other,
}

/// The word-break class of a byte, read from a table: the fast path classifies every byte.
#[inline(always)]
fn ascii_word_class(b: u8) -> WordClass {
    WORD_CLASSES[usize::from(b)]
}

/// [`byte_word_class`] of every byte.
static WORD_CLASSES: [WordClass; 256] = byte_table!(byte_word_class, WordClass::Other);

const fn byte_word_class(b: u8) -> WordClass {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => WordClass::Letter,
        b'0'..=b'9' => WordClass::Digit,
        b'_' => WordClass::Underscore,
        b':' => WordClass::MidLetter,
        b',' | b';' => WordClass::MidNum,
        b'.' | b'\'' => WordClass::MidNumLet,
        _ => WordClass::Other,
    }
}

/// The words of a text read as word-break classes.
fn words_of(chars: &impl CharClasses<WordClass>) -> Vec<Range<usize>> {
    let n = chars.len();
    let class = |i: usize| chars.class(i);
    let letter = |i: usize| class(i) == Some(WordClass::Letter);
    let digit = |i: usize| class(i) == Some(WordClass::Digit);
    let joins = |i: usize| {
        matches!(
            class(i),
            Some(WordClass::Letter | WordClass::Digit | WordClass::Underscore)
        )
    };
    // About one word per six characters in prose: one allocation for most blocks.
    let mut out = Vec::with_capacity(n / 6 + 1);
    let mut i = 0;
    let joining = |c: WordClass| {
        matches!(
            c,
            WordClass::Letter | WordClass::Digit | WordClass::Underscore
        )
    };
    while i < n {
        i = chars.find_from(i, joining);
        if i >= n {
            break;
        }
        let start = i;
        let mut j = i + 1;
        loop {
            if joins(j) {
                j = chars.find_from(j, |c| !joining(c));
            } else if letter(j - 1)
                && matches!(class(j), Some(WordClass::MidLetter | WordClass::MidNumLet))
                && letter(j + 1)
                || digit(j - 1)
                    && matches!(class(j), Some(WordClass::MidNum | WordClass::MidNumLet))
                    && digit(j + 1)
            {
                j += 2;
            } else {
                break;
            }
        }
        if (start..j).any(|k| letter(k) || digit(k)) {
            out.push(chars.start(start)..chars.start(j));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Format;

    /// The ASCII path finds exactly unicode-segmentation's words, on random text made of every
    /// ASCII word-break category.
    #[test]
    fn ascii_words_match_uax29() {
        let parts = [
            "a", "Z", "1", "_", ":", ".", "'", ",", ";", "\"", " ", "  ", "\t", "\r\n", "\n",
            "\x0b", "-", "#", "can't", "e.g.", "1,000.5", "a_b", "x1", "__", "/", "@", "$",
        ];
        crate::document::test_text::assert_same_as_reference(
            &parts,
            5,
            16,
            100_000,
            word_ranges,
            uax29_words,
        );
        assert_eq!(
            word_ranges("can't see 1,000.5 e.g. a_b"),
            [0..5, 6..9, 10..17, 18..21, 23..26]
        );
    }

    /// The same with the non-ASCII characters the fast path knows among them.
    #[test]
    fn known_non_ascii_words_match_uax29() {
        let parts = [
            "a", "Z", "1", "_", ":", ".", "'", ",", ";", " ", "\n", "-", "can’t", "’", "‘", "“",
            "”", "—", "–", "\u{a0}", "…", "é", "É", "ß", "ÿ", "×", "÷", "café", "1’000", "naïve",
            "\u{fffc}",
        ];
        crate::document::test_text::assert_same_as_reference(
            &parts,
            23,
            16,
            100_000,
            word_ranges,
            uax29_words,
        );
        assert_eq!(word_ranges("“Can’t” — café…"), [3..10, 18..23]);
    }

    /// The byte pre-check never skips a block the pattern would find something in.
    #[test]
    fn non_prose_precheck_admits_every_match() {
        let parts = [
            "http", "https", "ftp", ":", "//", "/", "www", ".", "w", "{", "}", "{{", "}}", "%",
            "{%", "%}", "a", "-", " ", "\n", "(", "]", "é",
        ];
        let mut matched = 0;
        for text in crate::document::test_text::random_texts(&parts, 29, 12, 50_000) {
            if NOT_PROSE.is_match(&text) {
                matched += 1;
                assert!(may_hold_non_prose(&text), "{text:?}");
            }
        }
        assert!(matched > 1000, "{matched}");
        assert!(!may_hold_non_prose(
            "a plain { sentence } with www and a colon: //"
        ));
    }

    #[test]
    fn maps_across_markup_seams() {
        // Source: "a **bold** word" → text "a bold word"
        let mut b = BlockBuilder::new(BlockKind::Paragraph, Span::new(0, 15), 0);
        b.push("a ", Span::new(0, 2));
        b.strong_depth = 1;
        b.push("bold", Span::new(4, 8));
        b.strong_depth = 0;
        b.push(" word", Span::new(10, 15));
        let mut block = b.finish(0);
        segment(&mut block);
        assert_eq!(block.text, "a bold word");
        assert_eq!(block.source_span(2..6), Span::new(4, 8));
        assert_eq!(block.source_span(0..11), Span::new(0, 15));
        assert_eq!(block.source_span(6..11), Span::new(10, 15));
    }

    #[test]
    fn verbatim_lines_are_one_inline_segment() {
        // Source: "one two\nthree\n" → text "one two three"; a CRLF break is not verbatim.
        let mut b = BlockBuilder::new(BlockKind::Paragraph, Span::new(0, 14), 0);
        b.push("one two", Span::new(0, 7));
        b.push_break(Span::new(7, 8));
        b.push("three", Span::new(8, 13));
        let block = b.finish(0);
        assert!(matches!(block.map.segments, Segments::One(_)));
        assert_eq!(block.source_span(4..13), Span::new(4, 13));
        assert_eq!(block.source_span(8..13), Span::new(8, 13));

        let mut b = BlockBuilder::new(BlockKind::Paragraph, Span::new(0, 15), 0);
        b.push("one two", Span::new(0, 7));
        b.push_break(Span::new(7, 9));
        b.push("three", Span::new(9, 14));
        let block = b.finish(0);
        assert_eq!(block.map.segments.as_slice().len(), 3);
        assert_eq!(block.source_span(8..13), Span::new(9, 14));
        assert_eq!(block.source_span(7..8), Span::new(7, 9));
    }

    #[test]
    fn many_short_paragraphs_keep_no_spare_capacity() {
        let source = "A claim, 1,000.\n\nAnother one here.\n\n".repeat(500);
        for format in [Format::Text, Format::Markdown] {
            let doc = crate::document::Document::parse(&source, format);
            assert_eq!(doc.blocks.len(), 1000);
            assert_eq!(doc.blocks.capacity(), doc.blocks.len());
            for block in &doc.blocks {
                assert!(matches!(block.map.segments, Segments::One(_)), "{format:?}");
                assert_eq!(block.text.capacity(), block.text.len());
                assert_eq!(block.words.capacity(), block.words.len());
                assert_eq!(block.sentences.capacity(), block.sentences.len());
                assert_eq!(block.excluded.capacity(), 0);
            }
        }
    }

    #[test]
    fn entity_segments_map_to_their_ends() {
        // Source: "A &amp; B" → text "A & B"
        let mut b = BlockBuilder::new(BlockKind::Paragraph, Span::new(0, 9), 0);
        b.push("A ", Span::new(0, 2));
        b.push("&", Span::new(2, 7));
        b.push(" B", Span::new(7, 9));
        let block = b.finish(0);
        assert_eq!(block.source_span(2..3), Span::new(2, 7));
        assert_eq!(block.source_span(4..5), Span::new(8, 9));
    }

    #[test]
    fn urls_and_shortcodes_are_not_prose() {
        let text = "See https://example.com/a?b=1. And {{< figure src=\"x\" >}} too.";
        let mut b = BlockBuilder::new(BlockKind::Paragraph, Span::new(0, text.len()), 0);
        b.push(text, Span::new(0, text.len()));
        let mut block = b.finish(0);
        segment(&mut block);
        let ex: Vec<&str> = block.excluded.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            ex,
            ["https://example.com/a?b=1", "{{< figure src=\"x\" >}}"]
        );
        assert!(
            !block
                .words
                .iter()
                .any(|w| &text[w.text.clone()] == "example")
        );
    }
}
