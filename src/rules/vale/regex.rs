//! Vale's regular-expression dialect.
//!
//! Vale compiles rules with regexp2, which has lookahead, lookbehind and backreferences; the
//! `regex` crate has none of them but runs in linear time. So a pattern is compiled with `regex`
//! whenever it can be (nearly every published rule), and only a pattern that needs the extra
//! syntax falls back to `fancy-regex`, with a backtrack limit so that no draft can make a rule
//! run away. Both read `\b` and `\d` as ASCII, as regexp2's RE2 mode does.
//!
//! Most published rules are long lists of plain words and phrases ("a chip off the old
//! block", …). Compiling such a list as one regex costs tens of milliseconds per rule; an
//! Aho-Corasick automaton over the same words costs well under one and finds the same matches,
//! so plain word lists take that path ([`Regex2::words`]).

use std::ops::Range;
use std::sync::atomic::Ordering;

/// How many backtracking steps a lookaround pattern may take on one text before it gives up
/// (and reports no match there): generous for prose, fatal for catastrophic patterns.
const BACKTRACK_LIMIT: usize = 100_000;

/// A compiled Vale pattern.
#[derive(Clone, Debug)]
pub enum Regex2 {
    /// Linear-time engine, for every pattern it accepts.
    Fast(crate::pattern::Regex),
    /// Backtracking engine, for lookaround and backreferences only.
    Fancy(Box<Fancy>),
    /// Plain words and phrases, as the regex `\b(?:w1|w2|…)\b` would match them.
    Words(WordList),
    /// An alternation of which only some alternatives need the backtracking engine.
    Split(Box<Split>),
}

/// The alternation `\b(?:(k1)|(k2)|…)\b` (one group per alternative) when a few of its
/// alternatives need look-around: those on the backtracking engine, the others on the fast
/// one, merged as the one alternation matches (the leftmost match; at the same start, the
/// earlier alternative). A style's table with one look-around key among a hundred would
/// otherwise send every key to the backtracking engine, which is most of a Vale run's search
/// time.
#[derive(Clone, Debug)]
pub struct Split {
    fast: crate::pattern::Regex,
    /// Group `j` of `fast` (1-based) is alternative `fast_keys[j - 1]`.
    fast_keys: Vec<usize>,
    fancy: Fancy,
    fancy_keys: Vec<usize>,
    keys: usize,
}

/// One alternative's match: its span, which alternative, and the span of its group.
type KeyMatch = (Range<usize>, usize, Range<usize>);

/// The match of one side of a [`Split`]: its whole span (group 0) and the first of its groups
/// that took part, named by the alternative it stands for (`keys[j - 1]` for group `j`).
fn key_match(
    mut groups: impl Iterator<Item = Option<Range<usize>>>,
    keys: &[usize],
) -> Option<KeyMatch> {
    let whole = groups.next()??;
    let (key, group) = groups
        .zip(keys)
        .find_map(|(group, &key)| Some((key, group?)))?;
    Some((whole, key, group))
}

/// A pattern on the backtracking engine, with the literals one of which its matches hold (for
/// the run's pattern set: the backtracking engine is most of a Vale run's search time, and
/// most blocks hold none of a pattern's words).
#[derive(Clone, Debug)]
pub struct Fancy {
    regex: fancy_regex::Regex,
    literals: Option<std::sync::Arc<crate::pattern::LiteralList>>,
}

impl Fancy {
    fn new(regex: fancy_regex::Regex, pattern: &str) -> Fancy {
        Fancy {
            regex,
            literals: superset_pattern(pattern)
                .map(|p| crate::pattern::LiteralList::of_pattern(&p)),
        }
    }

    /// Whether `text` certainly holds no match (see [`crate::pattern::LiteralList`]).
    fn ruled_out(&self, text: &str) -> bool {
        self.literals.as_ref().is_some_and(|l| l.cannot_occur(text))
    }
}

