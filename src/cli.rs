//! The command line: argument parsing, file discovery and exit codes.
//!
//! This is the only place that uses `anyhow`: below it, errors are typed so that callers can
//! tell a bad rule file from an unreadable draft.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::fix;
use crate::lint::{self, FileReport, Input, Settings};
use crate::render::{self, OutputFormat, RenderOptions};
use crate::rules::kinds::KINDS;
use crate::rules::{RuleError, RuleMeta, RuleSet, testing};
use crate::source::{self, Format, ReadOptions};

/// Exit code: no finding at the failing level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: at least one finding at the failing level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, I/O or rule-file errors.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "draftlint",
    version,
    about = "A linter for articles: unsourced numbers, duplicated FAQs, broken link lists, vague attribution and template residue.",
    after_help = "Exit codes: 0 no error-severity finding, 1 at least one, 2 usage, I/O or rule-file error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint files and folders (Markdown, HTML, plain text).
    Check(CheckArgs),
    /// List the rules: id, kind, severity, description.
    Rules(RulesArgs),
    /// Explain a rule: what it finds, why, its kind's documentation and examples.
    Explain {
        /// The rule id, e.g. `vague-attribution`.
        rule: String,
        #[command(flatten)]
        rules: RulesArgs,
    },
    /// Run the `[[test]]` cases of rule files (the built-in ones by default).
    TestRules {
        /// A folder of rule files to test instead of the built-in rules.
        dir: Option<PathBuf>,
    },
    /// Write a commented starter `draftlint.toml` in the current folder.
    Init {
        /// Overwrite an existing draftlint.toml.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
struct RulesArgs {
    /// Add the rule files of DIR (repeatable); a rule with a built-in id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files and folders to lint; `-` reads standard input. Defaults to the current folder.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    only: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    disable: Vec<String>,
    #[command(flatten)]
    rules: RulesArgs,
    /// Name (and so format) of the text read from standard input.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Parse every file as this format instead of guessing from its extension.
    #[arg(long = "input-format", value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Use this config file instead of the discovered draftlint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore draftlint.toml files.
    #[arg(long)]
    no_config: bool,
    /// The lowest severity that fails the run (exit 1); overrides the config's `fail-on`.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<Severity>,
    /// Fail (exit 1) when there are more than N warnings.
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// Apply the fixes rules offer, writing files in place (atomically).
    #[arg(long)]
    fix: bool,
    /// With --fix, print a unified diff instead of writing.
    #[arg(long, requires = "fix")]
    diff: bool,
    /// Report suppression comments that suppress nothing.
    #[arg(long)]
    report_unused_suppressions: bool,
    /// Skip files (and standard input) larger than SIZE, e.g. 64M, 512K [default: 16M].
    #[arg(long, value_name = "SIZE", value_parser = source::parse_size)]
    max_file_size: Option<usize>,
    /// Read files that are not UTF-8 and have no byte-order mark with this encoding (a WHATWG
    /// label: windows-1252, latin1, iso-8859-15, shift_jis…).
    #[arg(long, value_name = "LABEL", value_parser = source::parse_encoding)]
    encoding: Option<&'static encoding_rs::Encoding>,
    /// Follow symbolic links when walking folders (by default they are skipped and counted).
    #[arg(long)]
    follow: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(EXIT_CLEAN);
            }
            if let Some(rule_err) = err.downcast_ref::<RuleError>() {
                eprintln!("{}", render_rule_error(rule_err));
            } else if let Some(config_err) = err.downcast_ref::<ConfigError>() {
                eprintln!(
                    "{}",
                    render::render_source_error(
                        &config_err.path,
                        &config_err.text,
                        config_err.span,
                        &config_err.message,
                        stderr_color(),
                    )
                );
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn stderr_color() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn render_rule_error(err: &RuleError) -> String {
    render::render_source_error(
        &err.origin,
        &err.text,
        err.span,
        &err.message,
        stderr_color(),
    )
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => list_rules(&args),
        Command::Explain { rule, rules } => explain(&rule, &rules),
        Command::TestRules { dir } => test_rules(dir.as_deref()),
        Command::Init { force } => init(force),
    }
}

fn init(force: bool) -> Result<u8> {
    let path = Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists (use --force to overwrite)",
            path.display()
        );
    }
    std::fs::write(path, config::STARTER)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(EXIT_CLEAN)
}

fn load_config(args: &CheckArgs) -> Result<Config> {
    Ok(if args.no_config {
        Config::empty(PathBuf::from("."))
    } else if let Some(path) = &args.config {
        Config::load(path)?
    } else {
        let cwd = std::env::current_dir().context("cannot read the working folder")?;
        Config::discover(&cwd)?
    })
}

