use std::any::Any;
use std::collections::BTreeMap;

use serde::Deserialize;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// `first = "second"` pairs of regexes: a document may use one or the other, not both.
    pub either: BTreeMap<String, String>,
    #[serde(default)]
    pub ignorecase: bool,
    /// No word boundaries around the forms.
    #[serde(default)]
    pub nonword: bool,
    /// Vale scope selectors; `text` when empty.
    #[serde(default)]
    pub scope: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Finds a document that uses two forms of the same thing ("advisor" and "adviser",
    /// "colour" and "color"). Once both forms of a pair have appeared, every later block that
    /// uses either form is reported, at its last use in that block. This is Vale's
    /// `consistency` rule type, and Vale `consistency` rules load as this kind.
    ///
    /// Parameters (`[params]`): `either` (a table of `"form" = "other form"` regexes),
    /// `ignorecase`, `nonword` (no word boundaries), `scope` (Vale scope selectors).
    ///
    /// ## Why is this bad
    /// Either spelling may be right; both in one article look like a mistake and make the
    /// reader wonder whether two things are meant.
    ///
    /// ## Example
    /// ```toml
    /// kind = "consistency"
    /// message = "Inconsistent spelling of '{match}'."
    /// [params.either]
    /// advisor = "adviser"
    /// ```
    #[derive(Debug)]
    pub struct Consistency {
        /// One pattern per pair, with the two forms as capture groups 1 and 2.
        pairs: Vec<Regex2>,
        scope: ValeScope,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Consistency::from_params)
}

impl Consistency {
    pub fn from_params(params: ConsistencyParams) -> Result<Consistency, KindError> {
        if params.either.is_empty() {
            return Err(KindError::new(
                "a consistency rule needs `either` pairs",
                None,
            ));
        }
        let pairs = params
            .either
            .iter()
            .map(|(a, b)| {
                let pattern =
                    vale::word_pattern(&format!("({a})|({b})"), params.nonword, params.ignorecase);
                Regex2::new(&pattern)
                    .map_err(|e| KindError::new(format!("invalid pattern `{a}`: {e}"), None))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Consistency {
            pairs,
            scope: ValeScope::parse(&params.scope)
                .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
        })
    }
}

impl Check for Consistency {
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        self.pairs.iter().flat_map(Regex2::set_members).collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        // Which forms of each pair the document has used so far.
        let mut seen = vec![[false, false]; self.pairs.len()];
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            for (pair, regex) in self.pairs.iter().enumerate() {
                let mut last = None;
                for groups in regex.captures_iter(text) {
                    for (side, group) in groups.iter().skip(1).take(2).enumerate() {
                        if let Some(range) = group {
                            seen[pair][side] = true;
                            last = Some(range.clone());
                        }
                    }
                }
                let Some(found) = last else { continue };
                if seen[pair] != [true, true] {
                    continue;
                }
                let range = unit.start + found.start..unit.start + found.end;
                if block.is_excluded(&range) {
                    continue;
                }
                let span = block.source_span(range.clone());
                out.push(rule.diagnostic(span, &[("match", &block.text[range])]));
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
