//! The command line: argument parsing, file discovery and exit codes.
//!
//! This is the only place that uses `anyhow`: below it, errors are typed so that callers can
//! tell a bad rule file from an unreadable draft.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::config::{self, ConfigError};
use crate::diagnostic::Severity;
use crate::engine::{self, ConfigSource, Engine, EngineError, EngineOptions, WalkOptions};
use crate::fix;
use crate::lint::FileReport;
use crate::render::{self, OutputFormat, RenderOptions};
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
    /// Serve a local page to paste drafts into and see their findings, and a JSON API.
    Serve(ServeArgs),
    /// Write a commented starter `draftlint.toml` in the current folder.
    Init {
        /// Overwrite an existing draftlint.toml.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server on stdin/stdout, for editors (see README, "Editors").
    Lsp,
}

#[derive(Debug, Args)]
struct RulesArgs {
    /// Add the rule files of DIR (repeatable); a rule with a built-in id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// Also run the Vale styles this `.vale.ini` names (overrides `vale-config` in draftlint.toml).
    #[arg(long, value_name = "PATH")]
    vale_config: Option<PathBuf>,
}

/// What every command that lints takes: rules, config and suppression reporting.
#[derive(Debug, Args)]
struct EngineArgs {
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    only: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    disable: Vec<String>,
    #[command(flatten)]
    rules: RulesArgs,
    /// Use this config file instead of the discovered draftlint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore draftlint.toml files.
    #[arg(long)]
    no_config: bool,
    /// Report suppression comments that suppress nothing.
    #[arg(long)]
    report_unused_suppressions: bool,
}

