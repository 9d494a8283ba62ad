//! The cyclic garbage collector, CPython 3.11's `Modules/gcmodule.c` in Rust.
//!
//! Reference counting frees everything except cycles. The collector finds them without
//! knowing the roots: for the objects of the generation being collected it copies each
//! reference count (`update_refs`), subtracts the references that come from inside the
//! generation (`subtract_refs`), and what is left over (`gc_refs > 0`) must be referenced
//! from outside: those objects, and everything they reach, are alive (`move_unreachable`).
//! The rest is garbage: weak references to it are cleared (`handle_weakrefs`), finalizers
//! run once (`finalize_garbage`), anything a finalizer resurrected is spared
//! (`handle_resurrected_objects`), and the remaining cycles are broken by clearing each
//! object's references (`delete_garbage`), after which reference counting frees them.
//!
//! Generation lists are intrusive doubly linked lists through the object table's header
//! array (indices in each object's header; a list's own head is an entry of that array, as
//! CPython's lists are circular through a `PyGC_Head` of their own), so moving an object
//! between lists and merging two lists are O(1), and the order of every list, hence the
//! order finalizers run in, is CPython's. Like `gc_list_size`, a list's length is counted
//! by walking it, only where CPython counts it.

use std::rc::Rc;

use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::getargs;
use crate::heap::{Heap, Objects};
use crate::layout::DictKeysKind;
use crate::layout::SetShape;
use crate::object::{set_members, Header, InstanceAttrs, Kind, ObjId, Object, SetEntry, TypeTag};

/// Number of generations (`NUM_GENERATIONS`).
pub const NUM_GENERATIONS: usize = 3;

// List identities: generations 0..=2, then the permanent generation and scratch lists.
const PERMANENT: u8 = NUM_GENERATIONS as u8;
const UNREACHABLE: u8 = PERMANENT + 1;
const FINALIZERS: u8 = UNREACHABLE + 1;
const STILL_UNREACHABLE: u8 = FINALIZERS + 1;
const WRCB_TO_CALL: u8 = STILL_UNREACHABLE + 1;
const SEEN: u8 = WRCB_TO_CALL + 1;
/// How many lists there are: their heads are the first entries of the header array.
pub(crate) const NUM_LISTS: usize = SEEN as usize + 1;

/// `gc.DEBUG_SAVEALL`: keep garbage in `gc.garbage` instead of freeing it.
pub const DEBUG_SAVEALL: u32 = 1 << 5;

/// Whether a link is a list's head node rather than an object. As in CPython, where each
/// generation's list head is a `PyGC_Head` like the objects', the heads are entries of the
/// header array: list `k`'s head is entry `k` (its `next` is the first object, its `prev`
/// the last; both `k` when empty), and objects start at [`NUM_LISTS`]. So linking and
/// unlinking are plain writes, with no case for the ends of a list.
#[inline]
fn is_sentinel(i: u32) -> bool {
    i < NUM_LISTS as u32
}

/// Per-generation statistics, as `gc.get_stats()` reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenStats {
    /// Collections of this generation.
    pub collections: u64,
    /// Objects collected.
    pub collected: u64,
    /// Objects found uncollectable.
    pub uncollectable: u64,
}

/// What a `gc.callbacks` entry receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackInfo {
    /// `"start"` or `"stop"`.
    pub phase: &'static str,
    /// The generation being collected.
    pub generation: usize,
    /// Objects collected (0 at start).
    pub collected: usize,
    /// Uncollectable objects (0 at start).
    pub uncollectable: usize,
}

/// A `gc.callbacks` entry.
pub type GcCallback = Rc<dyn Fn(&mut Heap, &CallbackInfo)>;

/// Where an object stands during a collection. The old `gcmodule.c` named these states
/// `GC_REACHABLE` and `GC_TENTATIVELY_UNREACHABLE`; 3.11 keeps them as two flag bits in the
/// `PyGC_Head` (`PREV_MASK_COLLECTING`, `NEXT_MASK_UNREACHABLE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcMark {
    /// In the generation being collected, not decided yet (`PREV_MASK_COLLECTING` set).
    Collecting,
    /// `move_unreachable` scanned it with `gc_refs > 0`, or reached it from such an object:
    /// it stays, and moves to the next generation.
    Reachable,
    /// `move_unreachable` found `gc_refs == 0` when it got there and moved it to the
    /// unreachable list, for now (`NEXT_MASK_UNREACHABLE` set).
    TentativelyUnreachable,
    /// Confirmed garbage: nothing outside the generation reaches it.
    Unreachable,
}

impl std::fmt::Display for GcMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GcMark::Collecting => "collecting",
            GcMark::Reachable => "reachable",
            GcMark::TentativelyUnreachable => "tentatively unreachable",
            GcMark::Unreachable => "unreachable",
        })
    }
}

/// One row of a collection trace: an object's `gc_refs`, count and mark after a phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRow {
    /// The object.
    pub id: ObjId,
    /// Its `gc_refs`: the copied count, minus the references from inside the generation.
    /// Meaningful after `update_refs` and `subtract_refs`; during `move_unreachable` it is 1
    /// for what was found reachable through another object.
    pub gc_refs: i64,
    /// Its reference count (`ob_refcnt`), which the collector never changes while it looks.
    pub refcnt: i64,
    /// Where it stands.
    pub mark: GcMark,
    /// The object's type and id, e.g. `<User at 0x7f...>`.
    pub what: String,
}

/// One decision `move_unreachable` made, in the order it made them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceStep {
    /// The scan reached `id` with `gc_refs > 0`: something outside the generation refers
    /// to it, so it is reachable; everything it references is visited (`visit_reachable`).
    Reachable {
        /// The object scanned.
        id: ObjId,
        /// Its `gc_refs` when the scan got there.
        gc_refs: i64,
    },
    /// The scan reached `id` with `gc_refs == 0`: moved to the unreachable list, tentatively.
    Tentative {
        /// The object moved.
        id: ObjId,
    },
    /// `visit_reachable`: reachable `by` refers to `id`, which was tentatively unreachable.
    /// It goes back to the end of the young list with `gc_refs = 1`, to be scanned again.
    MovedBack {
        /// The object moved back.
        id: ObjId,
        /// The reachable object that refers to it.
        by: ObjId,
    },
    /// `visit_reachable`: reachable `by` refers to `id`, which the scan has not reached yet
    /// and whose `gc_refs` is 0: it is set to 1, so the scan will find it reachable.
    MarkedReachable {
        /// The object marked.
        id: ObjId,
        /// The reachable object that refers to it.
        by: ObjId,
    },
}

/// The state of the collected objects after one phase of a collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracePhase {
    /// The `gcmodule.c` function that just ran: `update_refs`, `subtract_refs`,
    /// `move_unreachable`, `handle_weakrefs` or `delete_garbage`.
    pub name: &'static str,
    /// The objects the phase worked on, in list order: the generation being collected
    /// (and, after `move_unreachable`, the unreachable list after it); for the last two
    /// phases, the unreachable objects only.
    pub rows: Vec<TraceRow>,
    /// For `move_unreachable`, each decision in order; empty for the other phases.
    pub steps: Vec<TraceStep>,
}

/// A collection, phase by phase: what [`Heap::gc_collect_traced`] returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// What `gc.collect()` returned.
    pub result: usize,
    /// The phases, in the order they ran.
    pub phases: Vec<TracePhase>,
}

