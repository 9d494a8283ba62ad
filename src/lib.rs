//! # pyheap: CPython 3.11's object heap, executed
//!
//! An executable model of how CPython 3.11 (64-bit Linux) manages memory: objects with types,
//! sizes and addresses; names, frames and scopes; reference counts with cascading
//! deallocation; the generational cycle collector with CPython's own algorithm and
//! thresholds; finalizers; weak references; interning; pymalloc; allocation tracing.
//!
//! Every number it reports (a reference count, what `gc.collect()` returns, whether `a is b`,
//! `sys.getsizeof`, which `id()` comes back) is computed by the same mechanism CPython uses,
//! never looked up. The book in `book/` runs each scenario here and under the real `python3`.
//!
//! ```
//! use pyheap::prelude::*;
//!
//! let mut py = Heap::new();
//! py.assign("x", list([int(1), int(2), int(3)]))?;      // x = [1, 2, 3]
//! assert_eq!(py.getrefcount(name("x"))?, 2);            // sys.getrefcount(x)
//! py.assign("y", name("x"))?;                           // y = x
//! assert_eq!(py.getrefcount(name("x"))?, 3);
//! py.del("y")?;                                         // del y
//! assert_eq!(py.getrefcount(name("x"))?, 2);
//! # Ok::<(), pyheap::Error>(())
//! ```
//!
//! ## Module structure
//! One module per mechanism, named after what it models:
//! - [`heap`]: the object table, allocation, reference counts, deallocation (`object.c`)
//! - [`object`]: what an object is (`ob_refcnt`, `ob_type`, per-type payloads)
//! - [`names`]: names, frames, scopes, calls; [`eval`] and [`expr`]: expressions
//! - [`containers`]: tuple, list, dict, set; [`classes`]: classes, instances, functions
//! - [`gc`]: the cycle collector (`gcmodule.c`); [`weakref`] and [`weakcontainers`];
//!   [`freelist`]
//! - [`leaks`]: what keeps an object alive (`find_backref_chain`)
//! - [`intern`]: small ints, interned strings, compilation units
//! - [`sizes`] and [`layout`]: `sys.getsizeof` from 3.11's struct layouts
//! - [`obmalloc`]: pymalloc's arenas, pools and blocks
//! - [`iteration`]: comprehensions, `sum()`, `next()` and a lazy `for` as 3.11's bytecode
//!   runs them; [`context_manager`]: the `with` statement
//! - [`tracemalloc`]: allocation tracing at the reader's Rust lines; [`profiler`]: a
//!   `memory_profiler`-style line report and the real process's RSS/VMS
//! - [`gil`]: reference counts and threads (the GIL, biased counting, separate processes)
//! - [`picture`]: SVG pictures of the heap

#![deny(missing_docs)]

pub mod capi;
pub mod classes;
pub mod containers;
pub mod context_manager;
pub mod dictkeys;
pub mod error;
pub mod eval;
pub mod expr;
pub mod freelist;
pub mod gc;
pub(crate) mod getargs;
pub mod gil;
pub mod graph;
pub mod hashing;
pub mod heap;
pub mod intern;
pub mod iteration;
pub mod layout;
pub mod leaks;
pub mod names;
pub mod object;
pub mod obmalloc;
pub mod observe;
pub mod picture;
pub mod profiler;
pub mod program;
pub mod sizes;
pub mod tracemalloc;
pub mod weakcontainers;
pub mod weakref;

pub use error::{Error, Result};
pub use heap::Heap;
pub use object::ObjId;

/// Everything a chapter needs: `use pyheap::prelude::*;`
pub mod prelude {
    pub use crate::classes::Class;
    pub use crate::error::{Error, Result};
    pub use crate::expr::{
        add, boolean, contains, dict, float, int, list, mul, name, none, obj, s, set, tuple, Expr,
    };
    pub use crate::gc::DEBUG_SAVEALL;
    pub use crate::heap::Heap;
    pub use crate::iteration::{dict_comp, list_comp, Flow};
    pub use crate::names::body;
    pub use crate::object::ObjId;

    /// Python's spelling of a bool (`True`/`False`), for printing as Python prints.
    pub fn py_bool(b: bool) -> &'static str {
        if b {
            "True"
        } else {
            "False"
        }
    }
}
