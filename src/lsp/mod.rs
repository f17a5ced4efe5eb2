//! `draftlint lsp`: a language server over stdio, so findings appear in the writer's editor as
//! they type, linted by the same [`Engine`] as `draftlint check`.
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's own crates: a synchronous message
//! loop over crossbeam channels, with no async runtime. A linter needs nothing more (a lint
//! takes milliseconds), and a plain loop makes the rules that matter easy to see and to test:
//! the loop owns every open document and decides, by version, what may be published; one
//! worker thread lints, so a long lint never delays the next keystroke's bookkeeping.
//! (`tower-lsp` would add tokio and hide that ordering behind async tasks.) `lsp-types` stays
//! on 0.95, as rust-analyzer does: its `Url` converts to and from file paths, which config
//! discovery needs; 0.97's `Uri` does not.
//!
//! Timing: a change is linted once the document has been quiet for [`DEBOUNCE`]; open, save
//! and config changes lint at once. A result is published only if its version is still the
//! document's version, so older text never overwrites newer findings. Protocol types live
//! only in this module; the engine knows nothing of LSP.

mod actions;
pub mod convert;
mod document;
mod workspace;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, LogMessageParams,
    MessageType, PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams,
    SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use thiserror::Error;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Engine;
use crate::source::{FileError, Format};
use crate::span::ColumnUnit;

pub use document::{OpenDocument, format_for, lint};
pub use workspace::ClientSettings;

