//! Starts `draftlint lsp` for Zed, passing the user's `lsp.draftlint` settings through:
//! `initialization_options` at start and `settings` as the workspace configuration.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Draftlint;

impl zed::Extension for Draftlint {
    fn new() -> Self {
        Draftlint
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("draftlint")
            .ok_or("draftlint is not on PATH (cargo install --path . in its repository)")?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: Vec::new(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)?.initialization_options)
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)?.settings)
    }
}

zed::register_extension!(Draftlint);
