//! Linting files: reading, parsing, running rules, in parallel, with per-file errors.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::document::dates::{self, DocDate};
use crate::document::html_scope::{ContentScope, HtmlOptions};
use crate::rules::RuleSet;
use crate::source::{FileError, Format, SourceText};
use crate::suppress;

/// What a run lints with.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub rules: &'a RuleSet,
    /// Severity changes and per-glob overrides; `None` lints with the rules as they are.
    pub config: Option<&'a Config>,
    pub report_unused_suppressions: bool,
    /// The date for documents that state none (`--as-of`, the config's `as-of`, or today).
    pub as_of: Option<DocDate>,
}

impl<'a> Settings<'a> {
    pub fn new(rules: &'a RuleSet) -> Self {
        Settings {
            rules,
            config: None,
            report_unused_suppressions: false,
            as_of: None,
        }
    }
}

/// A file to lint: where it is, how to show its path, and its format.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path as the user gave it (or as found by the walk), for display.
    pub display: String,
    /// Where to read it; `None` for standard input.
    pub path: Option<PathBuf>,
    pub format: Format,
}

/// The result of linting one file.
#[derive(Debug)]
pub struct FileReport {
    pub input: Input,
    pub outcome: Result<Linted, FileError>,
}

#[derive(Debug)]
pub struct Linted {
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
    /// HTML: which part of the page was linted.
    pub html_scope: Option<ContentScope>,
}

/// Lints one text with the rules as they are (inline suppressions honoured).
pub fn lint_text(text: &str, format: Format, rules: &RuleSet) -> Vec<Diagnostic> {
    lint_with(text, format, None, &Settings::new(rules))
}

/// Lints one text with a run's settings; `path` selects per-glob overrides.
pub fn lint_with(
    text: &str,
    format: Format,
    path: Option<&Path>,
    settings: &Settings<'_>,
) -> Vec<Diagnostic> {
    lint_scoped(text, format, path, settings).0
}

/// Lints one text, and says which part of an HTML page was linted.
pub fn lint_scoped(
    text: &str,
    format: Format,
    path: Option<&Path>,
    settings: &Settings<'_>,
) -> (Vec<Diagnostic>, Option<ContentScope>) {
    let html = settings.config.map(|c| &c.html);
    let mut doc = Document::parse_with(text, format, html.unwrap_or(&HtmlOptions::default()));
    doc.date = doc
        .date
        .or_else(|| path.and_then(dates::from_path))
        .or(settings.as_of);
    let found = settings.rules.check(&doc);
    let mut diagnostics = suppress::apply(
        &doc,
        found,
        &settings.rules.known_ids,
        settings.report_unused_suppressions,
    );
    if let Some(config) = settings.config {
        config.adjust(path, doc.source, &mut diagnostics);
    }
    (diagnostics, doc.html_scope)
}

/// Lints a decoded file. A bug in a rule must cost one file, not the run: a panic becomes
/// this file's error.
pub fn lint_source(
    source: SourceText,
    format: Format,
    path: Option<&Path>,
    settings: &Settings<'_>,
) -> Result<Linted, FileError> {
    let text = &source.text;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lint_scoped(text, format, path, settings)
    }));
    match result {
        Ok((diagnostics, html_scope)) => Ok(Linted {
            source,
            diagnostics,
            html_scope,
        }),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Err(FileError::Internal(message.to_string()))
        }
    }
}
