//! `draftlint serve`: the API against `check`, and what a hostile request can and cannot do.
//!
//! Requests are written by hand over a TCP socket: an HTTP client library would normalise
//! `..` and encoded separators away, and those are exactly what these tests send.

use std::any::Any;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use draftlint::diagnostic::{Diagnostic, Severity};
use draftlint::document::Document;
use draftlint::engine::{ConfigSource, Engine, EngineOptions};
use draftlint::rules::{Check, Origin, Rule, RuleMeta};
use draftlint::serve::{self, Running, ServeOptions};
use draftlint::span::Span;
use serde_json::{Value, json};

const SEED: &str = "examples/north-korea-draft.txt";

fn engine() -> Engine {
    Engine::new(&EngineOptions::discover(env!("CARGO_MANIFEST_DIR"))).expect("engine")
}

fn start(engine: Engine, root: Option<&Path>, body_limit: usize) -> Running {
    serve::start(
        engine,
        ServeOptions {
            root: root.map(Path::to_path_buf),
            body_limit,
            ..ServeOptions::local()
        },
    )
    .expect("server starts")
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 request, sent byte for byte as written.
fn send(addr: SocketAddr, head: &str, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let request = format!(
        "{head}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write head");
    // A server refusing an oversized body may close before reading it all.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {raw:?}"));
    let body = raw
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    Answer { status, body }
}

fn get(addr: SocketAddr, target: &str) -> Answer {
    send(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1"),
        b"",
    )
}

fn post(addr: SocketAddr, target: &str, body: &[u8]) -> Answer {
    send(
        addr,
        &format!("POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"),
        body,
    )
}

fn lint(addr: SocketAddr, request: &Value) -> Answer {
    post(addr, "/api/lint", request.to_string().as_bytes())
}

#[test]
fn lint_answers_exactly_what_check_format_json_prints() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let text = fs::read_to_string(SEED).unwrap();
    let answer = lint(
        server.addr,
        &json!({"text": text, "format": "text", "path": SEED}),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let check = Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(["check", "--format", "json", SEED])
        .output()
        .unwrap();
    let expected: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(answer.json(), expected);
    // 18 findings, and `stale-date` on "As of October 2024" twice (read today).
    assert_eq!(expected["diagnostics"].as_array().unwrap().len(), 20);
}

#[test]
fn format_comes_from_the_path_and_rules_narrow_the_answer() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let text = "Reports indicate that around 12,000 people came.\n";
    let all = lint(server.addr, &json!({"text": text})).json();
    let rules: Vec<&str> = all["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["vague-attribution", "unsourced-number"]);
    assert_eq!(all["diagnostics"][0]["path"], "draft");
    let only = lint(
        server.addr,
        &json!({"text": text, "rules": ["unsourced-number"], "path": "a.md"}),
    )
    .json();
    let diagnostics = only["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["rule"], "unsourced-number");
    assert_eq!(diagnostics[0]["path"], "a.md");
    assert_eq!(diagnostics[0]["matched"], "around 12,000");
}

#[test]
fn a_byte_order_mark_counts_in_offsets_like_checks_do() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let answer = lint(
        server.addr,
        &json!({"text": "\u{feff}Reports indicate rain."}),
    )
    .json();
    let d = &answer["diagnostics"][0];
    assert_eq!(
        (&d["byte_start"], &d["byte_end"], &d["column"]),
        (&json!(3), &json!(19), &json!(1))
    );
}

#[test]
fn fix_keeps_a_byte_order_mark() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let answer = post(
        server.addr,
        "/api/fix",
        json!({"text": "\u{feff}It was the the end, reportedly.", "format": "text"})
            .to_string()
            .as_bytes(),
    );
    let fixed = answer.json();
    assert_eq!(fixed["text"], "\u{feff}It was the end, reportedly.");
    assert_eq!(fixed["applied"], 1);
    let d = &fixed["diagnostics"][0];
    assert_eq!(d["rule"], "vague-attribution");
    assert_eq!((&d["byte_start"], &d["column"]), (&json!(19), &json!(17)));
}

