//! Byte spans and their conversion to lines and columns.
//!
//! Every position in draftlint is a byte span into the original file. Lines and columns are
//! derived only when a diagnostic is rendered, so that every printer agrees on them and no rule
//! ever has to think about line endings, tabs or multi-byte characters.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, for turning byte offsets into positions.
///
/// Both lookups are cheap whatever the shape of the text: the line is found by binary search,
/// and the column is counted from the nearest checkpoint (every [`CHECKPOINT`] bytes we know
/// how many characters came before), so a finding deep inside a 100 MB line costs the same as
/// one at the start of a short line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `chars_before[k]`: characters (UTF-8 leading bytes) in `text[..k * CHECKPOINT]`.
    chars_before: Vec<usize>,
    /// Every character is one byte: a column is a byte distance.
    ascii: bool,
}

/// Distance in bytes between two column checkpoints.
const CHECKPOINT: usize = 512;

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
const fn starts_char(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

/// Characters in a run of UTF-8 bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| starts_char(b)).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut chars_before = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut count = 0;
        chars_before.push(0);
        for chunk in text.as_bytes().chunks(CHECKPOINT) {
            count += count_chars(chunk);
            chars_before.push(count);
        }
        Self {
            line_starts,
            chars_before,
            ascii: count == text.len(),
        }
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Characters in `text[..offset]`, counted from the nearest checkpoint.
    fn chars_up_to(&self, text: &str, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT;
        let from = checkpoint * CHECKPOINT;
        self.chars_before[checkpoint] + count_chars(&text.as_bytes()[from..offset])
    }

    /// Line and column of a byte offset. An offset inside a multi-byte character counts as that
    /// character; an offset past the end is clamped to the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        // A report converts every finding's two ends: count the fewest bytes that give the
        // column (a page of thousands of findings spent 3 % of its time here).
        let chars = if self.ascii {
            offset - start
        } else if offset - start <= CHECKPOINT {
            count_chars(&text.as_bytes()[start..offset])
        } else {
            self.chars_up_to(text, offset) - self.chars_up_to(text, start)
        };
        Position {
            line: line + 1,
            column: chars + 1,
        }
    }

    /// Byte range of the lines that `span` touches, without the final line break.
    pub fn lines_around(&self, text: &str, span: Span) -> Span {
        let first = self.line_of(span.start.min(text.len()));
        let last = self.line_of(span.end.saturating_sub(1).max(span.start).min(text.len()));
        let start = self.line_starts[first];
        let end = self
            .line_starts
            .get(last + 1)
            .map_or(text.len(), |&next| next);
        let trimmed = text[start..end].trim_end_matches(['\n', '\r']).len();
        Span::new(start, start + trimmed.max(span.end.min(text.len()) - start))
    }
}

/// The largest char boundary not after `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    // At most three steps back: a UTF-8 character is at most four bytes.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The unit an editor counts columns in: LSP's `positionEncoding` (UTF-16 unless the client
/// offers another), where draftlint's own printers count characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Utf32,
}

impl ColumnUnit {
    fn width(self, c: char) -> usize {
        match self {
            ColumnUnit::Utf8 => c.len_utf8(),
            ColumnUnit::Utf16 => c.len_utf16(),
            ColumnUnit::Utf32 => 1,
        }
    }
}

/// The 0-based line and 0-based column (in `unit`s) of a byte offset: an LSP position. An
/// offset inside a character counts as that character; past the end, as the end.
pub fn line_column(
    index: &LineIndex,
    text: &str,
    offset: usize,
    unit: ColumnUnit,
) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let line = index.line_of(offset);
    let start = index.line_start(line);
    let column = match unit {
        ColumnUnit::Utf8 => offset - start,
        _ => text[start..offset].chars().map(|c| unit.width(c)).sum(),
    };
    (line, column)
}

