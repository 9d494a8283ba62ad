//! A few of the C API's entry points, checked: `Py_INCREF`/`Py_DECREF`, `PyList_New`,
//! `PyList_Append`, `PyFloat_FromDouble`, `PyLong_FromLongLong`.
//!
//! What an extension module does in C, without the statement machinery of [`crate::names`]
//! around it (no evaluation stack, no name lookup): the benchmarks use these to time a bare
//! reference-count change or a bare allocation and free.
//!
//! In C, `Py_DECREF` of a reference the caller does not own frees an object that is still
//! referenced, and the crash comes later. Here a strong reference taken through this module
//! is an [`OwnedRef`]: it is not `Clone`, and [`Heap::py_decref`] consumes it, so only a
//! reference the caller owns can be given back, once. Every entry point checks its handle: a
//! dead handle is [`Error::Freed`], never a panic.
//!
//! ```
//! use pyheap::prelude::*;
//!
//! let mut py = Heap::new();
//! py.assign("x", list([]))?;                 // x = []
//! let x = py.lookup("x")?;
//! let r = py.py_incref(x)?;                  // Py_INCREF(x)
//! assert_eq!(py.refcnt(x)?, 2);
//! py.py_decref(r)?;                          // Py_DECREF(x)
//! assert_eq!(py.refcnt(x)?, 1);
//!
//! let f = py.py_float_from_double(1.5);      // PyFloat_FromDouble(1.5): a new reference
//! let id = f.id();
//! py.py_decref(f)?;                          // its last reference: freed
//! assert!(!py.is_alive(id));
//! # Ok::<(), pyheap::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::heap::Heap;
use crate::object::{Kind, ObjId};

/// A strong reference the caller owns (a `PyObject *` it must `Py_DECREF`): taken by
/// [`Heap::py_incref`] or returned by a constructor, given back by [`Heap::py_decref`].
///
/// It keeps its object alive, as a reference held by C code does: the collector sees a
/// count its traversal cannot account for and treats the object as reachable. Dropping an
/// `OwnedRef` without giving it back leaks the object, as forgetting a `Py_DECREF` does.
#[must_use = "a strong reference must be given back with Heap::py_decref (or it leaks)"]
#[derive(Debug, PartialEq, Eq)]
pub struct OwnedRef {
    id: ObjId,
    /// `id()` of the object when the reference was taken: a reference given back to another
    /// heap, whose table slot happens to be live, is recognized by its address.
    addr: u64,
}

impl OwnedRef {
    /// The object this reference keeps alive.
    pub fn id(&self) -> ObjId {
        self.id
    }
}

impl Heap {
    /// `Py_INCREF(op)` (or `Py_NewRef(op)`): take a new strong reference to a live object.
    /// A dead handle is [`Error::Freed`].
    pub fn py_incref(&mut self, id: ObjId) -> Result<OwnedRef> {
        let addr = self.get(id)?.addr;
        self.incref(id);
        Ok(OwnedRef { id, addr })
    }

    /// `Py_DECREF(op)`: give back a reference the caller owns. At zero the object is
    /// deallocated at once, cascading, as in CPython. A reference this heap never gave out
    /// is an error and changes nothing.
    pub fn py_decref(&mut self, r: OwnedRef) -> Result<()> {
        self.check_owned(&r)?;
        self.decref(r.id);
        Ok(())
    }

    /// `Py_REFCNT(op)` of an object the caller holds a reference to.
    pub fn py_refcnt(&self, r: &OwnedRef) -> Result<i64> {
        self.check_owned(r)?;
        self.refcnt(r.id)
    }

    /// `PyList_New(0)`: a new, empty, tracked list (from the list free list if it has one),
    /// counted in generation 0, which may start an automatic collection first.
    #[track_caller]
    pub fn py_list_new(&mut self) -> OwnedRef {
        let l = self.at_caller(|h| h.new_list_exact(Vec::new()));
        self.owned(l)
    }

    /// `PyList_Append(list, item)`: the list takes its own reference to `item` (the caller
    /// keeps its own). A list that is not a list is a `TypeError`; a dead item is
    /// [`Error::Freed`].
    #[track_caller]
    pub fn py_list_append(&mut self, list: &OwnedRef, item: ObjId) -> Result<()> {
        self.check_owned(list)?;
        self.get(item)?;
        if !matches!(self.get(list.id)?.kind, Kind::List { .. }) {
            return Err(Error::Type(format!(
                "PyList_Append: {} is not a list",
                self.describe(list.id)
            )));
        }
        self.incref(item);
        self.at_caller(|h| h.list_append(list.id, item));
        Ok(())
    }

    /// `PyFloat_FromDouble(v)`: a new float (from the float free list if it has one); floats
    /// are not tracked by the collector.
    #[track_caller]
    pub fn py_float_from_double(&mut self, v: f64) -> OwnedRef {
        let f = self.at_caller(|h| h.new_float(v));
        self.owned(f)
    }

    /// `PyLong_FromLongLong(v)`: the cached small int for −5..=256 (a new reference to a
    /// static object), otherwise a new int; ints are not tracked by the collector.
    #[track_caller]
    pub fn py_long_from(&mut self, v: i128) -> OwnedRef {
        let i = self.at_caller(|h| h.new_int(v));
        self.owned(i)
    }

