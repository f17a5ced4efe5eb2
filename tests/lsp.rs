//! `draftlint lsp` driven as an editor drives it: the binary in a subprocess, JSON-RPC over its
//! stdin and stdout. Positions are checked against offsets counted here, independently of the
//! server's own conversion, and findings against `draftlint check --format json`.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_draftlint");
const WAIT: Duration = Duration::from_secs(10);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Message>,
    /// Notifications and server requests received while waiting for something else.
    backlog: Vec<Message>,
    next_id: i32,
    /// What `initialize` answered.
    init: Value,
}

impl Client {
    /// Starts the server in `root`, offering these position encodings (none: the field is
    /// absent, as in clients that predate it).
    fn start(root: &Path, encodings: Option<&[&str]>, options: Value) -> Client {
        let mut child = Command::new(BIN)
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start draftlint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 0,
            init: Value::Null,
        };
        let mut capabilities = json!({
            "workspace": {
                "workspaceEdit": {"documentChanges": true},
                "didChangeWatchedFiles": {"dynamicRegistration": true},
            },
            "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}},
        });
        if let Some(encodings) = encodings {
            capabilities["general"] = json!({"positionEncodings": encodings});
        }
        let root_uri = Url::from_file_path(root).unwrap();
        client.init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "initializationOptions": options,
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.stdin).expect("write to server");
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        let deadline = Instant::now() + WAIT;
        loop {
            match self.next(deadline) {
                Some(Message::Response(r)) if r.id == id => match r.response_result {
                    Ok(result) => return result,
                    Err(err) => panic!("{method}: {err:?}"),
                },
                Some(other) => self.backlog.push(other),
                None => panic!("no answer to {method}"),
            }
        }
    }

    fn next(&mut self, deadline: Instant) -> Option<Message> {
        let wait = deadline.saturating_duration_since(Instant::now());
        self.incoming.recv_timeout(wait).ok()
    }

    /// The first notification (backlog first) that `pick` accepts, within `wait`.
    fn wait_for(&mut self, wait: Duration, pick: impl Fn(&Notification) -> bool) -> Option<Value> {
        let pick = |m: &Message| matches!(m, Message::Notification(n) if pick(n));
        if let Some(i) = self.backlog.iter().position(pick) {
            if let Message::Notification(n) = self.backlog.remove(i) {
                return Some(n.params);
            }
        }
        let deadline = Instant::now() + wait;
        while let Some(message) = self.next(deadline) {
            if pick(&message) {
                if let Message::Notification(n) = message {
                    return Some(n.params);
                }
            }
            self.backlog.push(message);
        }
        None
    }

    /// The diagnostics published for `uri` at `version` (any version when `None`).
    fn diagnostics(&mut self, uri: &Url, version: Option<i64>) -> Vec<Value> {
        let uri = uri.to_string();
        let params = self
            .wait_for(WAIT, |n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri.as_str()
                    && (version.is_none() || n.params["version"].as_i64() == version)
            })
            .unwrap_or_else(|| panic!("no diagnostics for {uri} version {version:?}"));
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// Every publication for `uri` within `wait`.
    fn publications(&mut self, uri: &Url, wait: Duration) -> Vec<Value> {
        let uri = uri.to_string();
        let is_ours = |m: &Message| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri.as_str())
        };
        let mut found = Vec::new();
        let deadline = Instant::now() + wait;
        let mut pending: Vec<Message> = std::mem::take(&mut self.backlog);
        while let Some(message) = self.next(deadline) {
            pending.push(message);
        }
        for message in pending {
            if is_ours(&message) {
                if let Message::Notification(n) = message {
                    found.push(n.params);
                }
            } else {
                self.backlog.push(message);
            }
        }
        found
    }

    fn open(&mut self, uri: &Url, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &Url, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`; the server must end with status 0.
    fn shutdown(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Value::Null);
        self.notify("exit", Value::Null);
        let status = wait_exit(&mut self.child);
        assert_eq!(status.code(), Some(0), "exit status after shutdown");
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Utf8,
    Utf16,
}

/// An LSP position counted here, from scratch: 0-based line, column in `unit`s.
fn position(text: &str, offset: usize, unit: Unit) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = match unit {
        Unit::Utf8 => offset - line_start,
        Unit::Utf16 => text[line_start..offset].encode_utf16().count(),
    };
    json!({"line": line, "character": column})
}

fn range(text: &str, start: usize, end: usize, unit: Unit) -> Value {
    json!({"start": position(text, start, unit), "end": position(text, end, unit)})
}

/// The byte offset of an LSP position, counted here (for applying the server's edits).
fn offset(text: &str, pos: &Value, unit: Unit) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let column = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut counted = 0;
    for (i, c) in text[start..].char_indices() {
        if counted >= column || c == '\n' {
            return start + i;
        }
        counted += if unit == Unit::Utf8 {
            c.len_utf8()
        } else {
            c.len_utf16()
        };
    }
    text.len()
}

/// Applies a code action's edits to `text`, as a client would.
fn apply(text: &str, action: &Value, unit: Unit) -> String {
    let changes = &action["edit"]["documentChanges"];
    let mut edits: Vec<&Value> = changes
        .as_array()
        .expect("versioned edits")
        .iter()
        .flat_map(|c| c["edits"].as_array().unwrap())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"], unit)));
    let mut out = text.to_string();
    for edit in edits {
        let start = offset(text, &edit["range"]["start"], unit);
        let end = offset(text, &edit["range"]["end"], unit);
        out.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    out
}

fn uri(path: &Path) -> Url {
    Url::from_file_path(std::path::absolute(path).unwrap()).unwrap()
}

fn severity_code(severity: &str) -> i64 {
    match severity {
        "error" => 1,
        "warning" => 2,
        _ => 3,
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn draft_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "md" || e == "txt" || e == "html")
            {
                out.push(path);
            }
        }
    }
    let mut files = vec![repo().join("examples/north-korea-draft.txt")];
    walk(&repo().join("tests/fixtures"), &mut files);
    files.sort();
    files
}

/// Every fixture and the reference draft, opened in the editor, show exactly what
/// `draftlint check --format json` reports: rule, severity, message and help, range,
/// related spans.
#[test]
fn open_documents_show_what_check_reports() {
    // Copies, in a workspace of their own: no config file around them for either to find.
    let workspace = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = draft_files()
        .iter()
        .map(|file| {
            let copy = workspace.path().join(file.strip_prefix(repo()).unwrap());
            std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
            std::fs::copy(file, &copy).unwrap();
            copy
        })
        .collect();
    let output = Command::new(BIN)
        .args(["check", "--format", "json", "--no-config"])
        .args(&files)
        .current_dir(workspace.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).expect("check's JSON");
    assert!(!report["diagnostics"].as_array().unwrap().is_empty());
    let mut expected: HashMap<PathBuf, Vec<Value>> = HashMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let path = PathBuf::from(d["path"].as_str().unwrap());
        expected.entry(path).or_default().push(d.clone());
    }
    let mut client = Client::start(workspace.path(), Some(&["utf-16"]), Value::Null);
    let mut total = 0;
    for file in &files {
        let raw = std::fs::read_to_string(file).unwrap();
        let bom = if raw.starts_with('\u{feff}') { 3 } else { 0 };
        // Editors hand over the text without its byte-order mark.
        let text = &raw[bom..];
        let uri = uri(file);
        client.open(&uri, "", text);
        let shown = client.diagnostics(&uri, Some(1));
        let want: Vec<Value> = expected
            .get(file)
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let at = |v: &Value| v.as_u64().unwrap() as usize - bom;
                let mut message = d["message"].as_str().unwrap().to_string();
                if let Some(help) = d["help"].as_str() {
                    message = format!("{message}\nhelp: {help}");
                }
                let related: Vec<Value> = d["related"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        json!({
                            "location": {"uri": uri, "range": range(text, at(&r["byte_start"]), at(&r["byte_end"]), Unit::Utf16)},
                            "message": r["message"],
                        })
                    })
                    .collect();
                let mut value = json!({
                    "range": range(text, at(&d["byte_start"]), at(&d["byte_end"]), Unit::Utf16),
                    "severity": severity_code(d["severity"].as_str().unwrap()),
                    "code": d["rule"],
                    "source": "draftlint",
                    "message": message,
                });
                if !related.is_empty() {
                    value["relatedInformation"] = json!(related);
                }
                value
            })
            .collect();
        assert_eq!(shown, want, "{}", file.display());
        total += shown.len();
    }
    let again = client.publications(&uri(&files[0]), Duration::from_millis(300));
    assert_eq!(again, Vec::<Value>::new(), "published once");
    assert_eq!(
        total,
        report["diagnostics"].as_array().unwrap().len(),
        "every finding of check shown once"
    );
    client.shutdown();
}

/// UTF-8 when offered, UTF-16 otherwise; ranges are exact in either, through emoji, CJK,
/// accents and CRLF.
#[test]
fn initialize_negotiates_the_position_encoding() {
    let text = "Café 🌍 北京\r\nIt was the the end 👍🏽 done.\r\n";
    let dir = tempfile::tempdir().unwrap();
    for (offered, unit, name) in [
        (Some(&["utf-16", "utf-8"][..]), Unit::Utf8, "utf-8"),
        (Some(&["utf-32", "utf-16"][..]), Unit::Utf16, "utf-16"),
        (None, Unit::Utf16, "utf-16"),
    ] {
        let mut client = Client::start(dir.path(), offered, Value::Null);
        assert_eq!(
            client.init["capabilities"]["positionEncoding"], name,
            "{offered:?}"
        );
        assert_eq!(client.init["serverInfo"]["name"], "draftlint");
        let doc = uri(&dir.path().join("a.md"));
        client.open(&doc, "markdown", text);
        let shown = client.diagnostics(&doc, Some(1));
        let start = text.find("the the").unwrap();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(shown[0]["code"], "repeated-word");
        assert_eq!(
            shown[0]["range"],
            range(text, start, start + 7, unit),
            "{name}"
        );
        client.shutdown();
    }
}

/// Range edits land exactly, in order, across lines and multi-unit characters.
#[test]
fn incremental_edits_are_applied_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("a.md"));
    let mut client = Client::start(dir.path(), None, Value::Null);
    let mut text = String::from("🌍 Intro.\r\n\r\nSecond line.\r\n");
    client.open(&doc, "markdown", &text);
    assert_eq!(client.diagnostics(&doc, Some(1)), Vec::<Value>::new());
    // Edits as a client sends them: each range is in the text left by the previous edit.
    let edits = [
        ((0, 3), (0, 8), "It was the"), // after the emoji (two UTF-16 units)
        ((0, 13), (0, 13), " the end"), // an insertion
        ((2, 0), (3, 0), ""),           // a whole CRLF line deleted
        ((0, 21), (0, 21), " and and more"), // end of line 0
    ];
    let mut changes = Vec::new();
    for ((l0, c0), (l1, c1), new) in edits {
        let r =
            json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}});
        let start = offset(&text, &r["start"], Unit::Utf16);
        let end = offset(&text, &r["end"], Unit::Utf16);
        text.replace_range(start..end, new);
        changes.push(json!({"range": r, "text": new}));
    }
    assert_eq!(text, "🌍 It was the the end and and more.\r\n\r\n");
    client.change(&doc, 2, json!(changes));
    let shown = client.diagnostics(&doc, Some(2));
    let first = text.find("the the").unwrap();
    let second = text.find("and and").unwrap();
    let ranges: Vec<&Value> = shown.iter().map(|d| &d["range"]).collect();
    assert_eq!(
        ranges,
        [
            &range(&text, first, first + 7, Unit::Utf16),
            &range(&text, second, second + 7, Unit::Utf16)
        ]
    );
    // A change without a range replaces the whole text.
    client.change(&doc, 3, json!([{"text": "Clean now.\n"}]));
    assert_eq!(client.diagnostics(&doc, Some(3)), Vec::<Value>::new());
    client.shutdown();
}

/// A burst of changes is linted once, at its last version: no result for older text.
#[test]
fn debounced_changes_publish_only_the_latest_text() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("a.md"));
    let mut client = Client::start(dir.path(), None, Value::Null);
    client.open(&doc, "markdown", "Start.\n");
    assert_eq!(client.diagnostics(&doc, Some(1)), Vec::<Value>::new());
    // Versions 2..=10 alternate between texts with and without findings.
    let mut burst = Vec::new();
    for version in 2..=10 {
        let text = if version % 2 == 0 {
            "Clean.\n"
        } else {
            "It was the the end.\n"
        };
        let params = json!({"textDocument": {"uri": doc, "version": version}, "contentChanges": [{"text": text}]});
        Message::from(Notification::new("textDocument/didChange".into(), params))
            .write(&mut burst)
            .unwrap();
    }
    client.stdin.write_all(&burst).unwrap();
    client.stdin.flush().unwrap();
    let published = client.publications(&doc, Duration::from_millis(1500));
    let versions: Vec<i64> = published
        .iter()
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [10], "one publication, for the last version");
    assert_eq!(
        published[0]["diagnostics"],
        json!([]),
        "version 10 is clean"
    );
    client.shutdown();
}

fn actions(client: &mut Client, doc: &Url, at: Value) -> Vec<Value> {
    let answer = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": at, "context": {"diagnostics": []}}),
    );
    answer.as_array().unwrap().clone()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"))
}

/// The fix is offered (preferred) and removes the finding; "disable for this line" and "for
/// this file" insert a comment that silences the rule, in every format.
#[test]
fn code_actions_fix_and_suppress() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), None, Value::Null);
    let mut version = 1;
    for (name, language, text) in [
        (
            "a.md",
            "markdown",
            "---\ntitle: T\n---\nIntro line,\nit was the the end 👍.\n",
        ),
        ("b.txt", "plaintext", "Intro.\n\n  It was the the end 👍.\n"),
        (
            "c.html",
            "html",
            "<p>Intro.</p>\n<p>It was the the end 👍.</p>\n",
        ),
    ] {
        let doc = uri(&dir.path().join(name));
        client.open(&doc, language, text);
        let shown = client.diagnostics(&doc, Some(1));
        assert_eq!(shown.len(), 1, "{name}: {shown:?}");
        let found = &shown[0]["range"];
        let cursor = json!({"start": found["start"], "end": found["start"]});
        let offered = actions(&mut client, &doc, cursor);
        let titles: Vec<&str> = offered
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "Remove \" the\"",
                "Disable repeated-word for this line",
                "Disable repeated-word for this file"
            ],
            "{name}"
        );
        let fix = &offered[0];
        assert_eq!(fix["kind"], "quickfix");
        assert_eq!(fix["isPreferred"], true);
        assert_eq!(fix["diagnostics"][0]["code"], "repeated-word");
        assert_eq!(
            fix["edit"]["documentChanges"][0]["textDocument"]["version"],
            1
        );
        for (title, expected) in [
            ("Remove \" the\"", text.replacen("the the", "the", 1)),
            ("Disable repeated-word for this line", String::new()),
            ("Disable repeated-word for this file", String::new()),
        ] {
            let edited = apply(text, titled(&offered, title), Unit::Utf16);
            if !expected.is_empty() {
                assert_eq!(edited, expected, "{name}: {title}");
            }
            version += 1;
            client.change(&doc, version, json!([{"text": edited}]));
            assert_eq!(
                client.diagnostics(&doc, Some(version)),
                Vec::<Value>::new(),
                "{name}: {title} leaves a finding in\n{edited}"
            );
            version += 1;
            client.change(&doc, version, json!([{"text": text}]));
            assert_eq!(client.diagnostics(&doc, Some(version)).len(), 1);
        }
        // Elsewhere on the line, nothing is offered.
        let elsewhere =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}});
        assert_eq!(
            actions(&mut client, &doc, elsewhere),
            Vec::<Value>::new(),
            "{name}"
        );
    }
    // The exact comments: after front matter for the file, at the end of the previous line
    // inside a Markdown paragraph (a comment line would split it), above it elsewhere.
    let doc = uri(&dir.path().join("a.md"));
    let text = "---\ntitle: T\n---\nIntro line,\nit was the the end 👍.\n";
    version += 1;
    client.change(&doc, version, json!([{"text": text}]));
    let at = json!({"start": {"line": 4, "character": 10}, "end": {"line": 4, "character": 10}});
    let offered = actions(&mut client, &doc, at);
    assert_eq!(
        apply(
            text,
            titled(&offered, "Disable repeated-word for this line"),
            Unit::Utf16
        ),
        "---\ntitle: T\n---\nIntro line, <!-- draftlint-disable-next-line repeated-word -->\nit was the the end 👍.\n"
    );
    assert_eq!(
        apply(
            text,
            titled(&offered, "Disable repeated-word for this file"),
            Unit::Utf16
        ),
        "---\ntitle: T\n---\n<!-- draftlint-disable repeated-word -->\nIntro line,\nit was the the end 👍.\n"
    );
    let doc = uri(&dir.path().join("b.txt"));
    let text = "Intro.\n\n  It was the the end 👍.\n";
    let at = json!({"start": {"line": 2, "character": 12}, "end": {"line": 2, "character": 12}});
    let offered = actions(&mut client, &doc, at);
    assert_eq!(
        apply(
            text,
            titled(&offered, "Disable repeated-word for this line"),
            Unit::Utf16
        ),
        "Intro.\n\n  draftlint-disable-next-line repeated-word\n  It was the the end 👍.\n"
    );
    // In a Markdown list, a comment line would end the list: the comment goes after the
    // previous item, and it works.
    let doc = uri(&dir.path().join("list.md"));
    let text = "- First item\\\n- It was the the end.\n";
    client.open(&doc, "markdown", text);
    assert_eq!(client.diagnostics(&doc, Some(1)).len(), 1);
    let at = json!({"start": {"line": 1, "character": 12}, "end": {"line": 1, "character": 12}});
    let offered = actions(&mut client, &doc, at);
    let edited = apply(
        text,
        titled(&offered, "Disable repeated-word for this line"),
        Unit::Utf16,
    );
    assert_eq!(
        edited,
        "- First item <!-- draftlint-disable-next-line repeated-word -->\\\n- It was the the end.\n"
    );
    client.change(&doc, 2, json!([{"text": edited}]));
    assert_eq!(client.diagnostics(&doc, Some(2)), Vec::<Value>::new());
    client.shutdown();
}

/// Hover on a finding shows `draftlint explain`'s text, as Markdown.
#[test]
fn hover_explains_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("a.md"));
    let mut client = Client::start(dir.path(), Some(&["utf-8"]), Value::Null);
    let text = "It was the the end.\n";
    client.open(&doc, "markdown", text);
    assert_eq!(client.diagnostics(&doc, Some(1)).len(), 1);
    let explain = Command::new(BIN)
        .args(["explain", "repeated-word"])
        .output()
        .unwrap();
    let explain = String::from_utf8(explain.stdout).unwrap();
    let on = |character: usize| json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": character}});
    let hover = client.request("textDocument/hover", on(12));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["contents"]["value"].as_str().unwrap(),
        format!("**repeated-word**: \"the\" is repeated\n\n{explain}")
    );
    assert_eq!(hover["range"], range(text, 7, 14, Unit::Utf8));
    assert_eq!(client.request("textDocument/hover", on(2)), Value::Null);
    client.shutdown();
}

/// Settings from the client and `draftlint.toml` from the document's folder upwards; a
/// change to either re-lints open documents.
#[test]
fn config_and_settings_reload() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("drafts")).unwrap();
    let config = root.join("draftlint.toml");
    std::fs::write(&config, "[severity]\nrepeated-word = \"error\"\n").unwrap();
    let doc = uri(&root.join("drafts/a.md"));
    let text = "It was the the end. Critics say it will fail.\n";
    let mut client = Client::start(root, None, json!({"disable": ["vague-attribution"]}));
    client.open(&doc, "markdown", text);
    let shown = client.diagnostics(&doc, Some(1));
    let codes = |shown: &[Value]| -> Vec<(String, i64)> {
        shown
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(codes(&shown), [("repeated-word".to_string(), 1)]);
    // The server asked to hear about config and rule files changing.
    let registration = client
        .backlog
        .iter()
        .find_map(|m| match m {
            Message::Request(r) if r.method == "client/registerCapability" => Some(&r.params),
            _ => None,
        })
        .expect("a file watch registration");
    let registration = &registration["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.toml"
    );

    // The config changes on disk; the client reports it.
    std::fs::write(&config, "disable = [\"repeated-word\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    assert_eq!(codes(&client.diagnostics(&doc, Some(1))), []);

    // The client's settings change: vague attribution back on, as warnings failing the run.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"draftlint": {"failOn": "warning"}}}),
    );
    assert_eq!(
        codes(&client.diagnostics(&doc, Some(1))),
        [("vague-attribution".to_string(), 1)]
    );

    // Saving the config in the editor reloads it too.
    std::fs::write(&config, "").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    assert_eq!(
        codes(&client.diagnostics(&doc, Some(1))),
        [
            ("repeated-word".to_string(), 1),
            ("vague-attribution".to_string(), 1)
        ]
    );

    // Empty settings (as some clients send after start) mean the initialization options.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    assert_eq!(
        codes(&client.diagnostics(&doc, Some(1))),
        [("repeated-word".to_string(), 2)]
    );
    client.shutdown();
}

/// A broken config or rule file is a diagnostic on that file and a message; the server
/// carries on and recovers once the file is fixed.
#[test]
fn malformed_config_and_rule_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = root.join("draftlint.toml");
    std::fs::write(&config, "only = [\"repeated-word\"\nfail-on = 3\n").unwrap();
    let doc = uri(&root.join("a.md"));
    let mut client = Client::start(root, None, Value::Null);
    client.open(&doc, "markdown", "It was the the end.\n");
    let message = client
        .wait_for(WAIT, |n| n.method == "window/showMessage")
        .expect("a message");
    assert_eq!(message["type"], 1);
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .starts_with("draftlint: "),
        "{message}"
    );
    let on_config = client.diagnostics(&uri(&config), None);
    assert_eq!(on_config.len(), 1);
    assert_eq!(on_config[0]["severity"], 1);
    assert_eq!(on_config[0]["range"]["start"]["line"], 1, "{on_config:?}");
    assert_eq!(client.diagnostics(&doc, Some(1)), Vec::<Value>::new());

    // A rule file with an error, named by a now valid config.
    std::fs::create_dir(root.join("style")).unwrap();
    let rule = root.join("style/mine.toml");
    std::fs::write(&rule, "id = \"mine\"\nkind = \"no-such-kind\"\n").unwrap();
    std::fs::write(&config, "rules = [\"style\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    assert_eq!(
        client.diagnostics(&uri(&config), None),
        Vec::<Value>::new(),
        "cleared"
    );
    let on_rule = client.diagnostics(&uri(&rule), None);
    assert_eq!(on_rule.len(), 1, "{on_rule:?}");
    assert_eq!(client.diagnostics(&doc, Some(1)), Vec::<Value>::new());

    // Fixed: a change to the rule file is enough.
    std::fs::remove_file(&rule).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&rule), "type": 3}]}),
    );
    assert_eq!(client.diagnostics(&uri(&rule), None), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&doc, Some(1)).len(), 1);

    // Invalid client settings are a message, not a crash.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"onyl": ["x"]}}),
    );
    let message = client
        .wait_for(WAIT, |n| {
            n.method == "window/showMessage"
                && n.params["message"].as_str().unwrap().contains("onyl")
        })
        .expect("a message");
    assert_eq!(message["type"], 1);
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `onyl`"),
        "{message}"
    );
    client.shutdown();
}

/// Closing clears a document's findings; `exit` without `shutdown` ends with status 1.
#[test]
fn close_clears_and_exit_without_shutdown_fails() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("a.md"));
    let mut client = Client::start(dir.path(), None, Value::Null);
    client.open(&doc, "markdown", "It was the the end.\n");
    assert_eq!(client.diagnostics(&doc, Some(1)).len(), 1);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": doc}}),
    );
    let cleared = client
        .wait_for(WAIT, |n| n.method == "textDocument/publishDiagnostics")
        .unwrap();
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(cleared.get("version"), None);
    client.notify("exit", Value::Null);
    assert_eq!(wait_exit(&mut client.child).code(), Some(1));
}
