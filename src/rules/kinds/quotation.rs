use std::any::Any;
use std::ops::Range;

use crate::pattern::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{KindError, compile_alternation, documented_kind, spanned_parts};
use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, Document, Quotation, QuotationKind};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuotationParams {
    /// Quotations shorter than this many words are scare quotes or terms, not quoted speech.
    #[serde(default)]
    min_words: Option<usize>,
    /// Regexes that attribute a quotation when they match outside it, in its sentence, the
    /// sentence before or the sentence after: "said", "according to", "told reporters".
    #[serde(default)]
    attributions: Vec<Spanned<String>>,
    /// Regexes matched against the text just before a quotation that make it a title or a
    /// term: "titled", "called", "the book".
    #[serde(default)]
    title_leads: Vec<Spanned<String>>,
    /// A quotation whose words are at least this share capitalised (and that does not end a
    /// sentence) is a title: "The Time of Your Life".
    #[serde(default)]
    title_case_share: Option<f64>,
    /// Regexes for a person the quotation may be given to, in its sentence or the one
    /// before: a pronoun or a name ("Ingram was unimpressed. “…”"). News copy attributes
    /// a quotation to the person the previous sentence is about.
    #[serde(default)]
    speakers: Vec<Spanned<String>>,
    /// Capitalised words that are not people: weekdays, months, sentence openers.
    #[serde(default)]
    not_speakers: Vec<String>,
    /// Regexes that make a block quote quoted speech rather than a note or an excerpt of a
    /// document (first-person words: "I", "we"). Without them every block quote is checked.
    #[serde(default)]
    block_speech: Vec<Spanned<String>>,
    /// Regexes for a citation line under a block quote ("— Ada Lovelace", "Source: …").
    #[serde(default)]
    citation_lines: Vec<Spanned<String>>,
    /// Regexes for block quotes that are notes or call-outs, not quotations ("Note:").
    #[serde(default)]
    callouts: Vec<Spanned<String>>,
    /// Regexes for a speaker label that opens a paragraph ("((Rich Bowen))", "Q:", "Press
    /// office:"): the paragraph is that speaker's words, and in a transcript (two labelled
    /// paragraphs or more) so are the paragraphs after it, up to the next label or heading.
    #[serde(default)]
    speaker_labels: Vec<Spanned<String>>,
    /// Longest name line, in words, that signs a quotation from the line below it ("Dan
    /// Tangherlini, Administrator, GSA").
    #[serde(default)]
    max_signature_words: Option<usize>,
}

