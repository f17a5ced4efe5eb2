//! `--fix`: applying the fixes rules offer, and writing drafts back safely.
//!
//! A draft is someone's work. Fixes never overlap (the later of two overlapping fixes waits
//! for the next pass), files are replaced atomically (a temporary file in the same folder,
//! then a rename), permissions are kept, and a file that changed since it was read is left
//! alone.

use std::fs;
use std::io::Write;
use std::path::Path;

use thiserror::Error;

use crate::diagnostic::Diagnostic;

#[derive(Debug, Error)]
pub enum FixError {
    #[error("changed on disk since it was read; not fixed")]
    Changed,
    #[error("cannot write the fixed file: {0}")]
    Io(#[from] std::io::Error),
}

/// Applies the non-overlapping fixes of `diagnostics` to `text`; returns the new text and the
/// number of fixes applied.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic]) -> (String, usize) {
    let mut fixes: Vec<_> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for fix in fixes {
        if fix.span.start < at || fix.span.end > text.len() {
            continue;
        }
        if !text.is_char_boundary(fix.span.start) || !text.is_char_boundary(fix.span.end) {
            continue;
        }
        out.push_str(&text[at..fix.span.start]);
        out.push_str(&fix.replacement);
        at = fix.span.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Replaces `path` with `contents` if it still holds `original`.
pub fn write_atomic(path: &Path, original: &[u8], contents: &[u8]) -> Result<(), FixError> {
    if fs::read(path)? != original {
        return Err(FixError::Changed);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = fs::metadata(path)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".draftlint-")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    fs::set_permissions(temp.path(), permissions)?;
    // Last check right before the rename keeps the window for a lost edit minimal.
    if fs::read(path)? != original {
        return Err(FixError::Changed);
    }
    temp.persist(path).map_err(|e| FixError::Io(e.error))?;
    Ok(())
}

/// A unified diff of a fix, for `--diff`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("a/{}", path.trim_start_matches('/')),
            &format!("b/{}", path.trim_start_matches('/')),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Severity};
    use crate::span::Span;

    fn fix(start: usize, end: usize, replacement: &str) -> Diagnostic {
        Diagnostic::new("r", Severity::Warning, Span::new(start, end), "m").with_fix(Some(Fix {
            span: Span::new(start, end),
            replacement: replacement.into(),
        }))
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let (out, n) = apply_fixes(
            "the the the end",
            &[fix(3, 7, ""), fix(5, 11, ""), fix(12, 15, "END")],
        );
        assert_eq!(out, "the the END");
        assert_eq!(n, 2);
    }
}
