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
//!
//! A built-in pattern compiled at build time ([`super::prebuilt`]) brings both DFAs: nothing
//! is built for its searches (a sparse one fills a dense table as it goes, see
//! [`super::memo`]), and its NFA (for groups) only on its first `captures`.

use std::sync::{Mutex, OnceLock};

use regex_automata::hybrid;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::captures::Captures as Slots;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, Match, MatchKind};
use regex_syntax::hir::Hir;

use super::prebuilt::Prebuilt;
use super::{Error, parse};

/// A pool of per-thread search caches.
type Caches<T> = Pool<T, Box<dyn Fn() -> T + Send + Sync>>;

/// The `regex` crate's limits: the NFA's heap and the lazy DFAs' caches.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);
const LAZY_DFA_CACHE: usize = 2 * (1 << 20);

pub(super) struct Engine {
    finder: Finder,
    /// Reads the groups within a match's span (and searches when a lazy DFA cannot); built
    /// with the engine, or for a prebuilt pattern on its first `captures`.
    nfa: OnceLock<Option<NfaEngines>>,
}

/// What finds where matches are.
enum Finder {
    /// Built at run time: the forward lazy DFA (`None` when the NFA is too large for one),
    /// and the reverse one, built on the first match from the syntax tree kept until then.
    Lazy {
        forward: Option<Box<LazyDfa>>,
        reverse: OnceLock<Option<Box<LazyDfa>>>,
        hir: Mutex<Option<Hir>>,
    },
    /// Compiled at build time; `text` builds the NFA when groups are asked for.
    Prebuilt {
        dfa: Prebuilt,
        text: std::sync::Arc<str>,
    },
}

struct LazyDfa {
    dfa: hybrid::dfa::DFA,
    caches: Caches<hybrid::dfa::Cache>,
}

struct NfaEngines {
    backtracker: BoundedBacktracker,
    backtracker_caches: Caches<backtrack::Cache>,
    pikevm: PikeVM,
    pikevm_caches: Caches<thompson::pikevm::Cache>,
}

impl LazyDfa {
    /// The meta engine's lazy DFA settings (including when to give up); `None` if the NFA
    /// does not fit the cache.
    fn new(nfa: NFA, match_kind: MatchKind) -> Option<Box<LazyDfa>> {
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
        Some(Box::new(LazyDfa {
            dfa,
            caches: Pool::new(Box::new(move || for_caches.create_cache())),
        }))
    }
}

impl NfaEngines {
    fn new(nfa: NFA) -> Result<NfaEngines, Error> {
        let backtracker = BoundedBacktracker::builder()
            .build_from_nfa(nfa.clone())
            .map_err(|e| Error(e.to_string()))?;
        let pikevm = PikeVM::builder()
            .build_from_nfa(nfa)
            .map_err(|e| Error(e.to_string()))?;
        let (for_backtracker, for_pikevm) = (backtracker.clone(), pikevm.clone());
        Ok(NfaEngines {
            backtracker,
            backtracker_caches: Pool::new(Box::new(move || for_backtracker.create_cache())),
            pikevm,
            pikevm_caches: Pool::new(Box::new(move || for_pikevm.create_cache())),
        })
    }

    fn find(&self, input: &Input<'_>) -> Option<Match> {
        let mut cache = self.pikevm_caches.get();
        self.pikevm.find(&mut cache, input.clone())
    }
}

/// The message a pattern that cannot be built gives, as the `regex` crate words it.
fn nfa_error(e: &thompson::BuildError) -> Error {
    Error(match e.size_limit() {
        Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
        None => e.to_string(),
    })
}

/// The forward NFA (with groups) or the reverse one (without).
fn compile(hir: &Hir, reverse: bool) -> Result<NFA, Error> {
    let mut config = thompson::Config::new()
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .shrink(false);
    if reverse {
        config = config
            .reverse(true)
            .which_captures(thompson::WhichCaptures::None);
    }
    thompson::Compiler::new()
        .configure(config)
        .build_from_hir(hir)
        .map_err(|e| nfa_error(&e))
}

