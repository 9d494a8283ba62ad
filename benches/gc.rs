//! The collector side by side with CPython's (`vs_cpython`): `cargo bench --bench gc`.
//!
//! Every case builds the same shape on a fresh model heap and in a fresh `python3` (same
//! classes, `__slots__` or not, same weak references, same order of creation), then times
//! the same thing in both:
//!
//! - `gc_full/*`: the collector disabled while building, one full `gc.collect()` timed;
//! - `gc_auto/pairs_700_10_10`: automatic collection on (thresholds 700, 10, 10), the
//!   creation of the pairs timed end to end (in python3 inside the script, so interpreter
//!   start-up is not counted);
//! - `gc_young/gen0_with_1m_old`: N lists made old by a full collection, 350 new pairs, one
//!   `gc.collect(0)` timed.
//!
//! Rounds are interleaved (model, python3, python3, model, ...), after one untimed warm-up
//! of each side; each round is a fresh heap and a fresh `python3` process. The figure is the
//! median of the per-round ratios model / CPython, with their min–max: never a comparison
//! with stored absolute numbers. Both sides print what they collected; a count other than
//! the expected one fails the bench (non-zero exit).
//!
//! Then a scale series: `gc_full/ring` at 10^4, 10^5, 10^6 (and 10^7 in full mode) objects,
//! model and CPython, in ms and ns per object, so linearity can be read.
//!
//! Switches (environment or arguments after `--`):
//! - full mode: N = 1,000,000 (the default);
//! - quick mode: N = 100,000, scale series up to 10^6: `PYHEAP_BENCH_QUICK=1` or `-- --quick`;
//! - `PYHEAP_BENCH_N=<n>` overrides N, `PYHEAP_BENCH_ROUNDS=<r>` the rounds (default 5);
//! - `PYHEAP_BENCH_SCRIPT=1` prints the python3 script of each selected case instead of
//!   running anything (to count python3's instructions under callgrind, as the appendix does);
//! - a name filter: `cargo bench --bench gc -- ring` runs only the cases whose name contains
//!   `ring` (and `scale` selects the series); with `--exact`, only the case of that whole
//!   name (`-- --exact gc_full/ring`); `-- --list` lists the cases.
//!
//! A complete run (no filter) writes `book/src/speed-figures.md` (date, machine, python3
//! version, mode, N, rounds, the tables), which the book's "How fast is the model?"
//! appendix includes. Run as a test (`cargo test --benches`, no `--bench` argument), it only
//! checks every case once at N = 2,000 and writes nothing.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use pyheap::prelude::*;

/// What is timed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Timed {
    /// One full collection, after building with the collector disabled.
    Full,
    /// The building itself, with automatic collection on.
    Auto,
    /// One generation-0 collection.
    Young,
}

struct Case {
    name: &'static str,
    timed: Timed,
    /// Untimed in every mode: defines what `build` uses (only `gc_auto` needs it apart).
    setup: fn(&mut Heap) -> Result<()>,
    /// Builds the shape on a fresh model heap with N objects (the collector disabled,
    /// except in `gc_auto`, which times this).
    build: fn(&mut Heap, usize) -> Result<()>,
    /// The same shape in Python; `N` is defined, the collector is disabled, and for
    /// `Timed::Auto` the script does its own timing and counting (see `python_script`).
    python: &'static str,
    /// The collected count both sides must report.
    expected: fn(usize) -> usize,
    /// What the "objects" column says.
    objects: fn(usize) -> String,
    /// The target ratio model / CPython, if the issue set one.
    target: Option<f64>,
}

/// Young pairs in `gc_young`: about one generation-0 threshold's worth of objects.
const YOUNG_PAIRS: usize = 350;

// ----- the shapes, on the model --------------------------------------------------------------

