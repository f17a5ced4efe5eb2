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
//! Patterns are built with `regex-automata`'s meta engine directly rather than through the
//! `regex` crate, with the same limits but without the literal prefilter: extracting it from
//! a long case-insensitive alternation is about a quarter of the compile time of a rule set,
//! and prose patterns searched per block gain nothing from it (measured on the corpora: the
//! same matches, the same search time). [`Regex`] keeps the small part of `regex`'s API that
//! rules use.

use std::ops::Range;

use regex_automata::meta;
use regex_automata::util::captures::Captures as Slots;
use regex_automata::{Input, Span};

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

/// A pattern that does not parse or is too large to compile.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

/// The automata of a pattern, with the `regex` crate's default limits.
fn build(pattern: &str) -> Result<meta::Regex, Error> {
    let config = meta::Config::new()
        .nfa_size_limit(Some(10 * (1 << 20)))
        .hybrid_cache_capacity(2 * (1 << 20))
        .auto_prefilter(false);
    meta::Regex::builder()
        .configure(config)
        .build(pattern)
        .map_err(|e| {
            // The parser's own message points at the error in the pattern, as `regex` shows it.
            Error(match (e.syntax_error(), e.size_limit()) {
                (Some(syntax), _) => syntax.to_string(),
                (None, Some(limit)) => {
                    format!("Compiled regex exceeds size limit of {limit} bytes.")
                }
                (None, None) => e.to_string(),
            })
        })
}

/// A compiled pattern (cheap to clone: the automata are shared).
#[derive(Clone, Debug)]
pub struct Regex {
    meta: meta::Regex,
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
    /// crate's default limits.
    pub fn new(pattern: &str) -> Result<Regex, Error> {
        Ok(Regex {
            meta: build(pattern)?,
        })
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.meta.is_match(haystack)
    }

    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.meta
            .find(haystack)
            .map(|m| Match::new(haystack, m.span()))
    }

    /// The first match starting the search at byte `start` (look-behind sees the text before).
    pub fn find_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Match<'h>> {
        let input = Input::new(haystack).span(start..haystack.len());
        self.meta
            .find(input)
            .map(|m| Match::new(haystack, m.span()))
    }

    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> impl Iterator<Item = Match<'h>> + 'r
    where
        'h: 'r,
    {
        self.meta
            .find_iter(haystack)
            .map(move |m| Match::new(haystack, m.span()))
    }

    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        let mut slots = self.meta.create_captures();
        self.meta.captures(haystack, &mut slots);
        slots.is_match().then_some(Captures { haystack, slots })
    }

    pub fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h str,
    ) -> impl Iterator<Item = Captures<'h>> + 'r
    where
        'h: 'r,
    {
        self.meta
            .captures_iter(haystack)
            .map(move |slots| Captures { haystack, slots })
    }
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
