//! Chapter scenarios: snapshots and the python3 comparison (see tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(ch17_practices, "../examples/ch17_practices.rs");