documented_kind! {
    /// ## What it does
    /// Finds direct quotations of at least `min-words` words with no speaker: no attribution
    /// (`attributions`: "she said", "said the minister", "according to", "told reporters", "the
    /// statement read", a name and a colon) outside the quotation in its sentence, the sentence
    /// before or the sentence after. A sentence that attributes a quotation of its own does not
    /// attribute a neighbour.
    ///
    /// Block quotes (`>` in Markdown, `<blockquote>` in HTML) are checked when they are speech
    /// (`block-speech`: first-person words of their own, or the whole block in quote marks).
    /// They count as attributed when the paragraph that leads into them attributes them (or
    /// ends with a colon), or when they are signed: a citation line in or under the quote
    /// (`citation-lines`: "— Ada Lovelace", "-- Name, Title"), a short name line under the
    /// quotation ("Dan Tangherlini, Administrator, GSA", "*Ann Lee*", at most
    /// `max-signature-words` words), or in HTML a `<cite>`, the quote's `<footer>` or the
    /// `<figcaption>` of its `<figure>`. Quotations in plain text and paragraphs are signed the
    /// same way by a dash or a name on the line below.
    ///
    /// Quotations come from the document model: straight and curly quotes, guillemets and
    /// corner brackets in any format, never in code. Not findings: titles of works
    /// (`title-leads`: "the book …", "titled …"; mostly capitalised words), a slogan, title or
    /// phrase built into the writer's sentence with no punctuation of its own ("“Making the
    /// best thing the easiest thing” starts with…"), scare quotes of fewer than `min-words`
    /// words, quotations in headings and link text, call-out block quotes (`callouts`:
    /// "Note:"), a later paragraph of a quotation over several paragraphs (judged with its
    /// first), and what a labelled speaker says (`speaker-labels`: "((Ann Lee))", "Q:",
    /// "Press office:"; in a transcript the label covers the paragraphs of the answer).
    ///
    /// ## Why is this bad
    /// A quotation is evidence only when the reader knows whose words they are. A floating
    /// quotation is either a lost attribution or words nobody said; both are what a fact
    /// checker asks about first.
    ///
    /// ## Example
    /// `"We will not back down from this fight," the statement said.` is attributed;
    /// `"We will not back down from this fight."` alone is not: name the speaker.
    #[derive(Debug)]
    pub struct QuotationCheck {
        min_words: usize,
        attribution: Option<Regex>,
        title_lead: Option<Regex>,
        title_case_share: f64,
        citation_line: Option<Regex>,
        callout: Option<Regex>,
        speaker: Option<Regex>,
        not_speakers: Vec<String>,
        block_speech: Option<Regex>,
        speaker_label: Option<Regex>,
        max_signature_words: usize,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: QuotationParams| {
        let share = p.title_case_share.unwrap_or(0.6);
        if !(0.0..=1.0).contains(&share) {
            return Err(KindError::new(
                "`title-case-share` must be between 0 and 1",
                None,
            ));
        }
        Ok(QuotationCheck {
            min_words: p.min_words.unwrap_or(6),
            attribution: compile_alternation(&spanned_parts(&p.attributions), false)?,
            title_lead: compile_alternation(&spanned_parts(&p.title_leads), false)?,
            title_case_share: share,
            citation_line: compile_alternation(&spanned_parts(&p.citation_lines), false)?,
            callout: compile_alternation(&spanned_parts(&p.callouts), false)?,
            speaker: compile_alternation(&spanned_parts(&p.speakers), false)?,
            not_speakers: p.not_speakers.iter().map(|w| w.to_lowercase()).collect(),
            block_speech: compile_alternation(&spanned_parts(&p.block_speech), false)?,
            speaker_label: compile_alternation(&spanned_parts(&p.speaker_labels), false)?,
            max_signature_words: p.max_signature_words.unwrap_or(12),
        })
    })
}

impl QuotationCheck {
    /// The block's text with every quotation blanked out, so that a speech verb inside
    /// quoted words ("I said no") does not attribute them.
    fn unquoted(doc: &Document<'_>, index: usize, block: &Block) -> String {
        let mut text = block.text.clone();
        for q in doc.quotations_in(index) {
            if q.kind == QuotationKind::Inline {
                let blank = " ".repeat(q.outer.len());
                text.replace_range(q.outer.clone(), &blank);
            }
        }
        text
    }

