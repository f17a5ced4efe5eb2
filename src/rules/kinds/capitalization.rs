use std::any::Any;

use serde::Deserialize;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapitalizationParams {
    /// `$sentence`, `$title`, `$lower`, `$upper`, or a regex the whole text must match.
    #[serde(rename = "match")]
    pub case: String,
    /// Words whose case is theirs to keep ("macOS", "Kubernetes").
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// For `$sentence`: a word after a token ending in one of these (":") may be capitalised.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// The share of words that must be right (default 0.8).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// For `$title`: `AP` (default) or `Chicago`.
    #[serde(default)]
    pub style: Option<String>,
    /// Vale scope selectors; `text` when empty (usually `heading`).
    #[serde(default)]
    pub scope: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Checks the capitalisation of whole headings (or other scopes): sentence case
    /// (`$sentence`: only the first word and proper nouns capitalised), title case (`$title`),
    /// all lower or upper case, or a regex. A text passes when more than `threshold` of its
    /// words are right. This is Vale's `capitalization` rule type, and Vale
    /// `capitalization` rules load as this kind; the finding covers the whole text.
    ///
    /// Parameters (`[params]`): `match`, `exceptions`, `indicators`, `threshold`, `style`,
    /// `scope` (Vale scope selectors).
    ///
    /// ## Why is this bad
    /// Mixed heading styles make a page look unedited; a style guide picks one.
    ///
    /// ## Example
    /// ```toml
    /// kind = "capitalization"
    /// message = "'{match}' should use sentence-style capitalization."
    /// [params]
    /// match = "$sentence"
    /// scope = ["heading"]
    /// exceptions = ["Kubernetes"]
    /// ```
    #[derive(Debug)]
    pub struct Capitalization {
        case: Case,
        exceptions: Option<Regex2>,
        /// Words: the exceptions first, so that a multi-word exception is one token.
        tokenizer: Regex2,
        indicators: Vec<String>,
        threshold: f64,
        scope: ValeScope,
    }
}

#[derive(Debug)]
enum Case {
    Sentence,
    Title { chicago: bool },
    Lower,
    Upper,
    Pattern(Regex2),
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Capitalization::from_params)
}

/// Words a title keeps in lower case unless they open or close it.
const SMALL_WORDS_AP: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "en", "for", "if", "in", "nor", "of", "on", "or",
    "per", "so", "the", "to", "up", "via", "vs", "yet",
];
const SMALL_WORDS_CHICAGO: &[&str] = &[
    "a", "about", "above", "across", "after", "against", "along", "among", "an", "and", "around",
    "as", "at", "before", "behind", "below", "beneath", "beside", "between", "beyond", "but", "by",
    "down", "during", "except", "for", "from", "in", "inside", "into", "like", "near", "nor", "of",
    "off", "on", "onto", "or", "out", "outside", "over", "past", "since", "so", "the", "through",
    "to", "toward", "under", "until", "up", "upon", "via", "with", "within", "without", "yet",
];

impl Capitalization {
    pub fn from_params(params: CapitalizationParams) -> Result<Capitalization, KindError> {
        let case = match params.case.as_str() {
            "$sentence" => Case::Sentence,
            "$title" => Case::Title {
                chicago: params.style.as_deref() == Some("Chicago"),
            },
            "$lower" => Case::Lower,
            "$upper" => Case::Upper,
            pattern => Case::Pattern(
                Regex2::new(pattern)
                    .map_err(|e| KindError::new(format!("invalid `match`: {e}"), None))?,
            ),
        };
        let exceptions = vale::excepted_words(&params.exceptions)
            .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?;
        let words = r"[\p{N}\p{L}*]+[^\s]*";
        let tokenizer = match vale::excepted_words_pattern(&params.exceptions) {
            Some(except) => format!("{except}|{words}"),
            None => words.to_string(),
        };
        Ok(Capitalization {
            case,
            exceptions,
            tokenizer: Regex2::new(&tokenizer)
                .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?,
            indicators: params.indicators,
            threshold: params.threshold.filter(|t| *t != 0.0).unwrap_or(0.8),
            scope: ValeScope::parse(&params.scope)
                .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
        })
    }

