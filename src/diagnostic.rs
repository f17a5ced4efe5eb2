//! What a rule reports: spans, message, advice and an optional fix.
//!
//! Diagnostics hold byte spans only. Lines and columns are computed by the printers, so every
//! output format agrees on them.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, LazyLock, RwLock};

use serde::{Deserialize, Serialize};

use crate::span::Span;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary span that explains the primary one ("first said here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A replacement of a span of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

/// A finding. Its rule id and help are shared with the rule's other findings rather than
/// copied into each: a draft can have a million findings, and copies of the same two strings
/// once cost more memory than the findings themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub help: Option<Arc<str>>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

/// Every rule id seen in this process, each stored once. Ids are few (one per loaded rule),
/// so the set stays small however many findings name them.
static RULE_IDS: LazyLock<RwLock<HashSet<Arc<str>>>> = LazyLock::new(Default::default);

/// The shared copy of a rule id.
pub fn rule_id(id: &str) -> Arc<str> {
    if let Some(shared) = RULE_IDS.read().unwrap_or_else(|e| e.into_inner()).get(id) {
        return Arc::clone(shared);
    }
    let mut ids = RULE_IDS.write().unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = ids.get(id) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(id);
    ids.insert(Arc::clone(&shared));
    shared
}

impl Diagnostic {
    pub fn new(rule: &str, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule: rule_id(rule),
            severity,
            message: message.into(),
            span,
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help.map(Into::into);
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}

/// Where a finding sorts: by span, then rule id.
fn position_key(d: &Diagnostic) -> (usize, usize, &str) {
    (d.span.start, d.span.end, &d.rule)
}

/// Sorts findings by span, then rule id, as a stable sort would: findings that tie keep their
/// order. A stable sort of the findings themselves takes scratch space of half their size (80 MB
/// for a million); this sorts their indices and then moves each finding once, in place.
pub fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_sorted_by_key(position_key) {
        // Most rules report in document order: nothing to move, nothing to allocate.
        return;
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        (position_key(&diagnostics[a]), a).cmp(&(position_key(&diagnostics[b]), b))
    });
    // `order[p]` is the index of the finding that belongs at `p`; follow each cycle of that
    // permutation, marking the positions already filled.
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut p = start;
        while order[p] != DONE {
            let q = order[p];
            order[p] = DONE;
            if q != start {
                diagnostics.swap(p, q);
            }
            p = q;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, start: usize, message: &str) -> Diagnostic {
        Diagnostic::new(
            rule,
            Severity::Warning,
            Span::new(start, start + 1),
            message,
        )
    }

    #[test]
    fn sorts_like_a_stable_sort() {
        let mut found: Vec<Diagnostic> = (0..200)
            .map(|i| {
                let rule = ["b-rule", "a-rule", "c-rule"][i % 3];
                finding(rule, (i * 7919) % 23, &i.to_string())
            })
            .collect();
        let mut expected = found.clone();
        expected.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
        });
        sort_by_position(&mut found);
        assert_eq!(found, expected);
    }

    #[test]
    fn findings_share_their_rule_id() {
        let a = finding("shared-id", 0, "a");
        let b = finding("shared-id", 1, "b");
        assert!(Arc::ptr_eq(&a.rule, &b.rule));
    }

    #[test]
    fn a_finding_is_small() {
        // Rule id and help are shared pointers, not owned strings (160 bytes before).
        assert!(std::mem::size_of::<Diagnostic>() <= 144);
    }
}
