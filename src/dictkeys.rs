//! A dict's keys table (`PyDictKeysObject` of `Objects/dictobject.c`): its entries in
//! insertion order and, for a combined dict, the hash index over them (`dk_indices`), behind
//! one pointer (C keeps both in the keys object's one allocation); the empty table
//! (`Py_EMPTY_KEYS`) allocates nothing.
//!
//! The index is a table of slots, each empty, a dummy left by a deletion, or the position
//! of an entry. A lookup jumps through it as `dictkeys_generic_lookup` does (no linear
//! probing) and reads an entry only where a slot holds one; a new key takes the first empty
//! or dummy slot of its sequence (`find_empty_slot`; the free-threaded builds of 3.13+ take
//! only empty ones); a deleted key leaves a dummy that later searches step over, until a
//! resize builds the table again from the entries (`build_indices`).
//!
//! CPython keeps a deleted entry in the entries array (its key NULL) until that resize; the
//! model's entries stay compact, so a deletion also moves the positions of the entries after
//! it down by one. The slots the searches visit are the same.

use thin_vec::ThinVec;

use crate::containers::Probes;
use crate::object::ObjId;

/// One slot: the position of an entry and its hash (CPython keeps the hash in the entry;
/// here it sits beside the position, so a search needs no second array), or a marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    hash: i64,
    ix: i32,
}

impl Slot {
    /// `DKIX_EMPTY`
    const EMPTY: i32 = -1;
    /// `DKIX_DUMMY`
    const DUMMY: i32 = -2;
    const UNUSED: Slot = Slot {
        hash: 0,
        ix: Slot::EMPTY,
    };
}

/// The index of a combined dict; empty (no table) for the shared empty keys and for a split
/// dict, whose index is its class's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DictIndex(ThinVec<Slot>);

/// What a search found, and what it cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The position of the equal key in the entries, if any.
    pub pos: Option<usize>,
    /// Slots looked at (the final empty slot of a miss included).
    pub probes: u64,
    /// Keys compared with `==` (only those whose hash is equal).
    pub comparisons: u64,
}

impl DictIndex {
    /// `build_indices`: a fresh table of `size` slots (a power of two, more than there are
    /// entries) holding the entries' hashes in entry order. `None` if the table cannot hold
    /// them all with an empty slot to spare, which no combined dict has.
    pub fn build(size: usize, hashes: impl ExactSizeIterator<Item = i64>) -> Option<Self> {
        if !size.is_power_of_two() || hashes.len() >= size || size > i32::MAX as usize {
            return None;
        }
        let mut index = DictIndex(std::iter::repeat_n(Slot::UNUSED, size).collect());
        for (ix, hash) in hashes.enumerate() {
            if !index.insert(hash, ix) {
                return None;
            }
        }
        Some(index)
    }

    /// Is there a table (a combined dict with keys)?
    pub fn is_built(&self) -> bool {
        !self.0.is_empty()
    }

    /// The entries' hashes in entry order, to build a larger table from.
    pub fn hashes(&self) -> Vec<i64> {
        let mut live: Vec<(i32, i64)> = self
            .0
            .iter()
            .filter(|s| s.ix >= 0)
            .map(|s| (s.ix, s.hash))
            .collect();
        live.sort_unstable();
        live.into_iter().map(|(_, h)| h).collect()
    }

    /// The most slots a search can visit: once `perturb` is shifted out (13 jumps for 64
    /// bits) the jumps `i = 5 * i + 1` visit every slot of the table within its size.
    fn probe_limit(&self) -> u64 {
        self.0.len() as u64 + 13
    }

    /// Search for a key with `hash`; `equal(pos)` compares the entry at `pos` with the key
    /// (identity first, then `==`). Ends at an empty slot, which the table always has (a
    /// dict resizes before its entries and dummies fill two thirds of it); the probe limit
    /// only keeps a broken table from looping.
    pub fn lookup(&self, hash: i64, mut equal: impl FnMut(usize) -> bool) -> Lookup {
        let mut found = Lookup {
            pos: None,
            probes: 0,
            comparisons: 0,
        };
        if !self.is_built() {
            return found;
        }
        let mut probes = Probes::new(hash, self.0.len() - 1);
        while found.probes < self.probe_limit() {
            found.probes += 1;
            let slot = self.0[probes.next_dict_slot()];
            if slot.ix == Slot::EMPTY {
                return found;
            }
            if slot.ix >= 0 && slot.hash == hash {
                found.comparisons += 1;
                if equal(slot.ix as usize) {
                    found.pos = Some(slot.ix as usize);
                    return found;
                }
            }
        }
        found
    }

    /// File the new entry at `pos` in the first empty or dummy slot of its sequence
    /// (`find_empty_slot`). False if there is none (a full table, which no dict has).
    #[must_use]
    pub fn insert(&mut self, hash: i64, pos: usize) -> bool {
        if !self.is_built() {
            return false;
        }
        let mut probes = Probes::new(hash, self.0.len() - 1);
        for _ in 0..self.probe_limit() {
            let slot = &mut self.0[probes.next_dict_slot()];
            if slot.ix < 0 {
                *slot = Slot {
                    hash,
                    ix: pos as i32,
                };
                return true;
            }
        }
        false
    }

