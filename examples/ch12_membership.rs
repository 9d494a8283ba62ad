//! Chapter 12, "Membership and immutables": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch12_membership`. Python twins: `python/ch12_membership/*.py`;
//! the `model_` scenarios count work python3 cannot count and have no twin.

use pyheap::prelude::*;

// ANCHOR: constant_after_in
/// The compiler turns a list display of constants after `in` into a tuple constant and a
/// set display into a frozenset constant; bound to a name, the display is built at run
/// time (from the same kind of constant).
pub fn constant_after_in() -> Result<String> {
    let mut py = Heap::new();
    let vowels = || ["a", "e", "i", "o", "u"].map(s);
    // (the assignment to `vowels`, if any; the `in` test)
    let cells = [
        (None, contains(s("e"), list(vowels()))),
        (None, contains(s("e"), set(vowels()))),
        (Some(list(vowels())), contains(s("e"), name("vowels"))),
        (Some(set(vowels())), contains(s("e"), name("vowels"))),
    ];
    for (display, test) in cells {
        let (source, folded, kind) = py.cell(|py| {
            let mut source = format!("found = {test}");
            if let Some(display) = &display {
                source = format!("vowels = {display}; {source}");
                py.assign("vowels", display.clone())?;
            }
            py.assign("found", test.clone())?;
            // The unit's constant table: what CPython's co_consts holds.
            let mut folded = Vec::new();
            for c in py.unit_constants() {
                match py.type_name(c)?.as_str() {
                    "tuple" => folded.push(py.repr(c)?),
                    "frozenset" => folded.push(sorted_frozenset_repr(py, c)?),
                    _ => {}
                }
            }
            let kind = match display {
                Some(_) => Some(py.type_name(py.lookup("vowels")?)?),
                None => None,
            };
            Ok((source, folded, kind))
        })?;
        let found = py.repr_of(name("found"))?;
        py.print(source);
        py.print(format!(
            "    found: {found}; in co_consts: {}",
            folded.join(", ")
        ));
        if let Some(kind) = kind {
            py.print(format!("    vowels is a {kind}"));
            py.del("vowels")?;
        }
    }
    Ok(py.take_stdout())
}

/// `repr` of a frozenset with its items sorted (CPython's order follows the hashes).
fn sorted_frozenset_repr(py: &Heap, fs: ObjId) -> Result<String> {
    // gc.get_referents(fs): the frozenset's items.
    let mut items = py
        .gc_get_referents(fs)?
        .into_iter()
        .map(|item| py.repr(item))
        .collect::<Result<Vec<_>>>()?;
    items.sort();
    Ok(format!("frozenset({{{}}})", items.join(", ")))
}
// ANCHOR_END: constant_after_in

