//! Chapter 11, "`__slots__`": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch11_slots` prints each scenario's output. The same scenarios are in
//! `python/ch11_slots/*.py`; `tests/ch11_slots.rs` locks the outputs in snapshots and
//! compares them with real python3's, line by line (`model_` scenarios show the model's
//! internals and have no twin). A model `Error` prints as the last line of Python's
//! traceback, `AttributeError: 'Point' object has no attribute 'name'`.

use pyheap::prelude::*;

// ANCHOR: point_slots
/// Seed 002's `Point`: two slots, no `__dict__`, no other attributes.
pub fn point_slots() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Point").slots(&["x", "y"]))?; // __slots__ = ('x', 'y')
    py.assign("point", name("Point").call([]))?;
    py.assign_attr(name("point"), "x", int(5))?;
    py.assign_attr(name("point"), "y", int(5))?;
    let x = py.repr_of(name("point").attr("x"))?;
    let y = py.repr_of(name("point").attr("y"))?;
    py.print(format!("point.x = {x}, point.y = {y}"));
    if let Err(e) = py.assign_attr(name("point"), "name", s("A name")) {
        py.print(format!("point.name = 'A name' -> {e}"));
    }
    if let Err(e) = py.exec(name("point").attr("__dict__")) {
        py.print(format!("point.__dict__ -> {e}"));
    }
    py.assign("other", name("Point").call([]))?;
    if let Err(e) = py.exec(name("other").attr("x")) {
        py.print(format!("Point().x -> {e}"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: point_slots

// ANCHOR: point_two_dict
/// Seed 002's `PointTwo`: no `__slots__`, so any attribute goes, and `__dict__` shows them.
pub fn point_two_dict() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("PointTwo"))?;
    py.assign("point", name("PointTwo").call([]))?;
    py.assign_attr(name("point"), "x", int(5))?;
    py.assign_attr(name("point"), "y", int(5))?;
    py.assign_attr(name("point"), "name", s("Some Name"))?; // no AttributeError
    let shown = py.repr_of(name("point").attr("__dict__"))?;
    py.print(shown);
    py.assign_item(name("point").attr("__dict__"), s("z"), int(9))?;
    let z = py.repr_of(name("point").attr("z"))?;
    py.print(format!("point.z = {z}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: point_two_dict

// ANCHOR: regular_vs_slotted
/// Seed 003's comparison, as the seed writes it.
pub fn regular_vs_slotted() -> Result<String> {
    let mut py = Heap::new();
    let init = body(|py| {
        py.assign_attr(name("self"), "x", name("x"))?; // self.x = x
        py.assign_attr(name("self"), "y", name("y")) //   self.y = y
    });
    let params = &["self", "x", "y"];
    py.class(Class::new("RegularClass").method("__init__", params, init.clone()))?;
    py.class(
        Class::new("SlottedClass")
            .slots(&["x", "y"])
            .method("__init__", params, init),
    )?;
    py.assign("regular", name("RegularClass").call([int(1), int(2)]))?;
    py.assign("slotted", name("SlottedClass").call([int(1), int(2)]))?;
    let object = py.getsizeof(name("regular"))?;
    let dict = py.getsizeof(name("regular").attr("__dict__"))?;
    py.print(format!("Regular: {} bytes", object + dict));
    let slotted = py.getsizeof(name("slotted"))?;
    py.print(format!("Slotted: {slotted} bytes"));
    py.print(format!("sys.getsizeof(regular) = {object}"));
    py.print(format!("sys.getsizeof(regular.__dict__) = {dict}"));
    py.picture("ch11_regular_vs_slotted", "after the sums", &[]);
    Ok(py.take_stdout())
}
// ANCHOR_END: regular_vs_slotted

// ANCHOR: what_the_sum_misses
/// What `RegularClass(1, 2)` really allocated, before anybody asked for `__dict__`.
pub fn what_the_sum_misses() -> Result<String> {
    let mut py = Heap::new();
    let init = body(|py| {
        py.assign_attr(name("self"), "x", name("x"))?; // self.x = x
        py.assign_attr(name("self"), "y", name("y")) //   self.y = y
    });
    let params = &["self", "x", "y"];
    py.class(Class::new("RegularClass").method("__init__", params, init.clone()))?;
    py.class(
        Class::new("SlottedClass")
            .slots(&["x", "y"])
            .method("__init__", params, init),
    )?;
    py.assign("regular", none())?;
    py.tracemalloc().start();
    py.assign("regular", name("RegularClass").call([int(1), int(2)]))?;
    let (allocated, _) = py.tracemalloc().get_traced_memory();
    py.tracemalloc().stop();
    let object = py.getsizeof(name("regular"))?;
    py.print(format!(
        "RegularClass(1, 2): sys.getsizeof says {object}, tracemalloc saw {allocated}"
    ));
    py.assign("d", name("regular").attr("__dict__"))?;
    let dict = py.getsizeof(name("d"))?;
    py.print(format!("regular.__dict__ now exists: {dict} bytes"));
    Ok(py.take_stdout())
}
// ANCHOR_END: what_the_sum_misses

// ANCHOR: model_instance_blocks
/// The allocations behind each instance, as the model's allocator sees them.
pub fn model_instance_blocks() -> Result<String> {
    let mut py = Heap::new();
    let init = body(|py| {
        py.assign_attr(name("self"), "x", name("x"))?; // self.x = x
        py.assign_attr(name("self"), "y", name("y")) //   self.y = y
    });
    let params = &["self", "x", "y"];
    py.class(Class::new("RegularClass").method("__init__", params, init.clone()))?;
    py.class(
        Class::new("SlottedClass")
            .slots(&["x", "y"])
            .method("__init__", params, init),
    )?;
    py.assign("regular", name("RegularClass").call([int(1), int(2)]))?;
    py.assign("slotted", name("SlottedClass").call([int(1), int(2)]))?;
    let show = |py: &mut Heap, label: &str, e: Expr| -> Result<()> {
        let blocks = py.blocks_of_value(e)?;
        let parts: Vec<String> = blocks
            .iter()
            .map(|b| format!("{} {}", b.what, b.request))
            .collect();
        py.print(format!("{label:<17} {}", parts.join(" + ")));
        Ok(())
    };
    show(&mut py, "regular", name("regular"))?;
    show(&mut py, "slotted", name("slotted"))?;
    py.assign("d", name("regular").attr("__dict__"))?;
    py.print("after d = regular.__dict__:");
    show(&mut py, "regular", name("regular"))?;
    show(&mut py, "regular.__dict__", name("d"))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: model_instance_blocks

// ANCHOR: many_instances
/// What each new instance costs, as tracemalloc measures it.
pub fn many_instances() -> Result<String> {
    let mut py = Heap::new();
    let init = body(|py| {
        py.assign_attr(name("self"), "x", name("x"))?; // self.x = x
        py.assign_attr(name("self"), "y", name("y")) //   self.y = y
    });
    let params = &["self", "x", "y"];
    py.class(Class::new("RegularClass").method("__init__", params, init.clone()))?;
    py.class(
        Class::new("SlottedClass")
            .slots(&["x", "y"])
            .method("__init__", params, init),
    )?;
    py.assign("kept", list([]))?;
    py.assign("obj", none())?;
    for n in 1..=32 {
        let mut cost = |class: &str| -> Result<usize> {
            py.tracemalloc().start();
            py.assign("obj", name(class).call([int(1), int(2)]))?;
            let (size, _) = py.tracemalloc().get_traced_memory();
            py.tracemalloc().stop();
            py.exec(name("kept").method("append", [name("obj")]))?;
            Ok(size)
        };
        let regular = cost("RegularClass")?;
        let slotted = cost("SlottedClass")?;
        if n <= 3 || n >= 26 {
            py.print(format!(
                "instance {n:2}: RegularClass {regular} bytes, SlottedClass {slotted} bytes"
            ));
        }
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: many_instances

// ANCHOR: weakref_slots
/// Slotted instances take no weak references unless `'__weakref__'` is a slot.
pub fn weakref_slots() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Slotted").slots(&["x", "y"]))?;
    py.class(Class::new("SlottedWeak").slots(&["x", "y", "__weakref__"]))?;
    let weak = |target: Expr| name("ref").call([target]); // weakref.ref(target)
    if let Err(e) = py.exec(weak(name("Slotted").call([]))) {
        py.print(format!("weakref.ref(Slotted()) -> {e}"));
    }
    py.assign("target", name("SlottedWeak").call([]))?;
    py.assign("r", weak(name("target")))?;
    let works = py.is(name("r").call([]), name("target"))?;
    py.print(format!(
        "weakref.ref(SlottedWeak()) works: {}",
        py_bool(works)
    ));
    let plain = py.getsizeof(name("Slotted").call([]))?;
    py.print(format!("sys.getsizeof(Slotted()) = {plain}"));
    let weakable = py.getsizeof(name("SlottedWeak").call([]))?;
    py.print(format!("sys.getsizeof(SlottedWeak()) = {weakable}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: weakref_slots

/// A scenario's name (shared by its snapshot and python twin) and function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("point_slots", point_slots),
    ("point_two_dict", point_two_dict),
    ("regular_vs_slotted", regular_vs_slotted),
    ("what_the_sum_misses", what_the_sum_misses),
    ("model_instance_blocks", model_instance_blocks),
    ("many_instances", many_instances),
    ("weakref_slots", weakref_slots),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
