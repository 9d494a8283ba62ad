//! `weakref.WeakValueDictionary` and `weakref.WeakSet`: caches and registries that do not
//! keep their contents alive.
//!
//! They are built the way CPython's `Lib/weakref.py` and `Lib/_weakrefset.py` build them, out
//! of ordinary objects: an instance whose `data` attribute is a real dict (or set) holding
//! weak reference objects, each created with the instance's `_remove` function as its
//! callback. When a value dies, its weak reference's callback runs and deletes the entry. So
//! a value's reference count is untouched by the container, `weakref.getweakrefcount(value)`
//! counts the container's weakref, and the entry disappears in the same statement that frees
//! the value (or during the collection that frees it, if it was in a cycle).
//!
//! What the model simplifies, and why it does not change what a program observes:
//! - CPython's `_remove` is a closure holding `selfref`, a weak reference to the container,
//!   and each entry is a `KeyedRef` (a weakref subclass that remembers its key). Here the
//!   callback's body holds the container's [`ObjId`], which is generation-checked: once the
//!   container is freed the handle reads as dead, as `selfref()` would return `None`; and the
//!   entry is found by the identity of the weakref passed to the callback rather than by
//!   `wr.key`.
//! - `get(key)` takes no default (the model's calls have fixed arity), and `keys()` returns a
//!   list rather than a view.
//! - There is no `_IterationGuard` object: iterating (see [`Heap::for_in`]) visits the
//!   entries present when the loop starts and skips those whose referent has died since,
//!   which is what the guard guarantees for removals.
//! - The methods' functions have `__main__`'s globals as their `__globals__` (CPython's have
//!   the weakref module's), which shows only in `gc.get_referrers(globals())`.
//!
//! Python spells `len(c)`, `k in c`, `c[k]` and `c[k] = v`; the model has no dunder dispatch
//! for its syntax helpers, so a chapter calls the methods those spellings call:
//! `name("c").method("__len__", [])`, `"__contains__"`, `"__getitem__"`, `"__setitem__"`.
//!
//! ```
//! use pyheap::prelude::*;
//!
//! let mut py = Heap::new();
//! py.from_weakref_import(&["WeakValueDictionary", "WeakSet"])?;
//! py.class(Class::new("Image"))?;
//! py.assign("cache", name("WeakValueDictionary").call([]))?;
//! py.assign("img", name("Image").call([]))?;
//! py.exec(name("cache").method("__setitem__", [s("logo"), name("img")]))?; // cache['logo'] = img
//! assert_eq!(py.getrefcount(name("img"))?, 2); // the cache adds no reference...
//! assert_eq!(py.getweakrefcount(name("img"))?, 1); // ...only a weak one
//! assert_eq!(py.repr_of(name("cache").method("__len__", []))?, "1");
//! assert!(py.is(name("cache").method("__getitem__", [s("logo")]), name("img"))?);
//!
//! py.assign("seen", name("WeakSet").call([]))?;
//! py.exec(name("seen").method("add", [name("img")]))?;
//! py.exec(name("seen").method("add", [name("img")]))?; // the same object: one entry
//! assert_eq!(py.repr_of(name("seen").method("__len__", []))?, "1");
//! // for o in seen: the generator of `WeakSet.__iter__` holds the member too
//! py.for_in("o", name("seen"), |py| {
//!     assert_eq!(py.getrefcount(name("o"))?, 4); // img, o, the generator's item, the argument
//!     Ok(Flow::Continue)
//! })?;
//! py.del("o")?;
//!
//! py.del("img")?; // freed: both callbacks remove their entries
//! assert_eq!(py.repr_of(name("cache").method("__len__", []))?, "0");
//! assert_eq!(py.repr_of(name("cache").method("get", [s("logo")]))?, "None");
//! assert_eq!(py.repr_of(name("seen").method("__len__", []))?, "0");
//!
//! // Values must be weakly referenceable, as in CPython.
//! let err = py.exec(name("cache").method("__setitem__", [s("n"), int(1)])).unwrap_err();
//! assert_eq!(err.to_string(), "TypeError: cannot create weak reference to 'int' object");
//! # Ok::<(), pyheap::Error>(())
//! ```

use std::rc::Rc;

use crate::classes::Class;
use crate::error::{Error, Result};
use crate::expr::{dict, name, set};
use crate::heap::Heap;
use crate::names::{body, Frame};
use crate::object::{Kind, ObjId};

/// The classes this module provides, by the name `from weakref import ...` binds.
pub const WEAK_CONTAINERS: [&str; 2] = ["WeakValueDictionary", "WeakSet"];

