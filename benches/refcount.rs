//! `refcount/`: changing a live object's count.
//!
//! `cargo bench --bench refcount`. `incref_decref` is the C API's pair on a live list
//! (checked handles, [`pyheap::capi`]); `append_del` is `l.append(x)` then `del l[-1]`, two
//! Python statements whose net effect on every count is zero.

use criterion::{criterion_group, criterion_main, Criterion};
use pyheap::prelude::*;

mod support;

fn refcount(c: &mut Criterion) {
    support::python3_timeit(
        "refcount",
        "x = []\nl = []\n",
        &[("append_del", "l.append(x); del l[-1]")],
    );
    let mut py = Heap::new();
    py.assign("x", list([])).expect("x = []");
    py.assign("l", list([])).expect("l = []");
    let x = py.lookup("x").expect("x");
    let before = py.getrefcount(name("x")).expect("getrefcount");
    let mut group = c.benchmark_group("refcount");
    group.bench_function("incref_decref", |b| {
        b.iter(|| {
            let r = py.py_incref(x).expect("Py_INCREF");
            py.py_decref(r).expect("Py_DECREF")
        })
    });
    group.bench_function("append_del", |b| {
        b.iter(|| {
            py.exec(name("l").method("append", [name("x")]))
                .expect("l.append(x)");
            py.del_item(name("l"), int(-1)).expect("del l[-1]")
        })
    });
    group.finish();
    // Every pair gave back what it took.
    assert_eq!(py.getrefcount(name("x")).expect("getrefcount"), before);
}

criterion_group!(benches, refcount);
criterion_main!(benches);
