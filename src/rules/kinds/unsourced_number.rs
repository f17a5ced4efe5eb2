use std::any::Any;
use std::collections::HashSet;
use std::ops::Range;

use crate::pattern::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{
    KindError, PhraseMatcher, compile_alternation, documented_kind, is_bare_number, spanned_parts,
};
use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::{Span, floor_char_boundary};

/// How far from a number its attribution may be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Window {
    /// Only the number's own sentence.
    Sentence,
    /// The sentence, any earlier sentence of the paragraph, or the next one (a lead sentence
    /// is often sourced by the sentence after it).
    #[default]
    Paragraph,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsourcedNumberParams {
    /// Words before a number that belong to it: "around", "more than", "an estimated".
    #[serde(default)]
    approximators: Vec<String>,
    /// Words after a number that scale it: "thousand", "million", "bn".
    #[serde(default)]
    scale_words: Vec<String>,
    #[serde(default)]
    currency_symbols: Vec<String>,
    /// Currency names after a number: "85,000 pounds".
    #[serde(default)]
    currency_words: Vec<String>,
    /// "percent", "per cent", "percentage points" ("%" is always a percentage).
    #[serde(default)]
    percent_words: Vec<String>,
    /// Units that make a number a measurement: "degrees", "kilometres", "tonnes".
    #[serde(default)]
    measurement_units: Vec<String>,
    /// Words that state a multiplier on their own: "doubled", "tripled".
    #[serde(default)]
    multiplier_words: Vec<String>,
    /// Number words, for "twelve thousand" and "one in five".
    #[serde(default)]
    number_words: Vec<String>,
    /// Digit counts below this (without a unit, scale or separator) are small counts of
    /// ordinary prose ("3 cities"), not statistics.
    #[serde(default)]
    min_plain_count: u64,
    /// Plain integers in this range are years.
    #[serde(default)]
    year_range: Option<[u64; 2]>,
    #[serde(default)]
    month_names: Vec<String>,
    /// Words after which a number is a name or an identifier: "Article 5", "version 4.2",
    /// "Windows 11", "Series 7".
    #[serde(default)]
    identifier_prefixes: Vec<String>,
    /// Words after a number that make it a name or a technical value: "404 error", "128 bits".
    #[serde(default)]
    identifier_suffixes: Vec<String>,
    /// A heading (or the front-matter title) matching this regex presents its own data
    /// ("Survey results", "2024 in numbers"): numbers in its section are sourced by it.
    #[serde(default)]
    section_sources: Option<Spanned<String>>,
    /// Words after a number that make it a time: "a.m.", "o'clock".
    #[serde(default)]
    time_markers: Vec<String>,
    /// Street types, for street numbers ("221 Baker Street").
    #[serde(default)]
    street_suffixes: Vec<String>,
    /// Regexes; a match overlapping one of these is not a statistic (phone numbers…).
    #[serde(default)]
    not_statistics: Vec<Spanned<String>>,
    /// Regexes that attribute a sentence: "said", "according to", "data from".
    #[serde(default)]
    attributions: Vec<Spanned<String>>,
    /// Regexes of citation markers: "[1]", `[^1]`, "(Smith 2020)", "(Source: …)".
    #[serde(default)]
    citations: Vec<Spanned<String>>,
    /// A block matching this right after a table or list sources the whole table or list.
    #[serde(default)]
    source_caption: Option<Spanned<String>>,
    /// Regexes that mark a sentence as not a claim: an illustration ("for example", "If …"),
    /// a goal ("should", "ensure"), thanks.
    #[serde(default)]
    hypotheticals: Vec<Spanned<String>>,
    /// Words after "3x" or "3 times" that make it a comparison (a multiplier claim); without
    /// one, "10x projects" is a name and "3 times a week" a frequency.
    #[serde(default)]
    comparatives: Vec<String>,
    /// The id of a phrase rule whose matches are vague attribution: they do not source a
    /// number, and are shown beside it.
    #[serde(default)]
    vague_rule: Option<String>,
    #[serde(default)]
    window: Window,
    /// Check numbers in table cells too.
    #[serde(default)]
    tables: bool,
    /// A number is reported when its claim score reaches this; 0 reports every unsourced
    /// statistic.
    #[serde(default)]
    threshold: f64,
    /// The score every kind of quantity starts with.
    #[serde(default)]
    base: BaseScores,
    /// Units of `measurement-units` that count rather than measure ("votes", "deaths").
    #[serde(default)]
    counted_units: Vec<String>,
    /// What makes a number a claim that needs a source (positive weight) or a figure that
    /// needs none (negative weight).
    #[serde(default)]
    cues: Vec<CueParams>,
    /// Added to the score when the sentence attributes the figure to nobody ("reports suggest").
    #[serde(default)]
    vague_weight: f64,
    /// A vague phrase followed by this names its source after all ("according to reports
    /// from the ministry").
    #[serde(default)]
    named_source_after: Option<Spanned<String>>,
    /// Regexes with a `speaker` group that find who makes statements in the article ("the bank
    /// said"): a figure whose sentence opens with that speaker is the speaker's own.
    #[serde(default)]
    speaker_statements: Vec<Spanned<String>>,
    /// Words that never name a speaker ("he", "it", "who").
    #[serde(default)]
    speaker_stopwords: Vec<String>,
}

/// The score each kind of quantity starts with, before cues.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseScores {
    #[serde(default)]
    percent: f64,
    #[serde(default)]
    money: f64,
    /// Plain counts: "12,000", "220 votes".
    #[serde(default)]
    count: f64,
    /// Counts with a scale word: "1.5 million", "twelve thousand".
    #[serde(default)]
    scaled: f64,
    #[serde(default)]
    measurement: f64,
    /// "doubled", "3x faster".
    #[serde(default)]
    multiplier: f64,
    /// "one in five".
    #[serde(default)]
    ratio: f64,
}

