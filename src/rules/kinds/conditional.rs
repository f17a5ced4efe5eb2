use std::any::Any;
use std::collections::HashSet;

use serde::Deserialize;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalParams {
    /// The antecedent: each match of this regex needs…
    pub first: String,
    /// …the consequent: a match of this regex, earlier in the document, whose first capture
    /// group is the same text (without a group: a match anywhere in the same block).
    pub second: String,
    #[serde(default)]
    pub ignorecase: bool,
    /// Antecedents that never need a consequent (whole words).
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Vale scope selectors; `text` when empty.
    #[serde(default)]
    pub scope: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Checks that one thing is only used after another has been given: typically, that an
    /// acronym ("WHO") is spelled out first ("World Health Organization (WHO)"). Each match of
    /// `first` is reported unless the text it matched was captured (group 1) by a match of
    /// `second` before it, in the same block or an earlier one. This is Vale's `conditional`
    /// rule type, and Vale `conditional` rules load as this kind.
    ///
    /// Parameters (`[params]`): `first`, `second` (regexes), `ignorecase`, `exceptions`
    /// (words that need no definition), `scope` (Vale scope selectors).
    ///
    /// ## Why is this bad
    /// An undefined acronym loses every reader who does not already know it.
    ///
    /// ## Example
    /// ```toml
    /// kind = "conditional"
    /// message = "'{match}' has no definition."
    /// [params]
    /// first = '\b([A-Z]{3,5})\b'
    /// second = '(?:\b[A-Z][a-z]+ )+\(([A-Z]{3,5})\)'
    /// exceptions = ["NASA"]
    /// ```
    #[derive(Debug)]
    pub struct Conditional {
        first: Regex2,
        second: Regex2,
        second_has_group: bool,
        exceptions: Option<Regex2>,
        scope: ValeScope,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Conditional::from_params)
}

impl Conditional {
    pub fn from_params(params: ConditionalParams) -> Result<Conditional, KindError> {
        let flags = if params.ignorecase { "(?i)" } else { "" };
        let compile = |p: &str| {
            Regex2::new(&format!("{flags}{p}"))
                .map_err(|e| KindError::new(format!("invalid pattern `{p}`: {e}"), None))
        };
        // Vale's test for a capture group: more `(` than `(?` and `\(` together.
        let opens = params.second.matches('(').count();
        let noncapturing =
            params.second.matches("(?").count() + params.second.matches(r"\(").count();
        Ok(Conditional {
            first: compile(&params.first)?,
            second: compile(&params.second)?,
            second_has_group: opens > noncapturing,
            exceptions: vale::excepted_words(&params.exceptions)
                .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?,
            scope: ValeScope::parse(&params.scope)
                .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
        })
    }
}

impl Check for Conditional {
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        let mut members = self.first.set_members();
        members.extend(self.second.set_members());
        members
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        // Texts defined so far in the document.
        let mut defined: HashSet<String> = HashSet::new();
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            if self.first.find_iter(text).is_empty() {
                continue;
            }
            if self.second_has_group {
                for groups in self.second.captures_iter(text) {
                    for group in groups.iter().skip(1).flatten() {
                        if !group.is_empty() {
                            defined.insert(text[group.clone()].to_string());
                        }
                    }
                }
            } else if self.second.is_match(text) {
                continue;
            }
            for found in self.first.find_iter(text) {
                let s = &text[found.clone()];
                let excepted = self.exceptions.as_ref().is_some_and(|e| e.is_match(s));
                let range = unit.start + found.start..unit.start + found.end;
                if defined.contains(s) || excepted || block.is_excluded(&range) {
                    continue;
                }
                let span = block.source_span(range);
                out.push(rule.diagnostic(span, &[("match", s)]));
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
