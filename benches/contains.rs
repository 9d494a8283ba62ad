//! `x in list` against `x in set` over 1,000 ints, timed in the model.
//!
//! `cargo bench --bench contains`. This times the model's Rust, not CPython: the book
//! (chapter 12) explains membership with the work counters (`Heap::work()`), which count
//! what CPython does; wall-clock time belongs here, never in a test.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pyheap::prelude::*;

/// `items = list(range(1000))`, `lookup = set(items)`.
fn heap_with_containers() -> Heap {
    let mut py = Heap::new();
    py.assign(
        "items",
        name("list").call([name("range").call([int(1000)])]),
    )
    .expect("list(range(1000))");
    py.assign("lookup", name("set").call([name("items")]))
        .expect("set(items)");
    py
}

fn membership(c: &mut Criterion) {
    let mut group = c.benchmark_group("in, 1000 ints (model)");
    let mut py = heap_with_containers();
    for container in ["items", "lookup"] {
        for x in [0, 999, 1000] {
            let id = BenchmarkId::new(container, format!("{x} in {container}"));
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
