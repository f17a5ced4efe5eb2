use std::any::Any;
use std::ops::Range;

use crate::pattern::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{KindError, compile_alternation, documented_kind, phrase_pattern};
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::{Block, BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::vale::{self, Regex2, ValeScope, ValeTokens};
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

/// Where a phrase rule looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Within one sentence of a paragraph, list item, quote or table cell.
    #[default]
    Sentence,
    /// Anywhere in a paragraph, list item, quote or table cell.
    Paragraph,
    /// Headings only.
    Heading,
    /// List items only.
    ListItem,
    /// The visible text of links.
    LinkText,
    /// Link and image destinations and bare URLs.
    LinkDestination,
    /// Every prose block, headings included.
    Any,
}

/// What `--fix` does with a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAction {
    /// Delete the whole block (line, paragraph or list item) holding the match, when the
    /// match is all the block says.
    DeleteBlock,
    /// Delete the sentence holding the match.
    DeleteSentence,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseParams {
    /// Literal phrases: case-insensitive, white space flexible, whole words.
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    /// Regular expressions (Rust `regex` syntax), case-insensitive unless `case-sensitive`.
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    /// Regular expressions; a match overlapping one of these is not reported.
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    #[serde(default)]
    scope: Scope,
    #[serde(default, rename = "case-sensitive")]
    case_sensitive: bool,
    #[serde(default)]
    fix: Option<FixAction>,
    /// Vale `tokens`: regexes joined into one alternation, whole words unless `nonword`.
    #[serde(default)]
    tokens: Vec<String>,
    /// Vale `raw`: regex pieces concatenated before (or, with `append`, after) the tokens.
    #[serde(default)]
    raw: Vec<String>,
    #[serde(default)]
    append: bool,
    /// Vale `nonword`: no word boundaries around the tokens.
    #[serde(default)]
    nonword: bool,
    /// Vale `exceptions`: a match that contains one of these words is not reported.
    #[serde(default, rename = "excepted-words")]
    excepted_words: Vec<String>,
    /// Vale `scope` (`text`, `heading.h1`, `sentence`, `~blockquote`…); replaces `scope`.
    #[serde(default, rename = "vale-scope")]
    vale_scope: Vec<String>,
    /// Vale `action` (`remove`, `edit`): the fix of a Vale rule's findings.
    #[serde(skip)]
    vale_action: Option<std::sync::Arc<vale::Action>>,
}

impl PhraseParams {
    /// The parameters of a Vale `existence` rule.
    pub fn vale(rule: ValeTokens, raw: Vec<String>, append: bool) -> PhraseParams {
        PhraseParams {
            case_sensitive: !rule.ignorecase,
            tokens: rule.tokens,
            raw,
            append,
            nonword: rule.nonword,
            excepted_words: rule.exceptions,
            vale_scope: rule.scope,
            vale_action: rule.action,
            ..PhraseParams::default()
        }
    }
}

documented_kind! {
    /// ## What it does
    /// Finds words, phrases and regular expressions in prose. Phrases are matched
    /// case-insensitively, as whole words, with any white space between their words; patterns
    /// are regular expressions. Matches never fall inside code, URLs or front matter.
    ///
    /// Parameters (`[params]`): `phrases` (list), `patterns` (list of regexes), `exceptions`
    /// (regexes; a match overlapping one is dropped), `scope` (`sentence`, `paragraph`,
    /// `heading`, `list-item`, `link-text`, `link-destination`, `any`), `case-sensitive`
    /// (default false), `fix` (`delete-block` or `delete-sentence`, for residue that is safe to
    /// remove with `--fix`).
    ///
    /// Vale's `existence` rules load as phrase rules with Vale's own parameters: `tokens`
    /// (regexes, joined and wrapped in word boundaries unless `nonword = true`), `raw` (regex
    /// pieces put before the tokens, or after them with `append = true`), `excepted-words`
    /// (Vale `exceptions`: a match containing one of these words is dropped) and `vale-scope`
    /// (Vale's scope selectors; `sentence` reads each sentence on its own, `alt` images' alt
    /// text, `summary` the body text as one, `raw` the prose's source with its markup).
    /// Patterns that need lookaround run on a backtracking engine with a step limit. A Vale
    /// `action` (`remove`, `edit`) becomes a `--fix` where its result is whole in context.
    ///
    /// ## Why is this bad
    /// Most style problems of drafts are fixed strings: leftovers of templates, weasel words,
    /// placeholders. A list that a newsroom can edit beats code that only developers can.
    ///
    /// ## Example
    /// ```toml
    /// kind = "phrase"
    /// [params]
    /// phrases = ["reports indicate", "critics say"]
    /// patterns = ['\bTK\b']
    /// scope = "sentence"
    /// ```
    #[derive(Debug)]
    pub struct Phrase {
        matcher: PhraseMatcher,
        scope: Scope,
        fix: Option<FixAction>,
        vale_scope: Option<ValeScope>,
        vale_action: Option<std::sync::Arc<vale::Action>>,
    }
}

