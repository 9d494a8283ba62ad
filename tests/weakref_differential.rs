//! Differential test: random programs of finalizers, resurrection, weak references with
//! callbacks, reference cycles, `WeakValueDictionary` and `WeakSet`, run on the model and
//! under the real python3. What each prints (finalizer and callback lines, `gc.collect()`
//! results, `sys.getrefcount`, the containers' lengths and members) must be equal, line by
//! line.
//!
//! Each program is a sequence of module-level statements over the names `v0`..`v4` (instances
//! of `F`, with a printing `__del__`; `P`, plain; `R`, whose `__del__` resurrects the object
//! into `saved`) and `w0`..`w3` (weak references, some with the callbacks `cb0`..`cb3`). The
//! python3 side ends with `os._exit(0)`, so nothing runs at interpreter exit (which the model
//! does not model). This test found two model bugs: instance attributes visited and freed in
//! insertion order instead of the class's shared-keys order, and `__main__`'s globals dict
//! starting in generation 0 (and being untracked when empty) instead of sitting in
//! generation 2.
//!
//! Not covered: an instance whose `__dict__` was materialized. CPython frees such a split
//! dict's values in shared-keys order; the model's dicts do not know they are split and free
//! in insertion order.

mod common;

use std::fmt::Write as _;

use pyheap::prelude::*;

/// Programs per run, and statements per program.
const PROGRAMS: u64 = 25;
const LENGTH: usize = 100;
const NV: u8 = 5;
const NW: u8 = 4;
const ATTRS: [&str; 2] = ["a", "b"];
const CLASSES: [&str; 3] = ["F", "P", "R"];

/// One statement of a program.
#[derive(Clone, Debug)]
enum Op {
    /// `vX = F|P|R('nK')`
    New(u8, u8),
    /// `vX.a = vY`
    SetAttr(u8, u8, u8),
    /// `vX.a = None`
    ClearAttr(u8, u8),
    /// `del vX.a`
    DelAttr(u8, u8),
    /// `del vX`
    Del(u8),
    /// `wK = weakref.ref(vX[, cbK])`
    WeakGlobal(u8, u8, bool),
    /// `vX.w = weakref.ref(vY, cbK)`
    WeakAttr(u8, u8, u8),
    /// `del wK`
    DelWeak(u8),
    /// `print("wK", wK() is None)`
    CheckWeak(u8),
    /// `print("collect", gc.collect(g))`
    Collect(u8),
    /// `print("rc", sys.getrefcount(vX))`
    RefCount(u8),
    /// `cache['kK'] = vX`
    CacheSet(u8, u8),
    /// `if 'kK' in cache: del cache['kK']`
    CacheDel(u8),
    /// `ws.add(vX)`
    SetAdd(u8),
    /// `ws.discard(vX)`
    SetDiscard(u8),
    /// `print("lens", len(cache), len(ws), len(saved))`
    Lens,
    /// `print("names", names(ws))`: the WeakSet's members, iterated
    Names,
    /// `print("keys", sorted(cache.keys()))`
    Keys,
    /// `saved.clear()`
    SavedClear,
}

/// xorshift64: the programs are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u8) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(n)) as u8
    }
}

/// A valid program: names are bound before use, attributes set before `del`.
fn generate(seed: u64) -> Vec<Op> {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut v = [false; NV as usize];
    let mut w = [false; NW as usize];
    let mut attrs = [[false; 2]; NV as usize];
    let mut ops = Vec::new();
    while ops.len() < LENGTH {
        let (x, y, k, a) = (r.below(NV), r.below(NV), r.below(NW), r.below(2));
        let (bx, by) = (v[x as usize], v[y as usize]);
        let op = match r.below(24) {
            0..=2 => Op::New(x, r.below(3)),
            3..=7 if bx && by => Op::SetAttr(x, a, y),
            8 if bx => Op::ClearAttr(x, a),
            9 if bx && attrs[x as usize][a as usize] => Op::DelAttr(x, a),
            10 | 11 if bx => Op::Del(x),
            12 if bx => Op::WeakGlobal(k, x, r.below(3) != 0),
            13 if bx && by => Op::WeakAttr(x, y, k),
            14 if w[k as usize] => Op::DelWeak(k),
            15 if w[k as usize] => Op::CheckWeak(k),
            16 => Op::Collect(if r.below(4) == 0 { r.below(3) } else { 2 }),
            17 if bx => Op::RefCount(x),
            18 if bx => {
                [Op::CacheSet(k, x), Op::SetAdd(x), Op::SetDiscard(x)][r.below(3) as usize].clone()
            }
            19 => Op::CacheDel(k),
            20 => Op::Lens,
            21 => Op::Names,
            22 => Op::Keys,
            23 => Op::SavedClear,
            _ => continue,
        };
        match &op {
            Op::New(x, _) => {
                v[*x as usize] = true;
                attrs[*x as usize] = [false; 2];
            }
            Op::SetAttr(x, a, _) | Op::ClearAttr(x, a) => attrs[*x as usize][*a as usize] = true,
            Op::DelAttr(x, a) => attrs[*x as usize][*a as usize] = false,
            Op::Del(x) => v[*x as usize] = false,
            Op::WeakGlobal(k, ..) => w[*k as usize] = true,
            Op::DelWeak(k) => w[*k as usize] = false,
            _ => {}
        }
        ops.push(op);
    }
    ops
}

