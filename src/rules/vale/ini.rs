//! `.vale.ini`, read the way Vale reads it.
//!
//! Global keys come before the first section; each `[glob]` section applies to the files its
//! glob matches. `BasedOnStyles` is taken from the last matching section that sets it, and rule
//! switches (`Style.Rule = NO`, `Style.Rule = error`) from every matching section, in order.
//! A key draftlint does not know is a warning with its line, not an error: a team's file may
//! carry settings for Vale features that draftlint leaves to Vale.

use crate::diagnostic::Severity;

/// What a rule switch does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    Off,
    On,
    /// On, at this level.
    Level(Severity),
}

#[derive(Clone, Debug)]
pub struct Section {
    pub glob: String,
    pub line: usize,
    pub based_on: Option<Vec<String>>,
    /// `Style.Rule` or `Style` switches, in file order.
    pub switches: Vec<(String, Switch)>,
    /// `TokenIgnores`: regexes of inline text Vale's rules skip, with the line they are on.
    pub token_ignores: Vec<(String, usize)>,
    /// `BlockIgnores`: regexes of whole blocks Vale's rules skip (matched on the whole file).
    pub block_ignores: Vec<(String, usize)>,
}

#[derive(Clone, Debug, Default)]
pub struct Ini {
    pub styles_path: Option<String>,
    pub min_alert_level: Option<Severity>,
    pub vocab: Vec<String>,
    pub sections: Vec<Section>,
    /// `(line, message)` for keys and values draftlint does not use.
    pub warnings: Vec<(usize, String)>,
}

