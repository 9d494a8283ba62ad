//! The heap: the object table, allocation, reference counts and deallocation.
//!
//! This is `Objects/object.c` and each type's `tp_dealloc` in miniature. Every object gets
//! its memory from the modeled allocator (so `id()` is an address pymalloc handed out, and a
//! freed address is handed out again), and is freed the moment its count reaches zero, after
//! releasing what it referenced, in the order CPython's deallocators release it.

use std::collections::HashMap;

use std::rc::Rc;
use thin_vec::ThinVec;

use crate::error::{Error, Result};
use crate::freelist::FreeLists;
use crate::gc::GcState;
use crate::intern::Interned;
use crate::names::Frame;
use crate::object::{
    set_members, BuiltinFn, Header, InstanceAttrs, Kind, MemSource, ObjId, Object, Refs, TypeTag,
};
use crate::obmalloc::Obmalloc;
use crate::sizes;
use crate::tracemalloc::Tracer;

/// Where the interpreter's statically allocated objects live (small ints, `None`, ...):
/// they are not from the allocator and are never freed.
pub const STATIC_BASE: u64 = 0x0000_5580_0000_4000;
/// `sizeof(PyLongObject)` of a one-digit int, rounded: the stride of the small-int array.
const SMALL_INT_STRIDE: u64 = 32;
/// 3.11 initializes static objects' counts to this (`_PyObject_IMMORTAL_INIT`), so a
/// stray decref can never free them.
pub const STATIC_REFCNT: i64 = 999_999_999;

/// Objects the interpreter creates at start-up.
pub(crate) struct Statics {
    pub none: ObjId,
    pub true_: ObjId,
    pub false_: ObjId,
    pub small_ints: Vec<ObjId>,
    pub empty_str: ObjId,
    pub latin1: Vec<Option<ObjId>>,
    pub empty_tuple: ObjId,
    pub builtins: HashMap<&'static str, ObjId>,
}

/// Work done by lookups, counted so the book can compare `in list` with `in set` by
/// mechanism rather than by wall-clock time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Element comparisons (`==` / identity checks) made.
    pub comparisons: u64,
    /// Hash-table probes made.
    pub hash_probes: u64,
}

/// A modeled CPython 3.11 interpreter's heap.
pub struct Heap {
    /// The object table, as two parallel arrays indexed by `ObjId::index`: the header
    /// words (count, collector links, flags) and the rest of each object.
    pub(crate) heads: Vec<Header>,
    pub(crate) objs: Objects,
    free_slots: Vec<u32>,
    static_next: u64,
    pub(crate) alloc: Obmalloc,
    pub(crate) statics: Statics,
    pub(crate) interned: Interned,
    pub(crate) frames: Vec<Frame>,
    /// Emptied locals vectors of calls that returned, for the next calls (see names.rs).
    pub(crate) spare_locals: Vec<crate::names::Locals>,
    pub(crate) globals: ObjId,
    pub(crate) module_code: ObjId,
    pub(crate) gc: GcState,
    pub(crate) freelists: FreeLists,
    pub(crate) temps: Vec<ObjId>,
    pub(crate) tracer: Tracer,
    /// Work counted by membership tests and comparisons (see [`Work`]).
    pub(crate) work: Work,
    /// What the modeled program printed (`print`, `__del__` messages, weakref callbacks).
    pub(crate) stdout: String,
    pub(crate) cell_counter: usize,
    /// Bytes requested for the live separately allocated buffers (items arrays, keys
    /// tables). Each buffer's own size is the allocator's record of its block, as in C,
    /// where the owner knows its buffer's size and `free` needs only the pointer.
    buffer_bytes: usize,
    /// Reused by deallocation: references still to release, and the objects being torn
    /// down (see [`Heap::dealloc`]).
    dealloc_refs: Vec<ObjId>,
    dealloc_frames: Vec<Pending>,
    /// The trashcan (`tstate->trash_delete_nesting` and `trash_delete_later`): how many
    /// container deallocations are under way, and those deferred because too many were.
    trash_nesting: usize,
    trash_later: Vec<ObjId>,
}

/// `_PyTrash_UNWIND_LEVEL`: how many container deallocations may nest before the next one
/// is deferred to the trashcan.
const TRASH_UNWIND_LEVEL: usize = 50;

/// Whether a type's `tp_dealloc` is bracketed by `Py_TRASHCAN_BEGIN`/`END` in 3.11: lists,
/// tuples, dicts, sets, frames, and instances of classes (`subtype_dealloc`).
fn uses_trashcan(tag: TypeTag) -> bool {
    matches!(
        tag,
        TypeTag::List
            | TypeTag::Tuple
            | TypeTag::Dict
            | TypeTag::Set
            | TypeTag::FrozenSet
            | TypeTag::Frame
            | TypeTag::Instance
    )
}

/// What [`Heap::pre_dealloc`] decided.
enum Teardown {
    /// Go on: release the references and the memory. `true` if the type is in the trashcan's
    /// count (to be taken off when its deallocation ends).
    Proceed(bool),
    /// Too deep: put aside in the trashcan, to be deallocated when the nesting unwinds.
    Deferred,
    /// `__del__` made it reachable again.
    Resurrected,
}

/// The objects' values (type, value, address, ...), indexed like the headers.
#[derive(Default)]
pub(crate) struct Objects(pub(crate) Vec<Option<Object>>);

/// Whether a handle names the live object in its table slot (the slot's generation is the
/// handle's: a stale handle to a reused slot does not).
#[inline]
fn names_live(heads: &[Header], id: ObjId) -> bool {
    matches!(heads.get(id.index as usize),
        Some(h) if h.generation == id.generation && h.has(Header::LIVE))
}

