//! A sparse DFA searched at the speed of a dense one.
//!
//! A built-in pattern whose dense DFA is too large to ship in the binary is shipped sparse: a
//! state lists its transitions as byte ranges, and every step of a search decodes the state
//! and scans its ranges, several times slower than a dense DFA's one table lookup. Building
//! the pattern again at run time (a lazy DFA) costs every thread its own determinization of
//! the states it meets. A [`Memo`] keeps the sparse DFA and fills a dense table as a search
//! goes: the first time a state is left on a byte class, the sparse DFA answers and the
//! answer is written into the table that every thread reads; every later step is a table
//! lookup. The table has a row for each state a search can meet (counted by `build.rs`), and
//! states are numbered in the order a run meets them. A state beyond the table (which the
//! count rules out) would still be searched correctly, through the sparse DFA alone.
//!
//! Its states are numbered in the order a run meets them, with a tag bit on the ones the
//! sparse DFA calls special (start, match, dead, quit, accelerated), so that the search loop's
//! "is this state special?" is one comparison, as in the DFAs of `regex-automata`. Everything
//! else a search asks of a state (which pattern matched, what an accelerated state skips to)
//! is asked of the sparse DFA: the answers are the sparse DFA's, only faster to reach.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use regex_automata::Anchored;
use regex_automata::dfa::{Automaton, StartError, sparse};
use regex_automata::util::alphabet::ByteClasses;
use regex_automata::util::primitives::{PatternID, StateID};
use regex_automata::util::start;

/// The tag of a special state's number.
const SPECIAL: u32 = 1 << 30;
/// The tag of a state with no row in the table: its number is its sparse DFA's ID (which a
/// built-in DFA, at most 4 MB, keeps below this).
const UNLISTED: u32 = 1 << 29;
/// A table entry not filled yet (filled entries hold a state's number plus one).
const UNKNOWN: u32 = 0;

pub(super) struct Memo {
    sparse: sparse::DFA<&'static [u8]>,
    classes: ByteClasses,
    /// Entries in a row: one per byte class and the end of input, then the state's number in
    /// the sparse DFA.
    row_len: usize,
    /// The rows of the states met so far, by number.
    table: Box<[AtomicU32]>,
    /// The sparse DFA's states met so far, and their numbers here.
    numbers: Mutex<HashMap<StateID, u32>>,
    /// Start states by whether the search is anchored and the byte before it.
    starts: Box<[AtomicU32]>,
}

impl Memo {
    /// A memo of `sparse`, with rows for `states` states (how many a search can meet).
    pub(super) fn new(sparse: sparse::DFA<&'static [u8]>, states: usize) -> Memo {
        let classes = *sparse.byte_classes();
        let rows = states.min(UNLISTED as usize);
        let row_len = classes.alphabet_len() + 1;
        Memo {
            row_len,
            classes,
            sparse,
            table: zeroed(rows * row_len),
            numbers: Mutex::new(HashMap::new()),
            starts: (0..2 * 257).map(|_| AtomicU32::new(UNKNOWN)).collect(),
        }
    }

    /// Entry `entry` of state `id`'s row, if it has one.
    fn entry(&self, id: StateID, entry: usize) -> Option<&AtomicU32> {
        if id.as_u32() & UNLISTED != 0 {
            return None;
        }
        self.table
            .get((id.as_u32() & !SPECIAL) as usize * self.row_len + entry)
    }

    /// The sparse DFA's ID of state `id`.
    fn sparse_id(&self, id: StateID) -> StateID {
        let stored = match self.entry(id, self.row_len - 1) {
            Some(entry) => entry.load(Ordering::Relaxed),
            None => id.as_u32() & !(SPECIAL | UNLISTED),
        };
        StateID::new_unchecked(stored as usize)
    }

