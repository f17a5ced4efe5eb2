//! Running the `[[test]]` cases that rule files carry.
//!
//! A rule file proves itself: each case gives an input and the findings the rule must produce.
//! `draftlint test-rules` and `cargo test` both run them, so a rule that drifts fails loudly.

use super::{Rule, RuleSet, TestCase};
use crate::document::Document;
use crate::source::Format;

/// One failed case.
#[derive(Debug)]
pub struct CaseFailure {
    pub rule: String,
    pub origin: String,
    /// 1-based index of the case in its file.
    pub case: usize,
    /// 1-based line of the case in its file, when known.
    pub line: Option<usize>,
    pub input: String,
    pub expected: String,
    pub found: String,
}

#[derive(Debug, Default)]
pub struct TestReport {
    pub cases: usize,
    pub failures: Vec<CaseFailure>,
}

/// The texts a rule matches in a case's input.
pub fn run_case(rule: &Rule, case: &TestCase) -> Vec<String> {
    let format = case.format.unwrap_or(Format::Markdown);
    let doc = Document::parse(&case.input, format);
    let mut out = Vec::new();
    rule.run(&doc, &mut out);
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out.iter()
        .map(|d| case.input[d.span.range()].to_string())
        .collect()
}

pub fn run_all(rules: &RuleSet) -> TestReport {
    let mut report = TestReport::default();
    for rule in &rules.rules {
        let file_text = rule.meta.origin.text();
        for (i, case) in rule.meta.tests.iter().enumerate() {
            report.cases += 1;
            let found = run_case(rule, case);
            let count_ok = found.len() == case.expect;
            let matched_ok = case.matched.as_ref().is_none_or(|m| *m == found);
            if count_ok && matched_ok {
                continue;
            }
            let line = match (&file_text, case.span) {
                (Some(text), Some(span)) => {
                    Some(text[..span.start.min(text.len())].matches('\n').count() + 1)
                }
                _ => None,
            };
            let expected = match &case.matched {
                Some(m) => format!("{} finding(s): {m:?}", case.expect),
                None => format!("{} finding(s)", case.expect),
            };
            report.failures.push(CaseFailure {
                rule: rule.meta.id.clone(),
                origin: rule.meta.origin.to_string(),
                case: i + 1,
                line,
                input: case.input.clone(),
                expected,
                found: format!("{} finding(s): {found:?}", found.len()),
            });
        }
    }
    report
}