/// Which of the two containers an instance is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WeakContainer {
    /// `WeakValueDictionary`: `data` is a dict of key → weakref(value).
    ValueDict,
    /// `WeakSet`: `data` is a set of weakref(item).
    Set,
}

/// Where the weakref module's classes are kept: the builtins table, under a dotted name no
/// program can spell, so they live as long as the interpreter (as the module's would).
fn module_key(class: &str) -> Option<&'static str> {
    match class {
        "WeakValueDictionary" => Some("weakref.WeakValueDictionary"),
        "WeakSet" => Some("weakref.WeakSet"),
        _ => None,
    }
}

impl Heap {
    /// `from weakref import WeakValueDictionary, WeakSet`: bind the named classes in the
    /// current scope. The classes are made on first use, as the module's class statements
    /// would make them, in a namespace of their own (not `__main__`'s).
    pub fn from_weakref_import(&mut self, names: &[&str]) -> Result<()> {
        for n in names {
            let cls = self.weakref_module_class(n)?;
            self.bind(n, cls)?;
        }
        Ok(())
    }

    /// The class object for `weakref.<class_name>` (no reference taken).
    fn weakref_module_class(&mut self, class_name: &str) -> Result<ObjId> {
        let key = module_key(class_name).ok_or_else(|| {
            Error::NotModeled(format!(
                "cannot import name '{class_name}' from 'weakref' (the model has {})",
                WEAK_CONTAINERS.join(", ")
            ))
        })?;
        if let Some(cls) = self.statics.builtins.get(key) {
            return Ok(*cls);
        }
        let def = match class_name {
            "WeakValueDictionary" => weak_value_dictionary_class(),
            _ => weak_set_class(),
        };
        // Run the class statement in a namespace of its own: a frame whose locals receive
        // the class, standing for the weakref module's globals.
        let code = self.new_code("weakref");
        self.frames.push(Frame {
            name: Rc::from("<module weakref>"),
            code,
            locals: Vec::new(),
            retval: None,
            frame_obj: None,
        });
        let made = self.class(def);
        let frame = self.frames.pop().expect("pushed above");
        // The methods hold the code object now; the frame borrowed it.
        self.decref(code);
        made?;
        // The local binding's reference becomes the module table's.
        let mut cls = None;
        for (n, v) in frame.locals {
            match (cls, v) {
                (None, Some(v)) if &*n == class_name => cls = Some(v),
                (_, Some(v)) => self.decref(v),
                _ => {}
            }
        }
        let cls = cls.ok_or_else(|| Error::Context(format!("class {class_name} was not bound")))?;
        self.statics.builtins.insert(key, cls);
        Ok(cls)
    }

    /// Which weak container `id` is, if it is an instance of one of this module's classes.
    pub(crate) fn weak_container_kind(&self, id: ObjId) -> Option<WeakContainer> {
        let Kind::Instance { class, .. } = &self.get(id).ok()?.kind else {
            return None;
        };
        let is = |key: &str| self.statics.builtins.get(key) == Some(class);
        if is("weakref.WeakValueDictionary") {
            Some(WeakContainer::ValueDict)
        } else if is("weakref.WeakSet") {
            Some(WeakContainer::Set)
        } else {
            None
        }
    }

    /// The container's `data` dict or set (no reference taken).
    fn weak_data(&mut self, container: ObjId) -> Result<ObjId> {
        let d = self.get_attr(container, "data")?;
        // The instance keeps `data` alive; give back the reference get_attr took.
        self.decref(d);
        Ok(d)
    }

    /// The weakrefs a container holds, with their keys (`None` for a WeakSet), in order.
    fn weak_entries(&mut self, container: ObjId) -> Result<Vec<(Option<ObjId>, ObjId)>> {
        let data = self.weak_data(container)?;
        Ok(match &self.obj(data).kind {
            Kind::Dict { entries, .. } => entries.iter().map(|(k, v)| (Some(*k), *v)).collect(),
            Kind::Set { items, table, .. } => crate::object::set_members(items, table)
                .map(|w| (None, w))
                .collect(),
            _ => Vec::new(),
        })
    }

