//! Differential test: `array(typecode, [v])` for every integer typecode and values at and
//! beyond each C type's edges, on the model and under the real python3. Each `*_setitem` in
//! `Modules/arraymodule.c` converts with its own parser, so the same value fails with
//! different `OverflowError` messages; both sides print what they got, line by line.

mod common;

use std::fmt::Write as _;

use pyheap::prelude::*;

const TYPECODES: &str = "bBhHiIlLqQ";

/// The values, as Python source and as the model's int.
fn values() -> Vec<(String, i128)> {
    let mut out = Vec::new();
    for bits in [7u32, 8, 15, 16, 31, 32, 63, 64, 70] {
        for v in [
            (1i128 << bits) - 1,
            1i128 << bits,
            -(1i128 << bits),
            -(1i128 << bits) - 1,
        ] {
            out.push((v.to_string(), v));
        }
    }
    out.push(("-1".into(), -1));
    out.push(("0".into(), 0));
    out
}

fn model_lines() -> String {
    let mut py = Heap::new();
    let mut out = String::new();
    for tc in TYPECODES.chars() {
        for (text, v) in values() {
            let got = match py.exec(name("array").call([s(&tc.to_string()), list([int(v)])])) {
                Ok(()) => "ok".to_string(),
                Err(e) => e.to_string(),
            };
            writeln!(out, "{tc} {text} {got}").expect("write to a String");
        }
    }
    out
}

fn python_lines() -> Option<String> {
    let mut script = String::from("from array import array\n");
    for tc in TYPECODES.chars() {
        for (text, _) in values() {
            writeln!(
                script,
                "try:\n    array('{tc}', [{text}]); r = 'ok'\n\
                 except OverflowError as e:\n    r = 'OverflowError: ' + str(e)\n\
                 print('{tc} {text}', r)"
            )
            .expect("write to a String");
        }
    }
    let dir = std::env::temp_dir().join(format!("pyheap-array-items-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("array_items.py");
    std::fs::write(&path, script).expect("write the script");
    let out = common::run_python(&path);
    std::fs::remove_dir_all(&dir).ok();
    out
}

#[test]
fn array_item_overflows_match_cpython() {
    let model = model_lines();
    assert_eq!(model.lines().count(), TYPECODES.len() * values().len());
    assert!(
        model.contains("OverflowError"),
        "no value overflowed:\n{model}"
    );
    if let Some(python) = python_lines() {
        common::assert_matches_cpython("array items", &model, &python);
    }
}