/// The byte offset of a 0-based line and column (in `unit`s). As the LSP asks, a line past
/// the end means the end of the text and a column past the line's end means its end (before
/// the line break); a column inside a character (half a surrogate pair) means its start.
pub fn offset_of(
    index: &LineIndex,
    text: &str,
    line: usize,
    column: usize,
    unit: ColumnUnit,
) -> usize {
    if line >= index.line_count() {
        return text.len();
    }
    let start = index.line_start(line);
    let end = if line + 1 < index.line_count() {
        index.line_start(line + 1)
    } else {
        text.len()
    };
    let content = text[start..end]
        .trim_end_matches('\n')
        .trim_end_matches('\r');
    let mut counted = 0;
    for (at, c) in content.char_indices() {
        let next = counted + unit.width(c);
        if next > column {
            return start + at;
        }
        counted = next;
    }
    start + content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "héllo 🌍 wörld\r\nsecond\tline\n";
        let index = LineIndex::new(text);
        let w = text.find("wörld").unwrap();
        assert_eq!(index.position(text, w), Position { line: 1, column: 9 });
        let l = text.find("line").unwrap();
        assert_eq!(index.position(text, l), Position { line: 2, column: 8 });
        assert_eq!(
            index.position(text, text.len()),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn columns_past_checkpoints_count_characters() {
        // Multi-byte characters straddle checkpoint boundaries; the count must still be exact.
        let text = format!("{}x\n{}y", "é🌍a".repeat(400), "中".repeat(700));
        let index = LineIndex::new(&text);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(&text, x),
            Position {
                line: 1,
                column: 1201
            }
        );
        let y = text.find('y').unwrap();
        assert_eq!(
            index.position(&text, y),
            Position {
                line: 2,
                column: 701
            }
        );
        for offset in 0..=text.len() {
            let pos = index.position(&text, offset);
            let at = floor_char_boundary(&text, offset);
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(pos.column, text[line_start..at].chars().count() + 1);
        }
    }

    #[test]
    fn columns_of_short_lines_and_ascii_text() {
        // The three ways a column is counted (ASCII text; a line start near the offset; a far
        // one) agree with counting characters.
        let mixed = format!("{}\r\n{}\n", "ab “c” é\tz\n".repeat(300), "x".repeat(2000));
        let ascii = format!("{}{}", "one two\r\nthree\n".repeat(200), "y".repeat(1500));
        for text in [mixed.as_str(), ascii.as_str()] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() {
                let pos = index.position(text, offset);
                let at = floor_char_boundary(text, offset);
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                assert_eq!(pos.column, text[line_start..at].chars().count() + 1);
                assert_eq!(pos.line, text[..at].matches('\n').count() + 1);
            }
        }
    }

    #[test]
    fn lines_around_excludes_crlf() {
        let text = "one\r\ntwo\r\nthree";
        let index = LineIndex::new(text);
        let t = text.find("two").unwrap();
        let lines = index.lines_around(text, Span::new(t, t + 3));
        assert_eq!(&text[lines.range()], "two");
    }

    /// Every LSP position round-trips to its byte offset, in every unit, through accents,
    /// CJK, emoji (a surrogate pair in UTF-16) and CRLF line ends.
    #[test]
    fn lsp_positions_in_every_unit() {
        let text = "café 北京 🌍 end\r\nnext\n";
        let index = LineIndex::new(text);
        let end = text.find("end").unwrap();
        assert_eq!(line_column(&index, text, end, ColumnUnit::Utf8), (0, 18));
        assert_eq!(line_column(&index, text, end, ColumnUnit::Utf16), (0, 11));
        assert_eq!(line_column(&index, text, end, ColumnUnit::Utf32), (0, 10));
        let next = text.find("next").unwrap();
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Utf32] {
            assert_eq!(line_column(&index, text, next, unit), (1, 0));
            for (offset, _) in text.char_indices() {
                let (line, column) = line_column(&index, text, offset, unit);
                // The `\n` of a CRLF is not a position an editor can name: it maps to the `\r`.
                let expected = if text[..offset].ends_with('\r') {
                    offset - 1
                } else {
                    offset
                };
                assert_eq!(
                    offset_of(&index, text, line, column, unit),
                    expected,
                    "{unit:?} {offset}"
                );
            }
        }
        // Half a surrogate pair is the emoji's start; a column past the line is its end
        // (before CRLF); a line past the text is the end.
        let globe = text.find('🌍').unwrap();
        assert_eq!(offset_of(&index, text, 0, 9, ColumnUnit::Utf16), globe);
        assert_eq!(
            offset_of(&index, text, 0, 99, ColumnUnit::Utf16),
            text.find('\r').unwrap()
        );
        assert_eq!(offset_of(&index, text, 9, 0, ColumnUnit::Utf16), text.len());
        // An offset inside a character counts as that character.
        assert_eq!(
            line_column(&index, text, globe + 2, ColumnUnit::Utf16),
            (0, 8)
        );
        assert_eq!(
            line_column(&index, text, text.len() + 5, ColumnUnit::Utf16),
            (2, 0)
        );
    }
}
