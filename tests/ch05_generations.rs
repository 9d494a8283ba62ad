//! Chapter scenarios: snapshots and the python3 comparison (see tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(ch05_generations, "../examples/ch05_generations.rs");
