use std::any::Any;
use std::sync::LazyLock;

use crate::pattern::Regex;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::{KindError, documented_kind, phrase_pattern};
use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, BrokenReference, Document, Link, LinkKind};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BrokenLinkParams {
    /// Site labels that generators glue onto titles ("…in Ukrainenewsweek").
    #[serde(default)]
    site_labels: Vec<String>,
    /// Destinations that are placeholders, compared without case and trailing `/`.
    #[serde(default)]
    placeholder_destinations: Vec<String>,
    /// Top-level domains that reveal a bare domain used as a destination (`www.x.com/page`).
    #[serde(default)]
    domain_suffixes: Vec<String>,
    /// Phrases in prose that promise a link ("click here") and are not inside one.
    #[serde(default)]
    link_promises: Vec<String>,
    /// Minimum items for a list of `Publisher – Title` lines to count as a source list.
    #[serde(default = "two")]
    min_publisher_list_items: usize,
}

fn two() -> usize {
    2
}

impl Default for BrokenLinkParams {
    fn default() -> Self {
        Self {
            site_labels: Vec::new(),
            placeholder_destinations: Vec::new(),
            domain_suffixes: Vec::new(),
            link_promises: Vec::new(),
            min_publisher_list_items: two(),
        }
    }
}

documented_kind! {
    /// ## What it does
    /// Finds links a reader cannot follow:
    /// - items of a source list ("Sources", "Further reading", "Here are some links…", or any
    ///   list of `Publisher – Title` lines) with no link and no URL;
    /// - a site label glued onto the end of a title (`…in Ukrainenewsweek`): the last word ends
    ///   with the item's publisher or a known site label, accents and case ignored;
    /// - empty destinations (`[text]()`, `[text](#)`, `<a href="">`, `<a>` without `href`),
    ///   empty link text, links whose only content is an image without alt text (an HTML link
    ///   named by `aria-label`, `aria-labelledby`, `title`, alt text or an SVG `<title>` has a
    ///   name, as screen readers compute it);
    /// - reference links whose label has no definition (`[text][ref]`), image references and
    ///   footnotes with no definition (`![map]`, `[^2]`), links written back to front
    ///   (`(text)[https://…]`), and link syntax that did not parse (`[text] (url)`,
    ///   `[text](https://a.b/c d)`, `text](url)`). Escaped brackets (`[text]\[not a link]`)
    ///   are prose;
    /// - destinations that cannot work: a misspelt scheme (`htps://`, `http//`), a bare domain
    ///   without scheme (`www.example.com/page`), spaces, `javascript:`, placeholders;
    /// - in prose, words that promise a link that is not there ("click here" outside a link).
    ///
    /// On a whole HTML page only the article is read (see the README's "HTML pages"), so
    /// `javascript:` and `#` links in menus and share bars are not reported; in the article
    /// they are: a published dead link.
    ///
    /// Parameters (`[params]`): `site-labels`, `placeholder-destinations`, `domain-suffixes`,
    /// `link-promises`, `min-publisher-list-items`. The message may use `{problem}`.
    ///
    /// ## Why is this bad
    /// A source the reader cannot open is no source. Drafts pasted from generators and CMS
    /// exports lose their URLs and keep the scaffolding; syntax slips leave raw brackets in
    /// the published page.
    ///
    /// ## Example
    /// ```text
    /// Here are some links where you can read more
    /// - Newsweek – North Korean Troops Deserting in Ukrainenewsweek
    /// ```
    /// The item has no URL, and "newsweek" is glued onto "Ukraine".
    #[derive(Debug)]
    pub struct BrokenLink {
        site_labels: Vec<String>,
        placeholders: Vec<String>,
        bare_domain: Regex,
        link_promise: Option<Regex>,
        min_publisher_list_items: usize,
    }
}

/// `Publisher – Title`: a name, a dash with spaces, a title starting with a capital.
///
/// The name is short (at most [`MAX_PUBLISHER_CHARS`]): [`publisher_of`] checks the length of
/// the shortest name the pattern finds, which is the name `{0,48}?` would find when it is short
/// enough. A bounded repetition of a Unicode class compiles once per repetition: without it the
/// pattern compiles in half the time, and each item is searched in half the time.
static PUBLISHER_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r"^(?P<publisher>[\p{Lu}\d][^–—:|,\n]*?)\s+[–—|-]\s+(?P<title>[\p{Lu}\d\x22“‘'].*)$",
    )
    .expect("built-in pattern")
});

