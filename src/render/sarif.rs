//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), the same numbers as the
//! JSON output; regions also carry byte offsets. URIs: see [`UriBase`].

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use std::path::{Component, Path, PathBuf};

use super::FileView;
use super::json::write_indented;
use crate::diagnostic::{Diagnostic, Severity};
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

/// The `originalUriBaseIds` name of the working folder.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where artifact URIs are resolved from: the working folder, as a `file://` URI.
///
/// SARIF consumers (GitHub code scanning among them) want either an absolute URI with a scheme
/// or a relative reference under a named base; a path that starts with `/` or climbs out with
/// `..` is neither. Paths inside the working folder become relative references under
/// `%SRCROOT%`; any other path becomes an absolute `file://` URI.
#[derive(Clone, Debug, Default)]
pub struct UriBase {
    root: Option<PathBuf>,
}

impl UriBase {
    pub fn current() -> UriBase {
        UriBase {
            root: std::env::current_dir().ok(),
        }
    }

    #[cfg(test)]
    pub fn new(root: impl Into<PathBuf>) -> UriBase {
        UriBase {
            root: Some(root.into()),
        }
    }

    /// The `originalUriBaseIds` entry, if the working folder is known.
    fn base_ids(&self) -> Value {
        match &self.root {
            Some(root) => {
                json!({ SRCROOT: { "uri": format!("{}/", file_uri(root).trim_end_matches('/')) } })
            }
            None => json!({}),
        }
    }

    /// An `artifactLocation` for a path as displayed (relative to the working folder or
    /// absolute).
    pub fn location(&self, path: &str) -> Value {
        match self.resolve(path) {
            Resolved::Relative(uri) => json!({ "uri": uri, "uriBaseId": SRCROOT }),
            Resolved::Absolute(uri) => json!({ "uri": uri }),
        }
    }

    fn resolve(&self, path: &str) -> Resolved {
        let path = Path::new(path);
        let Some(root) = &self.root else {
            return if path.is_absolute() {
                Resolved::Absolute(file_uri(&normalise(path)))
            } else {
                Resolved::Relative(uri(&normalise(path).to_string_lossy()))
            };
        };
        let absolute = normalise(&root.join(path));
        match absolute.strip_prefix(normalise(root)) {
            Ok(inside) => Resolved::Relative(uri(&inside.to_string_lossy())),
            Err(_) => Resolved::Absolute(file_uri(&absolute)),
        }
    }
}

enum Resolved {
    Relative(String),
    Absolute(String),
}

/// Removes `.` and resolves `..` without touching the file system (the paths may not exist,
/// e.g. `--stdin-filename`).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() && !path.is_absolute() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// An absolute path as a `file://` URI.
fn file_uri(path: &Path) -> String {
    let path = path.to_string_lossy();
    let encoded = uri(&path);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        // A Windows path (`C:/…`) needs the empty authority and a slash before the drive.
        format!("file:///{encoded}")
    }
}

/// A path as a URI path: forward slashes, reserved characters percent-encoded.
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

// A result is serialized from these structs rather than built as a map: a run may have a
// million results. Fields are in alphabetical order, the order a `serde_json::Value` map keeps.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_length: usize,
    byte_offset: usize,
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: &'a Value,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: &'a Value,
    replacements: [Replacement<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [ArtifactChange<'a>; 1],
    description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

fn region(file: &FileView<'_>, span: Span) -> Region {
    let at = file.locate(span);
    Region {
        start_line: at.start.line,
        start_column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        byte_offset: span.start + file.bom_len,
        byte_length: span.len(),
    }
}

fn result<'a>(
    rules: &RuleSet,
    artifact: &'a Value,
    file: &FileView<'_>,
    d: &'a Diagnostic,
    fix_description: &'a str,
) -> SarifResult<'a> {
    let location = |span: Span| PhysicalLocation {
        artifact_location: artifact,
        region: region(file, span),
    };
    SarifResult {
        rule_id: &d.rule,
        level: level(d.severity),
        message: Text { text: &d.message },
        locations: [Location {
            physical_location: location(d.span),
        }],
        rule_index: rules.rules.iter().position(|r| *r.meta.id == *d.rule),
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| RelatedLocation {
                id: i + 1,
                physical_location: location(r.span),
                message: Text { text: &r.message },
            })
            .collect(),
        fixes: d.fix.as_ref().map(|fix| {
            [SarifFix {
                description: Text {
                    text: fix_description,
                },
                artifact_changes: [ArtifactChange {
                    artifact_location: artifact,
                    replacements: [Replacement {
                        deleted_region: region(file, fix.span),
                        inserted_content: Text {
                            text: &fix.replacement,
                        },
                    }],
                }],
            }]
        }),
    }
}