impl EngineArgs {
    fn options(&self) -> Result<EngineOptions> {
        let cwd = std::env::current_dir().context("cannot read the working folder")?;
        let config = if self.no_config {
            ConfigSource::Ignore(cwd)
        } else if let Some(path) = &self.config {
            ConfigSource::File(path.clone())
        } else {
            ConfigSource::Discover(cwd)
        };
        Ok(EngineOptions {
            config,
            rule_dirs: self.rules.rule_dirs.clone(),
            only: self.only.clone(),
            disable: self.disable.clone(),
            report_unused_suppressions: self.report_unused_suppressions,
            vale_config: self.rules.vale_config.clone(),
            html_content: Vec::new(),
            as_of: None,
        })
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files and folders to lint; `-` reads standard input. Defaults to the current folder.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Name (and so format) of the text read from standard input.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Parse every file as this format instead of guessing from its extension.
    #[arg(long = "input-format", value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
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
    /// CSS selector of the article in whole HTML pages (repeatable); overrides `[html] content`.
    #[arg(long, value_name = "SELECTOR")]
    html_content: Vec<String>,
    /// Print, for each HTML page, which part of it was linted.
    #[arg(short, long)]
    verbose: bool,
    /// Read drafts that state no date of their own as of DATE (YYYY-MM-DD), for time
    /// anchors such as "As of October 2024"; overrides the config's `as-of`. Default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<jiff::civil::Date>,
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

#[derive(Debug, Args)]
struct ServeArgs {
    /// A folder whose drafts the page lists and opens (read-only).
    path: Option<PathBuf>,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on. Anything but loopback exposes the page (and PATH) to the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
    /// The largest request body and served draft, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::serve::DEFAULT_BODY_LIMIT)]
    max_body: usize,
    #[command(flatten)]
    engine: EngineArgs,
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
            let engine_err = err.downcast_ref::<EngineError>();
            let rule_err = match engine_err {
                Some(EngineError::Rule(e)) => Some(e),
                _ => err.downcast_ref::<RuleError>(),
            };
            let config_err = match engine_err {
                Some(EngineError::Config(e)) => Some(e),
                _ => err.downcast_ref::<ConfigError>(),
            };
            if let Some(rule_err) = rule_err {
                eprintln!("{}", render_rule_error(rule_err));
            } else if let Some(config_err) = config_err {
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
        Command::Serve(args) => serve(args),
        Command::Init { force } => init(force),
        Command::Lsp => match crate::lsp::run_stdio() {
            Ok(()) => Ok(EXIT_CLEAN),
            // The protocol asks for status 1 when `exit` comes without `shutdown`.
            Err(crate::lsp::LspError::ExitWithoutShutdown) => Ok(1),
            Err(err) => Err(err.into()),
        },
    }
}

fn serve(args: ServeArgs) -> Result<u8> {
    let options = args.engine.options()?;
    let engine = Engine::new(&options)?;
    show_vale_problems(&engine.warnings, &engine.broken_rules);
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this address can use the page{}",
            args.host,
            if args.path.is_some() {
                " and read the drafts it serves"
            } else {
                ""
            }
        );
    }
    let running = crate::serve::start(
        engine,
        crate::serve::ServeOptions {
            addr: std::net::SocketAddr::new(args.host, args.port),
            root: args.path,
            body_limit: args.max_body,
        },
    )?;
    let url = running.url();
    println!("draftlint serve: {url}");
    io::stdout().flush()?;
    if args.open {
        crate::serve::open_browser(&url);
    }
    running.wait()?;
    Ok(EXIT_CLEAN)
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

/// Where the config comes from, for `--no-config` and `--config FILE`.
fn engine_options(args: &CheckArgs) -> Result<EngineOptions> {
    Ok(EngineOptions {
        html_content: args.html_content.clone(),
        as_of: args.as_of,
        ..args.engine.options()?
    })
}

fn check(args: CheckArgs) -> Result<u8> {
    let engine = Engine::new(&engine_options(&args)?)?;

    let vale_broken = show_vale_problems(&engine.warnings, &engine.broken_rules);
    let mut exit = if vale_broken { EXIT_ERROR } else { EXIT_CLEAN };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walk = WalkOptions {
        input_format: args.input_format,
        stdin_filename: args.stdin_filename.clone(),
        follow: args.follow,
    };
    let discovered = engine.discover(&paths, &walk);
    for err in &discovered.errors {
        eprintln!("error: {err}");
        exit = EXIT_ERROR;
    }
    let symlinks_skipped = discovered.symlinks_skipped;
    let inputs = discovered.inputs;
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

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let fail_on = args.fail_on.unwrap_or_else(|| engine.fail_on());
    let mut failing = false;
    // With `--diff` the output is the diffs; otherwise the report streams out file by file.
    let (mut writer, mut diff_out): (_, Box<dyn Write>) = if args.diff {
        (None, Box::new(&mut out))
    } else {
        let mut writer = render::ReportWriter::begin(
            args.format,
            &engine.rules,
            RenderOptions { color },
            &mut out,
        )?;
        writer.symlinks_skipped(symlinks_skipped);
        (Some(writer), Box::new(io::sink()))
    };
    engine.lint_streaming(inputs, stdin, &read, |mut report| -> Result<()> {
        match &report.outcome {
            Err(err) => {
                eprintln!("error: {}: {err}", report.input.display);
                exit = EXIT_ERROR;
            }
            Ok(linted) if args.verbose => {
                if let Some(scope) = &linted.html_scope {
                    eprintln!("{}: linted {}", report.input.display, scope.describe());
                }
            }
            Ok(_) => {}
        }
        if args.fix && fix_file(&mut report, &engine, args.diff, &mut diff_out)? {
            exit = EXIT_ERROR;
        }
        failing |= report
            .outcome
            .as_ref()
            .is_ok_and(|l| l.diagnostics.iter().any(|d| d.severity >= fail_on));
        if let Some(writer) = writer.as_mut() {
            writer.file(report)?;
        }
        Ok(())
    })?;
    drop(diff_out);
    let Some(writer) = writer else {
        out.flush()?;
        leak_at_exit(engine);
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
    leak_at_exit(engine);
    Ok(exit)
}

/// The process exits right after a check: freeing every compiled automaton one by one costs
/// more than linting a small draft (3 % of its instructions), and the OS takes the memory back
/// at once.
fn leak_at_exit(engine: Engine) {
    std::mem::forget(engine);
}

/// Fixes one file until no fix is left, then writes it or prints its diff. Returns whether
/// the file could not be written.
fn fix_file(
    report: &mut FileReport,
    engine: &Engine,
    diff: bool,
    out: &mut dyn Write,
) -> Result<bool> {
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
    let diagnostics = std::mem::take(&mut linted.diagnostics);
    let fixed = engine.fix_text(&original, format, Some(&path), diagnostics);
    linted.diagnostics = fixed.diagnostics;
    let total = fixed.applied;
    let text = fixed.text;
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
            linted.diagnostics = engine.lint_text(&original, format, Some(&path));
            Ok(true)
        }
    }
}

/// Adds the rules of a Vale configuration and shows what it skipped and the rule files that
/// could not be used (the others still run). Returns whether a rule file was broken.
fn add_vale(path: &Path, rules: &mut RuleSet) -> Result<bool> {
    let vale = engine::add_vale(path, rules)?;
    Ok(show_vale_problems(&vale.warnings, &vale.errors))
}

fn show_vale_problems(warnings: &[String], errors: &[RuleError]) -> bool {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    for err in errors {
        eprintln!("{}", render_rule_error(err));
    }
    !errors.is_empty()
}

fn list_rules(args: &RulesArgs) -> Result<u8> {
    let mut rules = RuleSet::load(&args.rule_dirs)?;
    if let Some(path) = &args.vale_config {
        add_vale(path, &mut rules)?;
    }
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
    let mut rules = RuleSet::load(&args.rule_dirs)?;
    if let Some(path) = &args.vale_config {
        add_vale(path, &mut rules)?;
    }
    let Some(rule) = rules.get(id) else {
        anyhow::bail!("unknown rule `{id}` (see `draftlint rules`)");
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    write!(out, "{}", engine::explain(rule))?;
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
