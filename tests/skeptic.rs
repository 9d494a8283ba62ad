//! Every Rust code block of the book (book/src/**/*.md), with its `{{#include}}`s expanded by
//! build.rs, compiled against this crate and run. Blocks marked `ignore` are skipped and
//! `no_run` blocks are only compiled.
// skeptic names each test after the chapter, its section heading and the block's line; a
// heading with no ASCII letters leaves a double underscore in the name.
#![allow(non_snake_case)]
include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
