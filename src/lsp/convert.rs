//! Findings and load errors as LSP diagnostics: the only place that knows both shapes.

use std::path::Path;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Url,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::EngineError;
use crate::span::{self, ColumnUnit, LineIndex, Span};

use super::document::OpenDocument;

pub const SOURCE: &str = "draftlint";

/// How a finding shows in the editor. Findings at or above `fail_on` would fail
/// `draftlint check`, so they show as errors; the rest keep their own level.
pub fn severity(severity: Severity, fail_on: Severity) -> DiagnosticSeverity {
    if severity >= fail_on {
        return DiagnosticSeverity::ERROR;
    }
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// One LSP diagnostic per finding, with its help in the message and its context spans as
/// related information, so an editor shows both ends of a duplicated answer.
pub fn diagnostics(
    doc: &OpenDocument,
    findings: &[Diagnostic],
    unit: ColumnUnit,
    fail_on: Severity,
) -> Vec<lsp_types::Diagnostic> {
    findings
        .iter()
        .map(|d| diagnostic(doc, d, unit, fail_on))
        .collect()
}

pub fn diagnostic(
    doc: &OpenDocument,
    d: &Diagnostic,
    unit: ColumnUnit,
    fail_on: Severity,
) -> lsp_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(doc.uri.clone(), doc.range(r.span, unit)),
            message: r.message.clone(),
        })
        .collect();
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range: doc.range(d.span, unit),
        severity: Some(severity(d.severity, fail_on)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Where a config or rule file error belongs: the file, and the range of its text at fault.
pub struct LoadProblem {
    pub uri: Option<Url>,
    pub diagnostic: lsp_types::Diagnostic,
    /// The one-line summary for `window/showMessage`.
    pub summary: String,
}

/// A failed engine as a diagnostic on the file at fault (when it is a file on disk) and a
/// message. `config` is the config file the engine was built from, for selection errors,
/// which name a rule the config asked for.
pub fn load_problem(err: &EngineError, config: Option<&Path>, unit: ColumnUnit) -> LoadProblem {
    let (path, text, span, message) = match err {
        EngineError::Config(e) => (
            Some(Path::new(&e.path)),
            e.text.as_str(),
            e.span,
            &e.message,
        ),
        EngineError::Rule(e) => (
            Some(Path::new(&e.origin)),
            e.text.as_str(),
            e.span,
            &e.message,
        ),
        EngineError::Selection(message) => (config, "", None, message),
        EngineError::Vale(e) => (Some(Path::new(&e.path)), "", None, &e.message),
        EngineError::Selector(e) => (None, "", None, &e.to_string()),
    };
    let range = span.map_or_else(Range::default, |span| text_range(text, span, unit));
    let uri = path
        .filter(|p| p.is_file())
        .and_then(|p| Url::from_file_path(std::path::absolute(p).ok()?).ok());
    LoadProblem {
        uri,
        diagnostic: lsp_types::Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE.to_string()),
            message: message.clone(),
            ..lsp_types::Diagnostic::default()
        },
        summary: format!("draftlint: {err}"),
    }
}

fn text_range(text: &str, span: Span, unit: ColumnUnit) -> Range {
    let index = LineIndex::new(text);
    let at = |offset| {
        let (line, column) = span::line_column(&index, text, offset, unit);
        Position::new(line as u32, column as u32)
    };
    Range::new(at(span.start), at(span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_raises_what_would_fail_check() {
        assert_eq!(
            severity(Severity::Warning, Severity::Error),
            DiagnosticSeverity::WARNING
        );
        assert_eq!(
            severity(Severity::Warning, Severity::Warning),
            DiagnosticSeverity::ERROR
        );
        assert_eq!(
            severity(Severity::Info, Severity::Warning),
            DiagnosticSeverity::INFORMATION
        );
        assert_eq!(
            severity(Severity::Error, Severity::Error),
            DiagnosticSeverity::ERROR
        );
    }
}