/// A pattern in the `regex` crate's syntax that matches wherever `pattern` (fancy-regex
/// syntax) does, and more: zero-width assertions (look-around, `\b`, `\K`) dropped, and what
/// only a backtracking engine can match (backreferences, conditionals, recursion) read as
/// "anything". Every literal it needs is then in every match of `pattern`. Built on
/// fancy-regex's own parse tree, so classes, comments and flags read as that engine reads
/// them. `None` if the pattern does not parse.
fn superset_pattern(pattern: &str) -> Option<String> {
    use fancy_regex::Expr;
    fn anything() -> Expr {
        Expr::Repeat {
            child: Box::new(Expr::Any {
                newline: true,
                crlf: false,
            }),
            lo: 0,
            hi: usize::MAX,
            greedy: true,
        }
    }
    // Only the variants `Expr::to_str` writes come out of this.
    fn superset(expr: &Expr) -> Expr {
        match expr {
            Expr::Empty | Expr::Assertion(_) | Expr::LookAround(..) | Expr::KeepOut => Expr::Empty,
            Expr::Any { .. } | Expr::Literal { .. } | Expr::Delegate { .. } => expr.clone(),
            Expr::Concat(parts) => Expr::Concat(parts.iter().map(superset).collect()),
            Expr::Alt(branches) => Expr::Alt(branches.iter().map(superset).collect()),
            Expr::Group(inner) => Expr::Group(std::sync::Arc::new(superset(inner))),
            Expr::AtomicGroup(inner) => Expr::Concat(vec![superset(inner)]),
            Expr::Repeat {
                child,
                lo,
                hi,
                greedy,
            } => Expr::Repeat {
                child: Box::new(superset(child)),
                lo: *lo,
                hi: *hi,
                greedy: *greedy,
            },
            _ => anything(),
        }
    }
    let tree = Expr::parse_tree(pattern).ok()?;
    let mut out = String::new();
    superset(&tree.expr).to_str(&mut out, 0);
    Some(out)
}

impl Split {
    /// Every match, as the alternation's groups (index 0 the whole match).
    fn captures_iter(&self, text: &str) -> Vec<Vec<Option<Range<usize>>>> {
        let fast_at = |pos: usize| -> Option<KeyMatch> {
            let caps = self.fast.captures_at(text, pos)?;
            let groups = caps.iter().map(|g| g.map(|m| m.range()));
            key_match(groups, &self.fast_keys)
        };
        // A search that hits the backtrack limit ends the backtracking side in this text.
        let fancy_ruled_out = self.fancy.ruled_out(text);
        let fancy_at = |pos: usize| -> Option<KeyMatch> {
            if fancy_ruled_out {
                return None;
            }
            let caps = self.fancy.regex.captures_from_pos(text, pos).ok()??;
            let groups = caps.iter().map(|g| g.map(|m| m.range()));
            key_match(groups, &self.fancy_keys)
        };
        let mut out = Vec::new();
        let (mut fast, mut fancy): (Option<KeyMatch>, Option<KeyMatch>) = (None, None);
        let (mut fast_done, mut fancy_done) = (false, false);
        let mut pos = 0;
        while pos <= text.len() {
            // A candidate found from an earlier position is still the next match of its side
            // if it starts at or after `pos`.
            if !fast_done && fast.as_ref().is_none_or(|c| c.0.start < pos) {
                fast = fast_at(pos);
                fast_done = fast.is_none();
            }
            if !fancy_done && fancy.as_ref().is_none_or(|c| c.0.start < pos) {
                fancy = fancy_at(pos);
                fancy_done = fancy.is_none();
            }
            let take_fast = match (&fast, &fancy) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => (a.0.start, a.1) < (b.0.start, b.1),
            };
            let chosen = if take_fast { fast.take() } else { fancy.take() };
            let Some((whole, key, group)) = chosen else {
                break;
            };
            let mut groups = vec![None; self.keys + 1];
            groups[key + 1] = Some(group);
            // An empty match moves the search on by one character.
            pos = if whole.is_empty() {
                whole.end + text[whole.end..].chars().next().map_or(1, char::len_utf8)
            } else {
                whole.end
            };
            groups[0] = Some(whole);
            out.push(groups);
        }
        out
    }
}

