use std::any::Any;
use std::ops::Range;

use crate::pattern::Regex;
use jiff::civil::Date;
use serde::Deserialize;

use super::{KindError, documented_kind, has_digit, phrase_alternation};
use crate::diagnostic::Diagnostic;
use crate::document::dates::{DocDate, month_number, months_between};
use crate::document::{Block, BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TimeAnchorParams {
    /// An anchor older than this many months at the document's date is stale.
    #[serde(default)]
    max_age_months: Option<i32>,
    /// Words that state the present at a date: "as of", "as at", "current as of".
    #[serde(default)]
    present_anchors: Vec<String>,
    /// Words before a date inside an anchor: "early", "mid", "the end of".
    #[serde(default)]
    date_qualifiers: Vec<String>,
    /// Present-tense verbs: "In 2024, the firm has 300 staff" speaks of 2024 as the present.
    #[serde(default)]
    present_verbs: Vec<String>,
    /// Past-tense verbs that are not regular "-ed" forms: "In 2024, the council met".
    #[serde(default)]
    past_verbs: Vec<String>,
    /// Anchors relative to a date the reader must know: "last month", "recently".
    #[serde(default)]
    relative_anchors: Vec<String>,
    /// The message of a relative anchor in an undated document.
    #[serde(default)]
    relative_message: Option<String>,
}

documented_kind! {
    /// ## What it does
    /// Finds time anchors that are wrong or unclear by the time the piece is read:
    ///
    /// - a date stated as the present ("As of October 2024", "as at March 2023", "In 2024, the
    ///   firm has 300 staff") that is more than `max-age-months` older than the document's date;
    /// - relative anchors ("earlier this year", "last month", "recently", "currently") in a
    ///   document that states no date: nothing tells the reader when "now" was. These are
    ///   reported once per document, at the first one, with the others as context.
    ///
    /// The document's date comes from its front matter (`date`, `published`, `lastmod`, or a
    /// dated permalink such as `path = "2021/08/03/…"`), an HTML `<time datetime>` element or
    /// `article:published_time` meta tag, a dateline at the top ("WASHINGTON, Oct. 4, 2024 —")
    /// or a dated file name (`2024-10-04-title.md`); failing those, from `--as-of DATE` or `as-of`
    /// in draftlint.toml (which also anchor relative dates), and last from today's date, which
    /// is used for stated dates only. The help line of each finding says which date was used.
    ///
    /// Dates of events told in the past ("On 4 October 2024, the council voted", "In 2024, the
    /// council met"), anchors inside quotations (the speaker's "now"), dates in link text,
    /// headings and source lists, and anchors in code are not findings.
    ///
    /// Parameters: `max-age-months`, `present-anchors`, `date-qualifiers`, `present-verbs`,
    /// `past-verbs`, `relative-anchors`, `relative-message`. The message may use `{match}`,
    /// `{months}` and `{date}`.
    ///
    /// ## Why is this bad
    /// "As of October 2024, 12,000 soldiers were stationed there" was the latest news when it
    /// was written; read two years later it presents old news as current. "Last month" in an
    /// undated piece tells the reader nothing.
    ///
    /// ## Example
    /// `As of October 2024, around 12,000 soldiers were there.` (read in November 2026) →
    /// `In October 2024, around 12,000 soldiers were there, and …` with the current figure.
    #[derive(Debug)]
    pub struct TimeAnchor {
        max_age_months: i32,
        /// "as of October 2024": the anchor phrase and its date.
        present_anchor: Regex,
        /// "In 2024," at the start of a sentence.
        year_lead: Regex,
        present_verb: Regex,
        past_verb: Regex,
        relative: Option<Regex>,
        relative_message: String,
    }
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

fn regex(pattern: &str) -> Result<Regex, KindError> {
    crate::pattern::compile(pattern)
        .map_err(|e| KindError::new(format!("invalid word list: {e}"), None))
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: TimeAnchorParams| {
        let date = format!(
            r"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?P<month>{MONTH})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+)?(?P<year>(?:19|20)\d\d)\b"
        );
        let qualifiers = phrase_alternation(&p.date_qualifiers);
        let present_anchor = regex(&format!(
            r"(?i){}\s+(?:{qualifiers}[\s-]+)?{date}",
            phrase_alternation(&p.present_anchors)
        ))?;
        let year_lead = regex(&format!(r"(?i)^in\s+(?:{qualifiers}[\s-]+)?{date}\s*,"))?;
        let relative = if p.relative_anchors.is_empty() {
            None
        } else {
            Some(regex(&format!(
                "(?i){}",
                phrase_alternation(&p.relative_anchors)
            ))?)
        };
        Ok(TimeAnchor {
            max_age_months: p.max_age_months.unwrap_or(12),
            present_anchor,
            year_lead,
            present_verb: regex(&format!(r"(?i)^{}$", phrase_alternation(&p.present_verbs)))?,
            past_verb: regex(&format!(
                r"(?i)^(?:{}|\p{{L}}{{2,}}ed)$",
                phrase_alternation(&p.past_verbs)
            ))?,
            relative,
            relative_message: p
                .relative_message
                .unwrap_or_else(|| "\"{match}\" has nothing to anchor it".to_string()),
        })
    })
}

/// A date stated as the present, in a block's text.
struct Anchor {
    range: Range<usize>,
    /// The last month the anchor covers: "2024" covers all of 2024.
    until: Date,
}

impl TimeAnchor {
    /// Stated-present dates in a block.
    fn anchors(&self, block: &Block) -> Vec<Anchor> {
        let text = &block.text;
        let mut out = Vec::new();
        // Both patterns end with a year: text without a digit holds no anchor.
        if !has_digit(text) {
            return out;
        }
        let mut push = |caps: &crate::pattern::Captures<'_>, range: Range<usize>| {
            let Ok(year) = caps["year"].parse::<i16>() else {
                return;
            };
            let month = caps
                .name("month")
                .and_then(|m| month_number(m.as_str()))
                .unwrap_or(12);
            if let Ok(until) = Date::new(year, month, 1) {
                out.push(Anchor { range, until });
            }
        };
        for caps in self.present_anchor.captures_iter(text) {
            let range = caps.get(0).expect("match").range();
            push(&caps, range);
        }
        for sentence in &block.sentences {
            let body = &text[sentence.text.clone()];
            if !has_digit(body) {
                continue;
            }
            let Some(caps) = self.year_lead.captures(body) else {
                continue;
            };
            let lead = caps.get(0).expect("match");
            if self.present_tense(&body[lead.end()..]) {
                let start = sentence.text.start;
                // The anchor without its comma.
                let end = start + body[..lead.end()].trim_end_matches([',', ' ']).len();
                push(&caps, start..end);
            }
        }
        out
    }

    /// Whether the first verb of a clause is in the present tense ("the firm has 300 staff",
    /// not "the council voted").
    fn present_tense(&self, clause: &str) -> bool {
        for word in clause.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
            if self.present_verb.is_match(word) {
                return true;
            }
            if self.past_verb.is_match(word) {
                return false;
            }
        }
        false
    }

    /// Text ranges of a block that are not the writer's present: link text (titles of cited
    /// work) and code.
    fn quiet(doc: &Document<'_>, block: &Block, range: &Range<usize>) -> bool {
        block.is_excluded(range)
            || doc.links[block.links.clone()]
                .iter()
                .any(|l| l.text_range.start < range.end && range.start < l.text_range.end)
    }
}

