//! Misuse of the library returns a typed error that names what went wrong, never a panic,
//! and leaves the heap consistent (checked by the reference model after every error).

#[allow(dead_code)] // each test uses part of the model
mod reference_model;

use pyheap::prelude::*;
use pyheap::Error;

fn heap() -> Heap {
    let mut py = Heap::new();
    py.class(Class::new("Point").slots(&["x", "y"])).unwrap();
    py.class(Class::new("Plain")).unwrap();
    py.assign("p", name("Point").call([])).unwrap();
    py.assign("l", list([int(1), int(2)])).unwrap();
    py.assign("big", int(1 << 100)).unwrap();
    py
}

/// Each case: a description, the step, and a check of the error it must give.
type Case = (
    &'static str,
    fn(&mut Heap) -> Result<()>,
    fn(&Error) -> bool,
);

const CASES: &[Case] = &[
    (
        "unknown name",
        |py| py.assign("x", name("nope")),
        |e| matches!(e, Error::UnknownName(n) if n == "nope"),
    ),
    (
        "del of an unbound name",
        |py| py.del("nope"),
        |e| matches!(e, Error::UnknownName(_)),
    ),
    (
        "slotted class, new attribute",
        |py| py.assign_attr(name("p"), "name", s("A name")),
        |e| e.to_string() == "AttributeError: 'Point' object has no attribute 'name'",
    ),
    (
        "slotted class, no __dict__",
        |py| py.exec(name("p").attr("__dict__")),
        |e| matches!(e, Error::NoAttribute { attr, .. } if attr == "__dict__"),
    ),
    (
        "item assignment through a class's __dict__ (a mappingproxy)",
        |py| py.assign_item(name("Plain").attr("__dict__"), s("x"), int(1)),
        |e| e.to_string() == "TypeError: 'mappingproxy' object does not support item assignment",
    ),
    (
        "a dict view from a class's __dict__",
        |py| py.assign("k", name("Plain").attr("__dict__").method("keys", [])),
        |e| matches!(e, Error::NotModeled(m) if m.contains("views")),
    ),
    (
        "a dict's keys() (views are not modeled)",
        |py| py.assign("k", dict([(s("a"), int(1))]).method("keys", [])),
        |e| matches!(e, Error::NotModeled(m) if m.contains("views")),
    ),
    (
        "unset slot",
        |py| py.exec(name("p").attr("x")),
        |e| matches!(e, Error::NoAttribute { .. }),
    ),
    (
        "a str repeated beyond the model's memory",
        |py| py.assign("x", mul(s("ab"), int(1 << 40))),
        |e| matches!(e, Error::NotModeled(m) if m.contains("the model stops at")),
    ),
    (
        "a list repeated beyond the model's memory",
        |py| py.assign("x", mul(name("l"), int(1 << 40))),
        |e| matches!(e, Error::NotModeled(m) if m.contains("the model stops at")),
    ),
    (
        "a repeat count beyond Py_ssize_t",
        |py| py.assign("x", mul(s("ab"), int(1 << 70))),
        |e| matches!(e, Error::Overflow(_)),
    ),
    (
        "a range too long to be made a list",
        |py| py.assign("x", name("list").call([name("range").call([int(1 << 40)])])),
        |e| matches!(e, Error::NotModeled(m) if m.contains("the model stops at")),
    ),
    (
        // CPython fails at the 129th item, long before memory would run out.
        "an array filled from a long range beyond its item type",
        |py| {
            py.assign(
                "x",
                name("array").call([s("b"), name("range").call([int(1 << 40)])]),
            )
        },
        |e| e.to_string() == "OverflowError: signed char is greater than maximum",
    ),
    (
        "dict() of a sequence whose second element is not a pair",
        |py| {
            py.assign(
                "x",
                name("dict").call([list([tuple([int(1), int(2)]), tuple([int(3)])])]),
            )
        },
        |e| {
            e.to_string()
                == "ValueError: dictionary update sequence element #1 has length 1; 2 is required"
        },
    ),
    (
        "len() of a range beyond Py_ssize_t",
        |py| {
            py.assign(
                "x",
                name("len").call([name("range").call([int(-(1 << 126)), int(1 << 126)])]),
            )
        },
        |e| matches!(e, Error::Overflow(_)),
    ),
    (
        "an int beyond 128 bits",
        |py| py.assign("x", mul(name("big"), name("big"))),
        |e| matches!(e, Error::NotModeled(m) if m.contains("128 bits")),
    ),
    (
        "bad generation",
        |py| py.gc_collect(3).map(|_| ()),
        |e| matches!(e, Error::Value(_)),
    ),
    (
        // python3: gc.set_threshold(2**31) parses an "i".
        "a threshold beyond a C int",
        |py| py.gc_set_threshold(&[1 << 31]),
        |e| e.to_string() == "OverflowError: signed integer is greater than maximum",
    ),
    (
        "get_objects of a bad generation",
        |py| py.gc_get_objects(Some(5)).map(|_| ()),
        |e| matches!(e, Error::Value(_)),
    ),
    (
        "weakref to an int",
        |py| py.assign("w", name("ref").call([int(5)])),
        |e| {
            e.to_string()
                .contains("cannot create weak reference to 'int' object")
        },
    ),
    (
        "weakref to a slotted instance",
        |py| py.assign("w", name("ref").call([name("p")])),
        |e| matches!(e, Error::Type(_)),
    ),
    (
        "calling a list",
        |py| py.exec(name("l").call([])),
        |e| e.to_string().contains("not callable"),
    ),
    (
        "too many arguments",
        |py| py.exec(name("Plain").call([int(1)])),
        |e| matches!(e, Error::Type(_)),
    ),
    (
        "index out of range",
        |py| py.exec(name("l").item(int(5))),
        |e| matches!(e, Error::Lookup(_)),
    ),
    (
        "unhashable dict key",
        |py| py.assign("d", dict([(list([]), int(1))])),
        |e| e.to_string().contains("unhashable type: 'list'"),
    ),
    (
        "int() of a non-number",
        |py| py.assign("n", name("int").call([s("abc")])),
        |e| matches!(e, Error::Value(_)),
    ),
    (
        "return at module level",
        |py| py.ret(none()),
        |e| matches!(e, Error::Context(_)),
    ),
    (
        "+ of list and int",
        |py| py.assign("z", add(name("l"), int(1))),
        |e| matches!(e, Error::Type(_)),
    ),
    (
        "append to an int",
        |py| py.exec(int(5).method("append", [int(1)])),
        |e| matches!(e, Error::NoAttribute { .. }),
    ),
];

