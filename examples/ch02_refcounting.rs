//! Chapter 2, "Reference counting": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch02_refcounting`. Python twins: `python/ch02_refcounting/*.py`.

use pyheap::prelude::*;

// ANCHOR: getrefcount_is_one_more
/// `sys.getrefcount` counts its own argument; reading `ob_refcnt` directly does not.
pub fn getrefcount_is_one_more() -> Result<String> {
    let mut py = Heap::new();
    py.assign("customer_list", list([int(1), int(2), int(3)]))?;
    let n = py.getrefcount(name("customer_list"))?; // sys.getrefcount(customer_list)
    py.print(format!("sys.getrefcount(customer_list) = {n}"));
    let address = py.id(name("customer_list"))?; // address = id(customer_list)
    let raw = py.refcount_at(address)?; // ctypes.c_ssize_t.from_address(address).value
    py.print(format!("reference_count(address) = {raw}"));
    py.assign("dup_customer_list", name("customer_list"))?;
    let raw = py.refcount_at(address)?;
    py.print(format!("after dup_customer_list = customer_list: {raw}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: getrefcount_is_one_more

// ANCHOR: bind_and_del
/// Binding adds a reference, `del` removes one (seeds 003 and 004).
pub fn bind_and_del() -> Result<String> {
    let mut py = Heap::new();
    py.assign("x", list([int(1), int(2), int(3)]))?;
    let n = py.getrefcount(name("x"))?;
    py.print(format!("x = [1, 2, 3]     getrefcount(x) = {n}"));
    py.assign("y", name("x"))?;
    let n = py.getrefcount(name("x"))?;
    py.print(format!("y = x             getrefcount(x) = {n}"));
    py.del("y")?;
    let n = py.getrefcount(name("x"))?;
    py.print(format!("del y             getrefcount(x) = {n}"));
    py.assign("a", list([]))?;
    let n = py.getrefcount(name("a"))?;
    py.print(format!("a = []            getrefcount(a) = {n}"));
    py.assign("holder", list([name("a"), name("a")]))?;
    py.picture(
        "ch02_holder",
        "holder = [a, a]: two more references to a",
        &[],
    );
    let n = py.getrefcount(name("a"))?;
    py.print(format!("holder = [a, a]   getrefcount(a) = {n}"));
    py.exec(name("holder").method("clear", []))?;
    let n = py.getrefcount(name("a"))?;
    py.print(format!("holder.clear()    getrefcount(a) = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: bind_and_del

// ANCHOR: returned_from_function
/// A local that is returned survives the frame; dropping the last name frees it at once.
pub fn returned_from_function() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "create_list",
        &[],
        body(|py| {
            py.assign("temp", list([int(1), int(2), int(3)]))?;
            let n = py.getrefcount(name("temp"))?;
            py.print(format!("inside create_list: getrefcount(temp) = {n}"));
            py.ret(name("temp"))
        }),
    )?;
    py.assign("result", name("create_list").call([]))?;
    let n = py.getrefcount(name("result"))?;
    py.print(format!("result = create_list(): getrefcount(result) = {n}"));
    let address = py.id(name("result"))?;
    py.del("result")?;
    let alive = py.gc_lists_address(address);
    py.print(format!(
        "del result: still listed by gc.get_objects(): {}",
        py_bool(alive)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: returned_from_function

// ANCHOR: constants_hold_references
/// `x = 300; y = 300` in one compilation unit share one constant, held by the code object
/// while the unit runs; in two units they are two objects.
pub fn constants_hold_references() -> Result<String> {
    let mut py = Heap::new();
    py.cell(|py| {
        py.assign("x", int(300))?; // x = 300
        py.assign("y", int(300)) //   y = 300, in the same cell
    })?;
    let same = py.is(name("x"), name("y"))?;
    let n = py.getrefcount(name("x"))?;
    py.print(format!(
        "one cell:  x is y = {}, getrefcount(x) = {n}",
        py_bool(same)
    ));
    py.cell(|py| py.assign("a", int(300)))?; // a cell of its own
    py.cell(|py| py.assign("b", int(300)))?;
    let same = py.is(name("a"), name("b"))?;
    let n = py.getrefcount(name("a"))?;
    py.print(format!(
        "two cells: a is b = {}, getrefcount(a) = {n}",
        py_bool(same)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: constants_hold_references

// ANCHOR: leaving_scope
/// Leaving a function releases its locals in slot order; an object nobody else holds is
/// freed there and then.
pub fn leaving_scope() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("Word")
            .method(
                "__init__",
                &["self", "text"],
                body(|py| py.assign_attr(name("self"), "text", name("text"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let t = py.repr_of(name("self").attr("text"))?;
                    py.print(format!("freed Word({t})"));
                    Ok(())
                }),
            ),
    )?;
    py.def(
        "print_word",
        &[],
        body(|py| {
            py.assign("word", name("Word").call([s("Seven")]))?;
            py.assign("other", name("Word").call([s("Eight")]))?;
            py.print("leaving print_word");
            Ok(())
        }),
    )?;
    py.exec(name("print_word").call([]))?;
    py.print("back at module level");
    Ok(py.take_stdout())
}
// ANCHOR_END: leaving_scope

// ANCHOR: cascade
/// When a container is freed, what it held is released in its type's order: a list from
/// the last item to the first, a tuple too, a dict in insertion order.
pub fn cascade() -> Result<String> {
    let mut py = Heap::new();
    py.class(
        Class::new("N")
            .method(
                "__init__",
                &["self", "n"],
                body(|py| py.assign_attr(name("self"), "n", name("n"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| {
                    let n = py.repr_of(name("self").attr("n"))?;
                    py.print(format!("del {n}"));
                    Ok(())
                }),
            ),
    )?;
    let n = |i: i128| name("N").call([int(i)]);
    py.assign("c", list([n(1), n(2), n(3)]))?;
    py.print("del c  (a list)");
    py.del("c")?;
    py.assign("t", tuple([n(4), n(5)]))?;
    py.print("del t  (a tuple)");
    py.del("t")?;
    py.assign("d", dict([(s("a"), n(6)), (s("b"), n(7))]))?;
    py.print("del d  (a dict)");
    py.del("d")?;
    py.assign("outer", list([list([n(8)]), n(9)]))?;
    py.picture(
        "ch02_outer",
        "outer = [[N(8)], N(9)], before del outer",
        &[],
    );
    py.print("del outer  (a list holding a list)");
    py.del("outer")?;
    Ok(py.take_stdout())
}
// ANCHOR_END: cascade

// ANCHOR: deep_chain
/// A chain 120 nodes long, freed from its head: past 50 nested container deallocations,
/// CPython's trashcan defers the next object and frees it once the nesting has unwound,
/// which shows in the order the leaves go.
pub fn deep_chain() -> Result<String> {
    let mut py = Heap::new();
    py.assign("freed", list([]))?;
    py.class(
        Class::new("Leaf")
            .method(
                "__init__",
                &["self", "n"],
                body(|py| py.assign_attr(name("self"), "n", name("n"))),
            )
            .method(
                "__del__",
                &["self"],
                body(|py| py.exec(name("freed").method("append", [name("self").attr("n")]))),
            ),
    )?;
    py.class(Class::new("Node").method(
        "__init__",
        &["self", "next", "n"],
        body(|py| {
            py.assign_attr(name("self"), "next", name("next"))?;
            py.assign_attr(name("self"), "leaf", name("Leaf").call([name("n")]))
        }),
    ))?;
    py.assign("head", none())?;
    for n in 0..120 {
        py.assign("head", name("Node").call([name("head"), int(n)]))?;
    }
    py.del("head")?;

    // Runs of consecutive numbers, written first..last.
    let count = py.int_value(name("len").call([name("freed")]))?;
    let mut freed = Vec::new();
    for i in 0..count {
        freed.push(py.int_value(name("freed").item(int(i)))?);
    }
    let mut runs = Vec::new();
    let mut i = 0;
    while i < freed.len() {
        let mut j = i;
        let step = freed.get(i + 1).map_or(0, |b| b - freed[i]);
        while step.abs() == 1 && j + 1 < freed.len() && freed[j + 1] - freed[j] == step {
            j += 1;
        }
        runs.push(if j == i {
            freed[i].to_string()
        } else {
            format!("{}..{}", freed[i], freed[j])
        });
        i = j + 1;
    }
    py.print(format!("leaves freed, in order: {}", runs.join(", ")));
    Ok(py.take_stdout())
}
// ANCHOR_END: deep_chain

// ANCHOR: freed_memory
/// After an object is freed, its old address still holds a count of 0, until the memory
/// is reused.
pub fn freed_memory() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?; // gc.collect()
    py.gc_disable(); //   gc.disable(): nothing else may be freed in between
    py.class(Class::new("Thing"))?;
    py.assign("t", name("Thing").call([]))?;
    let address = py.id(name("t"))?;
    py.del("t")?;
    py.assign("u", name("Thing").call([]))?;
    let reused = py.id(name("u"))? == address;

    py.assign("w", name("Thing").call([]))?;
    let address = py.id(name("w"))?;
    let raw = py.refcount_at(address)?; // ctypes.c_ssize_t.from_address(address).value
    let listed = py.gc_lists_address(address);
    py.print(format!(
        "live: reference_count = {raw}, in gc.get_objects(): {}",
        py_bool(listed)
    ));
    py.del("w")?;
    let raw = py.refcount_at(address)?;
    let found = py.gc_lists_address(address);
    py.print(format!(
        "freed: reference_count = {raw}, in gc.get_objects(): {}",
        py_bool(found)
    ));
    py.print(format!(
        "a Thing() made right after del t takes its address: {}",
        py_bool(reused)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: freed_memory

/// A scenario: its name, and the function that runs it and returns what it printed.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("getrefcount_is_one_more", getrefcount_is_one_more),
    ("bind_and_del", bind_and_del),
    ("returned_from_function", returned_from_function),
    ("constants_hold_references", constants_hold_references),
    ("leaving_scope", leaving_scope),
    ("cascade", cascade),
    ("deep_chain", deep_chain),
    ("freed_memory", freed_memory),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
