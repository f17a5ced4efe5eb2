//! html5gum's tokens, held without an allocation per token.
//!
//! html5gum's default emitter gives every start tag a `BTreeMap` of owned attribute names
//! and values, and every tag name and text run its own `Vec`: on a large page, allocating
//! and freeing those cost as much as tokenizing. The same events are collected here through
//! html5gum's callback emitter instead: decoded text, tag names and attributes go into one
//! shared buffer, tokens hold ranges into it, and each distinct tag name is stored and
//! classified (void, block-level, chrome…) once per page, so later passes test a bit instead
//! of comparing strings. The token sequence is the default emitter's, one for one (duplicate
//! attributes keep the first value and add an error token, attributes in end tags are
//! dropped), so token indices mean the same as before.

use std::collections::{HashMap, HashSet};

use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};

/// A stretch of [`Tokens`]' shared text buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Str {
    start: usize,
    end: usize,
}

/// Byte offsets of a token in the source, as html5gum reports them.
#[derive(Clone, Copy, Debug, Default)]
pub struct At {
    pub start: usize,
    pub end: usize,
}

/// A tag name, interned per page: `id` is the same for every tag of the same name.
#[derive(Clone, Copy, Debug)]
pub struct Tag {
    pub id: usize,
    pub name: Str,
    /// What the name is ([`class`] bits).
    pub class: u16,
}

impl Tag {
    pub fn is(&self, class: u16) -> bool {
        self.class & class != 0
    }
}

/// Kinds of elements, by name, that the tree builder, the scope and the prose parser test.
pub mod class {
    /// No content and no end tag (`img`, `br`).
    pub const VOID: u16 = 1;
    /// Its start tag closes an open `<p>`.
    pub const CLOSES_P: u16 = 1 << 1;
    /// Keeps an item (`<li>`, `<dt>`) from closing one outside it.
    pub const LIST_SCOPE: u16 = 1 << 2;
    /// Text inside is not text a reader sees (script, style).
    pub const RAW_TEXT: u16 = 1 << 3;
    /// Scopes a `<header>`/`<footer>` to itself.
    pub const SECTIONING: u16 = 1 << 4;
    /// Never the article's text (nav, aside, form).
    pub const CHROME: u16 = 1 << 5;
    /// Content never read as prose (script, svg, iframe).
    pub const SKIPPED: u16 = 1 << 6;
    /// Ends the current block when it opens or closes.
    pub const BLOCK_LEVEL: u16 = 1 << 7;
}

/// One attribute of a start tag.
#[derive(Clone, Copy, Debug)]
pub struct Attr {
    pub name: Str,
    pub value: Str,
}

#[derive(Clone, Copy, Debug)]
pub enum Token {
    Start {
        tag: Tag,
        /// Range of [`Tokens::attrs`].
        attrs: (usize, usize),
        at: At,
        self_closing: bool,
    },
    End {
        tag: Tag,
        at: At,
    },
    /// Text, entities decoded.
    Text {
        value: Str,
        at: At,
    },
    Comment {
        at: At,
    },
    /// A doctype or a parse error: nothing the parsers read, kept so that indices match.
    Other,
}

/// The tokens of one page and the text they point into.
#[derive(Debug, Default)]
pub struct Tokens {
    pub list: Vec<Token>,
    text: String,
    attrs: Vec<Attr>,
    /// Tag names seen, with their interned tag.
    names: HashMap<Box<str>, Tag>,
}

impl Tokens {
    /// Tokenizes a page (html5gum, switching into raw-text states after `<script>` and the
    /// like, as the default emitter did).
    pub fn parse(source: &str, classify: fn(&str) -> u16) -> Tokens {
        let mut tokens = Tokens::default();
        let mut collector = Collector {
            tokens: &mut tokens,
            classify,
            tag_name: Vec::new(),
            tag_start: 0,
            pending_attrs: 0,
            attribute: None,
            many: HashSet::new(),
        };
        let mut emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, span: html5gum::Span<usize>| {
                collector.handle(
                    event,
                    At {
                        start: span.start,
                        end: span.end,
                    },
                )
            });
        emitter.naively_switch_states(true);
        let list: Vec<Token> = Tokenizer::new_with_emitter(source, emitter)
            .flatten()
            .collect();
        tokens.list = list;
        tokens
    }

    /// The text of a stretch of the buffer.
    pub fn str(&self, s: Str) -> &str {
        &self.text[s.start..s.end]
    }

    pub fn attrs(&self, range: (usize, usize)) -> &[Attr] {
        &self.attrs[range.0..range.1]
    }

    /// The value of an attribute (names are lower case).
    pub fn attr<'a>(&'a self, attrs: &[Attr], key: &str) -> Option<&'a str> {
        attrs
            .iter()
            .find(|a| self.str(a.name) == key)
            .map(|a| self.str(a.value))
    }

    /// The interned tag of a name, when the page has such a tag.
    pub fn tag(&self, name: &str) -> Option<Tag> {
        self.names.get(name).copied()
    }

    /// How many distinct tag names the page has (tags' `id`s are below this).
    pub fn tag_count(&self) -> usize {
        self.names.len()
    }
}

