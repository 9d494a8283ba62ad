//! Chapter 13, "The small-object allocator": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch13_pymalloc` prints each scenario's output. The scenarios a Python
//! program can observe are in `python/ch13_pymalloc/*.py`; `tests/ch13_pymalloc.rs` locks
//! the outputs in snapshots and compares those with real python3's, line by line. The
//! `model_` scenarios read the modeled allocator itself (arenas, pools, size classes), which
//! CPython only shows through `sys._debugmallocstats()`, together with everything the
//! interpreter allocated for itself.

use pyheap::obmalloc::{Obmalloc, LEGACY_ARENA_SIZE, LEGACY_POOL_SIZE};
use pyheap::prelude::*;

// ANCHOR: model_geometry
/// Arenas, pools and blocks: 3.11's sizes, the older ones, and blocks per pool.
pub fn model_geometry() -> Result<String> {
    let mut py = Heap::new();
    let now = Obmalloc::new();
    let old = Obmalloc::with_geometry(LEGACY_POOL_SIZE, LEGACY_ARENA_SIZE)?;
    for (label, a) in [("3.11 (64-bit)", &now), ("before 3.10", &old)] {
        py.print(format!(
            "{label:<14} arena {:>7} bytes = {:>2} pools of {:>5} bytes",
            a.arena_size(),
            a.arena_size() / a.pool_size(),
            a.pool_size()
        ));
    }
    py.print("class  block  blocks per 16 KiB pool  per 4 KiB pool");
    for class in [0, 1, 2, 3, 4, 7, 15, 31] {
        let block = (class + 1) * 16;
        let per_pool = |a: &Obmalloc| a.blocks_per_pool(class).unwrap_or(0);
        py.print(format!(
            "{class:5}  {block:5}  {:>22}  {:>14}",
            per_pool(&now),
            per_pool(&old)
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_geometry

// ANCHOR: model_size_classes
/// Which size class serves each allocation behind some everyday objects.
pub fn model_size_classes() -> Result<String> {
    let mut py = Heap::new();
    py.class(Class::new("Thing"))?;
    let values = [
        int(1000),
        float(1.5),
        s("hello"),
        list([]),
        list([int(1), int(2), int(3)]),
        dict([(s("a"), int(1))]),
        name("Thing").call([]),
        mul(list([int(0)]), int(1000)),
    ];
    for value in values {
        let source = value.to_string();
        let blocks = py.blocks_of_value(value)?;
        let parts: Vec<String> = blocks
            .iter()
            .map(|b| {
                let served = match Obmalloc::size_class(b.request) {
                    Some(class) if py.allocator().is_pymalloc(b.addr) => {
                        format!("class {class} ({}-byte blocks)", (class + 1) * 16)
                    }
                    _ => "malloc".to_string(),
                };
                format!("{} {} -> {served}", b.what, b.request)
            })
            .collect();
        py.print(format!("{source:<11} {}", parts.join(", ")));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_size_classes

// ANCHOR: small_and_large
/// Seed 003's `SmallObject` (`< 512 bytes, uses pymalloc`) and `LargeObject`
/// (`≥ 512 bytes, uses malloc`): what does each allocation really use?
pub fn small_and_large() -> Result<String> {
    let mut py = Heap::new();
    // self.data = [0] * 10 (SmallObject) or [0] * 1000 (LargeObject)
    let data =
        |n: i128| body(move |py| py.assign_attr(name("self"), "data", mul(list([int(0)]), int(n))));
    py.class(Class::new("SmallObject").method("__init__", &["self"], data(10)))?;
    py.class(Class::new("LargeObject").method("__init__", &["self"], data(1000)))?;
    py.assign("small", name("SmallObject").call([]))?;
    py.assign("large", name("LargeObject").call([]))?;
    let small = py.getsizeof(name("small"))?;
    py.print(format!("Small: {small} bytes"));
    let large = py.getsizeof(name("large"))?;
    py.print(format!("Large: {large} bytes"));

    let empty = py.getsizeof(list([]))?;
    for label in ["small", "large"] {
        let items = py.getsizeof(name(label).attr("data"))? - empty;
        let place = if items <= 512 { "pymalloc" } else { "malloc" };
        py.print(format!(
            "{label}.data: list object {empty} bytes, items array {items} bytes ({place})"
        ));
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: small_and_large

// ANCHOR: model_small_and_large
/// The same objects, as the allocator sees them: every block, and who served it.
pub fn model_small_and_large() -> Result<String> {
    let mut py = Heap::new();
    // self.data = [0] * 10 (SmallObject) or [0] * 1000 (LargeObject)
    let data =
        |n: i128| body(move |py| py.assign_attr(name("self"), "data", mul(list([int(0)]), int(n))));
    py.class(Class::new("SmallObject").method("__init__", &["self"], data(10)))?;
    py.class(Class::new("LargeObject").method("__init__", &["self"], data(1000)))?;
    py.assign("small", name("SmallObject").call([]))?;
    py.assign("large", name("LargeObject").call([]))?;
    for source in ["small", "small.data", "large", "large.data"] {
        let e = match source.split_once('.') {
            Some((obj, attr)) => name(obj).attr(attr),
            None => name(source),
        };
        for b in py.blocks_of_value(e)? {
            let served = if py.allocator().is_pymalloc(b.addr) {
                let block = Obmalloc::block_size(b.request).unwrap_or(0);
                format!("pymalloc, a {block}-byte block")
            } else {
                "the system malloc".to_string()
            };
            py.print(format!(
                "{source:<10} {:<7} {:>5} bytes: {served}",
                b.what, b.request
            ));
        }
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_small_and_large

// ANCHOR: id_reuse
/// A freed block is the next one handed out in its size class, whatever the type.
pub fn id_reuse() -> Result<String> {
    let mut py = Heap::new();
    let ten = tuple([s("abcde"), s("fghij")]);
    let twenty = tuple(["abcde", "fghij", "klmno", "pqrst"].map(s));
    // CPython compiled the whole script before its first line ran: its constants exist.
    py.compile([ten.clone(), twenty.clone(), name("s2"), name("u2")])?;
    py.class(Class::new("Thing"))?;

    py.assign("t", name("Thing").call([]))?;
    let address = py.id(name("t"))?;
    py.del("t")?;
    py.assign("u", name("Thing").call([]))?;
    let same = py.id(name("u"))? == address;
    py.print(format!(
        "a new Thing gets the freed Thing's address: {}",
        py_bool(same)
    ));

    py.assign("v", name("Thing").call([]))?;
    let address = py.id(name("v"))?;
    py.del("v")?;
    py.assign("s", s("").method("join", [ten]))?; // 10 characters: 59 bytes, a 64-byte block
    let same = py.id(name("s"))? == address - 32;
    py.print(format!(
        "a 10-character str gets its block: {}",
        py_bool(same)
    ));

    py.assign("w", name("Thing").call([]))?;
    let address = py.id(name("w"))?;
    py.del("w")?;
    py.assign("s2", s("").method("join", [twenty]))?; // 20 characters: 69 bytes, an 80-byte block
    let same = py.id(name("s2"))? == address - 32;
    py.print(format!(
        "a 20-character str gets its block: {}",
        py_bool(same)
    ));
    py.assign("u2", name("Thing").call([]))?;
    let same = py.id(name("u2"))? == address;
    py.print(format!("the next Thing does: {}", py_bool(same)));
    Ok(py.take_stdout())
}
// ANCHOR_END: id_reuse

// ANCHOR: model_fragmentation
/// One live block keeps its pool, and one used pool keeps its arena.
pub fn model_fragmentation() -> Result<String> {
    let mut py = Heap::new();
    let report = |py: &mut Heap, when: &str| {
        let st = py.allocator().stats();
        let c64 = &st.classes[3]; // the 64-byte size class
        py.print(format!(
            "{when:<26} {:>6} {:>6} {:>6} {:>8} {:>8}",
            st.arenas_allocated_current,
            st.pools_in_use,
            c64.num_pools,
            c64.blocks_in_use,
            c64.avail_blocks
        ));
    };
    py.print("                           arenas  pools  64-byte class:");
    py.print("                                          pools     used     free");
    py.compile([name("strings"), name("keep"), name("i")])?; // the names exist before the first line
    report(&mut py, "start");
    let strings = list_comp(
        name("str").call([name("i")]),
        "i",
        name("range").call([int(100_000)]),
    );
    py.comprehension(&strings, |py, value| py.assign("strings", value))?; // 100,000 small strs
    report(&mut py, "100,000 strings");
    py.assign("keep", list([]))?;
    let every_255th = name("strings").item(mul(name("i"), int(255)));
    py.for_in("i", name("range").call([int(393)]), |py| {
        py.exec(name("keep").method("append", [every_255th.clone()]))?; // keep.append(strings[i * 255])
        Ok(Flow::Continue)
    })?;
    py.del("strings")?;
    report(&mut py, "all but every 255th freed");
    py.del("keep")?;
    report(&mut py, "all freed");
    py.gc_collect(2)?; // a full collection also empties the free lists
    report(&mut py, "after gc.collect()");
    Ok(py.take_stdout())
}
// ANCHOR_END: model_fragmentation

// ANCHOR: model_debugmallocstats
/// `sys._debugmallocstats()`'s report, for the model's heap after the seed's two objects.
pub fn model_debugmallocstats() -> Result<String> {
    let mut py = Heap::new();
    // self.data = [0] * 10 (SmallObject) or [0] * 1000 (LargeObject)
    let data =
        |n: i128| body(move |py| py.assign_attr(name("self"), "data", mul(list([int(0)]), int(n))));
    py.class(Class::new("SmallObject").method("__init__", &["self"], data(10)))?;
    py.class(Class::new("LargeObject").method("__init__", &["self"], data(1000)))?;
    py.assign("small", name("SmallObject").call([]))?;
    py.assign("large", name("LargeObject").call([]))?;
    let report = py.allocator().stats().render();
    for line in report
        .lines()
        .take_while(|l| !l.starts_with("arena map counts"))
    {
        py.print(line);
    }
    Ok(py.take_stdout())
}
// ANCHOR_END: model_debugmallocstats

/// A scenario's name (shared by its snapshot and python twin) and function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name (the snapshot and python script share it).
pub const SCENARIOS: &[Scenario] = &[
    ("model_geometry", model_geometry),
    ("model_size_classes", model_size_classes),
    ("small_and_large", small_and_large),
    ("model_small_and_large", model_small_and_large),
    ("id_reuse", id_reuse),
    ("model_fragmentation", model_fragmentation),
    ("model_debugmallocstats", model_debugmallocstats),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
