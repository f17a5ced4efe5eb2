//! End-to-end tests of the `draftlint` binary: exit codes, formats, stdin, walks, bad input.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn draftlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run draftlint")
}

fn draftlint_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

/// (rule, line) pairs of a JSON report.
fn rule_lines(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn seed_draft_findings_and_exit_code() {
    let out = draftlint(&[
        "check",
        "--format",
        "json",
        "examples/north-korea-draft.txt",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["files_checked"], 1);
    let found = rule_lines(&v);
    let lines_of = |rule: &str| -> Vec<u64> {
        found
            .iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, l)| *l)
            .collect()
    };
    assert_eq!(lines_of("vague-attribution"), [1, 1, 6, 19]);
    assert_eq!(lines_of("template-residue"), [14, 24, 25, 29]);
    let first = &v["diagnostics"][0];
    assert_eq!(first["path"], "examples/north-korea-draft.txt");
    assert_eq!(first["matched"], "Reports indicate");
    assert_eq!(first["column"], 114);
    assert_eq!(first["end_column"], 130);
    assert_eq!(first["severity"], "warning");
    assert!(first["fix"].is_null());
    assert!(first["related"].as_array().unwrap().is_empty());
}

#[test]
fn clean_draft_exits_zero() {
    let out = draftlint(&["check", "tests/fixtures/template-residue/clean.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "no findings in 1 file checked\n");
}

#[test]
fn warnings_only_exit_zero() {
    let out = draftlint(&["check", "tests/fixtures/vague-attribution/news.md"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).ends_with("0 errors, 4 warnings, 0 infos in 1 file checked\n"));
}

#[test]
fn stdin_with_filename_picks_format() {
    let out = draftlint_stdin(
        &[
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "draft.md",
        ],
        b"# Title\n\nCritics say `critics say` is fine.\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(rule_lines(&v), [("vague-attribution".to_string(), 3)]);
    assert_eq!(v["diagnostics"][0]["path"], "draft.md");
}

#[test]
fn folder_walk_is_sorted_and_skips_other_extensions() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.md"), "Critics say so.\n").unwrap();
    fs::write(dir.path().join("a.txt"), "Reports indicate so.\n").unwrap();
    fs::write(dir.path().join("c.rs"), "// critics say\n").unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/d.html"), "<p>Experts believe it.</p>").unwrap();
    let out = draftlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let v = json(&out);
    assert_eq!(v["files_checked"], 3);
    let paths: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            Path::new(d["path"].as_str().unwrap())
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["a.txt", "b.md", "sub/d.html"]);
}

#[test]
fn bad_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.md"), "Critics say so.\n").unwrap();
    fs::write(dir.path().join("binary.txt"), b"abc\0def").unwrap();
    fs::write(dir.path().join("latin1.txt"), b"caf\xe9 au lait\n").unwrap();
    let missing = dir.path().join("missing.md");
    let out = draftlint(&[
        "check",
        "--format",
        "json",
        dir.path().to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["files_checked"], 1);
    assert_eq!(rule_lines(&v).len(), 1);
    let err = stderr(&out);
    assert!(
        err.contains("binary.txt: looks like a binary file"),
        "{err}"
    );
    assert!(
        err.contains("latin1.txt: is not valid UTF-8 (invalid byte at line 1, offset 3)"),
        "{err}"
    );
    assert!(err.contains("missing.md: no such file or folder"), "{err}");
}

#[test]
fn malformed_rule_file_points_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.toml"),
        "id = \"bad\"\nkind = \"phrase\"\nseverity = \"loud\"\nmessage = \"m\"\ndescription = \"d\"\n[params]\nphrases = [\"x\"]\n",
    )
    .unwrap();
    let out = draftlint(&["check", "--rules", dir.path().to_str().unwrap(), "examples"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: unknown variant `loud`"), "{err}");
    assert!(err.contains("bad.toml:3:12"), "{err}");
    assert!(err.contains("3 | severity = \"loud\""), "{err}");
}

#[test]
fn invalid_regex_and_unknown_keys_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regex.toml");
    fs::write(
        &path,
        "id = \"r\"\nkind = \"phrase\"\nseverity = \"info\"\nmessage = \"m\"\ndescription = \"d\"\n[params]\npatterns = [\"ok\", \"(unclosed\"]\n",
    )
    .unwrap();
    let out = draftlint(&["rules", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("regex.toml:7:19"), "{}", stderr(&out));
    fs::write(
        &path,
        "id = \"r\"\nkind = \"phrase\"\nseverity = \"info\"\nmessage = \"m\"\ndescription = \"d\"\ncolour = 1\n",
    )
    .unwrap();
    let out = draftlint(&["rules", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field `colour`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("regex.toml:6:1"), "{}", stderr(&out));
    fs::write(&path, "id = \"r\"\nkind = [\"unclosed\"\n").unwrap();
    let out = draftlint(&["rules", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unclosed array"), "{}", stderr(&out));
    assert!(stderr(&out).contains("regex.toml:2:19"), "{}", stderr(&out));
    fs::write(&path, "id = \"r\"\nkind = \"nonsense\"\n").unwrap();
    let out = draftlint(&["rules", "--rules", dir.path().to_str().unwrap()]);
    assert!(
        stderr(&out).contains("unknown rule kind `nonsense`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn user_rule_replaces_builtin_and_only_disable_select() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("vague.toml"),
        "id = \"vague-attribution\"\nkind = \"phrase\"\nseverity = \"error\"\nmessage = \"custom {match}\"\ndescription = \"d\"\n[params]\nphrases = [\"word\"]\n",
    )
    .unwrap();
    let out = draftlint_stdin(
        &[
            "check",
            "--format",
            "json",
            "--rules",
            dir.path().to_str().unwrap(),
            "--only",
            "vague-attribution",
            "-",
        ],
        b"A word. Critics say the the.\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(rule_lines(&v), [("vague-attribution".to_string(), 1)]);
    assert_eq!(v["diagnostics"][0]["message"], "custom word");
    let out = draftlint_stdin(
        &["check", "--disable", "vague-attribution,repeated-word", "-"],
        b"Critics say the the.\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let out = draftlint_stdin(&["check", "--only", "no-such-rule", "-"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule `no-such-rule`"));
}

#[test]
fn rules_and_explain() {
    let out = draftlint(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = stdout(&out);
    for id in ["repeated-word", "template-residue", "vague-attribution"] {
        assert!(listing.lines().any(|l| l.starts_with(id)), "{listing}");
    }
    let out = draftlint(&["explain", "vague-attribution"]);
    let text = stdout(&out);
    assert!(text.contains("## What it does"), "{text}");
    assert!(text.contains("Reports indicate that soldiers are abandoning their posts."));
    assert!(text.contains("→ reported: \"Reports indicate\""), "{text}");
    assert_eq!(draftlint(&["explain", "nope"]).status.code(), Some(2));
}

#[test]
fn test_rules_fails_visibly_on_a_broken_case() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("t.toml"),
        "id = \"t\"\nkind = \"phrase\"\nseverity = \"info\"\nmessage = \"m\"\ndescription = \"d\"\n[params]\nphrases = [\"foo\"]\n\n[[test]]\ninput = \"foo bar\"\nexpect = 1\n\n[[test]]\ninput = \"bar\"\nexpect = 1\n",
    )
    .unwrap();
    let out = draftlint(&["test-rules", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("FAIL t ("), "{text}");
    assert!(text.contains("t.toml:13), case 2"), "{text}");
    assert!(text.contains("1 rules, 2 cases, 1 failed"), "{text}");
    let out = draftlint(&["test-rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn broken_pipe_is_quiet() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(["check", "tests/fixtures"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(out.status.code().is_some_and(|c| c <= 1));
}
