//! 3.11's per-type free lists: freed floats, tuples, lists and dicts are kept for reuse
//! instead of going back to pymalloc.
//!
//! Two observable consequences: a new object of such a type takes the address of the last
//! one freed (id reuse), and an object served from or returned to a free list does not move
//! the collector's generation-0 count (it bypasses `_PyObject_GC_Link`/`PyObject_GC_Del`),
//! so a loop of `x = []` never triggers a collection. A full collection empties them all
//! (`clear_freelists`).

use crate::object::TypeTag;
use crate::sizes;

/// `PyFloat_MAXFREELIST`
pub const FLOAT_MAXFREELIST: usize = 100;
/// `PyTuple_MAXSAVESIZE`: tuples of length 1..20 have free lists (length 0 is a singleton).
pub const TUPLE_MAXSAVESIZE: usize = 20;
/// `PyTuple_MAXFREELIST`
pub const TUPLE_MAXFREELIST: usize = 2000;
/// `PyList_MAXFREELIST`
pub const LIST_MAXFREELIST: usize = 80;
/// `PyDict_MAXFREELIST`
pub const DICT_MAXFREELIST: usize = 80;

/// The free lists, each a LIFO stack of block addresses.
#[derive(Debug, Default, Clone)]
pub struct FreeLists {
    floats: Vec<u64>,
    tuples: [Vec<u64>; TUPLE_MAXSAVESIZE],
    lists: Vec<u64>,
    dicts: Vec<u64>,
    /// Freed 8-slot unicode keys objects (`keys_free_list`), with their request sizes.
    keys: Vec<(u64, usize)>,
    /// Bytes held by the blocks in all lists (their requested sizes).
    held: usize,
}

impl FreeLists {
    /// Take a block for a new object of this type and request size, if the list has one.
    #[inline]
    pub fn pop(&mut self, tag: TypeTag, request: usize) -> Option<u64> {
        match tag {
            TypeTag::Float => self.floats.pop(),
            TypeTag::List => self.lists.pop(),
            TypeTag::Dict => self.dicts.pop(),
            TypeTag::Tuple => {
                let n = sizes::tuple_len_from_request(request);
                if (1..TUPLE_MAXSAVESIZE).contains(&n) {
                    self.tuples[n].pop()
                } else {
                    None
                }
            }
            _ => None,
        }
        .inspect(|_| self.held -= request)
    }

    /// Keep a freed block if the type's list has room; false means free it for real.
    #[inline]
    pub fn push(&mut self, tag: TypeTag, request: usize, block: u64) -> bool {
        let (list, max) = match tag {
            TypeTag::Float => (&mut self.floats, FLOAT_MAXFREELIST),
            TypeTag::List => (&mut self.lists, LIST_MAXFREELIST),
            TypeTag::Dict => (&mut self.dicts, DICT_MAXFREELIST),
            TypeTag::Tuple => {
                let n = sizes::tuple_len_from_request(request);
                if !(1..TUPLE_MAXSAVESIZE).contains(&n) {
                    return false;
                }
                (&mut self.tuples[n], TUPLE_MAXFREELIST)
            }
            _ => return false,
        };
        if list.len() < max {
            list.push(block);
            self.held += request;
            true
        } else {
            false
        }
    }

    /// A keys object for `new_keys_object(PyDict_LOG_MINSIZE, unicode=1)`, if the keys free
    /// list has one (3.11 keeps up to [`DICT_MAXFREELIST`] of them).
    pub fn pop_keys(&mut self) -> Option<u64> {
        let (block, request) = self.keys.pop()?;
        self.held -= request;
        Some(block)
    }

    /// Keep a freed 8-slot unicode keys object (`free_keys_object`); false means free it.
    pub fn push_keys(&mut self, block: u64, request: usize) -> bool {
        if self.keys.len() < DICT_MAXFREELIST {
            self.keys.push((block, request));
            self.held += request;
            true
        } else {
            false
        }
    }

    /// Whether a block currently sits in a free list (its memory is untouched).
    pub fn holds(&self, block: u64) -> bool {
        self.floats.contains(&block)
            || self.lists.contains(&block)
            || self.dicts.contains(&block)
            || self.tuples.iter().any(|t| t.contains(&block))
            || self.keys.iter().any(|(b, _)| *b == block)
    }

    /// Empty every list (`clear_freelists`), returning the blocks with whether each belongs
    /// to a GC type, so the heap can free them.
    pub fn drain(&mut self) -> Vec<(u64, bool)> {
        let mut out: Vec<(u64, bool)> = self.floats.drain(..).map(|b| (b, false)).collect();
        for t in self.tuples.iter_mut() {
            out.extend(t.drain(..).map(|b| (b, true)));
        }
        out.extend(self.lists.drain(..).map(|b| (b, true)));
        out.extend(self.dicts.drain(..).map(|b| (b, true)));
        out.extend(self.keys.drain(..).map(|(b, _)| (b, false)));
        self.held = 0;
        out
    }

    /// Bytes held by free-list blocks (memory allocated but not in use by any object).
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// Number of blocks held, per type: (floats, tuples, lists, dicts).
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        (
            self.floats.len(),
            self.tuples.iter().map(Vec::len).sum(),
            self.lists.len(),
            self.dicts.len(),
        )
    }
}
