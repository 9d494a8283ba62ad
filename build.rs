//! Turns every Rust code block of the book into a test (run by `tests/skeptic.rs`).
//!
//! skeptic reads raw markdown, and the chapters take their code from other files with mdBook's
//! `{{#include}}`. So this script first expands, as mdBook does:
//!
//! - `{{#include PATH}}`, `{{#include PATH:ANCHOR}}`, `{{#include PATH:START:END}}`,
//!   `{{#include PATH:START:}}`, `{{#include PATH::END}}`, `{{#include PATH:LINE}}`
//!   (1-based lines, both ends included; an anchored region is the lines between
//!   `ANCHOR: name` and `ANCHOR_END: name`, without any other ANCHOR line inside it);
//! - `{{#rustdoc_include ...}}` (the same, with the lines outside the region kept as hidden
//!   `# ` lines, as mdBook shows them);
//! - `{{#playground PATH}}` (the file in a rust block), `{{#title ...}}` (removed) and the
//!   escaped `\{{#...}}` (left as text);
//!
//! with paths relative to the chapter's directory (to the included file's, for an include
//! inside an included file), into copies of every `book/src/**/*.md` under
//! `OUT_DIR/book-src`. Then `skeptic::generate_doc_tests` makes a test of each rust block of
//! those copies.
//!
//! A missing file or anchor fails this script, with the chapter and line, when the include
//! sits in a `rust` block or outside any code block (the tests would be wrong). In any other
//! block (`text`, `python`) it is only a warning: those blocks are not tests, a snapshot may
//! not have been accepted yet (and only the tests can make it), and `cargo book` fails on a
//! missing include anyway.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// mdBook stops expanding includes nested deeper than this.
const MAX_DEPTH: usize = 10;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let book_src = root.join("book").join("src");

    // Directories: cargo looks for any change inside them, so new chapters are picked up.
    println!("cargo:rerun-if-changed=book/src");
    println!("cargo:rerun-if-changed=examples");

    let mut chapters = Vec::new();
    if book_src.is_dir() {
        markdown_files(&book_src, &mut chapters);
    }
    chapters.sort();

    let copies_dir = out_dir.join("book-src");
    fs::create_dir_all(&copies_dir).expect("create OUT_DIR/book-src");
    let mut watched = Vec::new();
    let mut errors = Vec::new();
    let mut docs = Vec::new();
    for chapter in &chapters {
        let rel = chapter
            .strip_prefix(&book_src)
            .expect("chapter under book/src");
        let text = match fs::read_to_string(chapter) {
            Ok(text) => text,
            Err(e) => {
                errors.push(format!("{}: cannot read: {e}", chapter.display()));
                continue;
            }
        };
        let mut ctx = Expansion {
            chapter: rel_to(&root, chapter),
            watched: &mut watched,
            errors: &mut errors,
            root: &root,
        };
        let base = chapter.parent().expect("chapter has a directory");
        let expanded = ctx.expand(&text, base, 0, Block::Outside, true);

        // A flat name keeps skeptic's test names (taken from the file stem) unique, and a
        // `.skt.md` template stays beside its chapter under the same flat name.
        let flat: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let copy = copies_dir.join(flat.join("__"));
        write_if_changed(&copy, &expanded);
        // skeptic asks cargo to rerun this script when a copy changes; this script writes the
        // copies, so give each its chapter's time, or every build would rerun it.
        if let Ok(modified) = fs::metadata(chapter).and_then(|m| m.modified()) {
            set_modified(&copy, modified);
        }
        docs.push(copy);
    }

    if !errors.is_empty() {
        eprintln!("error: the book's code blocks cannot be extracted for skeptic:");
        for e in &errors {
            eprintln!("  {e}");
        }
        std::process::exit(1);
    }

    remove_stale_copies(&copies_dir, &docs);
    watched.sort();
    watched.dedup();
    for path in &watched {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    if docs.is_empty() {
        // skeptic writes nothing for no documents, and tests/skeptic.rs includes its file.
        write_if_changed(&out_dir.join("skeptic-tests.rs"), "");
    } else {
        skeptic::generate_doc_tests(&docs);
    }
}

/// Every `*.md` file under `dir`, recursively.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Where an include directive sits.
#[derive(Clone, Copy, PartialEq)]
enum Block {
    /// Outside any fenced code block.
    Outside,
    /// In a fenced block that skeptic makes a test of.
    Rust,
    /// In any other fenced block.
    Other,
}

struct Expansion<'a> {
    /// The chapter being expanded, relative to the workspace (for messages).
    chapter: PathBuf,
    watched: &'a mut Vec<PathBuf>,
    errors: &'a mut Vec<String>,
    root: &'a Path,
}

