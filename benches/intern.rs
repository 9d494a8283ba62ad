//! `intern/`: `sys.intern` of a new string (an insertion into the interned dict) and of a
//! string equal to an interned one (a hit: the interned one comes back).
//!
//! `cargo bench --bench intern`. For `insert` each iteration first makes a new string
//! (untimed: `r = ''.join(['spam', 'eggs'])`, which also frees the previous one and, since
//! 3.11's interned strings are mortal, takes it out of the interned dict), then times
//! `intern(r)` alone. `insert_make_free` times the whole `intern(''.join([...]))`
//! statement, which is what python3's figure beside it measures.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use pyheap::prelude::*;

mod support;

fn new_string() -> Expr {
    s("").method("join", [list([s("spam"), s("eggs")])])
}

fn intern(c: &mut Criterion) {
    support::python3_timeit(
        "intern",
        "from sys import intern\nparts = ['spam', 'eggs']\ni = intern(''.join(parts))\nr2 = ''.join(parts)\n",
        &[
            ("insert_make_free", "intern(''.join(['ham', 'jam']))"),
            ("hit", "intern(r2)"),
        ],
    );
    let mut py = Heap::new();
    let mut group = c.benchmark_group("intern");
    group.bench_function("insert", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                py.assign("r", new_string()).expect("r = ''.join(...)");
                let t = Instant::now();
                py.exec(name("intern").call([name("r")]))
                    .expect("intern(r)");
                total += t.elapsed();
            }
            total
        })
    });
    group.bench_function("insert_make_free", |b| {
        b.iter(|| {
            py.exec(name("intern").call([s("").method("join", [list([s("ham"), s("jam")])])]))
                .expect("intern(''.join(...))")
        })
    });
    py.del("r").expect("del r");
    py.assign("i", name("intern").call([new_string()]))
        .expect("i = intern(...)");
    py.assign("r2", new_string()).expect("r2 = ''.join(...)");
    assert!(!py.is(name("r2"), name("i")).expect("is"));
    group.bench_function("hit", |b| {
        b.iter(|| {
            py.exec(name("intern").call([name("r2")]))
                .expect("intern(r2)")
        })
    });
    group.finish();
}

criterion_group!(benches, intern);
criterion_main!(benches);
