//! Vale styles as a rule source: `.vale.ini`, the styles folder and Vale's YAML rules.
//!
//! Teams keep their house style as Vale packages; reading them unchanged lets a team switch
//! in one line. Each Vale rule becomes a draftlint rule of the kind that means the same thing
//! (`existence` → phrase, `substitution` → substitution, `repetition` → repetition, and
//! occurrence, consistency, conditional, capitalization and metric kinds for the types
//! draftlint had no kind for), with Vale's token semantics as parameters of those kinds, so
//! they run, are listed, explained, suppressed and fixed like any other rule. Findings carry
//! Vale's `Style.Rule` id. Which rules apply to which file, and at which level, is decided by
//! the ini's glob sections, per file, after the rules ran ([`ValeFiles::adjust`]).

mod action;
mod file;
mod ini;
mod message;
mod regex;
mod scope;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use thiserror::Error;

pub use self::regex::{Regex2, is_plain_text};
pub use action::{Action, replacement_fix};
pub use ini::Switch;
pub use message::to_sentence;
pub use scope::Scope as ValeScope;

use super::kinds::{
    Capitalization, CapitalizationParams, Conditional, ConditionalParams, Consistency,
    ConsistencyParams, Metric, MetricParams, Occurrence, OccurrenceParams, Phrase, PhraseParams,
    Repetition, RepetitionParams, Substitution, SubstitutionParams,
};
use super::{Check, Origin, Rule, RuleError, RuleMeta, RuleSet};
use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;
use file::{Probe, RuleFile};

/// The Vale parameters the token-based kinds share.
#[derive(Clone, Debug, Default)]
pub struct ValeTokens {
    pub tokens: Vec<String>,
    pub ignorecase: bool,
    pub nonword: bool,
    pub exceptions: Vec<String>,
    pub scope: Vec<String>,
    /// Vale `action`, when it can become a fix (`remove`, `edit`).
    pub action: Option<std::sync::Arc<Action>>,
}

/// Vale's word template around a joined alternation: `(?m)\b(?:…)\b`, or `(?m)(?:…)` for
/// `nonword`, with `(?i)` first for `ignorecase`.
pub fn word_pattern(alternation: &str, nonword: bool, ignorecase: bool) -> String {
    let flags = if ignorecase { "(?i)" } else { "" };
    if nonword {
        format!("{flags}(?m)(?:{alternation})")
    } else {
        format!(r"{flags}(?m)\b(?:{alternation})\b")
    }
}

/// An `existence` rule's pattern, built as Vale's `makeRegexp` builds it: blank tokens are
/// dropped, the tokens are joined with `|` and wrapped in word boundaries unless `nonword` (or
/// there are no tokens), and `raw` goes before them, or after them with `append`.
pub fn existence_pattern(
    tokens: &[String],
    raw: &[String],
    append: bool,
    nonword: bool,
    ignorecase: bool,
) -> String {
    let tokens: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !t.trim().is_empty())
        .collect();
    let body = word_pattern(&tokens.join("|"), nonword || tokens.is_empty(), false);
    let raw = raw.concat();
    let joined = if append {
        format!("{body}{raw}")
    } else {
        format!("{raw}{body}")
    };
    if ignorecase {
        format!("(?i){joined}")
    } else {
        joined
    }
}

/// Vale's exception pattern: the words, longest first, as whole words, case-sensitive.
pub fn excepted_words_pattern(words: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let mut sorted: Vec<&str> = words.iter().map(String::as_str).collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    Some(word_pattern(&sorted.join("|"), false, false))
}

/// [`excepted_words_pattern`], compiled.
pub fn excepted_words(words: &[String]) -> Result<Option<Regex2>, String> {
    excepted_words_pattern(words)
        .map(|p| Regex2::new(&p))
        .transpose()
}

/// Vale's test for a plain word (compared literally rather than as a regex): letters only.
pub fn is_phrase(s: &str) -> bool {
    s.chars().all(char::is_alphabetic)
}

