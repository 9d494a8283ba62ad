//! Chapter 14, "Profiling memory": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch14_profiling` prints each scenario's output, then this process's
//! own resident and virtual size (real figures, which vary from run to run and are not part
//! of any scenario). Python twins: `python/ch14_profiling/*.py`.
//!
//! The twins print a statistic's numbers without its `file:line:` prefix: the Python line
//! and the Rust line that allocated a block are different lines of different files. The
//! `model_` scenario shows the model's own `file:line` output.

use pyheap::prelude::*;
use pyheap::profiler::{Listing, ProcessMemory};
use pyheap::tracemalloc::Filter;

// ANCHOR: create_list_top10
/// Seed 004: `snapshot.statistics('lineno')` after `create_list()`, once with the list
/// dropped (as the seed wrote it) and once with the list kept.
pub fn create_list_top10() -> Result<String> {
    let mut py = Heap::new();
    // What CPython did before `main()` ran: compiled the file (the constant 10000 exists)
    // and, at start-up, freed lists onto the list free list. The model starts with none.
    py.compile([int(10_000)])?;
    py.exec(list([]))?;
    py.def(
        "create_list",
        &[],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([int(10_000)]));
            // return [i for i in range(10000)]
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.def(
        "main",
        &[],
        body(|py| {
            py.tracemalloc().start();
            py.exec(name("create_list").call([]))?; // create_list()
            let dropped = py.tracemalloc().take_snapshot()?.statistics("lineno")?;
            py.assign("data", name("create_list").call([]))?; // data = create_list()
            let snapshot = py.tracemalloc().take_snapshot()?;
            let snapshot = snapshot.filter_traces(&[Filter::new(true, file!()).into()]);
            let top_stats = snapshot.statistics("lineno")?;
            py.tracemalloc().stop();

            py.print(format!(
                "lines holding memory after create_list(): {}",
                dropped.len()
            ));
            py.print("Top 10");
            for (rank, stat) in top_stats.iter().take(10).enumerate() {
                py.print(format!("#{}: {}", rank + 1, stat.numbers()));
            }
            Ok(())
        }),
    )?;
    py.exec(name("main").call([]))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: create_list_top10

// ANCHOR: traced_memory
/// `get_traced_memory()`: the traced total now, and its highest point since tracing began.
pub fn traced_memory() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(10_000)])?;
    py.exec(list([]))?; // a list on the free list, as CPython's start-up leaves one
    py.def(
        "create_list",
        &[],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([int(10_000)]));
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.def(
        "main",
        &[],
        body(|py| {
            py.tracemalloc().start();
            py.assign("data", name("create_list").call([]))?;
            let (current, peak) = py.tracemalloc().get_traced_memory();
            py.tracemalloc().stop();
            py.print(format!("get_traced_memory() = ({current}, {peak})"));
            py.print(format!("peak - current = {} bytes", peak - current));
            Ok(())
        }),
    )?;
    py.exec(name("main").call([]))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: traced_memory

// ANCHOR: compare_to_snapshots
/// Seed 003's `track_memory`: two snapshots around a comprehension, compared by line.
pub fn compare_to_snapshots() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(100_000)])?;
    py.exec(list([]))?; // a list on the free list, as CPython's start-up leaves one
    py.def(
        "track_memory",
        &[],
        body(|py| {
            py.tracemalloc().start();
            let snapshot1 = py.tracemalloc().take_snapshot()?;
            let numbers = list_comp(name("i"), "i", name("range").call([int(100_000)]));
            py.comprehension(&numbers, |py, value| py.assign("data", value))?;
            let snapshot2 = py.tracemalloc().take_snapshot()?;
            let this_file = [Filter::new(true, file!()).into()];
            let snapshot1 = snapshot1.filter_traces(&this_file);
            let snapshot2 = snapshot2.filter_traces(&this_file);
            let top_stats = snapshot2.compare_to(&snapshot1, "lineno")?;
            py.tracemalloc().stop();

            py.print("Top memory allocations:");
            for (rank, stat) in top_stats.iter().take(5).enumerate() {
                py.print(format!("#{}: {}", rank + 1, stat.numbers()));
            }
            Ok(())
        }),
    )?;
    py.exec(name("track_memory").call([]))?;
    Ok(py.take_stdout())
}
// ANCHOR_END: compare_to_snapshots