fn check(args: CheckArgs) -> Result<u8> {
    let config = load_config(&args)?;
    let mut rule_dirs = config.rule_dirs.clone();
    rule_dirs.extend(args.rules.rule_dirs.iter().cloned());
    let mut rules = RuleSet::load(&rule_dirs)?;
    if let Some(unknown) = config.rule_ids().find(|id| !rules.known_ids.contains(*id)) {
        let path = config
            .path
            .as_ref()
            .map_or(String::new(), |p| p.display().to_string());
        anyhow::bail!("{path}: unknown rule `{unknown}` (see `draftlint rules`)");
    }
    let only = if args.only.is_empty() {
        config.only.clone()
    } else {
        args.only.clone()
    };
    let mut disable = config.disable.clone();
    disable.extend(args.disable.iter().cloned());
    rules.select(&only, &disable).map_err(anyhow::Error::msg)?;

    let mut exit = EXIT_CLEAN;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (inputs, walk_errors, symlinks_skipped) = collect_inputs(&paths, &args, &config);
    for err in &walk_errors {
        eprintln!("error: {err}");
        exit = EXIT_ERROR;
    }
    let read = ReadOptions {
        max_bytes: args.max_file_size.unwrap_or(source::MAX_FILE_BYTES),
        encoding: args.encoding,
    };
    // Read within the limit: `yes | draftlint check -` must stop at the limit, not at the
    // machine's memory.
    let stdin = if inputs.iter().any(|i| i.path.is_none()) {
        Some(source::read_limited(io::stdin().lock(), read.max_bytes))
    } else {
        None
    };
    let settings = Settings {
        rules: &rules,
        config: Some(&config),
        report_unused_suppressions: args.report_unused_suppressions,
    };

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Error);
    let mut failing = false;
    // With `--diff` the output is the diffs; otherwise the report streams out file by file.
    let (mut writer, mut diff_out): (_, Box<dyn Write>) = if args.diff {
        (None, Box::new(&mut out))
    } else {
        let mut writer =
            render::ReportWriter::begin(args.format, &rules, RenderOptions { color }, &mut out)?;
        writer.symlinks_skipped(symlinks_skipped);
        (Some(writer), Box::new(io::sink()))
    };
    lint_streaming(inputs, stdin, &settings, &read, |mut report| {
        if let Err(err) = &report.outcome {
            eprintln!("error: {}: {err}", report.input.display);
            exit = EXIT_ERROR;
        }
        if args.fix && fix_file(&mut report, &settings, args.diff, &mut diff_out)? {
            exit = EXIT_ERROR;
        }
        failing |= report
            .outcome
            .as_ref()
            .is_ok_and(|l| l.diagnostics.iter().any(|d| d.severity >= fail_on));
        if let Some(writer) = writer.as_mut() {
            writer.file(&report)?;
        }
        Ok(())
    })?;
    drop(diff_out);
    let Some(writer) = writer else {
        out.flush()?;
        return Ok(exit);
    };
    let summary = writer.finish()?;
    out.flush()?;
    if symlinks_skipped > 0 && args.format != OutputFormat::Human {
        // The human summary line counts them; machine formats have no place for it.
        eprintln!(
            "note: {symlinks_skipped} symbolic link{} skipped (use --follow to lint what {} to)",
            if symlinks_skipped == 1 { "" } else { "s" },
            if symlinks_skipped == 1 {
                "it points"
            } else {
                "they point"
            },
        );
    }
    let too_many_warnings = args.max_warnings.is_some_and(|max| summary.warnings > max);
    if exit == EXIT_CLEAN && (failing || too_many_warnings) {
        exit = EXIT_FINDINGS;
    }
    Ok(exit)
}

/// Standard input as read (within the size limit).
type StdinBytes = Result<Vec<u8>, source::FileError>;

