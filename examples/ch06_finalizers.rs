//! Chapter 6, "Finalizers and `__del__`": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch06_finalizers`. Python twins: `python/ch06_finalizers/*.py`. Each
//! twin starts with `gc.collect()` and `gc.disable()`, so that only the scenario's own
//! garbage is found and no automatic collection runs in the middle; the model does the same.

use pyheap::gc::{TraceRow, TraceStep};
use pyheap::prelude::*;

// ANCHOR: refcount_zero
/// `__del__` runs when the last reference goes, in the statement that drops it: not when
/// `del` removes one name of several.
pub fn refcount_zero() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("Resource")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  Resource.__del__({n})"));
                    if n == "a" {
                        py.picture("ch06_inside_del", "inside __del__, during del y", &[]);
                    }
                    Ok(())
                }),
            ),
    )?;
    py.assign("x", name("Resource").call([s("a")]))?;
    py.assign("y", name("x"))?;
    py.picture("ch06_two_names", "x and y: two references", &[]);
    py.print("del x");
    py.del("x")?;
    py.picture("ch06_after_del_x", "del x: count 1, no __del__", &[]);
    py.print("del y");
    py.del("y")?;
    py.assign("z", name("Resource").call([s("b")]))?;
    py.print("z = None");
    py.assign("z", none())?;
    py.print("end of the script");
    Ok(py.take_stdout())
}
// ANCHOR_END: refcount_zero

// ANCHOR: whole_cycle
/// Since 3.4 (PEP 442) the collector calls the finalizer of every object in a garbage cycle
/// *before* it breaks any reference, so each `__del__` still sees the whole cycle, even a
/// partner whose own `__del__` has already run.
pub fn whole_cycle() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("MyObj")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let me = py.str_of_expr(name("self").attr("name"))?;
                    let other = py.str_of_expr(name("self").attr("ref").attr("name"))?;
                    py.print(format!("  {me}.__del__: self.ref is {other}, still whole"));
                    Ok(())
                }),
            ),
    )?;
    py.assign("obj1", name("MyObj").call([s("obj1")]))?;
    py.assign("obj2", name("MyObj").call([s("obj2")]))?;
    py.assign_attr(name("obj1"), "ref", name("obj2"))?;
    py.assign_attr(name("obj2"), "ref", name("obj1"))?;
    py.del("obj1")?;
    py.del("obj2")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: whole_cycle

// ANCHOR: release_order
/// Freed by reference counting, an instance releases its attributes in the order of its
/// class's shared keys: the order in which the class's instances first set each name, not
/// the order this instance set them in.
pub fn release_order() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("Noisy")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ {n}"));
                    Ok(())
                }),
            ),
    )?;
    py.class(Class::new("Holder"))?;
    py.assign("first", name("Holder").call([]))?;
    py.assign_attr(name("first"), "x", name("Noisy").call([s("first.x")]))?;
    py.assign_attr(name("first"), "y", name("Noisy").call([s("first.y")]))?;
    py.assign("second", name("Holder").call([]))?;
    py.assign_attr(name("second"), "y", name("Noisy").call([s("second.y")]))?;
    py.assign_attr(name("second"), "x", name("Noisy").call([s("second.x")]))?;
    py.print("del first");
    py.del("first")?;
    py.print("del second");
    py.del("second")?;
    Ok(py.take_stdout())
}
// ANCHOR_END: release_order

// ANCHOR: finalizer_order
/// In a collection, finalizers run in the order of the unreachable list. When every object
/// of the cycle is garbage from the start, that is the order they were created in.
pub fn finalizer_order() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("N")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ {n}"));
                    Ok(())
                }),
            ),
    )?;
    let new = |n: &str| name("N").call([s(n)]);

    py.print("a, b created in that order; a <-> b");
    py.assign("a", new("a"))?;
    py.assign("b", new("b"))?;
    py.assign_attr(name("a"), "other", name("b"))?;
    py.assign_attr(name("b"), "other", name("a"))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));

    py.print("b, a created in that order; a <-> b");
    py.assign("b", new("b"))?;
    py.assign("a", new("a"))?;
    py.assign_attr(name("a"), "other", name("b"))?;
    py.assign_attr(name("b"), "other", name("a"))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));

    py.print("c, b, a created in that order; a -> b -> c -> a");
    py.assign("c", new("c"))?;
    py.assign("b", new("b"))?;
    py.assign("a", new("a"))?;
    py.assign_attr(name("a"), "next", name("b"))?;
    py.assign_attr(name("b"), "next", name("c"))?;
    py.assign_attr(name("c"), "next", name("a"))?;
    py.del("a")?;
    py.del("b")?;
    py.del("c")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: finalizer_order

