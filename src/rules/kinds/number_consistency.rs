use std::any::Any;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use crate::pattern::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{
    KindError, compile_alternation, documented_kind, is_bare_number, phrase_alternation,
    spanned_parts,
};
use crate::diagnostic::Diagnostic;
use crate::document::{BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NumberConsistencyParams {
    /// Groups of words that count the same thing: `["troops", "soldiers"]`,
    /// `["deaths", "people killed"]`, `["cost", "price", "budget"]`.
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    /// Words before a money amount that make it a cost: "cost", "costs", "priced at".
    #[serde(default)]
    cost_words: Vec<String>,
    /// Words before a number that make it approximate: "about", "around", "some".
    #[serde(default)]
    approximators: Vec<String>,
    /// Words before a number that make it a lower bound: "more than", "at least".
    #[serde(default)]
    lower_bounds: Vec<String>,
    /// Words before a number that make it an upper bound: "less than", "up to", "nearly".
    #[serde(default)]
    upper_bounds: Vec<String>,
    /// How far an approximate value may be from another, as a fraction (0.05 = 5%).
    #[serde(default)]
    tolerance: Option<f64>,
    /// Words that end the noun phrase after a number ("12,000 soldiers *were* …").
    #[serde(default)]
    function_words: Vec<String>,
    /// Regexes; a sentence matching one states a change, a comparison, a part or a
    /// hypothesis, and its numbers are not compared ("rose from 2,100 to 2,300",
    /// "1,200 of them", "if 5,000 come").
    #[serde(default)]
    skip_sentences: Vec<Spanned<String>>,
    /// Regexes of periods and dates; two statements are compared only when their sentences
    /// name the same ones ("as of July" is not "as of August").
    #[serde(default)]
    periods: Vec<Spanned<String>>,
    /// Words that say when something was reported, not when it was true ("said on Monday"):
    /// neither periods nor names.
    #[serde(default)]
    report_times: Vec<String>,
    /// Words after which a number is a name: "Article 5", "version 4", "No. 10".
    #[serde(default)]
    identifier_prefixes: Vec<String>,
    /// Plain counts below this are small counts of ordinary prose, never compared.
    #[serde(default)]
    min_count: Option<f64>,
    /// Plain integers in this range are years.
    #[serde(default)]
    year_range: Option<[f64; 2]>,
    /// Share of content words two statements' sentences must have in common (overlap
    /// coefficient, 0–1) to be about the same thing.
    #[serde(default)]
    min_context_overlap: Option<f64>,
    /// Content words two statements' sentences must at least have in common.
    #[serde(default)]
    min_common_words: Option<usize>,
    /// Share of names (Jaccard, 0–1) two statements' sentences must have in common when both
    /// name someone or something.
    #[serde(default)]
    min_name_overlap: Option<f64>,
    /// Number words and their values, for spelled-out numbers ("twelve thousand").
    #[serde(default)]
    number_words: HashMap<String, f64>,
    /// Scale words and their multipliers: "million" = 1e6, "bn" = 1e9.
    #[serde(default)]
    scales: HashMap<String, f64>,
    /// Content words ignored when comparing contexts (beside function words).
    #[serde(default)]
    stop_words: Vec<String>,
}

documented_kind! {
    /// ## What it does
    /// Finds the same quantity stated with different values in one document: "more than 2,300
    /// deaths" in the body and "2,100 deaths" in an FAQ answer, "will cost $4.2 million" and
    /// "the $4.5 million project", "12,000 troops" and "11,000 soldiers".
    ///
    /// Statements are matched by what the number counts (the head noun after it, a synonym
    /// group of `synonyms`, or a cost for money after a `cost-words` verb), by its unit
    /// (count, currency, percentage), by the place it is tied to ("deaths in Spain"), by the
    /// periods its sentence names (`periods`), and by the words around it (at least
    /// `min-context-overlap` of the content words in common). Values are normalised: "2.3
    /// million" = "2,300,000", "$4.2m" = "$4.2 million", "twelve thousand" = "12,000".
    ///
    /// Figures inside quotations are the speaker's and are not compared.
    ///
    /// Not inconsistent: rounding ("about 2,300" and "2,312"; a round number stands for a
    /// range of its last digit), bounds that hold ("more than 2,300" and "2,400"), ranges that
    /// contain the other value ("10,000–12,000"), sentences that state a change, a comparison,
    /// a part of a total or a hypothesis (`skip-sentences`: "rose from 2,100 to 2,300", "1,200
    /// of them"), different periods and different places. The finding points at the later
    /// statement and shows the earlier one.
    ///
    /// ## Why is this bad
    /// A reader who meets two figures for one fact trusts neither. Drafts assembled from
    /// several sources, or with an FAQ written apart from the body, often disagree with
    /// themselves.
    ///
    /// ## Example
    /// `More than 2,300 people died. … FAQ: How many died? About 2,100 deaths were recorded.`
    /// → use one figure, or say why they differ ("2,100 by March; 2,300 by May").
    #[derive(Debug)]
    pub struct NumberConsistency {
        quantity: Regex,
        /// No scale word is empty or a plain number, so a match of `quantity` that is a plain
        /// number (after one space) is its number group alone (see [`DigitGroups`]).
        bare_numbers: bool,
        spelled: Option<Regex>,
        approx_before: Option<Regex>,
        lower_before: Option<Regex>,
        upper_before: Option<Regex>,
        cost_before: Option<Regex>,
        identifier_before: Option<Regex>,
        skip_sentence: Option<Regex>,
        period: Option<Regex>,
        range_after: Regex,
        range_before: Regex,
        synonyms: HashMap<String, usize>,
        function_words: HashSet<String>,
        stop_words: HashSet<String>,
        report_times: HashSet<String>,
        number_words: HashMap<String, f64>,
        scales: HashMap<String, f64>,
        tolerance: f64,
        min_count: f64,
        year_range: [f64; 2],
        min_overlap: f64,
        min_common: usize,
        min_name_overlap: f64,
    }
}

fn words_regex(words: &[String], before: &str, after: &str) -> Result<Option<Regex>, KindError> {
    if words.is_empty() {
        return Ok(None);
    }
    crate::pattern::compile(&format!("(?i){before}{}{after}", phrase_alternation(words)))
        .map(Some)
        .map_err(|e| KindError::new(format!("invalid word list: {e}"), None))
}

const DIGITS: &str = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: NumberConsistencyParams| {
        let lower = |v: &[String]| -> Vec<String> { v.iter().map(|w| w.to_lowercase()).collect() };
        let mut scale_words: Vec<&String> = p.scales.keys().collect();
        // Longest first, ties alphabetical: the same pattern in every run, which build.rs
        // compiles ahead of time (src/pattern/builtin.json).
        scale_words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let scale_alt = scale_words
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|");
        let scale = if scale_alt.is_empty() {
            String::new()
        } else {
            format!(r"\s?(?P<scale>{scale_alt})\b|")
        };
        let quantity = crate::pattern::compile(&format!(
            r"(?i)(?P<cur>US\$|A\$|C\$|[$£€¥₹])?\s?(?P<num>{DIGITS})(?:{scale}\b)(?P<pct>\s?%|\s+per\s?cent\b)?"
        ))
        .map_err(|e| KindError::new(format!("invalid scale words: {e}"), None))?;
        let mut number_words: Vec<&String> = p.number_words.keys().collect();
        number_words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let spelled = if number_words.is_empty() {
            None
        } else {
            let words = number_words
                .iter()
                .chain(scale_words.iter().filter(|w| w.len() > 2))
                .map(|w| regex::escape(w))
                .collect::<Vec<_>>()
                .join("|");
            Some(
                crate::pattern::compile(&format!(
                    r"(?i)\b(?:{words})(?:(?:[\s-]+|\s+and\s+)(?:{words}))*\b"
                ))
                .map_err(|e| KindError::new(format!("invalid number words: {e}"), None))?,
            )
        };
        let mut synonyms = HashMap::new();
        for (group, words) in p.synonyms.iter().enumerate() {
            for word in words {
                synonyms.insert(word.to_lowercase(), group);
            }
        }
        Ok(NumberConsistency {
            quantity,
            bare_numbers: scale_words
                .iter()
                .all(|w| !w.is_empty() && !is_bare_number(w)),
            spelled,
            approx_before: words_regex(&p.approximators, "", r"\s*$")?,
            lower_before: words_regex(&p.lower_bounds, "", r"\s*$")?,
            upper_before: words_regex(&p.upper_bounds, "", r"\s*$")?,
            cost_before: words_regex(
                &p.cost_words,
                "",
                r"(?:\s+(?:about|around|some|roughly|approximately|nearly|almost|more\s+than|over|under|less\s+than|an\s+estimated|at\s+least|just|only))?\s*$",
            )?,
            identifier_before: words_regex(&p.identifier_prefixes, "", r"\.?\s*#?\s*$")?,
            skip_sentence: compile_alternation(&spanned_parts(&p.skip_sentences), false)?,
            period: compile_alternation(&spanned_parts(&p.periods), false)?,
            range_after: crate::pattern::compile(&format!(
                r"(?i)^\s*(?:-|–|—|to|and)\s*(?:US\$|[$£€¥₹])?(?:{DIGITS})"
            ))
            .expect("built-in pattern"),
            range_before: crate::pattern::compile(&format!(
                r"(?i)(?:{DIGITS})\s*(?:%|\s(?:million|billion|thousand))?\s*(?:-|–|—|to|and)\s*$"
            ))
            .expect("built-in pattern"),
            synonyms,
            function_words: lower(&p.function_words).into_iter().collect(),
            stop_words: lower(&p.stop_words).into_iter().collect(),
            report_times: lower(&p.report_times).into_iter().collect(),
            number_words: p
                .number_words
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            scales: p
                .scales
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            tolerance: p.tolerance.unwrap_or(0.05),
            min_count: p.min_count.unwrap_or(10.0),
            year_range: p.year_range.unwrap_or([1000.0, 2100.0]),
            min_overlap: p.min_context_overlap.unwrap_or(0.3),
            min_common: p.min_common_words.unwrap_or(2),
            min_name_overlap: p.min_name_overlap.unwrap_or(0.5),
        })
    })
}