/// Drop a freed object's value, as `*slot = None` would. The generic drop is an
/// out-of-line dispatch over every `Kind` (~46 instructions for an instance with
/// `__slots__`); for the kinds freed most, chosen by the type tag already at hand, the
/// value is taken and its parts dropped here with their types known.
#[inline(always)]
fn drop_value(slot: &mut Option<Object>, tag: TypeTag) {
    match tag {
        TypeTag::Instance => {
            if let Some(Object {
                kind: Kind::Instance { attrs, .. },
                ..
            }) = slot.take()
            {
                match attrs {
                    InstanceAttrs::Slots(slots) => drop(slots),
                    InstanceAttrs::Inline { values, .. } => drop(values),
                    InstanceAttrs::InlineOne { .. } | InstanceAttrs::Dict(_) => {}
                }
            }
        }
        TypeTag::List => {
            if let Some(Object {
                kind: Kind::List { items, .. },
                ..
            }) = slot.take()
            {
                drop(items);
            }
        }
        _ => *slot = None,
    }
}

/// What an object handed over when its references were detached for deallocation.
struct Taken {
    /// Released after the memory (an instance's class).
    after: Option<ObjId>,
    /// A separate buffer to free (items array, set table, inline values, cached keys), or 0.
    buffer: u64,
    /// A dict's keys object, freed (or kept on the keys free list) by its shape.
    keys: Option<(crate::layout::DictShape, u64)>,
}

impl Objects {
    /// A live object the heap holds a handle to (live by invariant).
    #[inline]
    pub(crate) fn obj(&self, id: ObjId) -> &Object {
        self.0[id.index as usize]
            .as_ref()
            .expect("heap invariant: internal handle to a live object")
    }

    /// Detach every reference an object holds and append them to `release` in the order
    /// its `tp_dealloc` releases them. On the values alone (the headers only to check a
    /// weak reference's referent), so deallocation can push onto its own release stack.
    fn take_references(&mut self, heads: &[Header], id: ObjId, release: &mut Vec<ObjId>) -> Taken {
        let mut taken = Taken {
            after: None,
            buffer: 0,
            keys: None,
        };
        let o = self.0[id.index as usize]
            .as_mut()
            .expect("heap invariant: deallocating a live object");
        match &mut o.kind {
            Kind::Tuple(items) => {
                // tupledealloc: `while (--i >= 0) Py_XDECREF(op->ob_item[i]);`
                release.extend(items.drain(..).rev());
            }
            Kind::List {
                items, items_addr, ..
            } => {
                // list_dealloc: from the last item to the first.
                release.extend(items.drain(..).rev());
                taken.buffer = std::mem::take(items_addr);
            }
            Kind::Dict {
                entries,
                keys_addr,
                shape,
                ..
            } => {
                // free_keys_object: per entry, key then value, in insertion order.
                for (k, v) in entries.take_all() {
                    release.push(k);
                    release.push(v);
                }
                taken.keys = Some((shape.get(), std::mem::take(keys_addr)));
            }
            Kind::Set {
                items,
                table,
                table_addr,
                ..
            } => {
                // set_dealloc: the keys in table order.
                release.extend(set_members(items, table));
                items.clear();
                taken.buffer = std::mem::take(table_addr);
            }
            Kind::Instance { class, attrs } => {
                // subtype_dealloc: slots, then the dict or inline values; the class last.
                let class = *class;
                taken.after = Some(class);
                match attrs {
                    // The slot values are left as `None`; the vector goes with the object.
                    InstanceAttrs::Slots(slots) => {
                        release.extend(slots.iter_mut().filter_map(Option::take))
                    }
                    InstanceAttrs::Inline {
                        values,
                        values_addr,
                    } => {
                        taken.buffer = std::mem::take(values_addr);
                        // _PyObject_FreeInstanceAttributes: in the class's shared-keys order.
                        let values = std::mem::take(values);
                        self.inline_values_in_key_order_into(class, &values, release);
                    }
                    InstanceAttrs::InlineOne {
                        value, values_addr, ..
                    } => {
                        taken.buffer = values_addr.get();
                        release.push(*value);
                        *attrs = InstanceAttrs::Inline {
                            values: ThinVec::new(),
                            values_addr: 0,
                        };
                    }
                    InstanceAttrs::Dict(d) => release.push(*d),
                }
            }
            Kind::Function(f) => {
                // func_dealloc → func_clear (globals, dict) then code.
                release.push(f.globals);
                if let Some(d) = f.dict.take() {
                    release.push(d);
                }
                release.push(f.code);
            }
            Kind::Code { consts, .. } => release.extend(consts.drain(..)),
            Kind::Type(c) => {
                release.push(c.dict);
                release.push(c.mro);
                release.push(c.bases);
                // type_dealloc: PyDictKeys_DecRef(ht_cached_keys).
                taken.buffer = std::mem::take(&mut c.cached_keys_addr);
            }
            Kind::Frame { locals, .. } | Kind::Generator { locals, .. } => {
                release.extend(locals.drain(..).map(|(_, v)| v))
            }
            Kind::WeakRef {
                target, callback, ..
            } => {
                let target = target.take();
                if let Some(cb) = callback.take() {
                    release.push(cb);
                }
                // Detach from the referent's list (weakref_dealloc → clear_weakref).
                if let Some(t) = target.filter(|&t| names_live(heads, t)) {
                    self.unlink_weakref(t, id);
                }
            }
            Kind::GetSet { owner, .. } => release.push(*owner),
            Kind::Method { func, self_ } => {
                // method_dealloc: im_func, then im_self.
                release.push(*func);
                release.push(*self_);
            }
            Kind::Array { items_addr, .. } => taken.buffer = std::mem::take(items_addr),
            // mappingproxy_dealloc: Py_DECREF(pp->mapping), then the memory.
            Kind::MappingProxy(mapping) => release.push(*mapping),
            _ => {}
        }
        taken
    }
}

