//! Rules: TOML files that configure rule kinds written in Rust.
//!
//! A rule file names a `kind` and gives it parameters, a message, a severity, documentation and
//! test cases. Built-in rule files are compiled into the binary; `--rules DIR` adds more, and a
//! user file with a built-in id replaces the built-in. Every pattern is compiled once, when the
//! rule is loaded, never per file.

pub mod kinds;
mod load;
pub mod testing;
pub mod vale;

use std::any::Any;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

pub use load::RuleError;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::pattern::DocumentScan;
use crate::source::Format;
use crate::span::Span;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Where a rule file came from; printed in errors and by `draftlint rules`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Builtin(&'static str),
    File(PathBuf),
}

impl Origin {
    /// The rule file's text, read again for error snippets and test reports.
    pub fn text(&self) -> Option<String> {
        match self {
            Origin::Builtin(name) => BUILTIN_RULE_FILES
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.to_string()),
            Origin::File(path) => std::fs::read_to_string(path).ok(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "rules/{name} (built-in)"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A rule's `[[test]]` case: an input and the findings it must produce.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub input: String,
    /// md, txt or html; Markdown when absent.
    #[serde(default)]
    pub format: Option<Format>,
    /// How many findings this rule must report on the input.
    pub expect: usize,
    /// The exact matched texts, in order, when given.
    #[serde(default)]
    pub matched: Option<Vec<String>>,
    /// Why the case exists, shown by `explain`.
    #[serde(default)]
    pub note: Option<String>,
    /// Byte span of this case in the rule file, for failure reports.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// The parts every rule file has, whatever its kind.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: String,
    pub kind: String,
    pub severity: Severity,
    pub message: String,
    pub description: String,
    pub rationale: String,
    /// Shared by every finding of the rule.
    pub help: Option<Arc<str>>,
    pub tests: Vec<TestCase>,
    pub origin: Origin,
}

/// Documents longer than this have their rules scheduled one by one onto free threads, by
/// kind (see [`RuleSet::check`]).
const LONG_DOCUMENT: usize = 256 * 1024;

/// The Rust half of a rule: a kind configured by a rule file's parameters.
pub trait Check: Send + Sync + fmt::Debug + Any {
    /// Appends this rule's findings in `doc` to `out`.
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>);

    /// Connects this rule to others it builds on (a shared phrase list). Called once after all
    /// rules are loaded.
    fn resolve(&mut self, _rules: &[Rule]) -> Result<(), String> {
        Ok(())
    }

    /// The patterns this rule searches whole blocks' texts with (`&block.text`): they join
    /// the run's [`crate::pattern::PatternSet`], so a block is read once for all of them, and
    /// each rule searches only the blocks its pattern can match.
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        Vec::new()
    }

    /// How long this rule is likely to take on a document, against a phrase list's 1 (see
    /// [`RuleCost`]): what orders the rules of the first document, before any is measured.
    fn cost_hint(&self) -> u32 {
        1
    }

    fn as_any(&self) -> &dyn Any;
}

#[derive(Debug)]
pub struct Rule {
    pub meta: RuleMeta,
    pub check: Box<dyn Check>,
    pub cost: RuleCost,
}

/// How long a rule takes, to start the slowest rules of a document first: a document's rules
/// run side by side, so its time is at least its slowest rule's, plus whatever that rule waited
/// for. What a rule took on the documents so far decides; before the first one (the only one
/// of a run on a single draft), its kind's [`Check::cost_hint`] (a pass over the whole
/// document that compares its paragraphs is slower than a phrase list), then the size of its
/// rule file (a longer list of phrases and patterns is more to build and to search).
#[derive(Debug, Default)]
pub struct RuleCost {
    /// The length of the rule's file.
    pub prior: usize,
    /// Nanoseconds spent on the documents so far.
    spent: std::sync::atomic::AtomicU64,
}

impl RuleCost {
    pub fn with_prior(prior: usize) -> RuleCost {
        RuleCost {
            prior,
            ..RuleCost::default()
        }
    }

    fn key(&self) -> (u64, usize) {
        (self.spent.load(Ordering::Relaxed), self.prior)
    }
}

impl Rule {
    pub fn run(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        self.check.check(doc, &self.meta, out);
    }

    /// This rule's findings in `doc` (with `scan` consulted by its searches), its time added
    /// to its cost.
    fn run_timed(&self, doc: &Document<'_>, scan: Option<&Arc<DocumentScan>>) -> Vec<Diagnostic> {
        let started = std::time::Instant::now();
        let mut found = Vec::new();
        match scan {
            Some(scan) => scan.enter(|| self.run(doc, &mut found)),
            None => self.run(doc, &mut found),
        }
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.cost.spent.fetch_add(nanos, Ordering::Relaxed);
        found
    }
}

