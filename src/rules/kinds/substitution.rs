use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use crate::pattern::Regex;
use serde::Deserialize;

use super::{KindError, documented_kind, phrase_pattern};
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::Document;
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope, ValeTokens};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionParams {
    /// `bad = "preferred"` pairs.
    #[serde(default)]
    replace: BTreeMap<String, String>,
    #[serde(default, rename = "case-sensitive")]
    case_sensitive: bool,
    /// Vale `swap`: regex keys, replacements that may offer several forms (`a|b`).
    #[serde(default)]
    swap: BTreeMap<String, String>,
    /// Vale `nonword`: no word boundaries around the keys.
    #[serde(default)]
    nonword: bool,
    /// Vale `exceptions`: a match that contains one of these words is not reported.
    #[serde(default, rename = "excepted-words")]
    excepted_words: Vec<String>,
    /// Vale `scope` selectors.
    #[serde(default, rename = "vale-scope")]
    vale_scope: Vec<String>,
    /// Vale `action: replace`: `{preferred}` lists the forms as `'a' or 'b'`, and a single
    /// form is offered as a fix.
    #[serde(default, rename = "replace-action")]
    replace_action: bool,
}

impl SubstitutionParams {
    /// The parameters of a Vale `substitution` rule.
    pub fn vale(
        rule: ValeTokens,
        swap: BTreeMap<String, String>,
        replace_action: bool,
    ) -> SubstitutionParams {
        SubstitutionParams {
            case_sensitive: !rule.ignorecase,
            swap,
            nonword: rule.nonword,
            excepted_words: rule.exceptions,
            vale_scope: rule.scope,
            replace_action,
            ..SubstitutionParams::default()
        }
    }
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
    /// Vale's `substitution` rules load as substitution rules with Vale's parameters: `swap`
    /// (a table whose keys are regexes, whole words unless `nonword = true`, and whose values
    /// may offer several forms as `a|b`), `excepted-words` (Vale `exceptions`), `vale-scope`
    /// and `replace-action` (Vale `action: replace`: the forms are listed as `'a' or 'b'` and
    /// a single form is a fix). A match already written as the preferred form is not reported.
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
        regex: Option<Regex>,
        preferred: HashMap<String, String>,
        case_sensitive: bool,
        swap: Option<Swap>,
    }
}

/// A compiled Vale `swap` table: one alternation with a capture group per key, in the order
/// of `entries`.
#[derive(Debug)]
struct Swap {
    regex: Regex2,
    entries: Vec<SwapEntry>,
    excepted_words: Option<Regex2>,
    scope: ValeScope,
    replace_action: bool,
}

#[derive(Debug)]
struct SwapEntry {
    replacement: String,
    same: Same,
}

/// Vale's test of "already the preferred form".
#[derive(Debug)]
enum Same {
    /// A word of letters: literal equality.
    Exactly,
    /// Other plain text, as the whole-text regex `^(?:…)$` would compare it.
    Text { ignorecase: bool },
    /// The replacement as a whole-text regex `^(?:…)$`, compiled the first time a key matches
    /// (most never do in a run, and a style holds hundreds); one that does not compile
    /// compares literally.
    Pattern {
        pattern: String,
        compiled: std::sync::OnceLock<Option<Regex2>>,
    },
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Substitution::from_params)
}

impl Substitution {
    /// Compiles a substitution rule's parameters, from a rule file or a Vale rule.
    pub fn from_params(params: SubstitutionParams) -> Result<Substitution, KindError> {
        if params.replace.is_empty() && params.swap.is_empty() {
            return Err(KindError::new(
                "a substitution rule needs `[params.replace]` or `[params.swap]` pairs",
                None,
            ));
        }
        let swap = if params.swap.is_empty() {
            None
        } else {
            Some(compile_swap(&params)?)
        };
        let regex = if params.replace.is_empty() {
            None
        } else {
            // Longest first, so "e-mail address" wins over "e-mail".
            let mut bad: Vec<&String> = params.replace.keys().collect();
            bad.sort_by_key(|b| std::cmp::Reverse(b.len()));
            let alternation: Vec<String> = bad.iter().map(|b| phrase_pattern(b)).collect();
            let flags = if params.case_sensitive { "" } else { "(?i)" };
            Some(
                crate::pattern::compile(&format!("{flags}(?:{})", alternation.join("|")))
                    .map_err(|e| KindError::new(format!("invalid replacement table: {e}"), None))?,
            )
        };
        let key = |s: &str| normalise(s, params.case_sensitive);
        Ok(Substitution {
            regex,
            preferred: params
                .replace
                .iter()
                .map(|(k, v)| (key(k), v.clone()))
                .collect(),
            case_sensitive: params.case_sensitive,
            swap,
        })
    }
}

