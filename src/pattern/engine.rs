//! The automata behind one pattern, built in the order a search needs them.
//!
//! `regex-automata`'s meta engine builds, for every pattern, a forward and a reverse NFA, a
//! one-pass DFA when it can, and the lazy DFAs over both NFAs. Most searches a prose rule runs
//! find nothing (a phrase list over a paragraph that does not hold any of the phrases), and a
//! search that finds nothing needs only the forward automaton. So this engine builds the
//! forward NFA and its lazy DFA first; the reverse NFA (which finds where a match starts, and
//! is as costly to build as the forward one) is built on the pattern's first match; groups
//! are read by a bounded backtracker or the PikeVM over the forward NFA, which cost nothing
//! to create. The search is the meta engine's for a lazy DFA: the forward DFA finds the end
//! of the leftmost-first match, an anchored reverse search from there finds its start, and
//! the groups are read within that span. When a lazy DFA gives up (its cache thrashes on
//! pathological input) the PikeVM searches instead, as in the meta engine.

use std::sync::{Mutex, OnceLock};

use regex_automata::hybrid;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::captures::Captures as Slots;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, Match, MatchKind};
use regex_syntax::hir::Hir;

use super::Error;

/// A pool of per-thread search caches.
type Caches<T> = Pool<T, Box<dyn Fn() -> T + Send + Sync>>;

/// The `regex` crate's limits: the NFA's heap and the lazy DFAs' caches.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);
const LAZY_DFA_CACHE: usize = 2 * (1 << 20);

pub(super) struct Engine {
    /// Where the leftmost-first match ends; `None` when the NFA is too large for a lazy DFA.
    forward: Option<LazyDfa>,
    /// Where a match starts; built on the first match from the syntax tree kept until then.
    reverse: OnceLock<Option<LazyDfa>>,
    hir: Mutex<Option<Hir>>,
    /// Reads the groups within a match's span (and searches when a lazy DFA cannot).
    backtracker: BoundedBacktracker,
    backtracker_caches: Caches<backtrack::Cache>,
    pikevm: PikeVM,
    pikevm_caches: Caches<thompson::pikevm::Cache>,
}

struct LazyDfa {
    dfa: hybrid::dfa::DFA,
    caches: Caches<hybrid::dfa::Cache>,
}

impl LazyDfa {
    /// The meta engine's lazy DFA settings (including when to give up); `None` if the NFA
    /// does not fit the cache.
    fn new(nfa: NFA, match_kind: MatchKind) -> Option<LazyDfa> {
        let config = hybrid::dfa::Config::new()
            .match_kind(match_kind)
            .starts_for_each_pattern(match_kind == MatchKind::LeftmostFirst)
            .unicode_word_boundary(true)
            .cache_capacity(LAZY_DFA_CACHE)
            .skip_cache_capacity_check(false)
            .minimum_cache_clear_count(Some(3))
            .minimum_bytes_per_state(Some(10));
        let dfa = hybrid::dfa::Builder::new()
            .configure(config)
            .build_from_nfa(nfa)
            .ok()?;
        let for_caches = dfa.clone();
        Some(LazyDfa {
            dfa,
            caches: Pool::new(Box::new(move || for_caches.create_cache())),
        })
    }
}

/// The message a pattern that cannot be built gives, as the `regex` crate words it.
fn nfa_error(e: &thompson::BuildError) -> Error {
    Error(match e.size_limit() {
        Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
        None => e.to_string(),
    })
}