/// Lints `inputs` in parallel and hands each report to `emit` in input order, as soon as it and
/// the ones before it are done. Files go through in batches of a few per thread, so at most a
/// batch of files and their findings are held at once, whatever the size of the run.
fn lint_streaming(
    inputs: Vec<Input>,
    stdin: Option<StdinBytes>,
    settings: &Settings<'_>,
    read: &ReadOptions,
    mut emit: impl FnMut(FileReport) -> Result<()>,
) -> Result<()> {
    use rayon::prelude::*;
    let batch = 4 * rayon::current_num_threads();
    let mut stdin = stdin;
    let mut inputs = inputs.into_iter().peekable();
    while inputs.peek().is_some() {
        let chunk: Vec<Input> = inputs.by_ref().take(batch).collect();
        // Standard input can be read once; it goes to the first `-`.
        let mut stdin_bytes = chunk
            .iter()
            .any(|i| i.path.is_none())
            .then(|| stdin.take())
            .flatten();
        let jobs: Vec<(Input, Option<StdinBytes>)> = chunk
            .into_iter()
            .map(|input| {
                let bytes = if input.path.is_none() {
                    Some(stdin_bytes.take().unwrap_or_else(|| Ok(Vec::new())))
                } else {
                    None
                };
                (input, bytes)
            })
            .collect();
        let reports: Vec<FileReport> = jobs
            .into_par_iter()
            .map(|(input, stdin)| {
                let outcome = match (&input.path, stdin) {
                    (Some(path), _) => source::SourceText::read_with(path, input.format, read)
                        .and_then(|text| {
                            lint::lint_source(text, input.format, Some(path), settings)
                        }),
                    (None, bytes) => bytes
                        .unwrap_or_else(|| Ok(Vec::new()))
                        .and_then(|bytes| {
                            source::SourceText::decode_with(bytes, input.format, read)
                        })
                        .and_then(|text| {
                            let name = Path::new(&input.display);
                            lint::lint_source(text, input.format, Some(name), settings)
                        }),
                };
                FileReport { input, outcome }
            })
            .collect();
        for report in reports {
            emit(report)?;
        }
    }
    Ok(())
}

/// Applies fixes to one file until none are left (at most a few passes), then writes it or
/// prints its diff. Returns whether the file could not be written.
fn fix_file(
    report: &mut FileReport,
    settings: &Settings<'_>,
    diff: bool,
    out: &mut dyn Write,
) -> Result<bool> {
    const MAX_PASSES: usize = 10;
    let Some(path) = report.input.path.clone() else {
        return Ok(false);
    };
    let format = report.input.format;
    let Ok(linted) = &mut report.outcome else {
        return Ok(false);
    };
    if let Some(encoding) = linted.source.transcoded_from {
        if linted.diagnostics.iter().any(|d| d.fix.is_some()) {
            eprintln!(
                "warning: {}: not fixed: it is {} and --fix only rewrites UTF-8 files (writing it back could change bytes no finding is about); convert it to UTF-8 to fix it",
                report.input.display,
                encoding.name()
            );
        }
        return Ok(false);
    }
    let original = linted.source.text.clone();
    let mut text = original.clone();
    let mut diagnostics = std::mem::take(&mut linted.diagnostics);
    let mut total = 0;
    for _ in 0..MAX_PASSES {
        let (fixed, applied) = fix::apply_fixes(&text, &diagnostics);
        if applied == 0 {
            break;
        }
        total += applied;
        text = fixed;
        diagnostics = lint::lint_with(&text, format, Some(&path), settings);
    }
    linted.diagnostics = diagnostics;
    if total == 0 {
        return Ok(false);
    }
    if diff {
        write!(
            out,
            "{}",
            fix::unified_diff(&report.input.display, &original, &text)
        )?;
        linted.source.text = text;
        return Ok(false);
    }
    let bom = "\u{feff}";
    let prefix = if linted.source.bom_len > 0 { bom } else { "" };
    let before = format!("{prefix}{original}");
    let after = format!("{prefix}{text}");
    match fix::write_atomic(&path, before.as_bytes(), after.as_bytes()) {
        Ok(()) => {
            eprintln!(
                "fixed {total} issue{} in {}",
                if total == 1 { "" } else { "s" },
                report.input.display
            );
            linted.source.text = text;
            Ok(false)
        }
        Err(err) => {
            eprintln!("error: {}: {err}", report.input.display);
            // Report what the file on disk still holds.
            linted.diagnostics = lint::lint_with(&original, format, Some(&path), settings);
            Ok(true)
        }
    }
}

/// Files to lint, in a deterministic order, the paths that could not be walked, and how many
/// symbolic links the walk skipped (without `--follow`).
fn collect_inputs(
    paths: &[PathBuf],
    args: &CheckArgs,
    config: &Config,
) -> (Vec<Input>, Vec<String>, usize) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut symlinks_skipped = 0;
    for path in paths {
        if path.as_os_str() == "-" {
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("<stdin>"));
            inputs.push(Input {
                display: name.display().to_string(),
                path: None,
                format: args
                    .input_format
                    .unwrap_or_else(|| Format::from_path(&name)),
            });
            continue;
        }
        if !path.is_dir() {
            if !path.exists() {
                errors.push(missing_path_message(path));
                continue;
            }
            inputs.push(input_for(path, args));
            continue;
        }
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path)
            .follow_links(args.follow)
            .build()
        {
            match entry {
                Ok(entry) => {
                    let p = entry.path();
                    let file_type = entry.file_type();
                    if file_type.is_some_and(|t| t.is_symlink()) {
                        // Not followed (that needs --follow): counted, so it is not silent.
                        symlinks_skipped += 1;
                    } else if file_type.is_some_and(|t| t.is_file())
                        && is_draft(p)
                        && !config.is_excluded(p)
                    {
                        found.push(input_for(p, args));
                    }
                }
                Err(err) => errors.push(err.to_string()),
            }
        }
        found.sort_by(|a, b| a.display.cmp(&b.display));
        inputs.extend(found);
    }
    (inputs, errors, symlinks_skipped)
}

