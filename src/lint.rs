//! Linting files: reading, parsing, running rules, in parallel, with per-file errors.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::RuleSet;
use crate::source::{FileError, Format, SourceText};

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
}

/// Lints one text.
pub fn lint_text(text: &str, format: Format, rules: &RuleSet) -> Vec<Diagnostic> {
    let doc = Document::parse(text, format);
    rules.check(&doc)
}

/// Lints a decoded file. A bug in a rule must cost one file, not the run: a panic becomes
/// this file's error.
fn lint_source(source: SourceText, format: Format, rules: &RuleSet) -> Result<Linted, FileError> {
    let text = &source.text;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lint_text(text, format, rules)
    }));
    match result {
        Ok(diagnostics) => Ok(Linted {
            source,
            diagnostics,
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

/// Lints one file, reading it from disk.
pub fn lint_path(path: &Path, format: Format, rules: &RuleSet) -> Result<Linted, FileError> {
    lint_source(SourceText::read(path)?, format, rules)
}

/// Lints files in parallel; the reports come back in input order.
pub fn lint_inputs(inputs: Vec<Input>, stdin: Option<Vec<u8>>, rules: &RuleSet) -> Vec<FileReport> {
    inputs
        .into_par_iter()
        .map(|input| {
            let outcome = match &input.path {
                Some(path) => lint_path(path, input.format, rules),
                None => SourceText::decode(stdin.clone().unwrap_or_default())
                    .and_then(|source| lint_source(source, input.format, rules)),
            };
            FileReport { input, outcome }
        })
        .collect()
}