/// How long a document must be quiet after a change before it is linted.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Why the server stopped abnormally.
#[derive(Debug, Error)]
pub enum LspError {
    #[error("language server protocol: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    #[error("language server I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid initialize parameters: {0}")]
    Initialize(#[from] serde_json::Error),
    #[error("the client exited without asking for shutdown first")]
    ExitWithoutShutdown,
}

/// Serves over stdin and stdout until the client says `exit`.
pub fn run_stdio() -> Result<(), LspError> {
    let (connection, io_threads) = Connection::stdio();
    let result = run(connection);
    io_threads.join()?;
    result
}

/// Serves one client on `connection`: the initialize handshake, then the message loop.
pub fn run(connection: Connection) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let unit = negotiate_encoding(&params);
    let result = InitializeResult {
        capabilities: capabilities(unit),
        server_info: Some(ServerInfo {
            name: "draftlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut server = Server::new(&connection, &params, unit);
    server.start();
    server.main_loop(&connection.receiver)
}

/// UTF-8 when the client offers it (no conversion at all), else UTF-16, the spec's default.
fn negotiate_encoding(params: &InitializeParams) -> ColumnUnit {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

fn encoding_kind(unit: ColumnUnit) -> PositionEncodingKind {
    match unit {
        ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
        ColumnUnit::Utf16 => PositionEncodingKind::UTF16,
        ColumnUnit::Utf32 => PositionEncodingKind::UTF32,
    }
}

fn capabilities(unit: ColumnUnit) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding_kind(unit)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// A lint for the worker thread.
struct Job {
    uri: Url,
    version: i32,
    text: String,
    format: Format,
    path: Option<PathBuf>,
    engine: Arc<Engine>,
}

/// A finished lint, for the loop to publish if it is still current.
struct Done {
    uri: Url,
    version: i32,
    outcome: Result<Vec<Diagnostic>, FileError>,
}

/// Lints jobs in order; of several queued for one document only the newest is linted.
fn worker(jobs: Receiver<Job>, done: Sender<Done>) {
    while let Ok(first) = jobs.recv() {
        let mut batch: Vec<Job> = vec![first];
        for job in jobs.try_iter() {
            batch.retain(|j| j.uri != job.uri);
            batch.push(job);
        }
        for job in batch {
            let outcome = lint(&job.engine, &job.text, job.format, job.path.as_deref());
            let result = Done {
                uri: job.uri,
                version: job.version,
                outcome,
            };
            if done.send(result).is_err() {
                return;
            }
        }
    }
}

/// What the client told us it supports.
#[derive(Clone, Copy, Debug)]
struct ClientFlags {
    versioned_edits: bool,
    markdown_hover: bool,
    watch_files: bool,
}

struct Server {
    sender: Sender<Message>,
    unit: ColumnUnit,
    flags: ClientFlags,
    workspace: workspace::Workspace,
    docs: HashMap<Url, OpenDocument>,
    /// Documents waiting for their debounce to end, and when it ends.
    due: HashMap<Url, Instant>,
    /// Files carrying a config or rule-file error diagnostic, cleared on reload.
    load_errors: HashSet<Url>,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    shutting_down: bool,
    next_request: i32,
    /// The `initializationOptions`, in force until the client sends settings of its own.
    initial_settings: ClientSettings,
}

enum Flow {
    Continue,
    Exit,
}

impl Server {
    fn new(connection: &Connection, params: &InitializeParams, unit: ColumnUnit) -> Self {
        let caps = &params.capabilities;
        let flags = ClientFlags {
            versioned_edits: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            markdown_hover: caps
                .text_document
                .as_ref()
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_none_or(|formats| formats.contains(&lsp_types::MarkupKind::Markdown)),
            watch_files: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
        };
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)] // Older clients send only the root URI.
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok())
        {
            roots.push(root);
        }
        let (jobs, job_rx) = crossbeam_channel::unbounded();
        let (done_tx, done) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("draftlint-lint".to_string())
            .spawn(move || worker(job_rx, done_tx))
            .expect("spawn the lint thread");
        let mut server = Server {
            sender: connection.sender.clone(),
            unit,
            flags,
            workspace: workspace::Workspace::new(roots, ClientSettings::default()),
            docs: HashMap::new(),
            due: HashMap::new(),
            load_errors: HashSet::new(),
            jobs,
            done,
            shutting_down: false,
            next_request: 0,
            initial_settings: ClientSettings::default(),
        };
        let options = params.initialization_options.clone().unwrap_or_default();
        match ClientSettings::from_value(options) {
            Ok(settings) => {
                server.workspace.settings = settings.clone();
                server.initial_settings = settings;
            }
            Err(message) => server.show(MessageType::ERROR, message),
        }
        server
    }

    /// Asks the client to report changes to config and rule files.
    fn start(&mut self) {
        if !self.flags.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.toml".to_string()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "draftlint-config-files".to_string(),
                method: notif::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("draftlint-{}", self.next_request)),
            req::RegisterCapability::METHOD.to_string(),
            params,
        );
        self.send(request.into());
    }

    fn main_loop(&mut self, receiver: &Receiver<Message>) -> Result<(), LspError> {
        loop {
            let wait = self
                .due
                .values()
                .min()
                .map_or(Duration::from_secs(3600), |at| {
                    at.saturating_duration_since(Instant::now())
                });
            crossbeam_channel::select! {
                recv(receiver) -> message => {
                    // The client vanished without `exit`: nothing is left to serve.
                    let Ok(message) = message else { return Err(LspError::ExitWithoutShutdown) };
                    if let Flow::Exit = self.handle(message) {
                        return if self.shutting_down {
                            Ok(())
                        } else {
                            Err(LspError::ExitWithoutShutdown)
                        };
                    }
                }
                recv(self.done) -> done => {
                    if let Ok(done) = done {
                        self.finish(done);
                    }
                }
                default(wait) => {}
            }
            self.dispatch_due();
        }
    }

    /// Handles one message. A bug here costs that message (an error answer to a request, a
    /// log line), not the session.
    fn handle(&mut self, message: Message) -> Flow {
        let id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        let handled =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(message)));
        handled.unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            let message = format!("draftlint: internal error (please report it): {what}");
            self.log(MessageType::ERROR, message.clone());
            if let Some(id) = id {
                self.send(Response::new_err(id, ErrorCode::InternalError as i32, message).into());
            }
            Flow::Continue
        })
    }

    fn dispatch(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => return self.notification(notification),
            // Replies to our registration request: nothing to do either way.
            Message::Response(_) => {}
        }
        Flow::Continue
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutting_down {
            let message = "the server is shutting down".to_string();
            self.send(Response::new_err(id, ErrorCode::InvalidRequest as i32, message).into());
            return;
        }
        let response = match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutting_down = true;
                Response::new_ok(id, ())
            }
            req::CodeActionRequest::METHOD => match serde_json::from_value(request.params) {
                Ok(params) => Response::new_ok(id, self.code_actions(params)),
                Err(e) => invalid_params(id, e),
            },
            req::HoverRequest::METHOD => match serde_json::from_value(request.params) {
                Ok(params) => Response::new_ok(id, self.hover(params)),
                Err(e) => invalid_params(id, e),
            },
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("draftlint does not handle {method}"),
            ),
        };
        self.send(response.into());
    }

    fn notification(&mut self, n: Notification) -> Flow {
        let Notification { method, params } = n;
        match method.as_str() {
            notif::Exit::METHOD => return Flow::Exit,
            notif::DidOpenTextDocument::METHOD => {
                if let Some(p) = self.params::<DidOpenTextDocumentParams>(&method, params) {
                    let d = p.text_document;
                    let doc = OpenDocument::new(d.uri.clone(), &d.language_id, d.version, d.text);
                    self.docs.insert(d.uri.clone(), doc);
                    self.lint_now(&d.uri);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Some(p) = self.params::<DidChangeTextDocumentParams>(&method, params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        doc.apply_changes(p.text_document.version, p.content_changes, self.unit);
                        self.due.insert(uri, Instant::now() + DEBOUNCE);
                    }
                }
            }
            notif::DidSaveTextDocument::METHOD => {
                if let Some(p) = self.params::<DidSaveTextDocumentParams>(&method, params) {
                    let uri = p.text_document.uri;
                    let path = uri.to_file_path().ok();
                    if path.is_some_and(|p| self.workspace.is_config_input(&p)) {
                        self.reload();
                    } else {
                        self.lint_now(&uri);
                    }
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Some(p) = self.params::<DidCloseTextDocumentParams>(&method, params) {
                    let uri = p.text_document.uri;
                    self.docs.remove(&uri);
                    self.due.remove(&uri);
                    self.publish(uri, Vec::new(), None);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                if let Some(p) = self.params::<DidChangeWatchedFilesParams>(&method, params) {
                    let relevant = p.changes.iter().any(|c| {
                        c.uri
                            .to_file_path()
                            .is_ok_and(|p| self.workspace.is_config_input(&p))
                    });
                    if relevant {
                        self.reload();
                    }
                }
            }
            notif::DidChangeConfiguration::METHOD => {
                if let Some(p) = self.params::<DidChangeConfigurationParams>(&method, params) {
                    let settings = if ClientSettings::is_unset(&p.settings) {
                        Ok(self.initial_settings.clone())
                    } else {
                        ClientSettings::from_value(p.settings)
                    };
                    match settings {
                        Ok(settings) => {
                            self.workspace.settings = settings;
                            self.reload();
                        }
                        Err(message) => self.show(MessageType::ERROR, message),
                    }
                }
            }
            _ => {}
        }
        Flow::Continue
    }

    /// A notification's parameters; invalid ones are logged and the notification dropped.
    fn params<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: serde_json::Value,
    ) -> Option<T> {
        match serde_json::from_value(params) {
            Ok(params) => Some(params),
            Err(err) => {
                self.log(
                    MessageType::WARNING,
                    format!("draftlint: invalid {method} parameters: {err}"),
                );
                None
            }
        }
    }

    /// Rebuilds engines and lints every open document again.
    fn reload(&mut self) {
        self.workspace.reload();
        for uri in std::mem::take(&mut self.load_errors) {
            self.publish(uri, Vec::new(), None);
        }
        let uris: Vec<Url> = self.docs.keys().cloned().collect();
        for uri in uris {
            self.lint_now(&uri);
        }
    }

    /// The engine for a document; a failure to build it is shown once, on the file at
    /// fault and as a message.
    fn engine_for(&mut self, uri: &Url) -> Option<Arc<Engine>> {
        let path = self.docs.get(uri)?.path.clone();
        let (built, failure) = self.workspace.engine_for(path.as_deref());
        if let Some(failure) = failure {
            let problem =
                convert::load_problem(&failure.error, failure.config.as_deref(), self.unit);
            self.show(MessageType::ERROR, problem.summary);
            if let Some(uri) = problem.uri {
                self.publish(uri.clone(), vec![problem.diagnostic], None);
                self.load_errors.insert(uri);
            }
        }
        built.ok()
    }

    fn lint_now(&mut self, uri: &Url) {
        self.due.insert(uri.clone(), Instant::now());
        self.dispatch_due();
    }

    fn dispatch_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Url> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            let Some(format) = self.docs.get(&uri).and_then(|d| d.format) else {
                continue;
            };
            let Some(engine) = self.engine_for(&uri) else {
                // No engine, no findings: show none rather than stale ones.
                let version = self.docs.get(&uri).map(|d| d.version);
                self.publish(uri, Vec::new(), version);
                continue;
            };
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            let job = Job {
                uri: uri.clone(),
                version: doc.version,
                text: doc.text().to_string(),
                format,
                path: doc.path.clone(),
                engine,
            };
            // The worker lives as long as the server; a failed send means it panicked.
            if self.jobs.send(job).is_err() {
                self.log(
                    MessageType::ERROR,
                    "draftlint: the lint thread stopped".into(),
                );
            }
        }
    }

    /// Publishes a finished lint, unless the document changed or closed meanwhile.
    fn finish(&mut self, done: Done) {
        if self
            .docs
            .get(&done.uri)
            .is_none_or(|d| d.version != done.version)
        {
            return;
        }
        let findings = match done.outcome {
            Ok(findings) => findings,
            Err(err) => {
                let message = format!("draftlint: {} (version {}): {err}", done.uri, done.version);
                self.log(MessageType::ERROR, message);
                Vec::new()
            }
        };
        if let Some(doc) = self.docs.get_mut(&done.uri) {
            doc.findings = Some((done.version, findings));
        }
        self.publish_current(&done.uri);
    }

    fn fail_on(&mut self, uri: &Url) -> Severity {
        let configured = self.engine_for(uri).map(|e| e.fail_on());
        self.workspace
            .settings
            .fail_on
            .or(configured)
            .unwrap_or(Severity::Error)
    }

    fn publish_current(&mut self, uri: &Url) {
        let fail_on = self.fail_on(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let Some(findings) = doc.current_findings() else {
            return;
        };
        let diagnostics = convert::diagnostics(doc, findings, self.unit, fail_on);
        let version = Some(doc.version);
        self.publish(uri.clone(), diagnostics, version);
    }

    /// Makes sure the document's findings are those of its current text (a request may
    /// arrive during the debounce), linting it here if not.
    fn current(&mut self, uri: &Url) -> Option<(Arc<Engine>, Format)> {
        let format = self.docs.get(uri)?.format?;
        let engine = self.engine_for(uri)?;
        let doc = self.docs.get_mut(uri)?;
        if doc.current_findings().is_none() {
            let findings =
                lint(&engine, doc.text(), format, doc.path.as_deref()).unwrap_or_default();
            doc.findings = Some((doc.version, findings));
            self.due.remove(uri);
            self.publish_current(uri);
        }
        Some((engine, format))
    }

    fn code_actions(&mut self, params: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = params.text_document.uri;
        if let Some(only) = &params.context.only
            && !only
                .iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        {
            return Vec::new();
        }
        let Some((_, format)) = self.current(&uri) else {
            return Vec::new();
        };
        let fail_on = self.fail_on(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let request = doc.span(params.range, self.unit);
        let edits = actions::Edits {
            unit: self.unit,
            versioned: self.flags.versioned_edits,
            fail_on,
        };
        actions::code_actions(
            doc,
            format,
            doc.current_findings().unwrap_or(&[]),
            request,
            edits,
        )
    }

    fn hover(&mut self, params: HoverParams) -> Option<lsp_types::Hover> {
        let at = params.text_document_position_params;
        let (engine, _) = self.current(&at.text_document.uri)?;
        let doc = self.docs.get(&at.text_document.uri)?;
        let offset = doc.offset(at.position, self.unit);
        let findings = doc.current_findings()?;
        actions::hover(
            doc,
            &engine,
            findings,
            offset,
            self.unit,
            self.flags.markdown_hover,
        )
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(notif::PublishDiagnostics::METHOD.to_string(), params).into());
    }

    fn show(&self, typ: MessageType, message: String) {
        self.log(typ, message.clone());
        let params = ShowMessageParams { typ, message };
        self.send(Notification::new(notif::ShowMessage::METHOD.to_string(), params).into());
    }

    fn log(&self, typ: MessageType, message: String) {
        let params = LogMessageParams { typ, message };
        self.send(Notification::new(notif::LogMessage::METHOD.to_string(), params).into());
    }

    fn send(&self, message: Message) {
        // Only fails once the client is gone; the loop then ends on its own.
        let _ = self.sender.send(message);
    }
}

