//! Sentence splitting: Unicode sentence boundaries (UAX #29), repaired where English prose
//! fools them.
//!
//! UAX #29 already keeps decimals ("4.2 million") together, but it ends a sentence after every
//! abbreviation followed by a capital ("Dr. Smith", "the U.S. Army"). Those seams are glued back.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Lower-cased abbreviations, without their final period, after which a sentence does not end.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf",
    "al", "u.s", "u.k", "u.n", "e.u", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "no", "nos",
    "vol", "p", "pp", "fig", "a.m", "p.m", "approx", "est", "inc", "ltd", "co", "corp", "gov",
    "gen", "col", "lt", "capt", "sgt", "sen", "rep", "rev", "hon", "ca", "ph.d", "d.c",
];

/// Splits `text` into trimmed sentence ranges.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut glue_next = false;
    let pieces: Vec<Range<usize>> = if text.is_ascii() {
        ascii_pieces(text)
    } else {
        text.split_sentence_bound_indices()
            .map(|(start, piece)| start..start + piece.len())
            .collect()
    };
    for Range { start, end } in pieces {
        match out.last_mut() {
            Some(last) if glue_next => last.end = end,
            _ => out.push(start..end),
        }
        glue_next = ends_with_abbreviation(&text[out.last().expect("pushed").clone()]);
    }
    out.into_iter()
        .filter_map(|r| {
            let piece = &text[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            (!trimmed.is_empty()).then(|| r.start + lead..r.start + lead + trimmed.len())
        })
        .collect()
}

/// UAX #29's sentence categories of the ASCII characters (no ASCII character is OLetter,
/// Extend, Format or Sep).
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

fn cat(b: u8) -> Cat {
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

/// The sentence pieces of ASCII text, exactly as UAX #29 (and unicode-segmentation) cut them,
/// in one pass with no table lookups: sentence splitting was the largest single cost of
/// building a Document, and most prose blocks are ASCII.
fn ascii_pieces(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let at = |i: usize| if i < n { Some(cat(bytes[i])) } else { None };
    let mut breaks = Vec::new();
    let mut i = 0;
    while i < n {
        match cat(bytes[i]) {
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
                    && matches!(cat(bytes[i - 1]), Cat::Upper | Cat::Lower);
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
    let mut out = Vec::with_capacity(breaks.len() + 1);
    let mut start = 0;
    for end in breaks.into_iter().filter(|&b| b < n) {
        if end > start {
            out.push(start..end);
            start = end;
        }
    }
    if start < n {
        out.push(start..n);
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
        for text in crate::document::test_text::random_texts(&parts, 11, 20, 100_000) {
            let expected: Vec<Range<usize>> = text
                .split_sentence_bound_indices()
                .map(|(s, p)| s..s + p.len())
                .collect();
            assert_eq!(ascii_pieces(&text), expected, "{text:?}");
        }
        assert_eq!(
            ascii_pieces("Go. Now?! Yes\r\nno"),
            [0..4, 4..10, 10..15, 15..17]
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
