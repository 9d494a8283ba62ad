//! Chapter 10, "How big is an object?": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch10_sizes` prints each scenario's output. The same scenarios are in
//! `python/ch10_sizes/*.py`; `tests/ch10_sizes.rs` locks the outputs in snapshots and
//! compares them with real python3's, line by line (`model_` scenarios show the model's
//! internals and have no twin).

use pyheap::layout::{self as c, DictShape, StrKind};
use pyheap::prelude::*;
use pyheap::profiler::thousands;

// ANCHOR: by_type
/// `sys.getsizeof` of one value of each everyday type.
pub fn by_type() -> Result<String> {
    let mut py = Heap::new();
    let values = [
        ("None", none()),
        ("True", boolean(true)),
        ("1", int(1)),
        ("1000", int(1000)),
        ("2 ** 30", int(1 << 30)),
        ("2 ** 60", int(1 << 60)),
        ("1.5", float(1.5)),
        ("''", s("")),
        ("'a'", s("a")),
        ("'hello'", s("hello")),
        ("'é'", s("é")),
        ("'€'", s("€")),
        ("()", tuple([])),
        ("(1, 2, 3)", tuple([int(1), int(2), int(3)])),
        ("[]", list([])),
        ("[1, 2, 3]", list([int(1), int(2), int(3)])),
        ("{}", dict([])),
        ("{'a': 1}", dict([(s("a"), int(1))])),
        ("set()", name("set").call([])),
        ("{1, 2, 3}", set([int(1), int(2), int(3)])),
        ("range(10)", name("range").call([int(10)])),
        ("object()", name("object").call([])),
    ];
    for (source, value) in values {
        let size = py.getsizeof(value)?;
        py.print(format!("sys.getsizeof({source}) = {size}"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: by_type

// ANCHOR: model_layouts
/// Each size as the sum of the C struct fields it is made of (constants from
/// `pyheap::layout`), checked against the model's `sys.getsizeof` of the same value.
pub fn model_layouts() -> Result<String> {
    let mut py = Heap::new();
    let head = c::PY_OBJECT_HEAD; // ob_refcnt + ob_type
    let var_head = c::PY_VAR_OBJECT_HEAD; // ... + ob_size
    let gc = c::PY_GC_HEAD; // the collector's two links, in front of the object
    let keys_8 = c::PY_DICT_KEYS_OBJECT + 8 + c::usable_fraction(8) * c::PY_DICT_UNICODE_ENTRY;
    type Row = (&'static str, Expr, Vec<(&'static str, usize)>); // source, value, fields
    let rows: Vec<Row> = vec![
        ("None", none(), vec![("PyObject_HEAD", head)]),
        (
            "1000",
            int(1000),
            vec![("PyObject_VAR_HEAD", var_head), ("1 digit", c::DIGIT)],
        ),
        (
            "2 ** 30",
            int(1 << 30),
            vec![("PyObject_VAR_HEAD", var_head), ("2 digits", 2 * c::DIGIT)],
        ),
        (
            "1.5",
            float(1.5),
            vec![("PyObject_HEAD", head), ("double", c::DOUBLE)],
        ),
        (
            "'hello'",
            s("hello"),
            vec![("PyASCIIObject", c::PY_ASCII_OBJECT), ("5 chars + NUL", 6)],
        ),
        (
            "'é'",
            s("é"),
            vec![
                ("PyCompactUnicodeObject", StrKind::Latin1.header()),
                ("1 char + NUL", 2),
            ],
        ),
        (
            "'€'",
            s("€"),
            vec![
                ("PyCompactUnicodeObject", StrKind::Ucs2.header()),
                ("(1 char + NUL) x 2", 4),
            ],
        ),
        (
            "(1, 2, 3)",
            tuple([int(1), int(2), int(3)]),
            vec![
                ("GC", gc),
                ("PyObject_VAR_HEAD", var_head),
                ("3 pointers", 3 * c::PTR),
            ],
        ),
        (
            "[1, 2, 3]",
            list([int(1), int(2), int(3)]),
            vec![
                ("GC", gc),
                ("PyListObject", c::PY_LIST_OBJECT),
                ("4 slots", 4 * c::PTR),
            ],
        ),
        (
            "{}",
            dict([]),
            vec![("GC", gc), ("PyDictObject", c::PY_DICT_OBJECT)],
        ),
        (
            "{'a': 1}",
            dict([(s("a"), int(1))]),
            vec![
                ("GC", gc),
                ("PyDictObject", c::PY_DICT_OBJECT),
                ("8-slot keys", keys_8),
            ],
        ),
        (
            "set()",
            name("set").call([]),
            vec![("GC", gc), ("PySetObject", c::PY_SET_OBJECT)],
        ),
        (
            "range(10)",
            name("range").call([int(10)]),
            vec![("PyObject_HEAD", head), ("4 pointers", 4 * c::PTR)],
        ),
    ];
    for (source, value, parts) in rows {
        let total: usize = parts.iter().map(|(_, n)| n).sum();
        let size = py.getsizeof(value)?;
        if size != total {
            return Err(Error::NotModeled(format!(
                "{source}: {total} by layout, {size} by getsizeof"
            )));
        }
        let sum: Vec<String> = parts
            .iter()
            .map(|(what, n)| format!("{what} {n}"))
            .collect();
        py.print(format!("{source:<10} {} = {total}", sum.join(" + ")));
    }
    let dict_keys = DictShape::fresh(c::PY_DICT_LOG_MINSIZE, true).owned_keys_bytes();
    py.print(format!(
        "8-slot keys: header {} + 8 one-byte indices + {} entries x {} = {dict_keys}",
        c::PY_DICT_KEYS_OBJECT,
        c::usable_fraction(8),
        c::PY_DICT_UNICODE_ENTRY
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_layouts

// ANCHOR: dict_vs_tuple
/// Seed 002: "dict: 232 bytes, tuple: 40 bytes, in my installation".
pub fn dict_vs_tuple() -> Result<String> {
    let mut py = Heap::new();
    let d = py.getsizeof(name("dict").call([]))?;
    py.print(format!("dict():  {d} bytes"));
    let t = py.getsizeof(name("tuple").call([]))?;
    py.print(format!("tuple(): {t} bytes"));
    py.assign("point_dict", dict([(s("x"), int(5)), (s("y"), int(7))]))?;
    py.assign("point_tuple", tuple([int(5), int(7)]))?;
    for point in ["point_dict", "point_tuple"] {
        let shown = py.repr_of(name(point))?;
        let size = py.getsizeof(name(point))?;
        py.print(format!("{shown}: {size} bytes"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: dict_vs_tuple

// ANCHOR: list_growth
/// `sys.getsizeof` of a list while appending: it grows in steps, ahead of its length.
pub fn list_growth() -> Result<String> {
    let mut py = Heap::new();
    py.assign("lst", list([]))?;
    let empty = py.getsizeof(name("lst"))?;
    let mut previous = empty;
    py.print(format!("len   0: {empty:4} bytes, room for  0"));
    for i in 0..100 {
        py.exec(name("lst").method("append", [int(i)]))?; // lst.append(i)
        let size = py.getsizeof(name("lst"))?;
        if size != previous {
            let slots = (size - empty) / 8;
            py.print(format!(
                "len {:3}: {size:4} bytes, room for {slots:2}",
                i + 1
            ));
            previous = size;
        }
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: list_growth

// ANCHOR: five_lists
/// Five lists of five items, five sizes: what built the list decides.
pub fn five_lists() -> Result<String> {
    let mut py = Heap::new();
    py.assign("literal", list((1..=5).map(int)))?;
    py.assign(
        "from_range",
        name("list").call([name("range").call([int(5)])]),
    )?;
    let comp = list_comp(name("i"), "i", name("range").call([int(5)]));
    py.comprehension(&comp, |py, value| py.assign("comprehension", value))?;
    py.assign("appended", list([]))?;
    for i in 0..5 {
        py.exec(name("appended").method("append", [int(i)]))?;
    }
    py.assign("repeated", mul(list([int(0)]), int(5)))?;
    let rows = [
        ("[1, 2, 3, 4, 5]", "literal"),
        ("list(range(5))", "from_range"),
        ("[i for i in range(5)]", "comprehension"),
        ("5 x append", "appended"),
        ("[0] * 5", "repeated"),
    ];
    for (source, variable) in rows {
        let size = py.getsizeof(name(variable))?;
        py.print(format!("{source:<22} {size}"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: five_lists

// ANCHOR: array_vs_list
/// Seed 003: a million ints in a list, and in an `array('i')`.
pub fn array_vs_list() -> Result<String> {
    let mut py = Heap::new();
    let mb = |bytes: usize| bytes as f64 / 1024.0 / 1024.0;
    let numbers = list_comp(name("i"), "i", name("range").call([int(1_000_000)]));
    py.comprehension(&numbers, |py, value| py.assign("int_list", value))?;
    let list_size = py.getsizeof(name("int_list"))?;
    py.print(format!("List: {:.2} MB", mb(list_size)));

    let million = name("range").call([int(1_000_000)]);
    py.assign("int_array", name("array").call([s("i"), million]))?;
    let array_size = py.getsizeof(name("int_array"))?;
    py.print(format!("Array: {:.2} MB", mb(array_size)));

    let n = py.int_value(name("len").call([name("int_list")]))?;
    py.print(format!(
        "int_list:  {} bytes, {} pointers",
        thousands(list_size as i128),
        thousands(n)
    ));
    let mut ints = 0;
    py.for_in("i", name("int_list"), |py| {
        ints += py.getsizeof(name("i"))?; // ints += sys.getsizeof(i)
        Ok(Flow::Continue)
    })?;
    py.print(format!("its ints:  {} bytes more", thousands(ints as i128)));
    py.print(format!(
        "int_array: {} bytes, values included",
        thousands(array_size as i128)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: array_vs_list

// ANCHOR: generator_vs_list
/// Seed 003: the list a function returns, and the generator another returns.
pub fn generator_vs_list() -> Result<String> {
    let mut py = Heap::new();
    py.def(
        "get_numbers_list",
        &["n"],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([name("n")]));
            py.comprehension(&numbers, |py, value| py.ret(value)) // return [i for i in range(n)]
        }),
    )?;
    py.def_generator("get_numbers_gen", &["n"])?; // for i in range(n): yield i

    py.assign("list_obj", name("get_numbers_list").call([int(1_000_000)]))?;
    let list_size = py.getsizeof(name("list_obj"))?;
    py.print(format!(
        "List size: {:.2} MB",
        list_size as f64 / 1024.0 / 1024.0
    ));

    py.assign("gen_obj", name("get_numbers_gen").call([int(1_000_000)]))?;
    let gen_size = py.getsizeof(name("gen_obj"))?;
    py.print(format!("Generator size: {gen_size} bytes"));

    py.print(format!("list_obj: {} bytes", thousands(list_size as i128)));
    let small = py.getsizeof(name("get_numbers_gen").call([int(10)]))?;
    py.print(format!("get_numbers_gen(10): {small} bytes"));
    Ok(py.take_stdout())
}
// ANCHOR_END: generator_vs_list

// ANCHOR: shallow_vs_deep
/// `sys.getsizeof` counts one object; a deep size follows its references.
pub fn shallow_vs_deep() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Point").method(
        "__init__",
        &["self", "x", "y"],
        body(|py| {
            py.assign_attr(name("self"), "x", name("x"))?;
            py.assign_attr(name("self"), "y", name("y"))
        }),
    ))?;
    py.assign("names", list([s("alice"), s("bob"), s("carol")]))?;
    let row = |a: i128| list([int(a), int(a + 1), int(a + 2)]);
    py.assign("matrix", list([row(1), row(4)]))?;
    let scores = list([int(90), int(85), int(77)]);
    py.assign(
        "record",
        dict([(s("name"), s("alice")), (s("scores"), scores)]),
    )?;
    py.assign("p", name("Point").call([float(1.5), float(2.5)]))?;
    for label in ["names", "matrix", "record", "p"] {
        let shallow = py.getsizeof(name(label))?;
        let deep = py.deep_sizeof_of(name(label))?;
        py.print(format!("{label:<7} shallow {shallow:4}  deep {deep:4}"));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: shallow_vs_deep

/// A scenario's name (shared by its snapshot and python twin) and function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("by_type", by_type),
    ("model_layouts", model_layouts),
    ("dict_vs_tuple", dict_vs_tuple),
    ("list_growth", list_growth),
    ("five_lists", five_lists),
    ("array_vs_list", array_vs_list),
    ("generator_vs_list", generator_vs_list),
    ("shallow_vs_deep", shallow_vs_deep),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
