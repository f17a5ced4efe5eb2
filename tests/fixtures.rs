//! Fixture tests: every draft under `tests/fixtures/` is linted with the built-in rules and its
//! findings are compared, exactly, with the `.expected` file beside it: one finding per line as
//! `line:column-end_line:end_column rule: message`.
//!
//! `DRAFTLINT_BLESS=1 cargo test --test fixtures` rewrites the expected files; review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use draftlint::lint::lint_text;
use draftlint::render::Located;
use draftlint::rules::RuleSet;
use draftlint::source::{Format, SourceText};
use draftlint::span::LineIndex;

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("fixtures folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            fixtures(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "txt" || e == "html")
        {
            out.push(path);
        }
    }
}

fn render_findings(path: &Path, rules: &RuleSet) -> String {
    let source = SourceText::decode(fs::read(path).expect("read fixture")).expect("decode");
    let diagnostics = lint_text(&source.text, Format::from_path(path), rules);
    let index = LineIndex::new(&source.text);
    let mut out = String::new();
    for d in &diagnostics {
        let at = Located::new(&source.text, &index, d.span);
        out.push_str(&format!(
            "{}:{}-{}:{} {}: {}\n",
            at.start.line, at.start.column, at.end.line, at.end.column, d.rule, d.message
        ));
        for r in &d.related {
            let at = Located::new(&source.text, &index, r.span);
            out.push_str(&format!(
                "  related {}:{}-{}:{} {}\n",
                at.start.line, at.start.column, at.end.line, at.end.column, r.message
            ));
        }
    }
    out
}

#[test]
fn fixtures_match_expected_findings() {
    let rules = RuleSet::load(&[]).expect("built-in rules load");
    let mut paths = Vec::new();
    fixtures(Path::new("tests/fixtures"), &mut paths);
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures found");
    let bless = std::env::var_os("DRAFTLINT_BLESS").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let found = render_findings(path, &rules);
        let expected_path = path.with_extension(format!(
            "{}.expected",
            path.extension().unwrap().to_string_lossy()
        ));
        if bless {
            fs::write(&expected_path, &found).expect("write expected");
            continue;
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        if expected != found {
            failures.push(format!(
                "{}\n--- expected\n{expected}--- found\n{found}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