fn driver_rules(rules: &RuleSet) -> Vec<Value> {
    // No `name`: SARIF wants it distinct from the id or absent, and the id is already the
    // readable name users type in `--only` and suppressions.
    rules
        .rules
        .iter()
        .map(|r| {
            let m = &r.meta;
            json!({
                "id": m.id,
                "shortDescription": { "text": m.description.trim().lines().next().unwrap_or("") },
                "fullDescription": { "text": format!("{} {}", m.description.trim(), m.rationale.trim()).trim().to_string() },
                "help": { "text": m.help.as_deref().map(str::to_string).unwrap_or_else(|| format!("run `draftlint explain {}`", m.id)) },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "kind": m.kind },
            })
        })
        .collect()
}

// The log is written in pieces so that results stream out file by file: the run's `tool`
// first, then `results`, then `artifacts` (known only at the end). Key order in JSON objects
// carries no meaning.

pub(super) fn write_head(rules: &RuleSet, base: &UriBase, out: &mut dyn Write) -> io::Result<()> {
    let tool = json!({ "driver": {
        "name": "draftlint",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": driver_rules(rules),
    }});
    write!(
        out,
        "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": "
    )?;
    write_indented(&tool, "\n      ", false, out)?;
    write!(
        out,
        ",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"originalUriBaseIds\": "
    )?;
    write_indented(&base.base_ids(), "\n      ", false, out)?;
    write!(out, ",\n      \"results\": [")
}

/// Writes the `index`-th result; `artifact` is the file's `artifactLocation`.
pub(super) fn write_result(
    rules: &RuleSet,
    artifact: &Value,
    file: &FileView<'_>,
    d: &Diagnostic,
    index: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if index > 0 {
        out.write_all(b",")?;
    }
    let fix_description = match &d.fix {
        Some(fix) if !fix.replacement.is_empty() => format!("replace with \"{}\"", fix.replacement),
        _ => "delete".to_string(),
    };
    let result = result(rules, artifact, file, d, &fix_description);
    write_indented(&result, "\n        ", true, out)
}

pub(super) fn write_tail(
    artifacts: &[Value],
    written: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if written > 0 {
        write!(out, "\n      ")?;
    }
    write!(out, "],\n      \"artifacts\": ")?;
    let artifacts: Vec<Value> = artifacts
        .iter()
        .map(|location| json!({ "location": location }))
        .collect();
    write_indented(&Value::Array(artifacts), "\n      ", false, out)?;
    writeln!(out, "\n    }}\n  ]\n}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_root_are_relative_others_are_file_uris() {
        let base = UriBase::new("/work/site");
        let inside = json!({ "uri": "posts/a%20b.md", "uriBaseId": SRCROOT });
        assert_eq!(base.location("posts/a b.md"), inside);
        assert_eq!(base.location("./posts/../posts/a b.md"), inside);
        assert_eq!(base.location("/work/site/posts/a b.md"), inside);
        assert_eq!(
            base.location("../other/c.md"),
            json!({ "uri": "file:///work/other/c.md" })
        );
        assert_eq!(
            base.location("/tmp/x.md"),
            json!({ "uri": "file:///tmp/x.md" })
        );
        assert_eq!(
            base.base_ids(),
            json!({ SRCROOT: { "uri": "file:///work/site/" } })
        );
    }
}