/// The ini file could not be used at all.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct ValeError {
    pub path: String,
    pub message: String,
}

/// Which Vale rules apply to which files, at which level.
#[derive(Debug)]
pub struct ValeFiles {
    sections: Vec<(GlobMatcher, ini::Section, Ignores)>,
    min_level: Severity,
    /// Every loaded Vale rule id.
    ids: Vec<String>,
    /// Vale `limit`: at most this many findings of the rule per file.
    limits: HashMap<String, usize>,
}

/// A section's `TokenIgnores` and `BlockIgnores`, compiled.
#[derive(Debug, Default)]
struct Ignores {
    patterns: Vec<Regex2>,
}

impl Ignores {
    /// Where the patterns match in `source`: each match's first group when it has one (Vale's
    /// convention: "capture the entire token in the first grouping"), else the whole match.
    fn ranges(&self, source: &str, out: &mut Vec<std::ops::Range<usize>>) {
        for pattern in &self.patterns {
            for groups in pattern.captures_iter(source) {
                // An empty token ignores nothing (as in Vale).
                if let Some(range) = groups.get(1).cloned().flatten().or(groups[0].clone())
                    && !range.is_empty()
                {
                    out.push(range);
                }
            }
        }
    }
}

/// Ranges sorted and joined where they overlap, for [`touches`].
fn merged(mut ranges: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    ranges.sort_unstable_by_key(|r| r.start);
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// Whether `start..end` overlaps one of the sorted, disjoint `ranges` (a binary search: a
/// broad ignore pattern on a long draft must not make this findings × ranges).
fn touches(ranges: &[std::ops::Range<usize>], start: usize, end: usize) -> bool {
    let first_ending_after = ranges.partition_point(|r| r.end <= start);
    ranges
        .get(first_ending_after)
        .is_some_and(|r| r.start < end)
}

impl ValeFiles {
    /// Drops the Vale findings the ini does not enable for `path` or that touch text its
    /// `TokenIgnores`/`BlockIgnores` skip, sets the levels it switches, and drops what is
    /// below `MinAlertLevel`. Other findings are untouched.
    pub fn adjust(&self, path: Option<&Path>, source: &str, diagnostics: &mut Vec<Diagnostic>) {
        if !diagnostics.iter().any(|d| is_vale_id(&d.rule)) {
            return;
        }
        let mut based_on: &[String] = &[];
        let mut switches: HashMap<&str, Switch> = HashMap::new();
        let mut ignored = Vec::new();
        for (glob, section, ignores) in &self.sections {
            let matches = path.is_some_and(|p| {
                glob.is_match(p) || p.file_name().is_some_and(|name| glob.is_match(name))
            });
            if !matches {
                continue;
            }
            if let Some(styles) = &section.based_on {
                based_on = styles;
            }
            for (key, switch) in &section.switches {
                switches.insert(key, *switch);
            }
            ignores.ranges(source, &mut ignored);
        }
        let ignored = merged(ignored);
        diagnostics.retain_mut(|d| {
            if !is_vale_id(&d.rule) {
                return true;
            }
            if touches(&ignored, d.span.start, d.span.end.max(d.span.start + 1)) {
                return false;
            }
            let style = d.rule.split('.').next().unwrap_or("");
            let switch = switches
                .get(&*d.rule)
                .or_else(|| switches.get(style))
                .copied();
            let on = match switch {
                Some(Switch::Off) => false,
                Some(Switch::On) => true,
                Some(Switch::Level(level)) => {
                    d.severity = level;
                    true
                }
                None => based_on.iter().any(|s| s == style),
            };
            on && d.severity >= self.min_level
        });
        if !self.limits.is_empty() {
            let mut counts: HashMap<String, usize> = HashMap::new();
            diagnostics.retain(|d| match self.limits.get(&*d.rule) {
                Some(&limit) => {
                    let n = counts.entry(d.rule.to_string()).or_default();
                    *n += 1;
                    *n <= limit
                }
                None => true,
            });
        }
    }

    pub fn rule_ids(&self) -> &[String] {
        &self.ids
    }
}

/// Vale ids are `Style.Rule`; draftlint's own ids never hold a dot.
pub fn is_vale_id(id: &str) -> bool {
    id.contains('.')
}

/// What loading a Vale configuration produced.
#[derive(Debug)]
pub struct ValeSetup {
    pub rules: Vec<Rule>,
    pub files: ValeFiles,
    /// Rule files that could not be used (shown as annotated snippets); the others run.
    pub errors: Vec<RuleError>,
    /// Things that were skipped or ignored, each with its file (and line).
    pub warnings: Vec<String>,
}

/// Reads a `.vale.ini`, its styles and vocabularies.
pub fn load(ini_path: &Path) -> Result<ValeSetup, ValeError> {
    let display = ini_path.display().to_string();
    let text = std::fs::read_to_string(ini_path).map_err(|e| ValeError {
        path: display.clone(),
        message: format!("cannot read: {e}"),
    })?;
    let ini = ini::parse(&text);
    let mut warnings: Vec<String> = ini
        .warnings
        .iter()
        .map(|(line, message)| format!("{display}:{line}: {message}"))
        .collect();
    let base = ini_path.parent().unwrap_or(Path::new("."));
    let styles_path = base.join(ini.styles_path.as_deref().unwrap_or("styles"));

    let mut sections = Vec::new();
    for section in &ini.sections {
        // Vale's globs: `*` crosses folders, `{a,b}` alternates.
        match GlobBuilder::new(&section.glob)
            .literal_separator(false)
            .build()
        {
            Ok(glob) => {
                let mut ignores = Ignores::default();
                for (pattern, line) in section.token_ignores.iter().chain(&section.block_ignores) {
                    match Regex2::new(pattern) {
                        Ok(regex) => ignores.patterns.push(regex),
                        Err(e) => warnings.push(format!(
                            "{display}:{line}: invalid ignore pattern `{pattern}`: {e}; skipped"
                        )),
                    }
                }
                sections.push((glob.compile_matcher(), section.clone(), ignores))
            }
            Err(e) => warnings.push(format!(
                "{display}:{}: invalid glob `{}`: {e}",
                section.line, section.glob
            )),
        }
    }

    // Every style a section names, in first-mention order.
    let mut styles: Vec<String> = Vec::new();
    for section in &ini.sections {
        let named = section.based_on.iter().flatten().cloned().chain(
            section
                .switches
                .iter()
                .map(|(k, _)| k.split('.').next().unwrap_or(k).to_string()),
        );
        for style in named {
            if !styles.contains(&style) {
                styles.push(style);
            }
        }
    }

    let (accept, reject) = read_vocab(&styles_path, &ini.vocab, &mut warnings);
    let mut sources: Vec<(String, PathBuf)> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut errors: Vec<RuleError> = Vec::new();
    for style in &styles {
        if style == "Vale" {
            rules.extend(builtin_style(&accept, &reject, &styles_path));
            warnings.push(
                "Vale.Spelling is not supported (draftlint has no spelling dictionary); skipped"
                    .to_string(),
            );
            continue;
        }
        let dir = styles_path.join(style);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            warnings.push(format!(
                "{display}: style `{style}` not found in {}",
                styles_path.display()
            ));
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            sources.push((format!("{style}.{name}"), path));
        }
    }
    // Rule files compile independently: in parallel, as the built-in rules do.
    use rayon::prelude::*;
    let built: Vec<Result<(Rule, Option<usize>), Problem>> = sources
        .par_iter()
        .map(|(id, path)| crate::pattern::owned_by(id, || load_rule(id, path, &accept)))
        .collect();
    let mut limits = HashMap::new();
    for result in built {
        match result {
            Ok((rule, limit)) => {
                if let Some(limit) = limit.filter(|l| *l > 0) {
                    limits.insert(rule.meta.id.clone(), limit);
                }
                rules.push(rule);
            }
            Err(Problem::Skipped(message)) => warnings.push(message),
            Err(Problem::Invalid(err)) => errors.push(err),
        }
    }
    let ids = rules.iter().map(|r| r.meta.id.clone()).collect();
    Ok(ValeSetup {
        rules,
        files: ValeFiles {
            sections,
            min_level: ini.min_alert_level.unwrap_or(Severity::Warning),
            ids,
            limits,
        },
        errors,
        warnings,
    })
}

