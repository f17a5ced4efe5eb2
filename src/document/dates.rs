//! The date a document speaks from, and where it was found.
//!
//! "As of October 2024" is stale only relative to when the piece is read or published, so time
//! anchors need a reference date. A document states its own in front matter (`date:`,
//! `published:`, `lastmod:`), in HTML (`<time datetime>`, an `article:published_time` meta
//! tag) or in a dateline at its top ("WASHINGTON, Oct. 4, 2024 —"). A run can supply one for
//! documents that state none (`--as-of`, the config's `as-of`, or today's date); the lint layer
//! puts that in [`Document::date`](super::Document) so rules never read the clock themselves.

use std::fmt;
use std::sync::LazyLock;

use crate::pattern::Regex;
use jiff::civil::Date;

use super::Document;
use crate::source::Format;
use crate::span::Span;

/// Where a document's date came from; shown in the help of findings that depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateSource {
    /// A front-matter key: `date`, `published` or `lastmod`.
    FrontMatter(&'static str),
    /// An HTML `<time datetime="…">` element.
    HtmlTime,
    /// An HTML `<meta property="article:published_time">` tag.
    HtmlMeta,
    /// A dateline or "Published:" line at the top of the text.
    Dateline,
    /// The file name, as blog generators name posts (`2024-10-04-title.md`).
    FileName,
    /// `--as-of DATE` on the command line.
    AsOfFlag,
    /// `as-of` in draftlint.toml.
    Config,
    /// The day of the run: the document states no date and none was given.
    Today,
}

impl DateSource {
    /// Whether the document itself states this date (or the run stated it for the document):
    /// relative anchors ("last month") are then anchored. Today's date anchors nothing a
    /// reader can see.
    pub fn anchors_relative_time(self) -> bool {
        self != DateSource::Today
    }
}

impl fmt::Display for DateSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateSource::FrontMatter(key) => write!(f, "front matter `{key}`"),
            DateSource::HtmlTime => f.write_str("the `<time datetime>` element"),
            DateSource::HtmlMeta => f.write_str("the `article:published_time` meta tag"),
            DateSource::Dateline => f.write_str("the dateline"),
            DateSource::FileName => f.write_str("the file name"),
            DateSource::AsOfFlag => f.write_str("--as-of"),
            DateSource::Config => f.write_str("`as-of` in draftlint.toml"),
            DateSource::Today => f.write_str("today's date: the document states none"),
        }
    }
}

/// A document's reference date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocDate {
    pub date: Date,
    pub source: DateSource,
    /// Where the document states it, when it does.
    pub span: Option<Span>,
}

impl DocDate {
    /// A date given by the run rather than found in the document.
    pub fn given(date: Date, source: DateSource) -> DocDate {
        DocDate {
            date,
            source,
            span: None,
        }
    }
}

/// Front-matter keys in order of preference: the publication date is what anchors the text;
/// `lastmod` only when there is nothing else.
/// A permalink with the date in it (`path = "2021/08/03/title"`) dates the post too.
const FRONT_MATTER_KEYS: &[&str] = &[
    "date",
    "published",
    "publishdate",
    "lastmod",
    "path",
    "permalink",
    "url",
];

/// English month names and their abbreviations, for datelines.
const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// The month number of an English month name or abbreviation (any case, optional period).
pub fn month_number(name: &str) -> Option<i8> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    MONTHS.iter().find(|(n, _)| *n == name).map(|&(_, m)| m)
}

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(r"(\d{4})[-/](\d{2})[-/](\d{2})").expect("built-in pattern")
});

static FRONT_MATTER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r#"(?im)^[ \t]*(date|published|publishdate|lastmod)[ \t]*[:=][ \t]*["']?(\d{4}-\d{2}-\d{2})|^[ \t]*(path|permalink|url)[ \t]*[:=][ \t]*["']?/?(?:[\w-]+/)*?(\d{4}/\d{2}/\d{2})/"#,
    )
    .expect("built-in pattern")
});

static HTML_TIME: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(r#"(?i)<time\b[^>]*?\bdatetime\s*=\s*["']?(\d{4}-\d{2}-\d{2})"#)
        .expect("built-in pattern")
});

