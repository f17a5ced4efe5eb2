//! Rule kinds: the Rust half of rules. One kind per file; its doc comment is written for the
//! people who write rule files and is printed by `draftlint explain`.

mod broken_link;
mod capitalization;
mod conditional;
mod consistency;
mod density;
mod metric;
mod near_duplicate;
mod number_consistency;
mod occurrence;
mod phrase;
mod quotation;
mod repetition;
mod substitution;
mod time_anchor;
mod unsourced_number;
mod vague_link;

use std::any::Any;

use crate::pattern::Regex;

pub use broken_link::BrokenLink;
pub use capitalization::{Capitalization, CapitalizationParams};
pub use conditional::{Conditional, ConditionalParams};
pub use consistency::{Consistency, ConsistencyParams};
pub use density::Density;
pub use metric::{Metric, MetricParams};
pub use near_duplicate::NearDuplicate;
pub use number_consistency::NumberConsistency;
pub use occurrence::{Occurrence, OccurrenceParams};
pub use phrase::{Phrase, PhraseMatcher, PhraseParams};
pub use quotation::QuotationCheck;
pub use repetition::{Repetition, RepetitionParams};
pub use substitution::{Substitution, SubstitutionParams};
pub use time_anchor::TimeAnchor;
pub use unsourced_number::UnsourcedNumber;
pub use vague_link::VagueLink;

use super::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::span::Span;

/// A kind's parameters were read but make no sense (an invalid regex, an empty list).
#[derive(Debug)]
pub struct KindError {
    pub message: String,
    pub span: Option<Span>,
}

impl KindError {
    pub fn new(message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            message: message.into(),
            span,
        }
    }
}

/// A rule kind as the loader sees it.
pub struct KindInfo {
    pub name: &'static str,
    /// The kind's user documentation (its doc comment).
    pub doc: &'static str,
    pub build: fn(&str, Origin) -> Result<Rule, RuleError>,
}

