//! Machine formats for CI: exact output on a fixture, SARIF validated against the official
//! 2.1.0 schema, checkstyle parsed as XML, GitHub workflow-command escaping.

use std::process::Command;

const FIXTURE: &str = "tests/fixtures/formats/mixed.md";

fn run(format: &str, path: &str) -> (String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(["check", "--no-config", "--format", format, path])
        .output()
        .expect("run draftlint");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.code(),
    )
}

#[test]
fn github_annotations() {
    let (out, code) = run("github", FIXTURE);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn github_escaping() {
    use draftlint::render::{escape_data, escape_property};
    assert_eq!(escape_data("100% sure\r\nnext"), "100%25 sure%0D%0Anext");
    assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
}

#[test]
fn checkstyle_is_valid_xml_with_every_finding() {
    let (out, _) = run("checkstyle", FIXTURE);
    insta::assert_snapshot!(out);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    assert_eq!(root.attribute("version"), Some("4.3"));
    let file = root.children().find(|n| n.has_tag_name("file")).unwrap();
    assert_eq!(file.attribute("name"), Some(FIXTURE));
    let errors: Vec<_> = file
        .children()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    let (json, _) = run("json", FIXTURE);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(errors.len(), json["diagnostics"].as_array().unwrap().len());
    // Quotes in messages survive escaping.
    assert!(
        errors
            .iter()
            .any(|e| e.attribute("message").unwrap().contains("\"Critics say\""))
    );
}

#[test]
fn jsonl_has_one_diagnostic_per_line() {
    let (out, _) = run("jsonl", FIXTURE);
    let (json, _) = run("json", FIXTURE);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, json["diagnostics"].as_array().unwrap());
}

fn sarif_schema() -> jsonschema::Validator {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    // The official schema's `run.language` pattern has a stray `]` that ECMA-262 accepts and
    // Rust regex engines reject when the schema itself is checked. We emit no `language`, so
    // the intended pattern (a language tag such as "en" or "en-US") stands in for it.
    for owner in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = serde_json::json!("^[a-zA-Z]{2}(?:-[a-zA-Z]{2})?$");
    }
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid_sarif(path: &str) -> serde_json::Value {
    let (out, _) = run("sarif", path);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    log
}

#[test]
fn sarif_validates_and_matches_json_columns() {
    for path in [FIXTURE, "examples/north-korea-draft.txt"] {
        let log = assert_valid_sarif(path);
        let run = &log["runs"][0];
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(run["tool"]["driver"]["name"], "draftlint");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let (json, _) = self::run("json", path);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), diagnostics.len());
        for (r, d) in results.iter().zip(diagnostics) {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert_eq!(region["startLine"], d["line"]);
            assert_eq!(region["startColumn"], d["column"]);
            assert_eq!(region["endLine"], d["end_line"]);
            assert_eq!(region["endColumn"], d["end_column"]);
            assert_eq!(r["ruleId"], d["rule"]);
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], d["rule"]);
            assert_eq!(
                r["relatedLocations"].as_array().map_or(0, Vec::len),
                d["related"].as_array().unwrap().len()
            );
            assert_eq!(r.get("fixes").is_some(), !d["fix"].is_null());
        }
    }
}

#[test]
fn sarif_snapshot() {
    let (out, _) = run("sarif", FIXTURE);
    // The working folder's URI depends on the machine.
    let root = std::env::current_dir().unwrap();
    let root = format!("file://{}/", root.display());
    insta::assert_snapshot!(out.replace(&root, "file:///[working folder]/"));
}

#[test]
fn sarif_uris_are_relative_under_srcroot_or_absolute_file_uris() {
    let root = std::env::current_dir().unwrap();
    let absolute = root.join(FIXTURE);
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.md");
    std::fs::write(&outside, "Critics say it works.\n").unwrap();
    let cases = [
        (
            FIXTURE.to_string(),
            serde_json::json!({ "uri": FIXTURE, "uriBaseId": "%SRCROOT%" }),
        ),
        (
            absolute.display().to_string(),
            serde_json::json!({ "uri": FIXTURE, "uriBaseId": "%SRCROOT%" }),
        ),
        (
            format!("tests/../{FIXTURE}"),
            serde_json::json!({ "uri": FIXTURE, "uriBaseId": "%SRCROOT%" }),
        ),
        (
            dotdot_path(&outside),
            serde_json::json!({ "uri": format!("file://{}", outside.display()) }),
        ),
    ];
    for (path, expected) in cases {
        let (out, _) = run("sarif", &path);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            format!("file://{}/", root.display())
        );
        assert_eq!(run["artifacts"][0]["location"], expected, "{path}");
        for result in run["results"].as_array().unwrap() {
            let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(location, &expected, "{path}");
        }
        assert!(
            !out.contains("/../") && !out.contains("\"../"),
            "{path}: `..` left in a URI"
        );
    }
}

