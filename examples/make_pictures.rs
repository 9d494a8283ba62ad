//! Draw every picture in the book from the heap itself: `cargo run --example make_pictures`
//! (the book build runs it first). Writes `book/src/pictures/<name>.svg`.
//!
//! Object-graph pictures are taken by the chapters' own scenarios at their key steps
//! (`Heap::picture`); this program runs every scenario and collects them. Plots and the
//! allocator map come from the small runs in [`plots`].

use std::path::PathBuf;

use pyheap::picture::HeapGraph;

#[path = "ch01_names.rs"]
#[allow(dead_code)]
mod ch01_names;
#[path = "ch02_refcounting.rs"]
#[allow(dead_code)]
mod ch02_refcounting;
#[path = "ch03_cycles.rs"]
#[allow(dead_code)]
mod ch03_cycles;
#[path = "ch04_collector.rs"]
#[allow(dead_code)]
mod ch04_collector;
#[path = "ch06_finalizers.rs"]
#[allow(dead_code)]
mod ch06_finalizers;
#[path = "ch07_weakrefs.rs"]
#[allow(dead_code)]
mod ch07_weakrefs;
#[path = "ch08_leaks.rs"]
#[allow(dead_code)]
mod ch08_leaks;
#[path = "ch09_interning.rs"]
#[allow(dead_code)]
mod ch09_interning;
#[path = "ch11_slots.rs"]
#[allow(dead_code)]
mod ch11_slots;
#[path = "ch12_membership.rs"]
#[allow(dead_code)]
mod ch12_membership;
#[path = "ch15_generators.rs"]
#[allow(dead_code)]
mod ch15_generators;
#[path = "ch17_practices.rs"]
#[allow(dead_code)]
mod ch17_practices;
#[path = "support/pictures.rs"]
pub mod pictures;

type Scenarios = &'static [(&'static str, fn() -> pyheap::Result<String>)];

/// A scenario's name and the pictures it took (file name, graph).
pub type ScenarioPictures = (&'static str, Vec<(String, HeapGraph)>);

/// Run every chapter scenario, collecting the pictures each takes.
pub fn scenario_pictures() -> Result<Vec<ScenarioPictures>, String> {
    let chapters: [Scenarios; 12] = [
        ch01_names::SCENARIOS,
        ch02_refcounting::SCENARIOS,
        ch03_cycles::SCENARIOS,
        ch04_collector::SCENARIOS,
        ch06_finalizers::SCENARIOS,
        ch07_weakrefs::SCENARIOS,
        ch08_leaks::SCENARIOS,
        ch09_interning::SCENARIOS,
        ch11_slots::SCENARIOS,
        ch12_membership::SCENARIOS,
        ch15_generators::SCENARIOS,
        ch17_practices::SCENARIOS,
    ];
    let mut all = Vec::new();
    for scenarios in chapters {
        for (name, scenario) in scenarios {
            let (result, graphs) = pyheap::graph::collect_pictures(scenario);
            result.map_err(|e| format!("scenario {name}: {e}"))?;
            if !graphs.is_empty() {
                all.push((*name, graphs));
            }
        }
    }
    Ok(all)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = [env!("CARGO_MANIFEST_DIR"), "book", "src", "pictures"]
        .iter()
        .collect();
    std::fs::create_dir_all(&out)?;
    let mut written = 0;
    for (_, graphs) in scenario_pictures()? {
        for (file, g) in graphs {
            std::fs::write(out.join(format!("{file}.svg")), g.to_svg())?;
            written += 1;
        }
    }
    for (file, svg) in pictures::all()? {
        std::fs::write(out.join(format!("{file}.svg")), svg.0)?;
        written += 1;
    }
    println!("wrote {written} pictures to {}", out.display());
    Ok(())
}