const PYTHON_PRELUDE: &str = r#"import gc, os, sys, weakref
from weakref import WeakValueDictionary, WeakSet
gc.collect()
gc.disable()
saved = []
class F:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"del {self.name}")
class P:
    def __init__(self, name):
        self.name = name
class R:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"resurrect {self.name}")
        saved.append(self)
def names(c):
    return sorted(o.name for o in c)
"#;

/// The program as a python3 script.
fn python_source(ops: &[Op]) -> String {
    let mut s = String::from(PYTHON_PRELUDE);
    for k in 0..NW {
        let _ = writeln!(s, "def cb{k}(wr):\n    print(\"cb{k}\", wr() is None)");
    }
    s.push_str("cache = WeakValueDictionary()\nws = WeakSet()\n");
    let mut n = 0;
    for op in ops {
        let _ = match op {
            Op::New(x, c) => {
                n += 1;
                writeln!(s, "v{x} = {}('n{n}')", CLASSES[*c as usize])
            }
            Op::SetAttr(x, a, y) => writeln!(s, "v{x}.{} = v{y}", ATTRS[*a as usize]),
            Op::ClearAttr(x, a) => writeln!(s, "v{x}.{} = None", ATTRS[*a as usize]),
            Op::DelAttr(x, a) => writeln!(s, "del v{x}.{}", ATTRS[*a as usize]),
            Op::Del(x) => writeln!(s, "del v{x}"),
            Op::WeakGlobal(k, x, true) => writeln!(s, "w{k} = weakref.ref(v{x}, cb{k})"),
            Op::WeakGlobal(k, x, false) => writeln!(s, "w{k} = weakref.ref(v{x})"),
            Op::WeakAttr(x, y, k) => writeln!(s, "v{x}.w = weakref.ref(v{y}, cb{k})"),
            Op::DelWeak(k) => writeln!(s, "del w{k}"),
            Op::CheckWeak(k) => writeln!(s, "print(\"w{k}\", w{k}() is None)"),
            Op::Collect(g) => writeln!(s, "print(\"collect\", gc.collect({g}))"),
            Op::RefCount(x) => writeln!(s, "print(\"rc\", sys.getrefcount(v{x}))"),
            Op::CacheSet(k, x) => writeln!(s, "cache['k{k}'] = v{x}"),
            Op::CacheDel(k) => writeln!(s, "if 'k{k}' in cache:\n    del cache['k{k}']"),
            Op::SetAdd(x) => writeln!(s, "ws.add(v{x})"),
            Op::SetDiscard(x) => writeln!(s, "ws.discard(v{x})"),
            Op::Lens => writeln!(s, "print(\"lens\", len(cache), len(ws), len(saved))"),
            Op::Names => writeln!(s, "print(\"names\", names(ws))"),
            Op::Keys => writeln!(s, "print(\"keys\", sorted(cache.keys()))"),
            Op::SavedClear => writeln!(s, "saved.clear()"),
        };
    }
    s.push_str("sys.stdout.flush()\nos._exit(0)\n");
    s
}

/// `sorted(...)` of a list of strs, printed as python prints it.
fn sorted_repr(py: &mut Heap, e: Expr) -> Result<String> {
    let l = py.eval_owned(e)?;
    let mut reprs = Vec::new();
    if let pyheap::object::Kind::List { items, .. } = &py.get(l)?.kind {
        for i in items.clone() {
            reprs.push(py.repr(i)?);
        }
    }
    py.release(l)?;
    reprs.sort();
    Ok(format!("[{}]", reprs.join(", ")))
}

