//! Inline suppressions: `<!-- draftlint-disable rule -->` … `<!-- draftlint-enable -->`,
//! `<!-- draftlint-disable-next-line rule -->`, and in plain text a line
//! `draftlint-disable-next-line rule`.
//!
//! Vale's comments are honoured beside them, so a team's existing drafts keep working:
//! `<!-- vale off -->` … `<!-- vale on -->` silences the Vale rules (ids `Style.Rule`, never
//! draftlint's own), and `<!-- vale Style.Rule = NO -->` … `<!-- vale Style.Rule = YES -->`
//! one rule (or, naming a style, all of its rules). They may name rules that are not loaded.
//!
//! Suppressions live in the draft, next to the text they excuse, so a reviewer sees them. A
//! suppression naming an unknown rule is reported (a typo must not silently disable nothing),
//! and with `--report-unused-suppressions` so is one that suppresses nothing.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::source::Format;
use crate::span::{LineIndex, Span};

pub const INVALID_SUPPRESSION: &str = "invalid-suppression";
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

#[derive(Debug)]
struct Suppression {
    comment: Span,
    /// Rule ids; empty means every rule.
    rules: Vec<String>,
    /// The bytes it covers.
    covers: Span,
    used: bool,
    /// Written as a Vale comment.
    vale: bool,
}

enum Directive {
    Disable(Vec<String>),
    Enable(Vec<String>),
    DisableNextLine(Vec<String>),
    /// `vale off`, `vale Style.Rule = NO` (the rules; empty: every Vale rule).
    ValeOff(Vec<String>),
    /// `vale on`, `vale Style.Rule = YES` (the rules; empty: every Vale suppression ends).
    ValeOn(Vec<String>),
}

/// A Vale comment's directive: `off`, `on`, or `Style.Rule = NO|YES` switches (comma-separated).
fn parse_vale(body: &str) -> Option<Directive> {
    let rest = body.strip_prefix("vale")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    match rest.trim() {
        "off" => return Some(Directive::ValeOff(Vec::new())),
        "on" => return Some(Directive::ValeOn(Vec::new())),
        _ => {}
    }
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for switch in rest.split(',') {
        let (name, value) = switch.split_once('=')?;
        let name = name.trim().to_string();
        match value.trim().to_ascii_uppercase().as_str() {
            "NO" => off.push(name),
            "YES" => on.push(name),
            _ => return None,
        }
    }
    match (off.is_empty(), on.is_empty()) {
        (false, true) => Some(Directive::ValeOff(off)),
        (true, false) => Some(Directive::ValeOn(on)),
        _ => None,
    }
}

/// Whether a suppression's rule list covers a rule id.
fn names(suppression: &Suppression, id: &str) -> bool {
    if suppression.vale {
        // Vale comments reach Vale rules only: by id, by style, or all of them.
        let is_vale = id.contains('.');
        let style = id.split('.').next().unwrap_or(id);
        return is_vale
            && (suppression.rules.is_empty()
                || suppression.rules.iter().any(|r| r == id || r == style));
    }
    suppression.rules.is_empty() || suppression.rules.iter().any(|r| r == id)
}

fn parse(comment: &str) -> Option<Directive> {
    let body = comment
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim();
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let rules: Vec<String> = rest
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    match word {
        "vale" => parse_vale(body),
        "draftlint-disable" => Some(Directive::Disable(rules)),
        "draftlint-enable" => Some(Directive::Enable(rules)),
        "draftlint-disable-next-line" => Some(Directive::DisableNextLine(rules)),
        _ => None,
    }
}

