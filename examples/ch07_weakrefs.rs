//! Chapter 7, "Weak references": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch07_weakrefs`. Python twins: `python/ch07_weakrefs/*.py`. Twins
//! that involve the collector start with `gc.collect()` and `gc.disable()`, as the model
//! does, so only the scenario's own garbage is found.

use pyheap::prelude::*;

// ANCHOR: weakref_basics
/// `weakref.ref(obj)` makes an object that can give `obj` back, without counting as a
/// reference: `obj` is freed when its last strong reference goes, and then `r()` is `None`.
pub fn weakref_basics() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "value"],
        body(|py| py.assign_attr(name("self"), "value", name("value"))),
    ))?;
    py.assign("node", name("Node").call([int(1)]))?;
    let n = py.getrefcount(name("node"))?;
    py.print(format!("sys.getrefcount(node) = {n}"));
    py.assign("r", name("ref").call([name("node")]))?; // r = weakref.ref(node)
    let n = py.getrefcount(name("node"))?;
    py.print(format!(
        "r = weakref.ref(node); sys.getrefcount(node) = {n}"
    ));
    let same = py.is(name("r").call([]), name("node"))?;
    let value = py.str_of_expr(name("r").call([]).attr("value"))?;
    py.print(format!(
        "r() is node: {}, r().value = {value}",
        py_bool(same)
    ));
    let n = py.getweakrefcount(name("node"))?;
    py.print(format!("weakref.getweakrefcount(node) = {n}"));
    let shown = py.repr_of(name("r"))?;
    py.print(format!("r = {shown}"));
    py.picture("ch07_weakref_alive", "r = weakref.ref(node)", &[]);
    py.print("del node");
    py.del("node")?;
    py.picture("ch07_weakref_dead", "del node: r is dead", &[]);
    let target = py.str_of_expr(name("r").call([]))?;
    py.print(format!("r() = {target}"));
    let shown = py.repr_of(name("r"))?;
    py.print(format!("r = {shown}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: weakref_basics

// ANCHOR: callbacks
/// `weakref.ref(obj, callback)`: when `obj` dies, `callback(wr)` is called with the weakref
/// itself, already dead. Refs with callbacks are never shared, and their callbacks run
/// newest first. A weakref that dies before its referent never calls back.
pub fn callbacks() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "value"],
        body(|py| py.assign_attr(name("self"), "value", name("value"))),
    ))?;
    for (callback, r) in [("first", "r1"), ("second", "r2"), ("third", "r3")] {
        py.def(
            callback,
            &["wr"],
            body(move |py| {
                let same = py.is(name("wr"), name(r))?;
                let target = py.str_of_expr(name("wr").call([]))?;
                py.print(format!(
                    "  {callback}(wr): wr is {r}: {}, wr() = {target}",
                    py_bool(same)
                ));
                Ok(())
            }),
        )?;
    }
    py.assign("node", name("Node").call([int(1)]))?;
    py.assign("r1", name("ref").call([name("node"), name("first")]))?;
    py.assign("r2", name("ref").call([name("node"), name("second")]))?;
    py.assign("r3", name("ref").call([name("node"), name("third")]))?;
    py.assign("plain", name("ref").call([name("node")]))?;
    let shared = py.is(name("plain"), name("ref").call([name("node")]))?;
    let distinct = py.is(name("r1"), name("r2"))?;
    py.print(format!(
        "plain is weakref.ref(node): {}, r1 is r2: {}",
        py_bool(shared),
        py_bool(distinct)
    ));
    let n = py.getweakrefcount(name("node"))?;
    py.print(format!("weakref.getweakrefcount(node) = {n}"));
    py.print("del r3");
    py.del("r3")?;
    py.print("del node");
    py.del("node")?;
    py.print("after del node");
    Ok(py.take_stdout())
}
// ANCHOR_END: callbacks