/// What a number measures: its unit and the thing it counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Count,
    Money(String),
    Percent,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Thing {
    /// A synonym group.
    Group(usize),
    /// A head noun, singular.
    Noun(String),
}

/// A number stated in the document, with what it counts.
#[derive(Debug)]
struct Statement {
    block: usize,
    sentence: usize,
    range: Range<usize>,
    unit: Unit,
    thing: Thing,
    /// The place it is tied to ("deaths in Spain").
    place: Option<String>,
    periods: BTreeSet<String>,
    /// The interval of values the statement allows.
    low: f64,
    high: f64,
    /// Content words of the sentence, for comparing contexts.
    context: HashSet<String>,
    /// Names in the sentence (capitalised words after its first): who or what it is about.
    names: HashSet<String>,
    /// Words of the noun phrase before its head ("North Korean" in "North Korean troops").
    modifiers: HashSet<String>,
}

impl Statement {
    fn same_quantity(&self, other: &Statement) -> bool {
        // "hydrogen gas" and "carbon dioxide" environments are different things.
        let modifiers_agree = self.modifiers.is_empty()
            || other.modifiers.is_empty()
            || !self.modifiers.is_disjoint(&other.modifiers);
        self.unit == other.unit
            && self.thing == other.thing
            && self.place == other.place
            && self.periods == other.periods
            && modifiers_agree
    }

