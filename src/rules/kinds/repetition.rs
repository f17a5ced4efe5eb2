use std::any::Any;

use serde::Deserialize;

use std::ops::Range;

use super::{KindError, documented_kind};
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::{Document, Word};
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope, ValeTokens};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepetitionParams {
    /// Words that may correctly appear twice in a row ("had had", "that that").
    #[serde(default)]
    exceptions: Vec<String>,
    /// Vale `tokens`: what counts as one token (regexes); with them the rule compares
    /// consecutive token matches instead of words.
    #[serde(default)]
    tokens: Vec<String>,
    /// Vale `ignorecase`, for `tokens`.
    #[serde(default)]
    ignorecase: bool,
    /// Vale `alpha`: only tokens made of letters count.
    #[serde(default)]
    alpha: bool,
    /// Vale `max`: how many repeats in a row are allowed.
    #[serde(default)]
    max: usize,
    /// Vale `exceptions`: a repeat containing one of these words is not reported.
    #[serde(default, rename = "excepted-words")]
    excepted_words: Vec<String>,
    /// Vale `scope` selectors, for `tokens`.
    #[serde(default, rename = "vale-scope")]
    vale_scope: Vec<String>,
    /// Words that are grammatical when doubled after a wh-clause: "What it is is this".
    #[serde(default, rename = "after-wh-clause")]
    after_wh_clause: Vec<String>,
    /// Wh-words that open such a clause earlier in the sentence ("what", "where").
    #[serde(default, rename = "wh-words")]
    wh_words: Vec<String>,
    /// Writing systems checked ("latin", "greek", "cyrillic"); empty checks all. Other
    /// languages double words as grammar (Hindi "धीरे धीरे", "slowly"; Chinese "看看").
    #[serde(default)]
    scripts: Vec<String>,
    /// Vale `action` (`edit` + `truncate`…): the fix of a Vale rule's findings.
    #[serde(skip)]
    vale_action: Option<std::sync::Arc<vale::Action>>,
}

impl RepetitionParams {
    /// The parameters of a Vale `repetition` rule.
    pub fn vale(rule: ValeTokens, alpha: bool, max: usize) -> RepetitionParams {
        RepetitionParams {
            tokens: rule.tokens,
            ignorecase: rule.ignorecase,
            alpha,
            max,
            excepted_words: rule.exceptions,
            vale_scope: rule.scope,
            vale_action: rule.action,
            ..RepetitionParams::default()
        }
    }
}

documented_kind! {
    /// ## What it does
    /// Finds the same word twice in a row ("the the"), ignoring case, within one paragraph,
    /// list item or heading. Words separated by punctuation ("no, no") are not repeats, and
    /// numbers are ignored. `--fix` deletes the second word.
    ///
    /// A word capitalised both times mid-text is a name, not a slip ("Duran Duran", "Sirhan
    /// Sirhan", "Walla Walla"); "the The Independent" is still found.
    ///
    /// Parameters (`[params]`): `exceptions`, words that are grammatical or deliberate when
    /// doubled ("had had", "bye bye", "really really"); `after-wh-clause` and `wh-words`, words
    /// grammatical when doubled after a wh-clause of their sentence ("What it is is this");
    /// `scripts`, the writing systems checked (reduplication is grammar in Hindi or Chinese).
    ///
    /// Vale's `repetition` rules load as repetition rules with Vale's parameters: `tokens`
    /// (regexes; consecutive matches that are equal, with `ignorecase` in any case, are a
    /// repeat when they sit in one sentence), `alpha` (only letter tokens), `max` (repeats
    /// allowed), `excepted-words` and `vale-scope`. The message may use `{match}` (the
    /// repeated token). A Vale `action` (`edit` with `truncate`…) becomes a `--fix` where its
    /// result is whole in context.
    ///
    /// ## Why is this bad
    /// A doubled word is almost always an editing slip, and the eye skips it when proofreading.
    ///
    /// ## Example
    /// `It was the the best of times.` → `It was the best of times.`
    #[derive(Debug)]
    pub struct Repetition {
        exceptions: Vec<String>,
        tokens: Option<TokenRepetition>,
        after_wh_clause: Vec<String>,
        wh_words: Vec<String>,
        scripts: Vec<Script>,
    }
}

/// Vale's token repetition.
#[derive(Debug)]
struct TokenRepetition {
    regex: Regex2,
    ignorecase: bool,
    alpha: bool,
    max: usize,
    excepted_words: Option<Regex2>,
    scope: ValeScope,
    action: Option<std::sync::Arc<vale::Action>>,
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Repetition::from_params)
}

impl Repetition {
    /// Compiles a repetition rule's parameters, from a rule file or a Vale rule.
    pub fn from_params(params: RepetitionParams) -> Result<Repetition, KindError> {
        let tokens = if params.tokens.is_empty() {
            None
        } else {
            let flags = if params.ignorecase { "(?i)" } else { "" };
            let pattern = format!("{flags}({})", params.tokens.join("|"));
            Some(TokenRepetition {
                regex: Regex2::new(&pattern)
                    .map_err(|e| KindError::new(format!("invalid token: {e}"), None))?,
                ignorecase: params.ignorecase,
                alpha: params.alpha,
                max: params.max,
                excepted_words: vale::excepted_words(&params.excepted_words)
                    .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?,
                scope: ValeScope::parse(&params.vale_scope)
                    .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
                action: params.vale_action.clone(),
            })
        };
        let lower = |list: &[String]| list.iter().map(|w| w.to_lowercase()).collect();
        let scripts = params
            .scripts
            .iter()
            .map(|s| Script::parse(s))
            .collect::<Result<_, _>>()?;
        Ok(Repetition {
            exceptions: lower(&params.exceptions),
            after_wh_clause: lower(&params.after_wh_clause),
            wh_words: lower(&params.wh_words),
            scripts,
            tokens,
        })
    }
}

