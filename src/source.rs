//! Reading draft files: decoding, format detection and the errors a single file can raise.
//!
//! A linter runs over whole content trees, so one unreadable file must never stop the run: every
//! problem here is a [`FileError`] for that file, reported and skipped by the caller.
//!
//! The size limit is enforced while reading (never more than `limit + 1` bytes are read, from a
//! file or from standard input), so a 2 GiB file or an endless pipe costs nothing. Text is
//! UTF-8 unless it says otherwise: a UTF-16 byte-order mark, an HTML `<meta charset>`, or the
//! user's `--encoding` turn other encodings into UTF-8 (with encoding_rs, the WHATWG decoder
//! browsers use) before any rule sees them.

use std::io::Read;
use std::path::Path;

use encoding_rs::Encoding;
use thiserror::Error;

/// Default for `--max-file-size`: larger files are refused rather than risking the machine's
/// memory (linting needs several times the file's size). A long article is well under 1 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

const BOM: &str = "\u{feff}";

/// Most Markdown markup characters a file may hold.
///
/// pulldown-cmark (0.13.6) keeps a tree node for every `[`, `]`, `<`, `&` and `\` of a
/// paragraph until the paragraph ends, so that it can resolve links and entities: 10 MB of `[`
/// took 670 MB inside the parser and 1 GB in all. That is how CommonMark parsing works rather than
/// a bug, so the input is bounded here: a real article has a few thousand such characters; a
/// file with more than a million is refused before it reaches the parser (at most ~100 MB).
pub const MAX_MARKDOWN_MARKUP: usize = 1_000_000;

/// How to read files: the size limit and the encoding of files that are not UTF-8.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Files (and standard input) longer than this many bytes are refused.
    pub max_bytes: usize,
    /// Decode files that have no byte-order mark and are not valid UTF-8 with this encoding
    /// (`--encoding`).
    pub encoding: Option<&'static Encoding>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: MAX_FILE_BYTES,
            encoding: None,
        }
    }
}

/// Reads at most `limit` bytes, failing with [`FileError::TooLarge`] if there are more.
pub fn read_limited(reader: impl Read, limit: usize) -> Result<Vec<u8>, FileError> {
    read_limited_into(reader, limit, Vec::new())
}

/// [`read_limited`] into `bytes` (a file's size as its capacity spares the growing and the
/// extra reads of a buffer that starts empty).
fn read_limited_into(
    reader: impl Read,
    limit: usize,
    mut bytes: Vec<u8>,
) -> Result<Vec<u8>, FileError> {
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(FileError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// Parses a size such as `16M`, `512k`, `2MiB` or `1000000` into bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try 16M, 512K or 1000000)"))?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use K, M or G)")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `--encoding LABEL`: any WHATWG encoding label (`latin1`, `windows-1252`, `shift_jis`, …).
pub fn parse_encoding(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!("unknown encoding `{label}` (use a WHATWG label such as windows-1252, latin1, iso-8859-15, shift_jis)")
    })
}

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
    #[error(
        "is not valid UTF-8 (invalid byte at line {line}, offset {offset}); skipped (if it is in a legacy encoding, name it with `--encoding`, e.g. `--encoding windows-1252`)"
    )]
    NotUtf8 { offset: usize, line: usize },
    #[error(
        "is not valid {encoding} (malformed bytes); skipped (check its `--encoding` or charset)"
    )]
    Malformed { encoding: &'static str },
    #[error(
        "has {count} Markdown markup characters ([ ] < & \\), over the {limit} draftlint parses (the Markdown parser needs about 64 bytes of memory for each); skipped (if it is not Markdown, lint it with `--input-format text`)"
    )]
    TooMuchMarkup { count: usize, limit: usize },
    #[error("{}", too_large(*size, *limit))]
    TooLarge { size: Option<u64>, limit: usize },
    #[error("internal error while linting (please report it): {0}")]
    Internal(String),
}

fn too_large(size: Option<u64>, limit: usize) -> String {
    let size = size.map_or_else(String::new, |size| format!("{} ", in_units(size)));
    format!(
        "is {size}over the {} limit; skipped (raise it with `--max-file-size`, e.g. `--max-file-size 64M`)",
        in_units(limit as u64)
    )
}

