//! Allocation tracing: the model's `tracemalloc` (3.11's `Modules/_tracemalloc.c` and
//! `Lib/tracemalloc.py`).
//!
//! Every allocation the heap makes (object blocks and separate buffers such as a list's items
//! array or a dict's keys table) passes through `Tracer::on_alloc`, and every block given
//! back to the allocator through `Tracer::on_free`. While tracing is on, each live block
//! has a *trace*: its size (the bytes requested, as tracemalloc records them, not the
//! allocator's rounded block) and the traceback of where it was allocated.
//!
//! Where CPython's traceback is made of Python frames, the model's is made of the reader's
//! own Rust lines: every public statement method of [`Heap`] (`assign`, `exec`, `ret`, ...)
//! is `#[track_caller]` and pushes the line that called it while it runs, so
//! `snapshot.statistics("lineno")` points at the chapter's code. A function body runs its
//! statements inside the caller's statement, so a traceback of several frames reads like
//! Python's: the body's line, then the line that called the function.
//!
//! # What is counted, here and in 3.11
//! - Both count a block from the moment it is allocated to the moment it goes back to the
//!   allocator. A block kept on a type's free list (lists, dicts, tuples, floats) is still
//!   allocated: it stays traced, and the object that reuses it takes the block's trace over
//!   with a new traceback (`_PyTraceMalloc_NewReference`). A free-list block that was
//!   allocated before tracing started stays untraced when reused.
//! - Both record the size *requested*: a one-digit int made at run time asks for
//!   `sizeof(PyLongObject)`, 32 bytes, even though `sys.getsizeof` says 28.
//! - 3.11 also traces what the interpreter allocates for itself through the same
//!   allocators: the parser and compiler, code objects made when a module is compiled,
//!   `take_snapshot()`'s own result (a tuple of tuples), dict key tables taken from the keys
//!   free list, strings made by `print` and f-strings. The model traces only the heap's
//!   objects and their buffers, so the chapters compare lines that allocate objects, filtered
//!   to the scenario's own file.
//! - 3.11 frames live in per-thread data-stack chunks obtained from the arena allocator,
//!   which tracemalloc does not see; the model does not allocate frames at all. Both agree:
//!   a call costs no traced memory unless a frame object is asked for.
//! - The model's snapshot is a Rust value, not heap objects: taking one does not change
//!   `get_traced_memory()`, while 3.11's grows by the snapshot's tuples.

use foldhash::HashMap as FastMap;
use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::panic::Location;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::object::MemSource;

/// `MAX_NFRAME` in `_tracemalloc.c`: the most frames a traceback can keep.
pub const MAX_NFRAME: usize = 65535;

/// tracemalloc's domain for Python's own allocations (`DEFAULT_DOMAIN`). Extensions such as
/// numpy trace their buffers in other domains; the model has only this one.
pub const DEFAULT_DOMAIN: u32 = 0;

/// One frame of a traceback (`tracemalloc.Frame`): a file and a line of the reader's code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Frame {
    /// Source file, as the compiler names it, with `.` and `..` components resolved.
    pub filename: Rc<str>,
    /// Line number (0 when unknown).
    pub lineno: u32,
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.filename, self.lineno)
    }
}

/// `tracemalloc.Traceback`: frames from the oldest to the most recent, as Python's API
/// orders them. Tracebacks compare by their frames in that order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Traceback {
    frames: Vec<Frame>,
    total_nframe: Option<usize>,
}

impl Traceback {
    /// A traceback from frames given most recent first (the C module's order).
    fn from_c_order(frames: &[Frame], total_nframe: Option<usize>) -> Traceback {
        Traceback {
            frames: frames.iter().rev().cloned().collect(),
            total_nframe,
        }
    }

    /// The frames, oldest first (`tuple(traceback)`).
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The most recent frame: the line that made the allocation.
    pub fn most_recent(&self) -> &Frame {
        self.frames
            .last()
            .expect("invariant: a traceback has at least one frame")
    }

    /// How many frames the stack had when the block was allocated (`total_nframe`), before
    /// truncation to the traceback limit. `None` for the tracebacks of statistics.
    pub fn total_nframe(&self) -> Option<usize> {
        self.total_nframe
    }

    /// `Traceback.format(most_recent_first=...)` without source lines: one
    /// `  File "...", line N` per frame.
    pub fn format(&self, most_recent_first: bool) -> Vec<String> {
        let line = |fr: &Frame| format!("  File \"{}\", line {}", fr.filename, fr.lineno);
        if most_recent_first {
            self.frames.iter().rev().map(line).collect()
        } else {
            self.frames.iter().map(line).collect()
        }
    }
}

/// `str(traceback)` is `str(traceback[0])`: the *oldest* frame (for a one-frame traceback,
/// the allocating line).
impl fmt::Display for Traceback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frames.first() {
            Some(fr) => fr.fmt(f),
            None => f.write_str("<empty traceback>"),
        }
    }
}

/// One traced memory block (`tracemalloc.Trace`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Address space of the block ([`DEFAULT_DOMAIN`]).
    pub domain: u32,
    /// Bytes requested.
    pub size: usize,
    /// Where it was allocated.
    pub traceback: Traceback,
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.traceback,
            format_size(self.size as f64, false)
        )
    }
}

