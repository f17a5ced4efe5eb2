//! The JSON printer: one object with every diagnostic, for CI and editors.
//!
//! Lines and columns are 1-based, columns count Unicode scalar values, ends are exclusive.
//! Byte offsets index the file as it is on disk (a byte-order mark included) when the file is
//! UTF-8. A file transcoded from another encoding (UTF-16, `<meta charset>`, `--encoding`) has
//! no such offsets: its byte offsets index the UTF-8 text draftlint linted, and lines and
//! columns (which are the same in both) are what to use.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::{FileView, Summary, matched};
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;

pub const JSON_VERSION: u32 = 1;

// Fields in alphabetical order: the output is what serializing a `serde_json::Value` (a sorted
// map) gave before these structs, and a million findings serialize without a map each.

/// One diagnostic as JSON.
#[derive(Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    byte_end: usize,
    byte_start: usize,
    column: usize,
    end_column: usize,
    end_line: usize,
    fix: Option<JsonFix<'a>>,
    help: Option<&'a str>,
    line: usize,
    matched: &'a str,
    message: &'a str,
    path: &'a str,
    related: Vec<JsonRelated<'a>>,
    rule: &'a str,
    severity: &'static str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    byte_end: usize,
    byte_start: usize,
    column: usize,
    end_column: usize,
    end_line: usize,
    line: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    byte_end: usize,
    byte_start: usize,
    replacement: &'a str,
}

pub(crate) fn diagnostic_value<'a>(file: &FileView<'a>, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let bom_len = file.bom_len;
    let at = file.locate(d.span);
    let related = d
        .related
        .iter()
        .map(|r| {
            let loc = file.locate(r.span);
            JsonRelated {
                line: loc.start.line,
                column: loc.start.column,
                end_line: loc.end.line,
                end_column: loc.end.column,
                byte_start: r.span.start + bom_len,
                byte_end: r.span.end + bom_len,
                message: &r.message,
            }
        })
        .collect();
    let fix = d.fix.as_ref().map(|f| JsonFix {
        byte_start: f.span.start + bom_len,
        byte_end: f.span.end + bom_len,
        replacement: &f.replacement,
    });
    JsonDiagnostic {
        path: file.path,
        rule: &d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        byte_start: d.span.start + bom_len,
        byte_end: d.span.end + bom_len,
        matched: matched(file.text, d),
        help: d.help.as_deref(),
        related,
        fix,
    }
}

/// JSON Lines: one diagnostic object per line, nothing else.
pub(super) fn write_lines(file: &FileView<'_>, out: &mut dyn Write) -> io::Result<()> {
    for d in file.diagnostics {
        serde_json::to_writer(&mut *out, &diagnostic_value(file, d))?;
        writeln!(out)?;
    }
    Ok(())
}

/// For an HTML file, which part of the page was linted (`choice` is `article`, `main`,
/// `article-body`, `body`, `selector` or `fragment`).
pub(super) fn html_content_value(report: &FileReport) -> Option<Value> {
    let linted = report.outcome.as_ref().ok()?;
    let scope = linted.html_scope.as_ref()?;
    let file = FileView::new(report, linted);
    let roots: Vec<Value> = scope
        .roots
        .iter()
        .map(|root| {
            let at = file.locate(root.span);
            json!({
                "element": root.element,
                "line": at.start.line,
                "end_line": at.end.line,
                "byte_start": root.span.start + file.bom_len,
                "byte_end": root.span.end + file.bom_len,
            })
        })
        .collect();
    Some(json!({
        "path": file.path,
        "choice": scope.choice.as_str(),
        "roots": roots,
        "selectors_unmatched": scope.selectors_unmatched,
    }))
}

// The JSON document is written in pieces, so that no run ever holds all its diagnostics; the
// pieces make exactly what `serde_json::to_writer_pretty` makes of the whole object (keys in
// alphabetical order: `diagnostics`, `files_checked`, `version`).

pub(super) fn write_head(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{{\n  \"diagnostics\": [")
}

/// Writes the `index`-th item of the `diagnostics` array.
pub(super) fn write_item(
    file: &FileView<'_>,
    d: &Diagnostic,
    index: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if index > 0 {
        out.write_all(b",")?;
    }
    write_indented(&diagnostic_value(file, d), "\n    ", true, out)
}

/// Pretty-prints `value` nested at the depth `newline` indents to. JSON strings never hold a raw
/// line break, so indenting after each one is safe.
/// With `on_new_line`, the value starts on a line of its own.
pub(super) fn write_indented(
    value: &impl Serialize,
    newline: &str,
    on_new_line: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    thread_local! {
        /// The pretty text and its indented copy, reused: a report of a million findings
        /// would otherwise allocate and free both a million times.
        static BUFFERS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
            const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    BUFFERS.with_borrow_mut(|(pretty, indented)| {
        pretty.clear();
        indented.clear();
        serde_json::to_writer_pretty(&mut *pretty, value)?;
        if on_new_line {
            indented.extend_from_slice(newline.as_bytes());
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', pretty) {
            indented.extend_from_slice(&pretty[start..end]);
            indented.extend_from_slice(newline.as_bytes());
            start = end + 1;
        }
        indented.extend_from_slice(&pretty[start..]);
        out.write_all(indented)?;
        // A huge value (a long fix) should not stay allocated for the rest of the run.
        for buffer in [pretty, indented] {
            buffer.shrink_to(64 * 1024);
        }
        Ok(())
    })
}

/// Closes the document; `html_content` (which part of each HTML page was linted) is written
/// only for runs that linted HTML pages.
pub(super) fn write_tail(
    summary: &Summary,
    written: usize,
    html_content: &[Value],
    out: &mut dyn Write,
) -> io::Result<()> {
    if written > 0 {
        write!(out, "\n  ")?;
    }
    write!(out, "],\n  \"files_checked\": {},", summary.files_checked)?;
    if !html_content.is_empty() {
        write!(out, "\n  \"html_content\": ")?;
        write_indented(&html_content, "\n  ", false, out)?;
        write!(out, ",")?;
    }
    writeln!(out, "\n  \"version\": {JSON_VERSION}\n}}")
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
