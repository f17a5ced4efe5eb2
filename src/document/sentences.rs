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
    for (start, piece) in text.split_sentence_bound_indices() {
        let end = start + piece.len();
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
