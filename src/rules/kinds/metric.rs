use std::any::Any;

use serde::Deserialize;

use super::{KindError, documented_kind};
use crate::diagnostic::Diagnostic;
use crate::document::{BlockKind, Document};
use crate::rules::load::build_rule;
use crate::rules::{Check, Origin, Rule, RuleError, RuleMeta};
use crate::span::Span;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricParams {
    /// An arithmetic formula over the document's counts (see the kind's documentation).
    pub formula: String,
    /// When to report: a comparison with a number, like `"> 8"` or `"< 70"`.
    pub condition: String,
}

documented_kind! {
    /// ## What it does
    /// Computes a readability formula over the whole document's prose (headings and code
    /// left out) and reports the document, at its first line, when the result meets the
    /// `condition`. The message may use `{value}`, the result with two decimals. This is
    /// Vale's `metric` rule type, and Vale `metric` rules (the Readability package) load as
    /// this kind.
    ///
    /// Variables: `words`, `sentences`, `syllables`, `characters` (letters and digits of
    /// words), `long_words` (more than six letters), `polysyllabic_words` (three syllables or
    /// more), `complex_words` (polysyllabic, not capitalised, not hyphenated, not three
    /// syllables only through -es, -ed or -ing), `paragraphs`, `list` (list items),
    /// `blockquote`, `pre` (code blocks), `heading_h1` … `heading_h6`. Operators
    /// `+ - * / %`, parentheses, and `math.sqrt`, `math.pow`, `math.abs`, `math.log`,
    /// `math.log10`, `math.floor`, `math.ceil`, `math.min`, `math.max`. Syllables are counted
    /// by an English heuristic, so results can differ slightly from Vale's.
    ///
    /// ## Why is this bad
    /// Long sentences of long words lose readers; a score makes a draft's difficulty visible
    /// before an editor has to read it.
    ///
    /// ## Example
    /// ```toml
    /// kind = "metric"
    /// message = "Try to keep the Flesch–Kincaid grade level ({value}) below 8."
    /// [params]
    /// formula = "(0.39 * (words / sentences)) + (11.8 * (syllables / words)) - 15.59"
    /// condition = "> 8"
    /// ```
    #[derive(Debug)]
    pub struct Metric {
        formula: Expr,
        compare: Compare,
        threshold: f64,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Compare {
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
    Equal,
    NotEqual,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Var(Var),
    Neg(Box<Expr>),
    Binary(char, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Sqrt,
    Pow,
    Abs,
    Log,
    Log10,
    Floor,
    Ceil,
    Min,
    Max,
}

/// The counts a formula may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Words,
    Sentences,
    Syllables,
    Characters,
    LongWords,
    PolysyllabicWords,
    ComplexWords,
    Paragraphs,
    List,
    Blockquote,
    Pre,
    Heading(u8),
}

impl Var {
    fn parse(name: &str) -> Option<Var> {
        Some(match name {
            "words" => Var::Words,
            "sentences" => Var::Sentences,
            "syllables" => Var::Syllables,
            "characters" => Var::Characters,
            "long_words" => Var::LongWords,
            "polysyllabic_words" => Var::PolysyllabicWords,
            "complex_words" => Var::ComplexWords,
            "paragraphs" => Var::Paragraphs,
            "list" => Var::List,
            "blockquote" => Var::Blockquote,
            "pre" => Var::Pre,
            _ => {
                let level = name
                    .strip_prefix("heading_h")
                    .or_else(|| name.strip_prefix("heading.h"))?
                    .parse::<u8>()
                    .ok()?;
                (1..=6).contains(&level).then_some(Var::Heading(level))?
            }
        })
    }
}

pub(super) fn build(text: &str, origin: Origin) -> Result<Rule, RuleError> {
    build_rule(text, origin, Metric::from_params)
}

impl Metric {
    pub fn from_params(params: MetricParams) -> Result<Metric, KindError> {
        let formula = Parser::new(&params.formula)
            .parse_all()
            .map_err(|e| KindError::new(format!("invalid formula: {e}"), None))?;
        let condition = params.condition.trim();
        let (compare, rest) = [
            (">=", Compare::GreaterEqual),
            ("<=", Compare::LessEqual),
            ("==", Compare::Equal),
            ("!=", Compare::NotEqual),
            (">", Compare::Greater),
            ("<", Compare::Less),
        ]
        .iter()
        .find_map(|(op, c)| condition.strip_prefix(op).map(|rest| (*c, rest)))
        .ok_or_else(|| {
            KindError::new(
                format!("invalid condition `{condition}`: expected e.g. \"> 8\""),
                None,
            )
        })?;
        let threshold = rest.trim().parse::<f64>().map_err(|_| {
            KindError::new(
                format!("invalid condition `{condition}`: not a number"),
                None,
            )
        })?;
        Ok(Metric {
            formula,
            compare,
            threshold,
        })
    }

    /// The formula's value for a document, or `None` when it has no words.
    fn value(&self, doc: &Document<'_>) -> Option<f64> {
        let counts = Counts::of(doc);
        if counts.words == 0.0 {
            return None;
        }
        let value = eval(&self.formula, &counts);
        value.is_finite().then_some(value)
    }
}

/// The document statistics formulas read.
#[derive(Debug, Default)]
struct Counts {
    words: f64,
    sentences: f64,
    syllables: f64,
    characters: f64,
    long_words: f64,
    polysyllabic: f64,
    complex: f64,
    paragraphs: f64,
    list: f64,
    blockquote: f64,
    pre: f64,
    headings: [f64; 6],
}

impl Counts {
    fn of(doc: &Document<'_>) -> Counts {
        let mut c = Counts::default();
        for block in &doc.blocks {
            match block.kind {
                BlockKind::Heading(level) => {
                    c.headings[usize::from(level.clamp(1, 6)) - 1] += 1.0;
                    continue;
                }
                BlockKind::Code => {
                    c.pre += 1.0;
                    continue;
                }
                BlockKind::ListItem => c.list += 1.0,
                BlockKind::BlockQuote => c.blockquote += 1.0,
                _ => {}
            }
            c.paragraphs += 1.0;
            c.sentences += block.sentences.len() as f64;
            for word in &block.words {
                let w = &block.text[word.text.clone()];
                if !w.chars().any(char::is_alphanumeric) {
                    continue;
                }
                c.words += 1.0;
                c.characters += w.chars().filter(|ch| ch.is_alphanumeric()).count() as f64;
                if w.len() > 6 {
                    c.long_words += 1.0;
                }
                let syllables = syllables(w);
                c.syllables += syllables as f64;
                if syllables > 2 {
                    c.polysyllabic += 1.0;
                }
                if is_complex(w, syllables) {
                    c.complex += 1.0;
                }
            }
        }
        c
    }

    fn get(&self, var: Var) -> f64 {
        match var {
            Var::Words => self.words,
            Var::Sentences => self.sentences,
            Var::Syllables => self.syllables,
            Var::Characters => self.characters,
            Var::LongWords => self.long_words,
            Var::PolysyllabicWords => self.polysyllabic,
            Var::ComplexWords => self.complex,
            Var::Paragraphs => self.paragraphs,
            Var::List => self.list,
            Var::Blockquote => self.blockquote,
            Var::Pre => self.pre,
            Var::Heading(level) => self.headings[usize::from(level) - 1],
        }
    }
}

/// English syllables by vowel groups: a final silent "e" does not count, "-le" after a
/// consonant does, and every word has at least one.
fn syllables(word: &str) -> usize {
    let lower: Vec<char> = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    if lower.is_empty() {
        return 1;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut prev_vowel = false;
    for &c in &lower {
        let v = vowel(c);
        if v && !prev_vowel {
            count += 1;
        }
        prev_vowel = v;
    }
    let n = lower.len();
    if n > 2 && lower[n - 1] == 'e' && !vowel(lower[n - 2]) {
        let le = lower[n - 2] == 'l' && n > 3 && !vowel(lower[n - 3]);
        if !le {
            count -= 1;
        }
    }
    if n > 3 && lower[n - 1] == 'd' && lower[n - 2] == 'e' && !matches!(lower[n - 3], 't' | 'd') {
        // "jumped", "played": -ed is silent after most consonants and vowels.
        count -= 1;
    }
    count.max(1)
}

fn is_complex(word: &str, syllables: usize) -> bool {
    if syllables < 3 || word.contains('-') || word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let lower = word.to_lowercase();
    let suffixed = ["es", "ed", "ing"].iter().any(|s| lower.ends_with(s));
    !(suffixed && syllables == 3)
}

fn eval(expr: &Expr, counts: &Counts) -> f64 {
    match expr {
        Expr::Number(n) => *n,
        Expr::Var(v) => counts.get(*v),
        Expr::Neg(e) => -eval(e, counts),
        Expr::Binary(op, a, b) => {
            let (a, b) = (eval(a, counts), eval(b, counts));
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                '/' => a / b,
                _ => a % b,
            }
        }
        Expr::Call(f, args) => {
            let a: Vec<f64> = args.iter().map(|e| eval(e, counts)).collect();
            match f {
                Func::Sqrt => a[0].sqrt(),
                Func::Pow => a[0].powf(a[1]),
                Func::Abs => a[0].abs(),
                Func::Log => a[0].ln(),
                Func::Log10 => a[0].log10(),
                Func::Floor => a[0].floor(),
                Func::Ceil => a[0].ceil(),
                Func::Min => a[0].min(a[1]),
                Func::Max => a[0].max(a[1]),
            }
        }
    }
}

/// A recursive-descent parser for Vale's formulas (Tengo arithmetic).
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser { text, pos: 0 }
    }

    fn parse_all(mut self) -> Result<Expr, String> {
        let expr = self.sum()?;
        self.skip_space();
        if self.pos < self.text.len() {
            return Err(format!("unexpected `{}`", &self.text[self.pos..]));
        }
        Ok(expr)
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while let Some(op @ ('*' | '/' | '%')) = self.peek() {
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        if self.eat('(') {
            let inner = self.sum()?;
            if !self.eat(')') {
                return Err("missing `)`".into());
            }
            return Ok(inner);
        }
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let token = &rest[..len];
        if token.is_empty() {
            return Err(match rest.chars().next() {
                Some(c) => format!("unexpected `{c}`"),
                None => "unexpected end".into(),
            });
        }
        self.pos += len;
        if token.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return token
                .parse::<f64>()
                .map(Expr::Number)
                .map_err(|_| format!("bad number `{token}`"));
        }
        if let Some(name) = token.strip_prefix("math.") {
            let (func, arity) = match name {
                "sqrt" => (Func::Sqrt, 1),
                "pow" => (Func::Pow, 2),
                "abs" => (Func::Abs, 1),
                "log" => (Func::Log, 1),
                "log10" => (Func::Log10, 1),
                "floor" => (Func::Floor, 1),
                "ceil" => (Func::Ceil, 1),
                "min" => (Func::Min, 2),
                "max" => (Func::Max, 2),
                _ => return Err(format!("unknown function `{token}`")),
            };
            if !self.eat('(') {
                return Err(format!("`{token}` needs arguments"));
            }
            let mut args = vec![self.sum()?];
            while self.eat(',') {
                args.push(self.sum()?);
            }
            if !self.eat(')') {
                return Err("missing `)`".into());
            }
            if args.len() != arity {
                return Err(format!("`{token}` takes {arity} argument(s)"));
            }
            return Ok(Expr::Call(func, args));
        }
        Var::parse(token)
            .map(Expr::Var)
            .ok_or_else(|| format!("unknown variable `{token}`"))
    }
}

