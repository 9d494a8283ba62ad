//! Property tests: random programs of statements, valid and invalid, checked after every step
//! against the naive reference model in `tests/reference_model`.
//!
//! The number of programs is `PROPTEST_CASES` (default 256 here; the README's figure of
//! 10,000 is one run with `PROPTEST_CASES=10000`), each up to 60 steps.

mod reference_model;

use proptest::prelude::*;
use pyheap::program::{apply, prelude, Op, VARS};
use pyheap::Heap;

fn var() -> impl Strategy<Value = u8> {
    0..VARS
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => var().prop_map(Op::NewList),
        2 => var().prop_map(Op::NewDict),
        2 => (var(), var(), var()).prop_map(|(x, a, b)| Op::NewTuple(x, a, b)),
        4 => (var(), 0u8..3).prop_map(|(x, c)| Op::NewInstance(x, c)),
        1 => (var(), -10i64..1000).prop_map(|(x, n)| Op::NewInt(x, n)),
        1 => (var(), 0u8..4).prop_map(|(x, n)| Op::NewStr(x, n)),
        3 => (var(), var()).prop_map(|(x, y)| Op::Bind(x, y)),
        2 => var().prop_map(Op::Del),
        2 => var().prop_map(Op::SetNone),
        5 => (var(), 0u8..3, var()).prop_map(|(x, a, y)| Op::SetAttr(x, a, y)),
        1 => (var(), 0u8..3).prop_map(|(x, a)| Op::DelAttr(x, a)),
        4 => (var(), var()).prop_map(|(x, y)| Op::Append(x, y)),
        1 => var().prop_map(Op::Clear),
        2 => (var(), var(), var()).prop_map(|(x, k, y)| Op::SetItem(x, k, y)),
        2 => (var(), var()).prop_map(|(x, k)| Op::DelItem(x, k)),
        1 => (var(), var()).prop_map(|(x, y)| Op::Contains(x, y)),
        1 => (var(), var()).prop_map(|(x, y)| Op::DictFrom(x, y)),
        2 => (var(), var(), any::<bool>()).prop_map(|(x, y, c)| Op::WeakRef(x, y, c)),
        1 => var().prop_map(Op::GetDict),
        2 => (0u8..4).prop_map(Op::Collect),
        1 => (-2i16..50).prop_map(Op::SetThreshold),
        1 => any::<bool>().prop_map(Op::Enable),
        1 => var().prop_map(Op::CallCycle),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_step_keeps_the_heap_consistent(ops in proptest::collection::vec(op(), 1..60)) {
        let mut h = Heap::new();
        prelude(&mut h).unwrap();
        // Small thresholds make automatic collections happen inside the programs.
        h.tracemalloc().start();
        h.gc_set_threshold(&[5, 2, 2]).unwrap();
        reference_model::check(&h).map_err(TestCaseError::fail)?;
        for op in &ops {
            // Errors are expected for invalid steps; what matters is the state after.
            let _ = apply(&mut h, op);
            if let Err(e) = reference_model::check(&h) {
                return Err(TestCaseError::fail(format!("after {op:?}: {e}")));
            }
            // tracemalloc's current size is the sum of the traces it still holds, and never
            // more than the allocator has live.
            let traced = h.tracemalloc().get_traced_memory().0;
            let snapshot = h.tracemalloc().take_snapshot().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let sum: usize = snapshot.traces().iter().map(|t| t.size).sum();
            prop_assert_eq!(traced, sum, "after {:?}", op);
            prop_assert!(traced <= h.allocator().live_requested_bytes());
        }
        h.gc_collect(2).unwrap();
        reference_model::check(&h).map_err(TestCaseError::fail)?;
        reference_model::check_no_garbage(&h).map_err(TestCaseError::fail)?;
        // A second full collection finds nothing left.
        prop_assert_eq!(h.gc_collect(2).unwrap(), 0);
    }
}