    /// The number of the sparse DFA's state `sparse_id`, numbered now if it is new.
    fn number(&self, sparse_id: StateID) -> StateID {
        let mut numbers = self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&number) = numbers.get(&sparse_id) {
            return StateID::new_unchecked(number as usize);
        }
        let special = if self.sparse.is_special_state(sparse_id) {
            SPECIAL
        } else {
            0
        };
        let index = numbers.len();
        if index >= self.table.len() / self.row_len {
            debug_assert!(sparse_id.as_u32() < UNLISTED);
            return StateID::new_unchecked((sparse_id.as_u32() | UNLISTED | special) as usize);
        }
        // Written before the number is published (a `Release` store of a transition or a
        // start state), so a thread that reads the number reads this too.
        let row_end = (index + 1) * self.row_len - 1;
        self.table[row_end].store(sparse_id.as_u32(), Ordering::Relaxed);
        let number = index as u32 | special;
        numbers.insert(sparse_id, number);
        StateID::new_unchecked(number as usize)
    }

    /// Fills entry `entry` of state `current`'s row with `next` (the sparse DFA's answer).
    fn fill(&self, current: StateID, entry: usize, next: StateID) -> StateID {
        let number = self.number(next);
        if let Some(slot) = self.entry(current, entry) {
            slot.store(number.as_u32() + 1, Ordering::Release);
        }
        number
    }

    fn is_special(id: StateID) -> bool {
        id.as_u32() & SPECIAL != 0
    }
}

/// `len` entries, all `UNKNOWN`, allocated zeroed.
fn zeroed(len: usize) -> Box<[AtomicU32]> {
    let Ok(layout) = std::alloc::Layout::array::<AtomicU32>(len) else {
        return Box::new([]);
    };
    if layout.size() == 0 {
        return Box::new([]);
    }
    // SAFETY: the layout has a non-zero size; the memory comes from the global allocator with
    // the layout of `len` `AtomicU32`s, which is how the box frees it; all-zero bytes are a
    // valid `AtomicU32` (holding 0).
    unsafe {
        let at = std::alloc::alloc_zeroed(layout).cast::<AtomicU32>();
        if at.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(at, len))
    }
}

// SAFETY: every method answers for a state number by asking the sparse DFA about the state
// it stands for (`sparse_id`), and every number handed out stands for a state the sparse DFA
// returned: valid IDs in, valid IDs out, as the trait requires. The tag bit marks exactly the
// states the sparse DFA calls special.
unsafe impl Automaton for Memo {
    #[inline]
    fn next_state(&self, current: StateID, input: u8) -> StateID {
        let class = usize::from(self.classes.get(input));
        match self
            .entry(current, class)
            .map(|e| e.load(Ordering::Acquire))
        {
            Some(UNKNOWN) | None => {
                let next = self.sparse.next_state(self.sparse_id(current), input);
                self.fill(current, class, next)
            }
            Some(known) => StateID::new_unchecked((known - 1) as usize),
        }
    }

    #[inline]
    unsafe fn next_state_unchecked(&self, current: StateID, input: u8) -> StateID {
        self.next_state(current, input)
    }

    fn next_eoi_state(&self, current: StateID) -> StateID {
        let entry = self.classes.eoi().as_usize();
        match self
            .entry(current, entry)
            .map(|e| e.load(Ordering::Acquire))
        {
            Some(UNKNOWN) | None => {
                let next = self.sparse.next_eoi_state(self.sparse_id(current));
                self.fill(current, entry, next)
            }
            Some(known) => StateID::new_unchecked((known - 1) as usize),
        }
    }

    fn start_state(&self, config: &start::Config) -> Result<StateID, StartError> {
        let slot = match config.get_anchored() {
            Anchored::No => Some(0),
            Anchored::Yes => Some(257),
            Anchored::Pattern(_) => None,
        }
        .map(|base| base + config.get_look_behind().map_or(256, usize::from));
        if let Some(slot) = slot {
            let known = self.starts[slot].load(Ordering::Acquire);
            if known != UNKNOWN {
                return Ok(StateID::new_unchecked((known - 1) as usize));
            }
        }
        let number = self.number(self.sparse.start_state(config)?);
        if let Some(slot) = slot {
            self.starts[slot].store(number.as_u32() + 1, Ordering::Release);
        }
        Ok(number)
    }

    #[inline]
    fn is_special_state(&self, id: StateID) -> bool {
        Memo::is_special(id)
    }

    fn is_dead_state(&self, id: StateID) -> bool {
        Memo::is_special(id) && self.sparse.is_dead_state(self.sparse_id(id))
    }

    fn is_quit_state(&self, id: StateID) -> bool {
        Memo::is_special(id) && self.sparse.is_quit_state(self.sparse_id(id))
    }

    fn is_match_state(&self, id: StateID) -> bool {
        Memo::is_special(id) && self.sparse.is_match_state(self.sparse_id(id))
    }

    fn is_start_state(&self, id: StateID) -> bool {
        Memo::is_special(id) && self.sparse.is_start_state(self.sparse_id(id))
    }

