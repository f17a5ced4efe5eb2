//! The date undated drafts are read at: `check --as-of`, `as-of` in draftlint.toml, today.

use std::fs;
use std::process::{Command, Output};

fn draftlint(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run draftlint")
}

fn findings(o: &Output) -> Vec<(String, u64, String, String)> {
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const DRAFT: &str = "As of October 2024, around 12,000 soldiers were stationed there.\n";

#[test]
fn the_flag_dates_an_undated_draft() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    let out = draftlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--only",
            "stale-date",
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
            "draft.txt",
        ],
    );
    assert_eq!(
        findings(&out),
        [(
            "stale-date".to_string(),
            1,
            "\"As of October 2024\" is 25 months old at the document's date (2026-11-01)"
                .to_string(),
            "say when it was true in the past tense, or update it to the document's date; \
             document date 2026-11-01 (from --as-of)"
                .to_string()
        )]
    );
    let recent = draftlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--only",
            "stale-date",
            "--format",
            "json",
            "--as-of",
            "2025-03-01",
            "draft.txt",
        ],
    );
    assert_eq!(findings(&recent), []);
}

#[test]
fn the_config_key_dates_an_undated_draft_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    fs::write(dir.path().join("draftlint.toml"), "as-of = 2027-01-15\n").unwrap();
    let args = [
        "check",
        "--only",
        "stale-date",
        "--format",
        "json",
        "draft.txt",
    ];
    let from_config = findings(&draftlint(dir.path(), &args));
    assert_eq!(from_config.len(), 1);
    assert_eq!(
        from_config[0].2,
        "\"As of October 2024\" is 27 months old at the document's date (2027-01-15)"
    );
    assert!(
        from_config[0]
            .3
            .ends_with("(from `as-of` in draftlint.toml)")
    );
    let mut with_flag = args.to_vec();
    with_flag.extend(["--as-of", "2025-01-01"]);
    assert_eq!(findings(&draftlint(dir.path(), &with_flag)), []);
}

#[test]
fn a_document_date_wins_over_the_run_date() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("post.md"),
        format!("---\ndate: 2025-02-01\n---\n\n{DRAFT}"),
    )
    .unwrap();
    let out = draftlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--only",
            "stale-date",
            "--format",
            "json",
            "--as-of",
            "2030-01-01",
            "post.md",
        ],
    );
    assert_eq!(findings(&out), []);
}

#[test]
fn bad_dates_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    let out = draftlint(dir.path(), &["check", "--as-of", "2026-02-30", "draft.txt"]);
    assert_eq!(out.status.code(), Some(2));
    fs::write(dir.path().join("draftlint.toml"), "as-of = \"soon\"\n").unwrap();
    let out = draftlint(dir.path(), &["check", "draft.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("as-of"));
}