// ANCHOR: order_after_rescue
/// A collection that finds an object reachable moves it behind the objects that reach it.
/// The list keeps that order, and the next collection finalizes in it.
pub fn order_after_rescue() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("N")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ {n}"));
                    Ok(())
                }),
            ),
    )?;
    py.assign("a", name("N").call([s("a")]))?;
    py.assign("b", name("N").call([s("b")]))?;
    py.assign("c", name("N").call([s("c")]))?;
    py.assign_attr(name("a"), "next", name("b"))?;
    py.assign_attr(name("b"), "next", name("c"))?;
    py.assign_attr(name("c"), "next", name("a"))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!(
        "a -> b -> c -> a, only c named: gc.collect() = {n}"
    ));
    py.print("del c");
    py.del("c")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: order_after_rescue

// ANCHOR: model_order_trace
/// The model's trace of the two collections of `order_after_rescue`: each decision
/// `move_unreachable` makes, and the unreachable list `finalize_garbage` then walks.
pub fn model_order_trace() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("N")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ {n}"));
                    Ok(())
                }),
            ),
    )?;
    let mut labels = Vec::new();
    for n in ["a", "b", "c"] {
        py.assign(n, name("N").call([s(n)]))?;
        labels.push((py.lookup(n)?, n));
    }
    py.assign_attr(name("a"), "next", name("b"))?;
    py.assign_attr(name("b"), "next", name("c"))?;
    py.assign_attr(name("c"), "next", name("a"))?;
    py.del("a")?;
    py.del("b")?;
    // Only a, b and c are shown; the class and its dict are in the lists too.
    let label = |id: ObjId| labels.iter().find(|(o, _)| *o == id).map(|(_, n)| *n);
    let names = |rows: &[TraceRow]| -> String {
        let shown: Vec<&str> = rows.iter().filter_map(|r| label(r.id)).collect();
        shown.join(" ")
    };
    let mut out = String::new();
    for step in [
        "first collection, c still named",
        "second collection, after del c",
    ] {
        if step.starts_with("second") {
            py.del("c")?;
        }
        py.print(format!("{step}:"));
        out += &py.take_stdout();
        let trace = py.gc_collect_traced(2)?;
        let finalizers = py.take_stdout(); // what the __del__ methods printed
        let phase = |n: &str| {
            trace
                .phase(n)
                .ok_or_else(|| Error::Context(format!("no {n} phase")))
        };
        py.print(format!(
            "  generation list (a, b, c only): {}",
            names(&phase("update_refs")?.rows)
        ));
        py.print("  move_unreachable:");
        for s in &phase("move_unreachable")?.steps {
            let line = match *s {
                TraceStep::Reachable { id, gc_refs } => {
                    label(id).map(|n| format!("{n}: gc_refs = {gc_refs}, reachable"))
                }
                TraceStep::Tentative { id } => {
                    label(id).map(|n| format!("{n}: gc_refs = 0, tentatively unreachable"))
                }
                TraceStep::MovedBack { id, by } => match (label(id), label(by)) {
                    (Some(n), Some(b)) => {
                        Some(format!("{n}: moved back to the end ({b} refers to it)"))
                    }
                    _ => None,
                },
                TraceStep::MarkedReachable { .. } => None,
            };
            if let Some(line) = line {
                py.print(format!("    {line}"));
            }
        }
        let rows = &phase("handle_weakrefs")?.rows;
        py.print(format!(
            "  unreachable list, as finalize_garbage walks it: [{}]",
            names(rows)
        ));
        out += &py.take_stdout();
        out += &finalizers;
        py.print(format!("  gc.collect() = {}", trace.result));
        out += &py.take_stdout();
    }
    Ok(out)
}
// ANCHOR_END: model_order_trace

