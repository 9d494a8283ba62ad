//! Chapter 17, "Best practices and interview questions": every scenario of the chapter,
//! runnable.
//!
//! `cargo run --example ch17_practices`. Python twins: `python/ch17_practices/*.py`. Each
//! scenario is one piece of advice from seeds 003 and 004, or one of seed 003's interview
//! answers, run on the model.

use pyheap::prelude::*;
use pyheap::tracemalloc::Filter;

// ANCHOR: do_let_gc_work
/// Do 1, "Let GC work": with the collector disabled, cycles pile up; enabled, automatic
/// collections free them as allocations go on.
pub fn do_let_gc_work() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Node").method(
        "__init__",
        &["self"],
        body(|py| py.assign_attr(name("self"), "partner", none())),
    ))?;
    py.def(
        "make_pairs",
        &["n"],
        body(|py| {
            py.for_in("_", name("range").call([name("n")]), |py| {
                py.assign("a", name("Node").call([]))?;
                py.assign("b", name("Node").call([]))?;
                py.assign_attr(name("a"), "partner", name("b"))?; // a cycle
                py.assign_attr(name("b"), "partner", name("a"))?;
                Ok(Flow::Continue)
            })
        }),
    )?;
    let nodes = |py: &mut Heap| -> Result<usize> {
        let mut n = 0;
        for id in py.gc_get_objects(None)? {
            n += usize::from(py.type_name(id)? == "Node");
        }
        Ok(n)
    };
    py.gc_collect(2)?;
    py.gc_disable();
    py.exec(name("make_pairs").call([int(1000)]))?;
    let waiting = nodes(&mut py)?;
    py.gc_enable();
    py.exec(name("make_pairs").call([int(1000)]))?;
    let left = nodes(&mut py)?;
    py.print(format!(
        "gc disabled, after 1,000 pairs: {waiting} Nodes alive"
    ));
    py.print(format!(
        "gc enabled, after 1,000 more:   {left} Nodes alive"
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: do_let_gc_work

// ANCHOR: do_weak_cache
/// Do 2, "Use weak references for caches": the cache entry goes when its object does.
pub fn do_weak_cache() -> Result<String> {
    let mut py = Heap::new();
    py.from_weakref_import(&["WeakValueDictionary"])?;
    py.class(Class::new("Image"))?;
    py.assign("cache", name("WeakValueDictionary").call([]))?;
    py.assign("logo", name("Image").call([]))?;
    // cache["logo"] = logo
    py.exec(name("cache").method("__setitem__", [s("logo"), name("logo")]))?;
    let len = py.repr_of(name("cache").method("__len__", []))?;
    py.print(format!("while logo is used: len(cache) = {len}"));
    py.del("logo")?;
    let len = py.repr_of(name("cache").method("__len__", []))?;
    py.print(format!("after del logo:     len(cache) = {len}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: do_weak_cache

// ANCHOR: do_break_cycles
/// Do 3, "Break circular references manually": then `del` frees at once, with the
/// collector off.
pub fn do_break_cycles() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Node")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "next", none())
                }),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  freed {n}"));
                    Ok(())
                }),
            ),
    )?;
    py.gc_disable(); // prove that no collection is involved
    py.assign("node1", name("Node").call([s("node1")]))?;
    py.assign("node2", name("Node").call([s("node2")]))?;
    py.assign_attr(name("node1"), "next", name("node2"))?;
    py.assign_attr(name("node2"), "next", name("node1"))?;
    py.print("break the cycle, then del:");
    py.assign_attr(name("node1"), "next", none())?;
    py.del("node1")?;
    py.del("node2")?;
    py.print("done");
    py.gc_enable();
    Ok(py.take_stdout())
}
// ANCHOR_END: do_break_cycles

