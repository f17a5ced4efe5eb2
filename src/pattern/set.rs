//! One pass over a block for the patterns and word lists of many rules.
//!
//! Most rules search every prose block with a pattern or word list of their own (a phrase
//! list, a family of AI-style constructions, spelled numbers, a Vale style's word lists), and
//! almost every search finds nothing: on the shared corpora, each of the busiest built-in
//! patterns reads all 6.7 MB of block text to find a handful of matches, and with Vale's
//! published styles a run reads the text once for each of about a hundred word lists. A
//! [`PatternSet`] gathers the literals that every match of a member must contain ("reports"
//! and "indicate" for `\breports\s+indicate\b`; each word of a word list) into one
//! Aho-Corasick automaton, so one pass over a block tells which members cannot match anywhere
//! in it. What a member needs is a list of branches (a phrase list's phrases), each a few
//! parts that must all be there (the rarest three: "some" alone is in one block of twelve,
//! "some" with "say" far fewer), each part a set of literals one of which must be there, whole
//! where the pattern puts a word boundary (`\bone\b` is not in "someone"). Rarity is guessed
//! from English letter frequencies and a list of common words. Each rule then
//! searches only the blocks (or the sentences and windows of blocks) where its member may
//! match, with its own automata, for its own matches: findings cannot change. A member with
//! no literal worth looking for (`[0-9]+`, a word list holding "a") is searched as before. A
//! pattern only a backtracking engine runs (a Vale rule with look-around) joins with the
//! literals of a looser pattern that matches wherever it does ([`LiteralList::of_pattern`]).
//! Literals are compared ASCII case-insensitively; a block holding one of the two non-ASCII
//! characters that case folding equates with an ASCII letter (the Kelvin sign, the long s)
//! rules nothing out.
//!
//! The rules do not pass the answer around: [`DocumentScan::enter`] makes a document's scan
//! the one this thread's searches consult while a rule reads the document, and a member
//! searching a text that lies within one of the document's blocks (a block's own text or a
//! slice of it: the same bytes at the same address) skips the search when none of its literals
//! occurs in that block. Any other text (a link's destination, a copy) is searched as before.
//! So a rule gains without knowing, and a block is read once however many members search it.
//!
//! The union is only worth building for a run that reads enough text (it parses every
//! member, which a built-in pattern compiled with the binary never needs). So it is built once
//! the run's documents pass 256 KB (`BUILD_AFTER`), by one thread while the others go on
//! without it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind};

use super::{Regex, parse};

/// How many bytes of documents a run reads before the union is built.
pub const BUILD_AFTER: usize = 256 * 1024;

/// The most literals a union reads with a DFA.
const DFA_LITERALS: usize = 1500;

/// What joins a set.
#[derive(Clone, Debug)]
pub enum Member {
    Pattern(Regex),
    /// A word list with a search of its own: whatever it matches holds one of the literals.
    Literals(Arc<LiteralList>),
}

/// Literal strings of which every match of some search holds one (compared ASCII
/// case-insensitively): a word list's words.
#[derive(Debug)]
pub struct LiteralList {
    literals: Literals,
    member_of: OnceLock<(usize, u32)>,
}

#[derive(Debug)]
enum Literals {
    Listed(Vec<Vec<u8>>),
    /// Those a pattern's every match needs, worked out when a set is built (a run that builds
    /// none never parses the pattern).
    OfPattern(Box<str>),
}

impl LiteralList {
    pub fn new(literals: Vec<Vec<u8>>) -> Arc<LiteralList> {
        Arc::new(LiteralList {
            literals: Literals::Listed(literals),
            member_of: OnceLock::new(),
        })
    }

    /// The literals of a list made with [`LiteralList::new`] (none for one of a pattern).
    pub fn listed(&self) -> &[Vec<u8>] {
        match &self.literals {
            Literals::Listed(literals) => literals,
            Literals::OfPattern(_) => &[],
        }
    }

    /// The literals one of which every match of `pattern` (`regex` syntax) holds: for a search
    /// made by another engine whose matches `pattern` also matches.
    pub fn of_pattern(pattern: &str) -> Arc<LiteralList> {
        Arc::new(LiteralList {
            literals: Literals::OfPattern(pattern.into()),
            member_of: OnceLock::new(),
        })
    }

    /// Whether none of the literals occurs in `haystack`, as far as the scan of the document
    /// this thread reads knows (see [`DocumentScan::enter`]): the search can be skipped.
    pub fn cannot_occur(&self, haystack: &str) -> bool {
        ruled_out(&self.member_of, haystack)
    }
}

impl Member {
    fn member_of(&self) -> &OnceLock<(usize, u32)> {
        match self {
            Member::Pattern(regex) => &regex.lazy.member_of,
            Member::Literals(list) => &list.member_of,
        }
    }

