use std::any::Any;

use serde::Deserialize;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::vale::{Regex2, ValeScope};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceParams {
    /// What to count (a regex).
    pub token: String,
    /// More than this many in one scope is reported (0: no upper limit).
    #[serde(default)]
    pub max: usize,
    /// Fewer than this many in one scope is reported (0: no lower limit).
    #[serde(default)]
    pub min: usize,
    #[serde(default)]
    pub ignorecase: bool,
    /// Where to count: Vale scope selectors (`sentence`, `paragraph`, `heading.h1`…);
    /// `text` (every block) when empty.
    #[serde(default)]
    pub scope: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Counts the matches of a regex in each sentence, paragraph or heading (the `scope`) and
    /// reports a scope that has more than `max` or fewer than `min` of them. The finding
    /// starts at the first match; with no match at all, at the start of the scope. This is
    /// Vale's `occurrence` rule type, and Vale `occurrence` rules load as this kind.
    ///
    /// Parameters (`[params]`): `token` (regex), `max`, `min` (0: no limit), `ignorecase`,
    /// `scope` (Vale scope selectors, default `text`).
    ///
    /// ## Why is this bad
    /// Some problems are a matter of quantity: a sentence of forty words, a heading of twelve,
    /// a paragraph with six commas. Each word is fine; their number is not.
    ///
    /// ## Example
    /// ```toml
    /// kind = "occurrence"
    /// message = "Try to keep sentences short (< 30 words)."
    /// [params]
    /// token = '\b(\w+)\b'
    /// max = 30
    /// scope = ["sentence"]
    /// ```
    #[derive(Debug)]
    pub struct Occurrence {
        token: Regex2,
        max: usize,
        min: usize,
        scope: ValeScope,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Occurrence::from_params)
}

impl Occurrence {
    pub fn from_params(params: OccurrenceParams) -> Result<Occurrence, KindError> {
        if params.max == 0 && params.min == 0 {
            return Err(KindError::new(
                "an occurrence rule needs `max` or `min`",
                None,
            ));
        }
        let flags = if params.ignorecase { "(?i)" } else { "" };
        Ok(Occurrence {
            token: Regex2::new(&format!("{flags}(?:{})", params.token))
                .map_err(|e| KindError::new(format!("invalid token: {e}"), None))?,
            max: params.max,
            min: params.min,
            scope: ValeScope::parse(&params.scope)
                .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
        })
    }
}

impl Check for Occurrence {
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        self.token.set_members()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            let found = self.token.find_iter(text);
            let n = found.len();
            if !((self.max > 0 && n > self.max) || (self.min > 0 && n < self.min)) {
                continue;
            }
            // The first match outside code; with none, the start of the scope.
            let at = found
                .iter()
                .map(|m| unit.start + m.start..unit.start + m.end)
                .find(|r| !block.is_excluded(r));
            let span = match at {
                Some(range) => block.source_span(range),
                None if n == 0 => {
                    let start = block.source_span(unit.start..unit.start).start;
                    Span::new(start, start)
                }
                None => continue,
            };
            let matched = &doc.source[span.range()];
            out.push(rule.diagnostic(span, &[("match", matched)]));
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