    fn consistent_with(&self, other: &Statement) -> bool {
        self.low < other.high && other.low < self.high
    }
}

/// A number found in a block, before it is tied to a thing.
struct Candidate {
    range: Range<usize>,
    value: f64,
    /// Half the unit of the last significant digit: "2,300" stands for 2,250–2,350.
    half_step: f64,
    unit: Unit,
    scaled: bool,
}

/// The groups of a match of the digit quantity pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DigitGroups {
    whole: Range<usize>,
    cur: Option<Range<usize>>,
    num: Range<usize>,
    scale: Option<Range<usize>>,
    pct: Option<Range<usize>>,
}

impl DigitGroups {
    fn of(caps: &crate::pattern::Captures<'_>) -> DigitGroups {
        let group = |name: &str| caps.name(name).map(|m| m.range());
        DigitGroups {
            whole: caps.get(0).expect("match").range(),
            cur: group("cur"),
            num: group("num").expect("num"),
            scale: group("scale"),
            pct: group("pct"),
        }
    }

    /// The groups of a match that is a plain number, after at most one ASCII space (the
    /// pattern's `\s?`), when no scale word can match a plain number: the number alone.
    fn bare(text: &str, whole: Range<usize>) -> Option<DigitGroups> {
        let body = &text[whole.clone()];
        let space = usize::from(body.as_bytes().first().is_some_and(u8::is_ascii_whitespace));
        is_bare_number(&body[space..]).then(|| DigitGroups {
            num: whole.start + space..whole.end,
            whole,
            cur: None,
            scale: None,
            pct: None,
        })
    }
}