/// Declares a kind's struct and keeps its doc comment as `Self::DOC`, so `explain` prints the
/// same text rustdoc does.
macro_rules! documented_kind {
    ($(#[doc = $doc:literal])* #[derive($($derive:path),*)] pub struct $name:ident $body:tt) => {
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        pub struct $name $body

        impl $name {
            pub const DOC: &'static str = concat!($($doc, "\n"),*);
        }
    };
}
pub(crate) use documented_kind;

pub static KINDS: &[KindInfo] = &[
    KindInfo {
        name: "phrase",
        doc: Phrase::DOC,
        build: phrase::build,
    },
    KindInfo {
        name: "substitution",
        doc: Substitution::DOC,
        build: substitution::build,
    },
    KindInfo {
        name: "repetition",
        doc: Repetition::DOC,
        build: repetition::build,
    },
    KindInfo {
        name: "unsourced-number",
        doc: UnsourcedNumber::DOC,
        build: unsourced_number::build,
    },
    KindInfo {
        name: "near-duplicate",
        doc: NearDuplicate::DOC,
        build: near_duplicate::build,
    },
    KindInfo {
        name: "broken-link",
        doc: BrokenLink::DOC,
        build: broken_link::build,
    },
    KindInfo {
        name: "vague-link",
        doc: VagueLink::DOC,
        build: vague_link::build,
    },
    KindInfo {
        name: "occurrence",
        doc: Occurrence::DOC,
        build: occurrence::build,
    },
    KindInfo {
        name: "consistency",
        doc: Consistency::DOC,
        build: consistency::build,
    },
    KindInfo {
        name: "conditional",
        doc: Conditional::DOC,
        build: conditional::build,
    },
    KindInfo {
        name: "capitalization",
        doc: Capitalization::DOC,
        build: capitalization::build,
    },
    KindInfo {
        name: "metric",
        doc: Metric::DOC,
        build: metric::build,
    },
    KindInfo {
        name: "number-consistency",
        doc: NumberConsistency::DOC,
        build: number_consistency::build,
    },
    KindInfo {
        name: "density",
        doc: Density::DOC,
        build: density::build,
    },
    KindInfo {
        name: "quotation",
        doc: QuotationCheck::DOC,
        build: quotation::build,
    },
    KindInfo {
        name: "time-anchor",
        doc: TimeAnchor::DOC,
        build: time_anchor::build,
    },
];

/// Stands in for a check while it is being resolved.
#[derive(Debug)]
pub(crate) struct Unresolved;

impl Check for Unresolved {
    fn check(&self, _: &Document<'_>, _: &RuleMeta, _: &mut Vec<Diagnostic>) {}
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Compiles a list of regexes into one, reporting the first bad one at its span in the file.
pub(crate) fn compile_alternation(
    parts: &[(String, Option<Span>)],
    case_sensitive: bool,
) -> Result<Option<Regex>, KindError> {
    if parts.is_empty() {
        return Ok(None);
    }
    let flags = if case_sensitive { "" } else { "(?i)" };
    let joined: Vec<String> = parts.iter().map(|(p, _)| format!("(?:{p})")).collect();
    match crate::pattern::compile(&format!("{flags}(?m:{})", joined.join("|"))) {
        Ok(regex) => Ok(Some(regex)),
        Err(_) => {
            // Find the culprit to point at it; only on the error path.
            for (pattern, span) in parts {
                if let Err(err) = crate::pattern::compile(pattern) {
                    return Err(KindError::new(format!("invalid pattern: {err}"), *span));
                }
            }
            Err(KindError::new("the patterns together are too large", None))
        }
    }
}

/// Whether `text` holds an ASCII digit: the cheap check before a pattern that needs one. Read
/// 32 bytes at a time without an early exit inside a chunk, which the compiler vectorizes:
/// most prose has no digit, so the whole text is usually read.
pub(crate) fn has_digit(text: &str) -> bool {
    let mut chunks = text.as_bytes().chunks_exact(32);
    for chunk in &mut chunks {
        if chunk
            .iter()
            .fold(false, |any, &b| any | (b.wrapping_sub(b'0') < 10))
        {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// Whether `text` is a plain number: ASCII digits, `,` and `.` only. A match of a quantity
/// pattern that is one holds no currency, scale or unit word, so its groups are known without
/// a capture search.
pub(crate) fn is_bare_number(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
}

/// Literal phrases as one group, longest first (so "as of early" wins over "as of"); a
/// group that never matches when the list is empty.
pub(crate) fn phrase_alternation(phrases: &[String]) -> String {
    if phrases.is_empty() {
        return r"[^\s\S]".to_string();
    }
    let mut sorted: Vec<&String> = phrases.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let parts: Vec<String> = sorted.iter().map(|w| phrase_pattern(w)).collect();
    format!("(?:{})", parts.join("|"))
}

/// Regexes of a rule file with their spans, for [`compile_alternation`].
pub(crate) fn spanned_parts(list: &[toml::Spanned<String>]) -> Vec<(String, Option<Span>)> {
    list.iter()
        .map(|p| (p.get_ref().clone(), Some(Span::from(p.span()))))
        .collect()
}

/// A literal phrase as a pattern: case and runs of white space are free, and word characters
/// at its ends must be whole words.
pub(crate) fn phrase_pattern(phrase: &str) -> String {
    // Straight and curly apostrophes are the same to a reader.
    let words: Vec<String> = phrase
        .split_whitespace()
        .map(|w| regex::escape(w).replace(['\'', '’'], "['’]"))
        .collect();
    let mut pattern = words.join(r"\s+");
    if phrase
        .trim_start()
        .starts_with(|c: char| c.is_alphanumeric() || c == '_')
    {
        pattern.insert_str(0, r"\b");
    }
    if phrase
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric() || c == '_')
    {
        pattern.push_str(r"\b");
    }
    pattern
}

#[cfg(test)]
mod tests {
    /// The chunked digit check agrees with a byte-by-byte scan, digits at any offset of a
    /// chunk or of its remainder.
    #[test]
    fn has_digit_matches_a_byte_scan() {
        let parts = [
            "a",
            "b c",
            "/",
            ":",
            "0",
            "é",
            "—",
            "\u{fffc}",
            "the quick brown fox ",
            "x",
            "y",
            "z",
            "w",
            "v",
            "u",
            "t",
            "s",
            "r",
            "q",
        ];
        let mut with_digit = 0;
        for text in crate::document::test_text::random_texts(&parts, 13, 60, 50_000) {
            let expected = text.bytes().any(|b| b.is_ascii_digit());
            with_digit += usize::from(expected);
            assert_eq!(super::has_digit(&text), expected, "{text:?}");
        }
        assert!(with_digit > 10_000 && with_digit < 45_000, "{with_digit}");
    }
}
