use std::any::Any;
use std::ops::Range;
use std::sync::Arc;

use crate::pattern::{LiteralList, Member, Regex};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;
use toml::Spanned;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

/// One weighted entry of the rule file: literal phrases, regexes, or both.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerEntry {
    /// What the entry stands for, shown beside each marker ("significance puffery").
    #[serde(default)]
    label: Option<String>,
    weight: f64,
    /// Literal phrases, matched as whole words in any case; straight and curly apostrophes
    /// are the same.
    #[serde(default)]
    phrases: Vec<String>,
    /// Regexes, for markers that are a construction rather than a phrase ("not only … but").
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DensityParams {
    /// A paragraph is scored over every stretch of this many words.
    #[serde(default)]
    window: Option<usize>,
    /// The score at which a paragraph is reported.
    threshold: f64,
    /// A paragraph needs at least this many different markers, so that one heavy phrase is
    /// never a finding on its own.
    #[serde(default)]
    min_markers: Option<usize>,
    #[serde(default)]
    markers: Vec<MarkerEntry>,
}

documented_kind! {
    /// ## What it does
    /// Scores each paragraph (or list item, or block quote) by the weighted markers it holds
    /// and reports the paragraph once when the score of some stretch of `window` words reaches
    /// `threshold`, with each marker of that stretch shown as context. A marker repeated counts
    /// once; a paragraph needs at least `min-markers` different markers.
    ///
    /// Markers are the entries of `markers`: each has a `weight`, an optional `label`, literal
    /// `phrases` (whole words, any case, found all at once) and `patterns` (regexes, for
    /// constructions such as "not only … but"). The message may use `{score}`, `{threshold}`
    /// and `{count}`.
    ///
    /// ## Why is this bad
    /// One "vibrant" is a word; "delve into", "rich tapestry", "a testament to" and "plays a
    /// pivotal role" in one paragraph is a paragraph nobody wrote with care. Wikipedia's "Signs
    /// of AI writing" lists these markers; their density, not any one of them, is the tell.
    ///
    /// ## Example
    /// `In today's fast-paced world, the city is a testament to innovation, delving into a
    /// rich tapestry of cultures and playing a pivotal role in the region.` → say what the
    /// city does, with facts.
    #[derive(Debug)]
    pub struct Density {
        phrases: Option<AhoCorasick>,
        /// The same phrases, for the run's pattern set: a block with none of them is not
        /// searched for them.
        phrase_literals: Option<Arc<LiteralList>>,
        /// The entry of each literal phrase, by pattern index.
        phrase_entry: Vec<usize>,
        patterns: Vec<(Regex, usize)>,
        entries: Vec<(f64, Option<String>)>,
        window: usize,
        threshold: f64,
        min_markers: usize,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: DensityParams| {
        let mut literals: Vec<String> = Vec::new();
        let mut phrase_entry = Vec::new();
        let mut patterns = Vec::new();
        let mut entries = Vec::new();
        for (index, entry) in p.markers.into_iter().enumerate() {
            for phrase in &entry.phrases {
                let phrase = phrase.to_lowercase();
                // Curly apostrophes are what most editors type.
                let variants = [phrase.clone(), phrase.replace('\'', "’")];
                for variant in variants
                    .iter()
                    .take(if phrase.contains('\'') { 2 } else { 1 })
                {
                    literals.push(variant.clone());
                    phrase_entry.push(index);
                }
            }
            for pattern in &entry.patterns {
                let regex = crate::pattern::compile(&format!("(?i){}", pattern.get_ref()))
                    .map_err(|e| {
                        KindError::new(
                            format!("invalid pattern: {e}"),
                            Some(Span::from(pattern.span())),
                        )
                    })?;
                patterns.push((regex, index));
            }
            entries.push((entry.weight, entry.label));
        }
        let phrases = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    // Every prose block is searched: a DFA is worth its memory and its build
                    // (16 M instructions, 0.3 ms of a small draft's run); the contiguous NFA
                    // cost the corpus 6 % more CPU time.
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&literals)
                    .map_err(|e| KindError::new(format!("invalid phrase list: {e}"), None))?,
            )
        };
        if p.threshold <= 0.0 {
            return Err(KindError::new("`threshold` must be above 0", None));
        }
        Ok(Density {
            phrase_literals: phrases.as_ref().map(|_| {
                LiteralList::new(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
            }),
            phrases,
            phrase_entry,
            patterns,
            entries,
            window: p.window.unwrap_or(120).max(1),
            threshold: p.threshold,
            min_markers: p.min_markers.unwrap_or(3),
        })
    })
}

