//! Hunting leaks: finding what keeps an object alive.
//!
//! In a language with a garbage collector a leak is not memory nobody can reach: the
//! collector frees that. It is an object the program can still reach but will never use
//! again: an entry in a cache nobody evicts, an instance in a class-level registry, a
//! listener never unsubscribed. Reference counting and the collector are both right to keep
//! it, so `gc.collect()` finds nothing and `gc.garbage` stays empty. The question is *who*
//! holds it, and the tools answer with the collector's own traversal:
//! `gc.get_referrers(obj)` ([`Heap::gc_get_referrers`]) lists the tracked objects whose
//! `tp_traverse` visits it, and `objgraph.find_backref_chain` walks those referrers
//! breadth first until it reaches a root ([`Heap::find_backref_chain`]).
//!
//! ```
//! use pyheap::prelude::*;
//!
//! let mut py = Heap::new();
//! py.assign("registry", list([]))?;
//! py.exec(name("registry").method("append", [list([])]))?; // a list no name refers to
//! let leaked = py.eval_owned(name("registry").item(int(0)))?;
//! let chain = py.find_backref_chain(leaked)?; // root first, the object last
//! let types = chain.iter().map(|o| py.type_name(*o)).collect::<Result<Vec<_>>>()?;
//! assert_eq!(types, ["dict", "list", "list"]);
//! assert_eq!(py.reference_name(chain[0], chain[1])?.as_deref(), Some("['registry']"));
//! assert_eq!(py.reference_name(chain[1], chain[2])?.as_deref(), Some("[0]"));
//! py.release(leaked)?;
//! # Ok::<(), pyheap::Error>(())
//! ```

use std::collections::{HashMap, VecDeque};

use crate::error::Result;
use crate::heap::Heap;
use crate::object::{InstanceAttrs, Kind, ObjId};

/// How far [`Heap::find_backref_chain`] searches by default (objgraph's `max_depth`).
pub const MAX_DEPTH: usize = 20;

impl Heap {
    /// `objgraph.find_backref_chain(obj, is_root)` with the module's globals dict as the
    /// root: the shortest chain of references from the globals dict to `obj`, root first and
    /// `obj` last, found by a breadth-first search over [`Heap::gc_get_referrers`]. Like
    /// objgraph, if no root is found within [`MAX_DEPTH`] steps the chain is just `[obj]`.
    ///
    /// Only tracked objects are referrers, as in CPython: a reference held by a running
    /// frame's local (not an object in 3.11) or by an untracked container is invisible to it.
    pub fn find_backref_chain(&self, obj: ObjId) -> Result<Vec<ObjId>> {
        let root = self.globals_dict();
        self.find_backref_chain_to(obj, |_, id| id == root, MAX_DEPTH)
    }

    /// [`Heap::find_backref_chain`] with a root predicate and a depth limit of your own.
    pub fn find_backref_chain_to(
        &self,
        obj: ObjId,
        is_root: impl Fn(&Heap, ObjId) -> bool,
        max_depth: usize,
    ) -> Result<Vec<ObjId>> {
        self.get(obj)?;
        // objgraph's `_find_chain`: a queue, each object's depth, and the object it was
        // reached from. (Its `ignore` set of its own lists and frames has no counterpart:
        // the search's bookkeeping is Rust memory, not objects on the heap.)
        let mut queue = VecDeque::from([obj]);
        let mut depth: HashMap<ObjId, usize> = HashMap::from([(obj, 0)]);
        let mut parent: HashMap<ObjId, ObjId> = HashMap::new();
        while let Some(target) = queue.pop_front() {
            if is_root(self, target) {
                let mut chain = vec![target];
                let mut at = target;
                while let Some(&p) = parent.get(&at) {
                    chain.push(p);
                    at = p;
                }
                return Ok(chain);
            }
            let d = depth[&target];
            if d >= max_depth {
                continue;
            }
            for source in self.gc_get_referrers(target)? {
                if let std::collections::hash_map::Entry::Vacant(e) = depth.entry(source) {
                    e.insert(d + 1);
                    parent.insert(source, target);
                    queue.push_back(source);
                }
            }
        }
        Ok(vec![obj])
    }
}

impl Heap {
    /// How `src` refers to `dst`, spelled as Python would reach it from `src`: `['key']` for a
    /// dict value, `[i]` for a list or tuple item, `.name` for an instance attribute,
    /// `.__dict__` for a class's namespace or an instance's dict, `.__mro__`, `.__globals__`,
    /// `.__code__`. `None` if `src` does not refer to `dst` (or refers to it only as a dict
    /// key, or in some way the model does not name).
    pub fn reference_name(&self, src: ObjId, dst: ObjId) -> Result<Option<String>> {
        self.get(dst)?;
        let position = |items: &[ObjId]| {
            items
                .iter()
                .position(|i| *i == dst)
                .map(|i| format!("[{i}]"))
        };
        Ok(match &self.get(src)?.kind {
            Kind::Dict { entries, .. } => match entries.iter().find(|(_, v)| *v == dst) {
                Some((k, _)) => Some(format!("[{}]", self.repr(*k)?)),
                None => None,
            },
            Kind::List { items, .. } => position(items),
            Kind::Tuple(items) => position(items),
            Kind::Instance { class, attrs, .. } => match attrs {
                InstanceAttrs::Inline { .. } | InstanceAttrs::InlineOne { .. } => self
                    .objs
                    .inline_pairs(*class, attrs)
                    .iter()
                    .find(|(_, v)| *v == dst)
                    .map(|(k, _)| format!(".{k}")),
                InstanceAttrs::Slots(sl) => self
                    .slot_names(*class)
                    .zip(sl)
                    .find(|(_, v)| **v == Some(dst))
                    .map(|(k, _)| format!(".{k}")),
                InstanceAttrs::Dict(d) if *d == dst => Some(".__dict__".into()),
                InstanceAttrs::Dict(_) => None,
            }
            .or_else(|| (*class == dst).then(|| ".__class__".into())),
            Kind::Type(c) if c.dict == dst => Some(".__dict__".into()),
            Kind::Type(c) if c.mro == dst => Some(".__mro__".into()),
            Kind::Type(c) if c.bases == dst => Some(".__bases__".into()),
            Kind::Function(f) if f.globals == dst => Some(".__globals__".into()),
            Kind::Function(f) if f.code == dst => Some(".__code__".into()),
            Kind::Function(f) if f.dict == Some(dst) => Some(".__dict__".into()),
            _ => None,
        })
    }
}