    fn is_accel_state(&self, id: StateID) -> bool {
        Memo::is_special(id) && self.sparse.is_accel_state(self.sparse_id(id))
    }

    fn accelerator(&self, id: StateID) -> &[u8] {
        self.sparse.accelerator(self.sparse_id(id))
    }

    fn pattern_len(&self) -> usize {
        self.sparse.pattern_len()
    }

    fn match_len(&self, id: StateID) -> usize {
        self.sparse.match_len(self.sparse_id(id))
    }

    fn match_pattern(&self, id: StateID, index: usize) -> PatternID {
        self.sparse.match_pattern(self.sparse_id(id), index)
    }

    fn has_empty(&self) -> bool {
        self.sparse.has_empty()
    }

    fn is_utf8(&self) -> bool {
        self.sparse.is_utf8()
    }

    fn is_always_start_anchored(&self) -> bool {
        self.sparse.is_always_start_anchored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::dfa::{dense, regex::Regex as DfaRegex};

    /// A pattern's sparse DFAs behind memos with `rows` rows, as a built-in sparse pattern is
    /// loaded (with fewer rows than states, the others are searched through the sparse DFA).
    fn memo_regex(pattern: &str, rows: usize) -> DfaRegex<Memo> {
        let dense = DfaRegex::new(pattern).unwrap();
        let load = |dfa: &dense::DFA<Vec<u32>>| {
            let bytes: &'static [u8] = Box::leak(
                dfa.to_sparse()
                    .unwrap()
                    .to_bytes_native_endian()
                    .into_boxed_slice(),
            );
            Memo::new(sparse::DFA::from_bytes(bytes).unwrap().0, rows)
        };
        DfaRegex::builder().build_from_dfas(load(dense.forward()), load(dense.reverse()))
    }

    /// As the built-in patterns are (ASCII word boundaries: a DFA has no Unicode ones).
    const PATTERNS: &[&str] = &[
        r"(?i)(?-u:\b)(?:reportedly|it\s+is\s+(?:said|thought)|some\s+say)(?-u:\b)",
        r"(?:US\$|[$£€])?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\s?(?:million|bn)?",
        r"(?m)^\s*(?:TK|TODO)(?-u:\b)",
        r"\p{Lu}\w+\s+(?:said|says)",
        r"(?i)naïve|été|東京",
        r"x*",
    ];

    const TEXTS: &[&str] = &[
        "It is said that, reportedly, some say US$1,200,000.50 million and €3,400.",
        "TK\r\n  TODO later\r\nnot TK here; Reportedly.",
        "Maria said so. ÉLODIE SAYS NOTHING. Ødegaard says yes.",
        "Un été naïve à 東京 🎉 NAÏVE ÉTÉ",
        "",
        "xxx yx",
    ];

    #[test]
    fn a_memo_finds_what_the_dense_dfa_finds() {
        for (pattern, rows) in PATTERNS.iter().flat_map(|p| [(p, 10_000), (p, 3), (p, 0)]) {
            let dense = DfaRegex::new(pattern).unwrap();
            let memo = memo_regex(pattern, rows);
            // Twice: the second pass reads the table the first one filled.
            for _ in 0..2 {
                for text in TEXTS {
                    let expected: Vec<_> = dense.find_iter(text.as_bytes()).collect();
                    let found: Vec<_> = memo.find_iter(text.as_bytes()).collect();
                    assert_eq!(found, expected, "{pattern} ({rows} rows) in {text:?}");
                    // Within a span (look-behind sees the text before it), and anchored.
                    for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                        let input = regex_automata::Input::new(text).range(start..);
                        assert_eq!(memo.find(input.clone()), dense.find(input.clone()));
                        let anchored = input.anchored(Anchored::Yes);
                        assert_eq!(memo.find(anchored.clone()), dense.find(anchored));
                    }
                }
            }
        }
    }

    #[test]
    fn threads_share_a_memo() {
        let pattern = PATTERNS[0];
        let memo = memo_regex(pattern, 10_000);
        let dense = DfaRegex::new(pattern).unwrap();
        let text = TEXTS.concat().repeat(50);
        let expected: Vec<_> = dense.find_iter(text.as_bytes()).collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let found: Vec<_> = memo.find_iter(text.as_bytes()).collect();
                    assert_eq!(found, expected);
                });
            }
        });
    }
}
