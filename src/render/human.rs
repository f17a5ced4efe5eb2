//! The human printer: one annotated snippet per finding, then a summary line.
//!
//! Its cost is linear in the input whatever the input's shape: a snippet shows the lines it
//! annotates only while they are short ([`WHOLE_LINES_BYTES`]); otherwise each annotated span
//! gets an excerpt of its own line, cut around it. A line with hundreds of findings (a
//! minified page, a table of numbers) shows the first [`MAX_PER_LINE`] and counts the rest:
//! the machine formats list them all.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{FileView, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::span::{LineIndex, Span, floor_char_boundary};

/// Findings shown per source line; the rest of that line's findings are counted.
pub const MAX_PER_LINE: usize = 10;
/// Largest span of whole lines a snippet shows; longer lines are cut around each annotation.
const WHOLE_LINES_BYTES: usize = 16 * 1024;
/// Bytes of context an excerpt keeps on each side of its span.
const EXCERPT_CONTEXT_BYTES: usize = 60;
/// Bytes of a long span an excerpt shows.
const EXCERPT_SPAN_BYTES: usize = 240;
/// Related locations shown in an excerpted snippet; the rest are counted.
const MAX_RELATED_EXCERPTS: usize = 8;

/// Writes the findings of one file, capping those shown per line.
pub(super) fn write_file(
    renderer: &Renderer,
    file: &FileView<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut current_line = usize::MAX;
    let mut shown_on_line = 0;
    let mut hidden_on_line = 0;
    for d in file.diagnostics {
        let line = file.index.line_of(d.span.start.min(file.text.len()));
        if line != current_line {
            write_hidden(out, file.path, current_line, hidden_on_line)?;
            (current_line, shown_on_line, hidden_on_line) = (line, 0, 0);
        }
        if shown_on_line == MAX_PER_LINE {
            hidden_on_line += 1;
            continue;
        }
        shown_on_line += 1;
        writeln!(
            out,
            "{}\n",
            render_with(renderer, file.path, file.text, &file.index, d)
        )?;
    }
    write_hidden(out, file.path, current_line, hidden_on_line)
}

fn write_hidden(out: &mut dyn Write, path: &str, line: usize, hidden: usize) -> io::Result<()> {
    if hidden == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "… and {hidden} more on this line ({path}:{}); `--format json` lists every finding\n",
        line + 1
    )
}

pub(super) fn write_summary(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", summary_line(summary))
}

