//! The engine: what every frontend lints through.
//!
//! The command line, the language server and the web page are three views of one thing: rules
//! loaded once, a team's `draftlint.toml`, inline suppressions, fixes, and the files of a tree.
//! If each frontend assembled those itself they would drift apart (a suppression honoured in CI
//! but not in the editor, a config found by one and not the other), so they live here, once.
//! Frontends only translate: arguments, LSP messages or HTTP requests in; printers, protocol
//! types or JSON out.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::config::{Config, ConfigError};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::dates::{DateSource, DocDate};
use crate::document::html_tree::{SelectorError, Selectors};
use crate::fix;
use crate::lint::{self, FileReport, Input, Settings};
use crate::rules::kinds::KINDS;
use crate::rules::vale::{ValeError, ValeFiles};
use crate::rules::{Rule, RuleError, RuleSet, testing};
use crate::source::{FileError, Format, ReadOptions, SourceText};

/// Where the run's `draftlint.toml` comes from.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// The first config file from this folder upwards (none found: defaults rooted here).
    Discover(PathBuf),
    /// This file.
    File(PathBuf),
    /// No config file: every loaded rule as it is; paths relative to this folder.
    Ignore(PathBuf),
}

/// What a frontend asks of the engine, before any file is seen.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    pub config: ConfigSource,
    /// Folders of rule files added after the config's own.
    pub rule_dirs: Vec<PathBuf>,
    /// Rules to run; empty means the config's `only`, or all.
    pub only: Vec<String>,
    /// Rules not to run, besides the config's `disable`.
    pub disable: Vec<String>,
    pub report_unused_suppressions: bool,
    /// A `.vale.ini` whose styles run too (else the config's `vale-config`, if any).
    pub vale_config: Option<PathBuf>,
    /// CSS selectors of the article in whole HTML pages; replace the config's `[html] content`.
    pub html_content: Vec<String>,
    /// The date undated drafts are read at (`--as-of`); else the config's `as-of`, else today.
    pub as_of: Option<jiff::civil::Date>,
}

impl EngineOptions {
    /// Options that discover the config from `folder` and change nothing else.
    pub fn discover(folder: impl Into<PathBuf>) -> Self {
        EngineOptions {
            config: ConfigSource::Discover(folder.into()),
            rule_dirs: Vec::new(),
            only: Vec::new(),
            disable: Vec::new(),
            report_unused_suppressions: false,
            vale_config: None,
            html_content: Vec::new(),
            as_of: None,
        }
    }
}

/// Why an engine could not be built. Each carries what a frontend needs to show it where it
/// belongs (an annotated snippet of the rule or config file).
#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An unknown rule id in `--only`, `--disable` or the config.
    #[error("{0}")]
    Selection(String),
    /// A `--html-content` selector that does not parse.
    #[error(transparent)]
    Selector(#[from] SelectorError),
    /// A `.vale.ini` that cannot be used at all.
    #[error(transparent)]
    Vale(#[from] ValeError),
}

/// Standard input as read (within the size limit).
pub type StdinBytes = Result<Vec<u8>, FileError>;

/// How to walk folders.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Parse every file as this format instead of guessing from its extension.
    pub input_format: Option<Format>,
    /// The name (and so the format) of standard input, for `-`.
    pub stdin_filename: Option<PathBuf>,
    /// Follow symbolic links met in folder walks (by default they are skipped and counted).
    pub follow: bool,
}

/// The files a run will lint, in a deterministic order, and the paths that could not be walked.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<String>,
    /// Symbolic links a walk did not follow (without `follow`), so that skipping is not silent.
    pub symlinks_skipped: usize,
}

/// The result of fixing one text until no fix is left.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// How many fixes were applied, over all passes.
    pub applied: usize,
    /// The findings that remain in `text`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Rules, config and suppression settings of a run, loaded once.
#[derive(Debug)]
pub struct Engine {
    pub rules: RuleSet,
    pub config: Config,
    report_unused_suppressions: bool,
    /// What a Vale configuration skipped or ignored, for the frontend to show.
    pub warnings: Vec<String>,
    /// Vale rule files that could not be used; the other rules run.
    pub broken_rules: Vec<RuleError>,
    /// The date documents that state none are read at.
    pub as_of: DocDate,
}