// ANCHOR: model_rust_lines
/// The model's tracebacks are the reader's Rust lines: the same statistics as
/// `create_list_top10`, printed as `tracemalloc` prints them, with three frames kept.
pub fn model_rust_lines() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(10_000), name("data")])?; // constants and names, made by the compiler
    py.exec(list([]))?;
    py.def(
        "create_list",
        &[],
        body(|py| {
            let numbers = list_comp(name("i"), "i", name("range").call([int(10_000)]));
            py.comprehension(&numbers, |py, value| py.ret(value))
        }),
    )?;
    py.tracemalloc().start_nframe(3)?; // tracemalloc.start(3)
    py.assign("data", name("create_list").call([]))?;
    let snapshot = py.tracemalloc().take_snapshot()?;
    py.print("statistics('lineno'):");
    for stat in snapshot.statistics("lineno")? {
        py.print(stat.to_string());
    }
    py.print("statistics('traceback'), with the frames:");
    for stat in snapshot.statistics("traceback")? {
        py.print(stat.to_string());
        for line in stat.traceback.format(true) {
            py.print(line);
        }
    }
    py.print("statistics('filename'):");
    for stat in snapshot.statistics("filename")? {
        py.print(stat.to_string());
    }
    let (current, peak) = py.tracemalloc().get_traced_memory();
    py.print(format!(
        "get_traced_memory(): current={current}, peak={peak}"
    ));
    py.del("data")?;
    let after = py.tracemalloc().take_snapshot()?;
    py.print("after del data, compare_to(snapshot, 'lineno'):");
    for stat in after.compare_to(&snapshot, "lineno")? {
        py.print(stat.to_string());
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_rust_lines

// ANCHOR: memory_profiler_report
/// Seed 003's `@profile`d function, line by line, with memory as `tracemalloc` counts it.
pub fn memory_profiler_report() -> Result<String> {
    let mut py = Heap::new();
    py.compile([int(10_000)])?;
    py.exec(list([]))?;
    let source = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/python/ch14_profiling/memory_profiler_report.py"
    ));
    let listing = Listing::from_anchor("memory_profiler_report.py", source, "seed")?;
    let report = py.memory_profile("memory_intensive_function", listing, |prof| {
        prof.line(5, |py| {
            let comp = list_comp(name("i"), "i", name("range").call([int(10_000)]));
            py.comprehension(&comp, |py, value| py.assign("big_list", value))
        })?;
        prof.line(8, |py| {
            let comp = dict_comp(
                name("i"),
                mul(name("i"), name("i")), // i**2
                "i",
                name("range").call([int(10_000)]),
            );
            py.comprehension(&comp, |py, value| py.assign("big_dict", value))
        })?;
        prof.line(11, |py| {
            py.sum(name("big_list"), |py, total| py.assign("result", total))
        })?;
        prof.line(13, |py| py.ret(name("result")))
    })?;
    py.print(report.show_results().trim_end());
    Ok(py.take_stdout())
}
// ANCHOR_END: memory_profiler_report

// ANCHOR: process_memory
/// Seed 003's `get_memory_usage`: the process's resident and virtual size, as psutil reads
/// them. These are real figures of the program running (here, the Rust program running the
/// model): they vary, so only their shape is printed.
pub fn process_memory() -> Result<String> {
    let mut py = Heap::new();
    let usage = ProcessMemory::current(); // psutil.Process(os.getpid()).memory_info()
    match usage {
        Some(m) => {
            py.print("get_memory_usage() keys: ['rss', 'vms']");
            py.print(format!("rss > 0: {}", py_bool(m.rss_mib() > 0.0)));
            py.print(format!("vms >= rss: {}", py_bool(m.vms >= m.rss)));
        }
        None => py.print("no /proc/self/status on this platform"),
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: process_memory

/// A scenario: its name (shared by its snapshot and its python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("create_list_top10", create_list_top10),
    ("traced_memory", traced_memory),
    ("compare_to_snapshots", compare_to_snapshots),
    ("model_rust_lines", model_rust_lines),
    ("memory_profiler_report", memory_profiler_report),
    ("process_memory", process_memory),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    // Real figures of this process, not of a modeled CPython: they differ from run to run.
    if let Some(m) = ProcessMemory::current() {
        println!("== this Rust process (real, not modeled) ==");
        println!("rss: {:.1} MiB, vms: {:.1} MiB", m.rss_mib(), m.vms_mib());
    }
    Ok(())
}