impl ValeSetup {
    /// Adds the Vale rules to a rule set (a Vale id never collides with a draftlint id).
    pub fn add_to(&mut self, set: &mut RuleSet) {
        for rule in self.rules.drain(..) {
            set.known_ids.insert(rule.meta.id.clone());
            set.rules.push(rule);
        }
        set.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    }
}

/// The accepted and rejected terms of the ini's vocabularies.
fn read_vocab(
    styles_path: &Path,
    names: &[String],
    warnings: &mut Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut accept = Vec::new();
    let mut reject = Vec::new();
    for name in names {
        let dirs = [
            styles_path.join("config").join("vocabularies").join(name),
            styles_path.join("Vocab").join(name),
        ];
        let Some(dir) = dirs.iter().find(|d| d.is_dir()) else {
            warnings.push(format!(
                "vocabulary `{name}` not found under {}",
                styles_path.join("config/vocabularies").display()
            ));
            continue;
        };
        for (file, out) in [("accept.txt", &mut accept), ("reject.txt", &mut reject)] {
            if let Ok(text) = std::fs::read_to_string(dir.join(file)) {
                out.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(str::to_string),
                );
            }
        }
    }
    (accept, reject)
}

/// Vale's built-in style: `Vale.Terms` (accepted terms in their exact case), `Vale.Avoid`
/// (rejected terms) and `Vale.Repetition`.
fn builtin_style(accept: &[String], reject: &[String], styles_path: &Path) -> Vec<Rule> {
    let origin = Origin::File(styles_path.join("config/vocabularies"));
    let mut rules = Vec::new();
    let terms: BTreeMap<String, String> = accept
        .iter()
        .filter(|t| !t.starts_with("(?i)"))
        .map(|t| (t.clone(), t.clone()))
        .collect();
    if !terms.is_empty() {
        let params = SubstitutionParams::vale(
            ValeTokens {
                ignorecase: true,
                ..ValeTokens::default()
            },
            terms,
            false,
        );
        if let Ok(check) = Substitution::from_params(params) {
            rules.push(builtin_rule(
                "Vale.Terms",
                "substitution",
                "Use '%s' instead of '%s'.",
                &["preferred", "match"],
                "Accepted terms of the vocabulary, in their exact case.",
                Box::new(check),
                origin.clone(),
            ));
        }
    }
    if !reject.is_empty() {
        let params = PhraseParams::vale(
            ValeTokens {
                tokens: reject.to_vec(),
                ..ValeTokens::default()
            },
            Vec::new(),
            false,
        );
        if let Ok(check) = Phrase::from_params(params) {
            rules.push(builtin_rule(
                "Vale.Avoid",
                "phrase",
                "Avoid using '%s'.",
                &["match"],
                "Rejected terms of the vocabulary.",
                Box::new(check),
                origin.clone(),
            ));
        }
    }
    let params = RepetitionParams::vale(
        ValeTokens {
            tokens: vec![r"[^\s]+".to_string()],
            ..ValeTokens::default()
        },
        true,
        0,
    );
    if let Ok(check) = Repetition::from_params(params) {
        rules.push(builtin_rule(
            "Vale.Repetition",
            "repetition",
            "'%s' is repeated!",
            &["match"],
            "A word repeated in a row.",
            Box::new(check),
            origin,
        ));
    }
    rules
}

