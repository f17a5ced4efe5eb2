//! The human printer: one annotated snippet per finding, then a summary line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{RenderOptions, Summary, files_with_findings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::span::{LineIndex, Span};

pub(super) fn write(
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = renderer(options.color);
    for file in files_with_findings(reports) {
        for d in file.diagnostics {
            writeln!(
                out,
                "{}\n",
                render_with(&renderer, file.path, file.text, &file.index, d)
            )?;
        }
    }
    let summary = Summary::of(reports);
    writeln!(out, "{}", summary_line(&summary))
}

fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

pub fn summary_line(s: &Summary) -> String {
    let files = if s.files_checked == 1 {
        "file"
    } else {
        "files"
    };
    if s.errors + s.warnings + s.infos == 0 {
        return format!("no findings in {} {files} checked", s.files_checked);
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} in {} {files} checked",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        s.files_checked
    )
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Renders one diagnostic as an annotated snippet.
pub fn render_diagnostic(path: &str, text: &str, d: &Diagnostic, color: bool) -> String {
    render_with(&renderer(color), path, text, &LineIndex::new(text), d)
}

fn render_with(
    renderer: &Renderer,
    path: &str,
    text: &str,
    index: &LineIndex,
    d: &Diagnostic,
) -> String {
    // Show only the lines the annotations touch: the snippet then costs nothing on huge files.
    let window = d
        .related
        .iter()
        .fold(index.lines_around(text, d.span), |w, r| {
            w.cover(index.lines_around(text, r.span))
        });
    let slice = &text[window.range()];
    let local = |span: Span| {
        let start = span.start.clamp(window.start, window.end) - window.start;
        let end = span.end.clamp(window.start, window.end) - window.start;
        start..end
    };
    let mut snippet = Snippet::source(slice)
        .line_start(index.line_of(window.start) + 1)
        .path(path)
        .fold(true)
        .annotation(AnnotationKind::Primary.span(local(d.span)));
    for related in &d.related {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(local(related.span))
                .label(related.message.as_str()),
        );
    }
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.rule.as_str())
        .element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let report: &[Group<'_>] = &[group];
    renderer.render(report)
}

/// Renders an error about a file of ours (a rule file, a config file) pointing at `span`.
pub fn render_source_error(
    path: &str,
    text: &str,
    span: Option<Span>,
    message: &str,
    color: bool,
) -> String {
    let renderer = renderer(color);
    let Some(span) = span.filter(|_| !text.is_empty()) else {
        let report: &[Group<'_>] = &[Group::with_title(
            Level::ERROR.primary_title(format!("{path}: {message}")),
        )];
        return renderer.render(report);
    };
    let index = LineIndex::new(text);
    let window = index.lines_around(text, span);
    let local = span.start.min(window.end) - window.start..span.end.min(window.end) - window.start;
    let report: &[Group<'_>] = &[Level::ERROR.primary_title(message).element(
        Snippet::source(&text[window.range()])
            .line_start(index.line_of(window.start) + 1)
            .path(path)
            .annotation(AnnotationKind::Primary.span(local)),
    )];
    renderer.render(report)
}