/// An object being torn down: where its references start on the release stack, and what
/// to release after its memory is gone (an instance's class).
struct Pending {
    id: ObjId,
    base: usize,
    after: Option<ObjId>,
    trashcan: bool,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    /// A fresh interpreter: singletons, the small-int cache, builtins, an empty `__main__`.
    pub fn new() -> Heap {
        Self::with_allocator(Obmalloc::new())
    }

    /// A fresh interpreter over a given allocator (for instance the old 4 KiB-pool geometry).
    pub fn with_allocator(alloc: Obmalloc) -> Heap {
        let placeholder = ObjId {
            index: u32::MAX,
            generation: std::num::NonZeroU32::MIN,
        };
        let mut h = Heap {
            heads: Vec::new(),
            objs: Objects::default(),
            free_slots: Vec::new(),
            static_next: STATIC_BASE,
            alloc,
            statics: Statics {
                none: placeholder,
                true_: placeholder,
                false_: placeholder,
                small_ints: Vec::new(),
                empty_str: placeholder,
                latin1: vec![None; 256],
                empty_tuple: placeholder,
                builtins: HashMap::new(),
            },
            interned: Interned::default(),
            frames: Vec::new(),
            spare_locals: Vec::new(),
            globals: placeholder,
            module_code: placeholder,
            gc: GcState::default(),
            freelists: FreeLists::default(),
            temps: Vec::new(),
            tracer: Tracer::default(),
            work: Work::default(),
            stdout: String::new(),
            cell_counter: 0,
            buffer_bytes: 0,
            dealloc_refs: Vec::new(),
            dealloc_frames: Vec::new(),
            trash_nesting: 0,
            trash_later: Vec::new(),
        };
        // The collector's list heads are the first entries of the header array (see gc.rs).
        for k in 0..crate::gc::NUM_LISTS as u32 {
            h.heads.push(Header {
                prev: k,
                next: k,
                ..Header::default()
            });
            h.objs.0.push(None);
        }
        h.statics.none = h.new_static(TypeTag::NoneType, Kind::None, 16);
        h.statics.false_ = h.new_static(TypeTag::Bool, Kind::Bool(false), 32);
        h.statics.true_ = h.new_static(TypeTag::Bool, Kind::Bool(true), 32);
        // _PyRuntime's small-int array: consecutive 32-byte PyLongObjects for -5..=256.
        for v in -5..=256i128 {
            let id = h.new_static(TypeTag::Int, Kind::Int(v.into()), SMALL_INT_STRIDE);
            h.statics.small_ints.push(id);
        }
        h.statics.empty_str = h.new_static(
            TypeTag::Str,
            Kind::Str {
                value: Rc::from(""),
                interned: true,
            },
            64,
        );
        h.statics.empty_tuple = h.new_static(TypeTag::Tuple, Kind::Tuple(Refs::new()), 32);
        for (name, f) in [
            ("int", BuiltinFn::Int),
            ("float", BuiltinFn::Float),
            ("str", BuiltinFn::Str),
            ("list", BuiltinFn::List),
            ("tuple", BuiltinFn::Tuple),
            ("set", BuiltinFn::Set),
            ("frozenset", BuiltinFn::FrozenSet),
            ("dict", BuiltinFn::Dict),
            ("len", BuiltinFn::Len),
            ("id", BuiltinFn::Id),
            ("intern", BuiltinFn::Intern),
            ("ref", BuiltinFn::WeakRef),
            ("range", BuiltinFn::Range),
            ("object", BuiltinFn::Object),
            ("array", BuiltinFn::Array),
            ("hash", BuiltinFn::Hash),
        ] {
            let id = h.new_static(TypeTag::Builtin, Kind::Builtin(f), 80);
            h.statics.builtins.insert(name, id);
        }
        // __main__'s namespace and the module's compilation unit live for the whole run.
        h.globals = h.new_dict_untracked();
        // `__main__.__dict__` holds `__builtins__`, a module: CPython tracks it from start-up,
        // and it is in generation 2 by the time a program's first line runs.
        h.gc_track_old(h.globals);
        h.module_code = h.new_code("<module>");
        h
    }

    fn new_static(&mut self, tag: TypeTag, kind: Kind, stride: u64) -> ObjId {
        let addr = self.static_next;
        self.static_next += stride;
        let obj = Object {
            addr,
            tag,
            kind,
            weaklist: None,
            is_static: true,
            mem: MemSource::Static,
            request: 0,
        };
        self.insert(obj)
    }

    /// Put an object in a free table slot (or a new one). Its count starts at 1, or at
    /// [`STATIC_REFCNT`] for a static object.
    fn insert(&mut self, obj: Object) -> ObjId {
        let mut flags = Header::LIVE;
        if obj.is_static {
            flags |= Header::STATIC;
        }
        if obj.tag.is_gc() {
            flags |= Header::IS_GC;
        }
        let refcnt = if obj.is_static { STATIC_REFCNT } else { 1 };
        if let Some(index) = self.free_slots.pop() {
            let h = &mut self.heads[index as usize];
            *h = Header {
                refcnt,
                flags,
                tag: obj.tag,
                generation: h.generation,
                ..Header::default()
            };
            self.objs.0[index as usize] = Some(obj);
            ObjId {
                index,
                generation: h.generation,
            }
        } else {
            let index = u32::try_from(self.objs.0.len()).expect("fewer than 2^32 objects");
            self.heads.push(Header {
                refcnt,
                flags,
                tag: obj.tag,
                ..Header::default()
            });
            self.objs.0.push(Some(obj));
            ObjId {
                index,
                generation: std::num::NonZeroU32::MIN,
            }
        }
    }