impl Trace {
    /// The phase named after a `gcmodule.c` function, if it ran.
    pub fn phase(&self, name: &str) -> Option<&TracePhase> {
        self.phases.iter().find(|p| p.name == name)
    }

    /// The trace as text, one small table per phase, each object named by `label`:
    /// `gc_refs` after `update_refs` and `subtract_refs`, each decision of
    /// `move_unreachable` in order, and what `delete_garbage` clears. (`handle_weakrefs`
    /// is shown only when some object had weak references to clear.)
    pub fn render(&self, label: impl Fn(ObjId) -> String) -> String {
        let mut out: Vec<String> = Vec::new();
        for phase in &self.phases {
            match phase.name {
                "update_refs" | "subtract_refs" => {
                    out.push(
                        if phase.name == "update_refs" {
                            "update_refs: copy each ob_refcnt into gc_refs"
                        } else {
                            "subtract_refs: one less for each reference from inside the generation"
                        }
                        .to_string(),
                    );
                    out.push(format!(
                        "  {:<22}{:>10}{:>9}",
                        "object", "ob_refcnt", "gc_refs"
                    ));
                    for r in &phase.rows {
                        out.push(format!(
                            "  {:<22}{:>10}{:>9}",
                            label(r.id),
                            r.refcnt,
                            r.gc_refs
                        ));
                    }
                }
                "move_unreachable" => {
                    out.push("move_unreachable: scan the list in order".to_string());
                    for step in &phase.steps {
                        out.push(match step {
                            TraceStep::Reachable { id, gc_refs } => {
                                format!("  {:<22}gc_refs {gc_refs}: reachable", label(*id))
                            }
                            TraceStep::Tentative { id } => {
                                format!("  {:<22}gc_refs 0: tentatively unreachable", label(*id))
                            }
                            TraceStep::MovedBack { id, by } => format!(
                                "    {} refers to {}: moved back, gc_refs 1",
                                label(*by),
                                label(*id)
                            ),
                            TraceStep::MarkedReachable { id, by } => format!(
                                "    {} refers to {}: not scanned yet, gc_refs 0 -> 1",
                                label(*by),
                                label(*id)
                            ),
                        });
                    }
                    for mark in [GcMark::Reachable, GcMark::TentativelyUnreachable] {
                        let names: Vec<String> = phase
                            .rows
                            .iter()
                            .filter(|r| r.mark == mark)
                            .map(|r| label(r.id))
                            .collect();
                        out.push(format!("  {mark}: {}", names.join(", ")));
                    }
                }
                "delete_garbage" => {
                    let names: Vec<String> = phase
                        .rows
                        .iter()
                        .map(|r| format!("{} (ob_refcnt {})", label(r.id), r.refcnt))
                        .collect();
                    out.push(format!("delete_garbage: tp_clear on {}", names.join(", ")));
                }
                _ => {}
            }
        }
        out.join("\n")
    }
}

/// The collector's state: `struct _gc_runtime_state`.
pub struct GcState {
    /// Per-generation (threshold, count).
    thresholds: [i64; NUM_GENERATIONS],
    counts: [usize; NUM_GENERATIONS],
    enabled: bool,
    collecting: bool,
    long_lived_total: usize,
    long_lived_pending: usize,
    stats: [GenStats; NUM_GENERATIONS],
    debug: u32,
    pub(crate) garbage: Option<ObjId>,
    callbacks: Vec<GcCallback>,
    trace: Option<Vec<TracePhase>>,
    steps: Option<Vec<TraceStep>>,
    /// While a pictured collection runs: the picture names' prefix.
    picture_prefix: Option<String>,
    log: Vec<CallbackInfo>,
}

impl Default for GcState {
    fn default() -> Self {
        GcState {
            thresholds: [700, 10, 10],
            counts: [0; NUM_GENERATIONS],
            enabled: true,
            collecting: false,
            long_lived_total: 0,
            long_lived_pending: 0,
            stats: [GenStats::default(); NUM_GENERATIONS],
            debug: 0,
            garbage: None,
            callbacks: Vec::new(),
            trace: None,
            steps: None,
            picture_prefix: None,
            log: Vec::new(),
        }
    }
}

// The list primitives work on the header array alone, so that a pass can hold the object
// table for reading while it relinks headers.

/// `gc_list_append`: link `idx` at the end of the list whose head is entry `list`.
#[inline]
fn link_append(heads: &mut [Header], list: u32, idx: u32) {
    let tail = heads[list as usize].prev;
    let h = &mut heads[idx as usize];
    h.prev = tail;
    h.next = list;
    heads[tail as usize].next = idx;
    heads[list as usize].prev = idx;
}

/// `gc_list_remove`
#[inline]
pub(crate) fn link_remove(heads: &mut [Header], idx: u32) {
    let Header { prev, next, .. } = heads[idx as usize];
    heads[prev as usize].next = next;
    heads[next as usize].prev = prev;
}

/// `gc_list_move`
#[inline]
fn link_move(heads: &mut [Header], idx: u32, list: u32) {
    link_remove(heads, idx);
    link_append(heads, list, idx);
}

// ANCHOR: visit_reachable
/// `visit_reachable`: `by` was found reachable and refers to `t`.
#[inline]
fn visit_reachable(
    heads: &mut [Header],
    steps: &mut Option<Vec<TraceStep>>,
    t: ObjId,
    young: u32,
    by: ObjId,
) {
    let h = &mut heads[t.index as usize];
    if h.flags & Header::COLLECTING == 0 {
        // Not in the generation being collected, or already scanned.
        return;
    }
    if h.flags & Header::UNREACHABLE != 0 {
        // Tentatively unreachable: back to the end of young, to be scanned.
        move_back(heads, steps, t, young, by);
    } else if h.gc_refs == 0 {
        // Not scanned yet: tell move_unreachable it is reachable.
        h.gc_refs = 1;
        if let Some(steps) = steps.as_mut() {
            steps.push(TraceStep::MarkedReachable { id: t, by });
        }
    }
}

/// A tentatively unreachable object is reachable after all: back to the end of young.
/// Out of line so that the usual visit (a flag test) needs no registers saved.
#[inline(never)]
fn move_back(
    heads: &mut [Header],
    steps: &mut Option<Vec<TraceStep>>,
    t: ObjId,
    young: u32,
    by: ObjId,
) {
    let h = &mut heads[t.index as usize];
    h.flags &= !Header::UNREACHABLE;
    h.gc_refs = 1;
    if let Some(steps) = steps.as_mut() {
        steps.push(TraceStep::MovedBack { id: t, by });
    }
    link_move(heads, t.index, young);
}
// ANCHOR_END: visit_reachable

impl Heap {
    // ----- intrusive lists ------------------------------------------------------------------

    /// `gc_list_append`
    #[inline]
    fn gl_append(&mut self, list: u8, idx: u32) {
        link_append(&mut self.heads, u32::from(list), idx);
    }

    /// `gc_list_remove`: the neighbours are enough, whichever list it is in.
    #[inline]
    fn gl_remove(&mut self, idx: u32) {
        link_remove(&mut self.heads, idx);
    }

    /// `gc_list_move`
    #[inline]
    fn gl_move(&mut self, idx: u32, to: u8) {
        link_move(&mut self.heads, idx, u32::from(to));
    }

