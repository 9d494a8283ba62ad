//! Chapter 4, "How the collector finds garbage": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch04_collector`. Python twins: `python/ch04_collector/*.py`. The
//! `model_` scenarios print the collector's working state (`gc_refs`, phase by phase),
//! which CPython computes and throws away: they have no python twin.

use pyheap::prelude::*;

// ANCHOR: model_trace_user_purchase
/// Seed 001's pair, traced: one `User`/`Purchase_History` pair unreachable, another
/// reachable only through a list made after it.
pub fn model_trace_user_purchase() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    py.class(Class::new("User").method(
        "__init__",
        &["self"],
        body(|py| {
            let ph = name("Purchase_History").call([name("self")]);
            py.assign_attr(name("self"), "purchase_history", ph)
        }),
    ))?;
    py.class(Class::new("Purchase_History").method(
        "__init__",
        &["self", "user"],
        body(|py| py.assign_attr(name("self"), "user", name("user"))),
    ))?;
    py.gc_collect(2)?; // the classes and functions move to the oldest generation

    py.assign("user_1", name("User").call([]))?;
    py.assign("user_2", name("User").call([]))?;
    py.assign("registry", list([name("user_2")]))?;
    let mut labels: Vec<(ObjId, String)> = Vec::new();
    for (n, who) in [("user_1", "#1"), ("user_2", "#2")] {
        let user = py.lookup(n)?;
        let ph = py.with_value(name(n).attr("purchase_history"), |_, v| v)?;
        labels.push((user, format!("User {who}")));
        labels.push((ph, format!("Purchase_History {who}")));
    }
    labels.push((py.lookup("registry")?, "registry".to_string()));
    py.assign("user_1", none())?; // user_1 = None
    py.del("user_2")?; // del user_2: registry still holds it

    // gc.collect(0), with the model's record of each phase
    let trace = py.gc_collect_pictured(0, "ch04_user_purchase")?;
    // Name each object by its label in the tables.
    let label = |id: ObjId| {
        let found = labels.iter().find(|(l, _)| *l == id);
        found.map_or_else(|| "?".to_string(), |(_, s)| s.clone())
    };
    py.print(trace.render(label));
    py.print(format!("gc.collect(0) = {}", trace.result));
    for (id, l) in &labels {
        if py.is_alive(*id) {
            let generation = py.gc_generation_of(*id)?.unwrap_or(0);
            py.print(format!("{l} survives, now in generation {generation}"));
        }
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_trace_user_purchase

// ANCHOR: model_trace_links
/// The example of CPython's own collector design notes: a ring of three links reachable
/// from `A`, and one link that refers only to itself.
pub fn model_trace_links() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    py.class(Class::new("Link").method(
        "__init__",
        &["self", "next_link"],
        body(|py| py.assign_attr(name("self"), "next_link", name("next_link"))),
    ))?;
    py.gc_collect(2)?;
    py.assign("link_3", name("Link").call([none()]))?;
    py.assign("link_2", name("Link").call([name("link_3")]))?;
    py.assign("link_1", name("Link").call([name("link_2")]))?;
    py.assign_attr(name("link_3"), "next_link", name("link_1"))?;
    py.assign("A", name("link_1"))?;
    let mut labels: Vec<(ObjId, String)> = Vec::new();
    for n in ["link_1", "link_2", "link_3"] {
        labels.push((py.lookup(n)?, n.to_string()));
    }
    py.del("link_1")?;
    py.del("link_2")?;
    py.del("link_3")?;
    py.assign("link_4", name("Link").call([none()]))?;
    py.assign_attr(name("link_4"), "next_link", name("link_4"))?;
    labels.push((py.lookup("link_4")?, "link_4".to_string()));
    py.del("link_4")?;

    let trace = py.gc_collect_traced(0)?;
    // Name each object by its label in the tables.
    let label = |id: ObjId| {
        let found = labels.iter().find(|(l, _)| *l == id);
        found.map_or_else(|| "?".to_string(), |(_, s)| s.clone())
    };
    py.print(trace.render(label));
    py.print(format!("gc.collect(0) = {}", trace.result));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_trace_links

// ANCHOR: what_collect_returns
/// What `gc.collect()` returns for small cycles: one per container object found
/// unreachable, whatever else is freed along with them.
pub fn what_collect_returns() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    let report = |py: &mut Heap, what: &str| -> Result<()> {
        let n = py.gc_collect(2)?;
        py.print(format!("{what:<42}{n:>2}"));
        Ok(())
    };
    // l = []; l.append(l); del l
    py.assign("l", list([]))?;
    py.exec(name("l").method("append", [name("l")]))?;
    py.del("l")?;
    report(&mut py, "a list that contains itself")?;
    // a = []; b = [a]; a.append(b); del a, b
    py.assign("a", list([]))?;
    py.assign("b", list([name("a")]))?;
    py.exec(name("a").method("append", [name("b")]))?;
    py.del("a")?;
    py.del("b")?;
    report(&mut py, "two lists that contain each other")?;
    // d = {}; d['self'] = d; del d
    py.assign("d", dict([]))?;
    py.assign_item(name("d"), s("self"), name("d"))?;
    py.del("d")?;
    report(&mut py, "a dict that contains itself")?;
    // l = []; t = (l,); l.append(t); del l, t
    py.assign("l", list([]))?;
    py.assign("t", tuple([name("l")]))?;
    py.exec(name("l").method("append", [name("t")]))?;
    py.del("l")?;
    py.del("t")?;
    report(&mut py, "a list and a tuple")?;
    // l = [1, 2.5, 'three', (4, 5)]; l.append(l); del l
    py.assign(
        "l",
        list([int(1), float(2.5), s("three"), tuple([int(4), int(5)])]),
    )?;
    py.exec(name("l").method("append", [name("l")]))?;
    py.del("l")?;
    report(&mut py, "a list of atoms that contains itself")?;
    py.class(Class::new("A"))?;
    // x = A(); x.me = x; del x
    py.assign("x", name("A").call([]))?;
    py.assign_attr(name("x"), "me", name("x"))?;
    py.del("x")?;
    report(&mut py, "an instance that refers to itself")?;
    // x = A(); y = A(); x.other = y; y.other = x; del x, y
    py.assign("x", name("A").call([]))?;
    py.assign("y", name("A").call([]))?;
    py.assign_attr(name("x"), "other", name("y"))?;
    py.assign_attr(name("y"), "other", name("x"))?;
    py.del("x")?;
    py.del("y")?;
    report(&mut py, "two instances")?;
    // ... and x.__dict__; y.__dict__ before the del
    py.assign("x", name("A").call([]))?;
    py.assign("y", name("A").call([]))?;
    py.assign_attr(name("x"), "other", name("y"))?;
    py.assign_attr(name("y"), "other", name("x"))?;
    py.exec(name("x").attr("__dict__"))?;
    py.exec(name("y").attr("__dict__"))?;
    py.del("x")?;
    py.del("y")?;
    report(&mut py, "two instances, after asking for __dict__")?;
    // keep = []; keep.append(keep)   (still bound)
    py.assign("keep", list([]))?;
    py.exec(name("keep").method("append", [name("keep")]))?;
    report(&mut py, "a cycle still bound to a global name")?;
    // class B: def f(self): pass;  B.me = B; del B
    py.class(Class::new("B").method("f", &["self"], body(|_| Ok(()))))?;
    py.assign_attr(name("B"), "me", name("B"))?;
    py.del("B")?;
    report(&mut py, "a class with one method")?;
    // class C: pass; gc.collect(); del C
    py.class(Class::new("C"))?;
    py.gc_collect(2)?;
    py.del("C")?;
    report(&mut py, "an empty class that survived a collection")?;
    Ok(py.take_stdout())
}
// ANCHOR_END: what_collect_returns

