//! Vale's `action` as a draftlint fix.
//!
//! Vale attaches an action to a rule so that an editor can offer a change: `replace` (the
//! substitution's preferred form, which the substitution kind fixes itself), `remove`, `edit`
//! (`regex`, `trim_right`, `trim_left`, `trim`, `truncate`, `split`), `convert` and
//! `suggest`. Vale computes the change from the matched text alone and trims white space off
//! the result, which goes wrong once the text around the match counts: removing "But" leaves
//! a sentence starting in lower case, trimming `!` off "great! " joins two sentences, the cut
//! set `ly` also eats the "l" of "lastly", splitting "kind of unique" at spaces and keeping
//! part 1 keeps "of". draftlint computes the same change and offers it to `--fix` only when
//! the result is well defined in its context, and never inside quoted speech (a style does
//! not rewrite what someone said); otherwise the finding has no fix, because a wrong fix
//! applied by `--fix` is worse than none.

use std::ops::Range;

use super::Regex2;
use crate::diagnostic::Fix;
use crate::document::{Block, Document};

/// A Vale action that can become a fix.
#[derive(Debug)]
pub enum Action {
    /// `remove`: delete the match (and the space it leaves doubled).
    Remove,
    /// `edit` + `regex`: replace every match of a pattern inside the match.
    Regex {
        regex: Regex2,
        replacement: Vec<Piece>,
    },
    /// `edit` + `trim_left`/`trim_right`/`trim`: strip characters of a cut set.
    Trim {
        cutset: String,
        left: bool,
        right: bool,
    },
    /// `edit` + `truncate`: keep what comes before the first separator.
    Truncate { separator: String },
    /// `edit` + `split`: keep one part of the match split at a separator.
    Split { separator: String, index: usize },
}

/// A piece of a `regex` edit's replacement: text, or a numbered group (`$1`, `${1}`).
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Group(usize),
}

impl Action {
    /// The action of a rule file. `None` for actions that never become a fix: `replace`
    /// (the substitution kind's), `convert` (Vale's `simple` lower-cases the match and splits
    /// it at hyphens, which both a sentence's first word and Microsoft's own "autocomplete"
    /// contradict), `suggest`, and any action whose parameters Vale itself would reject.
    pub fn parse(name: &str, params: &[String]) -> Option<Action> {
        let param = |i: usize| params.get(i).cloned();
        match (name, params.first().map(String::as_str), params.len()) {
            ("remove", _, _) => Some(Action::Remove),
            ("edit", Some("regex"), 3) => Some(Action::Regex {
                regex: Regex2::new(&params[1]).ok()?,
                replacement: template(&params[2])?,
            }),
            ("edit", Some(side @ ("trim" | "trim_left" | "trim_right")), 2) => Some(Action::Trim {
                cutset: param(1).filter(|c| !c.is_empty())?,
                left: side != "trim_right",
                right: side != "trim_left",
            }),
            ("edit", Some("truncate"), 2) => Some(Action::Truncate {
                separator: param(1).filter(|s| !s.is_empty())?,
            }),
            ("edit", Some("split"), 3) => Some(Action::Split {
                separator: param(1).filter(|s| !s.is_empty())?,
                index: params[2].trim().parse().ok()?,
            }),
            _ => None,
        }
    }

    /// The fix for a match (`range` of `block`'s text), when it is safe.
    pub fn fix(&self, doc: &Document<'_>, block: &Block, range: &Range<usize>) -> Option<Fix> {
        let found = block.text.get(range.clone()).filter(|f| !f.is_empty())?;
        match self {
            Action::Remove => {
                let (changed, replacement) = remove(block, range)?;
                exact_fix(doc, block, changed, replacement)
            }
            _ => {
                let edited = self.edit(block, range)?;
                let result = edited.trim();
                if result.is_empty() || result == found || !fits(block, range, &edited) {
                    return None;
                }
                replacement_fix(doc, block, range, result)
            }
        }
    }