/// `class P: __slots__ = ('other', '__weakref__')` or `class P: pass`, and
/// `def mk(): a = P(); b = P(); a.other = b; b.other = a` (plus, with `weak`,
/// `wrs.append(ref(a)); wrs.append(ref(b))`).
fn define_pairs(py: &mut Heap, slots: bool, weak: bool) -> Result<()> {
    let cls = if slots {
        Class::new("P").slots(&["other", "__weakref__"])
    } else {
        Class::new("P")
    };
    py.class(cls)?;
    if weak {
        py.assign("wrs", list([]))?;
    }
    py.def(
        "mk",
        &[],
        body(move |py| {
            py.assign("a", name("P").call([]))?;
            py.assign("b", name("P").call([]))?;
            py.assign_attr(name("a"), "other", name("b"))?;
            py.assign_attr(name("b"), "other", name("a"))?;
            if weak {
                py.exec(name("wrs").method("append", [name("ref").call([name("a")])]))?;
                py.exec(name("wrs").method("append", [name("ref").call([name("b")])]))?;
            }
            Ok(())
        }),
    )?;
    Ok(())
}

fn make_pairs(py: &mut Heap, pairs: usize) -> Result<()> {
    for _ in 0..pairs {
        py.exec(name("mk").call([]))?;
    }
    Ok(())
}

fn pairs_slots(py: &mut Heap, n: usize) -> Result<()> {
    define_pairs(py, true, false)?;
    make_pairs(py, n / 2)
}

fn pairs_dict(py: &mut Heap, n: usize) -> Result<()> {
    define_pairs(py, false, false)?;
    make_pairs(py, n / 2)
}

fn weak_pairs(py: &mut Heap, n: usize) -> Result<()> {
    define_pairs(py, true, true)?;
    make_pairs(py, n / 2)
}

/// `first = prev = P()`, then `node = P(); prev.other = node; prev = node` N − 1 times:
/// a chain in creation order, reachable from `first`.
fn chain(py: &mut Heap, n: usize) -> Result<()> {
    py.class(Class::new("P").slots(&["other"]))?;
    py.assign("first", name("P").call([]))?;
    py.assign("prev", name("first"))?;
    for _ in 1..n {
        py.assign("node", name("P").call([]))?;
        py.assign_attr(name("prev"), "other", name("node"))?;
        py.assign("prev", name("node"))?;
    }
    Ok(())
}

fn ring(py: &mut Heap, n: usize) -> Result<()> {
    chain(py, n)?;
    py.assign_attr(name("prev"), "other", name("first"))?;
    py.del("first")?;
    py.del("prev")?;
    if n > 1 {
        py.del("node")?;
    }
    Ok(())
}

fn reachable_chain(py: &mut Heap, n: usize) -> Result<()> {
    chain(py, n)?;
    py.del("prev")?;
    if n > 1 {
        py.del("node")?;
    }
    Ok(())
}

/// A Fisher–Yates shuffle of `0..n` driven by a 64-bit LCG; the Python twin computes the
/// same permutation (checked by a fingerprint both sides print).
fn permutation(n: usize) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..n).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = ((x >> 33) % (i as u64 + 1)) as usize;
        perm.swap(i, j);
    }
    perm
}

/// `sum((k + 1) * perm[k]) mod (2**61 - 1)`.
fn fingerprint(perm: &[usize]) -> u64 {
    const M: u128 = (1 << 61) - 1;
    let s = perm.iter().enumerate().fold(0u128, |acc, (k, &p)| {
        (acc + (k as u128 + 1) * p as u128) % M
    });
    s as u64
}

/// `nodes = []`, N × `nodes.append(P())`, then `nodes[perm[k]].other = nodes[perm[k + 1]]`
/// around the ring, then `del nodes`: the ring links objects in random order of creation.
/// The model's `nodes` list is held in Rust (owned references), the shape on the heap at
/// collection time is the same.
fn ring_shuffled(py: &mut Heap, n: usize) -> Result<()> {
    py.class(Class::new("P").slots(&["other"]))?;
    let mut nodes = Vec::with_capacity(n);
    for _ in 0..n {
        nodes.push(py.eval_owned(name("P").call([]))?);
    }
    let perm = permutation(n);
    for k in 0..n {
        let (a, b) = (nodes[perm[k]], nodes[perm[(k + 1) % n]]);
        py.assign_attr(obj(a), "other", obj(b))?;
    }
    for id in nodes.into_iter().rev() {
        py.release(id)?;
    }
    Ok(())
}

