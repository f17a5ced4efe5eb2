//! Reading draft files: decoding, format detection and the errors a single file can raise.
//!
//! A linter runs over whole content trees, so one unreadable file must never stop the run: every
//! problem here is a [`FileError`] for that file, reported and skipped by the caller.

use std::path::Path;

use thiserror::Error;

/// Files larger than this are refused rather than risking the machine's memory.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

const BOM: &str = "\u{feff}";

/// How a file's text is parsed into a [`crate::document::Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[value(alias = "md")]
    #[serde(alias = "md")]
    Markdown,
    #[value(alias = "htm")]
    Html,
    #[value(alias = "txt")]
    #[serde(alias = "txt", alias = "text")]
    Text,
}

impl Format {
    /// The format implied by a file name; anything unknown is plain text.
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" | "mdx" => Format::Markdown,
            "html" | "htm" | "xhtml" => Format::Html,
            _ => Format::Text,
        }
    }

    /// Extensions picked up when walking a folder.
    pub const WALKED_EXTENSIONS: &'static [&'static str] =
        &["md", "markdown", "txt", "html", "htm"];
}

/// Why a single file could not be linted.
#[derive(Debug, Error)]
pub enum FileError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("looks like a binary file (NUL byte at offset {offset}); skipped")]
    Binary { offset: usize },
    #[error("is not valid UTF-8 (invalid byte at line {line}, offset {offset}); skipped")]
    NotUtf8 { offset: usize, line: usize },
    #[error("is {size} bytes, over the {limit}-byte limit; skipped")]
    TooLarge { size: usize, limit: usize },
    #[error("internal error while linting (please report it): {0}")]
    Internal(String),
}

/// A decoded draft. `text` has its byte-order mark removed; `bom_len` says how many bytes it
/// had, so that byte offsets reported to machines still index the original file.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    pub bom_len: usize,
}

impl SourceText {
    pub fn read(path: &Path) -> Result<SourceText, FileError> {
        let bytes = std::fs::read(path)?;
        Self::decode(bytes)
    }

    /// Decodes raw bytes, refusing binary and non-UTF-8 content.
    pub fn decode(bytes: Vec<u8>) -> Result<SourceText, FileError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(FileError::TooLarge {
                size: bytes.len(),
                limit: MAX_FILE_BYTES,
            });
        }
        // Text never holds NUL; checking the head is how git and ripgrep spot binaries cheaply.
        let head = &bytes[..bytes.len().min(8192)];
        if let Some(offset) = head.iter().position(|&b| b == 0) {
            return Err(FileError::Binary { offset });
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let bytes = err.as_bytes();
                let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(FileError::NotUtf8 { offset, line });
            }
        };
        Ok(match text.strip_prefix(BOM) {
            Some(rest) => SourceText {
                text: rest.to_string(),
                bom_len: BOM.len(),
            },
            None => SourceText { text, bom_len: 0 },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_remembers_it() {
        let decoded = SourceText::decode(b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!(decoded.text, "hello");
        assert_eq!(decoded.bom_len, 3);
    }

    #[test]
    fn refuses_binary_and_invalid_utf8() {
        assert!(matches!(
            SourceText::decode(b"ab\0cd".to_vec()),
            Err(FileError::Binary { offset: 2 })
        ));
        assert!(matches!(
            SourceText::decode(b"ok\nbad \xff here".to_vec()),
            Err(FileError::NotUtf8 { offset: 7, line: 2 })
        ));
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.MD")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("x.htm")), Format::Html);
        assert_eq!(Format::from_path(Path::new("notes")), Format::Text);
    }
}