/// The longest publisher name of a `Publisher – Title` item, in characters.
const MAX_PUBLISHER_CHARS: usize = 49;

/// A bibliographic citation ("Lee, G. (2010) …"): complete without a link.
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(r"\((?:1[6-9]|20)\d\d[a-z]?\)|\bdoi:|\bISBN\b|\bpp?\.\s*\d")
        .expect("built-in pattern")
});

/// Words a publisher's name may have in lower case ("Agence France-Presse", "El País").
const NAME_PARTICLES: &[&str] = &[
    "of", "the", "and", "de", "del", "la", "le", "el", "der", "die", "für", "du", "des", "&",
];

/// [`UNPARSED_LINK`] with its `{1,200}` bounds relaxed to `+`: it matches wherever that pattern
/// does, and compiles in a twentieth of the time (a bounded repetition of a Unicode class is
/// compiled once per repetition). Blocks it does not match cannot hold unparsed link syntax, so
/// the exact pattern is compiled only in a run that meets a candidate, which most runs never do.
static UNPARSED_LINK_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(concat!(
        r"\[[^\[\]\n]+\]\s+\((?:https?://|www\.|/|\.\.?/)[^()\s]*\)",
        r"|\[[^\[\]\n]+\]\((?:https?://|www\.|/)[^()\s]*\s[^()\n]*\)",
        r"|(?:^|[^\]\[])\]\((?:https?://|www\.)[^()\s]*\)",
        r"|\[[^\[\]\n]+\((?:https?://|www\.)[^()\s]*\)",
    ))
    .expect("built-in pattern")
});

/// Link syntax left as text because it did not parse.
static UNPARSED_LINK: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(concat!(
        // `[text] (https://…)`: a space between `]` and `(`.
        r"\[[^\[\]\n]{1,200}\]\s+\((?:https?://|www\.|/|\.\.?/)[^()\s]*\)",
        // `[text](https://a.b/c d)`: a space in the destination.
        r"|\[[^\[\]\n]{1,200}\]\((?:https?://|www\.|/)[^()\s]*\s[^()\n]*\)",
        // `text](https://…)` or `[text(https://…)`: an unbalanced bracket.
        r"|(?:^|[^\]\[])\]\((?:https?://|www\.)[^()\s]*\)",
        r"|\[[^\[\]\n]{1,200}\((?:https?://|www\.)[^()\s]*\)",
    ))
    .expect("built-in pattern")
});

const MISSPELT_SCHEMES: &[&str] = &[
    "htps://",
    "htp://",
    "htttp://",
    "htttps://",
    "hhttp://",
    "hhttps://",
    "http//",
    "https//",
    "ttp://",
    "ttps://",
    "http;//",
    "https;//",
    "http:://",
    "https:://",
    "http:\\\\",
    "https:\\\\",
    "hptts://",
    "htpps://",
    "https:/",
    "http:/",
];

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |params: BrokenLinkParams| {
        // Created with the rule, so that `tests/builtin_patterns.rs` builds them with the
        // others. `UNPARSED_LINK` is left out: only a candidate block needs it.
        for pattern in [&PUBLISHER_TITLE, &CITATION, &UNPARSED_LINK_CANDIDATE] {
            LazyLock::force(pattern);
        }
        let suffixes: Vec<String> = params
            .domain_suffixes
            .iter()
            .map(|s| regex::escape(s))
            .collect();
        let bare_domain = crate::pattern::compile(&format!(
            r"(?i)^(?:www\.[a-z0-9-]+\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{})(?:/|$))",
            if suffixes.is_empty() {
                "com".to_string()
            } else {
                suffixes.join("|")
            }
        ))
        .map_err(|e| KindError::new(format!("invalid domain suffixes: {e}"), None))?;
        let promises: Vec<String> = params
            .link_promises
            .iter()
            .map(|p| phrase_pattern(p))
            .collect();
        let link_promise = if promises.is_empty() {
            None
        } else {
            Some(
                crate::pattern::compile(&format!("(?i){}", promises.join("|")))
                    .map_err(|e| KindError::new(format!("invalid link promise: {e}"), None))?,
            )
        };
        Ok(BrokenLink {
            site_labels: params
                .site_labels
                .iter()
                .map(|l| fold(l))
                .filter(|l| l.len() >= 3)
                .collect(),
            placeholders: params
                .placeholder_destinations
                .iter()
                .map(|p| p.trim().trim_end_matches('/').to_lowercase())
                .collect(),
            bare_domain,
            link_promise,
            min_publisher_list_items: params.min_publisher_list_items.max(1),
        })
    })
}

