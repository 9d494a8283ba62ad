//! Two views of memory beside the model's `tracemalloc`: a `memory_profiler`-style
//! line-by-line report of modeled memory, and the real process's resident and virtual size.
//!
//! # The line report
//! `memory_profiler`'s `@profile` (version 0.61) runs the decorated function under
//! `sys.settrace` and, at every line event, measures memory and charges it to the line that
//! just finished: *Mem usage* is the highest measurement seen after that line, *Increment*
//! the sum, over its executions, of what memory grew by since the line before it, and
//! *Occurrences* how often it ran. With its `tracemalloc` backend, "memory" is the size of
//! the live traced blocks allocated by lines of the profiled file.
//! [`Heap::memory_profile`] does the same over the model: the reader gives the Python
//! listing, runs each line's statements with [`Profiled::line`] inside the function's frame,
//! and memory is the model's traced memory for the reader's file, in MiB.
//!
//! # The process
//! [`ProcessMemory::current`] reads this process's `VmRSS` and `VmSize` from
//! `/proc/self/status` (Linux), which is what `psutil.Process().memory_info()` reports as
//! `rss` and `vms`. It is the memory of the Rust program running the model, *not* of a
//! modeled CPython: the two must not be mixed, and the chapter prints them apart.

use std::collections::BTreeMap;
use std::panic::Location;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::heap::Heap;
use crate::names::Frame;
use crate::tracemalloc::normalize_path;

/// `_TWO_20` in memory_profiler: bytes per MiB.
const MIB: f64 = 1_048_576.0;

/// The source of the profiled Python function, as the report prints it.
#[derive(Clone, Debug)]
pub struct Listing {
    filename: String,
    first_line: u32,
    lines: Vec<String>,
}

impl Listing {
    /// A listing whose first line (the decorator, or the `def`) is line `first_line` of the
    /// file `filename` (memory_profiler prints the name as the script was given to it).
    pub fn new(filename: &str, first_line: u32, source: &str) -> Listing {
        Listing {
            filename: filename.to_string(),
            first_line,
            lines: source.lines().map(str::to_string).collect(),
        }
    }

    /// The lines of `source` between `# ANCHOR: anchor` and `# ANCHOR_END: anchor` (the
    /// markers mdBook includes by), numbered from 1.
    pub fn from_anchor(filename: &str, source: &str, anchor: &str) -> Result<Listing> {
        let start = format!("# ANCHOR: {anchor}");
        let end = format!("# ANCHOR_END: {anchor}");
        let lines: Vec<&str> = source.lines().collect();
        let missing = || Error::Value(format!("no anchor '{anchor}' in {filename}"));
        let from = lines
            .iter()
            .position(|l| l.trim() == start)
            .ok_or_else(missing)?;
        let to = lines[from..]
            .iter()
            .position(|l| l.trim() == end)
            .ok_or_else(missing)?;
        Ok(Listing::new(
            filename,
            1,
            &lines[from + 1..from + to].join("\n"),
        ))
    }

    fn text(&self, lineno: u32) -> Option<&str> {
        let i = lineno.checked_sub(self.first_line)? as usize;
        self.lines.get(i).map(String::as_str)
    }
}

/// One line's measurements: `(increment, mem usage, occurrences)` in MiB, as
/// memory_profiler's `CodeMap` keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LineMemory {
    /// Sum over executions of (memory after the line - memory after the line before).
    pub increment: f64,
    /// Highest memory measured after the line.
    pub mem_usage: f64,
    /// Times the line ran.
    pub occurrences: u32,
}

/// The result of [`Heap::memory_profile`].
#[derive(Clone, Debug)]
pub struct Report {
    listing: Listing,
    lines: BTreeMap<u32, LineMemory>,
}

impl Report {
    /// The measurements of a line, if it ran.
    pub fn line(&self, lineno: u32) -> Option<LineMemory> {
        self.lines.get(&lineno).copied()
    }

    /// `memory_profiler.show_results(prof, precision=1)`, line for line: the header, then
    /// every line of the listing, with measurements where the line ran.
    pub fn show_results(&self) -> String {
        self.show_results_with_precision(1)
    }

    /// `show_results` with `precision` decimals.
    pub fn show_results_with_precision(&self, precision: usize) -> String {
        let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
            format!("{a:>6} {b:>12} {c:>12}  {d:>10}   {e}")
        };
        let mem = |v: f64| format!("{v:>w$.precision$} MiB", w = precision + 4);
        let header = row(
            "Line #",
            "Mem usage",
            "Increment",
            "Occurrences",
            "Line Contents",
        );
        let mut out = format!("Filename: {}\n\n{header}\n", self.listing.filename);
        out.push_str(&"=".repeat(header.chars().count()));
        out.push('\n');
        for (i, text) in self.listing.lines.iter().enumerate() {
            let lineno = self.listing.first_line + i as u32;
            let line = match self.lines.get(&lineno) {
                Some(m) => row(
                    &lineno.to_string(),
                    &mem(m.mem_usage),
                    &mem(m.increment),
                    &m.occurrences.to_string(),
                    text,
                ),
                None => row(&lineno.to_string(), "", "", "", text),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("\n\n");
        out
    }
}

/// The profiled function while it runs: [`Profiled::line`] is `sys.settrace`'s line event.
pub struct Profiled<'h> {
    /// The heap, for statements outside any measured line.
    pub py: &'h mut Heap,
    file: Rc<str>,
    listing: Listing,
    lines: BTreeMap<u32, LineMemory>,
    /// The line running now (memory_profiler's `prevlines[-1]`).
    current: u32,
    /// The line that ran before it (`prev_lineno`).
    prev_lineno: Option<u32>,
}

