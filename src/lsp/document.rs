//! An open document as the editor holds it: text, version, format, and the findings of the
//! last lint, with LSP positions converted against the text exactly.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use crate::diagnostic::Diagnostic;
use crate::engine::{Engine, is_draft};
use crate::lint;
use crate::source::{FileError, Format, SourceText};
use crate::span::{self, ColumnUnit, LineIndex, Span};

/// A document the client opened.
#[derive(Debug)]
pub struct OpenDocument {
    pub uri: Url,
    /// The file behind it, for config discovery and per-path overrides; `None` when unsaved.
    pub path: Option<PathBuf>,
    pub version: i32,
    /// How to parse it; `None` for a file that is not a draft (a TOML config, source code).
    pub format: Option<Format>,
    text: String,
    index: LineIndex,
    /// The findings of the last lint and the version they belong to.
    pub findings: Option<(i32, Vec<Diagnostic>)>,
}

impl OpenDocument {
    pub fn new(uri: Url, language_id: &str, version: i32, text: String) -> Self {
        let path = uri.to_file_path().ok();
        let format = format_for(language_id, Path::new(uri.path()));
        OpenDocument {
            uri,
            path,
            version,
            format,
            index: LineIndex::new(&text),
            text,
            findings: None,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Applies `didChange` edits in order: a range replaces exactly that range of the text as
    /// it stands after the previous edit; no range replaces everything.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        unit: ColumnUnit,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.offset(range.start, unit);
                    let end = self.offset(range.end, unit).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, position: Position, unit: ColumnUnit) -> usize {
        span::offset_of(
            &self.index,
            &self.text,
            position.line as usize,
            position.character as usize,
            unit,
        )
    }

    pub fn position(&self, offset: usize, unit: ColumnUnit) -> Position {
        let (line, column) = span::line_column(&self.index, &self.text, offset, unit);
        Position::new(saturate(line), saturate(column))
    }

    pub fn range(&self, span: Span, unit: ColumnUnit) -> Range {
        Range::new(
            self.position(span.start, unit),
            self.position(span.end, unit),
        )
    }

    pub fn span(&self, range: Range, unit: ColumnUnit) -> Span {
        let start = self.offset(range.start, unit);
        Span::new(start, self.offset(range.end, unit).max(start))
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    /// The findings of the current version, if it was linted.
    pub fn current_findings(&self) -> Option<&[Diagnostic]> {
        match &self.findings {
            Some((version, findings)) if *version == self.version => Some(findings),
            _ => None,
        }
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The format of a document: by the client's language id, else by the file's extension
/// (Neovim and Helix say `text`, some clients send ids they made up), else not a draft.
pub fn format_for(language_id: &str, path: &Path) -> Option<Format> {
    match language_id {
        "markdown" | "mdx" => Some(Format::Markdown),
        "plaintext" | "text" => Some(Format::Text),
        "html" => Some(Format::Html),
        _ if is_draft(path) => Some(Format::from_path(path)),
        _ => None,
    }
}

/// Lints an editor's text exactly as `draftlint check` lints the file: a byte-order mark is
/// set aside (spans come back shifted onto the editor's text), NUL bytes refuse it, and a
/// panic in a rule is an error for this text instead of the server's end.
pub fn lint(
    engine: &Engine,
    text: &str,
    format: Format,
    path: Option<&Path>,
) -> Result<Vec<Diagnostic>, FileError> {
    let source = SourceText::decode(text.as_bytes().to_vec())?;
    let bom_len = source.bom_len;
    let linted = lint::lint_source(source, format, path, &engine.settings())?;
    let mut findings = linted.diagnostics;
    if bom_len > 0 {
        let shift = |span: &mut Span| *span = Span::new(span.start + bom_len, span.end + bom_len);
        for d in &mut findings {
            shift(&mut d.span);
            d.related.iter_mut().for_each(|r| shift(&mut r.span));
            if let Some(fix) = &mut d.fix {
                shift(&mut fix.span);
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l0, c0), (l1, c1))| {
                Range::new(Position::new(l0, c0), Position::new(l1, c1))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edits_apply_in_order_in_each_unit() {
        let uri = Url::parse("file:///tmp/a.md").unwrap();
        let mut doc = OpenDocument::new(uri.clone(), "markdown", 1, "🌍 the the\r\nnext\n".into());
        // UTF-16: the emoji is two units; delete the second "the " (units 7..11).
        doc.apply_changes(
            2,
            vec![change(Some(((0, 7), (0, 11))), "")],
            ColumnUnit::Utf16,
        );
        assert_eq!(doc.text(), "🌍 the \r\nnext\n");
        // Two edits in one notification: the second sees the first's result.
        doc.apply_changes(
            3,
            vec![
                change(Some(((1, 0), (1, 4))), "NEXT"),
                change(Some(((1, 4), (1, 4))), "!"),
            ],
            ColumnUnit::Utf16,
        );
        assert_eq!(doc.text(), "🌍 the \r\nNEXT!\n");
        let mut doc = OpenDocument::new(uri, "markdown", 1, "北京 x".into());
        // UTF-8: 北京 is six bytes.
        doc.apply_changes(
            2,
            vec![change(Some(((0, 7), (0, 8))), "y")],
            ColumnUnit::Utf8,
        );
        assert_eq!(doc.text(), "北京 y");
        doc.apply_changes(3, vec![change(None, "all new")], ColumnUnit::Utf8);
        assert_eq!((doc.text(), doc.version), ("all new", 3));
    }

    #[test]
    fn format_by_language_then_extension() {
        let p = Path::new;
        assert_eq!(
            format_for("markdown", p("/a/notes")),
            Some(Format::Markdown)
        );
        assert_eq!(format_for("text", p("/a/x.md")), Some(Format::Text));
        assert_eq!(format_for("", p("/a/x.htm")), Some(Format::Html));
        assert_eq!(format_for("toml", p("/a/draftlint.toml")), None);
    }
}
