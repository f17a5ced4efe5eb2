//! The HTML report: one self-contained page for a run, to keep as a CI artefact.
//!
//! The page shows what `draftlint serve` shows, with the same stylesheet and the same
//! highlighting script (embedded, not linked: the report must open from a zip of artefacts,
//! offline). The script, not this printer, turns findings into highlights, so that the report
//! and the live page can never mark a different stretch of text for the same finding. Each
//! draft's findings are embedded exactly as `--format json` prints them.
//!
//! A run over a thousand files must still open quickly: drafts are rendered only when their
//! section is opened, and only the drafts that have findings carry their text.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::checkstyle::escape;
use super::json::text_document;
use super::{FileView, Summary, files_with_findings};
use crate::engine;
use crate::lint::FileReport;
use crate::rules::RuleSet;
use crate::serve::assets;

/// Up to this many drafts with findings, every section starts open; above, all start closed.
const OPEN_SECTIONS_UP_TO: usize = 20;

pub(super) fn write(
    reports: &[FileReport],
    rules: &RuleSet,
    out: &mut dyn Write,
) -> io::Result<()> {
    let summary = Summary::of(reports);
    let files: Vec<FileView<'_>> = files_with_findings(reports).collect();
    let open = files.len() <= OPEN_SECTIONS_UP_TO;

    let mut explanations = BTreeMap::new();
    let data: Vec<Value> = files
        .iter()
        .map(|file| {
            for d in file.diagnostics {
                if !explanations.contains_key(&*d.rule) {
                    let text = rules.get(&d.rule).map(engine::explain).unwrap_or_default();
                    explanations.insert(d.rule.to_string(), text);
                }
            }
            let document = text_document(file.path, file.text, file.bom_len, file.diagnostics);
            json!({
                "path": file.path,
                "text": file.text,
                "bom": file.bom_len,
                "diagnostics": document["diagnostics"],
            })
        })
        .collect();

    write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>draftlint report</title>\n<style>\n{}</style>\n</head>\n\
         <body class=\"report\">\n<header class=\"bar\"><h1>draftlint report</h1>\
         <p class=\"totals\">{} checked · {} · {} · {}</p></header>\n<main>\n",
        assets::STYLE,
        plural(summary.files_checked, "file"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    )?;

    write_summary_table(&files, out)?;

    for (i, file) in files.iter().enumerate() {
        let counts = Counts::of(file);
        write!(
            out,
            "<details class=\"file\" id=\"file-{i}\" data-file=\"{i}\"{}>\n\
             <summary><span class=\"path\">{}</span> {}</summary>\n\
             <div class=\"draft-view\" data-file=\"{i}\"></div>\n</details>\n",
            if open { " open" } else { "" },
            escape(file.path),
            counts.badges(),
        )?;
    }

    write_other_files(reports, out)?;

    // `<` is escaped inside the JSON so that no draft text can close the script element.
    let data = serde_json::to_string(&json!({ "files": data, "explain": explanations }))
        .map_err(io::Error::other)?
        .replace('<', "\\u003c");
    write!(
        out,
        "</main>\n<div id=\"card\" class=\"card\" role=\"dialog\" aria-label=\"Finding\" hidden></div>\n\
         <dialog id=\"explain\"><form method=\"dialog\"><button class=\"close\">Close</button></form>\
         <pre></pre></dialog>\n\
         <script type=\"application/json\" id=\"report-data\">{data}</script>\n\
         <script>\n{}</script>\n<script>\n{}</script>\n</body>\n</html>\n",
        assets::HIGHLIGHT_JS,
        assets::REPORT_JS,
    )
}