impl NumberConsistency {
    /// The matches of the digit quantity pattern: most numbers of prose are plain ("2024"),
    /// and a plain one's groups are known without reading them from the match.
    fn digit_groups(&self, text: &str, has_digit: bool) -> Vec<DigitGroups> {
        if !has_digit {
            return Vec::new();
        }
        self.quantity
            .find_iter(text)
            .filter_map(|m| {
                self.bare_numbers
                    .then(|| DigitGroups::bare(text, m.range()))
                    .flatten()
                    .or_else(|| {
                        let caps = self.quantity.captures_of(text, m)?;
                        Some(DigitGroups::of(&caps))
                    })
            })
            .collect()
    }

    /// Numbers written with digits (only searched for where `has_digit`) and spelled out.
    fn candidates(&self, text: &str, has_digit: bool) -> Vec<Candidate> {
        let mut out = Vec::new();
        for g in self.digit_groups(text, has_digit) {
            let whole = &text[g.whole.clone()];
            let num = &text[g.num.clone()];
            let Ok(mut value) = num.replace(',', "").parse::<f64>() else {
                continue;
            };
            let mut half_step = half_step(num);
            let currency = g.cur.map(|c| text[c].to_string());
            let mut scaled = false;
            if let Some(scale) = g.scale {
                let word = text[scale].to_lowercase();
                // "4.2m" is money only with a currency sign; "4.2 m" alone is metres.
                let short = word.len() <= 2;
                if short && currency.is_none() {
                    continue;
                }
                let factor = self.scales.get(&word).copied().unwrap_or(1.0);
                value *= factor;
                half_step *= factor;
                scaled = true;
            }
            let unit = match (&currency, g.pct) {
                (Some(c), _) => Unit::Money(c.replace("US$", "$")),
                (None, Some(_)) => Unit::Percent,
                (None, None) => Unit::Count,
            };
            let start = g.whole.start + (whole.len() - whole.trim_start().len());
            out.push(Candidate {
                range: start..g.whole.end,
                value,
                half_step,
                unit,
                scaled,
            });
        }
        if let Some(spelled) = &self.spelled {
            for m in spelled.find_iter(text) {
                // "150 million" is a digit number with its scale; "million" alone is no number.
                let after_digit = text[..m.start()]
                    .trim_end()
                    .ends_with(|c: char| c.is_ascii_digit());
                let has_number_word = m
                    .as_str()
                    .split(|c: char| c.is_whitespace() || c == '-')
                    .any(|w| self.number_words.contains_key(&w.to_lowercase()));
                if after_digit || !has_number_word {
                    continue;
                }
                if let Some((value, half)) = self.spelled_value(m.as_str()) {
                    out.push(Candidate {
                        range: m.range(),
                        value,
                        half_step: half,
                        unit: Unit::Count,
                        scaled: true,
                    });
                }
            }
        }
        out.sort_by_key(|c| c.range.start);
        out
    }