/// Where a cue is looked for, relative to the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CueScope {
    /// The matched quantity itself, approximator included ("around 12,000").
    Match,
    /// Its sentence up to the number; anchor the pattern with `$`.
    Before,
    /// Its sentence after the number; anchor the pattern with `^`.
    After,
    /// Anywhere in its sentence.
    Sentence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueParams {
    /// Shown in the finding: "hedged", "counts people".
    reason: String,
    weight: f64,
    scope: CueScope,
    pattern: Spanned<String>,
    /// The kinds of quantity the cue applies to ("money", "percent", "count", "scaled",
    /// "measurement", "multiplier", "ratio"); empty applies to all.
    #[serde(default)]
    kinds: Vec<Kind>,
}

/// What a quantity is, for its base score and for cues that apply to some kinds only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Percent,
    Money,
    Count,
    Scaled,
    Measurement,
    Multiplier,
    Ratio,
}

#[derive(Debug)]
struct Cue {
    reason: String,
    weight: f64,
    scope: CueScope,
    pattern: Regex,
    kinds: Vec<Kind>,
}

documented_kind! {
    /// ## What it does
    /// Finds statistics with no source: counts and amounts written with digits ("12,000",
    /// "1.5 million"), percentages, money, multipliers and ratios ("doubled", "one in five"),
    /// measurements and spelled-out large quantities ("twelve thousand"), when neither their
    /// sentence nor (with `window = "paragraph"`) an earlier or the next sentence of the
    /// paragraph names a source: a speech or report verb ("said", "according to", "data from"),
    /// a citation marker ("[1]", `[^1]`, "(Smith 2020)"), an inline link, or a `Source:`
    /// caption under the table or list. Vague attribution ("reports suggest", taken from the
    /// rule named by `vague-rule`) is not a source and is shown beside the number.
    ///
    /// Years, dates, times, ordinals, versions and product names, identifiers ("Article 5",
    /// "COVID-19", "Boeing 737"), phone and street numbers, ages ("Tom Reyes, 54,",
    /// "22-year-old"), small counts, headings, code and URLs are not statistics. Neither are
    /// figures inside quotations (the speaker is their source) or conversions in brackets
    /// after a figure ("100 mph (161 km/h)").
    ///
    /// Not every statistic is a claim that needs a source. Each unsourced number gets a claim
    /// score: a base by its kind (`[params.base]`: percentages, money, counts, scaled counts,
    /// measurements, multipliers, ratios), plus the weights of the `cues` found around it.
    /// Positive cues make it a claim: a hedge ("around", "an estimated"), a count of people
    /// killed, displaced, deployed or gathered, a poll or study, a forecast, a change, a loss;
    /// vague attribution in its sentence adds `vague-weight`. Negative cues make it a record:
    /// results and scores (votes, seats, goals), prices and values, durations. A number is
    /// reported when its score reaches `threshold`; the finding lists the cues that made it a
    /// claim and, when it is borderline, its score. A sentence gets one finding, at its first
    /// claim; its other unsourced figures are shown beside it ("also unsourced"), since one
    /// source fixes them all.
    ///
    /// A sentence that mostly quotes someone ("“We will stay,” she said.") sources its
    /// quotation, not the sentences around it.
    ///
    /// A figure is also sourced by its own subject: when its sentence opens with someone who
    /// makes a statement elsewhere in the article ("Deutsche Bank is to cut 2,850 jobs" … "the
    /// bank said"), unless the sentence itself pins it on nobody. Every list behind these
    /// decisions is a parameter of the rule file.
    ///
    /// ## Why is this bad
    /// A number the reader cannot trace is the most common reason a story is corrected after
    /// publishing. "Around 12,000 soldiers were reported to have been stationed" names nobody.
    ///
    /// ## Example
    /// `Around 12,000 soldiers were reported to be there.` → `Around 12,000 soldiers were
    /// there, South Korea's intelligence agency said.`
    #[derive(Debug)]
    pub struct UnsourcedNumber {
        /// Words that can make a quantity without digits; a block with neither digits nor
        /// any of these is skipped before the word pattern runs.
        word_prefilter: aho_corasick::AhoCorasick,
        /// The same words, for the pattern set's one pass per block (see
        /// [`crate::pattern::PatternSet`]): a block it rules out needs no search for them.
        prefilter_words: std::sync::Arc<crate::pattern::LiteralList>,
        digit_quantity: Regex,
        /// Every alternative of `digit_quantity` but a plain number needs a character other
        /// than a digit, `,` or `.`: a match made only of those is its number group alone,
        /// and needs no capture search (see [`Groups::bare_number`]).
        bare_numbers: bool,
        word_quantity: Regex,
        not_statistics: Option<Regex>,
        identifier_before: Regex,
        identifier_after: Regex,
        section_source: Option<Regex>,
        month: Regex,
        after_time: Regex,
        street_after: Regex,
        attribution: Option<Regex>,
        citation: Option<Regex>,
        hypothetical: Option<Regex>,
        comparative: Regex,
        source_caption: Option<Regex>,
        vague_rule: Option<String>,
        vague: Option<PhraseMatcher>,
        min_plain_count: u64,
        year_range: [u64; 2],
        window: Window,
        tables: bool,
        threshold: f64,
        base: BaseScores,
        percent_words: Vec<String>,
        currency_words: Vec<String>,
        scale_words: Vec<String>,
        counted_units: Vec<String>,
        cues: Vec<Cue>,
        vague_weight: f64,
        named_source_after: Option<Regex>,
        speaker_statements: Vec<Regex>,
        speaker_stopwords: Vec<String>,
    }
}

/// Whether the alternative [`words_alternation`] makes of `word` could match a plain number (or
/// nothing): it is empty, or one token of digits, `,` and `.` (several tokens need white space
/// between them, and case folding maps no other character to these).
fn may_match_bare(word: &str) -> bool {
    let mut tokens = word.split_whitespace();
    match (tokens.next(), tokens.next()) {
        (None, _) => true,
        (Some(token), None) => is_bare_number(token),
        _ => false,
    }
}