/// Literal alternatives matched with the semantics of a regex alternation: at the leftmost
/// position where one matches, the first in list order wins; with `bounded`, only where the
/// regex's ASCII `\b` would hold at both ends.
#[derive(Clone, Debug)]
pub struct WordList {
    /// Built on the first search that the run's pattern set does not rule out: a style has
    /// about a hundred word lists, building them is most of loading it, and a short draft
    /// holds the words of few of them.
    automaton: std::sync::OnceLock<aho_corasick::AhoCorasick>,
    /// Bytes searched without the automaton so far (see [`WordList::find`]).
    searched: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ignorecase: bool,
    /// The spellings (the automaton's patterns), also for the run's pattern set: a block
    /// holding none of them is not searched.
    literals: std::sync::Arc<crate::pattern::LiteralList>,
    bounded: bool,
    /// The word each automaton pattern spells (a word may have several spellings).
    owners: Vec<usize>,
    words: usize,
}

/// How much text a word list searches word by word before it builds its automaton: building
/// one costs about as much as reading 64 KB for each of a hundred words, and the words of a
/// short draft are found sooner without it.
const SEARCH_BEFORE_BUILDING: usize = 64 * 1024;

/// Most spellings a word list may have, and their most bytes.
const MAX_WORDS: usize = 100_000;
const MAX_WORD_BYTES: usize = 64 << 20;

/// Most spellings one word may expand to before it is left to the regex engine.
const MAX_SPELLINGS: usize = 64;

/// The texts a small regex matches, in the order a backtracking alternation prefers them, when
/// it is built only from plain characters, `\`-escaped punctuation, `x?` and `(?:a|b)`
/// groups: `thought leaders?` → `thought leaders`, `thought leader`. `None` for anything
/// else. A list of such expansions matches exactly what the alternation of the regexes does.
fn spellings(pattern: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = pattern.chars().collect();
    let (out, end) = sequence(&chars, 0)?;
    (end == chars.len()).then_some(out)
}

/// Parses a sequence up to `|`, `)` or the end.
fn sequence(chars: &[char], mut at: usize) -> Option<(Vec<String>, usize)> {
    let mut out = vec![String::new()];
    while at < chars.len() && chars[at] != '|' && chars[at] != ')' {
        // A plain character (most of a word list) extends every spelling in place, without
        // building a one-spelling atom first.
        let single = match chars[at] {
            '\\' => chars
                .get(at + 1)
                .filter(|c| c.is_ascii_punctuation())
                .map(|&c| (c, at + 2)),
            c if is_plain_char(c) => Some((c, at + 1)),
            _ => None,
        };
        if let Some((c, next)) = single
            && chars
                .get(next)
                .is_none_or(|n| !matches!(n, '*' | '+' | '{' | '?'))
        {
            for head in &mut out {
                head.push(c);
            }
            at = next;
            continue;
        }
        let (mut atom, next) = match chars[at] {
            '(' => {
                if chars.get(at + 1) != Some(&'?') || chars.get(at + 2) != Some(&':') {
                    return None;
                }
                let mut alternatives = Vec::new();
                let mut pos = at + 3;
                loop {
                    let (alt, next) = sequence(chars, pos)?;
                    alternatives.extend(alt);
                    match chars.get(next) {
                        Some('|') => pos = next + 1,
                        Some(')') => break (alternatives, next + 1),
                        _ => return None,
                    }
                }
            }
            '\\' => {
                let c = *chars.get(at + 1)?;
                if !c.is_ascii_punctuation() {
                    return None;
                }
                (vec![c.to_string()], at + 2)
            }
            c if is_plain_char(c) => (vec![c.to_string()], at + 1),
            _ => return None,
        };
        if chars.get(next) == Some(&'?') {
            // Greedy: with the optional part first.
            atom.push(String::new());
            at = next + 1;
        } else {
            at = next;
        }
        if chars
            .get(at)
            .is_some_and(|c| matches!(c, '*' | '+' | '{' | '?'))
        {
            return None;
        }
        if let [only] = atom.as_slice() {
            // One spelling (a plain character, mostly): extend every spelling in place rather
            // than rebuilding them all, which made long word lists quadratic to load.
            for head in &mut out {
                head.push_str(only);
            }
            continue;
        }
        let mut joined = Vec::with_capacity(out.len() * atom.len());
        for head in &out {
            for tail in &atom {
                joined.push(format!("{head}{tail}"));
            }
        }
        if joined.len() > MAX_SPELLINGS {
            return None;
        }
        out = joined;
    }
    Some((out, at))
}