// ANCHOR: resurrection
/// A `__del__` that stores `self` somewhere reachable brings the object back. It lives on,
/// and when it dies again its `__del__` is not called a second time (PEP 442).
pub fn resurrection() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.assign("survivors", list([]))?;
    py.class(
        Class::new("Phoenix")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  {n}.__del__: saving myself"));
                    py.exec(name("survivors").method("append", [name("self")]))
                }),
            ),
    )?;
    py.def(
        "gone",
        &["wr"],
        body(|py| {
            py.print("  (weakref callback: the object is really freed)");
            Ok(())
        }),
    )?;
    py.assign("p", name("Phoenix").call([s("p")]))?;
    py.assign("r", name("ref").call([name("p"), name("gone")]))?;
    py.print("del p");
    py.del("p")?;
    let back = py.is(name("r").call([]), name("survivors").item(int(0)))?;
    py.print(format!("r() is survivors[0]: {}", py_bool(back)));
    py.print("survivors.clear()");
    py.exec(name("survivors").method("clear", []))?;
    let dead = py.is(name("r").call([]), none())?;
    py.print(format!("r() is None: {}", py_bool(dead)));

    py.assign("a", name("Phoenix").call([s("a")]))?;
    py.assign("b", name("Phoenix").call([s("b")]))?;
    py.assign_attr(name("a"), "other", name("b"))?;
    py.assign_attr(name("b"), "other", name("a"))?;
    py.assign("r", name("ref").call([name("a")]))?;
    let pair = [py.lookup("a")?, py.lookup("b")?]; // to draw them once unnamed
    py.del("a")?;
    py.del("b")?;
    py.print("a <-> b, names deleted");
    py.picture("ch06_cycle_before", "a <-> b, names deleted", &pair);
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    py.picture("ch06_cycle_resurrected", "after gc.collect()", &[]);
    let first = py.str_of_expr(name("survivors").item(int(0)).attr("name"))?;
    let second = py.str_of_expr(name("survivors").item(int(1)).attr("name"))?;
    py.print(format!("survivors: {first}, {second}"));
    let dead = py.is(name("r").call([]), none())?;
    py.print(format!("r() is None: {}", py_bool(dead)));
    py.print("survivors.clear()");
    py.exec(name("survivors").method("clear", []))?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: resurrection

// ANCHOR: debug_saveall
/// `gc.DEBUG_SAVEALL`: instead of freeing what it found, the collector appends every
/// unreachable object to `gc.garbage`, where a program can look at it.
pub fn debug_saveall() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("N")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "__repr__",
                &["self"],
                body(|py| py.ret(add(add(s("N("), name("self").attr("name")), s(")")))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ {n}"));
                    Ok(())
                }),
            ),
    )?;
    py.gc_set_debug(DEBUG_SAVEALL);
    py.assign("a", name("N").call([s("a")]))?;
    py.assign("b", name("N").call([s("b")]))?;
    py.assign_attr(name("a"), "friends", list([name("b")]))?;
    py.assign_attr(name("b"), "friends", list([name("a")]))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let garbage = py.gc_garbage();
    let shown = py.str_of_expr(obj(garbage))?;
    py.print(format!("gc.garbage = {shown}"));
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() again = {n}"));
    py.gc_set_debug(0);
    py.print("gc.set_debug(0); gc.garbage.clear()");
    py.exec(obj(garbage).method("clear", []))?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: debug_saveall

// ANCHOR: not_guaranteed
/// Seed 003: "don't rely solely on `__del__`". An object in a cycle is finalized only when
/// the collector runs; with the collector off, that is never. An explicit `close()` runs
/// when the program says so.
pub fn not_guaranteed() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("TempFile")
            .method(
                "__init__",
                &["self", "path"],
                body(|py| {
                    py.assign_attr(name("self"), "path", name("path"))?;
                    py.assign_attr(name("self"), "closed", boolean(false))?;
                    let p = py.str_of_expr(name("self").attr("path"))?;
                    py.print(format!("  open {p}"));
                    Ok(())
                }),
            )
            .method(
                "close",
                &["self"],
                body(|py| {
                    // if not self.closed:
                    if py.is(name("self").attr("closed"), boolean(false))? {
                        let p = py.str_of_expr(name("self").attr("path"))?;
                        py.print(format!("  close {p}"));
                        py.assign_attr(name("self"), "closed", boolean(true))?;
                    }
                    Ok(())
                }),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    py.print("  __del__ calls close()");
                    py.exec(name("self").method("close", []))
                }),
            ),
    )?;
    py.assign("log", name("TempFile").call([s("log.tmp")]))?;
    py.assign_attr(name("log"), "owner", name("log"))?; // a cycle: log.owner is log
    py.print("del log  (the collector is disabled)");
    py.del("log")?;
    py.print("... the program keeps running; log.tmp is still open");
    py.assign("report", name("TempFile").call([s("report.tmp")]))?;
    py.assign_attr(name("report"), "owner", name("report"))?;
    py.exec(name("report").method("close", []))?; // closed when the program says so
    py.del("report")?;
    py.print("gc.enable(); gc.collect()");
    py.gc_enable();
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: not_guaranteed

/// A scenario: its name (shared by its snapshot and python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("refcount_zero", refcount_zero),
    ("whole_cycle", whole_cycle),
    ("release_order", release_order),
    ("finalizer_order", finalizer_order),
    ("order_after_rescue", order_after_rescue),
    ("model_order_trace", model_order_trace),
    ("resurrection", resurrection),
    ("debug_saveall", debug_saveall),
    ("not_guaranteed", not_guaranteed),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