/// The named groups of a quantity match, read once: a lookup by name hashes the name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Groups {
    whole: Range<usize>,
    approx: Option<Range<usize>>,
    money: Option<Range<usize>>,
    ratio: Option<Range<usize>>,
    num: Option<Range<usize>>,
    suffix: Option<Range<usize>>,
    mult: Option<Range<usize>>,
    spelled: Option<Range<usize>>,
}

impl Groups {
    fn of(caps: &crate::pattern::Captures<'_>) -> Groups {
        let group = |name: &str| caps.name(name).map(|m| m.range());
        Groups {
            whole: caps.get(0).expect("match").range(),
            approx: group("approx"),
            money: group("money"),
            ratio: group("ratio"),
            num: group("num"),
            suffix: group("suffix"),
            mult: group("mult"),
            spelled: group("spelled"),
        }
    }

    /// The groups of a match of the digit pattern that is a plain number ([`is_bare_number`]),
    /// when every other alternative needs another character (`bare_numbers`): the number
    /// group alone, found without the capture search.
    fn bare_number(whole: Range<usize>) -> Groups {
        Groups {
            num: Some(whole.clone()),
            whole,
            approx: None,
            money: None,
            ratio: None,
            suffix: None,
            mult: None,
            spelled: None,
        }
    }
}