    /// The value of spelled-out number words ("twelve thousand", "two hundred and fifty").
    fn spelled_value(&self, words: &str) -> Option<(f64, f64)> {
        let mut total: f64 = 0.0;
        let mut current: f64 = 0.0;
        let mut smallest_scale = f64::MAX;
        for word in words
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("and"))
        {
            let word = word.to_lowercase();
            if let Some(&n) = self.number_words.get(&word) {
                if n == 100.0 {
                    current = current.max(1.0) * 100.0;
                } else {
                    current += n;
                }
            } else if let Some(&scale) = self.scales.get(&word) {
                total += current.max(1.0) * scale;
                current = 0.0;
                smallest_scale = smallest_scale.min(scale);
            } else {
                return None;
            }
        }
        let value = total + current;
        let step = if current > 0.0 || smallest_scale == f64::MAX {
            1.0
        } else {
            smallest_scale
        };
        (value > 0.0).then_some((value, step / 2.0))
    }

    /// Whether a number is a year, an identifier, part of a name or a range.
    fn is_quantity(&self, text: &str, c: &Candidate) -> bool {
        let before = &text[..c.range.start];
        let after = &text[c.range.end..];
        let prev = before.chars().next_back();
        if prev.is_some_and(|ch| ch.is_alphanumeric() || "-_./#:–+".contains(ch)) {
            return false;
        }
        let next = after.chars().next();
        let next2 = after.chars().nth(1);
        // "9:30", "24/7", "3-2", "12th", "4K", "2019-10".
        if next.is_some_and(|ch| matches!(ch, ':' | '/' | '-' | '–' | '.'))
            && next2.is_some_and(char::is_alphanumeric)
            || next.is_some_and(char::is_alphabetic)
        {
            return false;
        }
        if self.range_after.is_match(after) || self.ends_range(before) {
            return false;
        }
        // "29 April", "April 29": a date, not a count.
        let next = after.trim_start();
        let next_word = &next[..next
            .find(|ch: char| !ch.is_alphabetic())
            .unwrap_or(next.len())];
        let prev = before.trim_end();
        let prev_word = &prev[prev.rfind(|ch: char| !ch.is_alphabetic()).map_or(0, |i| {
            i + prev[i..].chars().next().map_or(1, char::len_utf8)
        })..];
        if self.is_period_word(next_word) || self.is_period_word(prev_word) {
            return false;
        }
        let tail =
            &before[crate::span::floor_char_boundary(before, before.len().saturating_sub(40))..];
        if self
            .identifier_before
            .as_ref()
            .is_some_and(|r| r.is_match(tail))
        {
            return false;
        }
        if c.unit == Unit::Count && !c.scaled {
            let digits = &text[c.range.clone()];
            if digits.contains('.') {
                return false;
            }
            let is_year = !digits.contains(',')
                && c.value >= self.year_range[0]
                && c.value <= self.year_range[1];
            if is_year || c.value < self.min_count {
                return false;
            }
        }
        true
    }

    /// Whether `before` ends with the first number of a range ("2,100 to", "10–"). The
    /// pattern is searched only when the text ends with one of its separators, as it must: a
    /// search of everything before each number was quadratic in a paragraph's length.
    fn ends_range(&self, before: &str) -> bool {
        let trimmed = before.trim_end().as_bytes();
        let ends_with_word = |word: &[u8]| {
            trimmed.len() >= word.len()
                && trimmed[trimmed.len() - word.len()..].eq_ignore_ascii_case(word)
        };
        let separator = ["-", "–", "—"]
            .iter()
            .any(|dash| trimmed.ends_with(dash.as_bytes()))
            || ends_with_word(b"to")
            || ends_with_word(b"and");
        separator && self.range_before.is_match(before)
    }

    /// The noun phrase after a number: its words up to the first function word.
    fn noun_phrase<'t>(&self, after: &'t str) -> (Vec<&'t str>, &'t str) {
        let mut words = Vec::new();
        let mut rest = after;
        for _ in 0..4 {
            let trimmed = rest.trim_start_matches([' ', '\u{a0}']);
            let end = trimmed
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
                .unwrap_or(trimmed.len());
            let word = &trimmed[..end];
            let lower = word.to_lowercase();
            // A participle after the noun starts a clause: "respondents saying", "people killed".
            let participle = !words.is_empty()
                && lower.len() > 4
                && (lower.ends_with("ing") || lower.ends_with("ed"));
            if word.is_empty()
                || !word.chars().next().is_some_and(char::is_alphabetic)
                || self.function_words.contains(&lower)
                || participle
            {
                break;
            }
            words.push(word);
            rest = &trimmed[end..];
            // Punctuation ends the phrase.
            if !rest.starts_with(' ') {
                break;
            }
        }
        (words, rest)
    }

    fn thing_of(&self, noun: &str) -> Thing {
        let lower = noun.to_lowercase();
        if let Some(&g) = self.synonyms.get(&lower) {
            return Thing::Group(g);
        }
        let singular = if lower.len() > 3 && lower.ends_with('s') && !lower.ends_with("ss") {
            lower[..lower.len() - 1].to_string()
        } else {
            lower
        };
        match self.synonyms.get(&singular) {
            Some(&g) => Thing::Group(g),
            None => Thing::Noun(singular),
        }
    }

    /// The statements of one block.
    fn statements(&self, doc: &Document<'_>, index: usize, out: &mut Vec<Statement>) {
        let block = &doc.blocks[index];
        let text = &block.text;
        let has_digit = super::has_digit(text);
        if !has_digit && self.spelled.is_none() {
            return;
        }
        // Whether each sentence is skipped, looked up when a number of it is first met.
        let mut skipped: Vec<Option<bool>> = Vec::new();
        for c in self.candidates(text, has_digit) {
            // A speaker's figures are theirs: quoted words are not the writer's statements.
            if block.is_excluded(&c.range)
                || doc.in_quotation(index, c.range.clone())
                || !self.is_quantity(text, &c)
            {
                continue;
            }
            let Some(sentence) = block.sentence_at(c.range.start) else {
                continue;
            };
            let before = &text[..c.range.start];
            let after = &text[c.range.end..];
            let mut after_np = after;
            // "% of voters": the thing follows "of".
            if c.unit == Unit::Percent {
                let t = after.trim_start();
                if let Some(rest) = t.strip_prefix("of ") {
                    after_np = rest.trim_start_matches("the ");
                }
            }
            let (np, rest) = self.noun_phrase(after_np);
            // Without a head noun, only an amount of money can count something (a cost): the
            // other numbers are dropped before their sentence is searched.
            if np.is_empty() && !matches!(c.unit, Unit::Money(_)) {
                continue;
            }
            if skipped.is_empty() {
                skipped.resize(block.sentences.len(), None);
            }
            let skip = *skipped[sentence].get_or_insert_with(|| {
                self.skip_sentence
                    .as_ref()
                    .is_some_and(|r| r.is_match(&text[block.sentences[sentence].text.clone()]))
            });
            if skip {
                continue;
            }
            let window = &before
                [crate::span::floor_char_boundary(before, before.len().saturating_sub(40))..];
            let costs = self
                .cost_before
                .as_ref()
                .is_some_and(|r| r.is_match(window));
            let mut head_pair: Vec<&str> = Vec::new();
            let thing = match (&c.unit, np.last()) {
                (Unit::Money(_), _) if costs => Thing::Group(usize::MAX),
                // "the $4.5 million project": an amount before a noun is what it costs.
                (Unit::Money(_), Some(_)) => Thing::Group(usize::MAX),
                (_, Some(head)) => {
                    // "people killed": a two-word head from a synonym group, inside the
                    // phrase or across its end.
                    let next = rest
                        .trim_start()
                        .split(|ch: char| !ch.is_alphabetic())
                        .next()
                        .unwrap_or("");
                    let mut words: Vec<&str> = np.clone();
                    words.push(next);
                    let pair_group = words.windows(2).find_map(|w| {
                        let pair = format!("{} {}", w[0], w[1]).to_lowercase();
                        let group = self.synonyms.get(&pair).copied();
                        if group.is_some() {
                            head_pair = vec![w[0], w[1]];
                        }
                        group
                    });
                    match pair_group {
                        Some(g) => Thing::Group(g),
                        None => self.thing_of(head),
                    }
                }
                _ => continue,
            };
            let place = place_after(rest);
            let sentence_text = &text[block.sentences[sentence].text.clone()];
            let periods: BTreeSet<String> = self
                .period
                .as_ref()
                .map(|r| {
                    r.find_iter(sentence_text)
                        .map(|m| m.as_str().to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            let (mut low, mut high) = (c.value - c.half_step, c.value + c.half_step);
            let tol = c.value * self.tolerance;
            if self
                .lower_before
                .as_ref()
                .is_some_and(|r| r.is_match(window))
            {
                (low, high) = (c.value, f64::INFINITY);
            } else if self
                .upper_before
                .as_ref()
                .is_some_and(|r| r.is_match(window))
            {
                (low, high) = (f64::NEG_INFINITY, c.value + c.half_step);
            } else if self
                .approx_before
                .as_ref()
                .is_some_and(|r| r.is_match(window))
            {
                (low, high) = (low.min(c.value - tol), high.max(c.value + tol));
            }
            // The head is compared as the thing counted; in the context it would count twice.
            let head_words: HashSet<String> = np
                .last()
                .into_iter()
                .chain(head_pair.iter())
                .map(|w| w.to_lowercase())
                .collect();
            let context = self.content_words(sentence_text, &head_words);
            let modifiers = np[..np.len().saturating_sub(1)]
                .iter()
                .map(|w| w.to_lowercase())
                .collect();
            let names = self.names(sentence_text);
            out.push(Statement {
                block: index,
                sentence,
                range: c.range.clone(),
                unit: c.unit.clone(),
                thing,
                place,
                periods,
                low,
                high,
                context,
                names,
                modifiers,
            });
        }
    }

    fn content_words(&self, sentence: &str, exclude: &HashSet<String>) -> HashSet<String> {
        sentence
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() >= 3)
            .map(str::to_lowercase)
            .filter(|w| {
                !self.function_words.contains(w)
                    && !self.stop_words.contains(w)
                    && !exclude.contains(w)
                    && !self.number_words.contains_key(w)
                    && !self.scales.contains_key(w)
            })
            .collect()
    }

    /// Whether a word is a period on its own: a month, a weekday, a year.
    fn is_period_word(&self, word: &str) -> bool {
        !word.is_empty()
            && self
                .period
                .as_ref()
                .and_then(|r| r.find(word))
                .is_some_and(|m| m.len() == word.len())
    }

    /// Capitalised words after the first word of a sentence, and acronyms, except periods
    /// (months, days), which `periods` compares. The first word counts when a verb of saying
    /// follows it: "Armenia claimed 790" and "Azerbaijan claimed 2,300" are two sources'
    /// figures, not one article contradicting itself.
    fn names(&self, sentence: &str) -> HashSet<String> {
        const SAYING: &[&str] = &[
            "said",
            "says",
            "claimed",
            "claims",
            "reported",
            "reports",
            "announced",
            "estimated",
            "estimates",
            "stated",
            "told",
            "counted",
        ];
        let words: Vec<&str> = sentence
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty())
            .collect();
        let speaker = words
            .get(1)
            .is_some_and(|next| SAYING.contains(&next.to_lowercase().as_str()));
        words
            .iter()
            .skip(usize::from(!speaker))
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && **w != "I")
            .map(|w| w.to_lowercase())
            .filter(|w| !self.is_period_word(w) && !self.report_times.contains(w))
            .collect()
    }

    /// Whether two statements speak of the same subject in the same terms: enough content
    /// words in common, and, when both sentences name someone or something, mostly the same
    /// names ("Trump won 85% of the vote" is not "Sanders won 25.7% of the vote").
    fn similar_context(&self, a: &Statement, b: &Statement) -> bool {
        let smaller = a.context.len().min(b.context.len());
        let common = a.context.intersection(&b.context).count();
        if smaller == 0
            || common < self.min_common.min(smaller)
            || (common as f64) < smaller as f64 * self.min_overlap
        {
            return false;
        }
        // Names on one side only: one statement is about someone the other does not name
        // ("He received 3 percent" is not "Walker received 20 percent").
        if a.names.is_empty() != b.names.is_empty() {
            return false;
        }
        if a.names.is_empty() {
            return true;
        }
        let shared = a.names.intersection(&b.names).count();
        let all = a.names.union(&b.names).count();
        shared as f64 >= all as f64 * self.min_name_overlap
    }
}

