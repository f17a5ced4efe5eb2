//! Compiling regular expressions the way prose needs them, fast.
//!
//! The `regex` crate's lazy DFA cannot evaluate a *Unicode* word boundary once the text holds
//! a non-ASCII byte (a curly quote is enough) and falls back to a much slower engine; Unicode
//! `\d` also compiles every script's digits. Prose rules need neither: their word lists are
//! English and their numbers are ASCII. So every pattern draftlint compiles, built-in or from a
//! rule file, reads `\b`, `\B` and `\d` as their ASCII forms, and `\p{Lu}` as upper case even
//! under `(?i)`. Everything else (`\w`, `\s`, case-insensitive matching, literal accented
//! letters) stays Unicode.

use regex::Regex;

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
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_boundaries(pattern))
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
