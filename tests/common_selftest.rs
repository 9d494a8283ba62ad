//! Checks of the shared test helpers themselves (tests/common).
mod common;

use common::{assert_matches_cpython, mask_addresses};

#[test]
fn masks_every_hex_address() {
    assert_eq!(
        mask_addresses("id 0x7f3a2b1c0 and 0xdead at <object at 0x1>"),
        "id 0x… and 0x… at <object at 0x…>"
    );
    assert_eq!(mask_addresses("no address, 0x, 42"), "no address, 0x, 42");
}

#[test]
fn masking_keeps_canonical_address_labels() {
    // tests/scenario_check numbers addresses as 0x<1>, 0x<2>: those must survive masking.
    assert_eq!(mask_addresses("0x<1> is 0x<2>"), "0x<1> is 0x<2>");
}

#[test]
fn equal_outputs_match() {
    assert_matches_cpython("same", "a 0x10\nb\n", "a 0x7fff\nb\n");
}

#[test]
#[should_panic(expected = "differ on 2 line(s)")]
fn a_difference_panics() {
    assert_matches_cpython("differs", "a\nTrue\nc\n", "a\nFalse\nc\nextra\n");
}

#[test]
fn the_panic_lists_every_differing_line() {
    let err = std::panic::catch_unwind(|| {
        assert_matches_cpython("differs", "1\n2\n3\n4\n", "1\nX\n3\nY\n");
    })
    .expect_err("outputs differ");
    let msg = err
        .downcast_ref::<String>()
        .expect("panic message is a String");
    assert!(msg.contains("line 2:"), "{msg}");
    assert!(msg.contains("line 4:"), "{msg}");
    assert!(!msg.contains("line 3:"), "{msg}");
    assert!(msg.contains("\"Y\""), "{msg}");
}

#[test]
fn run_python_prints_with_a_fixed_hash_seed() {
    let dir = std::env::temp_dir().join(format!("pyheap-selftest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("seed.py");
    std::fs::write(
        &script,
        "import sys\nprint(sys.flags.hash_randomization, sys.flags.no_user_site)\n",
    )
    .unwrap();
    let out = common::run_python(&script);
    std::fs::remove_dir_all(&dir).ok();
    if let Some(out) = out {
        assert_eq!(out, "0 1\n");
    }
}

/// The book includes every snapshot's body with `{{#include ../../snapshots/NAME.snap:5:}}`:
/// a header of any other length would cut or pad the output shown in the book.
#[test]
fn every_snapshot_body_starts_on_line_5() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return; // no snapshots yet
    };
    let mut bad = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let body = common::SNAPSHOT_BODY_LINE;
        let header_ok = lines.first() == Some(&"---")
            && lines.get(body - 2) == Some(&"---")
            && !lines[1..body - 2].contains(&"---");
        if !header_ok {
            bad.push(path.display().to_string());
        }
    }
    assert!(
        bad.is_empty(),
        "these snapshots' bodies do not start on line {} (header must be ---, source:, \
         expression:, ---):\n{}",
        common::SNAPSHOT_BODY_LINE,
        bad.join("\n")
    );
}
