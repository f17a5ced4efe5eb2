//! Compiling regular expressions the way prose needs them, fast.
//!
//! The `regex` crate's lazy DFA cannot evaluate a *Unicode* word boundary once the text holds
//! a non-ASCII byte (a curly quote is enough) and falls back to a much slower engine; Unicode
//! `\d` also compiles every script's digits. Prose rules need neither: their word lists are
//! English and their numbers are ASCII. So every pattern draftlint compiles, built-in or from a
//! rule file, reads `\b`, `\B` and `\d` as their ASCII forms, and `\p{Lu}` as upper case even
//! under `(?i)`. Everything else (`\w`, `\s`, case-insensitive matching, literal accented
//! letters) stays Unicode.
//!
//! Patterns are built with `regex-automata` directly rather than through the `regex` crate,
//! with the same syntax, limits and matches (leftmost-first, the same spans and groups), but
//! in the order a search needs the parts (`engine.rs`): the forward automaton first, the
//! reverse one on the first match, no literal prefilter (extracting it from a long
//! case-insensitive alternation is about a quarter of the compile time, and prose patterns
//! searched per block gain nothing from it). [`Regex`] keeps the small part of `regex`'s API
//! that rules use.
//!
//! Building the automata is most of a small run's start-up, and a run reaches only some of
//! the built-in patterns (a draft with no link list never needs the link patterns). So a
//! built-in pattern ([`trusted`]) is neither parsed nor built until its first search, and
//! most come compiled with the binary (`prebuilt.rs`); the tests build every one of them. A
//! pattern from a rule file is parsed when it is created, so that a bad pattern is reported
//! at once, where it is written, and [`build_pending`] builds those in parallel, largest
//! first, once the run knows its rules (the patterns of rules a run leaves out are never
//! built), so that one too large to build is reported before the run with the rule that
//! wrote it.

mod engine;
mod memo;
mod prebuilt;
mod set;

pub use prebuilt::prebuilt_count;
pub use set::{DocumentScan, LiteralList, Member, PatternSet};

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use regex_automata::util::captures::Captures as Slots;
use regex_automata::util::iter::Searcher;
use regex_automata::{Input, Span};
use regex_syntax::hir::Hir;

use engine::Engine;

/// Rewrites `\b`, `\B` and `\d` (also inside classes) to their ASCII forms.
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if class_depth == 0 => out.push_str(r"(?-u:\b)"),
                Some('B') if class_depth == 0 => out.push_str(r"(?-u:\B)"),
                Some('d') if class_depth == 0 => out.push_str("[0-9]"),
                Some('d') => out.push_str("0-9"),
                // `\p{Lu}` means upper case even in a case-insensitive pattern (where it would
                // otherwise match every cased letter, and compile a much larger automaton).
                Some('p') if class_depth == 0 && chars.as_str().starts_with("{Lu}") => {
                    out.push_str(r"(?-i:\p{Lu})");
                    chars.nth(3);
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal.
                let mut lookahead = chars.clone();
                match lookahead.next() {
                    Some('^') if lookahead.next() == Some(']') => {
                        out.push_str("^]");
                        chars.next();
                        chars.next();
                    }
                    Some(']') => {
                        out.push(']');
                        chars.next();
                    }
                    _ => {}
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Compiles a pattern with ASCII word boundaries and digits.
pub fn compile(pattern: &str) -> Result<Regex, Error> {
    Regex::new(&ascii_boundaries(pattern))
}

/// A built-in pattern of the parsers or the rules' code: like [`compile`], but [`trusted`], so
/// it is built on its first search (and checked by `tests/builtin_patterns.rs`).
pub fn builtin(pattern: &str) -> Result<Regex, Error> {
    trusted(|| compile(pattern))
}

/// A pattern that does not parse or is too large to compile.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

/// Parses a pattern with the `regex` crate's syntax and limits.
fn parse(pattern: &str) -> Result<Hir, Error> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|e| Error(e.to_string()))
}

/// A compiled pattern (cheap to clone: the automata are shared). Its automata are built by
/// [`build_pending`] or on the first search, whichever comes first.
#[derive(Clone)]
pub struct Regex {
    lazy: Arc<Lazy>,
}