// ANCHOR: do_generators
/// Do 4, "Use generators for large sequences": a list grows with its length, a generator
/// does not.
pub fn do_generators() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "numbers_list",
        &["n"],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([name("n")]));
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.def_generator("numbers_gen", &["n"])?;
    for n in [10, 1_000, 100_000] {
        let list_size = py.getsizeof(name("numbers_list").call([int(n)]))?;
        let gen_size = py.getsizeof(name("numbers_gen").call([int(n)]))?;
        py.print(format!(
            "n = {:>9}: list {:>9} bytes, generator {gen_size} bytes",
            pyheap::profiler::thousands(n),
            pyheap::profiler::thousands(list_size as i128)
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: do_generators

// ANCHOR: do_slots
/// Do 5, "Use `__slots__`": seed 003's two classes, measured as the seed measures them.
pub fn do_slots() -> Result<String> {
    let mut py = Heap::new();
    let init = || {
        body(|py| {
            py.assign_attr(name("self"), "x", name("x"))?;
            py.assign_attr(name("self"), "y", name("y"))
        })
    };
    py.class(Class::new("RegularClass").method("__init__", &["self", "x", "y"], init()))?;
    py.class(Class::new("SlottedClass").slots(&["x", "y"]).method(
        "__init__",
        &["self", "x", "y"],
        init(),
    ))?;
    py.assign("regular", name("RegularClass").call([int(1), int(2)]))?;
    py.assign("slotted", name("SlottedClass").call([int(1), int(2)]))?;
    let regular =
        py.getsizeof(name("regular"))? + py.getsizeof(name("regular").attr("__dict__"))?;
    let slotted = py.getsizeof(name("slotted"))?;
    py.print(format!("Regular: {regular} bytes"));
    py.print(format!("Slotted: {slotted} bytes"));
    Ok(py.take_stdout())
}
// ANCHOR_END: do_slots

// ANCHOR: do_profile_leak
/// Do 6, "Profile memory", and Don't 3, "Don't ignore memory leaks (they compound)": a
/// list kept after every request, found by comparing two snapshots.
pub fn do_profile_leak() -> Result<String> {
    let mut py = Heap::new();
    // empty lists on the list free list, as CPython's start-up leaves them
    py.exec(list(vec![list([]); 20]))?;
    py.compile([int(1_000)])?;
    py.assign("history", list([]))?; // grows forever: the leak
    py.def(
        "handle_request",
        &["n"],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([name("n")]));
            py.comprehension(&numbers, |py, value| py.assign("result", value))?;
            py.exec(name("history").method("append", [name("result")]))?; // kept "for later"
            py.ret(name("len").call([name("result")]))
        }),
    )?;
    py.tracemalloc().start();
    py.exec(name("handle_request").call([int(1_000)]))?;
    let first = py.tracemalloc().take_snapshot()?;
    for _request in 0..9 {
        py.exec(name("handle_request").call([int(1_000)]))?;
    }
    let later = py.tracemalloc().take_snapshot()?;
    py.tracemalloc().stop();

    let this_file = [Filter::new(true, file!()).into()];
    let first = first.filter_traces(&this_file);
    let later = later.filter_traces(&this_file);
    py.print("after 10 requests, compared with after 1, by line:");
    for (rank, stat) in later
        .compare_to(&first, "lineno")?
        .iter()
        .take(3)
        .enumerate()
    {
        py.print(format!("#{}: {}", rank + 1, stat.numbers()));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: do_profile_leak

// ANCHOR: do_del_in_loops
/// Do 7, "Delete large objects explicitly in loops": without `del`, the previous batch is
/// still bound while the next one is built.
pub fn do_del_in_loops() -> Result<String> {
    let mut py = Heap::new();
    // empty lists on the list free list, as CPython's start-up leaves them
    py.exec(list(vec![list([]); 4]))?;
    py.compile([int(100_000)])?;
    let batch = |del: bool| {
        body(move |py| {
            py.for_in("batch", name("range").call([int(3)]), |py| {
                let numbers = list_comp(name("i"), "i", name("range").call([int(100_000)]));
                py.comprehension(&numbers, |py, value| py.assign("data", value))?;
                py.sum(name("data"), |py, total| py.assign("total", total))?;
                if del {
                    py.del("data")?;
                }
                Ok(Flow::Continue)
            })
        })
    };
    py.def("without_del", &[], batch(false))?;
    py.def("with_del", &[], batch(true))?;
    py.tracemalloc().start();
    py.exec(name("without_del").call([]))?;
    let peak_without = py.tracemalloc().get_traced_memory().1;
    py.tracemalloc().reset_peak();
    py.exec(name("with_del").call([]))?;
    let peak_with = py.tracemalloc().get_traced_memory().1;
    py.tracemalloc().stop();
    let mib = |bytes: usize| bytes as f64 / 1024.0 / 1024.0;
    py.print(format!("peak without del: {:.1} MiB", mib(peak_without)));
    py.print(format!("peak with del:    {:.1} MiB", mib(peak_with)));
    Ok(py.take_stdout())
}
// ANCHOR_END: do_del_in_loops

// ANCHOR: do_context_managers
/// Do 8, "Use context managers for cleanup": `__exit__` runs when the block ends.
pub fn do_context_managers() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Resource")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "data", mul(list([int(0)]), int(1_000)))
                }),
            )
            .method(
                "__enter__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  open {n}"));
                    py.ret(name("self"))
                }),
            )
            .method(
                "__exit__",
                &["self", "exc_type", "exc_val", "exc_tb"],
                body(|py| {
                    py.del_attr(name("self"), "data")?;
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  released {n}'s data"));
                    Ok(())
                }),
            ),
    )?;
    let has_data = |py: &mut Heap| py_bool(py.exec(name("db").attr("data")).is_ok());
    py.print("with Resource('db') as db:");
    py.with_block(name("Resource").call([s("db")]), Some("db"), |py| {
        let has = has_data(py);
        py.print(format!("  working, has data: {has}"));
        Ok(())
    })?;
    let has = has_data(&mut py);
    py.print(format!("after the block, has data: {has}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: do_context_managers

// ANCHOR: dont_rely_on_del
/// Don't 1, "Don't rely solely on `__del__`": in a cycle it runs only when the collector
/// does.
pub fn dont_rely_on_del() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Connection")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "peer", none())
                }),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("  __del__ closes {n}"));
                    Ok(())
                }),
            ),
    )?;
    py.gc_collect(2)?;
    py.gc_disable();
    py.assign("a", name("Connection").call([s("a")]))?;
    py.assign("b", name("Connection").call([s("b")]))?;
    py.assign_attr(name("a"), "peer", name("b"))?;
    py.assign_attr(name("b"), "peer", name("a"))?;
    py.print("del a, b (in a cycle, collector off):");
    py.del("a")?;
    py.del("b")?;
    py.print("nothing closed yet; gc.collect():");
    let found = py.gc_collect(2)?;
    py.print(format!("gc.collect() found {found} objects"));
    py.gc_enable();
    Ok(py.take_stdout())
}
// ANCHOR_END: dont_rely_on_del

