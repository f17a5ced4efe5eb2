//! Printers: diagnostics to text for people and machines.
//!
//! Printers live apart from rules. Each takes the whole run (every file's diagnostics, in
//! input order) and writes one output; positions are turned into lines and columns here and
//! only here, by [`Located`].

mod checkstyle;
mod github;
mod html;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{FileReport, Linted};
use crate::rules::RuleSet;
use crate::span::{LineIndex, Position, Span};

pub use github::{escape_data, escape_property};
pub use human::{render_diagnostic, render_source_error};
pub use json::text_document;

/// `--format` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Annotated snippets for people, rustc style.
    #[default]
    Human,
    /// One JSON object with every diagnostic.
    Json,
    /// One JSON object per line, one line per diagnostic.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (inline annotations).
    Github,
    /// Checkstyle 4.3 XML (reviewdog, Jenkins).
    Checkstyle,
    /// One self-contained HTML page: a summary table and every draft with its findings
    /// highlighted (a CI artefact to open in a browser).
    Html,
}

/// Options shared by printers.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
}

/// Counts for the summary line and the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary::default();
        for report in reports {
            let Ok(linted) = &report.outcome else {
                continue;
            };
            summary.files_checked += 1;
            for d in &linted.diagnostics {
                match d.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                }
            }
        }
        summary
    }
}

/// A span with its lines and columns, computed once per diagnostic.
#[derive(Clone, Copy, Debug)]
pub struct Located {
    pub start: Position,
    pub end: Position,
}

impl Located {
    pub fn new(text: &str, index: &LineIndex, span: Span) -> Located {
        Located {
            start: index.position(text, span.start),
            end: index.position(text, span.end),
        }
    }
}

pub fn write_report(
    format: OutputFormat,
    reports: &[FileReport],
    rules: &RuleSet,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::write(reports, options, out),
        OutputFormat::Json => json::write(reports, out),
        OutputFormat::Jsonl => json::write_lines(reports, out),
        OutputFormat::Sarif => sarif::write(reports, rules, out),
        OutputFormat::Github => github::write(reports, out),
        OutputFormat::Checkstyle => checkstyle::write(reports, out),
        OutputFormat::Html => html::write(reports, rules, out),
    }
}

/// A linted file as printers see it: display path, text, diagnostics and line index.
pub(crate) struct FileView<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// Bytes of the byte-order mark the text lost, added back to offsets for machines.
    pub bom_len: usize,
    pub diagnostics: &'a [Diagnostic],
    pub index: LineIndex,
}

impl<'a> FileView<'a> {
    pub fn new(report: &'a FileReport, linted: &'a Linted) -> Self {
        FileView {
            path: &report.input.display,
            text: &linted.source.text,
            bom_len: linted.source.bom_len,
            diagnostics: &linted.diagnostics,
            index: LineIndex::new(&linted.source.text),
        }
    }

    pub fn locate(&self, span: Span) -> Located {
        Located::new(self.text, &self.index, span)
    }
}

/// Each linted file that has findings (the line index is built only for those: most files of
/// a clean tree have none).
pub(crate) fn files_with_findings(reports: &[FileReport]) -> impl Iterator<Item = FileView<'_>> {
    reports.iter().filter_map(|report| {
        let linted = report.outcome.as_ref().ok()?;
        (!linted.diagnostics.is_empty()).then(|| FileView::new(report, linted))
    })
}

/// The matched text of a diagnostic.
pub fn matched<'t>(text: &'t str, d: &Diagnostic) -> &'t str {
    text.get(d.span.range()).unwrap_or("")
}