impl Expansion<'_> {
    /// Expand the directives in `text`, whose relative paths start at `base`. `block` is
    /// where `text` sits; with `track_fences`, fences inside `text` are followed (for the
    /// chapter itself, and for markdown included outside any code block).
    fn expand(
        &mut self,
        text: &str,
        base: &Path,
        depth: usize,
        block: Block,
        track_fences: bool,
    ) -> String {
        let mut out = String::with_capacity(text.len());
        let mut fence: Option<(char, usize)> = None;
        let mut block = block;
        let outer = block;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            if track_fences {
                if let Some(f) = fence_line(line) {
                    match fence {
                        None => {
                            fence = Some((f.ch, f.len));
                            block = if f.is_rust { Block::Rust } else { Block::Other };
                        }
                        Some((ch, len)) if f.ch == ch && f.len >= len && f.info.is_empty() => {
                            fence = None;
                            block = outer;
                        }
                        Some(_) => {}
                    }
                    out.push_str(line);
                    continue;
                }
            }
            self.expand_line(line, index + 1, base, depth, block, &mut out);
        }
        out
    }

    fn expand_line(
        &mut self,
        line: &str,
        line_no: usize,
        base: &Path,
        depth: usize,
        block: Block,
        out: &mut String,
    ) {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            // An escaped directive `\{{#...}}` stays, without its backslash.
            if start > 0 && rest.as_bytes()[start - 1] == b'\\' {
                if let Some(d) = parse_directive(&rest[start..]) {
                    out.push_str(&rest[..start - 1]);
                    out.push_str(&rest[start..start + d.len]);
                    rest = &rest[start + d.len..];
                    continue;
                }
            }
            let Some(d) = parse_directive(&rest[start..]) else {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                continue;
            };
            out.push_str(&rest[..start]);
            let directive = &rest[start..start + d.len];
            rest = &rest[start + d.len..];
            match self.render(&d, base, depth, block) {
                Ok(Some(text)) => out.push_str(&text),
                Ok(None) => out.push_str(directive),
                Err(e) => {
                    let msg = format!("{}:{line_no}: `{directive}`: {e}", self.chapter.display());
                    if block == Block::Other {
                        println!(
                            "cargo:warning={msg} (not in a rust block: the tests do not \
                             need it, but `cargo book` fails on it)"
                        );
                        out.push_str(directive);
                    } else {
                        self.errors.push(msg);
                    }
                }
            }
        }
        out.push_str(rest);
    }

    /// The text a directive stands for; `None` for directives this script leaves alone.
    fn render(
        &mut self,
        d: &Directive<'_>,
        base: &Path,
        depth: usize,
        block: Block,
    ) -> Result<Option<String>, String> {
        if d.kind == "title" {
            return Ok(Some(String::new()));
        }
        let Some(arg) = d.args.split_whitespace().next() else {
            return Ok(None);
        };
        let (path, selector) = match arg.split_once(':') {
            Some((path, selector)) => (path, Some(selector)),
            None => (arg, None),
        };
        let target = normalize(&base.join(path));
        let read = |target: &Path| {
            fs::read_to_string(target)
                .map_err(|e| format!("cannot read {}: {e}", rel_to(self.root, target).display()))
        };
        let content = match d.kind {
            "include" => {
                let file = read(&target)?;
                match parse_selector(selector) {
                    Selector::Lines(from, to) => take_lines(&file, from, to),
                    Selector::Anchor(anchor) => take_anchored(&file, anchor, false)
                        .ok_or_else(|| no_anchor(anchor, self.root, &target))?,
                }
            }
            "rustdoc_include" => {
                let file = read(&target)?;
                match parse_selector(selector) {
                    Selector::Lines(from, to) => rustdoc_lines(&file, from, to),
                    Selector::Anchor(anchor) => take_anchored(&file, anchor, true)
                        .ok_or_else(|| no_anchor(anchor, self.root, &target))?,
                }
            }
            "playground" => {
                let mut file = read(&target)?;
                if !file.ends_with('\n') {
                    file.push('\n');
                }
                let attrs: Vec<&str> = d.args.split_whitespace().skip(1).collect();
                let info = if attrs.is_empty() {
                    "rust".to_string()
                } else {
                    format!("rust,{}", attrs.join(","))
                };
                format!("```{info}\n{file}```\n")
            }
            _ => return Ok(None),
        };
        if block != Block::Other {
            self.watched.push(target.clone());
        }
        let nested_base = target.parent().unwrap_or(base).to_path_buf();
        if depth + 1 >= MAX_DEPTH {
            return Err("includes nested too deep (a cycle?)".into());
        }
        // Markdown included outside a code block may open code blocks of its own.
        let track = block == Block::Outside;
        Ok(Some(self.expand(
            &content,
            &nested_base,
            depth + 1,
            block,
            track,
        )))
    }
}

struct Directive<'a> {
    kind: &'a str,
    args: &'a str,
    /// Length of the whole `{{#...}}`.
    len: usize,
}