fn builtin_rule(
    id: &str,
    kind: &str,
    message: &str,
    names: &[&str],
    description: &str,
    check: Box<dyn Check>,
    origin: Origin,
) -> Rule {
    Rule {
        meta: RuleMeta {
            id: id.to_string(),
            kind: kind.to_string(),
            severity: Severity::Error,
            message: message::template(message, names),
            description: format!("{message}\n\n{description}\n\nVale built-in rule, level error."),
            rationale: String::new(),
            help: None,
            tests: Vec::new(),
            origin,
        },
        check,
        cost: Default::default(),
    }
}

/// Why a rule file was not loaded.
enum Problem {
    /// A rule type or scope draftlint does not run: a warning naming the file.
    Skipped(String),
    /// A broken file: an error pointing into it.
    Invalid(RuleError),
}

/// Types draftlint does not run.
const UNSUPPORTED_TYPES: &[&str] = &["script", "sequence", "spelling", "readability"];

/// Loads one rule file, with its Vale `limit`.
fn load_rule(id: &str, path: &Path, accept: &[String]) -> Result<(Rule, Option<usize>), Problem> {
    let origin = Origin::File(path.to_path_buf());
    let invalid = |span: Option<Span>, message: String, text: &str| {
        Problem::Invalid(RuleError {
            origin: origin.to_string(),
            text: text.to_string(),
            span,
            message,
        })
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(None, format!("cannot read: {e}"), ""))?;
    let yaml_error = |e: serde_saphyr::Error| {
        let span = e
            .location()
            .and_then(|l| yaml_offset(&text, l.line(), l.column()))
            .map(|at| Span::new(at, at));
        let message = e.without_snippet().to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").to_string();
        invalid(span, message, &text)
    };
    // One parse for the rules draftlint runs; only a file that does not fit is read again,
    // to tell a rule type draftlint skips from a broken file.
    let file: RuleFile = match serde_saphyr::from_str(&text) {
        Ok(file) => file,
        Err(err) => {
            let probe: Probe = serde_saphyr::from_str(&text).map_err(yaml_error)?;
            return Err(match probe.extends {
                None => invalid(None, "missing the required `extends` key".into(), &text),
                Some(extends) if UNSUPPORTED_TYPES.contains(&extends.as_str()) => {
                    Problem::Skipped(format!(
                        "{}: rule type `{extends}` is not supported by draftlint; {id} skipped",
                        path.display()
                    ))
                }
                Some(_) => yaml_error(err),
            });
        }
    };
    let extends = file.extends.clone();
    if UNSUPPORTED_TYPES.contains(&extends.as_str()) {
        return Err(Problem::Skipped(format!(
            "{}: rule type `{extends}` is not supported by draftlint; {id} skipped",
            path.display()
        )));
    }
    let level = match file.level.as_deref() {
        None => Severity::Warning,
        Some(name) => ini::level(name).ok_or_else(|| {
            let span = key_span(&text, "level");
            invalid(
                span,
                format!("`level` must be suggestion, warning or error, not `{name}`"),
                &text,
            )
        })?,
    };
    let scope = file
        .scope
        .clone()
        .map(file::OneOrMany::into_vec)
        .unwrap_or_default();
    if let Some(part) = scope
        .iter()
        .flat_map(|s| s.split('&'))
        .map(|p| p.trim().trim_start_matches('~').trim())
        .find(|p| scope::UNSUPPORTED.contains(p))
    {
        return Err(Problem::Skipped(format!(
            "{}: scope `{part}` is not supported by draftlint; {id} skipped",
            path.display()
        )));
    }
    let mut exceptions = file.exceptions.clone();
    // Vale adds the vocabulary's accepted terms to word rules' exceptions.
    if file.vocab.unwrap_or(true) && !(extends == "existence" && file.nonword) {
        exceptions.extend(accept.iter().cloned());
    }
    let action = file.action.clone().unwrap_or_default();
    let tokens = ValeTokens {
        tokens: file.tokens.clone(),
        ignorecase: file.ignorecase,
        nonword: file.nonword,
        exceptions,
        scope: scope.clone(),
        action: Action::parse(&action.name, &action.params).map(std::sync::Arc::new),
    };
    let action_fixes =
        tokens.action.is_some() && matches!(extends.as_str(), "existence" | "repetition");
    let need = |value: Option<String>, key: &str| {
        value.ok_or_else(|| invalid(None, format!("a `{extends}` rule needs `{key}`"), &text))
    };
    let (kind, names, check): (&str, &[&str], Result<Box<dyn Check>, _>) =
        match file.extends.as_str() {
            "existence" => (
                "phrase",
                &["match"],
                Phrase::from_params(PhraseParams::vale(tokens, file.raw.clone(), file.append))
                    .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "substitution" => {
                let replace = action.name == "replace" && action.params.is_empty();
                (
                    "substitution",
                    &["preferred", "match"],
                    Substitution::from_params(SubstitutionParams::vale(
                        tokens,
                        file.swap.clone(),
                        replace,
                    ))
                    .map(|c| Box::new(c) as Box<dyn Check>),
                )
            }
            "repetition" => (
                "repetition",
                &["match"],
                Repetition::from_params(RepetitionParams::vale(
                    tokens,
                    file.alpha,
                    file.max.unwrap_or(0),
                ))
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "occurrence" => (
                "occurrence",
                // Vale shows an occurrence message as written.
                &[],
                Occurrence::from_params(OccurrenceParams {
                    token: need(file.token.clone(), "token")?,
                    max: file.max.unwrap_or(0),
                    min: file.min.unwrap_or(0),
                    ignorecase: file.ignorecase,
                    scope: scope.clone(),
                })
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "consistency" => (
                "consistency",
                &["match"],
                Consistency::from_params(ConsistencyParams {
                    either: file.either.clone(),
                    ignorecase: file.ignorecase,
                    nonword: file.nonword,
                    scope: scope.clone(),
                })
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "conditional" => (
                "conditional",
                &["match"],
                Conditional::from_params(ConditionalParams {
                    first: need(file.first.clone(), "first")?,
                    second: need(file.second.clone(), "second")?,
                    ignorecase: file.ignorecase,
                    exceptions: tokens.exceptions.clone(),
                    scope: scope.clone(),
                })
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "capitalization" => (
                "capitalization",
                &["match"],
                Capitalization::from_params(CapitalizationParams {
                    case: need(file.case.clone(), "match")?,
                    exceptions: tokens.exceptions.clone(),
                    indicators: file.indicators.clone(),
                    threshold: file.threshold,
                    style: file.style.clone(),
                    scope: scope.clone(),
                })
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            "metric" => (
                "metric",
                &["value"],
                Metric::from_params(MetricParams {
                    formula: need(file.formula.clone(), "formula")?,
                    condition: need(file.condition.clone(), "condition")?,
                })
                .map(|c| Box::new(c) as Box<dyn Check>),
            ),
            other => {
                return Err(invalid(
                    key_span(&text, "extends"),
                    format!("unknown rule type `{other}`"),
                    &text,
                ));
            }
        };
    let check = check.map_err(|e| invalid(e.span, e.message, &text))?;
    let mut raw_message = file.message.clone();
    if extends == "substitution" && action.name == "replace" && action.params.is_empty() {
        raw_message = unquote_first_slot(&raw_message);
    }
    let mut description = file.message.trim().to_string();
    if !file.description.trim().is_empty() {
        description.push_str("\n\n");
        description.push_str(file.description.trim());
    }
    let level_name = file.level.as_deref().unwrap_or("warning");
    description.push_str(&format!("\n\nVale `{extends}` rule, level {level_name}."));
    if let Some(link) = &file.link {
        description.push_str(&format!("\nLink: {link}"));
    }
    if !action.name.is_empty() {
        let fix = if action_fixes {
            "`--fix` applies it where the result is whole in its context"
        } else if extends == "substitution" && action.name == "replace" {
            "`--fix` applies a single suggestion"
        } else {
            "no `--fix`"
        };
        let params = if action.params.is_empty() {
            String::new()
        } else {
            format!(" ({})", action.params.join(", "))
        };
        description.push_str(&format!("\nAction: `{}`{params}; {fix}.", action.name));
    }
    let rule = Rule {
        meta: RuleMeta {
            id: id.to_string(),
            kind: kind.to_string(),
            severity: level,
            message: message::template(&raw_message, names),
            description,
            rationale: String::new(),
            help: file.link.as_ref().map(|l| format!("see {l}").into()),
            tests: Vec::new(),
            origin,
        },
        check,
        cost: crate::rules::RuleCost::with_prior(text.len()),
    };
    Ok((rule, file.limit))
}

/// Vale quotes the suggestions of `action: replace` itself, so the first quoted `'%s'` of a
/// message that quotes both loses its quotes (Vale's `convertMessage`).
fn unquote_first_slot(message: &str) -> String {
    for spec in ["'%s'", "\"%s\""] {
        if message.matches(spec).count() == 2 {
            return message.replacen(spec, "%s", 1);
        }
    }
    message.to_string()
}

/// Byte offset of a 1-based line and column.
fn yaml_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = text.get(start..)?;
    let col = usize::try_from(column).ok()?.saturating_sub(1);
    let offset = rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i);
    Some((start + offset).min(text.len()))
}

/// The span of a top-level `key:` in a YAML file.
fn key_span(text: &str, key: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(&format!("{key}:")) {
            return Some(Span::new(offset, offset + key.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_built_as_vale_builds_them() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            existence_pattern(&t(&["a", " ", "b"]), &[], false, false, true),
            r"(?i)(?m)\b(?:a|b)\b"
        );
        assert_eq!(
            existence_pattern(&t(&["x"]), &t(&["^", "y"]), true, true, false),
            "(?m)(?:x)^y"
        );
        assert_eq!(
            existence_pattern(&[], &t(&["r"]), false, false, false),
            "r(?m)(?:)"
        );
        assert_eq!(
            excepted_words_pattern(&t(&["ab", "abc"])).unwrap(),
            r"(?m)\b(?:abc|ab)\b"
        );
        assert_eq!(
            unquote_first_slot("Use '%s' instead of '%s'."),
            "Use %s instead of '%s'."
        );
    }

    #[test]
    fn yaml_positions_become_byte_offsets() {
        assert_eq!(yaml_offset("a: 1\nbé: [\n", 2, 3), Some(8));
        assert_eq!(
            key_span("x: 1\nlevel: bad\n", "level"),
            Some(Span::new(5, 10))
        );
    }

    #[test]
    fn ignored_ranges_merge_and_are_found_by_overlap() {
        let ranges = merged(vec![10..20, 0..2, 15..30, 40..41]);
        assert_eq!(ranges, [0..2, 10..30, 40..41]);
        assert!(touches(&ranges, 1, 5));
        assert!(touches(&ranges, 29, 35));
        assert!(!touches(&ranges, 2, 10));
        assert!(!touches(&ranges, 30, 40));
        assert!(touches(&ranges, 40, 41));
        assert!(!touches(&ranges, 41, 50));
    }

    #[test]
    fn ignore_patterns_give_their_first_group_and_never_an_empty_range() {
        let ignores = Ignores {
            patterns: vec![
                Regex2::new(r"(x*)").unwrap(),
                Regex2::new(r"\$([^$]+)\$").unwrap(),
                Regex2::new(r"\{\{<[^>]*>\}\}").unwrap(),
            ],
        };
        let mut out = Vec::new();
        ignores.ranges("a $m$ b {{< n >}} c", &mut out);
        assert_eq!(out, [3..4, 8..17]);
    }
}
