//! Chapter 1, "Names, references and objects": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch01_names` prints each scenario's output. The same scenarios are
//! in `python/ch01_names/*.py`; `tests/chapters.rs` locks the outputs in snapshots and
//! compares them with real python3's, line by line.

use pyheap::prelude::*;

// ANCHOR: id_and_hex
/// `id()` is an address; `hex()` shows it in base 16.
pub fn id_and_hex() -> Result<String> {
    let mut py = Heap::new();
    py.assign("user_id", int(12))?; // user_id = 12
    let addr = py.hex_id(name("user_id"))?;
    py.print(format!("user_id:12 at {addr}"));
    py.assign("user_name", s("Mike"))?; // user_name = "Mike"
    let addr = py.hex_id(name("user_name"))?;
    py.print(format!("user_name:Mike at {addr}"));
    // Two names for one object: the same address.
    py.assign("also_mike", name("user_name"))?;
    py.picture(
        "ch01_two_names",
        "also_mike = user_name: two names, one object",
        &[],
    );
    let same = py.is(name("also_mike"), name("user_name"))?;
    py.print(format!("also_mike is user_name: {}", py_bool(same)));
    Ok(py.take_stdout())
}
// ANCHOR_END: id_and_hex

// ANCHOR: mutable_list
/// `append` changes the object in place; `l = l + [4]` makes a new object.
pub fn mutable_list() -> Result<String> {
    let mut py = Heap::new();
    py.assign("my_list", list([int(1), int(2), int(3)]))?;
    let before = py.id(name("my_list"))?;
    py.exec(name("my_list").method("append", [int(4)]))?; // my_list.append(4)
    let after = py.id(name("my_list"))?;
    let shown = py.repr_of(name("my_list"))?;
    py.print(format!(
        "{shown} same id after append: {}",
        py_bool(before == after)
    ));

    py.assign("my_list_1", list([int(1), int(2), int(3)]))?;
    let before = py.id(name("my_list_1"))?;
    py.assign("my_list_1", add(name("my_list_1"), list([int(4)])))?; // my_list_1 = my_list_1 + [4]
    let after = py.id(name("my_list_1"))?;
    let shown = py.repr_of(name("my_list_1"))?;
    py.print(format!(
        "{shown} same id after +: {}",
        py_bool(before == after)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: mutable_list

// ANCHOR: string_argument
/// Rebinding a str parameter inside a function leaves the caller's name alone.
pub fn string_argument() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "greet",
        &["name"],
        body(|py| {
            let before = py.hex_id(name("name"))?;
            py.print(format!("name location before concatenation:{before}"));
            py.assign("name", add(add(s("Hello"), s(" ")), name("name")))?;
            let after = py.hex_id(name("name"))?;
            py.print(format!("name location after concatenation:{after}"));
            py.ret(name("name"))
        }),
    )?;
    py.assign("u_name", s("Steve"))?;
    let at = py.hex_id(name("u_name"))?;
    py.print(format!("u_name is located at {at}"));
    py.assign("greeting", name("greet").call([name("u_name")]))?;
    let g = py.repr_of(name("greeting"))?;
    let u = py.repr_of(name("u_name"))?;
    py.print(format!("greeting: {g}, u_name still: {u}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: string_argument

// ANCHOR: list_argument
/// A list passed to a function is the caller's object: `append` inside is seen outside.
pub fn list_argument() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "list_updater",
        &["container", "value"],
        body(|py| {
            let at = py.hex_id(name("container"))?;
            py.print(format!("container location before update:{at}"));
            if !py.contains(name("value"), name("container"))? {
                py.exec(name("container").method("append", [name("value")]))?;
                let at = py.hex_id(name("container"))?;
                py.print(format!("container location after update:{at}"));
            }
            Ok(())
        }),
    )?;
    py.assign("my_items", list([int(21), int(92), int(43)]))?;
    let at = py.hex_id(name("my_items"))?;
    py.print(format!("my_items is located at:{at}"));
    py.exec(name("list_updater").call([name("my_items"), int(21)]))?;
    py.exec(name("list_updater").call([name("my_items"), int(22)]))?;
    let shown = py.repr_of(name("my_items"))?;
    py.print(shown);
    Ok(py.take_stdout())
}
// ANCHOR_END: list_argument

// ANCHOR: tuple_holding_list
/// A tuple cannot change which objects it holds, but a list inside it can change.
pub fn tuple_holding_list() -> Result<String> {
    let mut py = Heap::new();
    py.assign("my_tuple", tuple([list([int(23), int(91)]), s("Range")]))?;
    let before = py.hex_id(name("my_tuple"))?;
    py.print(format!("my_tuple is located at:{before}"));
    // container[0].append(100)
    py.exec(name("my_tuple").item(int(0)).method("append", [int(100)]))?;
    py.picture("ch01_tuple_holding_list", "my_tuple[0].append(100)", &[]);
    let after = py.hex_id(name("my_tuple"))?;
    let shown = py.repr_of(name("my_tuple"))?;
    py.print(format!("my_tuple is located at:{after}"));
    py.print(shown);
    Ok(py.take_stdout())
}
// ANCHOR_END: tuple_holding_list

// ANCHOR: is_versus_eq
/// `is` compares identity, `==` compares values.
pub fn is_versus_eq() -> Result<String> {
    let mut py = Heap::new();
    py.assign("unit", int(10))?;
    py.assign("customer_id", int(10))?;
    let same = py.is(name("unit"), name("customer_id"))?;
    py.print(format!("unit is customer_id: {}", py_bool(same)));
    py.assign("user_ids", list([int(1), int(2), int(3)]))?;
    py.assign("data_rows", list([int(1), int(2), int(3)]))?;
    let same = py.is(name("user_ids"), name("data_rows"))?;
    let equal = py.eq(name("user_ids"), name("data_rows"))?;
    py.print(format!("user_ids is data_rows: {}", py_bool(same)));
    py.print(format!("user_ids == data_rows: {}", py_bool(equal)));
    py.assign("c", name("user_ids"))?;
    let same = py.is(name("user_ids"), name("c"))?;
    py.print(format!("user_ids is c: {}", py_bool(same)));
    py.assign("row_no", int(90))?;
    py.assign("age", float(90.0))?;
    let same = py.is(name("row_no"), name("age"))?;
    let equal = py.eq(name("row_no"), name("age"))?;
    py.print(format!(
        "row_no is age: {}, row_no == age: {}",
        py_bool(same),
        py_bool(equal)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: is_versus_eq

// ANCHOR: id_reuse
/// A freed object's address is handed to the next object of the same size.
pub fn id_reuse() -> Result<String> {
    let mut py = Heap::new();
    py.assign("a", list([int(1)]))?;
    let first = py.id(name("a"))?;
    py.del("a")?;
    py.assign("b", list([int(2)]))?;
    let second = py.id(name("b"))?;
    py.print(format!(
        "new list reuses the freed list's id: {}",
        py_bool(first == second)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: id_reuse

/// A scenario: its name, and the function that runs it and returns what it printed.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("id_and_hex", id_and_hex),
    ("mutable_list", mutable_list),
    ("string_argument", string_argument),
    ("list_argument", list_argument),
    ("tuple_holding_list", tuple_holding_list),
    ("is_versus_eq", is_versus_eq),
    ("id_reuse", id_reuse),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
