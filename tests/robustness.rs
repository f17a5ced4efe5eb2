//! Bad or strange input never panics, and every reported span lies on character boundaries
//! inside the file. Documents are generated from fragments that stress the parsers and the
//! offset maps: markup, entities, escapes, CRLF, tabs, emoji, combining accents, brackets,
//! numbers and the phrases rules look for.

use draftlint::fix::apply_fixes;
use draftlint::lint::lint_text;
use draftlint::render::render_diagnostic;
use draftlint::rules::RuleSet;
use draftlint::source::Format;

const FRAGMENTS: &[&str] = &[
    "# ",
    "## FAQ\n",
    "### Why?\n",
    "- ",
    "1. ",
    "* ",
    "> ",
    "\n",
    "\r\n",
    "\n\n",
    "\t",
    "  ",
    "**",
    "*",
    "_",
    "`",
    "```\n",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "](",
    "[^1]",
    "[^1]: note\n",
    "<a href=\"",
    "\">",
    "</a>",
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<dt>",
    "<dd>",
    "<!-- ",
    " -->",
    "<!-- draftlint-disable-next-line repeated-word -->",
    "&amp;",
    "&#x27;",
    "&nbsp;",
    "\\*",
    "\\[",
    "https://example.org/a_(b)",
    "www.example.org",
    "{{< x >}}",
    "{{ y }}",
    "---\ntitle: x\n---\n",
    "+++\n",
    "|",
    "| a | b |\n|---|---|\n",
    "![",
    "![alt](i.png)",
    "é",
    "e\u{301}",
    "🌍",
    "👩‍👩‍👧",
    "’",
    "“",
    "”",
    "—",
    "–",
    "\u{feff}",
    "\u{202f}",
    "\u{a0}",
    "12,000",
    "4.2 million",
    "35%",
    "$4.2m",
    "€9bn",
    "one in five",
    "doubled",
    "2024",
    "9:30 a.m.",
    "Article 5",
    "the the ",
    "Reports indicate ",
    "reportedly ",
    "critics say ",
    "Here are some links where you can read more\n",
    "As an AI language model",
    "[Insert quote]",
    "TK ",
    "click here",
    "Newsweek – Title Ukrainenewsweek\n",
    "Q: ",
    "A: ",
    "FAQs:\n",
    "Sources\n",
    "said the ministry. ",
    "Dr. ",
    "U.S. ",
    "e.g. ",
    "word ",
    "Word ",
    "?",
    ".",
    "!",
    ":",
    ",",
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn generated_documents_never_panic_and_spans_are_valid() {
    let rules = RuleSet::load(&[]).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    for case in 0..600 {
        let len = 5 + (rng.next() % 120) as usize;
        let text: String = (0..len)
            .map(|_| FRAGMENTS[(rng.next() % FRAGMENTS.len() as u64) as usize])
            .collect();
        for format in [Format::Markdown, Format::Html, Format::Text] {
            let diagnostics = lint_text(&text, format, &rules);
            for d in &diagnostics {
                for span in std::iter::once(d.span).chain(d.related.iter().map(|r| r.span)) {
                    assert!(
                        span.start <= span.end && span.end <= text.len(),
                        "case {case} {format:?}: span {span} outside {} bytes: {text:?}",
                        text.len()
                    );
                    assert!(
                        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                        "case {case} {format:?}: span {span} not on char boundaries: {text:?}"
                    );
                }
                if let Some(fix) = &d.fix {
                    assert!(
                        text.get(fix.span.range()).is_some(),
                        "case {case}: bad fix span"
                    );
                }
                let rendered = render_diagnostic("gen.md", &text, d, false);
                assert!(rendered.contains(&d.rule));
                checked += 1;
            }
            // Fixing converges: after a few passes, a further pass changes nothing.
            let mut current = text.clone();
            let mut found = diagnostics;
            for _ in 0..10 {
                let (fixed, applied) = apply_fixes(&current, &found);
                if applied == 0 {
                    break;
                }
                current = fixed;
                found = lint_text(&current, format, &rules);
            }
            let (_, left) = apply_fixes(&current, &found);
            assert_eq!(
                left, 0,
                "case {case} {format:?}: fixes do not converge: {text:?}"
            );
        }
    }
    assert!(
        checked > 1000,
        "the generator should provoke many findings, got {checked}"
    );
}
