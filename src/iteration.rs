//! Iteration as 3.11's bytecode runs it: comprehensions, `sum()` and `next()`.
//!
//! 3.11 compiles `[i for i in range(n)]` into a hidden function, `<listcomp>`, and the
//! expression into four steps: `MAKE_FUNCTION` (a new function object), the iterable
//! (`range(n)`), `GET_ITER` (an iterator object: a 48-byte `rangeiterobject` for a range, a
//! `listiterator` for a list, the generator itself for a generator), and a call. The call's
//! frame starts an empty list (`BUILD_LIST 0`) and, for each item the iterator makes, binds
//! the variable and appends the element (`LIST_APPEND`), growing the items array by
//! `list_resize`'s over-allocation. When the frame finishes, its locals (the iterator, the
//! variable) are released; when the call returns, the function object is. A dict
//! comprehension is the same with `BUILD_MAP 0` and `MAP_ADD`.
//!
//! So the list a comprehension builds over-allocates (`sys.getsizeof` of a million-item
//! comprehension is 8,448,728 bytes, where `list(range(10**6))`, which knows its length, is
//! 8,000,056), each int it holds was made by the iterator one at a time, and only the list
//! and its items outlive the expression. [`Heap::sum`] walks its iterable the same way,
//! holding one item at a time, which is why summing a generator needs no memory for the
//! items while summing a list needs the list.
//!
//! The model has no iterator objects: the iterator's block is allocated and freed as a
//! block of the right size (so tracemalloc and the allocator see it), and the iteration
//! itself is done by the heap.

use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::names::Frame;
use crate::object::{Kind, ObjId};

/// Bytes of an iterator object: `rangeiterobject` (head, index, start, step, len) and
/// `listiterobject`/`tupleiterobject` (head, index, sequence) plus their `PyGC_Head` are
/// all 48 in 3.11.
const ITERATOR_BLOCK: usize = 48;

/// What a comprehension builds.
#[derive(Clone, Debug)]
enum Build {
    List(Expr),
    Dict(Expr, Expr),
}

/// A comprehension expression: `[elt for var in iterable]` or
/// `{key: value for var in iterable}`. Run it with [`Heap::comprehension`].
#[derive(Clone, Debug)]
pub struct Comprehension {
    build: Build,
    var: Rc<str>,
    iterable: Expr,
}

/// `[elt for var in iterable]`
pub fn list_comp(elt: Expr, var: &str, iterable: Expr) -> Comprehension {
    Comprehension {
        build: Build::List(elt),
        var: Rc::from(var),
        iterable,
    }
}

/// `{key: value for var in iterable}`
pub fn dict_comp(key: Expr, value: Expr, var: &str, iterable: Expr) -> Comprehension {
    Comprehension {
        build: Build::Dict(key, value),
        var: Rc::from(var),
        iterable,
    }
}

/// The Python source: `[i for i in range(10000)]`.
impl fmt::Display for Comprehension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.build {
            Build::List(e) => write!(f, "[{e} for {} in {}]", self.var, self.iterable),
            Build::Dict(k, v) => write!(f, "{{{k}: {v} for {} in {}}}", self.var, self.iterable),
        }
    }
}

/// What a loop body tells [`Heap::for_in`]: go on with the next item, or `break`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next item.
    Continue,
    /// `break`: leave the loop now.
    Break,
}

/// An iterator being walked (`GET_ITER`'s result).
enum Walk {
    /// `range_iterator`: the next value, the step, and how many are left.
    Range { next: i128, step: i128, left: u128 },
    /// `list_iterator` / `tuple_iterator`: the sequence (a reference held) and the index.
    Seq { seq: ObjId, index: usize },
    /// A generator is its own iterator (a reference held).
    Gen(ObjId),
    /// `iter()` of a `WeakSet` or `WeakValueDictionary` (see `weakcontainers`): their
    /// `__iter__` is a generator (`Lib/_weakrefset.py`, `Lib/weakref.py`) that holds the
    /// container, walks the entries present when it started (its `_IterationGuard` defers
    /// removals, so each key and weakref is held here), skips dead referents, and keeps the
    /// member it yielded in a local until the next step.
    Weak {
        container: ObjId,
        entries: Vec<(Option<ObjId>, ObjId)>,
        index: usize,
        current: Option<ObjId>,
    },
}