    fn attributes(&self, text: &str) -> bool {
        self.attribution.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// Whether an inline quotation has a speaker in its sentence or a neighbouring one.
    fn inline_attributed(&self, doc: &Document<'_>, q: &Quotation, unquoted: &str) -> bool {
        let block = &doc.blocks[q.block];
        let first = block.sentence_at(q.outer.start).unwrap_or(0);
        let last = block
            .sentence_at(q.outer.end.saturating_sub(1))
            .unwrap_or(first);
        let from = block
            .sentences
            .get(first.saturating_sub(1))
            .map(|s| s.text.start);
        let to = block
            .sentences
            .get((last + 1).min(block.sentences.len().saturating_sub(1)))
            .map(|s| s.text.end);
        let (Some(from), Some(to)) = (from, to) else {
            return false;
        };
        if self.attributes(&unquoted[from..to.max(from)]) {
            return true;
        }
        let own = block.sentences.get(first).map_or(from, |s| s.text.end);
        if self.names_speaker(&unquoted[from..own.max(from)]) {
            return true;
        }
        // A quotation that opens or closes its paragraph may be attributed across the
        // paragraph break (a lead-in "She told reporters:" or a following "…, he added.").
        let opens = first == 0;
        let closes = last + 1 >= block.sentences.len();
        let neighbour = |index: Option<usize>, take_last: bool| -> bool {
            let Some(i) = index else { return false };
            let b = &doc.blocks[i];
            let sentence = if take_last {
                b.sentences.last()
            } else {
                b.sentences.first()
            };
            // A sentence with a quotation of its own attributes that one.
            let quoted = |s: &crate::document::Sentence| {
                doc.quotations_in(i)
                    .iter()
                    .any(|o| o.outer.start < s.text.end && s.text.start < o.outer.end)
            };
            sentence.is_some_and(|s| {
                // A following sentence with its own quotation attributes that one; a leading
                // one hands its speaker on to the next paragraph's quotation.
                if !take_last && quoted(s) {
                    return false;
                }
                let text = Self::unquoted(doc, i, b);
                self.attributes(&text[s.text.clone()])
                    || take_last && text[s.text.clone()].trim_end().ends_with(':')
            })
        };
        opens && neighbour(lead_of(doc, q.block), true)
            || closes && neighbour(prose_after(doc, q.block), false)
    }

    /// Whether a text names someone who may have spoken: a pronoun or a name that is not a
    /// weekday or a month ("on Tuesday" names nobody).
    fn names_speaker(&self, text: &str) -> bool {
        let Some(speaker) = &self.speaker else {
            return false;
        };
        speaker.find_iter(text).any(|m| {
            let word = m
                .as_str()
                .rsplit(|c: char| !c.is_alphabetic())
                .find(|w| !w.is_empty())
                .unwrap_or("");
            !self.not_speakers.contains(&word.to_lowercase())
        })
    }

    /// Whether a quotation is a title or a term rather than quoted speech.
    fn is_title(&self, block: &Block, q: &Quotation) -> bool {
        let quoted = block.text[q.text.clone()].trim();
        let before = &block.text[crate::span::floor_char_boundary(
            &block.text,
            q.outer.start.saturating_sub(60),
        )..q.outer.start];
        if self.title_lead.as_ref().is_some_and(|r| r.is_match(before)) {
            return true;
        }
        let words: Vec<&str> = quoted
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        let capitalised = words
            .iter()
            .filter(|w| {
                w.chars()
                    .find(|c| c.is_alphabetic())
                    .is_some_and(char::is_uppercase)
            })
            .count();
        let ends_sentence = quoted.ends_with(['.', '!', '?', ',']);
        !words.is_empty()
            && !ends_sentence
            && capitalised as f64 >= words.len() as f64 * self.title_case_share
    }

    /// Whether a block quote is attributed; `cited` tells which blocks HTML citations cite.
    fn block_attributed(&self, doc: &Document<'_>, q: &Quotation, cited: &[bool]) -> bool {
        let block = &doc.blocks[q.block];
        let text = block.text.trim();
        // Words quoted inside the block ("add a comment like “I wrote a post”") are not its
        // voice: only the block's own words make it speech.
        let voice = Self::hollowed(doc, q.block, block);
        let speech = self
            .block_speech
            .as_ref()
            .is_none_or(|r| r.is_match(voice.trim()));
        if !speech
            || self.callout.as_ref().is_some_and(|r| r.is_match(text))
            || text.starts_with('(')
        {
            return true;
        }
        let cites = |t: &str| self.citation_line.as_ref().is_some_and(|r| r.is_match(t));
        // Every paragraph of the quote: signed ("… — **Sarah Milstein**", "\"…\" -- Engineer"),
        // a name line under its quotation, a citation line or a `<cite>`, in any of them.
        let mut first = q.block;
        while let Some(i) = prose_before(doc, first) {
            if !joined_quote(doc, i, first) {
                break;
            }
            first = i;
        }
        let mut last = q.block;
        loop {
            let b = &doc.blocks[last];
            let signed_below = doc
                .quotations_in(last)
                .iter()
                .any(|iq| iq.kind == QuotationKind::Inline && self.signed_below(doc, b, iq));
            if signed(b.text.trim())
                || cites(b.text.trim())
                || last != first && self.name_line(b.text.trim())
                || signed_below
                || cited[last]
                || b.sentences
                    .last()
                    .is_some_and(|s| cites(&b.text[s.text.clone()]))
            {
                return true;
            }
            match prose_after(doc, last) {
                Some(i) if joined_quote(doc, last, i) => last = i,
                _ => break,
            }
        }
        // A lead-in that attributes, ends with a colon, or links to where the words come from.
        // The lead-in of a series of block quotes ("Here are some of the comments:") sits
        // above all of them.
        let mut lead = prose_before(doc, first);
        while let Some(i) = lead.filter(|&i| inside_quote(doc, i)) {
            lead = prose_before(doc, i);
        }
        let lead_attributes = lead.is_some_and(|i| {
            let lead = &doc.blocks[i];
            !inside_quote(doc, i)
                && (!lead.links.is_empty()
                    || lead.sentences.last().is_some_and(|s| {
                        let t = &lead.text[s.text.clone()];
                        !own_quotation(doc, i, s) && self.attributes(t)
                            || t.trim_end().ends_with(':')
                    }))
        });
        // A citation line under the quote ("— Kevin Hoffman"), or a following sentence that
        // attributes it: one with a quotation of its own attributes that one.
        let follow_cites = prose_after(doc, last).is_some_and(|i| {
            let follow = &doc.blocks[i];
            cites(follow.text.trim())
                || !inside_quote(doc, i)
                    && follow.sentences.first().is_some_and(|s| {
                        !own_quotation(doc, i, s) && self.attributes(&follow.text[s.text.clone()])
                    })
        });
        lead_attributes || follow_cites
    }

    /// A short name line under a quotation, on a line of its own: "“…”*" then "Dan
    /// Tangherlini, Administrator, GSA", or "*Ann Lee*". In a block quote that opens with the
    /// quotation, a name after it on the same line signs it too ("“…” <cite>Ann Lee</cite>").
    fn signed_below(&self, doc: &Document<'_>, block: &Block, q: &Quotation) -> bool {
        let rest = block.text[q.outer.end..].trim_start_matches([' ', '\u{a0}', '*', '_']);
        if rest.is_empty() {
            return false;
        }
        let rest_start = block.text.len() - rest.len();
        let from = block.source_span(q.outer.clone()).end;
        let to = block.source_span(rest_start..block.text.len()).start;
        let between = doc.source.get(from..to.max(from)).unwrap_or("");
        let new_line = between.contains('\n') || between.to_ascii_lowercase().contains("<br");
        let whole_quote =
            block.kind == BlockKind::BlockQuote && block.text[..q.outer.start].trim().is_empty();
        (new_line || whole_quote) && self.name_line(rest)
    }

    /// Whether a text is a signature: a short line that starts with a capital after any dash
    /// and does not end like a sentence ("— Ada Lovelace, council member").
    fn name_line(&self, text: &str) -> bool {
        let t = text
            .trim_start_matches([' ', '\u{a0}', '*', '_', '—', '–', '―', '~', '-'])
            .trim_end_matches([' ', '\u{a0}', '*', '_']);
        let words = t.split_whitespace().count();
        t.starts_with(char::is_uppercase)
            && (1..=self.max_signature_words).contains(&words)
            && !t.ends_with(['.', '!', '?', ':', ';', '"', '”'])
    }

    /// The block's text with the words of its inline quotations blanked, their marks kept:
    /// what the block says in its own voice.
    fn hollowed(doc: &Document<'_>, index: usize, block: &Block) -> String {
        let mut text = block.text.clone();
        for q in doc.quotations_in(index) {
            if q.kind == QuotationKind::Inline && !q.text.is_empty() {
                let blank = " ".repeat(q.text.len());
                text.replace_range(q.text.clone(), &blank);
            }
        }
        text
    }

    /// The speaker label that opens a paragraph ("((Rich Bowen))", "Q:", "Press office:"), if
    /// any, and whether it names someone: every word capitalised, at most four ("MK:", "Ann
    /// Lee:"), unlike a run-in heading ("How it started:").
    fn label(&self, block: &Block) -> Option<bool> {
        let text = block.text.trim_start();
        let found = self.speaker_label.as_ref()?.find(text)?;
        if self.callout.as_ref().is_some_and(|r| r.is_match(text)) {
            return None;
        }
        let words: Vec<&str> = found
            .as_str()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .collect();
        Some(words.len() <= 4 && words.iter().all(|w| w.starts_with(char::is_uppercase)))
    }

    /// For each block, whether it is the words of a labelled speaker: it opens with a label,
    /// or, in a transcript (two paragraphs or more labelled with names), a name label above
    /// it opens its turn and no heading comes between.
    fn speaker_turns(&self, doc: &Document<'_>) -> Vec<bool> {
        let labels: Vec<Option<bool>> = doc.blocks.iter().map(|b| self.label(b)).collect();
        let transcript = labels.iter().filter(|&&l| l == Some(true)).count() >= 2;
        let mut in_turn = false;
        doc.blocks
            .iter()
            .zip(&labels)
            .map(|(b, &label)| {
                if b.kind.is_heading() {
                    in_turn = false;
                } else if let Some(names) = label {
                    in_turn = transcript && names;
                    return true;
                }
                in_turn
            })
            .collect()
    }

    /// Whether an inline quotation, or a later paragraph of the same quotation, is attributed.
    fn run_attributed(&self, doc: &Document<'_>, q: &Quotation, unquoted: &str) -> bool {
        if self.part_attributed(doc, q, unquoted) {
            return true;
        }
        let mut part = q;
        while part.runs_on {
            let next = prose_after(doc, part.block).and_then(|i| {
                doc.quotations_in(i)
                    .iter()
                    .find(|n| n.kind == QuotationKind::Inline)
            });
            let Some(next) = next else { return false };
            let block = &doc.blocks[next.block];
            if self.part_attributed(doc, next, &Self::unquoted(doc, next.block, block)) {
                return true;
            }
            part = next;
        }
        false
    }

    /// Whether one paragraph's part of an inline quotation is attributed.
    fn part_attributed(&self, doc: &Document<'_>, q: &Quotation, unquoted: &str) -> bool {
        let block = &doc.blocks[q.block];
        if self.inline_attributed(doc, q, unquoted) || self.signed_below(doc, block, q) {
            return true;
        }
        // A closing quotation signed in the paragraph below ("— Ann Lee") or by a name on the
        // very next line (plain text makes a block of it).
        let closes = block.text[q.outer.end..].trim().len() <= 1;
        if closes
            && prose_after(doc, q.block).is_some_and(|i| {
                let next = &doc.blocks[i];
                let text = next.text.trim();
                let next_line = doc
                    .source
                    .get(block.span.end..next.span.start)
                    .is_some_and(|gap| gap.matches('\n').count() <= 1);
                // A Markdown or HTML heading is a heading; plain text guesses them from short
                // lines, a name among them.
                let name_below = next_line
                    && (!next.kind.is_heading() || doc.format == crate::source::Format::Text)
                    && self.name_line(text);
                self.citation_line
                    .as_ref()
                    .is_some_and(|r| r.is_match(text))
                    || name_below
            })
        {
            return true;
        }
        // A citation in the markup after it: "“…” <cite>Ann Lee</cite>".
        doc.citations_in(q.block)
            .iter()
            .any(|c| c.text.start >= q.outer.end)
    }
}

/// Whether a sentence of a block holds a quotation of its own.
fn own_quotation(doc: &Document<'_>, index: usize, s: &crate::document::Sentence) -> bool {
    doc.quotations_in(index)
        .iter()
        .any(|o| o.outer.start < s.text.end && s.text.start < o.outer.end)
}

/// A later paragraph of a quotation over several paragraphs: it is judged with the first.
fn continues_run(doc: &Document<'_>, q: &Quotation) -> bool {
    doc.blocks[q.block].text[..q.outer.start].trim().is_empty()
        && prose_before(doc, q.block)
            .and_then(|i| doc.quotations_in(i).last())
            .is_some_and(|p| p.runs_on)
}

/// A quotation built into the writer's own sentence, with no punctuation of its own at its
/// end: a title, a slogan or a phrase under discussion ("“Making the best thing the easiest
/// thing” starts with…", "the handbook, “De-risking custom technology projects” a 40-page
/// guide", "one-off "I just want a lib for a little bit" use cases").
fn mention(block: &Block, q: &Quotation) -> bool {
    let inner = block.text[q.text.clone()].trim_end_matches([' ', '\u{a0}', '*', '_']);
    if inner.ends_with(['.', '!', '?', ',', ';', ':', '…']) {
        return false;
    }
    let before = block.text[..q.outer.start].trim_end_matches([' ', '\u{a0}', '[', '*', '_']);
    let after =
        block.text[q.outer.end..].trim_start_matches([' ', '\u{a0}', ']', '*', '_', '—', '–', '-']);
    before.ends_with(|c: char| c.is_lowercase() || c == ',')
        || after.starts_with(char::is_lowercase)
}

/// A quotation introduced by a colon ("The study outlined the link: “…”") or signed after it
/// ("“…” — **Julia Elman**"): the lead-in or the signature names its source.
fn introduced_or_signed(block: &Block, q: &Quotation) -> bool {
    let before = block.text[..q.outer.start].trim_end();
    let after = block.text[q.outer.end..].trim_start_matches([' ', '\u{a0}']);
    before.ends_with(':')
        || after
            .strip_prefix(['—', '–', '-', '―', '~'])
            .is_some_and(|rest| {
                rest.trim_start_matches([' ', '*', '_', '-'])
                    .starts_with(|c: char| c.is_uppercase())
            })
}

/// A quoted question ("“Why isn’t Python a skill?”") asks; it claims nothing that needs a
/// speaker.
fn is_question(block: &Block, q: &Quotation) -> bool {
    block.text[q.text.clone()]
        .trim_end_matches(['*', '_', ' '])
        .ends_with('?')
}

/// One of several quotations given as examples: next to another quotation in its sentence
/// (“…”, “…” and “…”), in parentheses, or a paragraph of dialogue after another one.
fn in_series(doc: &Document<'_>, block: &Block, q: &Quotation) -> bool {
    let before = block.text[..q.outer.start].trim_end_matches([' ', ',', ';', '\u{a0}']);
    let after = block.text[q.outer.end..].trim_start_matches([' ', ',', ';', '\u{a0}']);
    let joined =
        |t: &str| t.ends_with(['”', '"', '»']) || t.ends_with(" and") || t.ends_with(" or");
    let opens =
        |t: &str| t.starts_with(['“', '"', '«']) || t.starts_with("and “") || t.starts_with("or “");
    if joined(before) || opens(after) || before.ends_with('(') {
        return true;
    }
    // A paragraph that is only a quotation, after another such paragraph: a dialogue.
    let whole = |b: &Block, outer: &Range<usize>| {
        b.text[..outer.start].trim().is_empty() && b.text[outer.end..].trim().len() <= 1
    };
    whole(block, &q.outer)
        && prose_before(doc, q.block).is_some_and(|i| {
            doc.quotations_in(i)
                .iter()
                .any(|p| p.kind == QuotationKind::Inline && whole(&doc.blocks[i], &p.outer))
        })
}

/// A phrase quoted inside the writer's own sentence ("to build “automated, reproducible data
/// pipelines”"): a mention, not a floating quotation.
fn embedded_phrase(block: &Block, q: &Quotation) -> bool {
    let starts_lower = block.text[q.text.clone()]
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase);
    let before = block.text[..q.outer.start].trim_end_matches([' ', '\u{a0}']);
    starts_lower && before.ends_with(|c: char| c.is_alphanumeric())
}

