//! The HTTP side of `draftlint serve`: routes, request limits, and the folder's confinement.
//!
//! | Route | Answer |
//! |---|---|
//! | `GET /` and `/assets/*` | the page (embedded) |
//! | `POST /api/lint` `{text, format?, path?, rules?}` | the `--format json` document for `text` |
//! | `POST /api/fix` (same body) | `{text, applied}` plus the document of what remains |
//! | `GET /api/rules` | the rules this server runs |
//! | `GET /api/explain/{rule}` | `draftlint explain`, as plain text |
//! | `GET /api/files`, `GET /api/file?path=` | the drafts under the served folder, read-only |
//!
//! Errors are JSON `{"error": message}` with the status that says why: 400 bad request, 403
//! outside the folder, 404, 405 wrong method (axum's routing), 413 too large, 500 a panic in
//! a rule. Requests whose `Host` is not loopback are refused while the server listens on
//! loopback, so a web page elsewhere cannot read the folder through DNS rebinding.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::assets;
use crate::engine::{Engine, WalkOptions, is_draft};
use crate::render;
use crate::source::{Format, SourceText};

/// The name a pasted draft goes by (in the JSON `path` and for the config's overrides).
pub const DRAFT_NAME: &str = "draft";

/// What every request shares: the engine, loaded once.
#[derive(Debug)]
pub struct AppState {
    pub engine: Engine,
    /// The canonical served folder.
    pub root: Option<PathBuf>,
    pub body_limit: usize,
    pub loopback_only: bool,
}

/// The body of `POST /api/lint` and `POST /api/fix`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintRequest {
    pub text: String,
    /// `markdown`, `html` or `text`; guessed from `path`, else plain text.
    #[serde(default)]
    pub format: Option<Format>,
    /// A name for the draft: shown in the answer, and selects the config's overrides. Nothing
    /// is read from it.
    #[serde(default)]
    pub path: Option<String>,
    /// Report only these rules (each must be one this server runs).
    #[serde(default)]
    pub rules: Option<Vec<String>>,
}

/// An error answer: a status and a message for people.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &json!({ "error": self.message }))
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.body_limit;
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/lint", post(lint))
        .route("/api/fix", post(fix))
        .route("/api/rules", get(rules))
        .route("/api/explain/{rule}", get(explain))
        .route("/api/files", get(files))
        .route("/api/file", get(file))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page") })
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses foreign `Host`s on a loopback server and adds the headers that keep the page to
/// its own scripts.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if state.loopback_only && !is_loopback_host(request.headers().get(header::HOST)) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "this server answers requests for localhost only",
        )
        .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn is_loopback_host(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    // `[::1]:port`, `name:port` or a bare name.
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1"
}

async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        assets::INDEX_HTML,
    )
        .into_response()
}

async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (assets::STYLE, "text/css; charset=utf-8"),
        "highlight.js" => (assets::HIGHLIGHT_JS, "text/javascript; charset=utf-8"),
        "app.js" => (assets::APP_JS, "text/javascript; charset=utf-8"),
        _ => return ApiError::new(StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Reads a JSON request body: 413 over the limit, 400 with the parser's message otherwise.
fn parse_body(body: Result<Bytes, BytesRejection>) -> Result<LintRequest, ApiError> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the request body is over the size limit".to_string()
        } else {
            rejection.body_text()
        };
        ApiError::new(status, message)
    })?;
    serde_json::from_slice(&body)
        .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, format!("bad JSON: {err}")))
}

/// Runs linting on the blocking pool. A panic in a rule is this request's 500; the server
/// keeps serving.
pub async fn run_blocking<T, F>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let outcome = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
    })
    .await;
    match outcome {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal error while linting (please report it): {message}"),
            ))
        }
        Err(err) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {err}"),
        )),
    }
}

/// A request's text ready to lint: byte-order mark off (offsets still count it, as `check`'s do).
struct Prepared {
    text: String,
    bom_len: usize,
    format: Format,
    name: String,
    /// Where the config's overrides look: the file under the served folder, or the name.
    config_path: PathBuf,
}

