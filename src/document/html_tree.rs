//! An element tree over html5gum's tokens, with byte spans, that CSS selectors match against.
//!
//! The prose parser streams tokens and never needs a tree, but choosing a page's article (its
//! `<main>`, its largest `<article>`, what a team's `content = [".post-body"]` selects) does.
//! A full HTML5 tree builder (html5ever) would give a conforming DOM but no byte positions,
//! and positions are what every finding is made of; so the tree is built here from the same
//! tokens the prose parser reads, with the few implied-end-tag rules that real pages rely on
//! (`<p>` closed by a block, `<li>` by the next `<li>`, void elements, stray end tags).
//! Matching is the `selectors` crate (Servo's), through its [`Element`] trait.

use std::collections::HashMap;
use std::fmt;

use cssparser::ToCss;
use precomputed_hash::PrecomputedHash;
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::matching::{
    ElementSelectorFlags, MatchingContext, MatchingForInvalidation, MatchingMode,
    NeedsSelectorFlags, QuirksMode, SelectorCaches,
};
use selectors::parser::{ParseRelative, SelectorList, SelectorParseErrorKind};
use selectors::{Element, OpaqueElement};
use thiserror::Error;

use super::html_tokens::{Attr, Token, Tokens, class};

/// Elements that never have content or an end tag.
pub(super) const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose start tag closes an open `<p>` (HTML's "close a p element" list).
pub(super) const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Containers that keep an item (`<li>`, `<dt>`) from closing one outside them.
pub(super) const LIST_SCOPE: &[&str] = &[
    "ul",
    "ol",
    "dl",
    "menu",
    "table",
    "div",
    "section",
    "article",
    "aside",
    "nav",
    "main",
    "header",
    "footer",
    "blockquote",
    "body",
];

/// Elements whose text is not text a reader sees.
pub(super) const RAW_TEXT: &[&str] = &["script", "style", "template", "noscript", "textarea"];

pub struct Node<'t> {
    /// Tag name (the tokenizer writes it in lower case).
    pub name: &'t str,
    /// The tag name's interned id and [`class`] bits.
    pub tag_id: usize,
    pub class: u16,
    attrs: &'t [Attr],
    tokens: &'t Tokens,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Position among the parent's children.
    pub sibling_index: usize,
    /// Byte offset of the start tag.
    pub start: usize,
    /// Byte offset after the end tag (or where the element was implicitly closed).
    pub end: usize,
    /// Index of the start-tag token, and of the first token after the element.
    pub first_token: usize,
    pub end_token: usize,
    /// Visible characters (not white space, not script) inside the element.
    pub text_len: usize,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("element", &self.describe())
            .field("start", &self.start)
            .field("end", &self.end)
            .finish()
    }
}

impl<'t> Node<'t> {
    /// An attribute's decoded value (attribute names are lower case).
    pub fn attr(&self, key: &str) -> Option<&'t str> {
        self.tokens.attr(self.attrs, key)
    }

    /// The attributes, as (name, value).
    pub fn attributes(&self) -> impl Iterator<Item = (&'t str, &'t str)> + '_ {
        let tokens = self.tokens;
        self.attrs
            .iter()
            .map(move |a| (tokens.str(a.name), tokens.str(a.value)))
    }

    pub fn is(&self, class: u16) -> bool {
        self.class & class != 0
    }

    pub fn has_attributes(&self) -> bool {
        !self.attrs.is_empty()
    }

    /// `tag#id.class.class`, as people write it in a selector.
    pub fn describe(&self) -> String {
        let mut out = self.name.to_string();
        if let Some(id) = self.attr("id").filter(|i| !i.trim().is_empty()) {
            out.push('#');
            out.push_str(id.trim());
        }
        for class in self.attr("class").unwrap_or("").split_whitespace().take(3) {
            out.push('.');
            out.push_str(class);
        }
        for key in ["role", "itemprop"] {
            if let Some(v) = self.attr(key) {
                out.push_str(&format!("[{key}={v}]"));
            }
        }
        out
    }
}

/// The stack of open elements, with how many of each name are open: looking for an open
/// `<li>` or for the element an end tag closes costs nothing when there is none, so deeply
/// nested pages stay linear.
#[derive(Default)]
struct OpenElements {
    stack: Vec<usize>,
    /// The text counter when each open element started.
    text_at_start: Vec<usize>,
    /// Open elements per interned tag name.
    count: Vec<usize>,
}

impl OpenElements {
    fn push(&mut self, tree: &Tree<'_>, node: usize, text_count: usize) {
        self.stack.push(node);
        self.text_at_start.push(text_count);
        self.count[tree.nodes[node].tag_id] += 1;
    }

