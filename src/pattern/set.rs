//! One pass over a block for the patterns and word lists of many rules.
//!
//! Most rules search every prose block with a pattern or word list of their own (a phrase
//! list, a family of AI-style constructions, spelled numbers, a Vale style's word lists), and
//! almost every search finds nothing: on the shared corpora, each of the busiest built-in
//! patterns reads all 6.7 MB of block text to find a handful of matches, and with Vale's
//! published styles a run reads the text once for each of about a hundred word lists. A
//! [`PatternSet`] gathers the literals that every match of a member must contain ("indicate"
//! for `reports\s+indicate`; each word of a word list) into one Aho-Corasick automaton, so
//! one pass over a block tells which members cannot match anywhere in it. Each rule then
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

    /// The literals one of which each match holds, if there are some worth looking for.
    fn needed_literals(&self) -> Option<Vec<Vec<u8>>> {
        match self {
            Member::Pattern(regex) => needed_literals(&parse(&regex.lazy.pattern).ok()?),
            Member::Literals(list) => match &list.literals {
                Literals::Listed(literals) => worth_looking_for(literals.clone()),
                Literals::OfPattern(pattern) => needed_literals(&parse(pattern).ok()?),
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
    /// For each literal, the members that hold it.
    owners: Vec<Vec<u32>>,
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
            .map(|text| BlockScan {
                at: text.as_ptr() as usize,
                len: text.len(),
                matched: union.matched(text),
            })
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
        let needed: Vec<Option<Vec<Vec<u8>>>> =
            members.par_iter().map(Member::needed_literals).collect();
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        let took_part: Vec<bool> = needed.iter().map(Option::is_some).collect();
        for (slot, needed) in needed.into_iter().enumerate() {
            let slot = u32::try_from(slot).ok()?;
            for literal in needed.into_iter().flatten() {
                let i = *index.entry(literal.clone()).or_insert_with(|| {
                    literals.push(literal);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                owners[i].push(slot);
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
            taking_part: took_part.iter().filter(|&&took| took).count(),
            always,
        })
    }

    /// Which members can match in `text` (`false`: certainly not); `None` if the text holds a
    /// character that case-insensitive matching equates with an ASCII letter (the Kelvin sign,
    /// the long s), which the literals, compared in ASCII, would miss.
    fn matched(&self, text: &str) -> Option<MaybeMatches> {
        if memchr::memmem::find(text.as_bytes(), "\u{212A}".as_bytes()).is_some()
            || memchr::memmem::find(text.as_bytes(), "\u{17F}".as_bytes()).is_some()
        {
            return None;
        }
        let mut matched = self.always.clone();
        let mut left = self.taking_part;
        for found in self.literals.find_overlapping_iter(text) {
            for &slot in &self.owners[found.pattern().as_usize()] {
                if matched.insert(slot as usize) {
                    left -= 1;
                }
            }
            if left == 0 {
                break;
            }
        }
        Some(matched)
    }
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

/// Literals, one of which every match of `hir` holds (compared ASCII case-insensitively), or
/// `None` when there are none worth searching for. A case-insensitive letter (`[Kk\u{212A}]`)
/// counts as its lower case form; the non-ASCII forms are handled by [`Union::matched`].
fn needed_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    worth_looking_for(needed(hir)?)
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

/// Literals one of which every match of `hir` contains, chosen to be as long as the pattern
/// allows: in a sequence (`it\s+is\s+important`), the best of its parts ("important"); in an
/// alternation, the best of each branch. `None` when some match needs no literal at all.
fn needed(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(_) | HirKind::Class(_) => spellings(hir),
        HirKind::Capture(capture) => needed(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => needed(&rep.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(needed(branch)?);
            }
            Some(all)
        }
        HirKind::Concat(parts) => {
            // Runs of letters and small classes ("it['’]s") are spelled out whole; any other
            // part that every match goes through is a candidate too.
            let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
            let mut run: Vec<Vec<u8>> = vec![Vec::new()];
            for part in parts {
                let Some(choices) = spellings(part) else {
                    if run.iter().any(|r| !r.is_empty()) {
                        candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
                    }
                    candidates.extend(needed(part));
                    continue;
                };
                if run.len() * choices.len() > MAX_SPELLINGS {
                    candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
                }
                run = run
                    .iter()
                    .flat_map(|prefix| choices.iter().map(move |c| [prefix.as_slice(), c].concat()))
                    .collect();
            }
            if run.iter().any(|r| !r.is_empty()) {
                candidates.push(run);
            }
            candidates.into_iter().max_by_key(|literals| {
                let shortest = literals.iter().map(Vec::len).min().unwrap_or(0);
                (shortest, std::cmp::Reverse(literals.len()))
            })
        }
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
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
    matched: Option<MaybeMatches>,
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
        block
            .matched
            .as_ref()
            .is_some_and(|m| !m.contains(slot as usize))
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

    fn literals_of(pattern: &str) -> Option<Vec<String>> {
        let hir = parse(&super::super::ascii_boundaries(pattern)).unwrap();
        needed_literals(&hir).map(|l| {
            l.into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect()
        })
    }

    #[test]
    fn the_longest_part_every_match_needs() {
        assert_eq!(
            literals_of(r"(?i)\breports\s+indicate\b"),
            Some(vec!["indicate".into()])
        );
        assert_eq!(
            literals_of(r"(?i)\bnot\s+(?:only|just|merely)\b[^.!?]{1,100}?\bbut\b"),
            Some(vec!["just".into(), "merely".into(), "only".into()])
        );
        // A small class is spelled out ("it's", "it’s"), and loses to a longer word.
        assert_eq!(
            literals_of(r"(?i)\bit['’]s\s+important"),
            Some(vec!["important".into()])
        );
        assert_eq!(
            literals_of(r"(?i)\bit['’]s\s+(?:so|too)"),
            Some(vec!["it's".into(), "it’s".into()])
        );
        // A match of `,\s+highlighting` holds "highlighting", a better clue than ",".
        assert_eq!(
            literals_of(r"(?i),\s+(?:highlighting|showcasing)\b"),
            Some(vec!["highlighting".into(), "showcasing".into()])
        );
        // An optional part is no clue; an alternation is as good as its worst branch.
        assert_eq!(
            literals_of(r"(?i)(?:very\s+)?good"),
            Some(vec!["good".into()])
        );
        // Two common letters are in nearly every block; "TK" is not.
        assert_eq!(literals_of(r"(?i)\b(?:in|TODO)\b"), None);
        assert_eq!(
            literals_of(r"(?-i)\b(?:TK|TODO)\b"),
            Some(vec!["tk".into(), "todo".into()])
        );
        assert_eq!(literals_of(r"[0-9]+%"), None);
        assert_eq!(literals_of(r"\w+ly\b"), None);
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
