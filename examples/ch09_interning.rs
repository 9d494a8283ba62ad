//! Chapter 9, "Interning and identity": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch09_interning`. Python twins: `python/ch09_interning/*.py`.
//! A `py.cell(...)` is one compilation unit, like `exec(compile(source, "<cell>", "exec"))`
//! in the twins.

use pyheap::expr::fstr;
use pyheap::prelude::*;

// ANCHOR: small_ints
/// The ints −5..=256 exist once, made at start-up; any other int made at run time is new.
pub fn small_ints() -> Result<String> {
    let mut py = Heap::new();
    py.assign("high", int(257))?;
    py.assign("low", int(256))?;
    py.assign("current", int(256))?;
    for n in ["high", "low", "current"] {
        let at = py.hex_id(name(n))?;
        py.print(format!("stocks {n} @ {at}"));
    }
    let same = py.is(name("low"), name("current"))?;
    py.print(format!("low is current: {}", py_bool(same)));
    // int('256') is int('256'), and so on: both made at run time, from text.
    for text in ["256", "257", "-5", "-6"] {
        let parse = || name("int").call([s(text)]);
        let same = py.is(parse(), parse())?;
        py.print(format!("int('{text}') is int('{text}'): {}", py_bool(same)));
    }
    py.assign("x", int(200))?;
    let same = py.is(add(name("x"), int(56)), name("low"))?;
    py.print(format!("x + 56 is low: {}", py_bool(same)));
    let same = py.is(add(name("x"), int(57)), name("high"))?;
    let equal = py.eq(add(name("x"), int(57)), name("high"))?;
    py.print(format!(
        "x + 57 is high: {}, x + 57 == high: {}",
        py_bool(same),
        py_bool(equal)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: small_ints

// ANCHOR: constants_per_unit
/// Equal constants are one object inside a compilation unit, including the bodies of the
/// functions compiled with it, and separate objects in separate units.
pub fn constants_per_unit() -> Result<String> {
    let mut py = Heap::new();
    py.assign("a", int(1000))?;
    py.assign("b", int(1000))?;
    let same = py.is(name("a"), name("b"))?;
    py.print(format!("a is b: {}", py_bool(same)));
    py.def("f", &[], body(|py| py.ret(int(1000))))?;
    let same = py.is(name("a"), name("f").call([]))?;
    py.print(format!("a is f(): {}", py_bool(same)));
    py.assign("c", float(2.5))?;
    py.assign("d", float(2.5))?;
    py.assign("t", tuple([int(1), s("x y")]))?;
    py.assign("u", tuple([int(1), s("x y")]))?;
    let floats = py.is(name("c"), name("d"))?;
    let tuples = py.is(name("t"), name("u"))?;
    py.print(format!(
        "c is d: {}, t is u: {}",
        py_bool(floats),
        py_bool(tuples)
    ));
    py.cell(|py| py.assign("e", int(1000)))?;
    let same = py.is(name("a"), name("e"))?;
    py.print(format!(
        "a is e (e = 1000 in another cell): {}",
        py_bool(same)
    ));
    py.cell(|py| py.def("g", &[], body(|py| py.ret(int(1000)))).map(|_| ()))?;
    let same = py.is(name("a"), name("g").call([]))?;
    py.print(format!(
        "a is g() (g defined in another cell): {}",
        py_bool(same)
    ));
    let same = py.is(name("g").call([]), name("g").call([]))?;
    py.print(format!("g() is g(): {}", py_bool(same)));
    Ok(py.take_stdout())
}
// ANCHOR_END: constants_per_unit

// ANCHOR: string_constants
/// The seed's strings, assigned twice in one cell and once more in a second cell.
pub fn string_constants() -> Result<String> {
    const TEXTS: [&str; 6] = [
        "hello",
        "hello_world",
        "_this_is_a_long_string_that_could_be_used_as_an_Identifier",
        "HELLO_ALL_HOW_ARE_DOING",
        "hello world",
        "hello, world!",
    ];
    let mut py = Heap::new();
    for text in TEXTS {
        py.cell(|py| {
            py.assign("greet_1", s(text))?;
            py.assign("greet_2", s(text))
        })?;
        let one_cell = py.is(name("greet_1"), name("greet_2"))?;
        py.cell(|py| py.assign("greet_3", s(text)))?;
        let two_cells = py.is(name("greet_1"), name("greet_3"))?;
        let shown = s(text).to_string(); // the literal as Python writes it: repr(text)
        py.print(format!(
            "{shown:<61} one cell: {:<5}  two cells: {}",
            py_bool(one_cell),
            py_bool(two_cells)
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: string_constants

// ANCHOR: notebook_statements
/// The seeds' notebook compiled each statement of a cell on its own (IPython's
/// `run_ast_nodes`); a script, or one `compile()` of the cell, is one unit.
pub fn notebook_statements() -> Result<String> {
    let mut py = Heap::new();
    let seed_75 = [
        ("greet_1", s("hello, world!")),
        ("greet_2", s("hello, world!")),
    ];
    let seed_85 = [
        ("greet_1", name("intern").call([s("hello world")])),
        ("greet_2", name("intern").call([s("hello world")])),
        ("greet_3", s("hello world")),
    ];
    let seed_003 = [("a", int(1000)), ("b", int(1000))];

    // One unit: every statement in one cell.
    let as_one_unit = |py: &mut Heap, statements: &[(&str, Expr)]| {
        py.cell(|py| {
            for (target, value) in statements {
                py.assign(target, value.clone())?;
            }
            Ok(())
        })
    };
    // IPython: one unit per statement.
    let like_ipython = |py: &mut Heap, statements: &[(&str, Expr)]| {
        for (target, value) in statements {
            py.cell(|py| py.assign(target, value.clone()))?;
        }
        Ok::<(), Error>(())
    };

    as_one_unit(&mut py, &seed_75)?;
    let same = py.is(name("greet_1"), name("greet_2"))?;
    py.print(format!(
        "seed [75] as one unit:            greet_1 is greet_2: {}",
        py_bool(same)
    ));
    like_ipython(&mut py, &seed_75)?;
    let same = py.is(name("greet_1"), name("greet_2"))?;
    py.print(format!(
        "seed [75] statement by statement: greet_1 is greet_2: {}",
        py_bool(same)
    ));
    for (how, run) in [
        ("as one unit:           ", true),
        ("statement by statement:", false),
    ] {
        if run {
            as_one_unit(&mut py, &seed_85)?;
        } else {
            like_ipython(&mut py, &seed_85)?;
        }
        if !run {
            let title = "seed [85], statement by statement";
            py.picture("ch09_interned_or_not", title, &[]);
        }
        let one_two = py.is(name("greet_1"), name("greet_2"))?;
        let one_three = py.is(name("greet_1"), name("greet_3"))?;
        py.print(format!(
            "seed [85] {how} greet_1 is greet_2: {}, greet_1 is greet_3: {}",
            py_bool(one_two),
            py_bool(one_three)
        ));
    }
    as_one_unit(&mut py, &seed_003)?;
    let same = py.is(name("a"), name("b"))?;
    py.print(format!(
        "seed 003 as one unit:             a is b: {}",
        py_bool(same)
    ));
    like_ipython(&mut py, &seed_003)?;
    let same = py.is(name("a"), name("b"))?;
    py.print(format!(
        "seed 003 statement by statement:  a is b: {}",
        py_bool(same)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: notebook_statements

// ANCHOR: intern_order
/// `sys.intern` returns whichever equal string was interned first, and a cell's constants
/// and names were interned when the cell was compiled, before its first line ran.
pub fn intern_order() -> Result<String> {
    let mut py = Heap::new();
    let join = |a: &str, b: &str| s("").method("join", [list([s(a), s(b)])]);

    // The run-time string is interned first; the constant comes in a later cell.
    py.cell(|py| {
        py.assign("r1", join("ham", "jam"))?;
        py.assign("i1", name("intern").call([name("r1")]))
    })?;
    py.cell(|py| py.assign("c1", s("hamjam")))?;
    let interned_itself = py.is(name("i1"), name("r1"))?;
    let constant_is_it = py.is(name("c1"), name("r1"))?;
    py.print(format!(
        "constant in a later cell: i1 is r1: {}, c1 is r1: {}",
        py_bool(interned_itself),
        py_bool(constant_is_it)
    ));

    // The constant is in the same cell: the compiler interned it before the cell ran. The
    // model never sees a cell's source, so `compile` is told what the compiler found.
    py.cell(|py| {
        let (r2, i2) = (join("spam", "eggs"), name("intern").call([name("r2")]));
        py.compile([
            name("r2"),
            r2.clone(),
            name("i2"),
            i2.clone(),
            name("c2"),
            s("spameggs"),
        ])?;
        py.assign("r2", r2)?;
        py.assign("i2", i2)?;
        py.assign("c2", s("spameggs"))
    })?;
    let interned_itself = py.is(name("i2"), name("r2"))?;
    let got_constant = py.is(name("i2"), name("c2"))?;
    py.print(format!(
        "constant in the same cell: i2 is r2: {}, i2 is c2: {}",
        py_bool(interned_itself),
        py_bool(got_constant)
    ));

    // A name is interned when the cell is compiled, like a constant.
    py.cell(|py| {
        let (r3, i3) = (join("ba", "con"), name("intern").call([name("r3")]));
        py.compile([
            name("r3"),
            r3.clone(),
            name("i3"),
            i3.clone(),
            name("bacon"),
            int(1),
        ])?;
        py.assign("r3", r3)?;
        py.assign("i3", i3)?;
        py.assign("bacon", int(1))
    })?;
    let interned_itself = py.is(name("i3"), name("r3"))?;
    py.print(format!(
        "name in the same cell: i3 is r3: {}",
        py_bool(interned_itself)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: intern_order

// ANCHOR: one_char_constants
/// In 3.11 a one-character constant is usually the latin-1 singleton that indexing and
/// iteration return, but not for the characters the interpreter's own start-up code had
/// already interned.
pub fn one_char_constants() -> Result<String> {
    const IDENTIFIER_CHARS: &str =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    let mut py = Heap::new();
    let mut not_the_singleton = String::new();
    for ch in IDENTIFIER_CHARS.chars() {
        py.cell(|py| py.assign("constant", s(&ch.to_string())))?;
        // constant is list(constant)[0]: iterating a str yields the singletons.
        let first = name("list").call([name("constant")]).item(int(0));
        if !py.is(name("constant"), first)? {
            not_the_singleton.push(ch);
        }
    }
    py.print(format!(
        "one-character constants that are not the latin-1 singleton: {} of {}",
        not_the_singleton.len(),
        IDENTIFIER_CHARS.len()
    ));
    py.print(not_the_singleton);
    Ok(py.take_stdout())
}
// ANCHOR_END: one_char_constants

// ANCHOR: identity_table
/// How a row's two assignments are compiled.
#[derive(Clone, Copy)]
pub enum How {
    /// `a = ...` and `b = ...` in one cell: one compilation unit.
    SameCell,
    /// `a = ...` in one cell, `b = ...` in the next.
    TwoCells,
    /// One cell, and at least one side is built by running code.
    RunTime,
}

/// A row of the table: a heading, or two expressions and how they are compiled.
pub enum Row {
    /// `# text`
    Heading(&'static str),
    /// `a = A`, `b = B`
    Case(Expr, Expr, How),
}

/// The table's rows.
pub fn identity_rows() -> Vec<Row> {
    use How::*;
    use Row::{Case, Heading};
    let intern = |e: Expr| name("intern").call([e]);
    let join = |parts: Vec<Expr>| s("").method("join", [list(parts)]);
    let str_ = |e: Expr| name("str").call([e]);
    let int_ = |t: &str| name("int").call([s(t)]);
    let first_of = |t: &str| name("list").call([s(t)]).item(int(0));
    vec![
        Heading("small ints"),
        Case(int(256), int(256), TwoCells),
        Case(int(257), int(257), SameCell),
        Case(int(257), int(257), TwoCells),
        Case(int_("256"), int_("256"), RunTime),
        Case(int_("257"), int_("257"), RunTime),
        Case(int(-5), int_("-5"), RunTime),
        Case(int(-6), int_("-6"), RunTime),
        Case(int(256), add(name("a"), int(0)), RunTime),
        Case(int(257), add(name("a"), int(0)), RunTime),
        Heading("other constants"),
        Case(float(1.5), float(1.5), SameCell),
        Case(float(1.5), float(1.5), TwoCells),
        Case(float(3.0), add(float(1.5), float(1.5)), SameCell),
        Case(float(0.0), float(-0.0), SameCell),
        Case(int(1), boolean(true), SameCell),
        Case(tuple([int(1), int(2)]), tuple([int(1), int(2)]), SameCell),
        Case(tuple([int(1), int(2)]), tuple([int(1), int(2)]), TwoCells),
        Case(tuple([]), tuple([]), TwoCells),
        Case(
            tuple([int(1), int(2), int(3)]),
            add(tuple([int(1), int(2)]), tuple([int(3)])),
            SameCell,
        ),
        Case(
            tuple([int(1), int(2)]),
            tuple([name("a").item(int(0)), int(2)]),
            RunTime,
        ),
        Case(list([int(1), int(2)]), list([int(1), int(2)]), SameCell),
        Case(
            tuple([int(1), int(2)]),
            name("tuple").call([name("a")]),
            RunTime,
        ),
        Heading("str constants"),
        Case(s("hello"), s("hello"), TwoCells),
        Case(s("hello world"), s("hello world"), SameCell),
        Case(s("hello world"), s("hello world"), TwoCells),
        Case(s("hello_world"), s("hello_world"), TwoCells),
        Case(s("café"), s("café"), TwoCells),
        Case(mul(s("a"), int(20)), s(&"a".repeat(20)), TwoCells),
        Case(mul(s("a"), int(4096)), mul(s("a"), int(4096)), TwoCells),
        Case(mul(s("a"), int(4097)), mul(s("a"), int(4097)), SameCell),
        Case(add(s("ab"), s("cd")), s("abcd"), TwoCells),
        Case(add(s("hello"), s(" world")), s("hello world"), SameCell),
        Case(intern(s("hello world")), intern(s("hello world")), TwoCells),
        Case(intern(s("hello world")), s("hello world"), TwoCells),
        Heading("strings built at run time"),
        Case(s("hello"), join(vec![s("hel"), s("lo")]), RunTime),
        Case(s("hello"), intern(join(vec![s("hel"), s("lo")])), RunTime),
        Case(s("hello"), add(str_(s("hel")), s("lo")), RunTime),
        Case(s("hello world"), add(name("a"), s("")), RunTime),
        Case(s("12345"), str_(int(12345)), RunTime),
        Case(str_(int(12345)), str_(int(12345)), RunTime),
        Case(s("1000"), fstr([int(1000)]), RunTime),
        Case(s("hello world"), fstr([name("a")]), RunTime),
        Case(s("hello world"), str_(name("a")), RunTime),
        Case(s(""), join(vec![]), RunTime),
        Case(s("g"), first_of("ghi"), RunTime),
        Case(s("a"), first_of("abc"), RunTime),
    ]
}

/// Each row's `a is b` and `a == b`, with `a` and `b` assigned as the row says.
pub fn identity_table() -> Result<String> {
    let mut py = Heap::new();
    py.print(format!("{:<23} {:<31} {:<9}  is     ==", "a", "b", "how"));
    for row in identity_rows() {
        let (a, b, how) = match row {
            Row::Heading(text) => {
                py.print(format!("# {text}"));
                continue;
            }
            Row::Case(a, b, how) => (a, b, how),
        };
        let label = match how {
            How::SameCell => "same cell",
            How::TwoCells => "two cells",
            How::RunTime => "run time",
        };
        if let How::TwoCells = how {
            py.cell(|py| py.assign("a", a.clone()))?;
            py.cell(|py| py.assign("b", b.clone()))?;
        } else {
            py.cell(|py| {
                py.assign("a", a.clone())?;
                py.assign("b", b.clone())
            })?;
        }
        let same = py.is(name("a"), name("b"))?;
        let equal = py.eq(name("a"), name("b"))?;
        let (a, b) = (a.to_string(), b.to_string()); // the Python source of each side
        py.print(format!(
            "{a:<23} {b:<31} {label:<9}  {:<5}  {}",
            py_bool(same),
            py_bool(equal)
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: identity_table

/// A scenario: its name (shared by the snapshot and the python script) and its function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter.
pub const SCENARIOS: &[Scenario] = &[
    ("small_ints", small_ints),
    ("constants_per_unit", constants_per_unit),
    ("string_constants", string_constants),
    ("notebook_statements", notebook_statements),
    ("intern_order", intern_order),
    ("one_char_constants", one_char_constants),
    ("identity_table", identity_table),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