/// The program on the model.
fn run_model(ops: &[Op]) -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.from_weakref_import(&["WeakValueDictionary", "WeakSet"])?;
    py.assign("saved", list([]))?;
    let init = || body(|py| py.assign_attr(name("self"), "name", name("name")));
    let printing_del = |prefix: &'static str, resurrect: bool| {
        body(move |py| {
            let n = py.str_of_expr(name("self").attr("name"))?;
            py.print(format!("{prefix} {n}"));
            if resurrect {
                py.exec(name("saved").method("append", [name("self")]))?;
            }
            Ok(())
        })
    };
    py.class(
        Class::new("F")
            .method("__init__", &["self", "name"], init())
            .method("__del__", &["self"], printing_del("del", false)),
    )?;
    py.class(Class::new("P").method("__init__", &["self", "name"], init()))?;
    py.class(
        Class::new("R")
            .method("__init__", &["self", "name"], init())
            .method("__del__", &["self"], printing_del("resurrect", true)),
    )?;
    py.def(
        "names",
        &["c"],
        // return sorted(o.name for o in c): the model sorts in Rust (see sorted_repr)
        body(|py| {
            let comp = list_comp(name("o").attr("name"), "o", name("c"));
            py.comprehension(&comp, |py, result| py.ret(result))
        }),
    )?;
    for k in 0..NW {
        py.def(
            &format!("cb{k}"),
            &["wr"],
            body(move |py| {
                let dead = py.is(name("wr").call([]), none())?;
                py.print(format!("cb{k} {}", py_bool(dead)));
                Ok(())
            }),
        )?;
    }
    py.assign("cache", name("WeakValueDictionary").call([]))?;
    py.assign("ws", name("WeakSet").call([]))?;
    let v = |x: &u8| name(&format!("v{x}"));
    let w = |k: &u8| format!("w{k}");
    let mut n = 0;
    for op in ops {
        match op {
            Op::New(x, c) => {
                n += 1;
                let made = name(CLASSES[*c as usize]).call([s(&format!("n{n}"))]);
                py.assign(&format!("v{x}"), made)?;
            }
            Op::SetAttr(x, a, y) => py.assign_attr(v(x), ATTRS[*a as usize], v(y))?,
            Op::ClearAttr(x, a) => py.assign_attr(v(x), ATTRS[*a as usize], none())?,
            Op::DelAttr(x, a) => py.del_attr(v(x), ATTRS[*a as usize])?,
            Op::Del(x) => py.del(&format!("v{x}"))?,
            Op::WeakGlobal(k, x, cb) => {
                let mut args = vec![v(x)];
                if *cb {
                    args.push(name(&format!("cb{k}")));
                }
                py.assign(&w(k), name("ref").call(args))?;
            }
            Op::WeakAttr(x, y, k) => {
                let r = name("ref").call([v(y), name(&format!("cb{k}"))]);
                py.assign_attr(v(x), "w", r)?;
            }
            Op::DelWeak(k) => py.del(&w(k))?,
            Op::CheckWeak(k) => {
                let dead = py.is(name(&w(k)).call([]), none())?;
                py.print(format!("w{k} {}", py_bool(dead)));
            }
            Op::Collect(g) => {
                let found = py.gc_collect(usize::from(*g))?;
                py.print(format!("collect {found}"));
            }
            Op::RefCount(x) => {
                let rc = py.getrefcount(v(x))?;
                py.print(format!("rc {rc}"));
            }
            Op::CacheSet(k, x) => {
                let key = s(&format!("k{k}"));
                py.exec(name("cache").method("__setitem__", [key, v(x)]))?;
            }
            Op::CacheDel(k) => {
                let key = s(&format!("k{k}"));
                if py.repr_of(name("cache").method("__contains__", [key.clone()]))? == "True" {
                    py.exec(name("cache").method("__delitem__", [key]))?;
                }
            }
            Op::SetAdd(x) => py.exec(name("ws").method("add", [v(x)]))?,
            Op::SetDiscard(x) => py.exec(name("ws").method("discard", [v(x)]))?,
            Op::Lens => {
                let a = py.repr_of(name("cache").method("__len__", []))?;
                let b = py.repr_of(name("ws").method("__len__", []))?;
                let c = py.repr_of(name("len").call([name("saved")]))?;
                py.print(format!("lens {a} {b} {c}"));
            }
            Op::Names => {
                let shown = sorted_repr(&mut py, name("names").call([name("ws")]))?;
                py.print(format!("names {shown}"));
            }
            Op::Keys => {
                let shown = sorted_repr(&mut py, name("cache").method("keys", []))?;
                py.print(format!("keys {shown}"));
            }
            Op::SavedClear => py.exec(name("saved").method("clear", []))?,
        }
    }
    Ok(py.take_stdout())
}

#[test]
fn random_programs_print_what_python3_prints() {
    let dir = std::env::temp_dir().join(format!(
        "pyheap-weakref-differential-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for seed in 1..=PROGRAMS {
        let ops = generate(seed);
        let model =
            run_model(&ops).unwrap_or_else(|e| panic!("seed {seed}: the model failed: {e}"));
        let script = dir.join(format!("program_{seed}.py"));
        std::fs::write(&script, python_source(&ops)).expect("write the script");
        let Some(python) = common::run_python(&script) else {
            return; // no python3: skipped (a failure with CI=true, in run_python)
        };
        common::assert_matches_cpython(
            &format!("seed {seed} ({})", script.display()),
            &model,
            &python,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
