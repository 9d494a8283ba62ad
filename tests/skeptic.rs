//! Every Rust code block of the book (book/src/**/*.md), with its `{{#include}}`s expanded by
//! build.rs, compiled against this crate and run. Blocks marked `ignore` are skipped and
//! `no_run` blocks are only compiled.
include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