// ANCHOR: identity_then_equality
/// Two equal 1 kB strings: `==` says equal, `is` says two objects, until one is interned.
pub fn identity_then_equality() -> Result<String> {
    let mut py = Heap::new();
    // Folded by the compiler: a constant, interned (identifier characters).
    py.assign("a", mul(s("x"), int(1024)))?;
    // Built at run time: a new object.
    py.assign("b", s("").method("join", [mul(list([s("x")]), int(1024))]))?;
    let len_a = py.repr_of(name("len").call([name("a")]))?;
    let len_b = py.repr_of(name("len").call([name("b")]))?;
    py.print(format!("len(a) = {len_a}, len(b) = {len_b}"));
    let equal = py.eq(name("a"), name("b"))?;
    let same = py.is(name("a"), name("b"))?;
    py.print(format!(
        "a == b: {}, a is b: {}",
        py_bool(equal),
        py_bool(same)
    ));
    py.assign("c", name("intern").call([name("b")]))?;
    let c_is_a = py.is(name("c"), name("a"))?;
    let c_is_b = py.is(name("c"), name("b"))?;
    py.print(format!(
        "c = intern(b): c is a: {}, c is b: {}",
        py_bool(c_is_a),
        py_bool(c_is_b)
    ));
    py.picture("ch12_intern_b", "c = intern(b)", &[]);
    let in_list = py.contains(name("a"), list([name("b")]))?;
    let in_set = py.contains(name("a"), set([name("c")]))?;
    py.print(format!(
        "a in [b]: {}, a in {{c}}: {}",
        py_bool(in_list),
        py_bool(in_set)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: identity_then_equality

// ANCHOR: model_membership_work
/// `x in list` compares item by item; `x in set` hashes `x` and probes the table.
pub fn model_membership_work() -> Result<String> {
    let mut py = Heap::new();
    py.assign(
        "items",
        name("list").call([name("range").call([int(1000)])]),
    )?;
    py.assign("lookup", name("set").call([name("items")]))?;
    let tests = [
        contains(int(0), name("items")),
        contains(int(500), name("items")),
        contains(int(999), name("items")),
        contains(int(1000), name("items")),
        contains(int(0), name("lookup")),
        contains(int(999), name("lookup")),
        contains(int(1000), name("lookup")),
    ];
    py.print(format!(
        "{:<16} {:<6} {:>11} {:>11}",
        "test", "result", "comparisons", "hash probes"
    ));
    for test in tests {
        py.reset_work();
        let found = py.with_value(test.clone(), |py, v| py.repr(v))??;
        let work = py.work();
        py.print(format!(
            "{:<16} {found:<6} {:>11} {:>11}",
            test.to_string(),
            work.comparisons,
            work.hash_probes
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_membership_work

// ANCHOR: hash_values
/// What a set files a key under: `hash(x)`, equal for equal numbers of any type.
pub fn hash_values() -> Result<String> {
    let mut py = Heap::new();
    let h = |py: &mut Heap, e: Expr| py.repr_of(name("hash").call([e]));
    let line = format!(
        "hash(1) = {}, hash(1.0) = {}, hash(True) = {}",
        h(&mut py, int(1))?,
        h(&mut py, float(1.0))?,
        h(&mut py, boolean(true))?
    );
    py.print(line);
    let line = format!(
        "hash(-1) = {}, hash(-2) = {}",
        h(&mut py, int(-1))?,
        h(&mut py, int(-2))?
    );
    py.print(line);
    let line = format!(
        "hash(2**61 - 1) = {}, hash(2**61) = {}",
        h(&mut py, int((1 << 61) - 1))?,
        h(&mut py, int(1 << 61))?
    );
    py.print(line);
    let line = format!("hash(1.5) = {}", h(&mut py, float(1.5))?);
    py.print(line);
    let line = format!("hash((1, 2)) = {}", h(&mut py, tuple([int(1), int(2)]))?);
    py.print(line);
    let fs = name("frozenset").call([set([int(1), int(2), int(3)])]);
    let line = format!("hash(frozenset({{1, 2, 3}})) = {}", h(&mut py, fs)?);
    py.print(line);
    Ok(py.take_stdout())
}
// ANCHOR_END: hash_values

// ANCHOR: model_probe_sequence
/// When hashes share a slot: the probe sequence of `set_lookkey`, counted.
pub fn model_probe_sequence() -> Result<String> {
    let mut py = Heap::new();
    py.assign("s", set([int(8), int(16)]))?;
    py.assign("t", set([int(-2)]))?;
    let (s_repr, t_repr) = (py.repr_of(name("s"))?, py.repr_of(name("t"))?);
    py.print(format!("s = {s_repr}    t = {t_repr}"));
    py.print(format!(
        "{:<12} {:<6} {:>11} {:>11}",
        "test", "result", "comparisons", "hash probes"
    ));
    for (x, in_) in [(8, "s"), (16, "s"), (24, "s"), (-2, "t"), (-1, "t")] {
        let test = contains(int(x), name(in_));
        py.reset_work();
        let found = py.with_value(test.clone(), |py, v| py.repr(v))??;
        let work = py.work();
        py.print(format!(
            "{:<12} {found:<6} {:>11} {:>11}",
            test.to_string(),
            work.comparisons,
            work.hash_probes
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_probe_sequence

// ANCHOR: model_dict_dummy
/// A dict's index after a deletion: the deleted key's slot becomes a dummy, which searches
/// pass over and a new key may take.
pub fn model_dict_dummy() -> Result<String> {
    let mut py = Heap::new();
    py.assign(
        "d",
        dict([(int(1), s("one")), (int(9), s("nine")), (int(2), s("two"))]),
    )?;
    let d_repr = py.repr_of(name("d"))?;
    py.print(format!("d = {d_repr}"));
    py.print(format!(
        "{:<22} {:<6} {:>11} {:>11}",
        "step", "result", "comparisons", "hash probes"
    ));
    let search = |py: &mut Heap, k: i128| -> Result<()> {
        let test = contains(int(k), name("d"));
        py.reset_work();
        let found = py.with_value(test.clone(), |py, v| py.repr(v))??;
        let work = py.work();
        py.print(format!(
            "{:<22} {found:<6} {:>11} {:>11}",
            test.to_string(),
            work.comparisons,
            work.hash_probes
        ));
        Ok(())
    };
    search(&mut py, 9)?;
    py.del_item(name("d"), int(1))?;
    py.print("del d[1]");
    search(&mut py, 9)?;
    search(&mut py, 1)?;
    py.assign_item(name("d"), int(17), s("seventeen"))?;
    py.print("d[17] = 'seventeen'");
    search(&mut py, 17)?;
    let d_repr = py.repr_of(name("d"))?;
    py.print(format!("d = {d_repr}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_dict_dummy

// ANCHOR: model_compare_work
/// What `==` costs on two strings: one address compare when they are one object, a read
/// of every byte when they are two equal objects.
pub fn model_compare_work() -> Result<String> {
    let mut py = Heap::new();
    py.assign("a", mul(s("x"), int(1024)))?; // a constant, interned
    py.assign("b", s("").method("join", [mul(list([s("x")]), int(1024))]))?; // a new object
    py.assign("c", name("intern").call([name("b")]))?; // the interned one: a
    py.assign("d", add(mul(s("x"), int(1023)), s("y")))?;
    py.assign("e", add(s("y"), mul(s("x"), int(1023))))?;
    py.assign("f", mul(s("x"), int(1023)))?;
    let pairs = [
        ("a", "b", "equal, two objects"),
        ("a", "c", "c = intern(b) is a"),
        ("a", "d", "last character differs"),
        ("a", "e", "first character differs"),
        ("a", "f", "lengths differ"),
    ];
    py.print(format!(
        "{:<7} {:<24} {:<6} {:<12} {:>14}",
        "test", "case", "result", "by identity", "bytes compared"
    ));
    for (x, y, what) in pairs {
        let r = py.compare_str(name(x), name(y))?;
        py.print(format!(
            "{:<7} {what:<24} {:<6} {:<12} {:>14}",
            format!("{x} == {y}"),
            py_bool(r.equal),
            py_bool(r.by_identity),
            r.bytes_compared
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_compare_work

/// A scenario: its name (shared by the snapshot and the python script) and its function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter.
pub const SCENARIOS: &[Scenario] = &[
    ("constant_after_in", constant_after_in),
    ("identity_then_equality", identity_then_equality),
    ("model_membership_work", model_membership_work),
    ("hash_values", hash_values),
    ("model_probe_sequence", model_probe_sequence),
    ("model_dict_dummy", model_dict_dummy),
    ("model_compare_work", model_compare_work),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
