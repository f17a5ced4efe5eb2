//! The engine facade that the CLI, the language server and the web page share: config
//! discovery, rule selection, suppressions, fixes and explanations, with no frontend around it.

use std::fs;

use draftlint::engine::{ConfigSource, Engine, EngineError, EngineOptions, WalkOptions};
use draftlint::source::Format;

fn temp_tree(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("draftlint.toml"), config).expect("write config");
    fs::create_dir(dir.path().join("drafts")).expect("mkdir");
    fs::write(
        dir.path().join("drafts/a.md"),
        "It was the the best of times.\n",
    )
    .expect("write draft");
    fs::write(dir.path().join("drafts/notes.rs"), "fn main() {}\n").expect("write code");
    dir
}

#[test]
fn config_is_discovered_from_a_subfolder_and_applied() {
    let dir = temp_tree("[severity]\nrepeated-word = \"error\"\n");
    let engine = Engine::new(&EngineOptions::discover(dir.path().join("drafts"))).unwrap();
    let found = engine.lint_text("It was the the best.\n", Format::Markdown, None);
    assert_eq!(found.len(), 1);
    assert_eq!(&*found[0].rule, "repeated-word");
    assert_eq!(found[0].severity, draftlint::diagnostic::Severity::Error);
    assert_eq!(
        found[0].message, "\"the\" is repeated",
        "message as the rule file words it"
    );
}

#[test]
fn ignoring_the_config_keeps_built_in_severities() {
    let dir = temp_tree("[severity]\nrepeated-word = \"error\"\n");
    let mut options = EngineOptions::discover(dir.path());
    options.config = ConfigSource::Ignore(dir.path().to_path_buf());
    let engine = Engine::new(&options).unwrap();
    let found = engine.lint_text("It was the the best.\n", Format::Markdown, None);
    assert_eq!(found[0].severity, draftlint::diagnostic::Severity::Warning);
}

#[test]
fn unknown_rule_in_selection_is_an_error() {
    let mut options = EngineOptions::discover(".");
    options.config = ConfigSource::Ignore(".".into());
    options.only = vec!["no-such-rule".into()];
    match Engine::new(&options) {
        Err(EngineError::Selection(message)) => {
            assert_eq!(
                message,
                "unknown rule `no-such-rule` (see `draftlint rules`)"
            )
        }
        other => panic!("expected a selection error, got {other:?}"),
    }
}

#[test]
fn malformed_config_is_a_config_error_with_its_position() {
    let dir = temp_tree("unknown-key = 1\n");
    match Engine::new(&EngineOptions::discover(dir.path())) {
        Err(EngineError::Config(err)) => {
            assert_eq!(err.span.map(|s| s.start), Some(0));
            assert!(
                err.message.contains("unknown field `unknown-key`"),
                "{}",
                err.message
            );
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn discovery_walks_drafts_only_and_honours_excludes() {
    let dir = temp_tree("exclude = [\"drafts/skip/**\"]\n");
    fs::create_dir(dir.path().join("drafts/skip")).unwrap();
    fs::write(dir.path().join("drafts/skip/b.md"), "x\n").unwrap();
    let engine = Engine::new(&EngineOptions::discover(dir.path())).unwrap();
    let found = engine.discover(&[dir.path().join("drafts")], &WalkOptions::default());
    assert!(found.errors.is_empty());
    let names: Vec<_> = found
        .inputs
        .iter()
        .map(|i| i.path.as_ref().unwrap().file_name().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["a.md"]);
}

/// The built-in rules, no configuration file.
fn builtin_engine() -> Engine {
    Engine::new(&EngineOptions {
        config: ConfigSource::Ignore(".".into()),
        ..EngineOptions::discover(".")
    })
    .unwrap()
}

#[test]
fn fixes_converge_and_report_what_remains() {
    let engine = builtin_engine();
    let text = "It was the the best of times.\n";
    let found = engine.lint_text(text, Format::Markdown, None);
    let fixed = engine.fix_text(text, Format::Markdown, None, found);
    assert_eq!(fixed.text, "It was the best of times.\n");
    assert_eq!(fixed.applied, 1);
    assert!(fixed.diagnostics.is_empty());
}

#[test]
fn explain_is_the_cli_text() {
    let engine = builtin_engine();
    let text = engine.explain("repeated-word").expect("known rule");
    assert!(
        text.starts_with(
            "repeated-word (warning repetition, from rules/repeated-word.toml (built-in))"
        ),
        "{text}"
    );
    assert!(text.contains("Examples:"));
    assert_eq!(engine.explain("no-such-rule"), None);
}

#[test]
fn a_pattern_too_large_to_build_is_a_warning_and_never_matches() {
    // Parsing accepts it; only building its automata (after loading) finds it too large.
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("huge.toml"),
        concat!(
            "id = \"huge-pattern\"\nkind = \"phrase\"\nseverity = \"warning\"\nmessage = \"m\"\n",
            "description = \"d\"\n",
            "[params]\npatterns = ['(?:\\w{100}){100}']\n",
        ),
    )
    .expect("write rule");
    let mut options = EngineOptions::discover(dir.path());
    options.config = ConfigSource::Ignore(dir.path().to_path_buf());
    options.rule_dirs = vec![dir.path().to_path_buf()];
    let engine = Engine::new(&options).expect("the other rules still run");
    assert_eq!(engine.warnings.len(), 1, "{:?}", engine.warnings);
    assert_eq!(
        engine.warnings[0],
        "rule `huge-pattern`: a pattern could not be compiled and never matches (Compiled \
         regex exceeds size limit of 10485760 bytes.): (?i)(?m:(?:(?:\\w{100}){100}))"
    );
    let found = engine.lint_text(&"word ".repeat(3000), Format::Markdown, None);
    assert!(found.iter().all(|d| &*d.rule != "huge-pattern"));
    let found = engine.lint_text("It was the the best.\n", Format::Markdown, None);
    assert_eq!(found.len(), 1, "the built-in rules run: {found:?}");
}

/// Files are linted in parallel batches and reported in the order they were given, each with
/// the findings it has alone: more files than one batch holds (64 a thread).
#[test]
fn streaming_reports_every_file_in_order_across_batches() {
    let engine = builtin_engine();
    let dir = tempfile::tempdir().unwrap();
    let files = 64 * rayon::current_num_threads() * 2 + 7;
    let mut paths = Vec::new();
    for i in 0..files {
        let path = dir.path().join(format!("draft-{i:04}.md"));
        // Every third draft repeats a word.
        let text = if i % 3 == 0 {
            format!("Draft {i} has the the word twice.\n")
        } else {
            format!("Draft {i} is clean.\n")
        };
        fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let found = engine.discover(&paths, &WalkOptions::default());
    assert!(found.errors.is_empty());
    let read = draftlint::source::ReadOptions::default();
    let mut reported = Vec::new();
    engine
        .lint_streaming(found.inputs, None, &read, |report| {
            let findings = report
                .outcome
                .map(|linted| linted.diagnostics.len())
                .unwrap_or(usize::MAX);
            reported.push((report.input.display, findings));
            Ok::<(), ()>(())
        })
        .unwrap();
    assert_eq!(reported.len(), files);
    for (i, (display, findings)) in reported.iter().enumerate() {
        assert!(
            display.ends_with(&format!("draft-{i:04}.md")),
            "{display} at {i}"
        );
        let expected = usize::from(i % 3 == 0);
        assert_eq!(*findings, expected, "{display}");
    }
}