/// `_format_size` in `Lib/tracemalloc.py`: 1,023 bytes print as `1023 B`, then KiB, MiB, ...
/// with three significant digits below 100 and none above.
pub fn format_size(size: f64, sign: bool) -> String {
    let mut size = size;
    for unit in ["B", "KiB", "MiB", "GiB", "TiB"] {
        if size.abs() < 100.0 && unit != "B" {
            return if sign {
                format!("{size:+.1} {unit}")
            } else {
                format!("{size:.1} {unit}")
            };
        }
        if size.abs() < 10.0 * 1024.0 || unit == "TiB" {
            return if sign {
                format!("{size:+.0} {unit}")
            } else {
                format!("{size:.0} {unit}")
            };
        }
        size /= 1024.0;
    }
    unreachable!("the TiB branch always returns")
}

/// Allocations grouped by traceback (`tracemalloc.Statistic`). Displays as
/// `file:line: size=388 KiB, count=9744, average=41 B`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statistic {
    /// The group: a line, a file (line 0) or a whole traceback.
    pub traceback: Traceback,
    /// Total bytes.
    pub size: usize,
    /// Number of blocks.
    pub count: usize,
}

impl Statistic {
    /// The part of `str(stat)` after the location: `size=..., count=..., average=...`.
    pub fn numbers(&self) -> String {
        let mut text = format!(
            "size={}, count={}",
            format_size(self.size as f64, false),
            self.count
        );
        if self.count > 0 {
            let average = self.size as f64 / self.count as f64;
            text.push_str(&format!(", average={}", format_size(average, false)));
        }
        text
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.traceback, self.numbers())
    }
}

/// The difference of one group between two snapshots (`tracemalloc.StatisticDiff`).
/// Displays as `file:line: size=7.6 MiB (+7.6 MiB), count=999744 (+999744), average=8 B`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatisticDiff {
    /// The group.
    pub traceback: Traceback,
    /// Bytes in the new snapshot.
    pub size: usize,
    /// New minus old bytes.
    pub size_diff: i64,
    /// Blocks in the new snapshot.
    pub count: usize,
    /// New minus old blocks.
    pub count_diff: i64,
}

impl StatisticDiff {
    /// The part of `str(diff)` after the location.
    pub fn numbers(&self) -> String {
        let mut text = format!(
            "size={} ({}), count={} ({:+})",
            format_size(self.size as f64, false),
            format_size(self.size_diff as f64, true),
            self.count,
            self.count_diff
        );
        if self.count > 0 {
            let average = self.size as f64 / self.count as f64;
            text.push_str(&format!(", average={}", format_size(average, false)));
        }
        text
    }
}

impl fmt::Display for StatisticDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.traceback, self.numbers())
    }
}

/// How `statistics` and `compare_to` group traces: `'lineno'`, `'filename'` or
/// `'traceback'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// By the allocating line (the most recent frame).
    Lineno,
    /// By the allocating file (shown with line 0).
    Filename,
    /// By the whole traceback.
    Traceback,
}

impl std::str::FromStr for KeyType {
    type Err = Error;
    fn from_str(s: &str) -> Result<KeyType> {
        match s {
            "lineno" => Ok(KeyType::Lineno),
            "filename" => Ok(KeyType::Filename),
            "traceback" => Ok(KeyType::Traceback),
            other => Err(Error::Value(format!("unknown key_type: '{other}'"))),
        }
    }
}

/// `tracemalloc.Filter`: keep (inclusive) or drop (exclusive) traces whose most recent frame
/// (or any frame, with [`Filter::all_frames`]) matches a filename pattern (`fnmatch`
/// syntax: `*`, `?`, `[...]`) and optionally a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Keep matches (true) or drop them (false).
    pub inclusive: bool,
    filename_pattern: String,
    /// Only this line of the file.
    pub lineno: Option<u32>,
    /// Match any frame of the traceback, not only the most recent.
    pub all_frames: bool,
    /// Only this domain.
    pub domain: Option<u32>,
}

impl Filter {
    /// `tracemalloc.Filter(inclusive, filename_pattern)`. Pass `file!()` for "this file".
    pub fn new(inclusive: bool, filename_pattern: &str) -> Filter {
        Filter {
            inclusive,
            filename_pattern: normalize_path(filename_pattern),
            lineno: None,
            all_frames: false,
            domain: None,
        }
    }

    /// `Filter(..., lineno=n)`
    pub fn lineno(mut self, lineno: u32) -> Filter {
        self.lineno = Some(lineno);
        self
    }

    /// `Filter(..., all_frames=True)`
    pub fn all_frames(mut self) -> Filter {
        self.all_frames = true;
        self
    }

    /// `Filter(..., domain=d)`
    pub fn domain(mut self, domain: u32) -> Filter {
        self.domain = Some(domain);
        self
    }

    /// The normalized pattern.
    pub fn filename_pattern(&self) -> &str {
        &self.filename_pattern
    }

    fn match_frame_impl(&self, frame: &Frame) -> bool {
        fnmatch(&self.filename_pattern, &frame.filename)
            && self.lineno.is_none_or(|l| l == frame.lineno)
    }