/// Items of one list enumerate different things ("13 versions …", "14 versions …").
fn same_list(doc: &Document<'_>, a: usize, b: usize) -> bool {
    match (doc.blocks[a].list, doc.blocks[b].list) {
        (Some(x), Some(y)) => x.list == y.list,
        _ => false,
    }
}

/// "2,300 deaths in Spain": the place a statement is tied to.
fn place_after(rest: &str) -> Option<String> {
    let mut words = rest.split_whitespace().peekable();
    // Past a participle: "people died in Spain".
    if words
        .peek()
        .is_some_and(|w| w.ends_with("ed") || w.ends_with("ing"))
    {
        words.next();
    }
    let prep = words.next()?.to_lowercase();
    if !matches!(
        prep.as_str(),
        "in" | "at" | "across" | "from" | "for" | "among"
    ) {
        return None;
    }
    let place: Vec<&str> = words
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric()))
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .take(3)
        .collect();
    (!place.is_empty()).then(|| place.join(" "))
}

/// Half the unit of a written number's last significant digit: "2,300" → 50, "2,312" → 0.5,
/// "4.2" → 0.05.
fn half_step(digits: &str) -> f64 {
    let plain = digits.replace(',', "");
    if let Some((_, decimals)) = plain.split_once('.') {
        return 0.5 * 10f64.powi(-(decimals.len() as i32));
    }
    let zeros = plain.len() - plain.trim_end_matches('0').len();
    // "0" itself has no significant digit.
    let zeros = zeros.min(plain.len().saturating_sub(1));
    0.5 * 10f64.powi(zeros as i32)
}