// ANCHOR: devguide_links
/// The design notes' example in 3.11: `gc.collect()` finds one object, not the two the
/// notes print, until the instance is asked for its `__dict__`.
pub fn devguide_links() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Link").method(
        "__init__",
        &["self", "next_link"],
        body(|py| py.assign_attr(name("self"), "next_link", name("next_link"))),
    ))?;
    py.assign("link_3", name("Link").call([none()]))?;
    py.assign("link_2", name("Link").call([name("link_3")]))?;
    py.assign("link_1", name("Link").call([name("link_2")]))?;
    py.assign_attr(name("link_3"), "next_link", name("link_1"))?;
    py.assign("A", name("link_1"))?;
    py.del("link_1")?;
    py.del("link_2")?;
    py.del("link_3")?;
    py.assign("link_4", name("Link").call([none()]))?;
    py.assign_attr(name("link_4"), "next_link", name("link_4"))?;
    py.del("link_4")?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    py.assign("link_4", name("Link").call([none()]))?;
    py.assign_attr(name("link_4"), "next_link", name("link_4"))?;
    py.exec(name("link_4").attr("__dict__"))?; // link_4.__dict__
    py.del("link_4")?;
    let n = py.gc_collect(2)?;
    py.print(format!(
        "after asking for link_4.__dict__: gc.collect() = {n}"
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: devguide_links

// ANCHOR: older_generation_keeps_alive
/// A young cycle referred to by garbage in an older generation: to a young collection,
/// a reference from outside the generation is as good as a root.
pub fn older_generation_keeps_alive() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.assign("old", list([]))?;
    py.exec(name("old").method("append", [name("old")]))?;
    py.gc_collect(2)?; // old survives: generation 2
    py.assign("young", list([]))?;
    py.exec(name("young").method("append", [name("young")]))?;
    py.exec(name("old").method("append", [name("young")]))?;
    py.del("young")?;
    py.del("old")?; // both cycles are garbage now
    let n0 = py.gc_collect(0)?;
    let n1 = py.gc_collect(1)?;
    let n2 = py.gc_collect(2)?;
    py.print(format!("gc.collect(0) = {n0}"));
    py.print(format!("gc.collect(1) = {n1}"));
    py.print(format!("gc.collect(2) = {n2}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: older_generation_keeps_alive

// ANCHOR: challenges
/// Small cycles to predict before running: the answers to the chapter's challenges.
pub fn challenges() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("A"))?;
    py.gc_collect(2)?;
    py.gc_disable();
    let report = |py: &mut Heap, n: u32| -> Result<()> {
        let found = py.gc_collect(2)?;
        py.print(format!("{n}. gc.collect() = {found}"));
        Ok(())
    };
    // 1. l = []; l.append(l); l.append(l); del l
    py.assign("l", list([]))?;
    py.exec(name("l").method("append", [name("l")]))?;
    py.exec(name("l").method("append", [name("l")]))?;
    py.del("l")?;
    report(&mut py, 1)?;
    // 2. d = {}; t = (d,); l = [t]; d['l'] = l; del d, t, l
    py.assign("d", dict([]))?;
    py.assign("t", tuple([name("d")]))?;
    py.assign("l", list([name("t")]))?;
    py.assign_item(name("d"), s("l"), name("l"))?;
    py.del("d")?;
    py.del("t")?;
    py.del("l")?;
    report(&mut py, 2)?;
    // 3. a = A(); a.d = {'me': a}; del a
    py.assign("a", name("A").call([]))?;
    py.assign_attr(name("a"), "d", dict([(s("me"), name("a"))]))?;
    py.del("a")?;
    report(&mut py, 3)?;
    // 4. def f(): pass; f.me = f; del f
    py.def("f", &[], body(|_| Ok(())))?;
    py.assign_attr(name("f"), "me", name("f"))?;
    py.del("f")?;
    report(&mut py, 4)?;
    // 5. a = []; b = [a]; a.append(b); keep = (b,); del a, b
    py.assign("a", list([]))?;
    py.assign("b", list([name("a")]))?;
    py.exec(name("a").method("append", [name("b")]))?;
    py.assign("keep", tuple([name("b")]))?;
    py.del("a")?;
    py.del("b")?;
    report(&mut py, 5)?;
    Ok(py.take_stdout())
}
// ANCHOR_END: challenges

/// A scenario: its name, and the function that runs it and returns what it printed.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("model_trace_user_purchase", model_trace_user_purchase),
    ("model_trace_links", model_trace_links),
    ("what_collect_returns", what_collect_returns),
    ("devguide_links", devguide_links),
    ("older_generation_keeps_alive", older_generation_keeps_alive),
    ("challenges", challenges),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
