use std::any::Any;
use std::sync::LazyLock;

use crate::pattern::Regex;
use serde::Deserialize;

use super::documented_kind;
use crate::diagnostic::Diagnostic;
use crate::document::{BlockKind, Document, LinkKind, PLACEHOLDER};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VagueLinkParams {
    /// Link texts that say nothing about where the link goes, compared whole, without case
    /// and surrounding punctuation.
    #[serde(default)]
    vague_texts: Vec<String>,
    /// Also report a bare URL or file name used as the text of a link.
    #[serde(default = "yes")]
    flag_url_text: bool,
    /// What to do with autolinks (`<https://…>`), whose text is their URL by construction.
    #[serde(default)]
    autolinks: AutolinkPolicy,
}

/// Autolinks show their URL on purpose; where that is acceptable is a house decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AutolinkPolicy {
    /// Never report an autolink.
    Allow,
    /// Report autolinks in prose, not in list items (reference lists).
    #[default]
    AllowInLists,
    /// Report every autolink whose URL has a path.
    Report,
}

fn yes() -> bool {
    true
}

impl Default for VagueLinkParams {
    fn default() -> Self {
        Self {
            vague_texts: Vec::new(),
            flag_url_text: true,
            autolinks: AutolinkPolicy::default(),
        }
    }
}

documented_kind! {
    /// ## What it does
    /// Finds link text that does not say where the link goes: "click here", "here", "read
    /// more", "this link", and (with `flag-url-text`) a bare URL or file name as the text.
    /// The whole link text is compared, without case or surrounding punctuation and with
    /// hyphens and underscores read as spaces ("Click here!!!", "click-here", "read_more"), so
    /// "the council's budget, published here" linked on "budget" is fine.
    ///
    /// Parameters (`[params]`): `vague-texts`, `flag-url-text` (default true), `autolinks`
    /// (`allow`, `allow-in-lists` (default), `report`). The message may use `{match}`.
    ///
    /// ## Why is this bad
    /// WCAG 2.4.4 (Link Purpose): screen-reader users jump from link to link and hear only the
    /// text; "here, here, here" tells them nothing. Search engines read link text too.
    ///
    /// ## Example
    /// `The report is [here](https://…).` → `Read [the council's 2024 budget report](https://…).`
    #[derive(Debug)]
    pub struct VagueLink {
        vague_texts: Vec<String>,
        flag_url_text: bool,
        autolinks: AutolinkPolicy,
    }
}

/// A URL with a path, or a file name. A bare domain ("collegescorecard.ed.gov") names its
/// site well enough and is not reported.
static URL_OR_FILE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(r"(?i)^(?:(?:https?://|www\.)[^/\s]+/[^\s]*[^/\s]|[\w.-]+\.(?:pdf|docx?|xlsx?|pptx?|csv|zip|odt|ods))$")
        .expect("built-in pattern")
});

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |params: VagueLinkParams| {
        // Created with the rule, so that `tests/builtin_patterns.rs` builds it with the others.
        LazyLock::force(&URL_OR_FILE);
        Ok(VagueLink {
            vague_texts: params.vague_texts.iter().map(|t| normalise(t)).collect(),
            flag_url_text: params.flag_url_text,
            autolinks: params.autolinks,
        })
    })
}

fn normalise(text: &str) -> String {
    // Inline code stays (as its placeholder): "`view all` link" is not just "link".
    // Hyphens, underscores and dashes join words as spaces do: "click-here", "read_more".
    text.trim_matches(|c: char| !c.is_alphanumeric() && c != PLACEHOLDER)
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '‐' | '–' | '—'))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Check for VagueLink {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for link in &doc.links {
            if link.text_span.is_empty()
                || link
                    .dest
                    .as_deref()
                    .is_none_or(|d| d.trim().is_empty() || d == "#")
            {
                // Empty text or destination is a broken link, not a vague one.
                continue;
            }
            let block_kind = doc.blocks.get(link.block).map(|b| b.kind);
            let text = link.text.trim();
            let vague = self.vague_texts.contains(&normalise(text));
            let url_text = self.flag_url_text && URL_OR_FILE.is_match(text);
            if !vague && !url_text {
                continue;
            }
            let autolink_allowed = match self.autolinks {
                AutolinkPolicy::Allow => true,
                AutolinkPolicy::AllowInLists => block_kind == Some(BlockKind::ListItem),
                AutolinkPolicy::Report => false,
            };
            if link.kind == LinkKind::Autolink && autolink_allowed {
                continue;
            }
            let mut d = rule.diagnostic(link.text_span, &[("match", text)]);
            if url_text && !vague {
                d.message = format!("the link text \"{text}\" is a bare URL or file name");
            }
            if let Some(dest) = link.dest_span {
                d = d.with_related(dest, "goes here");
            }
            out.push(d);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