#[test]
fn fix_applies_every_fix_and_reports_what_remains() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let text = fs::read_to_string(SEED).unwrap();
    let answer = post(
        server.addr,
        "/api/fix",
        json!({"text": text, "format": "text"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fixed = answer.json();
    // `check --fix` on a copy writes the same text and reports the same remaining findings.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("draft.txt");
    fs::write(&copy, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_draftlint"))
        .args(["check", "--fix", "--format", "json"])
        .arg(&copy)
        .output()
        .unwrap();
    let after_check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        fixed["text"].as_str().unwrap(),
        fs::read_to_string(&copy).unwrap()
    );
    let strip_path = |v: &Value| -> Vec<Value> {
        let mut list = v["diagnostics"].as_array().unwrap().clone();
        for d in &mut list {
            d.as_object_mut().unwrap().remove("path");
        }
        list
    };
    assert_eq!(strip_path(&fixed), strip_path(&after_check));
    assert_eq!(fixed["applied"], 4);
    assert_eq!(strip_path(&fixed).len(), 15);
    assert!(!fixed["text"].as_str().unwrap().contains("Some basic below"));
}

#[test]
fn rules_and_explain() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let rules = get(server.addr, "/api/rules").json();
    let ids: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"vague-attribution"), "{ids:?}");
    let explain = get(server.addr, "/api/explain/vague-attribution");
    assert_eq!(explain.status, 200);
    assert!(explain.body.starts_with("vague-attribution (warning "));
    assert_eq!(get(server.addr, "/api/explain/no-such-rule").status, 404);
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<textarea id=\"draft\""));
    for asset in ["style.css", "highlight.js", "app.js"] {
        assert_eq!(get(server.addr, &format!("/assets/{asset}")).status, 200);
    }
    assert_eq!(get(server.addr, "/assets/..%2fCargo.toml").status, 404);
    assert_eq!(get(server.addr, "/nothing-here").status, 404);
}

#[test]
fn malformed_requests_are_400_with_a_message() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    for (body, says) in [
        (r#"{"text": "x""#, "EOF while parsing"),
        ("not json", "bad JSON: expected ident"),
        (r#"{"text": 5}"#, "invalid type"),
        (r#"{"format": "text"}"#, "missing field `text`"),
        (
            r#"{"text": "x", "format": "docx"}"#,
            "unknown variant `docx`",
        ),
        (
            r#"{"text": "x", "colour": "red"}"#,
            "unknown field `colour`",
        ),
        (
            r#"{"text": "x", "rules": ["no-such-rule"]}"#,
            "no-such-rule",
        ),
        ("", "EOF while parsing"),
    ] {
        let answer = post(server.addr, "/api/lint", body.as_bytes());
        assert_eq!(answer.status, 400, "{body}: {}", answer.body);
        let message = answer.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{body}: {message}");
    }
}

#[test]
fn wrong_methods_are_405() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let head = |m: &str, t: &str| format!("{m} {t} HTTP/1.1\r\nHost: 127.0.0.1");
    assert_eq!(
        send(server.addr, &head("GET", "/api/lint"), b"").status,
        405
    );
    assert_eq!(
        send(server.addr, &head("PUT", "/api/lint"), b"{}").status,
        405
    );
    assert_eq!(
        send(server.addr, &head("POST", "/api/rules"), b"").status,
        405
    );
    assert_eq!(send(server.addr, &head("DELETE", "/"), b"").status, 405);
}

#[test]
fn oversized_bodies_are_413() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let mut body = br#"{"text": ""#.to_vec();
    body.resize(serve::DEFAULT_BODY_LIMIT + 10, b'a');
    body.extend_from_slice(br#""}"#);
    let answer = post(server.addr, "/api/lint", &body);
    assert_eq!(answer.status, 413, "{}", answer.body);
    // A configured limit: just under is linted, just over is refused.
    let limit = 64 * 1024;
    let server = start(engine(), None, limit);
    let body = |len: usize| json!({ "text": "word ".repeat(len / 5) }).to_string();
    let under = body(limit - 100);
    assert!(under.len() <= limit);
    assert_eq!(post(server.addr, "/api/lint", under.as_bytes()).status, 200);
    let over = body(limit + 100);
    assert!(over.len() > limit);
    assert_eq!(post(server.addr, "/api/lint", over.as_bytes()).status, 413);
}

#[test]
fn foreign_hosts_are_refused_on_loopback() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let answer = send(
        server.addr,
        "GET /api/rules HTTP/1.1\r\nHost: attacker.example:80",
        b"",
    );
    assert_eq!(answer.status, 403);
    let answer = send(
        server.addr,
        "GET /api/rules HTTP/1.1\r\nHost: localhost",
        b"",
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn concurrent_requests_each_get_their_own_answer() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    let addr = server.addr;
    let texts: Vec<String> = (0..16)
        .map(|i| {
            format!(
                "{}Reports indicate that around {},000 came.\n",
                "\n".repeat(i),
                i + 2
            )
        })
        .collect();
    let handles: Vec<_> = texts
        .iter()
        .cloned()
        .map(|text| std::thread::spawn(move || lint(addr, &json!({ "text": text }))))
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let answer = handle.join().unwrap();
        assert_eq!(answer.status, 200);
        let v = answer.json();
        let d = v["diagnostics"].as_array().unwrap();
        assert_eq!(d.len(), 2, "{v}");
        assert_eq!(d[0]["line"], i + 1);
        assert_eq!(d[1]["matched"], format!("around {},000", i + 2));
    }
}