/// A marker found in a block.
struct Marker {
    range: Range<usize>,
    entry: usize,
    /// Index of the first word at or after the marker, for windows.
    word: usize,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

impl Density {
    fn markers(&self, block: &Block) -> Vec<Marker> {
        let text = &block.text;
        let mut found: Vec<(Range<usize>, usize)> = Vec::new();
        let no_phrase = self
            .phrase_literals
            .as_ref()
            .is_some_and(|l| l.cannot_occur(text));
        if let Some(phrases) = self.phrases.as_ref().filter(|_| !no_phrase) {
            for m in phrases.find_iter(text) {
                let range = m.range();
                // Whole words only: "foster" is not in "Forster".
                let starts_word = !is_word_char(text[..range.start].chars().next_back())
                    || !is_word_char(text[range.clone()].chars().next());
                let ends_word = !is_word_char(text[range.end..].chars().next())
                    || !is_word_char(text[range.clone()].chars().next_back());
                if starts_word && ends_word {
                    found.push((range, self.phrase_entry[m.pattern().as_usize()]));
                }
            }
        }
        for (regex, entry) in &self.patterns {
            found.extend(regex.find_iter(text).map(|m| (m.range(), *entry)));
        }
        found.retain(|(r, _)| !block.is_excluded(r));
        found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        // Overlapping markers count once ("plays a pivotal role" holds "pivotal").
        let mut end = 0;
        found.retain(|(r, _)| {
            let keep = r.start >= end;
            end = end.max(r.end);
            keep
        });
        found
            .into_iter()
            .map(|(range, entry)| Marker {
                word: block.words.partition_point(|w| w.text.start < range.start),
                range,
                entry,
            })
            .collect()
    }

    /// The best-scoring window: its markers (indices) and score. A marker text repeated in
    /// the window counts once.
    fn best_window<'m>(&self, text: &str, markers: &'m [Marker]) -> (Vec<&'m Marker>, f64) {
        let mut best: (Vec<&Marker>, f64) = (Vec::new(), 0.0);
        let mut end = 0;
        for (start, first) in markers.iter().enumerate() {
            while end < markers.len() && markers[end].word < first.word + self.window {
                end += 1;
            }
            let mut seen: Vec<String> = Vec::new();
            let mut chosen = Vec::new();
            let mut score = 0.0;
            for m in &markers[start..end] {
                let key = text[m.range.clone()].to_lowercase();
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                score += self.entries[m.entry].0;
                chosen.push(m);
            }
            if score > best.1 {
                best = (chosen, score);
            }
        }
        best
    }
}

impl Check for Density {
    /// Every paragraph scored.
    fn cost_hint(&self) -> u32 {
        3
    }

    fn set_members(&self) -> Vec<crate::pattern::Member> {
        let patterns = self.patterns.iter().map(|(regex, _)| regex.clone());
        let phrases = self.phrase_literals.clone().map(Member::Literals);
        patterns.map(Member::Pattern).chain(phrases).collect()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for (_, block) in doc.prose() {
            if !matches!(
                block.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
            ) {
                continue;
            }
            let markers = self.markers(block);
            if markers.len() < self.min_markers {
                continue;
            }
            let (chosen, score) = self.best_window(&block.text, &markers);
            if score < self.threshold || chosen.len() < self.min_markers {
                continue;
            }
            let score_text = format_score(score);
            let threshold = format_score(self.threshold);
            let count = chosen.len().to_string();
            let whole = block.source_span(0..block.text.len());
            let mut d = rule.diagnostic(
                whole,
                &[
                    ("score", &score_text),
                    ("threshold", &threshold),
                    ("count", &count),
                ],
            );
            for m in chosen {
                let (weight, label) = &self.entries[m.entry];
                let message = match label {
                    Some(label) => format!("{label} (+{})", format_score(*weight)),
                    None => format!("+{}", format_score(*weight)),
                };
                d = d.with_related(block.source_span(m.range.clone()), message);
            }
            out.push(d);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// "6" rather than "6.0", "2.5" as is.
fn format_score(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}
