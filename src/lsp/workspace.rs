//! Which engine lints a document: the client's settings, and the `draftlint.toml` found from
//! the document's folder upwards, no further than the workspace folder that holds it.
//!
//! Building an engine compiles every rule (milliseconds), so engines are kept per config
//! file and rebuilt only when a config, a rule file or the client's settings change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::config::FILE_NAMES;
use crate::diagnostic::Severity;
use crate::engine::{ConfigSource, Engine, EngineError, EngineOptions};

/// What the client may set in `initializationOptions` or `workspace/didChangeConfiguration`
/// (bare, or under a `draftlint` key as VS Code-style settings nest it).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientSettings {
    /// Run only these rules.
    #[serde(default)]
    pub only: Vec<String>,
    /// Do not run these rules.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Folders of rule files, besides the config's; relative to the workspace folder.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Findings at or above this level show as errors; overrides the config's `fail-on`.
    #[serde(default, alias = "failOn")]
    pub fail_on: Option<Severity>,
}

impl ClientSettings {
    /// Whether a client sent no settings at all (`null`, `{}` or an empty `draftlint` key),
    /// as some do right after start: that must not wipe the `initializationOptions`.
    pub fn is_unset(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Null => true,
            serde_json::Value::Object(map) => match map.get("draftlint") {
                Some(inner) if map.len() == 1 => Self::is_unset(inner),
                _ => map.is_empty(),
            },
            _ => false,
        }
    }

    /// Reads settings sent by a client; `null` means the defaults.
    pub fn from_value(value: serde_json::Value) -> Result<ClientSettings, String> {
        let value = match value {
            serde_json::Value::Object(mut map) if map.contains_key("draftlint") => {
                map.remove("draftlint").unwrap_or_default()
            }
            other => other,
        };
        if value.is_null() {
            return Ok(ClientSettings::default());
        }
        serde_json::from_value(value).map_err(|e| format!("draftlint: invalid settings: {e}"))
    }
}

/// An engine, or why it could not be built (reported once, when it was tried).
pub type Built = Result<Arc<Engine>, Arc<EngineError>>;

/// The engines of a session, by the config file they read (or the folder of a tree with none).
#[derive(Debug, Default)]
pub struct Workspace {
    pub roots: Vec<PathBuf>,
    pub settings: ClientSettings,
    engines: HashMap<PathBuf, Built>,
}

/// A freshly built engine that failed, for the server to report.
pub struct Failure {
    pub error: Arc<EngineError>,
    pub config: Option<PathBuf>,
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>, settings: ClientSettings) -> Self {
        Workspace {
            roots,
            settings,
            engines: HashMap::new(),
        }
    }

    /// The workspace folder that holds `folder` (the innermost one).
    fn root_of(&self, folder: &Path) -> Option<&Path> {
        self.roots
            .iter()
            .filter(|r| folder.starts_with(r))
            .max_by_key(|r| r.components().count())
            .map(PathBuf::as_path)
    }

    /// The engine for a document at `path` (`None`: unsaved), building it on first use.
    /// A build that fails comes back with its failure, for the caller to report once.
    pub fn engine_for(&mut self, path: Option<&Path>) -> (Built, Option<Failure>) {
        let folder = match path.and_then(Path::parent) {
            Some(folder) => folder.to_path_buf(),
            None => self
                .roots
                .first()
                .cloned()
                .unwrap_or_else(|| std::env::current_dir().unwrap_or_default()),
        };
        let root = self.root_of(&folder).map(Path::to_path_buf);
        let config = find_config(&folder, root.as_deref());
        let key = config
            .clone()
            .unwrap_or_else(|| root.clone().unwrap_or_else(|| folder.clone()));
        if let Some(built) = self.engines.get(&key) {
            return (built.clone(), None);
        }
        let base = root.unwrap_or(folder);
        let options = EngineOptions {
            config: match &config {
                Some(file) => ConfigSource::File(file.clone()),
                None => ConfigSource::Ignore(base.clone()),
            },
            rule_dirs: self.settings.rules.iter().map(|d| base.join(d)).collect(),
            only: self.settings.only.clone(),
            disable: self.settings.disable.clone(),
            report_unused_suppressions: false,
            // A `vale-config` key in the workspace's draftlint.toml still applies.
            vale_config: None,
        };
        let built: Built = Engine::new(&options).map(Arc::new).map_err(Arc::new);
        self.engines.insert(key, built.clone());
        let failure = built.as_ref().err().map(|error| Failure {
            error: error.clone(),
            config,
        });
        (built, failure)
    }

    /// Forgets every engine: the next lint reads configs and rules again.
    pub fn reload(&mut self) {
        self.engines.clear();
    }

    /// Whether a change to `path` changes an engine: a config file, or a file in a folder
    /// of rule files that a built engine (or the client) loads.
    pub fn is_config_input(&self, path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if FILE_NAMES.contains(&name) {
            return true;
        }
        // A failed build may have stopped before learning its rule folders: any TOML file
        // might be the one to fix.
        let toml = path.extension().is_some_and(|e| e == "toml");
        if toml && self.engines.values().any(Result::is_err) {
            return true;
        }
        let in_rule_dir = |dir: &Path| path.starts_with(dir);
        self.engines
            .values()
            .flatten()
            .any(|e| e.config.rule_dirs.iter().any(|d| in_rule_dir(d)))
            || self.settings.rules.iter().any(|d| {
                d.is_absolute() && in_rule_dir(d)
                    || self.roots.iter().any(|r| in_rule_dir(&r.join(d)))
            })
    }
}

/// The first config file from `folder` upwards, stopping at `root` (inclusive) when given.
fn find_config(folder: &Path, root: Option<&Path>) -> Option<PathBuf> {
    for dir in folder.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if Some(dir) == root {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_found_within_the_workspace_only() {
        let outer = tempfile::tempdir().unwrap();
        std::fs::write(outer.path().join("draftlint.toml"), "").unwrap();
        let root = outer.path().join("site");
        let drafts = root.join("drafts");
        std::fs::create_dir_all(&drafts).unwrap();
        assert_eq!(find_config(&drafts, Some(&root)), None);
        assert_eq!(
            find_config(&drafts, None),
            Some(outer.path().join("draftlint.toml"))
        );
        std::fs::write(root.join(".draftlint.toml"), "").unwrap();
        assert_eq!(
            find_config(&drafts, Some(&root)),
            Some(root.join(".draftlint.toml"))
        );
    }

    #[test]
    fn settings_bare_or_nested() {
        let nested =
            serde_json::json!({"draftlint": {"only": ["repeated-word"], "failOn": "warning"}});
        let settings = ClientSettings::from_value(nested).unwrap();
        assert_eq!(settings.only, vec!["repeated-word".to_string()]);
        assert_eq!(settings.fail_on, Some(Severity::Warning));
        assert_eq!(
            ClientSettings::from_value(serde_json::Value::Null).unwrap(),
            ClientSettings::default()
        );
        for unset in [
            serde_json::json!(null),
            serde_json::json!({}),
            serde_json::json!({"draftlint": {}}),
        ] {
            assert!(ClientSettings::is_unset(&unset), "{unset}");
        }
        assert!(!ClientSettings::is_unset(&serde_json::json!({"only": []})));
        let err = ClientSettings::from_value(serde_json::json!({"onyl": []})).unwrap_err();
        assert!(err.contains("unknown field `onyl`"), "{err}");
    }
}
