//! Which part of an HTML page is the article, and what each link is called.
//!
//! Teams lint what their CMS publishes: whole pages whose menus, share buttons, cookie banners,
//! comment widgets and footers outnumber the article's own sentences. Linting all of it buries
//! the article's findings under the site's chrome, so the HTML parser reads only the content:
//!
//! 1. the elements a team's `[html] content` selectors (or `--html-content`) pick, if any match;
//! 2. else the largest `<article>` (with its sibling articles of comparable size) when it holds
//!    a fair share of the page's text, so that a page of teasers is not mistaken for one;
//! 3. else `<main>` / `[role=main]`, then `[itemprop=articleBody]`;
//! 4. else `<body>` without its chrome.
//!
//! Inside the content, chrome is still left out: `<nav>`, `<aside>`, `<form>`, `<dialog>`,
//! `<template>`, `<noscript>`, landmark roles (navigation, banner, contentinfo,
//! complementary, search), page-level `<header>`/`<footer>`, `[hidden]`, `[aria-hidden=true]`,
//! articles nested in the article (comments, by the HTML spec's own example), and what
//! `[html] exclude` selects. A page with no landmarks at all (DocBook, old CMS themes) marks
//! its chrome only by class names, so in the `<body>` fallback elements whose `class`/`id`
//! says `nav`, `menu`, `breadcrumbs`, `share`, `cookie`… are left out too. A fragment (a CMS body export with no `<html>`/`<body>`) is all
//! content. The decision lives here, in the parser, so every rule sees the same text.
//!
//! Links get their accessible name as HTML-AAM computes it — `aria-labelledby`, `aria-label`,
//! the text content with `img[alt]` and `svg > title`, then `title` — so an icon link with a
//! label is not "a link without text".

use super::html_tokens::{Token, Tokens, class};
use super::html_tree::{Node, Selectors, Tree};
use crate::span::Span;

/// Settings of the HTML parser, compiled once per run.
#[derive(Clone, Debug, Default)]
pub struct HtmlOptions {
    /// Elements that are the content; empty for the built-in choice.
    pub content: Selectors,
    /// Elements never linted, on top of the built-in chrome.
    pub exclude: Selectors,
}

/// How the linted part of a page was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentChoice {
    /// No `<html>`/`<body>`: a fragment, all of it content.
    Fragment,
    /// Elements picked by the configured selectors.
    Selected,
    /// The page's `<article>` (or several sibling articles).
    Article,
    /// `<main>` or `[role=main]`.
    Main,
    /// `[itemprop=articleBody]`.
    ArticleBody,
    /// `<body>` without navigation, banners, sidebars and forms.
    Body,
}

impl ContentChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentChoice::Fragment => "fragment",
            ContentChoice::Selected => "selector",
            ContentChoice::Article => "article",
            ContentChoice::Main => "main",
            ContentChoice::ArticleBody => "article-body",
            ContentChoice::Body => "body",
        }
    }
}

/// One element the content was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRoot {
    /// `tag#id.class`, as one would select it.
    pub element: String,
    /// The element in the source, tags included.
    pub span: Span,
}

/// What part of an HTML file was linted, for `--format json` and `check -v`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentScope {
    pub choice: ContentChoice,
    pub roots: Vec<ContentRoot>,
    /// Configured selectors matched nothing, so the built-in choice was used.
    pub selectors_unmatched: bool,
}

impl ContentScope {
    /// One line for people: `article#story.post (bytes 120..4500)`.
    pub fn describe(&self) -> String {
        let roots: Vec<String> = self.roots.iter().map(|r| r.element.clone()).collect();
        let what = match self.choice {
            ContentChoice::Fragment => "the whole fragment".to_string(),
            ContentChoice::Body => {
                format!("{} without navigation and page chrome", roots.join(", "))
            }
            _ => roots.join(", "),
        };
        let why = match self.choice {
            ContentChoice::Fragment => "no <html> or <body>",
            ContentChoice::Selected => "matched the content selectors",
            ContentChoice::Article => "the page's article",
            ContentChoice::Main => "the page's main content",
            ContentChoice::ArticleBody => "the page's articleBody",
            ContentChoice::Body => "no <main> or <article>",
        };
        let note = if self.selectors_unmatched {
            "; the content selectors matched nothing"
        } else {
            ""
        };
        format!("{what} ({why}{note})")
    }
}

/// The parser's view of a page: which tokens are content, and the links' names.
pub(super) struct Analysis {
    /// Per token: part of the content.
    pub keep: Vec<bool>,
    /// Accessible names of the content's `<a>` elements with their start-tag token index,
    /// in document order.
    pub link_names: Vec<(usize, String)>,
    pub scope: ContentScope,
}