fn compile_swap(params: &SubstitutionParams) -> Result<Swap, KindError> {
    let ignorecase = !params.case_sensitive;
    // Longest key first: Vale's table has no order, and the longest alternative is the one a
    // reader means ("relative inexpense" before "inexpense").
    let mut sorted: Vec<(&String, &String)> = params.swap.iter().collect();
    sorted.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let mut entries = Vec::new();
    for &(key, replacement) in &sorted {
        // Each key is one capture group; a key's own groups would shift the numbering.
        let opens = key.matches('(').count();
        if opens != key.matches("(?").count() && opens != key.matches(r"\(").count() {
            return Err(KindError::new(
                format!("capture group not supported in `{key}`; use '(?:' instead of '('"),
                None,
            ));
        }
        let same = if vale::is_phrase(replacement) {
            Same::Exactly
        } else if vale::is_plain_text(replacement) {
            // Plain text as a whole-text regex is plain text compared.
            Same::Text { ignorecase }
        } else {
            let flags = if ignorecase { "(?i)" } else { "" };
            Same::Pattern {
                pattern: format!("{flags}^(?:{replacement})$"),
                compiled: std::sync::OnceLock::new(),
            }
        };
        entries.push(SwapEntry {
            replacement: replacement.clone(),
            same,
        });
    }
    let keys: Vec<&str> = sorted.iter().map(|(k, _)| k.as_str()).collect();
    let regex = match Regex2::words(&keys, ignorecase, !params.nonword) {
        Some(list) => list,
        None => Regex2::alternation(&keys, params.nonword, ignorecase)
            .map_err(|e| KindError::new(format!("invalid pattern: {e}"), None))?,
    };
    let scope = ValeScope::parse(&params.vale_scope)
        .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?;
    Ok(Swap {
        regex,
        entries,
        excepted_words: vale::excepted_words(&params.excepted_words)
            .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?,
        scope,
        replace_action: params.replace_action,
    })
}

impl Swap {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (block, unit) in &self.scope.units(doc) {
            let text = &block.text[unit.clone()];
            for groups in self.regex.captures_iter(text) {
                // The first key group that took part names the replacement.
                let Some((index, Some(found))) =
                    groups.iter().enumerate().skip(1).find(|(_, g)| g.is_some())
                else {
                    continue;
                };
                let Some(entry) = self.entries.get(index - 1) else {
                    continue;
                };
                let observed = text[found.clone()].trim();
                let same = match &entry.same {
                    Same::Exactly => entry.replacement == observed,
                    Same::Text { ignorecase: true } => {
                        entry.replacement.eq_ignore_ascii_case(observed)
                    }
                    Same::Text { ignorecase: false } => entry.replacement == observed,
                    Same::Pattern { pattern, compiled } => {
                        match compiled.get_or_init(|| Regex2::new(pattern).ok()) {
                            Some(re) => re.is_match(observed),
                            None => entry.replacement == observed,
                        }
                    }
                };
                let excepted = self
                    .excepted_words
                    .as_ref()
                    .is_some_and(|words| words.is_match(observed));
                let range = unit.start + found.start..unit.start + found.end;
                if same || excepted || observed.is_empty() || block.is_excluded(&range) {
                    continue;
                }
                let forms: Vec<&str> = entry.replacement.split('|').collect();
                let preferred = if self.replace_action {
                    vale::to_sentence(&forms, "or")
                } else {
                    entry.replacement.clone()
                };
                let span = block.source_span(range.clone());
                // Only a match that is exactly the word is replaced: a key may take in the
                // space after it ("e.g. "), which the replacement must not swallow.
                let fix = (self.replace_action
                    && forms.len() == 1
                    && block.text[range.clone()] == *observed)
                    .then(|| vale::replacement_fix(doc, block, &range, forms[0]))
                    .flatten();
                out.push(
                    rule.diagnostic(span, &[("match", observed), ("preferred", &preferred)])
                        .with_fix(fix),
                );
            }
        }
    }
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
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        let swap = self.swap.iter().flat_map(|s| s.regex.set_members());
        let regex = self.regex.clone().map(crate::pattern::Member::Pattern);
        regex.into_iter().chain(swap).collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        if let Some(swap) = &self.swap {
            swap.check(doc, rule, out);
        }
        let Some(regex) = &self.regex else {
            return;
        };
        for (_, block) in doc.prose() {
            for m in regex.find_iter(&block.text) {
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
