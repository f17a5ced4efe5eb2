//! `draftlint serve`: a local page where a draft is pasted and its findings drawn in place.
//!
//! Editors do not live in a terminal, so this puts the engine behind one web page and a small
//! JSON API. The page is a view, like the command line: it lints through the same
//! [`Engine`] (config, rule selection, suppressions) and answers in the `--format json`
//! shape, so the browser and CI never disagree about a draft.
//!
//! Why axum on tokio: a well-kept HTTP stack that gives request-size limits, method routing
//! (405) and graceful shutdown without hand-written HTTP. Linting is CPU work, so it runs on
//! the blocking pool; a panic there costs one request (500), never the server. Two worker
//! threads are plenty for one editor and leave the cores to the linting.
//!
//! Every asset is compiled into the binary: the page works offline and nothing is fetched
//! from a CDN.

pub mod api;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;

use thiserror::Error;

use crate::engine::Engine;

/// The page, its stylesheet and its scripts. The report (`--format html`) embeds the same
/// stylesheet and highlighting script.
pub mod assets {
    pub const INDEX_HTML: &str = include_str!("assets/index.html");
    pub const STYLE: &str = include_str!("assets/style.css");
    /// Draws findings onto a draft and runs the hover cards: shared by the page and the report.
    pub const HIGHLIGHT_JS: &str = include_str!("assets/highlight.js");
    pub const APP_JS: &str = include_str!("assets/app.js");
    pub const REPORT_JS: &str = include_str!("assets/report.js");
}

/// Requests (and served files) above this many bytes are refused unless configured otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 5 * 1024 * 1024;

/// Where and what to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Port 0 lets the system pick a free one.
    pub addr: SocketAddr,
    /// A folder whose drafts the page may list and open, read-only.
    pub root: Option<PathBuf>,
    /// The largest request body, and the largest file served from `root`.
    pub body_limit: usize,
}

impl ServeOptions {
    /// Loopback on a free port, no folder, the default limit.
    pub fn local() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            root: None,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("cannot serve {path}: {source}")]
    Root { path: PathBuf, source: io::Error },
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot start the server: {0}")]
    Runtime(#[from] io::Error),
}

/// A server running on its own threads.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// The page's address, for people (a wildcard bind shows as loopback, which works locally).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// Serves until the process ends (or the server fails).
    pub fn wait(mut self) -> io::Result<()> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the server thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    /// Stops accepting, lets requests in flight finish.
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds (so the port is known and taken when this returns) and serves on a background thread.
pub fn start(engine: Engine, options: ServeOptions) -> Result<Running, ServeError> {
    let root = match &options.root {
        Some(path) => {
            let canonical = path.canonicalize().map_err(|source| ServeError::Root {
                path: path.clone(),
                source,
            })?;
            if !canonical.is_dir() {
                return Err(ServeError::NotAFolder(path.clone()));
            }
            Some(canonical)
        }
        None => None,
    };
    let listener =
        std::net::TcpListener::bind(options.addr).map_err(|source| ServeError::Bind {
            addr: options.addr,
            source,
        })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(api::AppState {
        engine,
        root,
        body_limit: options.body_limit,
        loopback_only: addr.ip().is_loopback(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("draftlint-serve")
        .enable_io()
        .build()?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("draftlint-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(listener, api::router(state))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
            })
        })?;
    Ok(Running {
        addr,
        shutdown: Some(shutdown),
        thread: Some(thread),
    })
}

/// Opens `url` in the default browser. Failing to is only worth a warning: the URL is printed.
pub fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let spawned = Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Err(err) = spawned {
        eprintln!("warning: cannot open a browser ({opener}: {err}); open {url} yourself");
    }
}
