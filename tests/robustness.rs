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
                assert!(rendered.contains(&*d.rule));
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

// The fuzz targets' invariants (fuzz/src/lib.rs), checked here on generated input so that
// `cargo test` keeps them without a nightly compiler.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

mod properties {
    use super::{FRAGMENTS, harness};
    use draftlint::source::Format;
    use proptest::prelude::*;

    fn format() -> impl Strategy<Value = Format> {
        prop_oneof![
            Just(Format::Markdown),
            Just(Format::Html),
            Just(Format::Text)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_lint_fix_and_render_in_every_format(
            data in proptest::collection::vec(any::<u8>(), 0..300),
            format in format(),
        ) {
            harness::lint_fix_render(&data, format);
        }

        #[test]
        fn fragment_documents_lint_fix_and_render_in_every_format(
            parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..60),
            format in format(),
        ) {
            harness::lint_fix_render(parts.concat().as_bytes(), format);
        }

        #[test]
        fn mangled_rule_and_config_files_fail_cleanly(
            cut in 0usize..2000,
            insert in proptest::sample::select(FRAGMENTS),
        ) {
            let rule = include_str!("../rules/vague-link-text.toml");
            let at = draftlint::span::floor_char_boundary(rule, cut);
            harness::rule_file(format!("{}{insert}{}", &rule[..at], &rule[at..]).as_bytes());
            let config = "fail-on = \"warning\"\nexclude = [\"drafts/**\"]\n[rules.unsourced-number]\nseverity = \"error\"\n";
            let at = cut.min(config.len());
            harness::config_file(format!("{}{insert}{}", &config[..at], &config[at..]).as_bytes());
        }

        #[test]
        fn mangled_vale_rules_fail_cleanly(
            cut in 0usize..400,
            insert in proptest::sample::select(FRAGMENTS),
        ) {
            let rule = "extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nlevel: error\nignorecase: true\nswap:\n  '(?:click here|here)': the page's name\n  utilize: use\n";
            let at = draftlint::span::floor_char_boundary(rule, cut);
            harness::vale_rule(format!("{}{insert}{}", &rule[..at], &rule[at..]).as_bytes());
        }
    }
}