/// Lower case, accents dropped, letters and digits only: "El País" → "elpais".
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    text.nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct Finding {
    span: Span,
    problem: String,
    help: &'static str,
    related: Option<(Span, &'static str)>,
}

impl BrokenLink {
    fn check_link(&self, doc: &Document<'_>, link: &Link, out: &mut Vec<Finding>) {
        let text_span = if link.text_span.is_empty() {
            link.span
        } else {
            link.text_span
        };
        let dest_related = link.dest_span.map(|s| (s, "destination"));
        let mut report = |problem: String, help: &'static str, related| {
            out.push(Finding {
                span: text_span,
                problem,
                help,
                related,
            })
        };
        let text = link.text.trim_matches(|c: char| c.is_whitespace());
        match link.dest.as_deref().map(str::trim) {
            None => {
                report(
                    "link has no destination".into(),
                    "add an `href` with the page's URL",
                    None,
                );
                return;
            }
            Some("") => {
                report(
                    format!("link \"{}\" goes nowhere (empty destination)", short(text)),
                    "add the URL of the page this text refers to",
                    dest_related,
                );
                return;
            }
            Some("#") => {
                report(
                    format!("link \"{}\" goes nowhere (empty destination)", short(text)),
                    "replace `#` with the URL of the page this text refers to; a control that runs script belongs outside the article, as a <button>",
                    dest_related,
                );
                return;
            }
            Some(_) => {}
        }
        let dest = link.dest.as_deref().unwrap_or("").trim();
        // An HTML link's name is what a screen reader announces (`aria-label`, `title`, alt
        // text, SVG titles, but not `aria-hidden` text); other formats have only the text.
        let nameless = match link.name.as_deref() {
            Some(name) => name.trim().is_empty(),
            None if link.image_only => doc
                .images
                .iter()
                .filter(|img| link.span.contains(img.span))
                .all(|img| img.alt.trim().is_empty()),
            None => text.is_empty(),
        };
        if nameless && link.image_only {
            report(
                "link holds only an image without alt text: it has no name".into(),
                "describe where the link goes in the image's alt text",
                dest_related,
            );
        } else if nameless {
            report(
                "link has no text".into(),
                "write link text that says where the link goes",
                dest_related,
            );
        }
        if link.kind == LinkKind::Autolink {
            return;
        }
        let lower = dest.to_ascii_lowercase();
        if let Some(bad) = MISSPELT_SCHEMES.iter().find(|s| {
            lower.starts_with(**s)
                && !(lower.starts_with("http://") || lower.starts_with("https://"))
        }) {
            report(
                format!("misspelt URL scheme `{bad}` in \"{}\"", short(dest)),
                "write the scheme as `https://`",
                dest_related,
            );
        } else if lower.starts_with("javascript:") {
            report(
                "link runs script (`javascript:`) instead of going to a page".into(),
                "link to the page the reader should reach; a control that runs script belongs outside the article, as a <button>",
                dest_related,
            );
        } else if self
            .placeholders
            .contains(&lower.trim_end_matches('/').to_string())
        {
            report(
                format!("link destination \"{dest}\" is a placeholder"),
                "replace it with the real URL",
                dest_related,
            );
        } else if dest.chars().any(char::is_whitespace) {
            report(
                format!("link destination \"{}\" contains spaces", short(dest)),
                "remove the spaces or encode them as %20",
                dest_related,
            );
        } else if !lower.contains("://")
            && !lower.starts_with("mailto:")
            && self.bare_domain.is_match(dest)
        {
            report(
                format!(
                    "link destination \"{}\" has no scheme: browsers treat it as a relative path",
                    short(dest)
                ),
                "start it with `https://`",
                dest_related,
            );
        }
    }

    /// The spans and texts of source-like list items: source-list items, and items of lists
    /// most of whose items read `Publisher – Title`.
    fn source_items(&self, doc: &Document<'_>) -> Vec<usize> {
        let mut items: Vec<usize> = doc
            .source_lists
            .iter()
            .flat_map(|l| l.items.clone())
            .collect();
        let mut lists: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, block) in doc.blocks.iter().enumerate() {
            if let (BlockKind::ListItem, Some(list)) = (block.kind, block.list) {
                lists.entry(list.list).or_default().push(i);
            }
        }
        for members in lists.values() {
            let matching = members
                .iter()
                .filter(|&&i| publisher_of(&doc.blocks[i]).is_some())
                .count();
            if members.len() >= self.min_publisher_list_items && matching * 3 >= members.len() * 2 {
                items.extend(
                    members
                        .iter()
                        .copied()
                        .filter(|&i| publisher_of(&doc.blocks[i]).is_some()),
                );
            }
        }
        items.sort_unstable();
        items.dedup();
        items
    }

    fn glued_label(
        &self,
        block: &Block,
        text_range: std::ops::Range<usize>,
        publisher: Option<&str>,
    ) -> Option<Finding> {
        let text = &block.text[text_range.clone()];
        let trimmed = text.trim_end_matches(|c: char| !c.is_alphanumeric());
        let word_start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &trimmed[word_start..];
        let folded_word = fold(word);
        let publisher = publisher.map(fold).filter(|p| p.len() >= 3);
        let label = publisher
            .iter()
            .chain(self.site_labels.iter())
            .filter(|label| {
                folded_word.len() >= label.len() + 3 && folded_word.ends_with(label.as_str())
            })
            .max_by_key(|l| l.len())?;
        // Walk back over the original word until the folded tail covers the label.
        let mut covered = 0;
        let mut cut = word.len();
        for (i, c) in word.char_indices().rev() {
            if covered >= label.len() {
                break;
            }
            covered += fold(&c.to_string()).len();
            cut = i;
        }
        let glued = &word[cut..];
        let prefix = &word[..cut];
        // A label glued by a generator starts in lower case after a normal word ("Ukrainenewsweek").
        if !glued.chars().next().is_some_and(char::is_lowercase) || prefix.chars().count() < 3 {
            return None;
        }
        let start = text_range.start + word_start + cut;
        let span = block.source_span(start..start + glued.len());
        Some(Finding {
            span,
            problem: format!("site label \"{glued}\" is glued onto the title (\"{word}\")"),
            help: "remove the label from the title and link the article instead",
            related: None,
        })
    }
}