/// What a pattern's automata are built from.
enum Source {
    /// A built-in pattern: the tests check that every one parses, so a run does not.
    Trusted,
    /// A pattern from a rule file, already checked (and parsed) when it was created.
    Parsed(Hir),
}

/// A pattern's source until its automata are built.
struct Lazy {
    /// The pattern: built from when trusted, named (its start) if it fails to build, read by a
    /// [`PatternSet`] for its literals, and shared with a prebuilt engine (which builds its
    /// NFA from it when groups are asked for).
    pattern: Arc<str>,
    /// The set it belongs to and its place there, if any.
    member_of: OnceLock<(usize, u32)>,
    /// The rule that created it (see [`owned_by`]), to name in the same case.
    owner: Option<Arc<str>>,
    source: Mutex<Option<Source>>,
    /// `Err` when the automata exceed the size limit (or a trusted pattern does not parse):
    /// the pattern then never matches, and [`build_pending`] reports it.
    built: OnceLock<Result<Engine, Error>>,
}

impl Lazy {
    /// The pattern's first characters, to name it.
    fn head(&self) -> String {
        self.pattern.chars().take(80).collect()
    }

    /// A built-in pattern's text while it is not built (see [`trusted`]): built on its first
    /// search, not by [`build_pending`].
    fn trusted_source(&self) -> Option<String> {
        match &*self.source.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(Source::Trusted) => Some(self.pattern.to_string()),
            _ => None,
        }
    }

    fn engine(&self) -> Result<&Engine, &Error> {
        self.built
            .get_or_init(|| {
                let source = self
                    .source
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take()
                    .expect("a pattern's source is kept until it is built");
                match source {
                    Source::Trusted => match prebuilt::lookup(&self.pattern) {
                        Some(prebuilt) => Ok(Engine::prebuilt(prebuilt, Arc::clone(&self.pattern))),
                        _ => Engine::new(parse(&self.pattern)?),
                    },
                    Source::Parsed(hir) => Engine::new(hir),
                }
            })
            .as_ref()
    }
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Regex")
            .field("pattern", &self.lazy.head())
            .field("built", &self.lazy.built.get().is_some())
            .finish()
    }
}

/// What the rule being loaded on this thread says about the patterns it creates.
#[derive(Clone, Default)]
struct LoadContext {
    /// Built-in: taken as valid, unparsed until built (see [`trusted`]).
    trusted: bool,
    /// The rule's id, to name if a pattern fails to build (see [`owned_by`]).
    owner: Option<Arc<str>>,
}

thread_local! {
    static LOAD_CONTEXT: std::cell::RefCell<LoadContext> =
        std::cell::RefCell::new(LoadContext::default());
}

/// Runs `load` with this thread's context changed by `change`, and restores it after.
fn with_context<T>(change: impl FnOnce(&mut LoadContext), load: impl FnOnce() -> T) -> T {
    struct Restore(LoadContext);
    impl Drop for Restore {
        fn drop(&mut self) {
            LOAD_CONTEXT.set(std::mem::take(&mut self.0));
        }
    }
    let _restore = Restore(LOAD_CONTEXT.with_borrow_mut(|context| {
        let previous = context.clone();
        change(context);
        previous
    }));
    load()
}

/// Runs `load` with the patterns it creates owned by the rule `id`: a pattern that cannot be
/// built is reported with the rule's name.
pub fn owned_by<T>(id: &str, load: impl FnOnce() -> T) -> T {
    with_context(|context| context.owner = Some(id.into()), load)
}

/// Runs `load` with the patterns it creates taken as valid, unparsed until they are built:
/// for the built-in rules, whose patterns the tests build (`tests/builtin_patterns.rs`), so
/// that a run parses only the patterns of the rules it keeps, in parallel with the others.
pub fn trusted<T>(load: impl FnOnce() -> T) -> T {
    with_context(|context| context.trusted = true, load)
}

/// Patterns created and not built yet. Weak, so that the patterns of rules a run drops are
/// never built.
static PENDING: Mutex<Pending> = Mutex::new(Pending {
    patterns: Vec::new(),
    prune_at: 1024,
});

