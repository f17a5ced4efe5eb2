//! HTML content scope: which part of a page is linted, links' accessible names, and the
//! `[html]` selectors. The exact findings of the page fixtures are in
//! `tests/fixtures/html-pages/*.expected`; these tests check the choice behind them.

use std::fs;

use draftlint::document::Document;
use draftlint::document::html_scope::{ContentChoice, HtmlOptions};
use draftlint::document::html_tree::Selectors;
use draftlint::lint::lint_text;
use draftlint::rules::RuleSet;
use draftlint::source::Format;

fn page(name: &str) -> String {
    fs::read_to_string(format!("tests/fixtures/html-pages/{name}")).expect("fixture")
}

fn options(content: &[&str], exclude: &[&str]) -> HtmlOptions {
    HtmlOptions {
        content: Selectors::parse(content).expect("selectors"),
        exclude: Selectors::parse(exclude).expect("selectors"),
    }
}

/// The chosen roots as `element` strings, and the choice.
fn scope_of(text: &str, html: &HtmlOptions) -> (ContentChoice, Vec<String>) {
    let doc = Document::parse_with(text, Format::Html, html);
    let scope = doc.html_scope.expect("HTML has a scope");
    (
        scope.choice,
        scope.roots.iter().map(|r| r.element.clone()).collect(),
    )
}

fn block_texts(text: &str, html: &HtmlOptions) -> Vec<String> {
    let doc = Document::parse_with(text, Format::Html, html);
    doc.blocks
        .iter()
        .map(|b| b.text.trim().to_string())
        .collect()
}

#[test]
fn each_fixture_page_lints_the_expected_root() {
    let none = HtmlOptions::default();
    let cases = [
        (
            "news-page.html",
            ContentChoice::Article,
            vec!["article.story"],
        ),
        (
            "blog-comments.html",
            ContentChoice::Article,
            vec!["article#post-17.post"],
        ),
        (
            "teasers.html",
            ContentChoice::Article,
            vec!["article.story"],
        ),
        ("no-main.html", ContentChoice::Body, vec!["body"]),
        ("fragment.html", ContentChoice::Fragment, vec![]),
    ];
    for (name, choice, roots) in cases {
        let (found_choice, found_roots) = scope_of(&page(name), &none);
        assert_eq!(found_choice, choice, "{name}");
        assert_eq!(found_roots, roots, "{name}");
    }
}

#[test]
fn findings_on_pages_all_sit_inside_the_content() {
    let rules = RuleSet::load(&[]).expect("rules");
    for name in ["news-page.html", "blog-comments.html", "teasers.html"] {
        let text = page(name);
        let doc = Document::parse(&text, Format::Html);
        let roots = doc.html_scope.expect("scope").roots;
        let found = lint_text(&text, Format::Html, &rules);
        assert!(
            !found.is_empty(),
            "{name}: the article's own defects are found"
        );
        for d in found {
            assert!(
                roots.iter().any(|r| r.span.contains(d.span)),
                "{name}: finding outside the article: {d:?}"
            );
        }
    }
}

#[test]
fn chrome_inside_the_page_is_left_out() {
    let texts = block_texts(&page("no-main.html"), &HtmlOptions::default());
    assert_eq!(
        texts,
        [
            "Library opening hours",
            "The central library opens at 9:00 on weekdays. About 1,500 people visit each day.",
            "It is said that Saturday is the busiest day. See the full timetable.",
        ]
    );
}

#[test]
fn comments_nested_in_the_article_are_left_out() {
    let html = "<html><body><article><h1>Title</h1><p>Body text of the post.</p>\
                <article class=\"comment\"><p>Nice post</p></article></article></body></html>";
    assert_eq!(
        block_texts(html, &HtmlOptions::default()),
        ["Title", "Body text of the post."]
    );
}

#[test]
fn sibling_articles_of_similar_size_are_all_content() {
    let html = "<html><body><main>\
        <article><p>First post about the river and its many birds.</p></article>\
        <article><p>Second post about the lake and its quiet fish.</p></article>\
        </main></body></html>";
    let (choice, roots) = scope_of(html, &HtmlOptions::default());
    assert_eq!(choice, ContentChoice::Article);
    assert_eq!(roots, ["article", "article"]);
}

#[test]
fn a_page_of_small_teasers_lints_main() {
    let html = "<html><body><main><h1>Today</h1>\
        <p>A long introduction to the day's stories, written by the desk for every reader.</p>\
        <article><p>Short teaser.</p></article><article><p>Another.</p></article>\
        <p>More words from the desk that belong to the page itself and to nothing else.</p>\
        </main></body></html>";
    let (choice, roots) = scope_of(html, &HtmlOptions::default());
    assert_eq!(choice, ContentChoice::Main);
    assert_eq!(roots, ["main"]);
}