fn short(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text.to_string()
    }
}

/// The publisher of a `Publisher – Title` item, if the item reads like one: the name is a
/// proper name (capitalised words), the title is a headline (short, no final period). A term
/// and its definition ("Capacity — There is a shortage of…") is not a source.
fn publisher_of(block: &Block) -> Option<&str> {
    let caps = PUBLISHER_TITLE.captures(block.text.trim())?;
    let publisher = caps.name("publisher")?.as_str();
    if publisher.chars().count() > MAX_PUBLISHER_CHARS {
        return None;
    }
    let title = caps.name("title")?.as_str().trim();
    let words: Vec<&str> = publisher.split_whitespace().collect();
    let proper_name = words.len() <= 5
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| !c.is_lowercase()) || NAME_PARTICLES.contains(w)
        });
    let headline =
        title.split_whitespace().count() <= 16 && !title.ends_with('.') && !title.contains(". ");
    (proper_name && headline).then_some(publisher)
}

/// What is wrong with an unresolved reference: a missing footnote, image or link definition,
/// or a link written back to front.
fn broken_reference(source: &str, broken: &BrokenReference) -> Finding {
    let written = source.get(broken.span.range()).unwrap_or("");
    let label = &broken.label;
    let (problem, help) = if let Some(note) = label.strip_prefix('^') {
        (
            format!("footnote [^{note}] has no definition"),
            "add the note on a line of its own, `[^label]: …`, or remove the marker",
        )
    } else if written.starts_with('!') {
        (
            format!("image reference \"{label}\" has no definition"),
            "add a definition line `[label]: image.png` or write `![alt](image.png)`",
        )
    } else if written.starts_with('(') {
        (
            format!("link written back to front: \"{}\"", short(written)),
            "write the text in brackets, then the URL in parentheses: `[text](https://…)`",
        )
    } else {
        (
            format!("reference link label \"{label}\" has no definition"),
            "add a definition line `[label]: https://…` or use an inline link",
        )
    };
    Finding {
        span: broken.span,
        problem,
        help,
        related: None,
    }
}

impl Check for BrokenLink {
    /// Every link and source list.
    fn cost_hint(&self) -> u32 {
        3
    }

