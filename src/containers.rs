//! Built-in containers: tuple, list, dict, set/frozenset. Each holds strong references;
//! creation, growth and mutation follow 3.11's allocation rules, so sizes and the
//! collector's view (tracked or not) come out as CPython's.

use crate::error::{Error, Result};
use crate::heap::Heap;
use crate::object::{Kind, ObjId, TypeTag};
use crate::sizes;

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

    /// `[a, b]` with non-constant items (BUILD_LIST n): exactly `n` slots allocated.
    pub(crate) fn new_list_exact(&mut self, items: Vec<ObjId>) -> ObjId {
        let n = items.len();
        let buf = self.alloc_buffer(n * 8);
        let l = self.alloc(
            TypeTag::List,
            Kind::List {
                items,
                allocated: n,
                items_addr: buf,
            },
        );
        self.gc_track(l);
        l
    }

    /// An empty list grown by one `extend` (`list(iterable)`, and 3.11's constant list
    /// literals of three or more items: BUILD_LIST 0; LIST_EXTEND of a constant tuple).
    pub(crate) fn new_list_by_extend(&mut self, items: Vec<ObjId>) -> ObjId {
        let l = self.new_list_exact(Vec::new());
        self.list_extend(l, items);
        l
    }

    /// A list literal: constant items (three or more) go through a constant tuple + extend.
    pub(crate) fn new_list_from(&mut self, items: Vec<ObjId>) -> ObjId {
        self.new_list_exact(items)
    }

    /// Resize a list's items buffer for `new_len` items (`list_resize`).
    fn list_resize(&mut self, l: ObjId, new_len: usize) {
        let (allocated, len, addr) = match &self.obj(l).kind {
            Kind::List {
                allocated,
                items,
                items_addr,
            } => (*allocated, items.len(), *items_addr),
            _ => return,
        };
        let new_alloc = sizes::list_resize(allocated, len, new_len);
        if new_alloc != allocated {
            let new_addr = self.realloc_buffer(addr, new_alloc * 8);
            if let Kind::List {
                allocated,
                items_addr,
                ..
            } = &mut self.obj_mut(l).kind
            {
                *allocated = new_alloc;
                *items_addr = new_addr;
            }
        }
    }

    /// `list.append(v)`: takes ownership of `v`.
    pub(crate) fn list_append(&mut self, l: ObjId, v: ObjId) {
        let len = match &self.obj(l).kind {
            Kind::List { items, .. } => items.len(),
            _ => return,
        };
        self.list_resize(l, len + 1);
        if let Kind::List { items, .. } = &mut self.obj_mut(l).kind {
            items.push(v);
        }
    }

    /// `list.extend(items)`: one resize for all, then the items (owned).
    pub(crate) fn list_extend(&mut self, l: ObjId, new: Vec<ObjId>) {
        let len = match &self.obj(l).kind {
            Kind::List { items, .. } => items.len(),
            _ => return,
        };
        if new.is_empty() {
            return;
        }
        self.list_resize(l, len + new.len());
        if let Kind::List { items, .. } = &mut self.obj_mut(l).kind {
            items.extend(new);
        }
    }

    /// `list.clear()`: `_list_clear` releases the items from the last to the first and
    /// frees the buffer.
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

    /// A dict display `{k: v, ...}` from owned alternating keys and values.
    pub(crate) fn new_dict_from(&mut self, flat: Vec<ObjId>) -> Result<ObjId> {
        let d = self.new_dict_untracked();
        let n = flat.len() / 2;
        let all_str = flat
            .chunks(2)
            .all(|kv| matches!(self.obj(kv[0]).kind, Kind::Str { .. }));
        let log2 = sizes::dict_log2_for_display(all_str, n);
        if log2 > 0 {
            let buf = self.alloc_buffer(sizes::dict_keys_bytes(log2, all_str));
            if let Kind::Dict {
                log2_size,
                keys_addr,
                ..
            } = &mut self.obj_mut(d).kind
            {
                *log2_size = log2;
                *keys_addr = buf;
            }
        }
        let mut it = flat.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            let r = self.dict_set(d, k, v);
            self.decref(k);
            self.decref(v);
            r?;
        }
        Ok(d)
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
            (Kind::Int(x), Kind::Bool(y)) | (Kind::Bool(y), Kind::Int(x)) => *x == *y as i128,
            (Kind::Float(x), Kind::Float(y)) => x == y,
            (Kind::Int(x), Kind::Float(y)) | (Kind::Float(y), Kind::Int(x)) => (*x as f64) == *y,
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

    /// `d[k] = v` (borrows `k` and `v`: the dict takes its own references). A new key grows
    /// the keys table when it is full, as `insertion_resize` does; the dict becomes tracked
    /// when it receives something that may be tracked (`MAINTAIN_TRACKING`).
    pub(crate) fn dict_set(&mut self, d: ObjId, k: ObjId, v: ObjId) -> Result<()> {
        self.check_hashable(k)?;
        let pos = match &self.obj(d).kind {
            Kind::Dict { entries, .. } => entries.iter().position(|(ek, _)| self.keys_equal(*ek, k)),
            _ => return Err(Error::Type(format!("{} is not a dict", self.describe(d)))),
        };
        let may_track = self.may_be_tracked(k) || self.may_be_tracked(v);
        self.incref(v);
        if let Some(i) = pos {
            let old = match &mut self.obj_mut(d).kind {
                Kind::Dict { entries, .. } => std::mem::replace(&mut entries[i].1, v),
                _ => unreachable!("checked above"),
            };
            if may_track && !self.obj(d).gc.tracked {
                self.gc_track(d);
            }
            self.decref(old);
            return Ok(());
        }
        self.incref(k);
        self.dict_make_room(d, k);
        if let Kind::Dict {
            entries, nentries, ..
        } = &mut self.obj_mut(d).kind
        {
            entries.push((k, v));
            *nentries += 1;
        }
        if may_track && !self.obj(d).gc.tracked {
            self.gc_track(d);
        }
        Ok(())
    }

    /// Grow the keys table if there is no usable slot for one more entry.
    fn dict_make_room(&mut self, d: ObjId, new_key: ObjId) {
        let (log2, nentries, used, addr, all_str) = match &self.obj(d).kind {
            Kind::Dict {
                log2_size,
                nentries,
                entries,
                keys_addr,
            } => (
                *log2_size,
                *nentries,
                entries.len(),
                *keys_addr,
                entries
                    .iter()
                    .all(|(k, _)| matches!(self.obj(*k).kind, Kind::Str { .. }))
                    && matches!(self.obj(new_key).kind, Kind::Str { .. }),
            ),
            _ => return,
        };
        let was_unicode = self.dict_keys_all_str(d);
        let new_log2 = if log2 == 0 {
            sizes::DICT_LOG_MINSIZE
        } else if nentries >= sizes::usable_fraction(1 << log2) {
            sizes::dict_log2_for_growth(used)
        } else if was_unicode && !all_str && used > 0 {
            // insertdict: a non-str key into a str-only keys table converts it
            // (insertion_resize), which rebuilds the table at the growth size.
            sizes::dict_log2_for_growth(used)
        } else {
            return;
        };
        let buf = self.alloc_buffer(sizes::dict_keys_bytes(new_log2, all_str));
        self.free_buffer(addr);
        if let Kind::Dict {
            log2_size,
            nentries,
            entries,
            keys_addr,
        } = &mut self.obj_mut(d).kind
        {
            *log2_size = new_log2;
            *nentries = entries.len();
            *keys_addr = buf;
        }
    }

    /// `d[k]` for a str key, without taking a reference.
    pub(crate) fn dict_get_str(&self, d: ObjId, key: &str) -> Option<ObjId> {
        match &self.obj(d).kind {
            Kind::Dict { entries, .. } => entries.iter().find_map(|(k, v)| match &self.obj(*k).kind {
                Kind::Str { value, .. } if &**value == key => Some(*v),
                _ => None,
            }),
            _ => None,
        }
    }

    /// `del d[key]` for a str key.
    pub(crate) fn dict_del_str(&mut self, d: ObjId, key: &str) -> Result<()> {
        let pos = match &self.obj(d).kind {
            Kind::Dict { entries, .. } => entries.iter().position(|(k, _)| {
                matches!(&self.obj(*k).kind, Kind::Str { value, .. } if &**value == key)
            }),
            _ => None,
        };
        let Some(i) = pos else {
            return Err(Error::Lookup(format!("KeyError: '{key}'")));
        };
        self.dict_remove_at(d, i);
        Ok(())
    }

    /// Remove entry `i`: the key then the value are released (delitem_common).
    pub(crate) fn dict_remove_at(&mut self, d: ObjId, i: usize) {
        let (k, v) = match &mut self.obj_mut(d).kind {
            Kind::Dict { entries, .. } => entries.remove(i),
            _ => return,
        };
        self.decref(k);
        self.decref(v);
    }

    /// `dict.clear()`
    pub(crate) fn dict_clear(&mut self, d: ObjId) {
        let (entries, addr) = match &mut self.obj_mut(d).kind {
            Kind::Dict {
                entries,
                log2_size,
                nentries,
                keys_addr,
            } => {
                *log2_size = 0;
                *nentries = 0;
                (std::mem::take(entries), std::mem::take(keys_addr))
            }
            _ => return,
        };
        self.free_buffer(addr);
        for (k, v) in entries {
            self.decref(k);
            self.decref(v);
        }
    }

    // ----- set --------------------------------------------------------------------------------

    /// A set or frozenset from owned items (duplicates are released), always tracked.
    pub(crate) fn new_set_from(&mut self, items: Vec<ObjId>, frozen: bool) -> ObjId {
        let tag = if frozen {
            TypeTag::FrozenSet
        } else {
            TypeTag::Set
        };
        let st = self.alloc(
            tag,
            Kind::Set {
                items: Vec::new(),
                table: sizes::SET_MINSIZE,
                frozen,
                table_addr: 0,
            },
        );
        for v in items {
            self.set_add(st, v);
        }
        self.gc_track(st);
        st
    }

    /// `set.add(v)`, taking ownership of `v` (released if already present). Grows the table
    /// when it is 3/5 full (`set_add_entry` → `set_table_resize`).
    pub(crate) fn set_add(&mut self, st: ObjId, v: ObjId) {
        let present = match &self.obj(st).kind {
            Kind::Set { items, .. } => items.iter().any(|x| self.keys_equal(*x, v)),
            _ => return,
        };
        if present {
            self.decref(v);
            return;
        }
        let (table, used, addr) = match &mut self.obj_mut(st).kind {
            Kind::Set {
                items,
                table,
                table_addr,
                ..
            } => {
                items.push(v);
                (*table, items.len(), *table_addr)
            }
            _ => return,
        };
        let new_table = sizes::set_table_after_insert(table, used);
        if new_table != table {
            let buf = self.alloc_buffer(new_table * 16);
            self.free_buffer(addr);
            if let Kind::Set {
                table, table_addr, ..
            } = &mut self.obj_mut(st).kind
            {
                *table = new_table;
                *table_addr = buf;
            }
        }
    }

    // ----- items and membership ---------------------------------------------------------------

    /// `o[k]` (a new reference).
    pub(crate) fn get_item(&mut self, o: ObjId, k: ObjId) -> Result<ObjId> {
        let v = match &self.obj(o).kind {
            Kind::List { items, .. } => {
                let i = self.int_of(k)?;
                index(items, i)?
            }
            Kind::Tuple(items) => {
                let i = self.int_of(k)?;
                index(items, i)?
            }
            Kind::Dict { entries, .. } => entries
                .iter()
                .find(|(ek, _)| self.keys_equal(*ek, k))
                .map(|(_, v)| *v)
                .ok_or_else(|| Error::Lookup(format!("KeyError: {}", self.repr(k).unwrap_or_default())))?,
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
                    return Err(Error::Lookup("IndexError: list assignment index out of range".into()));
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

    /// `x in c`, counting the work as the model's profiler sees it.
    pub(crate) fn contains_op(&mut self, c: ObjId, x: ObjId) -> Result<bool> {
        let (members, hashed): (Vec<ObjId>, bool) = match &self.obj(c).kind {
            Kind::List { items, .. } => (items.clone(), false),
            Kind::Tuple(items) => (items.to_vec(), false),
            Kind::Set { items, .. } => (items.clone(), true),
            Kind::Dict { entries, .. } => (entries.iter().map(|(k, _)| *k).collect(), true),
            Kind::Str { value, .. } => {
                let hay = value.clone();
                let needle = match &self.obj(x).kind {
                    Kind::Str { value, .. } => value.clone(),
                    _ => return Err(Error::Type("'in <string>' requires string as left operand".into())),
                };
                self.work.comparisons += hay.len() as u64;
                return Ok(hay.contains(&*needle));
            }
            _ => {
                return Err(Error::Type(format!(
                    "argument of type '{}' is not iterable",
                    self.type_name(c)?
                )))
            }
        };
        if hashed {
            // One hash computation and (for a hit) one probe and comparison.
            self.work.hash_probes += 1;
            let found = members.iter().any(|m| self.keys_equal(*m, x));
            if found {
                self.work.comparisons += 1;
            }
            return Ok(found);
        }
        // A sequence is scanned: identity first, then ==, item by item.
        for m in members {
            self.work.comparisons += 1;
            if self.keys_equal(m, x) {
                return Ok(true);
            }
        }
        Ok(false)
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

impl Heap {
    /// Whether every key of a dict is a str (3.11's `DICT_KEYS_UNICODE` table kind).
    pub(crate) fn dict_keys_all_str(&self, d: ObjId) -> bool {
        match &self.obj(d).kind {
            Kind::Dict { entries, .. } => entries
                .iter()
                .all(|(k, _)| matches!(self.obj(*k).kind, Kind::Str { .. })),
            _ => false,
        }
    }
}