    // ----- access -------------------------------------------------------------------------

    /// Whether a handle names the live object in its slot.
    #[inline]
    fn live_slot(&self, id: ObjId) -> bool {
        names_live(&self.heads, id)
    }

    fn freed(id: ObjId) -> Error {
        Error::Freed {
            what: format!("#{}", id.index),
        }
    }

    /// The object behind a handle, if it is live: [`Heap::get`] without building an error.
    #[inline]
    pub(crate) fn live(&self, id: ObjId) -> Option<&Object> {
        if !self.live_slot(id) {
            return None;
        }
        self.objs.0[id.index as usize].as_ref()
    }

    /// [`Heap::live`], mutable.
    #[inline]
    pub(crate) fn live_mut(&mut self, id: ObjId) -> Option<&mut Object> {
        if !self.live_slot(id) {
            return None;
        }
        self.objs.0[id.index as usize].as_mut()
    }

    /// The object behind a handle, or [`Error::Freed`] if it was deallocated.
    pub fn get(&self, id: ObjId) -> Result<&Object> {
        if !self.live_slot(id) {
            return Err(Self::freed(id));
        }
        self.objs.0[id.index as usize]
            .as_ref()
            .ok_or_else(|| Self::freed(id))
    }

    /// Internal access for handles the heap itself holds (always live by invariant).
    #[inline]
    pub(crate) fn obj(&self, id: ObjId) -> &Object {
        self.objs.obj(id)
    }

    #[inline]
    pub(crate) fn obj_mut(&mut self, id: ObjId) -> &mut Object {
        self.objs.0[id.index as usize]
            .as_mut()
            .expect("heap invariant: internal handle to a live object")
    }

    /// Header words (count, collector state) of the object in table slot `index`.
    #[inline]
    pub(crate) fn head(&self, index: u32) -> &Header {
        &self.heads[index as usize]
    }

    #[inline]
    pub(crate) fn head_mut(&mut self, index: u32) -> &mut Header {
        &mut self.heads[index as usize]
    }

    /// A static address for an object made on first use (latin-1 one-char strings).
    pub(crate) fn alloc_static_addr(&mut self, stride: u64) -> u64 {
        let a = self.static_next;
        self.static_next += stride;
        a
    }

    /// Insert a static object built elsewhere.
    pub(crate) fn insert_static(&mut self, obj: Object) -> ObjId {
        self.insert(obj)
    }

    #[inline]
    pub(crate) fn by_index(&self, index: u32) -> ObjId {
        ObjId {
            index,
            generation: self.heads[index as usize].generation,
        }
    }

    /// Whether the handle still names a live object.
    pub fn is_alive(&self, id: ObjId) -> bool {
        self.get(id).is_ok()
    }

    /// The live object at an address (`id()` value), if any. A scan: observing by address
    /// is rare, and a map kept up to date on every allocation would cost every program.
    pub fn at_address(&self, addr: u64) -> Option<ObjId> {
        self.live_objects().find(|id| self.obj(*id).addr == addr)
    }

