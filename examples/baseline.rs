//! The benchmark baseline: the least any Markdown-aware prose linter must do. Reads every
//! Markdown file under the given folders, parses it with pulldown-cmark (offset iterator, the
//! same options as draftlint) and splits its text into sentences, in parallel like draftlint.
//! Prints the number of files, bytes and sentences so the work cannot be optimised away.

use std::path::PathBuf;

use pulldown_cmark::{Event, Options, Parser};
use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let mut files = Vec::new();
    for root in &roots {
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        for entry in ignore::WalkBuilder::new(root).build().flatten() {
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|e| e == "md" || e == "markdown")
            {
                files.push(path.to_path_buf());
            }
        }
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let (bytes, sentences) = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let mut sentences = 0usize;
            let mut paragraph = String::new();
            for (event, _) in Parser::new_ext(&text, options).into_offset_iter() {
                match event {
                    Event::Text(t) => paragraph.push_str(&t),
                    Event::SoftBreak | Event::HardBreak => paragraph.push(' '),
                    Event::End(_) => {
                        sentences += paragraph.split_sentence_bounds().count();
                        paragraph.clear();
                    }
                    _ => {}
                }
            }
            (text.len(), sentences)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{} files, {bytes} bytes, {sentences} sentences",
        files.len()
    );
}
