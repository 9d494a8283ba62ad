//! Shared by the chapter tests (`tests/chNN_*.rs`): run every scenario of a chapter, lock its
//! output in a snapshot, and compare it line by line with the same scenario run by the real
//! python3 (`python/<chapter>/<scenario>.py`).
//!
//! Addresses differ between the model and CPython, but which lines show the *same* address
//! must not: both outputs have each address replaced by its order of first appearance
//! (`0x<1>`, `0x<2>`, ...) before the comparison. Scenarios whose names start with `model_`
//! show the model's internals (allocator maps, collector traces) and have no python twin.

use std::collections::HashMap;
use std::path::PathBuf;

#[path = "../common/mod.rs"]
mod common;

/// A chapter's scenarios: name and function returning the printed output.
pub type Scenarios = &'static [(&'static str, fn() -> pyheap::Result<String>)];

/// Declare a chapter's test:
/// `chapter!(ch01_names, "../examples/ch01_names.rs");` includes the example's scenarios.
macro_rules! chapter {
    ($module:ident, $file:literal) => {
        #[path = $file]
        #[allow(dead_code)]
        mod $module;
        #[test]
        fn scenarios_match_snapshots_and_cpython() {
            scenario_check::check(stringify!($module), $module::SCENARIOS);
        }
    };
}

/// Replace each distinct hex address by its order of first appearance.
pub fn canonical_addresses(text: &str) -> String {
    let re = regex::Regex::new(r"0x[0-9a-f]+").expect("valid regex");
    let mut seen: HashMap<String, usize> = HashMap::new();
    re.replace_all(text, |c: &regex::Captures| {
        let n = seen.len() + 1;
        let k = *seen.entry(c[0].to_string()).or_insert(n);
        format!("0x<{k}>")
    })
    .into_owned()
}

pub fn check(chapter: &str, scenarios: Scenarios) {
    let mut failures = Vec::new();
    for (name, scenario) in scenarios {
        let out = match scenario() {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{chapter}::{name} failed: {e}"));
                continue;
            }
        };
        let snap = format!("{chapter}__{name}");
        common::snapshot_settings().bind(|| {
            insta::assert_snapshot!(snap, out);
        });
        if name.starts_with("model_") {
            continue;
        }
        let script: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "python",
            chapter,
            &format!("{name}.py"),
        ]
        .iter()
        .collect();
        assert!(
            script.exists(),
            "{} has no python twin at {}",
            name,
            script.display()
        );
        if let Some(py_out) = common::run_python(&script) {
            common::assert_matches_cpython(
                &format!("{chapter}::{name}"),
                &canonical_addresses(&out),
                &canonical_addresses(&py_out),
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
