//! Built-in rules' patterns are not parsed when a run loads them (`pattern::trusted`), and are
//! built on their first search: this test is what checks that every one of them builds. It is alone in its test binary (one test,
//! so nothing else creates patterns meanwhile).

use draftlint::rules::RuleSet;

#[test]
fn every_builtin_pattern_builds() {
    let rules = RuleSet::builtin().expect("the built-in rules load");
    draftlint::document::warm_up();
    let failures = draftlint::pattern::build_all_pending();
    assert!(
        failures.is_empty(),
        "built-in patterns that do not build: {failures:#?}"
    );
    // Building them again finds nothing left to build.
    assert!(draftlint::pattern::build_all_pending().is_empty());
    assert!(rules.rules.len() > 10);

    // What the check above would report if a built-in rule file gained a pattern the engine
    // cannot build (here a look-ahead).
    let regex = draftlint::pattern::trusted(|| draftlint::pattern::Regex::new("a(?=b)"))
        .expect("trusted patterns are not parsed when created");
    let failures = draftlint::pattern::build_all_pending();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_eq!(failures[0].pattern, "a(?=b)");
    assert!(
        failures[0].error.to_string().contains("look-around"),
        "{}",
        failures[0].error
    );
    // It never matches.
    assert!(!regex.is_match("ab"));
    // Outside `trusted`, the same pattern is refused when created.
    assert!(draftlint::pattern::Regex::new("a(?=b)").is_err());
}