fn invalid_params(id: RequestId, err: serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, err.to_string())
}

#[cfg(test)]
mod tests {
    use std::any::Any;

    use super::*;
    use crate::document::Document;
    use crate::engine::{ConfigSource, EngineOptions};
    use crate::rules::{Check, Rule, RuleMeta};

    #[derive(Debug)]
    struct Panics;

    impl Check for Panics {
        fn check(&self, _doc: &Document<'_>, _rule: &RuleMeta, _out: &mut Vec<Diagnostic>) {
            panic!("a rule bug");
        }

        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    fn engine(with_panicking_rule: bool) -> Arc<Engine> {
        let mut options = EngineOptions::discover(".");
        options.config = ConfigSource::Ignore(".".into());
        let mut engine = Engine::new(&options).unwrap();
        if with_panicking_rule {
            let mut meta = engine.rules.rules[0].meta.clone();
            meta.id = "panics".to_string();
            engine.rules.rules.push(Rule {
                meta,
                check: Box::new(Panics),
                cost: Default::default(),
            });
        }
        Arc::new(engine)
    }

    /// A server with one open document, and the client's end of its connection.
    fn server_with(text: &str, version: i32) -> (Server, Connection, Url) {
        let (server_end, client_end) = Connection::memory();
        let mut server = Server::new(&server_end, &InitializeParams::default(), ColumnUnit::Utf16);
        let uri = Url::parse("file:///drafts/a.md").unwrap();
        let doc = OpenDocument::new(uri.clone(), "markdown", version, text.to_string());
        server.docs.insert(uri.clone(), doc);
        (server, client_end, uri)
    }

