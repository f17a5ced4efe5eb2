//! Printers: diagnostics to text for people and machines.
//!
//! Printers live apart from rules. A [`ReportWriter`] streams: it writes the head of its
//! format, then each file's findings as soon as that file is linted (files arrive in input
//! order), then the tail. Nothing is kept between files but counts and paths, so memory grows
//! with the largest file, not with the run. Positions are turned into lines and columns here
//! and only here, by [`Located`].

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
    /// Symbolic links a folder walk did not follow (no `--follow`).
    pub symlinks_skipped: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary::default();
        for report in reports {
            summary.add(report);
        }
        summary
    }

    /// Counts one more file.
    pub fn add(&mut self, report: &FileReport) {
        let Ok(linted) = &report.outcome else {
            return;
        };
        self.files_checked += 1;
        for d in &linted.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
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

/// Writes a whole run at once (for callers that already hold every report).
pub fn write_report(
    format: OutputFormat,
    reports: &[FileReport],
    rules: &RuleSet,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == OutputFormat::Html {
        return html::write(reports, rules, out);
    }
    let mut writer = ReportWriter::begin(format, rules, options, out)?;
    for report in reports {
        writer.write_file(report)?;
    }
    writer.finish().map(|_| ())
}

/// A printer that writes one file at a time: [`begin`](Self::begin), [`file`](Self::file) for
/// each file in input order, then [`finish`](Self::finish).
pub struct ReportWriter<'a> {
    format: OutputFormat,
    rules: &'a RuleSet,
    out: &'a mut dyn Write,
    summary: Summary,
    human: Option<annotate_snippets::Renderer>,
    /// Diagnostics written so far (JSON and SARIF separate array items with commas).
    written: usize,
    /// SARIF's artifact locations, written after the results.
    artifacts: Vec<serde_json::Value>,
    base: sarif::UriBase,
    /// JSON: which part of each HTML page was linted, written after the diagnostics.
    html_content: Vec<serde_json::Value>,
    /// The HTML report draws every file in one page after a summary table of them all, so it
    /// holds the run (it embeds every text with findings anyway).
    held: Vec<FileReport>,
}

impl<'a> ReportWriter<'a> {
    pub fn begin(
        format: OutputFormat,
        rules: &'a RuleSet,
        options: RenderOptions,
        out: &'a mut dyn Write,
    ) -> io::Result<Self> {
        let base = sarif::UriBase::current();
        match format {
            OutputFormat::Json => json::write_head(out)?,
            OutputFormat::Sarif => sarif::write_head(rules, &base, out)?,
            OutputFormat::Checkstyle => checkstyle::write_head(out)?,
            OutputFormat::Human
            | OutputFormat::Jsonl
            | OutputFormat::Github
            | OutputFormat::Html => {}
        }
        Ok(ReportWriter {
            format,
            rules,
            out,
            summary: Summary::default(),
            human: (format == OutputFormat::Human).then(|| human::renderer(options.color)),
            written: 0,
            artifacts: Vec::new(),
            base,
            html_content: Vec::new(),
            held: Vec::new(),
        })
    }

    /// Writes one file's findings (nothing for a file that could not be read).
    pub fn file(&mut self, report: FileReport) -> io::Result<()> {
        if self.format == OutputFormat::Html {
            self.summary.add(&report);
            self.held.push(report);
            return Ok(());
        }
        self.write_file(&report)
    }

    fn write_file(&mut self, report: &FileReport) -> io::Result<()> {
        self.summary.add(report);
        if self.format == OutputFormat::Json {
            self.html_content.extend(json::html_content_value(report));
        }
        let Ok(linted) = &report.outcome else {
            return Ok(());
        };
        let artifact =
            (self.format == OutputFormat::Sarif).then(|| self.base.location(&report.input.display));
        if let Some(artifact) = &artifact {
            self.artifacts.push(artifact.clone());
        }
        if self.format == OutputFormat::Checkstyle {
            // Clean files are listed too: checkstyle consumers count them as checked.
            return checkstyle::write_file(report, linted, self.out);
        }
        if linted.diagnostics.is_empty() {
            return Ok(());
        }
        let file = FileView::new(report, linted);
        let out = &mut *self.out;
        match self.format {
            OutputFormat::Human => {
                let renderer = self.human.as_ref().expect("set for human output");
                human::write_file(renderer, &file, out)?;
            }
            OutputFormat::Json => {
                for d in file.diagnostics {
                    json::write_item(&file, d, self.written, out)?;
                    self.written += 1;
                }
            }
            OutputFormat::Jsonl => json::write_lines(&file, out)?,
            OutputFormat::Sarif => {
                let artifact = artifact.as_ref().expect("set for SARIF");
                for d in file.diagnostics {
                    sarif::write_result(self.rules, artifact, &file, d, self.written, out)?;
                    self.written += 1;
                }
            }
            OutputFormat::Github => github::write_file(&file, out)?,
            OutputFormat::Checkstyle | OutputFormat::Html => unreachable!("handled above"),
        }
        Ok(())
    }

    /// Counts symbolic links the walk skipped, for the summary.
    pub fn symlinks_skipped(&mut self, count: usize) {
        self.summary.symlinks_skipped = count;
    }

    /// Writes the tail of the output and returns the run's counts.
    pub fn finish(self) -> io::Result<Summary> {
        match self.format {
            OutputFormat::Human => human::write_summary(&self.summary, self.out)?,
            OutputFormat::Json => {
                json::write_tail(&self.summary, self.written, &self.html_content, self.out)?
            }
            OutputFormat::Html => html::write(&self.held, self.rules, self.out)?,
            OutputFormat::Sarif => {
                sarif::write_tail(&self.artifacts, self.written, self.out)?;
            }
            OutputFormat::Checkstyle => checkstyle::write_tail(self.out)?,
            OutputFormat::Jsonl | OutputFormat::Github => {}
        }
        Ok(self.summary)
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