    fn match_trace(&self, trace: &Trace) -> bool {
        let res = if self.all_frames {
            if trace
                .traceback
                .frames
                .iter()
                .any(|f| self.match_frame_impl(f))
            {
                self.inclusive
            } else {
                !self.inclusive
            }
        } else {
            self.match_frame_impl(trace.traceback.most_recent()) ^ !self.inclusive
        };
        match self.domain {
            Some(d) if self.inclusive => res && trace.domain == d,
            Some(d) => res || trace.domain != d,
            None => res,
        }
    }
}

/// `tracemalloc.DomainFilter`: keep or drop the traces of one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainFilter {
    /// Keep matches (true) or drop them (false).
    pub inclusive: bool,
    /// The domain.
    pub domain: u32,
}

/// Either kind of filter, for [`Snapshot::filter_traces`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceFilter {
    /// A filename filter.
    File(Filter),
    /// A domain filter.
    Domain(DomainFilter),
}

impl From<Filter> for TraceFilter {
    fn from(f: Filter) -> TraceFilter {
        TraceFilter::File(f)
    }
}

impl From<DomainFilter> for TraceFilter {
    fn from(f: DomainFilter) -> TraceFilter {
        TraceFilter::Domain(f)
    }
}

impl TraceFilter {
    fn inclusive(&self) -> bool {
        match self {
            TraceFilter::File(f) => f.inclusive,
            TraceFilter::Domain(d) => d.inclusive,
        }
    }

    fn matches(&self, trace: &Trace) -> bool {
        match self {
            TraceFilter::File(f) => f.match_trace(trace),
            TraceFilter::Domain(d) => (trace.domain == d.domain) ^ !d.inclusive,
        }
    }
}