/// A compiled phrase list, shareable with other kinds (the unsourced-number rule reuses the
/// vague-attribution list rather than copying it).
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    regex: Regex2,
    exceptions: Option<Regex>,
    /// Vale `exceptions`: words that excuse a match containing them.
    excepted_words: Option<Regex2>,
}

impl PhraseMatcher {
    /// Matches in `text`, minus those overlapping an exception.
    pub fn find_iter(&self, text: &str) -> impl Iterator<Item = Range<usize>> + use<> {
        let matches: Vec<Range<usize>> = self
            .regex
            .find_iter(text)
            .into_iter()
            .filter(|m| !m.is_empty())
            .filter(|m| {
                self.excepted_words
                    .as_ref()
                    .is_none_or(|words| !words.is_match(text[m.clone()].trim()))
            })
            .collect();
        // Exceptions are looked for only around real matches: most blocks have none.
        let exceptions: Vec<Range<usize>> = match &self.exceptions {
            Some(ex) if !matches.is_empty() => ex.find_iter(text).map(|m| m.range()).collect(),
            _ => Vec::new(),
        };
        matches.into_iter().filter(move |m| {
            !exceptions
                .iter()
                .any(|e| e.start < m.end && m.start < e.end)
        })
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Phrase::from_params)
}

impl Phrase {
    /// Compiles a phrase rule's parameters, from a rule file or a Vale rule.
    pub fn from_params(params: PhraseParams) -> Result<Phrase, KindError> {
        let case_sensitive = params.case_sensitive;
        let mut parts: Vec<(String, Option<Span>)> = params
            .phrases
            .iter()
            .map(|p| (phrase_pattern(p.get_ref()), Some(Span::from(p.span()))))
            .collect();
        parts.extend(
            params
                .patterns
                .iter()
                .map(|p| (p.get_ref().clone(), Some(Span::from(p.span())))),
        );
        let regex = if params.tokens.is_empty() && params.raw.is_empty() {
            Regex2::Fast(compile_alternation(&parts, case_sensitive)?.ok_or_else(|| {
                KindError::new(
                    "a phrase rule needs `phrases`, `patterns` or `tokens`",
                    None,
                )
            })?)
        } else {
            if !parts.is_empty() {
                return Err(KindError::new(
                    "`tokens` and `raw` do not mix with `phrases` and `patterns`",
                    None,
                ));
            }
            let words: Vec<&str> = params
                .tokens
                .iter()
                .map(String::as_str)
                .filter(|t| !t.trim().is_empty())
                .collect();
            let plain = if params.raw.is_empty() {
                Regex2::words(&words, !case_sensitive, !params.nonword)
            } else {
                None
            };
            match plain {
                Some(list) => list,
                None => {
                    let pattern = vale::existence_pattern(
                        &params.tokens,
                        &params.raw,
                        params.append,
                        params.nonword,
                        !case_sensitive,
                    );
                    Regex2::new(&pattern)
                        .map_err(|e| KindError::new(format!("invalid pattern: {e}"), None))?
                }
            }
        };
        let exceptions: Vec<(String, Option<Span>)> = params
            .exceptions
            .iter()
            .map(|p| (p.get_ref().clone(), Some(Span::from(p.span()))))
            .collect();
        let vale_scope = if params.vale_scope.is_empty() {
            None
        } else {
            Some(
                ValeScope::parse(&params.vale_scope)
                    .map_err(|part| KindError::new(format!("unsupported scope `{part}`"), None))?,
            )
        };
        Ok(Phrase {
            matcher: PhraseMatcher {
                regex,
                exceptions: compile_alternation(&exceptions, case_sensitive)?,
                excepted_words: vale::excepted_words(&params.excepted_words)
                    .map_err(|e| KindError::new(format!("invalid exception: {e}"), None))?,
            },
            scope: params.scope,
            fix: params.fix,
            vale_scope,
            vale_action: params.vale_action,
        })
    }
}

impl Phrase {
    pub fn matcher(&self) -> &PhraseMatcher {
        &self.matcher
    }

