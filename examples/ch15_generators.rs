//! Chapter 15, "Generators, `del` and context managers": every scenario of the chapter,
//! runnable.
//!
//! `cargo run --example ch15_generators`. Python twins: `python/ch15_generators/*.py`.
//! The twins print after `tracemalloc.stop()` (in CPython `print` allocates); figures that
//! include the interpreter's own small allocations are printed in KiB.

use pyheap::prelude::*;
use pyheap::profiler::{kib, thousands};

// ANCHOR: list_vs_generator
/// Seed 003's "Memory difference": a list of a million ints against a generator of them.
pub fn list_vs_generator() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(1_000_000)])?;
    py.exec(list([]))?; // a list on the free list, as CPython's start-up leaves one
    py.def(
        "get_numbers_list",
        &["n"],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([name("n")]));
            // return [i for i in range(n)]
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.def_generator("get_numbers_gen", &["n"])?; // for i in range(n): yield i

    py.tracemalloc().start();
    py.assign("list_obj", name("get_numbers_list").call([int(1_000_000)]))?;
    let with_ints = py.tracemalloc().get_traced_memory().0;
    py.tracemalloc().stop();
    let size = py.getsizeof(name("list_obj"))?;
    let mb = |bytes: usize| bytes as f64 / 1024.0 / 1024.0;
    py.print(format!("List size: {:.2} MB", mb(size)));
    py.print(format!("List and its ints: {:.2} MB", mb(with_ints)));

    py.assign("gen_obj", name("get_numbers_gen").call([int(1_000_000)]))?;
    let size = py.getsizeof(name("gen_obj"))?;
    py.print(format!("Generator size: {size} bytes"));
    Ok(py.take_stdout())
}
// ANCHOR_END: list_vs_generator

// ANCHOR: one_at_a_time
/// `sum()` over a list needs the whole list at once; over a generator, one item at a time.
pub fn one_at_a_time() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(100_000)])?;
    py.exec(list([]))?;
    py.def(
        "get_numbers_list",
        &["n"],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([name("n")]));
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.def_generator("get_numbers_gen", &["n"])?;
    py.def(
        "main",
        &[],
        body(|py| {
            py.tracemalloc().start();
            let numbers = name("get_numbers_list").call([int(100_000)]);
            py.sum(numbers, |py, total| py.assign("total", total))?;
            let list_peak = py.tracemalloc().get_traced_memory().1;

            py.tracemalloc().reset_peak();
            let numbers = name("get_numbers_gen").call([int(100_000)]);
            py.sum(numbers, |py, total| py.assign("total", total))?;
            let gen_peak = py.tracemalloc().get_traced_memory().1;
            py.tracemalloc().stop();

            py.print(format!(
                "sum(get_numbers_list(100_000)): peak {} bytes",
                thousands(list_peak as i128)
            ));
            py.print(format!(
                "sum(get_numbers_gen(100_000)):  peak under 1 KiB: {}",
                py_bool(gen_peak < 1024)
            ));
            let total = py.int_value(name("total"))?;
            py.print(format!("total: {}", thousands(total)));
            Ok(())
        }),
    )?;
    py.exec(name("main").call([]))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: one_at_a_time