/// Files × severities, one row per draft with findings, and the totals.
fn write_summary_table(files: &[FileView<'_>], out: &mut dyn Write) -> io::Result<()> {
    if files.is_empty() {
        return writeln!(out, "<p class=\"clean\">No findings.</p>");
    }
    writeln!(
        out,
        "<table class=\"summary\"><caption>Findings per file</caption>\n<thead><tr>\
         <th scope=\"col\">File</th><th scope=\"col\">Errors</th><th scope=\"col\">Warnings</th>\
         <th scope=\"col\">Infos</th></tr></thead>\n<tbody>"
    )?;
    let mut total = Counts::default();
    for (i, file) in files.iter().enumerate() {
        let counts = Counts::of(file);
        total.add(counts);
        writeln!(
            out,
            "<tr><th scope=\"row\"><a href=\"#file-{i}\" data-open=\"{i}\">{}</a></th>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(file.path),
            counts.errors,
            counts.warnings,
            counts.infos,
        )?;
    }
    writeln!(
        out,
        "</tbody>\n<tfoot><tr><th scope=\"row\">Total ({})</th><td>{}</td><td>{}</td><td>{}</td>\
         </tr></tfoot></table>",
        plural(files.len(), "file"),
        total.errors,
        total.warnings,
        total.infos,
    )
}

/// The files without findings, and those that could not be linted, each listed once.
fn write_other_files(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut clean = Vec::new();
    let mut failed = Vec::new();
    for report in reports {
        match &report.outcome {
            Ok(linted) if linted.diagnostics.is_empty() => clean.push(&report.input.display),
            Ok(_) => {}
            Err(err) => failed.push((&report.input.display, err.to_string())),
        }
    }
    if !failed.is_empty() {
        writeln!(
            out,
            "<details class=\"others failed\" open><summary>{} not linted</summary><ul>",
            plural(failed.len(), "file")
        )?;
        for (path, err) in failed {
            writeln!(
                out,
                "<li><span class=\"path\">{}</span>: {}</li>",
                escape(path),
                escape(&err)
            )?;
        }
        writeln!(out, "</ul></details>")?;
    }
    if !clean.is_empty() {
        writeln!(
            out,
            "<details class=\"others clean\"><summary>{} without findings</summary><ul>",
            plural(clean.len(), "file")
        )?;
        for path in clean {
            writeln!(out, "<li class=\"path\">{}</li>", escape(path))?;
        }
        writeln!(out, "</ul></details>")?;
    }
    Ok(())
}

#[derive(Clone, Copy, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn of(file: &FileView<'_>) -> Counts {
        let mut counts = Counts::default();
        for d in file.diagnostics {
            match d.severity {
                crate::diagnostic::Severity::Error => counts.errors += 1,
                crate::diagnostic::Severity::Warning => counts.warnings += 1,
                crate::diagnostic::Severity::Info => counts.infos += 1,
            }
        }
        counts
    }

    fn add(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }

    /// Severity badges (icon and count; the icon is hidden from screen readers, the word is not).
    fn badges(self) -> String {
        [
            ("error", self.errors),
            ("warning", self.warnings),
            ("info", self.infos),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(severity, n)| {
            format!(
                "<span class=\"badge sev-{severity}\"><span class=\"icon\" aria-hidden=\"true\"></span>{}</span>",
                plural(*n, severity)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Input, Settings, lint_source};
    use crate::source::{FileError, Format, SourceText};

    fn report(rules: &RuleSet, name: &str, text: &str) -> FileReport {
        let source = SourceText::decode(text.as_bytes().to_vec()).unwrap();
        FileReport {
            input: Input {
                display: name.to_string(),
                path: None,
                format: Format::from_path(std::path::Path::new(name)),
            },
            outcome: lint_source(source, Format::Markdown, None, &Settings::new(rules)),
        }
    }

    /// The page around the embedded assets and data, and the data on its own.
    fn split(html: &str) -> (String, Value) {
        let (before, rest) = html
            .split_once("<script type=\"application/json\" id=\"report-data\">")
            .unwrap();
        let (data, after) = rest.split_once("</script>").unwrap();
        let page = format!("{before}[data]{after}")
            .replace(assets::STYLE, "[style.css]\n")
            .replace(assets::HIGHLIGHT_JS, "[highlight.js]\n")
            .replace(assets::REPORT_JS, "[report.js]\n");
        (page, serde_json::from_str(data).unwrap())
    }

    #[test]
    fn summary_sections_and_files_without_findings() {
        let rules = RuleSet::load(&[]).unwrap();
        let tricky = "\u{feff}Reports indicate </script><b>rain</b> around 12,000 times.\n";
        let mut reports = vec![
            report(&rules, "posts/a <&>.md", tricky),
            report(&rules, "posts/clean.md", "Fine.\n"),
            report(&rules, "posts/other.md", "Fine too.\n"),
        ];
        reports.push(FileReport {
            input: reports[1].input.clone(),
            outcome: Err(FileError::Binary { offset: 2 }),
        });
        reports[3].input.display = "posts/binary.md".into();
        let mut out = Vec::new();
        write(&reports, &rules, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        let (page, data) = split(&html);
        insta::assert_snapshot!(page);

        // The data holds each draft with findings exactly as `--format json` gives it.
        let linted = reports[0].outcome.as_ref().unwrap();
        let expected = text_document(
            "posts/a <&>.md",
            &linted.source.text,
            linted.source.bom_len,
            &linted.diagnostics,
        );
        let file = &data["files"][0];
        assert_eq!(file["diagnostics"], expected["diagnostics"]);
        assert_eq!(file["text"], linted.source.text.as_str());
        assert_eq!(file["bom"], 3);
        assert_eq!(data["files"].as_array().unwrap().len(), 1);
        assert!(
            data["explain"]["vague-attribution"]
                .as_str()
                .unwrap()
                .starts_with("vague-attribution (warning")
        );
        // No draft text can end the data's script element early.
        assert_eq!(html.matches("</script>").count(), 3);
    }

    #[test]
    fn a_clean_run_says_so() {
        let rules = RuleSet::load(&[]).unwrap();
        let mut out = Vec::new();
        write(&[report(&rules, "a.md", "Fine.\n")], &rules, &mut out).unwrap();
        let (page, data) = split(&String::from_utf8(out).unwrap());
        assert!(page.contains("<p class=\"clean\">No findings.</p>"));
        assert!(page.contains("<summary>1 file without findings</summary>"));
        assert_eq!(data["files"], serde_json::json!([]));
    }
}
