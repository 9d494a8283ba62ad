//! Chapter 3, "Reference cycles": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch03_cycles`. Python twins: `python/ch03_cycles/*.py`. Each twin
//! starts with `gc.collect()` and `gc.disable()`, so that nothing but the scenario's own
//! garbage is found and no automatic collection runs in the middle; the model does the same.

use pyheap::prelude::*;

// ANCHOR: something_table
/// Seed 000's table made concrete: `Something` and `SomethingNew` refer to each other, a
/// list holds the `Something`s; clearing the list leaves each pair with a count of 1.
pub fn something_table() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?; // gc.collect()
    py.gc_disable(); // gc.disable()
    py.class(Class::new("Something").method(
        "__init__",
        &["self"],
        body(|py| {
            // self.something_new = SomethingNew(self)
            let new = name("SomethingNew").call([name("self")]);
            py.assign_attr(name("self"), "something_new", new)
        }),
    ))?;
    py.class(Class::new("SomethingNew").method(
        "__init__",
        &["self", "something"],
        body(|py| py.assign_attr(name("self"), "something", name("something"))),
    ))?;
    py.def(
        "add_something",
        &["collection", "i"],
        body(|py| py.exec(name("collection").method("append", [name("Something").call([])]))),
    )?;
    py.def(
        "clear_memory",
        &["collection"],
        body(|py| py.exec(name("collection").method("clear", []))),
    )?;

    py.assign("collection", list([]))?;
    for i in 0..3 {
        // for i in range(3): add_something(collection, i)
        py.assign("i", int(i))?;
        py.exec(name("add_something").call([name("collection"), name("i")]))?;
    }
    let first = py.id(name("collection").item(int(0)))?;
    let first_new = py.id(name("collection").item(int(0)).attr("something_new"))?;
    let row = |py: &Heap, step: &str| -> Result<String> {
        let a = py.refcount_at(first)?;
        let b = py.refcount_at(first_new)?;
        Ok(format!("{step:<28}{a:>9}{b:>14}"))
    };
    py.print(format!(
        "{:<28}{:>9}{:>14}",
        "step", "Something", "SomethingNew"
    ));
    let line = row(&py, "added to collection")?;
    py.print(line);
    py.exec(name("clear_memory").call([name("collection")]))?;
    let line = row(&py, "collection cleared")?;
    py.print(line);
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let line = row(&py, "after gc.collect()")?;
    py.print(line);
    Ok(py.take_stdout())
}
// ANCHOR_END: something_table

// ANCHOR: breaking_the_cycle
/// Seed 000's advice: point the back-reference at `None` before clearing the list, and
/// reference counting frees every pair on its own.
pub fn breaking_the_cycle() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Something").method(
        "__init__",
        &["self"],
        body(|py| {
            let new = name("SomethingNew").call([name("self")]);
            py.assign_attr(name("self"), "something_new", new)
        }),
    ))?;
    py.class(
        Class::new("SomethingNew")
            .method(
                "__init__",
                &["self", "something"],
                body(|py| py.assign_attr(name("self"), "something", name("something"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    py.print("SomethingNew freed");
                    Ok(())
                }),
            ),
    )?;
    py.assign("collection", list([]))?;
    for i in 0..3 {
        // for i in range(3): collection.append(Something())
        py.assign("i", int(i))?;
        py.exec(name("collection").method("append", [name("Something").call([])]))?;
    }
    for i in 0..3 {
        // for s in collection: s.something_new.something = None
        py.assign("s", name("collection").item(int(i)))?;
        py.assign_attr(name("s").attr("something_new"), "something", none())?;
    }
    py.del("s")?;
    py.print("collection.clear()");
    py.exec(name("collection").method("clear", []))?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: breaking_the_cycle

// ANCHOR: user_purchase_history
/// Seed 001: `User` and `Purchase_History` point at each other; with the collector
/// disabled, dropping `user_1` leaves both alive at a count of 1, until `gc.collect()`.
pub fn user_purchase_history() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("User").method(
        "__init__",
        &["self"],
        body(|py| {
            let ph = name("Purchase_History").call([name("self")]);
            py.assign_attr(name("self"), "purchase_history", ph)?;
            let me = py.hex_id(name("self"))?;
            let other = py.hex_id(name("self").attr("purchase_history"))?;
            py.print(format!("User: self: {me}, Purchase_History:{other}"));
            Ok(())
        }),
    ))?;
    py.class(Class::new("Purchase_History").method(
        "__init__",
        &["self", "user"],
        body(|py| {
            py.assign_attr(name("self"), "user", name("user"))?;
            let me = py.hex_id(name("self"))?;
            let other = py.hex_id(name("self").attr("user"))?;
            py.print(format!("Purchase_History: self: {me}, User: {other}"));
            Ok(())
        }),
    ))?;
    py.assign("user_1", name("User").call([]))?;
    let user_id = py.id(name("user_1"))?;
    let purchase_history_id = py.id(name("user_1").attr("purchase_history"))?;
    // reference_count(address) reads ob_refcnt; obj_availabilty searches gc.get_objects().
    let report = |py: &mut Heap| -> Result<()> {
        let availability = |found: bool| {
            if found {
                "Object exists!"
            } else {
                "Not Found!"
            }
        };
        let u = py.refcount_at(user_id)?;
        let p = py.refcount_at(purchase_history_id)?;
        py.print(format!("reference_count(User) = {u}"));
        py.print(format!("reference_count(Purchase_History) = {p}"));
        let u = availability(py.gc_lists_address(user_id));
        let p = availability(py.gc_lists_address(purchase_history_id));
        py.print(format!("User: {u}"));
        py.print(format!("Purchase_History: {p}"));
        Ok(())
    };
    report(&mut py)?;
    py.picture(
        "ch03_user_bound",
        "user_1 = User(): a cycle with a name on it",
        &[],
    );
    let pair: Vec<ObjId> = [user_id, purchase_history_id]
        .iter()
        .filter_map(|a| py.at_address(*a))
        .collect();
    py.assign("user_1", none())?; // user_1 = None
    py.picture(
        "ch03_user_orphaned",
        "user_1 = None: unreachable, yet each count is 1",
        &pair,
    );
    report(&mut py)?;
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    report(&mut py)?;
    py.gc_enable();
    Ok(py.take_stdout())
}
// ANCHOR_END: user_purchase_history

