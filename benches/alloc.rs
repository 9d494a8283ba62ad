//! `alloc/`: allocation and free of one object, tracked by the collector or not.
//!
//! `cargo bench --bench alloc`. Two ways in: the C API (`PyList_New(0)` or
//! `PyFloat_FromDouble` then `Py_DECREF`, [`pyheap::capi`]), which is the allocator, the
//! object table, the generation-0 count and the free lists alone; and a Python statement
//! (`[]`, `P()`, `x + 0.5`), which adds evaluating it and its temporaries. The target
//! is the first: allocation and free of a tracked object in at most 15 ns.

use criterion::{criterion_group, criterion_main, Criterion};
use pyheap::prelude::*;

mod support;

fn heap() -> Heap {
    let mut py = Heap::new();
    py.class(Class::new("P").slots(&["other"]))
        .expect("class P");
    py.assign("x", float(1.5)).expect("x = 1.5");
    py.assign("big", mul(int(10_000_000_000), int(10_000_000_000)))
        .expect("big = 10**20");
    py
}

fn alloc(c: &mut Criterion) {
    support::python3_timeit(
        "alloc",
        "class P:\n    __slots__ = ('other',)\nx = 1.5\nbig = 10**20\n",
        &[
            ("tracked/list_stmt", "[]"),
            ("tracked/slotted_instance_stmt", "P()"),
            ("untracked/float_stmt", "x + 0.5"),
            ("untracked/big_int_stmt", "big + 1"),
        ],
    );
    let mut py = heap();
    let mut group = c.benchmark_group("alloc");
    group.bench_function("tracked/list_capi", |b| {
        b.iter(|| {
            let l = py.py_list_new();
            py.py_decref(l).expect("Py_DECREF")
        })
    });
    group.bench_function("untracked/float_capi", |b| {
        b.iter(|| {
            let f = py.py_float_from_double(2.5);
            py.py_decref(f).expect("Py_DECREF")
        })
    });
    group.bench_function("untracked/big_int_capi", |b| {
        b.iter(|| {
            let i = py.py_long_from(100_000_000_000_000_000_000);
            py.py_decref(i).expect("Py_DECREF")
        })
    });
    group.bench_function("tracked/list_stmt", |b| {
        b.iter(|| py.exec(list([])).expect("[]"))
    });
    group.bench_function("tracked/slotted_instance_stmt", |b| {
        b.iter(|| py.exec(name("P").call([])).expect("P()"))
    });
    group.bench_function("untracked/float_stmt", |b| {
        b.iter(|| py.exec(add(name("x"), float(0.5))).expect("x + 0.5"))
    });
    group.bench_function("untracked/big_int_stmt", |b| {
        b.iter(|| py.exec(add(name("big"), int(1))).expect("big + 1"))
    });
    group.finish();
}

criterion_group!(benches, alloc);
criterion_main!(benches);
