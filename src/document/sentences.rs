//! Sentence splitting: Unicode sentence boundaries (UAX #29), repaired where English prose
//! fools them.
//!
//! UAX #29 already keeps decimals ("4.2 million") together, but it ends a sentence after every
//! abbreviation followed by a capital ("Dr. Smith", "the U.S. Army"). Those seams are glued back.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::char_classes::{CharClasses, Proxy, byte_table};

/// Lower-cased abbreviations, without their final period, after which a sentence does not end.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf",
    "al", "u.s", "u.k", "u.n", "e.u", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "no", "nos",
    "vol", "p", "pp", "fig", "a.m", "p.m", "approx", "est", "inc", "ltd", "co", "corp", "gov",
    "gen", "col", "lt", "capt", "sgt", "sen", "rep", "rev", "hon", "ca", "ph.d", "d.c",
];

/// The length of the longest of [`ABBREVIATIONS`].
const MAX_ABBREVIATION_LEN: usize = 6;

/// Splits `text` into trimmed sentence ranges.
pub fn split(text: &str) -> Vec<Range<usize>> {
    split_with(text, Proxy::new(text).as_ref())
}

/// [`split`] with the text's proxy already made (`None`: the text has none).
pub(super) fn split_with(text: &str, proxy: Option<&Proxy<'_>>) -> Vec<Range<usize>> {
    let mut pieces = match proxy {
        Some(proxy) => pieces(&proxy.classes(cat)),
        None => uax29_pieces(text),
    };
    // Glue and trim in place: one vector per block, however many sentences it holds.
    let mut kept = 0;
    let mut glue_next = false;
    for i in 0..pieces.len() {
        let piece = pieces[i].clone();
        if glue_next {
            pieces[kept - 1].end = piece.end;
        } else {
            pieces[kept] = piece;
            kept += 1;
        }
        glue_next = ends_with_abbreviation(&text[pieces[kept - 1].clone()]);
    }
    pieces.truncate(kept);
    pieces.retain_mut(|r| {
        let piece = &text[r.clone()];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        *r = r.start + lead..r.start + lead + trimmed.len();
        !trimmed.is_empty()
    });
    pieces
}

/// UAX #29's sentence categories of the characters the fast path knows (none of them is
/// OLetter, Extend, Format or Sep).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// The sentence category of a byte, read from a table: the fast path classifies every byte.
#[inline(always)]
fn cat(b: u8) -> Cat {
    CATS[usize::from(b)]
}

/// [`byte_cat`] of every byte.
static CATS: [Cat; 256] = byte_table!(byte_cat, Cat::Other);

const fn byte_cat(b: u8) -> Cat {
    match b {
        b'\r' => Cat::Cr,
        b'\n' => Cat::Lf,
        b' ' | b'\t' | 0x0b | 0x0c => Cat::Sp,
        b'a'..=b'z' => Cat::Lower,
        b'A'..=b'Z' => Cat::Upper,
        b'0'..=b'9' => Cat::Numeric,
        b'.' => Cat::ATerm,
        b'!' | b'?' => Cat::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Cat::Close,
        b',' | b'-' | b':' | b';' => Cat::SContinue,
        _ => Cat::Other,
    }
}

/// The sentence pieces of any text, as unicode-segmentation cuts them.
fn uax29_pieces(text: &str) -> Vec<Range<usize>> {
    text.split_sentence_bound_indices()
        .map(|(start, piece)| start..start + piece.len())
        .collect()
}

/// The sentence pieces of text that has a [`Proxy`] (ASCII and the non-ASCII characters edited
/// English prose is full of), exactly as UAX #29 (and unicode-segmentation) cut them, in one
/// pass with no table lookups: sentence splitting was the largest single cost of building a
/// Document, and most prose blocks hold nothing else. `None` for other text.
#[cfg(test)]
fn fast_pieces(text: &str) -> Option<Vec<Range<usize>>> {
    Some(pieces(&Proxy::new(text)?.classes(cat)))
}