// ANCHOR: root_left_right
/// Seed 002's three nodes: `root -> left <-> right`. `del root` frees `root` at once
/// (nothing else refers to it); `left` and `right` keep each other at 1.
pub fn root_left_right() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("Node")
            .method(
                "__init__",
                &["self", "value"],
                body(|py| py.assign_attr(name("self"), "value", name("value"))),
            )
            .method(
                "next",
                &["self", "next"],
                body(|py| py.assign_attr(name("self"), "next", name("next"))),
            ),
    )?;
    py.assign("root", name("Node").call([s("root")]))?;
    py.assign("left", name("Node").call([s("left")]))?;
    py.assign("right", name("Node").call([s("right")]))?;
    py.exec(name("root").method("next", [name("left")]))?; // root.next(left)
    py.exec(name("left").method("next", [name("right")]))?; // left.next(right)
    py.exec(name("right").method("next", [name("left")]))?; // right.next(left)
    let root_id = py.id(name("root"))?;
    let left_id = py.id(name("left"))?;
    let right_id = py.id(name("right"))?;
    let count = |py: &Heap, address: u64| -> Result<String> {
        Ok(if py.gc_lists_address(address) {
            py.refcount_at(address)?.to_string()
        } else {
            "freed".to_string()
        })
    };
    let line = |py: &Heap, step: &str| -> Result<String> {
        let (r, l, g) = (
            count(py, root_id)?,
            count(py, left_id)?,
            count(py, right_id)?,
        );
        Ok(format!("{step:<16} root: {r:<6} left: {l:<6} right: {g}"))
    };
    let l = line(&py, "built")?;
    py.print(l);
    py.picture(
        "ch03_nodes_built",
        "root.next(left); left.next(right); right.next(left)",
        &[],
    );
    let pair: Vec<ObjId> = [left_id, right_id]
        .iter()
        .filter_map(|a| py.at_address(*a))
        .collect();
    py.del("root")?;
    let l = line(&py, "del root")?;
    py.print(l);
    py.del("left")?;
    py.del("right")?;
    let l = line(&py, "del left, right")?;
    py.print(l);
    py.picture(
        "ch03_nodes_orphaned",
        "del root, left, right: root is freed, left and right keep each other",
        &pair,
    );
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let l = line(&py, "collected")?;
    py.print(l);
    Ok(py.take_stdout())
}
// ANCHOR_END: root_left_right

// ANCHOR: node_pair
/// Seed 003: two nodes pointing at each other outlive their names; cleared with `None`
/// first, they are freed by reference counting and the collector finds nothing.
pub fn node_pair() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "value"],
        body(|py| {
            py.assign_attr(name("self"), "value", name("value"))?;
            py.assign_attr(name("self"), "next", none())
        }),
    ))?;
    py.assign("node1", name("Node").call([int(1)]))?;
    py.assign("node2", name("Node").call([int(2)]))?;
    py.assign_attr(name("node1"), "next", name("node2"))?;
    py.assign_attr(name("node2"), "next", name("node1"))?; // Circular!
    py.del("node1")?;
    py.del("node2")?;
    let n = py.gc_collect(2)?;
    py.print(format!("cycle left to the collector: gc.collect() = {n}"));

    py.assign("node1", name("Node").call([int(1)]))?;
    py.assign("node2", name("Node").call([int(2)]))?;
    py.assign_attr(name("node1"), "next", name("node2"))?;
    py.assign_attr(name("node2"), "next", name("node1"))?;
    py.assign_attr(name("node1"), "next", none())?; // Break cycle
    py.assign_attr(name("node2"), "next", none())?;
    py.del("node1")?;
    py.del("node2")?;
    let n = py.gc_collect(2)?;
    py.print(format!("cycle broken by hand:        gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: node_pair

// ANCHOR: finalizer_in_a_cycle
/// Seed 004: objects with `__del__` in a cycle. `del` prints nothing; the collector runs
/// both finalizers, then frees the pair.
pub fn finalizer_in_a_cycle() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("MyObj")
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    let text = py.str_of_expr(name("self").attr("name"))?;
                    py.print(text);
                    Ok(())
                }),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let text = py.str_of_expr(name("self").attr("name"))?;
                    py.print(format!("{text} deleted"));
                    Ok(())
                }),
            ),
    )?;
    py.assign("obj1", name("MyObj").call([s("Obj1")]))?;
    py.assign("obj2", name("MyObj").call([s("obj2")]))?;
    py.assign_attr(name("obj1"), "ref", name("obj2"))?;
    py.assign_attr(name("obj2"), "ref", name("obj1"))?;
    py.del("obj1")?;
    py.del("obj2")?;
    py.print("del obj1, obj2: no finalizer has run");
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: finalizer_in_a_cycle

/// A scenario: its name, and the function that runs it and returns what it printed.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("something_table", something_table),
    ("breaking_the_cycle", breaking_the_cycle),
    ("user_purchase_history", user_purchase_history),
    ("root_left_right", root_left_right),
    ("node_pair", node_pair),
    ("finalizer_in_a_cycle", finalizer_in_a_cycle),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
