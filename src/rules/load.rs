//! Reading rule files, with errors that point at the offending line and column.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use thiserror::Error;
use toml::Spanned;

use super::kinds::{KINDS, KindError};
use super::{Origin, Rule, RuleMeta, TestCase};
use crate::diagnostic::Severity;
use crate::span::Span;

/// A rule file that cannot be used. Carries the file's text so the CLI can show the offending
/// line as an annotated snippet.
#[derive(Debug, Error)]
#[error("{origin}: {message}")]
pub struct RuleError {
    pub origin: String,
    pub text: String,
    pub span: Option<Span>,
    pub message: String,
}

impl RuleError {
    fn new(origin: &Origin, text: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            origin: origin.to_string(),
            text: text.to_string(),
            span,
            message: message.into(),
        }
    }

    pub(super) fn resolve(meta: &RuleMeta, message: String) -> Self {
        let text = meta.origin.text().unwrap_or_default();
        Self::new(&meta.origin, &text, None, message)
    }

    fn from_toml(origin: &Origin, text: &str, err: toml::de::Error) -> Self {
        let span = err.span().map(Span::from);
        Self::new(origin, text, span, err.message().trim().to_string())
    }
}

#[derive(Deserialize)]
struct KindProbe {
    kind: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile<P> {
    id: Spanned<String>,
    kind: String,
    severity: Severity,
    message: String,
    description: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    params: P,
    #[serde(default)]
    test: Vec<Spanned<TestCase>>,
}

/// Parses and builds one rule file.
pub fn load_rule(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    let probe: KindProbe =
        toml::from_str(text).map_err(|e| RuleError::from_toml(&origin, text, e))?;
    let Some(kind) = probe.kind else {
        return Err(RuleError::new(&origin, text, None, "missing `kind`"));
    };
    let Some(info) = KINDS.iter().find(|k| k.name == kind.get_ref()) else {
        let known: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        return Err(RuleError::new(
            &origin,
            text,
            Some(kind.span().into()),
            format!(
                "unknown rule kind `{}` (known kinds: {})",
                kind.get_ref(),
                known.join(", ")
            ),
        ));
    };
    (info.build)(text, origin)
}

/// Parses the common part of a rule file and its kind's parameters.
pub fn parse_rule<P: DeserializeOwned + Default>(
    text: &str,
    origin: &Origin,
) -> Result<(RuleMeta, P), RuleError> {
    let file: RuleFile<P> =
        toml::from_str(text).map_err(|e| RuleError::from_toml(origin, text, e))?;
    let id_ok = !file.id.get_ref().is_empty()
        && file
            .id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(RuleError::new(
            origin,
            text,
            Some(file.id.span().into()),
            "a rule id uses lower-case letters, digits and `-` only",
        ));
    }
    let tests = file
        .test
        .into_iter()
        .map(|case| {
            let span = Span::from(case.span());
            let mut case = case.into_inner();
            case.span = Some(span);
            case
        })
        .collect();
    let meta = RuleMeta {
        id: file.id.into_inner(),
        kind: file.kind,
        severity: file.severity,
        message: file.message,
        description: file.description,
        rationale: file.rationale,
        help: file.help.map(Into::into),
        tests,
        origin: origin.clone(),
    };
    Ok((meta, file.params))
}

/// Builds a rule of kind `K` from its file: the helper every kind's `build` uses.
pub fn build_rule<P, C>(
    text: &str,
    origin: Origin,
    make: impl FnOnce(P) -> Result<C, KindError>,
) -> Result<Rule, RuleError>
where
    P: DeserializeOwned + Default,
    C: super::Check,
{
    let (meta, params) = parse_rule::<P>(text, &origin)?;
    let check = crate::pattern::owned_by(&meta.id, || make(params))
        .map_err(|e| RuleError::new(&origin, text, e.span, e.message))?;
    Ok(Rule {
        meta,
        check: Box::new(check),
        cost: super::RuleCost::with_prior(text.len()),
    })
}

/// Every `*.toml` in `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>, RuleError> {
    let origin = Origin::File(dir.to_path_buf());
    let entries = std::fs::read_dir(dir)
        .map_err(|e| RuleError::new(&origin, "", None, format!("cannot read rule folder: {e}")))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let origin = Origin::File(path.clone());
            let text = std::fs::read_to_string(&path)
                .map_err(|e| RuleError::new(&origin, "", None, format!("cannot read: {e}")))?;
            load_rule(&text, origin)
        })
        .collect()
}
