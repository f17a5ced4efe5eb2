use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use serde::Deserialize;

use super::{KindError, documented_kind, phrase_pattern};
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionParams {
    /// `bad = "preferred"` pairs.
    #[serde(default)]
    replace: BTreeMap<String, String>,
    #[serde(default, rename = "case-sensitive")]
    case_sensitive: bool,
}

documented_kind! {
    /// ## What it does
    /// Finds words or phrases that have a preferred form and offers the replacement as a fix
    /// (`draftlint check --fix`). The message may use `{match}` and `{preferred}`. A match that
    /// starts with a capital gets a capitalised replacement.
    ///
    /// Parameters (`[params]`): `replace`, a table of `"bad" = "preferred"` pairs;
    /// `case-sensitive` (default false).
    ///
    /// ## Why is this bad
    /// House style keeps a publication consistent; a machine applies it without tiring.
    ///
    /// ## Example
    /// ```toml
    /// kind = "substitution"
    /// message = "use \"{preferred}\" instead of \"{match}\""
    /// [params.replace]
    /// "e-mail" = "email"
    /// "utilize" = "use"
    /// ```
    #[derive(Debug)]
    pub struct Substitution {
        regex: Regex,
        preferred: HashMap<String, String>,
        case_sensitive: bool,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |params: SubstitutionParams| {
        if params.replace.is_empty() {
            return Err(KindError::new(
                "a substitution rule needs `[params.replace]` pairs",
                None,
            ));
        }
        // Longest first, so "e-mail address" wins over "e-mail".
        let mut bad: Vec<&String> = params.replace.keys().collect();
        bad.sort_by_key(|b| std::cmp::Reverse(b.len()));
        let alternation: Vec<String> = bad.iter().map(|b| phrase_pattern(b)).collect();
        let flags = if params.case_sensitive { "" } else { "(?i)" };
        let regex = crate::pattern::compile(&format!("{flags}(?:{})", alternation.join("|")))
            .map_err(|e| KindError::new(format!("invalid replacement table: {e}"), None))?;
        let key = |s: &str| normalise(s, params.case_sensitive);
        Ok(Substitution {
            regex,
            preferred: params
                .replace
                .iter()
                .map(|(k, v)| (key(k), v.clone()))
                .collect(),
            case_sensitive: params.case_sensitive,
        })
    })
}

fn normalise(s: &str, case_sensitive: bool) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        joined
    } else {
        joined.to_lowercase()
    }
}

/// "Utilize" → "Use": keep a leading capital.
fn match_case(found: &str, preferred: &str) -> String {
    let starts_upper = found.chars().next().is_some_and(char::is_uppercase);
    if !starts_upper {
        return preferred.to_string();
    }
    let mut chars = preferred.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Check for Substitution {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (_, block) in doc.prose() {
            for m in self.regex.find_iter(&block.text) {
                let range = m.range();
                if block.is_excluded(&range) {
                    continue;
                }
                let Some(preferred) = self
                    .preferred
                    .get(&normalise(m.as_str(), self.case_sensitive))
                else {
                    continue;
                };
                let replacement = match_case(m.as_str(), preferred);
                let span = block.source_span(range);
                // Only offer a fix when the source holds exactly the visible text.
                let fix = (&doc.source[span.range()] == m.as_str()).then(|| Fix {
                    span,
                    replacement: replacement.clone(),
                });
                out.push(
                    rule.diagnostic(span, &[("match", m.as_str()), ("preferred", &replacement)])
                        .with_fix(fix),
                );
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