impl Engine {
    /// Builds the forward automata; the reverse ones wait for the first match.
    pub(super) fn new(hir: Hir) -> Result<Engine, Error> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                    .shrink(false),
            )
            .build_from_hir(&hir)
            .map_err(|e| nfa_error(&e))?;
        let forward = LazyDfa::new(nfa.clone(), MatchKind::LeftmostFirst);
        let backtracker = BoundedBacktracker::builder()
            .build_from_nfa(nfa.clone())
            .map_err(|e| Error(e.to_string()))?;
        let pikevm = PikeVM::builder()
            .build_from_nfa(nfa)
            .map_err(|e| Error(e.to_string()))?;
        let (for_backtracker, for_pikevm) = (backtracker.clone(), pikevm.clone());
        Ok(Engine {
            forward,
            reverse: OnceLock::new(),
            hir: Mutex::new(Some(hir)),
            backtracker,
            backtracker_caches: Pool::new(Box::new(move || for_backtracker.create_cache())),
            pikevm,
            pikevm_caches: Pool::new(Box::new(move || for_pikevm.create_cache())),
        })
    }

    /// The reverse lazy DFA, built now if this is the pattern's first match.
    fn reverse(&self) -> Option<&LazyDfa> {
        self.reverse
            .get_or_init(|| {
                let hir = self
                    .hir
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take()?;
                let nfa = thompson::Compiler::new()
                    .configure(
                        thompson::Config::new()
                            .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                            .shrink(false)
                            .reverse(true)
                            .which_captures(thompson::WhichCaptures::None),
                    )
                    .build_from_hir(&hir)
                    .ok()?;
                LazyDfa::new(nfa, MatchKind::All)
            })
            .as_ref()
    }

    /// The leftmost-first match in `input`'s span.
    pub(super) fn search(&self, input: &Input<'_>) -> Option<Match> {
        let Some(forward) = &self.forward else {
            return self.search_nfa(input);
        };
        let end = {
            let mut cache = forward.caches.get();
            match forward.dfa.try_search_fwd(&mut cache, input) {
                Ok(None) => return None,
                Ok(Some(end)) => end,
                Err(_) => return self.search_nfa(input),
            }
        };
        if input.start() == end.offset() {
            return Some(Match::new(end.pattern(), end.offset()..end.offset()));
        }
        if input.get_anchored().is_anchored() || forward.dfa.get_nfa().is_always_start_anchored() {
            return Some(Match::new(end.pattern(), input.start()..end.offset()));
        }
        let Some(reverse) = self.reverse() else {
            return self.search_nfa(input);
        };
        let backwards = input
            .clone()
            .span(input.start()..end.offset())
            .anchored(Anchored::Yes)
            .earliest(false);
        let mut cache = reverse.caches.get();
        match reverse.dfa.try_search_rev(&mut cache, &backwards) {
            Ok(Some(start)) => Some(Match::new(end.pattern(), start.offset()..end.offset())),
            // A reverse search always matches where a forward one did; if the lazy DFA gave
            // up, the PikeVM answers.
            Ok(None) | Err(_) => self.search_nfa(input),
        }
    }

    /// Whether `haystack` holds a match (its start is never needed).
    pub(super) fn is_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        match &self.forward {
            Some(forward) => {
                let mut cache = forward.caches.get();
                match forward.dfa.try_search_fwd(&mut cache, &input) {
                    Ok(found) => found.is_some(),
                    Err(_) => self.search_nfa(&input).is_some(),
                }
            }
            None => self.search_nfa(&input).is_some(),
        }
    }

    fn search_nfa(&self, input: &Input<'_>) -> Option<Match> {
        let mut cache = self.pikevm_caches.get();
        self.pikevm.find(&mut cache, input.clone())
    }

    /// Empty groups, to be filled by [`Engine::groups`].
    pub(super) fn create_slots(&self) -> Slots {
        self.pikevm.create_captures()
    }

    /// The groups of `found`, a match of this pattern in `haystack`, read within its span
    /// (look-behind still sees the text before it).
    pub(super) fn groups(&self, haystack: &str, found: Match, slots: &mut Slots) {
        let input = Input::new(haystack)
            .span(found.range())
            .anchored(Anchored::Pattern(found.pattern()));
        if found.len() <= self.backtracker.max_haystack_len() {
            let mut cache = self.backtracker_caches.get();
            if self
                .backtracker
                .try_search(&mut cache, &input, slots)
                .is_ok()
            {
                return;
            }
        }
        let mut cache = self.pikevm_caches.get();
        self.pikevm.search(&mut cache, &input, slots);
    }
}