    /// Move the objects of list `from` that come before `stop` (an object of `from`) to the
    /// end of list `to`, in order, in O(1).
    fn gl_move_prefix(&mut self, from: u8, stop: u32, to: u8) {
        let (from, to) = (u32::from(from), u32::from(to));
        let first = self.head(from).next;
        if first == stop {
            return;
        }
        let last = self.head(stop).prev;
        self.head_mut(from).next = stop;
        self.head_mut(stop).prev = from;
        let to_tail = self.head(to).prev;
        self.head_mut(to_tail).next = first;
        self.head_mut(first).prev = to_tail;
        self.head_mut(last).next = to;
        self.head_mut(to).prev = last;
    }

    /// `gc_list_merge(from, to)`: append all of `from` to the end of `to`, in O(1).
    fn gl_merge(&mut self, from: u8, to: u8) {
        if from == to || self.gl_is_empty(from) {
            return;
        }
        let (from, to) = (u32::from(from), u32::from(to));
        let Header {
            next: first,
            prev: last,
            ..
        } = *self.head(from);
        let to_tail = self.head(to).prev;
        self.head_mut(to_tail).next = first;
        self.head_mut(first).prev = to_tail;
        self.head_mut(last).next = to;
        self.head_mut(to).prev = last;
        let h = self.head_mut(from);
        h.next = from;
        h.prev = from;
    }

    #[inline]
    fn gl_is_empty(&self, list: u8) -> bool {
        is_sentinel(self.head(u32::from(list)).next)
    }

    /// The first object of a list, if any.
    #[inline]
    fn gl_first(&self, list: u8) -> Option<u32> {
        let h = self.head(u32::from(list)).next;
        (!is_sentinel(h)).then_some(h)
    }

    /// `gc_list_size`: counted by walking, as CPython does.
    fn gl_len(&self, list: u8) -> usize {
        let mut n = 0;
        let mut i = self.head(u32::from(list)).next;
        while !is_sentinel(i) {
            n += 1;
            i = self.head(i).next;
        }
        n
    }

