//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), the same numbers as the
//! JSON output; regions also carry byte offsets. URIs are relative to the working folder.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileView, files_with_findings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::rules::RuleSet;
use crate::span::Span;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: forward slashes, reserved characters percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn region(file: &FileView<'_>, span: Span) -> Value {
    let at = file.locate(span);
    json!({
        "startLine": at.start.line,
        "startColumn": at.start.column,
        "endLine": at.end.line,
        "endColumn": at.end.column,
        "byteOffset": span.start + file.bom_len,
        "byteLength": span.len(),
    })
}

fn result(rules: &RuleSet, file: &FileView<'_>, d: &Diagnostic) -> Value {
    let location = |span: Span| {
        json!({
            "artifactLocation": { "uri": uri(file.path) },
            "region": region(file, span),
        })
    };
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": location(d.span) }],
    });
    if let Some(i) = rules.rules.iter().position(|r| r.meta.id == d.rule) {
        result["ruleIndex"] = json!(i);
    }
    if !d.related.is_empty() {
        result["relatedLocations"] = Value::Array(
            d.related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    json!({
                        "id": i + 1,
                        "physicalLocation": location(r.span),
                        "message": { "text": r.message },
                    })
                })
                .collect(),
        );
    }
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([{
            "description": { "text": if fix.replacement.is_empty() { "delete".to_string() } else { format!("replace with \"{}\"", fix.replacement) } },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(file.path) },
                "replacements": [{
                    "deletedRegion": region(file, fix.span),
                    "insertedContent": { "text": fix.replacement },
                }],
            }],
        }]);
    }
    result
}

pub(super) fn write(
    reports: &[FileReport],
    rules: &RuleSet,
    out: &mut dyn Write,
) -> io::Result<()> {
    let driver_rules: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| {
            let m = &r.meta;
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": { "text": m.description.trim().lines().next().unwrap_or("") },
                "fullDescription": { "text": format!("{} {}", m.description.trim(), m.rationale.trim()).trim().to_string() },
                "help": { "text": m.help.clone().unwrap_or_else(|| format!("run `draftlint explain {}`", m.id)) },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "kind": m.kind },
            })
        })
        .collect();
    let artifacts: Vec<Value> = reports
        .iter()
        .filter(|r| r.outcome.is_ok())
        .map(|r| json!({ "location": { "uri": uri(&r.input.display) } }))
        .collect();
    let results: Vec<Value> = files_with_findings(reports)
        .flat_map(|file| {
            file.diagnostics
                .iter()
                .map(|d| result(rules, &file, d))
                .collect::<Vec<_>>()
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "draftlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
