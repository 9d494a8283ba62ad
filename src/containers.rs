//! Built-in containers: tuple, list, dict, set/frozenset, and `array.array`. Each holds strong
//! references (an array holds raw values); creation, growth and mutation follow 3.11's
//! allocation rules step by step (`list_resize`, `insertdict`/`dictresize`, `set_add_entry`/
//! `set_table_resize`, `array_resize`), so sizes, the blocks requested, and the collector's
//! view (tracked or not) come out as CPython's.

use crate::dictkeys::{DictIndex, Lookup};
use crate::error::{Error, Result};
use crate::eval;
use crate::getargs;
use crate::heap::Heap;
use crate::iteration::Flow;
use crate::layout::{self, Block, DictKeysKind, DictShape, SetShape};
use crate::object::{DictEntries, Kind, ObjId, SetEntry, TypeTag};
use crate::sizes;
use thin_vec::ThinVec;

/// 3.11 compile.c's `STACK_USE_GUIDELINE`: displays with more items than this are built
/// incrementally instead of from the stack in one instruction.
const STACK_USE_GUIDELINE: usize = 30;

impl Heap {
    // ----- tuple ------------------------------------------------------------------------------

    /// A tuple taking ownership of `items` (BUILD_TUPLE): tracked at creation; the collector
    /// untracks it later if it turns out to hold only untracked objects.
    pub(crate) fn new_tuple_from(&mut self, items: Vec<ObjId>) -> ObjId {
        if items.is_empty() {
            let e = self.statics.empty_tuple;
            self.incref(e);
            return e;
        }
        let t = self.alloc(TypeTag::Tuple, Kind::Tuple(items.into_iter().collect()));
        self.gc_track(t);
        t
    }

    // ----- list -------------------------------------------------------------------------------
    //
    // A list is two blocks: the `PyListObject` (56 bytes with its GC head, from the list free
    // list or pymalloc) and its items array (`PyMem_Realloc(ob_item, 8 * allocated)`), which
    // `list_resize` grows with over-allocation. `allocated` is kept per list, so
    // `sys.getsizeof` is `56 + 8 * allocated` whatever the history that led to it.

    /// `PyList_New(n)`: the object first, then exactly `n` slots (`BUILD_LIST n`, `[x] * n`,
    /// `a + b`); no items array for `n == 0`.
    pub(crate) fn new_list_exact(&mut self, items: Vec<ObjId>) -> ObjId {
        let n = items.len();
        // The object first (which may collect), then its items array.
        let l = self.alloc(
            TypeTag::List,
            Kind::List {
                items,
                allocated: 0,
                items_addr: 0,
            },
        );
        if n > 0 {
            self.list_set_allocated(l, n);
        }
        self.gc_track(l);
        l
    }

    /// An empty list grown by one `list_extend` from a source whose length is known (a
    /// tuple constant for 3.11's `[1, 2, 3]`: `BUILD_LIST 0; LIST_EXTEND`, or `list(x)` of
    /// a sized `x`): `list_preallocate_exact`, `(n + 1) & ~1` slots.
    pub(crate) fn new_list_by_extend(&mut self, items: Vec<ObjId>) -> ObjId {
        let l = self.new_list_exact(Vec::new());
        self.list_extend_sized(l, items);
        l
    }

    /// A list display of values computed at run time (`[a, b, c]`): `BUILD_LIST n`, exactly
    /// `n` slots, when there are at most 30 items; more than 30 (`STACK_USE_GUIDELINE`)
    /// compile to `BUILD_LIST 0` and one `LIST_APPEND` per item, which over-allocate.
    pub(crate) fn new_list_from(&mut self, items: Vec<ObjId>) -> ObjId {
        if items.len() <= STACK_USE_GUIDELINE {
            return self.new_list_exact(items);
        }
        let l = self.new_list_exact(Vec::new());
        for v in items {
            self.list_append(l, v);
        }
        l
    }

    /// `list(src)`, given the items `src` produced (owned). `list.__init__` preallocates
    /// exactly when `src` has a length (`_PyObject_HasLen`); a generator has none, so
    /// `list_extend` guesses 8 (`PyObject_LengthHint(it, 8)`), appends past that with
    /// over-allocation, and cuts back at the end (`list(g)` of 3 items keeps 8 slots).
    pub(crate) fn list_from_iterable(&mut self, src: Option<ObjId>, items: Vec<ObjId>) -> ObjId {
        let l = self.new_list_exact(Vec::new());
        match src {
            Some(s) if self.length_hint(s).is_none() => self.list_extend_iter(l, items, 8),
            _ => self.list_extend_sized(l, items),
        }
        l
    }

    /// What `_PyObject_HasLen`/`__length_hint__` says about an iterable: its length, or
    /// `None` for a generator (and anything else without one).
    pub(crate) fn length_hint(&self, src: ObjId) -> Option<usize> {
        match &self.obj(src).kind {
            Kind::Generator { .. } => None,
            _ => self.len_of(src).ok(),
        }
    }

    /// Reallocate a list's items array to `new_alloc` slots (`PyMem_Realloc`).
    fn list_set_allocated(&mut self, l: ObjId, new_alloc: usize) {
        let (allocated, addr) = match &self.obj(l).kind {
            Kind::List {
                allocated,
                items_addr,
                ..
            } => (*allocated as usize, *items_addr),
            _ => return,
        };
        if new_alloc == allocated && (addr != 0 || new_alloc == 0) {
            return;
        }
        let new_addr =
            self.realloc_buffer(addr, layout::block_request(Block::ListItems(new_alloc)));
        if let Kind::List {
            allocated,
            items_addr,
            ..
        } = &mut self.obj_mut(l).kind
        {
            *allocated = u32::try_from(new_alloc).expect("a list's capacity below 2^32");
            *items_addr = new_addr;
        }
    }

    /// `list_resize(self, new_len)` on a list whose size is still its old length.
    fn list_resize(&mut self, l: ObjId, new_len: usize) {
        let len = match &self.obj(l).kind {
            Kind::List { items, .. } => items.len(),
            _ => return,
        };
        self.list_resize_from(l, len, new_len);
    }

    /// `list_resize(self, new_len)` called while the list's size is still `old_len` (C
    /// removes an item, resizes, then sets the size: the model has already removed it).
    fn list_resize_from(&mut self, l: ObjId, old_len: usize, new_len: usize) {
        let allocated = match &self.obj(l).kind {
            Kind::List { allocated, .. } => *allocated as usize,
            _ => return,
        };
        let new_alloc = layout::list_resize(allocated, old_len, new_len);
        if new_alloc != allocated {
            self.list_set_allocated(l, new_alloc);
        }
    }

    /// `list.append(v)` / `LIST_APPEND`: takes ownership of `v`. A full list grows by
    /// `list_resize(len + 1)`: 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ... slots.
    pub(crate) fn list_append(&mut self, l: ObjId, v: ObjId) {
        let (len, allocated) = match &self.obj(l).kind {
            Kind::List {
                items, allocated, ..
            } => (items.len(), *allocated as usize),
            _ => return,
        };
        if len >= allocated {
            self.list_resize(l, len + 1);
        }
        if let Kind::List { items, .. } = &mut self.obj_mut(l).kind {
            items.push(v);
        }
    }

    /// `list.extend(src)` / `list(src)` for a source of known length (a list or tuple, or a
    /// sized iterable whose items are already made): a list without an items array gets
    /// `list_preallocate_exact(n)`, one with an array `list_resize(len + n)`.
    pub(crate) fn list_extend_sized(&mut self, l: ObjId, new: Vec<ObjId>) {
        if new.is_empty() {
            return;
        }
        let (len, addr) = match &self.obj(l).kind {
            Kind::List {
                items, items_addr, ..
            } => (items.len(), *items_addr),
            _ => return,
        };
        if addr == 0 {
            self.list_set_allocated(l, layout::list_preallocate_exact(new.len()));
        } else {
            self.list_resize(l, len + new.len());
        }
        if let Kind::List { items, .. } = &mut self.obj_mut(l).kind {
            items.extend(new);
        }
    }

    /// The iterator path of `list_extend`, guessing `hint` items: preallocate (or
    /// `list_resize(len + hint)`), fill the room, append past it, and cut back with
    /// `list_resize(len)` if the guess was too large.
    pub(crate) fn list_extend_iter(&mut self, l: ObjId, new: Vec<ObjId>, hint: usize) {
        let (len, addr) = match &self.obj(l).kind {
            Kind::List {
                items, items_addr, ..
            } => (items.len(), *items_addr),
            _ => return,
        };
        if addr == 0 {
            if hint > 0 {
                self.list_set_allocated(l, layout::list_preallocate_exact(hint));
            }
        } else {
            self.list_resize(l, len + hint);
        }
        for v in new {
            self.list_append(l, v);
        }
        let (len, allocated) = match &self.obj(l).kind {
            Kind::List {
                items, allocated, ..
            } => (items.len(), *allocated as usize),
            _ => return,
        };
        if len < allocated {
            self.list_resize(l, len);
        }
    }

    /// `lst.extend(src)`: the fast path for a list or tuple, the iterator path (with the
    /// source's length as the hint, 8 for a generator) for anything else.
    pub(crate) fn list_extend_from(&mut self, l: ObjId, src: ObjId, new: Vec<ObjId>) {
        match &self.obj(src).kind {
            Kind::List { .. } | Kind::Tuple(_) => self.list_extend_sized(l, new),
            _ => {
                let hint = self.length_hint(src).unwrap_or(8);
                self.list_extend_iter(l, new, hint)
            }
        }
    }