#[test]
fn role_main_and_article_body_are_found() {
    let html = "<html><body><div id=menu><a href=/>Home</a></div>\
        <div role=\"main\"><p>Main text.</p></div></body></html>";
    assert_eq!(
        scope_of(html, &HtmlOptions::default()),
        (ContentChoice::Main, vec!["div[role=main]".to_string()])
    );
    let html = "<html><body><div class=top><a href=/>Home</a></div>\
        <div itemprop=\"articleBody\"><p>Body text.</p></div></body></html>";
    assert_eq!(
        scope_of(html, &HtmlOptions::default()),
        (
            ContentChoice::ArticleBody,
            vec!["div[itemprop=articleBody]".to_string()]
        )
    );
}

#[test]
fn a_body_wide_form_is_not_chrome() {
    // ASP.NET pages wrap the whole body in one form.
    let html = "<html><body><form id=aspnetForm><h1>Notice</h1>\
        <p>The office is closed on Monday for repairs.</p></form></body></html>";
    assert_eq!(
        block_texts(html, &HtmlOptions::default()),
        ["Notice", "The office is closed on Monday for repairs."]
    );
}

#[test]
fn configured_selectors_choose_and_exclude() {
    let html = "<html><body><div class=post-body><p>Kept text.</p>\
        <div class=share><p>Share this</p></div></div>\
        <div class=other><p>Other text.</p></div></body></html>";
    let html_options = options(&[".post-body"], &[".share"]);
    assert_eq!(
        scope_of(html, &html_options),
        (ContentChoice::Selected, vec!["div.post-body".to_string()])
    );
    assert_eq!(block_texts(html, &html_options), ["Kept text."]);
    // Exclusions apply to fragments too.
    let fragment = "<p>Draft text.</p><div class=share><p>Share this</p></div>";
    assert_eq!(
        block_texts(fragment, &options(&[], &[".share"])),
        ["Draft text."]
    );
}

#[test]
fn unmatched_selectors_fall_back_to_the_built_in_choice() {
    let text = page("news-page.html");
    let doc = Document::parse_with(&text, Format::Html, &options(&["#nothing-here"], &[]));
    let scope = doc.html_scope.expect("scope");
    assert_eq!(scope.choice, ContentChoice::Article);
    assert!(scope.selectors_unmatched);
    assert_eq!(
        scope.describe(),
        "article.story (the page's article; the content selectors matched nothing)"
    );
}

#[test]
fn invalid_selectors_are_errors() {
    let err = Selectors::parse(&["div >"]).expect_err("dangling combinator");
    assert_eq!(err.to_string(), "invalid CSS selector `div >`");
}

#[test]
fn links_get_their_accessible_name() {
    let html = "<p>\
        <a href=/a aria-label=\"Search\"><svg><path d=M0/></svg></a>\
        <a href=/b><svg><title>Home page</title></svg></a>\
        <a href=/c><img src=l.png alt=\"Logo of the site\"></a>\
        <a href=/d title=\"Print this page\"><i class=icon></i></a>\
        <a href=/e aria-labelledby=\"l1 l2\"></a><span id=l1>Annual</span><span id=l2>report</span>\
        <a href=/f><span aria-hidden=true>→</span></a>\
        <a href=/g aria-label=\"  \">Visible text</a>\
        </p>";
    let doc = Document::parse(html, Format::Html);
    let names: Vec<Option<&str>> = doc.links.iter().map(|l| l.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("Search"),
            Some("Home page"),
            Some("Logo of the site"),
            Some("Print this page"),
            Some("Annual report"),
            Some(""),
            Some("Visible text"),
        ]
    );
    let rules = RuleSet::load(&[]).expect("rules");
    let found: Vec<String> = lint_text(html, Format::Html, &rules)
        .into_iter()
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    assert_eq!(found, ["broken-link-text link has no text"]);
}

#[test]
fn markdown_links_have_no_html_name_and_no_scope() {
    let doc = Document::parse("[text](https://example.org)\n", Format::Markdown);
    assert_eq!(doc.links[0].name, None);
    assert!(doc.html_scope.is_none());
}