struct Pending {
    patterns: Vec<Weak<Lazy>>,
    /// A long-running server creates patterns after start-up (built on first search); the
    /// list drops what is gone or built whenever it doubles, so it stays bounded.
    prune_at: usize,
}

fn register(lazy: &Arc<Lazy>) {
    let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    pending.patterns.push(Arc::downgrade(lazy));
    if pending.patterns.len() >= pending.prune_at {
        pending
            .patterns
            .retain(|w| w.upgrade().is_some_and(|l| l.built.get().is_none()));
        pending.prune_at = (2 * pending.patterns.len()).max(1024);
    }
}

/// A pattern whose automata could not be built (too large, or a built-in pattern that does not
/// parse, which `tests/builtin_patterns.rs` rules out): it never matches.
#[derive(Clone, Debug)]
pub struct BuildFailure {
    /// The rule it belongs to, when it was created while a rule loaded.
    pub rule: Option<String>,
    /// The pattern, cut to its first 80 characters.
    pub pattern: String,
    pub error: Error,
}

/// Builds the automata of the rule files' patterns created so far and still in use, in
/// parallel, largest first; built-in patterns wait for their first search. Returns the
/// patterns that failed (they never match).
pub fn build_pending() -> Vec<BuildFailure> {
    build(|lazy| lazy.trusted_source().is_none())
}

/// Builds every pattern created so far and still in use, built-in ones included (the tests
/// use it to check that every built-in pattern builds).
pub fn build_all_pending() -> Vec<BuildFailure> {
    build(|_| true)
}

fn build(which: impl Fn(&Lazy) -> bool) -> Vec<BuildFailure> {
    use rayon::prelude::*;
    let mut alive: Vec<Arc<Lazy>> = {
        let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
        let (chosen, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut pending.patterns)
            .into_iter()
            .filter_map(|w| w.upgrade())
            .filter(|l| l.built.get().is_none())
            .partition(|l| which(l));
        pending.patterns = kept.iter().map(Arc::downgrade).collect::<Vec<_>>();
        chosen
    };
    // Larger patterns take longer to build, so they start first.
    alive.sort_by_key(|l| std::cmp::Reverse(l.pattern.len()));
    alive
        .par_iter()
        .with_max_len(1)
        .filter_map(|lazy| {
            let error = lazy.engine().err()?.clone();
            Some(BuildFailure {
                rule: lazy.owner.as_deref().map(str::to_string),
                pattern: lazy.head(),
                error,
            })
        })
        .collect()
}

/// The built-in patterns created so far and not built yet, as written: what
/// `tests/builtin_patterns.rs` keeps `src/pattern/builtin.json`, the list `build.rs` compiles
/// ahead of time, equal to.
#[doc(hidden)]
pub fn builtin_sources() -> Vec<String> {
    let pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    let mut sources: Vec<String> = pending
        .patterns
        .iter()
        .filter_map(Weak::upgrade)
        .filter_map(|lazy| lazy.trusted_source())
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

/// One match: a range of the searched text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match<'h> {
    haystack: &'h str,
    start: usize,
    end: usize,
}

/// The groups of one match.
#[derive(Debug)]
pub struct Captures<'h> {
    haystack: &'h str,
    slots: Slots,
}

impl Regex {
    /// Compiles `pattern` as written (no ASCII rewriting: see [`compile`]), with the `regex`
    /// crate's default limits. The pattern is checked now; its automata are built later (see
    /// the module's documentation).
    pub fn new(pattern: &str) -> Result<Regex, Error> {
        let context = LOAD_CONTEXT.with_borrow(LoadContext::clone);
        let source = if context.trusted {
            Source::Trusted
        } else {
            Source::Parsed(parse(pattern)?)
        };
        let lazy = Arc::new(Lazy {
            pattern: pattern.into(),
            member_of: OnceLock::new(),
            owner: context.owner,
            source: Mutex::new(Some(source)),
            built: OnceLock::new(),
        });
        register(&lazy);
        Ok(Regex { lazy })
    }

    /// Whether this pattern's automata came compiled with the binary (see
    /// `src/pattern/prebuilt.rs`); builds them if they are not yet.
    #[doc(hidden)]
    pub fn is_prebuilt(&self) -> bool {
        self.engine().is_some_and(Engine::is_prebuilt)
    }