/// `WeakSet.__iter__` and `WeakValueDictionary.__iter__` have 3 locals and a stack of 6, so
/// their generator objects are 240 bytes in 3.11 (`sys.getsizeof(iter(WeakSet()))`).
const WEAK_ITER_NLOCALS: usize = 3;
const WEAK_ITER_STACKSIZE: usize = 6;

/// An iterator: what it walks and its block (0 for a generator, which is its own).
pub(crate) struct Iter {
    walk: Walk,
    block: u64,
    is_gc: bool,
}

impl Heap {
    /// `GET_ITER` on an object the caller owns (the reference passes to the iterator or is
    /// released, as the bytecode does).
    pub(crate) fn get_iter(&mut self, it: ObjId) -> Result<Iter> {
        let (walk, is_gc) = match &self.obj(it).kind {
            Kind::Range(r) => {
                let (start, stop, step) = **r;
                let left = range_len(start, stop, step);
                // The iterator copies the numbers; the range itself is released.
                self.decref(it);
                (
                    Walk::Range {
                        next: start,
                        step,
                        left,
                    },
                    false,
                )
            }
            Kind::List { .. } | Kind::Tuple(_) => (Walk::Seq { seq: it, index: 0 }, true),
            Kind::Generator { .. } => {
                return Ok(Iter {
                    walk: Walk::Gen(it),
                    block: 0,
                    is_gc: false,
                })
            }
            Kind::Instance { .. } if self.weak_container_kind(it).is_some() => {
                let entries = match self.weak_container_entries(it) {
                    Ok(entries) => entries,
                    Err(e) => {
                        self.decref(it);
                        return Err(e);
                    }
                };
                // The generator object: a GC object, counted toward the next collection.
                self.gc_link();
                let words =
                    crate::layout::generator_framesize_for(WEAK_ITER_NLOCALS, WEAK_ITER_STACKSIZE);
                let block = self.alloc_buffer(crate::layout::generator_sizeof(words));
                let walk = Walk::Weak {
                    container: it,
                    entries,
                    index: 0,
                    current: None,
                };
                return Ok(Iter {
                    walk,
                    block,
                    is_gc: true,
                });
            }
            _ => {
                let ty = self.type_name(it)?;
                self.decref(it);
                return Err(Error::Type(format!(
                    "'{ty}' object is not iterable (the model iterates ranges, lists, tuples, generators and the weak containers here)"
                )));
            }
        };
        if is_gc {
            // PyObject_GC_New: counted toward the next automatic collection.
            self.gc_link();
        }
        let block = self.alloc_buffer(ITERATOR_BLOCK);
        Ok(Iter { walk, block, is_gc })
    }

    /// `FOR_ITER`: the next item, a new reference, or `None` when exhausted.
    pub(crate) fn iter_next(&mut self, it: &mut Iter) -> Result<Option<ObjId>> {
        match &mut it.walk {
            Walk::Range { next, step, left } => {
                if *left == 0 {
                    return Ok(None);
                }
                let v = *next;
                // Past the last value the sum may leave i128; it is never read.
                *next = next.wrapping_add(*step);
                *left -= 1;
                Ok(Some(self.new_int(v)))
            }
            Walk::Seq { seq, index } => {
                let item = match &self.obj(*seq).kind {
                    Kind::List { items, .. } => items.get(*index).copied(),
                    Kind::Tuple(items) => items.get(*index).copied(),
                    _ => None,
                };
                *index += 1;
                if let Some(v) = item {
                    self.incref(v);
                }
                Ok(item)
            }
            Walk::Gen(g) => {
                let g = *g;
                self.gen_next(g)
            }
            Walk::Weak {
                entries,
                index,
                current,
                ..
            } => {
                while let Some(&(key, wr)) = entries.get(*index) {
                    *index += 1;
                    if let Some(member) = self.weak_container_member(key, wr)? {
                        // The generator's local (`item`, `k`) keeps it until the next step.
                        self.incref(member);
                        if let Some(old) = current.replace(member) {
                            self.decref(old);
                        }
                        return Ok(Some(member));
                    }
                }
                if let Some(old) = current.take() {
                    self.decref(old);
                }
                Ok(None)
            }
        }
    }