impl Profiled<'_> {
    /// Traced memory of blocks allocated by lines of the profiled file, in MiB
    /// (memory_profiler's `tracemalloc` backend).
    fn memory(&self) -> f64 {
        self.py.tracer.traced_memory_of_file(&self.file) as f64 / MIB
    }

    /// `CodeMap.trace`: charge the memory measured now to `lineno`.
    fn trace(&mut self, lineno: u32) {
        let memory = self.memory();
        let prev = self.lines.get(&lineno).copied().unwrap_or_default();
        let prev_line_memory = self
            .prev_lineno
            .and_then(|p| self.lines.get(&p))
            .map(|m| m.mem_usage)
            .unwrap_or(0.0);
        self.lines.insert(
            lineno,
            LineMemory {
                increment: prev.increment + (memory - prev_line_memory),
                mem_usage: memory.max(prev.mem_usage),
                occurrences: prev.occurrences + 1,
            },
        );
    }

    /// Run line `lineno` of the listing: the line before it is measured (its memory is now
    /// known), then `f` runs the line's statements.
    pub fn line<T>(&mut self, lineno: u32, f: impl FnOnce(&mut Heap) -> Result<T>) -> Result<T> {
        if self.listing.text(lineno).is_none() {
            return Err(Error::Value(format!(
                "line {lineno} is not in the listing of {}",
                self.listing.filename
            )));
        }
        let finished = self.current;
        self.trace(finished);
        self.prev_lineno = Some(finished);
        self.current = lineno;
        f(self.py)
    }
}

impl Heap {
    /// Profile a function line by line, as `@profile` does: a frame named `function` is
    /// pushed, `body` runs its lines through [`Profiled::line`], and the report charges
    /// memory to each line of `listing`. Tracing is started if it is off (the `tracemalloc`
    /// backend does so) and left as it was. The frame's locals are released when it returns,
    /// after the last measurement, as memory_profiler's `return` event comes first.
    #[track_caller]
    pub fn memory_profile(
        &mut self,
        function: &str,
        listing: Listing,
        body: impl FnOnce(&mut Profiled<'_>) -> Result<()>,
    ) -> Result<Report> {
        let file: Rc<str> = Rc::from(normalize_path(Location::caller().file()));
        let was_tracing = self.tracer.is_tracing();
        if !was_tracing {
            self.tracer.start();
        }
        let code = self.current_code();
        self.frames.push(Frame {
            name: Rc::from(function),
            code,
            locals: Vec::new(),
            retval: None,
            frame_obj: None,
        });
        let mut prof = Profiled {
            py: self,
            file,
            current: listing.first_line,
            listing,
            lines: BTreeMap::new(),
            prev_lineno: None,
        };
        let r = body(&mut prof);
        // The `return` event: the last line is measured before the frame is cleared.
        let last = prof.current;
        prof.trace(last);
        let Profiled { listing, lines, .. } = prof;
        let frame = self.frames.pop().expect("pushed above");
        for v in frame
            .locals
            .into_iter()
            .filter_map(|(_, v)| v)
            .chain(frame.retval)
        {
            self.decref(v);
        }
        if !was_tracing {
            self.tracer.stop();
        }
        r.map(|_| Report { listing, lines })
    }
}

/// Python's `format(n, ',')`: the digits grouped by threes with commas (`3,992,904`).
pub fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in KiB, rounded to a whole number as Python's `format(x / 1024, ',.0f')` rounds
/// (half to even), with thousands separators.
pub fn kib(bytes: usize) -> String {
    thousands((bytes as f64 / 1024.0).round_ties_even() as i128)
}

/// The real memory of this process (the Rust program running the model), as
/// `psutil.Process().memory_info()` reports it on Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessMemory {
    /// Resident set size: bytes of the process in RAM (`VmRSS`).
    pub rss: u64,
    /// Virtual memory size: bytes of address space mapped (`VmSize`).
    pub vms: u64,
}

impl ProcessMemory {
    /// Read `/proc/self/status`; `None` where the platform has no such file.
    pub fn current() -> Option<ProcessMemory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        Self::parse_status(&status)
    }

    /// The `VmRSS` and `VmSize` lines of a `/proc/<pid>/status` text (values in kB).
    pub fn parse_status(status: &str) -> Option<ProcessMemory> {
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            let kb: u64 = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kb * 1024)
        };
        Some(ProcessMemory {
            rss: field("VmRSS:")?,
            vms: field("VmSize:")?,
        })
    }

    /// Resident size in MiB (the seed's `rss / 1024 / 1024`).
    pub fn rss_mib(&self) -> f64 {
        self.rss as f64 / MIB
    }

    /// Virtual size in MiB.
    pub fn vms_mib(&self) -> f64 {
        self.vms as f64 / MIB
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-4_999_950_000), "-4,999,950,000");
        assert_eq!(kib(3_992_792), "3,899");
        assert_eq!(kib(512), "0"); // 0.5 rounds to even
        assert_eq!(kib(1536), "2");
    }

    #[test]
    fn parses_proc_status() {
        let text = "Name:\tx\nVmPeak:\t  9000 kB\nVmSize:\t  8000 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(
            ProcessMemory::parse_status(text),
            Some(ProcessMemory {
                rss: 1024 * 1024,
                vms: 8000 * 1024
            })
        );
        assert_eq!(ProcessMemory::parse_status("Name:\tx\n"), None);
    }
}
