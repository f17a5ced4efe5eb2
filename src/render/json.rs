//! The JSON printer: one object with every diagnostic, for CI and editors.
//!
//! Lines and columns are 1-based, columns count Unicode scalar values, ends are exclusive.
//! Byte offsets index the file as it is on disk (a byte-order mark included).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileView, Summary, files_with_findings, matched};
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;

pub const JSON_VERSION: u32 = 1;

/// One diagnostic as a JSON value.
pub(crate) fn diagnostic_value(file: &FileView<'_>, d: &Diagnostic) -> Value {
    let bom_len = file.bom_len;
    let at = file.locate(d.span);
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|r| {
            let loc = file.locate(r.span);
            json!({
                "line": loc.start.line,
                "column": loc.start.column,
                "end_line": loc.end.line,
                "end_column": loc.end.column,
                "byte_start": r.span.start + bom_len,
                "byte_end": r.span.end + bom_len,
                "message": r.message,
            })
        })
        .collect();
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "byte_start": f.span.start + bom_len,
            "byte_end": f.span.end + bom_len,
            "replacement": f.replacement,
        })
    });
    json!({
        "path": file.path,
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "line": at.start.line,
        "column": at.start.column,
        "end_line": at.end.line,
        "end_column": at.end.column,
        "byte_start": d.span.start + bom_len,
        "byte_end": d.span.end + bom_len,
        "matched": matched(file.text, d),
        "help": d.help,
        "related": related,
        "fix": fix,
    })
}

/// Every diagnostic of the run as JSON values, in output order.
fn all_values(reports: &[FileReport]) -> Vec<Value> {
    files_with_findings(reports)
        .flat_map(|file| {
            file.diagnostics
                .iter()
                .map(|d| diagnostic_value(&file, d))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// JSON Lines: one diagnostic object per line, nothing else.
pub(super) fn write_lines(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for value in all_values(reports) {
        serde_json::to_writer(&mut *out, &value)?;
        writeln!(out)?;
    }
    Ok(())
}

pub(super) fn write(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = all_values(reports);
    let summary = Summary::of(reports);
    let doc = json!({
        "version": JSON_VERSION,
        "files_checked": summary.files_checked,
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The `--format json` document of one text linted on its own, as a value: what the web API
/// answers, so that the page and `check` can never disagree on a position.
pub fn text_document(path: &str, text: &str, bom_len: usize, diagnostics: &[Diagnostic]) -> Value {
    let file = FileView {
        path,
        text,
        bom_len,
        diagnostics,
        index: crate::span::LineIndex::new(text),
    };
    json!({
        "version": JSON_VERSION,
        "files_checked": 1,
        "diagnostics": diagnostics.iter().map(|d| diagnostic_value(&file, d)).collect::<Vec<_>>(),
    })
}