/// Whether a text is mostly in Latin script: the attribution patterns are English.
fn mostly_latin(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (latin, all) = letters.fold((0usize, 0usize), |(l, a), c| {
        (
            l + usize::from(c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)),
            a + 1,
        )
    });
    latin * 2 >= all
}

/// The block that leads into a block: for a list item, the one before its list.
fn lead_of(doc: &Document<'_>, index: usize) -> Option<usize> {
    let list = doc.blocks[index].list.map(|l| l.list);
    let mut i = prose_before(doc, index)?;
    while list.is_some() && doc.blocks[i].list.map(|l| l.list) == list {
        i = prose_before(doc, i)?;
    }
    Some(i)
}

/// Whether a block-quote paragraph continues a block quote above it.
fn continues_block_quote(doc: &Document<'_>, index: usize) -> bool {
    prose_before(doc, index).is_some_and(|before| joined_quote(doc, before, index))
}

/// Whether two successive blocks belong to one block quote: both inside a quote, with no
/// line between them that leaves it (a blank line in Markdown, `</blockquote>` in HTML).
fn joined_quote(doc: &Document<'_>, a: usize, b: usize) -> bool {
    if !inside_quote(doc, a) || !inside_quote(doc, b) {
        return false;
    }
    let (end, start) = (doc.blocks[a].span.end, doc.blocks[b].span.start);
    if end > start {
        return true;
    }
    match doc.format {
        crate::source::Format::Html => !doc.source[end..start].contains("</blockquote"),
        _ => {
            // The whole lines between the two blocks: a blank one ends the quote.
            let after_a = doc.source[end.saturating_sub(1)..start]
                .find('\n')
                .map_or(start, |i| end.saturating_sub(1) + i + 1);
            let b_line = doc.source[..start].rfind('\n').map_or(0, |i| i + 1);
            after_a > b_line
                || !doc.source[after_a..b_line]
                    .lines()
                    .any(|l| l.trim().is_empty())
        }
    }
}