#[test]
fn positions_stay_exact_with_crlf_tabs_emoji_and_cjk() {
    let rules = RuleSet::load(&[]).expect("rules");
    let html = "<html>\r\n<body>\r\n<nav><a href=\"#\">菜单 🍔</a></nav>\r\n<article>\r\n\
        \t<p>东京 🚆 说明 <a href=\"#\">the plan</a>.</p>\r\n</article>\r\n</body></html>\r\n";
    let found = lint_text(html, Format::Html, &rules);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&html[found[0].span.range()], "the plan");
}

#[test]
fn broken_markup_does_not_panic() {
    let inputs = [
        "<html><body><article><p>Unclosed",
        "</article></main><p>stray end tags</p></body>",
        "<html><body><main><main><article></main></article><p>x</p>",
        "<a href=#><a href=#>nested</a></a>",
        "<html><body><ul><li>one<li>two<p>three<div>four</ul>",
        "<svg><title>t</title><a href=x>in svg</a></svg>",
    ];
    let rules = RuleSet::load(&[]).expect("rules");
    for html in inputs {
        let _ = lint_text(html, Format::Html, &rules);
        let doc = Document::parse(html, Format::Html);
        assert!(doc.html_scope.is_some());
    }
}

/// One published page of `tests/data/pages/` and what linting it found.
struct PageRow {
    file: String,
    default_root: String,
    inside: usize,
    outside: usize,
    alone: usize,
}

/// Real published pages (sources and licences in `tests/data/pages/SOURCES.tsv`, whose
/// `article` column is the article body picked by reading each page): linting the whole
/// page finds, inside the article, exactly what linting the article's HTML alone finds, and
/// at most one finding per five pages outside it.
#[test]
fn real_pages_findings_stay_in_the_article() {
    let rules = RuleSet::load(&[]).expect("rules");
    let manifest = fs::read_to_string("tests/data/pages/SOURCES.tsv").expect("manifest");
    let mut rows = Vec::new();
    let mut mismatches = Vec::new();
    for line in manifest.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, _package, _path, _licence, article] = fields[..] else {
            panic!("bad manifest line: {line}");
        };
        let text = fs::read_to_string(format!("tests/data/pages/{file}")).expect("page");
        let default = Document::parse(&text, Format::Html)
            .html_scope
            .expect("scope");
        let selected = Document::parse_with(&text, Format::Html, &options(&[article], &[]))
            .html_scope
            .expect("scope");
        assert_eq!(
            selected.choice,
            ContentChoice::Selected,
            "{file}: {article}"
        );
        let key = |d: &draftlint::diagnostic::Diagnostic, shift: usize| {
            (
                d.rule.clone(),
                d.span.start + shift,
                d.span.end + shift,
                d.message.clone(),
            )
        };
        let found = lint_text(&text, Format::Html, &rules);
        let (inside, outside): (Vec<_>, Vec<_>) = found
            .iter()
            .partition(|d| selected.roots.iter().any(|r| r.span.contains(d.span)));
        let mut inside: Vec<_> = inside.into_iter().map(|d| key(d, 0)).collect();
        let mut alone = Vec::new();
        for root in &selected.roots {
            let fragment = &text[root.span.range()];
            alone.extend(
                lint_text(fragment, Format::Html, &rules)
                    .iter()
                    .map(|d| key(d, root.span.start)),
            );
        }
        inside.sort();
        alone.sort();
        if inside != alone {
            mismatches.push(format!("{file}:\n  page: {inside:?}\n  alone: {alone:?}"));
        }
        for d in &outside {
            eprintln!("{file}: outside the article: {} {}", d.rule, d.message);
        }
        rows.push(PageRow {
            file: file.to_string(),
            default_root: default.describe(),
            inside: inside.len(),
            outside: outside.len(),
            alone: alone.len(),
        });
    }
    eprintln!("| page | linted by default | inside the article | outside | article alone |");
    eprintln!("|---|---|---|---|---|");
    for r in &rows {
        eprintln!(
            "| {} | {} | {} | {} | {} |",
            r.file, r.default_root, r.inside, r.outside, r.alone
        );
    }
    let outside: usize = rows.iter().map(|r| r.outside).sum();
    let inside: usize = rows.iter().map(|r| r.inside).sum();
    eprintln!(
        "{} pages, {inside} findings inside the articles, {outside} outside",
        rows.len()
    );
    assert!(rows.len() >= 20, "at least 20 pages");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(
        outside * 5 <= rows.len(),
        "{outside} findings outside the article on {} pages",
        rows.len()
    );
}

fn draftlint(args: &[&str], dir: Option<&std::path::Path>) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_draftlint"));
    command.args(args).env("NO_COLOR", "1");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().expect("run draftlint")
}