    /// All live objects, in table order.
    pub fn live_objects(&self) -> impl Iterator<Item = ObjId> + '_ {
        self.heads.iter().enumerate().filter_map(|(i, h)| {
            h.has(Header::LIVE).then_some(ObjId {
                index: i as u32,
                generation: h.generation,
            })
        })
    }

    /// Number of live objects (statics included).
    pub fn object_count(&self) -> usize {
        self.objs.0.len() - crate::gc::NUM_LISTS - self.free_slots.len()
    }

    /// `id(x)`
    pub fn id_of(&self, id: ObjId) -> Result<u64> {
        Ok(self.get(id)?.addr)
    }

    /// `type(x).__name__`
    pub fn type_name(&self, id: ObjId) -> Result<String> {
        let o = self.get(id)?;
        Ok(match &o.kind {
            Kind::Instance { class, .. } => match &self.obj(*class).kind {
                Kind::Type(c) => c.name.to_string(),
                _ => "object".to_string(),
            },
            _ => o.tag.name().to_string(),
        })
    }

    /// A short description used in error messages: `<list at 0x7f...>`.
    pub fn describe(&self, id: ObjId) -> String {
        match self.get(id) {
            Ok(o) => format!(
                "<{} at {:#x}>",
                self.type_name(id).unwrap_or_default(),
                o.addr
            ),
            Err(_) => format!("<freed object #{}>", id.index),
        }
    }

    // ----- reference counts ---------------------------------------------------------------

    /// `Py_INCREF`
    #[inline]
    pub(crate) fn incref(&mut self, id: ObjId) {
        self.heads[id.index as usize].refcnt += 1;
    }

    /// `Py_DECREF`: deallocates at zero, cascading.
    #[inline]
    pub(crate) fn decref(&mut self, id: ObjId) {
        if self.count_down(id) {
            self.dealloc(id);
        }
    }

    /// The count's decrement in `Py_DECREF`: whether the object is now to be deallocated
    /// (its count reached zero and it is not static).
    #[inline(always)]
    fn count_down(&mut self, id: ObjId) -> bool {
        let h = &mut self.heads[id.index as usize];
        h.refcnt -= 1;
        h.refcnt == 0 && !h.has(Header::STATIC)
    }

    /// `ob_refcnt` of a live object.
    pub fn refcnt(&self, id: ObjId) -> Result<i64> {
        if !self.live_slot(id) {
            return Err(Self::freed(id));
        }
        Ok(self.heads[id.index as usize].refcnt)
    }

    /// `ob_refcnt` of an object the heap holds (live by invariant).
    #[inline]
    pub(crate) fn rc(&self, id: ObjId) -> i64 {
        self.heads[id.index as usize].refcnt
    }

    /// What `ctypes.c_ssize_t.from_address(addr).value` reads. For a live object, its count.
    /// For a freed one, whatever the freed memory still holds: a GC object's count sits past
    /// its `PyGC_Head`, which pymalloc's free-list link does not touch, so it still reads 0;
    /// a non-GC object's count is the first word of its block, which the free-list link
    /// overwrote. Memory reused by another object, or given back to the system, is not
    /// something the model can read.
    pub fn raw_refcnt_at(&self, addr: u64) -> Result<i64> {
        if let Some(id) = self.at_address(addr) {
            return Ok(self.rc(id));
        }
        // A non-GC object's header is the start of its block: pymalloc's link is there now.
        if let Some(link) = self.alloc.first_word_of_free_block(addr) {
            return Ok(link as i64);
        }
        // A GC object's count sits 16 bytes (32 for a 3.11 instance) into a freed block, or
        // in a block kept on a free list: untouched since it reached 0 at deallocation.
        for pre in [16, 32] {
            let block = addr.wrapping_sub(pre);
            if self.alloc.first_word_of_free_block(block).is_some() || self.freelists.holds(block) {
                return Ok(0);
            }
        }
        Err(Error::NotModeled(format!(
            "memory at {addr:#x} is not a freed object's header the model can read \
             (it may belong to another allocation, or to the system allocator)"
        )))
    }

    // ----- allocation ---------------------------------------------------------------------

    /// Allocate a new object with one reference (owned by the caller), from the type's free
    /// list if it has one, else from the allocator. GC types go through `_PyObject_GC_Link`,
    /// which counts the allocation in generation 0 and may start an automatic collection
    /// before the new object exists.
    pub(crate) fn alloc(&mut self, tag: TypeTag, kind: Kind) -> ObjId {
        let managed = matches!(&kind, Kind::Instance { attrs, .. } if !matches!(attrs, InstanceAttrs::Slots(_)));
        let pre = sizes::preheader(tag, managed) as u64;
        let request = sizes::alloc_request(self, tag, &kind);
        let (block, mem) = match self.freelists.pop(tag, request) {
            Some(block) => (block, MemSource::FreeList),
            None => {
                // gc_alloc: the memory first, then _PyObject_GC_Link, which may run a
                // collection; blocks it frees cannot be this object's.
                let block = self.alloc.malloc(request);
                if tag.is_gc() {
                    self.gc_link();
                }
                (block, MemSource::Malloc)
            }
        };
        self.tracer.on_alloc(block, request, mem);
        let obj = Object {
            addr: block + pre,
            tag,
            kind,
            weaklist: None,
            is_static: false,
            mem,
            request: u32::try_from(request).expect("an object's own block is under 4 GiB"),
        };
        self.insert(obj)
    }

    /// A separate buffer (a list's items, a dict's keys) from `PyMem_Malloc`.
    pub(crate) fn alloc_buffer(&mut self, nbytes: usize) -> u64 {
        if nbytes == 0 {
            return 0;
        }
        let a = self.alloc.malloc(nbytes);
        self.tracer.on_alloc(a, nbytes, MemSource::Malloc);
        self.buffer_bytes += nbytes;
        a
    }

    /// The size requested for a live buffer from [`Heap::alloc_buffer`].
    pub(crate) fn buffer_size(&self, addr: u64) -> Option<usize> {
        self.alloc.requested_size(addr)
    }

    /// Take back a block that a free list kept allocated (still traced, as CPython's free
    /// lists keep their blocks) as a live buffer of `nbytes`.
    pub(crate) fn adopt_buffer(&mut self, _addr: u64, nbytes: usize) {
        self.buffer_bytes += nbytes;
    }

    /// Hand a live buffer over to a free list: it stays allocated (and traced), but no
    /// object owns it.
    pub(crate) fn forget_buffer(&mut self, addr: u64) {
        self.buffer_bytes -= self.buffer_size(addr).unwrap_or(0);
    }

    /// Free a buffer from [`Heap::alloc_buffer`]. Inline for its first test: most objects
    /// freed have no buffer (address 0), and the call alone cost more than the test.
    #[inline]
    pub(crate) fn free_buffer(&mut self, addr: u64) {
        if addr != 0 {
            self.free_live_buffer(addr);
        }
    }

    fn free_live_buffer(&mut self, addr: u64) {
        // Only a live block can be freed: the allocator knows which are, and their sizes.
        if let Ok(n) = self.alloc.free_sized(addr) {
            self.buffer_bytes -= n;
            self.tracer.on_free(addr);
        }
    }

    /// `PyMem_Realloc` for a buffer.
    pub(crate) fn realloc_buffer(&mut self, addr: u64, nbytes: usize) -> u64 {
        if addr == 0 {
            return self.alloc_buffer(nbytes);
        }
        if nbytes == 0 {
            self.free_buffer(addr);
            return 0;
        }
        let Some(old) = self.buffer_size(addr) else {
            return self.alloc_buffer(nbytes);
        };
        self.tracer.on_free(addr);
        let new = self.alloc.realloc(addr, nbytes).unwrap_or(addr);
        self.tracer.on_alloc(new, nbytes, MemSource::Malloc);
        self.buffer_bytes = self.buffer_bytes - old + nbytes;
        new
    }

    /// Memory the heap accounts for: (object blocks, separate buffers, free-list blocks),
    /// in requested bytes. Their sum must equal what the allocator has handed out.
    pub fn memory_accounting(&self) -> (usize, usize, usize) {
        let objects = self
            .objs
            .0
            .iter()
            .filter_map(|o| o.as_ref())
            .filter(|o| !o.is_static)
            .map(|o| o.request_bytes())
            .sum();
        (objects, self.buffer_bytes, self.freelists.held_bytes())
    }

    /// The references the interpreter itself owns, outside any object: the module's
    /// globals and code, `gc.garbage`, and (during a statement or call) the evaluation
    /// stack and frames' locals. Everything else alive must be reachable from these.
    pub fn roots(&self) -> Vec<ObjId> {
        let mut r = vec![self.globals, self.module_code];
        r.extend(self.gc.garbage);
        r.extend(self.temps.iter().copied());
        for f in &self.frames {
            r.extend(f.locals.iter().filter_map(|(_, v)| *v));
            r.extend(f.retval);
            r.extend(f.frame_obj);
        }
        r
    }

    /// Release an object's memory: free list, or the allocator (`PyObject_GC_Del` / `PyObject_Free`).
    fn release_memory(&mut self, id: ObjId) {
        let o = self.obj(id);
        let (addr, tag, request) = (o.addr, o.tag, o.request_bytes());
        // Only three types need their value read here; the tag says which.
        // Tested in turn, not matched: the match was a jump table on the tag, then the kind.
        let (managed, registered) = if tag == TypeTag::Instance {
            let managed = matches!(&o.kind,
                Kind::Instance { attrs, .. } if !matches!(attrs, InstanceAttrs::Slots(_)));
            (managed, false)
        } else if tag == TypeTag::Str {
            (false, matches!(o.kind, Kind::Str { interned: true, .. }))
        } else {
            (false, tag == TypeTag::Code)
        };
        let block = addr - sizes::preheader(tag, managed) as u64;
        if registered {
            // An interned string leaves the interned table; a code object its unit.
            match &o.kind {
                Kind::Str { value, .. } => {
                    let v = value.clone();
                    self.interned.forget(&v, id);
                }
                _ => self.interned.drop_unit(id),
            }
        }
        // Remove from the table first: the slot's generation changes so stale handles fail.
        drop_value(&mut self.objs.0[id.index as usize], tag);
        let h = &mut self.heads[id.index as usize];
        h.flags = 0;
        // Wraps past u32::MAX to 1: zero is the `None` of an `Option<ObjId>`.
        h.generation = h
            .generation
            .checked_add(1)
            .unwrap_or(std::num::NonZeroU32::MIN);
        self.free_slots.push(id.index);
        if self.freelists.push(tag, request, block) {
            // Kept for reuse: the memory is untouched, the gen-0 count is not decremented,
            // and the block is still allocated, so tracemalloc still traces it.
        } else {
            if tag.is_gc() {
                self.gc_unlink();
            }
            self.tracer.on_free(block);
            let _ = self.alloc.free(block);
        }
    }

    /// Hand a free-list block back to the allocator (when a full collection clears free lists).
    pub(crate) fn free_freelist_block(&mut self, block: u64, is_gc: bool) {
        if is_gc {
            self.gc_unlink();
        }
        self.tracer.on_free(block);
        let _ = self.alloc.free(block);
    }

    // ----- deallocation -------------------------------------------------------------------

    /// An object's count reached zero: run its finalizer (once), clear weak references to
    /// it, release what it references in its type's order, and free it. Iterative (an
    /// explicit stack instead of recursion), so a million-long chain cannot overflow; the
    /// trashcan keeps that stack at most 50 container deallocations deep, as in CPython.
    pub(crate) fn dealloc(&mut self, id: ObjId) {
        self.dealloc_cascade(id);
        // _PyTrash_end: back at the outermost deallocation, the deferred objects are
        // deallocated, last deferred first (_PyTrash_thread_destroy_chain), each with the
        // nesting at 1 so that this does not start again from inside.
        if self.trash_nesting == 0 && !self.trash_later.is_empty() {
            self.trash_nesting += 1;
            while let Some(op) = self.trash_later.pop() {
                self.dealloc_cascade(op);
            }
            self.trash_nesting -= 1;
        }
    }

    /// Deallocate `id` and whatever that frees in turn, depth first, as the nested
    /// `tp_dealloc` calls of C would (past the trashcan's depth, objects are deferred).
    fn dealloc_cascade(&mut self, id: ObjId) {
        // One release stack shared by every object being torn down (each frame knows where
        // its references start), kept between calls. A finalizer can start a nested
        // deallocation on the same stacks: it works above `floor` and ends where it began.
        let floor = self.dealloc_frames.len();
        let mut start = Some(id);
        loop {
            // The object whose references are all released now: one just started with none
            // to release (an empty container, a float, an instance whose slots were
            // cleared), or the top of the stack once its own are done.
            let done = match start.take() {
                Some(id) => {
                    let Teardown::Proceed(trashcan) = self.pre_dealloc(id) else {
                        continue;
                    };
                    let base = self.dealloc_refs.len();
                    let after = self.take_references(id);
                    let frame = Pending {
                        id,
                        base,
                        after,
                        trashcan,
                    };
                    if self.dealloc_refs.len() > base {
                        // Popped from the end: reverse so the first to release is last.
                        self.dealloc_refs[base..].reverse();
                        // Release the first at once: if that was the only one and it lives
                        // on (an instance's one slot), the object is done without its frame
                        // going on the stack, which is where the loop would find it next.
                        start = self.release_next_ref();
                        if start.is_some() || self.dealloc_refs.len() > base {
                            self.dealloc_frames.push(frame);
                            continue;
                        }
                    }
                    frame
                }
                None => {
                    let Some(top) = self
                        .dealloc_frames
                        .last()
                        .filter(|_| self.dealloc_frames.len() > floor)
                    else {
                        break;
                    };
                    if self.dealloc_refs.len() > top.base {
                        start = self.release_next_ref();
                        continue;
                    }
                    self.dealloc_frames.pop().expect("checked non-empty")
                }
            };
            start = self.finish_dealloc(done);
        }
    }

    /// `Py_DECREF` of the next reference on the release stack (the caller knows there is
    /// one). Returns it if it is now to be deallocated.
    #[inline(always)]
    fn release_next_ref(&mut self) -> Option<ObjId> {
        let child = self.dealloc_refs.pop().expect("a reference to release");
        self.count_down(child).then_some(child)
    }

    /// The end of a `tp_dealloc`, once its references are released: the memory, the
    /// trashcan's count, then what is released after the memory (an instance's class).
    /// Returns that one if it is now to be deallocated too.
    #[inline]
    fn finish_dealloc(&mut self, done: Pending) -> Option<ObjId> {
        self.release_memory(done.id);
        if done.trashcan {
            self.trash_nesting -= 1;
        }
        let after = done.after?;
        self.count_down(after).then_some(after)
    }

    /// The steps before an object's references are released: untrack; the trashcan
    /// (`Py_TRASHCAN_BEGIN`: past [`TRASH_UNWIND_LEVEL`] nested container deallocations,
    /// defer this one); `__del__` once (which may resurrect it: then stop); and clear weak
    /// references with their callbacks. The header is read once: most objects have no
    /// finalizer and no weak reference, and this runs for every object freed.
    fn pre_dealloc(&mut self, id: ObjId) -> Teardown {
        let i = id.index as usize;
        let h = &mut self.heads[i];
        let (mut flags, tag) = (h.flags, h.tag);
        if flags & Header::TRACKED != 0 {
            // _PyObject_GC_UNTRACK, with the flags already read.
            h.flags = flags & !(Header::TRACKED | Header::COLLECTING | Header::UNREACHABLE);
            crate::gc::link_remove(&mut self.heads, id.index);
        }
        let trashcan = uses_trashcan(tag);
        if trashcan {
            if self.trash_nesting >= TRASH_UNWIND_LEVEL {
                self.trash_later.push(id);
                return Teardown::Deferred;
            }
            self.trash_nesting += 1;
        }
        if flags & (Header::HAS_DEL | Header::FINALIZED) == Header::HAS_DEL {
            // PyObject_CallFinalizerFromDealloc: resurrect temporarily, call, re-check.
            let h = self.head_mut(id.index);
            h.refcnt = 1;
            h.set(Header::FINALIZED, true);
            self.gc_track(id);
            self.call_del(id);
            let h = self.head_mut(id.index);
            h.refcnt -= 1;
            if h.refcnt > 0 {
                if trashcan {
                    self.trash_nesting -= 1;
                }
                return Teardown::Resurrected;
            }
            self.gc_untrack(id);
            // `__del__` may have made weak references to it.
            flags = self.head(id.index).flags;
        }
        if flags & Header::MAYBE_WEAKREFS != 0 && self.obj(id).weaklist.is_some() {
            self.clear_weakrefs_out_of_line(id);
            // A callback can resurrect the object through another route only via a strong
            // reference it already had: the count is still zero here.
        }
        Teardown::Proceed(trashcan)
    }

    /// [`Heap::clear_weakrefs_on_dealloc`], kept out of the cascade's loop: inlined there,
    /// it cost every deallocation registers (spilled on each call), though few objects
    /// ever had a weak reference.
    #[inline(never)]
    fn clear_weakrefs_out_of_line(&mut self, id: ObjId) {
        self.clear_weakrefs_on_dealloc(id);
    }

    /// Detach every reference an object holds onto the release stack, in the order its
    /// `tp_dealloc` releases them, and free its separate buffers. The returned one is
    /// released after the memory.
    fn take_references(&mut self, id: ObjId) -> Option<ObjId> {
        let taken = self
            .objs
            .take_references(&self.heads, id, &mut self.dealloc_refs);
        self.free_buffer(taken.buffer);
        if let Some((shape, addr)) = taken.keys {
            // An 8-slot unicode keys object goes to the keys free list.
            self.free_keys_block(&shape, addr);
        }
        taken.after
    }

    // ----- temporaries (the evaluation stack) ----------------------------------------------

    /// Push a new reference onto the evaluation stack: released at the end of the statement.
    pub(crate) fn push_temp(&mut self, id: ObjId) -> ObjId {
        self.temps.push(id);
        id
    }

    /// Release temporaries down to a mark (end of a statement, or an error inside one).
    pub(crate) fn release_temps(&mut self, mark: usize) {
        while self.temps.len() > mark {
            let id = self.temps.pop().expect("len > mark");
            self.decref(id);
        }
    }

    // ----- output -------------------------------------------------------------------------

    /// `print(...)`: append a line to the modeled program's output.
    pub fn print(&mut self, line: impl AsRef<str>) {
        self.stdout.push_str(line.as_ref());
        self.stdout.push('\n');
    }

    /// Everything printed so far.
    pub fn stdout(&self) -> &str {
        &self.stdout
    }

    /// Take (and clear) everything printed so far.
    pub fn take_stdout(&mut self) -> String {
        std::mem::take(&mut self.stdout)
    }

    /// Work counters since the last reset.
    pub fn work(&self) -> Work {
        self.work
    }

    /// Reset the work counters.
    pub fn reset_work(&mut self) {
        self.work = Work::default();
    }

    /// The allocator, for statistics and pictures.
    pub fn allocator(&self) -> &Obmalloc {
        &self.alloc
    }

    // ----- small constructors used everywhere ----------------------------------------------

    /// `None`
    pub fn none(&self) -> ObjId {
        self.statics.none
    }

    /// A new reference to `None`.
    pub(crate) fn new_none(&mut self) -> ObjId {
        let n = self.statics.none;
        self.incref(n);
        n
    }

    /// A new dict object, untracked (3.11 dicts start untracked).
    pub(crate) fn new_dict_untracked(&mut self) -> ObjId {
        self.alloc(
            TypeTag::Dict,
            Kind::Dict {
                entries: Default::default(),
                shape: crate::layout::DictShape::empty().into(),
                shared: None,
                keys_addr: 0,
            },
        )
    }

    /// A new code object (a compilation unit's constants).
    pub(crate) fn new_code(&mut self, name: &str) -> ObjId {
        self.alloc(
            TypeTag::Code,
            Kind::Code {
                name: Rc::from(name),
                consts: ThinVec::new(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;
    use std::num::NonZeroU32;

    /// A table slot's generation wraps from `u32::MAX` to 1, never to 0 (the `None` of an
    /// `Option<ObjId>`), and a handle from before the wrap stays stale.
    #[test]
    fn a_slots_generation_wraps_past_zero() -> Result<()> {
        let mut py = Heap::new();
        let first = py.eval_owned(list([]))?;
        py.release(first)?;
        let slot = first.index as usize;
        py.heads[slot].generation = NonZeroU32::MAX;
        let old = py.eval_owned(list([]))?;
        assert_eq!((old.index, old.generation), (first.index, NonZeroU32::MAX));
        py.release(old)?;
        assert_eq!(py.heads[slot].generation, NonZeroU32::MIN);
        let new = py.eval_owned(list([]))?;
        assert_eq!((new.index, new.generation), (first.index, NonZeroU32::MIN));
        assert!(py.is_alive(new));
        // (`first` had generation 1 too: after 2^32 - 1 reuses of a slot a handle that old
        // names the slot's object again, as with any wrapping generation.)
        assert!(!py.is_alive(old));
        assert!(matches!(py.get(old), Err(Error::Freed { .. })));
        py.release(new)
    }

    /// An object whose references are all released as soon as they are taken, none of them
    /// freed, is finished without its frame going on the release stack; one whose reference
    /// is freed waits for it there. Either way the counts and the order of frees must be
    /// those of the path through the stack: children first, the parent last, so pymalloc
    /// (last freed, first reused) hands the parent's block out first.
    #[test]
    fn a_lone_reference_is_released_as_through_the_stack() -> Result<()> {
        let mut py = Heap::new();
        py.gc_disable();
        py.class(Class::new("P").slots(&["other"]))?;
        let new_p = |py: &mut Heap, var: &str| py.assign(var, name("P").call([]));
        // p -> q -> kept: q's one reference lives on, inside p's cascade.
        new_p(&mut py, "kept")?;
        new_p(&mut py, "p")?;
        new_p(&mut py, "q")?;
        py.assign_attr(name("p"), "other", name("q"))?;
        py.assign_attr(name("q"), "other", name("kept"))?;
        let (p, q) = (py.id(name("p"))?, py.id(name("q"))?);
        py.del("q")?;
        let kept = py.getrefcount(name("kept"))?;
        py.del("p")?;
        assert_eq!(py.getrefcount(name("kept"))?, kept - 1);
        new_p(&mut py, "a")?;
        new_p(&mut py, "b")?;
        assert_eq!((py.id(name("a"))?, py.id(name("b"))?), (p, q));
        // A lone reference to a static object, and one that lives on at the top level.
        py.assign_attr(name("a"), "other", none())?;
        py.assign_attr(name("b"), "other", name("kept"))?;
        py.del("a")?;
        py.del("b")?;
        assert_eq!(py.getrefcount(name("kept"))?, kept - 1);
        new_p(&mut py, "c")?;
        assert_eq!(py.id(name("c"))?, q);
        assert!(py.dealloc_refs.is_empty() && py.dealloc_frames.is_empty());
        Ok(())
    }

    /// A `__del__` that runs in the middle of a cascade and frees other containers starts
    /// a deallocation of its own on the same release stacks: it must finish, in C's order,
    /// before the outer cascade goes on. The expected order is what python3 prints for the
    /// same program (checked with CPython 3.11).
    #[test]
    fn a_finalizer_inside_a_cascade_frees_in_order() -> Result<()> {
        let mut py = Heap::new();
        py.gc_disable();
        let print_del = |py: &mut Heap, suffix: &str| -> Result<()> {
            let n = py.str_of_expr(name("self").attr("n"))?;
            py.print(format!("del {n}{suffix}"));
            Ok(())
        };
        let init = body(|py| py.assign_attr(name("self"), "n", name("n")));
        py.class(
            Class::new("D")
                .method("__init__", &["self", "n"], init.clone())
                .method("__del__", &["self"], body(move |py| print_del(py, ""))),
        )?;
        py.class(
            Class::new("K")
                .method("__init__", &["self", "n"], init)
                .method(
                    "__del__",
                    &["self"],
                    body(move |py| {
                        print_del(py, " start")?;
                        py.exec(name("g").method("clear", []))?;
                        print_del(py, " end")
                    }),
                ),
        )?;
        let d = |n: &str| name("D").call([s(n)]);
        py.assign("g", list([d("g1"), list([d("g2"), d("g3")]), d("g4")]))?;
        py.assign(
            "x",
            list([d("x1"), name("K").call([s("k")]), list([d("x3")]), d("x4")]),
        )?;
        py.del("x")?;
        assert_eq!(
            py.take_stdout(),
            "del x4\ndel x3\ndel k start\ndel g4\ndel g3\ndel g2\ndel g1\ndel k end\ndel x1\n"
        );
        // Both stacks are back where they started.
        assert!(py.dealloc_refs.is_empty() && py.dealloc_frames.is_empty());
        Ok(())
    }
}