#[test]
fn misuse_gives_a_clear_error_and_leaves_the_heap_consistent() {
    for (what, step, expected) in CASES {
        let mut py = heap();
        let before: Vec<_> = py.global_names().into_iter().map(|(n, _)| n).collect();
        let err = step(&mut py).expect_err(what);
        assert!(expected(&err), "{what}: unexpected error {err:?}");
        reference_model::check(&py)
            .unwrap_or_else(|e| panic!("{what}: heap inconsistent after the error: {e}"));
        let after: Vec<_> = py.global_names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            before, after,
            "{what}: a failed statement must not bind anything"
        );
    }
}

/// Not misuse, but checked by the same reference model: a held `Plain.__dict__` is one more
/// reference to the class dict, and a proxy stored in its own class is found by a
/// collection once the class goes.
#[test]
fn class_dict_views_keep_the_heap_consistent() {
    let mut py = heap();
    py.assign("d", name("Plain").attr("__dict__")).unwrap();
    py.assign_attr(name("Plain"), "view", name("d")).unwrap();
    reference_model::check(&py).unwrap();
    let proxy = py.lookup("d").unwrap();
    py.del("d").unwrap();
    py.del("Plain").unwrap();
    reference_model::check(&py).unwrap();
    assert!(py.is_alive(proxy), "the class's cycle holds it");
    assert!(py.gc_collect(2).unwrap() > 0);
    assert!(!py.is_alive(proxy));
    reference_model::check(&py).unwrap();
    reference_model::check_no_garbage(&py).unwrap();
}

#[test]
fn a_stale_handle_is_an_error_not_a_new_object() {
    let mut py = heap();
    let l = py.eval_owned(name("l")).unwrap();
    py.release(l).unwrap();
    py.del("l").unwrap();
    assert!(matches!(py.refcnt(l), Err(Error::Freed { .. })));
    assert!(matches!(py.release(l), Err(Error::Freed { .. })));
    // A new object in the same slot does not answer to the old handle.
    py.assign("m", list([])).unwrap();
    assert!(py.get(l).is_err());
    assert!(matches!(py.sizeof(l), Err(Error::Freed { .. })));
}

#[test]
fn statics_do_not_pretend_to_know_their_count() {
    let mut py = heap();
    assert!(matches!(py.getrefcount(none()), Err(Error::NotModeled(_))));
    assert!(matches!(py.getrefcount(int(10)), Err(Error::NotModeled(_))));
}
