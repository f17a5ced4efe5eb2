//! Vale styles as a rule source: `tests/data/vale/` holds a `.vale.ini`, a style with one rule
//! per Vale rule type (`styles/Test`), a broken style, a vocabulary, and drafts in Markdown,
//! HTML and plain text whose findings are compared, exactly, with the `.expected` files beside
//! them (`line:column-end_line:end_column rule: message`).
//!
//! `DRAFTLINT_BLESS=1 cargo test --test vale` rewrites the expected files; review the diff.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use draftlint::config::Config;
use draftlint::lint::{Settings, lint_with};
use draftlint::render::Located;
use draftlint::rules::RuleSet;
use draftlint::rules::vale::{self, ValeSetup};
use draftlint::source::{Format, SourceText};
use draftlint::span::LineIndex;

const DATA: &str = "tests/data/vale";

fn load(ini: &str) -> ValeSetup {
    vale::load(&Path::new(DATA).join(ini)).expect("the ini loads")
}

/// The Vale rules of `ini` alone, with its per-file settings.
fn vale_only(ini: &str) -> (RuleSet, Config) {
    let mut setup = load(ini);
    assert!(setup.errors.is_empty(), "{:?}", setup.errors);
    let mut rules = RuleSet::default();
    setup.add_to(&mut rules);
    let mut config = Config::empty(PathBuf::from("."));
    config.vale = Some(Arc::new(setup.files));
    (rules, config)
}

fn findings(path: &Path, rules: &RuleSet, config: &Config) -> String {
    let source = SourceText::decode(fs::read(path).expect("read draft")).expect("decode");
    let settings = Settings {
        config: Some(config),
        ..Settings::new(rules)
    };
    let diagnostics = lint_with(&source.text, Format::from_path(path), Some(path), &settings);
    let index = LineIndex::new(&source.text);
    let mut out = String::new();
    for d in &diagnostics {
        let at = Located::new(&source.text, &index, d.span);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {}: {}\n",
            at.start.line,
            at.start.column,
            at.end.line,
            at.end.column,
            d.severity,
            d.rule,
            d.message
        ));
    }
    out
}