    /// What each match holds, if there are literals worth looking for.
    fn requirement(&self) -> Option<Requirement> {
        match self {
            Member::Pattern(regex) => requirement(&parse(&regex.lazy.pattern).ok()?),
            Member::Literals(list) => match &list.literals {
                Literals::Listed(literals) => Some(vec![vec![
                    Clue::anywhere(literals.clone()).worth_looking_for()?,
                ]]),
                Literals::OfPattern(pattern) => requirement(&parse(pattern).ok()?),
            },
        }
    }
}

/// Which members can match in each block of a document, found in one pass per block.
pub struct PatternSet {
    inner: Arc<SetInner>,
}

struct SetInner {
    /// Distinguishes this set from others a long-running process builds (a server reloading
    /// its rules): a member belongs to at most one set.
    id: usize,
    members: Vec<Member>,
    /// How many bytes of documents the run reads before the union is built.
    build_after: usize,
    read: AtomicUsize,
    building: AtomicBool,
    union: OnceLock<Option<Union>>,
}

/// The union: every member's literals in one automaton.
struct Union {
    literals: AhoCorasick,
    /// For each literal, the parts (of members' branches) it is one of.
    owners: Vec<Vec<u32>>,
    parts: Vec<PartOf>,
    /// For each branch, its member and how many parts it has.
    branches: Vec<(u32, u32)>,
    /// What every block starts from: the members that took no part (no literal worth looking
    /// for) may match anywhere.
    always: MaybeMatches,
    /// How many members took part.
    taking_part: usize,
}

impl std::fmt::Debug for PatternSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternSet")
            .field("members", &self.inner.members.len())
            .field("built", &self.inner.union.get().is_some())
            .finish()
    }
}

static NEXT_SET_ID: AtomicUsize = AtomicUsize::new(1);

impl PatternSet {
    /// A set of `members` (duplicates and members of another set are left out; they are
    /// searched as before).
    pub fn new(members: impl IntoIterator<Item = Member>) -> PatternSet {
        let id = NEXT_SET_ID.fetch_add(1, Ordering::Relaxed);
        let mut kept: Vec<Member> = Vec::new();
        for member in members {
            let Ok(slot) = u32::try_from(kept.len()) else {
                break;
            };
            if member.member_of().set((id, slot)).is_ok() {
                kept.push(member);
            }
        }
        PatternSet {
            inner: Arc::new(SetInner {
                id,
                members: kept,
                build_after: BUILD_AFTER,
                read: AtomicUsize::new(0),
                building: AtomicBool::new(false),
                union: OnceLock::new(),
            }),
        }
    }

    /// The same set, built after `bytes` of documents instead of 256 KB (tests use 0).
    pub fn build_after(mut self, bytes: usize) -> PatternSet {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.build_after = bytes;
        }
        self
    }

    pub fn len(&self) -> usize {
        self.inner.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.members.is_empty()
    }

    /// The scan of a document whose blocks' texts are `blocks`, or `None` while the run has
    /// not read enough for the union to pay (256 KB, `BUILD_AFTER`); this call may build it.
    /// The scan knows the blocks by their addresses: `blocks` must be the document's own
    /// texts, alive as long as the scan is entered (a temporary copy, freed and its address
    /// reused by another text, would rule that text out by the copy's literals).
    pub fn scan<'t>(&self, blocks: impl IntoIterator<Item = &'t str>) -> Option<DocumentScan> {
        use rayon::prelude::*;
        let inner = &self.inner;
        if inner.members.is_empty() {
            return None;
        }
        let texts: Vec<&str> = blocks.into_iter().filter(|t| !t.is_empty()).collect();
        if inner.union.get().is_none() {
            let bytes: usize = texts.iter().map(|t| t.len()).sum();
            let read = inner.read.fetch_add(bytes, Ordering::Relaxed) + bytes;
            if read < inner.build_after || inner.building.swap(true, Ordering::AcqRel) {
                return None;
            }
            inner.union.get_or_init(|| Union::new(&inner.members));
        }
        let union = inner.union.get()?.as_ref()?;
        // Every block now, while their texts are at hand (a long document's in parallel).
        let mut blocks: Vec<BlockScan> = texts
            .par_iter()
            .with_min_len(64)
            .map_init(
                || union.tally(),
                |tally, text| BlockScan {
                    at: text.as_ptr() as usize,
                    len: text.len(),
                    matched: union.matched(text, tally),
                },
            )
            .collect();
        blocks.sort_by_key(|b| b.at);
        Some(DocumentScan {
            set: Arc::clone(inner),
            blocks,
        })
    }
}

