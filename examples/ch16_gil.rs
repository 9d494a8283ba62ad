//! Chapter 16, "The GIL and reference counts": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch16_gil`. Python twins: `python/ch16_gil/*.py` (the `model_`
//! scenarios run real Rust threads and have none). After the scenarios, `main` runs the
//! unprotected increment a few times and prints what it lost: those numbers change from run
//! to run, so no scenario prints them.

use pyheap::gil::{biased_with_threads, count_with_threads, send, Increment};
use pyheap::prelude::*;
use pyheap::profiler::thousands;

// ANCHOR: gil_keeps_counts_exact
/// Four threads append one object to their own lists, 10,000 times each, under the GIL.
pub fn gil_keeps_counts_exact() -> Result<String> {
    let mut py = Heap::new();
    py.assign("shared", name("object").call([]))?;
    py.assign("lists", list([list([]), list([]), list([]), list([])]))?;
    // Only the thread holding the GIL runs bytecode. CPython hands the GIL over every
    // 5 ms (sys.getswitchinterval()), so the threads take turns of many appends each; each
    // append, and the Py_INCREF inside it, runs whole within one turn.
    for _turn in 0..10 {
        for thread in 0..4 {
            for _ in 0..1_000 {
                let out = name("lists").item(int(thread));
                py.exec(out.method("append", [name("shared")]))?; // out.append(shared)
            }
        }
    }
    let mut held = 0;
    for thread in 0..4 {
        held += py.int_value(name("len").call([name("lists").item(int(thread))]))?;
    }
    py.print(format!("references held by the lists: {held}"));
    let n = py.getrefcount(name("shared"))?;
    py.print(format!("sys.getrefcount(shared): {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: gil_keeps_counts_exact

// ANCHOR: model_lost_updates
/// Real threads incrementing one shared count without protection, with a lock, and with
/// an atomic add.
pub fn model_lost_updates() -> Result<String> {
    let mut py = Heap::new();
    let (threads, per_thread) = (4, 100_000);
    let expected = threads as u64 * per_thread;
    let locked = count_with_threads(Increment::Locked, threads, per_thread);
    let atomic = count_with_threads(Increment::Atomic, threads, per_thread);
    let racy = count_with_threads(Increment::Racy, threads, per_thread);
    py.print(format!(
        "{threads} threads x {} increments of one count ({} expected)",
        thousands(per_thread.into()),
        thousands(expected.into())
    ));
    py.print(format!(
        "inside a lock (what the GIL ensures): {}",
        thousands(locked.into())
    ));
    py.print(format!(
        "one atomic add (fetch_add):           {}",
        thousands(atomic.into())
    ));
    py.print(format!(
        "load, add, store, unprotected:        at most {}: {}",
        thousands(expected.into()),
        py_bool(racy <= expected)
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_lost_updates

// ANCHOR: model_biased_refcount
/// A biased reference count (3.13's free-threaded build): the owner thread counts without
/// atomic instructions, the others with them, and nothing is lost.
pub fn model_biased_refcount() -> Result<String> {
    let mut py = Heap::new();
    let per_thread = 100_000;
    let rc = biased_with_threads(3, per_thread);
    py.print(format!(
        "owner + 3 threads x {} increments, starting from 1",
        thousands(per_thread.into())
    ));
    py.print(format!("count: {}", thousands(rc.count().into())));
    py.print(format!(
        "owner's increments, plain load and store: {}",
        thousands(rc.owner_increments().into())
    ));
    py.print(format!(
        "other threads' increments, atomic add:    {}",
        thousands(rc.atomic_increments().into())
    ));
    Ok(py.take_stdout())
}
// ANCHOR_END: model_biased_refcount

// ANCHOR: separate_heaps
/// `multiprocessing`: the child process has a heap of its own; the list travels pickled,
/// and comes back as a new object.
pub fn separate_heaps() -> Result<String> {
    let mut parent = Heap::new();
    parent.assign("data", list([int(1), int(2), int(3)]))?;
    // Process(target=worker, args=(data, queue)).start(): a new interpreter, a new heap
    let mut child = Heap::new();
    send(&mut parent, name("data"), &mut child, "data")?; // the argument, pickled
    child.exec(name("data").method("append", [int(4)]))?; // data.append(4), in the child
    send(&mut child, name("data"), &mut parent, "received")?; // queue.put / queue.get

    let received = parent.repr_of(name("received"))?;
    let data = parent.repr_of(name("data"))?;
    let same = parent.is(name("received"), name("data"))?;
    let equal = parent.eq(name("received"), add(name("data"), list([int(4)])))?;
    parent.print(format!("child's list:    {received}"));
    parent.print(format!("parent's list:   {data}"));
    parent.print(format!("the same object: {}", py_bool(same)));
    parent.print(format!("equal values:    {}", py_bool(equal)));
    Ok(parent.take_stdout())
}
// ANCHOR_END: separate_heaps

/// A scenario: its name (shared by its snapshot and its python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("gil_keeps_counts_exact", gil_keeps_counts_exact),
    ("model_lost_updates", model_lost_updates),
    ("model_biased_refcount", model_biased_refcount),
    ("separate_heaps", separate_heaps),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    // The unprotected increment's losses vary from run to run (and may be 0 on one core).
    println!("== unprotected increments on this machine (vary from run to run) ==");
    for run in 1..=5 {
        let got = count_with_threads(Increment::Racy, 4, 10_000_000);
        println!("run {run}: {got} of 40000000, {} lost", 40_000_000 - got);
    }
    Ok(())
}