/// Roles of landmarks that are not the article.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
];

/// Elements that are never the article's text.
pub(super) const CHROME_ELEMENTS: &[&str] = &[
    "nav", "aside", "form", "dialog", "template", "noscript", "menu",
];

/// Elements that scope a `<header>`/`<footer>` to themselves (HTML-AAM: such a header is not
/// the page's banner). A `<blockquote>` is a sectioning root: its footer holds the quote's
/// citation.
pub(super) const SECTIONING: &[&str] =
    &["article", "aside", "main", "nav", "section", "blockquote"];

/// An article is the content when it holds at least this share of the text around it.
const ARTICLE_SHARE: usize = 4;

pub(super) fn analyse(tokens: &Tokens, source_len: usize, options: &HtmlOptions) -> Analysis {
    let mut tree = Tree::build(tokens, source_len);
    let facts = Inherited::of(&tree);
    let excluded_by_config = tree.matching(&options.exclude);
    let mut selectors_unmatched = false;
    let mut chosen = None;
    if !options.content.is_empty() {
        let roots = outermost(&tree, &tree.matching(&options.content));
        if roots.is_empty() {
            selectors_unmatched = true;
        } else {
            chosen = Some((ContentChoice::Selected, roots));
        }
    }
    let (choice, roots) = match chosen {
        Some(c) => c,
        None if !tree.is_page => (ContentChoice::Fragment, Vec::new()),
        None => default_roots(&tree, &facts),
    };

    // Top-down: an element is content when it is a root, or its parent is content and it is
    // not chrome.
    let n = tree.nodes.len();
    let mut is_root = vec![false; n];
    for &r in &roots {
        is_root[r] = true;
    }
    let body_text = tree
        .nodes
        .iter()
        .find(|node| node.name == "body")
        .map_or(0, |b| b.text_len);
    let mut content = vec![false; n];
    // Inside an `<article>` root, where nested articles are comments.
    let mut in_article = vec![false; n];
    for i in 0..n {
        let node = &tree.nodes[i];
        let parent = node.parent;
        let inherited = match parent {
            Some(p) => content[p],
            None => choice == ContentChoice::Fragment,
        };
        in_article[i] =
            parent.is_some_and(|p| in_article[p]) || (is_root[i] && node.name == "article");
        content[i] = if is_root[i] {
            !excluded_by_config[i]
        } else {
            inherited
                && !excluded_by_config[i]
                && (choice == ContentChoice::Fragment
                    || !(is_chrome(node, facts.marks[i], facts.sectioned[i], body_text)
                        || (choice == ContentChoice::Body && is_named_chrome(node))
                        || (node.name == "article" && parent.is_some_and(|p| in_article[p]))))
        };
    }
    let keep: Vec<bool> = tree
        .owner
        .iter()
        .map(|owner| match owner {
            Some(e) => content[*e],
            None => choice == ContentChoice::Fragment,
        })
        .collect();

    let links: Vec<usize> = (0..n)
        .filter(|&i| content[i] && tree.nodes[i].name == "a")
        .collect();
    let mut link_names = Vec::with_capacity(links.len());
    for i in links {
        let name = accessible_name(&mut tree, &facts, tokens, i);
        link_names.push((tree.nodes[i].first_token, name));
    }
    let roots = roots
        .iter()
        .map(|&r| ContentRoot {
            element: tree.nodes[r].describe(),
            span: Span::new(tree.nodes[r].start, tree.nodes[r].end),
        })
        .collect();
    Analysis {
        keep,
        link_names,
        scope: ContentScope {
            choice,
            roots,
            selectors_unmatched,
        },
    }
}