/// Drops suppressed diagnostics and adds findings about the suppressions themselves.
pub fn apply(
    doc: &Document<'_>,
    diagnostics: Vec<Diagnostic>,
    known: &HashSet<String>,
    report_unused: bool,
) -> Vec<Diagnostic> {
    if doc.comments.is_empty() {
        return diagnostics;
    }
    let index = LineIndex::new(doc.source);
    let mut suppressions: Vec<Suppression> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut meta = Vec::new();
    for comment in &doc.comments {
        let Some(directive) = parse(&comment.text) else {
            continue;
        };
        let named: &[String] = match &directive {
            Directive::Disable(r) | Directive::Enable(r) | Directive::DisableNextLine(r) => r,
            Directive::ValeOff(_) | Directive::ValeOn(_) => &[],
        };
        // Each unknown name is pointed at where it is written: a finding spanning the whole
        // comment, once per name, would make the report grow with the square of an unclosed
        // comment's length.
        let mut cursor = 0;
        for rule in named {
            let at = comment.text[cursor..]
                .find(rule.as_str())
                .map(|i| cursor + i);
            if let Some(at) = at {
                cursor = at + rule.len();
            }
            if known.contains(rule) {
                continue;
            }
            let span = match at {
                Some(at) if comment.span.len() == comment.text.len() => Span::new(
                    comment.span.start + at,
                    comment.span.start + at + rule.len(),
                ),
                _ => comment.span,
            };
            meta.push(
                Diagnostic::new(
                    INVALID_SUPPRESSION,
                    Severity::Warning,
                    span,
                    format!("unknown rule `{rule}` in a suppression comment"),
                )
                .with_help(Some("check the id with `draftlint rules`".to_string())),
            );
        }
        let vale = matches!(directive, Directive::ValeOff(_));
        match directive {
            Directive::Disable(rules) | Directive::ValeOff(rules) => {
                open.push(suppressions.len());
                suppressions.push(Suppression {
                    comment: comment.span,
                    rules,
                    covers: Span::new(comment.span.end, doc.source.len()),
                    used: false,
                    vale,
                });
            }
            Directive::ValeOn(rules) => {
                // `vale on` ends every Vale suppression; `Style.Rule = YES` the ones naming it.
                open.retain(|&i| {
                    let s = &mut suppressions[i];
                    let closes =
                        s.vale && (rules.is_empty() || s.rules.iter().any(|r| rules.contains(r)));
                    if closes {
                        s.covers.end = comment.span.start;
                    }
                    !closes
                });
            }
            Directive::Enable(rules) => {
                // Close the disables this enable names (all of them when it names none).
                open.retain(|&i| {
                    let s = &mut suppressions[i];
                    let closes =
                        !s.vale && (rules.is_empty() || s.rules.iter().any(|r| rules.contains(r)));
                    if closes {
                        s.covers.end = comment.span.start;
                    }
                    !closes
                });
            }
            Directive::DisableNextLine(rules) => {
                let next = index.line_of(comment.span.end) + 1;
                if next < index.line_count() {
                    let start = index.line_start(next);
                    let end = if next + 1 < index.line_count() {
                        index.line_start(next + 1)
                    } else {
                        doc.source.len()
                    };
                    suppressions.push(Suppression {
                        comment: comment.span,
                        rules,
                        covers: Span::new(start, end),
                        used: false,
                        vale: false,
                    });
                }
            }
        }
    }
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| {
            let mut suppressed = false;
            for s in suppressions.iter_mut() {
                let covers = s.covers.start <= d.span.start
                    && d.span.start < s.covers.end.max(s.covers.start + 1);
                if covers && names(s, &d.rule) {
                    s.used = true;
                    suppressed = true;
                }
            }
            !suppressed
        })
        .collect();
    if report_unused {
        for s in suppressions.iter().filter(|s| !s.used) {
            meta.push(
                Diagnostic::new(
                    UNUSED_SUPPRESSION,
                    Severity::Warning,
                    s.comment,
                    "this suppression suppresses nothing",
                )
                .with_help(Some("remove the comment".to_string())),
            );
        }
    }
    kept.extend(meta);
    crate::diagnostic::sort_by_position(&mut kept);
    kept
}

/// The comment that suppresses `rule` on the line after it, in `format`'s syntax, with its
/// line break: what an editor's "disable for this line" action inserts above a finding.
pub fn next_line_comment(format: Format, rule: &str) -> String {
    wrap(format, &format!("draftlint-disable-next-line {rule}"))
}

/// The comment that suppresses `rule` from where it stands to the end of the file.
pub fn file_comment(format: Format, rule: &str) -> String {
    wrap(format, &format!("draftlint-disable {rule}"))
}

/// Where a whole-file suppression goes: the start of the file, after front matter, which a
/// comment must not split.
pub fn file_comment_offset(doc: &Document<'_>) -> usize {
    match doc.front_matter {
        Some(span) => {
            let rest = &doc.source[span.end..];
            span.end + rest.find('\n').map_or(rest.len(), |i| i + 1)
        }
        None => 0,
    }
}

fn wrap(format: Format, directive: &str) -> String {
    match format {
        Format::Markdown | Format::Html => format!("<!-- {directive} -->\n"),
        Format::Text => format!("{directive}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_text;
    use crate::rules::RuleSet;

    /// The comments an editor inserts must be ones this module honours, in every format.
    #[test]
    fn inserted_comments_suppress_in_every_format() {
        let rules = RuleSet::load(&[]).expect("built-in rules");
        for format in [Format::Markdown, Format::Html, Format::Text] {
            let draft = "It was the the best of times.\n";
            assert_eq!(lint_text(draft, format, &rules).len(), 1, "{format:?}");
            let line = format!("{}{draft}", next_line_comment(format, "repeated-word"));
            assert!(
                lint_text(&line, format, &rules).is_empty(),
                "{format:?}: {line}"
            );
            let file = format!("{}{draft}", file_comment(format, "repeated-word"));
            assert!(
                lint_text(&file, format, &rules).is_empty(),
                "{format:?}: {file}"
            );
        }
    }

    #[test]
    fn file_comment_goes_after_front_matter() {
        let text = "---\ntitle: A\n---\nBody the the text.\n";
        let doc = Document::parse(text, Format::Markdown);
        assert_eq!(file_comment_offset(&doc), "---\ntitle: A\n---\n".len());
        let doc = Document::parse("Body.\n", Format::Markdown);
        assert_eq!(file_comment_offset(&doc), 0);
    }

    /// Unknown names point at themselves: an unclosed comment full of words (a fuzzed page)
    /// made one finding per word spanning the whole comment, a report quadratic in its size.
    #[test]
    fn unknown_names_in_a_comment_are_located_one_by_one() {
        let rules = RuleSet::load(&[]).expect("built-in rules");
        let words: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let draft = format!("Text.\n\n<!-- draftlint-disable {}", words.join(" "));
        let found = lint_text(&draft, Format::Html, &rules);
        assert_eq!(found.len(), 200);
        for (d, word) in found.iter().zip(&words) {
            assert_eq!(&draft[d.span.range()], word.as_str());
        }
    }
}
