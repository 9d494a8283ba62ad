//! Allocation tracing: the model's `tracemalloc`.
//!
//! Every allocation the heap makes (object blocks and separate buffers) passes through
//! [`Tracer::on_alloc`], and every free through [`Tracer::on_free`]. While tracing is on,
//! each live allocation remembers its size and where in the reader's Rust code it was made
//! (the caller location of the heap operation, taken with `#[track_caller]`).

use std::collections::HashMap;

use crate::object::MemSource;

/// Where an allocation was made: a file and line of the reader's code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    /// Source file.
    pub file: String,
    /// Line number.
    pub line: u32,
}

/// The tracer's state.
#[derive(Debug, Default, Clone)]
pub struct Tracer {
    pub(crate) tracing: bool,
    pub(crate) traces: HashMap<u64, (usize, Site)>,
    pub(crate) current: usize,
    pub(crate) peak: usize,
    pub(crate) site: Option<Site>,
}

impl Tracer {
    /// Record an allocation (when tracing). Free-list reuse is not a new allocation for
    /// tracemalloc either: CPython's free lists do not call the allocator.
    pub(crate) fn on_alloc(&mut self, addr: u64, size: usize, mem: MemSource) {
        if !self.tracing || mem == MemSource::FreeList {
            return;
        }
        let site = self.site.clone().unwrap_or(Site {
            file: "<unknown>".into(),
            line: 0,
        });
        if let Some((old, _)) = self.traces.insert(addr, (size, site)) {
            self.current -= old;
        }
        self.current += size;
        self.peak = self.peak.max(self.current);
    }

    /// Record a free.
    pub(crate) fn on_free(&mut self, addr: u64) {
        if let Some((size, _)) = self.traces.remove(&addr) {
            self.current -= size;
        }
    }
}
