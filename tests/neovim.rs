//! A real editor as the client: headless Neovim, driven by `tests/editors/check.lua`, must
//! show the reference draft's findings exactly as `draftlint check` reports them, and a
//! finding on a newly typed line within a second. Skipped, loudly, when `nvim` is absent
//! (`.ci/run` installs it).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_draftlint");

fn nvim_installed() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Line (0-based) and byte column of a byte offset, as Neovim's diagnostics count them.
fn line_byte(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count(), offset - line_start)
}

/// What Neovim should show for `check`'s findings in `path`, lines shifted by `shift`.
fn expected(path: &Path, shift: usize) -> Vec<Value> {
    let output = Command::new(BIN)
        .args(["check", "--format", "json", "--no-config"])
        .arg(path)
        .output()
        .expect("run draftlint check");
    let report: Value = serde_json::from_slice(&output.stdout).expect("check's JSON");
    let text = std::fs::read_to_string(path).unwrap();
    let mut found: Vec<Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (lnum, col) = line_byte(&text, d["byte_start"].as_u64().unwrap() as usize);
            let (end_lnum, end_col) = line_byte(&text, d["byte_end"].as_u64().unwrap() as usize);
            let mut message = d["message"].as_str().unwrap().to_string();
            if let Some(help) = d["help"].as_str() {
                message = format!("{message}\nhelp: {help}");
            }
            let severity = match d["severity"].as_str().unwrap() {
                "error" => 1,
                "warning" => 2,
                _ => 3,
            };
            json!({
                "code": d["rule"], "lnum": lnum + shift, "col": col,
                "end_lnum": end_lnum + shift, "end_col": end_col,
                "severity": severity, "message": message,
            })
        })
        .collect();
    sort(&mut found);
    found
}

fn sort(list: &mut [Value]) {
    list.sort_by_key(|d| {
        (
            d["lnum"].as_u64(),
            d["col"].as_u64(),
            d["code"].as_str().map(str::to_string),
            d["end_lnum"].as_u64(),
            d["end_col"].as_u64(),
        )
    });
}

#[test]
fn neovim_shows_the_reference_draft_like_the_cli() {
    if !nvim_installed() {
        eprintln!(
            "\n*** SKIPPED neovim_shows_the_reference_draft_like_the_cli: `nvim` is not installed \
             (apt-get install -y neovim; .ci/run installs it) ***\n"
        );
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("article.txt");
    std::fs::copy(repo.join("examples/north-korea-draft.txt"), &draft).unwrap();
    let out = dir.path().join("result.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/editors/check.lua").display()
        ))
        .env("DRAFTLINT_BIN", BIN)
        .env("DRAFTLINT_FILE", &draft)
        .env("DRAFTLINT_OUT", &out)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("the script's result"))
            .expect("the script's JSON");
    assert_eq!(result.get("error"), None, "Neovim {}", result["nvim"]);

    let mut opened = result["opened"].as_array().unwrap().clone();
    sort(&mut opened);
    let want = expected(&draft, 0);
    assert!(!want.is_empty());
    assert_eq!(opened, want, "findings on open");

    // After inserting the line: the new finding, and every old one a line further down.
    let mut edited = result["edited"].as_array().unwrap().clone();
    sort(&mut edited);
    let with_line = dir.path().join("edited.txt");
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(
        &with_line,
        format!("Critics say the plan will fail.\n{text}"),
    )
    .unwrap();
    let want = expected(&with_line, 0);
    assert_eq!(edited, want, "findings after the edit");
    assert_eq!(edited[0]["code"], "vague-attribution");
    assert_eq!(edited[0]["lnum"], 0);
    let elapsed = result["elapsed_ms"].as_f64().unwrap();
    eprintln!(
        "Neovim {}: new finding shown {elapsed:.0} ms after the edit",
        result["nvim"]
    );
    assert!(
        elapsed < 1000.0,
        "the new finding took {elapsed:.0} ms to show"
    );
}
