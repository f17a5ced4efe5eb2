//! Checkstyle 4.3 XML, read by reviewdog, Jenkins and many CI dashboards.

use std::io::{self, Write};

use super::FileView;
use crate::lint::{FileReport, Linted};

/// Escapes text for an XML attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn write_head(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)
}

pub(super) fn write_file(
    report: &FileReport,
    linted: &Linted,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, r#"  <file name="{}">"#, escape(&report.input.display))?;
    if !linted.diagnostics.is_empty() {
        let file = FileView::new(report, linted);
        for d in file.diagnostics {
            let at = file.locate(d.span);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="draftlint.{}"/>"#,
                at.start.line,
                at.start.column,
                d.severity.as_str(),
                escape(&d.message),
                escape(&d.rule),
            )?;
        }
    }
    writeln!(out, "  </file>")
}

pub(super) fn write_tail(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</checkstyle>")
}