    /// The automata, built now if they are not yet; `None` if they could not be.
    fn engine(&self) -> Option<&Engine> {
        self.lazy.engine().ok()
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        if set::cannot_match(self, haystack) {
            return false;
        }
        self.engine().is_some_and(|re| re.is_match(haystack))
    }

    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.find_at(haystack, 0)
    }

    /// The first match starting the search at byte `start` (look-behind sees the text before).
    pub fn find_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Match<'h>> {
        if set::cannot_match(self, haystack) {
            return None;
        }
        let input = Input::new(haystack).span(start..haystack.len());
        self.engine()?
            .search(&input)
            .map(|m| Match::new(haystack, m.span()))
    }

    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> impl Iterator<Item = Match<'h>> + 'r
    where
        'h: 'r,
    {
        // Checked first: a ruled-out search does not even build the automata.
        (!set::cannot_match(self, haystack))
            .then(|| self.engine())
            .flatten()
            .into_iter()
            .flat_map(move |re| matches(re, haystack))
            .map(move |m| Match::new(haystack, m.span()))
    }

    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        if set::cannot_match(self, haystack) {
            return None;
        }
        let re = self.engine()?;
        let found = re.search(&Input::new(haystack))?;
        groups(re, haystack, found)
    }

    /// The first match starting the search at byte `start`, with its groups (look-behind sees
    /// the text before).
    pub fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        if set::cannot_match(self, haystack) {
            return None;
        }
        let re = self.engine()?;
        let found = re.search(&Input::new(haystack).span(start..haystack.len()))?;
        groups(re, haystack, found)
    }

    /// The groups of `found`, a match of this pattern in `haystack` (from [`Regex::find_iter`]
    /// or [`Regex::find_at`]): read within its span, without searching again.
    pub fn captures_of<'h>(&self, haystack: &'h str, found: Match<'h>) -> Option<Captures<'h>> {
        let found = regex_automata::Match::must(0, found.range());
        groups(self.engine()?, haystack, found)
    }

    pub fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h str,
    ) -> impl Iterator<Item = Captures<'h>> + 'r
    where
        'h: 'r,
    {
        let engine = (!set::cannot_match(self, haystack))
            .then(|| self.engine())
            .flatten();
        engine.into_iter().flat_map(move |re| {
            matches(re, haystack).map_while(move |found| groups(re, haystack, found))
        })
    }
}

/// Successive non-overlapping matches, as the `regex` crate's iterators give them (an empty
/// match never splits a character or follows a match at the same place).
fn matches<'r, 'h: 'r>(
    re: &'r Engine,
    haystack: &'h str,
) -> impl Iterator<Item = regex_automata::Match> + 'r {
    let mut searcher = Searcher::new(Input::new(haystack));
    std::iter::from_fn(move || searcher.advance(|input| Ok(re.search(input))))
}

fn groups<'h>(
    re: &Engine,
    haystack: &'h str,
    found: regex_automata::Match,
) -> Option<Captures<'h>> {
    let slots = re.groups(haystack, found)?;
    Some(Captures { haystack, slots })
}

impl<'h> Match<'h> {
    fn new(haystack: &'h str, span: Span) -> Match<'h> {
        Match {
            haystack,
            start: span.start,
            end: span.end,
        }
    }

    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn as_str(&self) -> &'h str {
        &self.haystack[self.start..self.end]
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

impl<'h> Captures<'h> {
    /// Group `index` (0 is the whole match), if it took part in the match.
    pub fn get(&self, index: usize) -> Option<Match<'h>> {
        self.slots
            .get_group(index)
            .map(|span| Match::new(self.haystack, span))
    }

    /// The named group, if it took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        self.slots
            .get_group_by_name(name)
            .map(|span| Match::new(self.haystack, span))
    }

    /// Every group in order (the whole match first), `None` for those that did not take
    /// part.
    pub fn iter(&self) -> impl Iterator<Item = Option<Match<'h>>> + '_ {
        (0..self.slots.group_len()).map(|i| self.get(i))
    }
}