    /// The edited match, before Vale's final trim of white space; `None` when the edit is not
    /// well defined for this match.
    fn edit(&self, block: &Block, range: &Range<usize>) -> Option<String> {
        let found = &block.text[range.clone()];
        match self {
            Action::Remove => Some(String::new()),
            Action::Regex { regex, replacement } => replace_all(regex, replacement, block, range),
            Action::Trim {
                cutset,
                left,
                right,
            } => {
                let set = |c: char| cutset.contains(c);
                let mut kept = found;
                if *left {
                    kept = kept.trim_start_matches(set);
                }
                if *right {
                    kept = kept.trim_end_matches(set);
                }
                // A cut set holding letters or digits is meant as a literal affix ("ly",
                // "(s)"): it may not take more than that.
                if cutset.chars().any(char::is_alphanumeric) {
                    let start = kept.as_ptr() as usize - found.as_ptr() as usize;
                    let (head, tail) = (&found[..start], &found[start + kept.len()..]);
                    let affix = |cut: &str| cut.is_empty() || cut == cutset;
                    if !affix(head) || !affix(tail) {
                        return None;
                    }
                }
                Some(kept.to_string())
            }
            Action::Truncate { separator } => {
                found.split(separator.as_str()).next().map(str::to_string)
            }
            Action::Split { separator, index } => {
                let parts: Vec<&str> = found.split(separator.as_str()).collect();
                // The first part, or one of exactly two: a middle part is rarely the whole
                // ("kind of unique" split at spaces is not "of").
                (*index < parts.len() && (*index == 0 || parts.len() == 2))
                    .then(|| parts[*index].to_string())
            }
        }
    }
}

/// Whether replacing the match with `edited` (then trimmed) keeps the text around it whole:
/// no word glued to its neighbour, no space between sentences lost, no sentence end removed
/// outside a heading.
fn fits(block: &Block, range: &Range<usize>, edited: &str) -> bool {
    let text = &block.text;
    let found = &text[range.clone()];
    let result = edited.trim();
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    // Vale's trim may only take white space the edit itself left at an end, or white space
    // that the text beside the match repeats.
    let trimmed_start = edited.len() > edited.trim_start().len();
    let trimmed_end = edited.len() > edited.trim_end().len();
    let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
    if trimmed_start && found.starts_with(char::is_whitespace) && !spaced(before) {
        return false;
    }
    if trimmed_end && found.ends_with(char::is_whitespace) && !spaced(after) {
        return false;
    }
    let glued = |outside: Option<char>, old: Option<char>, new: Option<char>| {
        outside.is_some_and(is_word) && new.is_some_and(is_word) && !old.is_some_and(is_word)
    };
    if glued(before, found.chars().next(), result.chars().next())
        || glued(after, found.chars().next_back(), result.chars().next_back())
    {
        return false;
    }
    let ends = |s: &str| s.chars().filter(|c| matches!(c, '.' | '!' | '?')).count();
    block.kind.is_heading() || ends(result) >= ends(found)
}

/// Go's `ReplaceAllString` with numbered groups, refusing a replacement that glues a word to
/// the text beside it ("AM-2" with `-` → `to` is not "AMto2").
fn replace_all(
    regex: &Regex2,
    replacement: &[Piece],
    block: &Block,
    range: &Range<usize>,
) -> Option<String> {
    let found = &block.text[range.clone()];
    let mut out = String::with_capacity(found.len());
    let mut at = 0;
    for groups in regex.captures_iter(found) {
        let whole = groups.first().cloned().flatten()?;
        let mut new = String::new();
        for piece in replacement {
            match piece {
                Piece::Text(text) => new.push_str(text),
                Piece::Group(i) => {
                    if let Some(Some(group)) = groups.get(*i) {
                        new.push_str(&found[group.clone()]);
                    }
                }
            }
        }
        let old = &found[whole.clone()];
        let left = block.text[..range.start + whole.start].chars().next_back();
        let right = block.text[range.start + whole.end..].chars().next();
        let glued = |outside: Option<char>, old: Option<char>, new: Option<char>| {
            outside.is_some_and(is_word) && new.is_some_and(is_word) && !old.is_some_and(is_word)
        };
        if glued(left, old.chars().next(), new.chars().next())
            || glued(right, old.chars().next_back(), new.chars().next_back())
        {
            return None;
        }
        out.push_str(&found[at..whole.start]);
        out.push_str(&new);
        at = whole.end;
    }
    out.push_str(&found[at..]);
    Some(out)
}