/// `fnmatch.fnmatch` on already normalized names: `*` any run, `?` one character, `[...]`
/// a set (`[!...]` its complement); everything else literal.
fn fnmatch(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Classic backtracking on the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = match_class(&p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        // An unclosed `[` is a literal.
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A `[...]` set at `p[start]`: whether `c` is in it and where the pattern continues, or
/// `None` if the bracket is not closed.
fn match_class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = p.get(i) == Some(&'!');
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((found != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            found |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            found |= p[i] == c;
            i += 1;
        }
    }
    None
}

/// Resolve `.` and `..` components lexically (`tests/../examples/x.rs` → `examples/x.rs`),
/// so a chapter's file has one name whether it was compiled as an example or as a test.
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A snapshot of the traces of live blocks (`tracemalloc.Snapshot`).
#[derive(Clone, Debug)]
pub struct Snapshot {
    traces: Vec<Trace>,
    /// Frames kept per traceback when it was taken (`get_traceback_limit()`).
    pub traceback_limit: usize,
}

impl Snapshot {
    /// The traces, one per live traced block, by address.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// `snapshot.filter_traces(filters)`: a new snapshot with the traces that pass every
    /// exclusive filter and, if there are inclusive ones, at least one of those.
    pub fn filter_traces(&self, filters: &[TraceFilter]) -> Snapshot {
        let (include, exclude): (Vec<&TraceFilter>, Vec<&TraceFilter>) =
            filters.iter().partition(|f| f.inclusive());
        let traces = self
            .traces
            .iter()
            .filter(|t| {
                (include.is_empty() || include.iter().any(|f| f.matches(t)))
                    && exclude.iter().all(|f| f.matches(t))
            })
            .cloned()
            .collect();
        Snapshot {
            traces,
            traceback_limit: self.traceback_limit,
        }
    }

    /// `Snapshot._group_by`: groups in order of first appearance.
    fn group_by(&self, key_type: KeyType, cumulative: bool) -> Result<Vec<Statistic>> {
        if cumulative && key_type == KeyType::Traceback {
            return Err(Error::Value(
                "cumulative mode cannot by used with key type 'traceback'".into(),
            ));
        }
        let mut index: HashMap<Traceback, usize> = HashMap::new();
        let mut stats: Vec<Statistic> = Vec::new();
        let mut add = |tb: Traceback, size: usize| match index.get(&tb) {
            Some(&i) => {
                stats[i].size += size;
                stats[i].count += 1;
            }
            None => {
                index.insert(tb.clone(), stats.len());
                stats.push(Statistic {
                    traceback: tb,
                    size,
                    count: 1,
                });
            }
        };
        let keyed = |fr: &Frame| match key_type {
            KeyType::Filename => Frame {
                filename: fr.filename.clone(),
                lineno: 0,
            },
            _ => fr.clone(),
        };
        for trace in &self.traces {
            let tb = &trace.traceback;
            if cumulative {
                // Each frame of the traceback counts the block once.
                for fr in tb.frames.iter().rev() {
                    add(Traceback::from_c_order(&[keyed(fr)], None), trace.size);
                }
            } else {
                let key = match key_type {
                    KeyType::Traceback => Traceback {
                        frames: tb.frames.clone(),
                        total_nframe: None,
                    },
                    _ => Traceback::from_c_order(&[keyed(tb.most_recent())], None),
                };
                add(key, trace.size);
            }
        }
        Ok(stats)
    }

    /// `snapshot.statistics(key_type)`: groups sorted by size, then count, then traceback,
    /// biggest first.
    pub fn statistics(&self, key_type: &str) -> Result<Vec<Statistic>> {
        self.statistics_by(key_type.parse()?, false)
    }

    /// `snapshot.statistics(key_type, cumulative=True)`: a block counts for every frame of
    /// its traceback, not only the most recent.
    pub fn statistics_cumulative(&self, key_type: &str) -> Result<Vec<Statistic>> {
        self.statistics_by(key_type.parse()?, true)
    }

    fn statistics_by(&self, key_type: KeyType, cumulative: bool) -> Result<Vec<Statistic>> {
        let mut stats = self.group_by(key_type, cumulative)?;
        stats.sort_by(|a, b| (b.size, b.count, &b.traceback).cmp(&(a.size, a.count, &a.traceback)));
        Ok(stats)
    }

    /// `snapshot.compare_to(old_snapshot, key_type)`: per group, the new size and count and
    /// their change, sorted by the absolute size change, biggest first. Groups only in the
    /// old snapshot appear with size 0.
    pub fn compare_to(&self, old: &Snapshot, key_type: &str) -> Result<Vec<StatisticDiff>> {
        let key_type: KeyType = key_type.parse()?;
        let new_group = self.group_by(key_type, false)?;
        let mut old_group = old.group_by(key_type, false)?;
        let mut diffs = Vec::new();
        for stat in new_group {
            let prev = old_group
                .iter()
                .position(|o| o.traceback == stat.traceback)
                .map(|i| old_group.remove(i));
            let (old_size, old_count) = prev.map(|p| (p.size, p.count)).unwrap_or((0, 0));
            diffs.push(StatisticDiff {
                size_diff: stat.size as i64 - old_size as i64,
                count_diff: stat.count as i64 - old_count as i64,
                traceback: stat.traceback,
                size: stat.size,
                count: stat.count,
            });
        }
        for stat in old_group {
            diffs.push(StatisticDiff {
                traceback: stat.traceback,
                size: 0,
                size_diff: -(stat.size as i64),
                count: 0,
                count_diff: -(stat.count as i64),
            });
        }
        diffs.sort_by(|a, b| {
            let key = |d: &StatisticDiff| {
                (
                    d.size_diff.unsigned_abs(),
                    d.size,
                    d.count_diff.unsigned_abs(),
                    d.count,
                )
            };
            (key(b), &b.traceback).cmp(&(key(a), &a.traceback))
        });
        Ok(diffs)
    }
}

/// A traceback as the traces share it: interned, so a trace holds its number, as
/// `_tracemalloc.c`'s traces point into its table of interned tracebacks.
#[derive(Debug, Clone)]
struct Stack {
    /// Most recent frame first (the C module's order).
    frames: Box<[Frame]>,
    total_nframe: usize,
}

/// A traceback's number: its index in [`Tracer::tracebacks`] plus one.
type StackId = NonZeroU32;

/// A live system-`malloc` block's trace.
#[derive(Debug, Clone, Copy)]
struct Entry {
    size: usize,
    stack: StackId,
}

/// A live pymalloc block's trace (at most 512 bytes): 8 bytes a slot.
#[derive(Debug, Clone, Copy)]
struct Small {
    size: u32,
    stack: StackId,
}

/// Every block is 16-byte aligned (pymalloc's `ALIGNMENT`, glibc's chunk alignment), so a
/// block's slot is its offset divided by 16.
const SLOT_SHIFT: u32 = crate::obmalloc::ALIGNMENT_SHIFT;
const ALIGN_MASK: u64 = (1 << SLOT_SHIFT) - 1;
/// pymalloc's arenas: the modeled `mmap` reuses the lowest free address first, so the
/// arenas in use are packed above the base and one flat array covers them. Up to 1 GiB of
/// arenas (a table of at most 512 MiB); blocks beyond go to the map.
const ARENA_BASE: u64 = crate::obmalloc::ARENA_MMAP_BASE;
const MAX_ARENA_SLOTS: usize = 1 << (30 - SLOT_SHIFT);

/// The live traces. A pymalloc block's trace is found by address arithmetic, the way
/// pymalloc finds a block's pool from its address: one slot per 16 bytes of the arenas.
/// Tracing a block is then an array write, and untracing it an array take, where a hash map
/// hashed and probed on both (most of tracing's cost). The system `malloc`'s blocks (over
/// 512 bytes, so few) stay in a map: the modeled heap does not coalesce free chunks, so its
/// top keeps growing and a table over it would grow too.
#[derive(Clone, Default)]
struct TraceTable {
    arenas: Vec<Option<Small>>,
    other: FastMap<u64, Entry>,
    len: usize,
}

impl fmt::Debug for TraceTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceTable")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl TraceTable {
    /// The arena slot of a block, or None for the map.
    #[inline]
    fn locate(addr: u64) -> Option<usize> {
        let i = (addr.wrapping_sub(ARENA_BASE) >> SLOT_SHIFT) as usize;
        (i < MAX_ARENA_SLOTS && addr & ALIGN_MASK == 0).then_some(i)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, addr: u64) -> Option<Entry> {
        match Self::locate(addr) {
            Some(i) => self.arenas.get(i).copied().flatten().map(Entry::from),
            None => self.other.get(&addr).copied(),
        }
    }

    /// Give a traced block another traceback; false if it is not traced.
    #[inline]
    fn set_stack(&mut self, addr: u64, stack: StackId) -> bool {
        let slot = match Self::locate(addr) {
            Some(i) => self
                .arenas
                .get_mut(i)
                .and_then(|s| s.as_mut())
                .map(|s| &mut s.stack),
            None => self.other.get_mut(&addr).map(|e| &mut e.stack),
        };
        slot.map(|s| *s = stack).is_some()
    }

    /// Trace the block at `addr`; returns the size of the trace it replaces.
    #[inline]
    fn insert(&mut self, addr: u64, size: usize, stack: StackId) -> Option<usize> {
        let old = match Self::locate(addr) {
            Some(i) => {
                if i >= self.arenas.len() {
                    self.grow_arenas(i);
                }
                // The arenas hold only pymalloc's blocks, of 512 bytes at most.
                let size = u32::try_from(size).expect("invariant: a pymalloc block is small");
                self.arenas[i]
                    .replace(Small { size, stack })
                    .map(|s| s.size as usize)
            }
            None => self
                .other
                .insert(addr, Entry { size, stack })
                .map(|e| e.size),
        };
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Cover slot `i`, doubling up to the limit (the arenas fill upwards as the heap grows).
    #[cold]
    fn grow_arenas(&mut self, i: usize) {
        // At least a pool's worth of slots (16 KiB / 16).
        let n = (i + 1)
            .max((2 * self.arenas.len()).min(MAX_ARENA_SLOTS))
            .max(1024);
        self.arenas.resize(n, None);
    }

    /// Untrace the block at `addr`; returns the size it was traced with.
    #[inline]
    fn remove(&mut self, addr: u64) -> Option<usize> {
        let old = match Self::locate(addr) {
            Some(i) => self.arenas.get_mut(i)?.take().map(|s| s.size as usize),
            None => self.other.remove(&addr).map(|e| e.size),
        };
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// Forget every trace, and give the tables' memory back.
    fn clear(&mut self) {
        *self = TraceTable::default();
    }

    /// Every trace with its block's address, in address order.
    fn by_address(&self) -> Vec<(u64, Entry)> {
        let arenas = self.arenas.iter().enumerate().filter_map(|(i, s)| {
            s.map(|s| (ARENA_BASE + ((i as u64) << SLOT_SHIFT), Entry::from(s)))
        });
        let mut all: Vec<(u64, Entry)> = arenas.collect();
        // Two runs: the arenas' slots are in address order; the map's are not.
        all.extend(self.other.iter().map(|(&a, &e)| (a, e)));
        all.sort_by_key(|&(a, _)| a);
        all
    }

    /// Every trace, in no particular order.
    fn values(&self) -> impl Iterator<Item = Entry> + '_ {
        let arenas = self.arenas.iter().flatten().map(|&s| Entry::from(s));
        arenas.chain(self.other.values().copied())
    }
}

impl From<Small> for Entry {
    fn from(s: Small) -> Entry {
        Entry {
            size: s.size as usize,
            stack: s.stack,
        }
    }
}

/// The tracer's state: the model's `_tracemalloc` module.
#[derive(Debug, Clone)]
pub struct Tracer {
    tracing: bool,
    /// The innermost statement's traceback, once built (None: not yet).
    top: Option<StackId>,
    max_nframe: usize,
    traces: TraceTable,
    current: usize,
    peak: usize,
    /// The statements running now, outermost first: the reader's lines, each with its
    /// traceback once built. One traceback per statement, kept while an inner statement
    /// runs and still valid when it returns (the stack below it has not changed).
    stack: Vec<(&'static Location<'static>, Option<StackId>)>,
    /// The interned tracebacks, by number - 1, and their numbers by the lines they were
    /// built from (truncated to the limit, most recent first) and the stack's depth.
    tracebacks: Vec<Stack>,
    traceback_ids: FastMap<(Box<[&'static Location<'static>]>, usize), StackId>,
    filenames: HashMap<&'static str, Rc<str>>,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer {
            tracing: false,
            top: None,
            max_nframe: 1,
            traces: TraceTable::default(),
            current: 0,
            peak: 0,
            stack: Vec::new(),
            tracebacks: Vec::new(),
            traceback_ids: FastMap::default(),
            filenames: HashMap::new(),
        }
    }
}