/// The built-in choice of content for a whole page.
fn default_roots(tree: &Tree<'_>, facts: &Inherited) -> (ContentChoice, Vec<usize>) {
    let nodes = &tree.nodes;
    // Candidates in chrome (an `<article>` teaser in an `<aside>`) are not the content.
    let candidates = |is: &dyn Fn(usize) -> bool| {
        let marked: Vec<bool> = (0..nodes.len())
            .map(|i| !facts.in_chrome[i] && is(i))
            .collect();
        outermost(tree, &marked)
    };
    let mains = candidates(&|i| nodes[i].name == "main" || facts.marks[i].main_role);
    let articles = candidates(&|i| nodes[i].name == "article" || facts.marks[i].article_role);
    let body = nodes.iter().position(|n| n.name == "body");
    let page_text = |i: usize| {
        mains
            .iter()
            .find(|&&m| tree.is_inside(i, m))
            .or(body.as_ref())
            .map_or(usize::MAX, |&b| nodes[b].text_len)
    };
    if let Some(&largest) = articles.iter().max_by_key(|&&a| nodes[a].text_len) {
        let text = nodes[largest].text_len;
        if text > 0 && text.saturating_mul(ARTICLE_SHARE) >= page_text(largest) {
            // Several posts side by side (a blog's front page) are all content; teasers
            // beside one story are not.
            let roots = articles
                .iter()
                .copied()
                .filter(|&a| {
                    a == largest
                        || (nodes[a].parent == nodes[largest].parent
                            && nodes[a].text_len * 2 >= text)
                })
                .collect();
            return (ContentChoice::Article, roots);
        }
    }
    if let Some(&main) = mains
        .iter()
        .filter(|&&m| nodes[m].text_len > 0)
        .max_by_key(|&&m| nodes[m].text_len)
    {
        return (ContentChoice::Main, vec![main]);
    }
    let bodies = candidates(&|i| facts.marks[i].article_body);
    if let Some(&article_body) = bodies.iter().max_by_key(|&&b| nodes[b].text_len) {
        return (ContentChoice::ArticleBody, vec![article_body]);
    }
    let root = body.or_else(|| nodes.iter().position(|n| n.name == "html"));
    (ContentChoice::Body, root.into_iter().collect())
}

/// The candidates that are not inside another candidate, in one top-down pass.
fn outermost(tree: &Tree<'_>, candidate: &[bool]) -> Vec<usize> {
    let mut under = vec![false; tree.nodes.len()];
    let mut out = Vec::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        // Parents come before their children in document order.
        under[i] = node.parent.is_some_and(|p| under[p] || candidate[p]);
        if candidate[i] && !under[i] {
            out.push(i);
        }
    }
    out
}

/// Facts about each element that depend on its ancestors, computed top-down once so that
/// nothing walks up the tree per element: deeply nested pages stay linear.
struct Inherited {
    /// What each element's own attributes say.
    marks: Vec<Marks>,
    /// An ancestor is sectioning content, so a `<header>`/`<footer>` here is not the page's.
    sectioned: Vec<bool>,
    /// The element or an ancestor is chrome (a form excepted: it may wrap the whole page).
    in_chrome: Vec<bool>,
    /// Text directly in the element is part of an accessible name: not hidden, not script,
    /// and inside an SVG only within its `<title>`.
    names_text: Vec<bool>,
}

impl Inherited {
    fn of(tree: &Tree<'_>) -> Inherited {
        let n = tree.nodes.len();
        let mut facts = Inherited {
            marks: tree.nodes.iter().map(Marks::of).collect(),
            sectioned: vec![false; n],
            in_chrome: vec![false; n],
            names_text: vec![false; n],
        };
        let mut blocked = vec![false; n];
        let mut in_svg = vec![false; n];
        let mut titled = vec![false; n];
        for (i, node) in tree.nodes.iter().enumerate() {
            let parent = node.parent.map(|p| (p, &tree.nodes[p]));
            let marks = facts.marks[i];
            facts.sectioned[i] = parent.is_some_and(|(p, pn)| {
                facts.sectioned[p]
                    || pn.is(class::SECTIONING)
                    || facts.marks[p].main_role
                    || facts.marks[p].article_role
            });
            facts.in_chrome[i] = parent.is_some_and(|(p, _)| facts.in_chrome[p])
                || (node.name != "form" && is_chrome(node, marks, facts.sectioned[i], 0));
            blocked[i] =
                parent.is_some_and(|(p, _)| blocked[p]) || marks.hidden || node.is(class::RAW_TEXT);
            in_svg[i] = parent.is_some_and(|(p, _)| in_svg[p]) || node.name == "svg";
            titled[i] = parent
                .is_some_and(|(p, pn)| titled[p] || (node.name == "title" && pn.name == "svg"));
            facts.names_text[i] = !blocked[i] && (!in_svg[i] || titled[i]);
        }
        facts
    }
}

/// Whether an element is site chrome, not article text. A `<form>` that holds most of the
/// page (ASP.NET wraps the whole body in one) is not chrome; a `<header>`/`<footer>` inside
/// sectioning content belongs to that section (HTML-AAM).
fn is_chrome(node: &Node<'_>, marks: Marks, sectioned: bool, body_text: usize) -> bool {
    if marks.hidden || marks.chrome_role {
        return true;
    }
    match node.name {
        "form" => node.text_len.saturating_mul(2) < body_text,
        _ if node.is(class::CHROME) => true,
        "header" | "footer" => !sectioned,
        _ => false,
    }
}

