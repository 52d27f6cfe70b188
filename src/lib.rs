//! headroom: a streaming context compressor for AI coding agents.
//!
//! The library is the whole tool; the `headroom` and `headroom-cat` binaries only parse
//! arguments and call [`app`]. Data flows one way:
//!
//! ```text
//! input ─▶ detect ─▶ pipeline ─┬─▶ store (original, by BLAKE3)
//!                              └─▶ compressor.observe … select ─▶ render with markers ─▶ output
//! ```
//!
//! - [`pipeline::filter`]: bytes in, view out; pass-through and fail-open live there.
//! - [`compress`]: the `Compressor` trait and one module per content family.
//! - [`store`]: originals as files, metadata in sled, retention.
//! - [`retrieve`]: `headroom-cat` selectors (`-L`, `--grep`, `--query`, `--path`, `--items`).
//! - [`json`]: the JSON tree, parser and paths shared by the compressor and retrieval.
//! - [`marker`]: the one marker format.
//! - [`transcript`]: tool results inside agent transcripts, rewritten in place.
//! - [`align`]: dynamic content in system prompts that defeats prompt caching.

pub mod align;
pub mod app;
pub mod cli;
pub mod compress;
pub mod detect;
pub mod hash;
pub mod json;
pub mod lines;
pub mod marker;
pub mod pattern;
pub mod pipeline;
pub mod relevance;
pub mod retrieve;
pub mod run;
pub mod stats;
pub mod store;
pub mod tokens;
pub mod transcript;

pub use pipeline::{filter, Options, Report};
