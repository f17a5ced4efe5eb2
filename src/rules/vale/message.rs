//! Vale's messages: Go `fmt` verbs (`%s`, `%[2]s`, `%%`) filled with the values a rule type
//! passes, in order.
//!
//! They are turned once, at load time, into draftlint message templates whose placeholders are
//! `{name}`s, so a Vale rule reports through the same [`RuleMeta::diagnostic`] as any other.
//!
//! [`RuleMeta::diagnostic`]: crate::rules::RuleMeta::diagnostic

/// The draftlint template for a Vale `message`, where the n-th value Vale would pass is the
/// placeholder `{names[n]}`. Like Vale, verbs beyond the values cycle through them again.
pub fn template(message: &str, names: &[&str]) -> String {
    if names.is_empty() {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len() + 8);
    let mut next = 0usize;
    let mut rest = message;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let verb = &rest[at + 1..];
        // `%[n]s`: an explicit, 1-based argument index.
        let (index, after) = match verb.strip_prefix('[').and_then(|v| v.split_once(']')) {
            Some((n, after)) => match n.parse::<usize>() {
                Ok(n) if n >= 1 => (Some(n - 1), after),
                _ => (None, verb),
            },
            None => (None, verb),
        };
        let mut chars = after.chars();
        match chars.next() {
            Some('%') if index.is_none() => {
                out.push('%');
                rest = chars.as_str();
            }
            Some(c @ ('s' | 'v' | 'q')) => {
                let i = index.unwrap_or(next);
                next = i + 1;
                let name = names[i % names.len()];
                if c == 'q' {
                    out.push_str(&format!("\"{{{name}}}\""));
                } else {
                    out.push_str(&format!("{{{name}}}"));
                }
                rest = chars.as_str();
            }
            _ => {
                out.push('%');
                rest = verb;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Vale's list of suggestions: `'a'`, `'a' or 'b'`, `'a', 'b', or 'c'`.
pub fn to_sentence(words: &[&str], and_or: &str) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} {and_or} {}", quoted[0], quoted[1]),
        n => {
            let mut parts = quoted;
            parts[n - 1] = format!("{and_or} {}", parts[n - 1]);
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_verbs_become_placeholders() {
        assert_eq!(
            template("Use '%s' instead of '%s'.", &["preferred", "match"]),
            "Use '{preferred}' instead of '{match}'."
        );
        assert_eq!(
            template("'%[2]s' → '%[1]s', 100%%", &["a", "b"]),
            "'{b}' → '{a}', 100%"
        );
        assert_eq!(template("%s and %s", &["match"]), "{match} and {match}");
        assert_eq!(template("Keep it short.", &["match"]), "Keep it short.");
        assert_eq!(template("odd %d %", &["match"]), "odd %d %");
    }

    #[test]
    fn suggestions_read_as_a_sentence() {
        assert_eq!(to_sentence(&["a"], "or"), "'a'");
        assert_eq!(to_sentence(&["a", "b"], "or"), "'a' or 'b'");
        assert_eq!(to_sentence(&["a", "b", "c"], "or"), "'a', 'b', or 'c'");
    }
}