/// A rule with a bug: it panics on one word.
#[derive(Debug)]
struct Panics;

impl Check for Panics {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        if doc.source.contains("boom") {
            panic!("the rule fell over");
        }
        out.push(Diagnostic::new(
            &rule.id,
            rule.severity,
            Span::new(0, 0),
            "checked",
        ));
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn a_panic_in_a_rule_is_500_for_that_request_only() {
    let mut engine = Engine::new(&EngineOptions {
        config: ConfigSource::Ignore(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        ..EngineOptions::discover(env!("CARGO_MANIFEST_DIR"))
    })
    .unwrap();
    engine.rules.insert(Rule {
        cost: Default::default(),
        meta: RuleMeta {
            id: "panics".into(),
            kind: "test".into(),
            severity: Severity::Info,
            message: "checked".into(),
            description: "A rule with a bug.".into(),
            rationale: String::new(),
            help: None,
            tests: Vec::new(),
            origin: Origin::Builtin("test"),
        },
        check: Box::new(Panics),
    });
    let server = start(engine, None, serve::DEFAULT_BODY_LIMIT);
    let answer = lint(server.addr, &json!({"text": "it goes boom"}));
    assert_eq!(answer.status, 500);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("the rule fell over")
    );
    let answer = lint(
        server.addr,
        &json!({"text": "it goes on", "rules": ["panics"]}),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["diagnostics"][0]["message"], "checked");
}

/// A served folder, a secret beside it, a symlink out, a draft over the limit.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("drafts");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("a.md"), "Reports indicate rain.\n").unwrap();
    fs::write(root.join("sub/b.txt"), "Plain text.\n").unwrap();
    fs::write(root.join("big.md"), "x".repeat(2048)).unwrap();
    fs::write(root.join("notes.json"), "{}").unwrap();
    fs::write(root.join(".hidden.md"), "hidden\n").unwrap();
    fs::write(root.join(".ignore"), "ignored.md\n").unwrap();
    fs::write(root.join("ignored.md"), "ignored\n").unwrap();
    fs::write(dir.path().join("secret.md"), "TOP SECRET\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("escape.md")).unwrap();
    (dir, root)
}

#[test]
fn the_served_folder_lists_and_opens_its_drafts_only() {
    let (dir, root) = folder();
    let server = start(engine(), Some(&root), 1024);
    let files = get(server.addr, "/api/files").json();
    assert_eq!(files, json!({"files": ["a.md", "big.md", "sub/b.txt"]}));
    let a = get(server.addr, "/api/file?path=a.md");
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"path": "a.md", "format": "markdown", "text": "Reports indicate rain.\n"})
    );
    assert_eq!(get(server.addr, "/api/file?path=sub%2Fb.txt").status, 200);
    assert_eq!(get(server.addr, "/api/file?path=big.md").status, 413);
    assert_eq!(get(server.addr, "/api/file?path=notes.json").status, 403);
    assert_eq!(get(server.addr, "/api/file?path=.hidden.md").status, 403);
    assert_eq!(get(server.addr, "/api/file?path=ignored.md").status, 403);
    assert_eq!(get(server.addr, "/api/file?path=missing.md").status, 404);
    assert_eq!(get(server.addr, "/api/file").status, 400);

    let secret = dir.path().join("secret.md");
    let absolute = secret.to_string_lossy().replace('/', "%2F");
    for attempt in [
        "../secret.md".to_string(),
        "..%2Fsecret.md".into(),
        "%2E%2E%2Fsecret.md".into(),
        "%252E%252E%252Fsecret.md".into(),
        "..%252Fsecret.md".into(),
        "sub/../../secret.md".into(),
        "..%5Csecret.md".into(),
        "./../secret.md".into(),
        "escape.md".into(),
        absolute,
        "%2Fetc%2Fpasswd".into(),
        "a.md%00".into(),
    ] {
        let answer = get(server.addr, &format!("/api/file?path={attempt}"));
        assert_eq!(answer.status, 403, "{attempt}: {}", answer.body);
        assert!(!answer.body.contains("TOP SECRET"), "{attempt}");
    }
    for target in [
        "/../secret.md",
        "/api/file/../../secret.md",
        "/%2e%2e/secret.md",
    ] {
        let answer = get(server.addr, target);
        assert_eq!(answer.status, 404, "{target}");
        assert!(!answer.body.contains("TOP SECRET"), "{target}");
    }
}