    /// The live members of a weak container (a WeakSet's items, a WeakValueDictionary's
    /// keys whose values are alive), each as a new reference, in the container's order:
    /// what `len()` counts and `keys()` lists.
    pub(crate) fn weak_container_members(&mut self, container: ObjId) -> Result<Vec<ObjId>> {
        let kind = self.weak_container_kind(container).ok_or_else(|| {
            Error::Type(format!(
                "{} is not a weak container",
                self.describe(container)
            ))
        })?;
        let mut out = Vec::new();
        for (k, wr) in self.weak_entries(container)? {
            if let Some(target) = self.weakref_target(wr)? {
                let member = match kind {
                    WeakContainer::ValueDict => k.unwrap_or(target),
                    WeakContainer::Set => target,
                };
                self.incref(member);
                out.push(member);
            }
        }
        Ok(out)
    }

    /// The entries of a weak container as iteration sees them: each key (a
    /// WeakValueDictionary's) and weakref, as new references, so none disappears while a
    /// loop runs (the job of CPython's `_IterationGuard`). Give them back with
    /// [`Heap::weak_container_release`].
    pub(crate) fn weak_container_entries(
        &mut self,
        container: ObjId,
    ) -> Result<Vec<(Option<ObjId>, ObjId)>> {
        self.weak_container_kind(container).ok_or_else(|| {
            Error::Type(format!(
                "{} is not a weak container",
                self.describe(container)
            ))
        })?;
        let entries = self.weak_entries(container)?;
        for (k, wr) in &entries {
            if let Some(k) = k {
                self.incref(*k);
            }
            self.incref(*wr);
        }
        Ok(entries)
    }

    /// What one step of iterating yields for an entry (a new reference), or `None` if its
    /// referent has died: the key for a WeakValueDictionary, the item for a WeakSet.
    pub(crate) fn weak_container_member(
        &mut self,
        key: Option<ObjId>,
        wr: ObjId,
    ) -> Result<Option<ObjId>> {
        let Some(target) = self.weakref_target(wr)? else {
            return Ok(None);
        };
        let member = key.unwrap_or(target);
        self.incref(member);
        Ok(Some(member))
    }

    /// Give back what [`Heap::weak_container_entries`] took.
    pub(crate) fn weak_container_release(&mut self, entries: Vec<(Option<ObjId>, ObjId)>) {
        for (k, wr) in entries {
            self.decref(wr);
            if let Some(k) = k {
                self.decref(k);
            }
        }
    }

    /// The callback's work (`_remove_dead_weakref` / `self.data.discard(wr)`): drop the entry
    /// holding `wr` from the container's data, if the container is still alive.
    fn weak_remove_entry(&mut self, container: ObjId, wr: ObjId) -> Result<()> {
        if !self.is_alive(container) || self.weak_container_kind(container).is_none() {
            return Ok(()); // selfref() is None: the container went first.
        }
        let data = self.weak_data(container)?;
        let found = match &self.obj(data).kind {
            Kind::Dict { entries, .. } => entries.iter().position(|(_, v)| *v == wr).map(Ok),
            Kind::Set { items, .. } => items.iter().position(|w| *w == wr).map(Err),
            _ => None,
        };
        match found {
            Some(Ok(i)) => self.dict_remove_at(data, i),
            Some(Err(i)) => {
                if let Some(w) = self.set_discard_at(data, i) {
                    self.decref(w);
                }
            }
            None => {}
        }
        Ok(())
    }

    /// Find an entry: a WeakValueDictionary's entry for the key `probe` (its value may be
    /// dead), or a WeakSet's weakref to the live object `probe`. Returns the entry's
    /// position and its weakref.
    fn weak_find(&mut self, container: ObjId, probe: ObjId) -> Result<Option<(usize, ObjId)>> {
        let kind = self.weak_container_kind(container);
        for (i, (k, wr)) in self.weak_entries(container)?.into_iter().enumerate() {
            let hit = match (kind, k) {
                (Some(WeakContainer::ValueDict), Some(k)) => self.keys_equal(k, probe),
                _ => self.weakref_target(wr)? == Some(probe),
            };
            if hit {
                return Ok(Some((i, wr)));
            }
        }
        Ok(None)
    }
}

/// The instance a method was called on (`self`).
fn this(py: &mut Heap) -> Result<ObjId> {
    py.lookup("self")
}

/// `__init__`: `self.data = {}` (or `set()`) and the `_remove` callback, a function made
/// per instance, as CPython's closure is.
fn init_body(empty: crate::expr::Expr) -> crate::names::Body {
    body(move |py| {
        py.assign_attr(name("self"), "data", empty.clone())?;
        let me = this(py)?;
        // def remove(wr, selfref=ref(self)): ... (the handle `me` plays selfref)
        py.def(
            "remove",
            &["wr"],
            body(move |py| {
                let wr = py.lookup("wr")?;
                py.weak_remove_entry(me, wr)
            }),
        )?;
        py.assign_attr(name("self"), "_remove", name("remove"))
    })
}