fn words_alternation(words: &[String]) -> String {
    let mut sorted: Vec<&String> = words.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    sorted
        .iter()
        .map(|w| {
            w.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Compiles a pattern from the rule file, reporting an error at its span.
fn spanned_pattern(pattern: &Spanned<String>, flags: &str) -> Result<Regex, KindError> {
    crate::pattern::compile(&format!("{flags}{}", pattern.get_ref())).map_err(|e| {
        KindError::new(
            format!("invalid pattern: {e}"),
            Some(Span::from(pattern.span())),
        )
    })
}

fn regex(pattern: &str) -> Result<Regex, KindError> {
    crate::pattern::compile(pattern)
        .map_err(|e| KindError::new(format!("invalid word list: {e}"), None))
}

/// `(?:a|b)` or a pattern that never matches when the list is empty.
fn group(words: &[String]) -> String {
    if words.is_empty() {
        r"[^\s\S]".to_string()
    } else {
        format!("(?:{})", words_alternation(words))
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: UnsourcedNumberParams| {
        let approx = group(&p.approximators);
        let scale = group(&p.scale_words);
        let symbols = group(&p.currency_symbols);
        let currency = group(&p.currency_words);
        let percent = group(&p.percent_words);
        let units = group(&p.measurement_units);
        let multipliers = group(&p.multiplier_words);
        let numbers = group(&p.number_words);
        let digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";
        let bare_numbers = [
            &p.approximators,
            &p.scale_words,
            &p.currency_symbols,
            &p.currency_words,
            &p.percent_words,
            &p.measurement_units,
        ]
        .iter()
        .all(|words| !words.iter().any(|w| may_match_bare(w)));
        // Two patterns find the candidates; their named groups say what kind of quantity each
        // is. Quantities written with digits are common and need no number words, so their
        // pattern stays small; the word pattern runs only where its prefilter found a word.
        let digit_quantity = regex(&format!(
            r"(?i)(?P<approx>\b{approx}\s+)?(?:(?P<money>{symbols}\s?(?:{digits})(?:\s?{scale}\b)?)|(?P<ratio>\b\d+\s+(?:in|out\s+of)\s+(?:{numbers}|\d+)\b)|(?P<num>\b(?:{digits}))(?P<suffix>(?:\s?%|\s+{percent}\b|\s?{scale}\b(?:\s+{currency}\b)?|\s+{currency}\b|\s?{units}\b|\s?x\b|\s+times\b))?)"
        ))?;
        let word_quantity = regex(&format!(
            r"(?i)(?P<approx>\b{approx}\s+)?(?:(?P<spelled>\b(?:{numbers}|a|an)(?:[\s-]+(?:{numbers}|and))*\s+{scale}\b(?:\s+{currency}\b)?)|(?P<ratio>\b{numbers}\s+(?:in|out\s+of)\s+(?:{numbers}|\d+)\b)|(?P<mult>\b{multipliers}\b))"
        ))?;
        // Without digits, a quantity needs a scale word ("twelve thousand"), a multiplier
        // ("doubled") or a ratio of number words ("one in five").
        let prefilter_words: Vec<String> = p
            .multiplier_words
            .iter()
            .chain(p.scale_words.iter().filter(|w| w.len() > 3))
            .cloned()
            .chain(
                p.number_words
                    .iter()
                    .flat_map(|w| [format!("{w} in "), format!("{w} out of ")]),
            )
            .collect();
        let word_prefilter = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&prefilter_words)
            .map_err(|e| KindError::new(format!("invalid word list: {e}"), None))?;
        let prefilter_words = crate::pattern::LiteralList::new(
            prefilter_words
                .into_iter()
                .map(String::into_bytes)
                .collect(),
        );
        let identifier_before = regex(&format!(
            r"(?i)(?:^|\b)(?:{})\.?\s*#?\s*$",
            words_alternation(&p.identifier_prefixes)
        ))?;
        let identifier_after = regex(&format!(
            r"(?i)^[\s-]*(?:{})\b",
            words_alternation(&p.identifier_suffixes)
        ))?;
        let month = regex(&format!(
            r"(?i)^(?:{})\.?$",
            words_alternation(&p.month_names)
        ))?;
        let after_time = regex(&format!(
            r"(?i)^\s*(?::\d\d|(?:{})(?:[^a-z0-9_]|$))",
            words_alternation(&p.time_markers)
        ))?;
        let street_after = regex(&format!(
            r"^(?:\s+\p{{Lu}}\S*){{1,3}}\s+(?:{})\b",
            words_alternation(&p.street_suffixes)
        ))?;
        let spanned_regex = |c: &Option<Spanned<String>>| -> Result<Option<Regex>, KindError> {
            c.as_ref().map(|c| spanned_pattern(c, "")).transpose()
        };
        let caption = spanned_regex(&p.source_caption)?;
        let named_source_after = spanned_regex(&p.named_source_after)?;
        let cues = p
            .cues
            .iter()
            .map(|c| {
                Ok(Cue {
                    reason: c.reason.clone(),
                    weight: c.weight,
                    scope: c.scope,
                    kinds: c.kinds.clone(),
                    pattern: spanned_pattern(&c.pattern, "")?,
                })
            })
            .collect::<Result<Vec<Cue>, KindError>>()?;
        let lower =
            |list: &[String]| -> Vec<String> { list.iter().map(|w| w.to_lowercase()).collect() };
        let section_source = spanned_regex(&p.section_sources)?;
        Ok(UnsourcedNumber {
            word_prefilter,
            prefilter_words,
            digit_quantity,
            bare_numbers,
            word_quantity,
            not_statistics: compile_alternation(&spanned_parts(&p.not_statistics), false)?,
            identifier_before,
            identifier_after,
            section_source,
            month,
            after_time,
            street_after,
            attribution: compile_alternation(&spanned_parts(&p.attributions), false)?,
            citation: compile_alternation(&spanned_parts(&p.citations), false)?,
            hypothetical: compile_alternation(&spanned_parts(&p.hypotheticals), false)?,
            comparative: regex(&format!(
                r"(?i)^\s*(?:{})\b",
                words_alternation(&p.comparatives)
            ))?,
            source_caption: caption,
            vague_rule: p.vague_rule,
            vague: None,
            min_plain_count: p.min_plain_count,
            year_range: p.year_range.unwrap_or([1000, 2100]),
            window: p.window,
            tables: p.tables,
            threshold: p.threshold,
            base: p.base,
            percent_words: lower(&p.percent_words),
            currency_words: lower(&p.currency_words),
            scale_words: lower(&p.scale_words),
            counted_units: lower(&p.counted_units),
            cues,
            vague_weight: p.vague_weight,
            named_source_after,
            speaker_statements: p
                .speaker_statements
                .iter()
                .map(|c| spanned_pattern(c, "(?i)"))
                .collect::<Result<_, _>>()?,
            speaker_stopwords: lower(&p.speaker_stopwords),
        })
    })
}

/// A quantity found in a block's text.
struct Quantity {
    range: Range<usize>,
    sentence: usize,
    kind: Kind,
    /// The base score of its kind.
    base: f64,
}

/// Why a number is a claim: its score and the cues that raised it.
struct Claim {
    score: f64,
    reasons: Vec<String>,
}

impl UnsourcedNumber {
    fn checked(&self, block: &Block) -> bool {
        match block.kind {
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote => true,
            BlockKind::TableCell => self.tables,
            _ => false,
        }
    }

    /// Quantities in a block that are statistics, with their sentence.
    fn quantities(&self, block: &Block) -> Vec<Quantity> {
        let text = &block.text;
        let mut candidates: Vec<Groups> = Vec::new();
        if super::has_digit(text) {
            // Most numbers of prose are plain ("2024", "1.5"): a plain one's groups are known
            // without reading them from the match.
            candidates.extend(self.digit_quantity.find_iter(text).filter_map(|m| {
                if self.bare_numbers && is_bare_number(m.as_str()) {
                    return Some(Groups::bare_number(m.range()));
                }
                let caps = self.digit_quantity.captures_of(text, m)?;
                Some(Groups::of(&caps))
            }));
        }
        if !self.prefilter_words.cannot_occur(text) && self.word_prefilter.is_match(text) {
            candidates.extend(
                self.word_quantity
                    .captures_iter(text)
                    .map(|c| Groups::of(&c)),
            );
            candidates.sort_by_key(|g| g.whole.start);
            let mut end = 0;
            candidates.retain(|g| {
                let keep = g.whole.start >= end;
                end = end.max(g.whole.end);
                keep
            });
        }
        if candidates.is_empty() {
            return Vec::new();
        }
        // A table cell or list item that is only a value ("5k", "Libs: 4.7k", "$2000 +") is
        // data on display, not a claim in prose.
        if matches!(block.kind, BlockKind::TableCell | BlockKind::ListItem)
            && text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count()
                <= 3
            && !text.trim_end().ends_with('.')
        {
            return Vec::new();
        }
        // Sentences that make no claim, and stretches that are no statistics: looked for only
        // once a candidate has passed the cheap checks (most numbers are years or versions).
        let mut context: Option<(Vec<usize>, Vec<Range<usize>>)> = None;
        let mut out = Vec::new();
        for g in candidates {
            let range = g.whole.clone();
            let whole = &text[range.clone()];
            if block.is_excluded(&range) {
                continue;
            }
            if let Some(num) = &g.num
                && !self.is_statistic(text, num.clone(), g.suffix.clone().map(|s| &text[s]))
            {
                continue;
            }
            // "-fold" is a claim only in a comparison ("a tenfold increase"); "the lessons are
            // twofold" counts nothing.
            if let Some(mult) = &g.mult
                && text[mult.clone()].to_ascii_lowercase().ends_with("fold")
                && !self.comparative.is_match(&text[mult.end..])
            {
                continue;
            }
            // Nothing needs a source for being zero ("it costs $0").
            let mut digits = whole.bytes().filter(u8::is_ascii_digit).peekable();
            if digits.peek().is_some() && digits.all(|b| b == b'0') {
                continue;
            }
            if g.money.is_some() || g.num.is_some() {
                // A number glued to letters or joined by a hyphen is a name ("COVID-19", "G7").
                let before = text[..range.start].chars().next_back();
                let start_of_number = g
                    .money
                    .as_ref()
                    .or(g.num.as_ref())
                    .expect("one of them")
                    .start;
                let glued = text[..start_of_number].chars().next_back();
                // A number glued to letters, signs or dashes is a name, an issue number or a
                // technical value ("COVID-19", "#1234", "−170", "1–800").
                let glue = |c: char| c.is_alphanumeric() || "-_./#−+–—@$".contains(c);
                let mut preceding = text[..start_of_number].chars().rev();
                // "moveForward(100)": an argument, not a count.
                let call = preceding.next() == Some('(')
                    && preceding.next().is_some_and(char::is_alphanumeric);
                if g.approx.is_none() && before.is_some_and(glue)
                    || glued.is_some_and(|c| c.is_alphabetic() || "-#−+–—@".contains(c))
                    || call
                {
                    continue;
                }
                // "Total words written (May): 42.6k" shows a value; it does not claim one.
                let label_value = text[..start_of_number].trim_end().ends_with(':')
                    && text[range.end..]
                        .trim_start()
                        .chars()
                        .next()
                        .is_none_or(|c| matches!(c, '.' | '(' | ';' | ','));
                if label_value {
                    continue;
                }
            }
            if in_conversion(text, range.start)
                || g.approx.is_none()
                    && g.num
                        .as_ref()
                        .is_some_and(|n| text[n.clone()].bytes().all(|b| b.is_ascii_digit()))
                    && g.suffix.is_none()
                    && after_name(text, range.start)
            {
                continue;
            }
            let Some(sentence) = block.sentence_at(range.start) else {
                continue;
            };
            let (illustrative, not_stats) = context.get_or_insert_with(|| {
                let find = |r: &Option<Regex>| -> Vec<Range<usize>> {
                    r.as_ref()
                        .map(|r| r.find_iter(text).map(|m| m.range()).collect())
                        .unwrap_or_default()
                };
                let illustrative = find(&self.hypothetical)
                    .iter()
                    .filter_map(|r| block.sentence_at(r.start))
                    .collect();
                (illustrative, find(&self.not_statistics))
            });
            if illustrative.contains(&sentence)
                || not_stats
                    .iter()
                    .any(|r| r.start < range.end && range.start < r.end)
            {
                continue;
            }
            let (kind, base) = self.kind(text, &g);
            out.push(Quantity {
                range,
                sentence,
                kind,
                base,
            });
        }
        out
    }

    /// Whether a digit number (with its optional suffix) is a statistic, not a year, date,
    /// time, identifier, age, street number or small count.
    fn is_statistic(&self, text: &str, num: Range<usize>, suffix: Option<&str>) -> bool {
        let digits = &text[num.clone()];
        let after = &text[num.end..];
        // Only the words just before a number can name it ("Article 5", "version 4.2"); a
        // bounded look-behind keeps this linear in long paragraphs.
        let before = &text[floor_char_boundary(text, num.start.saturating_sub(64))..num.start];
        // Dates, times, scores and ranges written with separators: "2026-10-21", "24/7",
        // "9:30", "3-2"; ordinals and other letter suffixes: "12th", "4K".
        let mut next_chars = after.chars();
        let (first, second) = (next_chars.next(), next_chars.next());
        if first.is_some_and(char::is_alphabetic) && suffix.is_none()
            || first.is_some_and(|c| matches!(c, '-' | '/' | ':' | '–'))
                && second.is_some_and(char::is_alphanumeric)
        {
            return false;
        }
        if self.after_time.is_match(after) {
            return false;
        }
        if self.identifier_before.is_match(before) || self.identifier_after.is_match(after) {
            return false;
        }
        // Digits grouped by spaces ("7 310") belong to the number before them.
        if digits.len() == 3
            && before.ends_with([' ', '\u{a0}', '\u{202f}'])
            && before
                .trim_end_matches([' ', '\u{a0}', '\u{202f}'])
                .ends_with(|c: char| c.is_ascii_digit())
        {
            return false;
        }
        // Dates: "October 14", "14 September", "14th of May".
        let prev_word = before
            .trim_end()
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        let mut next_words = after
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty());
        let next_word = next_words.next().unwrap_or("");
        let month_after = self.month.is_match(next_word)
            || next_word.eq_ignore_ascii_case("of")
                && self.month.is_match(next_words.next().unwrap_or(""));
        if self.month.is_match(prev_word.trim_end_matches(',')) || month_after {
            return false;
        }
        if let Some(suffix) = suffix {
            let suffix = suffix.trim().to_ascii_lowercase();
            if suffix == "x" || suffix == "times" {
                let tail = after.get(suffix_len(after, &suffix)..).unwrap_or("");
                return self.comparative.is_match(tail)
                    || tail
                        .trim_start()
                        .starts_with(['.', ',', ';', ')', '!', '?'])
                    || tail.trim().is_empty();
            }
            return true;
        }
        let value: Option<f64> = digits.replace(',', "").parse().ok();
        let has_separator = digits.contains(',');
        if digits.contains('.') && !has_separator {
            // A bare decimal without a unit is a version or a score more often than a figure.
            return false;
        }
        let Some(value) = value else { return false };
        let integer = value as u64;
        if !has_separator && (self.year_range[0]..=self.year_range[1]).contains(&integer) {
            return false;
        }
        // Ages in apposition: "Tom Reyes, 54, said".
        if integer <= 120
            && before.trim_end().ends_with(',')
            && after.trim_start().starts_with([',', ')'])
        {
            return false;
        }
        if self.street_after.is_match(after) {
            return false;
        }
        has_separator || integer >= self.min_plain_count
    }

    /// Sentences of a block that carry an attribution, and vague phrases per sentence.
    fn attributed_sentences(
        &self,
        block: &Block,
        quantities: &[Quantity],
    ) -> (Vec<bool>, Vec<Vec<Range<usize>>>) {
        let text = &block.text;
        let mut sourced = vec![false; block.sentences.len()];
        let mut vague_in = vec![Vec::new(); block.sentences.len()];
        let vague: Vec<Range<usize>> = self
            .vague
            .as_ref()
            .map(|v| v.find_iter(text).collect())
            .unwrap_or_default();
        // "According to reports from the ministry" names its source after all.
        let (named, vague): (Vec<Range<usize>>, Vec<Range<usize>>) =
            vague.into_iter().partition(|r| {
                self.named_source_after
                    .as_ref()
                    .is_some_and(|n| n.is_match(&text[r.end..]))
            });
        for range in &vague {
            if let Some(s) = block.sentence_at(range.start) {
                vague_in[s].push(range.clone());
            }
        }
        for range in &named {
            if let Some(s) = block.sentence_at(range.start) {
                sourced[s] = true;
            }
        }
        let overlaps = |r: &Range<usize>, others: &[Range<usize>]| {
            others.iter().any(|o| o.start < r.end && r.start < o.end)
        };
        let quantity_ranges: Vec<Range<usize>> =
            quantities.iter().map(|q| q.range.clone()).collect();
        let mut mark = |range: Range<usize>| {
            if let Some(s) = block.sentence_at(range.start) {
                sourced[s] = true;
            }
        };
        if let Some(attribution) = &self.attribution {
            for m in attribution.find_iter(text) {
                let r = m.range();
                if !overlaps(&r, &vague)
                    && !overlaps(&r, &quantity_ranges)
                    && !block.is_excluded(&r)
                {
                    mark(r);
                }
            }
        }
        if let Some(citation) = &self.citation {
            for m in citation.find_iter(text) {
                mark(m.range());
            }
        }
        (sourced, vague_in)
    }
}

impl Check for UnsourcedNumber {
    /// Numbers, their cues and the sentences around them: the busiest rule on prose with figures.
    fn cost_hint(&self) -> u32 {
        8
    }

    fn set_members(&self) -> Vec<crate::pattern::Member> {
        let mut members = vec![crate::pattern::Member::Literals(std::sync::Arc::clone(
            &self.prefilter_words,
        ))];
        members.extend(
            self.speaker_statements
                .iter()
                .cloned()
                .map(crate::pattern::Member::Pattern),
        );
        members
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        let section_source = |text: &str| {
            self.section_source
                .as_ref()
                .is_some_and(|r| r.is_match(text))
        };
        let title_sourced = doc
            .front_matter
            .map(|fm| &doc.source[fm.range()])
            .and_then(|fm| fm.lines().find(|l| l.trim_start().starts_with("title")))
            .is_some_and(section_source);
        // Whether the innermost heading above the current block presents its own data.
        let mut heading_sourced = false;
        // Who makes statements in the article, found once, when first needed.
        let mut speakers: Option<HashSet<String>> = None;
        for (index, block) in doc.prose() {
            if block.kind.is_heading() {
                heading_sourced = section_source(&block.text);
            }
            if !self.checked(block) || title_sourced || heading_sourced {
                continue;
            }
            let quantities = self.quantities(block);
            if quantities.is_empty() {
                continue;
            }
            if self.captioned(doc, index) {
                continue;
            }
            let (mut sourced, vague_in) = self.attributed_sentences(block, &quantities);
            for link in &doc.links[block.links.clone()] {
                if let Some(s) = block.sentence_at(link.text_range.start) {
                    sourced[s] = true;
                }
            }
            // A bare URL, or a link whose destination is a template expression
            // (`[text]({{ "/page" | url }})`), is a link too.
            for ex in &block.excluded {
                let t = &block.text[ex.clone()];
                let is_link = t.starts_with("http")
                    || t.starts_with("www.")
                    || t.starts_with("{{") && block.text[..ex.start].ends_with("](");
                if is_link && let Some(s) = block.sentence_at(ex.start) {
                    sourced[s] = true;
                }
            }
            // One finding per sentence: attribution is per sentence, so one source fixes all
            // of its figures; the others are shown beside the first.
            let mut open: Option<(usize, Diagnostic)> = None;
            // A sentence that only quotes someone ("“We will stay,” she said.") sources the
            // quotation, not the sentences around it.
            let sources_neighbours: Vec<bool> = (0..sourced.len())
                .map(|s| sourced[s] && !self.only_quotes(doc, index, block, s))
                .collect();
            for q in &quantities {
                let s = q.sentence;
                let ok = sourced[s]
                    || self.window == Window::Paragraph
                        && (sources_neighbours[..s].iter().any(|&x| x)
                            || sources_neighbours.get(s + 1).copied().unwrap_or(false));
                // Quoted speech is sourced by its speaker.
                if ok || doc.in_quotation(index, q.range.clone()) {
                    continue;
                }
                let claim = self.claim(block, q, &vague_in[s]);
                if claim.score < self.threshold {
                    continue;
                }
                if vague_in[s].is_empty()
                    && self.opens_with_speaker(
                        block,
                        s,
                        q,
                        speakers.get_or_insert_with(|| self.speakers(doc)),
                    )
                {
                    continue;
                }
                let span = block.source_span(q.range.clone());
                if let Some((sentence, d)) = open.as_mut()
                    && *sentence == s
                {
                    d.related.push(crate::diagnostic::Related {
                        span,
                        message: "also unsourced".to_string(),
                    });
                    continue;
                }
                let evidence = self.evidence(&claim);
                let matched = &block.text[q.range.clone()];
                let mut d = rule.diagnostic(span, &[("match", matched), ("evidence", &evidence)]);
                for vague in &vague_in[s] {
                    d = d.with_related(block.source_span(vague.clone()), "attributed to nobody");
                }
                out.extend(open.replace((s, d)).map(|(_, d)| d));
            }
            out.extend(open.map(|(_, d)| d));
        }
    }

    fn resolve(&mut self, rules: &[Rule]) -> Result<(), String> {
        let Some(id) = &self.vague_rule else {
            return Ok(());
        };
        let rule = rules
            .iter()
            .find(|r| &r.meta.id == id)
            .ok_or_else(|| format!("`vague-rule` names `{id}`, which is not loaded"))?;
        let phrase = rule
            .check
            .as_any()
            .downcast_ref::<super::Phrase>()
            .ok_or_else(|| format!("`vague-rule` names `{id}`, which is not a phrase rule"))?;
        self.vague = Some(phrase.matcher().clone());
        Ok(())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl UnsourcedNumber {
    /// A table cell or list item whose table or list is followed by a `Source:` caption.
    fn captioned(&self, doc: &Document<'_>, index: usize) -> bool {
        let Some(caption) = &self.source_caption else {
            return false;
        };
        let block = &doc.blocks[index];
        let same_group = |b: &Block| match block.kind {
            BlockKind::TableCell => b.kind == BlockKind::TableCell,
            BlockKind::ListItem => {
                b.list.map(|l| l.list) == block.list.map(|l| l.list) && block.list.is_some()
            }
            _ => false,
        };
        if !same_group(block) {
            return false;
        }
        let next = doc.blocks[index..].iter().find(|b| !same_group(b));
        next.is_some_and(|b| caption.is_match(b.text.trim()))
    }
}

impl UnsourcedNumber {
    /// The kind of quantity a candidate is, and its base score.
    fn kind(&self, text: &str, g: &Groups) -> (Kind, f64) {
        let kind = self.kind_of(text, g);
        let b = &self.base;
        let base = match kind {
            Kind::Percent => b.percent,
            Kind::Money => b.money,
            Kind::Count => b.count,
            Kind::Scaled => b.scaled,
            Kind::Measurement => b.measurement,
            Kind::Multiplier => b.multiplier,
            Kind::Ratio => b.ratio,
        };
        // Money in millions is also a scaled figure.
        let lower = text[g.whole.clone()].to_lowercase();
        let scaled_money = kind == Kind::Money
            && self.scale_words.iter().any(|w| {
                lower
                    .strip_suffix(w.as_str())
                    .is_some_and(|rest| rest.ends_with(|c: char| c.is_ascii_digit() || c == ' '))
            });
        (
            kind,
            if scaled_money {
                base.max(b.scaled)
            } else {
                base
            },
        )
    }

    fn kind_of(&self, text: &str, g: &Groups) -> Kind {
        if g.ratio.is_some() {
            return Kind::Ratio;
        }
        if g.mult.is_some() {
            return Kind::Multiplier;
        }
        if g.spelled.is_some() {
            return Kind::Scaled;
        }
        let suffix = g
            .suffix
            .clone()
            .map(|m| text[m].trim().to_lowercase())
            .unwrap_or_default();
        if g.money.is_some()
            || !suffix.is_empty()
                && self
                    .currency_words
                    .iter()
                    .any(|w| suffix.ends_with(w.as_str()))
        {
            return Kind::Money;
        }
        if suffix.is_empty() {
            return Kind::Count;
        }
        if suffix == "%" || self.percent_words.contains(&suffix) {
            return Kind::Percent;
        }
        if suffix == "x" || suffix == "times" {
            return Kind::Multiplier;
        }
        if self.scale_words.contains(&suffix) {
            return Kind::Scaled;
        }
        if self.counted_units.contains(&suffix) {
            return Kind::Count;
        }
        Kind::Measurement
    }

    /// The claim score of an unsourced quantity and the cues that raised it.
    fn claim(&self, block: &Block, q: &Quantity, vague: &[Range<usize>]) -> Claim {
        let text = &block.text;
        let sentence = block.sentences[q.sentence].text.clone();
        // Cues are looked for in the sentence, but no further than a few hundred bytes from
        // the number, which keeps the cost linear in a run-on "sentence" full of figures.
        let start = floor_char_boundary(
            text,
            sentence.start.max(q.range.start.saturating_sub(CUE_REACH)),
        )
        .min(q.range.start);
        let end =
            ceil_char_boundary(text, sentence.end.min(q.range.end + CUE_REACH)).max(q.range.end);
        let mut claim = Claim {
            score: q.base,
            reasons: Vec::new(),
        };
        for cue in &self.cues {
            if !cue.kinds.is_empty() && !cue.kinds.contains(&q.kind) {
                continue;
            }
            let (hay, offset) = match cue.scope {
                CueScope::Match => (&text[q.range.clone()], q.range.start),
                CueScope::Before => (&text[start..q.range.start], start),
                CueScope::After => (&text[q.range.end..end], q.range.end),
                CueScope::Sentence => (&text[start..end], start),
            };
            // A sentence cue may not be the number itself, unless it is a word ("doubled").
            let found = cue.pattern.find_iter(hay).find(|m| {
                cue.scope != CueScope::Sentence
                    || !(offset + m.start() < q.range.end && q.range.start < offset + m.end())
                    || !m.as_str().contains(|c: char| c.is_ascii_digit())
            });
            if let Some(m) = found {
                claim.score += cue.weight;
                if cue.weight > 0.0 {
                    claim
                        .reasons
                        .push(format!("{} (\"{}\")", cue.reason, m.as_str().trim()));
                }
            }
        }
        if let Some(v) = vague.first() {
            claim.score += self.vague_weight;
            claim
                .reasons
                .push(format!("attributed to nobody (\"{}\")", &text[v.clone()]));
        }
        claim
    }

    /// The finding's explanation: the cues that made the number a claim, and its score when
    /// it is borderline.
    fn evidence(&self, claim: &Claim) -> String {
        let mut out = if claim.reasons.is_empty() {
            "a statistic".to_string()
        } else {
            claim.reasons.join(", ")
        };
        out.push_str(match self.window {
            Window::Sentence => "; no source in its sentence",
            Window::Paragraph => "; no source in its paragraph",
        });
        if self.threshold > 0.0 && claim.score < self.threshold + 0.25 {
            out.push_str(&format!(" (claim score {:.2})", claim.score));
        }
        out
    }

    /// The sentence is a quotation and its attribution: most of its words are quoted.
    fn only_quotes(&self, doc: &Document<'_>, index: usize, block: &Block, s: usize) -> bool {
        let sentence = &block.sentences[s];
        let quoted: usize = doc
            .quotations_in(index)
            .iter()
            .filter(|q| q.outer.start < sentence.text.end && sentence.text.start < q.outer.end)
            .map(|q| q.words)
            .sum();
        quoted > 0 && quoted * 2 >= sentence.words.len()
    }

    /// Lower-cased words that name who makes a statement somewhere in the article.
    fn speakers(&self, doc: &Document<'_>) -> HashSet<String> {
        let mut out = HashSet::new();
        for (_, block) in doc.prose() {
            for caps in self
                .speaker_statements
                .iter()
                .flat_map(|s| s.captures_iter(&block.text))
            {
                if let Some(m) = caps.name("speaker") {
                    let word = m.as_str().to_lowercase();
                    if !self.speaker_stopwords.contains(&word) {
                        out.insert(word);
                    }
                }
            }
        }
        out
    }

    /// The sentence opens (in its first words, before the number) with a speaker of the
    /// article: the figure is the speaker's own ("Deutsche Bank is to cut 2,850 jobs").
    fn opens_with_speaker(
        &self,
        block: &Block,
        sentence: usize,
        q: &Quantity,
        speakers: &HashSet<String>,
    ) -> bool {
        if speakers.is_empty() {
            return false;
        }
        let words = block.sentences[sentence].words.clone();
        block.words[words]
            .iter()
            .take(6)
            .take_while(|w| w.text.end <= q.range.start)
            .any(|w| speakers.contains(&block.text[w.text.clone()].to_lowercase()))
    }
}

/// How far (in bytes) from a number its cues are looked for.
const CUE_REACH: usize = 320;

/// The first char boundary at or after `at`.
fn ceil_char_boundary(text: &str, at: usize) -> usize {
    (at.min(text.len())..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len())
}

/// A figure inside brackets right after another figure is its conversion: "100 mph (161
/// km/h)", "€20,000 (£17,500; US$22,900)".
fn in_conversion(text: &str, at: usize) -> bool {
    let before = &text[floor_char_boundary(text, at.saturating_sub(48))..at];
    let Some(open) = before.rfind('(') else {
        return false;
    };
    if before[open..].contains(')') {
        return false;
    }
    // The figure converted: a number among the last few words before the bracket.
    before[..open]
        .split_whitespace()
        .rev()
        .take(3)
        .any(|w| w.contains(|c: char| c.is_ascii_digit()))
}

/// A plain number right after a capitalised word that does not open the sentence names a
/// model or a document: "Boeing 737", "HR 6819".
fn after_name(text: &str, at: usize) -> bool {
    let before = &text[floor_char_boundary(text, at.saturating_sub(40))..at];
    if !before.ends_with(' ') {
        return false;
    }
    let mut words = before.split_whitespace().rev();
    let Some(word) = words.next() else {
        return false;
    };
    let previous = words.next();
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(|c| c.is_alphanumeric() || c == '-')
        // The capitalised word must not open the sentence ("Over 500", "Nearly 400").
        && previous.is_some_and(|p| !p.ends_with(['.', '!', '?', ':']))
}

/// Bytes of `after` taken by the suffix "x" / "times" and the white space before it.
fn suffix_len(after: &str, suffix: &str) -> usize {
    let lead = after.len() - after.trim_start().len();
    lead + suffix.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).expect("needle in text")
    }

    /// A match of the built-in digit pattern made only of digits, `,` and `.` has exactly the
    /// groups [`Groups::bare_number`] gives it, whatever surrounds it.
    #[test]
    fn bare_number_groups_are_the_captured_ones() {
        let rules = crate::rules::RuleSet::builtin().expect("built-in rules");
        let rule = rules
            .rules
            .iter()
            .find(|r| r.meta.id == "unsourced-number")
            .expect("the rule");
        let un = rule
            .check
            .as_any()
            .downcast_ref::<UnsourcedNumber>()
            .expect("an unsourced-number rule");
        assert!(un.bare_numbers);
        let parts = [
            "2024",
            "1,000",
            "4.5",
            "12",
            "0",
            " ",
            "  ",
            "%",
            "$",
            "€",
            "US$",
            "million",
            "bn",
            "k",
            "m",
            "about ",
            "nearly ",
            " in ",
            " out of ",
            "percent",
            " per cent",
            "x",
            "times",
            "km",
            "kg",
            "-",
            "a",
            "b",
            ",",
            ".",
            "(",
            ")",
            ":",
            "#",
            "fold",
            "one",
            "five",
            "twice",
            "\n",
        ];
        let (mut bare, mut other) = (0, 0);
        for text in crate::document::test_text::random_texts(&parts, 41, 12, 40_000) {
            for caps in un.digit_quantity.captures_iter(&text) {
                let range = caps.get(0).expect("match").range();
                if is_bare_number(&text[range.clone()]) {
                    bare += 1;
                    assert_eq!(Groups::of(&caps), Groups::bare_number(range), "{text:?}");
                } else {
                    other += 1;
                }
            }
        }
        assert!(bare > 10_000 && other > 2_000, "{bare} {other}");
        assert!(may_match_bare(""));
        assert!(may_match_bare(" 1.5 "));
        assert!(!may_match_bare("1 5"));
        assert!(!may_match_bare("m2"));
    }

    #[test]
    fn conversions_follow_a_figure_in_brackets() {
        let text =
            "flew at 100 mph (161 km/h) and paid €20,000 (£17,500; US$22,900) (about 300 people)";
        assert!(in_conversion(text, at(text, "161")));
        assert!(in_conversion(text, at(text, "£17,500")));
        assert!(in_conversion(text, at(text, "US$22,900")));
        assert!(!in_conversion(text, at(text, "100 mph")));
        // A bracket after words, not after a figure, is an aside.
        let text = "the crowd (about 300 people) cheered";
        assert!(!in_conversion(text, at(text, "about 300")));
    }

    #[test]
    fn numbers_after_a_name_are_identifiers() {
        let text = "The aircraft was a Boeing 737. The bill, HR 6819, passed. Over 500 came.";
        assert!(after_name(text, at(text, "737")));
        assert!(after_name(text, at(text, "6819")));
        assert!(!after_name(text, at(text, "500")));
        let text = "The House includes 235 Democrats.";
        assert!(!after_name(text, at(text, "235")));
    }
}
