//! draftlint: a linter for articles.
//!
//! The pipeline is: read a file ([`source`]), parse it once into a [`document::Document`], run
//! every enabled [`rules::Rule`] over that document to get [`diagnostic::Diagnostic`]s, and hand
//! them to a printer in [`render`]. Rules are data (TOML files) configuring a small number of
//! rule *kinds* written in Rust.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod fix;
pub mod lint;
pub mod lsp;
pub mod pattern;
pub mod render;
pub mod rules;
pub mod serve;
pub mod source;
pub mod span;
pub mod suppress;
