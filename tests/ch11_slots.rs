//! Chapter scenarios: snapshots and the python3 comparison (see tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(ch11_slots, "../examples/ch11_slots.rs");
