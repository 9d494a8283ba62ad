//! `contains/`: `x in list` against `x in set` over 1,000 ints, timed in the model and, side
//! by side, in python3 (`timeit`, same containers, same lookups; printed before the model's
//! figures).
//!
//! `cargo bench --bench contains`. The book
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

/// The same six lookups in the real python3, with `timeit` (skipped if python3 is missing).
fn python3_side() {
    let script = "import timeit\nitems = list(range(1000))\nlookup = set(items)\n\
for c in ('items', 'lookup'):\n    for x in (0, 999, 1000):\n        \
n, t = timeit.Timer(f'{x} in {c}', globals=globals()).autorange()\n        \
print(f'python3: {x} in {c}: {t / n * 1e9:.1f} ns')\n";
    match std::process::Command::new("python3")
        .args(["-I", "-c", script])
        .output()
    {
        Ok(out) => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Err(_) => println!("python3 not found: only the model is timed"),
    }
}

fn membership(c: &mut Criterion) {
    python3_side();
    let mut group = c.benchmark_group("contains");
    let mut py = heap_with_containers();
    for container in ["items", "lookup"] {
        for x in [0, 999, 1000] {
            let kind = if container == "items" { "list" } else { "set" };
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
