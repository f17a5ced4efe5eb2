//! What every fuzz target checks, shared with the property test of `tests/robustness.rs`
//! (which includes this file): any input is decoded, linted, fixed, linted again and rendered
//! in every format without a panic; spans lie on character boundaries inside the text; every
//! machine format parses; fixing converges.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use draftlint::config::Config;
use draftlint::diagnostic::Diagnostic;
use draftlint::fix::apply_fixes;
use draftlint::lint::{FileReport, Input, Linted, Settings, lint_with};
use draftlint::render::{self, OutputFormat, RenderOptions, render_source_error};
use draftlint::rules::kinds::KINDS;
use draftlint::rules::{Origin, RuleSet};
use draftlint::source::{Format, ReadOptions, SourceText};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&[]).expect("built-in rules"));

/// A short draft with something for every rule, linted with fuzzed rule and config files.
const DRAFT: &str = "# Title\n\nCritics say 1,200 people came, and and left. [Click here](https://ex.org/a).\n\n## FAQ\n\n### Why?\n\nCritics say 1,200 people came.\n";

const FORMATS: [OutputFormat; 7] = [
    OutputFormat::Human,
    OutputFormat::Json,
    OutputFormat::Jsonl,
    OutputFormat::Sarif,
    OutputFormat::Github,
    OutputFormat::Checkstyle,
    OutputFormat::Html,
];

/// Decodes `data` as a file of `format` would be, lints, fixes, re-lints and renders it.
pub fn lint_fix_render(data: &[u8], format: Format) {
    let Ok(source) = SourceText::decode_with(data.to_vec(), format, &ReadOptions::default()) else {
        return;
    };
    let text = source.text.clone();
    check_text(&text, format, &Settings::new(&RULES), Some(source));
}

/// Lints `text` (with its decoded source if any), checks spans, fixes until nothing is left
/// and renders every format.
pub fn check_text(text: &str, format: Format, settings: &Settings<'_>, source: Option<SourceText>) {
    let path = Path::new("fuzz.md");
    let diagnostics = lint_with(text, format, Some(path), settings);
    check_spans(text, &diagnostics);
    let mut current = text.to_string();
    let mut found = diagnostics.clone();
    for _ in 0..10 {
        let (fixed, applied) = apply_fixes(&current, &found);
        if applied == 0 {
            break;
        }
        current = fixed;
        found = lint_with(&current, format, Some(path), settings);
        check_spans(&current, &found);
    }
    let source = source.unwrap_or_else(|| SourceText {
        text: text.to_string(),
        bom_len: 0,
        transcoded_from: None,
    });
    check_render(settings.rules, source, diagnostics, format);
}

fn check_spans(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let fix = d.fix.iter().map(|f| f.span);
        for span in [d.span]
            .into_iter()
            .chain(d.related.iter().map(|r| r.span))
            .chain(fix)
        {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{span} outside {} bytes",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{span} not on character boundaries"
            );
        }
    }
}

/// Renders the findings in every format; the machine formats must parse.
fn check_render(rules: &RuleSet, source: SourceText, diagnostics: Vec<Diagnostic>, format: Format) {
    let count = diagnostics.len();
    let report = FileReport {
        input: Input {
            display: "dir/fuzz \"draft\".md".to_string(),
            path: Some(PathBuf::from("dir/fuzz \"draft\".md")),
            format,
        },
        outcome: Ok(Linted {
            source,
            diagnostics,
            html_scope: None,
        }),
    };
    let reports = [report];
    for output in FORMATS {
        let mut out = Vec::new();
        render::write_report(
            output,
            &reports,
            rules,
            RenderOptions {
                color: output == OutputFormat::Human,
            },
            &mut out,
        )
        .expect("writing to memory");
        let out = String::from_utf8(out).expect("UTF-8 output");
        match output {
            OutputFormat::Json => {
                let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
                assert_eq!(value["diagnostics"].as_array().map(Vec::len), Some(count));
            }
            OutputFormat::Jsonl => {
                assert_eq!(out.lines().count(), count);
                for line in out.lines() {
                    serde_json::from_str::<serde_json::Value>(line).expect("valid JSON line");
                }
            }
            OutputFormat::Sarif => {
                let value: serde_json::Value =
                    serde_json::from_str(&out).expect("valid SARIF JSON");
                assert_eq!(
                    value["runs"][0]["results"].as_array().map(Vec::len),
                    Some(count)
                );
            }
            OutputFormat::Github => assert_eq!(out.lines().count(), count),
            OutputFormat::Html => {
                assert!(out.starts_with("<!doctype html>") && out.ends_with("</html>\n"))
            }
            OutputFormat::Human | OutputFormat::Checkstyle => {}
        }
    }
}

/// Builds a fuzzed rule file with its kind; a bad one must give an error that renders, a good
/// one must lint. (Only the fuzzed rule is built: building the built-in ones on every run, as
/// `RuleSet::load` does, would leave no time to fuzz.)
pub fn rule_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let kind = toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|table| table.get("kind")?.as_str().map(str::to_string));
    let Some(info) = kind.and_then(|kind| KINDS.iter().find(|info| info.name == kind)) else {
        return;
    };
    let built = (info.build)(text, Origin::File(PathBuf::from("fuzz.toml"))).and_then(|rule| {
        let mut rules = RuleSet::default();
        rules.insert(rule);
        rules.resolve().map(|()| rules)
    });
    match built {
        Err(err) => {
            render_source_error(&err.origin, &err.text, err.span, &err.message, false);
        }
        Ok(rules) => {
            for format in [Format::Markdown, Format::Html, Format::Text] {
                check_text(DRAFT, format, &Settings::new(&rules), None);
            }
        }
    }
}

/// Loads a fuzzed draftlint.toml; a bad one must give an error that renders, a good one must
/// lint.
pub fn config_file(data: &[u8]) {
    let Ok(mut file) = tempfile::Builder::new().suffix(".toml").tempfile() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    match Config::load(file.path()) {
        Err(err) => {
            render_source_error(&err.path, &err.text, err.span, &err.message, false);
        }
        Ok(config) => {
            let settings = Settings {
                config: Some(&config),
                report_unused_suppressions: true,
                ..Settings::new(&RULES)
            };
            check_text(DRAFT, Format::Markdown, &settings, None);
        }
    }
}

/// Loads a fuzzed Vale YAML rule the way `--vale-config` does (an ini naming its style); a bad
/// rule must give an error that renders, a good one must lint.
pub fn vale_rule(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let style = dir.path().join("styles").join("Fuzz");
    let ini = dir.path().join(".vale.ini");
    let written = std::fs::create_dir_all(&style)
        .and_then(|()| std::fs::write(style.join("Rule.yml"), data))
        .and_then(|()| {
            std::fs::write(
                &ini,
                "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*]\nBasedOnStyles = Fuzz\n",
            )
        });
    if written.is_err() {
        return;
    }
    let mut rules = RuleSet::default();
    let Ok(setup) = draftlint::engine::add_vale(&ini, &mut rules) else {
        return;
    };
    for err in &setup.errors {
        render_source_error(&err.origin, &err.text, err.span, &err.message, false);
    }
    if rules.resolve().is_err() {
        return;
    }
    for format in [Format::Markdown, Format::Html, Format::Text] {
        check_text(DRAFT, format, &Settings::new(&rules), None);
    }
}