impl Check for NumberConsistency {
    /// Every quantity of the document, compared with the earlier ones.
    fn cost_hint(&self) -> u32 {
        6
    }

    fn set_members(&self) -> Vec<crate::pattern::Member> {
        self.spelled
            .iter()
            .cloned()
            .map(crate::pattern::Member::Pattern)
            .collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        let mut statements = Vec::new();
        for (index, block) in doc.prose() {
            if matches!(
                block.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
            ) {
                self.statements(doc, index, &mut statements);
            }
        }
        // The first statement of each quantity is the reference the later ones must agree with.
        for (i, later) in statements.iter().enumerate() {
            let Some(first) = statements[..i].iter().find(|e| {
                e.same_quantity(later)
                    && !(e.block == later.block && e.sentence == later.sentence)
                    && !same_list(doc, e.block, later.block)
                    && self.similar_context(e, later)
            }) else {
                continue;
            };
            if first.consistent_with(later) {
                continue;
            }
            let later_block = &doc.blocks[later.block];
            let first_block = &doc.blocks[first.block];
            let matched = &later_block.text[later.range.clone()];
            let earlier = &first_block.text[first.range.clone()];
            out.push(
                rule.diagnostic(
                    later_block.source_span(later.range.clone()),
                    &[("match", matched), ("earlier", earlier)],
                )
                .with_related(
                    first_block.source_span(first.range.clone()),
                    format!("stated as {earlier} here"),
                ),
            );
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{NumberConsistency, half_step};
    use crate::rules::{Origin, Rule};

    fn builtin() -> Rule {
        super::build(
            include_str!("../../../rules/inconsistent-number.toml"),
            Origin::Builtin("inconsistent-number.toml"),
        )
        .expect("built-in rule")
    }

    fn as_kind(rule: &Rule) -> &NumberConsistency {
        rule.check
            .as_any()
            .downcast_ref::<NumberConsistency>()
            .expect("a number-consistency rule")
    }

    #[test]
    fn ranges_are_searched_for_only_after_a_separator() {
        let rule = builtin();
        let rule = as_kind(&rule);
        for (before, range) in [
            ("Between 10,000 and ", true),
            ("rose from 2,100 TO", true),
            ("10–", true),
            ("2.5 million - \u{a0}", true),
            ("5% and", true),
            ("In 2019, about ", false),
            ("costs $5 million and the ", false),
            ("Chapter 5 band", false),
            ("", false),
        ] {
            assert_eq!(rule.ends_range(before), range, "{before:?}");
            assert_eq!(rule.range_before.is_match(before), range, "{before:?}");
        }
    }

    /// A match of the built-in digit pattern that is a plain number (after one space) has
    /// exactly the groups [`super::DigitGroups::bare`] gives it, whatever surrounds it.
    #[test]
    fn bare_number_groups_are_the_captured_ones() {
        let rule = builtin();
        let rule = as_kind(&rule);
        assert!(rule.bare_numbers);
        let parts = [
            "2024",
            "1,000",
            "4.5",
            "12",
            "0",
            " ",
            "  ",
            "\t",
            "%",
            "$",
            "€",
            "US$",
            "million",
            "bn",
            "m",
            "k",
            " per cent",
            "percent",
            "-",
            "a",
            ",",
            ".",
            "(",
            ":",
            "\u{a0}",
        ];
        let (mut bare, mut other) = (0, 0);
        for text in crate::document::test_text::random_texts(&parts, 43, 12, 40_000) {
            for caps in rule.quantity.captures_iter(&text) {
                let range = caps.get(0).expect("match").range();
                match super::DigitGroups::bare(&text, range) {
                    Some(groups) => {
                        bare += 1;
                        assert_eq!(groups, super::DigitGroups::of(&caps), "{text:?}");
                    }
                    None => other += 1,
                }
            }
        }
        assert!(bare > 10_000 && other > 2_000, "{bare} {other}");
    }

    #[test]
    fn round_numbers_stand_for_a_range() {
        assert_eq!(half_step("2,300"), 50.0);
        assert_eq!(half_step("2,312"), 0.5);
        assert_eq!(half_step("4.2"), 0.05);
        assert_eq!(half_step("0"), 0.5);
    }
}