// ANCHOR: dont_class_variables
/// Don't 2, "Don't keep references in class variables unnecessarily": every instance
/// outlives the function that made it.
pub fn dont_class_variables() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Session")
            .attr("open_sessions", list([])) // lives as long as the class
            .method(
                "__init__",
                &["self", "user"],
                body(|py| {
                    py.assign_attr(name("self"), "user", name("user"))?;
                    let sessions = name("Session").attr("open_sessions");
                    py.exec(sessions.method("append", [name("self")]))
                }),
            ),
    )?;
    py.def(
        "login",
        &["user"],
        body(|py| {
            py.assign("session", name("Session").call([name("user")]))?;
            py.ret(name("session").attr("user"))
        }),
    )?;
    for user in ["ann", "bob", "cid"] {
        py.exec(name("login").call([s(user)]))?;
    }
    let sessions = || name("Session").attr("open_sessions");
    let alive = py.int_value(name("len").call([sessions()]))?;
    py.print(format!(
        "sessions still alive after every login returned: {alive}"
    ));
    py.assign("first", sessions().item(int(0)))?;
    let n = py.getrefcount(name("first"))?;
    py.print(format!("sys.getrefcount(first) = {n}"));
    py.exec(sessions().method("clear", []))?;
    let n = py.getrefcount(name("first"))?;
    py.print(format!("after clear(): sys.getrefcount(first) = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: dont_class_variables

// ANCHOR: dont_cycles_without_weakrefs
/// Don't 4, "Don't create circular references without weak refs": a strong back-reference
/// waits for the collector, a weak one does not.
pub fn dont_cycles_without_weakrefs() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Parent")
            .method(
                "__init__",
                &["self", "child_class"],
                body(|py| {
                    let child = name("child_class").call([name("self")]);
                    py.assign_attr(name("self"), "child", child)
                }),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    py.print("  Parent freed");
                    Ok(())
                }),
            ),
    )?;
    py.class(Class::new("Child").method(
        "__init__",
        &["self", "parent"],
        body(|py| py.assign_attr(name("self"), "parent", name("parent"))), // strong
    ))?;
    py.class(Class::new("WeakChild").method(
        "__init__",
        &["self", "parent"],
        body(|py| {
            let weak = name("ref").call([name("parent")]); // weakref.ref(parent)
            py.assign_attr(name("self"), "parent", weak)
        }),
    ))?;
    py.gc_collect(2)?;
    py.gc_disable();
    py.print("strong back-reference, del p:");
    py.assign("p", name("Parent").call([name("Child")]))?;
    py.picture("ch17_strong_back_reference", "p = Parent(Child)", &[]);
    py.del("p")?;
    py.print("  (nothing yet)");
    let found = py.gc_collect(2)?;
    py.print(format!("gc.collect() found {found} objects"));
    py.print("weak back-reference, del p:");
    py.assign("p", name("Parent").call([name("WeakChild")]))?;
    py.picture("ch17_weak_back_reference", "p = Parent(WeakChild)", &[]);
    py.del("p")?;
    let found = py.gc_collect(2)?;
    py.print(format!("gc.collect() found {found} objects"));
    py.gc_enable();
    Ok(py.take_stdout())
}
// ANCHOR_END: dont_cycles_without_weakrefs