/// `path` (outside the working folder) reached from the working folder through `..`.
fn dotdot_path(path: &std::path::Path) -> String {
    let depth = std::env::current_dir().unwrap().components().count() - 1;
    let relative = path.strip_prefix("/").unwrap();
    format!("{}{}", "../".repeat(depth), relative.display())
}

/// Microsoft's SARIF multitool: `DRAFTLINT_SARIF_MULTITOOL`, or the copy `.ci/run` installs in
/// `target/sarif-multitool` (installed here if npm is available and it is missing).
fn sarif_multitool() -> Option<std::path::PathBuf> {
    if let Some(tool) = std::env::var_os("DRAFTLINT_SARIF_MULTITOOL") {
        return Some(tool.into());
    }
    let prefix = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sarif-multitool");
    let tool = prefix.join("node_modules/.bin/sarif-multitool");
    if tool.exists() {
        return Some(tool);
    }
    let installed = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(&prefix)
        .arg("@microsoft/sarif-multitool")
        .status();
    match installed {
        Err(_) => None,
        Ok(status) => {
            assert!(
                status.success(),
                "npm could not install @microsoft/sarif-multitool"
            );
            Some(tool)
        }
    }
}

/// Validates SARIF logs with the multitool, which applies the spec's rules the JSON schema
/// cannot express (URI forms, rule names); returns every error and warning it reports.
fn multitool_findings(tool: &std::path::Path, log: &str, name: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.sarif"));
    let output = dir.path().join(format!("{name}.validation.sarif"));
    std::fs::write(&input, log).unwrap();
    let status = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("run the SARIF multitool");
    assert!(
        status.status.success(),
        "multitool failed: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        // A result without a level is a warning (SARIF 3.27.10); notes are not problems.
        .filter(|r| !matches!(r["level"].as_str(), Some("note" | "none")))
        .map(|r| format!("{} {}: {}", r["level"], r["ruleId"], r["message"]))
        .collect()
}

#[test]
fn sarif_passes_the_multitool_with_no_error_or_warning() {
    let Some(tool) = sarif_multitool() else {
        eprintln!(
            "SKIPPED: npm is not installed, so Microsoft's SARIF multitool cannot be installed; .ci/run installs both"
        );
        return;
    };
    let root = std::env::current_dir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside-multitool.md");
    std::fs::write(
        &outside,
        "[Click here](https://ex.org/a). Critics say 1,200 people came.\n",
    )
    .unwrap();
    let absolute = root.join(FIXTURE).display().to_string();
    let cases = [
        ("relative", FIXTURE.to_string()),
        ("absolute", absolute),
        ("dotdot-inside", format!("tests/../{FIXTURE}")),
        ("dotdot-outside", dotdot_path(&outside)),
        ("every-fixture", "tests/fixtures".to_string()),
    ];
    for (name, path) in cases {
        let (out, _) = run("sarif", &path);
        assert!(out.contains("\"results\""), "{name}: no SARIF output");
        let findings = multitool_findings(&tool, &out, name);
        assert!(findings.is_empty(), "{name} ({path}): {findings:#?}");
    }
    // The check is not vacuous: the URI and rule name main used to write are caught.
    let (out, _) = run("sarif", FIXTURE);
    let mut log: serde_json::Value = serde_json::from_str(&out).unwrap();
    log["runs"][0]["artifacts"][0]["location"] = serde_json::json!({ "uri": "/abs/mixed.md" });
    log["runs"][0]["tool"]["driver"]["rules"][0]["name"] =
        log["runs"][0]["tool"]["driver"]["rules"][0]["id"].clone();
    let findings = multitool_findings(&tool, &log.to_string(), "broken");
    assert!(
        findings.iter().any(|f| f.contains("SARIF1004"))
            && findings.iter().any(|f| f.contains("SARIF1001")),
        "{findings:#?}"
    );
}

#[test]
fn sarif_validator_rejects_a_broken_log() {
    let validator = sarif_schema();
    let (out, _) = run("sarif", FIXTURE);
    let mut log: serde_json::Value = serde_json::from_str(&out).unwrap();
    log["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&log));
}
