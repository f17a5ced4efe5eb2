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
