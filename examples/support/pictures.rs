//! The book's plots and allocator maps, each drawn from a small run on the heap. Used by
//! `make_pictures` (which writes them) and by `tests/pictures.rs` (which locks what they
//! show through their text descriptions).

use pyheap::picture::{ArenaMap, ArenaRow, Plot, PoolCell, Series};
use pyheap::prelude::*;

/// A picture: its SVG and its text description.
pub struct Drawn(pub String, pub String);

/// Every plot and map, by file name.
pub fn all() -> Result<Vec<(&'static str, Drawn)>> {
    Ok(vec![
        ("ch05_gen0_count", gen0_count()?),
        ("ch10_list_growth", list_growth()?),
        ("ch13_arena_map", arena_map()?),
        ("ch14_traced_memory", traced_memory()?),
    ])
}

/// The generation-0 count while 2,500 lists are made and kept: it climbs to the threshold
/// (700), a collection resets it, and so on.
pub fn gen0_count() -> Result<Drawn> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.assign("keep", list([]))?;
    let mut points = Vec::new();
    let mut markers = Vec::new();
    let mut seen = py.gc_callback_log().len();
    for i in 0..2500 {
        py.exec(name("keep").method("append", [list([])]))?;
        let (c0, _, _) = py.gc_get_count();
        points.push((f64::from(i + 1), c0 as f64));
        let log = py.gc_callback_log();
        if log.len() > seen {
            let generation = log[seen].generation;
            markers.push((
                f64::from(i + 1),
                format!("generation {generation} collection"),
            ));
            seen = log.len();
        }
    }
    let plot = Plot {
        title: "gc.get_count()[0] while making 2,500 lists".into(),
        x_label: "lists made".into(),
        y_label: "generation-0 count".into(),
        series: vec![Series {
            name: "count".into(),
            points,
        }],
        markers,
        step: true,
    };
    Ok(Drawn(plot.to_svg(), plot.describe()))
}

/// `sys.getsizeof(l)` after each of 200 appends: list_resize's over-allocation steps.
pub fn list_growth() -> Result<Drawn> {
    let mut py = Heap::new();
    py.assign("l", list([]))?;
    let mut points = vec![(0.0, py.getsizeof(name("l"))? as f64)];
    for i in 1..=200 {
        py.exec(name("l").method("append", [int(i)]))?;
        points.push((i as f64, py.getsizeof(name("l"))? as f64));
    }
    let plot = Plot {
        title: "sys.getsizeof(l) while appending".into(),
        x_label: "len(l)".into(),
        y_label: "bytes".into(),
        series: vec![Series {
            name: "getsizeof".into(),
            points,
        }],
        markers: Vec::new(),
        step: true,
    };
    Ok(Drawn(plot.to_svg(), plot.describe()))
}

/// pymalloc's arenas after making 3,000 small objects of three sizes and freeing every
/// other one: pools stay partly used, and no arena can be given back.
pub fn arena_map() -> Result<Drawn> {
    let mut py = Heap::new();
    py.assign("keep", list([]))?;
    for i in 0..3000 {
        let e = match i % 3 {
            0 => list([]),
            1 => tuple([int(i), int(i + 1)]),
            _ => float(i as f64),
        };
        py.exec(name("keep").method("append", [e]))?;
    }
    py.assign("keep", name("keep").item(int(0)))?;
    let rows = py
        .allocator()
        .arenas()
        .into_iter()
        .map(|a| ArenaRow {
            label: format!("arena {} at {:#x}", a.index, a.address),
            pools: a
                .pools
                .iter()
                .map(|p| PoolCell {
                    size_class: p.size_class.map(|_| p.block_size),
                    used: p.used_blocks,
                    total: p.total_blocks,
                })
                .collect(),
        })
        .collect();
    let map = ArenaMap { arenas: rows };
    Ok(Drawn(map.to_svg(), map.describe()))
}

/// tracemalloc's traced memory while a list of 10,000 ints is built and dropped. The ints
/// are made at run time (`range`), as `data.extend(range(a, b))` makes them, not literals:
/// a literal would be a constant that the code object keeps alive.
pub fn traced_memory() -> Result<Drawn> {
    let mut py = Heap::new();
    py.tracemalloc().start();
    py.assign("data", list([]))?;
    let mut points = vec![(0.0, py.tracemalloc().get_traced_memory().0 as f64 / 1024.0)];
    for k in 0..100i128 {
        let (a, b) = (1000 + k * 100, 1000 + (k + 1) * 100);
        py.exec(name("data").method("extend", [name("range").call([int(a), int(b)])]))?;
        points.push((
            ((k + 1) * 100) as f64,
            py.tracemalloc().get_traced_memory().0 as f64 / 1024.0,
        ));
    }
    py.del("data")?;
    points.push((
        10_000.0,
        py.tracemalloc().get_traced_memory().0 as f64 / 1024.0,
    ));
    let plot = Plot {
        title: "traced memory while appending 10,000 ints, then del".into(),
        x_label: "items appended".into(),
        y_label: "KiB traced".into(),
        series: vec![Series {
            name: "current".into(),
            points,
        }],
        markers: vec![(10_000.0, "del data".into())],
        step: false,
    };
    Ok(Drawn(plot.to_svg(), plot.describe()))
}