/// The pieces of a text read as sentence categories.
fn pieces(chars: &impl CharClasses<Cat>) -> Vec<Range<usize>> {
    let n = chars.len();
    let at = |i: usize| chars.class(i);
    let cat_of = |i: usize| chars.class(i).expect("within the text");
    let mut breaks = Vec::new();
    let mut i = 0;
    while i < n {
        // Only paragraph separators and sentence terminators start a decision.
        i = chars.find_from(i, |c| {
            matches!(c, Cat::Cr | Cat::Lf | Cat::ATerm | Cat::STerm)
        });
        if i >= n {
            break;
        }
        match cat_of(i) {
            // SB3, SB4: a break after every paragraph separator, CR LF kept together.
            Cat::Cr if at(i + 1) == Some(Cat::Lf) => {
                breaks.push(i + 2);
                i += 2;
            }
            Cat::Cr | Cat::Lf => {
                breaks.push(i + 1);
                i += 1;
            }
            term @ (Cat::ATerm | Cat::STerm) => {
                // SB9, SB10: SATerm Close* Sp* ParaSep? stays together.
                let mut j = i + 1;
                while at(j) == Some(Cat::Close) {
                    j += 1;
                }
                let after_close = j;
                while at(j) == Some(Cat::Sp) {
                    j += 1;
                }
                match at(j) {
                    Some(Cat::Cr) if at(j + 1) == Some(Cat::Lf) => {
                        breaks.push(j + 2);
                        i = j + 2;
                        continue;
                    }
                    Some(Cat::Cr | Cat::Lf) => {
                        breaks.push(j + 1);
                        i = j + 1;
                        continue;
                    }
                    _ => {}
                }
                let next = at(j);
                let is_aterm = term == Cat::ATerm;
                // SB6: ATerm × Numeric; SB7: (Upper | Lower) ATerm × Upper.
                let sb6 = is_aterm && j == i + 1 && next == Some(Cat::Numeric);
                let sb7 = is_aterm
                    && j == i + 1
                    && next == Some(Cat::Upper)
                    && i > 0
                    && matches!(cat_of(i - 1), Cat::Upper | Cat::Lower);
                // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower.
                let sb8 = is_aterm && {
                    let mut k = j;
                    while let Some(c) = at(k) {
                        if matches!(
                            c,
                            Cat::Upper | Cat::Lower | Cat::Cr | Cat::Lf | Cat::ATerm | Cat::STerm
                        ) {
                            break;
                        }
                        k += 1;
                    }
                    at(k) == Some(Cat::Lower)
                };
                // SB8a: SATerm Close* Sp* × (SContinue | SATerm).
                let sb8a = matches!(next, Some(Cat::SContinue | Cat::ATerm | Cat::STerm));
                if !(sb6 || sb7 || sb8 || sb8a) && j < n {
                    // SB11: a break after the sequence.
                    breaks.push(j);
                }
                // The sequence's own characters never break (SB9, SB10); a following SATerm
                // starts a sequence of its own.
                i = if sb8a {
                    j
                } else {
                    j.max(after_close).max(i + 1)
                };
            }
            _ => i += 1,
        }
    }
    // Breaks are character indices; the pieces are byte ranges.
    let mut out = Vec::with_capacity(breaks.len() + 1);
    let mut start = 0;
    for end in breaks.into_iter().filter(|&b| b < n) {
        if end > start {
            out.push(chars.start(start)..chars.start(end));
            start = end;
        }
    }
    if start < n {
        out.push(chars.start(start)..chars.start(n));
    }
    out
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let trimmed = sentence.trim_end();
    let Some(body) = trimmed.strip_suffix('.') else {
        return false;
    };
    let last_word = body
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if last_word.is_empty() {
        return false;
    }
    // A single capital is an initial ("J. K. Rowling").
    let mut chars = last_word.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return true;
    }
    // The list is lower-case ASCII: an ASCII word is compared without lower-casing a copy,
    // and only when it is no longer than the longest abbreviation.
    if last_word.is_ascii() {
        return last_word.len() <= MAX_ABBREVIATION_LEN
            && ABBREVIATIONS
                .iter()
                .any(|a| a.eq_ignore_ascii_case(last_word));
    }
    let lower = last_word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn keeps_abbreviations_and_decimals() {
        assert_eq!(
            sentences(
                "Dr. Smith met U.S. officials at 9 a.m. on Monday. It cost 4.2 million. Fine."
            ),
            [
                "Dr. Smith met U.S. officials at 9 a.m. on Monday.",
                "It cost 4.2 million.",
                "Fine."
            ]
        );
    }

    /// The ASCII fast path cuts exactly where unicode-segmentation does, on random text made
    /// of every ASCII sentence category.
    #[test]
    fn ascii_pieces_match_uax29() {
        let parts = [
            "a", "Z", "1", ".", "!", "?", "\"", "'", "(", ")", "[", "]", "{", "}", ",", "-", ":",
            ";", " ", "\t", "\r", "\n", "\r\n", "\x0b", "\x0c", "#", "*", "word", "Word", "U.S.",
            "e.g.", "4.2", "...", ". ", ".) ", "?\" ", "  ", "_", "/",
        ];
        crate::document::test_text::assert_same_as_reference(
            &parts,
            11,
            20,
            100_000,
            fast_pieces,
            |text| Some(uax29_pieces(text)),
        );
        assert_eq!(
            fast_pieces("Go. Now?! Yes\r\nno"),
            Some(vec![0..4, 4..10, 10..15, 15..17])
        );
    }

    /// The same with the non-ASCII characters the fast path knows (curly quotes, dashes, the
    /// no-break space, the ellipsis, Latin-1 letters) among them.
    #[test]
    fn known_non_ascii_pieces_match_uax29() {
        let parts = [
            "a",
            "Z",
            "1",
            ".",
            "!",
            "?",
            "\"",
            "'",
            "(",
            ")",
            ",",
            "-",
            ":",
            " ",
            "\r\n",
            "\n",
            "word",
            "Word",
            "U.S.",
            "4.2",
            ". ",
            "’",
            "‘",
            "“",
            "”",
            "—",
            "–",
            "\u{a0}",
            "…",
            "é",
            "É",
            "ß",
            "ÿ",
            "À",
            "Þ",
            ".” ",
            "?’ ",
            ". “",
            "—and",
            "Ça",
            "ü.",
            "\u{fffc}",
            ". \u{fffc}",
        ];
        crate::document::test_text::assert_same_as_reference(
            &parts,
            17,
            20,
            100_000,
            fast_pieces,
            |text| Some(uax29_pieces(text)),
        );
        // Any other character is left to unicode-segmentation.
        assert_eq!(fast_pieces("a × b. ÷ C"), None);
        assert_eq!(
            fast_pieces("“Go.” Now — é? Yes"),
            Some(vec![0..10, 10..22, 22..25])
        );
        assert_eq!(fast_pieces("日本語です。"), None);
    }

    #[test]
    fn longest_abbreviation_is_known() {
        assert_eq!(
            ABBREVIATIONS.iter().map(|a| a.len()).max(),
            Some(MAX_ABBREVIATION_LEN)
        );
    }

    #[test]
    fn splits_questions_and_exclamations() {
        assert_eq!(
            sentences("Why now?  Because e.g. costs rose! J. K. Rowling agreed."),
            [
                "Why now?",
                "Because e.g. costs rose!",
                "J. K. Rowling agreed."
            ]
        );
    }
}
