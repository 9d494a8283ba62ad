//! Chapter scenarios: snapshots and the python3 comparison (see tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(ch16_gil, "../examples/ch16_gil.rs");
