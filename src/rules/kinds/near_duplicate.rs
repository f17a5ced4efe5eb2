use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Deserialize;

use super::documented_kind;
use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

/// What is compared with what.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Each FAQ answer against the body outside the FAQ.
    #[default]
    Faq,
    /// Each paragraph or list item against the earlier ones, and FAQ questions against each
    /// other.
    Paragraph,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NearDuplicateParams {
    #[serde(default)]
    mode: Mode,
    /// Words that carry no content; dropped before comparing.
    #[serde(default)]
    stop_words: Vec<String>,
    /// Share of the text's word pairs (adjacent content words) found in the other text.
    #[serde(default = "default_containment")]
    containment: f64,
    /// Share of the text's distinct content words found in the other text; catches a
    /// paraphrase that merges two sentences.
    #[serde(default = "default_overlap")]
    word_overlap: f64,
    /// Texts with fewer content words are not compared.
    #[serde(default = "default_min_words")]
    min_words: usize,
    /// At most this many passages are shown as "said here".
    #[serde(default = "default_max_related")]
    max_related: usize,
}

fn default_containment() -> f64 {
    0.5
}
fn default_overlap() -> f64 {
    0.8
}
fn default_min_words() -> usize {
    5
}
fn default_max_related() -> usize {
    3
}

impl Default for NearDuplicateParams {
    fn default() -> Self {
        Self {
            mode: Mode::default(),
            stop_words: Vec::new(),
            containment: default_containment(),
            word_overlap: default_overlap(),
            min_words: default_min_words(),
            max_related: default_max_related(),
        }
    }
}

documented_kind! {
    /// ## What it does
    /// Finds text that only repeats other text of the same document.
    ///
    /// With `mode = "faq"`, each FAQ answer is compared with the body outside the FAQ. Words
    /// are normalised (lower case, stop words dropped, light stemming so "defecting" and
    /// "defection" meet); the answer is reported when enough of its adjacent word pairs
    /// (`containment`) or of its distinct words (`word-overlap`) occur in the body, and it
    /// adds no new facts: no number, name or date that the body lacks. The body passages it
    /// repeats are shown as "said here".
    ///
    /// With `mode = "paragraph"`, a paragraph or list item that nearly repeats an earlier one
    /// is reported, pointing at the first; so is a question asked twice in one FAQ.
    ///
    /// Words are indexed once per document in hash maps, so the cost grows with the length of
    /// the document, not with the square of its number of sentences.
    ///
    /// Parameters (`[params]`): `mode`, `stop-words`, `containment`, `word-overlap`,
    /// `min-words`, `max-related`.
    ///
    /// ## Why is this bad
    /// Content-farm drafts pad an article with an FAQ whose answers restate the body.
    /// Readers notice, and search engines demote pages that say the same thing twice.
    ///
    /// ## Example
    /// Body: "High casualties among North Korean soldiers have led to frustration…".
    /// FAQ answer: "North Korean soldiers are defecting due to harsh conditions, high
    /// casualties…" adds nothing: cut it, or answer with new information.
    #[derive(Debug)]
    pub struct NearDuplicate {
        mode: Mode,
        /// Lower-cased, as bytes (words are normalised into a byte buffer).
        stop_words: FastSet<Vec<u8>>,
        /// The length of the longest stop word: longer words are not looked up.
        max_stop_len: usize,
        containment: f64,
        word_overlap: f64,
        min_words: usize,
        max_related: usize,
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, |p: NearDuplicateParams| {
        let stop_words: FastSet<Vec<u8>> = p
            .stop_words
            .iter()
            .map(|w| w.to_lowercase().into_bytes())
            .collect();
        Ok(NearDuplicate {
            mode: p.mode,
            max_stop_len: stop_words.iter().map(Vec::len).max().unwrap_or(0),
            stop_words,
            containment: p.containment,
            word_overlap: p.word_overlap,
            min_words: p.min_words,
            max_related: p.max_related,
        })
    })
}

/// A light English stemmer: enough for "defecting"/"defection", "casualties"/"casualty",
/// "forces"/"force" to meet, without a dictionary.
#[cfg(test)]
fn stem(word: &str) -> String {
    let mut buf = Vec::new();
    lowercase_into(word, &mut buf);
    stem_in_place(&mut buf);
    String::from_utf8(buf).expect("stemming keeps UTF-8")
}