    /// `list.pop()`: the last item (a new reference), then `list_resize(len - 1)`, which
    /// gives memory back once the list is less than half full.
    pub(crate) fn list_pop(&mut self, l: ObjId) -> Result<ObjId> {
        let len = match &self.obj(l).kind {
            Kind::List { items, .. } => items.len(),
            _ => return Err(Error::Type(format!("{} is not a list", self.describe(l)))),
        };
        if len == 0 {
            return Err(Error::Lookup("IndexError: pop from empty list".into()));
        }
        let v = match &mut self.obj_mut(l).kind {
            Kind::List { items, .. } => items.pop().expect("len > 0"),
            _ => unreachable!("checked above"),
        };
        self.list_resize_from(l, len, len - 1);
        Ok(v)
    }

    /// `list.clear()`: `_list_clear` releases the items from the last to the first and
    /// frees the items array (the list has no array afterwards).
    pub(crate) fn list_clear(&mut self, l: ObjId) {
        let (items, addr) = match &mut self.obj_mut(l).kind {
            Kind::List {
                items,
                allocated,
                items_addr,
            } => {
                *allocated = 0;
                (std::mem::take(items), std::mem::take(items_addr))
            }
            _ => return,
        };
        self.free_buffer(addr);
        for v in items.into_iter().rev() {
            self.decref(v);
        }
    }

    // ----- dict -------------------------------------------------------------------------------
    //
    // A dict is a `PyDictObject` (64 bytes with its GC head) and a keys object: `Py_EMPTY_KEYS`
    // (static, shared), a combined table of 2**k slots holding str keys only (16-byte
    // entries) or any keys (24-byte entries), or, for a materialized instance `__dict__`, the
    // class's shared keys plus a values array the dict owns. The keys object's state is the
    // dict's [`DictShape`], advanced by the C's rules.

    /// Allocate the keys object for a (combined) shape: `new_keys_object`, from the keys
    /// free list for 8-slot unicode tables.
    fn new_keys_block(&mut self, shape: &DictShape) -> u64 {
        if shape.is_empty_keys() {
            return 0;
        }
        let unicode = shape.kind == DictKeysKind::Unicode;
        if shape.log2_size == sizes::DICT_LOG_MINSIZE && unicode {
            if let Some(block) = self.freelists.pop_keys() {
                self.adopt_buffer(block, shape.owned_keys_bytes());
                return block;
            }
        }
        self.alloc_buffer(layout::block_request(Block::DictKeys {
            log2_size: shape.log2_size,
            unicode,
        }))
    }

    /// Release a dict's keys object (`free_keys_object`: 8-slot unicode tables go to the
    /// keys free list) or a split dict's values array (`free_values`).
    pub(crate) fn free_keys_block(&mut self, shape: &DictShape, addr: u64) {
        if addr == 0 {
            return;
        }
        if shape.kind == DictKeysKind::Unicode && shape.log2_size == sizes::DICT_LOG_MINSIZE {
            if let Some(request) = self.buffer_size(addr) {
                if self.freelists.push_keys(addr, request) {
                    self.forget_buffer(addr);
                    return;
                }
            }
        }
        self.free_buffer(addr);
    }

    /// Set a dict's shape and keys address.
    fn set_dict_state(&mut self, d: ObjId, new_shape: DictShape, addr: u64) {
        if let Kind::Dict {
            shape,
            shared,
            keys_addr,
            ..
        } = &mut self.obj_mut(d).kind
        {
            if new_shape.kind != DictKeysKind::Split {
                *shared = None;
            }
            *shape = new_shape.into();
            *keys_addr = addr;
        }
        self.dict_reindex(d);
    }

    /// `build_indices`: a new keys table holds the entries in order, with no dummies. The
    /// hashes come from the old table when there was one (as CPython's entries keep them).
    /// Without a table (the empty keys, a split dict, or entries that do not fit, which no
    /// combined dict has) the dict is searched in order.
    fn dict_reindex(&mut self, d: ObjId) {
        let (hashes, size) = match &self.obj(d).kind {
            Kind::Dict {
                entries,
                shape,
                shared: None,
                ..
            } if !shape.get().is_empty_keys() => {
                let hashes = match entries.index() {
                    Some(index) => Ok(index.hashes()),
                    None => entries.iter().map(|(k, _)| self.hash_of(*k)).collect(),
                };
                (hashes.ok(), shape.get().table_size())
            }
            _ => (None, 0),
        };
        let rebuilt = hashes
            .and_then(|h| DictIndex::build(size, h.into_iter()))
            .unwrap_or_default();
        if let Kind::Dict { entries, .. } = &mut self.obj_mut(d).kind {
            entries.set_index(rebuilt);
        }
    }

    /// Where `k` (with `hash`) is among a dict's entries, with the probes and comparisons
    /// the search made: through the index, or in order for a dict without one.
    pub(crate) fn dict_find(&self, d: ObjId, k: ObjId, hash: Option<i64>) -> Lookup {
        let Kind::Dict { entries, .. } = &self.obj(d).kind else {
            return Lookup {
                pos: None,
                probes: 0,
                comparisons: 0,
            };
        };
        match (entries.index(), hash) {
            (Some(index), Some(hash)) => {
                index.lookup(hash, |pos| self.keys_equal(entries[pos].0, k))
            }
            _ => self.scan_entries(entries, k),
        }
    }

    /// The dict's current shape (a split dict's counts refreshed from the class's keys).
    fn dict_shape(&self, d: ObjId) -> DictShape {
        sizes::dict_shape_now(self, d).unwrap_or_default()
    }

    /// `dictresize(mp, log2_newsize, unicode)`: a new combined keys object (allocated
    /// before the old one, or a split dict's values, is freed).
    fn dict_resize(&mut self, d: ObjId, log2_newsize: u8, unicode: bool) {
        let old = self.dict_shape(d);
        let old_addr = match &self.obj(d).kind {
            Kind::Dict { keys_addr, .. } => *keys_addr,
            _ => return,
        };
        let mut shape = old;
        shape.resize(log2_newsize, unicode);
        let addr = self.new_keys_block(&shape);
        self.free_keys_block(&old, old_addr);
        self.set_dict_state(d, shape, addr);
    }

    /// A new dict with a presized keys table (`dict_new_presized` as `BUILD_MAP n` and
    /// `BUILD_CONST_KEY_MAP n` use it through `_PyDict_FromItems`): the keys object is
    /// allocated before the dict; up to 5 items get the empty keys.
    fn new_dict_presized(&mut self, n: usize, unicode: bool) -> ObjId {
        let shape = DictShape::presized(n, unicode);
        let addr = self.new_keys_block(&shape);
        let d = self.new_dict_untracked();
        self.set_dict_state(d, shape, addr);
        d
    }

    /// A dict display `{k: v, ...}` from owned alternating keys and values, built as 3.11's
    /// compiler builds it (`compiler_dict`, `compiler_subdict`): the items go in chunks,
    /// closed each time 16 are pending (so chunks of 17, then the rest); a chunk of 16 or
    /// more (`2 * m > STACK_USE_GUIDELINE`) is `BUILD_MAP 0` and one `MAP_ADD` per item, a
    /// smaller one a presized `BUILD_MAP m`; each chunk after the first is a dict of its own
    /// merged in with `DICT_UPDATE`.
    pub(crate) fn new_dict_from(&mut self, flat: Vec<ObjId>) -> Result<ObjId> {
        let pairs: Vec<(ObjId, ObjId)> = flat.chunks(2).map(|kv| (kv[0], kv[1])).collect();
        let mut chunks: Vec<&[(ObjId, ObjId)]> = Vec::new();
        let mut pending = 0usize;
        let mut start = 0usize;
        for i in 0..pairs.len() {
            if pending * 2 > STACK_USE_GUIDELINE {
                chunks.push(&pairs[start..=i]);
                start = i + 1;
                pending = 0;
            } else {
                pending += 1;
            }
        }
        if pending > 0 {
            chunks.push(&pairs[start..]);
        }
        let mut result: Option<ObjId> = None;
        let mut outcome = Ok(());
        for chunk in chunks {
            let m = chunk.len();
            let part = if m * 2 > STACK_USE_GUIDELINE {
                self.new_dict_untracked()
            } else {
                let unicode = chunk.iter().all(|(k, _)| self.is_exact_str(*k));
                self.new_dict_presized(m, unicode)
            };
            for (k, v) in chunk {
                if outcome.is_ok() {
                    outcome = self.dict_set(part, *k, *v);
                }
            }
            match result {
                None => result = Some(part),
                Some(d) => {
                    if outcome.is_ok() {
                        outcome = self.dict_merge(d, part);
                    }
                    self.decref(part);
                }
            }
        }
        for (k, v) in pairs {
            self.decref(k);
            self.decref(v);
        }
        let d = match result {
            Some(d) => d,
            None => self.new_dict_untracked(),
        };
        match outcome {
            Ok(()) => Ok(d),
            Err(e) => {
                self.decref(d);
                Err(e)
            }
        }
    }

