//! What the criterion benches share: the python3 side of a comparison.
//!
//! Each bench prints, before the model's figures, the same operations timed in the real
//! python3 with `timeit` (best of five repeats of an `autorange`d loop), so the two can be
//! read side by side in one run. Nothing is compared with stored numbers.

#![allow(dead_code)] // each bench uses a part of it

use std::process::Command;

/// Whether this run times anything: `cargo bench` passes `--bench`; `cargo test --benches`
/// does not (criterion then runs each bench once, as a test), and `--list` only lists.
pub fn timing() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list")
}

/// Time each `(label, statement)` in python3 after `setup`; print one line per statement
/// (`python3: <group>/<label>: 12.3 ns`). Prints why if python3 is missing or fails.
pub fn python3_timeit(group: &str, setup: &str, stmts: &[(&str, &str)]) {
    if !timing() {
        return;
    }
    let mut script = String::from("import timeit\n");
    script.push_str(&format!("setup = {setup:?}\n"));
    script.push_str("g = {}\nexec(setup, g)\n");
    for (label, stmt) in stmts {
        script.push_str(&format!(
            "t = timeit.Timer({stmt:?}, globals=g)\n\
             n, _ = t.autorange()\n\
             best = min(t.repeat(5, n)) / n\n\
             print(f'python3: {group}/{label}: {{best * 1e9:.1f}} ns   ({{n}} loops, best of 5)')\n"
        ));
    }
    run(&script);
}

/// Run a python3 script and print its output (or why it did not run); only when timing.
pub fn run(script: &str) {
    if !timing() {
        return;
    }
    match Command::new("python3").args(["-I", "-c", script]).output() {
        Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Ok(out) => println!(
            "python3 failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(_) => println!("python3 not found: only the model is timed"),
    }
}
