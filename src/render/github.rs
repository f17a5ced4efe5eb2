//! GitHub Actions workflow commands: `::error file=…,line=…::message` lines that the Actions
//! runner turns into inline annotations on the pull request.

use std::io::{self, Write};

use super::FileView;
use crate::diagnostic::Severity;

/// Escapes a command's message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn write_file(file: &FileView<'_>, out: &mut dyn Write) -> io::Result<()> {
    for d in file.diagnostics {
        let at = file.locate(d.span);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            escape_property(file.path),
            at.start.line,
            at.end.line,
            at.start.column,
            at.end.column,
            escape_property(&format!("draftlint {}", d.rule)),
            escape_data(&d.message),
        )?;
    }
    Ok(())
}
