//! Weak references: `weakref.ref`, callbacks, and the weak containers the seeds use.
//!
//! A weak reference does not count: the referent keeps a list of the weakrefs pointing at it
//! (newest with-callback first, after the shared callback-less one, as 3.11 orders them).
//! When the referent dies, every weakref to it is cleared and then the callbacks of those
//! still alive are called, each with its weakref. The collector clears them *before* any
//! finalizer runs, so a `__del__` can never reach a half-destroyed object through one.

use crate::error::{Error, Result};
use crate::heap::Heap;
use crate::object::{Kind, ObjId, TypeTag};

impl Heap {
    /// Whether objects of this kind accept weak references (`tp_weaklistoffset != 0`).
    pub(crate) fn weakrefable(&self, id: ObjId) -> bool {
        match &self.obj(id).kind {
            Kind::Instance { class, .. } => {
                matches!(&self.obj(*class).kind, Kind::Type(c) if c.weakrefable)
            }
            Kind::Type(_) | Kind::Function(_) | Kind::Set { .. } | Kind::Generator { .. } | Kind::Code { .. } => true,
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
            let existing = self.obj(target).weakrefs.iter().copied().find(|w| {
                matches!(self.obj(*w).kind, Kind::WeakRef { callback: None, .. })
            });
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
        // The shared callback-less ref goes first; others right after it (newest first).
        let list = &mut self.obj_mut(target).weakrefs;
        if callback.is_none() {
            list.insert(0, wr);
        } else {
            let has_basic = list.first().is_some_and(|_| true);
            let pos = if has_basic {
                let first = list[0];
                usize::from(matches!(self.obj(first).kind, Kind::WeakRef { callback: None, .. }))
            } else {
                0
            };
            self.obj_mut(target).weakrefs.insert(pos, wr);
        }
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
            _ => Err(Error::Type(format!("{} is not a weak reference", self.describe(wr)))),
        }
    }

    /// `weakref.getweakrefcount(obj)`
    pub fn weakref_count(&self, id: ObjId) -> Result<usize> {
        Ok(self.get(id)?.weakrefs.len())
    }
}