/// Parse `{{ #kind args}}` at the start of `s`, as mdBook's link regex does:
/// `\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}`.
fn parse_directive(s: &str) -> Option<Directive<'_>> {
    let after = s.strip_prefix("{{")?;
    let trimmed = after.trim_start();
    let hash_at = 2 + (after.len() - trimmed.len());
    let body = trimmed.strip_prefix('#')?;
    let kind_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    if kind_len == 0 {
        return None;
    }
    let kind = &body[..kind_len];
    let rest = &body[kind_len..];
    let args_start = rest.find(|c: char| !c.is_whitespace())?;
    if args_start == 0 {
        return None;
    }
    let args_and_end = &rest[args_start..];
    let close = args_and_end.find('}')?;
    if close == 0 || !args_and_end[close..].starts_with("}}") {
        return None;
    }
    let args = &args_and_end[..close];
    let len = hash_at + 1 + kind_len + args_start + close + 2;
    Some(Directive { kind, args, len })
}

enum Selector<'a> {
    /// 0-based first line and end line (exclusive), as mdBook computes them.
    Lines(Option<usize>, Option<usize>),
    Anchor(&'a str),
}

/// mdBook's `parse_range_or_anchor`.
fn parse_selector(selector: Option<&str>) -> Selector<'_> {
    let mut parts = selector.unwrap_or("").splitn(3, ':');
    let first = parts.next();
    let start = match first {
        Some(s) if s.parse::<usize>().is_ok() => {
            Some(s.parse::<usize>().unwrap().saturating_sub(1))
        }
        Some("") | None => None,
        Some(anchor) => return Selector::Anchor(anchor),
    };
    let end = parts.next().map(|s| s.parse::<usize>());
    match (start, end) {
        (Some(start), Some(Ok(end))) => Selector::Lines(Some(start), Some(end)),
        (Some(start), Some(Err(_))) => Selector::Lines(Some(start), None),
        (Some(start), None) => Selector::Lines(Some(start), Some(start + 1)),
        (None, Some(Ok(end))) => Selector::Lines(None, Some(end)),
        (None, None) | (None, Some(Err(_))) => Selector::Lines(None, None),
    }
}

fn in_range(index: usize, from: Option<usize>, to: Option<usize>) -> bool {
    from.is_none_or(|f| index >= f) && to.is_none_or(|t| index < t)
}

/// mdBook's `take_lines`: the lines in range, joined by `\n` (no final newline).
fn take_lines(s: &str, from: Option<usize>, to: Option<usize>) -> String {
    s.lines()
        .enumerate()
        .filter(|(i, _)| in_range(*i, from, to))
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// mdBook's `take_rustdoc_include_lines`: lines out of range become hidden `# ` lines.
fn rustdoc_lines(s: &str, from: Option<usize>, to: Option<usize>) -> String {
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            if in_range(i, from, to) {
                l.to_string()
            } else {
                format!("# {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The name of an `ANCHOR: name` (or, with `end`, `ANCHOR_END: name`) marker in `line`.
fn anchor_in(line: &str, end: bool) -> Option<&str> {
    let marker = if end { "ANCHOR_END:" } else { "ANCHOR:" };
    let mut search = line;
    while let Some(at) = search.find(marker) {
        let after = search[at + marker.len()..].trim_start();
        let len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if len > 0 {
            return Some(&after[..len]);
        }
        search = &search[at + marker.len()..];
    }
    None
}

/// mdBook's `take_anchored_lines` (or, with `rustdoc`, `take_rustdoc_include_anchored_lines`),
/// except that a missing anchor is an error instead of an empty include.
fn take_anchored(s: &str, anchor: &str, rustdoc: bool) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inside = false;
    let mut found = false;
    for l in s.lines() {
        if inside {
            match anchor_in(l, true) {
                Some(name) if name == anchor => {
                    inside = false;
                    if !rustdoc {
                        break;
                    }
                }
                Some(_) => {}
                None if anchor_in(l, false).is_none() => out.push(l.to_string()),
                None => {}
            }
        } else if let Some(name) = anchor_in(l, false) {
            if name == anchor {
                inside = true;
                found = true;
            }
        } else if rustdoc && anchor_in(l, true).is_none() {
            out.push(format!("# {l}"));
        }
    }
    found.then(|| out.join("\n"))
}

struct Fence<'a> {
    ch: char,
    len: usize,
    info: &'a str,
    is_rust: bool,
}

/// A code fence line (up to 3 spaces, then 3 or more backticks or tildes).
fn fence_line(line: &str) -> Option<Fence<'_>> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    // skeptic makes a test of a block whose info string has a `rust` token.
    let is_rust = info
        .split(|c: char| !(c == '_' || c == '-' || c.is_alphanumeric()))
        .any(|t| t == "rust");
    Some(Fence {
        ch,
        len,
        info,
        is_rust,
    })
}

/// `a/b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn no_anchor(anchor: &str, root: &Path, file: &Path) -> String {
    format!(
        "no `ANCHOR: {anchor}` ... `ANCHOR_END: {anchor}` in {}",
        rel_to(root, file).display()
    )
}

fn rel_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn set_modified(path: &Path, time: SystemTime) {
    if let Ok(file) = fs::OpenOptions::new().write(true).open(path) {
        let _ = file.set_modified(time);
    }
}

/// Remove the copies of chapters that no longer exist.
fn remove_stale_copies(dir: &Path, keep: &[PathBuf]) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if !keep.contains(&path) {
                let _ = fs::remove_file(path);
            }
        }
    }
}