    /// `dict(x)`'s `dict_update_arg`: a dict is merged (`dict_merge`); anything else is an
    /// iterable of pairs (`PyDict_MergeFromSeq2`), each a list or tuple of two, set in
    /// order. A mapping that is not a dict (a `mappingproxy`) goes through its `keys()`, a
    /// dict view, which the model does not have.
    pub(crate) fn dict_update_arg(&mut self, d: ObjId, src: ObjId) -> Result<()> {
        match &self.obj(src).kind {
            Kind::Dict { .. } => return self.dict_merge(d, src),
            Kind::MappingProxy(_) => {
                return Err(Error::NotModeled(
                    "dict() of a mappingproxy (it reads keys(), a dict view)".into(),
                ))
            }
            _ => {}
        }
        let items = self.iterate(src)?;
        let mut outcome = Ok(());
        for (i, &item) in items.iter().enumerate() {
            if outcome.is_err() {
                break;
            }
            let pair = match &self.obj(item).kind {
                Kind::List { items, .. } => Some(items.to_vec()),
                Kind::Tuple(items) => Some(items.to_vec()),
                _ => None,
            };
            outcome = match pair.as_deref() {
                Some(&[k, v]) => self.dict_set(d, k, v),
                Some(other) => Err(Error::Value(format!(
                    "dictionary update sequence element #{i} has length {}; 2 is required",
                    other.len()
                ))),
                // PySequence_Fast makes a list of any other iterable (a str of two characters
                // is a pair); the model takes lists and tuples only.
                None => match self.iterate(item) {
                    Ok(parts) => {
                        for p in parts {
                            self.decref(p);
                        }
                        Err(Error::NotModeled(format!(
                            "dictionary update sequence element #{i} is a {}, not a list or tuple",
                            self.type_name(item)?
                        )))
                    }
                    Err(Error::Type(_)) => Err(Error::Type(format!(
                        "cannot convert dictionary update sequence element #{i} to a sequence"
                    ))),
                    Err(e) => Err(e),
                },
            };
        }
        for item in items {
            self.decref(item);
        }
        outcome
    }

    /// `dict_merge(a, b, override=1)` for an exact dict `b` (`d.update(b)`, `DICT_UPDATE`):
    /// into an empty dict, a clean combined `b` that is minimal or more than half used is
    /// cloned (`clone_combined_dict_keys`); otherwise one resize up front if `b` cannot fit,
    /// then one insert per item.
    pub(crate) fn dict_merge(&mut self, d: ObjId, other: ObjId) -> Result<()> {
        if d == other {
            return Ok(());
        }
        let theirs = self.dict_shape(other);
        if theirs.used == 0 {
            return Ok(());
        }
        let ours = self.dict_shape(d);
        let items: Vec<(ObjId, ObjId)> = match &self.obj(other).kind {
            Kind::Dict { entries, .. } => entries.to_vec(),
            _ => {
                return Err(Error::Type(format!(
                    "{} is not a dict",
                    self.describe(other)
                )))
            }
        };
        if ours.used == 0
            && theirs.kind != DictKeysKind::Split
            && theirs.used == theirs.nentries
            && (theirs.log2_size == sizes::DICT_LOG_MINSIZE
                || layout::usable_fraction(theirs.table_size() / 2) < theirs.used)
        {
            // clone_combined_dict_keys: a copy of the keys object, byte for byte.
            let old_addr = match &self.obj(d).kind {
                Kind::Dict { keys_addr, .. } => *keys_addr,
                _ => 0,
            };
            let addr = self.alloc_buffer(theirs.owned_keys_bytes());
            self.free_keys_block(&ours, old_addr);
            self.set_dict_state(d, DictShape { used: 0, ..theirs }, addr);
            let may_track = items
                .iter()
                .any(|(k, v)| self.may_be_tracked(*k) || self.may_be_tracked(*v));
            for (k, v) in items {
                self.incref(k);
                self.incref(v);
                if let Kind::Dict { entries, shape, .. } = &mut self.obj_mut(d).kind {
                    entries.push((k, v), None);
                    shape.update(|s| s.used += 1);
                }
            }
            // The copied keys object brings its index: the same table, no dummies.
            self.dict_reindex(d);
            if may_track && !self.is_tracked(d) {
                self.gc_track(d);
            }
            return Ok(());
        }
        if layout::usable_fraction(ours.table_size()) < theirs.used {
            self.dict_resize(
                d,
                layout::estimate_log2_keysize(ours.used + theirs.used),
                theirs.is_unicode(),
            );
        }
        for (k, v) in items {
            self.dict_set(d, k, v)?;
        }
        Ok(())
    }

    /// Whether an object is an exact `str` (the keys 3.11's unicode tables accept).
    fn is_exact_str(&self, k: ObjId) -> bool {
        matches!(self.obj(k).kind, Kind::Str { .. })
    }

    /// Key equality as dict and set lookups use it: identity first, then value for the
    /// hashable built-in types.
    pub(crate) fn keys_equal(&self, a: ObjId, b: ObjId) -> bool {
        if a == b {
            return true;
        }
        match (&self.obj(a).kind, &self.obj(b).kind) {
            (Kind::Str { value: x, .. }, Kind::Str { value: y, .. }) => x == y,
            (Kind::Int(x), Kind::Int(y)) => x == y,
            (Kind::Int(x), Kind::Bool(y)) | (Kind::Bool(y), Kind::Int(x)) => x.get() == *y as i128,
            (Kind::Float(x), Kind::Float(y)) => x == y,
            (Kind::Int(x), Kind::Float(y)) | (Kind::Float(y), Kind::Int(x)) => {
                int_equals_float(x.get(), *y)
            }
            (Kind::Bool(x), Kind::Float(y)) | (Kind::Float(y), Kind::Bool(x)) => {
                int_equals_float(*x as i128, *y)
            }
            (Kind::Tuple(x), Kind::Tuple(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| self.keys_equal(*p, *q))
            }
            _ => false,
        }
    }

    /// `hash(k)` would succeed: lists, dicts and sets are unhashable, and so is a tuple
    /// holding one anywhere inside (`tuplehash` hashes every item).
    pub(crate) fn check_hashable(&self, k: ObjId) -> Result<()> {
        match (&self.obj(k).kind, self.obj(k).tag) {
            (Kind::Tuple(items), _) => items.iter().try_for_each(|i| self.check_hashable(*i)),
            (_, TypeTag::List | TypeTag::Dict | TypeTag::Set) => Err(Error::Type(format!(
                "unhashable type: '{}'",
                self.obj(k).tag.name()
            ))),
            _ => Ok(()),
        }
    }

    /// `d[k] = v` (borrows `k` and `v`: the dict takes its own references). A new key goes
    /// through `insertdict`'s steps ([`Heap::dict_insert_room`]); the dict becomes tracked
    /// when it receives something that may be tracked (`MAINTAIN_TRACKING`).
    pub(crate) fn dict_set(&mut self, d: ObjId, k: ObjId, v: ObjId) -> Result<()> {
        if !matches!(self.obj(d).kind, Kind::Dict { .. }) {
            return Err(Error::Type(format!("{} is not a dict", self.describe(d))));
        }
        self.check_hashable(k)?;
        // A dead weak reference has no hash in the model (CPython's caches it): such a key
        // is searched for in order.
        let hash = self.hash_of(k).ok();
        let pos = self.dict_find(d, k, hash).pos;
        let may_track = self.may_be_tracked(k) || self.may_be_tracked(v);
        self.incref(v);
        if let Some(i) = pos {
            let old = match &mut self.obj_mut(d).kind {
                Kind::Dict { entries, .. } => entries.replace_value(i, v),
                _ => unreachable!("checked above"),
            };
            if may_track && !self.is_tracked(d) {
                self.gc_track(d);
            }
            self.decref(old);
            return Ok(());
        }
        self.incref(k);
        let key_name = match &self.obj(k).kind {
            Kind::Str { value, .. } => Some(value.clone()),
            _ => None,
        };
        if let Some(name) = &key_name {
            // A split dict whose class's keys already hold the name (another instance set
            // it): the value goes into this dict's values array, the keys do not change.
            let known = match &self.obj(d).kind {
                Kind::Dict {
                    shared: Some(keys), ..
                } => keys.borrow().names.iter().any(|n| n == name),
                _ => false,
            };
            if known {
                if let Kind::Dict { entries, shape, .. } = &mut self.obj_mut(d).kind {
                    entries.push((k, v), None);
                    shape.update(|s| s.used += 1);
                }
                if may_track && !self.is_tracked(d) {
                    self.gc_track(d);
                }
                return Ok(());
            }
        }
        self.dict_insert_room(d, key_name.is_some());
        let shared = match &mut self.obj_mut(d).kind {
            Kind::Dict {
                entries,
                shape,
                shared,
                ..
            } => {
                entries.push((k, v), hash);
                shape.update(|s| {
                    s.used += 1;
                    s.usable = s.usable.saturating_sub(1);
                    s.nentries += 1;
                });
                shared.clone()
            }
            _ => None,
        };
        if let (Some(keys), Some(name)) = (shared, key_name) {
            // A split dict's new key goes into the class's shared keys (insertdict writes
            // the entry into `ma_keys`, which is the class's `ht_cached_keys`).
            let mut keys = keys.borrow_mut();
            keys.counts.usable = keys.counts.usable.saturating_sub(1);
            keys.counts.nentries += 1;
            keys.names.push(name);
        }
        if may_track && !self.is_tracked(d) {
            self.gc_track(d);
        }
        Ok(())
    }

    /// Make room for one new key (`insert_to_emptydict`, `insertdict`): the empty keys get a
    /// fresh 8-slot table (unicode iff the key is a str); a non-str key in a unicode or split
    /// table converts it with `insertion_resize(mp, 0)`; a table with no `dk_usable` left
    /// grows with `insertion_resize(mp, 1)` to `calculate_log2_keysize(3 * used)` slots (a
    /// split dict becomes combined).
    fn dict_insert_room(&mut self, d: ObjId, key_is_str: bool) {
        let shape = self.dict_shape(d);
        if shape.is_empty_keys() {
            let fresh = DictShape {
                used: shape.used,
                ..DictShape::fresh(sizes::DICT_LOG_MINSIZE, key_is_str)
            };
            let addr = self.new_keys_block(&fresh);
            self.set_dict_state(d, fresh, addr);
            return;
        }
        if shape.is_unicode() && !key_is_str {
            self.dict_resize(
                d,
                layout::calculate_log2_keysize(layout::growth_rate(shape.used)),
                false,
            );
        }
        let shape = self.dict_shape(d);
        if shape.usable == 0 {
            self.dict_resize(
                d,
                layout::calculate_log2_keysize(layout::growth_rate(shape.used)),
                true,
            );
        }
        // A split dict's counts live in the class's keys: keep the local copy in step.
        let shape = self.dict_shape(d);
        if let Kind::Dict { shape: s, .. } = &mut self.obj_mut(d).kind {
            *s = shape.into();
        }
    }

