//! Code actions and hover on findings.
//!
//! Every action is about one finding the request's range touches: its fix (preferred), and
//! suppressing its rule for the line or the file with the comment `crate::suppress` honours.
//! A selection gets the actions of the findings inside it and nothing else: no bulk edit.

use std::collections::{BTreeMap, HashMap};

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, Hover, HoverContents,
    MarkupContent, MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit,
    TextEdit, WorkspaceEdit,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{BlockKind, Document};
use crate::engine::Engine;
use crate::source::Format;
use crate::span::{ColumnUnit, Span};
use crate::suppress::{self, INVALID_SUPPRESSION, UNUSED_SUPPRESSION};

use super::convert;
use super::document::OpenDocument;

/// What the client can take.
#[derive(Clone, Copy, Debug)]
pub struct Edits {
    pub unit: ColumnUnit,
    /// Versioned edits (`documentChanges`), which a client refuses on a changed document.
    pub versioned: bool,
    pub fail_on: Severity,
}

/// Whether a finding lies in (or touches) the requested span; an empty request is a cursor.
fn touches(finding: Span, request: Span) -> bool {
    finding.start <= request.end && request.start <= finding.end
}

pub fn code_actions(
    doc: &OpenDocument,
    format: Format,
    findings: &[Diagnostic],
    request: Span,
    edits: Edits,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    let mut line_done = Vec::new();
    let mut file_done = Vec::new();
    let parsed = Document::parse(doc.text(), format);
    for finding in findings.iter().filter(|d| touches(d.span, request)) {
        let shown = convert::diagnostic(doc, finding, edits.unit, edits.fail_on);
        let mut action = |title: String, edit: TextEdit, preferred: bool| {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(workspace_edit(doc, edit, edits.versioned)),
                command: None,
                is_preferred: preferred.then_some(true),
                disabled: None,
                data: None,
            }))
        };
        if let Some(fix) = &finding.fix {
            let title = if fix.replacement.is_empty() {
                format!("Remove \"{}\"", &doc.text()[fix.span.range()])
            } else {
                format!("Replace with \"{}\"", fix.replacement)
            };
            let edit = TextEdit::new(doc.range(fix.span, edits.unit), fix.replacement.clone());
            action(title, edit, true);
        }
        // Findings about suppression comments are fixed by editing the comment itself.
        if *finding.rule == *INVALID_SUPPRESSION || *finding.rule == *UNUSED_SUPPRESSION {
            continue;
        }
        let rule = &finding.rule;
        let line = doc.line_index().line_of(finding.span.start);
        if !line_done.contains(&(rule, line)) {
            line_done.push((rule, line));
            let (at, text) = line_suppression(doc, &parsed, format, rule, line);
            let edit = TextEdit::new(doc.range(Span::new(at, at), edits.unit), text);
            action(format!("Disable {rule} for this line"), edit, false);
        }
        if !file_done.contains(&rule) {
            file_done.push(rule);
            let at = suppress::file_comment_offset(&parsed);
            let edit = TextEdit::new(
                doc.range(Span::new(at, at), edits.unit),
                suppress::file_comment(format, rule),
            );
            action(format!("Disable {rule} for this file"), edit, false);
        }
    }
    actions
}

/// Where a "disable for this line" comment goes and what it says. A comment line above the
/// finding's line, indented like it; but in Markdown, after a line of a paragraph, list item
/// or quote, a comment line would split that paragraph or list in two when rendered, so the
/// comment goes at the end of that previous line instead (before a hard break's trailing
/// spaces or backslash): it renders as nothing and suppresses the same next line.
fn line_suppression(
    doc: &OpenDocument,
    parsed: &Document<'_>,
    format: Format,
    rule: &str,
    line: usize,
) -> (usize, String) {
    let text = doc.text();
    let index = doc.line_index();
    let start = index.line_start(line);
    let comment = suppress::next_line_comment(format, rule);
    if format == Format::Markdown && line > 0 {
        let previous = &text[index.line_start(line - 1)..start];
        let content = previous.trim_end_matches(['\n', '\r']);
        let kept = content.trim_end_matches([' ', '\t', '\\']);
        let end = index.line_start(line - 1) + kept.len();
        let after_prose = !kept.trim().is_empty()
            && parsed.blocks.iter().any(|b| {
                matches!(
                    b.kind,
                    BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
                ) && b.span.start < end
                    && end <= b.span.end
            });
        if after_prose {
            return (end, format!(" {}", comment.trim_end()));
        }
    }
    let line_text = &text[start..];
    let indent = &line_text[..line_text.len() - line_text.trim_start_matches([' ', '\t']).len()];
    (start, format!("{indent}{comment}"))
}

fn workspace_edit(doc: &OpenDocument, edit: TextEdit, versioned: bool) -> WorkspaceEdit {
    if versioned {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: doc.uri.clone(),
                    version: Some(doc.version),
                },
                edits: vec![OneOf::Left(edit)],
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }
    }
}

/// The findings under `offset`, each with its rule's `draftlint explain` text.
pub fn hover(
    doc: &OpenDocument,
    engine: &Engine,
    findings: &[Diagnostic],
    offset: usize,
    unit: ColumnUnit,
    markdown: bool,
) -> Option<Hover> {
    let under: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.span.start <= offset && offset <= d.span.end)
        .collect();
    let first = under.first()?;
    let mut by_rule: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &under {
        by_rule.entry(&*d.rule).or_default().push(d);
    }
    let mut out = Vec::new();
    for (rule, found) in by_rule {
        let mut part = String::new();
        for d in found {
            part.push_str(&format!("**{rule}**: {}\n\n", d.message));
        }
        match engine.explain(rule) {
            Some(explain) => part.push_str(&explain),
            None => {
                if let Some(help) = &first.help {
                    part.push_str(&format!("Fix: {help}\n"));
                }
            }
        }
        out.push(part);
    }
    let span = under.iter().map(|d| d.span).reduce(Span::cover)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value: out.join("\n---\n\n"),
        }),
        range: Some(doc.range(span, unit)),
    })
}