impl Tracer {
    // ----- the `tracemalloc` module's functions ------------------------------------------

    /// `tracemalloc.start()`: trace with tracebacks of one frame.
    pub fn start(&mut self) {
        // One frame is always in range.
        let _ = self.start_nframe(1);
    }

    /// `tracemalloc.start(nframe)`. Like 3.11, does nothing (not even change the limit) if
    /// tracing is already on.
    pub fn start_nframe(&mut self, nframe: usize) -> Result<()> {
        if !(1..=MAX_NFRAME).contains(&nframe) {
            return Err(Error::Value(format!(
                "the number of frames must be in range [1; {MAX_NFRAME}]"
            )));
        }
        if self.tracing {
            return Ok(());
        }
        self.max_nframe = nframe;
        self.tracing = true;
        // Tracebacks picked under the old limit are stale.
        self.forget_stacks();
        Ok(())
    }

    /// `tracemalloc.stop()`: stop tracing and forget every trace.
    pub fn stop(&mut self) {
        if self.tracing {
            self.tracing = false;
            self.clear_traces();
        }
    }

    /// `tracemalloc.is_tracing()`
    pub fn is_tracing(&self) -> bool {
        self.tracing
    }

    /// `tracemalloc.get_traceback_limit()`
    pub fn get_traceback_limit(&self) -> usize {
        self.max_nframe
    }