/// Turns html5gum's events into [`Token`]s, as html5gum's default emitter does.
struct Collector<'a> {
    tokens: &'a mut Tokens,
    classify: fn(&str) -> u16,
    tag_name: Vec<u8>,
    tag_start: usize,
    /// Start of the attributes read since the last tag.
    pending_attrs: usize,
    /// The attribute whose value is being read; `None` after a duplicate name.
    attribute: Option<usize>,
    /// Names of the pending attributes, once a tag has many (duplicates are looked up here
    /// instead of by a scan, so a tag with thousands of attributes stays linear).
    many: HashSet<Vec<u8>>,
}

impl Collector<'_> {
    fn push(&mut self, bytes: &[u8]) -> Str {
        let start = self.tokens.text.len();
        self.tokens.text.push_str(&String::from_utf8_lossy(bytes));
        Str {
            start,
            end: self.tokens.text.len(),
        }
    }

    fn tag(&mut self, name: &[u8]) -> Tag {
        let name = String::from_utf8_lossy(name);
        if let Some(tag) = self.tokens.names.get(&*name) {
            return *tag;
        }
        let stored = self.push(name.as_bytes());
        let tag = Tag {
            id: self.tokens.names.len(),
            name: stored,
            class: (self.classify)(&name),
        };
        self.tokens.names.insert(name.into(), tag);
        tag
    }

    /// Whether the tag being read already has an attribute of this name.
    fn is_duplicate(&mut self, name: &[u8]) -> bool {
        let pending = &self.tokens.attrs[self.pending_attrs..];
        if pending.len() < 32 {
            let text = self.tokens.text.as_bytes();
            return pending
                .iter()
                .any(|a| text[a.name.start..a.name.end] == *name);
        }
        if self.many.is_empty() {
            let text = self.tokens.text.as_bytes();
            self.many = pending
                .iter()
                .map(|a| text[a.name.start..a.name.end].to_vec())
                .collect();
        }
        !self.many.insert(name.to_vec())
    }

    fn end_attributes(&mut self) {
        self.pending_attrs = self.tokens.attrs.len();
        self.attribute = None;
        self.many.clear();
    }

    fn handle(&mut self, event: CallbackEvent<'_>, at: At) -> Option<Token> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag_name.clear();
                self.tag_name.extend_from_slice(name);
                self.tag_start = at.start;
                None
            }
            CallbackEvent::AttributeName { name } => {
                if self.is_duplicate(name) {
                    self.attribute = None;
                    return Some(Token::Other);
                }
                let name = self.push(name);
                let empty = Str {
                    start: name.end,
                    end: name.end,
                };
                self.attribute = Some(self.tokens.attrs.len());
                self.tokens.attrs.push(Attr { name, value: empty });
                None
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(i) = self.attribute {
                    // Values may come in pieces; nothing else is stored in between.
                    let piece = self.push(value);
                    let attr = &mut self.tokens.attrs[i];
                    if attr.value.start == attr.value.end {
                        attr.value = piece;
                    } else {
                        attr.value.end = piece.end;
                    }
                }
                None
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let name = std::mem::take(&mut self.tag_name);
                let tag = self.tag(&name);
                self.tag_name = name;
                let attrs = (self.pending_attrs, self.tokens.attrs.len());
                self.end_attributes();
                Some(Token::Start {
                    tag,
                    attrs,
                    at: At {
                        start: self.tag_start,
                        end: at.end,
                    },
                    self_closing,
                })
            }
            CallbackEvent::EndTag { name } => {
                self.tokens.attrs.truncate(self.pending_attrs);
                self.end_attributes();
                Some(Token::End {
                    tag: self.tag(name),
                    at,
                })
            }
            CallbackEvent::String { value } => Some(Token::Text {
                value: self.push(value),
                at,
            }),
            CallbackEvent::Comment { .. } => Some(Token::Comment { at }),
            CallbackEvent::Doctype { .. } | CallbackEvent::Error(_) => Some(Token::Other),
        }
    }
}
