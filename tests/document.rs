//! The document model: blocks, links, sentences, FAQ sections and source lists, in all three
//! formats, with exact source spans.

use draftlint::document::{BlockKind, Document, LinkKind};
use draftlint::source::Format;

fn slice(text: &str, span: draftlint::span::Span) -> &str {
    &text[span.range()]
}

#[test]
fn markdown_blocks_links_and_front_matter() {
    let text = "---\ntitle: Reports indicate\n---\n\n## A *fine* heading\n\nSee [the **report**](https://ex.org/a_(b)) and <https://ex.org/c>.\nUse `code` here.\n\n- one [ref][r]\n- two ![](img.png)\n\n> quoted\n\n| a | b |\n|---|---|\n| cell | [](x) |\n\n```\ncode block\n```\n\n[r]: https://ex.org/ref \"T\"\n";
    let doc = Document::parse(text, Format::Markdown);
    assert_eq!(
        slice(text, doc.front_matter.unwrap()),
        "---\ntitle: Reports indicate\n---"
    );
    let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BlockKind::Heading(2),
            BlockKind::Paragraph,
            BlockKind::ListItem,
            BlockKind::ListItem,
            BlockKind::BlockQuote,
            BlockKind::TableCell,
            BlockKind::TableCell,
            BlockKind::TableCell,
            BlockKind::TableCell,
            BlockKind::Code,
        ]
    );
    assert_eq!(doc.blocks[0].text, "A fine heading");
    assert_eq!(
        doc.blocks[1].text,
        "See the report and https://ex.org/c. Use \u{FFFC} here."
    );
    let links: Vec<(LinkKind, &str, &str, &str)> = doc
        .links
        .iter()
        .map(|l| {
            (
                l.kind,
                l.text.as_str(),
                slice(text, l.text_span),
                l.dest_span.map_or("", |s| slice(text, s)),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                LinkKind::Inline,
                "the report",
                "the **report**",
                "https://ex.org/a_(b)"
            ),
            (
                LinkKind::Autolink,
                "https://ex.org/c",
                "https://ex.org/c",
                "https://ex.org/c"
            ),
            (LinkKind::Reference, "ref", "ref", "https://ex.org/ref"),
            (LinkKind::Inline, "", "", "x"),
        ]
    );
    assert_eq!(doc.images.len(), 1);
    assert_eq!(doc.images[0].alt, "");
    // The sentence spans come back to the source exactly.
    let para = &doc.blocks[1];
    let spans: Vec<&str> = para.sentences.iter().map(|s| slice(text, s.span)).collect();
    assert_eq!(
        spans,
        [
            "See [the **report**](https://ex.org/a_(b)) and <https://ex.org/c>.",
            "Use `code` here."
        ]
    );
}