/// Lower-cases `word` into `buf` (reused, so normalising a document allocates once), with
/// curly apostrophes made straight. The buffer holds UTF-8 bytes: stemming only removes and
/// adds ASCII suffixes, which needs no `String` bookkeeping.
fn lowercase_into(word: &str, buf: &mut Vec<u8>) {
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        return;
    }
    let mut utf8 = [0u8; 4];
    for c in word.chars() {
        if c == '’' {
            buf.push(b'\'');
        } else {
            for lower in c.to_lowercase() {
                buf.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// Strips English inflection from a lower-cased word (UTF-8 bytes), in place.
fn stem_in_place(w: &mut Vec<u8>) {
    let len = stem_len(w);
    w.truncate(len);
}

/// Strips English inflection from a lower-cased word (UTF-8 bytes) in place, and returns the
/// stem's length: every replacement is shorter than its suffix, so the stem is a prefix of
/// the rewritten bytes. Suffixes are ASCII, so cutting one leaves whole characters.
fn stem_len(word: &mut [u8]) -> usize {
    // Every suffix below ends in one of these letters, so a word ending otherwise keeps its
    // form (most words: the check is on the hot path of every word of a document).
    if !matches!(
        word.last(),
        Some(b's' | b'd' | b't' | b'g' | b'n' | b'y' | b'e')
    ) {
        return word.len();
    }
    let mut len = word.len();
    if ends_with(&word[..len], b"'s") {
        len -= 2;
    }
    for (suffix, replacement) in [(&b"sses"[..], &b"ss"[..]), (b"ies", b"y"), (b"ied", b"y")] {
        if len > suffix.len() + 2 && ends_with(&word[..len], suffix) {
            len -= suffix.len();
            word[len..len + replacement.len()].copy_from_slice(replacement);
            return len + replacement.len();
        }
    }
    let w = |len: usize| &word[..len];
    if len > 3 && ends_with(w(len), b"s") && !ends_with(w(len), b"ss") && !ends_with(w(len), b"us")
    {
        len -= 1;
    }
    for suffix in [&b"ment"[..], b"ing", b"ed", b"ion", b"ly", b"ity"] {
        if ends_with(w(len), suffix) && char_count(w(len)) > suffix.len() + 3 {
            len -= suffix.len();
        }
    }
    if len > 3 && ends_with(w(len), b"e") {
        len -= 1;
    }
    len
}

/// `word.ends_with(suffix)` for the short suffixes of stemming, compared byte by byte rather
/// than through a `memcmp` call.
#[inline]
fn ends_with(word: &[u8], suffix: &[u8]) -> bool {
    word.len() >= suffix.len()
        && word[word.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a == b)
}

/// The number of characters of UTF-8 bytes (the bytes that do not continue a character).
fn char_count(utf8: &[u8]) -> usize {
    utf8.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The normalised content words of a block (as hashes of their stems: comparing and indexing
/// numbers allocates nothing), with their sentence. One is reused for every block of a
/// document.
#[derive(Default)]
struct Terms {
    stems: Vec<u64>,
    sentence_of: Vec<usize>,
    /// Numbers and capitalised words not at a sentence start: the facts a text states.
    facts: FastSet<u64>,
    /// Scratch space for lower-casing and stemming a word.
    buf: Vec<u8>,
}

/// Keys here are hashes, small indices or short stop words: a multiply-rotate mix is enough,
/// and much cheaper than SipHash on the hot path of indexing every word of a document.
#[derive(Default)]
struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<MixHasher>>;

/// FNV-1a: a fast, stable hash for short strings.
fn hash(text: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Words up to this many bytes are normalised in a stack buffer.
const SHORT_WORD: usize = 32;

/// The hash of a word's stem; `buf` is scratch space.
fn stem_hash(word: &str, buf: &mut Vec<u8>) -> u64 {
    lowercase_into(word, buf);
    stem_in_place(buf);
    hash(buf)
}

/// Posting lists longer than this belong to words or phrases too common to tell passages
/// apart; they are not extended, which keeps the cost linear on long documents.
const MAX_POSTINGS: usize = 64;

/// The end of a posting list.
const NIL: usize = usize::MAX;

/// Posting lists of many keys, kept in one arena as linked lists: most word pairs of a
/// document occur once, and a `Vec` per key was an allocation per distinct key. A list keeps
/// the first [`MAX_POSTINGS`] values pushed to it (in no particular order).
struct Postings<T> {
    /// Key → (its last node, its length).
    heads: FastMap<u64, (usize, usize)>,
    /// (value, previous node of the same key).
    nodes: Vec<(T, usize)>,
}

impl<T> Default for Postings<T> {
    fn default() -> Self {
        Self {
            heads: FastMap::default(),
            nodes: Vec::new(),
        }
    }
}

/// The most shingles [`Postings::reserve`] makes room for in advance.
const MAX_RESERVED_SHINGLES: usize = 1 << 16;

impl<T: Copy> Postings<T> {
    fn reserve(&mut self, keys: usize) {
        self.heads.reserve(keys);
        self.nodes.reserve(keys);
    }

    fn push(&mut self, key: u64, value: T) {
        let (head, len) = self.heads.entry(key).or_insert((NIL, 0));
        if *len < MAX_POSTINGS {
            self.nodes.push((value, *head));
            *head = self.nodes.len() - 1;
            *len += 1;
        }
    }

    fn contains_key(&self, key: &u64) -> bool {
        self.heads.contains_key(key)
    }

    fn get(&self, key: &u64) -> impl Iterator<Item = T> + '_ {
        let mut at = self.heads.get(key).map_or(NIL, |&(head, _)| head);
        std::iter::from_fn(move || {
            let &(value, previous) = self.nodes.get(at)?;
            at = previous;
            Some(value)
        })
    }
}

impl NearDuplicate {
    /// Fills `terms` with the terms of `block`, replacing what it held.
    fn terms(&self, block: &Block, terms: &mut Terms) {
        terms.stems.clear();
        terms.sentence_of.clear();
        terms.facts.clear();
        let buf = &mut terms.buf;
        let want_facts = self.mode == Mode::Faq;
        for (s, sentence) in block.sentences.iter().enumerate() {
            for (i, word) in block.words[sentence.words.clone()].iter().enumerate() {
                let text = &block.text[word.text.clone()];
                let first = text.chars().next().unwrap_or(' ');
                let fact = want_facts && (first.is_numeric() || (first.is_uppercase() && i > 0));
                // A short ASCII word (most words) is normalised on the stack.
                let mut short = [0u8; SHORT_WORD];
                let lower: &mut [u8] = if text.len() <= SHORT_WORD && text.is_ascii() {
                    let lower = &mut short[..text.len()];
                    for (l, b) in lower.iter_mut().zip(text.bytes()) {
                        *l = b.to_ascii_lowercase();
                    }
                    lower
                } else {
                    lowercase_into(text, buf);
                    &mut buf[..]
                };
                let stop = lower.len() <= self.max_stop_len && self.stop_words.contains(&*lower);
                let content = !stop && text.chars().any(char::is_alphanumeric);
                // Stop words and punctuation are stemmed only when they state a fact.
                if !content && !fact {
                    continue;
                }
                let len = stem_len(lower);
                let stem = hash(&lower[..len]);
                if fact {
                    terms.facts.insert(stem);
                }
                if content {
                    terms.stems.push(stem);
                    terms.sentence_of.push(s);
                }
            }
        }
    }
}

/// Word-pair shingles of a stem sequence.
fn pairs(stems: &[u64]) -> impl Iterator<Item = (u64, u64)> + '_ {
    stems.windows(2).map(|w| (w[0], w[1]))
}

/// Where each stem and word pair occurs in the body: (block, sentence).
#[derive(Default)]
struct BodyIndex {
    words: Postings<(usize, usize)>,
    pairs: FastSet<(u64, u64)>,
    facts: FastSet<u64>,
}

impl Check for NearDuplicate {
    /// A pass over the whole document, which no other thread can share: started first.
    fn cost_hint(&self) -> u32 {
        match self.mode {
            Mode::Paragraph => 10,
            Mode::Faq => 4,
        }
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        match self.mode {
            Mode::Faq => self.check_faq(doc, rule, out),
            Mode::Paragraph => self.check_paragraphs(doc, rule, out),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl NearDuplicate {
    fn check_faq(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        if doc.faqs.is_empty() {
            return;
        }
        // One flag per block: asking every FAQ section for every block was quadratic.
        let mut faq_block = vec![false; doc.blocks.len()];
        for f in &doc.faqs {
            faq_block[f.blocks.clone()].fill(true);
        }
        let in_faq = |i: usize| faq_block[i];
        let mut terms = Terms::default();
        // Only what the answers hold is looked up in the body: the body is indexed for those
        // stems alone (a long article has far more words than its FAQ).
        let mut wanted: FastSet<u64> = FastSet::default();
        for pair in doc.faqs.iter().flat_map(|f| &f.pairs) {
            for b in pair.answer.clone() {
                self.terms(&doc.blocks[b], &mut terms);
                wanted.extend(terms.stems.iter().chain(&terms.facts).copied());
            }
        }
        let mut body = BodyIndex::default();
        for (i, block) in doc.prose() {
            if in_faq(i) {
                continue;
            }
            self.terms(block, &mut terms);
            for (&stem, &s) in terms.stems.iter().zip(&terms.sentence_of) {
                if wanted.contains(&stem) {
                    body.words.push(stem, (i, s));
                }
            }
            body.pairs.extend(
                pairs(&terms.stems).filter(|(a, b)| wanted.contains(a) && wanted.contains(b)),
            );
            // Facts are also words of the body, whatever their case.
            body.facts.extend(
                terms
                    .facts
                    .iter()
                    .chain(&terms.stems)
                    .filter(|f| wanted.contains(f))
                    .copied(),
            );
        }
        for faq in &doc.faqs {
            for pair in &faq.pairs {
                let answer_blocks = pair.answer.clone();
                let mut stems = Vec::new();
                let mut facts = FastSet::default();
                for b in answer_blocks.clone() {
                    self.terms(&doc.blocks[b], &mut terms);
                    stems.extend(terms.stems.iter().copied());
                    facts.extend(terms.facts.iter().copied());
                }
                let distinct: FastSet<u64> = stems.iter().copied().collect();
                if distinct.len() < self.min_words {
                    continue;
                }
                let answer_pairs: Vec<(u64, u64)> = pairs(&stems).collect();
                let contained = answer_pairs
                    .iter()
                    .filter(|p| body.pairs.contains(p))
                    .count();
                let containment = contained as f64 / answer_pairs.len().max(1) as f64;
                let overlap = distinct
                    .iter()
                    .filter(|w| body.words.contains_key(w))
                    .count() as f64
                    / distinct.len() as f64;
                let new_facts = facts.iter().any(|f| !body.facts.contains(f));
                if new_facts || (containment < self.containment && overlap < self.word_overlap) {
                    continue;
                }
                // The body sentences sharing the most words with the answer.
                let mut score: FastMap<(usize, usize), usize> = FastMap::default();
                let mut seen = FastSet::default();
                for w in &distinct {
                    seen.clear();
                    for at in body.words.get(w) {
                        if seen.insert(at) {
                            *score.entry(at).or_default() += 1;
                        }
                    }
                }
                // A passage must share a good part of the answer to be shown as its source.
                // (Filtered before sorting: in a long article most candidates are below it.)
                let floor = (distinct.len() * 2 / 5).max(2);
                let mut ranked: Vec<((usize, usize), usize)> =
                    score.into_iter().filter(|(_, n)| *n >= floor).collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let mut related: Vec<Span> = ranked
                    .iter()
                    .take(self.max_related)
                    .map(|((b, s), _)| doc.blocks[*b].sentences[*s].span)
                    .collect();
                related.sort();
                if related.is_empty() {
                    // Without a passage to point at, the claim "repeats the article" is unproven.
                    continue;
                }
                let span = doc.blocks_span(answer_blocks.clone());
                let span = answer_text_span(doc, answer_blocks).unwrap_or(span);
                let percent = (overlap.max(containment) * 100.0).round().to_string();
                let mut d = rule.diagnostic(span, &[("percent", &percent)]);
                for r in related {
                    d = d.with_related(r, "said here");
                }
                out.push(d);
            }
        }
    }

    fn check_paragraphs(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        // Shingle → earlier blocks that have it. A block has at most one shingle per word:
        // sized for the document's words up front (within a bound, so that a long document
        // does not reserve more than its growth would), the index is not rehashed as it grows.
        let mut index: Postings<usize> = Postings::default();
        let words: usize = doc.blocks.iter().map(|b| b.words.len()).sum();
        index.reserve(words.min(MAX_RESERVED_SHINGLES));
        // Distinct shingles of each indexed block.
        let mut shingle_counts = vec![0usize; doc.blocks.len()];
        // Shingles shared with each earlier block, and the blocks that share any: one counter
        // per block, reset after each block, instead of a map built per block.
        let mut shared = vec![0usize; doc.blocks.len()];
        let mut sharing: Vec<usize> = Vec::new();
        let mut terms = Terms::default();
        let mut shingles: Vec<u64> = Vec::new();
        // Repeats grouped by the passage they repeat, in the order the groups start: a passage
        // pasted a thousand times is one problem, reported once with a count, not a thousand
        // findings.
        let mut groups: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
        let mut group_of: FastMap<usize, usize> = FastMap::default();
        self.check_questions(doc, rule, out);
        let questions: HashSet<usize> = doc
            .faqs
            .iter()
            .flat_map(|f| f.pairs.iter().map(|p| p.question))
            .collect();
        for (i, block) in doc.prose() {
            if !matches!(
                block.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
            ) || questions.contains(&i)
            {
                continue;
            }
            // Its content words are some of its words: a block with too few words is skipped
            // before they are normalised.
            if block.words.len() < self.min_words {
                continue;
            }
            self.terms(block, &mut terms);
            if terms.stems.len() < self.min_words {
                continue;
            }
            // The distinct shingles, sorted (a set without hashing).
            shingles.clear();
            shingles.extend(
                terms
                    .stems
                    .windows(3)
                    .map(|w| w[0].rotate_left(1) ^ w[1].rotate_left(17) ^ w[2].rotate_left(31)),
            );
            shingles.sort_unstable();
            shingles.dedup();
            for sh in &shingles {
                for earlier in index.get(sh) {
                    if shared[earlier] == 0 {
                        sharing.push(earlier);
                    }
                    shared[earlier] += 1;
                }
            }
            let best = sharing
                .iter()
                .map(|&e| {
                    let n = shared[e];
                    let union = shingles.len() + shingle_counts[e] - n;
                    (e, n as f64 / union.max(1) as f64)
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            for e in sharing.drain(..) {
                shared[e] = 0;
            }
            if let Some((earlier, jaccard)) = best
                && jaccard >= self.containment
            {
                let group = *group_of.entry(earlier).or_insert_with(|| {
                    groups.push((earlier, Vec::new()));
                    groups.len() - 1
                });
                groups[group].1.push((i, jaccard));
                continue;
            }
            shingle_counts[i] = shingles.len();
            for &sh in &shingles {
                index.push(sh, i);
            }
        }
        for (earlier, repeats) in groups {
            let whole = |b: usize| doc.blocks[b].source_span(0..doc.blocks[b].text.len());
            let (first_repeat, jaccard) = repeats[0];
            let percent = (jaccard * 100.0).round().to_string();
            let mut finding = rule
                .diagnostic(whole(first_repeat), &[("percent", &percent)])
                .with_related(whole(earlier), "first said here");
            if repeats.len() > 1 {
                let more = repeats.len() - 1;
                let times = if more == 1 { "time" } else { "times" };
                finding.message = format!("{}; repeated {more} more {times}", finding.message);
                for &(again, _) in repeats[1..].iter().take(self.max_related) {
                    finding = finding.with_related(whole(again), "repeated again here");
                }
            }
            out.push(finding);
        }
    }
}

impl NearDuplicate {
    /// A question asked twice in one FAQ: the same content words, however phrased ("How do I
    /// apply?" / "How can I apply?"). FAQs are short, so questions are compared pairwise.
    fn check_questions(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        for faq in &doc.faqs {
            let mut seen: Vec<(usize, FastSet<u64>)> = Vec::new();
            let mut buf = Vec::new();
            for pair in &faq.pairs {
                let block = &doc.blocks[pair.question];
                let words: FastSet<u64> = block
                    .words
                    .iter()
                    .map(|w| block.text[w.text.clone()].to_lowercase())
                    .filter(|w| {
                        !QUESTION_WORDS.contains(&w.as_str())
                            && !self.stop_words.contains(w.as_bytes())
                    })
                    .map(|w| stem_hash(&w, &mut buf))
                    .collect();
                if words.is_empty() {
                    continue;
                }
                let earlier = seen.iter().find(|(_, other)| {
                    let shared = words.intersection(other).count();
                    shared as f64 / words.union(other).count() as f64 >= self.containment
                });
                if let Some((first, _)) = earlier {
                    let first = &doc.blocks[*first];
                    out.push(
                        rule.diagnostic(
                            block.source_span(0..block.text.len()),
                            &[("percent", "100")],
                        )
                        .with_related(first.source_span(0..first.text.len()), "first asked here"),
                    );
                } else {
                    seen.push((pair.question, words));
                }
            }
        }
    }
}

/// Words that only make a sentence a question.
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "why", "when", "where", "who", "which", "do", "does", "did", "can", "could",
    "should", "would", "will", "i", "we", "you", "is", "are", "be", "being", "been", "was", "were",
    "a", "an", "the", "to", "my", "q",
];

/// The answer's visible text, from its first to its last character (without list markers).
fn answer_text_span(doc: &Document<'_>, blocks: std::ops::Range<usize>) -> Option<Span> {
    let first = &doc.blocks[blocks.start];
    let last = &doc.blocks[blocks.end - 1];
    let start = first.source_span(0..first.text.len()).start;
    let end = last.source_span(0..last.text.len()).end;
    (start < end).then_some(Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::{MAX_POSTINGS, Postings, stem};

    #[test]
    fn postings_keep_the_first_values_of_each_key() {
        let mut postings = Postings::default();
        for i in 0..MAX_POSTINGS + 10 {
            postings.push(7, i);
        }
        postings.push(9, 100);
        let mut seven: Vec<usize> = postings.get(&7).collect();
        seven.sort_unstable();
        assert_eq!(seven, (0..MAX_POSTINGS).collect::<Vec<_>>());
        assert_eq!(postings.get(&9).collect::<Vec<_>>(), vec![100]);
        assert_eq!(postings.get(&8).count(), 0);
        assert!(postings.contains_key(&9) && !postings.contains_key(&8));
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("defecting"), stem("defection"));
        assert_eq!(stem("defections"), stem("defect"));
        assert_eq!(stem("casualties"), stem("casualty"));
        assert_eq!(stem("forces"), stem("force"));
        assert_eq!(stem("disillusionment"), stem("disillusioned"));
        assert_eq!(stem("Russia’s"), stem("Russia"));
    }

    /// The stemmer as it was written on `String`s, with `str::ends_with` and a character
    /// count: the byte stemmer and its early exit must give the same stems.
    fn reference_stem(word: &str) -> String {
        let mut w: String = word
            .chars()
            .flat_map(|c| {
                if c == '’' {
                    vec!['\'']
                } else {
                    c.to_lowercase().collect()
                }
            })
            .collect();
        if w.ends_with("'s") {
            w.truncate(w.len() - 2);
        }
        for (suffix, replacement) in [("sses", "ss"), ("ies", "y"), ("ied", "y")] {
            if w.len() > suffix.len() + 2 && w.ends_with(suffix) {
                w.truncate(w.len() - suffix.len());
                w.push_str(replacement);
                return w;
            }
        }
        if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
            w.pop();
        }
        for suffix in ["ment", "ing", "ed", "ion", "ly", "ity"] {
            if w.ends_with(suffix) && w.chars().count() > suffix.len() + 3 {
                w.truncate(w.len() - suffix.len());
            }
        }
        if w.len() > 3 && w.ends_with('e') {
            w.pop();
        }
        w
    }

    #[test]
    fn byte_stems_match_the_string_stemmer() {
        let parts = [
            "a", "e", "s", "d", "t", "g", "n", "y", "i", "l", "m", "o", "u", "'", "’", "é", "É",
            "ß", "K", "ment", "ing", "ed", "ion", "ly", "ity", "ies", "ied", "sses", "us", "ss",
            "'s", "’s",
        ];
        for word in crate::document::test_text::random_texts(&parts, 3, 8, 100_000) {
            assert_eq!(stem(&word), reference_stem(&word), "{word:?}");
        }
    }
}
