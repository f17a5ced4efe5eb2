//! Every built-in rule file's `[[test]]` cases pass (the same check as `draftlint test-rules`).

use draftlint::rules::RuleSet;
use draftlint::rules::testing::run_all;

#[test]
fn builtin_rule_cases_pass() {
    let rules = RuleSet::load(&[]).expect("built-in rules load");
    let report = run_all(&rules);
    assert!(
        report.cases >= rules.rules.len() * 3,
        "every rule carries cases"
    );
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            format!(
                "{} case {}: {:?}\n  expected {}\n  found {}",
                f.rule, f.case, f.input, f.expected, f.found
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_is_documented() {
    let rules = RuleSet::load(&[]).unwrap();
    for rule in &rules.rules {
        assert!(!rule.meta.description.trim().is_empty(), "{}", rule.meta.id);
        assert!(!rule.meta.rationale.trim().is_empty(), "{}", rule.meta.id);
        assert!(rule.meta.help.is_some(), "{}", rule.meta.id);
    }
    for kind in draftlint::rules::kinds::KINDS {
        for heading in ["## What it does", "## Why is this bad", "## Example"] {
            assert!(
                kind.doc.contains(heading),
                "kind {} lacks {heading}",
                kind.name
            );
        }
    }
}

#[test]
fn example_rule_cases_pass() {
    let rules =
        RuleSet::load_only(std::path::Path::new("examples/rules")).expect("example rules load");
    assert_eq!(rules.rules.len(), 1);
    let report = run_all(&rules);
    assert_eq!(report.cases, 2);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}