// ANCHOR: generator_holds_one
/// A suspended generator holds its current item in its frame (its local `i`), and lets it
/// go when it makes the next one.
pub fn generator_holds_one() -> Result<String> {
    let mut py = Heap::new();
    py.def_generator("get_numbers_gen", &["n"])?;
    py.assign("gen", name("get_numbers_gen").call([int(1_000)]))?;
    // for x in gen: if x == 300: break
    py.for_in("x", name("gen"), |py| {
        Ok(if py.eq(name("x"), int(300))? {
            Flow::Break
        } else {
            Flow::Continue
        })
    })?;
    let n = py.getrefcount(name("x"))?;
    py.print(format!("x = 300, sys.getrefcount(x) = {n}"));
    py.picture("ch15_generator_holds_300", "after break: x = 300", &[]);
    py.next_item(name("gen"), |py, item| match item {
        Some(v) => py.assign("y", v), // y = next(gen)
        None => Ok(()),
    })?;
    py.picture("ch15_generator_moved_on", "y = next(gen)", &[]);
    let n = py.getrefcount(name("x"))?;
    let y = py.str_of_expr(name("y"))?;
    py.print(format!("y = {y}, sys.getrefcount(x) = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: generator_holds_one

// ANCHOR: generator_stops_early
/// Seed 004: a generator of ten million numbers, of which the loop takes twelve.
pub fn generator_stops_early() -> Result<String> {
    let mut py = Heap::new();
    py.def_generator("generate_numbers", &["n"])?;
    // for num in generate_numbers(10000000):
    py.for_in(
        "num",
        name("generate_numbers").call([int(10_000_000)]),
        |py| {
            let num = py.str_of_expr(name("num"))?;
            py.print(num); // print(num)
            if py.int_value(name("num"))? > 10 {
                return Ok(Flow::Break); // if num > 10: break
            }
            Ok(Flow::Continue)
        },
    )?;
    Ok(py.take_stdout())
}
// ANCHOR_END: generator_stops_early

// ANCHOR: del_and_collect
/// Seed 003's `process_large_data`: what `del` frees, and what `gc.collect()` adds.
pub fn del_and_collect() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(100_000)])?;
    py.exec(list([]))?;
    py.def(
        "process_large_data",
        &[],
        body(|py| {
            let data = list_comp(name("i"), "i", name("range").call([int(100_000)]));
            py.comprehension(&data, |py, value| py.assign("large_data", value))?;
            // Process data
            py.sum(name("large_data"), |py, total| py.assign("result", total))?;
            let before = py.tracemalloc().get_traced_memory().0;
            // Delete large object
            py.del("large_data")?;
            let after_del = py.tracemalloc().get_traced_memory().0;
            // Force garbage collection
            let found = py.gc_collect(2)?;
            let after_collect = py.tracemalloc().get_traced_memory().0;

            let result = py.int_value(name("result"))?;
            py.print(format!("result: {}", thousands(result)));
            py.print(format!(
                "traced before del:          {:>5} KiB",
                kib(before)
            ));
            py.print(format!(
                "traced after del:           {:>5} KiB",
                kib(after_del)
            ));
            py.print(format!("gc.collect() found:         {found:>5} objects"));
            py.print(format!(
                "traced after gc.collect():  {:>5} KiB",
                kib(after_collect)
            ));
            py.ret(name("result"))
        }),
    )?;
    py.gc_collect(2)?;
    py.tracemalloc().start();
    py.exec(name("process_large_data").call([]))?;
    py.tracemalloc().stop();
    Ok(py.take_stdout())
}
// ANCHOR_END: del_and_collect

// ANCHOR: context_manager
/// Seed 003's `MemoryIntensiveResource`: `with` calls `__enter__`, runs the block, and calls
/// `__exit__`, which frees the data.
pub fn context_manager() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(100_000)])?;
    py.exec(list([]))?;
    py.class(
        Class::new("MemoryIntensiveResource")
            .method(
                "__init__",
                &["self"],
                body(|py| {
                    let data = list_comp(name("i"), "i", name("range").call([int(100_000)]));
                    py.comprehension(&data, |py, value| {
                        py.assign_attr(name("self"), "data", value) // self.data = [...]
                    })
                }),
            )
            .method("__enter__", &["self"], body(|py| py.ret(name("self"))))
            .method(
                "__exit__",
                &["self", "exc_type", "exc_val", "exc_tb"],
                body(|py| {
                    py.del_attr(name("self"), "data")?; // del self.data
                    py.gc_collect(2).map(|_| ()) // gc.collect()
                }),
            )
            .method(
                "process",
                &["self"],
                body(|py| py.sum(name("self").attr("data"), |py, total| py.ret(total))),
            ),
    )?;
    py.def(
        "main",
        &[],
        body(|py| {
            py.tracemalloc().start();
            // Automatic cleanup
            let manager = name("MemoryIntensiveResource").call([]);
            let inside = py.with_block(manager, Some("resource"), |py| {
                py.assign("result", name("resource").method("process", []))?;
                Ok(py.tracemalloc().get_traced_memory().0)
            })?;
            // Memory freed here
            let after = py.tracemalloc().get_traced_memory().0;
            py.tracemalloc().stop();

            let result = py.int_value(name("result"))?;
            py.print(format!("result: {}", thousands(result)));
            let mib = |bytes: usize| bytes as f64 / 1024.0 / 1024.0;
            py.print(format!(
                "traced inside the with block: {:.2} MiB",
                mib(inside)
            ));
            py.print(format!(
                "traced after the with block:  {:.2} MiB",
                mib(after)
            ));
            let bound = py.lookup("resource").is_ok();
            let has_data = py.exec(name("resource").attr("data")).is_ok();
            py.print(format!(
                "resource still bound: {}, has data: {}",
                py_bool(bound),
                py_bool(has_data)
            ));
            Ok(())
        }),
    )?;
    py.exec(name("main").call([]))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: context_manager

/// A scenario: its name (shared by its snapshot and its python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("list_vs_generator", list_vs_generator),
    ("one_at_a_time", one_at_a_time),
    ("generator_holds_one", generator_holds_one),
    ("generator_stops_early", generator_stops_early),
    ("del_and_collect", del_and_collect),
    ("context_manager", context_manager),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
