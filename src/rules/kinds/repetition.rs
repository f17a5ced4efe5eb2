use std::any::Any;

use serde::Deserialize;

use super::documented_kind;
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::{Document, Word};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepetitionParams {
    /// Words that may correctly appear twice in a row ("had had", "that that").
    #[serde(default)]
    exceptions: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Finds the same word twice in a row ("the the"), ignoring case, within one paragraph,
    /// list item or heading. Words separated by punctuation ("no, no") are not repeats, and
    /// numbers are ignored. `--fix` deletes the second word.
    ///
    /// Parameters (`[params]`): `exceptions`, words that are grammatical when doubled.
    ///
    /// ## Why is this bad
    /// A doubled word is almost always an editing slip, and the eye skips it when proofreading.
    ///
    /// ## Example
    /// `It was the the best of times.` → `It was the best of times.`
    #[derive(Debug)]
    pub struct Repetition {
        exceptions: Vec<String>,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |params: RepetitionParams| {
        Ok(Repetition {
            exceptions: params.exceptions.iter().map(|w| w.to_lowercase()).collect(),
        })
    })
}

impl Check for Repetition {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (_, block) in doc.prose() {
            let words = &block.words;
            for i in 0..words.len().saturating_sub(1) {
                let (first, second) = (&words[i], &words[i + 1]);
                let a = &block.text[first.text.clone()];
                if !is_repeat(&block.text, words, i)
                    || a.chars().any(|c| c.is_numeric())
                    || self.exceptions.contains(&a.to_lowercase())
                {
                    continue;
                }
                // Three in a row ("help help help") is deliberate.
                if (i > 0 && is_repeat(&block.text, words, i - 1))
                    || (i + 2 < words.len() && is_repeat(&block.text, words, i + 1))
                {
                    continue;
                }
                let span = block.source_span(first.text.start..second.text.end);
                // Delete the white space and the second word, if the source holds them as is.
                let removed = block.source_span(first.text.end..second.text.end);
                let fix = (doc.source[removed.range()]
                    == block.text[first.text.end..second.text.end])
                    .then(|| Fix {
                        span: removed,
                        replacement: String::new(),
                    });
                let matched = &block.text[first.text.start..second.text.end];
                out.push(
                    rule.diagnostic(span, &[("match", matched), ("word", a)])
                        .with_fix(fix),
                );
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Words `i` and `i + 1` are the same word with only white space between. Case may differ at
/// the first letter only ("The the"); "tls TLS" is a deliberate gloss, not a slip.
fn is_repeat(text: &str, words: &[Word], i: usize) -> bool {
    let (first, second) = (&words[i], &words[i + 1]);
    let between = &text[first.text.end..second.text.start];
    if !between.chars().all(char::is_whitespace) {
        return false;
    }
    let a = &text[first.text.clone()];
    let b = &text[second.text.clone()];
    let mut a_chars = a.chars();
    let mut b_chars = b.chars();
    // Same first letter in any case, then exactly the same rest.
    match (a_chars.next(), b_chars.next()) {
        (Some(x), Some(y)) if x == y || x.to_lowercase().eq(y.to_lowercase()) => {
            a_chars.as_str() == b_chars.as_str()
        }
        _ => false,
    }
}