impl AppState {
    fn prepare(&self, request: LintRequest) -> Result<Prepared, ApiError> {
        if let Some(rules) = &request.rules {
            if let Some(unknown) = rules.iter().find(|id| self.engine.rules.get(id).is_none()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("rule `{unknown}` is not run by this server (see GET /api/rules)"),
                ));
            }
        }
        let name = request.path.unwrap_or_else(|| DRAFT_NAME.to_string());
        let format = request
            .format
            .unwrap_or_else(|| Format::from_path(Path::new(&name)));
        let config_path = match (&self.root, relative_path(&name)) {
            (Some(root), Ok(rel)) => root.join(rel),
            _ => PathBuf::from(&name),
        };
        let (text, bom_len) = match request.text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_string(), '\u{feff}'.len_utf8()),
            None => (request.text, 0),
        };
        Ok(Prepared {
            text,
            bom_len,
            format,
            name,
            config_path,
        })
    }

    /// The findings of a request, as `--format json` prints them.
    pub fn lint(&self, request: LintRequest) -> Result<Value, ApiError> {
        let only = request.rules.clone();
        let p = self.prepare(request)?;
        let mut diagnostics = self
            .engine
            .lint_text(&p.text, p.format, Some(&p.config_path));
        if let Some(only) = &only {
            diagnostics.retain(|d| only.iter().any(|r| **r == *d.rule));
        }
        Ok(render::text_document(
            &p.name,
            &p.text,
            p.bom_len,
            &diagnostics,
        ))
    }

    /// Every fix applied (until none is left), and what remains.
    pub fn fix(&self, request: LintRequest) -> Result<Value, ApiError> {
        let only = request.rules.clone();
        let p = self.prepare(request)?;
        let path = Some(p.config_path.as_path());
        let mut diagnostics = self.engine.lint_text(&p.text, p.format, path);
        if let Some(only) = &only {
            diagnostics.retain(|d| only.iter().any(|r| **r == *d.rule));
        }
        let fixed = self.engine.fix_text(&p.text, p.format, path, diagnostics);
        let mut remaining = fixed.diagnostics;
        if let Some(only) = &only {
            remaining.retain(|d| only.iter().any(|r| **r == *d.rule));
        }
        let mut document = render::text_document(&p.name, &fixed.text, p.bom_len, &remaining);
        let bom = if p.bom_len > 0 { "\u{feff}" } else { "" };
        document["text"] = json!(format!("{bom}{}", fixed.text));
        document["applied"] = json!(fixed.applied);
        Ok(document)
    }

    /// A draft under the served folder, by its path relative to it.
    fn read(&self, rel: &str) -> Result<Value, ApiError> {
        let root = self.root.as_ref().ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, "this server does not serve a folder")
        })?;
        let rel = relative_path(rel)?;
        let not_found = || ApiError::new(StatusCode::NOT_FOUND, "no such draft");
        let path = root.join(&rel).canonicalize().map_err(|_| not_found())?;
        // Symlinks are resolved by `canonicalize`: one that leaves the folder lands here.
        if !path.starts_with(root) {
            return Err(outside());
        }
        if !path.is_file() {
            return Err(not_found());
        }
        // Only what the listing offers: drafts that `check PATH` would lint (so not hidden,
        // ignored or excluded files, nor other kinds of file).
        if !is_draft(&path) || !self.listed(root).any(|p| p == path) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "only the drafts this folder's lint would check are served",
            ));
        }
        let size = std::fs::metadata(&path).map_err(|_| not_found())?.len();
        if size > self.body_limit as u64 {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the draft is {size} bytes, over the {}-byte limit",
                    self.body_limit
                ),
            ));
        }
        let source = SourceText::read(&path)
            .map_err(|err| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string()))?;
        let rel = slash_path(&rel);
        Ok(json!({
            "path": rel,
            "format": format_name(Format::from_path(&path)),
            "text": source.text,
        }))
    }

    /// The drafts under `root`, as `check PATH` would find them.
    fn listed(&self, root: &Path) -> impl Iterator<Item = PathBuf> {
        self.engine
            .discover(&[root.to_path_buf()], &WalkOptions::default())
            .inputs
            .into_iter()
            .filter_map(|input| input.path)
    }

    /// The drafts under the served folder, relative to it.
    fn list(&self) -> Value {
        let Some(root) = &self.root else {
            return json!({ "files": [] });
        };
        let files: Vec<String> = self
            .listed(root)
            .filter_map(|path| path.strip_prefix(root).ok().map(slash_path))
            .collect();
        json!({ "files": files })
    }
}

