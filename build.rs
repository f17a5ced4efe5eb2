//! Embeds every `rules/*.toml` into the binary, so built-in rules need no files at run time
//! and a new rule file is picked up without touching Rust code; and compiles the built-in
//! patterns (listed in `src/pattern/builtin.json`, which `tests/builtin_patterns.rs` keeps
//! current) into DFAs ahead of time, so that a run does not build them (see
//! `src/pattern/prebuilt.rs`).

use std::env;
use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir("rules")
        .expect("rules/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from(
        "/// Built-in rule files: (file name, contents).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        println!("cargo:rerun-if-changed=rules/{name}");
        out.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{name}\"))),\n"
        ));
    }
    out.push_str("];\n");
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let dest = Path::new(&out_dir).join("builtin_rules.rs");
    fs::write(dest, out).expect("write builtin_rules.rs");
    prebuild_patterns(Path::new(&out_dir));
}

/// A dense DFA pair (forward and reverse) at most this large is kept dense (the fastest to
/// search); a larger one is stored sparse (a tenth of the size; `src/pattern/memo.rs` fills a
/// dense table from it as a run searches).
const DENSE_LIMIT: usize = 1024 * 1024;
/// Determinizing stops here: a pattern whose DFA would be larger (long phrase lists with
/// Unicode white space between case-insensitive words) is left to the run's lazy DFA.
const DETERMINIZE_LIMIT: usize = 4 * 1024 * 1024;

/// Writes `prebuilt.bin` (the DFAs, each at an 8-byte boundary) and `prebuilt.rs` (the table
/// of patterns and where their DFAs are).
fn prebuild_patterns(out_dir: &Path) {
    use regex_automata::dfa::{dense, regex::Builder};
    println!("cargo:rerun-if-changed=src/pattern/builtin.json");
    println!("cargo:rerun-if-env-changed=DRAFTLINT_NO_PREBUILT");
    let little_endian = env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("little");
    let patterns: Vec<String> = if little_endian && env::var_os("DRAFTLINT_NO_PREBUILT").is_none() {
        let list =
            fs::read_to_string("src/pattern/builtin.json").expect("src/pattern/builtin.json");
        serde_json::from_str(&list).expect("src/pattern/builtin.json is a JSON list of strings")
    } else {
        Vec::new()
    };
    let mut blob: Vec<u8> = Vec::new();
    let mut table = String::from(
        "/// Built-in patterns compiled by `build.rs`.\nstatic PREBUILT: &[Entry] = &[\n",
    );
    let mut push = |bytes: &[u8]| {
        while blob.len() % 8 != 0 {
            blob.push(0);
        }
        let start = blob.len();
        blob.extend_from_slice(bytes);
        (start, blob.len())
    };
    for pattern in &patterns {
        let config = dense::Config::new()
            .dfa_size_limit(Some(DETERMINIZE_LIMIT))
            .determinize_size_limit(Some(DETERMINIZE_LIMIT));
        let Ok(regex) = Builder::new().dense(config).build(pattern) else {
            continue;
        };
        let (forward, reverse) = (regex.forward(), regex.reverse());
        let dense_size = forward.memory_usage() + reverse.memory_usage();
        let (is_dense, f, r, states) = if dense_size <= DENSE_LIMIT {
            let (f, f_pad) = forward.to_bytes_little_endian();
            let (r, r_pad) = reverse.to_bytes_little_endian();
            (true, push(&f[f_pad..]), push(&r[r_pad..]), (0, 0))
        } else {
            let (Ok(f), Ok(r)) = (forward.to_sparse(), reverse.to_sparse()) else {
                continue;
            };
            let states = (reachable_states(&f), reachable_states(&r));
            (
                false,
                push(&f.to_bytes_little_endian()),
                push(&r.to_bytes_little_endian()),
                states,
            )
        };
        table.push_str(&format!(
            "    Entry {{ pattern: {pattern:?}, dense: {is_dense}, forward: {f:?}, reverse: {r:?}, states: {states:?} }},\n"
        ));
    }
    table.push_str("];\n");
    fs::write(out_dir.join("prebuilt.bin"), blob).expect("write prebuilt.bin");
    fs::write(out_dir.join("prebuilt.rs"), table).expect("write prebuilt.rs");
}

/// How many states a search can meet in `dfa`: those reachable from any of its start states
/// (anchored or not, after any byte or none), on any byte or the end of the input. A run
/// sizes the table it fills from a sparse DFA by this (`src/pattern/memo.rs`).
fn reachable_states<A: regex_automata::dfa::Automaton>(dfa: &A) -> usize {
    use regex_automata::Anchored;
    use regex_automata::util::start;
    let mut seen = std::collections::HashSet::new();
    let mut stack = Vec::new();
    for anchored in [Anchored::No, Anchored::Yes] {
        for look_behind in std::iter::once(None).chain((0..=255u8).map(Some)) {
            let config = start::Config::new()
                .anchored(anchored)
                .look_behind(look_behind);
            if let Ok(id) = dfa.start_state(&config)
                && seen.insert(id)
            {
                stack.push(id);
            }
        }
    }
    while let Some(id) = stack.pop() {
        let next = (0..=255u8)
            .map(|byte| dfa.next_state(id, byte))
            .chain(std::iter::once(dfa.next_eoi_state(id)));
        for next in next {
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen.len()
}
