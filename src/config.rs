//! `draftlint.toml`: a team's settings, found by walking up from the working folder.
//!
//! The first `draftlint.toml` (or `.draftlint.toml`) found from the working folder upwards
//! wins, as with `.editorconfig`-style tools, so a content repository configures every run in
//! it. Paths and globs in the file are relative to the file's folder.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use thiserror::Error;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::html_scope::HtmlOptions;
use crate::document::html_tree::Selectors;
use crate::span::Span;

pub const FILE_NAMES: &[&str] = &["draftlint.toml", ".draftlint.toml"];

/// A config file that cannot be used; carries its text for an annotated snippet.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub text: String,
    pub span: Option<Span>,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    /// Folders of rule files to load besides the built-in ones.
    #[serde(default)]
    rules: Vec<PathBuf>,
    /// Run only these rules.
    #[serde(default)]
    only: Vec<String>,
    /// Do not run these rules.
    #[serde(default)]
    disable: Vec<String>,
    /// Severity per rule id.
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    /// Globs of paths never linted.
    #[serde(default)]
    exclude: Vec<String>,
    /// The lowest severity that makes the run fail (exit 1).
    #[serde(default)]
    fail_on: Option<Severity>,
    #[serde(default, rename = "override")]
    overrides: Vec<OverrideFile>,
    /// A `.vale.ini` whose styles also run.
    #[serde(default)]
    vale_config: Option<PathBuf>,
    /// Which part of an HTML page is the article.
    #[serde(default)]
    html: HtmlFile,
    /// The date undated documents are read at (`as-of = 2026-11-01`).
    #[serde(default)]
    as_of: Option<toml::Spanned<toml::value::Datetime>>,
}

/// `[html]`: CSS selectors for the content of whole pages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct HtmlFile {
    /// The elements that are the article (`["article", ".post-body"]`).
    #[serde(default)]
    content: Vec<String>,
    /// Elements never linted (`[".share", "#comments"]`).
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideFile {
    files: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

/// Per-glob settings.
#[derive(Debug)]
pub struct Override {
    globs: GlobSet,
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
}

/// Settings of a run, from the config file (or defaults).
#[derive(Debug, Default)]
pub struct Config {
    /// The file they came from, if any.
    pub path: Option<PathBuf>,
    /// The folder paths are relative to.
    pub root: PathBuf,
    pub rule_dirs: Vec<PathBuf>,
    pub only: Vec<String>,
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    exclude: Option<GlobSet>,
    pub fail_on: Option<Severity>,
    pub overrides: Vec<Override>,
    /// The `.vale.ini` the file names (`vale-config`), relative paths resolved.
    pub vale_config: Option<PathBuf>,
    /// Which Vale rules apply to which files, once a Vale configuration is loaded.
    pub vale: Option<std::sync::Arc<crate::rules::vale::ValeFiles>>,
    /// The HTML parser's content and exclude selectors, compiled.
    pub html: HtmlOptions,
    /// The date undated documents are read at, for time anchors ("As of October 2024").
    pub as_of: Option<jiff::civil::Date>,
}

impl Config {
    /// No settings: every loaded rule as it is.
    pub fn empty(root: PathBuf) -> Config {
        Config {
            root,
            ..Config::default()
        }
    }

    /// The first config file from `start` upwards, or defaults when there is none.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        for dir in start.ancestors() {
            for name in FILE_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Config::load(&candidate);
                }
            }
        }
        Ok(Config::empty(absolute(start)))
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: display.clone(),
            text: String::new(),
            span: None,
            message: format!("cannot read: {e}"),
        })?;
        let error = |span: Option<Span>, message: String| ConfigError {
            path: display.clone(),
            text: text.clone(),
            span,
            message,
        };
        let file: ConfigFile = toml::from_str(&text)
            .map_err(|e| error(e.span().map(Span::from), e.message().trim().to_string()))?;
        let root = absolute(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        );
        let globs = |patterns: &[String]| -> Result<GlobSet, ConfigError> {
            let mut builder = GlobSetBuilder::new();
            for pattern in patterns {
                let glob = Glob::new(pattern).map_err(|e| {
                    let span = text
                        .find(pattern.as_str())
                        .map(|i| Span::new(i, i + pattern.len()));
                    error(span, format!("invalid glob: {e}"))
                })?;
                builder.add(glob);
            }
            builder
                .build()
                .map_err(|e| error(None, format!("invalid globs: {e}")))
        };
        let exclude = if file.exclude.is_empty() {
            None
        } else {
            Some(globs(&file.exclude)?)
        };
        let selectors = |list: &[String]| {
            Selectors::parse(list).map_err(|e| {
                let span = text
                    .find(e.selector.as_str())
                    .map(|i| Span::new(i, i + e.selector.len()));
                error(span, e.to_string())
            })
        };
        let html = HtmlOptions {
            content: selectors(&file.html.content)?,
            exclude: selectors(&file.html.exclude)?,
        };
        let overrides = file
            .overrides
            .iter()
            .map(|o| {
                Ok(Override {
                    globs: globs(&o.files)?,
                    disable: o.disable.clone(),
                    severity: o.severity.clone(),
                })
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let vale_config = file.vale_config.map(|p| root.join(p));
        let as_of = file
            .as_of
            .as_ref()
            .map(|value| {
                let span = Some(Span::from(value.span()));
                let date = value.get_ref().date.ok_or_else(|| {
                    error(span, "`as-of` needs a date (as-of = 2026-11-01)".into())
                })?;
                jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8)
                    .map_err(|e| error(span, format!("invalid `as-of` date: {e}")))
            })
            .transpose()?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            rule_dirs: file.rules.iter().map(|d| root.join(d)).collect(),
            root,
            only: file.only,
            disable: file.disable,
            severity: file.severity,
            exclude,
            fail_on: file.fail_on,
            overrides,
            vale_config,
            vale: None,
            html,
            as_of,
        })
    }

    /// Every rule id the config names, to check them against the loaded rules.
    pub fn rule_ids(&self) -> impl Iterator<Item = &String> {
        self.only
            .iter()
            .chain(&self.disable)
            .chain(self.severity.keys())
            .chain(
                self.overrides
                    .iter()
                    .flat_map(|o| o.disable.iter().chain(o.severity.keys())),
            )
    }

    /// The path relative to the config's folder, as globs see it.
    fn relative(&self, path: &Path) -> PathBuf {
        let path = absolute(path);
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(path)
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|g| g.is_match(self.relative(path)))
    }

    /// Applies severity settings and per-glob overrides to one file's diagnostics.
    pub fn adjust(&self, path: Option<&Path>, source: &str, diagnostics: &mut Vec<Diagnostic>) {
        if let Some(vale) = &self.vale {
            vale.adjust(path, source, diagnostics);
        }
        let applicable: Vec<&Override> = match path {
            Some(path) if !self.overrides.is_empty() => {
                let rel = self.relative(path);
                self.overrides
                    .iter()
                    .filter(|o| o.globs.is_match(&rel))
                    .collect()
            }
            _ => Vec::new(),
        };
        diagnostics.retain(|d| {
            !applicable
                .iter()
                .any(|o| o.disable.iter().any(|r| **r == *d.rule))
        });
        for d in diagnostics.iter_mut() {
            if let Some(&severity) = self.severity.get(&*d.rule) {
                d.severity = severity;
            }
            for o in &applicable {
                if let Some(&severity) = o.severity.get(&*d.rule) {
                    d.severity = severity;
                }
            }
        }
    }
}

