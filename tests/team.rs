//! Team use: config discovery and overrides, fail levels, `init`, and `--fix`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn draftlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run draftlint")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn findings(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("drafts/opinion")).unwrap();
    fs::create_dir_all(dir.path().join("drafts/archive")).unwrap();
    fs::write(
        dir.path().join("drafts/news.md"),
        "Critics say it was the the end.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("drafts/opinion/column.md"),
        "Critics say it was the the end.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("drafts/archive/old.md"),
        "Critics say so.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("draftlint.toml"),
        r#"exclude = ["drafts/archive/**"]
fail-on = "warning"

[severity]
repeated-word = "error"

[[override]]
files = ["drafts/opinion/**"]
disable = ["vague-attribution"]
severity = { repeated-word = "info" }
"#,
    )
    .unwrap();
    dir
}

#[test]
fn config_is_discovered_from_a_subfolder_and_applied() {
    let dir = repo();
    let out = draftlint_in(&dir.path().join("drafts"), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let found = findings(&json(&out));
    assert_eq!(
        found,
        [
            (
                "news.md".into(),
                "vague-attribution".into(),
                "warning".into()
            ),
            ("news.md".into(), "repeated-word".into(), "error".into()),
            (
                "opinion/column.md".into(),
                "repeated-word".into(),
                "info".into()
            ),
        ]
    );
}

#[test]
fn fail_on_and_max_warnings_from_the_command_line() {
    let dir = repo();
    // Only warnings and infos are left when repeated-word is disabled.
    let args = [
        "check",
        "--format",
        "json",
        "--disable",
        "repeated-word",
        "drafts",
    ];
    assert_eq!(
        draftlint_in(dir.path(), &args).status.code(),
        Some(1),
        "config says fail-on warning"
    );
    let mut with = args.to_vec();
    with.extend(["--fail-on", "error"]);
    assert_eq!(draftlint_in(dir.path(), &with).status.code(), Some(0));
    with.extend(["--max-warnings", "0"]);
    assert_eq!(draftlint_in(dir.path(), &with).status.code(), Some(1));
    let mut without = args.to_vec();
    without.push("--no-config");
    let out = draftlint_in(dir.path(), &without);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no config: warnings do not fail"
    );
    assert_eq!(
        json(&out)["files_checked"],
        3,
        "no config: nothing excluded"
    );
}

#[test]
fn config_errors_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("draftlint.toml"),
        "fail-on = \"error\"\ncolour = true\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.md"), "Text.\n").unwrap();
    let out = draftlint_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field `colour`"), "{err}");
    assert!(err.contains("draftlint.toml:2:1"), "{err}");
    fs::write(
        dir.path().join("draftlint.toml"),
        "disable = [\"no-such-rule\"]\n",
    )
    .unwrap();
    let out = draftlint_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
    let explicit = dir.path().join("other.toml");
    fs::write(&explicit, "disable = [\"repeated-word\"]\n").unwrap();
    let out = draftlint_in(dir.path(), &["check", "--config", "other.toml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out = draftlint_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0));
    let written = fs::read_to_string(dir.path().join("draftlint.toml")).unwrap();
    assert!(written.starts_with("# draftlint configuration."));
    assert_eq!(
        draftlint_in(dir.path(), &["init"]).status.code(),
        Some(2),
        "refuses to overwrite"
    );
    fs::write(dir.path().join("a.md"), "Fine text.\n").unwrap();
    assert_eq!(draftlint_in(dir.path(), &["check"]).status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn fix_rewrites_keeps_permissions_and_is_idempotent() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.txt");
    fs::write(
        &path,
        "\u{feff}It was the the best of times.\r\nAs an AI language model\r\nEnd.\r\n",
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let out = draftlint_in(dir.path(), &["check", "--no-config", "--fix", "draft.txt"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "fixed 2 issues in draft.txt\n"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "\u{feff}It was the best of times.\r\nEnd.\r\n"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let again = draftlint_in(dir.path(), &["check", "--no-config", "--fix", "draft.txt"]);
    assert!(again.stderr.is_empty(), "second run fixes nothing");
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "no findings in 1 file checked\n"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn diff_prints_and_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.md");
    fs::write(&path, "It was the the best of times.\n").unwrap();
    let out = draftlint_in(
        dir.path(),
        &["check", "--no-config", "--fix", "--diff", "draft.md"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/draft.md\n+++ b/draft.md\n@@ -1 +1 @@\n-It was the the best of times.\n+It was the best of times.\n"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "It was the the best of times.\n"
    );
}

#[test]
fn fix_refuses_a_file_changed_since_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.md");
    fs::write(&path, "edited meanwhile\n").unwrap();
    let err = draftlint::fix::write_atomic(&path, b"what we read\n", b"fixed\n").unwrap_err();
    assert!(matches!(err, draftlint::fix::FixError::Changed));
    assert_eq!(fs::read_to_string(&path).unwrap(), "edited meanwhile\n");
    draftlint::fix::write_atomic(&path, b"edited meanwhile\n", b"fixed\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "fixed\n");
}

#[test]
fn unused_and_unknown_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.md"),
        "<!-- draftlint-disable-next-line repeated-word -->\nNothing repeated here.\n",
    )
    .unwrap();
    let quiet = draftlint_in(
        dir.path(),
        &["check", "--no-config", "--format", "json", "a.md"],
    );
    assert!(findings(&json(&quiet)).is_empty());
    let loud = draftlint_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--report-unused-suppressions",
            "a.md",
        ],
    );
    let v = json(&loud);
    assert_eq!(
        findings(&v),
        [("a.md".into(), "unused-suppression".into(), "warning".into())]
    );
    assert_eq!(v["diagnostics"][0]["line"], 1);
}

#[test]
fn substitution_fix_keeps_the_capital() {
    let dir = tempfile::tempdir().unwrap();
    let rules = std::env::current_dir().unwrap().join("examples/rules");
    fs::write(
        dir.path().join("draft.md"),
        "Utilize the e-mail form in order to reply.\n",
    )
    .unwrap();
    let out = draftlint_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--rules",
            rules.to_str().unwrap(),
            "--fix",
            "draft.md",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "fixed 3 issues in draft.md\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("draft.md")).unwrap(),
        "Use the email form to reply.\n"
    );
}