/// A replacement template: `$1`, `${1}` and `$$`. Go reads `$1x` as the group named `1x`
/// and `$name` as a named group; such templates give no fix.
fn template(replacement: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = replacement;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            text.push('$');
            rest = after;
            continue;
        }
        let (name, after) = match rest.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}')?;
                (&braced[..end], &braced[end + 1..])
            }
            None => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        let group: usize = name.parse().ok()?;
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(Piece::Group(group));
        rest = after;
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Some(pieces)
}

/// Replacing the match (`range` of `block`'s text) with `replacement` as a fix: a sentence's
/// capital stays ("They are" → "They're", not "they're"), the source must hold the match as
/// it is seen, and quoted speech is never rewritten. For Vale's `replace` too.
pub fn replacement_fix(
    doc: &Document<'_>,
    block: &Block,
    range: &Range<usize>,
    replacement: &str,
) -> Option<Fix> {
    let found = &block.text[range.clone()];
    let mut replacement = replacement.to_string();
    // A word in capitals ("NPM") is a name, not a capitalised sentence start.
    let first_word = found.split_whitespace().next().unwrap_or("");
    if starts_sentence(block, range)
        && found.starts_with(char::is_uppercase)
        && first_word.chars().skip(1).any(char::is_lowercase)
        && let Some(first) = replacement.chars().next()
        && first.is_lowercase()
    {
        replacement = first
            .to_uppercase()
            .chain(replacement.chars().skip(1))
            .collect();
    }
    if replacement == found {
        return None;
    }
    exact_fix(doc, block, range.clone(), replacement)
}