#[test]
fn without_a_folder_nothing_is_read() {
    let server = start(engine(), None, serve::DEFAULT_BODY_LIMIT);
    assert_eq!(get(server.addr, "/api/files").json(), json!({"files": []}));
    assert_eq!(get(server.addr, "/api/file?path=Cargo.toml").status, 404);
}

/// Runs `draftlint serve ARGS…` and reads the URL it prints first.
fn spawn_serve(args: &[&str], path_env: Option<&str>) -> (std::process::Child, SocketAddr) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_draftlint"));
    command
        .arg("serve")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(path) = path_env {
        command.env("PATH", path);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("draftlint serve: http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("a URL first: {line:?}"))
        .parse()
        .unwrap();
    (child, addr)
}

#[test]
fn the_command_prints_its_url_and_serves() {
    let (mut child, addr) = spawn_serve(&["--port", "0", "--only", "vague-attribution"], None);
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let answer = lint(
        addr,
        &json!({"text": "Reports indicate that around 12,000 came."}),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let v = answer.json();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["vague-attribution"]);
}

#[cfg(not(target_os = "macos"))]
#[test]
fn no_browser_to_open_is_only_a_warning() {
    let (mut child, addr) = spawn_serve(&["--open"], Some("/nonexistent"));
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let answer = get(addr, "/api/rules");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        line.starts_with("warning: cannot open a browser (xdg-open:"),
        "{line}"
    );
    assert_eq!(answer.status, 200, "the server still serves");
}

#[test]
fn a_wider_host_warns() {
    let (mut child, addr) = spawn_serve(&["--host", "0.0.0.0"], None);
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(addr.ip().is_loopback(), "the URL printed is usable locally");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: listening on 0.0.0.0: anyone who can reach this address")
    );
}
