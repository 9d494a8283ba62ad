//! Helpers shared by the integration tests. A test file includes them with `mod common;`
//! (or `#[path = "../common/mod.rs"] mod common;` from a subdirectory module).
//!
//! - [`snapshot_settings`]: insta settings that keep every snapshot in the top-level
//!   `snapshots/` folder, named by the snapshot name alone, with its body on line 5.
//! - [`python3`] and [`run_python`]: run a python twin under the real CPython 3.11. Without a
//!   python3 the comparison is skipped locally, and fails when `CI=true`.
//! - [`mask_addresses`] and [`assert_matches_cpython`]: compare the model's output with
//!   CPython's, line by line, addresses aside.
#![allow(dead_code)] // each test binary uses its own subset of these helpers

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The CPython version the model follows: a python3 of another version is not compared with.
pub const CPYTHON_VERSION: (u32, u32) = (3, 11);

/// Settings for `insta`: snapshots live in `<workspace>/snapshots/NAME.snap`, without the
/// test module's name in front.
///
/// The asserted expression stays in the header on purpose: with it the header is exactly
/// four lines (`---`, `source:`, `expression:`, `---`), so a snapshot's body starts on
/// line 5, where the book includes it from (`{{#include ../../snapshots/NAME.snap:5:}}`).
/// `set_omit_expression(true)` would make the header three lines and every such include
/// would silently lose the output's first line. `tests/common_selftest.rs` checks the
/// header of every snapshot file.
///
/// Use as `common::snapshot_settings().bind(|| insta::assert_snapshot!(name, value))`,
/// with a short expression (a variable name) as the value.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The line a snapshot's body starts on (1-based): the book includes snapshots from here.
pub const SNAPSHOT_BODY_LINE: usize = 5;

/// True when the tests run in CI (`CI=true`, as `.ci/run` is called): then the CPython
/// comparison is required, not optional.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The interpreter the comparisons use: `$PYHEAP_PYTHON` if set, else the first of
/// `python3`, `python3.11` on the PATH whose version is 3.11. Looked up once per test binary.
fn find_python() -> &'static Result<String, String> {
    static FOUND: OnceLock<Result<String, String>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let candidates: Vec<String> = match std::env::var("PYHEAP_PYTHON") {
            Ok(p) if !p.is_empty() => vec![p],
            _ => vec!["python3".into(), "python3.11".into()],
        };
        let mut seen = Vec::new();
        for candidate in &candidates {
            let out = Command::new(candidate)
                .args(["-c", "import sys; print(*sys.version_info[:2])"])
                .output();
            let Ok(out) = out else { continue };
            if !out.status.success() {
                continue;
            }
            let version = String::from_utf8_lossy(&out.stdout)
                .trim()
                .replace(' ', ".");
            if version == format!("{}.{}", CPYTHON_VERSION.0, CPYTHON_VERSION.1) {
                return Ok(candidate.clone());
            }
            seen.push(format!("{candidate} is {version}"));
        }
        let (major, minor) = CPYTHON_VERSION;
        Err(if seen.is_empty() {
            "python3 not found".to_string()
        } else {
            format!("no python {major}.{minor} found ({})", seen.join(", "))
        })
    })
}

/// A `Command` for the CPython 3.11 to compare with, or `None` when there is none: then the
/// caller skips its comparison. With `CI=true` a missing python3 is a failure (the CPython
/// comparison must run in CI), so this panics instead.
pub fn python3() -> Option<Command> {
    match find_python() {
        Ok(program) => Some(Command::new(program)),
        Err(why) if in_ci() => panic!(
            "{why}: CI=true requires CPython {}.{} to compare the model with \
             (install python3, or point PYHEAP_PYTHON at a python3.11)",
            CPYTHON_VERSION.0, CPYTHON_VERSION.1
        ),
        Err(why) => {
            eprintln!("skipped: {why} (the comparison with CPython did not run)");
            None
        }
    }
}

/// Run a python script under CPython 3.11 and return what it printed, or `None` when there
/// is no python3 (see [`python3`]). Panics, showing its stderr, if the script fails.
///
/// The script runs as `python3 -I script` would, but with `PYTHONHASHSEED=0`: `-I` implies
/// `-E`, which ignores every `PYTHON*` variable, the hash seed included. So the isolation is
/// spelled out instead: `-s -P` (no user site-packages, no script directory on `sys.path`)
/// and every other `PYTHON*` variable removed from the environment.
pub fn run_python(script: &Path) -> Option<String> {
    let mut cmd = python3()?;
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PYTHON") {
            cmd.env_remove(key);
        }
    }
    cmd.env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .args(["-s", "-P"])
        .arg(script);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run python3 {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        panic!(
            "python3 {} failed ({}):\n--- stderr ---\n{}\n--- stdout ---\n{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr),
            stdout
        );
    }
    Some(stdout)
}

/// Replace every hex address (`0x` then lowercase hex digits) with `0x…`.
pub fn mask_addresses(s: &str) -> String {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"0x[0-9a-f]+").expect("valid regex"))
        .replace_all(s, "0x…")
        .into_owned()
}

/// Assert that the model printed what CPython printed, line by line, after
/// [`mask_addresses`]. On a mismatch the panic lists *every* differing line, with both
/// sides, so all the differences show at once.
pub fn assert_matches_cpython(name: &str, model: &str, python: &str) {
    let model = mask_addresses(model);
    let python = mask_addresses(python);
    let m: Vec<&str> = model.lines().collect();
    let p: Vec<&str> = python.lines().collect();
    let mut report = String::new();
    let mut differing = 0;
    for i in 0..m.len().max(p.len()) {
        let (a, b) = (m.get(i), p.get(i));
        if a == b {
            continue;
        }
        differing += 1;
        let show = |l: Option<&&str>| l.map_or("<no line>".to_string(), |l| format!("{l:?}"));
        report.push_str(&format!(
            "  line {}:\n    model  : {}\n    python3: {}\n",
            i + 1,
            show(a),
            show(b)
        ));
    }
    if differing > 0 {
        panic!(
            "{name}: the model and CPython differ on {differing} line(s) \
             (model {} lines, python3 {} lines; addresses masked):\n{report}",
            m.len(),
            p.len()
        );
    }
}