    /// The entry at `pos` was deleted: its slot becomes a dummy, and the entries after it
    /// move down one place.
    pub fn remove(&mut self, pos: usize) {
        let pos = pos as i32;
        for slot in self.0.iter_mut() {
            if slot.ix == pos {
                *slot = Slot {
                    hash: 0,
                    ix: Slot::DUMMY,
                };
            } else if slot.ix > pos {
                slot.ix -= 1;
            }
        }
    }

    /// How many slots are dummies.
    #[cfg(test)]
    fn dummies(&self) -> usize {
        self.0.iter().filter(|s| s.ix == Slot::DUMMY).count()
    }
}

/// A dict's entries, `(key, value)` in insertion order, and its index (see the module doc).
/// One word in the object table: the table itself is boxed.
#[derive(Clone, Debug, Default)]
pub struct DictEntries(Option<Box<Table>>);

#[derive(Clone, Debug, Default)]
struct Table {
    entries: Vec<(ObjId, ObjId)>,
    index: DictIndex,
}

impl DictEntries {
    fn table(&mut self) -> &mut Table {
        self.0.get_or_insert_with(Box::default)
    }

    /// Append an entry. With an index, `hash` files it there; without a hash (a key the
    /// model cannot hash again, a dead weak reference) the index is dropped and the dict is
    /// searched in order from then on.
    pub fn push(&mut self, entry: (ObjId, ObjId), hash: Option<i64>) {
        let t = self.table();
        t.entries.push(entry);
        let pos = t.entries.len() - 1;
        if t.index.is_built() && !hash.is_some_and(|h| t.index.insert(h, pos)) {
            t.index = DictIndex::default();
        }
    }

    /// Remove entry `i` (`delitem_common`): its index slot becomes a dummy.
    pub fn remove(&mut self, i: usize) -> (ObjId, ObjId) {
        let t = self.table();
        if t.index.is_built() {
            t.index.remove(i);
        }
        t.entries.remove(i)
    }

    /// Every entry, in order, leaving the empty table (a dict cleared or freed).
    pub fn take_all(&mut self) -> Vec<(ObjId, ObjId)> {
        self.0.take().map(|t| t.entries).unwrap_or_default()
    }

    /// Put `value` in entry `i` and return the old value. Keys change only by `push` and
    /// `remove`, so the index stays true.
    pub fn replace_value(&mut self, i: usize, value: ObjId) -> ObjId {
        std::mem::replace(&mut self.table().entries[i].1, value)
    }

    /// The index, if the dict has one.
    pub fn index(&self) -> Option<&DictIndex> {
        self.0.as_ref().map(|t| &t.index).filter(|i| i.is_built())
    }

    /// Replace the index (after a resize, `build_indices`; or none).
    pub fn set_index(&mut self, index: DictIndex) {
        if index.is_built() || self.0.is_some() {
            self.table().index = index;
        }
    }
}

impl std::ops::Deref for DictEntries {
    type Target = [(ObjId, ObjId)];
    fn deref(&self) -> &[(ObjId, ObjId)] {
        self.0.as_ref().map_or(&[], |t| &t.entries)
    }
}

impl<'a> IntoIterator for &'a DictEntries {
    type Item = &'a (ObjId, ObjId);
    type IntoIter = std::slice::Iter<'a, (ObjId, ObjId)>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deletion_leaves_a_dummy_that_searches_step_over() {
        // Hashes 1 and 9 collide in an 8-slot table: 9 goes where 1's sequence jumps next.
        let mut index = DictIndex::build(8, [1i64, 9, 2].into_iter()).expect("room");
        let at = |index: &DictIndex, h: i64, pos: usize| index.lookup(h, |p| p == pos);
        assert_eq!(at(&index, 9, 1).pos, Some(1));
        assert_eq!(at(&index, 9, 1).probes, 2);
        index.remove(0);
        assert_eq!(index.dummies(), 1);
        // 9 (now at position 0) is still found, past the dummy, in two probes.
        let l = at(&index, 9, 0);
        assert_eq!((l.pos, l.probes, l.comparisons), (Some(0), 2, 1));
        assert_eq!(at(&index, 2, 1).pos, Some(1));
        // A new key with hash 1 takes the dummy's slot.
        assert!(index.insert(1, 2));
        assert_eq!(index.dummies(), 0);
        assert_eq!(at(&index, 1, 2).probes, 1);
        assert_eq!(index.hashes(), vec![9, 2, 1]);
    }

    #[test]
    fn a_table_without_room_is_not_built() {
        assert!(DictIndex::build(4, [1i64, 2, 3, 4].into_iter()).is_none());
        assert!(DictIndex::build(6, [1i64].into_iter()).is_none());
        assert!(!DictIndex::default().is_built());
        // A full table (which no dict reaches) ends searches and refuses inserts.
        let mut full = DictIndex::build(2, [0i64].into_iter()).expect("room");
        assert!(full.insert(1, 1));
        assert!(!full.insert(3, 2));
        assert_eq!(full.lookup(5, |_| false).pos, None);
    }
}