impl TokenRepetition {
    /// Vale's algorithm: walk the token matches, and report a token equal to the one before
    /// it once more than `max` repeats are counted, when both sit in one sentence.
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            let mut prev: Option<(Range<usize>, &str)> = None;
            let mut count = 0usize;
            for loc in self.regex.find_iter(text) {
                let curr = text[loc.clone()].trim();
                let hit = prev.as_ref().is_some_and(|(_, p)| {
                    !curr.is_empty()
                        && if self.ignorecase {
                            p.to_lowercase() == curr.to_lowercase()
                        } else {
                            *p == curr
                        }
                }) && (!self.alpha || curr.chars().all(char::is_alphabetic));
                if hit {
                    count += 1;
                }
                if let (true, Some((ploc, _))) = (hit && count > self.max, &prev) {
                    let pair = ploc.start..loc.end;
                    let one_sentence =
                        crate::document::sentences::split(&text[pair.clone()]).len() == 1;
                    let excepted = self
                        .excepted_words
                        .as_ref()
                        .is_some_and(|w| w.is_match(&text[pair.clone()]));
                    let range = unit.start + pair.start..unit.start + pair.end;
                    if one_sentence && !excepted && !block.is_excluded(&range) {
                        let span = block.source_span(range.clone());
                        let fix = self.action.as_ref().and_then(|a| a.fix(doc, block, &range));
                        out.push(rule.diagnostic(span, &[("match", curr)]).with_fix(fix));
                        count = 0;
                    }
                }
                prev = Some((loc, curr));
            }
        }
    }
}

impl Check for Repetition {
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        self.tokens
            .iter()
            .flat_map(|t| t.regex.set_members())
            .collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        if let Some(tokens) = &self.tokens {
            tokens.check(doc, rule, out);
            return;
        }
        for (_, block) in doc.prose() {
            let words = &block.words;
            for i in 0..words.len().saturating_sub(1) {
                if !is_repeat(&block.text, words, i) {
                    continue;
                }
                let (first, second) = (&words[i], &words[i + 1]);
                let a = &block.text[first.text.clone()];
                if a.chars().any(|c| c.is_numeric())
                    || self.exceptions.contains(&a.to_lowercase())
                    || self.is_name(a, &block.text[second.text.clone()])
                    || !self.checks_script(a)
                    || self.after_clause(&block.text, block, i)
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

/// A writing system, told by the Unicode block of a word's first letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

impl Script {
    fn parse(name: &str) -> Result<Script, super::KindError> {
        match name.to_ascii_lowercase().as_str() {
            "latin" => Ok(Script::Latin),
            "greek" => Ok(Script::Greek),
            "cyrillic" => Ok(Script::Cyrillic),
            _ => Err(super::KindError::new(
                format!("unknown script `{name}` (expected latin, greek or cyrillic)"),
                None,
            )),
        }
    }

    fn of(c: char) -> Option<Script> {
        match c as u32 {
            0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => {
                Some(Script::Latin)
            }
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Some(Script::Greek),
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Some(Script::Cyrillic)
            }
            _ => None,
        }
    }
}

impl Repetition {
    /// Capitalised both times ("Duran Duran", "Sirhan Sirhan") is a name; "The the" and
    /// "the The" are not.
    fn is_name(&self, a: &str, b: &str) -> bool {
        let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        let all_caps = |w: &str| {
            w.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        };
        capital(a) && capital(b) && !(all_caps(a) && all_caps(b) && a.chars().count() > 1)
    }

    fn checks_script(&self, word: &str) -> bool {
        self.scripts.is_empty()
            || word
                .chars()
                .find(|c| c.is_alphabetic())
                .and_then(Script::of)
                .is_some_and(|s| self.scripts.contains(&s))
    }

    /// "What it is is this": the word is grammatical doubled after a wh-word of its sentence.
    fn after_clause(&self, text: &str, block: &crate::document::Block, i: usize) -> bool {
        let words = &block.words;
        let word = text[words[i].text.clone()].to_lowercase();
        if !self.after_wh_clause.contains(&word) {
            return false;
        }
        let Some(sentence) = block.sentence_at(words[i].text.start) else {
            return false;
        };
        block.words[block.sentences[sentence].words.start..i]
            .iter()
            .any(|w| self.wh_words.contains(&text[w.text.clone()].to_lowercase()))
    }
}

/// Words `i` and `i + 1` are the same word with only white space between. Case may differ at
/// the first letter only ("The the"); "tls TLS" is a deliberate gloss, not a slip.
fn is_repeat(text: &str, words: &[Word], i: usize) -> bool {
    let (first, second) = (&words[i], &words[i + 1]);
    // Most word pairs differ: an ASCII first letter allows rejecting them without decoding
    // (and their bytes are compared without slicing the text at character boundaries).
    let bytes = text.as_bytes();
    let (a, b) = (&bytes[first.text.clone()], &bytes[second.text.clone()]);
    if let (Some(&x), Some(&y)) = (a.first(), b.first())
        && x.is_ascii()
        && y.is_ascii()
        && (a.len() != b.len() || !x.eq_ignore_ascii_case(&y) || a[1..] != b[1..])
    {
        return false;
    }
    let a = &text[first.text.clone()];
    let b = &text[second.text.clone()];
    let between = &text[first.text.end..second.text.start];
    if !between.chars().all(char::is_whitespace) {
        return false;
    }
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
