//! `compare/`: `a is b` against `a == b` for two equal strings that are separate objects,
//! of 16 B, 1 kB and 100 kB.
//!
//! `cargo bench --bench compare`. `is` compares two addresses whatever the length; `==`
//! reads every byte of equal strings (`unicode_compare_eq`'s `memcmp`), so its time grows
//! with the length: the reason interning (chapter 9) can make comparisons cheap.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pyheap::prelude::*;

mod support;

const SIZES: [(usize, &str); 3] = [(16, "16B"), (1024, "1kB"), (102_400, "100kB")];

fn compare(c: &mut Criterion) {
    let mut setup = String::new();
    let mut stmts = Vec::new();
    for (n, label) in SIZES {
        setup.push_str(&format!("a{n} = 'x' * {n}\nb{n} = ''.join(['x'] * {n})\n"));
        stmts.push((format!("is/{label}"), format!("a{n} is b{n}")));
        stmts.push((format!("eq/{label}"), format!("a{n} == b{n}")));
    }
    let stmts: Vec<(&str, &str)> = stmts
        .iter()
        .map(|(l, s)| (l.as_str(), s.as_str()))
        .collect();
    support::python3_timeit("compare", &setup, &stmts);

    let mut py = Heap::new();
    let mut group = c.benchmark_group("compare");
    for (n, label) in SIZES {
        let (a, b) = (format!("a{n}"), format!("b{n}"));
        py.assign(&a, mul(s("x"), int(n as i128)))
            .expect("a = 'x' * n");
        py.assign(
            &b,
            s("").method("join", [mul(list([s("x")]), int(n as i128))]),
        )
        .expect("b = ''.join(['x'] * n)");
        assert!(!py.is(name(&a), name(&b)).expect("is"));
        assert!(py.eq(name(&a), name(&b)).expect("=="));
        group.bench_function(BenchmarkId::new("is", label), |bch| {
            bch.iter(|| py.is(name(&a), name(&b)).expect("a is b"))
        });
        group.bench_function(BenchmarkId::new("eq", label), |bch| {
            bch.iter(|| py.eq(name(&a), name(&b)).expect("a == b"))
        });
    }
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