/// Read once: config matching runs for every file, and the working folder does not change
/// during a run.
static WORKING_DIR: std::sync::LazyLock<PathBuf> =
    std::sync::LazyLock::new(|| std::env::current_dir().unwrap_or_default());

/// `path` made absolute against the working folder, with `.` and `..` resolved lexically, so
/// globs see the same path whether it was given as `drafts/a.md` or `./drafts/../drafts/a.md`.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        WORKING_DIR.join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The commented starter config `draftlint init` writes.
pub const STARTER: &str = r#"# draftlint configuration. draftlint uses the first draftlint.toml found from the
# working folder upwards; paths and globs here are relative to this file.

# Folders of your own rule files (TOML), added to the built-in rules. A rule with a built-in
# id replaces the built-in one.
# rules = ["style/rules"]

# Run only these rules, or run all but these. `draftlint rules` lists the ids.
# only = ["unsourced-number", "broken-link-text"]
# disable = ["filler-phrase"]

# Also run the Vale styles of a .vale.ini (never picked up unless named here or with
# --vale-config).
# vale-config = ".vale.ini"

# Never lint these paths.
exclude = ["node_modules/**", "vendor/**"]

# The lowest severity that fails the run (exit code 1): "error", "warning" or "info".
fail-on = "error"

# The date drafts without a date of their own are read at, for time anchors such as
# "As of October 2024" (stale-date). Without it, today's date.
# as-of = 2026-11-01

# Severity per rule.
[severity]
# vague-attribution = "error"

# Which part of a whole HTML page is the article (CSS selectors). By default draftlint
# reads <article> or <main> and leaves out menus, sidebars, forms and page footers.
# [html]
# content = ["article", ".post-body"]
# exclude = [".share", ".comments"]

# Settings for some paths only.
# [[override]]
# files = ["drafts/opinion/**"]
# disable = ["vague-attribution"]
# severity = { unsourced-number = "info" }
"#;
