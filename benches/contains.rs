//! `contains/`: `x in list` against `x in set` and `x in dict` over 1,000 ints, timed in the
//! model and, side by side, in python3 (`timeit`, same containers, same lookups; printed
//! before the model's figures).
//!
//! `cargo bench --bench contains`. The book
//! (chapter 12) explains membership with the work counters (`Heap::work()`), which count
//! what CPython does; wall-clock time belongs here, never in a test.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pyheap::prelude::*;

mod support;

/// `items = list(range(1000))`, `lookup = set(items)`, `table = dict.fromkeys(items)`.
fn heap_with_containers() -> Heap {
    let mut py = Heap::new();
    py.assign(
        "items",
        name("list").call([name("range").call([int(1000)])]),
    )
    .expect("list(range(1000))");
    py.assign("lookup", name("set").call([name("items")]))
        .expect("set(items)");
    py.assign("table", name("dict").call([])).expect("dict()");
    for i in 0..1000 {
        py.assign_item(name("table"), int(i), none())
            .expect("table[i] = None");
    }
    py
}

fn membership(c: &mut Criterion) {
    // The same six lookups in the real python3 (timeit).
    support::python3_timeit(
        "contains",
        "items = list(range(1000))\nlookup = set(items)\ntable = dict.fromkeys(items)\n",
        &[
            ("list/0 in items", "0 in items"),
            ("list/999 in items", "999 in items"),
            ("list/1000 in items", "1000 in items"),
            ("set/0 in lookup", "0 in lookup"),
            ("set/999 in lookup", "999 in lookup"),
            ("set/1000 in lookup", "1000 in lookup"),
            ("dict/0 in table", "0 in table"),
            ("dict/999 in table", "999 in table"),
            ("dict/1000 in table", "1000 in table"),
        ],
    );
    let mut group = c.benchmark_group("contains");
    let mut py = heap_with_containers();
    for (kind, container) in [("list", "items"), ("set", "lookup"), ("dict", "table")] {
        for x in [0, 999, 1000] {
            let id = BenchmarkId::new(kind, format!("{x} in {container}"));
            group.bench_with_input(id, &x, |b, &x| {
                b.iter(|| {
                    py.contains(int(x), name(container))
                        .expect("membership test")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, membership);
criterion_main!(benches);