    /// `tracemalloc.get_traced_memory()`: (current, peak) bytes of traced blocks. `(0, 0)`
    /// when not tracing.
    pub fn get_traced_memory(&self) -> (usize, usize) {
        if !self.tracing {
            return (0, 0);
        }
        (self.current, self.peak)
    }

    /// `tracemalloc.reset_peak()`: the peak becomes the current size.
    pub fn reset_peak(&mut self) {
        if self.tracing {
            self.peak = self.current;
        }
    }

    /// `tracemalloc.clear_traces()`: forget every trace; current and peak go to 0. Blocks
    /// allocated before are no longer counted, even when they are freed.
    pub fn clear_traces(&mut self) {
        self.traces.clear();
        self.current = 0;
        self.peak = 0;
        // No trace holds a traceback now (as 3.11 clears its traceback table here).
        self.tracebacks.clear();
        self.traceback_ids.clear();
        self.forget_stacks();
    }

    /// `tracemalloc.take_snapshot()`: the traces of all live traced blocks.
    pub fn take_snapshot(&self) -> Result<Snapshot> {
        if !self.tracing {
            return Err(Error::Lookup(
                "RuntimeError: the tracemalloc module must be tracing memory allocations to \
                 take a snapshot"
                    .into(),
            ));
        }
        let traces = self
            .traces
            .by_address()
            .into_iter()
            .map(|(_, e)| {
                let stack = self.traceback(e.stack);
                Trace {
                    domain: DEFAULT_DOMAIN,
                    size: e.size,
                    traceback: Traceback::from_c_order(&stack.frames, Some(stack.total_nframe)),
                }
            })
            .collect();
        Ok(Snapshot {
            traces,
            traceback_limit: self.max_nframe,
        })
    }

    /// Number of live traced blocks.
    pub fn traced_blocks(&self) -> usize {
        self.traces.len()
    }

    /// Bytes of live traced blocks whose allocating line (most recent frame) is in `file`:
    /// the `statistics('filename')` entry of that file, without taking a snapshot.
    pub fn traced_memory_of_file(&self, file: &str) -> usize {
        self.traces
            .values()
            .filter(|e| {
                let frames = &self.traceback(e.stack).frames;
                frames.first().is_some_and(|f| &*f.filename == file)
            })
            .map(|e| e.size)
            .sum()
    }

    fn traceback(&self, id: StackId) -> &Stack {
        &self.tracebacks[id.get() as usize - 1]
    }

    // ----- hooks the heap calls --------------------------------------------------------------

    /// A statement written at `site` starts: its line becomes the innermost frame. Returns
    /// the depth to give back to [`Tracer::leave`].
    pub(crate) fn enter(&mut self, site: &'static Location<'static>) -> usize {
        let depth = self.stack.len();
        self.stack.push((site, None));
        self.top = None;
        depth
    }

    /// The statement that [`Tracer::enter`] returned `depth` for has finished.
    pub(crate) fn leave(&mut self, depth: usize) {
        self.stack.truncate(depth);
        self.top = self.stack.last().and_then(|&(_, id)| id);
    }

    /// Forget which traceback each running statement has.
    fn forget_stacks(&mut self) {
        for (_, id) in &mut self.stack {
            *id = None;
        }
        self.top = None;
    }

    /// The current traceback: most recent frame first, truncated to the limit; the
    /// `<unknown>` frame when no statement is running. Looked up once per statement.
    #[inline]
    fn current_stack(&mut self) -> StackId {
        match self.top {
            Some(id) => id,
            None => self.find_stack(),
        }
    }

    #[cold]
    fn find_stack(&mut self) -> StackId {
        let lines: Box<[_]> = self
            .stack
            .iter()
            .rev()
            .take(self.max_nframe)
            .map(|&(line, _)| line)
            .collect();
        let total_nframe = self.stack.len().max(1);
        let key = (lines, total_nframe);
        let id = match self.traceback_ids.get(&key) {
            Some(&id) => id,
            None => {
                let frames: Box<[Frame]> = if key.0.is_empty() {
                    Box::new([Frame {
                        filename: Rc::from("<unknown>"),
                        lineno: 0,
                    }])
                } else {
                    let filenames = &mut self.filenames;
                    key.0
                        .iter()
                        .map(|loc| Frame {
                            filename: filenames
                                .entry(loc.file())
                                .or_insert_with(|| Rc::from(normalize_path(loc.file())))
                                .clone(),
                            lineno: loc.line(),
                        })
                        .collect()
                };
                self.tracebacks.push(Stack {
                    frames,
                    total_nframe,
                });
                let id = u32::try_from(self.tracebacks.len())
                    .ok()
                    .and_then(NonZeroU32::new)
                    .expect("fewer than 2^32 distinct tracebacks");
                self.traceback_ids.insert(key, id);
                id
            }
        };
        if let Some((_, last)) = self.stack.last_mut() {
            *last = Some(id);
        }
        self.top = Some(id);
        id
    }

