//! The collector side by side with CPython's: `cargo bench --bench gc`.
//!
//! For each case, interleaved rounds: build the same shape on a fresh model heap and in a
//! fresh `python3` (gc disabled while building), time only the full collection, after one
//! untimed warm-up each. Prints the median of the per-round ratios (model / CPython) with
//! min–max, and writes the table to `book/src/speed-figures.md`, which the book's "How fast
//! is the model?" appendix includes. N is 100,000 by default (`PYHEAP_BENCH_N` to change).

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use pyheap::prelude::*;

struct Case {
    name: &'static str,
    /// Builds the shape on the model heap with `n` objects; returns the expected count.
    build: fn(&mut Heap, i128) -> Result<usize>,
    /// The same shape in Python (`N` is defined).
    python: &'static str,
}

fn pairs(py: &mut Heap, n: i128, slots: bool) -> Result<usize> {
    let cls = if slots {
        Class::new("P").slots(&["other", "__weakref__"])
    } else {
        Class::new("P")
    };
    py.class(cls)?;
    py.def(
        "mk",
        &[],
        body(|py| {
            py.assign("a", name("P").call([]))?;
            py.assign("b", name("P").call([]))?;
            py.assign_attr(name("a"), "other", name("b"))?;
            py.assign_attr(name("b"), "other", name("a"))
        }),
    )?;
    for _ in 0..n / 2 {
        py.exec(name("mk").call([]))?;
    }
    Ok(n as usize)
}

fn ring(py: &mut Heap, n: i128) -> Result<usize> {
    py.class(Class::new("P").slots(&["other"]))?;
    py.assign("first", name("P").call([]))?;
    py.assign("prev", name("first"))?;
    for _ in 1..n {
        py.assign("node", name("P").call([]))?;
        py.assign_attr(name("prev"), "other", name("node"))?;
        py.assign("prev", name("node"))?;
    }
    py.assign_attr(name("prev"), "other", name("first"))?;
    py.del("first")?;
    py.del("prev")?;
    py.del("node")?;
    Ok(n as usize)
}

fn reachable_lists(py: &mut Heap, n: i128) -> Result<usize> {
    py.assign("keep", list([]))?;
    for _ in 0..n - 1 {
        py.exec(name("keep").method("append", [list([])]))?;
    }
    Ok(0)
}

const CASES: &[Case] = &[
    Case {
        name: "pairs_slots",
        build: |py, n| pairs(py, n, true),
        python: "class P:\n    __slots__ = ('other', '__weakref__')\nfor _ in range(N // 2):\n    a = P(); b = P(); a.other = b; b.other = a\ndel a, b\n",
    },
    Case {
        name: "pairs_dict",
        build: |py, n| pairs(py, n, false),
        python: "class P:\n    pass\nfor _ in range(N // 2):\n    a = P(); b = P(); a.other = b; b.other = a\ndel a, b\n",
    },
    Case {
        name: "ring",
        build: ring,
        python: "class P:\n    __slots__ = ('other',)\nfirst = prev = P()\nfor _ in range(N - 1):\n    node = P(); prev.other = node; prev = node\nprev.other = first\ndel first, prev, node\n",
    },
    Case {
        name: "reachable_lists",
        build: reachable_lists,
        python: "keep = []\nfor _ in range(N - 1):\n    keep.append([])\n",
    },
];

fn model_round(case: &Case, n: i128) -> Result<f64> {
    let mut py = Heap::new();
    py.gc_disable();
    let expected = (case.build)(&mut py, n)?;
    let t = Instant::now();
    let found = py.gc_collect(2)?;
    let secs = t.elapsed().as_secs_f64();
    if found != expected {
        return Err(Error::Value(format!(
            "{}: collected {found}, expected {expected}",
            case.name
        )));
    }
    Ok(secs)
}

fn python_round(case: &Case, n: i128) -> Option<(f64, String)> {
    let script = format!(
        "import gc, sys, time\ngc.collect()\ngc.disable()\nN = {n}\n{}t = time.perf_counter()\nc = gc.collect()\nprint(time.perf_counter() - t, c, sys.version.split()[0])\n",
        case.python
    );
    let out = Command::new("python3")
        .args(["-I", "-c", &script])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut parts = text.split_whitespace();
    let secs: f64 = parts.next()?.parse().ok()?;
    let _collected = parts.next()?;
    Some((secs, parts.next()?.to_string()))
}

fn main() -> Result<()> {
    let n: i128 = std::env::var("PYHEAP_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rounds = 5;
    let mut table = String::new();
    let mut version = String::from("(python3 not found)");
    for case in CASES {
        // Warm-ups, untimed.
        model_round(case, n)?;
        let _ = python_round(case, n);
        let mut ratios = Vec::new();
        let mut model_ms = Vec::new();
        let mut py_ms = Vec::new();
        for _ in 0..rounds {
            let m = model_round(case, n)?;
            if let Some((p, v)) = python_round(case, n) {
                ratios.push(m / p);
                py_ms.push(p * 1e3);
                version = v;
            }
            model_ms.push(m * 1e3);
        }
        let med = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
        };
        let (lo, hi) = (
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let line = format!(
            "| `{}` | {} | {:.1} ms | {:.1} ms | {:.2} ({:.2}–{:.2}) |",
            case.name,
            n,
            med(&mut model_ms),
            med(&mut py_ms),
            med(&mut ratios),
            lo,
            hi
        );
        println!("{line}");
        let _ = writeln!(table, "{line}");
    }
    let figures = format!(
        "Measured by `cargo bench --bench gc` on a 2-core machine, CPython {version}, {rounds} interleaved rounds per case; time of one full `gc.collect()` only.\n\n| case | objects | model | CPython | ratio model/CPython, median (min–max) |\n|---|---|---|---|---|\n{table}"
    );
    let path: std::path::PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "book",
        "src",
        "speed-figures.md",
    ]
    .iter()
    .collect();
    std::fs::write(&path, figures).map_err(|e| Error::Value(e.to_string()))?;
    println!("wrote {}", path.display());
    Ok(())
}