/// A byte count for people: `16 MiB`, `2.0 GiB`, `300 bytes`.
fn in_units(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes % size == 0 {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

/// A decoded draft. `text` has its byte-order mark removed; `bom_len` says how many bytes it
/// had, so that byte offsets reported to machines still index the original file.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    pub bom_len: usize,
    /// The encoding the file was transcoded from, `None` for UTF-8. Byte offsets of a
    /// transcoded file index `text` (UTF-8), not the file; `--fix` leaves such files alone.
    pub transcoded_from: Option<&'static Encoding>,
}

impl SourceText {
    pub fn read(path: &Path) -> Result<SourceText, FileError> {
        Self::read_with(path, Format::from_path(path), &ReadOptions::default())
    }

    /// Reads a file, refusing it before reading if it is over the limit and never reading more
    /// than the limit if it grows meanwhile.
    pub fn read_with(
        path: &Path,
        format: Format,
        options: &ReadOptions,
    ) -> Result<SourceText, FileError> {
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        if size > options.max_bytes as u64 {
            return Err(FileError::TooLarge {
                size: Some(size),
                limit: options.max_bytes,
            });
        }
        // The size read above (the file may still grow or shrink: the limit holds either way).
        let buffer = Vec::with_capacity(size as usize + 1);
        let bytes = read_limited_into(file, options.max_bytes, buffer)?;
        Self::decode_with(bytes, format, options)
    }

    /// Decodes raw bytes, refusing binary and non-UTF-8 content.
    pub fn decode(bytes: Vec<u8>) -> Result<SourceText, FileError> {
        Self::decode_with(bytes, Format::Text, &ReadOptions::default())
    }

    /// Decodes raw bytes: a UTF-16 byte-order mark chooses UTF-16; bytes that are valid UTF-8
    /// are UTF-8; otherwise `--encoding`, then an HTML file's `<meta charset>`, name the
    /// encoding, and without either the file is refused.
    pub fn decode_with(
        bytes: Vec<u8>,
        format: Format,
        options: &ReadOptions,
    ) -> Result<SourceText, FileError> {
        if bytes.len() > options.max_bytes {
            return Err(FileError::TooLarge {
                size: Some(bytes.len() as u64),
                limit: options.max_bytes,
            });
        }
        if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes)
            && encoding != encoding_rs::UTF_8
        {
            return transcode(&bytes[bom_len..], encoding, format);
        }
        // Text never holds NUL; checking the head is how git and ripgrep spot binaries cheaply.
        let head = &bytes[..bytes.len().min(8192)];
        if let Some(offset) = memchr::memchr(0, head) {
            return Err(FileError::Binary { offset });
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                // Valid UTF-8 is read as UTF-8 whatever a label says (a page mislabelled
                // `iso-8859-1` is common; Latin-1 text that happens to be valid UTF-8 is not).
                let declared = options
                    .encoding
                    .or_else(|| {
                        (format == Format::Html)
                            .then(|| meta_charset(err.as_bytes()))
                            .flatten()
                    })
                    .filter(|&e| e != encoding_rs::UTF_8);
                if let Some(encoding) = declared {
                    return transcode(err.as_bytes(), encoding, format);
                }
                let offset = err.utf8_error().valid_up_to();
                let bytes = err.as_bytes();
                let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(FileError::NotUtf8 { offset, line });
            }
        };
        if format == Format::Markdown {
            check_markup(text.as_bytes())?;
        }
        Ok(match text.strip_prefix(BOM) {
            Some(rest) => SourceText {
                text: rest.to_string(),
                bom_len: BOM.len(),
                transcoded_from: None,
            },
            None => SourceText {
                text,
                bom_len: 0,
                transcoded_from: None,
            },
        })
    }
}

/// Refuses Markdown with more markup than the parser can hold cheaply ([`MAX_MARKDOWN_MARKUP`]).
fn check_markup(bytes: &[u8]) -> Result<(), FileError> {
    // Vectorized byte searches: this runs over every Markdown file's every byte.
    let count = memchr::memchr3_iter(b'[', b']', b'<', bytes).count()
        + memchr::memchr2_iter(b'&', b'\\', bytes).count();
    if count > MAX_MARKDOWN_MARKUP {
        return Err(FileError::TooMuchMarkup {
            count,
            limit: MAX_MARKDOWN_MARKUP,
        });
    }
    Ok(())
}

