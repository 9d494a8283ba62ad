//! Fuzz target: bytes decode into the same operation language as the property tests; after
//! every step the naive reference model must agree with the heap, and no step may panic.
#![no_main]

#[path = "../../tests/reference_model/mod.rs"]
mod reference_model;

use libfuzzer_sys::fuzz_target;
use pyheap::program::{apply, decode, prelude};
use pyheap::Heap;

fuzz_target!(|data: &[u8]| {
    let ops = decode(data);
    if ops.len() > 200 {
        return;
    }
    let mut h = Heap::new();
    prelude(&mut h).expect("the prelude always runs");
    h.gc_set_threshold(&[5, 2, 2]).expect("valid thresholds");
    for op in &ops {
        let _ = apply(&mut h, op);
        if let Err(e) = reference_model::check(&h) {
            panic!("after {op:?}: {e}");
        }
    }
    h.gc_collect(2).expect("generation 2 is valid");
    if let Err(e) = reference_model::check_no_garbage(&h) {
        panic!("{e}");
    }
});