    fn in_scope(&self, block: &Block) -> bool {
        match self.scope {
            Scope::Sentence | Scope::Paragraph => matches!(
                block.kind,
                BlockKind::Paragraph
                    | BlockKind::ListItem
                    | BlockKind::BlockQuote
                    | BlockKind::TableCell
                    | BlockKind::Term
            ),
            Scope::Heading => block.kind.is_heading(),
            Scope::ListItem => block.kind == BlockKind::ListItem,
            Scope::Any => block.kind.is_prose(),
            Scope::LinkText | Scope::LinkDestination => false,
        }
    }

    fn fix_for(&self, doc: &Document<'_>, block: &Block, range: &Range<usize>) -> Option<Fix> {
        if let Some(action) = &self.vale_action {
            return action.fix(doc, block, range);
        }
        let span = match self.fix? {
            FixAction::DeleteBlock => {
                // Only a block that is nothing but the match goes; text around it is someone's.
                let rest = |t: &str| {
                    t.trim()
                        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
                        .to_string()
                };
                if rest(&block.text) != rest(&block.text[range.clone()]) {
                    return None;
                }
                whole_lines(doc.source, block.span)
            }
            FixAction::DeleteSentence => {
                let sentence = &block.sentences[block.sentence_at(range.start)?];
                let mut span = sentence.span;
                // Take the space after the sentence too, so no double space is left behind.
                let rest = &doc.source[span.end..];
                span.end += rest.len() - rest.trim_start_matches([' ', '\t']).len();
                span
            }
        };
        Some(Fix {
            span,
            replacement: String::new(),
        })
    }
}

/// A block's span widened to whole lines with their line break, when nothing else shares
/// those lines; otherwise the block itself.
pub(crate) fn whole_lines(source: &str, span: Span) -> Span {
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..span.start];
    let after_end = source[span.end..]
        .find('\n')
        .map_or(source.len(), |i| span.end + i + 1);
    let after = &source[span.end..after_end];
    let blank = |s: &str| {
        s.chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '*' | '+' | '#' | '>' | '•'))
    };
    if blank(before) && after.trim().is_empty() {
        Span::new(line_start, after_end)
    } else {
        span
    }
}

impl Check for Phrase {
    fn set_members(&self) -> Vec<crate::pattern::Member> {
        self.matcher.regex.set_members()
    }

    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        if let Some(scope) = &self.vale_scope {
            for (block, unit) in &scope.units(doc) {
                for m in self.matcher.find_iter(&block.text[unit.clone()]) {
                    let range = unit.start + m.start..unit.start + m.end;
                    if block.is_excluded(&range) {
                        continue;
                    }
                    let span = block.source_span(range.clone());
                    let fix = self.fix_for(doc, block, &range);
                    out.push(
                        rule.diagnostic(span, &[("match", &block.text[range])])
                            .with_fix(fix),
                    );
                }
            }
            return;
        }
        match self.scope {
            Scope::LinkText => {
                for link in &doc.links {
                    let block = &doc.blocks[link.block.min(doc.blocks.len().saturating_sub(1))];
                    for m in self.matcher.find_iter(&link.text) {
                        let range = link.text_range.start + m.start..link.text_range.start + m.end;
                        let span = block.source_span(range);
                        out.push(rule.diagnostic(span, &[("match", &link.text[m])]));
                    }
                }
            }
            Scope::LinkDestination => {
                for link in &doc.links {
                    let (Some(dest), Some(span)) = (&link.dest, link.dest_span) else {
                        continue;
                    };
                    if let Some(m) = self.matcher.find_iter(dest).next() {
                        out.push(rule.diagnostic(span, &[("match", &dest[m])]));
                    }
                }
                for (_, block) in doc.prose() {
                    for ex in &block.excluded {
                        let url = &block.text[ex.clone()];
                        if let Some(m) = self.matcher.find_iter(url).next() {
                            let span = block.source_span(ex.clone());
                            out.push(rule.diagnostic(span, &[("match", &url[m])]));
                        }
                    }
                }
            }
            _ => {
                for (_, block) in doc.prose().filter(|(_, b)| self.in_scope(b)) {
                    for range in self.matcher.find_iter(&block.text) {
                        if block.is_excluded(&range) {
                            continue;
                        }
                        if self.scope == Scope::Sentence && !within_one_sentence(block, &range) {
                            continue;
                        }
                        let span = block.source_span(range.clone());
                        let diag = rule
                            .diagnostic(span, &[("match", &block.text[range.clone()])])
                            .with_fix(self.fix_for(doc, block, &range));
                        out.push(diag);
                    }
                }
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn within_one_sentence(block: &Block, range: &Range<usize>) -> bool {
    block
        .sentences
        .iter()
        .any(|s| s.text.start <= range.start && range.end <= s.text.end)
}
