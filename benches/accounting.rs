//! `accounting/overhead`: the cost of allocation tracing, the same allocation-heavy
//! workload with `tracemalloc` started and not.
//!
//! `cargo bench --bench accounting`. The workload is `[[i] for i in range(100)]`, built and
//! dropped: 100 lists with their one-slot items arrays, the outer list growing, the
//! `<listcomp>` function, the range and its iterator, all allocated and freed again. Criterion
//! times it with tracing off (`accounting/tracing_off`) and on (`accounting/tracing_on`,
//! one frame per trace, `tracemalloc.start()`'s default); then interleaved rounds of both
//! give the ratio on / off (median of the per-round ratios, min–max), which the issue wants
//! at most 1.10 (10% overhead). python3's own ratio, same workload under `timeit`, is
//! printed beside it.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use pyheap::prelude::*;

mod support;

fn workload(py: &mut Heap) {
    let comp = list_comp(list([name("i")]), "i", name("range").call([int(100)]));
    py.comprehension(&comp, |_, _| Ok(()))
        .expect("[[i] for i in range(100)]");
}

fn heap(tracing: bool) -> Heap {
    let mut py = Heap::new();
    if tracing {
        py.tracemalloc().start();
    }
    workload(&mut py); // first use: the free lists and pools are warm in both heaps
    py
}

/// Interleaved rounds on two heaps, one tracing: in each round, `batches` alternating
/// batches of `reps` workloads per side, each side's fastest batch kept (a batch that another
/// process interrupted is slower, never faster), and their ratio on / off. Returns the
/// median, min and max of the rounds' ratios.
fn overhead(rounds: usize, batches: usize, reps: usize) -> (f64, f64, f64) {
    let (mut off, mut on) = (heap(false), heap(true));
    let time = |py: &mut Heap| {
        let t = Instant::now();
        for _ in 0..reps {
            workload(py);
        }
        t.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|r| {
            let (mut best_off, mut best_on) = (f64::INFINITY, f64::INFINITY);
            for b in 0..batches {
                if (r + b) % 2 == 0 {
                    best_off = best_off.min(time(&mut off));
                    best_on = best_on.min(time(&mut on));
                } else {
                    best_on = best_on.min(time(&mut on));
                    best_off = best_off.min(time(&mut off));
                }
            }
            best_on / best_off
        })
        .collect();
    ratios.sort_by(|a, b| a.total_cmp(b));
    (ratios[rounds / 2], ratios[0], ratios[rounds - 1])
}

fn accounting(c: &mut Criterion) {
    let mut group = c.benchmark_group("accounting");
    for (id, tracing) in [("tracing_off", false), ("tracing_on", true)] {
        let mut py = heap(tracing);
        group.bench_function(id, |b| b.iter(|| workload(&mut py)));
        assert_eq!(py.tracemalloc().is_tracing(), tracing);
        if tracing {
            // Everything the workload allocated was freed again: nothing left traced by it.
            let (current, _) = py.tracemalloc().get_traced_memory();
            let mut fresh = heap(true);
            assert_eq!(current, fresh.tracemalloc().get_traced_memory().0);
        }
    }
    group.finish();

    if !support::timing() {
        return;
    }
    let (med, lo, hi) = overhead(21, 5, 40);
    let verdict = if med <= 1.10 { "met" } else { "NOT met" };
    println!(
        "accounting/overhead: model, tracing on / off = {med:.2} ({lo:.2}–{hi:.2}, median of 21 \
         rounds, each the best of 5 interleaved batches of 40 workloads per side): {:+.0}% (target ≤ +10%: {verdict})",
        (med - 1.0) * 100.0
    );
    // python3: the same workload under timeit, rounds of the best of 5 batches per side.
    support::run(
        "import timeit, tracemalloc\n\
         t = timeit.Timer('[[i] for i in range(100)]')\n\
         n = max(1, t.autorange()[0] // 10)\n\
         ratios = []\n\
         for r in range(11):\n    \
             off = min(t.repeat(5, n))\n    \
             tracemalloc.start()\n    \
             on = min(t.repeat(5, n))\n    \
             tracemalloc.stop()\n    \
             ratios.append(on / off)\n\
         ratios.sort()\n\
         print(f'accounting/overhead: python3, tracing on / off = {ratios[5]:.2f} \
         ({ratios[0]:.2f}–{ratios[-1]:.2f}, median of 11 rounds, each the best of 5 batches \
         per side)')\n",
    );
}

criterion_group!(benches, accounting);
criterion_main!(benches);