fn outside() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "the path is outside the served folder",
    )
}

/// A request's path as a plain relative path: no root, no `..`, no `.`, no backslash, no
/// drive, no NUL, and no encoded separator left after the query's one decoding.
fn relative_path(rel: &str) -> Result<PathBuf, ApiError> {
    let lower = rel.to_ascii_lowercase();
    if rel.is_empty()
        || rel.contains(['\\', '\0'])
        || ["%2f", "%5c", "%2e", "%00"]
            .iter()
            .any(|e| lower.contains(e))
    {
        return Err(outside());
    }
    let path = Path::new(rel);
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(outside());
    }
    Ok(path.to_path_buf())
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Markdown => "markdown",
        Format::Html => "html",
        Format::Text => "text",
    }
}

async fn lint(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request = parse_body(body)?;
    let value = run_blocking(move || state.lint(request)).await?;
    Ok(json_response(StatusCode::OK, &value))
}

async fn fix(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request = parse_body(body)?;
    let value = run_blocking(move || state.fix(request)).await?;
    Ok(json_response(StatusCode::OK, &value))
}

async fn rules(State(state): State<Arc<AppState>>) -> Response {
    let rules: Vec<Value> = state
        .engine
        .rules
        .rules
        .iter()
        .map(|rule| {
            let meta = &rule.meta;
            json!({
                "id": meta.id,
                "kind": meta.kind,
                "severity": meta.severity.as_str(),
                "description": meta.description.trim(),
                "help": meta.help.as_deref(),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "rules": rules }))
}

async fn explain(
    State(state): State<Arc<AppState>>,
    UrlPath(rule): UrlPath<String>,
) -> Result<Response, ApiError> {
    let text = run_blocking(move || {
        state
            .engine
            .explain(&rule)
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no rule `{rule}`")))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

async fn files(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let value = run_blocking(move || Ok(state.list())).await?;
    Ok(json_response(StatusCode::OK, &value))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileQuery {
    path: String,
}

async fn file(
    State(state): State<Arc<AppState>>,
    query: Result<Query<FileQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, err.body_text()))?;
    let value = run_blocking(move || state.read(&query.path)).await?;
    Ok(json_response(StatusCode::OK, &value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_refuse_every_way_out() {
        for bad in [
            "",
            "../etc/passwd",
            "a/../../b.md",
            "/etc/passwd",
            "./a.md",
            "a\\..\\b.md",
            "a%2f..%2fb.md",
            "%2e%2e/b.md",
            "a\0.md",
        ] {
            assert!(relative_path(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            relative_path("posts/a.md").unwrap(),
            Path::new("posts/a.md")
        );
    }

    #[test]
    fn loopback_hosts() {
        let ok = |h: &'static str| is_loopback_host(Some(&HeaderValue::from_static(h)));
        assert!(ok("127.0.0.1:8080"));
        assert!(ok("localhost"));
        assert!(ok("LOCALHOST:1"));
        assert!(ok("[::1]:9"));
        assert!(!ok("evil.example:8080"));
        assert!(!ok("127.0.0.1.evil.example"));
        assert!(!is_loopback_host(None));
    }
}