    /// `d[k]` for a str key, without taking a reference.
    pub(crate) fn dict_get_str(&self, d: ObjId, key: &str) -> Option<ObjId> {
        let Kind::Dict { entries, .. } = &self.obj(d).kind else {
            return None;
        };
        let pos = self.find_str_key(entries, key)?;
        Some(entries[pos].1)
    }

    /// Where the str key `key` is among a dict's entries (`_PyDict_GetItem_KnownHash` with
    /// the text's hash), through the index when there is one.
    fn dict_find_str(&self, d: ObjId, key: &str) -> Option<usize> {
        match &self.obj(d).kind {
            Kind::Dict { entries, .. } => self.find_str_key(entries, key),
            _ => None,
        }
    }

    /// [`Heap::dict_find_str`] in entries already at hand.
    #[inline]
    fn find_str_key(&self, entries: &DictEntries, key: &str) -> Option<usize> {
        let is_key =
            |k: ObjId| matches!(&self.obj(k).kind, Kind::Str { value, .. } if &**value == key);
        match entries.index() {
            // The text's hash is not cached (CPython's str keeps it in the object): for a
            // few entries, comparing the texts in order costs less than hashing, and finds
            // the same entry.
            Some(index) if entries.len() > SCAN_STR_KEYS_UP_TO => {
                index
                    .lookup(crate::hashing::str_hash(key), |pos| is_key(entries[pos].0))
                    .pos
            }
            _ => entries.iter().position(|(k, _)| is_key(*k)),
        }
    }

    /// `del d[key]` for a str key.
    pub(crate) fn dict_del_str(&mut self, d: ObjId, key: &str) -> Result<()> {
        let pos = self.dict_find_str(d, key);
        let Some(i) = pos else {
            return Err(Error::Lookup(format!("KeyError: '{key}'")));
        };
        self.dict_remove_at(d, i);
        Ok(())
    }

    /// Remove entry `i` (`delitem_common`): the entry becomes a dummy, so `dk_nentries` and
    /// `dk_usable` do not change (only a resize reclaims the slot); the key then the value
    /// are released.
    pub(crate) fn dict_remove_at(&mut self, d: ObjId, i: usize) {
        let (k, v) = match &mut self.obj_mut(d).kind {
            Kind::Dict { entries, shape, .. } => {
                shape.update(DictShape::delete);
                entries.remove(i)
            }
            _ => return,
        };
        self.decref(k);
        self.decref(v);
    }

    /// `dict.clear()`: back to the empty keys; the old keys object (or a split dict's
    /// values) is freed before the items are released.
    pub(crate) fn dict_clear(&mut self, d: ObjId) {
        let old = self.dict_shape(d);
        let (entries, addr) = match &mut self.obj_mut(d).kind {
            Kind::Dict {
                entries,
                shape,
                shared,
                keys_addr,
            } => {
                *shape = DictShape::empty().into();
                *shared = None;
                (entries.take_all(), std::mem::take(keys_addr))
            }
            _ => return,
        };
        self.free_keys_block(&old, addr);
        for (k, v) in entries {
            self.decref(k);
            self.decref(v);
        }
    }

    // ----- set --------------------------------------------------------------------------------
    //
    // A set is one `PySetObject` (216 bytes with its GC head and its inline 8-slot
    // smalltable) plus, once it outgrows that, a table of `16 * (mask + 1)` bytes. The
    // table's size, fill and use are the set's [`SetShape`]; its entries (each key's hash and
    // position) are the set's `table`, probed as `set_lookkey` and `set_add_entry` probe it.

    /// `make_new_set`: an empty set or frozenset on its smalltable.
    fn new_empty_set(&mut self, frozen: bool) -> ObjId {
        let tag = if frozen {
            TypeTag::FrozenSet
        } else {
            TypeTag::Set
        };
        let shape = SetShape::new();
        self.alloc(
            tag,
            Kind::Set {
                items: ThinVec::new(),
                table: std::iter::repeat_n(SetEntry::EMPTY, shape.table).collect(),
                shape: shape.into(),
                frozen,
                table_addr: 0,
            },
        )
    }

    /// A set under construction met an unhashable item: release it and the items not yet
    /// added (all owned), and report the `TypeError`.
    fn abandon_set(&mut self, st: ObjId, rest: impl Iterator<Item = ObjId>, e: Error) -> Error {
        for v in rest {
            self.decref(v);
        }
        self.decref(st);
        e
    }

    /// A set or frozenset from owned items added one by one (`BUILD_SET n`, `set(list)`,
    /// `frozenset(tuple)`, a set comprehension; duplicates are released), tracked.
    pub(crate) fn new_set_from(&mut self, items: Vec<ObjId>, frozen: bool) -> Result<ObjId> {
        let st = self.new_empty_set(frozen);
        let mut items = items.into_iter();
        while let Some(v) = items.next() {
            if let Err(e) = self.set_add(st, v) {
                self.decref(v);
                return Err(self.abandon_set(st, items, e));
            }
        }
        self.gc_track(st);
        Ok(st)
    }

