//! The segmentation fast paths (words in `builder`, sentences in `sentences`) read a text that
//! is not all ASCII as a sequence of character classes, with the byte where each character
//! starts; this builds that sequence for either.

/// The classes of a text's characters and the byte offsets where they start.
pub(crate) struct Classified<C> {
    pub classes: Vec<C>,
    pub starts: Vec<usize>,
}

/// Classifies `text`'s characters: `ascii` for ASCII bytes, `other` for the rest; `None` as
/// soon as `other` does not know a character (the caller then takes its general path).
pub(crate) fn classify<C>(
    text: &str,
    ascii: impl Fn(u8) -> C,
    other: impl Fn(char) -> Option<C>,
) -> Option<Classified<C>> {
    let mut classes = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        classes.push(if c.is_ascii() {
            ascii(c as u8)
        } else {
            other(c)?
        });
        starts.push(i);
    }
    Some(Classified { classes, starts })
}