    /// The iterator's deallocation: its reference to the sequence, then its block.
    pub(crate) fn iter_free(&mut self, it: Iter) {
        match it.walk {
            Walk::Seq { seq, .. } | Walk::Gen(seq) => self.decref(seq),
            Walk::Range { .. } => {}
            Walk::Weak {
                container,
                entries,
                current,
                ..
            } => {
                if let Some(member) = current {
                    self.decref(member);
                }
                self.weak_container_release(entries);
                self.decref(container);
            }
        }
        if it.block != 0 {
            self.free_buffer(it.block);
            if it.is_gc {
                self.gc_unlink();
            }
        }
    }

    /// The `FOR_ITER` loop: hand each item of `iter` (a new reference, which `f` owns) to
    /// `f`, until the iterator is exhausted or `f` says [`Flow::Break`]. The first error, from
    /// the iterator or from `f`, ends the loop and is returned. Items are made at `site`
    /// when one is given (the loop's line, for tracemalloc). The caller frees the iterator,
    /// at the point where the C releases it.
    pub(crate) fn iter_each(
        &mut self,
        iter: &mut Iter,
        site: Option<&'static Location<'static>>,
        mut f: impl FnMut(&mut Heap, ObjId) -> Result<Flow>,
    ) -> Result<()> {
        loop {
            let next = match site {
                Some(site) => self.at_site(site, |h| h.iter_next(iter)),
                None => self.iter_next(iter),
            };
            let Some(item) = next? else {
                return Ok(());
            };
            if let Flow::Break = f(self, item)? {
                return Ok(());
            }
        }
    }

    /// Run a comprehension and hand its result to `then` as an expression (a reference the
    /// heap holds until `then` returns, as the evaluation stack holds a value until the
    /// statement that uses it ends):
    ///
    /// ```
    /// use pyheap::prelude::*;
    /// let mut py = Heap::new();
    /// // data = [i for i in range(1000)]
    /// let numbers = list_comp(name("i"), "i", name("range").call([int(1000)]));
    /// py.comprehension(&numbers, |py, value| py.assign("data", value))?;
    /// assert_eq!(py.getsizeof(name("data"))?, 8856);
    /// # Ok::<(), pyheap::Error>(())
    /// ```
    ///
    /// The allocations are traced at the caller's line, in two frames (the statement's and
    /// the `<listcomp>` function's), as 3.11 traces them.
    #[track_caller]
    pub fn comprehension<T>(
        &mut self,
        comp: &Comprehension,
        then: impl FnOnce(&mut Heap, Expr) -> Result<T>,
    ) -> Result<T> {
        let site = Location::caller();
        let result = self.at_site(site, |h| {
            let func = h.make_comprehension_function(comp);
            let r = h
                .eval_new_ref(&comp.iterable)
                .and_then(|it| h.get_iter(it))
                .and_then(|iter| h.at_site(site, |h| h.run_comprehension(comp, iter)));
            // The call returned: the function object is released.
            h.decref(func);
            r
        })?;
        let r = then(self, Expr::Obj(result));
        self.decref(result);
        r
    }

    /// Evaluate an expression inside a running statement and keep a new reference.
    pub(crate) fn eval_new_ref(&mut self, e: &Expr) -> Result<ObjId> {
        let mark = self.temps.len();
        let r = self.eval(e).inspect(|&v| self.incref(v));
        self.release_temps(mark);
        r
    }