/// The most bytes of files one batch of [`Engine::lint_streaming`] reads (a larger file is a
/// batch of its own).
const BATCH_BYTES: u64 = 32 << 20;

/// Whether a batch of `files` files and `bytes` bytes ends before a file of `next` bytes.
fn batch_is_full(files: usize, bytes: u64, next: u64, max_files: usize) -> bool {
    files > 0 && (files >= max_files || bytes + next > BATCH_BYTES)
}

impl Engine {
    /// Loads the config, the built-in and configured rules, and keeps the selected ones.
    pub fn new(options: &EngineOptions) -> Result<Engine, EngineError> {
        let mut config = match &options.config {
            ConfigSource::Discover(folder) => Config::discover(folder)?,
            ConfigSource::File(path) => Config::load(path)?,
            ConfigSource::Ignore(root) => Config::empty(root.clone()),
        };
        if !options.html_content.is_empty() {
            config.html.content = Selectors::parse(&options.html_content)?;
        }
        let mut rule_dirs = config.rule_dirs.clone();
        rule_dirs.extend(options.rule_dirs.iter().cloned());
        let mut rules = RuleSet::load(&rule_dirs)?;
        let mut vale = Vale::default();
        if let Some(path) = options.vale_config.as_ref().or(config.vale_config.as_ref()) {
            vale = add_vale(path, &mut rules)?;
            config.vale = vale.files.take().map(std::sync::Arc::new);
        }
        if let Some(unknown) = config.rule_ids().find(|id| !rules.known_ids.contains(*id)) {
            let path = config
                .path
                .as_ref()
                .map_or(String::new(), |p| format!("{}: ", p.display()));
            return Err(EngineError::Selection(format!(
                "{path}unknown rule `{unknown}` (see `draftlint rules`)"
            )));
        }
        let only = if options.only.is_empty() {
            config.only.clone()
        } else {
            options.only.clone()
        };
        let mut disable = config.disable.clone();
        disable.extend(options.disable.iter().cloned());
        rules
            .select(&only, &disable)
            .map_err(EngineError::Selection)?;
        // Only now, with the rules chosen, are their patterns built: all at once, in parallel.
        let mut warnings = vale.warnings;
        for failure in crate::pattern::build_pending() {
            let rule = failure
                .rule
                .map_or(String::new(), |id| format!("rule `{id}`: "));
            warnings.push(format!(
                "{rule}a pattern could not be compiled and never matches ({}): {}",
                failure.error, failure.pattern
            ));
        }
        Ok(Engine {
            rules,
            report_unused_suppressions: options.report_unused_suppressions,
            warnings,
            broken_rules: vale.errors,
            as_of: run_date(options.as_of, config.as_of),
            config,
        })
    }