#[test]
fn markdown_broken_references_and_faq() {
    let text = "Intro with [a missing][nope] link and [just brackets].\n\n## FAQ\n\nSome intro.\n\n### Why now?\n\nBecause.\n\nMore because.\n\n**Who pays?**\n\nThe city.\n\nQ: Is it safe?\n\nA: Yes.\n\n## Next section\n\nText.\n";
    let doc = Document::parse(text, Format::Markdown);
    assert_eq!(doc.broken_references.len(), 1);
    assert_eq!(
        slice(text, doc.broken_references[0].span),
        "[a missing][nope]"
    );
    assert_eq!(doc.faqs.len(), 1);
    let faq = &doc.faqs[0];
    let pairs: Vec<(&str, Vec<&str>)> = faq
        .pairs
        .iter()
        .map(|p| {
            (
                doc.blocks[p.question].text.as_str(),
                p.answer
                    .clone()
                    .map(|a| doc.blocks[a].text.as_str())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Why now?", vec!["Because.", "More because."]),
            ("Who pays?", vec!["The city."]),
            ("Q: Is it safe?", vec!["A: Yes."]),
        ]
    );
}

#[test]
fn plain_text_structure_of_the_seed_draft() {
    let text = std::fs::read_to_string("examples/north-korea-draft.txt").unwrap();
    let doc = Document::parse(&text, Format::Text);
    let headings: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| b.kind.is_heading())
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(
        headings,
        [
            "Why Are North Korean Soldiers Defecting?",
            "North Korea and Russia’s Military Alliance",
            "Implications for the Ukraine Conflict",
            "Some basic below ask questions",
            "Here are some links where you can read more",
        ]
    );
    assert_eq!(doc.faqs.len(), 1);
    let faq = &doc.faqs[0];
    assert_eq!(doc.blocks[faq.opener].text, "FAQs:");
    assert_eq!(faq.pairs.len(), 4);
    for (i, pair) in faq.pairs.iter().enumerate() {
        let q = &doc.blocks[pair.question];
        assert!(q.text.ends_with('?'), "{}", q.text);
        assert_eq!(pair.answer.len(), 1, "answer {i}");
        let line = text[..doc.blocks[pair.answer.start].span.start]
            .matches('\n')
            .count()
            + 1;
        assert_eq!(line, 17 + 2 * i);
    }
    assert_eq!(doc.source_lists.len(), 1);
    let list = &doc.source_lists[0];
    assert_eq!(
        doc.blocks[list.lead.unwrap()].text,
        "Here are some links where you can read more"
    );
    let items: Vec<&str> = list
        .items
        .iter()
        .map(|&i| doc.blocks[i].text.as_str())
        .collect();
    assert_eq!(
        items,
        [
            "Newsweek – North Korean Troops Deserting in Ukrainenewsweek",
            "BBC – North Korean Involvement in Russia’s War",
            "Yonhap News Agency – North Korean Soldiers Defection",
        ]
    );
    // Sentences of the first paragraph, split at real boundaries only.
    assert_eq!(doc.blocks[0].sentences.len(), 4);
}

#[test]
fn plain_text_hard_wrapped_paragraphs_join() {
    let text = "The minister said on Tuesday that the plan\nwould cost more than expected.\n\nA second paragraph.\n";
    let doc = Document::parse(text, Format::Text);
    assert_eq!(doc.blocks.len(), 2);
    assert_eq!(
        doc.blocks[0].text,
        "The minister said on Tuesday that the plan would cost more than expected."
    );
    assert_eq!(doc.blocks[0].kind, BlockKind::Paragraph);
}

#[test]
fn html_blocks_links_and_skipped_content() {
    let text = "<html><head><title>T</title><style>p{}</style></head><body>\n<h2>FAQ</h2>\n<dl><dt>Why &amp; how?</dt><dd>Because <a href=\"https://ex.org/x\">the report</a> says so.</dd></dl>\n<ul><li><a href=\"#\">here</a></li><li><a>no href</a></li></ul>\n<pre>not prose</pre><p>Inline <code>x</code> <img src=\"a.png\" alt=\"\"> end.</p>\n</body></html>";
    let doc = Document::parse(text, Format::Html);
    let kinds: Vec<(BlockKind, &str)> = doc
        .blocks
        .iter()
        .map(|b| (b.kind, b.text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (BlockKind::Heading(2), "FAQ"),
            (BlockKind::Term, "Why & how?"),
            (BlockKind::Paragraph, "Because the report says so."),
            (BlockKind::ListItem, "here"),
            (BlockKind::ListItem, "no href"),
            (BlockKind::Code, ""),
            (BlockKind::Paragraph, "Inline \u{FFFC} \u{FFFC} end."),
        ]
    );
    let l = &doc.links[0];
    assert_eq!(slice(text, l.text_span), "the report");
    assert_eq!(slice(text, l.dest_span.unwrap()), "https://ex.org/x");
    assert_eq!(doc.links[1].dest.as_deref(), Some("#"));
    assert_eq!(doc.links[2].dest, None);
    assert_eq!(doc.faqs.len(), 1);
    assert_eq!(doc.faqs[0].pairs.len(), 1);
    // An entity keeps exact outer spans.
    let term = &doc.blocks[1];
    assert_eq!(
        slice(text, term.source_span(0..term.text.len())),
        "Why &amp; how?"
    );
}
