//! Why a reference count needs protection, shown with real threads, and what CPython does
//! about it: the GIL (every version up to 3.12, and 3.13's default build), biased reference
//! counting (3.13's free-threaded build, PEP 703), separate processes (`multiprocessing`).
//!
//! `Py_INCREF` is `op->ob_refcnt++`: a load, an add and a store. Two threads running it at
//! once on the same object can both load the same old value and both store old + 1: one
//! increment is lost, and the object will later be freed while a reference to it remains.
//! [`count_with_threads`] runs that race with Rust threads. The racy increment is written as
//! a separate relaxed atomic load and store, which is exactly the C code's load-add-store
//! and loses updates the same way, while remaining defined behaviour in Rust (a plain
//! `u64` shared between threads would not compile, and `unsafe` would make it undefined).
//!
//! The heap model itself is single-threaded (`Heap` is not `Send`): under the GIL only one
//! thread runs bytecode at a time, so interleaving statements of several "threads" on one
//! heap is an exact model of a GIL-protected program, and chapter 16 does that.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};

use crate::error::{Error, Result};
use crate::expr::{self, Expr};
use crate::heap::Heap;
use crate::object::{Kind, ObjId};

/// How each thread adds 1 to the shared count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Increment {
    /// Load, add, store, with nothing stopping another thread in between: C's
    /// `ob_refcnt++` without a GIL.
    Racy,
    /// The increment inside a lock, one thread at a time: what the GIL guarantees.
    Locked,
    /// One atomic read-modify-write (`fetch_add`, a `lock add` on x86): what a
    /// free-threaded interpreter must use for a count other threads may touch.
    Atomic,
}

