//! Chapter scenarios: snapshots and the python3 comparison (see tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(ch10_sizes, "../examples/ch10_sizes.rs");
