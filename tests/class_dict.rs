//! A class's `__dict__` scenarios: snapshots and the python3 comparison (see
//! tests/scenario_check).
#[macro_use]
mod scenario_check;
chapter!(class_dict, "class_dict/scenarios.rs");
