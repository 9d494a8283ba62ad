//! `for` loops: `for target in iterable: body` as a statement of the model.
//!
//! A loop binds its variable in the current scope, one item at a time, and holds the
//! iterable for as long as it runs, so reference counts observed inside and after a loop are
//! CPython's: the item is referenced by the variable (and nothing else the loop made), and
//! the last item stays bound when the loop ends.
//!
//! ```
//! use pyheap::prelude::*;
//!
//! let mut py = Heap::new();
//! py.assign("total", int(0))?;
//! // for x in [1, 2, 3]: total = total + x
//! py.for_each("x", list([int(1), int(2), int(3)]), |py| {
//!     py.assign("total", add(name("total"), name("x")))
//! })?;
//! assert_eq!(py.repr_of(name("total"))?, "6");
//! assert_eq!(py.repr_of(name("x"))?, "3"); // the loop variable stays bound
//! # Ok::<(), pyheap::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::object::Kind;

impl Heap {
    /// `for target in iterable: f`. The iterable is evaluated once and held for the whole
    /// loop (as its iterator object holds it); each item is bound to `target` in the current
    /// scope, where the last one stays bound after the loop, as in Python. Lists, tuples,
    /// dicts (keys) and sets are read by position at each step, as their iterators read them;
    /// a dict or set that changes size fails the loop (`RuntimeError`). A `WeakSet` or
    /// `WeakValueDictionary` yields its live members, each also held by the generator's own
    /// local while the body runs, skipping entries whose referent dies during the loop.
    pub fn for_each(
        &mut self,
        target: &str,
        iterable: Expr,
        mut f: impl FnMut(&mut Heap) -> Result<()>,
    ) -> Result<()> {
        let mark = self.temps.len();
        let r = self.for_each_inner(target, &iterable, &mut f);
        self.release_temps(mark);
        r
    }

    fn for_each_inner(
        &mut self,
        target: &str,
        iterable: &Expr,
        f: &mut dyn FnMut(&mut Heap) -> Result<()>,
    ) -> Result<()> {
        let it = self.eval(iterable)?;
        if self.weak_container_kind(it).is_some() {
            // The generator in Lib/_weakrefset.py: `item = itemref(); if item is not None:
            // yield item`. Its local `item` holds the member while the body runs.
            let entries = self.weak_container_entries(it)?;
            let mut r = Ok(());
            for &(key, wr) in &entries {
                if r.is_err() {
                    break;
                }
                if let Some(member) = self.weak_container_member(key, wr)? {
                    r = self.bind(target, member).and_then(|_| f(self));
                    self.decref(member);
                }
            }
            self.weak_container_release(entries);
            return r;
        }
        let sized = |h: &Heap| -> Option<usize> {
            match &h.obj(it).kind {
                Kind::List { items, .. } => Some(items.len()),
                Kind::Tuple(items) => Some(items.len()),
                Kind::Dict { entries, .. } => Some(entries.len()),
                Kind::Set { items, .. } => Some(items.len()),
                _ => None,
            }
        };
        let Some(start_len) = sized(self) else {
            // Generators, ranges, strings: new ints and one-character strings, which the
            // model makes before the loop starts rather than one per step.
            for v in self.iterate(it)? {
                let bound = self.bind(target, v);
                self.decref(v);
                bound?;
                f(self)?;
            }
            return Ok(());
        };
        let mut i = 0;
        loop {
            let resized = sized(self) != Some(start_len);
            let item = match &self.obj(it).kind {
                Kind::List { items, .. } => items.get(i).copied(),
                Kind::Tuple(items) => items.get(i).copied(),
                Kind::Dict { .. } if resized => {
                    return Err(Error::Lookup(
                        "RuntimeError: dictionary changed size during iteration".into(),
                    ))
                }
                Kind::Set { .. } if resized => {
                    return Err(Error::Lookup(
                        "RuntimeError: Set changed size during iteration".into(),
                    ))
                }
                Kind::Dict { entries, .. } => entries.get(i).map(|(k, _)| *k),
                Kind::Set { items, .. } => items.get(i).copied(),
                _ => None,
            };
            let Some(item) = item else { return Ok(()) };
            self.bind(target, item)?;
            f(self)?;
            i += 1;
        }
    }
}