/// `caps[i]`: the text of a group that must have taken part (panics otherwise, as in `regex`).
impl std::ops::Index<usize> for Captures<'_> {
    type Output = str;

    fn index(&self, index: usize) -> &str {
        let span = self.slots.get_group(index).expect("the group took part");
        &self.haystack[span.range()]
    }
}

/// `caps["name"]`: the text of a named group that must have taken part.
impl std::ops::Index<&str> for Captures<'_> {
    type Output = str;

    fn index(&self, name: &str) -> &str {
        let span = self
            .slots
            .get_group_by_name(name)
            .expect("the group took part");
        &self.haystack[span.range()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The failures `build_pending` reported for patterns starting with `marker` (other tests
    /// in this binary create patterns concurrently).
    fn failures_of(marker: &str) -> Vec<BuildFailure> {
        build_all_pending()
            .into_iter()
            .filter(|f| f.pattern.starts_with(marker))
            .collect()
    }

    #[test]
    fn patterns_build_once_whether_pending_or_on_first_search() {
        let pending = compile(r"(?i)\bpending\s+pattern\b").unwrap();
        assert!(failures_of("(?i)").is_empty());
        assert!(pending.lazy.built.get().is_some(), "built by build_pending");
        assert!(pending.is_match("a Pending  pattern here"));

        // Created after a build_pending: built by its first search, same matches.
        let late = compile(r"(?i)\bpending\s+pattern\b").unwrap();
        assert_eq!(
            late.find("a Pending  pattern here").map(|m| m.range()),
            pending.find("a Pending  pattern here").map(|m| m.range())
        );
        let caps = compile(r"(?P<n>\d+) cats").unwrap();
        assert_eq!(&caps.captures("see 12 cats").unwrap()["n"], "12");
    }

    #[test]
    fn dropped_patterns_are_never_built_and_failures_never_match() {
        // A trusted pattern is not parsed when created: one that cannot be built is reported
        // by build_pending, unless nothing uses it any more.
        let dropped = trusted(|| Regex::new("dropped(?=x)")).unwrap();
        drop(dropped);
        let kept = trusted(|| Regex::new("kept(?=x)")).unwrap();
        // A run's `build_pending` leaves built-in patterns to their first search.
        assert!(build_pending().iter().all(|f| f.pattern != "kept(?=x)"));
        // `build_all_pending` reports it, unless another test of this binary, running at the
        // same time, built the pending patterns first: then the failure is the pattern's own.
        let failures = failures_of("kept(?=x)");
        assert!(failures.len() <= 1);
        let error = match failures.first() {
            Some(failure) => failure.error.to_string(),
            None => match kept.lazy.built.get() {
                Some(Err(error)) => error.to_string(),
                other => panic!("kept(?=x) built without an error: {}", other.is_some()),
            },
        };
        assert!(error.contains("look-around"), "{error}");
        assert!(failures_of("dropped(?=x)").is_empty());
        assert!(!kept.is_match("keptx"));
        assert_eq!(kept.find_iter("keptx kept").count(), 0);
        assert!(kept.captures("keptx").is_none());
        // Outside `trusted` the same pattern is refused at once, with the parser's message.
        let err = Regex::new("kept(?=x)").unwrap_err();
        assert!(err.to_string().contains("look-around"), "{err}");
    }

    #[test]
    fn the_pending_list_stays_bounded() {
        // Patterns built on first search (a server's later patterns) do not pile up.
        for i in 0..5000 {
            let re = compile(&format!("bounded{i}")).unwrap();
            assert!(re.is_match(&format!("x bounded{i} y")));
        }
        let len = PENDING.lock().unwrap().patterns.len();
        assert!(len < 2100, "{len} entries kept");
    }

    #[test]
    fn rewrites_outside_and_inside_classes() {
        assert_eq!(
            ascii_boundaries(r"\bfoo\d+[\d,]\\b[]\b]"),
            r"(?-u:\b)foo[0-9]+[0-9,]\\b[]\b]"
        );
        let re = compile(r"(?i)\breports\s+indicate\b").unwrap();
        assert!(re.is_match("“Reports indicate” it"));
        assert!(!re.is_match("misreports indicated"));
        let upper = compile(r"(?i)by \p{Lu}").unwrap();
        assert!(upper.is_match("BY Reuters") && !upper.is_match("by reuters"));
    }
}
