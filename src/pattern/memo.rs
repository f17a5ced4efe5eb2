//! A sparse DFA searched at the speed of a dense one.
//!
//! A built-in pattern whose dense DFA is too large to ship in the binary is shipped sparse: a
//! state lists its transitions as byte ranges, and every step of a search decodes the state
//! and scans its ranges, several times slower than a dense DFA's one table lookup. Building
//! the pattern again at run time (a lazy DFA) costs every thread its own determinization of
//! the states it meets. A [`Memo`] keeps the sparse DFA and fills a dense table as a search
//! goes: the first time a state is left on a byte class, the sparse DFA answers and the
//! answer is written into the table that every thread reads; every later step is a table
//! lookup. The table has a row for every state the sparse DFA could have, but it is allocated
//! zeroed (untouched pages take no memory) and states are numbered in the order a run meets
//! them: memory follows the text, not the DFA.
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
    pub(super) fn new(sparse: sparse::DFA<&'static [u8]>) -> Memo {
        let classes = *sparse.byte_classes();
        // A sparse state takes at least 9 bytes (a transition count, one range, one target,
        // the length of its accelerator): no more states than that can be met.
        let states = (sparse.memory_usage() / 9 + 1).min(SPECIAL as usize);
        let row_len = classes.alphabet_len() + 1;
        Memo {
            row_len,
            classes,
            sparse,
            table: zeroed(states * row_len),
            numbers: Mutex::new(HashMap::new()),
            starts: (0..2 * 257).map(|_| AtomicU32::new(UNKNOWN)).collect(),
        }
    }

    /// Where entry `entry` of state `id`'s row is in the table (tag bit ignored).
    fn at(&self, id: StateID, entry: usize) -> usize {
        (id.as_u32() & !SPECIAL) as usize * self.row_len + entry
    }

    /// The sparse DFA's ID of state `id`.
    fn sparse_id(&self, id: StateID) -> StateID {
        let stored = self.table[self.at(id, self.row_len - 1)].load(Ordering::Relaxed);
        StateID::new_unchecked(stored as usize)
    }

    /// The number of the sparse DFA's state `sparse_id`, numbered now if it is new.
    fn number(&self, sparse_id: StateID) -> StateID {
        let mut numbers = self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&number) = numbers.get(&sparse_id) {
            return StateID::new_unchecked(number as usize);
        }
        // `new` made room for every state the sparse DFA can have.
        let index = StateID::new_unchecked(numbers.len());
        // Written before the number is published (a `Release` store of a transition or a
        // start state), so a thread that reads the number reads this too.
        self.table[self.at(index, self.row_len - 1)].store(sparse_id.as_u32(), Ordering::Relaxed);
        let mut number = index.as_u32();
        if self.sparse.is_special_state(sparse_id) {
            number |= SPECIAL;
        }
        numbers.insert(sparse_id, number);
        StateID::new_unchecked(number as usize)
    }

    /// Fills entry `entry` of state `current`'s row with `next` (the sparse DFA's answer).
    fn fill(&self, current: StateID, entry: usize, next: StateID) -> StateID {
        let number = self.number(next);
        self.table[self.at(current, entry)].store(number.as_u32() + 1, Ordering::Release);
        number
    }

    fn is_special(id: StateID) -> bool {
        id.as_u32() & SPECIAL != 0
    }
}

/// `len` zeros, allocated zeroed: the pages of a large table that are never touched are never
/// given memory.
fn zeroed(len: usize) -> Box<[AtomicU32]> {
    let zeros: Box<[u32]> = vec![0u32; len].into_boxed_slice();
    // SAFETY: `AtomicU32` has the same size, alignment and bit validity as `u32`, so a box of
    // `u32`s is a box of as many `AtomicU32`s (and is freed with the same layout).
    unsafe { Box::from_raw(Box::into_raw(zeros) as *mut [AtomicU32]) }
}

// SAFETY: every method answers for a state number by asking the sparse DFA about the state
// it stands for (`sparse_id`), and every number handed out stands for a state the sparse DFA
// returned: valid IDs in, valid IDs out, as the trait requires. The tag bit marks exactly the
// states the sparse DFA calls special.
unsafe impl Automaton for Memo {
    #[inline]
    fn next_state(&self, current: StateID, input: u8) -> StateID {
        let class = usize::from(self.classes.get(input));
        match self.table[self.at(current, class)].load(Ordering::Acquire) {
            UNKNOWN => {
                let next = self.sparse.next_state(self.sparse_id(current), input);
                self.fill(current, class, next)
            }
            known => StateID::new_unchecked((known - 1) as usize),
        }
    }

    #[inline]
    unsafe fn next_state_unchecked(&self, current: StateID, input: u8) -> StateID {
        self.next_state(current, input)
    }

    fn next_eoi_state(&self, current: StateID) -> StateID {
        let entry = self.classes.eoi().as_usize();
        match self.table[self.at(current, entry)].load(Ordering::Acquire) {
            UNKNOWN => {
                let next = self.sparse.next_eoi_state(self.sparse_id(current));
                self.fill(current, entry, next)
            }
            known => StateID::new_unchecked((known - 1) as usize),
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

    /// A pattern's sparse DFAs behind memos, as a built-in sparse pattern is loaded.
    fn memo_regex(pattern: &str) -> DfaRegex<Memo> {
        let dense = DfaRegex::new(pattern).unwrap();
        let load = |dfa: &dense::DFA<Vec<u32>>| {
            let bytes: &'static [u8] = Box::leak(
                dfa.to_sparse()
                    .unwrap()
                    .to_bytes_native_endian()
                    .into_boxed_slice(),
            );
            Memo::new(sparse::DFA::from_bytes(bytes).unwrap().0)
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
        for pattern in PATTERNS {
            let dense = DfaRegex::new(pattern).unwrap();
            let memo = memo_regex(pattern);
            // Twice: the second pass reads the table the first one filled.
            for _ in 0..2 {
                for text in TEXTS {
                    let expected: Vec<_> = dense.find_iter(text.as_bytes()).collect();
                    let found: Vec<_> = memo.find_iter(text.as_bytes()).collect();
                    assert_eq!(found, expected, "{pattern} in {text:?}");
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
        let memo = memo_regex(pattern);
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