// ANCHOR: node_with_weak
/// Seed 003's `NodeWithWeak`: `next` is a property that stores a weak reference and calls
/// it on the way out. Two nodes pointing at each other are no longer a cycle of strong
/// references, so reference counting frees them and the collector finds nothing.
pub fn node_with_weak() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    // The property's getter and setter, as the methods Python calls for `node.next`.
    py.class(
        Class::new("NodeWithWeak")
            .method(
                "__init__",
                &["self", "value"],
                body(|py| {
                    py.assign_attr(name("self"), "value", name("value"))?;
                    py.assign_attr(name("self"), "_next", none())
                }),
            )
            .method(
                "get_next",
                &["self"],
                // return self._next() if self._next else None
                body(|py| {
                    if py.is(name("self").attr("_next"), none())? {
                        py.ret(none())
                    } else {
                        py.ret(name("self").attr("_next").call([]))
                    }
                }),
            )
            .method(
                "set_next",
                &["self", "node"],
                // self._next = weakref.ref(node) if node else None
                body(|py| {
                    if py.is(name("node"), none())? {
                        py.assign_attr(name("self"), "_next", none())
                    } else {
                        py.assign_attr(name("self"), "_next", name("ref").call([name("node")]))
                    }
                }),
            ),
    )?;
    py.assign("node1", name("NodeWithWeak").call([int(1)]))?;
    py.assign("node2", name("NodeWithWeak").call([int(2)]))?;
    py.exec(name("node1").method("set_next", [name("node2")]))?; // node1.next = node2
    py.exec(name("node2").method("set_next", [name("node1")]))?; // node2.next = node1
    let a = py.str_of_expr(name("node1").method("get_next", []).attr("value"))?;
    let b = py.str_of_expr(name("node2").method("get_next", []).attr("value"))?;
    py.print(format!("node1.next.value = {a}, node2.next.value = {b}"));
    let n = py.getrefcount(name("node1"))?;
    py.print(format!("sys.getrefcount(node1) = {n}"));
    py.del("node1")?;
    let next = py.str_of_expr(name("node2").method("get_next", []))?;
    py.print(format!("del node1: node2.next = {next}"));
    py.del("node2")?;
    let n = py.gc_collect(2)?;
    py.print(format!("del node2: gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: node_with_weak

// ANCHOR: cleared_first
/// Weak references to garbage are cleared before any finalizer runs. Freed by reference
/// counting, an object's `__del__` still sees its own weakref alive; freed by the collector,
/// it sees every weakref into the garbage already dead, while strong references still work.
pub fn cleared_first() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Watched").method(
        "__del__",
        &["self"],
        body(|py| {
            let alive = py.is(name("r").call([]), name("self"))?;
            py.print(format!(
                "  Watched.__del__: r() is self: {}",
                py_bool(alive)
            ));
            Ok(())
        }),
    ))?;
    py.print("freed by reference counting:");
    py.assign("w", name("Watched").call([]))?;
    py.assign("r", name("ref").call([name("w")]))?;
    py.del("w")?;
    py.print("freed by the collector:");
    py.assign("w", name("Watched").call([]))?;
    py.assign_attr(name("w"), "me", name("w"))?;
    py.assign("r", name("ref").call([name("w")]))?;
    py.del("w")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));

    py.class(
        Class::new("Peer")
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
                    let weak = py.str_of_expr(name("self").attr("partner_ref").call([]))?;
                    let strong = py.str_of_expr(name("self").attr("partner").attr("name"))?;
                    py.print(format!(
                        "  {me}.__del__: self.partner_ref() = {weak}, self.partner.name = {strong}"
                    ));
                    Ok(())
                }),
            ),
    )?;
    py.print("a cycle of two peers:");
    py.assign("a", name("Peer").call([s("a")]))?;
    py.assign("b", name("Peer").call([s("b")]))?;
    py.assign_attr(name("a"), "partner", name("b"))?;
    py.assign_attr(name("b"), "partner", name("a"))?;
    py.assign_attr(name("a"), "partner_ref", name("ref").call([name("b")]))?;
    py.assign_attr(name("b"), "partner_ref", name("ref").call([name("a")]))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: cleared_first