/// A fix of `changed` (a range of `block`'s text) when the source holds that text as it is
/// seen (no markup, escape or entity inside) and it is not quoted speech: a style never
/// rewrites what someone said.
fn exact_fix(
    doc: &Document<'_>,
    block: &Block,
    changed: Range<usize>,
    replacement: String,
) -> Option<Fix> {
    let span = block.source_span(changed.clone());
    if doc.source.get(span.range())? != &block.text[changed] {
        return None;
    }
    let quoted = doc
        .quotations
        .iter()
        .any(|q| q.span.start < span.end && span.start < q.span.end);
    (!quoted).then_some(Fix { span, replacement })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the match is the first thing of its sentence (or of its block).
fn starts_sentence(block: &Block, range: &Range<usize>) -> bool {
    block.text[..range.start].trim().is_empty()
        || block.sentences.iter().any(|s| s.text.start == range.start)
}

/// `remove`: the match (whole words only) and the space that would be left doubled; at the
/// start of a sentence the next word takes the capital. `None` where removing leaves stray
/// punctuation or an empty sentence, or changes an amount.
fn remove(block: &Block, range: &Range<usize>) -> Option<(Range<usize>, String)> {
    let text = &block.text;
    let found = &text[range.clone()];
    if !found.starts_with(is_word) || !found.ends_with(is_word) {
        return None;
    }
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    if before.is_some_and(is_word) || after.is_some_and(is_word) {
        return None;
    }
    // A word right before an article or a number bears on the amount or identity of what
    // follows ("quite a few", "nearly the same", "roughly 35,000"): without it the sentence
    // claims something else.
    let next_word = text[range.end..].split_whitespace().next().unwrap_or("");
    if ["a", "an", "the"]
        .iter()
        .any(|article| next_word.eq_ignore_ascii_case(article))
        || next_word.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let at_start = starts_sentence(block, range);
    let space_before = before.filter(|c| c.is_whitespace());
    // The text before the space must end a word: "left, quietly, and" keeps its words.
    let word_before = || {
        let start = range.start - space_before.map_or(0, char::len_utf8);
        text[..start].chars().next_back().is_some_and(is_word)
    };
    match after {
        Some(a) if a.is_whitespace() && before.is_none_or(char::is_whitespace) => {
            let mut removed = range.start..range.end + a.len_utf8();
            let mut replacement = String::new();
            if at_start
                && let Some(next) = text[removed.end..].chars().next()
                && next.is_lowercase()
            {
                removed.end += next.len_utf8();
                replacement = next.to_uppercase().collect();
            }
            Some((removed, replacement))
        }
        Some(a)
            if matches!(a, '.' | '!' | '?' | ',' | ';' | ':')
                && space_before.is_some()
                && !at_start
                && word_before() =>
        {
            Some((
                range.start - space_before?.len_utf8()..range.end,
                String::new(),
            ))
        }
        None if space_before.is_some() && !at_start && word_before() => Some((
            range.start - space_before?.len_utf8()..range.end,
            String::new(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Format;

    /// The text after applying the fix of the first match of `pattern`, or `None`.
    fn fixed(action: &Action, source: &str, pattern: &str) -> Option<String> {
        let doc = Document::parse(source, Format::Text);
        let block = &doc.blocks[0];
        let at = block.text.find(pattern).expect("pattern in text");
        let fix = action.fix(&doc, block, &(at..at + pattern.len()))?;
        let mut out = source.to_string();
        out.replace_range(fix.span.range(), &fix.replacement);
        Some(out)
    }

    fn action(name: &str, params: &[&str]) -> Action {
        let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        Action::parse(name, &params).expect("an action with a fix")
    }

    /// Each case: the action, a draft, the match in it, and the fixed draft (`None`: no fix).
    fn assert_fixes(cases: &[(&[&str], &str, &str, Option<&str>)]) {
        for &(spec, source, found, expected) in cases {
            let action = action(spec[0], &spec[1..]);
            assert_eq!(
                fixed(&action, source, found).as_deref(),
                expected,
                "{spec:?} on {source:?}"
            );
        }
    }

    #[test]
    fn remove_takes_one_space_and_gives_the_capital_on() {
        let remove: &[&str] = &["remove"];
        assert_fixes(&[
            (
                remove,
                "It was accidentally broken.",
                "accidentally",
                Some("It was broken."),
            ),
            (remove, "But we ran.", "But", Some("We ran.")),
            // Before an article the word may bear on what follows: left alone everywhere.
            (remove, "But the dog ran.", "But", None),
            (remove, "Yes. But dogs ran.", "But", Some("Yes. Dogs ran.")),
            (
                remove,
                "It broke accidentally.",
                "accidentally",
                Some("It broke."),
            ),
            (
                remove,
                "It broke accidentally",
                "accidentally",
                Some("It broke"),
            ),
            // Stray punctuation, an emptied sentence, a cut word, punctuation: no fix.
            (remove, "He left, quietly, and", "quietly", None),
            (
                remove,
                "Unclear. More research is needed.",
                "More research is needed",
                None,
            ),
            (remove, "Wait... what", "...", None),
            (remove, "(quietly) done", "quietly", None),
            (remove, "done.  The end", "e.  T", None),
            (
                remove,
                "She said \"it was actually fine\" then.",
                "actually",
                None,
            ),
            (remove, "We had quite a few.", "quite", None),
            (remove, "It spanned roughly 35,000 feet.", "roughly", None),
            (remove, "It is nearly the same.", "nearly", None),
        ]);
    }

    #[test]
    fn edits_are_vales_where_the_result_is_whole() {
        let split0: &[&str] = &["edit", "split", " ", "0"];
        let split1: &[&str] = &["edit", "split", " ", "1"];
        let trim_right: &[&str] = &["edit", "trim_right", "(s)"];
        let trim_ly: &[&str] = &["edit", "trim", "ly"];
        let bang: &[&str] = &["edit", "trim_right", "!"];
        let to: &[&str] = &["edit", "regex", "[-–]", "to"];
        assert_fixes(&[
            (
                split0,
                "An ATM machine here.",
                "ATM machine",
                Some("An ATM here."),
            ),
            (
                split1,
                "A very unique day.",
                "very unique",
                Some("A unique day."),
            ),
            (
                split1,
                "Very unique days.",
                "Very unique",
                Some("Unique days."),
            ),
            (split1, "A kind of unique day.", "kind of unique", None),
            (
                &["edit", "truncate", " "],
                "It is the the end.",
                "the the",
                Some("It is the end."),
            ),
            (
                trim_right,
                "Open the file(s) now.",
                "file(s)",
                Some("Open the file now."),
            ),
            (trim_right, "Open the class(s) now.", "class(s)", None),
            (
                trim_ly,
                "And firstly, go.",
                "firstly",
                Some("And first, go."),
            ),
            (trim_ly, "And lastly, go.", "lastly", None),
            (
                &["edit", "trim", " "],
                "A word — a dash.",
                " — ",
                Some("A word—a dash."),
            ),
            // Trimming `!` would join two sentences or leave one without an end.
            (bang, "So great! Next one.", "great! ", None),
            (bang, "So great!", "great!", None),
            (
                &["edit", "regex", "-", " "],
                "A highly-rated film.",
                "highly-rated",
                Some("A highly rated film."),
            ),
            (
                to,
                "From 9 AM - 5 PM daily.",
                "AM - 5 PM",
                Some("From 9 AM to 5 PM daily."),
            ),
            (to, "From 9 AM-5 PM daily.", "AM-5 PM", None),
            (
                &["edit", "regex", r"(\w+)-(\w+)", "$2 ${1}$$"],
                "Say ab-cd now.",
                "ab-cd",
                Some("Say cd ab$ now."),
            ),
        ]);
    }

    #[test]
    fn replacements_keep_a_sentences_capital_and_leave_quotes_alone() {
        let replaced = |source: &str, found: &str, replacement: &str| {
            let doc = Document::parse(source, Format::Text);
            let block = &doc.blocks[0];
            let at = block.text.find(found).expect("found in text");
            let fix = replacement_fix(&doc, block, &(at..at + found.len()), replacement)?;
            let mut out = source.to_string();
            out.replace_range(fix.span.range(), &fix.replacement);
            Some(out)
        };
        assert_eq!(
            replaced("Yes. They are here.", "They are", "they're").as_deref(),
            Some("Yes. They're here.")
        );
        assert_eq!(
            replaced("So they are here.", "they are", "they're").as_deref(),
            Some("So they're here.")
        );
        assert_eq!(
            replaced("NPM is a tool.", "NPM", "npm").as_deref(),
            Some("npm is a tool.")
        );
        assert_eq!(
            replaced("He said \"they are here\" today.", "they are", "they're"),
            None
        );
        // "Internet" → "internet" at a sentence start is no change at all.
        assert_eq!(replaced("Internet use grew.", "Internet", "internet"), None);
    }

    #[test]
    fn actions_without_a_safe_fix_are_none() {
        let none = |name: &str, params: &[&str]| {
            let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
            Action::parse(name, &params).is_none()
        };
        assert!(none("replace", &[]));
        assert!(none("convert", &["simple"]));
        assert!(none("suggest", &["spellings"]));
        assert!(none("edit", &["split", " "]));
        assert!(none("edit", &["regex", "(", "x"]));
        assert!(none("edit", &["regex", "a", "$name"]));
        assert!(none("edit", &["regex", "a", "$1x"]));
        assert!(none("edit", &["unknown", "x"]));
    }
}
