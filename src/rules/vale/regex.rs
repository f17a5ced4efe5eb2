//! Vale's regular-expression dialect.
//!
//! Vale compiles rules with regexp2, which has lookahead, lookbehind and backreferences; the
//! `regex` crate has none of them but runs in linear time. So a pattern is compiled with `regex`
//! whenever it can be (nearly every published rule), and only a pattern that needs the extra
//! syntax falls back to `fancy-regex`, with a backtrack limit so that no draft can make a rule
//! run away. Both read `\b` and `\d` as ASCII, as regexp2's RE2 mode does.

use std::ops::Range;

/// How many backtracking steps a lookaround pattern may take on one text before it gives up
/// (and reports no match there): generous for prose, fatal for catastrophic patterns.
const BACKTRACK_LIMIT: usize = 100_000;

/// A compiled Vale pattern.
#[derive(Clone, Debug)]
pub enum Regex2 {
    /// Linear-time engine, for every pattern it accepts.
    Fast(regex::Regex),
    /// Backtracking engine, for lookaround and backreferences only.
    Fancy(Box<fancy_regex::Regex>),
}

impl Regex2 {
    /// Compiles `pattern`, with the fast engine when it accepts it.
    pub fn new(pattern: &str) -> Result<Regex2, String> {
        match crate::pattern::compile(pattern) {
            Ok(re) => Ok(Regex2::Fast(re)),
            Err(fast_err) => {
                let build = |p: &str| {
                    fancy_regex::RegexBuilder::new(p)
                        .backtrack_limit(BACKTRACK_LIMIT)
                        .build()
                };
                build(&crate::pattern::ascii_boundaries(pattern))
                    .or_else(|_| build(pattern))
                    .map(|re| Regex2::Fancy(Box::new(re)))
                    .map_err(|_| fast_err.to_string())
            }
        }
    }

    pub fn is_fancy(&self) -> bool {
        matches!(self, Regex2::Fancy(_))
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Regex2::Fast(re) => re.is_match(text),
            Regex2::Fancy(re) => re.is_match(text).unwrap_or(false),
        }
    }

    /// Every non-overlapping match, as byte ranges of `text`.
    pub fn find_iter(&self, text: &str) -> Vec<Range<usize>> {
        match self {
            Regex2::Fast(re) => re.find_iter(text).map(|m| m.range()).collect(),
            // A match that hits the backtrack limit ends the search in this text.
            Regex2::Fancy(re) => re
                .find_iter(text)
                .map_while(Result::ok)
                .map(|m| m.range())
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
            Regex2::Fancy(re) => re
                .captures_iter(text)
                .map_while(Result::ok)
                .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookaround_falls_back_and_plain_stays_fast() {
        assert!(!Regex2::new(r"\bfoo\b").unwrap().is_fancy());
        let re = Regex2::new(r"(?<!:[^ ]+?):\s[A-Z]").unwrap();
        assert!(re.is_fancy());
        assert_eq!(re.find_iter("Note: This"), vec![4..7]);
        assert!(Regex2::new("(unclosed").is_err());
    }
}