fn reachable_lists(py: &mut Heap, n: usize) -> Result<()> {
    py.assign("keep", list([]))?;
    for _ in 1..n {
        py.exec(name("keep").method("append", [list([])]))?;
    }
    Ok(())
}

fn gen0_with_old(py: &mut Heap, n: usize) -> Result<()> {
    define_pairs(py, true, false)?;
    py.assign("old", list([]))?;
    for _ in 0..n {
        py.exec(name("old").method("append", [list([])]))?;
    }
    py.gc_collect(2)?;
    make_pairs(py, YOUNG_PAIRS)
}

// ----- the same shapes, in Python -----------------------------------------------------------

const PAIRS_SLOTS_PY: &str = "\
class P:
    __slots__ = ('other', '__weakref__')
def mk():
    a = P(); b = P(); a.other = b; b.other = a
for _ in range(N // 2):
    mk()
";

const PAIRS_DICT_PY: &str = "\
class P:
    pass
def mk():
    a = P(); b = P(); a.other = b; b.other = a
for _ in range(N // 2):
    mk()
";

const WEAK_PAIRS_PY: &str = "\
from weakref import ref
class P:
    __slots__ = ('other', '__weakref__')
wrs = []
def mk():
    a = P(); b = P(); a.other = b; b.other = a
    wrs.append(ref(a)); wrs.append(ref(b))
for _ in range(N // 2):
    mk()
";

const RING_PY: &str = "\
class P:
    __slots__ = ('other',)
first = prev = P()
for _ in range(N - 1):
    node = P(); prev.other = node; prev = node
prev.other = first
del first, prev
if N > 1:
    del node
";

const RING_SHUFFLED_PY: &str = "\
class P:
    __slots__ = ('other',)
nodes = []
for _ in range(N):
    nodes.append(P())
perm = list(range(N))
x = 0x9E3779B97F4A7C15
for i in range(N - 1, 0, -1):
    x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    j = (x >> 33) % (i + 1)
    perm[i], perm[j] = perm[j], perm[i]
for k in range(N):
    nodes[perm[k]].other = nodes[perm[(k + 1) % N]]
FINGERPRINT = sum((k + 1) * p for k, p in enumerate(perm)) % ((1 << 61) - 1)
del nodes, perm, x, i, j, k
";

const REACHABLE_CHAIN_PY: &str = "\
class P:
    __slots__ = ('other',)
first = prev = P()
for _ in range(N - 1):
    node = P(); prev.other = node; prev = node
del prev
if N > 1:
    del node
";

const REACHABLE_LISTS_PY: &str = "\
keep = []
for _ in range(N - 1):
    keep.append([])
";

const GEN0_WITH_OLD_PY: &str = "\
class P:
    __slots__ = ('other', '__weakref__')
def mk():
    a = P(); b = P(); a.other = b; b.other = a
old = []
for _ in range(N):
    old.append([])
gc.collect()
for _ in range(YOUNG_PAIRS):
    mk()
";

const CASES: &[Case] = &[
    Case {
        name: "gc_full/pairs_slots",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: pairs_slots,
        python: PAIRS_SLOTS_PY,
        expected: |n| n / 2 * 2,
        objects: |n| thousands(n / 2 * 2),
        target: Some(0.35),
    },
    Case {
        name: "gc_full/pairs_dict",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: pairs_dict,
        python: PAIRS_DICT_PY,
        expected: |n| n / 2 * 2,
        objects: |n| thousands(n / 2 * 2),
        target: Some(0.35),
    },
    Case {
        name: "gc_full/ring",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: ring,
        python: RING_PY,
        expected: |n| n,
        objects: |n| thousands(n),
        target: Some(0.35),
    },
    Case {
        name: "gc_full/ring_shuffled",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: ring_shuffled,
        python: RING_SHUFFLED_PY,
        expected: |n| n,
        objects: |n| thousands(n),
        target: Some(0.6),
    },
    Case {
        name: "gc_full/reachable_chain",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: reachable_chain,
        python: REACHABLE_CHAIN_PY,
        expected: |_| 0,
        objects: |n| thousands(n),
        target: Some(0.33),
    },
    Case {
        name: "gc_full/reachable_lists",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: reachable_lists,
        python: REACHABLE_LISTS_PY,
        expected: |_| 0,
        objects: |n| thousands(n),
        target: Some(0.33),
    },
    Case {
        name: "gc_full/weak_pairs",
        timed: Timed::Full,
        setup: |_| Ok(()),
        build: weak_pairs,
        python: WEAK_PAIRS_PY,
        expected: |n| n / 2 * 2,
        objects: |n| {
            format!(
                "{} + {} weakrefs",
                thousands(n / 2 * 2),
                thousands(n / 2 * 2)
            )
        },
        target: Some(0.35),
    },
    Case {
        name: "gc_auto/pairs_700_10_10",
        timed: Timed::Auto,
        setup: |py| define_pairs(py, true, false),
        build: |py, n| make_pairs(py, n / 2),
        python: PAIRS_SLOTS_PY,
        expected: |n| n / 2 * 2,
        objects: |n| thousands(n / 2 * 2),
        target: None,
    },
    Case {
        name: "gc_young/gen0_with_1m_old",
        timed: Timed::Young,
        setup: |_| Ok(()),
        build: gen0_with_old,
        python: GEN0_WITH_OLD_PY,
        expected: |_| 2 * YOUNG_PAIRS,
        objects: |n| format!("{} young, {} old", 2 * YOUNG_PAIRS, thousands(n + 1)),
        target: None,
    },
];

/// The case the scale series repeats.
const SCALE_CASE: usize = 2; // gc_full/ring

// ----- one round on each side ----------------------------------------------------------------

fn fail(msg: String) -> Error {
    Error::Value(msg)
}

/// One round on a fresh model heap: (seconds timed, collected).
fn model_round(case: &Case, n: usize) -> Result<(f64, usize)> {
    let mut py = Heap::new();
    py.gc_disable();
    (case.setup)(&mut py)?;
    match case.timed {
        Timed::Full | Timed::Young => {
            (case.build)(&mut py, n)?;
            let generation = if case.timed == Timed::Full { 2 } else { 0 };
            let t = Instant::now();
            let found = py.gc_collect(generation)?;
            Ok((t.elapsed().as_secs_f64(), found))
        }
        Timed::Auto => {
            let total =
                |py: &mut Heap| -> u64 { py.gc_get_stats().iter().map(|s| s.collected).sum() };
            py.gc_set_threshold(&[700, 10, 10])?;
            let before = total(&mut py);
            py.gc_enable();
            let t = Instant::now();
            (case.build)(&mut py, n)?;
            let secs = t.elapsed().as_secs_f64();
            py.gc_disable();
            py.gc_collect(2)?;
            let after = total(&mut py);
            Ok((secs, (after - before) as usize))
        }
    }
}

/// The whole script for one python3 round: it prints `seconds collected [fingerprint]`.
fn python_script(case: &Case, n: usize) -> String {
    let mut s = format!(
        "import gc, sys\nfrom time import perf_counter\ngc.collect()\ngc.disable()\nN = {n}\nYOUNG_PAIRS = {YOUNG_PAIRS}\nFINGERPRINT = ''\n"
    );
    match case.timed {
        Timed::Full | Timed::Young => {
            s.push_str(case.python);
            let generation = if case.timed == Timed::Full { 2 } else { 0 };
            let _ = writeln!(
                s,
                "t = perf_counter()\nc = gc.collect({generation})\nt = perf_counter() - t\nprint(t, c, FINGERPRINT)"
            );
        }
        Timed::Auto => {
            // The class and function definitions, untimed; then the loop, timed.
            let (defs, lp) = case
                .python
                .split_once("for _ in range(N // 2):")
                .expect("the pairs script ends with its loop");
            s.push_str(defs);
            let _ = writeln!(
                s,
                "gc.set_threshold(700, 10, 10)\n\
                 total = lambda: sum(st['collected'] for st in gc.get_stats())\n\
                 before = total()\n\
                 gc.enable()\n\
                 t = perf_counter()\n\
                 for _ in range(N // 2):{lp}\
                 t = perf_counter() - t\n\
                 gc.disable()\n\
                 gc.collect()\n\
                 print(t, total() - before, FINGERPRINT)"
            );
        }
    }
    s
}

/// One round in a fresh python3: (seconds timed, collected, fingerprint printed).
fn python_round(case: &Case, n: usize) -> Result<(f64, usize, String)> {
    let script = python_script(case, n);
    let out = Command::new("python3")
        .args(["-I", "-c", &script])
        .output()
        .map_err(|e| fail(format!("{}: python3 did not run: {e}", case.name)))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(fail(format!(
            "{}: python3 failed ({}):\n{}{}",
            case.name,
            out.status,
            text,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let mut parts = text.split_whitespace();
    let parsed = (|| {
        let secs: f64 = parts.next()?.parse().ok()?;
        let collected: usize = parts.next()?.parse().ok()?;
        Some((secs, collected, parts.next().unwrap_or("").to_string()))
    })();
    parsed.ok_or_else(|| fail(format!("{}: unreadable python3 output {text:?}", case.name)))
}

fn python_version() -> Option<String> {
    let out = Command::new("python3")
        .args(["-I", "-c", "import sys; print(sys.version.split()[0])"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

// ----- rounds ---------------------------------------------------------------------------------

/// Medians (model ms, CPython ms, ratio) and the ratios' min–max of one case at one size.
struct Figures {
    model_ms: f64,
    python_ms: Option<f64>,
    ratio: Option<(f64, f64, f64)>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => v[len / 2],
        len => (v[len / 2 - 1] + v[len / 2]) / 2.0,
    }
}

/// Check one side's count; a wrong one fails the whole bench.
fn check(case: &Case, n: usize, side: &str, found: usize) -> Result<()> {
    let want = (case.expected)(n);
    if found != want {
        return Err(fail(format!(
            "{} at N = {n}: {side} collected {found}, expected {want}",
            case.name
        )));
    }
    Ok(())
}

fn run_case(case: &Case, n: usize, rounds: usize, warm_up: bool, python: bool) -> Result<Figures> {
    let fp = if case.name.ends_with("ring_shuffled") {
        fingerprint(&permutation(n)).to_string()
    } else {
        String::new()
    };
    let py_round = || -> Result<f64> {
        let (secs, found, their_fp) = python_round(case, n)?;
        check(case, n, "python3", found)?;
        if their_fp != fp {
            return Err(fail(format!(
                "{}: python3 built another permutation (fingerprint {their_fp}, model {fp})",
                case.name
            )));
        }
        Ok(secs)
    };
    let model = || -> Result<f64> {
        let (secs, found) = model_round(case, n)?;
        check(case, n, "the model", found)?;
        Ok(secs)
    };
    if warm_up {
        model()?;
        if python {
            py_round()?;
        }
    }
    let (mut ms, mut ps, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        // Interleaved, alternating which side goes first.
        let (m, p) = if r % 2 == 0 {
            let m = model()?;
            (m, if python { Some(py_round()?) } else { None })
        } else {
            let p = if python { Some(py_round()?) } else { None };
            (model()?, p)
        };
        ms.push(m * 1e3);
        if let Some(p) = p {
            ps.push(p * 1e3);
            ratios.push(m / p);
        }
    }
    let ratio = (!ratios.is_empty()).then(|| {
        let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (median(&mut ratios), lo, hi)
    });
    Ok(Figures {
        model_ms: median(&mut ms),
        python_ms: (!ps.is_empty()).then(|| median(&mut ps)),
        ratio,
    })
}

// ----- reporting ------------------------------------------------------------------------------

fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `YYYY-MM-DD HH:MM UTC` from the system clock (days to civil date, proleptic Gregorian).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Cores and CPU model from `/proc/cpuinfo`, kernel from `/proc/sys/kernel/osrelease`.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(0);
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mem_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let kb: f64 = m.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / (1024.0 * 1024.0))
    });
    let mut s = format!("{cores} cores, {model}");
    if let Some(g) = mem_gib {
        let _ = write!(s, ", {g:.0} GiB");
    }
    if !kernel.trim().is_empty() {
        let _ = write!(s, ", Linux {}", kernel.trim());
    }
    s
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

// ----- main -----------------------------------------------------------------------------------

struct Options {
    quick: bool,
    /// Run by `cargo bench` (cargo passes `--bench`); without it, a smoke test.
    bench: bool,
    list: bool,
    /// `--exact`: a filter names a whole case, as libtest's option does.
    exact: bool,
    filters: Vec<String>,
}

fn options() -> Options {
    let flags = [
        "--bench",
        "--quick",
        "--list",
        "--test",
        "--exact",
        "--nocapture",
        "--noplot",
        "--verbose",
        "--quiet",
        "--discard-baseline",
    ];
    let mut o = Options {
        quick: std::env::var("PYHEAP_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0"),
        bench: false,
        list: false,
        exact: false,
        filters: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => o.bench = true,
            "--quick" => o.quick = true,
            "--list" => o.list = true,
            "--exact" => o.exact = true,
            _ if a.starts_with("--") && !a.contains('=') && !flags.contains(&a.as_str()) => {
                // Another harness's option with a value (`--warm-up-time 1`): skip both.
                args.next();
            }
            _ if a.starts_with('-') => {}
            _ => o.filters.push(a),
        }
    }
    o
}

fn env_usize(key: &str) -> Option<usize> {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
}

fn main() -> Result<()> {
    let opts = options();
    if opts.list {
        for c in CASES {
            println!("{}: bench", c.name);
        }
        println!("scale/gc_full/ring: bench");
        return Ok(());
    }
    let selected = |name: &str| {
        opts.filters.is_empty()
            || opts.filters.iter().any(|f| {
                if opts.exact {
                    name == f
                } else {
                    name.contains(f.as_str())
                }
            })
    };
    let (n, rounds, scale_sizes): (usize, usize, Vec<usize>) = if !opts.bench {
        (2_000, 1, vec![1_000, 10_000])
    } else if opts.quick {
        (100_000, 5, vec![10_000, 100_000, 1_000_000])
    } else {
        (1_000_000, 5, vec![10_000, 100_000, 1_000_000, 10_000_000])
    };
    let n = env_usize("PYHEAP_BENCH_N").unwrap_or(n).max(2);
    let rounds = env_usize("PYHEAP_BENCH_ROUNDS").unwrap_or(rounds).max(1);
    if std::env::var("PYHEAP_BENCH_SCRIPT").is_ok_and(|v| !v.is_empty() && v != "0") {
        // The python3 side of the selected cases, to run under a profiler by hand.
        for case in CASES.iter().filter(|c| selected(c.name)) {
            println!("# {}\n{}", case.name, python_script(case, n));
        }
        return Ok(());
    }
    let mode = match (opts.bench, opts.quick) {
        (false, _) => "test (smoke)",
        (true, true) => "quick",
        (true, false) => "full",
    };
    let version = python_version();
    let python = version.is_some();
    println!(
        "vs_cpython: {mode} mode, N = {}, {rounds} rounds per case, python3 {}",
        thousands(n),
        version
            .as_deref()
            .unwrap_or("not found: only the model is timed")
    );

    let target_cell = |target: Option<f64>, ratio: Option<(f64, f64, f64)>| match (target, ratio) {
        (None, _) => ("none set".to_string(), "".to_string()),
        (Some(t), None) => (format!("≤ {t:.2}"), "no python3".to_string()),
        (Some(t), Some((med, _, _))) => (
            format!("≤ {t:.2}"),
            if med <= t { "met" } else { "**NOT met**" }.to_string(),
        ),
    };
    let ratio_cell = |ratio: Option<(f64, f64, f64)>| match ratio {
        Some((med, lo, hi)) => format!("{med:.2} ({lo:.2}–{hi:.2})"),
        None => "n/a".into(),
    };

    let mut table = String::new();
    let started = Instant::now();
    for case in CASES.iter().filter(|c| selected(c.name)) {
        let f = run_case(case, n, rounds, opts.bench, python)?;
        let (target, verdict) = target_cell(case.target, f.ratio);
        let line = format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            case.name,
            (case.objects)(n),
            fmt_ms(f.model_ms),
            f.python_ms.map(fmt_ms).unwrap_or_else(|| "n/a".into()),
            ratio_cell(f.ratio),
            target,
            verdict
        );
        println!("{line}");
        table.push_str(&line);
        table.push('\n');
    }

    let mut scale = String::new();
    if selected("scale/gc_full/ring") {
        let case = &CASES[SCALE_CASE];
        for &size in &scale_sizes {
            // The largest size gets one round (its warm-up is the smaller sizes').
            let r = if size >= 10_000_000 { 1 } else { rounds.min(3) };
            let f = run_case(case, size, r, false, python)?;
            let per = |ms: f64| ms * 1e6 / size as f64;
            let line = format!(
                "| {} | {} | {:.0} ns | {} | {} | {} |",
                thousands(size),
                fmt_ms(f.model_ms),
                per(f.model_ms),
                f.python_ms.map(fmt_ms).unwrap_or_else(|| "n/a".into()),
                f.python_ms
                    .map(|p| format!("{:.0} ns", per(p)))
                    .unwrap_or_else(|| "n/a".into()),
                f.ratio
                    .map(|(m, _, _)| format!("{m:.2}"))
                    .unwrap_or_else(|| "n/a".into()),
            );
            println!("scale {line}");
            scale.push_str(&line);
            scale.push('\n');
        }
    }
    let peak = peak_rss_mib();
    println!(
        "all counts as expected; {:.0} s; peak RSS of the bench process {}",
        started.elapsed().as_secs_f64(),
        peak.map(|m| format!("{m:.0} MiB"))
            .unwrap_or_else(|| "unknown".into())
    );

    if !opts.bench || !opts.filters.is_empty() {
        println!("(not writing book/src/speed-figures.md: a smoke test or a filtered run)");
        return Ok(());
    }
    let figures = format!(
        "<!-- Written by `cargo bench --bench gc` (benches/gc.rs): do not edit by hand. -->\n\
         Measured {date} on {machine}, against python3 {version}; {mode} mode: N = {n}, \
         {rounds} interleaved rounds per case after one untimed warm-up of each side, every \
         round a fresh model heap and a fresh python3 process. Model and CPython columns are \
         medians of the rounds; the ratio is the median of the per-round ratios model / \
         CPython, with their min–max.\n\n\
         | case | objects | model | CPython | ratio model / CPython | target | |\n\
         |---|---|---|---|---|---|---|\n\
         {table}\n\
         Scale: `gc_full/ring` at growing sizes (medians of {scale_rounds} rounds, one at \
         10,000,000), time of the full collection.\n\n\
         | objects | model | model per object | CPython | CPython per object | ratio |\n\
         |---|---|---|---|---|---|\n\
         {scale}",
        date = utc_now(),
        machine = machine(),
        version = version.as_deref().unwrap_or("(not found)"),
        n = thousands(n),
        scale_rounds = rounds.min(3),
    );
    let path: std::path::PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "book",
        "src",
        "speed-figures.md",
    ]
    .iter()
    .collect();
    std::fs::write(&path, figures).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    println!("wrote {}", path.display());
    Ok(())
}