/// Characters of a plain word: no regex syntax, ASCII (so that ASCII case folding is the
/// regex's case folding, except for the Kelvin and long-s signs).
/// Rewrites `\w`, `\W`, `\s` and `\S` to the ASCII classes they are in Vale's RE2-compatible
/// dialect. Besides being Vale's meaning, ASCII classes compile into a small fraction of the
/// automaton that Unicode ones need, which is most of the cost of loading a style.
pub fn re2_classes(pattern: &str) -> String {
    const WORD: &str = "0-9A-Za-z_";
    const SPACE: &str = r"\t\n\f\r ";
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('w') if in_class => out.push_str(WORD),
                Some('s') if in_class => out.push_str(SPACE),
                Some('w') => out.push_str(&format!("[{WORD}]")),
                Some('W') if !in_class => out.push_str(&format!("[^{WORD}]")),
                Some('s') => out.push_str(&format!("[{SPACE}]")),
                Some('S') if !in_class => out.push_str(&format!("[^{SPACE}]")),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` first in a class (after an optional `^`) is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            other => out.push(other),
        }
    }
    out
}

/// Text with no regex syntax in it, whose case folding is ASCII's.
pub fn is_plain_text(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_plain_char)
}

fn is_plain_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ' ' | '\''
                | '-'
                | '_'
                | ','
                | '&'
                | '!'
                | '@'
                | '%'
                | '/'
                | ':'
                | ';'
                | '<'
                | '>'
                | '='
                | '"'
                | '~'
                | '`'
                | '#'
        )
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Regex2 {
    /// What this pattern brings to the run's [`crate::pattern::PatternSet`]: the pattern of the
    /// linear-time engine (a split alternation's fast half), or a word list's words.
    pub fn set_members(&self) -> Vec<crate::pattern::Member> {
        use crate::pattern::Member;
        match self {
            Regex2::Fast(re) => vec![Member::Pattern(re.clone())],
            Regex2::Split(split) => {
                let fancy = split.fancy.literals.clone().map(Member::Literals);
                std::iter::once(Member::Pattern(split.fast.clone()))
                    .chain(fancy)
                    .collect()
            }
            Regex2::Words(list) => vec![Member::Literals(list.literals.clone())],
            Regex2::Fancy(fancy) => fancy
                .literals
                .clone()
                .map(Member::Literals)
                .into_iter()
                .collect(),
        }
    }

    /// Compiles `pattern`, with the fast engine when it accepts it.
    pub fn new(pattern: &str) -> Result<Regex2, String> {
        let pattern = &re2_classes(pattern);
        match crate::pattern::compile(pattern) {
            Ok(re) => Ok(Regex2::Fast(re)),
            Err(fast_err) => {
                let build = |p: &str| {
                    fancy_regex::RegexBuilder::new(p)
                        .backtrack_limit(BACKTRACK_LIMIT)
                        .build()
                };
                let ascii = crate::pattern::ascii_boundaries(pattern);
                build(&ascii)
                    .or_else(|_| build(pattern))
                    .map(|re| Regex2::Fancy(Box::new(Fancy::new(re, &ascii))))
                    .map_err(|_| fast_err.to_string())
            }
        }
    }

    /// The alternation of `keys`, one group each, as [`crate::rules::vale::word_pattern`]
    /// builds it; split between the engines when only some keys need look-around.
    pub fn alternation(keys: &[&str], nonword: bool, ignorecase: bool) -> Result<Regex2, String> {
        let pattern_of = |keys: &mut dyn Iterator<Item = &str>| {
            let groups: Vec<String> = keys.map(|k| format!("({k})")).collect();
            super::word_pattern(&groups.join("|"), nonword, ignorecase)
        };
        // Which keys the fast engine takes on their own (with the classes Vale means).
        let (fast_keys, fancy_keys): (Vec<usize>, Vec<usize>) = (0..keys.len()).partition(|&i| {
            regex_syntax::ParserBuilder::new()
                .build()
                .parse(&re2_classes(keys[i]))
                .is_ok()
        });
        let whole = || Regex2::new(&pattern_of(&mut keys.iter().copied()));
        if fast_keys.is_empty() || fancy_keys.is_empty() {
            return whole();
        }
        let fast = Regex2::new(&pattern_of(&mut fast_keys.iter().map(|&i| keys[i])))?;
        let fancy = Regex2::new(&pattern_of(&mut fancy_keys.iter().map(|&i| keys[i])))?;
        match (fast, fancy) {
            (Regex2::Fast(fast), Regex2::Fancy(fancy)) => Ok(Regex2::Split(Box::new(Split {
                fast,
                fast_keys,
                fancy: *fancy,
                fancy_keys,
                keys: keys.len(),
            }))),
            _ => whole(),
        }
    }

    /// The words as a [`Regex2::Words`] list, when every one is plain text; `None` otherwise.
    pub fn words(words: &[&str], ignorecase: bool, bounded: bool) -> Option<Regex2> {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, word) in words.iter().enumerate() {
            for spelling in spellings(word)? {
                if spelling.is_empty() {
                    return None;
                }
                patterns.push(spelling);
                owners.push(i);
            }
        }
        // The automaton is built at the first search, where it must not fail: its limits
        // (2^31 patterns and states; a state per byte at most) are far above these.
        let bytes: usize = patterns.iter().map(String::len).sum();
        if patterns.is_empty() || patterns.len() > MAX_WORDS || bytes > MAX_WORD_BYTES {
            return None;
        }
        Some(Regex2::Words(WordList {
            automaton: std::sync::OnceLock::new(),
            searched: Default::default(),
            ignorecase,
            literals: crate::pattern::LiteralList::new(
                patterns.into_iter().map(String::into_bytes).collect(),
            ),
            bounded,
            owners,
            words: words.len(),
        }))
    }

    pub fn is_fancy(&self) -> bool {
        matches!(self, Regex2::Fancy(_))
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Regex2::Fast(re) => re.is_match(text),
            Regex2::Fancy(re) => !re.ruled_out(text) && re.regex.is_match(text).unwrap_or(false),
            Regex2::Words(list) => !list.find(text).is_empty(),
            Regex2::Split(split) => !split.captures_iter(text).is_empty(),
        }
    }

    /// Every non-overlapping match, as byte ranges of `text`.
    pub fn find_iter(&self, text: &str) -> Vec<Range<usize>> {
        match self {
            Regex2::Fast(re) => re.find_iter(text).map(|m| m.range()).collect(),
            // A match that hits the backtrack limit ends the search in this text.
            Regex2::Fancy(re) if re.ruled_out(text) => Vec::new(),
            Regex2::Fancy(re) => re
                .regex
                .find_iter(text)
                .map_while(Result::ok)
                .map(|m| m.range())
                .collect(),
            Regex2::Words(list) => list.find(text).into_iter().map(|(r, _)| r).collect(),
            Regex2::Split(split) => split
                .captures_iter(text)
                .into_iter()
                .filter_map(|groups| groups[0].clone())
                .collect(),
        }
    }

    /// Every match with its capture groups (index 0 is the whole match).
    pub fn captures_iter(&self, text: &str) -> Vec<Vec<Option<Range<usize>>>> {
        match self {
            Regex2::Fast(re) => re
                .captures_iter(text)
                .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                .collect(),
            Regex2::Fancy(re) if re.ruled_out(text) => Vec::new(),
            Regex2::Fancy(re) => re
                .regex
                .captures_iter(text)
                .map_while(Result::ok)
                .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                .collect(),
            // Each word is a group of its own, as in `(w1)|(w2)|…`.
            Regex2::Words(list) => {
                let groups = list.words + 1;
                list.find(text)
                    .into_iter()
                    .map(|(range, word)| {
                        let mut caps = vec![None; groups];
                        caps[0] = Some(range.clone());
                        caps[word + 1] = Some(range);
                        caps
                    })
                    .collect()
            }
            Regex2::Split(split) => split.captures_iter(text),
        }
    }
}