impl Check for Metric {
    fn check(&self, doc: &Document<'_>, rule: &RuleMeta, out: &mut Vec<Diagnostic>) {
        let Some(value) = self.value(doc) else {
            return;
        };
        let t = self.threshold;
        let met = match self.compare {
            Compare::Greater => value > t,
            Compare::GreaterEqual => value >= t,
            Compare::Less => value < t,
            Compare::LessEqual => value <= t,
            Compare::Equal => value == t,
            Compare::NotEqual => value != t,
        };
        if met {
            let shown = format!("{value:.2}");
            out.push(rule.diagnostic(Span::new(0, 0), &[("value", &shown)]));
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_evaluates_the_readability_formulas() {
        let counts = Counts {
            words: 100.0,
            sentences: 5.0,
            polysyllabic: 10.0,
            ..Counts::default()
        };
        let value = |f: &str| eval(&Parser::new(f).parse_all().expect(f), &counts);
        assert_eq!(value("(words / sentences) + 1"), 21.0);
        assert_eq!(value("-2 * 3 + 10 % 4"), -4.0);
        let smog = value("1.0430 * math.sqrt((polysyllabic_words * 30.0) / sentences) + 3.1291");
        assert!((smog - (1.0430 * 60f64.sqrt() + 3.1291)).abs() < 1e-9);
        assert!(Parser::new("words +").parse_all().is_err());
        assert!(Parser::new("nope * 2").parse_all().is_err());
    }

    #[test]
    fn counts_syllables_like_a_reader() {
        for (word, n) in [
            ("cat", 1),
            ("table", 2),
            ("make", 1),
            ("readability", 5),
            ("jumped", 1),
            ("wanted", 2),
            ("the", 1),
            ("syllable", 3),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }
}
