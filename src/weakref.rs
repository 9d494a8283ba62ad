//! Weak references: `weakref.ref`, its callbacks, and when they run
//! (`Objects/weakrefobject.c` and `handle_weakrefs` in `Modules/gcmodule.c`).
//!
//! A weak reference does not count: the referent keeps a list of the weakrefs pointing at
//! it, and that is all. As in C, the list is intrusive: the object holds the first weakref
//! (`tp_weaklist`) and each weakref its neighbours (`wr_prev`, `wr_next`). It is ordered as
//! 3.11 orders it: the shared callback-less ref first (`weakref.ref(x)` without a callback
//! returns the existing one), then the refs with callbacks, newest first. When the referent is deallocated every weakref to it is cleared,
//! then the callbacks of those still alive run in list order, each called with its weakref
//! (`PyObject_ClearWeakRefs`). The collector clears the weakrefs to all the garbage it found
//! *before* any finalizer runs, and calls only the callbacks of weakrefs that are not garbage
//! themselves. `WeakValueDictionary` and `WeakSet` are built on top, in
//! [`crate::weakcontainers`].

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::{Heap, Objects};
use crate::object::{Kind, ObjId, TypeTag};

impl Objects {
    /// The `wr_prev` and `wr_next` of a weakref (`None` for anything else).
    fn weakref_links(&mut self, wr: ObjId) -> Option<(&mut Option<ObjId>, &mut Option<ObjId>)> {
        match &mut self.0.get_mut(wr.index as usize)?.as_mut()?.kind {
            Kind::WeakRef { prev, next, .. } => Some((prev, next)),
            _ => None,
        }
    }

    /// The `tp_weaklist` of an object (`None` if the slot is empty).
    fn weaklist_head(&mut self, id: ObjId) -> Option<&mut Option<ObjId>> {
        Some(&mut self.0.get_mut(id.index as usize)?.as_mut()?.weaklist)
    }

    /// `insert_head` (`after` is `None`) or `insert_after(wr, after)` in `target`'s list.
    fn link_weakref(&mut self, target: ObjId, wr: ObjId, after: Option<ObjId>) {
        let next = match after {
            None => self.weaklist_head(target).and_then(|h| h.replace(wr)),
            Some(p) => self.weakref_links(p).and_then(|(_, n)| n.replace(wr)),
        };
        if let Some((prev, n)) = self.weakref_links(wr) {
            (*prev, *n) = (after, next);
        }
        if let Some((prev, _)) = next.and_then(|n| self.weakref_links(n)) {
            *prev = Some(wr);
        }
    }