    /// Closes the innermost open element at byte `at`, before token `token`.
    fn pop(&mut self, tree: &mut Tree<'_>, at: usize, token: usize, text_count: usize) {
        let (Some(i), Some(text_start)) = (self.stack.pop(), self.text_at_start.pop()) else {
            return;
        };
        let node = &mut tree.nodes[i];
        node.end = at.max(node.start);
        node.end_token = token;
        node.text_len = text_count - text_start;
        let n = &mut self.count[node.tag_id];
        *n = n.saturating_sub(1);
    }

    fn top_name<'a>(&self, tree: &'a Tree<'_>) -> Option<&'a str> {
        self.stack.last().map(|&i| tree.nodes[i].name)
    }

    /// Stack position of the innermost open element with one of the tag ids.
    fn deepest(&self, tree: &Tree<'_>, ids: &[usize]) -> Option<usize> {
        if !ids.iter().any(|&id| self.count[id] > 0) {
            return None;
        }
        self.stack
            .iter()
            .rposition(|&i| ids.contains(&tree.nodes[i].tag_id))
    }
}

/// The elements of a page, in document order (an element's index is its position).
#[derive(Debug, Default)]
pub struct Tree<'t> {
    pub nodes: Vec<Node<'t>>,
    /// For every token, the innermost element open at it (for a start or end tag, that
    /// element itself); `None` outside every element.
    pub owner: Vec<Option<usize>>,
    /// The page has `<html>`, `<head>` or `<body>`: a whole page, not a fragment.
    pub is_page: bool,
    ids: Option<HashMap<&'t str, usize>>,
}

/// Ids of those of `names` the page has.
fn tag_ids(tokens: &Tokens, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .filter_map(|n| tokens.tag(n))
        .map(|t| t.id)
        .collect()
}

impl<'t> Tree<'t> {
    pub fn build(tokens: &'t Tokens, source_len: usize) -> Tree<'t> {
        let mut tree = Tree {
            owner: Vec::with_capacity(tokens.list.len()),
            ..Tree::default()
        };
        let mut open = OpenElements {
            count: vec![0; tokens.tag_count()],
            ..OpenElements::default()
        };
        // An item closes the open item of its kind (and what is open inside it) unless a
        // container lies between: `<li>One<a>x<li>Two`.
        let items =
            |names: &[&str], stops: &'static [&'static str]| (tag_ids(tokens, names), stops);
        let li = items(&["li"], LIST_SCOPE);
        let dt = items(&["dt", "dd"], LIST_SCOPE);
        let tr = items(&["tr"], &["table", "tbody", "thead", "tfoot"]);
        let td = items(&["td", "th"], &["tr", "table"]);
        let option = items(&["option"], &["select", "datalist"]);
        let a = items(&["a"], &[]);
        let mut text_count = 0usize;
        for (t, token) in tokens.list.iter().enumerate() {
            match *token {
                Token::Start {
                    tag,
                    attrs,
                    at,
                    self_closing,
                } => {
                    let name = tokens.str(tag.name);
                    if matches!(name, "html" | "head" | "body") {
                        tree.is_page = true;
                    }
                    let start = at.start.min(source_len);
                    // Implied end tags.
                    if tag.is(class::CLOSES_P) && open.top_name(&tree) == Some("p") {
                        open.pop(&mut tree, start, t, text_count);
                    }
                    let item = match name {
                        "li" => Some(&li),
                        "dt" | "dd" => Some(&dt),
                        "tr" => Some(&tr),
                        "td" | "th" => Some(&td),
                        "option" => Some(&option),
                        "a" => Some(&a),
                        _ => None,
                    };
                    if let Some((ids, stops)) = item
                        && let Some(depth) = open.deepest(&tree, ids)
                        && !open.stack[depth + 1..]
                            .iter()
                            .any(|&i| stops.contains(&tree.nodes[i].name))
                    {
                        while open.stack.len() > depth {
                            open.pop(&mut tree, start, t, text_count);
                        }
                    }
                    let index = tree.nodes.len();
                    let parent = open.stack.last().copied();
                    let sibling_index = parent.map_or(0, |p| tree.nodes[p].children.len());
                    let void = self_closing || tag.is(class::VOID);
                    tree.nodes.push(Node {
                        name,
                        tag_id: tag.id,
                        class: tag.class,
                        attrs: tokens.attrs(attrs),
                        tokens,
                        parent,
                        children: Vec::new(),
                        sibling_index,
                        start,
                        end: at.end.min(source_len),
                        first_token: t,
                        end_token: t + 1,
                        text_len: 0,
                    });
                    if let Some(p) = parent {
                        tree.nodes[p].children.push(index);
                    }
                    tree.owner.push(Some(index));
                    if !void {
                        open.push(&tree, index, text_count);
                    }
                }
                Token::End { tag, at } => {
                    let end = at.end.min(source_len);
                    // A stray end tag (no such element open) is ignored, as browsers do.
                    match open.deepest(&tree, &[tag.id]) {
                        Some(depth) => {
                            tree.owner.push(Some(open.stack[depth]));
                            while open.stack.len() > depth {
                                open.pop(&mut tree, end, t + 1, text_count);
                            }
                        }
                        None => tree.owner.push(open.stack.last().copied()),
                    }
                }
                Token::Text { value, .. } => {
                    let owner = open.stack.last().copied();
                    tree.owner.push(owner);
                    let raw = owner.is_some_and(|i| tree.nodes[i].is(class::RAW_TEXT));
                    if !raw {
                        // Bytes, not characters: only proportions matter.
                        text_count += tokens
                            .str(value)
                            .bytes()
                            .filter(|b| !b.is_ascii_whitespace())
                            .count();
                    }
                }
                _ => tree.owner.push(open.stack.last().copied()),
            }
        }
        while !open.stack.is_empty() {
            open.pop(&mut tree, source_len, tokens.list.len(), text_count);
        }
        tree
    }