    fn set_members(&self) -> Vec<crate::pattern::Member> {
        let promise = self.link_promise.clone();
        promise
            .map(crate::pattern::Member::Pattern)
            .into_iter()
            .collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        let mut findings = Vec::new();
        for link in &doc.links {
            self.check_link(doc, link, &mut findings);
        }
        for broken in &doc.broken_references {
            findings.push(broken_reference(doc.source, broken));
        }
        for item in self.source_items(doc) {
            let block = &doc.blocks[item];
            // A URL, or a template expression that renders one, is a link.
            let has_url = !block.links.is_empty()
                || block.excluded.iter().any(|r| {
                    let t = &block.text[r.clone()];
                    t.starts_with("http") || t.starts_with("www.") || t.starts_with("{{")
                });
            if !has_url && !CITATION.is_match(&block.text) {
                findings.push(Finding {
                    span: block.source_span(0..block.text.len()),
                    problem: format!(
                        "\"{}\" is listed as a source but has no link",
                        short(block.text.trim())
                    ),
                    help: "add the URL of the article, or remove the item",
                    related: None,
                });
            }
            if let Some(finding) = self.glued_label(block, 0..block.text.len(), publisher_of(block))
            {
                findings.push(finding);
            }
        }
        for link in &doc.links {
            let Some(block) = doc.blocks.get(link.block) else {
                continue;
            };
            if link.text_range.is_empty() {
                continue;
            }
            if let Some(finding) = self.glued_label(block, link.text_range.clone(), None) {
                findings.push(finding);
            }
        }
        for (_, block) in doc.prose() {
            // Every form of unparsed link syntax has a bracket and a `(`.
            let candidate = memchr::memchr2(b'[', b']', block.text.as_bytes()).is_some()
                && memchr::memchr(b'(', block.text.as_bytes()).is_some()
                && UNPARSED_LINK_CANDIDATE.is_match(&block.text);
            for m in candidate
                .then(|| UNPARSED_LINK.find_iter(&block.text))
                .into_iter()
                .flatten()
            {
                let range = m.range();
                // The third form matches the character before `]`; leave it out.
                let first = m.as_str().chars().next().unwrap_or('[');
                let start = if first == '[' || first == ']' {
                    range.start
                } else {
                    range.start + first.len_utf8()
                };
                let span = block.source_span(start..range.end);
                findings.push(Finding {
                    span,
                    problem: format!("link syntax did not parse: \"{}\"", short(&block.text[start..range.end])),
                    help: "write `[text](https://…)` with no space before `(` and none in the URL (use %20)",
                    related: None,
                });
            }
            if let Some(promise) = &self.link_promise {
                for m in promise.find_iter(&block.text) {
                    let range = m.range();
                    // "Click [here](…)": the promise is kept if any of it is linked.
                    let in_link = doc.links[block.links.clone()]
                        .iter()
                        .any(|l| l.text_range.start < range.end && range.start < l.text_range.end);
                    // “click here” in quotes is talked about, not promised.
                    let quoted = block.text[..range.start].ends_with(['"', '“', '\'', '‘'])
                        && block.text[range.end..].starts_with(['"', '”', '\'', '’']);
                    if in_link || quoted || block.is_excluded(&range) {
                        continue;
                    }
                    findings.push(Finding {
                        span: block.source_span(range),
                        problem: format!("\"{}\" promises a link that is not there", m.as_str()),
                        help: "link the words to the page, or rewrite the sentence without the promise",
                        related: None,
                    });
                }
            }
        }
        for f in findings {
            let mut d = rule.diagnostic(f.span, &[("problem", &f.problem)]);
            d.help = Some(f.help.into());
            if let Some((span, label)) = f.related {
                d = d.with_related(span, label);
            }
            out.push(d);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_PUBLISHER_CHARS, publisher_of};
    use crate::document::{BlockKind, Document};
    use crate::source::Format;

    #[test]
    fn publisher_names_have_at_most_49_characters() {
        for (chars, accepted) in [
            (MAX_PUBLISHER_CHARS, true),
            (MAX_PUBLISHER_CHARS + 1, false),
        ] {
            let name = format!("É{}", "b".repeat(chars - 1));
            let source = format!("- {name} – North Korean Troops Deserting in Ukraine\n");
            let doc = Document::parse(&source, Format::Markdown);
            let item = doc
                .blocks
                .iter()
                .find(|b| b.kind == BlockKind::ListItem)
                .expect("a list item");
            assert_eq!(
                publisher_of(item),
                accepted.then_some(name.as_str()),
                "{chars}"
            );
        }
    }
}