    pub fn settings(&self) -> Settings<'_> {
        Settings {
            rules: &self.rules,
            config: Some(&self.config),
            report_unused_suppressions: self.report_unused_suppressions,
            as_of: Some(self.as_of),
        }
    }

    /// The findings in one text: rules, suppressions, and the config's severities and
    /// overrides for `path` (a name is enough: nothing is read from it).
    pub fn lint_text(&self, text: &str, format: Format, path: Option<&Path>) -> Vec<Diagnostic> {
        lint::lint_with(text, format, path, &self.settings())
    }

    /// Lints `inputs` in parallel and hands each report to `emit` in input order, as soon as it
    /// and the ones before it are done. Files go through in batches of a few per thread, so at
    /// most a batch of files and their findings are held at once, whatever the size of the run.
    /// Files are read within `read`'s limits; `stdin` is what standard input gave, for `-`.
    pub fn lint_streaming<E>(
        &self,
        inputs: Vec<Input>,
        stdin: Option<StdinBytes>,
        read: &ReadOptions,
        mut emit: impl FnMut(FileReport) -> Result<(), E>,
    ) -> Result<(), E> {
        let settings = self.settings();
        // Files are linted in batches, each emitted in order once it is done. A batch ends at a
        // barrier (a thread that finished its files waits for one still on a long file), so
        // it is long: 64 files a thread (4 left a core idle for 7 % of the corpus's time). Its
        // total size is capped so that memory stays bounded by the largest file, not the tree.
        let max_files = 64 * rayon::current_num_threads();
        let mut stdin = stdin;
        let mut chunk: Vec<Input> = Vec::new();
        let mut chunk_bytes = 0u64;
        for input in inputs {
            let size = input
                .path
                .as_deref()
                .and_then(|path| std::fs::metadata(path).ok())
                .map_or(0, |meta| meta.len());
            if batch_is_full(chunk.len(), chunk_bytes, size, max_files) {
                self.lint_batch(
                    std::mem::take(&mut chunk),
                    &mut stdin,
                    read,
                    &settings,
                    &mut emit,
                )?;
                chunk_bytes = 0;
            }
            chunk_bytes += size;
            chunk.push(input);
        }
        if !chunk.is_empty() {
            self.lint_batch(chunk, &mut stdin, read, &settings, &mut emit)?;
        }
        Ok(())
    }

    /// Lints `chunk` in parallel and emits its reports in order.
    fn lint_batch<E>(
        &self,
        chunk: Vec<Input>,
        stdin: &mut Option<StdinBytes>,
        read: &ReadOptions,
        settings: &Settings<'_>,
        emit: &mut impl FnMut(FileReport) -> Result<(), E>,
    ) -> Result<(), E> {
        use rayon::prelude::*;
        // Standard input can be read once; it goes to the first `-`.
        let mut stdin_bytes = chunk
            .iter()
            .any(|i| i.path.is_none())
            .then(|| stdin.take())
            .flatten();
        let jobs: Vec<(Input, Option<StdinBytes>)> = chunk
            .into_iter()
            .map(|input| {
                let bytes = input
                    .path
                    .is_none()
                    .then(|| stdin_bytes.take().unwrap_or_else(|| Ok(Vec::new())));
                (input, bytes)
            })
            .collect();
        let reports: Vec<FileReport> =
            jobs.into_par_iter()
                .map(|(input, stdin)| {
                    let outcome = match (&input.path, stdin) {
                        (Some(path), _) => SourceText::read_with(path, input.format, read)
                            .and_then(|text| {
                                lint::lint_source(text, input.format, Some(path), settings)
                            }),
                        (None, bytes) => bytes
                            .unwrap_or_else(|| Ok(Vec::new()))
                            .and_then(|bytes| SourceText::decode_with(bytes, input.format, read))
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
        Ok(())
    }

    /// Applies fixes until none are left (a fix may uncover another; at most a few passes).
    /// `diagnostics` are the findings already known for `text`.
    pub fn fix_text(
        &self,
        text: &str,
        format: Format,
        path: Option<&Path>,
        diagnostics: Vec<Diagnostic>,
    ) -> Fixed {
        const MAX_PASSES: usize = 10;
        let mut fixed = Fixed {
            text: text.to_string(),
            applied: 0,
            diagnostics,
        };
        for _ in 0..MAX_PASSES {
            let (new_text, applied) = fix::apply_fixes(&fixed.text, &fixed.diagnostics);
            if applied == 0 {
                break;
            }
            fixed.applied += applied;
            fixed.text = new_text;
            fixed.diagnostics = self.lint_text(&fixed.text, format, path);
        }
        fixed
    }

    /// The severity that fails a run, unless the frontend overrides it.
    pub fn fail_on(&self) -> Severity {
        self.config.fail_on.unwrap_or(Severity::Error)
    }

    /// The files under `paths` that a run lints: files as named, folders walked (ignore files
    /// honoured, drafts by extension, the config's excludes applied), `-` for standard input.
    pub fn discover(&self, paths: &[PathBuf], walk: &WalkOptions) -> Discovered {
        let mut found = Discovered::default();
        for path in paths {
            if path.as_os_str() == "-" {
                let name = walk
                    .stdin_filename
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("<stdin>"));
                found.inputs.push(Input {
                    display: name.display().to_string(),
                    path: None,
                    format: walk
                        .input_format
                        .unwrap_or_else(|| Format::from_path(&name)),
                });
                continue;
            }
            if !path.is_dir() {
                if !path.exists() {
                    found.errors.push(missing_path_message(path));
                    continue;
                }
                found.inputs.push(input_for(path, walk));
                continue;
            }
            let mut walked = Vec::new();
            for entry in ignore::WalkBuilder::new(path)
                .follow_links(walk.follow)
                .build()
            {
                match entry {
                    Ok(entry) => {
                        let p = entry.path();
                        let file_type = entry.file_type();
                        if file_type.is_some_and(|t| t.is_symlink()) {
                            found.symlinks_skipped += 1;
                        } else if file_type.is_some_and(|t| t.is_file())
                            && is_draft(p)
                            && !self.config.is_excluded(p)
                        {
                            walked.push(input_for(p, walk));
                        }
                    }
                    Err(err) => found.errors.push(err.to_string()),
                }
            }
            walked.sort_by(|a, b| a.display.cmp(&b.display));
            found.inputs.extend(walked);
        }
        found
    }

    /// A rule by id, selected or not.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// What `draftlint explain` prints for a rule, or `None` for an unknown id.
    pub fn explain(&self, id: &str) -> Option<String> {
        self.rules.get(id).map(explain)
    }
}

/// The date undated drafts are read at: the frontend's `--as-of`, else the config's `as-of`,
/// else today. Frontends read the clock here and only here; the library's `lint_text` reads
/// no clock, so tests stay deterministic.
fn run_date(flag: Option<jiff::civil::Date>, config: Option<jiff::civil::Date>) -> DocDate {
    match (flag, config) {
        (Some(date), _) => DocDate::given(date, DateSource::AsOfFlag),
        (None, Some(date)) => DocDate::given(date, DateSource::Config),
        (None, None) => DocDate::given(jiff::Zoned::now().date(), DateSource::Today),
    }
}

/// A Vale configuration added to a rule set.
#[derive(Debug, Default)]
pub struct Vale {
    /// Which Vale rules apply to which files (taken by the config).
    pub files: Option<ValeFiles>,
    pub warnings: Vec<String>,
    pub errors: Vec<RuleError>,
}

/// Adds the rules of a `.vale.ini` to `rules`: the ones that load run, the broken ones and
/// what was skipped are returned for the frontend to show.
pub fn add_vale(path: &Path, rules: &mut RuleSet) -> Result<Vale, ValeError> {
    let mut setup = crate::rules::vale::load(path)?;
    setup.add_to(rules);
    Ok(Vale {
        files: Some(setup.files),
        warnings: setup.warnings,
        errors: setup.errors,
    })
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

/// Whether a file met in a folder walk is a draft (by extension).
pub fn is_draft(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| Format::WALKED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn input_for(path: &Path, walk: &WalkOptions) -> Input {
    let display = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    Input {
        display,
        path: Some(path.to_path_buf()),
        format: walk.input_format.unwrap_or_else(|| Format::from_path(path)),
    }
}

/// A rule's documentation: description, rationale, help, its kind's documentation and its
/// test cases with what the rule reports on them. Plain text that reads as Markdown.
pub fn explain(rule: &Rule) -> String {
    use std::fmt::Write;
    let meta = &rule.meta;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{} ({} {}, from {})\n",
        meta.id, meta.severity, meta.kind, meta.origin
    );
    let _ = writeln!(out, "{}\n", meta.description.trim());
    if !meta.rationale.trim().is_empty() {
        let _ = writeln!(out, "Why: {}\n", meta.rationale.trim());
    }
    if let Some(help) = &meta.help {
        let _ = writeln!(out, "Fix: {}\n", help.trim());
    }
    if let Some(kind) = KINDS.iter().find(|k| k.name == meta.kind) {
        let _ = writeln!(out, "Rule kind `{}`:\n", kind.name);
        for line in kind.doc.lines() {
            let _ = writeln!(out, "    {}", line.strip_prefix(' ').unwrap_or(line));
        }
        let _ = writeln!(out);
    }
    if !meta.tests.is_empty() {
        let _ = writeln!(out, "Examples:");
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
            let _ = writeln!(out, "  - {input}\n    → {verdict}");
            if let Some(note) = &case.note {
                let _ = writeln!(out, "    ({note})");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_ends_at_its_file_count_or_its_byte_budget() {
        assert!(
            !batch_is_full(0, 0, BATCH_BYTES * 2, 8),
            "a big file starts a batch"
        );
        assert!(
            batch_is_full(1, 10, BATCH_BYTES, 8),
            "and is one on its own"
        );
        assert!(!batch_is_full(7, BATCH_BYTES - 10, 10, 8));
        assert!(batch_is_full(7, BATCH_BYTES - 10, 11, 8));
        assert!(batch_is_full(8, 0, 0, 8));
    }
}
