//! The segmentation fast paths (words in `builder`, sentences in `sentences`) read a text as a
//! sequence of character classes, each with the byte where its character starts: ASCII text
//! in place (a character is a byte), other text classified once into a vector. Each fast path
//! is written once, generic over the two.

/// A text read as one class per character.
pub(crate) trait CharClasses<C> {
    /// The number of characters.
    fn len(&self) -> usize;
    /// The class of character `i`; `None` past the end.
    fn class(&self, i: usize) -> Option<C>;
    /// The byte where character `i` starts; the text's length for `i == len()`.
    fn start(&self, i: usize) -> usize;
}

/// ASCII text: character `i` is byte `i`, classified by `class` when read.
pub(crate) struct Ascii<'t, A> {
    pub bytes: &'t [u8],
    pub class: A,
}

impl<C, A: Fn(u8) -> C> CharClasses<C> for Ascii<'_, A> {
    fn len(&self) -> usize {
        self.bytes.len()
    }

    #[inline]
    fn class(&self, i: usize) -> Option<C> {
        self.bytes.get(i).map(|&b| (self.class)(b))
    }

    fn start(&self, i: usize) -> usize {
        i
    }
}

/// Any other text, classified up front.
pub(crate) struct Mixed<C> {
    classes: Vec<C>,
    starts: Vec<usize>,
    len: usize,
}

impl<C> Mixed<C> {
    /// Classifies `text`'s characters: `ascii` for ASCII bytes, `other` for the rest; `None`
    /// as soon as `other` does not know a character (the caller then takes its general path).
    pub fn new(
        text: &str,
        ascii: impl Fn(u8) -> C,
        other: impl Fn(char) -> Option<C>,
    ) -> Option<Mixed<C>> {
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
        Some(Mixed {
            classes,
            starts,
            len: text.len(),
        })
    }
}

impl<C: Copy> CharClasses<C> for Mixed<C> {
    fn len(&self) -> usize {
        self.classes.len()
    }

    #[inline]
    fn class(&self, i: usize) -> Option<C> {
        self.classes.get(i).copied()
    }

    fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.len)
    }
}
