//! Chapter 5, "Generations": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch05_generations`. Python twins: `python/ch05_generations/*.py`.
//! The twins read counts into variables and print at the end: printing allocates
//! containers of its own in CPython (its first use after a full collection is counted),
//! and those are not part of what the chapter measures.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use pyheap::gc::{CallbackInfo, GenStats};
use pyheap::prelude::*;

// ANCHOR: count_moves
/// `gc.get_count()[0]` after each statement: allocations of containers count up,
/// deallocations count down, and free-list reuse does not count at all.
pub fn count_moves() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("A"))?;
    py.gc_collect(2)?; // gc.collect(): counts (0, 0, 0), free lists empty
    py.gc_disable();
    let mut rows: Vec<(&str, usize)> = Vec::new();
    let count = |py: &mut Heap| py.gc_get_count().0; // gc.get_count()[0]
    rows.push(("gc.collect()", count(&mut py)));
    rows.push(("gc.get_count()", count(&mut py)));
    rows.push(("gc.get_count()", count(&mut py)));
    py.assign("x", list([]))?;
    rows.push(("x = []", count(&mut py)));
    py.assign("y", list([name("x")]))?;
    rows.push(("y = [x]", count(&mut py)));
    py.assign("n", mul(int(10), int(30)))?; // an int: not a container
    py.assign("text", mul(s("a"), name("n")))?;
    rows.push(("n = 10 * 30; text = 'a' * n", count(&mut py)));
    py.assign("t", tuple([name("x"), name("y")]))?;
    rows.push(("t = (x, y)", count(&mut py)));
    py.del("t")?;
    rows.push(("del t", count(&mut py)));
    py.assign("t", tuple([name("y"), name("x")]))?;
    rows.push(("t = (y, x)", count(&mut py)));
    py.assign("a", name("A").call([]))?;
    rows.push(("a = A()", count(&mut py)));
    py.del("a")?;
    rows.push(("del a", count(&mut py)));
    for _ in 0..1000 {
        py.assign("z", list([]))?; // for i in range(1000): z = []
    }
    rows.push(("for i in range(1000): z = []", count(&mut py)));
    for (statement, c) in rows {
        py.print(format!("{statement:<30}{c:>3}"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: count_moves

// ANCHOR: what_is_tracked
/// Which objects the collector watches: containers, and not even all of them. A dict
/// holding only atoms is untracked; a tuple of atoms is untracked by the first collection
/// that sees it; a dict emptied of containers waits for a full collection.
pub fn what_is_tracked() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("A"))?;
    py.gc_collect(2)?;
    py.gc_disable();
    let row = |py: &mut Heap, what: &str, e: Expr| -> Result<()> {
        let tracked = py.with_value(e, |h, v| h.gc_is_tracked(v))??;
        py.print(format!("{what:<34}{}", py_bool(tracked)));
        Ok(())
    };
    row(&mut py, "gc.is_tracked(1)", int(1))?;
    row(&mut py, "gc.is_tracked('text')", s("text"))?;
    row(&mut py, "gc.is_tracked([])", list([]))?;
    row(&mut py, "gc.is_tracked(A())", name("A").call([]))?;
    py.assign("d", dict([]))?;
    row(&mut py, "d = {}", name("d"))?;
    py.assign_item(name("d"), s("a"), int(1))?;
    row(&mut py, "d['a'] = 1", name("d"))?;
    py.assign_item(name("d"), s("b"), list([]))?;
    row(&mut py, "d['b'] = []", name("d"))?;
    py.exec(name("d").method("clear", []))?;
    row(&mut py, "d.clear()", name("d"))?;
    py.assign("x", int(1))?;
    py.assign("t", tuple([name("x"), s("two")]))?;
    row(&mut py, "t = (x, 'two')", name("t"))?;
    py.gc_collect(2)?;
    row(&mut py, "gc.collect(): d", name("d"))?;
    row(&mut py, "gc.collect(): t", name("t"))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: what_is_tracked

// ANCHOR: automatic_collections
/// With the collector enabled, allocating containers starts collections by itself:
/// generation 0 when its count passes 700, generation 1 every eleventh time.
pub fn automatic_collections() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    let log: Rc<RefCell<Vec<(usize, usize)>>> = Rc::default();
    let i = Rc::new(Cell::new(0usize));
    // def on_collect(phase, info): if phase == "start": log.append(...)
    let on_collect = {
        let (log, i) = (log.clone(), i.clone());
        move |_: &mut Heap, info: &CallbackInfo| {
            if info.phase == "start" {
                log.borrow_mut().push((info.generation, i.get()));
            }
        }
    };
    py.gc_add_callback(Rc::new(on_collect)); // gc.callbacks.append(on_collect)
    py.assign("keep", list([]))?;
    py.gc_collect(2)?;
    let first = log.borrow().len(); // what the loop logs starts here
    py.gc_enable();
    for n in 0..9000 {
        i.set(n); // for i in range(9000): keep.append([])
        py.exec(name("keep").method("append", [list([])]))?;
    }
    py.gc_disable();
    let counts = py.gc_get_count();
    for (generation, n) in log.borrow()[first..].iter() {
        let number = n + 1;
        py.print(format!(
            "generation {generation} collection while making list number {number}"
        ));
    }
    py.print(format!("gc.get_count() = {counts:?}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: automatic_collections

// ANCHOR: promotion
/// An object that survives a collection moves to the next generation; `get_count()[1]`
/// and `[2]` count the collections of the generation below since the last of their own.
pub fn promotion() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.assign("x", list([]))?;
    let x = py.lookup("x")?;
    let report = |py: &mut Heap, step: &str| -> Result<()> {
        let generation = py
            .gc_generation_of(x)?
            .map_or("-".into(), |g| g.to_string());
        let (_, c1, c2) = py.gc_get_count();
        py.print(format!(
            "{step:<14} x in generation {generation}   gc.get_count()[1:] = ({c1}, {c2})"
        ));
        Ok(())
    };
    report(&mut py, "x = []")?;
    py.gc_collect(0)?;
    report(&mut py, "gc.collect(0)")?;
    py.gc_collect(1)?;
    report(&mut py, "gc.collect(1)")?;
    py.gc_collect(2)?;
    report(&mut py, "gc.collect(2)")?;
    Ok(py.take_stdout())
}
// ANCHOR_END: promotion

// ANCHOR: get_stats
/// `gc.get_stats()`: one dict per generation, three generations in 3.11. Compared
/// before and after two collections, since the interpreter collected before we came.
pub fn get_stats() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    let before = py.gc_get_stats();
    py.assign("a", list([]))?;
    py.assign("b", list([name("a")]))?;
    py.exec(name("a").method("append", [name("b")]))?;
    py.del("a")?;
    py.del("b")?;
    py.gc_collect(0)?; // finds the two lists
    py.assign("c", list([]))?;
    py.exec(name("c").method("append", [name("c")]))?;
    py.del("c")?;
    py.gc_collect(2)?; // finds the third
    let after = py.gc_get_stats();
    py.print(format!("len(gc.get_stats()) = {}", after.len()));
    for (g, (b, a)) in before.iter().zip(after.iter()).enumerate() {
        let d = |f: fn(&GenStats) -> u64| f(a) - f(b);
        py.print(format!(
            "generation {g}: collections +{}, collected +{}, uncollectable +{}",
            d(|s| s.collections),
            d(|s| s.collected),
            d(|s| s.uncollectable)
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: get_stats

// ANCHOR: set_threshold
/// `gc.set_threshold(5)`: generation 0 is collected on the sixth container; a
/// threshold of 0 turns automatic collection off altogether.
pub fn set_threshold() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    let log: Rc<RefCell<Vec<usize>>> = Rc::default();
    let i = Rc::new(Cell::new(0usize));
    let on_collect = {
        let (log, i) = (log.clone(), i.clone());
        move |_: &mut Heap, info: &CallbackInfo| {
            if info.phase == "start" {
                log.borrow_mut().push(i.get());
            }
        }
    };
    py.gc_add_callback(Rc::new(on_collect));
    py.assign("keep", list([]))?;
    py.gc_collect(2)?;
    let first = log.borrow().len();
    let (t0, t1, t2) = py.gc_get_threshold();
    py.gc_set_threshold(&[5])?; // gc.set_threshold(5)
    py.gc_enable();
    for n in 0..20 {
        i.set(n); // for i in range(20): keep.append([])
        py.exec(name("keep").method("append", [list([])]))?;
    }
    let n5 = log.borrow().len();
    py.gc_set_threshold(&[0])?; // gc.set_threshold(0)
    for n in 0..2000 {
        i.set(n); // for i in range(2000): keep.append([])
        py.exec(name("keep").method("append", [list([])]))?;
    }
    let with_0 = log.borrow().len() - n5;
    py.gc_set_threshold(&[t0, t1, t2])?;
    let (n0, _, _) = py.gc_get_count();
    let with_5: Vec<String> = log.borrow()[first..n5]
        .iter()
        .map(|n| (n + 1).to_string())
        .collect();
    py.print(format!(
        "threshold 5: collections while making lists {}",
        with_5.join(", ")
    ));
    py.print(format!(
        "threshold 0: {with_0} collections in 2000 lists; gc.get_count()[0] = {n0}"
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: set_threshold

// ANCHOR: long_lived_rule
/// The oldest generation waits: even when its count is over the threshold, a full
/// collection runs only once the objects promoted since the last one are at least a
/// quarter of those that survived it.
pub fn long_lived_rule() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    let log: Rc<RefCell<Vec<(usize, usize, usize)>>> = Rc::default();
    let i = Rc::new(Cell::new(0usize));
    let on_collect = {
        let (log, i) = (log.clone(), i.clone());
        move |py: &mut Heap, info: &CallbackInfo| {
            if info.phase == "start" {
                let (_, _, c2) = py.gc_get_count();
                log.borrow_mut().push((info.generation, i.get(), c2));
            }
        }
    };
    py.gc_add_callback(Rc::new(on_collect));
    py.gc_freeze(); // gc.freeze(): what exists so far is out of the collector's sight
    py.assign("base", list([]))?;
    for _ in 0..800 {
        py.exec(name("base").method("append", [list([])]))?; // 800 long-lived lists
    }
    py.assign("keep", list([]))?;
    py.gc_collect(2)?; // the long-lived total is now 802: base, its 800 lists and keep
    let first = log.borrow().len();
    py.gc_set_threshold(&[10, 2, 2])?;
    py.gc_enable();
    for n in 0..400 {
        i.set(n); // for i in range(400): keep.append([])
        py.exec(name("keep").method("append", [list([])]))?;
    }
    py.gc_disable();
    let counts = py.gc_get_count();
    for &(generation, n, c2) in log.borrow()[first..].iter().filter(|(g, _, _)| *g > 0) {
        let number = n + 1;
        py.print(format!(
            "generation {generation} collection while making list {number}, \
             gc.get_count()[2] = {c2}"
        ));
    }
    py.print(format!("gc.get_count() = {counts:?}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: long_lived_rule

// ANCHOR: model_long_lived_counters
/// The same run as `long_lived_rule`, showing the two counters behind the rule, which
/// CPython keeps out of Python's sight: read at the start and the end of every collection
/// of generations 1 and 2.
pub fn model_long_lived_counters() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    type Log = Rc<RefCell<Vec<(usize, (usize, usize))>>>;
    let log: Log = Rc::default();
    let on_collect = {
        let log = log.clone();
        move |py: &mut Heap, info: &CallbackInfo| {
            if info.generation > 0 {
                log.borrow_mut().push((info.generation, py.gc_long_lived()));
            }
        }
    };
    py.gc_add_callback(Rc::new(on_collect));
    py.gc_freeze();
    py.assign("base", list([]))?;
    for _ in 0..800 {
        py.exec(name("base").method("append", [list([])]))?;
    }
    py.assign("keep", list([]))?;
    py.gc_collect(2)?;
    let first = log.borrow().len();
    let (pending, total) = py.gc_long_lived();
    py.print(format!(
        "after gc.collect(): long_lived_pending {pending}, long_lived_total {total}"
    ));
    py.gc_set_threshold(&[10, 2, 2])?;
    py.gc_enable();
    for _ in 0..400 {
        py.exec(name("keep").method("append", [list([])]))?;
    }
    py.gc_disable();
    // The callback logged (generation, counters) at each start, then at each stop.
    for pair in log.borrow()[first..].chunks(2) {
        let (generation, (p0, t0)) = pair[0];
        let (_, (p1, t1)) = pair[1];
        py.print(format!(
            "generation {generation}: long_lived_pending {p0:>3} -> {p1:>3}, \
             long_lived_total {t0} -> {t1}"
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_long_lived_counters

// ANCHOR: freeze
/// `gc.freeze()` moves everything tracked to a permanent generation that no collection
/// examines: garbage in it stays until `gc.unfreeze()`.
pub fn freeze() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.gc_collect(0)?; // gc.get_count() is now (0, 1, 0)
    py.assign("a", list([]))?;
    py.assign("b", list([name("a")]))?;
    py.exec(name("a").method("append", [name("b")]))?;
    let a = py.lookup("a")?;
    py.del("a")?;
    py.del("b")?; // a cycle: garbage
    py.gc_freeze();
    let counts = py.gc_get_count();
    let frozen = py.gc_get_freeze_count() > 0;
    let listed = py.gc_get_objects(None)?.contains(&a);
    let generation = match py.gc_generation_of(a)? {
        Some(g) if g < 3 => g.to_string(),
        _ => "none of 0, 1, 2".to_string(),
    };
    let found = py.gc_collect(2)?;
    py.print(format!(
        "gc.freeze(): gc.get_freeze_count() > 0: {}",
        py_bool(frozen)
    ));
    py.print(format!(
        "the cycle is in gc.get_objects(): {}, in generation {generation}",
        py_bool(listed)
    ));
    py.print(format!("gc.get_count() = {counts:?}"));
    py.print(format!("gc.collect() = {found}"));
    py.gc_unfreeze();
    let found = py.gc_collect(2)?;
    py.print(format!("gc.unfreeze(); gc.collect() = {found}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: freeze

/// A scenario: its name, and the function that runs it and returns what it printed.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("count_moves", count_moves),
    ("what_is_tracked", what_is_tracked),
    ("automatic_collections", automatic_collections),
    ("promotion", promotion),
    ("get_stats", get_stats),
    ("set_threshold", set_threshold),
    ("long_lived_rule", long_lived_rule),
    ("model_long_lived_counters", model_long_lived_counters),
    ("freeze", freeze),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
