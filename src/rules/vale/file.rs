//! A Vale rule file (YAML), read with serde.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Only the rule type, read first: types draftlint does not run are skipped before their
/// other keys are looked at.
#[derive(Debug, Deserialize)]
pub struct Probe {
    pub extends: Option<String>,
}

/// A string or a list of strings (Vale accepts both for `scope`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Vale's `action`: how a finding could be fixed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub params: Vec<String>,
}

/// Every key of the rule types draftlint runs. Unknown keys are errors, so a typo in a rule
/// is found instead of silently changing what it matches.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub extends: String,
    pub message: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub scope: Option<OneOrMany>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub action: Option<Action>,
    #[serde(default)]
    pub ignorecase: bool,
    #[serde(default)]
    pub nonword: bool,
    #[serde(default)]
    pub tokens: Vec<String>,
    #[serde(default)]
    pub raw: Vec<String>,
    #[serde(default)]
    pub append: bool,
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Whether the vocabulary's accepted terms are exceptions too (default true).
    #[serde(default)]
    pub vocab: Option<bool>,
    #[serde(default)]
    pub swap: BTreeMap<String, String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub max: Option<usize>,
    #[serde(default)]
    pub min: Option<usize>,
    #[serde(default)]
    pub alpha: bool,
    #[serde(default)]
    pub either: BTreeMap<String, String>,
    #[serde(default)]
    pub first: Option<String>,
    #[serde(default)]
    pub second: Option<String>,
    #[serde(default, rename = "match")]
    pub case: Option<String>,
    #[serde(default)]
    pub style: Option<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub threshold: Option<f64>,
    #[serde(default)]
    pub formula: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
}
