//! Plain text into the document model, inferring the structure a writer meant.
//!
//! Drafts pasted from editors and generators arrive as bare lines: headings are short lines
//! without final punctuation, list items start with a bullet or a number, and a paragraph may be
//! one long line or several hard-wrapped ones. The heuristics here are deliberately
//! conservative: when a line could be either, it stays a paragraph.

use super::{BlockBuilder, BlockKind, Comment, Document, ListRef};
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// A list item; `marker` is the byte length of the bullet or number and the space after it.
    Item {
        marker: usize,
        ordered: bool,
    },
    Text,
}

struct Line<'a> {
    /// The line without its line break.
    text: &'a str,
    start: usize,
    kind: LineKind,
    indent: usize,
}

pub(super) fn parse(doc: &mut Document<'_>) {
    let lines = split_lines(doc.source);
    let mut current: Option<BlockBuilder> = None;
    // The open list and the number of items it has, while items keep coming.
    let mut list: Option<(usize, usize, bool)> = None;
    let mut list_count = 0;

    for (i, line) in lines.iter().enumerate() {
        let content = line.text.trim();
        let content_start = line.start + (line.text.len() - line.text.trim_start().len());
        let content_span = Span::new(content_start, content_start + content.len());
        if content.starts_with("draftlint-") {
            flush(doc, &mut current);
            doc.comments.push(Comment {
                span: content_span,
                text: content.to_string(),
            });
            continue;
        }
        match line.kind {
            LineKind::Blank => {
                flush(doc, &mut current);
            }
            LineKind::Item { marker, ordered } => {
                flush(doc, &mut current);
                let (id, index) = match list {
                    Some((id, count, was_ordered)) if was_ordered == ordered => (id, count),
                    _ => {
                        list_count += 1;
                        (list_count - 1, 0)
                    }
                };
                list = Some((id, index + 1, ordered));
                let mut builder =
                    BlockBuilder::new(BlockKind::ListItem, content_span, doc.links.len());
                builder.list = Some(ListRef {
                    list: id,
                    index,
                    ordered,
                });
                let body = content[marker..].trim_start();
                let body_start = content_span.end - body.len();
                builder.push(body, Span::new(body_start, content_span.end));
                current = Some(builder);
            }
            LineKind::Text => {
                let continues = match current.as_ref() {
                    // An indented line under a list item continues the item.
                    Some(b) if b.kind == BlockKind::ListItem => line.indent > 0,
                    Some(b) if b.kind == BlockKind::Paragraph => {
                        !ends_sentence(b.text()) || starts_lowercase(content)
                    }
                    _ => false,
                };
                if continues {
                    let builder = current.as_mut().expect("checked above");
                    builder.push_break(Span::new(line.start, content_start));
                    builder.push(content, content_span);
                    builder.span.end = content_span.end;
                } else {
                    flush(doc, &mut current);
                    list = None;
                    let next = lines.get(i + 1);
                    let kind = if is_heading(content, next) {
                        BlockKind::Heading(2)
                    } else {
                        BlockKind::Paragraph
                    };
                    let mut builder = BlockBuilder::new(kind, content_span, doc.links.len());
                    builder.push(content, content_span);
                    current = Some(builder);
                    if kind.is_heading() {
                        flush(doc, &mut current);
                    }
                }
            }
        }
    }
    flush(doc, &mut current);
}

fn flush(doc: &mut Document<'_>, current: &mut Option<BlockBuilder>) {
    if let Some(builder) = current.take() {
        doc.blocks.push(builder.finish(doc.links.len()));
    }
}

fn split_lines(source: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for raw in source.split_inclusive('\n') {
        let text = raw.trim_end_matches(['\n', '\r']);
        let trimmed = text.trim_start();
        let indent = text.len() - trimmed.len();
        let kind = if trimmed.is_empty() {
            LineKind::Blank
        } else if let Some(marker) = list_marker(trimmed.trim_end()) {
            marker
        } else {
            LineKind::Text
        };
        lines.push(Line {
            text,
            start,
            kind,
            indent,
        });
        start += raw.len();
    }
    lines
}

/// `- `, `* `, `• `, `– ` bullets and `1.` / `1)` numbers followed by a space.
/// `line` is trimmed at both ends, so an item always has text after its marker.
fn list_marker(line: &str) -> Option<LineKind> {
    for bullet in ["- ", "* ", "• ", "– ", "+ "] {
        if line.starts_with(bullet) && line.len() > bullet.len() {
            return Some(LineKind::Item {
                marker: bullet.len(),
                ordered: false,
            });
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ")) && rest.len() > 2 {
            return Some(LineKind::Item {
                marker: digits + 2,
                ordered: true,
            });
        }
    }
    None
}

fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_', ' ']);
    trimmed.ends_with(['.', '!', '?', ':', ';', '…'])
}

fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// A short line without final punctuation, starting with a capital, and not followed by a
/// line that continues it. A question counts only in title case ("Why Are Soldiers Leaving?"),
/// because a plain question is usually prose or an FAQ question.
fn is_heading(content: &str, next: Option<&Line<'_>>) -> bool {
    let words: Vec<&str> = content.split_whitespace().collect();
    if words.is_empty() || words.len() > 12 || content.chars().count() > 80 {
        return false;
    }
    if !content
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric())
    {
        return false;
    }
    if let Some(next) = next
        && next.kind == LineKind::Text
        && (starts_lowercase(next.text.trim_start()) || content.len() > 60)
    {
        return false;
    }
    let last = content.chars().last().expect("non-empty");
    if last == '?' {
        return is_title_case(&words);
    }
    !matches!(
        last,
        '.' | ',' | ';' | ':' | '!' | '…' | '"' | '”' | ')' | '-' | '–'
    )
}

fn is_title_case(words: &[&str]) -> bool {
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() >= 4).collect();
    !long.is_empty()
        && long
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count()
            * 3
            >= long.len() * 2
}