/// `threads` threads each add 1 to one shared count `per_thread` times, started together;
/// returns the final count. With [`Increment::Locked`] and [`Increment::Atomic`] it is
/// always `threads * per_thread`; with [`Increment::Racy`] it is at most that, and how
/// much less depends on the machine and the moment (often nothing on one core).
pub fn count_with_threads(how: Increment, threads: usize, per_thread: u64) -> u64 {
    let count = AtomicU64::new(0);
    let lock = Mutex::new(0u64);
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    match how {
                        Increment::Racy => {
                            let v = count.load(Ordering::Relaxed);
                            count.store(v + 1, Ordering::Relaxed);
                        }
                        Increment::Locked => {
                            let mut c = lock.lock().unwrap_or_else(|p| p.into_inner());
                            *c += 1;
                        }
                        Increment::Atomic => {
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    match how {
        Increment::Locked => lock.into_inner().unwrap_or_else(|p| p.into_inner()),
        _ => count.into_inner(),
    }
}

/// A biased reference count, as 3.13's free-threaded build keeps one (PEP 703): the thread
/// that created the object, its owner, counts in `local` with a plain load and store (no
/// atomic read-modify-write, so as cheap as with the GIL); every other thread counts in
/// `shared` with an atomic add. The object's count is the sum. Most objects are only ever
/// touched by the thread that made them, so most increments take the cheap path.
///
/// (CPython also merges the two fields when the owner's count reaches zero and marks
/// objects whose shared count went negative; this keeps only the increments.)
#[derive(Debug)]
pub struct BiasedRefCount {
    owner: ThreadId,
    local: AtomicU64,
    shared: AtomicI64,
    owner_ops: AtomicU64,
    atomic_ops: AtomicU64,
}

impl Default for BiasedRefCount {
    fn default() -> Self {
        Self::new()
    }
}

impl BiasedRefCount {
    /// A new object's count: 1, owned by the calling thread.
    pub fn new() -> BiasedRefCount {
        BiasedRefCount {
            owner: thread::current().id(),
            local: AtomicU64::new(1),
            shared: AtomicI64::new(0),
            owner_ops: AtomicU64::new(0),
            atomic_ops: AtomicU64::new(0),
        }
    }

    /// `Py_INCREF` in the free-threaded build: the owner's fast path, or an atomic add.
    pub fn incref(&self) {
        if thread::current().id() == self.owner {
            // Only the owner writes `local`: a load and a store cannot race.
            let v = self.local.load(Ordering::Relaxed);
            self.local.store(v + 1, Ordering::Relaxed);
            self.owner_ops.fetch_add(1, Ordering::Relaxed);
        } else {
            self.shared.fetch_add(1, Ordering::Relaxed);
            self.atomic_ops.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The object's count: the owner's part plus the others'.
    pub fn count(&self) -> i64 {
        self.local.load(Ordering::Acquire) as i64 + self.shared.load(Ordering::Acquire)
    }

    /// Increments the owner made without an atomic read-modify-write.
    pub fn owner_increments(&self) -> u64 {
        self.owner_ops.load(Ordering::Relaxed)
    }

    /// Increments other threads made with an atomic add.
    pub fn atomic_increments(&self) -> u64 {
        self.atomic_ops.load(Ordering::Relaxed)
    }
}

/// The owner thread and `others` more threads each increment one biased count
/// `per_thread` times, at the same time. Returns the count.
pub fn biased_with_threads(others: usize, per_thread: u64) -> BiasedRefCount {
    let rc = BiasedRefCount::new();
    let start = Barrier::new(others + 1);
    thread::scope(|s| {
        for _ in 0..others {
            s.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    rc.incref();
                }
            });
        }
        start.wait();
        for _ in 0..per_thread {
            rc.incref();
        }
    });
    rc
}

/// What `multiprocessing` does with an argument or a queued value: pickle it in one
/// process, unpickle it in the other. The receiving heap gets new objects with the same
/// value, bound to `target`; nothing is shared, no count of one heap moves in the other.
/// Handles `None`, bools, ints, floats, strs and lists, tuples and dicts of those.
pub fn send(from: &mut Heap, value: Expr, to: &mut Heap, target: &str) -> Result<()> {
    let copy = from.with_value(value, pickled)??;
    // Unpickling builds at run time: a cell of its own, so no constant is shared with
    // the receiving program's code.
    to.cell(|py| py.assign(target, copy))
}

/// The value of an object as an expression that builds an equal one.
fn pickled(h: &Heap, id: ObjId) -> Result<Expr> {
    let o = h.get(id)?;
    let items =
        |ids: &[ObjId]| -> Result<Vec<Expr>> { ids.iter().map(|i| pickled(h, *i)).collect() };
    Ok(match &o.kind {
        Kind::None => expr::none(),
        Kind::Bool(b) => expr::boolean(*b),
        Kind::Int(v) => expr::int(v.get()),
        Kind::Float(f) => expr::float(*f),
        Kind::Str { value, .. } => expr::s(value),
        Kind::List { items: l, .. } => expr::list(items(l)?),
        Kind::Tuple(t) => expr::tuple(items(t)?),
        Kind::Dict { entries, .. } => {
            let mut pairs = Vec::new();
            for (k, v) in entries {
                pairs.push((pickled(h, *k)?, pickled(h, *v)?));
            }
            expr::dict(pairs)
        }
        _ => {
            return Err(Error::NotModeled(format!(
                "pickling a {} object",
                h.type_name(id)?
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_and_atomic_never_lose_updates() {
        assert_eq!(count_with_threads(Increment::Locked, 4, 10_000), 40_000);
        assert_eq!(count_with_threads(Increment::Atomic, 4, 10_000), 40_000);
        assert!(count_with_threads(Increment::Racy, 4, 10_000) <= 40_000);
    }

    #[test]
    fn biased_count_is_exact() {
        let rc = biased_with_threads(3, 1000);
        assert_eq!(rc.count(), 1 + 4 * 1000);
        assert_eq!(rc.owner_increments(), 1000);
        assert_eq!(rc.atomic_increments(), 3000);
    }
}
