//! Weak references: `weakref.ref`, its callbacks, and when they run
//! (`Objects/weakrefobject.c` and `handle_weakrefs` in `Modules/gcmodule.c`).
//!
//! A weak reference does not count: the referent keeps a list of the weakrefs pointing at
//! it, and that is all. The list is ordered as 3.11 orders it: the shared callback-less ref
//! first (`weakref.ref(x)` without a callback returns the existing one), then the refs with
//! callbacks, newest first. When the referent is deallocated every weakref to it is cleared,
//! then the callbacks of those still alive run in list order, each called with its weakref
//! (`PyObject_ClearWeakRefs`). The collector clears the weakrefs to all the garbage it found
//! *before* any finalizer runs, and calls only the callbacks of weakrefs that are not garbage
//! themselves. `WeakValueDictionary` and `WeakSet` are built on top, in
//! [`crate::weakcontainers`].

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::object::{Kind, ObjId, TypeTag};

impl Heap {
    /// Whether objects of this kind accept weak references (`tp_weaklistoffset != 0`).
    pub(crate) fn weakrefable(&self, id: ObjId) -> bool {
        match &self.obj(id).kind {
            Kind::Instance { class, .. } => {
                matches!(&self.obj(*class).kind, Kind::Type(c) if c.weakrefable)
            }
            // tp_weaklistoffset != 0: classes, functions, sets and frozensets, generators,
            // code objects, builtin functions, arrays. Not int, str, tuple, list, dict,
            // object() or a weakref itself.
            Kind::Type(_)
            | Kind::Function(_)
            | Kind::Set { .. }
            | Kind::Generator { .. }
            | Kind::Code { .. }
            | Kind::Builtin(_)
            | Kind::Array { .. } => true,
            _ => false,
        }
    }

    /// `weakref.ref(obj, callback)` (a new reference). Without a callback, an existing
    /// callback-less weakref is shared, as CPython does.
    pub(crate) fn new_weakref(&mut self, target: ObjId, callback: Option<ObjId>) -> Result<ObjId> {
        if !self.weakrefable(target) {
            return Err(Error::Type(format!(
                "cannot create weak reference to '{}' object",
                self.type_name(target)?
            )));
        }
        let callback = callback.filter(|cb| *cb != self.statics.none);
        if callback.is_none() {
            let existing = self
                .obj(target)
                .weakrefs
                .iter()
                .copied()
                .find(|w| matches!(self.obj(*w).kind, Kind::WeakRef { callback: None, .. }));
            if let Some(w) = existing {
                self.incref(w);
                return Ok(w);
            }
        }
        if let Some(cb) = callback {
            self.incref(cb);
        }
        let wr = self.alloc(
            TypeTag::WeakRef,
            Kind::WeakRef {
                target: Some(target),
                callback,
            },
        );
        self.gc_track(wr);
        // `insert_head` for the shared callback-less ref; `insert_after` it (or at the head,
        // if there is none) for a ref with a callback: so the list reads basic ref first,
        // then the refs with callbacks newest first, the order their callbacks run in.
        let pos = match (callback, self.obj(target).weakrefs.first()) {
            (None, _) | (Some(_), None) => 0,
            (Some(_), Some(&first)) => usize::from(matches!(
                self.obj(first).kind,
                Kind::WeakRef { callback: None, .. }
            )),
        };
        self.obj_mut(target).weakrefs.insert(pos, wr);
        self.head_mut(target.index)
            .set(crate::object::Header::MAYBE_WEAKREFS, true);
        Ok(wr)
    }

    /// Detach a weakref from its referent (`_PyWeakref_ClearRef`): `wr()` returns `None`
    /// from now on; the callback is kept.
    pub(crate) fn detach_weakref(&mut self, wr: ObjId, target: ObjId) {
        if let Kind::WeakRef { target: t, .. } = &mut self.obj_mut(wr).kind {
            *t = None;
        }
        if let Ok(o) = self.get_mut(target) {
            o.weakrefs.retain(|w| *w != wr);
        }
    }

    /// Call a weakref callback with its weakref; errors are ignored as CPython ignores them.
    pub(crate) fn run_weakref_callback(&mut self, cb: ObjId, wr: ObjId) {
        self.incref(cb);
        self.incref(wr);
        let mark = self.temps.len();
        if let Ok(v) = self.call(cb, vec![wr]) {
            self.decref(v);
        }
        self.release_temps(mark);
        self.decref(cb);
    }

    /// `PyObject_ClearWeakRefs` on deallocation: clear them all, then call the callbacks of
    /// the weakrefs in list order.
    pub(crate) fn clear_weakrefs_on_dealloc(&mut self, id: ObjId) {
        let wrs: Vec<ObjId> = self.obj(id).weakrefs.to_vec();
        let mut calls = Vec::new();
        for wr in &wrs {
            self.detach_weakref(*wr, id);
            let cb = match &mut self.obj_mut(*wr).kind {
                Kind::WeakRef { callback, .. } => callback.take(),
                _ => None,
            };
            if let Some(cb) = cb {
                self.incref(*wr);
                calls.push((*wr, cb));
            }
        }
        for (wr, cb) in calls {
            self.run_weakref_callback(cb, wr);
            self.decref(cb);
            self.decref(wr);
        }
    }

    /// The referent of a weakref (`wr()`), if alive.
    pub fn weakref_target(&self, wr: ObjId) -> Result<Option<ObjId>> {
        match &self.get(wr)?.kind {
            Kind::WeakRef { target, .. } => Ok(*target),
            _ => Err(Error::Type(format!(
                "{} is not a weak reference",
                self.describe(wr)
            ))),
        }
    }

    /// `weakref.getweakrefcount(obj)` of an object handle.
    pub fn weakref_count(&self, id: ObjId) -> Result<usize> {
        Ok(self.get(id)?.weakrefs.len())
    }

    /// `weakref.getweakrefcount(e)`: how many weak references point at the value of `e`.
    pub fn getweakrefcount(&mut self, e: Expr) -> Result<usize> {
        self.with_value(e, |h, v| h.obj(v).weakrefs.len())
    }
}