    /// `clear_weakref`'s unlinking: take `wr` out of `target`'s list, leaving its own
    /// links empty.
    pub(crate) fn unlink_weakref(&mut self, target: ObjId, wr: ObjId) {
        let Some((prev, next)) = self.weakref_links(wr).map(|(p, n)| (p.take(), n.take())) else {
            return;
        };
        match prev {
            // `if (*list == self) *list = self->wr_next;`
            None => {
                if let Some(head) = self.weaklist_head(target).filter(|h| **h == Some(wr)) {
                    *head = next;
                }
            }
            Some(p) => {
                if let Some((_, n)) = self.weakref_links(p) {
                    *n = next;
                }
            }
        }
        if let Some((p, _)) = next.and_then(|n| self.weakref_links(n)) {
            *p = prev;
        }
    }
}

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
        // get_basic_refs: a callback-less ref, if there is one, is first in the list.
        let first = self.obj(target).weaklist;
        let basic =
            first.filter(|w| matches!(self.obj(*w).kind, Kind::WeakRef { callback: None, .. }));
        if let (None, Some(w)) = (callback, basic) {
            self.incref(w);
            return Ok(w);
        }
        if let Some(cb) = callback {
            self.incref(cb);
        }
        let wr = self.alloc(
            TypeTag::WeakRef,
            Kind::WeakRef {
                target: Some(target),
                callback,
                prev: None,
                next: None,
            },
        );
        self.gc_track(wr);
        // `insert_head` for the shared callback-less ref; `insert_after` it (or at the head,
        // if there is none) for a ref with a callback: so the list reads basic ref first,
        // then the refs with callbacks newest first, the order their callbacks run in.
        let after = if callback.is_some() { basic } else { None };
        self.objs.link_weakref(target, wr, after);
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
        self.objs.unlink_weakref(target, wr);
    }

    /// The weak references to an object, in list order (what `tp_weaklist` leads through).
    pub(crate) fn weakrefs_of(&self, id: ObjId) -> impl Iterator<Item = ObjId> + '_ {
        std::iter::successors(self.get(id).ok().and_then(|o| o.weaklist), |w| {
            match self.get(*w).map(|o| &o.kind) {
                Ok(Kind::WeakRef { next, .. }) => *next,
                _ => None,
            }
        })
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
        let mut calls = Vec::new();
        while let Some(wr) = self.obj(id).weaklist {
            self.detach_weakref(wr, id);
            let cb = match &mut self.obj_mut(wr).kind {
                Kind::WeakRef { callback, .. } => callback.take(),
                _ => None,
            };
            if let Some(cb) = cb {
                self.incref(wr);
                calls.push((wr, cb));
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
        self.get(id)?;
        Ok(self.weakrefs_of(id).count())
    }

    /// `weakref.getweakrefcount(e)`: how many weak references point at the value of `e`.
    pub fn getweakrefcount(&mut self, e: Expr) -> Result<usize> {
        self.with_value(e, |h, v| h.weakrefs_of(v).count())
    }
}

#[cfg(test)]
mod tests {
    use crate::object::Kind;
    use crate::prelude::*;

    /// Every weakref to `target`, walked forwards from `tp_weaklist`, with each one's
    /// `wr_prev` checked against the one before it.
    fn walk(py: &Heap, target: &str) -> Vec<ObjId> {
        let t = py.lookup(target).unwrap();
        let list: Vec<ObjId> = py.weakrefs_of(t).collect();
        let mut before = None;
        for w in &list {
            let Kind::WeakRef { prev, .. } = py.obj(*w).kind else {
                panic!("not a weakref");
            };
            assert_eq!(prev, before, "wr_prev of {w:?}");
            before = Some(*w);
        }
        list
    }

    /// The list as `insert_head`/`insert_after` leave it (python3 calls the callbacks in
    /// this order: `c3`, `c2`, `c1`), then after unlinking from the middle, the head and
    /// the tail.
    #[test]
    fn the_weaklist_keeps_cpythons_order_through_unlinks() -> Result<()> {
        let mut py = Heap::new();
        py.class(Class::new("Node"))?;
        py.def("cb", &["wr"], body(|_| Ok(())))?;
        py.assign("node", name("Node").call([]))?;
        py.assign("c1", name("ref").call([name("node"), name("cb")]))?;
        py.assign("b", name("ref").call([name("node")]))?;
        py.assign("c2", name("ref").call([name("node"), name("cb")]))?;
        py.assign("c3", name("ref").call([name("node"), name("cb")]))?;
        py.assign("b2", name("ref").call([name("node")]))?;
        let id = |py: &Heap, n: &str| py.lookup(n).unwrap();
        assert_eq!(
            id(&py, "b"),
            id(&py, "b2"),
            "the callback-less ref is shared"
        );
        let [b, c1, c2, c3] = ["b", "c1", "c2", "c3"].map(|n| id(&py, n));
        assert_eq!(walk(&py, "node"), [b, c3, c2, c1]);
        assert_eq!(py.getweakrefcount(name("node"))?, 4);
        py.del("c2")?;
        assert_eq!(walk(&py, "node"), [b, c3, c1]);
        py.del("b")?;
        py.del("b2")?;
        assert_eq!(walk(&py, "node"), [c3, c1]);
        py.del("c1")?;
        assert_eq!(walk(&py, "node"), [c3]);
        py.del("node")?;
        assert_eq!(py.weakref_target(c3)?, None);
        Ok(())
    }
}