    pub fn ancestors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.nodes[node].parent, |&p| self.nodes[p].parent)
    }

    pub fn is_inside(&self, node: usize, ancestor: usize) -> bool {
        self.ancestors(node).any(|a| a == ancestor)
    }

    /// The element with an `id`, for `aria-labelledby`.
    pub fn by_id(&mut self, id: &str) -> Option<usize> {
        let nodes = &self.nodes;
        self.ids
            .get_or_insert_with(|| {
                let mut ids = HashMap::new();
                for (i, n) in nodes.iter().enumerate() {
                    if let Some(id) = n.attr("id") {
                        ids.entry(id).or_insert(i);
                    }
                }
                ids
            })
            .get(id)
            .copied()
    }

    /// For every element, whether it matches any of the selectors (one matching context,
    /// and so one set of caches, for the whole page).
    pub fn matching(&self, selectors: &Selectors) -> Vec<bool> {
        if selectors.is_empty() {
            return vec![false; self.nodes.len()];
        }
        let mut caches = SelectorCaches::default();
        let mut context = MatchingContext::new(
            MatchingMode::Normal,
            None,
            &mut caches,
            QuirksMode::NoQuirks,
            NeedsSelectorFlags::No,
            MatchingForInvalidation::No,
        );
        (0..self.nodes.len())
            .map(|index| {
                let element = NodeRef { tree: self, index };
                selectors.lists.iter().any(|(_, list)| {
                    selectors::matching::matches_selector_list(list, element, &mut context)
                })
            })
            .collect()
    }
}

/// A CSS selector that did not parse.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("invalid CSS selector `{selector}`")]
pub struct SelectorError {
    pub selector: String,
}

/// CSS selectors compiled once per run (`[html] content`, `exclude`, `--html-content`).
#[derive(Clone, Default)]
pub struct Selectors {
    lists: Vec<(String, SelectorList<Simple>)>,
}

impl fmt::Debug for Selectors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.lists.iter().map(|(s, _)| s))
            .finish()
    }
}