/// Whether a block sits inside a block quote: a quote paragraph, or a heading or list item
/// whose line carries the quote marker ("> ### Blockers", "> - item").
fn inside_quote(doc: &Document<'_>, index: usize) -> bool {
    let block = &doc.blocks[index];
    if block.kind == BlockKind::BlockQuote {
        return true;
    }
    if doc.format != crate::source::Format::Markdown {
        return false;
    }
    let line_start = doc.source[..block.span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    doc.source[line_start..block.span.start]
        .trim_start()
        .starts_with('>')
        || doc.source[block.span.range()].trim_start().starts_with('>')
}

/// A quote signed after its closing mark or at its end: "“…” -- Principal engineer",
/// "… — **Sarah Milstein**".
fn signed(text: &str) -> bool {
    let after_quote = text.rfind(['”', '"', '»']).map_or("", |i| {
        &text[i + text[i..].chars().next().map_or(1, char::len_utf8)..]
    });
    let dashed = |t: &str| {
        let t = t.trim_start_matches([' ', '\u{a0}', '*', '_']);
        (t.starts_with(['—', '–', '―', '~']) || t.starts_with("--") || t.starts_with("- "))
            && t.trim_start_matches(['—', '–', '―', '~', '-', ' ', '*', '_'])
                .starts_with(|c: char| c.is_uppercase())
    };
    if dashed(after_quote) {
        return true;
    }
    // A signature in the last line or the last few words: "… — **Sarah Milstein**".
    let tail_start = text.char_indices().rev().nth(60).map_or(0, |(i, _)| i);
    let tail = &text[tail_start..];
    tail.rfind(['—', '–', '―'])
        .or_else(|| tail.rfind(" -- "))
        .or_else(|| tail.rfind(" - "))
        .is_some_and(|i| dashed(&tail[i..]))
}

fn prose_before(doc: &Document<'_>, index: usize) -> Option<usize> {
    (0..index).rev().find(|&i| doc.blocks[i].kind.is_prose())
}

fn prose_after(doc: &Document<'_>, index: usize) -> Option<usize> {
    (index + 1..doc.blocks.len()).find(|&i| doc.blocks[i].kind.is_prose())
}

/// A block of a list of sources or further reading: quotations there are titles.
fn in_source_list(doc: &Document<'_>, index: usize) -> bool {
    doc.source_lists
        .iter()
        .any(|l| l.lead == Some(index) || l.items.contains(&index))
}

/// Whether a range of a block's text is inside the text of one of its links.
fn in_link(doc: &Document<'_>, block: &Block, range: &Range<usize>) -> bool {
    doc.links[block.links.clone()]
        .iter()
        .any(|l| l.text_range.start <= range.start && range.end <= l.text_range.end)
}

impl Check for QuotationCheck {
    /// Every quotation, with the sentences around it.
    fn cost_hint(&self) -> u32 {
        3
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        let mut unquoted: Option<(usize, String)> = None;
        let mut turns: Option<Vec<bool>> = None;
        let mut cited: Option<Vec<bool>> = None;
        for q in &doc.quotations {
            let block = &doc.blocks[q.block];
            if q.words < self.min_words || block.kind.is_heading() || block.kind == BlockKind::Code
            {
                continue;
            }
            let attributed = match q.kind {
                // A run of block-quote paragraphs is one quotation, judged at its first.
                QuotationKind::Block if continues_block_quote(doc, q.block) => continue,
                QuotationKind::Block => {
                    let cited = cited.get_or_insert_with(|| doc.cited_blocks());
                    self.block_attributed(doc, q, cited)
                }
                QuotationKind::Inline => {
                    // Inside a block quote the block is the quotation; an attribute value
                    // (`alt="…"`) is markup.
                    if block.kind == BlockKind::BlockQuote
                        || in_source_list(doc, q.block)
                        || block.text[..q.outer.start].ends_with('=')
                        || self.is_title(block, q)
                        || in_link(doc, block, &q.outer)
                        || introduced_or_signed(block, q)
                        || embedded_phrase(block, q)
                        || mention(block, q)
                        || continues_run(doc, q)
                        || is_question(block, q)
                        || in_series(doc, block, q)
                        || !mostly_latin(&block.text[q.text.clone()])
                    {
                        continue;
                    }
                    let text = match &unquoted {
                        Some((i, text)) if *i == q.block => text,
                        _ => {
                            &unquoted
                                .insert((q.block, Self::unquoted(doc, q.block, block)))
                                .1
                        }
                    };
                    let turns = turns.get_or_insert_with(|| self.speaker_turns(doc));
                    turns[q.block] || self.run_attributed(doc, q, text)
                }
            };
            if attributed {
                continue;
            }
            let words = q.words.to_string();
            // A block quote's own quote marks are not part of the words shown.
            let shown = block.text[q.text.clone()].trim_start_matches(['"', '“', '„', '«', '‘']);
            let preview: String = shown.chars().take(40).collect();
            let preview = if preview.len() < shown.len() {
                format!("{}…", preview.trim_end())
            } else {
                preview
            };
            out.push(rule.diagnostic(q.span, &[("words", &words), ("match", &preview)]));
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