// ANCHOR: model_dont_collect_often
/// Don't 5, "Don't call `gc.collect()` too frequently": a full collection examines every
/// tracked object, whether or not it finds anything.
pub fn model_dont_collect_often() -> Result<String> {
    let mut py = Heap::new();
    // empty lists on the list free list, as CPython's start-up leaves them
    py.exec(list(vec![list([]); 80]))?;
    // keep = [[] for i in range(10_000)]: 10,000 tracked lists that are not garbage
    let lists = list_comp(list([]), "i", name("range").call([int(10_000)]));
    py.comprehension(&lists, |py, value| py.assign("keep", value))?;
    let mut examined = 0;
    let mut found = 0;
    for _ in 0..100 {
        let trace = py.gc_collect_traced(2)?; // gc.collect()
        examined += trace.phase("update_refs").map_or(0, |p| p.rows.len());
        found += trace.result;
    }
    py.print(format!(
        "100 calls of gc.collect(): {found} objects found, {examined} objects examined"
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_dont_collect_often

// ANCHOR: local_variables
/// Seed 004's "Use local variables": a function's locals are freed when it returns; a
/// global lives until it is deleted.
pub fn local_variables() -> Result<String> {
    let mut py = Heap::new();
    // empty lists on the list free list, as CPython's start-up leaves them
    py.exec(list(vec![list([]); 4]))?;
    py.compile([int(10_000), name("count"), name("rows")])?;
    let rows = || list_comp(name("i"), "i", name("range").call([int(10_000)]));
    py.def(
        "report",
        &[],
        body(move |py| {
            py.comprehension(&rows(), |py, value| py.assign("rows", value))?; // a local
            py.ret(name("len").call([name("rows")]))
        }),
    )?;
    py.tracemalloc().start();
    py.assign("count", name("report").call([]))?;
    let after_function = py.tracemalloc().get_traced_memory().0;
    py.comprehension(&rows(), |py, value| py.assign("rows", value))?; // a global
    let after_global = py.tracemalloc().get_traced_memory().0;
    py.tracemalloc().stop();
    let kib = pyheap::profiler::kib;
    py.print(format!(
        "after report() returned: {} KiB traced",
        kib(after_function)
    ));
    py.print(format!(
        "with a global list:      {} KiB traced",
        kib(after_global)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: local_variables

// ANCHOR: q1_two_mechanisms
/// Q1, "Explain Python's garbage collection": reference counting frees at once; the
/// generational collector frees cycles.
pub fn q1_two_mechanisms() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Item").method(
        "__del__",
        &["self"],
        body(|py| {
            py.print("  an Item is freed");
            Ok(())
        }),
    ))?;
    py.gc_collect(2)?;
    py.print("reference counting: del x");
    py.assign("x", name("Item").call([]))?;
    py.del("x")?;
    py.print("a cycle: del y");
    py.assign("y", name("Item").call([]))?;
    py.assign_attr(name("y"), "me", name("y"))?;
    py.del("y")?;
    py.print("  (still alive)");
    let found = py.gc_collect(2)?;
    py.print(format!("the collector: gc.collect() = {found}"));
    let (t0, t1, t2) = py.gc_get_threshold();
    py.print(format!("thresholds (gen 0, 1, 2): ({t0}, {t1}, {t2})"));
    Ok(py.take_stdout())
}
// ANCHOR_END: q1_two_mechanisms

// ANCHOR: q2_weak_references
/// Q2, "What are weak references?": they do not add to the count, and answer `None` once
/// the object is gone.
pub fn q2_weak_references() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Observer"))?;
    py.assign("obs", name("Observer").call([]))?;
    let before = py.getrefcount(name("obs"))?;
    py.assign("ref", name("ref").call([name("obs")]))?; // ref = weakref.ref(obs)
    let after = py.getrefcount(name("obs"))?;
    py.print(format!(
        "sys.getrefcount(obs): {before} before weakref.ref(obs), {after} after"
    ));
    let same = py.is(name("ref").call([]), name("obs"))?;
    py.print(format!("ref() is obs: {}", py_bool(same)));
    py.del("obs")?;
    let gone = py.is(name("ref").call([]), none())?;
    py.print(format!("after del obs, ref() is None: {}", py_bool(gone)));
    Ok(py.take_stdout())
}
// ANCHOR_END: q2_weak_references

// ANCHOR: q3_slots
/// Q3, "What is `__slots__`?": fixed attributes, no `__dict__`.
pub fn q3_slots() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Point").slots(&["x", "y"]))?;
    py.class(Class::new("PointTwo"))?;
    py.assign("point", name("Point").call([]))?;
    py.assign_attr(name("point"), "x", int(5))?;
    py.assign_attr(name("point"), "y", int(7))?;
    if let Err(e) = py.assign_attr(name("point"), "name", s("something")) {
        py.print(e.to_string());
    }
    let has_dict = py.exec(name("point").attr("__dict__")).is_ok();
    py.print(format!(
        "Point instances have a __dict__: {}",
        py_bool(has_dict)
    ));
    py.assign("point", name("PointTwo").call([]))?;
    py.assign_attr(name("point"), "x", int(5))?;
    py.assign_attr(name("point"), "y", int(5))?;
    py.assign_attr(name("point"), "name", s("Some Name"))?; // fine: PointTwo has a __dict__
    let d = py.repr_of(name("point").attr("__dict__"))?;
    py.print(d);
    Ok(py.take_stdout())
}
// ANCHOR_END: q3_slots

// ANCHOR: q4_debug_leak
/// Q4, "How do you debug memory leaks?": find the survivors, then ask who refers to them.
pub fn q4_debug_leak() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Handler"))?;
    py.assign("registry", dict([]))?;
    py.def(
        "subscribe",
        &["event"],
        body(|py| {
            py.assign("handler", name("Handler").call([]))?;
            // registry[event] = handler: forgotten here, the leak
            py.assign_item(name("registry"), name("event"), name("handler"))?;
            py.ret(name("handler"))
        }),
    )?;
    py.assign("h", name("subscribe").call([s("click")]))?;
    py.del("h")?;
    let mut found = Vec::new();
    for id in py.gc_get_objects(None)? {
        if py.type_name(id)? == "Handler" {
            found.push(id);
        }
    }
    py.print(format!("Handlers still alive: {}", found.len()));
    let leaked = found.pop().ok_or(Error::Value("no Handler found".into()))?;
    py.assign("leaked", obj(leaked))?;
    let holders = py.gc_get_referrers(leaked)?;
    let registry = py.lookup("registry")?;
    py.print(format!(
        "referrers: {}, registry among them: {}",
        holders.len(),
        py_bool(holders.contains(&registry))
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: q4_debug_leak

// ANCHOR: q5_refcount_limits
/// Q5, "Reference counting limitations": a count in every object, counts that move on
/// every call, and cycles it cannot free.
pub fn q5_refcount_limits() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "count_inside",
        &["obj"],
        body(|py| {
            let n = py.getrefcount(name("obj"))?;
            py.ret(int(n as i128))
        }),
    )?;
    py.assign("data", list([]))?;
    let size = py.getsizeof(name("object").call([]))?;
    py.print(format!(
        "every object carries a count: sys.getsizeof(object()) = {size}"
    ));
    let outside = py.getrefcount(name("data"))?;
    let inside = py.int_value(name("count_inside").call([name("data")]))?;
    py.print(format!(
        "sys.getrefcount(data) = {outside}, inside a call = {inside}"
    ));
    py.gc_collect(2)?;
    py.assign("cycle", list([]))?;
    py.exec(name("cycle").method("append", [name("cycle")]))?;
    py.del("cycle")?;
    let found = py.gc_collect(2)?;
    py.print(format!(
        "a list that contains itself, after del: gc.collect() = {found}"
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: q5_refcount_limits

/// A scenario: its name (shared by its snapshot and its python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("do_let_gc_work", do_let_gc_work),
    ("do_weak_cache", do_weak_cache),
    ("do_break_cycles", do_break_cycles),
    ("do_generators", do_generators),
    ("do_slots", do_slots),
    ("do_profile_leak", do_profile_leak),
    ("do_del_in_loops", do_del_in_loops),
    ("do_context_managers", do_context_managers),
    ("dont_rely_on_del", dont_rely_on_del),
    ("dont_class_variables", dont_class_variables),
    ("dont_cycles_without_weakrefs", dont_cycles_without_weakrefs),
    ("model_dont_collect_often", model_dont_collect_often),
    ("local_variables", local_variables),
    ("q1_two_mechanisms", q1_two_mechanisms),
    ("q2_weak_references", q2_weak_references),
    ("q3_slots", q3_slots),
    ("q4_debug_leak", q4_debug_leak),
    ("q5_refcount_limits", q5_refcount_limits),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
