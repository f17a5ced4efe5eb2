//! Sections that span several blocks: FAQ sections and source lists.
//!
//! Found on the block sequence, after parsing, so Markdown, HTML and plain text share one
//! definition of "an FAQ" and "a list of sources".

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::pattern::Regex;

use super::{BlockKind, Document, FaqPair, FaqSection, SourceList};

static FAQ_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r"(?i)^(?:faqs?|frequently[- ]asked questions|questions (?:and|&) answers|q\s?&\s?a|common questions)\b[^.!?]*[:.]?$",
    )
    .expect("built-in pattern")
});

static QUESTION_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(r"(?i)^(?:q|question)\s*\d*\s*[:.)]\s").expect("built-in pattern")
});

static SOURCE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r"(?i)^(?:sources?|references?|further reading|(?:read|learn) more|related (?:links|reading|articles|stories|coverage)|links|bibliography|citations|external links|see also|notes and references|works cited|resources|more information|additional reading)\b",
    )
    .expect("built-in pattern")
});

/// A lead-in sentence whose object is links or sources: "Here are some links where you can read
/// more", "See the following sources:". The noun must follow the verb closely, so "Here are some
/// of the questions (these link to the FAQ)" is not one.
static SOURCE_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::builtin(
        r"(?i)\b(?:here are|below are|see|visit|check out|read)\s+(?:(?:some|a few|the|these|our|more|other|following|useful|helpful|related|further|additional|great)\s+){0,3}(?:links?|sources?|articles?|resources|reading|coverage|reports|references)\b",
    )
    .expect("built-in pattern")
});

/// Creates this module's patterns (built on their first search), so that
/// `tests/builtin_patterns.rs` can build every one of them.
pub(super) fn create_patterns() {
    LazyLock::force(&FAQ_OPENER);
    LazyLock::force(&QUESTION_PREFIX);
    LazyLock::force(&SOURCE_HEADING);
    LazyLock::force(&SOURCE_LEAD_IN);
}

pub(super) fn find_sections(doc: &mut Document<'_>) {
    doc.faqs = find_faqs(doc);
    doc.source_lists = find_source_lists(doc);
}

fn is_question(doc: &Document<'_>, i: usize) -> bool {
    let block = &doc.blocks[i];
    let text = block.text.trim();
    if QUESTION_PREFIX.is_match(text) {
        return true;
    }
    if !text.ends_with('?') {
        return false;
    }
    match block.kind {
        BlockKind::Heading(_) | BlockKind::Term => true,
        BlockKind::ListItem | BlockKind::Paragraph => block.strong_only || block.words.len() <= 30,
        _ => false,
    }
}

fn find_faqs(doc: &Document<'_>) -> Vec<FaqSection> {
    let mut sections = Vec::new();
    let blocks = &doc.blocks;
    let mut i = 0;
    while i < blocks.len() {
        let opener = &blocks[i];
        let is_opener = matches!(opener.kind, BlockKind::Heading(_) | BlockKind::Paragraph)
            && opener.words.len() <= 10
            && FAQ_OPENER.is_match(opener.text.trim());
        if !is_opener {
            i += 1;
            continue;
        }
        let level = match opener.kind {
            BlockKind::Heading(level) => Some(level),
            _ => None,
        };
        let mut pairs = Vec::new();
        let mut j = i + 1;
        while j < blocks.len() {
            if let (BlockKind::Heading(l), Some(level)) = (blocks[j].kind, level)
                && l <= level
            {
                break;
            }
            if !is_question(doc, j) {
                if level.is_none() || !pairs.is_empty() {
                    break;
                }
                // A heading-opened FAQ may have an introduction before its first question.
                j += 1;
                continue;
            }
            let question = j;
            let answer_start = j + 1;
            let mut k = answer_start;
            let first_list = blocks.get(k).and_then(|b| b.list).filter(|_| {
                blocks[question].list.map(|l| l.list) != blocks[k].list.map(|l| l.list)
            });
            while k < blocks.len() && !is_question(doc, k) {
                let b = &blocks[k];
                if b.kind.is_heading() {
                    break;
                }
                if let Some(list) = first_list
                    && b.list.map(|l| l.list) != Some(list.list)
                {
                    break;
                }
                k += 1;
            }
            if k > answer_start {
                pairs.push(FaqPair {
                    question,
                    answer: answer_start..k,
                });
            }
            j = k;
            if k < blocks.len() && !is_question(doc, k) {
                break;
            }
        }
        if !pairs.is_empty() {
            let end = pairs.last().map_or(i + 1, |p: &FaqPair| p.answer.end);
            sections.push(FaqSection {
                opener: i,
                pairs,
                blocks: i..end,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    sections
}

fn find_source_lists(doc: &Document<'_>) -> Vec<SourceList> {
    let blocks = &doc.blocks;
    // The first item of each list that a lead-in introduces: (its block, the lead-in, the list).
    let mut starts = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let Some(list) = block.list else { continue };
        if list.index != 0 || block.kind != BlockKind::ListItem {
            continue;
        }
        let lead = i
            .checked_sub(1)
            .filter(|&p| is_source_lead(&blocks[p].text, blocks[p].kind));
        if let Some(lead) = lead {
            starts.push((i, lead, list.list));
        }
    }
    if starts.is_empty() {
        return Vec::new();
    }
    // The items of those lists, gathered in one pass: scanning the rest of the document for each
    // list made a draft with many source lists quadratic.
    let mut items_of: HashMap<usize, Vec<usize>> = starts
        .iter()
        .map(|&(_, _, list)| (list, Vec::new()))
        .collect();
    for (k, b) in blocks.iter().enumerate() {
        if b.kind != BlockKind::ListItem {
            continue;
        }
        if let Some(items) = b.list.and_then(|l| items_of.get_mut(&l.list)) {
            items.push(k);
        }
    }
    starts
        .into_iter()
        .map(|(i, lead, list)| SourceList {
            lead: Some(lead),
            items: items_of[&list]
                .iter()
                .copied()
                .filter(|&k| k >= i)
                .collect(),
        })
        .collect()
}

fn is_source_lead(text: &str, kind: BlockKind) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    match kind {
        BlockKind::Heading(_) => {
            words <= 12 && (SOURCE_HEADING.is_match(text) || SOURCE_LEAD_IN.is_match(text))
        }
        BlockKind::Paragraph => {
            words <= 25
                && (text.ends_with(':') || !text.ends_with(['.', '!', '?']))
                && (SOURCE_HEADING.is_match(text) || SOURCE_LEAD_IN.is_match(text))
        }
        _ => false,
    }
}