    /// A set made by `set_merge` from another set or frozenset `src`, given its members in
    /// its table order (owned): 3.11's `{1, 2, 3}` (`BUILD_SET 0; SET_UPDATE` of a
    /// frozenset constant), `set(s)`, `frozenset(s)`. One presizing resize to `2 * n`
    /// slots if they would fill 3/5 of the table (`{1, 2, 3, 4, 5}` has 16 slots where five
    /// adds make 32); then, if the new table has the source's size and the source no
    /// dummies, the source's slots are copied as they are, else each member goes in by
    /// `set_insert_clean`, in the source's table order, with the hash the source stored.
    pub(crate) fn new_set_merged(&mut self, src: ObjId, items: Vec<ObjId>, frozen: bool) -> ObjId {
        let (src_entries, src_shape): (Vec<(usize, i64)>, SetShape) = match &self.obj(src).kind {
            Kind::Set { table, shape, .. } => (
                table
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.item < SetEntry::DUMMY)
                    .map(|(j, e)| (j, e.hash))
                    .collect(),
                shape.get(),
            ),
            _ => (Vec::new(), SetShape::new()),
        };
        let st = self.new_empty_set(frozen);
        let n = items.len();
        let mut merged = SetShape::new();
        merged.merge(n);
        self.set_table_to(st, merged);
        if let Kind::Set {
            items: members,
            table,
            ..
        } = &mut self.obj_mut(st).kind
        {
            let copy = table.len() == src_shape.table && src_shape.fill == src_shape.used;
            for (k, &(j, hash)) in src_entries.iter().enumerate().take(n) {
                let item = k as u32;
                if copy {
                    table[j] = SetEntry { hash, item };
                } else {
                    set_insert_clean(table, hash, item);
                }
            }
            *members = ThinVec::from(items);
        }
        self.gc_track(st);
        st
    }

    /// `set(src)` / `frozenset(src)` given the items `src` produced (owned): a set or
    /// frozenset source merges (`set_merge`); a dict presizes for its keys, then adds
    /// (`set_update_internal`); anything else adds one by one.
    pub(crate) fn set_from_iterable(
        &mut self,
        src: Option<ObjId>,
        items: Vec<ObjId>,
        frozen: bool,
    ) -> Result<ObjId> {
        match src.map(|s| (s, &self.obj(s).kind)) {
            Some((s, Kind::Set { .. })) => Ok(self.new_set_merged(s, items, frozen)),
            Some((_, Kind::Dict { .. })) => {
                let st = self.new_empty_set(frozen);
                let n = items.len();
                let mut shape = SetShape::new();
                let mask = shape.table - 1;
                if n > 0 && (shape.fill + n) * 5 >= mask * 3 {
                    shape.resize((shape.used + n) * 2);
                    self.set_table_to(st, shape);
                }
                let mut items = items.into_iter();
                while let Some(v) = items.next() {
                    if let Err(e) = self.set_add(st, v) {
                        self.decref(v);
                        return Err(self.abandon_set(st, items, e));
                    }
                }
                self.gc_track(st);
                Ok(st)
            }
            _ => self.new_set_from(items, frozen),
        }
    }

    /// Install a set's new shape, reallocating its table when the size changed
    /// (`set_table_resize`: the new table is allocated before the old one is freed; 8 slots
    /// is the smalltable, no allocation). The live entries move to the new table in the old
    /// table's order, by `set_insert_clean`; dummies are dropped.
    fn set_table_to(&mut self, st: ObjId, new: SetShape) {
        let (old, addr) = match &self.obj(st).kind {
            Kind::Set {
                shape, table_addr, ..
            } => (shape.get(), *table_addr),
            _ => return,
        };
        let mut new_addr = addr;
        if new.table != old.table {
            new_addr = self.alloc_buffer(layout::block_request(Block::SetTable(new.table)));
            self.free_buffer(addr);
        }
        if let Kind::Set {
            shape,
            table_addr,
            table,
            ..
        } = &mut self.obj_mut(st).kind
        {
            if new.table != table.len() {
                *table = ThinVec::from(set_table_resized(table, new.table));
            }
            *shape = new.into();
            *table_addr = new_addr;
        }
    }

    /// `set_lookkey`/`set_add_entry`'s search for `key` (whose hash is `hash`) in the set
    /// `st`'s table: the slot that holds an equal key, or else the slot an insertion would
    /// use, with the work done.
    fn set_lookkey(&self, st: ObjId, key: ObjId, hash: i64) -> Probe {
        match &self.obj(st).kind {
            Kind::Set { items, table, .. } => self.lookkey_in(items, table, key, hash),
            _ => Probe::default(),
        }
    }

    /// [`Heap::set_lookkey`] over a table and its members.
    fn lookkey_in(&self, items: &[ObjId], table: &[SetEntry], key: ObjId, hash: i64) -> Probe {
        let mut probe = Probe::default();
        let mut freeslot = None;
        let mut probes = Probes::new(hash, table.len() - 1);
        loop {
            for j in probes.next_set_run() {
                let e = table[j];
                probe.probes += 1;
                if e.item == SetEntry::UNUSED {
                    probe.slot = freeslot.unwrap_or(j);
                    probe.reuses_dummy = freeslot.is_some();
                    return probe;
                }
                if e.item == SetEntry::DUMMY {
                    freeslot = freeslot.or(Some(j));
                } else if e.hash == hash {
                    // Identity first, then ==: one comparison either way.
                    probe.comparisons += 1;
                    if self.keys_equal(items[e.item as usize], key) {
                        probe.slot = j;
                        probe.found = true;
                        return probe;
                    }
                }
            }
        }
    }

    /// The order in which a set made by adding `vals` one by one would iterate them (its
    /// table order), worked out without making the set: the indices of the distinct values,
    /// then those of the duplicates. (The compiler rebuilds a frozenset constant from the
    /// iteration of the one it first made, in `merge_consts_recursive`.)
    pub(crate) fn order_by_adds(&self, vals: &[ObjId]) -> Result<Vec<usize>> {
        let mut members: Vec<ObjId> = Vec::new();
        let mut positions: Vec<usize> = Vec::new();
        let mut duplicates = Vec::new();
        let mut shape = SetShape::new();
        let mut table = vec![SetEntry::EMPTY; shape.table];
        for (k, &v) in vals.iter().enumerate() {
            let hash = self.hash_of(v)?;
            let p = self.lookkey_in(&members, &table, v, hash);
            if p.found {
                duplicates.push(k);
                continue;
            }
            table[p.slot] = SetEntry {
                hash,
                item: members.len() as u32,
            };
            members.push(v);
            positions.push(k);
            shape.add();
            if shape.table != table.len() {
                table = set_table_resized(&table, shape.table);
            }
        }
        let mut order: Vec<usize> = table
            .iter()
            .filter(|e| e.item < SetEntry::DUMMY)
            .map(|e| positions[e.item as usize])
            .collect();
        order.extend(duplicates);
        Ok(order)
    }

    /// `x in s`: one hash, then the probes of `set_lookkey`. Returns (found, comparisons,
    /// probes).
    fn set_contains(&self, st: ObjId, x: ObjId) -> Result<(bool, u64, u64)> {
        let hash = self.hash_of(x)?;
        let p = self.set_lookkey(st, x, hash);
        Ok((p.found, p.comparisons, p.probes))
    }

    /// `set.add(v)`, taking ownership of `v` (released if already present): `set_add_entry`
    /// files it in the first unused slot of its probe sequence (or a dummy met on the way),
    /// then resizes when `fill * 5 >= mask * 3`, to `used * 4` slots (`used * 2` past
    /// 50,000 entries). An unhashable `v` is a `TypeError` (and stays the caller's).
    pub(crate) fn set_add(&mut self, st: ObjId, v: ObjId) -> Result<()> {
        let hash = self.hash_of(v)?;
        let p = self.set_lookkey(st, v, hash);
        if p.found {
            self.decref(v);
            return Ok(());
        }
        let shape = match &mut self.obj_mut(st).kind {
            Kind::Set {
                items,
                table,
                shape,
                ..
            } => {
                table[p.slot] = SetEntry {
                    hash,
                    item: items.len() as u32,
                };
                items.push(v);
                if p.reuses_dummy {
                    // A dummy's slot: used grows, fill does not, no resize.
                    shape.update(SetShape::add_into_dummy);
                    return Ok(());
                }
                shape.get()
            }
            _ => return Ok(()),
        };
        let mut grown = shape;
        grown.add();
        self.set_table_to(st, grown);
        Ok(())
    }

    /// `set_discard_entry` of the member at `items[i]`: its slot becomes a dummy, `used`
    /// drops, `fill` does not. Returns the member (its reference is the caller's now).
    pub(crate) fn set_discard_at(&mut self, st: ObjId, i: usize) -> Option<ObjId> {
        let Kind::Set {
            items,
            table,
            shape,
            ..
        } = &mut self.obj_mut(st).kind
        else {
            return None;
        };
        if i >= items.len() {
            return None;
        }
        let v = items.remove(i);
        let i = i as u32;
        for e in table.iter_mut() {
            if e.item == i {
                *e = SetEntry {
                    hash: -1,
                    item: SetEntry::DUMMY,
                };
            } else if e.item < SetEntry::DUMMY && e.item > i {
                // The model's items close the gap; the table follows them.
                e.item -= 1;
            }
        }
        shape.update(SetShape::discard);
        Some(v)
    }

    // ----- array.array --------------------------------------------------------------------------
    //
    // `array.array` keeps raw C values in one buffer of `allocated * itemsize` bytes, grown
    // by `array_resize`'s over-allocation (0, 4, 8, 16, 25, 34, 44, ...) when items come one
    // at a time, and sized exactly from a list or tuple.

    /// `array(typecode[, initializer])` (`array_new`): a list or tuple initializer gives
    /// exactly its length (`newarrayobject(len)`); any other iterable is iterated one item
    /// at a time, each appended with `ins1` (so it over-allocates, and each int the
    /// iterator makes is freed before the next is made).
    pub(crate) fn array_new(&mut self, args: &[ObjId]) -> Result<ObjId> {
        const BAD: &str = "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)";
        let Some(&tc) = args.first() else {
            return Err(Error::Type(
                "array() takes at least 1 argument (0 given)".into(),
            ));
        };
        if args.len() > 2 {
            return Err(Error::Type(format!(
                "array() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
        let typecode = match &self.obj(tc).kind {
            Kind::Str { value, .. } if value.chars().count() == 1 => {
                value.chars().next().expect("one char")
            }
            _ => {
                return Err(Error::Type(format!(
                    "array() argument 1 must be a unicode character, not {}",
                    self.type_name(tc)?
                )))
            }
        };
        if layout::array_itemsize(typecode).is_none() || typecode == 'u' {
            return Err(Error::Value(BAD.into()));
        }
        let init = args.get(1).copied();
        let exact: Option<Vec<ObjId>> = match init.map(|i| &self.obj(i).kind) {
            None => Some(Vec::new()),
            Some(Kind::List { items, .. }) => Some(items.clone()),
            Some(Kind::Tuple(items)) => Some(items.to_vec()),
            _ => None,
        };
        if let Some(items) = exact {
            for v in &items {
                self.array_check_item(typecode, *v)?;
            }
            let a = self.new_array(typecode);
            self.array_set_allocated(a, items.len());
            if let Kind::Array { len, .. } = &mut self.obj_mut(a).kind {
                *len = items.len();
            }
            return Ok(a);
        }
        let init = init.expect("the exact cases cover None");
        // PyObject_GetIter first, then the array object, then array_iter_extend.
        self.incref(init);
        let mut iter = self.get_iter(init)?;
        let a = self.new_array(typecode);
        let outcome = self.iter_each(&mut iter, None, |h, v| {
            let r = h
                .array_check_item(typecode, v)
                .and_then(|()| h.array_ins1(a));
            h.decref(v);
            r.map(|_| Flow::Continue)
        });
        self.iter_free(iter);
        match outcome {
            Ok(()) => Ok(a),
            Err(e) => {
                self.decref(a);
                Err(e)
            }
        }
    }

    /// `newarrayobject(type, 0, descr)`: the object (GC, tracked), no buffer yet.
    fn new_array(&mut self, typecode: char) -> ObjId {
        let a = self.alloc(
            TypeTag::Array,
            Kind::Array {
                typecode,
                len: 0,
                allocated: 0,
                items_addr: 0,
            },
        );
        self.gc_track(a);
        a
    }

    /// `PyMem_RESIZE` of an array's buffer to `n` items.
    fn array_set_allocated(&mut self, a: ObjId, n: usize) {
        let (typecode, allocated, addr) = match &self.obj(a).kind {
            Kind::Array {
                typecode,
                allocated,
                items_addr,
                ..
            } => (*typecode, *allocated, *items_addr),
            _ => return,
        };
        if n == allocated && (addr != 0 || n == 0) {
            return;
        }
        let bytes = layout::block_request(Block::ArrayItems {
            typecode,
            allocated: n,
        });
        let new_addr = self.realloc_buffer(addr, bytes);
        if let Kind::Array {
            allocated,
            items_addr,
            ..
        } = &mut self.obj_mut(a).kind
        {
            *allocated = n;
            *items_addr = new_addr;
        }
    }

    /// `ins1(self, len, v)`: `array_resize(len + 1)`, then the value is stored.
    fn array_ins1(&mut self, a: ObjId) -> Result<()> {
        let (len, allocated) = match &self.obj(a).kind {
            Kind::Array { len, allocated, .. } => (*len, *allocated),
            _ => return Ok(()),
        };
        eval::within_model(len + 1)?;
        let new_alloc = layout::array_resize(allocated, len, len + 1);
        self.array_set_allocated(a, new_alloc);
        if let Kind::Array { len, .. } = &mut self.obj_mut(a).kind {
            *len += 1;
        }
        Ok(())
    }

    /// `a.append(v)`: checks the value against the typecode, then `ins1`.
    pub(crate) fn array_append(&mut self, a: ObjId, v: ObjId) -> Result<()> {
        let typecode = match &self.obj(a).kind {
            Kind::Array { typecode, .. } => *typecode,
            _ => return Err(Error::Type(format!("{} is not an array", self.describe(a)))),
        };
        self.array_check_item(typecode, v)?;
        self.array_ins1(a)
    }

    /// The typecode's `setitem` check: an int (or bool) within the C type's range for the
    /// integer codes, a real number for `'f'` and `'d'`.
    fn array_check_item(&self, typecode: char, v: ObjId) -> Result<()> {
        let value = match &self.obj(v).kind {
            Kind::Int(i) => Some(i.get()),
            Kind::Bool(b) => Some(i128::from(*b)),
            Kind::Float(_) if matches!(typecode, 'f' | 'd') => None,
            _ if matches!(typecode, 'f' | 'd') => {
                return Err(Error::Type(format!(
                    "must be real number, not {}",
                    self.type_name(v)?
                )))
            }
            _ => {
                return Err(Error::Type(format!(
                    "'{}' object cannot be interpreted as an integer",
                    self.type_name(v)?
                )))
            }
        };
        if let Some(v) = value {
            array_int_setitem(typecode, v)?;
        }
        Ok(())
    }

    // ----- items and membership ---------------------------------------------------------------

    /// `o[k]` (a new reference).
    pub(crate) fn get_item(&mut self, o: ObjId, k: ObjId) -> Result<ObjId> {
        let v = match &self.obj(o).kind {
            // mappingproxy_getitem: the mapping's item (no `__setitem__` on the proxy).
            Kind::MappingProxy(mapping) => {
                let mapping = *mapping;
                return self.get_item(mapping, k);
            }
            Kind::List { items, .. } => {
                let i = self.int_of(k)?;
                index(items, i)?
            }
            Kind::Tuple(items) => {
                let i = self.int_of(k)?;
                index(items, i)?
            }
            Kind::Dict { entries, .. } => {
                self.check_hashable(k)?;
                let pos = self.dict_find(o, k, self.hash_of(k).ok()).pos;
                pos.map(|i| entries[i].1).ok_or_else(|| {
                    Error::Lookup(format!("KeyError: {}", self.repr(k).unwrap_or_default()))
                })?
            }
            _ => {
                return Err(Error::Type(format!(
                    "'{}' object is not subscriptable",
                    self.type_name(o)?
                )))
            }
        };
        self.incref(v);
        Ok(v)
    }

    /// `o[k] = v` (borrows `k` and `v`).
    pub(crate) fn set_item(&mut self, o: ObjId, k: ObjId, v: ObjId) -> Result<()> {
        match self.obj(o).tag {
            TypeTag::Dict => self.dict_set(o, k, v),
            TypeTag::List => {
                let i = self.int_of(k)?;
                let len = self.len_of(o)?;
                let idx = if i < 0 { i + len as i128 } else { i };
                if idx < 0 || idx >= len as i128 {
                    return Err(Error::Lookup(
                        "IndexError: list assignment index out of range".into(),
                    ));
                }
                self.incref(v);
                let old = match &mut self.obj_mut(o).kind {
                    Kind::List { items, .. } => std::mem::replace(&mut items[idx as usize], v),
                    _ => unreachable!("tag is List"),
                };
                self.decref(old);
                Ok(())
            }
            _ => Err(Error::Type(format!(
                "'{}' object does not support item assignment",
                self.type_name(o)?
            ))),
        }
    }

    /// `del obj[key]` (a dict's key; a list's index).
    #[track_caller]
    pub fn del_item(&mut self, target: crate::expr::Expr, key: crate::expr::Expr) -> Result<()> {
        self.stmt(|h| {
            let o = h.eval(&target)?;
            let k = h.eval(&key)?;
            h.delete_item(o, k)
        })
    }

    /// `DELETE_SUBSCR`: a dict entry becomes a dummy; a list item is removed and the list
    /// shrinks with `list_resize` (`list_ass_slice`).
    pub(crate) fn delete_item(&mut self, o: ObjId, k: ObjId) -> Result<()> {
        match &self.obj(o).kind {
            Kind::Dict { .. } => {
                self.check_hashable(k)?;
                let pos = self.dict_find(o, k, self.hash_of(k).ok()).pos;
                match pos {
                    Some(i) => {
                        self.dict_remove_at(o, i);
                        Ok(())
                    }
                    None => Err(Error::Lookup(format!("KeyError: {}", self.repr(k)?))),
                }
            }
            Kind::List { items, .. } => {
                let len = items.len();
                let i = self.int_of(k)?;
                let idx = if i < 0 { i + len as i128 } else { i };
                if idx < 0 || idx >= len as i128 {
                    return Err(Error::Lookup(
                        "IndexError: list assignment index out of range".into(),
                    ));
                }
                let v = match &mut self.obj_mut(o).kind {
                    Kind::List { items, .. } => items.remove(idx as usize),
                    _ => unreachable!("matched a list"),
                };
                // list_ass_slice resizes with the size still len, then sets len - 1.
                self.list_resize_from(o, len, len - 1);
                self.decref(v);
                Ok(())
            }
            _ => Err(Error::Type(format!(
                "'{}' object does not support item deletion",
                self.type_name(o)?
            ))),
        }
    }

    /// `x in c`, counting the work as the model's profiler sees it.
    pub(crate) fn contains_op(&mut self, c: ObjId, x: ObjId) -> Result<bool> {
        // The members are read in place; the work is counted after the search.
        let (found, comparisons, probes) = match &self.obj(c).kind {
            // mappingproxy_contains: the dict's own search.
            Kind::MappingProxy(mapping) => {
                let mapping = *mapping;
                return self.contains_op(mapping, x);
            }
            Kind::List { items, .. } => self.scan(items, x),
            Kind::Tuple(items) => self.scan(items, x),
            // One hash, then the slots of the probe sequence until an equal key or an
            // unused slot.
            Kind::Set { .. } => self.set_contains(c, x)?,
            Kind::Dict { entries, shape, .. } => {
                let found = if entries.index().is_some() {
                    self.dict_find(c, x, Some(self.hash_of(x)?))
                } else {
                    self.dict_contains(entries, &shape.get(), x)?
                };
                (found.pos.is_some(), found.comparisons, found.probes)
            }
            Kind::Str { value, .. } => {
                let Kind::Str { value: needle, .. } = &self.obj(x).kind else {
                    return Err(Error::Type(
                        "'in <string>' requires string as left operand".into(),
                    ));
                };
                (value.contains(&**needle), value.len() as u64, 0)
            }
            _ => {
                return Err(Error::Type(format!(
                    "argument of type '{}' is not iterable",
                    self.type_name(c)?
                )))
            }
        };
        self.work.comparisons += comparisons;
        self.work.hash_probes += probes;
        Ok(found)
    }

    /// `x in d` for a split dict (an instance's `__dict__`), whose index is its class's
    /// shared keys' and not its own: a [`DictIndex`] is built from its entries in order
    /// (`build_indices`) and searched once. A combined dict is searched through its own
    /// index ([`Heap::dict_find`]).
    fn dict_contains(
        &self,
        entries: &[(ObjId, ObjId)],
        shape: &DictShape,
        x: ObjId,
    ) -> Result<Lookup> {
        let hash = self.hash_of(x)?;
        let hashes: Vec<i64> = entries
            .iter()
            .map(|(k, _)| self.hash_of(*k))
            .collect::<Result<_>>()?;
        Ok(
            match DictIndex::build(shape.table_size(), hashes.into_iter()) {
                Some(index) => index.lookup(hash, |pos| self.keys_equal(entries[pos].0, x)),
                // Not a layout CPython allows (entries counted against another table).
                None => self.scan_entries(entries, x),
            },
        )
    }

    /// A search of the entries in order, each compared: what a dict without an index of
    /// its own costs.
    fn scan_entries(&self, entries: &[(ObjId, ObjId)], k: ObjId) -> Lookup {
        let pos = entries.iter().position(|(ek, _)| self.keys_equal(*ek, k));
        let n = pos.map_or(entries.len(), |i| i + 1) as u64;
        Lookup {
            pos,
            probes: n,
            comparisons: n,
        }
    }

    /// A sequence's `in`: identity first, then ==, item by item, until a match. Returns
    /// (found, comparisons made, 0 probes).
    fn scan(&self, items: &[ObjId], x: ObjId) -> (bool, u64, u64) {
        // Any object may be an item: lists and dicts compare by value too.
        match items.iter().position(|m| self.values_equal(*m, x)) {
            Some(i) => (true, i as u64 + 1, 0),
            None => (false, items.len() as u64, 0),
        }
    }
}

fn index(items: &[ObjId], i: i128) -> Result<ObjId> {
    let len = items.len() as i128;
    let idx = if i < 0 { i + len } else { i };
    if idx < 0 || idx >= len {
        return Err(Error::Lookup("IndexError: index out of range".into()));
    }
    Ok(items[idx as usize])
}

/// `LINEAR_PROBES`: neighbouring slots a set probe inspects before it jumps.
const LINEAR_PROBES: usize = 9;
/// Up to this many entries, a dict is searched for a str key given as text by comparing
/// texts in order (see [`Heap::dict_find_str`]).
const SCAN_STR_KEYS_UP_TO: usize = 8;
/// `PERTURB_SHIFT`: how fast the higher bits of the hash enter the jumps.
const PERTURB_SHIFT: u32 = 5;

/// What a search of a set's table found, and the work it took.
#[derive(Debug, Default)]
struct Probe {
    /// The slot holding an equal key, or the one an insertion would fill.
    slot: usize,
    found: bool,
    /// `slot` is a dummy met on the way (an insertion there does not raise `fill`).
    reuses_dummy: bool,
    /// Slots inspected.
    probes: u64,
    /// Keys with an equal hash compared with the one searched for (identity or `==`).
    comparisons: u64,
}

/// The slots a search of a hash table visits. Sets and dicts jump alike, from
/// `hash & mask` to `i = (5 * i + 1 + perturb) & mask`, `perturb` being the hash shifted
/// right by `PERTURB_SHIFT` more at each jump; a set also looks at the `LINEAR_PROBES`
/// neighbours of each slot it jumps to, while they fit before the table's end. It never
/// ends: the caller stops at an unused slot.
pub(crate) struct Probes {
    i: usize,
    perturb: u64,
    mask: usize,
}

impl Probes {
    pub(crate) fn new(hash: i64, mask: usize) -> Self {
        Probes {
            i: hash as u64 as usize & mask,
            perturb: hash as u64,
            mask,
        }
    }

    /// The slot jumped to; the next jump is prepared.
    fn jump(&mut self) -> usize {
        let i = self.i;
        self.perturb >>= PERTURB_SHIFT;
        self.i = i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(self.perturb as usize)
            & self.mask;
        i
    }

    /// `set_lookkey`'s next run: the slot jumped to and its linear neighbours.
    fn next_set_run(&mut self) -> std::ops::RangeInclusive<usize> {
        let i = self.jump();
        let linear = if i + LINEAR_PROBES <= self.mask {
            LINEAR_PROBES
        } else {
            0
        };
        i..=i + linear
    }

    /// `dictkeys_generic_lookup`'s next slot (no linear probing).
    pub(crate) fn next_dict_slot(&mut self) -> usize {
        self.jump()
    }
}

/// `set_insert_clean`: file a key known to be absent in the first unused slot of its probe
/// sequence (a table being built has no dummies and needs no comparisons).
fn set_insert_clean(table: &mut [SetEntry], hash: i64, item: u32) {
    let mut probes = Probes::new(hash, table.len() - 1);
    loop {
        if let Some(e) = table[probes.next_set_run()]
            .iter_mut()
            .find(|e| e.item == SetEntry::UNUSED)
        {
            *e = SetEntry { hash, item };
            return;
        }
    }
}

/// `set_table_resize`'s reinsertion: a table of `size` slots holding `old`'s live entries,
/// put in by `set_insert_clean` in `old`'s order (dummies dropped).
fn set_table_resized(old: &[SetEntry], size: usize) -> Vec<SetEntry> {
    let mut fresh = vec![SetEntry::EMPTY; size];
    for e in old.iter().filter(|e| e.item < SetEntry::DUMMY) {
        set_insert_clean(&mut fresh, e.hash, e.item);
    }
    fresh
}

/// `int == float` as `float_richcompare` decides it: exactly, not by converting the int to
/// a float (`2**53 + 1 == float(2**53)` is False, though the conversion would round it).
fn int_equals_float(i: i128, f: f64) -> bool {
    // 2^127 bounds i128; past it (or for inf and nan) no int is equal.
    f.is_finite() && f.fract() == 0.0 && f.abs() < 2f64.powi(127) && f as i128 == i
}

/// The integer check of each typecode's `*_setitem` in `Modules/arraymodule.c`: each C
/// function converts with its own parser, so the same value fails with different messages
/// (`b_setitem` parses a `short` and then checks a `signed char`).
fn array_int_setitem(typecode: char, v: i128) -> Result<()> {
    match typecode {
        'b' => getargs::in_range(
            i128::from(getargs::parse_h(v)?),
            i8::MIN.into(),
            i8::MAX.into(),
            "signed char",
        )
        .map(drop),
        'B' => getargs::parse_b(v).map(drop),
        'h' => getargs::parse_h(v).map(drop),
        'H' => getargs::in_range(
            i128::from(getargs::parse_i(v)?),
            0,
            u16::MAX.into(),
            "unsigned short",
        )
        .map(drop),
        'i' => getargs::parse_i(v).map(drop),
        'I' => {
            if getargs::as_unsigned_long(v)? > u64::from(u32::MAX) {
                return Err(Error::Overflow(
                    "unsigned int is greater than maximum".into(),
                ));
            }
            Ok(())
        }
        'l' => getargs::as_long(v).map(drop),
        'L' => getargs::as_unsigned_long(v).map(drop),
        'q' => getargs::as_long_long(v).map(drop),
        'Q' => getargs::as_unsigned_long_long(v).map(drop),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// A set iterates in the order of its hash table, as CPython's does, so its repr is
    /// python3's (`{1, 2, 3} {16, 8} {8, 16} {13, 21, 5} {-1, -2} frozenset({9, 100, 1})`):
    /// 13 and 21 collide with 5 in an 8-slot table and land where the probe sequence takes
    /// them.
    #[test]
    fn sets_iterate_in_table_order() {
        let mut py = Heap::new();
        let ints = |v: &[i128]| v.iter().map(|&i| int(i)).collect::<Vec<_>>();
        let cases: [(Expr, &str); 6] = [
            (set(ints(&[3, 1, 2])), "{1, 2, 3}"),
            (set(ints(&[16, 8])), "{16, 8}"),
            (set(ints(&[8, 16])), "{8, 16}"),
            (name("set").call([list(ints(&[5, 13, 21]))]), "{13, 21, 5}"),
            (set(ints(&[-1, -2])), "{-1, -2}"),
            (
                name("frozenset").call([set(ints(&[100, 9, 1]))]),
                "frozenset({9, 100, 1})",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(py.repr_of(e).unwrap(), want);
        }
        let unhashable = py.exec(set([list([int(1)])])).unwrap_err();
        assert!(matches!(unhashable, Error::Type(ref m) if m == "unhashable type: 'list'"));
    }

    /// String sets iterate as python3's do under `PYTHONHASHSEED=0` (the key the model's
    /// SipHash uses), for a display of constants (a frozenset constant the compiler rebuilt
    /// from its own iteration, merged by copying its table) and for `set(list)` (adds):
    /// python3 printed both lines below.
    #[test]
    fn string_sets_iterate_as_with_hash_seed_zero() {
        let mut py = Heap::new();
        let words = [
            "apple",
            "banana",
            "cherry",
            "date",
            "elderberry",
            "fig",
            "grape",
            "é",
            "€uro",
        ];
        let strs = || words.iter().map(|w| s(w)).collect::<Vec<_>>();
        assert_eq!(
            py.repr_of(set(strs())).unwrap(),
            "{'é', 'banana', 'fig', 'cherry', 'apple', 'date', '€uro', 'grape', 'elderberry'}"
        );
        assert_eq!(
            py.repr_of(name("set").call([list(strs())])).unwrap(),
            "{'é', 'banana', 'apple', 'cherry', 'fig', 'date', '€uro', 'grape', 'elderberry'}"
        );
    }

    /// The work of `x in s` is the probe sequence's: 8 and 16 share slot 0 of an 8-slot
    /// table, so 16 sits in slot 1 (found at the second probe); 24 starts at slot 0 too and
    /// ends at an unused slot after three probes without comparing. -1 and -2 have the same
    /// hash (-2), so `-1 in {-2}` compares with -2; and as an unsigned number that hash is
    /// 2^64 - 2, whose shifted `perturb` keeps the jump `(5 * i + 1 + perturb) & 7` on slot 6
    /// until all its bits are shifted out: 13 visits (13 comparisons), then slot 7.
    #[test]
    fn set_lookups_follow_the_probe_sequence() {
        let mut py = Heap::new();
        py.assign("s", set([int(8), int(16)])).unwrap();
        py.assign("t", set([int(-2)])).unwrap();
        let work = |py: &mut Heap, x: i128, s: &str| {
            py.reset_work();
            let found = py.repr_of(contains(int(x), name(s))).unwrap();
            let w = py.work();
            (found, w.comparisons, w.hash_probes)
        };
        assert_eq!(work(&mut py, 8, "s"), ("True".into(), 1, 1));
        assert_eq!(work(&mut py, 16, "s"), ("True".into(), 1, 2));
        assert_eq!(work(&mut py, 24, "s"), ("False".into(), 0, 3));
        assert_eq!(work(&mut py, -1, "t"), ("False".into(), 13, 14));
    }

    /// `x in d` walks the dict's index: 0 and 8 both hash to slot 0 of an 8-slot index, so
    /// 8 sits in slot 1; 16 passes both (no comparison: their hashes differ) and stops at
    /// the empty slot 6.
    #[test]
    fn dict_lookups_follow_the_probe_sequence() {
        let mut py = Heap::new();
        py.assign("d", dict([(int(0), int(0)), (int(8), int(0))]))
            .unwrap();
        let work = |py: &mut Heap, x: i128| {
            py.reset_work();
            let found = py.repr_of(contains(int(x), name("d"))).unwrap();
            let w = py.work();
            (found, w.comparisons, w.hash_probes)
        };
        assert_eq!(work(&mut py, 0), ("True".into(), 1, 1));
        assert_eq!(work(&mut py, 8), ("True".into(), 1, 2));
        assert_eq!(work(&mut py, 16), ("False".into(), 0, 3));
        // -1 and -2 share the hash -2, which keeps the jumps on slot 6 for 13 rounds before
        // -1 finds a slot: more probes than the index has slots, and still found.
        py.assign("d", dict([(int(-2), int(0)), (int(-1), int(0))]))
            .unwrap();
        let (found, _, probes) = work(&mut py, -1);
        assert_eq!(found, "True");
        assert!(probes > 8, "{probes} probes");
        let unhashable = py.exec(contains(list([]), name("d"))).unwrap_err();
        assert!(matches!(unhashable, Error::Type(ref m) if m == "unhashable type: 'list'"));
    }

    /// Numeric keys are equal across int, bool and float exactly as in CPython 3.11:
    /// `len({True, 1.0, 1})` is 1, and `2**53 + 1` is not `float(2**53)`
    /// (python3: `1 1 True True 2`).
    #[test]
    fn numeric_keys_compare_exactly() {
        let mut py = Heap::new();
        let len = |py: &mut Heap, items: Vec<Expr>| py.repr_of(name("len").call([set(items)]));
        assert_eq!(
            len(&mut py, vec![boolean(true), float(1.0), int(1)]).unwrap(),
            "1"
        );
        assert_eq!(len(&mut py, vec![float(1.0), boolean(true)]).unwrap(), "1");
        let found = py.repr_of(contains(float(1.0), set([boolean(true)])));
        assert_eq!(found.unwrap(), "True");
        let big = (1i128 << 53) + 1;
        assert_eq!(
            len(&mut py, vec![int(big), float((1u64 << 53) as f64)]).unwrap(),
            "2"
        );
        assert_eq!(
            len(&mut py, vec![int(1 << 53), float((1u64 << 53) as f64)]).unwrap(),
            "1"
        );
        assert_eq!(len(&mut py, vec![float(f64::NAN), int(0)]).unwrap(), "2");
    }

    /// The index keeps CPython's dummies: 1 and 9 share slot 1 of an 8-slot table (9 goes
    /// on to slot 6), and once 1 is deleted a search for 9 still steps over its slot. A new
    /// key takes the first empty or dummy slot of its sequence (3.11's `find_empty_slot`).
    #[test]
    fn a_deleted_key_leaves_a_dummy_in_the_dict_index() {
        let mut py = Heap::new();
        py.assign("d", name("dict").call([])).unwrap();
        for k in [1, 9, 2] {
            py.assign_item(name("d"), int(k), none()).unwrap();
        }
        let search = |py: &mut Heap, k: i128| {
            py.reset_work();
            let found = py.contains(int(k), name("d")).unwrap();
            let w = py.work();
            (found, w.hash_probes, w.comparisons)
        };
        assert_eq!(search(&mut py, 9), (true, 2, 1));
        py.del_item(name("d"), int(1)).unwrap();
        assert_eq!(search(&mut py, 9), (true, 2, 1));
        assert_eq!(search(&mut py, 1), (false, 3, 0));
        // 17 also starts at slot 1: it takes the dummy's place, and is found at once.
        py.assign_item(name("d"), int(17), none()).unwrap();
        assert_eq!(search(&mut py, 17), (true, 1, 1));
        assert_eq!(
            py.repr_of(name("d")).unwrap(),
            "{9: None, 2: None, 17: None}"
        );
    }

    /// `dict(x)`, with python3 3.11's figures: a dict is cloned (`sys.getsizeof` 184 for
    /// two str keys), pairs are set in order (224 for two, 352 for ten), and misuse gives
    /// CPython's errors.
    #[test]
    fn dict_of_a_dict_or_of_pairs() {
        let mut py = Heap::new();
        let pair = |a: i128, b: i128| tuple([int(a), int(b)]);
        py.assign("d", dict([(s("a"), int(1)), (s("b"), int(2))]))
            .unwrap();
        let dict_of = |x: Expr| name("dict").call([x]);
        assert_eq!(py.getsizeof(dict_of(name("d"))).unwrap(), 184);
        assert_eq!(py.repr_of(dict_of(name("d"))).unwrap(), "{'a': 1, 'b': 2}");
        let two = dict_of(list([pair(1, 2), list([int(3), int(4)])]));
        assert_eq!(py.getsizeof(two.clone()).unwrap(), 224);
        assert_eq!(py.repr_of(two).unwrap(), "{1: 2, 3: 4}");
        let ten = dict_of(list((0..10).map(|i| pair(i, i))));
        assert_eq!(py.getsizeof(ten).unwrap(), 352);
        let err = |py: &mut Heap, e: Expr| py.exec(e).unwrap_err().to_string();
        assert_eq!(
            err(&mut py, dict_of(list([tuple([int(1), int(2), int(3)])]))),
            "ValueError: dictionary update sequence element #0 has length 3; 2 is required"
        );
        assert_eq!(
            err(&mut py, dict_of(list([int(1)]))),
            "TypeError: cannot convert dictionary update sequence element #0 to a sequence"
        );
        assert_eq!(
            err(&mut py, name("dict").call([name("d"), name("d")])),
            "TypeError: dict expected at most 1 argument, got 2"
        );
        assert_eq!(
            err(&mut py, dict_of(int(5))),
            "TypeError: 'int' object is not iterable"
        );
    }

    /// A list's `in` compares items by value whatever their type (python3: all True).
    #[test]
    fn a_sequence_finds_equal_containers() {
        let mut py = Heap::new();
        let found = |py: &mut Heap, x: Expr, c: Expr| py.contains(x, c).unwrap();
        assert!(found(&mut py, list([int(1)]), list([list([int(1)])])));
        assert!(found(
            &mut py,
            dict([(s("a"), int(1))]),
            list([dict([(s("a"), int(1))])])
        ));
        assert!(found(
            &mut py,
            tuple([int(1), list([int(2)])]),
            tuple([tuple([int(1), list([int(2)])])])
        ));
        assert!(!found(&mut py, list([int(2)]), list([list([int(1)])])));
    }

    fn array(args: Vec<Expr>) -> Expr {
        name("array").call(args)
    }

    #[test]
    fn array_misuse_is_an_error() {
        let mut py = Heap::new();
        let bad = py.exec(array(vec![s("z")])).unwrap_err();
        assert!(matches!(bad, Error::Value(ref m) if m.starts_with("bad typecode")));
        assert!(matches!(py.exec(array(vec![])), Err(Error::Type(_))));
        assert!(matches!(py.exec(array(vec![int(1)])), Err(Error::Type(_))));
        let float_in_int = py.exec(array(vec![s("i"), list([float(1.5)])]));
        assert!(matches!(float_in_int, Err(Error::Type(_))));
        let too_big = py.exec(array(vec![s("b"), name("range").call([int(200)])]));
        assert_eq!(
            too_big.map_err(|e| e.to_string()),
            Err("OverflowError: signed char is greater than maximum".into())
        );
        py.assign("a", array(vec![s("d")])).unwrap();
        assert!(py.exec(name("a").method("append", [s("x")])).is_err());
        py.exec(name("a").method("append", [int(3)])).unwrap();
        assert_eq!(py.getsizeof(name("a")).unwrap(), 80 + 4 * 8);
        let (objects, buffers, held) = py.memory_accounting();
        assert_eq!(
            objects + buffers + held,
            py.allocator().live_requested_bytes()
        );
    }

    #[test]
    fn list_and_dict_misuse_is_an_error() {
        let mut py = Heap::new();
        py.assign("l", list([])).unwrap();
        assert!(matches!(
            py.exec(name("l").method("pop", [])),
            Err(Error::Lookup(_))
        ));
        assert!(matches!(
            py.del_item(name("l"), int(0)),
            Err(Error::Lookup(_))
        ));
        py.assign("d", dict([])).unwrap();
        assert!(matches!(
            py.del_item(name("d"), s("k")),
            Err(Error::Lookup(_))
        ));
        assert!(matches!(py.del_item(int(1), int(0)), Err(Error::Type(_))));
    }

    #[test]
    fn slots_with_dict_are_not_modeled() {
        let mut py = Heap::new();
        let r = py.class(Class::new("D").slots(&["x", "__dict__"]));
        assert!(matches!(r, Err(Error::NotModeled(_))));
    }

    #[test]
    fn shared_keys_overflow_converts_the_dict() {
        // The 30th name finds the class's shared keys full: that instance's dict is
        // materialized and becomes a combined table of its own; other instances keep
        // their inline values and split dicts.
        let mut py = Heap::new();
        py.class(Class::new("Wide")).unwrap();
        py.assign("w", name("Wide").call([])).unwrap();
        py.assign("v", name("Wide").call([])).unwrap();
        for i in 0..31 {
            py.assign_attr(name("w"), &format!("a{i}"), int(i)).unwrap();
        }
        assert_eq!(py.getsizeof(name("w").attr("__dict__")).unwrap(), 1584);
        py.assign_attr(name("v"), "a0", int(0)).unwrap();
        // v.__dict__ reads the class keys now: 28 names stored, no room left (as python3).
        assert_eq!(
            py.getsizeof(name("v").attr("__dict__")).unwrap(),
            64 + 28 * 8
        );
        assert_eq!(py.repr_of(name("v").attr("a0")).unwrap(), "0");
    }

    #[test]
    fn small_unicode_keys_are_reused_from_the_free_list() {
        let mut py = Heap::new();
        py.assign("d", dict([(s("a"), int(1))])).unwrap();
        let keys = py.blocks_of_value(name("d")).unwrap()[1].addr;
        py.del("d").unwrap();
        py.assign("e", dict([(s("b"), int(2))])).unwrap();
        assert_eq!(py.blocks_of_value(name("e")).unwrap()[1].addr, keys);
        let (objects, buffers, held) = py.memory_accounting();
        assert_eq!(
            objects + buffers + held,
            py.allocator().live_requested_bytes()
        );
    }
}