    /// `MAKE_FUNCTION` for the hidden `<listcomp>`/`<dictcomp>` function.
    fn make_comprehension_function(&mut self, comp: &Comprehension) -> ObjId {
        let name = match comp.build {
            Build::List(_) => "<listcomp>",
            Build::Dict(..) => "<dictcomp>",
        };
        // Its body is run_comprehension, which the caller runs on the iterator.
        self.new_function(name, &[".0"], crate::names::body(|_| Ok(())), false)
    }

    /// The `<listcomp>` frame: `.0` is the iterator, then the loop.
    fn run_comprehension(&mut self, comp: &Comprehension, mut iter: Iter) -> Result<ObjId> {
        let code = self.current_code();
        self.frames.push(Frame {
            name: Rc::from("<listcomp>"),
            code,
            locals: vec![(comp.var.clone(), None)],
            retval: None,
            frame_obj: None,
        });
        let result = match comp.build {
            Build::List(_) => self.new_list_exact(Vec::new()),
            Build::Dict(..) => self.new_dict_untracked(),
        };
        let outcome = self.iter_each(&mut iter, None, |h, item| {
            // STORE_FAST var: the old value is released after the new one is stored.
            let frame = h.frames.last_mut().expect("pushed above");
            let old = frame.locals[0].1.replace(item);
            if let Some(old) = old {
                h.decref(old);
            }
            let mark = h.temps.len();
            let step = match &comp.build {
                Build::List(elt) => h.eval(elt).map(|v| {
                    h.incref(v);
                    h.list_append(result, v);
                }),
                Build::Dict(k, v) => h
                    .eval(k)
                    .and_then(|kv| h.eval(v).map(|vv| (kv, vv)))
                    .and_then(|(kv, vv)| h.dict_set(result, kv, vv)),
            };
            h.release_temps(mark);
            step.map(|_| Flow::Continue)
        });
        // RETURN_VALUE: the frame's locals are cleared in slot order, `.0` (the iterator)
        // first, then the variable.
        let frame = self.frames.pop().expect("pushed above");
        self.iter_free(iter);
        for (_, v) in frame.locals {
            if let Some(v) = v {
                self.decref(v);
            }
        }
        match outcome {
            Ok(()) => Ok(result),
            Err(e) => {
                self.decref(result);
                Err(e)
            }
        }
    }

    /// `sum(iterable)`: walks the iterable one item at a time (each item released before
    /// the next is made) and makes one int for the total, as `builtin_sum_impl`'s fast path
    /// for ints does. The total is handed to `then` as an expression.
    #[track_caller]
    pub fn sum<T>(
        &mut self,
        iterable: Expr,
        then: impl FnOnce(&mut Heap, Expr) -> Result<T>,
    ) -> Result<T> {
        let total = self.at_caller(|h| {
            let it = h.eval_new_ref(&iterable)?;
            let mut iter = h.get_iter(it)?;
            let mut acc: i128 = 0;
            let outcome = h.iter_each(&mut iter, None, |h, v| {
                let n = h.int_of(v);
                h.decref(v);
                acc = acc
                    .checked_add(n?)
                    .ok_or_else(|| Error::NotModeled("a sum beyond 128 bits".into()))?;
                Ok(Flow::Continue)
            });
            h.iter_free(iter);
            outcome.map(|_| h.new_int(acc))
        })?;
        let r = then(self, Expr::Obj(total));
        self.decref(total);
        r
    }