pub(super) fn renderer(color: bool) -> Renderer {
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
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let skipped = if s.symlinks_skipped == 0 {
        String::new()
    } else {
        format!(
            "; {} skipped (--follow follows them)",
            plural(s.symlinks_skipped, "symbolic link")
        )
    };
    if s.errors + s.warnings + s.infos == 0 {
        return format!(
            "no findings in {} {files} checked{skipped}",
            s.files_checked
        );
    }
    format!(
        "{}, {}, {} in {} {files} checked{skipped}",
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
    if window.len() > WHOLE_LINES_BYTES {
        return render_excerpts(path, text, index, d);
    }
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
        .id(&*d.rule)
        .element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(&**help));
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

/// A piece of one line around a span: what to show and where the span falls in it.
struct Excerpt {
    source: String,
    span: std::ops::Range<usize>,
    line: usize,
    column: usize,
}

const ELLIPSIS: &str = "…";

/// Cuts the line holding `span.start` to at most a few hundred bytes around the span, marking
/// each cut with an ellipsis. Costs O(excerpt + log n), never O(line).
fn excerpt(text: &str, index: &LineIndex, span: Span) -> Excerpt {
    let start = floor_char_boundary(text, span.start);
    let line = index.line_of(start);
    let line_start = index.line_start(line);
    let line_end = if line + 1 < index.line_count() {
        index.line_start(line + 1)
    } else {
        text.len()
    };
    let line_end = line_start
        + text[line_start..line_end]
            .trim_end_matches(['\n', '\r'])
            .len();
    let shown_end = span
        .end
        .min(start + EXCERPT_SPAN_BYTES)
        .clamp(start, line_end.max(start));
    let from = floor_char_boundary(
        text,
        start.saturating_sub(EXCERPT_CONTEXT_BYTES).max(line_start),
    );
    let to = ceil_char_boundary(
        text,
        (shown_end + EXCERPT_CONTEXT_BYTES).min(line_end.max(start)),
    );
    let mut source = String::new();
    if from > line_start {
        source.push_str(ELLIPSIS);
    }
    let offset = source.len();
    source.push_str(&text[from..to]);
    if to < line_end {
        source.push_str(ELLIPSIS);
    }
    Excerpt {
        span: offset + start - from..offset + floor_char_boundary(text, shown_end) - from,
        source,
        line: line + 1,
        column: index.position(text, start).column,
    }
}

/// The smallest char boundary not before `offset`.
fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A finding whose lines are too long to show whole: one excerpt for the span and one for each
/// related location (a few, then a count), drawn like annotate-snippets draws whole lines.
/// (annotate-snippets derives the column from the text it is given, so it cannot show a cut
/// line with the right column; the lines drawn here are plain, without colour.)
fn render_excerpts(path: &str, text: &str, index: &LineIndex, d: &Diagnostic) -> String {
    use std::fmt::Write as _;
    let primary = excerpt(text, index, d.span);
    let related: Vec<(Excerpt, &str)> = d
        .related
        .iter()
        .take(MAX_RELATED_EXCERPTS)
        .map(|r| (excerpt(text, index, r.span), r.message.as_str()))
        .collect();
    let width = related
        .iter()
        .map(|(e, _)| e.line)
        .chain([primary.line])
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let pad = " ".repeat(width);
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
    let _ = writeln!(out, "{pad}--> {path}:{}:{}", primary.line, primary.column);
    let _ = writeln!(out, "{pad} |");
    draw_excerpt(&mut out, &primary, '^', "", width);
    for (excerpt, message) in &related {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad}::: {path}:{}:{}", excerpt.line, excerpt.column);
        let _ = writeln!(out, "{pad} |");
        draw_excerpt(&mut out, excerpt, '-', message, width);
    }
    let _ = writeln!(out, "{pad} |");
    let more = d.related.len().saturating_sub(MAX_RELATED_EXCERPTS);
    if more > 0 {
        let _ = writeln!(out, "{pad} = note: … and {more} more related locations");
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out.pop();
    out
}

/// One excerpt line and its underline. Tabs and control characters are shown as spaces so that
/// the underline stays under its text.
fn draw_excerpt(out: &mut String, excerpt: &Excerpt, mark: char, label: &str, width: usize) {
    use std::fmt::Write as _;
    let shown: String = excerpt
        .source
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let before = excerpt.source[..excerpt.span.start].chars().count();
    let marked = excerpt.source[excerpt.span.clone()].chars().count().max(1);
    let _ = writeln!(out, "{:>width$} | {shown}", excerpt.line);
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    let _ = writeln!(
        out,
        "{:width$} | {}{}{label}",
        "",
        " ".repeat(before),
        mark.to_string().repeat(marked)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_long_lines_and_keep_the_column() {
        let text = format!("{}Critics say{}\nnext", "é".repeat(5000), " x".repeat(5000));
        let index = LineIndex::new(&text);
        let at = text.find("Critics").unwrap();
        let d = Diagnostic::new("r", Severity::Warning, Span::new(at, at + 11), "m")
            .with_related(Span::new(0, 2), "first");
        let rendered = render_with(&Renderer::plain(), "a.md", &text, &index, &d);
        assert_eq!(
            rendered,
            format!(
                "warning[r]: m\n --> a.md:1:5001\n  |\n1 | …{}Critics say{}…\n  |  {}^^^^^^^^^^^\n  |\n ::: a.md:1:1\n  |\n1 | {}…\n  | - first\n  |",
                "é".repeat(30),
                " x".repeat(30),
                " ".repeat(30),
                // The span's own character and 60 bytes of context after it.
                "é".repeat(31),
            )
        );
    }
}