impl Selectors {
    pub fn parse<S: AsRef<str>>(selectors: &[S]) -> Result<Selectors, SelectorError> {
        let lists = selectors
            .iter()
            .map(|s| {
                let s = s.as_ref();
                let mut parser = cssparser::Parser::new(s);
                SelectorList::parse(&SelectorParser, &mut parser, ParseRelative::No)
                    .map(|list| (s.to_string(), list))
                    .map_err(|_| SelectorError {
                        selector: s.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Selectors { lists })
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The selectors as written.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.lists.iter().map(|(s, _)| s.as_str())
    }
}

struct SelectorParser;

impl<'i> selectors::parser::Parser<'i> for SelectorParser {
    type Impl = Simple;
    type Error = SelectorParseErrorKind;

    fn parse_is_and_where(&self) -> bool {
        true
    }

    fn parse_has(&self) -> bool {
        true
    }
}

/// The selector implementation: plain HTML, no pseudo-classes beyond the structural ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simple;

impl selectors::parser::SelectorImpl for Simple {
    type ExtraMatchingData<'a> = ();
    type AttrValue = CssString;
    type Identifier = CssString;
    type LocalName = CssString;
    type NamespaceUrl = CssString;
    type NamespacePrefix = CssString;
    type BorrowedNamespaceUrl = CssString;
    type BorrowedLocalName = CssString;
    type NonTSPseudoClass = NoPseudo;
    type PseudoElement = NoPseudo;
}

/// A name or value in a selector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CssString(String);

impl From<&str> for CssString {
    fn from(s: &str) -> Self {
        CssString(s.to_string())
    }
}

impl AsRef<str> for CssString {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssString {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        cssparser::serialize_identifier(&self.0, dest)
    }
}

impl PrecomputedHash for CssString {
    fn precomputed_hash(&self) -> u32 {
        // FNV-1a: only used for the bloom filter, which this tree does not use.
        self.0.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }
}

/// No pseudo-classes (`:hover`) or pseudo-elements (`::before`): they say nothing about
/// where the article is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPseudo {}

impl ToCss for NoPseudo {
    fn to_css<W: fmt::Write>(&self, _: &mut W) -> fmt::Result {
        match *self {}
    }
}

impl selectors::parser::NonTSPseudoClass for NoPseudo {
    fn is_active_or_hover(&self) -> bool {
        match *self {}
    }

    fn is_user_action_state(&self) -> bool {
        match *self {}
    }
}

impl selectors::parser::PseudoElement for NoPseudo {}

#[derive(Clone, Copy, Debug)]
struct NodeRef<'a, 't> {
    tree: &'a Tree<'t>,
    index: usize,
}

impl<'a, 't> NodeRef<'a, 't> {
    fn node(&self) -> &'a Node<'t> {
        &self.tree.nodes[self.index]
    }

    fn at(&self, index: usize) -> Self {
        NodeRef {
            tree: self.tree,
            index,
        }
    }

    fn sibling(&self, step: isize) -> Option<Self> {
        let parent = self.node().parent?;
        let siblings = &self.tree.nodes[parent].children;
        let other = self.node().sibling_index.checked_add_signed(step)?;
        siblings.get(other).map(|&i| self.at(i))
    }
}

impl Element for NodeRef<'_, '_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.node())
    }

    fn parent_element(&self) -> Option<Self> {
        self.node().parent.map(|p| self.at(p))
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.sibling(-1)
    }

    fn next_sibling_element(&self) -> Option<Self> {
        self.sibling(1)
    }

    fn first_element_child(&self) -> Option<Self> {
        self.node().children.first().map(|&c| self.at(c))
    }

    fn is_html_element_in_html_document(&self) -> bool {
        true
    }

    fn has_local_name(&self, name: &CssString) -> bool {
        self.node().name == name.0
    }

    fn has_namespace(&self, _: &CssString) -> bool {
        true
    }

    fn is_same_type(&self, other: &Self) -> bool {
        self.node().name == other.node().name
    }

    fn attr_matches(
        &self,
        _: &NamespaceConstraint<&CssString>,
        local_name: &CssString,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        self.node()
            .attr(&local_name.0)
            .is_some_and(|v| operation.eval_str(v))
    }

    fn match_non_ts_pseudo_class(
        &self,
        pc: &NoPseudo,
        _: &mut MatchingContext<'_, Simple>,
    ) -> bool {
        match *pc {}
    }

    fn match_pseudo_element(&self, pe: &NoPseudo, _: &mut MatchingContext<'_, Simple>) -> bool {
        match *pe {}
    }

    fn apply_selector_flags(&self, _: ElementSelectorFlags) {}

    fn is_link(&self) -> bool {
        matches!(self.node().name, "a" | "area") && self.node().attr("href").is_some()
    }

    fn is_html_slot_element(&self) -> bool {
        false
    }

    fn has_id(&self, id: &CssString, case: CaseSensitivity) -> bool {
        self.node()
            .attr("id")
            .is_some_and(|v| case.eq(v.as_bytes(), id.0.as_bytes()))
    }

    fn has_class(&self, name: &CssString, case: CaseSensitivity) -> bool {
        self.node()
            .attr("class")
            .unwrap_or("")
            .split_whitespace()
            .any(|c| case.eq(c.as_bytes(), name.0.as_bytes()))
    }

    fn has_custom_state(&self, _: &CssString) -> bool {
        false
    }

    fn imported_part(&self, _: &CssString) -> Option<CssString> {
        None
    }

    fn is_part(&self, _: &CssString) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        self.node().children.is_empty() && self.node().text_len == 0
    }

    fn is_root(&self) -> bool {
        self.node().parent.is_none() && self.node().name == "html"
    }

    fn add_element_unique_hashes(&self, _: &mut BloomFilter) -> bool {
        false
    }
}