    /// A block was handed out. From the allocator: a new trace (or, for an in-place
    /// realloc, an updated one). From a free list: no allocation happened; if the block is
    /// traced, its traceback becomes the current one (`_PyTraceMalloc_NewReference`).
    #[inline]
    pub(crate) fn on_alloc(&mut self, addr: u64, size: usize, mem: MemSource) {
        if !self.tracing {
            return;
        }
        let stack = self.current_stack();
        if mem == MemSource::FreeList {
            self.traces.set_stack(addr, stack);
            return;
        }
        if let Some(old) = self.traces.insert(addr, size, stack) {
            self.current -= old;
        }
        self.current += size;
        self.peak = self.peak.max(self.current);
    }

    /// A block went back to the allocator.
    #[inline]
    pub(crate) fn on_free(&mut self, addr: u64) {
        // Not tracing (the usual case): nothing to look up.
        if self.traces.len() == 0 {
            return;
        }
        if let Some(size) = self.traces.remove(addr) {
            self.current -= size;
        }
    }
}

impl Heap {
    /// This interpreter's `tracemalloc` module: `py.tracemalloc().start()`.
    pub fn tracemalloc(&mut self) -> &mut Tracer {
        &mut self.tracer
    }

    /// `tracemalloc.get_object_traceback(obj)`: where the object's block was allocated, or
    /// `None` if it was not traced. Like 3.11, looks the block up at the object's address
    /// minus the `PyGC_Head` for GC types (the 3.11 instance's managed-dict pointers in
    /// front of that are not subtracted, so a regular instance is never found, as in 3.11).
    pub fn get_object_traceback(&mut self, e: Expr) -> Result<Option<Traceback>> {
        let (addr, is_gc) = self.with_value(e, |h, v| {
            let o = h.obj(v);
            (o.addr, o.tag.is_gc())
        })?;
        let block = if is_gc {
            addr - crate::layout::PY_GC_HEAD as u64
        } else {
            addr
        };
        if !self.tracer.tracing {
            return Ok(None);
        }
        Ok(self
            .tracer
            .traces
            .get(block)
            .map(|e| Traceback::from_c_order(&self.tracer.traceback(e.stack).frames, None)))
    }

    /// Run `f` as a statement written at the caller's line: the line is the innermost
    /// frame of every allocation `f` makes. The one hook the statement methods share.
    #[track_caller]
    pub(crate) fn at_caller<T>(&mut self, f: impl FnOnce(&mut Heap) -> T) -> T {
        self.at_site(Location::caller(), f)
    }

