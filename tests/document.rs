//! The document model: blocks, links, sentences, FAQ sections and source lists, in all three
//! formats, with exact source spans.

use draftlint::document::{BlockKind, Document, LinkKind, QuotationKind};
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

/// Each quotation as (kind, block, quoted text, text with marks, source of its span, words).
fn quotations<'t>(
    text: &'t str,
    doc: &'t Document<'t>,
) -> Vec<(QuotationKind, usize, &'t str, &'t str, &'t str, usize)> {
    doc.quotations
        .iter()
        .map(|q| {
            let block = &doc.blocks[q.block].text;
            (
                q.kind,
                q.block,
                &block[q.text.clone()],
                &block[q.outer.clone()],
                slice(text, q.span),
                q.words,
            )
        })
        .collect()
}

#[test]
fn quotations_straight_curly_and_across_sentences() {
    use QuotationKind::Inline;
    let text = "He said \"We will stay. We will fight.\" Then “it’s over,” she said.\n\nThe ‘experts’ don't agree on the ’90s or on Jones' car, and it’s 6'2\" tall.\n";
    let doc = Document::parse(text, Format::Markdown);
    assert_eq!(
        quotations(text, &doc),
        [
            (
                Inline,
                0,
                "We will stay. We will fight.",
                "\"We will stay. We will fight.\"",
                "\"We will stay. We will fight.\"",
                6
            ),
            (Inline, 0, "it’s over,", "“it’s over,”", "“it’s over,”", 2),
            (Inline, 1, "experts", "‘experts’", "‘experts’", 1),
        ]
    );
    let q = &doc.quotations[0];
    assert_eq!(q.text, 9..37);
    assert_eq!(q.outer, 8..38);
    assert_eq!(q.span.range(), 8..38);
    assert_eq!(doc.quotations_in(1).len(), 1);
    assert_eq!(doc.quotations_in(2).len(), 0);
    assert!(doc.in_quotation(0, 9..11));
    assert!(!doc.in_quotation(0, 0..2));
    assert!(!doc.in_quotation(0, 30..45));
}

#[test]
fn quotations_keep_exact_spans_with_crlf_emoji_and_cjk() {
    use QuotationKind::Inline;
    let text =
        "🎉 Fans shouted \"encore 🎶\" twice and she\r\nwrote “多谢” and 「东京は晴れ」.\r\n";
    let doc = Document::parse(text, Format::Text);
    assert_eq!(doc.blocks.len(), 1);
    assert_eq!(
        quotations(text, &doc),
        [
            (Inline, 0, "encore 🎶", "\"encore 🎶\"", "\"encore 🎶\"", 1),
            (Inline, 0, "多谢", "“多谢”", "“多谢”", 2),
            (
                Inline,
                0,
                "东京は晴れ",
                "「东京は晴れ」",
                "「东京は晴れ」",
                5
            ),
        ]
    );
    let spans: Vec<std::ops::Range<usize>> =
        doc.quotations.iter().map(|q| q.span.range()).collect();
    assert_eq!(spans, [18..31, 53..65, 70..91]);
    // The same in Markdown, where the CRLF inside the paragraph is a soft break.
    let doc = Document::parse(text, Format::Markdown);
    let spans: Vec<std::ops::Range<usize>> =
        doc.quotations.iter().map(|q| q.span.range()).collect();
    assert_eq!(spans, [18..31, 53..65, 70..91]);
}

#[test]
fn quotations_unbalanced_code_urls_and_multi_paragraph() {
    use QuotationKind::Inline;
    // An unclosed quote is no quotation, nor are marks in code or URLs.
    let text = "He said \"never and left.\n\nRun `echo \"hi\"` or see https://ex.org/a\"b\"c today.\n\n\"First paragraph of a long quote.\n\n\"Second, and last.\"\n\nAfter.\n";
    let doc = Document::parse(text, Format::Markdown);
    assert_eq!(
        quotations(text, &doc),
        [
            (
                Inline,
                2,
                "First paragraph of a long quote.",
                "\"First paragraph of a long quote.",
                "\"First paragraph of a long quote.",
                6
            ),
            (
                Inline,
                3,
                "Second, and last.",
                "\"Second, and last.\"",
                "\"Second, and last.\"",
                3
            ),
        ]
    );
    // Stray and nested marks never panic and never pair across blocks.
    for text in [
        "\"",
        "“",
        "”’‘",
        "a \" b",
        "‘n’ \"\"\" «»」「",
        "\"a \"b\" c\"",
    ] {
        let doc = Document::parse(text, Format::Text);
        for q in &doc.quotations {
            assert!(q.outer.end <= doc.blocks[q.block].text.len());
        }
    }
    let text = "\"a \"b\" c\"";
    let doc = Document::parse(text, Format::Text);
    assert_eq!(
        quotations(text, &doc),
        [(Inline, 0, "a \"b\" c", text, text, 3)]
    );
}

#[test]
fn block_quotes_are_quotations() {
    use QuotationKind::{Block, Inline};
    let text = "Intro.\n\n> We will *not* leave,\n> said \"nobody\".\n\nAfter.\n";
    let doc = Document::parse(text, Format::Markdown);
    assert_eq!(
        quotations(text, &doc),
        [
            (
                Block,
                1,
                "We will not leave, said \"nobody\".",
                "We will not leave, said \"nobody\".",
                "We will *not* leave,\n> said \"nobody\".",
                6
            ),
            (Inline, 1, "nobody", "\"nobody\"", "\"nobody\"", 1),
        ]
    );
    let html = "<p>Intro.</p><blockquote><p>Ask &amp; see.</p></blockquote><p>After « oui ».</p>";
    let doc = Document::parse(html, Format::Html);
    assert_eq!(
        quotations(html, &doc),
        [
            (Block, 1, "Ask & see.", "Ask & see.", "Ask &amp; see.", 2),
            (Inline, 2, " oui ", "« oui »", "« oui »", 1),
        ]
    );
}

#[test]
fn quotations_are_well_formed_on_any_mix_of_marks() {
    // A fixed pseudo-random walk over quote marks, apostrophes, letters, breaks and markup.
    let alphabet = [
        "\"",
        "“",
        "”",
        "„",
        "‘",
        "’",
        "'",
        "«",
        "»",
        "「",
        "」",
        "a",
        "9",
        " ",
        "\n\n",
        "> ",
        "`",
        "😀",
        "多",
        "\r\n",
        "*",
        "https://x.y/\"q\" ",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..3000 {
        let mut text = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        for format in [Format::Markdown, Format::Text, Format::Html] {
            let doc = Document::parse(&text, format);
            let mut last = (0, 0);
            for q in &doc.quotations {
                let block = &doc.blocks[q.block].text;
                assert!(
                    q.outer.start <= q.text.start && q.text.end <= q.outer.end,
                    "{text:?}"
                );
                assert!(q.outer.end <= block.len(), "{text:?}");
                assert!(
                    block.is_char_boundary(q.outer.start) && block.is_char_boundary(q.outer.end)
                );
                assert!(block.is_char_boundary(q.text.start) && block.is_char_boundary(q.text.end));
                assert!(q.span.end <= text.len());
                assert!((q.block, q.outer.start) >= last, "sorted: {text:?}");
                last = (q.block, q.outer.start);
            }
        }
    }
}