// ANCHOR: garbage_weakref
/// A weakref that is itself part of the garbage never calls back: only weakrefs that
/// outlive the garbage do.
pub fn garbage_weakref() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "name"],
        body(|py| py.assign_attr(name("self"), "name", name("name"))),
    ))?;
    for callback in ["on_watch", "on_outside"] {
        py.def(
            callback,
            &["wr"],
            body(move |py| {
                py.print(format!("  {callback}(wr) called"));
                Ok(())
            }),
        )?;
    }
    py.assign("a", name("Node").call([s("a")]))?;
    py.assign("b", name("Node").call([s("b")]))?;
    py.assign_attr(name("a"), "other", name("b"))?;
    py.assign_attr(name("b"), "other", name("a"))?;
    // a.watch is inside the cycle; outside is a global name.
    py.assign_attr(
        name("a"),
        "watch",
        name("ref").call([name("b"), name("on_watch")]),
    )?;
    py.assign("outside", name("ref").call([name("b"), name("on_outside")]))?;
    py.del("a")?;
    py.del("b")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: garbage_weakref

// ANCHOR: weak_cache
/// A cache that does not keep its images alive: `WeakValueDictionary`. An image is shared
/// while someone uses it, and loaded again once nobody does.
pub fn weak_cache() -> Result<String> {
    let mut py = Heap::new();
    py.from_weakref_import(&["WeakValueDictionary"])?;
    py.class(Class::new("Image").method(
        "__init__",
        &["self", "key"],
        body(|py| {
            py.assign_attr(name("self"), "key", name("key"))?;
            let key = py.str_of_expr(name("key"))?;
            py.print(format!("  loading {key}"));
            Ok(())
        }),
    ))?;
    py.assign("cache", name("WeakValueDictionary").call([]))?;
    py.def(
        "load",
        &["key"],
        body(|py| {
            py.assign("image", name("cache").method("get", [name("key")]))?;
            if py.is(name("image"), none())? {
                py.assign("image", name("Image").call([name("key")]))?;
                // cache[key] = image
                py.exec(name("cache").method("__setitem__", [name("key"), name("image")]))?;
            }
            py.ret(name("image"))
        }),
    )?;
    py.assign("a", name("load").call([s("logo.png")]))?;
    py.assign("b", name("load").call([s("logo.png")]))?;
    let same = py.is(name("a"), name("b"))?;
    let len = py.repr_of(name("cache").method("__len__", []))?; // len(cache)
    py.print(format!("a is b: {}, len(cache) = {len}", py_bool(same)));
    let n = py.getrefcount(name("a"))?;
    let w = py.getweakrefcount(name("a"))?;
    py.print(format!(
        "sys.getrefcount(a) = {n}, weakref.getweakrefcount(a) = {w}"
    ));
    py.picture("ch07_cache_in_use", "a, b: one Image, cached weakly", &[]);
    py.print("del a, b");
    py.del("a")?;
    py.del("b")?;
    py.picture("ch07_cache_emptied", "del a, b", &[]);
    let len = py.repr_of(name("cache").method("__len__", []))?;
    let has = py.repr_of(name("cache").method("__contains__", [s("logo.png")]))?;
    py.print(format!("len(cache) = {len}, 'logo.png' in cache: {has}"));
    py.assign("c", name("load").call([s("logo.png")]))?;
    let len = py.repr_of(name("cache").method("__len__", []))?;
    py.print(format!("len(cache) = {len}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: weak_cache

// ANCHOR: cache_and_cycles
/// A cached object in a garbage cycle stays cached until the collector runs. The collector
/// clears the weakref, the cache's callback deletes the entry, and the weakref object that
/// freed is counted in what `gc.collect()` returns.
pub fn cache_and_cycles() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.from_weakref_import(&["WeakValueDictionary"])?;
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "name"],
        body(|py| py.assign_attr(name("self"), "name", name("name"))),
    ))?;
    py.assign("cache", name("WeakValueDictionary").call([]))?;
    py.assign("a", name("Node").call([s("a")]))?;
    py.assign("b", name("Node").call([s("b")]))?;
    py.assign_attr(name("a"), "other", name("b"))?;
    py.assign_attr(name("b"), "other", name("a"))?;
    py.exec(name("cache").method("__setitem__", [s("a"), name("a")]))?; // cache['a'] = a
    py.del("a")?;
    py.del("b")?;
    let len = py.repr_of(name("cache").method("__len__", []))?;
    py.print(format!("del a, b: len(cache) = {len}"));
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let len = py.repr_of(name("cache").method("__len__", []))?;
    py.print(format!("len(cache) = {len}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: cache_and_cycles

// ANCHOR: observers
/// Observers in a `WeakSet`: the subject notifies whoever is still alive, and a listener
/// that is deleted drops out without unsubscribing.
pub fn observers() -> Result<String> {
    let mut py = Heap::new();
    py.from_weakref_import(&["WeakSet"])?;
    py.class(
        Class::new("Listener")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| py.assign_attr(name("self"), "name", name("name"))),
            )
            .method(
                "notify",
                &["self", "event"],
                body(|py| {
                    let me = py.str_of_expr(name("self").attr("name"))?;
                    let event = py.str_of_expr(name("event"))?;
                    py.print(format!("  {me} got {event}"));
                    Ok(())
                }),
            ),
    )?;
    py.assign("observers", name("WeakSet").call([]))?;
    py.assign("a", name("Listener").call([s("a")]))?;
    py.assign("b", name("Listener").call([s("b")]))?;
    py.exec(name("observers").method("add", [name("a")]))?;
    py.exec(name("observers").method("add", [name("b")]))?;
    py.exec(name("observers").method("add", [name("a")]))?;
    let len = py.repr_of(name("observers").method("__len__", []))?;
    py.print(format!("added a, b, a: len(observers) = {len}"));
    py.picture("ch07_observers", "observers.add(a), .add(b), .add(a)", &[]);
    py.del("a")?;
    let len = py.repr_of(name("observers").method("__len__", []))?;
    py.print(format!("del a: len(observers) = {len}"));
    py.picture("ch07_observers_del_a", "del a", &[]);
    py.print("for o in observers: o.notify('saved')");
    py.for_in("o", name("observers"), |py| {
        py.exec(name("o").method("notify", [s("saved")]))?;
        Ok(Flow::Continue)
    })?;
    py.del("o")?;
    py.del("b")?;
    let len = py.repr_of(name("observers").method("__len__", []))?;
    py.print(format!("del o, b: len(observers) = {len}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: observers

// ANCHOR: not_weakrefable
/// Only objects with room for a weakref list can be weakly referenced: not int, str, tuple,
/// list or dict, and not instances of a class whose `__slots__` leave `__weakref__` out.
pub fn not_weakrefable() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Point").slots(&["x", "y"]))?;
    py.class(Class::new("WeakPoint").slots(&["x", "y", "__weakref__"]))?;
    let values = list([
        int(1),
        s("text"),
        tuple([int(1), int(2)]),
        list([int(1), int(2)]),
        dict([]),
        name("Point").call([]),
    ]);
    py.for_in("value", values, |py| {
        match py.exec(name("ref").call([name("value")])) {
            Ok(()) => py.print("ok"),
            Err(e @ Error::Type(_)) => py.print(e.to_string()), // except TypeError as e
            Err(e) => return Err(e),
        }
        Ok(Flow::Continue)
    })?;
    py.assign("r", name("ref").call([name("WeakPoint").call([])]))?;
    let dead = py.is(name("r").call([]), none())?;
    py.print(format!(
        "weakref.ref(WeakPoint()) works; r() is None: {}",
        py_bool(dead)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: not_weakrefable

/// A scenario: its name (shared by its snapshot and python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("weakref_basics", weakref_basics),
    ("callbacks", callbacks),
    ("node_with_weak", node_with_weak),
    ("cleared_first", cleared_first),
    ("garbage_weakref", garbage_weakref),
    ("weak_cache", weak_cache),
    ("cache_and_cycles", cache_and_cycles),
    ("observers", observers),
    ("not_weakrefable", not_weakrefable),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