impl Union {
    fn new(members: &[Member]) -> Option<Union> {
        use rayon::prelude::*;
        let needed: Vec<Option<Requirement>> =
            members.par_iter().map(Member::requirement).collect();
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        let mut parts: Vec<PartOf> = Vec::new();
        let mut branches: Vec<(u32, u32)> = Vec::new();
        let took_part: Vec<bool> = needed.iter().map(Option::is_some).collect();
        for (slot, needed) in needed.into_iter().enumerate() {
            let slot = u32::try_from(slot).ok()?;
            for branch in needed.into_iter().flatten() {
                let branch_id = u32::try_from(branches.len()).ok()?;
                branches.push((slot, u32::try_from(branch.len()).ok()?));
                for part in branch {
                    let part_id = u32::try_from(parts.len()).ok()?;
                    parts.push(PartOf {
                        branch: branch_id,
                        word_before: part.word_before,
                        word_after: part.word_after,
                    });
                    for literal in part.literals {
                        let i = *index.entry(literal.clone()).or_insert_with(|| {
                            literals.push(literal);
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        // A literal listed twice in one part counts once.
                        if owners[i].last() != Some(&part_id) {
                            owners[i].push(part_id);
                        }
                    }
                }
            }
        }
        if literals.is_empty() {
            return None;
        }
        // A DFA reads fastest, but for the thousands of literals of a Vale run it would take
        // 100 ms to build: then the crate's choice (a contiguous NFA).
        let kind = (literals.len() <= DFA_LITERALS).then_some(AhoCorasickKind::DFA);
        let literals = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(kind)
            .build(&literals)
            .ok()?;
        let mut always = MaybeMatches::new(took_part.len());
        for (slot, &took) in took_part.iter().enumerate() {
            if !took {
                always.insert(slot);
            }
        }
        Some(Union {
            literals,
            owners,
            parts,
            branches,
            taking_part: took_part.iter().filter(|&&took| took).count(),
            always,
        })
    }

    /// Counters for [`Union::matched`], reused from block to block.
    fn tally(&self) -> Tally {
        let counts = Counts {
            part_seen: vec![0; self.parts.len()],
            branch_seen: vec![0; self.branches.len()],
            branch_parts: vec![0; self.branches.len()],
        };
        Tally {
            round: 0,
            block: counts.clone(),
            slices: counts,
        }
    }

    /// Which members can match in `text` (`false`: certainly not); `None` if the text holds a
    /// character that case-insensitive matching equates with an ASCII letter (the Kelvin sign,
    /// the long s), which the literals, compared in ASCII, would miss.
    fn matched(&self, text: &str, tally: &mut Tally) -> Option<Admitted> {
        if memchr::memmem::find(text.as_bytes(), "\u{212A}".as_bytes()).is_some()
            || memchr::memmem::find(text.as_bytes(), "\u{17F}".as_bytes()).is_some()
        {
            return None;
        }
        let mut admitted = Admitted {
            block: self.always.clone(),
            slices: self.always.clone(),
        };
        // Members not yet admitted in the whole block (fewer are admitted there than in
        // slices: when all are, all are in slices too).
        let mut left = self.taking_part;
        let round = tally.next_round();
        let bytes = text.as_bytes();
        let is_word = |at: usize| {
            bytes
                .get(at)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        };
        for found in self.literals.find_overlapping_iter(text) {
            // An occurrence that starts (ends) with a word character glued to another one
            // is not where a word boundary can be, in the block. A slice of it may start or
            // end right there, where the boundary then is: slices ignore this.
            let glued_before =
                found.start() > 0 && is_word(found.start()) && is_word(found.start() - 1);
            let glued_after = is_word(found.end() - 1) && is_word(found.end());
            for &part in &self.owners[found.pattern().as_usize()] {
                let part = part as usize;
                let of = &self.parts[part];
                let in_block =
                    !((of.word_before && glued_before) || (of.word_after && glued_after));
                let (slot, parts) = self.branches[of.branch as usize];
                if tally.slices.count(part, of.branch, round) == Some(parts) {
                    admitted.slices.insert(slot as usize);
                }
                if in_block
                    && tally.block.count(part, of.branch, round) == Some(parts)
                    && admitted.block.insert(slot as usize)
                {
                    left -= 1;
                }
            }
            if left == 0 {
                break;
            }
        }
        Some(admitted)
    }
}

/// Which members may match in a block, and in slices of it (which may start or end inside a
/// word).
struct Admitted {
    block: MaybeMatches,
    slices: MaybeMatches,
}

/// The members that may match in a block, one bit each (a Vale run has a thousand members,
/// and a long document a hundred thousand blocks).
#[derive(Clone)]
struct MaybeMatches(Box<[u64]>);

impl MaybeMatches {
    fn new(members: usize) -> MaybeMatches {
        MaybeMatches(vec![0; members.div_ceil(64)].into_boxed_slice())
    }

    /// Marks `slot`; whether it was not marked before.
    fn insert(&mut self, slot: usize) -> bool {
        let (word, bit) = (slot / 64, 1u64 << (slot % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }

    /// Whether `slot` may match (a slot the set does not know may).
    fn contains(&self, slot: usize) -> bool {
        self.0
            .get(slot / 64)
            .is_none_or(|word| word & (1u64 << (slot % 64)) != 0)
    }
}

/// A part of a member's branch, as the union keeps it: its branch, and whether an occurrence
/// glued to a word before (after) it does not count.
struct PartOf {
    branch: u32,
    word_before: bool,
    word_after: bool,
}

/// Which parts and branches one block has seen, for the block and for its slices; a part or
/// branch counts in this block only if stamped with the block's round (no clearing between
/// blocks).
struct Tally {
    round: u32,
    block: Counts,
    slices: Counts,
}

#[derive(Clone)]
struct Counts {
    part_seen: Vec<u32>,
    branch_seen: Vec<u32>,
    branch_parts: Vec<u32>,
}

impl Tally {
    fn next_round(&mut self) -> u32 {
        if self.round == u32::MAX {
            self.round = 0;
            for counts in [&mut self.block, &mut self.slices] {
                counts.part_seen.fill(0);
                counts.branch_seen.fill(0);
            }
        }
        self.round += 1;
        self.round
    }
}

impl Counts {
    /// Counts `part` of `branch` as seen in this `round`; the parts of the branch seen so
    /// far, or `None` if the part had been seen already.
    fn count(&mut self, part: usize, branch: u32, round: u32) -> Option<u32> {
        if self.part_seen[part] == round {
            return None;
        }
        self.part_seen[part] = round;
        let branch = branch as usize;
        if self.branch_seen[branch] != round {
            self.branch_seen[branch] = round;
            self.branch_parts[branch] = 0;
        }
        self.branch_parts[branch] += 1;
        Some(self.branch_parts[branch])
    }
}

/// Literals one of which a match holds (compared ASCII case-insensitively).
type Part = Vec<Vec<u8>>;
/// A part of a branch, and whether the pattern puts a word boundary right before or after it
/// (`\bone\b` is not in "someone"): an occurrence glued to a word does not count.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Clue {
    literals: Part,
    word_before: bool,
    word_after: bool,
}

impl Clue {
    fn anywhere(literals: Part) -> Clue {
        Clue {
            literals,
            word_before: false,
            word_after: false,
        }
    }

    fn worth_looking_for(self) -> Option<Clue> {
        Some(Clue {
            literals: worth_looking_for(self.literals)?,
            ..self
        })
    }
}

/// Parts a match holds each of.
type Branch = Vec<Clue>;
/// Branches a match satisfies one of: what a member's every match needs.
type Requirement = Vec<Branch>;

/// The most parts of a branch looked for: the rarest.
const MAX_PARTS: usize = 3;

/// What every match of `hir` needs, or `None` when some match needs no literal worth looking
/// for. Each branch of a top-level alternation is a branch; a sequence needs a literal of each
/// of its parts (`some\s+say` needs "some" and "say"), of which the rarest few are kept. A
/// case-insensitive letter (`[Kk\u{212A}]`) counts as its lower case form; the non-ASCII forms
/// are handled by [`Union::matched`].
fn requirement(hir: &Hir) -> Option<Requirement> {
    match hir.kind() {
        HirKind::Capture(capture) => requirement(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => requirement(&rep.sub),
        HirKind::Alternation(alternatives) => Some(
            alternatives
                .iter()
                .map(requirement)
                .collect::<Option<Vec<_>>>()?
                .concat(),
        ),
        // A sequence around an alternation (`\b(?:it\s+is\s+(?:said|thought)|some\s+say)\b`,
        // as a phrase list becomes once common prefixes are factored out) needs one of the
        // alternation's branches, each with the sequence's other parts.
        HirKind::Concat(parts) => {
            let around = |i: usize| -> Vec<Clue> {
                let mut rest = sequence_parts(&parts[..i]);
                rest.extend(sequence_parts(&parts[i + 1..]));
                worthy(rest)
            };
            // (An alternation of a few words is spelled out with its neighbours instead.)
            let alternation = parts.iter().position(|p| {
                matches!(unwrapped(p).kind(), HirKind::Alternation(_)) && spellings(p).is_none()
            });
            let branches = alternation.and_then(|i| {
                let inner = requirement(unwrapped(&parts[i]))?;
                (inner.len() <= MAX_BRANCHES).then(|| {
                    let rest = around(i);
                    inner
                        .into_iter()
                        .map(|mut branch| {
                            branch.extend(rest.iter().cloned());
                            rarest(branch)
                        })
                        .collect()
                })
            });
            match branches {
                Some(branches) => Some(branches),
                None => Some(vec![sequence_branch(parts)?]),
            }
        }
        _ => Some(vec![vec![
            Clue::anywhere(needed(hir)?).worth_looking_for()?,
        ]]),
    }
}

/// The most branches one member is looked for by.
const MAX_BRANCHES: usize = 512;

/// `hir` without the groups around it.
fn unwrapped(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(capture) => unwrapped(&capture.sub),
        _ => hir,
    }
}

/// The parts of a sequence worth looking for, the rarest first; `None` if there are none.
fn sequence_branch(parts: &[Hir]) -> Option<Branch> {
    let parts = worthy(sequence_parts(parts));
    (!parts.is_empty()).then(|| rarest(parts))
}

/// The parts worth looking for.
fn worthy(parts: Vec<Clue>) -> Vec<Clue> {
    parts
        .into_iter()
        .filter_map(Clue::worth_looking_for)
        .collect()
}

/// The [`MAX_PARTS`] rarest parts of a branch (duplicates count once). A part holding a
/// common word is kept only beside other such parts: next to a rarer word ("understood" in
/// "it is understood that") it rules out little, and the scan would stop at every "that".
fn rarest(parts: Branch) -> Branch {
    let mut rated: Vec<(f64, Clue)> = parts
        .into_iter()
        .map(|part| (rarity(&part.literals), part))
        .collect();
    rated.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    rated.dedup_by(|a, b| a.1 == b.1);
    rated.truncate(MAX_PARTS);
    // (A common word rates 1.0, see `rarity`.)
    if rated.first().is_some_and(|(rate, _)| *rate < 1.0) {
        rated.retain(|(rate, _)| *rate < 1.0);
    }
    rated.into_iter().map(|(_, part)| part).collect()
}

/// Literals one of which every match of `hir` holds (see [`needed`]), if worth looking for.
#[cfg(test)]
fn needed_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    worth_looking_for(needed(hir)?)
}

/// Words so frequent in prose that a literal equal to one is in many blocks.
const COMMON_WORDS: &[&str] = &[
    "about", "after", "all", "also", "and", "any", "are", "back", "because", "been", "before",
    "being", "both", "but", "can", "come", "could", "day", "did", "does", "each", "even", "first",
    "for", "from", "get", "give", "good", "had", "has", "have", "her", "here", "him", "his", "how",
    "into", "its", "just", "know", "last", "like", "look", "made", "make", "many", "may", "more",
    "most", "much", "must", "new", "not", "now", "one", "only", "other", "our", "out", "over",
    "own", "people", "said", "same", "say", "see", "she", "should", "some", "still", "such",
    "take", "than", "that", "the", "their", "them", "then", "there", "these", "they", "think",
    "this", "those", "through", "time", "two", "under", "use", "very", "want", "was", "way",
    "well", "were", "what", "when", "where", "which", "while", "who", "will", "with", "work",
    "would", "year", "you", "your",
];

/// How often a part's literals may be expected in prose (lower is rarer): a common word
/// counts as if it were everywhere; any other literal by the frequencies of its letters.
fn rarity(part: &Part) -> f64 {
    // English letter frequencies, a to z.
    const LETTERS: [f64; 26] = [
        0.082, 0.015, 0.028, 0.043, 0.127, 0.022, 0.020, 0.061, 0.070, 0.002, 0.008, 0.040, 0.024,
        0.067, 0.075, 0.019, 0.001, 0.060, 0.063, 0.091, 0.028, 0.010, 0.024, 0.002, 0.020, 0.001,
    ];
    part.iter()
        .map(|literal| {
            if COMMON_WORDS
                .iter()
                .any(|w| w.as_bytes().eq_ignore_ascii_case(literal))
            {
                return 1.0;
            }
            literal
                .iter()
                .map(|b| match b.to_ascii_lowercase() {
                    l @ b'a'..=b'z' => LETTERS[usize::from(l - b'a')],
                    b' ' => 0.18,
                    _ => 0.01,
                })
                .product::<f64>()
        })
        .sum()
}

/// `literals` in lower case, unless one is so common that it is in nearly every block (then
/// looking for them costs more than it saves): a byte, or two common letters ("in", "as";
/// "TK" is rare enough).
fn worth_looking_for(mut literals: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    const COMMON: &[u8] = b"etaoinshrdlcumwfgypbETAOINSHRDLCUMWFGYPB ";
    let rare = |l: &Vec<u8>| match l.len() {
        0 | 1 => false,
        2 => l.iter().any(|b| !COMMON.contains(b)),
        _ => true,
    };
    if literals.is_empty() || !literals.iter().all(rare) {
        return None;
    }
    for literal in &mut literals {
        literal.make_ascii_lowercase();
    }
    literals.sort();
    literals.dedup();
    Some(literals)
}

/// How many spellings a run of letters and small classes may have (`it['’]s` has two).
const MAX_SPELLINGS: usize = 64;

/// Literals one of which every match of `hir` contains: in a sequence
/// (`it\s+is\s+important`), the rarest of its parts worth looking for ("important"); in an
/// alternation, those of each branch. `None` when some match needs no literal at all.
fn needed(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(_) | HirKind::Class(_) => spellings(hir),
        HirKind::Capture(capture) => needed(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => needed(&rep.sub),
        HirKind::Alternation(branches) => Some(
            branches
                .iter()
                .map(needed)
                .collect::<Option<Vec<_>>>()?
                .concat(),
        ),
        HirKind::Concat(parts) => sequence_parts(parts)
            .into_iter()
            .map(|clue| clue.literals)
            .min_by(|a, b| {
                let (a, b) = (choice_key(a), choice_key(b));
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
            }),
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
}

/// What each part of a sequence needs: runs of letters and small classes ("it['’]s") spelled
/// out whole, and any other part that every match goes through.
fn sequence_parts(parts: &[Hir]) -> Vec<Clue> {
    let mut candidates: Vec<Clue> = Vec::new();
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    // Whether the part before the run is a word boundary.
    let mut run_bounded = false;
    let mut previous: Option<&Hir> = None;
    for part in parts {
        let Some(choices) = spellings(part) else {
            if run.iter().any(|r| !r.is_empty()) {
                candidates.push(Clue {
                    literals: std::mem::replace(&mut run, vec![Vec::new()]),
                    word_before: run_bounded,
                    word_after: is_boundary(part, false),
                });
            }
            candidates.extend(needed(part).map(Clue::anywhere));
            previous = Some(part);
            continue;
        };
        if run.iter().all(Vec::is_empty) {
            run_bounded = previous.is_some_and(|p| is_boundary(p, true));
        }
        if run.len() * choices.len() > MAX_SPELLINGS {
            candidates.push(Clue {
                literals: std::mem::replace(&mut run, vec![Vec::new()]),
                word_before: run_bounded,
                word_after: false,
            });
            run_bounded = false;
        }
        run = run
            .iter()
            .flat_map(|prefix| choices.iter().map(move |c| [prefix.as_slice(), c].concat()))
            .collect();
        previous = Some(part);
    }
    if run.iter().any(|r| !r.is_empty()) {
        candidates.push(Clue {
            literals: run,
            word_before: run_bounded,
            word_after: false,
        });
    }
    candidates
}

/// Whether `hir` asserts that the character on the side of it that a run of literals lies
/// (`before` the run: on its left) is not a word character when the run starts (ends) with
/// one: `\b`, and the start (end) of a word.
fn is_boundary(hir: &Hir, before: bool) -> bool {
    use regex_syntax::hir::Look;
    let HirKind::Look(look) = hir.kind() else {
        return false;
    };
    match look {
        Look::WordAscii | Look::WordUnicode => true,
        Look::WordStartAscii
        | Look::WordStartUnicode
        | Look::WordStartHalfAscii
        | Look::WordStartHalfUnicode => before,
        Look::WordEndAscii
        | Look::WordEndUnicode
        | Look::WordEndHalfAscii
        | Look::WordEndHalfUnicode => !before,
        _ => false,
    }
}

/// How a sequence's best part is chosen: one worth looking for, then the rarest.
fn choice_key(part: &Part) -> (bool, f64) {
    (worth_looking_for(part.clone()).is_none(), rarity(part))
}

/// What a literal or a small class can be: its bytes, the lower case form of a
/// case-insensitive letter, or the few characters of a class.
fn spellings(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    const SMALL_CLASS: usize = 4;
    match hir.kind() {
        HirKind::Literal(literal) => Some(vec![literal.0.to_vec()]),
        HirKind::Class(Class::Unicode(class)) => {
            if let Some(letter) = folded_letter(class) {
                return Some(vec![vec![letter as u8]]);
            }
            let chars: Vec<char> = class
                .iter()
                .flat_map(|range| range.start()..=range.end())
                .take(SMALL_CLASS + 1)
                .collect();
            (chars.len() <= SMALL_CLASS)
                .then(|| chars.iter().map(|c| c.to_string().into_bytes()).collect())
        }
        HirKind::Class(Class::Bytes(class)) => {
            let bytes: Vec<u8> = class
                .iter()
                .flat_map(|range| range.start()..=range.end())
                .take(SMALL_CLASS + 1)
                .collect();
            (bytes.len() <= SMALL_CLASS).then(|| bytes.iter().map(|&b| vec![b]).collect())
        }
        HirKind::Capture(capture) => spellings(&capture.sub),
        // A few words in a row or as alternatives: `\[(?:city|name)\]` is "[city]" or "[name]".
        HirKind::Concat(parts) => {
            let mut spelled: Vec<Vec<u8>> = vec![Vec::new()];
            for part in parts {
                let choices = spellings(part)?;
                if spelled.len() * choices.len() > MAX_SPELLINGS {
                    return None;
                }
                spelled = spelled
                    .iter()
                    .flat_map(|prefix| choices.iter().map(move |c| [prefix.as_slice(), c].concat()))
                    .collect();
            }
            Some(spelled)
        }
        HirKind::Alternation(alternatives) => {
            let mut spelled = Vec::new();
            for alternative in alternatives {
                spelled.extend(spellings(alternative)?);
                if spelled.len() > MAX_SPELLINGS {
                    return None;
                }
            }
            Some(spelled)
        }
        _ => None,
    }
}

/// The lower case letter of a class that is one ASCII letter in either case (and its non-ASCII
/// case-insensitive equivalent, if it has one).
fn folded_letter(class: &ClassUnicode) -> Option<char> {
    let mut chars = class.iter().flat_map(|range| range.start()..=range.end());
    let (upper, lower, other) = (chars.next()?, chars.next()?, chars.next());
    if chars.next().is_some() {
        return None;
    }
    let pair = lower.is_ascii_lowercase() && upper == lower.to_ascii_uppercase();
    let other_ok = match other {
        None => true,
        Some('\u{212A}') => lower == 'k',
        Some('\u{17F}') => lower == 's',
        Some(_) => false,
    };
    (pair && other_ok).then_some(lower)
}

/// A document's blocks, and which members of a set each of them can match.
pub struct DocumentScan {
    set: Arc<SetInner>,
    /// Sorted by address.
    blocks: Vec<BlockScan>,
}

struct BlockScan {
    at: usize,
    len: usize,
    /// `None` when the union cannot tell (see [`Union::matched`]).
    matched: Option<Admitted>,
}

thread_local! {
    /// The scan of the document a rule reads on this thread (see [`DocumentScan::enter`]).
    static CURRENT: std::cell::RefCell<Option<Arc<DocumentScan>>> =
        const { std::cell::RefCell::new(None) };
}

impl DocumentScan {
    /// Runs `read` (a rule reading the document) with this scan consulted by the searches it
    /// makes on this thread.
    pub fn enter<T>(self: &Arc<Self>, read: impl FnOnce() -> T) -> T {
        struct Restore(Option<Arc<DocumentScan>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.set(self.0.take());
            }
        }
        let _restore = Restore(CURRENT.replace(Some(Arc::clone(self))));
        read()
    }

    /// Whether this scan says that `regex` has no match in `haystack` (a document's block, or
    /// a slice of one): what a search of it on this thread skips, inside
    /// [`DocumentScan::enter`].
    pub fn rules_out(&self, regex: &Regex, haystack: &str) -> bool {
        self.rules_out_member(&regex.lazy.member_of, haystack)
    }

    fn rules_out_member(&self, member_of: &OnceLock<(usize, u32)>, haystack: &str) -> bool {
        let Some(&(set, slot)) = member_of.get() else {
            return false;
        };
        if self.set.id != set {
            return false;
        }
        // Only text within a block: bytes at an address inside the block's own text. A literal
        // that is nowhere in a block is in no slice of it.
        let at = haystack.as_ptr() as usize;
        let Some(i) = self.blocks.partition_point(|b| b.at <= at).checked_sub(1) else {
            return false;
        };
        let block = &self.blocks[i];
        if at + haystack.len() > block.at + block.len {
            return false;
        }
        let whole = at == block.at && haystack.len() == block.len;
        block.matched.as_ref().is_some_and(|m| {
            let admitted = if whole { &m.block } else { &m.slices };
            !admitted.contains(slot as usize)
        })
    }
}

/// Whether the member certainly has no match in `haystack`, by the scan of the document this
/// thread reads.
fn ruled_out(member_of: &OnceLock<(usize, u32)>, haystack: &str) -> bool {
    if member_of.get().is_none() {
        return false;
    }
    CURRENT.with_borrow(|scan| {
        scan.as_ref()
            .is_some_and(|s| s.rules_out_member(member_of, haystack))
    })
}

/// Whether `regex` certainly has no match in `haystack` (see [`ruled_out`]).
pub(super) fn cannot_match(regex: &Regex, haystack: &str) -> bool {
    ruled_out(&regex.lazy.member_of, haystack)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What every match of `pattern` needs, a branch a line: its parts, the rarest first, as
    /// their literals with `\b` where an occurrence must not be glued to a word.
    fn requirement_of(pattern: &str) -> Option<Vec<String>> {
        let hir = parse(&super::super::ascii_boundaries(pattern)).unwrap();
        let show = |clue: &Clue| {
            let literals: Vec<String> = clue
                .literals
                .iter()
                .map(|l| String::from_utf8(l.clone()).unwrap())
                .collect();
            format!(
                "{}{}{}",
                if clue.word_before { "\\b" } else { "" },
                literals.join("|"),
                if clue.word_after { "\\b" } else { "" }
            )
        };
        requirement(&hir).map(|branches| {
            branches
                .iter()
                .map(|parts| parts.iter().map(show).collect::<Vec<_>>().join(" & "))
                .collect()
        })
    }

    #[test]
    fn what_every_match_needs() {
        let is = |pattern: &str, expected: &[&str]| {
            assert_eq!(
                requirement_of(pattern),
                Some(expected.iter().map(|s| s.to_string()).collect()),
                "{pattern}"
            );
        };
        // Both words, the rarer first, each with the boundary on its side.
        is(r"(?i)\breports\s+indicate\b", &["indicate\\b & \\breports"]);
        // Common words are clues too, when they are all there is.
        is(
            r"(?i)\bnot\s+(?:only|just|merely)\b[^.!?]{1,100}?\bbut\b",
            &["\\bbut\\b & \\bnot & just|merely|only\\b"],
        );
        // A small class is spelled out ("it's", "it’s").
        is(r"(?i)\bit['’]s\s+important", &["important & \\bit's|it’s"]);
        // An optional part is no clue.
        is(r"(?i)(?:very\s+)?good", &["good"]);
        // A few words in a row are spelled out with their neighbours.
        is(r"(?i)\[(?:city|name)\]", &["[city]|[name]"]);
        is(r"(?i)\b(?:one|two)\b", &["\\bone|two\\b"]);
        // A list of phrases is one branch per phrase, each with its own parts.
        is(
            r"(?i)\b(?:some\s+say|critics\s+(?:claim|argue))\b",
            &["say & some", "critics & argue|claim"],
        );
        // Two common letters are in nearly every block; "TK" is not.
        assert_eq!(requirement_of(r"(?i)\b(?:in|TODO)\b"), None);
        is(r"(?-i)\b(?:TK|TODO)\b", &["\\btk|todo\\b"]);
        assert_eq!(requirement_of(r"[0-9]+%"), None);
        assert_eq!(requirement_of(r"\w+ly\b"), None);
        // Inside a part, a sequence gives its rarest part: "merely", not the common words.
        let inner = parse(r"(?i)x(?:reportedly|not\s+(?:only|just)\s+merely)").unwrap();
        assert_eq!(
            needed_literals(&inner),
            Some(vec![b"merely".to_vec(), b"reportedly".to_vec()])
        );
    }

    /// A set with `patterns` as members, built at once, scanning `blocks`.
    fn scan_of(patterns: &[&str], blocks: &[&str]) -> (Vec<Regex>, Arc<DocumentScan>) {
        let members: Vec<Regex> = patterns
            .iter()
            .map(|p| super::super::compile(p).unwrap())
            .collect();
        let set = PatternSet::new(members.iter().cloned().map(Member::Pattern)).build_after(0);
        let scan = set.scan(blocks.iter().copied()).expect("built");
        (members, Arc::new(scan))
    }

    #[test]
    fn a_block_is_ruled_out_only_for_patterns_it_cannot_match() {
        let blocks = [
            "Critics say the plan reportedly failed.",
            "Nothing to see here.",
            "The \u{212A}ilometre post, reportedly.",
        ];
        let (members, scan) = scan_of(
            &[r"(?i)\breportedly\b", r"(?i)kilometres?", r"\b[0-9]+\b"],
            &blocks,
        );
        let [reportedly, kilometre, number] = &members[..] else {
            unreachable!()
        };
        assert!(!scan.rules_out(reportedly, blocks[0]));
        assert!(scan.rules_out(reportedly, blocks[1]));
        assert!(scan.rules_out(kilometre, blocks[0]));
        // The Kelvin sign is a case-insensitive `k`: no literal compared in ASCII rules it out.
        assert!(kilometre.is_match(blocks[2]));
        assert!(!scan.rules_out(kilometre, blocks[2]));
        // No literal to look for: always searched.
        assert!(!scan.rules_out(number, blocks[1]));
        // A slice of a block is ruled out with it; a copy of its text elsewhere is searched.
        assert!(scan.rules_out(reportedly, &blocks[1][1..]));
        let copy = blocks[1].to_string();
        assert!(!scan.rules_out(reportedly, &copy));
        // Inside `enter`, a search of a ruled-out block finds nothing without searching, and
        // every other search is unchanged.
        scan.enter(|| {
            assert!(!reportedly.is_match(blocks[1]));
            assert_eq!(reportedly.find_iter(blocks[0]).count(), 1);
            assert!(kilometre.is_match(blocks[2]));
        });
    }

    #[test]
    fn a_block_needs_every_part_and_whole_words() {
        let blocks = [
            "Some people say so.",
            "Some of it, they say.",
            "Phones are done by someone.",
            "Someone said one thing.",
            "It's twenty-one.",
        ];
        let (members, scan) = scan_of(&[r"(?i)\bsome\s+people\s+say\b", r"(?i)\bone\b"], &blocks);
        let [phrase, one] = &members[..] else {
            unreachable!()
        };
        // Every word of the phrase must be in the block, not only one of them.
        assert!(!scan.rules_out(phrase, blocks[0]));
        assert!(scan.rules_out(phrase, blocks[1]));
        // "one" inside "Phones" and "done" is glued to a word: no `\bone\b` there.
        assert!(scan.rules_out(one, blocks[2]));
        // A slice may start inside a word, where a boundary then is: it is searched.
        let slice = &blocks[2][blocks[2].rfind("one").unwrap()..];
        assert!(one.is_match(slice));
        assert!(!scan.rules_out(one, slice));
        assert!(!scan.rules_out(one, blocks[3]));
        assert!(!scan.rules_out(one, blocks[4]));
        // Whatever the scan says, the searches find what they find without it.
        for block in blocks {
            for member in &members {
                let alone = member.find_iter(block).count();
                assert_eq!(
                    scan.enter(|| member.find_iter(block).count()),
                    alone,
                    "{block}"
                );
            }
        }
    }

    #[test]
    fn a_pattern_belongs_to_one_set() {
        let shared = super::super::compile(r"(?i)\bshared\s+words\b").unwrap();
        let member = || Member::Pattern(shared.clone());
        let first = PatternSet::new([member(), member()]);
        assert_eq!(first.len(), 1);
        let second = PatternSet::new([member()]);
        assert!(second.is_empty());
        // A set builds nothing until the run has read enough.
        let late = PatternSet::new([Member::Pattern(super::super::compile("(?i)late").unwrap())]);
        assert!(late.scan(["a short text"]).is_none());
    }
}
