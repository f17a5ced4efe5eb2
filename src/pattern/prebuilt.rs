//! Built-in patterns compiled at build time.
//!
//! Building a pattern's automata is most of a small run's start-up, and the built-in patterns
//! are the same in every run. So `build.rs` determinizes each one (listed in
//! `src/pattern/builtin.json`) into a forward and a reverse DFA and embeds them: a small pair
//! dense (the fastest to search), a larger one sparse. A run then only looks its patterns up:
//! no parsing, no NFA, no lazy DFA states to build per thread. Groups still need the NFA,
//! which [`super::engine`] builds on a pattern's first `captures`. A pattern whose DFA would
//! be too large is not in the table and is built at run time, as are all patterns from rule
//! files.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex_automata::dfa::{Automaton, dense, regex::Regex as DfaRegex, sparse};
use regex_automata::{Input, Match, MatchError};

use super::memo::Memo;

/// One pattern compiled by `build.rs`: where its DFAs are in `prebuilt.bin`.
struct Entry {
    pattern: &'static str,
    dense: bool,
    /// Byte range of the forward DFA.
    forward: (usize, usize),
    /// Byte range of the reverse DFA.
    reverse: (usize, usize),
    /// How many states a search can meet in each sparse DFA (forward, reverse).
    states: (usize, usize),
}

include!(concat!(env!("OUT_DIR"), "/prebuilt.rs"));

/// The embedded DFAs, at an 8-byte boundary (a dense DFA is read as `u32`s in place).
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u64; 0],
    bytes: B,
}

static BLOB: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/prebuilt.bin")),
};

static INDEX: LazyLock<HashMap<&'static str, usize>> = LazyLock::new(|| {
    PREBUILT
        .iter()
        .enumerate()
        .map(|(i, entry)| (entry.pattern, i))
        .collect()
});

/// A built-in pattern's forward and reverse DFAs, read in place from the binary.
pub(super) enum Prebuilt {
    Dense(Box<DfaRegex<dense::DFA<&'static [u32]>>>),
    /// Searched through a dense table filled as it goes (see [`Memo`]).
    Sparse(Box<DfaRegex<Memo>>),
}

/// The DFAs of `pattern` (exactly as written), if `build.rs` compiled it.
pub(super) fn lookup(pattern: &str) -> Option<Prebuilt> {
    let &index = INDEX.get(pattern)?;
    let Entry {
        dense: is_dense,
        forward,
        reverse,
        states,
        ..
    } = PREBUILT[index];
    let bytes = |(start, end): (usize, usize)| &BLOB.bytes[start..end];
    let builder = DfaRegex::builder();
    // SAFETY: the bytes were written by `to_bytes_little_endian` of the same regex-automata
    // (one version in Cargo.lock serves build.rs and the library) for a little-endian target
    // (build.rs writes nothing for any other), in this build, each at an 8-byte boundary of an
    // 8-byte-aligned blob. The checked `from_bytes` would validate every transition again at
    // every start (about 1 ms per MB dense, 3 ms per MB sparse), so only debug builds (the
    // tests, which load every prebuilt pattern) check them.
    macro_rules! load {
        ($kind:ident, $range:expr) => {
            if cfg!(debug_assertions) {
                $kind::DFA::from_bytes(bytes($range)).map(|(dfa, _)| dfa)
            } else {
                unsafe { $kind::DFA::from_bytes_unchecked(bytes($range)) }.map(|(dfa, _)| dfa)
            }
            .ok()?
        };
    }
    Some(if is_dense {
        Prebuilt::Dense(Box::new(
            builder.build_from_dfas(load!(dense, forward), load!(dense, reverse)),
        ))
    } else {
        Prebuilt::Sparse(Box::new(builder.build_from_dfas(
            Memo::new(load!(sparse, forward), states.0),
            Memo::new(load!(sparse, reverse), states.1),
        )))
    })
}

impl Prebuilt {
    /// The leftmost-first match in `input`'s span.
    pub(super) fn try_search(&self, input: &Input<'_>) -> Result<Option<Match>, MatchError> {
        match self {
            Prebuilt::Dense(regex) => regex.try_search(input),
            Prebuilt::Sparse(regex) => regex.try_search(input),
        }
    }

    /// Whether `input` holds a match (only the forward DFA runs).
    pub(super) fn try_is_match(&self, input: &Input<'_>) -> Result<bool, MatchError> {
        let input = input.clone().earliest(true);
        Ok(match self {
            Prebuilt::Dense(regex) => regex.forward().try_search_fwd(&input)?,
            Prebuilt::Sparse(regex) => regex.forward().try_search_fwd(&input)?,
        }
        .is_some())
    }
}

/// How many built-in patterns `build.rs` compiled (none when cross-compiling to a big-endian
/// target, or with `DRAFTLINT_NO_PREBUILT` set at build time).
pub fn prebuilt_count() -> usize {
    PREBUILT.len()
}