    fn sent(client: &Connection) -> Vec<Notification> {
        client
            .receiver
            .try_iter()
            .filter_map(|m| match m {
                Message::Notification(n) => Some(n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_result_for_older_text_is_never_published() {
        let text = "It was the the end.\n";
        let (mut server, client, uri) = server_with(text, 3);
        let findings = lint(&engine(false), text, Format::Markdown, None).unwrap();
        assert_eq!(findings.len(), 1);
        let done = |version| Done {
            uri: uri.clone(),
            version,
            outcome: Ok(findings.clone()),
        };
        server.finish(done(2));
        assert!(sent(&client).is_empty(), "stale result published");
        server.finish(done(3));
        let published = sent(&client);
        assert_eq!(published.len(), 1);
        let params: PublishDiagnosticsParams =
            serde_json::from_value(published[0].params.clone()).unwrap();
        assert_eq!((params.version, params.diagnostics.len()), (Some(3), 1));
    }

    #[test]
    fn a_panicking_rule_costs_that_version_only() {
        let text = "It was the the end.\n";
        let outcome = lint(&engine(true), text, Format::Markdown, None);
        assert!(
            matches!(&outcome, Err(FileError::Internal(m)) if m == "a rule bug"),
            "{outcome:?}"
        );
        let (mut server, client, uri) = server_with(text, 1);
        server.finish(Done {
            uri: uri.clone(),
            version: 1,
            outcome,
        });
        let first = sent(&client);
        let methods: Vec<&str> = first.iter().map(|n| n.method.as_str()).collect();
        assert_eq!(
            methods,
            ["window/logMessage", "textDocument/publishDiagnostics"]
        );
        let log: LogMessageParams = serde_json::from_value(first[0].params.clone()).unwrap();
        assert_eq!(log.typ, MessageType::ERROR);
        assert!(
            log.message.ends_with(
                "(version 1): internal error while linting (please report it): a rule bug"
            ),
            "{}",
            log.message
        );
        let params: PublishDiagnosticsParams =
            serde_json::from_value(first[1].params.clone()).unwrap();
        assert_eq!((params.version, params.diagnostics.len()), (Some(1), 0));
        // The next version lints normally.
        let findings = lint(&engine(false), text, Format::Markdown, None).unwrap();
        server.docs.get_mut(&uri).unwrap().version = 2;
        server.finish(Done {
            uri,
            version: 2,
            outcome: Ok(findings),
        });
        assert_eq!(sent(&client).len(), 1);
    }
}