impl Engine {
    /// Builds the forward automata; the reverse ones wait for the first match.
    pub(super) fn new(hir: Hir) -> Result<Engine, Error> {
        let nfa = compile(&hir, false)?;
        let forward = LazyDfa::new(nfa.clone(), MatchKind::LeftmostFirst);
        let engines = NfaEngines::new(nfa)?;
        Ok(Engine {
            finder: Finder::Lazy {
                forward,
                reverse: OnceLock::new(),
                hir: Mutex::new(Some(hir)),
            },
            nfa: OnceLock::from(Some(engines)),
        })
    }

    /// A built-in pattern compiled at build time; `text` builds its NFA if groups are asked.
    pub(super) fn prebuilt(dfa: Prebuilt, text: std::sync::Arc<str>) -> Engine {
        Engine {
            finder: Finder::Prebuilt { dfa, text },
            nfa: OnceLock::new(),
        }
    }

    pub(super) fn is_prebuilt(&self) -> bool {
        matches!(self.finder, Finder::Prebuilt { .. })
    }

    /// The NFA's engines, built now if this is a prebuilt pattern's first need of them (an
    /// engine built at run time has them from the start).
    fn nfa(&self) -> Option<&NfaEngines> {
        self.nfa
            .get_or_init(|| {
                let Finder::Prebuilt { text, .. } = &self.finder else {
                    return None;
                };
                NfaEngines::new(compile(&parse(text).ok()?, false).ok()?).ok()
            })
            .as_ref()
    }

    /// The leftmost-first match in `input`'s span.
    pub(super) fn search(&self, input: &Input<'_>) -> Option<Match> {
        let (forward, reverse, hir) = match &self.finder {
            Finder::Prebuilt { dfa, .. } => {
                return dfa
                    .try_search(input)
                    .unwrap_or_else(|_| self.search_nfa(input));
            }
            Finder::Lazy {
                forward: Some(forward),
                reverse,
                hir,
            } => (forward, reverse, hir),
            Finder::Lazy { forward: None, .. } => return self.search_nfa(input),
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
        // The reverse lazy DFA, built now if this is the pattern's first match.
        let reverse = reverse.get_or_init(|| {
            let hir = hir.lock().unwrap_or_else(|p| p.into_inner()).take()?;
            LazyDfa::new(compile(&hir, true).ok()?, MatchKind::All)
        });
        let Some(reverse) = reverse else {
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
        let found = match &self.finder {
            Finder::Prebuilt { dfa, .. } => dfa.try_is_match(&input),
            Finder::Lazy {
                forward: Some(forward),
                ..
            } => {
                let mut cache = forward.caches.get();
                forward
                    .dfa
                    .try_search_fwd(&mut cache, &input)
                    .map(|found| found.is_some())
            }
            Finder::Lazy { forward: None, .. } => return self.search_nfa(&input).is_some(),
        };
        match found {
            Ok(found) => found,
            Err(_) => self.search_nfa(&input).is_some(),
        }
    }

    fn search_nfa(&self, input: &Input<'_>) -> Option<Match> {
        self.nfa()?.find(input)
    }

    /// The groups of `found`, a match of this pattern in `haystack`, read within its span
    /// (look-behind still sees the text before it). `None` only if the NFA cannot be built.
    pub(super) fn groups(&self, haystack: &str, found: Match) -> Option<Slots> {
        let engines = self.nfa()?;
        let mut slots = engines.pikevm.create_captures();
        let input = Input::new(haystack)
            .span(found.range())
            .anchored(Anchored::Pattern(found.pattern()));
        if found.len() <= engines.backtracker.max_haystack_len() {
            let mut cache = engines.backtracker_caches.get();
            if engines
                .backtracker
                .try_search(&mut cache, &input, &mut slots)
                .is_ok()
            {
                return slots.is_match().then_some(slots);
            }
        }
        let mut cache = engines.pikevm_caches.get();
        engines.pikevm.search(&mut cache, &input, &mut slots);
        // The automata that found the match and the NFA are built from the same pattern, so
        // the NFA matches the span; if it ever did not, no groups rather than a panic.
        slots.is_match().then_some(slots)
    }
}