/// Decodes `bytes` (without their byte-order mark) from `encoding`, refusing malformed input
/// rather than linting replacement characters.
fn transcode(
    bytes: &[u8],
    encoding: &'static Encoding,
    format: Format,
) -> Result<SourceText, FileError> {
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(FileError::Malformed {
            encoding: encoding.name(),
        })?;
    if format == Format::Markdown {
        check_markup(text.as_bytes())?;
    }
    Ok(SourceText {
        text: text.into_owned(),
        bom_len: 0,
        transcoded_from: Some(encoding),
    })
}

/// The encoding an HTML file declares in `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` within its first 1024 bytes (where
/// the HTML standard's prescan looks). A declared UTF-16 means UTF-8, as in browsers: the bytes
/// of a file without a UTF-16 byte-order mark cannot be UTF-16.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        rest = &rest[at + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let Some(at) = tag.find("charset") else {
            continue;
        };
        let value = tag[at + "charset".len()..]
            .trim_start()
            .strip_prefix('=')?
            .trim_start()
            .trim_start_matches(['"', '\'']);
        let end = value
            .find(|c: char| c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace())
            .unwrap_or(value.len());
        let encoding = Encoding::for_label(&value.as_bytes()[..end])?;
        return Some(
            if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else {
                encoding
            },
        );
    }
    None
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
    fn utf16_with_a_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Café 🌍".encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = SourceText::decode(le).unwrap();
        assert_eq!(decoded.text, "Café 🌍");
        assert_eq!(decoded.transcoded_from, Some(encoding_rs::UTF_16LE));
        let mut be = vec![0xFE, 0xFF];
        be.extend("naïve".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(SourceText::decode(be).unwrap().text, "naïve");
    }

    #[test]
    fn html_meta_charset_and_encoding_option_are_honoured() {
        let page = b"<html><head><meta charset=\"ISO-8859-1\"></head><p>Caf\xe9</p>".to_vec();
        let decoded = SourceText::decode_with(page.clone(), Format::Html, &ReadOptions::default());
        assert!(decoded.unwrap().text.contains("Café"));
        let http_equiv =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><p>\x93q\x94</p>";
        let decoded =
            SourceText::decode_with(http_equiv.to_vec(), Format::Html, &ReadOptions::default());
        assert!(decoded.unwrap().text.contains("\u{201c}q\u{201d}"));
        // Plain text has no charset declaration: it needs --encoding.
        let latin1 = b"Caf\xe9 ouvert".to_vec();
        assert!(matches!(
            SourceText::decode_with(latin1.clone(), Format::Text, &ReadOptions::default()),
            Err(FileError::NotUtf8 { offset: 3, line: 1 })
        ));
        let options = ReadOptions {
            encoding: Some(parse_encoding("latin1").unwrap()),
            ..ReadOptions::default()
        };
        let decoded = SourceText::decode_with(latin1, Format::Text, &options).unwrap();
        assert_eq!(decoded.text, "Café ouvert");
        assert_eq!(decoded.transcoded_from, Some(encoding_rs::WINDOWS_1252));
        // Valid UTF-8 stays UTF-8 whatever the label says.
        let utf8 = "Café ouvert".as_bytes().to_vec();
        let decoded = SourceText::decode_with(utf8, Format::Text, &options).unwrap();
        assert_eq!(decoded.text, "Café ouvert");
        assert_eq!(decoded.transcoded_from, None);
    }

    #[test]
    fn size_limit_is_enforced_while_reading() {
        let endless = std::io::repeat(b'y');
        assert!(matches!(
            read_limited(endless, 1000),
            Err(FileError::TooLarge {
                size: None,
                limit: 1000
            })
        ));
        assert_eq!(read_limited(&b"12345"[..], 5).unwrap(), b"12345");
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("512kib"), Ok(512 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn markdown_with_a_flood_of_brackets_is_refused_before_parsing() {
        let flood = "[".repeat(MAX_MARKDOWN_MARKUP + 1).into_bytes();
        assert!(matches!(
            SourceText::decode_with(flood.clone(), Format::Markdown, &ReadOptions::default()),
            Err(FileError::TooMuchMarkup { count, .. }) if count == MAX_MARKDOWN_MARKUP + 1
        ));
        // As plain text the same bytes are fine.
        assert!(SourceText::decode_with(flood, Format::Text, &ReadOptions::default()).is_ok());
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.MD")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("x.htm")), Format::Html);
        assert_eq!(Format::from_path(Path::new("notes")), Format::Text);
    }
}