impl Check for TimeAnchor {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        // One flag per block: searching a list of them for every block was quadratic.
        let mut in_source_list = vec![false; doc.blocks.len()];
        for l in &doc.source_lists {
            for i in l.lead.into_iter().chain(l.items.iter().copied()) {
                in_source_list[i] = true;
            }
        }
        let checked = |index: usize, block: &Block| {
            !block.kind.is_heading() && block.kind != BlockKind::Code && !in_source_list[index]
        };
        let date = doc.date;
        if let Some(date) = date {
            for (index, block) in doc.prose() {
                if !checked(index, block) {
                    continue;
                }
                for anchor in self.anchors(block) {
                    let months = months_between(anchor.until, date.date);
                    if months <= self.max_age_months
                        || Self::quiet(doc, block, &anchor.range)
                        || doc.in_quotation(index, anchor.range.clone())
                    {
                        continue;
                    }
                    let matched = &block.text[anchor.range.clone()];
                    out.push(self.stale(rule, block, &anchor, matched, months, date));
                }
            }
        }
        if date.is_some_and(|d| d.source.anchors_relative_time()) {
            return;
        }
        let Some(relative) = &self.relative else {
            return;
        };
        // Once per document: the first relative anchor, the others as context.
        let mut first: Option<Diagnostic> = None;
        for (index, block) in doc.prose() {
            if !checked(index, block) {
                continue;
            }
            for m in relative.find_iter(&block.text) {
                if Self::quiet(doc, block, &m.range()) || doc.in_quotation(index, m.range()) {
                    continue;
                }
                let span = block.source_span(m.range());
                first = Some(match first {
                    None => {
                        let message = self.relative_message.replace("{match}", m.as_str());
                        Diagnostic::new(&rule.id, rule.severity, span, message)
                            .with_help(Some(self.help(rule, date)))
                    }
                    Some(d) => d.with_related(span, "also relative"),
                });
            }
        }
        out.extend(first);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl TimeAnchor {
    fn stale(
        &self,
        rule: &RuleMeta,
        block: &Block,
        anchor: &Anchor,
        matched: &str,
        months: i32,
        date: DocDate,
    ) -> Diagnostic {
        let months = months.to_string();
        let when = date.date.to_string();
        rule.diagnostic(
            block.source_span(anchor.range.clone()),
            &[("match", matched), ("months", &months), ("date", &when)],
        )
        .with_help(Some(self.help(rule, Some(date))))
    }

    /// The rule's help, and the date the finding was judged against.
    fn help(&self, rule: &RuleMeta, date: Option<DocDate>) -> String {
        let advice = rule.help.clone().unwrap_or_default();
        match date {
            Some(d) => format!("{advice}; document date {} (from {})", d.date, d.source),
            None => format!("{advice}; the document states no date (give one with --as-of)"),
        }
    }
}