    /// The objects of a list, in order (for the observers: pictures, traces, `gc` queries).
    fn gl_indices(&self, list: u8) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i = self.head(u32::from(list)).next;
        while !is_sentinel(i) {
            out.push(i);
            i = self.head(i).next;
        }
        out
    }

    /// The list a tracked object is in: follow the links to its list's sentinel.
    fn gl_list_of(&self, idx: u32) -> u8 {
        let mut i = idx;
        while !is_sentinel(i) {
            i = self.head(i).next;
        }
        i as u8
    }

    // ----- tracking -------------------------------------------------------------------------

    /// `_PyObject_GC_TRACK`: append to generation 0.
    pub(crate) fn gc_track(&mut self, id: ObjId) {
        let h = self.head(id.index);
        if h.has(Header::TRACKED) || !h.has(Header::IS_GC) || h.has(Header::STATIC) {
            return;
        }
        self.head_mut(id.index).set(Header::TRACKED, true);
        self.gl_append(0, id.index);
    }

    /// Track an object the interpreter made at start-up directly in the oldest generation,
    /// where start-up's own collections have put it by the time a program's first line runs
    /// (`__main__.__dict__` is in generation 2 then).
    pub(crate) fn gc_track_old(&mut self, id: ObjId) {
        self.gc_track(id);
        if self.head(id.index).has(Header::TRACKED) {
            self.gl_move(id.index, (NUM_GENERATIONS - 1) as u8);
        }
    }

    /// `_PyObject_GC_UNTRACK`
    pub(crate) fn gc_untrack(&mut self, id: ObjId) {
        if !self.head(id.index).has(Header::TRACKED) {
            return;
        }
        self.gl_remove(id.index);
        self.head_mut(id.index).flags &=
            !(Header::TRACKED | Header::COLLECTING | Header::UNREACHABLE);
    }

    /// Whether a live object is tracked (`_PyObject_GC_IS_TRACKED`).
    pub(crate) fn is_tracked(&self, id: ObjId) -> bool {
        self.head(id.index).has(Header::TRACKED)
    }

    /// `_PyObject_GC_Link`: a GC object was allocated. Counts it in generation 0, and runs
    /// the automatic collection when the count passes the threshold.
    pub(crate) fn gc_link(&mut self) {
        self.gc.counts[0] += 1;
        if self.gc.counts[0] as i64 > self.gc.thresholds[0]
            && self.gc.enabled
            && self.gc.thresholds[0] != 0
            && !self.gc.collecting
        {
            self.gc.collecting = true;
            self.gc_collect_generations();
            self.gc.collecting = false;
        }
    }

    /// `PyObject_GC_Del`: a GC object's memory was freed.
    pub(crate) fn gc_unlink(&mut self) {
        if self.gc.counts[0] > 0 {
            self.gc.counts[0] -= 1;
        }
    }

    /// `_PyObject_GC_MAY_BE_TRACKED`: a GC object, and not a tuple that was untracked.
    pub(crate) fn may_be_tracked(&self, id: ObjId) -> bool {
        let h = self.head(id.index);
        if !h.has(Header::IS_GC) || h.has(Header::STATIC) {
            return false;
        }
        if self.obj(id).tag == TypeTag::Tuple {
            return h.has(Header::TRACKED);
        }
        true
    }

    // ----- traversal -----------------------------------------------------------------------

    /// `tp_traverse`: every object this one references, in the type's visiting order.
    pub(crate) fn referents(&self, id: ObjId) -> Vec<ObjId> {
        let mut out = Vec::new();
        self.visit(id, |r| out.push(r));
        out
    }

    pub(crate) fn visit(&self, id: ObjId, f: impl FnMut(ObjId)) {
        self.objs.visit(id, f)
    }

    /// `tp_clear`: drop the references that can form cycles. Tuples and descriptors have
    /// none (they are freed when what points at them is cleared).
    fn tp_clear(&mut self, id: ObjId) {
        match &self.obj(id).kind {
            Kind::Dict { .. } => {
                // dict_tp_clear is PyDict_Clear.
                self.dict_clear(id);
                return;
            }
            Kind::Instance {
                attrs: InstanceAttrs::Slots(_),
                ..
            } => {
                self.clear_slots(id);
                return;
            }
            _ => {}
        }
        // Most objects release a handful of references: no allocation for those.
        let mut release: SmallVec<[ObjId; 8]> = SmallVec::new();
        let mut buffer = 0;
        let mut freed_after = 0;
        let mut weak_target = None;
        let empty = self.statics.empty_tuple;
        if let Kind::Instance {
            class,
            attrs: InstanceAttrs::Inline { values: vals, .. },
            ..
        } = &self.obj(id).kind
        {
            // _PyObject_ClearInstanceAttributes: in the class's shared-keys order.
            self.objs
                .inline_values_in_key_order_into(*class, vals, &mut release);
        }
        if let Kind::Instance {
            attrs: InstanceAttrs::InlineOne { value, .. },
            ..
        } = &self.obj(id).kind
        {
            release.push(*value);
        }
        match &mut self.obj_mut(id).kind {
            Kind::List {
                items,
                allocated,
                items_addr,
            } => {
                release.extend(items.drain(..).rev());
                *allocated = 0;
                buffer = std::mem::take(items_addr);
            }
            Kind::Set {
                items,
                table,
                shape,
                table_addr,
                ..
            } => {
                // set_clear_internal: the set is emptied to its smalltable first, then the
                // old table's keys are released in its order, and the table freed last.
                release.extend(set_members(items, table));
                items.clear();
                let empty = SetShape::new();
                *shape = empty.into();
                *table = std::iter::repeat_n(SetEntry::EMPTY, empty.table).collect();
                freed_after = std::mem::take(table_addr);
            }
            Kind::Instance { attrs, .. } => match attrs {
                // Cleared one at a time by clear_slots (above).
                InstanceAttrs::Slots(_) => {}
                // Already in `release`, in key order.
                InstanceAttrs::Inline { values: vals, .. } => vals.clear(),
                InstanceAttrs::InlineOne { values_addr, .. } => {
                    *attrs = InstanceAttrs::Inline {
                        values: Default::default(),
                        values_addr: values_addr.get(),
                    };
                }
                InstanceAttrs::Dict(d) => {
                    // Py_CLEAR(*dictptr): the instance goes back to having no attributes.
                    release.push(*d);
                    *attrs = InstanceAttrs::Inline {
                        values: Default::default(),
                        values_addr: 0,
                    };
                }
            },
            Kind::Function(func) => {
                // func_clear drops globals and the dict; the code stays until dealloc.
                if let Some(d) = func.dict.take() {
                    release.push(d);
                }
            }
            Kind::Type(c) => {
                // type_clear: PyDict_Clear(tp_dict); Py_CLEAR(tp_mro). The model's class
                // always has an mro slot, so "cleared" is the static empty tuple.
                let d = c.dict;
                let old_mro = std::mem::replace(&mut c.mro, empty);
                self.dict_clear(d);
                self.decref(old_mro);
                return;
            }
            Kind::Frame { locals, .. } | Kind::Generator { locals, .. } => {
                release.extend(locals.drain(..).map(|(_, v)| v))
            }
            Kind::WeakRef {
                target, callback, ..
            } => {
                weak_target = target.take();
                if let Some(cb) = callback.take() {
                    release.push(cb);
                }
            }
            _ => {}
        }
        if let Some(t) = weak_target.filter(|t| self.is_alive(*t)) {
            self.objs.unlink_weakref(t, id);
        }
        self.free_buffer(buffer);
        for r in release {
            self.decref(r);
        }
        self.free_buffer(freed_after);
    }

    /// subtype_clear of an instance with `__slots__` (clear_slots): each slot in turn is
    /// set to NULL and its reference released, so a finalizer that this runs finds the
    /// slots before it cleared and the ones after it still set.
    fn clear_slots(&mut self, id: ObjId) {
        for k in 0.. {
            let Some(Object {
                kind:
                    Kind::Instance {
                        attrs: InstanceAttrs::Slots(slots),
                        ..
                    },
                ..
            }) = self.live_mut(id)
            else {
                return;
            };
            let Some(slot) = slots.get_mut(k) else {
                return;
            };
            if let Some(r) = slot.take() {
                self.decref(r);
            }
        }
    }

    // ----- the collection -------------------------------------------------------------------

    // ANCHOR: subtract_refs
    /// `update_refs`: gc_refs = ob_refcnt for every object of the list; mark them collecting.
    fn update_refs(&mut self, list: u8) {
        let mut i = self.head(u32::from(list)).next;
        while !is_sentinel(i) {
            let h = self.head_mut(i);
            h.gc_refs = h.refcnt;
            h.flags |= Header::COLLECTING;
            i = h.next;
        }
    }

    /// `subtract_refs`: for each reference from one collected object to another, subtract
    /// one. What remains counts references from outside the generation.
    fn subtract_refs(&mut self, list: u8) {
        // The objects are read while their headers are written: two arrays.
        let (objects, heads) = (&self.objs, &mut self.heads);
        let mut i = heads[usize::from(list)].next;
        while !is_sentinel(i) {
            let next = heads[i as usize].next;
            objects.visit_slot(i, |r| {
                // visit_decref: only objects of this collection (collecting implies a
                // tracked GC object).
                let h = &mut heads[r.index as usize];
                if h.has(Header::COLLECTING) {
                    h.gc_refs -= 1;
                }
            });
            i = next;
        }
    }

    // ANCHOR_END: subtract_refs

    // ANCHOR: move_unreachable
    /// `move_unreachable`: scan the list in order. An object with gc_refs > 0 is reachable:
    /// everything it references is made reachable too (moved back from `unreachable` if it
    /// was tentatively put there). An object with gc_refs == 0 is moved to `unreachable`
    /// for now; it may be moved back when a later reachable object references it.
    fn move_unreachable(&mut self, young: u8) {
        let young = u32::from(young);
        let (objects, heads, steps) = (&self.objs, &mut self.heads, &mut self.gc.steps);
        let mut cur = heads[young as usize].next;
        while !is_sentinel(cur) {
            let Header {
                next,
                gc_refs,
                generation,
                ..
            } = heads[cur as usize];
            let id = ObjId {
                index: cur,
                generation,
            };
            if gc_refs > 0 {
                if let Some(steps) = steps.as_mut() {
                    steps.push(TraceStep::Reachable { id, gc_refs });
                }
                objects.visit_slot(cur, |t| visit_reachable(heads, steps, t, young, id));
                heads[cur as usize].flags &= !Header::COLLECTING;
                // Objects appended to `young` by visit_reachable come after `cur`.
                cur = heads[cur as usize].next;
            } else {
                if let Some(steps) = steps.as_mut() {
                    steps.push(TraceStep::Tentative { id });
                }
                link_move(heads, cur, u32::from(UNREACHABLE));
                heads[cur as usize].flags |= Header::UNREACHABLE;
                cur = next;
            }
        }
    }

    // ANCHOR_END: move_unreachable

    /// `deduce_unreachable`: leave in `base` what is reachable from outside it, and move the
    /// rest to `unreachable`.
    fn deduce_unreachable(&mut self, base: u8, unreachable: u8) {
        self.update_refs(base);
        self.trace_phase("update_refs", &[(base, None)]);
        self.subtract_refs(base);
        self.trace_phase("subtract_refs", &[(base, None)]);
        if self.gc.trace.is_some() {
            self.gc.steps = Some(Vec::new());
        }
        // move_unreachable always fills the UNREACHABLE list; relabel if asked otherwise.
        self.move_unreachable(base);
        if unreachable != UNREACHABLE {
            self.gl_merge(UNREACHABLE, unreachable);
        }
        self.trace_phase("move_unreachable", &[(base, None), (unreachable, None)]);
        self.gc.steps = None;
    }

    /// `untrack_tuples`: a surviving tuple that holds nothing trackable stops being tracked.
    /// Returns how many objects are left in the list (`gc_list_size`, which C walks the
    /// list again for; a walk of a million objects is a millisecond or two).
    fn untrack_tuples(&mut self, list: u8) -> usize {
        let (mut left, mut i) = (0, self.head(u32::from(list)).next);
        while !is_sentinel(i) {
            let Header { next, tag, .. } = *self.head(i);
            left += 1;
            if tag == TypeTag::Tuple {
                let id = self.by_index(i);
                if let Kind::Tuple(items) = &self.obj(id).kind {
                    if items.iter().all(|x| !self.may_be_tracked(*x)) {
                        self.gc_untrack(id);
                        left -= 1;
                    }
                }
            }
            i = next;
        }
        left
    }

    /// `untrack_dicts` (full collections only). Returns how many objects are left in the
    /// list, as [`Heap::untrack_tuples`] does.
    fn untrack_dicts(&mut self, list: u8) -> usize {
        let (mut left, mut i) = (0, self.head(u32::from(list)).next);
        while !is_sentinel(i) {
            let Header { next, tag, .. } = *self.head(i);
            left += 1;
            let id = self.by_index(i);
            // `__main__.__dict__` holds `__builtins__`, a module: it is never untracked.
            if tag == TypeTag::Dict && id != self.globals {
                if let Kind::Dict { entries, .. } = &self.obj(id).kind {
                    if entries
                        .iter()
                        .all(|(k, v)| !self.may_be_tracked(*k) && !self.may_be_tracked(*v))
                    {
                        self.gc_untrack(id);
                        left -= 1;
                    }
                }
            }
            i = next;
        }
        left
    }

    /// `move_legacy_finalizers`: 3.11 objects with a C-level `tp_del` would be moved to
    /// `finalizers` (and end in `gc.garbage`). Python classes' `__del__` is a `tp_finalize`
    /// (PEP 442), so in this model no object has one; the unreachable flags are cleared.
    fn move_legacy_finalizers(&mut self) {
        let mut i = self.head(u32::from(UNREACHABLE)).next;
        while !is_sentinel(i) {
            let h = self.head_mut(i);
            h.set(Header::UNREACHABLE, false);
            i = h.next;
        }
    }

    /// `handle_weakrefs`: clear every weak reference to an unreachable object; call the
    /// callbacks of the weakrefs that are not garbage themselves. Returns the number of
    /// weakrefs those callbacks freed.
    fn handle_weakrefs(&mut self, old: u8) -> usize {
        let mut i = self.head(u32::from(UNREACHABLE)).next;
        while !is_sentinel(i) {
            let Header { next, tag, .. } = *self.head(i);
            let id = self.by_index(i);
            if tag == TypeTag::WeakRef {
                if let Kind::WeakRef {
                    target: Some(t), ..
                } = self.obj(id).kind
                {
                    self.detach_weakref(id, t);
                }
            }
            if !self.head(i).has(Header::MAYBE_WEAKREFS) {
                i = next;
                continue;
            }
            while let Some(wr) = self.obj(id).weaklist {
                self.detach_weakref(wr, id);
                let has_cb = matches!(
                    self.obj(wr).kind,
                    Kind::WeakRef {
                        callback: Some(_),
                        ..
                    }
                );
                if !has_cb || self.head(wr.index).has(Header::COLLECTING) {
                    continue;
                }
                self.incref(wr);
                self.gl_move(wr.index, WRCB_TO_CALL);
            }
            i = next;
        }
        let mut num_freed = 0;
        while let Some(i) = self.gl_first(WRCB_TO_CALL) {
            let wr = self.by_index(i);
            let cb = match &self.obj(wr).kind {
                Kind::WeakRef { callback, .. } => *callback,
                _ => None,
            };
            if let Some(cb) = cb {
                self.run_weakref_callback(cb, wr);
            }
            self.decref(wr);
            if self.is_alive(wr) && self.gl_first(WRCB_TO_CALL) == Some(i) {
                self.gl_move(i, old);
            } else {
                num_freed += 1;
            }
        }
        num_freed
    }

    /// `finalize_garbage`: call `__del__` once on each unreachable object that has one.
    /// CPython moves every object to a `seen` list before it looks at it, because a finalizer
    /// can change the list; objects before the first one with a finalizer to call are moved
    /// there in one splice, which leaves the lists exactly as the object-by-object loop would.
    fn finalize_garbage(&mut self) {
        let mut i = self.head(u32::from(UNREACHABLE)).next;
        while !is_sentinel(i) {
            let h = self.head(i);
            if h.flags & (Header::HAS_DEL | Header::FINALIZED) == Header::HAS_DEL {
                break;
            }
            i = h.next;
        }
        if is_sentinel(i) {
            // No finalizer to call: every object would go to `seen` and come back in order.
            return;
        }
        self.gl_move_prefix(UNREACHABLE, i, SEEN);
        while let Some(i) = self.gl_first(UNREACHABLE) {
            self.gl_move(i, SEEN);
            let id = self.by_index(i);
            if self.needs_finalizer(id) {
                self.head_mut(i).set(Header::FINALIZED, true);
                self.incref(id);
                self.call_del(id);
                self.decref(id);
            }
        }
        self.gl_merge(SEEN, UNREACHABLE);
    }

    /// `handle_resurrected_objects`: run the reachability analysis again on what is left;
    /// anything a finalizer made reachable goes to the old generation.
    fn handle_resurrected_objects(&mut self, old: u8) {
        // Reuse the same analysis with UNREACHABLE as the base (update_refs marks them
        // collecting again).
        self.update_refs(UNREACHABLE);
        self.subtract_refs(UNREACHABLE);
        // move_unreachable moves to UNREACHABLE; use a relabel dance through SEEN.
        self.gl_merge(UNREACHABLE, SEEN);
        self.move_unreachable(SEEN);
        self.gl_merge(UNREACHABLE, STILL_UNREACHABLE);
        let mut i = self.head(u32::from(STILL_UNREACHABLE)).next;
        while !is_sentinel(i) {
            let h = self.head_mut(i);
            h.set(Header::UNREACHABLE, false);
            i = h.next;
        }
        self.gl_merge(SEEN, old);
    }

    /// `delete_garbage`: break the cycles by clearing each object's references.
    fn delete_garbage(&mut self, old: u8) {
        while let Some(i) = self.gl_first(STILL_UNREACHABLE) {
            let id = self.by_index(i);
            if self.gc.debug & DEBUG_SAVEALL != 0 {
                let g = self.gc_garbage_list();
                self.incref(id);
                self.list_append_value(g, id);
            } else {
                self.incref(id);
                self.tp_clear(id);
                self.decref(id);
            }
            if self.gl_first(STILL_UNREACHABLE) == Some(i) && self.is_alive(id) {
                self.head_mut(i).set(Header::COLLECTING, false);
                self.gl_move(i, old);
            }
        }
    }

    // ANCHOR: gc_collect_main
    /// `gc_collect_main`: collect `generation` and all younger ones. Returns the number of
    /// unreachable objects found (collected plus uncollectable).
    fn gc_collect_main(&mut self, generation: usize) -> usize {
        // Update the collection and allocation counters.
        if generation + 1 < NUM_GENERATIONS {
            self.gc.counts[generation + 1] += 1;
        }
        for i in 0..=generation {
            self.gc.counts[i] = 0;
        }
        // Merge the younger generations into the one being collected.
        for i in 0..generation {
            self.gl_merge(i as u8, generation as u8);
        }
        let young = generation as u8;
        let old = if generation < NUM_GENERATIONS - 1 {
            young + 1
        } else {
            young
        };
        // Everything in `young` that nothing outside it reaches goes to UNREACHABLE.
        self.deduce_unreachable(young, UNREACHABLE);
        // Untracking walks the survivors; it counts them too (C's gc_list_size after it).
        let survivors = self.untrack_tuples(young);
        // The survivors move to the next generation.
        if young != old {
            if generation == NUM_GENERATIONS - 2 {
                self.gc.long_lived_pending += survivors;
            }
            self.gl_merge(young, old);
        } else {
            let survivors = self.untrack_dicts(young);
            self.gc.long_lived_pending = 0;
            self.gc.long_lived_total = survivors;
        }
        // What is left in UNREACHABLE is garbage: destroy it, in CPython's order.
        self.move_legacy_finalizers();
        let mut m = self.handle_weakrefs(old);
        self.trace_phase(
            "handle_weakrefs",
            &[(UNREACHABLE, Some(GcMark::Unreachable))],
        );
        self.finalize_garbage();
        self.handle_resurrected_objects(old);
        m += self.gl_len(STILL_UNREACHABLE);
        self.trace_phase(
            "delete_garbage",
            &[(STILL_UNREACHABLE, Some(GcMark::Unreachable))],
        );
        self.delete_garbage(old);
        let n = self.gl_len(FINALIZERS);
        self.gl_merge(FINALIZERS, old);
        if generation == NUM_GENERATIONS - 1 {
            self.clear_freelists();
        }
        let st = &mut self.gc.stats[generation];
        st.collections += 1;
        st.collected += m as u64;
        st.uncollectable += n as u64;
        n + m
    }

    // ANCHOR_END: gc_collect_main

    /// `clear_freelists`: give every free-list block back to the allocator.
    fn clear_freelists(&mut self) {
        for (block, is_gc) in self.freelists.drain() {
            self.free_freelist_block(block, is_gc);
        }
    }

    /// `gc_collect_with_callback`
    fn gc_collect_with_callback(&mut self, generation: usize) -> usize {
        self.invoke_callbacks("start", generation, 0, 0);
        let r = self.gc_collect_main(generation);
        self.invoke_callbacks("stop", generation, r, 0);
        r
    }

    /// `invoke_gc_callback`: when `gc.callbacks` is not empty, build the `info` dict
    /// (`{'generation': ..., 'collected': ..., 'uncollectable': ...}`, a real dict object,
    /// from the dict free list or newly allocated: it moves the generation-0 count like any
    /// dict) and call each callback with the phase and it.
    fn invoke_callbacks(
        &mut self,
        phase: &'static str,
        generation: usize,
        collected: usize,
        uncollectable: usize,
    ) {
        let info = CallbackInfo {
            phase,
            generation,
            collected,
            uncollectable,
        };
        self.gc.log.push(info.clone());
        if self.gc.callbacks.is_empty() {
            return;
        }
        // Py_BuildValue("{sisnsn}", ...): PyDict_New, then three items.
        let dict = self.new_dict_untracked();
        for (k, v) in [
            ("generation", generation),
            ("collected", collected),
            ("uncollectable", uncollectable),
        ] {
            let key = self.new_str_runtime(k);
            let value = self.new_int(v as i128);
            // A new dict takes any str key: this cannot fail.
            let _ = self.dict_set(dict, key, value);
            self.decref(key);
            self.decref(value);
        }
        let cbs = self.gc.callbacks.clone();
        for cb in cbs {
            cb(self, &info);
        }
        self.decref(dict);
    }

    /// `gc_collect_generations`: pick the oldest generation over its threshold; a full
    /// collection also waits until the objects that survived since the last one exceed 25%
    /// of the long-lived total.
    fn gc_collect_generations(&mut self) -> usize {
        for i in (0..NUM_GENERATIONS).rev() {
            if self.gc.counts[i] as i64 > self.gc.thresholds[i] {
                if i == NUM_GENERATIONS - 1
                    && self.gc.long_lived_pending < self.gc.long_lived_total / 4
                {
                    continue;
                }
                return self.gc_collect_with_callback(i);
            }
        }
        0
    }

    /// Record the objects of `lists` (in order) as a phase of the trace, if one is being
    /// taken. A list's mark is given, or read from each object's flags.
    fn trace_phase(&mut self, name: &'static str, lists: &[(u8, Option<GcMark>)]) {
        if self.gc.trace.is_none() {
            return;
        }
        let mut rows = Vec::new();
        for &(list, mark) in lists {
            for i in self.gl_indices(list) {
                let h = *self.head(i);
                let id = self.by_index(i);
                let mark = mark.unwrap_or(if h.has(Header::UNREACHABLE) {
                    GcMark::TentativelyUnreachable
                } else if h.has(Header::COLLECTING) {
                    GcMark::Collecting
                } else {
                    GcMark::Reachable
                });
                rows.push(TraceRow {
                    id,
                    gc_refs: h.gc_refs,
                    refcnt: h.refcnt,
                    mark,
                    what: self.describe(id),
                });
            }
        }
        if let Some(prefix) = self.gc.picture_prefix.clone() {
            if matches!(name, "subtract_refs" | "move_unreachable") {
                let view = crate::graph::View {
                    gc_refs: rows.iter().map(|r| (r.id, r.gc_refs)).collect(),
                    extra: rows.iter().map(|r| r.id).collect(),
                    title: Some(format!("gc_refs after {name}")),
                    ..Default::default()
                };
                self.picture_view(&format!("{prefix}_{name}"), &view);
            }
        }
        let steps = self.gc.steps.take().unwrap_or_default();
        if let Some(t) = self.gc.trace.as_mut() {
            t.push(TracePhase { name, rows, steps });
        }
    }

    /// [`Heap::gc_collect_traced`], also taking a picture of the heap with each object's
    /// `gc_refs` after `subtract_refs` and after `move_unreachable` (named
    /// `<prefix>_subtract_refs` and `<prefix>_move_unreachable`).
    pub fn gc_collect_pictured(&mut self, generation: usize, prefix: &str) -> Result<Trace> {
        self.gc.picture_prefix = Some(prefix.to_string());
        let r = self.gc_collect_traced(generation);
        self.gc.picture_prefix = None;
        r
    }

    // ----- the gc module --------------------------------------------------------------------

    /// `gc.collect(generation)`: returns the number of unreachable objects found.
    pub fn gc_collect(&mut self, generation: usize) -> Result<usize> {
        if generation >= NUM_GENERATIONS {
            return Err(Error::Value("invalid generation".into()));
        }
        if self.gc.collecting {
            return Ok(0);
        }
        self.gc.collecting = true;
        let n = self.gc_collect_with_callback(generation);
        self.gc.collecting = false;
        Ok(n)
    }

    /// `gc.collect(generation)`, recording each phase: the model's window on `gc_refs`,
    /// which CPython computes and throws away. Nothing else differs from [`Heap::gc_collect`].
    pub fn gc_collect_traced(&mut self, generation: usize) -> Result<Trace> {
        self.gc.trace = Some(Vec::new());
        let r = self.gc_collect(generation);
        let phases = self.gc.trace.take().unwrap_or_default();
        self.gc.steps = None;
        r.map(|result| Trace { result, phases })
    }

    /// `gc.enable()`
    pub fn gc_enable(&mut self) {
        self.gc.enabled = true;
    }
    /// `gc.disable()`
    pub fn gc_disable(&mut self) {
        self.gc.enabled = false;
    }
    /// `gc.isenabled()`
    pub fn gc_isenabled(&self) -> bool {
        self.gc.enabled
    }
    /// `gc.get_threshold()`. Like every `gc` function that returns a container, it builds
    /// one (here a 3-tuple, from the tuple free list or newly allocated), which moves the
    /// generation-0 count as any container does; the model's caller drops it at once.
    pub fn gc_get_threshold(&mut self) -> (i64, i64, i64) {
        let t = self.gc.thresholds;
        self.returned_tuple(&t);
        (t[0], t[1], t[2])
    }
    /// `gc.set_threshold(threshold0[, threshold1[, threshold2]])`: the thresholds given
    /// change, the others stay. Any C `int` is accepted, as CPython accepts it: a threshold
    /// of 0 disables automatic collection, a negative one makes every allocation of a
    /// container start one. A value outside a C `int` (`OverflowError` in CPython) or the
    /// wrong number of arguments (`TypeError`) is an error, and changes nothing.
    ///
    /// `set_threshold` is a `METH_VARARGS` function: the call packs its arguments into a
    /// tuple (from the free list for that length, or newly allocated), which is counted like
    /// any container.
    pub fn gc_set_threshold(&mut self, thresholds: &[i64]) -> Result<()> {
        if thresholds.is_empty() || thresholds.len() > NUM_GENERATIONS {
            return Err(Error::Type(format!(
                "set_threshold expected 1 to 3 arguments, got {}",
                thresholds.len()
            )));
        }
        self.returned_tuple(thresholds);
        let mut t = self.gc.thresholds;
        for (slot, &v) in t.iter_mut().zip(thresholds) {
            // `PyArg_ParseTuple(args, "i|ii", ...)`.
            *slot = getargs::parse_i(i128::from(v))?;
        }
        self.gc.thresholds = t;
        Ok(())
    }
    /// `gc.get_count()`: the counts are read first, then the 3-tuple is built (which may
    /// itself be counted: see [`Heap::gc_get_threshold`]).
    pub fn gc_get_count(&mut self) -> (usize, usize, usize) {
        let c = self.gc.counts;
        self.returned_tuple(&c.map(|v| v as i64));
        (c[0], c[1], c[2])
    }
    /// `gc.get_stats()`: a snapshot of the statistics, then the list of three dicts that
    /// carries them (each from the free lists or newly allocated, then dropped).
    pub fn gc_get_stats(&mut self) -> [GenStats; NUM_GENERATIONS] {
        let stats = self.gc.stats;
        let l = self.new_list_exact(Vec::new());
        for st in &stats {
            let d = self.new_dict_untracked();
            for (k, v) in [
                ("collections", st.collections),
                ("collected", st.collected),
                ("uncollectable", st.uncollectable),
            ] {
                let key = self.new_str_runtime(k);
                let value = self.new_int(i128::from(v));
                // A new dict takes any str key: this cannot fail.
                let _ = self.dict_set(d, key, value);
                self.decref(key);
                self.decref(value);
            }
            self.list_append(l, d);
        }
        self.decref(l);
        stats
    }
    /// A tuple of ints that lives only for the call: `Py_BuildValue("(iii)", ...)` for a
    /// result the model hands back as Rust values (the caller reads it and lets it go), or
    /// the arguments tuple of a `METH_VARARGS` call. Made and dropped, as CPython does.
    fn returned_tuple(&mut self, values: &[i64]) {
        let items: Vec<ObjId> = values
            .iter()
            .map(|v| self.new_int(i128::from(*v)))
            .collect();
        let t = self.new_tuple_from(items);
        self.decref(t);
    }
    /// `gc.set_debug(flags)`
    pub fn gc_set_debug(&mut self, flags: u32) {
        self.gc.debug = flags;
    }
    /// The full-collection rule's two counters, `(long_lived_pending, long_lived_total)`:
    /// objects promoted into the oldest generation since the last full collection, and
    /// objects that survived it. CPython keeps them in its collector state, where Python
    /// code cannot see them; the model shows them for teaching.
    pub fn gc_long_lived(&self) -> (usize, usize) {
        (self.gc.long_lived_pending, self.gc.long_lived_total)
    }
    /// `gc.get_debug()`
    pub fn gc_get_debug(&self) -> u32 {
        self.gc.debug
    }
    /// `gc.is_tracked(obj)`
    pub fn gc_is_tracked(&self, id: ObjId) -> Result<bool> {
        self.get(id)?;
        Ok(self.is_tracked(id))
    }
    /// `gc.is_finalized(obj)`: whether its `__del__` already ran (PEP 442: at most once per
    /// object, whether the collector or a count reaching zero called it).
    pub fn gc_is_finalized(&self, id: ObjId) -> Result<bool> {
        let o = self.get(id)?;
        Ok(o.tag.is_gc() && self.head(id.index).has(Header::FINALIZED))
    }
    /// `gc.get_objects(generation)`: tracked objects (generations 0, 1, 2 in that order).
    /// The result list is a real list while it is filled (it leaves itself out), then
    /// dropped: the model hands back the objects as handles.
    pub fn gc_get_objects(&mut self, generation: Option<usize>) -> Result<Vec<ObjId>> {
        let gens: Vec<u8> = match generation {
            None => vec![0, 1, 2],
            Some(g) if g < NUM_GENERATIONS => vec![g as u8],
            Some(g) => {
                return Err(Error::Value(format!(
                    "generation parameter must be less than the number of available \
                     generations (3), got {g}"
                )))
            }
        };
        let result = self.new_list_exact(Vec::new());
        let objects = gens
            .into_iter()
            .flat_map(|g| self.gl_indices(g))
            .map(|i| self.by_index(i))
            .filter(|id| *id != result)
            .collect();
        self.decref(result);
        Ok(objects)
    }
    /// Whether any tracked object has this `id()`: the seed's `obj_availabilty` loop over
    /// `gc.get_objects()`, answered without building the list (it moves no count).
    pub fn gc_lists_address(&self, addr: u64) -> bool {
        match self.at_address(addr) {
            Some(id) => self.is_tracked(id) && self.gl_list_of(id.index) < PERMANENT,
            None => false,
        }
    }
    /// `gc.get_referrers(obj)`: tracked objects that reference it.
    pub fn gc_get_referrers(&self, target: ObjId) -> Result<Vec<ObjId>> {
        self.get(target)?;
        let mut out = Vec::new();
        for g in 0..NUM_GENERATIONS as u8 {
            for i in self.gl_indices(g) {
                let id = self.by_index(i);
                let mut hit = false;
                self.visit(id, |r| hit |= r == target);
                if hit {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }
    /// Every strong reference the object holds: what its deallocation releases. The same as
    /// [`Heap::gc_get_referents`] except for a dict with str keys, whose `tp_traverse`
    /// leaves the keys out (they cannot be part of a cycle) though the dict owns them. For
    /// checking counts: each object's count is the number of these that name it, plus the
    /// interpreter's own references ([`Heap::roots`]).
    pub fn references(&self, id: ObjId) -> Result<Vec<ObjId>> {
        match &self.get(id)?.kind {
            Kind::Dict { entries, .. } => Ok(entries.iter().flat_map(|(k, v)| [*k, *v]).collect()),
            _ => Ok(self.referents(id)),
        }
    }

    /// `gc.get_referents(obj)`: what its `tp_traverse` visits.
    pub fn gc_get_referents(&self, id: ObjId) -> Result<Vec<ObjId>> {
        self.get(id)?;
        Ok(self.referents(id))
    }
    /// `gc.freeze()`: move everything tracked to the permanent generation.
    pub fn gc_freeze(&mut self) {
        for g in 0..NUM_GENERATIONS {
            self.gl_merge(g as u8, PERMANENT);
            self.gc.counts[g] = 0;
        }
    }
    /// `gc.unfreeze()`: back into the oldest generation.
    pub fn gc_unfreeze(&mut self) {
        self.gl_merge(PERMANENT, 2);
    }
    /// `gc.get_freeze_count()`
    pub fn gc_get_freeze_count(&self) -> usize {
        self.gl_len(PERMANENT)
    }
    /// `gc.callbacks.append(cb)`
    pub fn gc_add_callback(&mut self, cb: GcCallback) {
        self.gc.callbacks.push(cb);
    }
    /// Every start/stop the callbacks were given so far (a record kept by the model).
    pub fn gc_callback_log(&self) -> &[CallbackInfo] {
        &self.gc.log
    }
    /// The objects in each generation list: (gen0, gen1, gen2) sizes.
    pub fn gc_generation_sizes(&self) -> (usize, usize, usize) {
        (self.gl_len(0), self.gl_len(1), self.gl_len(2))
    }
    /// Which generation a tracked object is in.
    pub fn gc_generation_of(&self, id: ObjId) -> Result<Option<usize>> {
        self.get(id)?;
        Ok(self
            .is_tracked(id)
            .then(|| self.gl_list_of(id.index) as usize))
    }
    /// `gc.garbage` (created on first use, as a list object).
    pub fn gc_garbage(&mut self) -> ObjId {
        self.gc_garbage_list()
    }

    fn gc_garbage_list(&mut self) -> ObjId {
        if let Some(g) = self.gc.garbage {
            return g;
        }
        let g = self.new_list_exact(Vec::new());
        self.gc.garbage = Some(g);
        g
    }

    /// Append a new reference to a list (internal).
    fn list_append_value(&mut self, l: ObjId, v: ObjId) {
        self.list_append(l, v);
    }
}

impl Objects {
    /// `tp_traverse` of one object, over the values alone: the collector's passes write
    /// the headers while they traverse.
    pub(crate) fn visit(&self, id: ObjId, f: impl FnMut(ObjId)) {
        self.visit_slot(id.index, f)
    }

    /// [`Objects::visit`] by table index, for the passes that walk the generation lists.
    #[inline]
    pub(crate) fn visit_slot(&self, index: u32, mut f: impl FnMut(ObjId)) {
        let Some(o) = self.0[index as usize].as_ref() else {
            return;
        };
        match &o.kind {
            Kind::Tuple(items) => items.iter().for_each(|i| f(*i)),
            Kind::List { items, .. } => items.iter().for_each(|i| f(*i)),
            // set_traverse: in table order.
            Kind::Set { items, table, .. } => set_members(items, table).for_each(f),
            // dict_traverse: a general table's entries value first, then key; a unicode
            // table's values only (exact str keys cannot be part of a cycle); a split dict's
            // values in the order of the class's shared keys.
            Kind::Dict {
                entries,
                shape,
                shared,
                ..
            } => match (shape.kind(), shared) {
                (DictKeysKind::General, _) => {
                    for (k, v) in entries {
                        f(*v);
                        f(*k);
                    }
                }
                (DictKeysKind::Split, Some(keys)) => {
                    let names = &keys.borrow().names;
                    let position = |k: &ObjId| match &self.obj(*k).kind {
                        Kind::Str { value, .. } => names.iter().position(|n| n == value),
                        _ => None,
                    };
                    let in_order = entries
                        .iter()
                        .enumerate()
                        .all(|(i, (k, _))| position(k) == Some(i));
                    if in_order {
                        entries.iter().for_each(|(_, v)| f(*v));
                    } else {
                        let mut ordered: Vec<(usize, ObjId)> = entries
                            .iter()
                            .map(|(k, v)| (position(k).unwrap_or(usize::MAX), *v))
                            .collect();
                        ordered.sort_by_key(|(i, _)| *i);
                        ordered.into_iter().for_each(|(_, v)| f(v));
                    }
                }
                _ => entries.iter().for_each(|(_, v)| f(*v)),
            },
            Kind::Instance { class, attrs, .. } => {
                // subtype_traverse: the slots, the inline values or the dict, then the type.
                match attrs {
                    InstanceAttrs::Inline { values: vals, .. } => {
                        if self.inline_in_key_order(*class, vals) {
                            vals.iter().for_each(|(_, v)| f(*v));
                        } else {
                            let mut ordered = Vec::new();
                            self.inline_values_in_key_order_into(*class, vals, &mut ordered);
                            ordered.into_iter().for_each(&mut f)
                        }
                    }
                    InstanceAttrs::InlineOne { value, .. } => f(*value),
                    InstanceAttrs::Dict(d) => f(*d),
                    InstanceAttrs::Slots(sl) => sl.iter().flatten().copied().for_each(&mut f),
                }
                f(*class);
            }
            Kind::Type(c) => {
                f(c.dict);
                f(c.mro);
                f(c.bases);
            }
            Kind::Function(func) => {
                f(func.code);
                f(func.globals);
                if let Some(d) = func.dict {
                    f(d);
                }
            }
            Kind::Code { consts, .. } => consts.iter().for_each(|c| f(*c)),
            Kind::Frame { locals, .. } | Kind::Generator { locals, .. } => {
                locals.iter().for_each(|(_, v)| f(*v))
            }
            Kind::WeakRef {
                callback: Some(cb), ..
            } => f(*cb),
            Kind::GetSet { owner, .. } => f(*owner),
            // method_traverse (a method has no tp_clear: clearing its instance breaks the cycle)
            Kind::Method { func, self_ } => {
                f(*func);
                f(*self_);
            }
            // mappingproxy_traverse. Like a method it has no tp_clear: type_clear empties
            // the dict, which breaks a cycle through a proxy stored in its own class.
            Kind::MappingProxy(mapping) => f(*mapping),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// finalize_garbage passes over the objects before the first one with a `__del__` in
    /// one splice: the garbage must reach delete_garbage in the order move_unreachable left
    /// it, with every object, whichever place the finalizable one has in the list.
    #[test]
    fn finalizers_keep_the_garbage_in_order() -> Result<()> {
        for fin_pair in 0..3 {
            let mut py = Heap::new();
            py.gc_disable();
            py.class(Class::new("P"))?;
            py.class(Class::new("F").method("__del__", &["self"], body(|_| Ok(()))))?;
            let mut made = Vec::new();
            for p in 0..3 {
                let first = if p == fin_pair { "F" } else { "P" };
                let (a, b) = (format!("a{p}"), format!("b{p}"));
                py.assign(&a, name(first).call([]))?;
                py.assign(&b, name("P").call([]))?;
                py.assign_attr(name(&a), "other", name(&b))?;
                py.assign_attr(name(&b), "other", name(&a))?;
                made.push(py.lookup(&a)?);
                made.push(py.lookup(&b)?);
                py.del(&a)?;
                py.del(&b)?;
            }
            let trace = py.gc_collect_traced(2)?;
            let ids = |phase: &str| -> Vec<ObjId> {
                let rows = &trace.phase(phase).expect("phase ran").rows;
                rows.iter().map(|r| r.id).collect()
            };
            let unreachable = ids("handle_weakrefs");
            let mut garbage = made.clone();
            garbage.sort_by_key(|id| unreachable.iter().position(|u| u == id));
            assert_eq!(unreachable, garbage, "every pair is garbage");
            assert_eq!(
                ids("delete_garbage"),
                unreachable,
                "finalizer in pair {fin_pair}"
            );
            assert_eq!(trace.result, 6);
        }
        Ok(())
    }
}