#[test]
fn json_says_which_root_was_linted() {
    let out = draftlint(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "tests/fixtures/html-pages/news-page.html",
            "tests/fixtures/html-pages/fragment.html",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        report["html_content"],
        serde_json::json!([
            {
                "path": "tests/fixtures/html-pages/news-page.html",
                "choice": "article",
                "roots": [{
                    "element": "article.story",
                    "line": 16,
                    "end_line": 22,
                    "byte_start": 813,
                    "byte_end": 1417,
                }],
                "selectors_unmatched": false,
            },
            {
                "path": "tests/fixtures/html-pages/fragment.html",
                "choice": "fragment",
                "roots": [],
                "selectors_unmatched": false,
            },
        ])
    );
}

#[test]
fn verbose_prints_the_root_and_html_content_overrides_it() {
    let page = "tests/fixtures/html-pages/news-page.html";
    let out = draftlint(&["check", "--no-config", "-v", page], None);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("{page}: linted article.story (the page's article)\n")
    );
    let out = draftlint(
        &[
            "check",
            "--no-config",
            "--verbose",
            "--format",
            "jsonl",
            "--html-content",
            "aside.related",
            page,
        ],
        None,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("{page}: linted aside.related (matched the content selectors)\n")
    );
    let found: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let found: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["matched"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("vague-attribution", 25, "Reports suggest")]);
}

#[test]
fn config_html_table_selects_and_reports_bad_selectors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = std::path::absolute("tests/fixtures/html-pages/news-page.html").expect("path");
    let page = page.to_str().expect("UTF-8 path");
    fs::write(
        dir.path().join("draftlint.toml"),
        "[html]\ncontent = [\"main\"]\nexclude = [\".share\", \"article p:nth-of-type(2)\"]\n",
    )
    .expect("write config");
    let out = draftlint(
        &["check", "-v", "--format", "jsonl", page],
        Some(dir.path()),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("{page}: linted main#content (matched the content selectors)\n")
    );
    let lines: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    // The story's second paragraph (line 19) is excluded; the aside inside <main> is chrome.
    assert_eq!(lines, [20]);

    fs::write(
        dir.path().join("draftlint.toml"),
        "[html]\nexclude = [\"div >\"]\n",
    )
    .expect("write config");
    let out = draftlint(&["check", page], Some(dir.path()));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid CSS selector `div >`"), "{err}");
    assert!(err.contains("draftlint.toml:2:13"), "{err}");
}

#[test]
fn implied_end_tags_keep_the_tree_right() {
    // The unclosed <p> ends at <article>; the unclosed <li>s end at the next <li>; the
    // stray </div> is ignored. Otherwise the article would sit inside the paragraph, or the
    // navigation list would swallow it.
    let html = "<html><body><p>Intro of the site<article><h1>Story</h1>\
        <p>The story's own text, long enough to be the page's article.</article></div>\
        <ul class=nav><li><a href=#>One<li><a href=#>Two</ul></body></html>";
    let (choice, roots) = scope_of(html, &HtmlOptions::default());
    assert_eq!(
        (choice, roots),
        (ContentChoice::Article, vec!["article".to_string()])
    );
    assert_eq!(
        block_texts(html, &HtmlOptions::default()),
        [
            "Story",
            "The story's own text, long enough to be the page's article."
        ]
    );
    // Structural selectors see the same tree.
    let second = options(&["ul.nav > li:nth-child(2)"], &[]);
    assert_eq!(scope_of(html, &second).1, ["li"]);
    assert_eq!(block_texts(html, &second), ["Two"]);
}

#[test]
fn deeply_nested_and_stray_markup_stays_linear() {
    // 20,000 levels of nesting, stray end tags, headers, articles and links at every level:
    // every per-element fact is computed top-down, so this takes milliseconds, not minutes.
    let depth = 20_000;
    let mut html = String::from("<html><body><main>");
    for i in 0..depth {
        html.push_str(&format!(
            "<div><header><a href=\"#\">x</a></header></li></td><article><p>Level {i} text.</p>"
        ));
    }
    html.push_str("<p>End of the <a href=\"#\">page</a>.</p></main></body></html>");
    let started = std::time::Instant::now();
    let doc = Document::parse(&html, Format::Html);
    let scope = doc.html_scope.as_ref().expect("scope");
    assert_eq!(scope.choice, ContentChoice::Article);
    // The outermost article is the content. Its own header stays (a header inside an
    // article is the article's); the articles nested in it are left out, as comments are.
    assert_eq!(scope.roots.len(), 1);
    let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.trim()).collect();
    assert_eq!(texts, ["Level 0 text.", "x"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