/// Why a path named on the command line cannot be opened: missing, a dangling symbolic link,
/// or a symbolic link loop (which the OS reports as "too many levels of symbolic links").
fn missing_path_message(path: &Path) -> String {
    let shown = path.display();
    match std::fs::metadata(path) {
        Err(err)
            if err.raw_os_error() == Some(40) || err.to_string().contains("symbolic links") =>
        {
            format!(
                "{shown}: is a symbolic link loop (it points back to itself); fix or remove the link"
            )
        }
        _ if path.is_symlink() => match std::fs::read_link(path) {
            Ok(target) => format!(
                "{shown}: is a symbolic link to {}, which does not exist",
                target.display()
            ),
            Err(_) => format!("{shown}: is a broken symbolic link"),
        },
        _ => format!("{shown}: no such file or folder"),
    }
}

fn is_draft(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| Format::WALKED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn input_for(path: &Path, args: &CheckArgs) -> Input {
    let display = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    Input {
        display,
        path: Some(path.to_path_buf()),
        format: args.input_format.unwrap_or_else(|| Format::from_path(path)),
    }
}

fn list_rules(args: &RulesArgs) -> Result<u8> {
    let rules = RuleSet::load(&args.rule_dirs)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let widest = |field: fn(&RuleMeta) -> &str| {
        rules
            .rules
            .iter()
            .map(|r| field(&r.meta).len())
            .max()
            .unwrap_or(0)
    };
    let width = widest(|m| &m.id);
    let kind_width = widest(|m| &m.kind);
    for rule in &rules.rules {
        writeln!(
            out,
            "{:width$}  {:kind_width$}  {:7}  {}",
            rule.meta.id,
            rule.meta.kind,
            rule.meta.severity.as_str(),
            first_line(&rule.meta.description),
        )?;
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or("")
}

fn explain(id: &str, args: &RulesArgs) -> Result<u8> {
    let rules = RuleSet::load(&args.rule_dirs)?;
    let Some(rule) = rules.get(id) else {
        anyhow::bail!("unknown rule `{id}` (see `draftlint rules`)");
    };
    let meta = &rule.meta;
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "{} ({} {}, from {})\n",
        meta.id, meta.severity, meta.kind, meta.origin
    )?;
    writeln!(out, "{}\n", meta.description.trim())?;
    if !meta.rationale.trim().is_empty() {
        writeln!(out, "Why: {}\n", meta.rationale.trim())?;
    }
    if let Some(help) = &meta.help {
        writeln!(out, "Fix: {}\n", help.trim())?;
    }
    if let Some(kind) = KINDS.iter().find(|k| k.name == meta.kind) {
        writeln!(out, "Rule kind `{}`:\n", kind.name)?;
        for line in kind.doc.lines() {
            writeln!(out, "    {}", line.strip_prefix(' ').unwrap_or(line))?;
        }
        writeln!(out)?;
    }
    if !meta.tests.is_empty() {
        writeln!(out, "Examples:")?;
        for case in &meta.tests {
            let found = testing::run_case(rule, case);
            let verdict = if found.is_empty() {
                "not reported".to_string()
            } else {
                format!(
                    "reported: {}",
                    found
                        .iter()
                        .map(|f| format!("{f:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let input = case.input.trim_end().replace('\n', "\n      ");
            writeln!(out, "  - {input}\n    → {verdict}")?;
            if let Some(note) = &case.note {
                writeln!(out, "    ({note})")?;
            }
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

fn test_rules(dir: Option<&Path>) -> Result<u8> {
    let rules = match dir {
        Some(dir) => RuleSet::load_only(dir)?,
        None => RuleSet::load(&[])?,
    };
    let report = testing::run_all(&rules);
    let mut out = io::BufWriter::new(io::stdout().lock());
    for f in &report.failures {
        let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        writeln!(out, "FAIL {} ({}{at}), case {}", f.rule, f.origin, f.case)?;
        writeln!(out, "  input:    {:?}", f.input)?;
        writeln!(out, "  expected: {}", f.expected)?;
        writeln!(out, "  found:    {}", f.found)?;
    }
    writeln!(
        out,
        "{} rules, {} cases, {} failed",
        rules.rules.len(),
        report.cases,
        report.failures.len()
    )?;
    out.flush()?;
    Ok(if report.failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