impl RuleMeta {
    /// The message for one finding: `{match}` and `{name}` placeholders filled in.
    pub fn message_for(&self, vars: &[(&str, &str)]) -> String {
        let mut message = self.message.clone();
        for (name, value) in vars {
            message = message.replace(&format!("{{{name}}}"), value);
        }
        message
    }

    pub fn diagnostic(&self, span: Span, vars: &[(&str, &str)]) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(&self.id, self.severity, span, self.message_for(vars));
        diagnostic.help = self.help.clone();
        diagnostic
    }
}

/// The rules of one run.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Every loaded rule id, selected or not: suppressions may name any of them.
    pub known_ids: std::collections::HashSet<String>,
    /// The rules' patterns and word lists in one set, made on the first document (once the
    /// rules of the run are chosen).
    pattern_set: std::sync::OnceLock<crate::pattern::PatternSet>,
    /// Bytes of documents read before the set is built (`None`: the set's own default).
    pattern_set_after: Option<usize>,
}

impl RuleSet {
    /// The built-in rules.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        use rayon::prelude::*;
        // Rule files load independently (TOML, word lists; their patterns are built on their
        // first search), so in parallel.
        let rules = BUILTIN_RULE_FILES
            .par_iter()
            .map(|(name, text)| {
                crate::pattern::trusted(|| load::load_rule(text, Origin::Builtin(name)))
            })
            .collect::<Result<Vec<Rule>, _>>()?;
        let mut set = RuleSet::default();
        for rule in rules {
            set.insert(rule);
        }
        Ok(set)
    }

    /// Built-in rules plus the rule files of `dirs` (later ones replace earlier ones by id).
    pub fn load(dirs: &[PathBuf]) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::builtin()?;
        for dir in dirs {
            for rule in load::load_dir(dir)? {
                set.insert(rule);
            }
        }
        set.resolve()?;
        set.known_ids = set.rules.iter().map(|r| r.meta.id.clone()).collect();
        Ok(set)
    }

    /// Only the rule files of `dir` (for `test-rules DIR`).
    pub fn load_only(dir: &Path) -> Result<RuleSet, RuleError> {
        let builtin = RuleSet::builtin()?;
        let mut set = RuleSet::default();
        for rule in load::load_dir(dir)? {
            set.insert(rule);
        }
        // Rules may build on built-in ones (a shared phrase list) without shipping a copy.
        let own: Vec<String> = set.rules.iter().map(|r| r.meta.id.clone()).collect();
        let mut all = RuleSet::default();
        for rule in builtin.rules.into_iter().chain(set.rules) {
            all.insert(rule);
        }
        all.resolve()?;
        all.rules.retain(|r| own.contains(&r.meta.id));
        Ok(all)
    }

    pub fn insert(&mut self, rule: Rule) {
        match self.rules.iter_mut().find(|r| r.meta.id == rule.meta.id) {
            Some(slot) => *slot = rule,
            None => self.rules.push(rule),
        }
        self.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    }

    pub fn resolve(&mut self) -> Result<(), RuleError> {
        for i in 0..self.rules.len() {
            let mut check =
                std::mem::replace(&mut self.rules[i].check, Box::new(kinds::Unresolved));
            let result = check.resolve(&self.rules);
            self.rules[i].check = check;
            if let Err(message) = result {
                return Err(RuleError::resolve(&self.rules[i].meta, message));
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// Keeps the rules a run asked for. Unknown ids are an error, so a typo is not silent.
    pub fn select(&mut self, only: &[String], disable: &[String]) -> Result<(), String> {
        for id in only.iter().chain(disable) {
            if self.get(id).is_none() {
                return Err(format!("unknown rule `{id}` (see `draftlint rules`)"));
            }
        }
        self.rules.retain(|r| {
            (only.is_empty() || only.contains(&r.meta.id)) && !disable.contains(&r.meta.id)
        });
        Ok(())
    }

    /// Builds the rules' pattern set after `bytes` of documents rather than when it pays
    /// (see [`crate::pattern::PatternSet`]); `usize::MAX` never builds it. For tests, which
    /// compare findings with and without it. Call it before the first document: the set is
    /// made then, from the rules of that moment.
    #[doc(hidden)]
    pub fn pattern_set_after(&mut self, bytes: usize) {
        self.pattern_set_after = Some(bytes);
    }

    /// The rules, slowest first (see [`RuleCost`]); for a long document, kinds that tend to be
    /// slow before the others (see [`Check::cost_hint`]).
    fn schedule(&self, long: bool) -> Vec<&Rule> {
        let mut order: Vec<&Rule> = self.rules.iter().collect();
        order.sort_by_key(|rule| {
            let (spent, prior) = rule.cost.key();
            let hint = if long { rule.check.cost_hint() } else { 1 };
            std::cmp::Reverse((spent, hint, prior))
        });
        order
    }

    /// Every finding of every rule in `doc`, sorted by position.
    pub fn check(&self, doc: &Document<'_>) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let scan = self
            .pattern_set
            .get_or_init(|| {
                let set = crate::pattern::PatternSet::new(
                    self.rules.iter().flat_map(|r| r.check.set_members()),
                );
                match self.pattern_set_after {
                    Some(bytes) => set.build_after(bytes),
                    None => set,
                }
            })
            .scan(doc.prose().map(|(_, b)| b.text.as_str()))
            .map(Arc::new);
        // Rules are independent readers of one document: run them in parallel too, which is
        // what keeps a single large draft (or a single small one, at start-up) fast.
        let long = doc.source.len() > LONG_DOCUMENT;
        let order = self.schedule(long);
        let mut parts: Vec<Vec<Diagnostic>> = if long {
            // Each thread takes the next rule when it is free: the slowest start first and
            // the others fill in around them (a parallel iterator splits the list in halves,
            // and the second half's slowest rule starts late).
            let next = AtomicUsize::new(0);
            let found: Vec<OnceLock<Vec<Diagnostic>>> =
                order.iter().map(|_| OnceLock::new()).collect();
            let work = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(rule) = order.get(i) else {
                    break;
                };
                let _ = found[i].set(rule.run_timed(doc, scan.as_ref()));
            };
            rayon::scope(|s| {
                for _ in 1..rayon::current_num_threads().min(order.len()) {
                    s.spawn(|_| work());
                }
                work();
            });
            found
                .into_iter()
                .map(|f| f.into_inner().unwrap_or_default())
                .collect()
        } else {
            // A short document's time is mostly its rules' patterns being built on their first
            // search; rules that share a pattern (a phrase list) then wait for each other less
            // in halves of the list than taking turns.
            order
                .par_iter()
                .with_max_len(1)
                .map(|rule| rule.run_timed(doc, scan.as_ref()))
                .collect()
        };
        // Join into the largest part rather than a fresh vector: a draft with a million
        // findings of one rule would otherwise hold them twice. The order between rules does
        // not matter (the sort below breaks ties by rule id); within a rule it is kept.
        let largest = (0..parts.len())
            .max_by_key(|&i| parts[i].len())
            .unwrap_or_default();
        let mut out = parts
            .get_mut(largest)
            .map(std::mem::take)
            .unwrap_or_default();
        out.reserve_exact(parts.iter().map(Vec::len).sum());
        for part in parts {
            out.extend(part);
        }
        crate::diagnostic::sort_by_position(&mut out);
        out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_rules_start_first() {
        let rules = RuleSet::builtin().unwrap();
        let largest_file = rules.rules.iter().max_by_key(|r| r.cost.prior).unwrap();
        // Before any document: the largest rule file first.
        assert_eq!(rules.schedule(false)[0].meta.id, largest_file.meta.id);
        // For a long document, by kind first (the pass that compares paragraphs), then the
        // largest rule file among rules of kinds alike (phrase lists).
        let long: Vec<&str> = rules
            .schedule(true)
            .iter()
            .map(|r| r.meta.id.as_str())
            .collect();
        assert_eq!(
            long[..3],
            [
                "duplicated-paragraph",
                "unsourced-number",
                "inconsistent-number"
            ]
        );
        let phrase_lists: Vec<&str> = long
            .iter()
            .copied()
            .filter(|id| ["filler-phrase", "template-residue", "vague-attribution"].contains(id))
            .collect();
        assert_eq!(
            phrase_lists,
            ["vague-attribution", "template-residue", "filler-phrase"]
        );
        // Then the rule that has taken longest so far.
        let doc = Document::parse(
            "Some 12,000 people, reportedly.\n",
            crate::source::Format::Markdown,
        );
        rules.check(&doc);
        let slowest = rules.rules.iter().max_by_key(|r| r.cost.key()).unwrap();
        let smallest_file = rules.rules.iter().min_by_key(|r| r.cost.prior).unwrap();
        smallest_file
            .cost
            .spent
            .fetch_add(u64::MAX / 2, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(rules.schedule(false)[0].meta.id, smallest_file.meta.id);
        assert_eq!(rules.schedule(true)[0].meta.id, smallest_file.meta.id);
        assert_eq!(rules.schedule(false).len(), rules.rules.len());
        assert!(slowest.cost.key().0 > 0);
    }
}