    /// [`Heap::at_caller`] with a line taken earlier (closures do not pass `#[track_caller]`
    /// through, so a method that runs a frame of its own captures its caller first).
    pub(crate) fn at_site<T>(
        &mut self,
        site: &'static Location<'static>,
        f: impl FnOnce(&mut Heap) -> T,
    ) -> T {
        let depth = self.tracer.enter(site);
        let r = f(self);
        self.tracer.leave(depth);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_format_as_tracemalloc_py() {
        let cases = [
            (0.0, false, "0 B"),
            (1023.0, false, "1023 B"),
            (10239.0, false, "10239 B"),
            (10240.0, false, "10.0 KiB"),
            (397312.0, false, "388 KiB"),
            (41.2, false, "41 B"),
            (-2048.0, true, "-2048 B"),
            (8448728.0, true, "+8251 KiB"),
            (0.0, true, "+0 B"),
        ];
        for (size, sign, want) in cases {
            assert_eq!(format_size(size, sign), want, "{size}");
        }
    }

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("examples/*.rs", "examples/ch14_profiling.rs"));
        assert!(fnmatch("*", ""));
        assert!(fnmatch("a?c", "abc"));
        assert!(!fnmatch("a?c", "ac"));
        assert!(fnmatch("[a-c]x", "bx"));
        assert!(!fnmatch("[!a-c]x", "bx"));
        assert!(fnmatch("*.rs", "src/heap.rs"));
        assert!(!fnmatch("*.py", "src/heap.rs"));
    }

    #[test]
    fn module_functions_behave_as_3_11() {
        use crate::expr::{int, list, name};
        let mut py = Heap::new();
        assert!(!py.tracemalloc().is_tracing());
        assert!(py.tracemalloc().take_snapshot().is_err());
        assert!(py.tracemalloc().start_nframe(0).is_err());
        py.tracemalloc().start_nframe(5).unwrap();
        py.tracemalloc().start_nframe(9).unwrap(); // already tracing: no change
        assert_eq!(py.tracemalloc().get_traceback_limit(), 5);
        py.assign("a", list([int(1000), int(2000)])).unwrap();
        let (current, peak) = py.tracemalloc().get_traced_memory();
        assert!(current > 0 && peak >= current);
        let tb = py.get_object_traceback(name("a")).unwrap().unwrap();
        assert_eq!(tb.most_recent().lineno, line!() - 4);
        py.del("a").unwrap();
        let (after, peak_after) = py.tracemalloc().get_traced_memory();
        assert!(after < current && peak_after == peak);
        py.tracemalloc().reset_peak();
        assert_eq!(py.tracemalloc().get_traced_memory(), (after, after));
        py.tracemalloc().clear_traces();
        assert_eq!(py.tracemalloc().get_traced_memory(), (0, 0));
        assert_eq!(py.tracemalloc().traced_blocks(), 0);
        py.tracemalloc().stop();
        assert_eq!(py.tracemalloc().get_traced_memory(), (0, 0));
        assert!(!py.tracemalloc().is_tracing());
    }

    #[test]
    fn statistics_reject_unknown_keys() {
        let mut py = Heap::new();
        py.tracemalloc().start();
        let snap = py.tracemalloc().take_snapshot().unwrap();
        assert!(snap.statistics("line").is_err());
        assert!(snap.statistics_cumulative("traceback").is_err());
        assert!(snap.statistics("filename").unwrap().is_empty());
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(
            normalize_path("tests/../examples/ch14_profiling.rs"),
            "examples/ch14_profiling.rs"
        );
        assert_eq!(normalize_path("/a/./b/../c"), "/a/c");
        assert_eq!(normalize_path("../x"), "../x");
    }

    #[track_caller]
    fn here() -> &'static Location<'static> {
        Location::caller()
    }

    /// The tracer's tables against a plain ordered map of the same traces, over a random
    /// run of allocations, reuses and frees in both heaps (and at addresses the tables leave
    /// to the map), nested statements, `clear_traces` and limits of 1 and 3 frames.
    #[test]
    fn traces_match_an_ordered_map() {
        use crate::obmalloc::{ARENA_MMAP_BASE, SYSTEM_HEAP_BASE};
        use std::collections::BTreeMap;
        let sites = [here(), here(), here(), here()];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for nframe in [1, 3] {
            let mut t = Tracer::default();
            t.start_nframe(nframe).unwrap();
            // Address -> (size, the lines of the stack, innermost first).
            let mut want: BTreeMap<u64, (usize, Vec<&'static Location<'static>>)> = BTreeMap::new();
            let mut depths = Vec::new();
            for step in 0..4000 {
                let addr = match rand(4) {
                    0 => SYSTEM_HEAP_BASE + 16 * rand(64),
                    1 => ARENA_MMAP_BASE + (1 << 30) + 16 * rand(8), // past the table
                    2 => ARENA_MMAP_BASE + 8 + 16 * rand(8),         // not aligned
                    _ => ARENA_MMAP_BASE + 16 * rand(1 << 17),
                };
                let small = addr < ARENA_MMAP_BASE + (1 << 30);
                let size = if small {
                    1 + rand(512)
                } else {
                    513 + rand(5000)
                } as usize;
                let lines: Vec<_> = t.stack.iter().rev().map(|&(l, _)| l).collect();
                match rand(8) {
                    0 if depths.len() < 5 => {
                        depths.push(t.enter(sites[rand(4) as usize]));
                    }
                    1 => {
                        if let Some(d) = depths.pop() {
                            t.leave(d);
                        }
                    }
                    2 => {
                        t.on_alloc(addr, size, MemSource::FreeList);
                        if let Some(w) = want.get_mut(&addr) {
                            w.1 = lines;
                        }
                    }
                    3 | 4 => {
                        t.on_free(addr);
                        want.remove(&addr);
                    }
                    _ => {
                        t.on_free(addr);
                        t.on_alloc(addr, size, MemSource::Malloc);
                        want.insert(addr, (size, lines));
                    }
                }
                if step % 1000 == 999 {
                    t.clear_traces();
                    want.clear();
                }
                let traced: usize = want.values().map(|w| w.0).sum();
                assert_eq!(t.get_traced_memory().0, traced);
                assert_eq!(t.traced_blocks(), want.len());
                if step % 97 != 0 {
                    continue;
                }
                let snap = t.take_snapshot().unwrap();
                let expected: Vec<Trace> = want
                    .values()
                    .map(|(size, lines)| {
                        let frames: Vec<Frame> = if lines.is_empty() {
                            vec![Frame {
                                filename: Rc::from("<unknown>"),
                                lineno: 0,
                            }]
                        } else {
                            let to_frame = |l: &&Location| Frame {
                                filename: Rc::from(normalize_path(l.file())),
                                lineno: l.line(),
                            };
                            lines.iter().take(nframe).map(to_frame).collect()
                        };
                        Trace {
                            domain: DEFAULT_DOMAIN,
                            size: *size,
                            traceback: Traceback::from_c_order(&frames, Some(lines.len().max(1))),
                        }
                    })
                    .collect();
                assert_eq!(snap.traces(), expected, "step {step}");
                let here_file = normalize_path(file!());
                let in_file: usize = expected
                    .iter()
                    .filter(|tr| *tr.traceback.most_recent().filename == here_file)
                    .map(|tr| tr.size)
                    .sum();
                assert_eq!(t.traced_memory_of_file(&here_file), in_file);
            }
        }
    }
}