/// Compares the findings of `ini` on each draft of `docs/` with its `.expected` file.
fn assert_expected_findings(ini: &str, drafts: &[&str]) {
    let (rules, config) = vale_only(ini);
    let mut failures = Vec::new();
    for name in drafts {
        let path = Path::new(DATA).join("docs").join(name);
        let found = findings(&path, &rules, &config);
        compare(
            &path.with_file_name(format!("{name}.expected")),
            &found,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compares `found` with the file at `expected_path` (rewritten under `DRAFTLINT_BLESS`).
fn compare(expected_path: &Path, found: &str, failures: &mut Vec<String>) {
    if std::env::var_os("DRAFTLINT_BLESS").is_some() {
        fs::write(expected_path, found).expect("write expected");
        return;
    }
    let expected = fs::read_to_string(expected_path).expect("expected file");
    if expected != found {
        failures.push(format!(
            "{}\n--- expected\n{expected}--- found\n{found}",
            expected_path.display()
        ));
    }
}

#[test]
fn every_rule_type_gives_the_findings_vale_defines() {
    assert_expected_findings(".vale.ini", &["article.md", "page.html", "notes.txt"]);
}

/// `alt` (Markdown `![…]`, HTML `alt="…"`, with escapes and entities), `alt & ~heading`,
/// `~alt`, `raw` (markup included, never front matter, code or HTML outside the article) and
/// `summary` (body text as one: an occurrence counts across blocks; headings and table cells
/// are not in it).
#[test]
fn alt_raw_and_summary_scopes_read_what_vale_defines() {
    assert_expected_findings("scopes.ini", &["scopes.md", "scopes.html", "scopes.txt"]);
}

#[test]
fn actions_give_their_findings() {
    assert_expected_findings(
        "actions.ini",
        &["actions.md", "actions.html", "actions.txt"],
    );
}

/// `--fix` applies Vale's `remove` and `edit` actions where the result is whole, and leaves
/// the rest (convert, quoted speech, markup inside the match, stray punctuation) alone: each
/// draft is compared with its `.fixed` file.
#[test]
fn remove_and_edit_actions_are_applied_by_fix() {
    let data = fs::canonicalize(DATA).unwrap();
    let ini = data.join("actions.ini");
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for name in ["actions.md", "actions.html", "actions.txt"] {
        let draft = dir.path().join(name);
        fs::copy(data.join("docs").join(name), &draft).unwrap();
        let out = draftlint(
            &[
                "check",
                "--no-config",
                "--vale-config",
                ini.to_str().unwrap(),
                "--fix",
                draft.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(out.status.code().is_some(), "{out:?}");
        let fixed = fs::read_to_string(&draft).unwrap();
        compare(
            &data.join("docs").join(format!("{name}.fixed")),
            &fixed,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_test_style_loads_every_supported_type_and_skips_script() {
    let setup = load(".vale.ini");
    let mut ids: Vec<&str> = setup.rules.iter().map(|r| r.meta.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "Test.Capitalization",
            "Test.Conditional",
            "Test.Consistency",
            "Test.Existence",
            "Test.Introduction",
            "Test.Metric",
            "Test.Occurrence",
            "Test.Percent",
            "Test.Repetition",
            "Test.Substitution",
            "Vale.Avoid",
            "Vale.Repetition",
            "Vale.Terms",
        ]
    );
    let kinds: Vec<(&str, &str)> = setup
        .rules
        .iter()
        .filter(|r| r.meta.id.starts_with("Test."))
        .map(|r| (r.meta.id.as_str(), r.meta.kind.as_str()))
        .collect();
    assert!(kinds.contains(&("Test.Existence", "phrase")));
    assert!(kinds.contains(&("Test.Substitution", "substitution")));
    assert!(kinds.contains(&("Test.Repetition", "repetition")));
    assert!(kinds.contains(&("Test.Metric", "metric")));
    assert_eq!(
        setup
            .warnings
            .iter()
            .filter(|w| w.contains("Script.yml"))
            .count(),
        1,
        "{:?}",
        setup.warnings
    );
}

#[test]
fn a_broken_rule_file_is_located_and_the_others_still_load() {
    let setup = load("broken.ini");
    assert!(setup.rules.iter().any(|r| r.meta.id == "Test.Existence"));
    let mut errors: Vec<(String, Option<usize>, String)> = setup
        .errors
        .iter()
        .map(|e| {
            let file = Path::new(&e.origin)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let line = e.span.map(|s| LineIndex::new(&e.text).line_of(s.start) + 1);
            (file, line, e.message.clone())
        })
        .collect();
    errors.sort();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "Bad.yml");
    assert_eq!(errors[0].1, Some(4), "{errors:?}");
    assert_eq!(errors[1].0, "UnknownKey.yml");
    assert_eq!(errors[1].1, Some(3), "{errors:?}");
    assert!(errors[1].2.contains("tokenz"), "{errors:?}");
    // An unknown ini key is a warning with its line.
    assert!(
        setup
            .warnings
            .iter()
            .any(|w| w
                .ends_with("broken.ini:2: `WordTemplate` is not supported by draftlint; ignored")),
        "{:?}",
        setup.warnings
    );
}

#[test]
fn min_alert_level_defaults_to_warning_and_sections_select_files() {
    let (rules, config) = vale_only("default-level.ini");
    let md = findings(&Path::new(DATA).join("docs/article.md"), &rules, &config);
    assert!(md.contains("Test.Substitution"), "{md}");
    assert!(
        !md.contains("Test.Existence"),
        "suggestions are below the default level: {md}"
    );
    // `[*.md]` only: the plain-text draft gets no Vale finding.
    let txt = findings(&Path::new(DATA).join("docs/notes.txt"), &rules, &config);
    assert_eq!(txt, "");
}

/// The published packages (Microsoft, Google, write-good, proselint, alex, Readability,
/// Joblint) live beside the repository, not in it.
fn published_styles() -> Option<PathBuf> {
    ["../shared/vale-styles", "/work/shared/vale-styles"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.join("Microsoft").is_dir())
}

/// Every package of `styles`, through a `.vale.ini` that bases `[*]` on all of them.
fn load_published(styles: &Path) -> ValeSetup {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join(".vale.ini");
    fs::write(
        &ini,
        format!(
            "StylesPath = {}\nMinAlertLevel = suggestion\n\n[*]\nBasedOnStyles = Vale, Microsoft, Google, write-good, proselint, alex, Readability, Joblint\n",
            fs::canonicalize(styles).unwrap().display()
        ),
    )
    .unwrap();
    vale::load(&ini).unwrap()
}

#[test]
fn every_published_package_loads_without_error() {
    let Some(styles) = published_styles() else {
        eprintln!("the published Vale packages are not next to the repository; not checked");
        return;
    };
    let setup = load_published(&styles);
    let broken: Vec<String> = setup.errors.iter().map(|e| e.to_string()).collect();
    assert!(broken.is_empty(), "{broken:#?}");
    let count = |style: &str| {
        setup
            .rules
            .iter()
            .filter(|r| r.meta.id.starts_with(&format!("{style}.")))
            .count()
    };
    for (style, files) in [
        ("Microsoft", "Microsoft"),
        ("Google", "Google"),
        ("write-good", "write-good"),
        ("proselint", "proselint"),
        ("alex", "alex"),
        ("Readability", "Readability"),
        ("Joblint", "Joblint"),
    ] {
        let yml = fs::read_dir(styles.join(files))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "yml")
            })
            .count();
        assert_eq!(count(style), yml, "{style}");
    }
    // Only Vale.Spelling is left out.
    assert_eq!(setup.warnings.len(), 1, "{:?}", setup.warnings);
}

fn draftlint(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run draftlint")
}

#[test]
fn the_cli_opts_in_with_the_flag_or_the_config_key_only() {
    let data = fs::canonicalize(DATA).unwrap();
    let draft = data.join("docs/article.md");
    let draft = draft.to_str().unwrap();
    let ini = data.join(".vale.ini");
    let ini = ini.to_str().unwrap();

    // A .vale.ini next to the drafts is not picked up silently.
    let plain = draftlint(&["check", "--format", "jsonl", draft], &data);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("Test."));

    let flagged = draftlint(
        &["check", "--format", "jsonl", "--vale-config", ini, draft],
        &data,
    );
    let out = String::from_utf8_lossy(&flagged.stdout);
    assert!(out.contains(r#""rule":"Test.Consistency""#), "{out}");
    // Test.Consistency is an error.
    assert_eq!(flagged.status.code(), Some(1));

    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("draftlint.toml"),
        format!("vale-config = \"{ini}\"\n[severity]\n\"Test.Consistency\" = \"info\"\n"),
    )
    .unwrap();
    let keyed = draftlint(&["check", "--format", "jsonl", draft], dir.path());
    let out = String::from_utf8_lossy(&keyed.stdout);
    assert!(
        out.contains(r#""rule":"Test.Consistency","severity":"info""#),
        "{out}"
    );

    let listed = draftlint(&["rules", "--vale-config", ini], &data);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(
        out.lines().any(|l| l.starts_with("Test.Occurrence")
            && l.contains("occurrence")
            && l.ends_with("Keep sentences short.")),
        "{out}"
    );

    let explained = draftlint(&["explain", "Test.Percent", "--vale-config", ini], &data);
    let out = String::from_utf8_lossy(&explained.stdout);
    assert!(
        out.starts_with("Test.Percent (warning phrase, from "),
        "{out}"
    );
    assert!(out.contains("Use '%%' instead of '%s'."), "{out}");
    assert!(
        out.contains("Vale `existence` rule, level warning."),
        "{out}"
    );
    assert!(
        out.contains("Link: https://example.com/style#percent"),
        "{out}"
    );

    let actions = data.join("actions.ini");
    for (id, action) in [
        (
            "Actions.Split",
            "Action: `edit` (split,  , 0); `--fix` applies it where the result is whole in its context.",
        ),
        ("Actions.Convert", "Action: `convert` (simple); no `--fix`."),
    ] {
        let explained = draftlint(
            &["explain", id, "--vale-config", actions.to_str().unwrap()],
            &data,
        );
        let out = String::from_utf8_lossy(&explained.stdout);
        assert!(out.contains(action), "{out}");
    }
}

#[test]
fn replace_actions_are_fixes_only_when_one_exact_form_is_offered() {
    let data = fs::canonicalize(DATA).unwrap();
    let ini = data.join(".vale.ini");
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.md");
    fs::copy(data.join("docs/article.md"), &draft).unwrap();
    let out = draftlint(
        &[
            "check",
            "--no-config",
            "--only",
            "Test.Substitution",
            "--vale-config",
            ini.to_str().unwrap(),
            "--fix",
            "--diff",
            draft.to_str().unwrap(),
        ],
        dir.path(),
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "-We utilize the API and the the CDN. The World Health Organization (WHO) said WHO data is very good.",
            "+We use the API and the the CDN. The World Health Organization (WHO) said WHO data is very good.",
            "-- Send an e-mail to kubernetes admins about synergy.",
            "+- Send an email to kubernetes admins about synergy.",
        ],
        "{diff}"
    );
}

#[test]
fn token_and_block_ignores_skip_what_they_match() {
    let (rules, config) = vale_only("ignores.ini");
    let found = findings(&Path::new(DATA).join("docs/ignores.md"), &rules, &config);
    let existence: Vec<&str> = found
        .lines()
        .filter(|l| l.contains("Test.Existence"))
        .collect();
    // "very" on lines 3 and 12 only: not in the math, the shortcode or the file block.
    assert_eq!(
        existence,
        [
            "3:9-3:13 info Test.Existence: Avoid 'very'.",
            "12:23-12:27 info Test.Existence: Avoid 'very'."
        ],
        "{found}"
    );
}

/// Drafts to compare runs on: the first `per_folder` files of each corpus folder (news and
/// blogs), when the corpora are next to the repository, and the repository's fixtures.
fn corpus_sample(per_folder: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let roots = ["../shared/corpora", "/work/shared/corpora"];
    let root = roots.iter().map(Path::new).find(|p| p.is_dir());
    let mut folders: Vec<PathBuf> = root.into_iter().map(Path::to_path_buf).collect();
    folders.push(PathBuf::from("tests/data"));
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        let mut taken = 0;
        for path in files {
            if path.is_dir() {
                folders.push(path);
            } else if taken < per_folder
                && path
                    .extension()
                    .is_some_and(|x| x == "md" || x == "txt" || x == "html")
            {
                out.push(path);
                taken += 1;
            }
        }
    }
    out
}

/// The built-in rules and every published package (when they are next to the repository),
/// with the pattern set built after `after` bytes of documents.
fn everything(after: usize) -> (RuleSet, Config) {
    let mut rules = RuleSet::load(&[]).unwrap();
    let mut config = Config::empty(PathBuf::from("."));
    if let Some(styles) = published_styles() {
        let mut setup = load_published(&styles);
        setup.add_to(&mut rules);
        config.vale = Some(Arc::new(setup.files));
    }
    rules.pattern_set_after(after);
    (rules, config)
}

/// The one pass per block that rules out patterns and word lists
/// ([`draftlint::pattern::PatternSet`]) changes no finding: the built-in rules and the seven
/// published packages on a sample of the corpora, with the set and without it.
#[test]
fn the_pattern_set_changes_no_finding() {
    let (with_set, config) = everything(0);
    let (without_set, _) = everything(usize::MAX);
    let sample = corpus_sample(12);
    for path in &sample {
        assert_eq!(
            findings(path, &without_set, &config),
            findings(path, &with_set, &config),
            "{}",
            path.display()
        );
    }
}

/// The set never rules out a block that a member pattern matches: every pattern of the
/// built-in rules and the seven published packages, line by line over the sample.
#[test]
fn the_pattern_set_never_rules_out_a_match() {
    let (rules, _) = everything(0);
    let members: Vec<draftlint::pattern::Member> = rules
        .rules
        .iter()
        .flat_map(|r| r.check.set_members())
        .collect();
    let set = draftlint::pattern::PatternSet::new(members.clone()).build_after(0);
    let mut text =
        String::from("The \u{212A}ilometre and the ſign, reportedly. “It’s not just X, it’s Y.”\n");
    for path in corpus_sample(12) {
        text.push_str(&fs::read_to_string(path).unwrap_or_default());
    }
    let blocks: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let scan = set.scan(blocks.iter().copied()).expect("the union builds");
    let patterns: Vec<&draftlint::pattern::Regex> = members
        .iter()
        .filter_map(|m| match m {
            draftlint::pattern::Member::Pattern(regex) => Some(regex),
            draftlint::pattern::Member::Literals(_) => None,
        })
        .collect();
    let mut ruled_out = 0;
    for pattern in &patterns {
        for block in &blocks {
            if scan.rules_out(pattern, block) {
                ruled_out += 1;
                assert!(!pattern.is_match(block), "{pattern:?} matches {block:?}");
                // A slice of the block may be ruled out too (unless it starts inside a word
                // where the pattern wants a word boundary): then it cannot match either.
                if block.is_char_boundary(block.len() / 2) {
                    let half = &block[block.len() / 2..];
                    if scan.rules_out(pattern, half) {
                        assert!(!pattern.is_match(half), "{pattern:?} matches {half:?}");
                    }
                }
            }
        }
    }
    // Most patterns match few blocks: the set rules out most searches.
    assert!(
        ruled_out * 2 > patterns.len() * blocks.len(),
        "{ruled_out} of {} searches ruled out",
        patterns.len() * blocks.len()
    );
}
