//! Snapshots of the human output, rendered without colour.

use draftlint::lint::lint_text;
use draftlint::render::render_diagnostic;
use draftlint::rules::RuleSet;
use draftlint::source::Format;

fn render_all(path: &str, text: &str, format: Format) -> String {
    let rules = RuleSet::load(&[]).unwrap();
    lint_text(text, format, &rules)
        .iter()
        .map(|d| render_diagnostic(path, text, d, false))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn seed_draft_human_output() {
    let text = std::fs::read_to_string("examples/north-korea-draft.txt").unwrap();
    insta::assert_snapshot!(render_all(
        "examples/north-korea-draft.txt",
        &text,
        Format::Text
    ));
}

#[test]
fn crlf_tabs_and_emoji_render_on_their_lines() {
    let text = "Caf\u{e9} \u{1F30D} ok.\r\n\tIndented: critics say the the end.\r\n";
    insta::assert_snapshot!(render_all("notes.txt", text, Format::Text));
}

#[test]
fn duplicated_faq_shows_answer_and_the_passages_it_repeats() {
    let path = "tests/fixtures/duplicated-faq/restated.md";
    let text = std::fs::read_to_string(path).unwrap();
    let mut rules = RuleSet::load(&[]).unwrap();
    rules.select(&["duplicated-faq".to_string()], &[]).unwrap();
    let rendered: Vec<String> = lint_text(&text, Format::Markdown, &rules)
        .iter()
        .map(|d| render_diagnostic(path, &text, d, false))
        .collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}
