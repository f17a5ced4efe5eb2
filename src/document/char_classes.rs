//! The segmentation fast paths (words in `builder`, sentences in `sentences`) read a text as a
//! sequence of character classes, each with the byte where its character starts. Both read
//! the same [`Proxy`]: the text with every character written as one ASCII byte of the same
//! word-break and sentence-break class. ASCII text is its own proxy (read in place); other
//! text is transcribed once per block, for both fast paths, and only its non-ASCII characters
//! are remembered, so that mostly-ASCII prose (a curly quote here and there) costs little more
//! than ASCII.

use std::borrow::Cow;

/// A text read as one class per character.
pub(crate) trait CharClasses<C> {
    /// The number of characters.
    fn len(&self) -> usize;
    /// The class of character `i`; `None` past the end.
    fn class(&self, i: usize) -> Option<C>;
    /// The byte where character `i` starts; the text's length for `i == len()`.
    fn start(&self, i: usize) -> usize;
    /// The first character at or after `from` whose class `stop` accepts; `len()` if none.
    fn find_from(&self, from: usize, stop: impl Fn(C) -> bool) -> usize;
}

/// A text as one ASCII byte per character. Every non-ASCII character it accepts stands for an
/// ASCII one of the same UAX #29 word-break and sentence-break categories, so one proxy serves
/// both fast paths: the curly single quotes are `'` (MidNumLet; Close), the curly double quotes
/// `"` (Other; Close), the en and em dashes `-` (Other; SContinue), the no-break space ` `
/// (Other; Sp), the ellipsis and the placeholder of inline code (U+FFFC) `#` (Other; Other),
/// the Latin-1 capitals `A` (ALetter; Upper) and small letters `a` (ALetter; Lower).
pub(crate) struct Proxy<'t> {
    bytes: Cow<'t, [u8]>,
    /// For each non-ASCII character, in order: its character index and the number of bytes
    /// beyond one that the text's characters up to and including it take.
    wide: Vec<(usize, usize)>,
}

/// The ASCII stand-in of a non-ASCII character (see [`Proxy`]); `None` for characters the fast
/// paths do not know.
fn proxy_byte(c: char) -> Option<u8> {
    Some(match c {
        '\u{2018}' | '\u{2019}' => b'\'',
        '\u{201C}' | '\u{201D}' => b'"',
        '\u{2013}' | '\u{2014}' => b'-',
        '\u{00A0}' => b' ',
        // `PLACEHOLDER` (U+FFFC) stands for inline code and images in a block's text.
        '\u{2026}' | '\u{FFFC}' => b'#',
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00DE}' => b'A',
        '\u{00DF}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}' => b'a',
        _ => return None,
    })
}

impl<'t> Proxy<'t> {
    /// The proxy of `text`; `None` when it holds a character the fast paths do not know (the
    /// caller then takes unicode-segmentation).
    pub fn new(text: &'t str) -> Option<Proxy<'t>> {
        let bytes = text.as_bytes();
        if bytes.is_ascii() {
            return Some(Proxy {
                bytes: Cow::Borrowed(bytes),
                wide: Vec::new(),
            });
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut wide = Vec::new();
        let mut extra = 0;
        let mut at = 0;
        while at < bytes.len() {
            let run = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(bytes.len() - at);
            out.extend_from_slice(&bytes[at..at + run]);
            at += run;
            let Some(c) = text[at..].chars().next() else {
                break;
            };
            out.push(proxy_byte(c)?);
            extra += c.len_utf8() - 1;
            wide.push((out.len() - 1, extra));
            at += c.len_utf8();
        }
        Some(Proxy {
            bytes: Cow::Owned(out),
            wide,
        })
    }

    /// The proxy read through a classification of its bytes.
    pub fn classes<C, A: Fn(u8) -> C>(&self, class: A) -> Classes<'_, A> {
        Classes {
            bytes: &self.bytes,
            wide: &self.wide,
            class,
        }
    }
}

/// A [`Proxy`] read as classes.
pub(crate) struct Classes<'p, A> {
    bytes: &'p [u8],
    wide: &'p [(usize, usize)],
    class: A,
}

impl<C, A: Fn(u8) -> C> CharClasses<C> for Classes<'_, A> {
    #[inline]
    fn len(&self) -> usize {
        self.bytes.len()
    }

    // Called for every character by the fast paths' loops.
    #[inline(always)]
    fn class(&self, i: usize) -> Option<C> {
        self.bytes.get(i).map(|&b| (self.class)(b))
    }

    // The fast paths skip runs of characters that need no decision (most of a text) here,
    // in a tight loop over the proxy's bytes.
    #[inline]
    fn find_from(&self, from: usize, stop: impl Fn(C) -> bool) -> usize {
        let rest = self.bytes.get(from..).unwrap_or_default();
        rest.iter()
            .position(|&b| stop((self.class)(b)))
            .map_or(self.bytes.len().max(from), |at| from + at)
    }

    #[inline]
    fn start(&self, i: usize) -> usize {
        if self.wide.is_empty() {
            return i;
        }
        let before = self.wide.partition_point(|&(at, _)| at < i);
        i + before.checked_sub(1).map_or(0, |w| self.wide[w].1)
    }
}

/// The 256-entry table of `classify` (a `const fn(u8) -> T`) for every byte, built at compile
/// time: the fast paths classify every byte they read.
macro_rules! byte_table {
    ($classify:ident, $default:expr) => {{
        let mut table = [$default; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = $classify(b as u8);
            b += 1;
        }
        table
    }};
}
pub(crate) use byte_table;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character's start, and the end, are where the text has them.
    #[test]
    fn starts_are_the_characters_bytes() {
        let parts = [
            "a", " ", "’", "“", "—", "é", "\u{a0}", "…", "\u{fffc}", "ÿ", "Z.",
        ];
        for text in crate::document::test_text::random_texts(&parts, 7, 12, 20_000) {
            let proxy = Proxy::new(&text).expect("known characters");
            let classes = proxy.classes(|b| b);
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            assert_eq!(classes.len(), starts.len(), "{text:?}");
            for (i, &start) in starts.iter().enumerate() {
                assert_eq!(classes.start(i), start, "{text:?}");
            }
            assert_eq!(classes.start(starts.len()), text.len(), "{text:?}");
        }
        assert!(Proxy::new("a × b").is_none());
        assert!(Proxy::new("日本").is_none());
    }
}