impl WordList {
    fn automaton(&self) -> &aho_corasick::AhoCorasick {
        self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(self.ignorecase)
                // Cheap to build; a run searches little text per rule.
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(self.literals.listed())
                .expect("a list within MAX_WORDS and MAX_WORD_BYTES builds")
        })
    }

    /// What the automaton's overlapping search finds, `(start, spelling, end)` in any order,
    /// found spelling by spelling.
    fn occurrences(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let folded;
        let haystack = if self.ignorecase {
            folded = text.to_ascii_lowercase();
            folded.as_bytes()
        } else {
            text.as_bytes()
        };
        let mut found = Vec::new();
        let mut needle = Vec::new();
        for (index, spelling) in self.literals.listed().iter().enumerate() {
            let spelling = if self.ignorecase {
                needle.clear();
                needle.extend(spelling.iter().map(u8::to_ascii_lowercase));
                &needle
            } else {
                spelling
            };
            let finder = memchr::memmem::Finder::new(spelling);
            let mut at = 0;
            while let Some(i) = finder.find(&haystack[at..]) {
                found.push((at + i, index, at + i + spelling.len()));
                at += i + 1;
            }
        }
        found
    }

    /// Non-overlapping matches with the index of the word that matched.
    fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        if self.literals.cannot_occur(text) {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let boundary = |at: usize| {
            let before = at > 0 && is_word_byte(bytes[at - 1]);
            let after = at < bytes.len() && is_word_byte(bytes[at]);
            before != after
        };
        // Word by word while the text read so far, this one included, is short.
        let use_automaton = self.automaton.get().is_some()
            || self.searched.fetch_add(text.len(), Ordering::Relaxed) + text.len()
                > SEARCH_BEFORE_BUILDING;
        let mut candidates: Vec<(usize, usize, usize)> = if use_automaton {
            self.automaton()
                .find_overlapping_iter(text)
                .map(|m| (m.start(), m.pattern().as_usize(), m.end()))
                .collect()
        } else {
            self.occurrences(text)
        };
        candidates.retain(|&(start, _, end)| !self.bounded || (boundary(start) && boundary(end)));
        candidates.sort_unstable();
        let mut out = Vec::new();
        let mut next = 0;
        for (start, word, end) in candidates {
            if start >= next {
                out.push((start..end, self.owners[word]));
                next = end;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_by_word_finds_what_the_automaton_finds() {
        let texts = [
            "Utilize the aa-aaaa; UTILIZE it. Thought leaders think, thought-leader!",
            "Ärger über Straße: utilisé, utilizeutilize, 😀 aaa",
            "",
        ];
        for ignorecase in [true, false] {
            let Some(Regex2::Words(list)) = Regex2::words(
                &["utilize", "aa", "thought leaders?", "ze"],
                ignorecase,
                true,
            ) else {
                panic!("a word list")
            };
            for text in texts {
                let mut slow = list.occurrences(text);
                slow.sort_unstable();
                let mut fast: Vec<(usize, usize, usize)> = list
                    .automaton()
                    .find_overlapping_iter(text)
                    .map(|m| (m.start(), m.pattern().as_usize(), m.end()))
                    .collect();
                fast.sort_unstable();
                assert_eq!(slow, fast, "{text:?} ignorecase={ignorecase}");
            }
        }
    }

    /// Look-around patterns, split alternations and word lists, searched on blocks through a
    /// pattern set that has read them: the same matches as without the set.
    #[test]
    fn the_pattern_set_never_hides_a_match_of_the_backtracking_engine() {
        use crate::pattern::PatternSet;
        let patterns = [
            Regex2::new(r"foo(?=[])(]xyz)").unwrap(),
            Regex2::new(r"(b)\1ar[[s-x]&&(?=x)]").unwrap(),
            Regex2::new("(?x)((?!a # ) ( \n bbbb)cc)").unwrap(),
            Regex2::new(r"(?i)\bvery(?! good)\b").unwrap(),
            Regex2::alternation(&["utilize", r"in order(?= to)", "leverage"], false, true).unwrap(),
            Regex2::words(&["thought leaders?", "synergy"], true, true).unwrap(),
        ];
        let blocks = [
            "foo)xyz and bbarx. Please cc me.",
            "It was very nice, not very good. In order to utilize it, we leverage synergy.",
            "Thought Leader talk, nothing else here.",
            "No match at all in this block.",
        ];
        let set = PatternSet::new(patterns.iter().flat_map(Regex2::set_members)).build_after(0);
        let scan = std::sync::Arc::new(set.scan(blocks).expect("built"));
        let mut found_any = 0;
        for pattern in &patterns {
            for block in blocks {
                let without = pattern.captures_iter(block);
                found_any += without.len();
                let with = scan.enter(|| pattern.captures_iter(block));
                assert_eq!(with, without, "{pattern:?} on {block:?}");
                let sentence = &block[..block.len() / 2];
                let without = pattern.find_iter(sentence);
                assert_eq!(scan.enter(|| pattern.find_iter(sentence)), without);
            }
        }
        assert!(found_any >= 8, "{found_any} matches");
    }

    #[test]
    fn a_superset_pattern_matches_wherever_the_fancy_one_does() {
        let cases = [
            (r"(?<!not )\bgood(?= news)", "good news"),
            (r"(\w+) \1", "the the"),
            (r"(?P<w>a)\k<w>b", "aab"),
            // A `)` in a class inside the assertion, a class holding `(?=`.
            (r"foo(?=[])(]xyz)", "foo)xyz"),
            (r"a(?=[)(]b)[(?=]b", "a(b"),
            (r"(b)\1ar[[s-x]&&(?=x)]", "bbarx"),
            // A `)` in an `(?x)` comment.
            ("(?x)((?!a # ) ( \n bbbb)cc)", "Please cc me."),
            (r"(?i)\bIt(?=\s+is)", "it is"),
            (r"(?>ab|a)c\Kd", "acd"),
        ];
        for (pattern, text) in cases {
            let fancy = fancy_regex::Regex::new(pattern).unwrap();
            let superset = superset_pattern(pattern).unwrap();
            let fast = crate::pattern::compile(&superset).unwrap();
            assert!(fancy.is_match(text).unwrap(), "{pattern} on {text:?}");
            assert!(fast.is_match(text), "{pattern} as {superset} on {text:?}");
        }
        assert_eq!(
            superset_pattern(r"(?<!not )\bgood(?= news)").unwrap(),
            "good"
        );
    }

    #[test]
    fn lookaround_falls_back_and_plain_stays_fast() {
        assert!(!Regex2::new(r"\bfoo\b").unwrap().is_fancy());
        let re = Regex2::new(r"(?<!:[^ ]+?):\s[A-Z]").unwrap();
        assert!(re.is_fancy());
        assert_eq!(re.find_iter("Note: This"), vec![4..7]);
        assert!(Regex2::new("(unclosed").is_err());
    }

    #[test]
    fn classes_are_ascii_as_in_re2() {
        assert_eq!(re2_classes(r"\b(\w+)\b"), r"\b([0-9A-Za-z_]+)\b");
        assert_eq!(re2_classes(r"[^\s]+\S"), r"[^\t\n\f\r ]+[^\t\n\f\r ]");
        assert_eq!(
            re2_classes(r"[\w-]\\w[]\w]"),
            r"[0-9A-Za-z_-]\\w[]0-9A-Za-z_]"
        );
        let re = Regex2::new(r"\w+").unwrap();
        assert_eq!(re.find_iter("naïve"), vec![0..2, 4..6]);
    }

    #[test]
    fn split_alternations_match_as_the_whole_alternation() {
        // Microsoft.Contractions-like keys: most plain, a few with look-around, sharing
        // starts so that ties between the two engines decide.
        let keys = [
            "it is(?!\\.)",
            "it is not",
            "it's(?=\\.)",
            "all of(?! a sudden)",
            "all of a",
            "that is",
            "we are(?!\\.)",
            "are",
            "e",
        ];
        for (nonword, ignorecase) in [(false, true), (true, false), (false, false)] {
            let split = Regex2::alternation(&keys, nonword, ignorecase).unwrap();
            assert!(matches!(split, Regex2::Split(_)));
            let groups: Vec<String> = keys.iter().map(|k| format!("({k})")).collect();
            let whole = Regex2::new(&super::super::word_pattern(
                &groups.join("|"),
                nonword,
                ignorecase,
            ))
            .unwrap();
            assert!(whole.is_fancy());
            for text in [
                "It is not. It is, it's. All of a sudden all of them; we are. We are here",
                "that is it is all of a all of",
                "",
                "eee are ware",
                "ÉtÉ it is\u{a0}not — it’s. it's.",
            ] {
                assert_eq!(
                    split.captures_iter(text),
                    whole.captures_iter(text),
                    "{text:?} nonword={nonword} ignorecase={ignorecase}"
                );
                assert_eq!(split.find_iter(text), whole.find_iter(text));
                assert_eq!(split.is_match(text), whole.is_match(text));
            }
        }
        // All keys plain, or all needing look-around: one engine, as before.
        assert!(matches!(
            Regex2::alternation(&["a", "b"], false, true).unwrap(),
            Regex2::Fast(_)
        ));
        assert!(
            Regex2::alternation(&["a(?=b)"], false, true)
                .unwrap()
                .is_fancy()
        );
    }

    #[test]
    fn word_lists_match_as_the_regex_would() {
        let words = ["a", "a lot", "lot of", "ab"];
        let list = Regex2::words(&words, true, true).unwrap();
        let regex = Regex2::new(r"(?i)(?m)\b(?:a|a lot|lot of|ab)\b").unwrap();
        for text in ["A lot of it", "ab a lot", "xab a-lot lot of", "", "a"] {
            assert_eq!(list.find_iter(text), regex.find_iter(text), "{text:?}");
        }
        assert!(Regex2::words(&["a.b"], true, true).is_none());
        assert!(Regex2::words(&["a+"], true, true).is_none());
        let words = ["thought leaders?", r"whet (?:the|your) appetite", r"U\.S\."];
        let expanded = Regex2::words(&words, true, true).unwrap();
        let regex = Regex2::new(&format!(r"(?i)(?m)\b(?:{})\b", words.join("|"))).unwrap();
        for text in [
            "Thought leader, thought leaders.",
            "whet your appetite; U.S. x",
        ] {
            assert_eq!(expanded.find_iter(text), regex.find_iter(text), "{text:?}");
        }
        let groups = list.captures_iter("so ab");
        assert_eq!(groups, vec![vec![Some(3..5), None, None, None, Some(3..5)]]);
    }
}