/// Vale's level names.
pub fn level(name: &str) -> Option<Severity> {
    match name.trim().to_ascii_lowercase().as_str() {
        "suggestion" => Some(Severity::Info),
        "warning" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        _ => None,
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A list of regexes: split at commas outside groups and classes (a pattern may hold
/// `{1,3}`, `[,;]`, `[],]` or `[[:upper:],]`), each trimmed.
fn patterns(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let (mut depth, mut class_start, mut start, mut k) = (0i32, None::<usize>, 0, 0);
    while k < chars.len() {
        let (i, c) = chars[k];
        match c {
            '\\' => k += 1,
            // A `]` right after `[` or `[^` is a literal; `[:name:]` is a class inside a class.
            '[' if class_start.is_none() => class_start = Some(k),
            '[' if chars.get(k + 1).is_some_and(|&(_, c)| c == ':') => {
                while k < chars.len() && !(chars[k].1 == ']' && chars[k - 1].1 == ':') {
                    k += 1;
                }
            }
            ']' if class_start.is_some_and(|open| {
                k > open + 1 && !(k == open + 2 && chars[open + 1].1 == '^')
            }) =>
            {
                class_start = None
            }
            '(' | '{' if class_start.is_none() => depth += 1,
            ')' | '}' if class_start.is_none() => depth -= 1,
            ',' if depth <= 0 && class_start.is_none() => {
                out.push(value[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        k += 1;
    }
    out.push(value[start..].trim().to_string());
    out.retain(|p| !p.is_empty());
    out
}

/// The file's lines with go-ini's continuations joined: a line that ends in `\` goes on with
/// the next one (long ignore lists are written so). Each joined line keeps the number of its
/// first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut continuing = false;
    for (n, raw) in text.lines().enumerate() {
        let (content, continues) = match raw.trim_end().strip_suffix('\\') {
            Some(head) => (head, true),
            None => (raw, false),
        };
        match out.last_mut() {
            Some((_, line)) if continuing => line.push_str(content.trim_start()),
            _ => out.push((n + 1, content.to_string())),
        }
        continuing = continues;
    }
    out
}

/// Vale's defaults for these keys; draftlint never lints code or front matter, which is what
/// they say, so only other values are reported as unsupported.
const DEFAULT_IGNORED_SCOPES: &[&str] = &["code", "tt"];
const DEFAULT_SKIPPED_SCOPES: &[&str] = &["script", "style", "pre", "figure", "code", "tt"];

pub fn parse(text: &str) -> Ini {
    let mut ini = Ini::default();
    for (line, raw) in logical_lines(text) {
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') || content.starts_with(';') {
            continue;
        }
        if let Some(glob) = content.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
            ini.sections.push(Section {
                glob: glob.trim().to_string(),
                line,
                based_on: None,
                switches: Vec::new(),
                token_ignores: Vec::new(),
                block_ignores: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = content.split_once('=') else {
            ini.warnings.push((
                line,
                format!("`{content}` is not a `key = value` line; ignored"),
            ));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let in_section = !ini.sections.is_empty();
        match (in_section, key) {
            (false, "StylesPath") => ini.styles_path = Some(value.to_string()),
            (false, "MinAlertLevel") => match level(value) {
                Some(l) => ini.min_alert_level = Some(l),
                None => ini.warnings.push((
                    line,
                    format!("unknown level `{value}` (suggestion, warning or error)"),
                )),
            },
            (false, "Vocab") => ini.vocab = list(value),
            (_, "IgnoredScopes") | (_, "SkippedScopes") => {
                let defaults = if key == "IgnoredScopes" {
                    DEFAULT_IGNORED_SCOPES
                } else {
                    DEFAULT_SKIPPED_SCOPES
                };
                let other: Vec<String> = list(value)
                    .into_iter()
                    .filter(|s| !defaults.contains(&s.as_str()))
                    .collect();
                if !other.is_empty() {
                    ini.warnings.push((
                        line,
                        format!(
                            "{key}: draftlint skips code and front matter; `{}` is not supported",
                            other.join(", ")
                        ),
                    ));
                }
            }
            (true, "TokenIgnores" | "BlockIgnores") => {
                if let Some(section) = ini.sections.last_mut() {
                    let list = if key == "TokenIgnores" {
                        &mut section.token_ignores
                    } else {
                        &mut section.block_ignores
                    };
                    list.extend(patterns(value).into_iter().map(|p| (p, line)));
                }
            }
            (true, "BasedOnStyles") => {
                if let Some(section) = ini.sections.last_mut() {
                    section.based_on = Some(list(value));
                }
            }
            (true, _)
                if key.chars().next().is_some_and(char::is_uppercase)
                    && !KNOWN_UNSUPPORTED.contains(&key) =>
            {
                let switch = match value.to_ascii_uppercase().as_str() {
                    "NO" | "FALSE" | "OFF" => Some(Switch::Off),
                    "YES" | "TRUE" | "ON" => Some(Switch::On),
                    _ => level(value).map(Switch::Level),
                };
                match (switch, ini.sections.last_mut()) {
                    (Some(switch), Some(section)) => {
                        section.switches.push((key.to_string(), switch))
                    }
                    _ => ini.warnings.push((
                        line,
                        format!("`{key} = {value}`: expected YES, NO or a level; ignored"),
                    )),
                }
            }
            _ => ini.warnings.push((
                line,
                format!("`{key}` is not supported by draftlint; ignored"),
            )),
        }
    }
    ini
}

/// Section keys Vale knows that draftlint does not apply (they are not rule switches).
const KNOWN_UNSUPPORTED: &[&str] = &["Transform", "Lang", "CommentDelimiters"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_globals_sections_and_switches() {
        let ini = parse(
            "StylesPath = styles\nMinAlertLevel = suggestion\nVocab = Base\nWordTemplate = x\n\n[*.{md,txt}]\nBasedOnStyles = Vale, Google\nGoogle.Will = NO\nGoogle.We = error\nTokenIgnores = x\n",
        );
        assert_eq!(ini.styles_path.as_deref(), Some("styles"));
        assert_eq!(ini.min_alert_level, Some(Severity::Info));
        assert_eq!(ini.vocab, ["Base"]);
        let s = &ini.sections[0];
        assert_eq!(s.glob, "*.{md,txt}");
        assert_eq!(
            s.based_on.as_deref(),
            Some(&["Vale".to_string(), "Google".to_string()][..])
        );
        assert_eq!(
            s.switches,
            [
                ("Google.Will".to_string(), Switch::Off),
                ("Google.We".to_string(), Switch::Level(Severity::Error))
            ]
        );
        assert_eq!(s.token_ignores, [("x".to_string(), 10)]);
        let lines: Vec<usize> = ini.warnings.iter().map(|w| w.0).collect();
        assert_eq!(lines, [4]);
    }

    #[test]
    fn ignore_lists_split_between_patterns_only() {
        assert_eq!(
            patterns(r"(\$+[^\n$]+\$+), (:math:`.*`), x{1,3}, [,;]y, a\,b"),
            [
                r"(\$+[^\n$]+\$+)",
                "(:math:`.*`)",
                "x{1,3}",
                "[,;]y",
                r"a\,b"
            ]
        );
        let ini = parse("[*.md]\nBlockIgnores = (?s) *({< file [^>]* >}.*?{</ ?file >})\n");
        assert_eq!(
            ini.sections[0].block_ignores,
            [("(?s) *({< file [^>]* >}.*?{</ ?file >})".to_string(), 2)]
        );
    }
}