static HTML_META: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r#"(?i)<meta\b[^>]*?\bproperty\s*=\s*["']article:published_time["'][^>]*?\bcontent\s*=\s*["']?(\d{4}-\d{2}-\d{2})|<meta\b[^>]*?\bcontent\s*=\s*["']?(\d{4}-\d{2}-\d{2})[^>]*?\bproperty\s*=\s*["']article:published_time["']"#,
    )
    .expect("built-in pattern")
});

/// A dateline: an optional place in capitals, or a "Published:" label, then a date, then a
/// dash, a parenthesis or the end of the line ("WASHINGTON, Oct. 4, 2024 —",
/// "Published: 4 October 2024", "2024-10-04").
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    crate::pattern::builtin(&format!(
        r"(?i)^(?:(?-i:\p{{Lu}}[\p{{Lu}} .'-]+),\s+|(?:published|posted|updated|date|dated)\s*:?\s+(?:on\s+)?)?(?:\p{{L}}+day,?\s+)?(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<m1>{month})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{month}),?\s+(?P<y2>\d{{4}}))\s*(?:$|[—–-]|\()"
    ))
    .expect("built-in pattern")
});

/// Creates this module's patterns (built on their first search), so that
/// `tests/builtin_patterns.rs` can build every one of them.
pub(super) fn create_patterns() {
    LazyLock::force(&ISO_DATE);
    LazyLock::force(&FRONT_MATTER_LINE);
    LazyLock::force(&HTML_TIME);
    LazyLock::force(&HTML_META);
    LazyLock::force(&DATELINE);
}

fn iso(text: &str) -> Option<Date> {
    let caps = ISO_DATE.captures(text)?;
    let num = |i: usize| caps[i].parse::<i32>().ok();
    Date::new(
        i16::try_from(num(1)?).ok()?,
        i8::try_from(num(2)?).ok()?,
        i8::try_from(num(3)?).ok()?,
    )
    .ok()
}

/// The date the document states for itself, if any.
pub fn find(doc: &Document<'_>) -> Option<DocDate> {
    from_front_matter(doc)
        .or_else(|| match doc.format {
            Format::Html => from_html(doc.source),
            _ => None,
        })
        .or_else(|| from_dateline(doc))
}

fn from_front_matter(doc: &Document<'_>) -> Option<DocDate> {
    let fm = doc.front_matter?;
    let text = &doc.source[fm.range()];
    let found: Vec<(usize, DocDate)> = FRONT_MATTER_LINE
        .captures_iter(text)
        .filter_map(|caps| {
            let key = caps.get(1).or(caps.get(3))?.as_str().to_ascii_lowercase();
            let rank = FRONT_MATTER_KEYS.iter().position(|k| *k == key)?;
            let value = caps.get(2).or(caps.get(4))?;
            let date = iso(value.as_str())?;
            Some((
                rank,
                DocDate {
                    date,
                    source: DateSource::FrontMatter(FRONT_MATTER_KEYS[rank]),
                    span: Some(Span::new(fm.start + value.start(), fm.start + value.end())),
                },
            ))
        })
        .collect();
    found
        .into_iter()
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, d)| d)
}

fn from_html(source: &str) -> Option<DocDate> {
    let located = |caps: crate::pattern::Captures<'_>, source_kind: DateSource| {
        let value = caps.iter().skip(1).flatten().next()?;
        Some(DocDate {
            date: iso(value.as_str())?,
            source: source_kind,
            span: Some(Span::new(value.start(), value.end())),
        })
    };
    HTML_META
        .captures(source)
        .and_then(|c| located(c, DateSource::HtmlMeta))
        .or_else(|| {
            HTML_TIME
                .captures(source)
                .and_then(|c| located(c, DateSource::HtmlTime))
        })
}