mod limits {
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn draftlint(args: &[&str], dir: &std::path::Path, stdin: &[u8]) -> (String, String, i32) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_draftlint"))
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The child may stop reading early (the size limit); a broken pipe is expected then.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            out.status.code().unwrap(),
        )
    }

    #[test]
    fn stdin_and_files_over_the_limit_are_refused_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'y'; 5000];
        let (_, err, code) = draftlint(
            &["check", "--no-config", "--max-file-size", "4K", "-"],
            dir.path(),
            &big,
        );
        assert_eq!(code, 2);
        assert!(
            err.contains(
                "<stdin>: is over the 4 KiB limit; skipped (raise it with `--max-file-size`"
            ),
            "{err}"
        );
        std::fs::write(dir.path().join("big.txt"), &big).unwrap();
        let (_, err, code) = draftlint(
            &["check", "--no-config", "--max-file-size", "4K", "big.txt"],
            dir.path(),
            b"",
        );
        assert_eq!(code, 2);
        assert!(
            err.contains("big.txt: is 4.9 KiB over the 4 KiB limit"),
            "{err}"
        );
        let (_, err, _) = draftlint(
            &["check", "--no-config", "--max-file-size", "lots", "big.txt"],
            dir.path(),
            b"",
        );
        assert!(err.contains("`lots` is not a size"), "{err}");
    }

    #[test]
    fn a_flood_of_brackets_in_markdown_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("flood.md"), "[".repeat(1_000_001)).unwrap();
        let (_, err, code) = draftlint(&["check", "--no-config", "flood.md"], dir.path(), b"");
        assert_eq!(code, 2);
        assert!(
            err.contains("flood.md: has 1000001 Markdown markup characters"),
            "{err}"
        );
        assert!(err.contains("--input-format text"), "{err}");
    }

    #[test]
    fn utf16_is_linted_and_not_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "Critics say it works. It it works.\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        std::fs::write(dir.path().join("utf16.txt"), &bytes).unwrap();
        let (out, _, _) = draftlint(
            &["check", "--no-config", "--format", "jsonl", "utf16.txt"],
            dir.path(),
            b"",
        );
        let rules: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d["rule"].as_str().unwrap(),
                    d["line"],
                    d["column"]
                )
            })
            .collect();
        assert_eq!(rules, ["vague-attribution:1:1", "repeated-word:1:23"]);
        let (_, err, _) = draftlint(
            &["check", "--no-config", "--fix", "utf16.txt"],
            dir.path(),
            b"",
        );
        assert!(
            err.contains(
                "utf16.txt: not fixed: it is UTF-16LE and --fix only rewrites UTF-8 files"
            ),
            "{err}"
        );
        assert_eq!(std::fs::read(dir.path().join("utf16.txt")).unwrap(), bytes);
    }

    #[test]
    fn legacy_encodings_need_a_label_or_a_meta_charset() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("latin1.txt"),
            b"Critics say the caf\xe9 is open.\n",
        )
        .unwrap();
        let (_, err, code) = draftlint(&["check", "--no-config", "latin1.txt"], dir.path(), b"");
        assert_eq!(code, 2);
        assert!(err.contains("name it with `--encoding`"), "{err}");
        let (out, _, _) = draftlint(
            &[
                "check",
                "--no-config",
                "--encoding",
                "latin1",
                "--format",
                "jsonl",
                "latin1.txt",
            ],
            dir.path(),
            b"",
        );
        assert!(out.contains("\"matched\":\"Critics say\""), "{out}");
        std::fs::write(
            dir.path().join("page.html"),
            b"<html><head><meta charset=\"windows-1252\"></head><body><p>Critics say the caf\xe9 is open.</p></body></html>",
        )
        .unwrap();
        let (out, err, _) = draftlint(
            &["check", "--no-config", "--format", "jsonl", "page.html"],
            dir.path(),
            b"",
        );
        assert!(out.contains("\"matched\":\"Critics say\""), "{out}{err}");
        let (_, err, _) = draftlint(
            &["check", "--no-config", "--encoding", "klingon", "page.html"],
            dir.path(),
            b"",
        );
        assert!(err.contains("unknown encoding `klingon`"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_loops_are_named_and_walks_count_skipped_links() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("loop.md", dir.path().join("loop.md")).unwrap();
        let (_, err, code) = draftlint(&["check", "--no-config", "loop.md"], dir.path(), b"");
        assert_eq!(code, 2);
        assert!(err.contains("loop.md: is a symbolic link loop"), "{err}");
        std::fs::create_dir(dir.path().join("site")).unwrap();
        std::fs::write(dir.path().join("real.md"), "Critics say so.\n").unwrap();
        std::os::unix::fs::symlink("../real.md", dir.path().join("site/link.md")).unwrap();
        let (out, _, _) = draftlint(&["check", "--no-config", "site"], dir.path(), b"");
        assert!(
            out.contains(
                "no findings in 0 files checked; 1 symbolic link skipped (--follow follows them)"
            ),
            "{out}"
        );
        let (_, err, _) = draftlint(
            &["check", "--no-config", "--format", "json", "site"],
            dir.path(),
            b"",
        );
        assert!(
            err.contains("note: 1 symbolic link skipped (use --follow"),
            "{err}"
        );
        let (out, err, _) = draftlint(
            &["check", "--no-config", "--follow", "site"],
            dir.path(),
            b"",
        );
        assert!(out.contains("in 1 file checked"), "{out}");
        assert!(!err.contains("skipped"), "{err}");
    }

    #[test]
    fn a_line_with_many_findings_shows_ten_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        // One unsourced claim per sentence, 3,000 sentences on one line.
        std::fs::write(
            dir.path().join("numbers.txt"),
            "Around 1,000 died. ".repeat(3000),
        )
        .unwrap();
        let (out, _, code) = draftlint(
            &[
                "check",
                "--no-config",
                "--only",
                "unsourced-number",
                "--color",
                "never",
                "numbers.txt",
            ],
            dir.path(),
            b"",
        );
        assert_eq!(code, 0);
        assert_eq!(out.matches("warning[unsourced-number]").count(), 10);
        assert!(
            out.contains(
                "… and 2990 more on this line (numbers.txt:1); `--format json` lists every finding"
            ),
            "{out}"
        );
        assert!(
            out.ends_with("0 errors, 3000 warnings, 0 infos in 1 file checked\n"),
            "{out}"
        );
        // Snippets of a long line are cut around the finding.
        assert!(out.contains(" --> numbers.txt:1:172\n"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        let (json, _, _) = draftlint(
            &[
                "check",
                "--no-config",
                "--only",
                "unsourced-number",
                "--format",
                "json",
                "numbers.txt",
            ],
            dir.path(),
            b"",
        );
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 3000);
        assert_eq!(diagnostics[2999]["column"], 2999 * 19 + 1);
    }
}