    /// `for target in iterable: body`, pulling one item at a time from the iterator, as
    /// `FOR_ITER` does: a generator runs only as far as the loop goes, and an item lives
    /// until the next one replaces it in `target`. The body returns [`Flow::Break`] for
    /// `break`. The iterator (and what it holds) is released when the loop ends, by
    /// exhaustion or by `break`; the loop variable stays bound, as in Python.
    ///
    /// The iterable is evaluated, and each item made, at the caller's line; the body's
    /// statements are traced at their own lines.
    #[track_caller]
    pub fn for_in(
        &mut self,
        target: &str,
        iterable: Expr,
        mut body: impl FnMut(&mut Heap) -> Result<Flow>,
    ) -> Result<()> {
        let site = Location::caller();
        let mut iter = self.at_site(site, |h| {
            let it = h.eval_new_ref(&iterable)?;
            h.get_iter(it)
        })?;
        let outcome = self.iter_each(&mut iter, Some(site), |h, item| {
            let bound = h.at_site(site, |h| h.bind(target, item));
            h.decref(item);
            bound.and_then(|_| body(h))
        });
        self.iter_free(iter);
        outcome
    }

    /// The value of an int expression, read into Rust (for a loop's condition:
    /// `if num > 10: break`).
    pub fn int_value(&mut self, e: Expr) -> Result<i128> {
        self.with_value(e, |h, v| h.int_of(v))?
    }

    /// `next(gen)` on a generator bound to an expression: the next item handed to `then`
    /// (`None` once the generator is exhausted). One item exists at a time: the caller's
    /// statement takes it, and it is released when `then` returns unless something kept it.
    #[track_caller]
    pub fn next_item<T>(
        &mut self,
        generator: Expr,
        then: impl FnOnce(&mut Heap, Option<Expr>) -> Result<T>,
    ) -> Result<T> {
        let item = self.at_caller(|h| {
            let g = h.eval_new_ref(&generator)?;
            let r = if matches!(h.obj(g).kind, Kind::Generator { .. }) {
                h.gen_next(g)
            } else {
                Err(Error::Type(format!(
                    "'{}' object is not an iterator",
                    h.type_name(g)?
                )))
            };
            h.decref(g);
            r
        })?;
        let r = then(self, item.map(Expr::Obj));
        if let Some(v) = item {
            self.decref(v);
        }
        r
    }
}

/// How many values `range(start, stop, step)` has (`compute_range_length`), in a type that
/// no pair of `i128` bounds overflows. `step` is never 0 (`range()` refuses it).
pub(crate) fn range_len(start: i128, stop: i128, step: i128) -> u128 {
    let (lo, hi) = if step > 0 {
        (start, stop)
    } else {
        (stop, start)
    };
    if lo >= hi {
        return 0;
    }
    (hi.abs_diff(lo) - 1) / step.unsigned_abs() + 1
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// Ranges at the edges of the model's ints: the lengths and values python3 gives, with
    /// no overflow in between (the values after the last, or `k * step`, may leave i128).
    #[test]
    fn ranges_at_the_edges_of_i128() -> Result<()> {
        let mut py = Heap::new();
        let range = |a: i128, b: i128, st: i128| name("range").call([int(a), int(b), int(st)]);
        let wide = range(1 << 126, i128::MAX, 1 << 125);
        assert_eq!(
            py.repr_of(name("list").call([wide.clone()]))?,
            "[85070591730234615865843651857942052864, 127605887595351923798765477786913079296]"
        );
        let mut seen = Vec::new();
        py.for_in("v", wide, |py| {
            seen.push(py.int_value(name("v"))?);
            Ok(Flow::Continue)
        })?;
        assert_eq!(seen, [1 << 126, (1 << 126) + (1 << 125)]);
        assert_eq!(
            py.repr_of(name("list").call([range(10, 0, -3)]))?,
            "[10, 7, 4, 1]"
        );
        assert_eq!(py.repr_of(name("len").call([range(10, 0, -3)]))?, "4");
        assert_eq!(
            py.repr_of(name("list").call([range(i128::MIN, i128::MIN + 5, 2)]))?,
            "[-170141183460469231731687303715884105728, \
             -170141183460469231731687303715884105726, \
             -170141183460469231731687303715884105724]"
        );
        Ok(())
    }
}