/// A dateline in one of the first blocks of the text.
fn from_dateline(doc: &Document<'_>) -> Option<DocDate> {
    for (_, block) in doc.prose().take(3) {
        let Some(caps) = DATELINE.captures(&block.text) else {
            continue;
        };
        let date = if let Some(m) = caps.name("iso") {
            iso(m.as_str())
        } else {
            let (m, d, y) = match caps.name("m1") {
                Some(m) => (m, &caps["d1"], &caps["y1"]),
                None => (caps.name("m2")?, &caps["d2"], &caps["y2"]),
            };
            Date::new(y.parse().ok()?, month_number(m.as_str())?, d.parse().ok()?).ok()
        };
        if let Some(date) = date {
            let whole = caps.get(0).expect("match");
            return Some(DocDate {
                date,
                source: DateSource::Dateline,
                span: Some(block.source_span(whole.start()..whole.end())),
            });
        }
    }
    None
}

/// The date at the start of a file name, as blog generators name posts
/// (`2024-10-04-title.md`).
pub fn from_path(path: &std::path::Path) -> Option<DocDate> {
    let name = path.file_name()?.to_str()?;
    let prefix = name.get(..10)?;
    if !prefix.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    }) {
        return None;
    }
    Some(DocDate::given(iso(prefix)?, DateSource::FileName))
}

/// Whole months from `from` to `to` (negative when `to` is earlier), ignoring days.
pub fn months_between(from: Date, to: Date) -> i32 {
    (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn found(text: &str, format: Format) -> Option<(Date, DateSource)> {
        let doc = Document::parse(text, format);
        doc.date.map(|d| (d.date, d.source))
    }

    #[test]
    fn front_matter_prefers_the_publication_date() {
        let text = "---\ntitle: x\nlastmod: 2025-01-02\ndate: 2024-03-04T10:00:00Z\n---\n\nHi.\n";
        assert_eq!(
            found(text, Format::Markdown),
            Some((date(2024, 3, 4), DateSource::FrontMatter("date")))
        );
        let toml = "+++\ntitle = \"x\"\ndate = 2023-05-12\n+++\n\nHi.\n";
        assert_eq!(
            found(toml, Format::Markdown),
            Some((date(2023, 5, 12), DateSource::FrontMatter("date")))
        );
    }

    #[test]
    fn html_meta_and_time() {
        let meta = r#"<html><head><meta property="article:published_time" content="2024-10-04T08:00:00Z"></head><body><p>Hi.</p></body></html>"#;
        assert_eq!(
            found(meta, Format::Html),
            Some((date(2024, 10, 4), DateSource::HtmlMeta))
        );
        let time = r#"<p>Posted <time datetime="2022-02-28">Feb 28</time>.</p>"#;
        assert_eq!(
            found(time, Format::Html),
            Some((date(2022, 2, 28), DateSource::HtmlTime))
        );
    }

    #[test]
    fn datelines() {
        assert_eq!(
            found(
                "WASHINGTON, Oct. 4, 2024 — The council met.\n",
                Format::Text
            ),
            Some((date(2024, 10, 4), DateSource::Dateline))
        );
        assert_eq!(
            found(
                "Headline\n\nPublished: 4 October 2024\n\nText.\n",
                Format::Text
            ),
            Some((date(2024, 10, 4), DateSource::Dateline))
        );
        assert_eq!(
            found("On 4 October 2024, the council voted.\n", Format::Text),
            None
        );
        assert_eq!(found("February 30, 2024 —\n", Format::Text), None);
    }

    #[test]
    fn permalinks_and_file_names() {
        let zola = "+++\npath = \"2021/08/03/gats-push\"\ntitle = \"x\"\n+++\n\nHi.\n";
        assert_eq!(
            found(zola, Format::Markdown),
            Some((date(2021, 8, 3), DateSource::FrontMatter("path")))
        );
        let named = from_path(std::path::Path::new("posts/2014-09-25-design.md"));
        assert_eq!(named.map(|d| d.date), Some(date(2014, 9, 25)));
        assert_eq!(
            from_path(std::path::Path::new("posts/2014-13-25-x.md")),
            None
        );
        assert_eq!(from_path(std::path::Path::new("posts/readme.md")), None);
    }

    #[test]
    fn month_arithmetic() {
        assert_eq!(months_between(date(2024, 10, 31), date(2026, 11, 1)), 25);
        assert_eq!(months_between(date(2026, 1, 1), date(2025, 12, 1)), -1);
    }
}
