//! The date undated drafts are read at: `check --as-of`, `as-of` in draftlint.toml, today.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn draftlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run draftlint")
}

/// (line, message, help) of each `stale-date` finding of `check --format json FILE EXTRA…`.
fn stale_dates(dir: &Path, file: &str, extra: &[&str]) -> Vec<(u64, String, String)> {
    let mut args = vec!["check", "--only", "stale-date", "--format", "json", file];
    args.extend(extra);
    let out = draftlint(dir, &args);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const DRAFT: &str = "As of October 2024, around 12,000 soldiers were stationed there.\n";

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn the_flag_dates_an_undated_draft() {
    let dir = folder_with(&[("draft.txt", DRAFT)]);
    assert_eq!(
        stale_dates(
            dir.path(),
            "draft.txt",
            &["--no-config", "--as-of", "2026-11-01"]
        ),
        [(
            1,
            "\"As of October 2024\" is 25 months old at the document's date (2026-11-01)"
                .to_string(),
            "say when it was true in the past tense, or update it to the document's date; \
             document date 2026-11-01 (from --as-of)"
                .to_string()
        )]
    );
    assert_eq!(
        stale_dates(
            dir.path(),
            "draft.txt",
            &["--no-config", "--as-of", "2025-03-01"]
        ),
        []
    );
}

#[test]
fn the_config_key_dates_an_undated_draft_and_the_flag_wins() {
    let dir = folder_with(&[
        ("draft.txt", DRAFT),
        ("draftlint.toml", "as-of = 2027-01-15\n"),
    ]);
    let from_config = stale_dates(dir.path(), "draft.txt", &[]);
    assert_eq!(from_config.len(), 1);
    assert_eq!(
        from_config[0].1,
        "\"As of October 2024\" is 27 months old at the document's date (2027-01-15)"
    );
    assert!(
        from_config[0]
            .2
            .ends_with("(from `as-of` in draftlint.toml)")
    );
    assert_eq!(
        stale_dates(dir.path(), "draft.txt", &["--as-of", "2025-01-01"]),
        []
    );
}

#[test]
fn a_document_date_wins_over_the_run_date() {
    let post = format!("---\ndate: 2025-02-01\n---\n\n{DRAFT}");
    let dir = folder_with(&[("post.md", &post)]);
    assert_eq!(
        stale_dates(
            dir.path(),
            "post.md",
            &["--no-config", "--as-of", "2030-01-01"]
        ),
        []
    );
}

#[test]
fn bad_dates_are_usage_errors() {
    let dir = folder_with(&[("draft.txt", DRAFT)]);
    let out = draftlint(dir.path(), &["check", "--as-of", "2026-02-30", "draft.txt"]);
    assert_eq!(out.status.code(), Some(2));
    fs::write(dir.path().join("draftlint.toml"), "as-of = \"soon\"\n").unwrap();
    let out = draftlint(dir.path(), &["check", "draft.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("as-of"));
}