    fn excepted(&self, word: &str) -> bool {
        self.exceptions.as_ref().is_some_and(|e| e.is_match(word))
    }

    /// Vale's `$sentence`: the first word capitalised, the others lower case, except
    /// acronyms, exceptions and words after an indicator.
    fn is_sentence_case(&self, text: &str) -> bool {
        let trimmed = text.trim_end_matches(['?', '!', '.', ':']);
        let tokens: Vec<&str> = self
            .tokenizer
            .find_iter(trimmed)
            .into_iter()
            .map(|r| &trimmed[r])
            .collect();
        let (mut count, mut words) = (0.0, 0.0);
        for (i, token) in tokens.iter().enumerate() {
            let prev = if i > 0 { tokens[i - 1] } else { "" };
            // "Top-level", "Client's": the first part decides.
            let w = token.split(['-', '\'', '’']).next().unwrap_or(token);
            if w == w.to_uppercase()
                || self
                    .indicators
                    .iter()
                    .any(|ind| prev.ends_with(ind.as_str()))
                || self.excepted(w)
            {
                count += 1.0;
            } else if i == 0 && w != capitalised(&w.to_lowercase()) {
                return false;
            } else if i == 0 || w == w.to_lowercase() {
                count += 1.0;
            }
            words += 1.0;
        }
        words == 0.0 || count / words > self.threshold
    }

    /// Vale's `$title`: each word as the title-cased text has it, or an acronym or exception.
    fn is_title_case(&self, text: &str, chicago: bool) -> bool {
        let small = if chicago {
            SMALL_WORDS_CHICAGO
        } else {
            SMALL_WORDS_AP
        };
        let tokens: Vec<&str> = self
            .tokenizer
            .find_iter(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        let last = tokens.len().saturating_sub(1);
        let (mut count, mut words) = (0.0, 0.0);
        for (i, w) in tokens.iter().enumerate() {
            let lower = w.to_lowercase();
            let expected = if i != 0 && i != last && small.contains(&lower.as_str()) {
                lower
            } else {
                capitalised(w)
            };
            if *w == expected || self.excepted(w) || *w == w.to_uppercase() {
                count += 1.0;
            }
            words += 1.0;
        }
        words == 0.0 || count / words > self.threshold
    }

    fn passes(&self, text: &str) -> bool {
        match &self.case {
            Case::Sentence => self.is_sentence_case(text),
            Case::Title { chicago } => self.is_title_case(text, *chicago),
            Case::Lower => text == text.to_lowercase() || self.excepted(text),
            Case::Upper => text == text.to_uppercase() || self.excepted(text),
            Case::Pattern(re) => re.is_match(text) || self.excepted(text),
        }
    }
}

/// The word with its first letter in upper case.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Check for Capitalization {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            if text.trim().is_empty() || self.passes(text) {
                continue;
            }
            let span = block.source_span(unit);
            out.push(rule.diagnostic(span, &[("match", text)]));
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(exceptions: &[&str]) -> Capitalization {
        Capitalization::from_params(CapitalizationParams {
            case: "$sentence".into(),
            exceptions: exceptions.iter().map(|s| s.to_string()).collect(),
            indicators: vec![":".into()],
            ..CapitalizationParams::default()
        })
        .expect("valid")
    }

    #[test]
    fn sentence_case_as_vale_defines_it() {
        let rule = sentence(&["Kubernetes", "Visual Studio"]);
        assert!(rule.passes("Getting started with Kubernetes"));
        assert!(rule.passes("Install Visual Studio today"));
        assert!(rule.passes("Step one: Install the tools"));
        assert!(rule.passes("Use the API"));
        assert!(!rule.passes("Getting Started With Our Tools"));
        assert!(!rule.passes("getting started"));
    }
}