/// What an element's own attributes say about it, read once per element.
#[derive(Clone, Copy, Debug, Default)]
struct Marks {
    /// `hidden`, or `aria-hidden="true"`.
    hidden: bool,
    /// A landmark role that is not the article ([`CHROME_ROLES`]).
    chrome_role: bool,
    main_role: bool,
    article_role: bool,
    /// `itemprop` includes `articleBody`.
    article_body: bool,
}

impl Marks {
    fn of(node: &Node<'_>) -> Marks {
        let mut marks = Marks::default();
        // One pass over the element's attributes (usually none to three).
        for (key, value) in node.attributes() {
            match key {
                "hidden" => marks.hidden = true,
                "aria-hidden" if value.trim().eq_ignore_ascii_case("true") => marks.hidden = true,
                "role" => {
                    // The first token of `role` is the one browsers use.
                    let role = value.split_whitespace().next().unwrap_or("");
                    marks.chrome_role = CHROME_ROLES.iter().any(|c| role.eq_ignore_ascii_case(c));
                    marks.main_role = role.eq_ignore_ascii_case("main");
                    marks.article_role = role.eq_ignore_ascii_case("article");
                }
                "itemprop" => {
                    marks.article_body = value.split_whitespace().any(|p| p == "articleBody");
                }
                _ => {}
            }
        }
        marks
    }
}

/// Words in `class` and `id` that name navigation on pages without semantic markup
/// (DocBook's `docnav`, `navheader`; themes' `breadcrumbs`, `share-bar`, `cookie-notice`).
/// Not `sidebar`: DocBook's `div.sidebar` is a boxed note inside the text.
const CHROME_NAMES: &[&str] = &[
    "nav",
    "navbar",
    "navheader",
    "navfooter",
    "docnav",
    "navigation",
    "breadcrumb",
    "breadcrumbs",
    "menu",
    "banner",
    "cookie",
    "cookies",
    "share",
    "sharing",
    "social",
    "pagination",
    "pager",
    "footer",
    "colophon",
    "masthead",
    "skiplink",
];

/// Whether the element's `class` or `id` names it as chrome: a whole word of it, split at
/// `-` and `_`, is one of [`CHROME_NAMES`]. Used only when a page has no landmark markup,
/// as readers' "reader mode" heuristics do.
fn is_named_chrome(node: &Node<'_>) -> bool {
    ["class", "id"].iter().any(|key| {
        node.attr(key).is_some_and(|value| {
            value
                .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .any(|word| CHROME_NAMES.iter().any(|n| word.eq_ignore_ascii_case(n)))
        })
    })
}

/// The accessible name of a link (HTML-AAM, "a" element; accname 1.2 steps 2B–2I, simplified
/// to what links hold).
fn accessible_name(tree: &mut Tree<'_>, facts: &Inherited, tokens: &Tokens, link: usize) -> String {
    if let Some(ids) = tree.nodes[link].attr("aria-labelledby").map(str::to_string) {
        let targets: Vec<usize> = ids
            .split_whitespace()
            .filter_map(|id| tree.by_id(id))
            .collect();
        let parts: Vec<String> = targets
            .into_iter()
            .map(|e| subtree_text(tree, facts, tokens, e))
            .filter(|t| !t.is_empty())
            .collect();
        if !parts.is_empty() {
            return parts.join(" ");
        }
    }
    let node = &tree.nodes[link];
    if let Some(label) = node
        .attr("aria-label")
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        return label.to_string();
    }
    let text = subtree_text(tree, facts, tokens, link);
    if !text.is_empty() {
        return text;
    }
    tree.nodes[link]
        .attr("title")
        .map(str::trim)
        .unwrap_or("")
        .to_string()
}

/// The text an element presents: its text, images' alt text and SVG titles, without hidden
/// parts and script, white space collapsed.
fn subtree_text(tree: &Tree<'_>, facts: &Inherited, tokens: &Tokens, element: usize) -> String {
    let node = &tree.nodes[element];
    let mut out = String::new();
    let mut push = |text: &str| {
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    };
    let inside = node.first_token + 1..node.end_token.min(tokens.list.len());
    for (token, owner) in tokens.list[inside.clone()].iter().zip(&tree.owner[inside]) {
        if !owner.is_some_and(|o| facts.names_text[o]) {
            continue;
        }
        match *token {
            Token::Text { value, .. } => push(tokens.str(value)),
            Token::Start { tag, attrs, .. } if tokens.str(tag.name) == "img" => {
                if let Some(alt) = tokens.attr(tokens.attrs(attrs), "alt") {
                    push(alt);
                }
            }
            _ => {}
        }
    }
    out
}
