//! Built-in rules' patterns are not parsed when a run loads them (`pattern::trusted`), and are
//! built on their first search, most of them from DFAs that `build.rs` compiled from
//! `src/pattern/builtin.json`. These tests check that every built-in pattern builds, that the
//! list `build.rs` reads is the patterns the rules create, and that the prebuilt automata find
//! exactly what automata built at run time find.

use draftlint::pattern::{self, Regex};
use draftlint::rules::RuleSet;

/// The list `build.rs` compiles (kept current by `every_builtin_pattern_builds`).
const BUILTIN_LIST: &str = include_str!("../src/pattern/builtin.json");

fn builtin_list() -> Vec<String> {
    serde_json::from_str(BUILTIN_LIST).expect("src/pattern/builtin.json is a list of strings")
}

#[test]
fn every_builtin_pattern_builds() {
    let rules = RuleSet::builtin().expect("the built-in rules load");
    draftlint::document::warm_up();
    // The patterns the built-in rules and the parsers create are the list build.rs compiles.
    let sources = pattern::builtin_sources();
    if sources != builtin_list() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pattern/builtin.json");
        if std::env::var_os("DRAFTLINT_UPDATE_BUILTIN").is_some() {
            let json = serde_json::to_string_pretty(&sources).unwrap() + "\n";
            std::fs::write(path, json).expect("write src/pattern/builtin.json");
        } else {
            let listed = builtin_list();
            let added: Vec<_> = sources.iter().filter(|s| !listed.contains(s)).collect();
            let removed: Vec<_> = listed.iter().filter(|s| !sources.contains(s)).collect();
            panic!(
                "the built-in patterns changed: run `DRAFTLINT_UPDATE_BUILTIN=1 cargo test --test \
                 builtin_patterns` to update {path} (build.rs compiles them ahead of time).\n\
                 New: {added:#?}\nGone: {removed:#?}"
            );
        }
    }
    let failures = pattern::build_all_pending();
    assert!(
        failures.is_empty(),
        "built-in patterns that do not build: {failures:#?}"
    );
    // Building them again finds nothing left to build.
    assert!(pattern::build_all_pending().is_empty());
    assert!(rules.rules.len() > 10);

    // What the check above would report if a built-in rule file gained a pattern the engine
    // cannot build (here a look-ahead).
    let regex = pattern::trusted(|| Regex::new("a(?=b)"))
        .expect("trusted patterns are not parsed when created");
    let failures = pattern::build_all_pending();
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
    assert!(Regex::new("a(?=b)").is_err());
}

/// Prose to search: the repository's fixtures and examples (Markdown, HTML, plain text, with
/// CRLF, tabs, emoji, CJK and accents among them), and a few lines made for the patterns'
/// edges.
fn haystack() -> String {
    let mut text = String::from(
        "As of October 2024, reportedly 2,100 people died. “Quote,” he said. It’s not just X \
         but Y.\r\n\tÉtat: 12 000 €, ＡＢＣ 東京 😀 — Reuters, 2023-05-01.\n",
    );
    let mut files = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data"
    ))];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files.push(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/north-korea-draft.txt"
        )
        .into(),
    );
    for file in files {
        if let Ok(content) = std::fs::read_to_string(&file) {
            text.push_str(&content);
        }
        if text.len() > 400_000 {
            break;
        }
    }
    text
}

type Spans = Vec<Vec<Option<std::ops::Range<usize>>>>;

/// Every match and its groups, line by line (as rules search blocks) and then over the whole
/// text (which spends a sparse DFA's budget, so the run-time engine takes over mid-way).
fn all_matches(regex: &Regex, text: &str) -> (Spans, Vec<bool>) {
    let mut spans = Vec::new();
    let mut found = Vec::new();
    for line in text.lines().chain([text]) {
        found.push(regex.is_match(line));
        spans.push(regex.find_iter(line).map(|m| Some(m.range())).collect());
        for caps in regex.captures_iter(line) {
            spans.push(caps.iter().map(|g| g.map(|m| m.range())).collect());
        }
        if let Some(m) = regex.find_at(line, line.len() / 2) {
            spans.push(vec![Some(m.range())]);
        }
    }
    (spans, found)
}

#[test]
fn prebuilt_patterns_match_exactly_as_built_at_run_time() {
    let list = builtin_list();
    let text = haystack();
    let mut prebuilt = 0;
    for source in &list {
        let compiled = pattern::trusted(|| Regex::new(source)).unwrap();
        // Not trusted: parsed now, and built at run time.
        let at_run_time = Regex::new(source).unwrap();
        assert!(!at_run_time.is_prebuilt());
        prebuilt += usize::from(compiled.is_prebuilt());
        assert_eq!(
            all_matches(&compiled, &text),
            all_matches(&at_run_time, &text),
            "pattern {source}"
        );
    }
    // build.rs compiles all but the few whose DFAs would be too large.
    assert_eq!(prebuilt, pattern::prebuilt_count());
    assert!(
        prebuilt * 4 >= list.len() * 3,
        "only {prebuilt} of {} built-in patterns came prebuilt",
        list.len()
    );
}
