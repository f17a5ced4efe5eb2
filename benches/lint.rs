//! Library benchmarks (divan): parsing alone against parsing plus every built-in rule, on the
//! example draft and, when it is there, a sample of the shared corpus. End-to-end numbers and
//! the baseline comparison come from `scripts/bench.sh`; see BENCHMARKS.md.

use std::path::Path;

use draftlint::document::Document;
use draftlint::rules::RuleSet;
use draftlint::source::Format;

fn main() {
    divan::main();
}

fn seed() -> String {
    std::fs::read_to_string("examples/north-korea-draft.txt").expect("example draft")
}

/// Up to 200 Markdown files of the shared corpus, concatenated; empty when it is absent.
fn corpus_sample() -> String {
    let root = Path::new("../shared/corpora/lang-blog/posts");
    let mut text = String::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return text;
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for path in paths.into_iter().take(200) {
        text.push_str(&std::fs::read_to_string(path).unwrap_or_default());
        text.push('\n');
    }
    text
}

#[divan::bench]
fn load_builtin_rules() -> RuleSet {
    RuleSet::load(&[]).unwrap()
}

#[divan::bench]
fn parse_seed(bencher: divan::Bencher) {
    let text = seed();
    bencher.bench(|| {
        Document::parse(divan::black_box(&text), Format::Text)
            .blocks
            .len()
    });
}

#[divan::bench]
fn lint_seed(bencher: divan::Bencher) {
    let text = seed();
    let rules = RuleSet::load(&[]).unwrap();
    bencher
        .bench(|| draftlint::lint::lint_text(divan::black_box(&text), Format::Text, &rules).len());
}

#[divan::bench]
fn parse_corpus_sample(bencher: divan::Bencher) {
    let text = corpus_sample();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            Document::parse(divan::black_box(&text), Format::Markdown)
                .blocks
                .len()
        });
}

#[divan::bench]
fn lint_corpus_sample(bencher: divan::Bencher) {
    let text = corpus_sample();
    let rules = RuleSet::load(&[]).unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            draftlint::lint::lint_text(divan::black_box(&text), Format::Markdown, &rules).len()
        });
}

/// About 5,000 words of prose: the example draft under seven headings (so its FAQ and
/// sources repeat, which makes the duplicate rules work hardest).
fn five_thousand_words() -> String {
    let seed = seed();
    let mut text = String::new();
    while text.split_whitespace().count() < 5_000 {
        let n = text.matches("\n## Part").count() + 1;
        text.push_str(&format!("\n## Part {n}\n\n{seed}\n"));
    }
    text
}

/// What the language server does after a keystroke once the debounce ends: apply a
/// one-character range edit to the open document, lint the whole text, and convert every
/// finding to an LSP diagnostic (UTF-16 positions).
#[divan::bench]
fn lsp_relint_after_one_char_edit(bencher: divan::Bencher) {
    use draftlint::engine::{ConfigSource, Engine, EngineOptions};
    use draftlint::lsp::{OpenDocument, convert, lint};
    use draftlint::span::ColumnUnit;
    use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

    let text = five_thousand_words();
    let mut options = EngineOptions::discover(".");
    options.config = ConfigSource::Ignore(".".into());
    let engine = Engine::new(&options).unwrap();
    let uri = Url::parse("file:///drafts/long.md").unwrap();
    let mut doc = OpenDocument::new(uri, "markdown", 1, text);
    let at = Position::new(40, 10);
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        // Type a character, then delete it: the text never drifts between runs.
        let change = if version % 2 == 0 {
            TextDocumentContentChangeEvent {
                range: Some(Range::new(at, at)),
                range_length: None,
                text: "x".to_string(),
            }
        } else {
            TextDocumentContentChangeEvent {
                range: Some(Range::new(at, Position::new(at.line, at.character + 1))),
                range_length: None,
                text: String::new(),
            }
        };
        doc.apply_changes(version, vec![change], ColumnUnit::Utf16);
        let findings = lint(&engine, doc.text(), Format::Markdown, None).unwrap();
        convert::diagnostics(
            &doc,
            &findings,
            ColumnUnit::Utf16,
            draftlint::diagnostic::Severity::Error,
        )
        .len()
    });
}