/// `return <int>` from a method body.
fn ret_int(py: &mut Heap, v: usize) -> Result<()> {
    py.ret(crate::expr::int(v as i128))
}

/// `len(self)`: the live entries.
fn len_body() -> crate::names::Body {
    body(|py| {
        let me = this(py)?;
        let n = py.weak_container_members(me)?;
        let len = n.len();
        for m in n {
            py.decref(m);
        }
        ret_int(py, len)
    })
}

fn weak_value_dictionary_class() -> Class {
    Class::new("WeakValueDictionary")
        .method("__init__", &["self"], init_body(dict([])))
        .method(
            "__setitem__",
            &["self", "key", "value"],
            // self.data[key] = KeyedRef(value, self._remove, key)
            body(|py| {
                let wr = name("ref").call([name("value"), name("self").attr("_remove")]);
                py.assign_item(name("self").attr("data"), name("key"), wr)
            }),
        )
        .method(
            "__getitem__",
            &["self", "key"],
            // o = self.data[key](); if o is None: raise KeyError(key); return o
            body(|py| {
                let (me, key) = (this(py)?, py.lookup("key")?);
                match py.weak_find(me, key)? {
                    Some((_, wr)) if py.weakref_target(wr)?.is_some() => {
                        py.ret(crate::expr::obj(wr).call([]))
                    }
                    _ => Err(Error::Lookup(format!("KeyError: {}", py.repr(key)?))),
                }
            }),
        )
        .method(
            "__delitem__",
            &["self", "key"],
            body(|py| {
                let (me, key) = (this(py)?, py.lookup("key")?);
                match py.weak_find(me, key)? {
                    Some((i, _)) => {
                        let data = py.weak_data(me)?;
                        py.dict_remove_at(data, i);
                        Ok(())
                    }
                    None => Err(Error::Lookup(format!("KeyError: {}", py.repr(key)?))),
                }
            }),
        )
        .method(
            "__contains__",
            &["self", "key"],
            // try: o = self.data[key]() except KeyError: return False; return o is not None
            body(|py| {
                let (me, key) = (this(py)?, py.lookup("key")?);
                let alive = match py.weak_find(me, key)? {
                    Some((_, wr)) => py.weakref_target(wr)?.is_some(),
                    None => false,
                };
                py.ret(crate::expr::boolean(alive))
            }),
        )
        .method("__len__", &["self"], len_body())
        .method(
            "get",
            &["self", "key"],
            body(|py| {
                let (me, key) = (this(py)?, py.lookup("key")?);
                match py.weak_find(me, key)? {
                    Some((_, wr)) => py.ret(crate::expr::obj(wr).call([])),
                    None => py.ret(crate::expr::none()),
                }
            }),
        )
        .method(
            "keys",
            &["self"],
            body(|py| {
                let me = this(py)?;
                let keys = py.weak_container_members(me)?;
                let exprs: Vec<_> = keys.iter().map(|k| crate::expr::obj(*k)).collect();
                let r = py.ret(crate::expr::list(exprs));
                for k in keys {
                    py.decref(k);
                }
                r
            }),
        )
}

fn weak_set_class() -> Class {
    Class::new("WeakSet")
        .method("__init__", &["self"], init_body(set([])))
        .method(
            "add",
            &["self", "item"],
            // self.data.add(ref(item, self._remove)): weakrefs to one item compare equal,
            // so a second add keeps the first entry.
            body(|py| {
                let (me, item) = (this(py)?, py.lookup("item")?);
                if py.weak_find(me, item)?.is_some() {
                    return Ok(());
                }
                py.exec(name("self").attr("data").method(
                    "add",
                    [name("ref").call([name("item"), name("self").attr("_remove")])],
                ))
            }),
        )
        .method(
            "discard",
            &["self", "item"],
            body(|py| {
                let (me, item) = (this(py)?, py.lookup("item")?);
                if let Some((_, wr)) = py.weak_find(me, item)? {
                    py.weak_remove_entry(me, wr)?;
                }
                Ok(())
            }),
        )
        .method(
            "__contains__",
            &["self", "item"],
            body(|py| {
                let (me, item) = (this(py)?, py.lookup("item")?);
                let found = py.weak_find(me, item)?.is_some();
                py.ret(crate::expr::boolean(found))
            }),
        )
        .method("__len__", &["self"], len_body())
}