    /// Wrap a new reference the heap just handed out.
    fn owned(&self, id: ObjId) -> OwnedRef {
        OwnedRef {
            id,
            addr: self.obj(id).addr,
        }
    }

    /// The reference names a live object of this heap, at the address it was taken at.
    #[inline]
    fn check_owned(&self, r: &OwnedRef) -> Result<()> {
        // The usual case first, without building a Result on the way.
        if self
            .live(r.id)
            .is_some_and(|o| o.addr == r.addr && self.rc(r.id) >= 1)
        {
            return Ok(());
        }
        self.refuse(r)
    }

    /// Why [`Heap::check_owned`] refused a reference.
    #[cold]
    fn refuse(&self, r: &OwnedRef) -> Result<()> {
        // A dead handle is `Freed`; a live one failed the address or count test.
        self.get(r.id)?;
        Err(Error::Value(format!(
            "a reference to the object at {:#x} that this heap did not give out \
             (the slot now holds {})",
            r.addr,
            self.describe(r.id)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn incref_and_decref_move_the_count_by_one() -> Result<()> {
        let mut py = Heap::new();
        py.assign("x", list([]))?;
        let x = py.lookup("x")?;
        let before = py.refcnt(x)?;
        let a = py.py_incref(x)?;
        let b = py.py_incref(x)?;
        assert_eq!(py.refcnt(x)?, before + 2);
        assert_eq!(py.py_refcnt(&a)?, before + 2);
        py.py_decref(a)?;
        py.py_decref(b)?;
        assert_eq!(py.refcnt(x)?, before);
        Ok(())
    }

    #[test]
    fn a_dead_handle_is_freed_not_a_panic() -> Result<()> {
        let mut py = Heap::new();
        py.assign("x", list([]))?;
        let x = py.lookup("x")?;
        py.del("x")?;
        assert!(matches!(py.py_incref(x), Err(Error::Freed { .. })));
        Ok(())
    }

    #[test]
    fn the_last_decref_frees_at_once_and_cascades() -> Result<()> {
        let mut py = Heap::new();
        let outer = py.py_list_new();
        let inner = py.py_list_new();
        py.py_list_append(&outer, inner.id())?;
        let inner_id = inner.id();
        py.py_decref(inner)?; // the outer list still holds it
        assert!(py.is_alive(inner_id));
        let outer_id = outer.id();
        py.py_decref(outer)?;
        assert!(!py.is_alive(outer_id));
        assert!(!py.is_alive(inner_id), "freed with its container");
        Ok(())
    }

    #[test]
    fn lists_are_tracked_floats_and_ints_are_not() -> Result<()> {
        let mut py = Heap::new();
        let l = py.py_list_new();
        let f = py.py_float_from_double(2.5);
        let i = py.py_long_from(10_i128.pow(20));
        assert!(py.gc_is_tracked(l.id())?);
        assert!(!py.gc_is_tracked(f.id())?);
        assert!(!py.gc_is_tracked(i.id())?);
        assert_eq!(py.type_name(i.id())?, "int");
        assert_eq!(py.type_name(f.id())?, "float");
        for r in [l, f, i] {
            py.py_decref(r)?;
        }
        Ok(())
    }

    #[test]
    fn a_small_int_is_the_static_one_and_survives_its_decref() -> Result<()> {
        let mut py = Heap::new();
        let five = py.py_long_from(5);
        let id = five.id();
        py.py_decref(five)?;
        assert!(py.is_alive(id));
        assert!(py.is(obj(id), int(5))?);
        Ok(())
    }

    #[test]
    fn append_to_a_non_list_is_a_type_error_and_changes_nothing() -> Result<()> {
        let mut py = Heap::new();
        let f = py.py_float_from_double(1.0);
        let l = py.py_list_new();
        let before = py.refcnt(l.id())?;
        assert!(matches!(py.py_list_append(&f, l.id()), Err(Error::Type(_))));
        assert_eq!(py.refcnt(l.id())?, before);
        py.py_decref(f)?;
        py.py_decref(l)?;
        Ok(())
    }

    #[test]
    fn a_reference_from_another_heap_is_refused() -> Result<()> {
        let mut a = Heap::new();
        let mut b = Heap::new();
        let ra = a.py_list_new();
        let rb = b.py_float_from_double(3.0);
        // Same table slot in both heaps (same history), different objects.
        assert_eq!(ra.id(), rb.id());
        let before = b.refcnt(rb.id())?;
        assert!(matches!(b.py_decref(ra), Err(Error::Value(_))));
        assert_eq!(b.refcnt(rb.id())?, before);
        b.py_decref(rb)?;
        Ok(())
    }

    #[test]
    fn a_reference_held_outside_keeps_a_cycle_alive_until_given_back() -> Result<()> {
        let mut py = Heap::new();
        py.gc_disable();
        // l = []; l.append(l); then only the C reference holds it.
        let l = py.py_list_new();
        py.py_list_append(&l, l.id())?;
        let id = l.id();
        assert_eq!(py.gc_collect(2)?, 0);
        assert!(py.is_alive(id));
        py.py_decref(l)?;
        assert!(py.is_alive(id), "the list's reference to itself remains");
        assert_eq!(py.gc_collect(2)?, 1);
        assert!(!py.is_alive(id));
        Ok(())
    }
}
