//! `sys.getsizeof`, allocation requests and deep sizes for heap objects: the bridge from an
//! object's current state (its list's `allocated`, its dict's keys table, its set's table,
//! its class's shared keys) to the 3.11 struct layouts in [`crate::layout`].
//!
//! Two numbers describe an object's memory, and they differ:
//! - what CPython *requests* from its allocator ([`alloc_request`], and the separate buffers
//!   in [`Heap::blocks_of`]): this decides which pymalloc size class serves the object, so
//!   which addresses come back as `id()`s;
//! - what `sys.getsizeof` *reports* ([`getsizeof`]): `__sizeof__` plus the GC pre-header,
//!   which counts some buffers (a list's items array, a dict's keys) and not others (an
//!   instance's values array, a class's shared keys), and says 28 for an int that took 32.
//!
//! Everything history-dependent is stored per object by the heap and advanced by the same
//! resize rules as CPython's (see [`crate::containers`]): a list's `allocated`, a dict's
//! [`DictShape`], a set's [`SetShape`](crate::layout::SetShape), an array's `allocated`, a class's shared keys.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::layout::{self, Block, DictKeysKind, DictShape};
use crate::object::{ClassInfo, InstanceAttrs, Kind, ObjId, TypeTag};

/// `PyDict_LOG_MINSIZE`: the first keys table has 8 slots.
pub const DICT_LOG_MINSIZE: u8 = layout::PY_DICT_LOG_MINSIZE;
/// `PySet_MINSIZE`: the inline smalltable.
pub const SET_MINSIZE: usize = layout::PY_SET_MINSIZE;

/// `PyType_Type.tp_basicsize`: `sizeof(PyHeapTypeObject)` on 3.11 64-bit (`type.__basicsize__`
/// prints 904).
pub const HEAPTYPE_BASICSIZE: usize = 904;
/// `PyType_Type.tp_itemsize`: `sizeof(PyMemberDef)` (name, type, offset, flags, doc): a
/// class is allocated with one member slot per `__slots__` name, plus a sentinel.
pub const MEMBERDEF_SIZE: usize = 40;
/// `sizeof(PyWeakReference)`: head, wr_object, wr_callback, hash, prev, next, vectorcall.
const WEAKREF_BASICSIZE: usize = layout::PY_OBJECT_HEAD + 6 * layout::PTR;
/// `sizeof(PyMethodObject)`: head, im_func, im_self, im_weakreflist, vectorcall.
const METHOD_BASICSIZE: usize = layout::PY_OBJECT_HEAD + 4 * layout::PTR;
/// `sizeof(PyGetSetDescrObject)`: head, d_type, d_name, d_qualname, d_getset.
const GETSET_BASICSIZE: usize = layout::PY_OBJECT_HEAD + 4 * layout::PTR;
/// `sizeof(PyCFunctionObject)`: head, m_ml, m_self, m_module, m_weakreflist, vectorcall.
const CFUNCTION_BASICSIZE: usize = layout::PY_OBJECT_HEAD + 5 * layout::PTR;
/// `sizeof(mappingproxyobject)`: head, mapping.
const MAPPINGPROXY_BASICSIZE: usize = layout::PY_OBJECT_HEAD + layout::PTR;
/// A small code object's footprint (not GC-tracked; only its address matters here).
const CODE_BASICSIZE: usize = 160;
/// `sizeof(PyFrameObject)` in 3.11 (without the copied interpreter frame).
const FRAME_BASICSIZE: usize = 64;

/// Bytes in front of the object's header: the `PyGC_Head` (16) for GC types, plus 3.11's
/// managed-dict pointers (16) for instances of classes with a `__dict__`.
#[inline]
pub fn preheader(tag: TypeTag, managed_dict: bool) -> usize {
    layout::gc_preheader(tag.is_gc(), managed_dict)
}

/// The class of an instance, if the handle is a live class object.
fn class_info(h: &Heap, class: ObjId) -> Option<&ClassInfo> {
    match &h.live(class)?.kind {
        Kind::Type(c) => Some(c),
        _ => None,
    }
}

/// The layout facts of a class's instances: (managed dict, `__weakref__` slot, named slots).
pub(crate) fn instance_layout(c: &ClassInfo) -> (bool, bool, usize) {
    match &c.slots {
        None => (true, true, 0),
        Some(names) => {
            // One pass: every instance allocated asks (most names are neither special one,
            // and are told apart by length alone).
            let (mut dict, mut named) = (false, 0);
            for n in names {
                match &**n {
                    "__weakref__" => {}
                    "__dict__" => dict = true,
                    _ => named += 1,
                }
            }
            (dict, c.weakrefable, named)
        }
    }
}

/// Bytes 3.11 requests for a class object: `PyType_GenericAlloc(type, nslots)` asks for the
/// GC head, `sizeof(PyHeapTypeObject)` and `nslots + 1` `PyMemberDef`s (the slot members and
/// a sentinel). More than 512 bytes: the system allocator serves it.
pub fn class_request(nslots: usize) -> usize {
    layout::PY_GC_HEAD + HEAPTYPE_BASICSIZE + (nslots + 1) * MEMBERDEF_SIZE
}

/// Bytes requested from the allocator for the object's own block (pre-header included;
/// separately allocated buffers not): [`layout::block_request`] for the kinds it knows.
#[inline]
pub fn alloc_request(h: &Heap, tag: TypeTag, kind: &Kind) -> usize {
    let block = match kind {
        Kind::Int(v) => Block::Int(v.get()),
        Kind::Float(_) => Block::Float,
        Kind::Str { value, .. } => Block::Str(value),
        Kind::Bytes(b) => Block::Bytes(b.len()),
        Kind::Tuple(items) => Block::Tuple(items.len()),
        Kind::List { .. } => Block::List,
        Kind::Dict { .. } => Block::Dict,
        Kind::Set { .. } => Block::Set,
        Kind::Range(..) => Block::Range,
        Kind::Instance { class, .. } => {
            let (managed_dict, has_weakref_slot, nslots) =
                class_info(h, *class).map_or((true, true, 0), instance_layout);
            Block::Instance {
                managed_dict,
                has_weakref_slot,
                nslots,
            }
        }
        Kind::Function(_) => Block::Function,
        Kind::Generator { framesize, .. } => Block::Generator(*framesize as usize),
        Kind::Array { .. } => Block::Array,
        Kind::None if tag == TypeTag::Object => Block::Object,
        Kind::WeakRef { .. } => return layout::PY_GC_HEAD + WEAKREF_BASICSIZE,
        Kind::GetSet { .. } => return layout::PY_GC_HEAD + GETSET_BASICSIZE,
        Kind::Method { .. } => return layout::PY_GC_HEAD + METHOD_BASICSIZE,
        Kind::MappingProxy(_) => return layout::PY_GC_HEAD + MAPPINGPROXY_BASICSIZE,
        Kind::Type(c) => return class_request(instance_layout(c).2),
        Kind::Code { .. } => return CODE_BASICSIZE,
        Kind::Frame { .. } => return layout::PY_GC_HEAD + FRAME_BASICSIZE,
        Kind::Builtin(_) => return layout::PY_GC_HEAD + CFUNCTION_BASICSIZE,
        Kind::None | Kind::Bool(_) => return layout::PY_OBJECT_HEAD,
    };
    layout::block_request(block)
}

/// The [`DictShape`] a dict reports now: its own, or for a split dict the class's current
/// shared-keys counts with the dict's own number of items.
pub fn dict_shape_now(h: &Heap, id: ObjId) -> Option<DictShape> {
    match &h.get(id).ok()?.kind {
        Kind::Dict {
            entries,
            shape,
            shared,
            ..
        } => Some(match (shape.kind(), shared) {
            (DictKeysKind::Split, Some(keys)) => {
                DictShape::split(&keys.borrow().counts, entries.len())
            }
            _ => shape.get(),
        }),
        _ => None,
    }
}

/// `sys.getsizeof(obj)`, or [`Error::NotModeled`] for the objects whose size the model does
/// not know (code objects, frame objects).
pub fn try_getsizeof(h: &Heap, id: ObjId) -> Result<usize> {
    let o = h.get(id)?;
    Ok(match &o.kind {
        Kind::None => layout::PY_OBJECT_HEAD,
        Kind::Bool(b) => layout::bool_sizeof(*b),
        Kind::Int(v) => layout::int_sizeof(v.get()),
        Kind::Float(_) => layout::float_sizeof(),
        Kind::Str { value, .. } => layout::str_sizeof(value),
        Kind::Bytes(b) => layout::bytes_sizeof(b.len()),
        Kind::Tuple(items) => layout::tuple_sizeof(items.len()),
        Kind::List { allocated, .. } => layout::list_sizeof(*allocated as usize),
        Kind::Dict { .. } => layout::dict_sizeof(&dict_shape_now(h, id).unwrap_or_default()),
        Kind::Set { shape, .. } => layout::set_sizeof(shape.get().table),
        Kind::Range(..) => layout::range_sizeof(),
        Kind::Instance { class, .. } => {
            let (managed_dict, weakref, nslots) =
                class_info(h, *class).map_or((true, true, 0), instance_layout);
            layout::instance_sizeof(managed_dict, weakref, nslots)
        }
        Kind::Function(_) => layout::function_sizeof(),
        Kind::Generator { framesize, .. } => layout::generator_sizeof(*framesize as usize),
        Kind::Array {
            typecode,
            allocated,
            ..
        } => layout::array_sizeof(*typecode, *allocated)
            .ok_or_else(|| Error::Value(format!("bad typecode {typecode:?} in an array object")))?,
        // type.__sizeof__: sizeof(PyHeapTypeObject) and the cached keys, plus the GC head.
        Kind::Type(c) => {
            let keys = if c.cached_keys.is_some() {
                layout::dict_keys_sizeof(layout::NEXT_LOG2_SHARED_KEYS_MAX_SIZE, true)
            } else {
                0
            };
            layout::PY_GC_HEAD + HEAPTYPE_BASICSIZE + keys
        }
        Kind::WeakRef { .. } => layout::PY_GC_HEAD + WEAKREF_BASICSIZE,
        Kind::GetSet { .. } => layout::PY_GC_HEAD + GETSET_BASICSIZE,
        Kind::Method { .. } => layout::PY_GC_HEAD + METHOD_BASICSIZE,
        Kind::MappingProxy(_) => layout::PY_GC_HEAD + MAPPINGPROXY_BASICSIZE,
        Kind::Builtin(_) => layout::PY_GC_HEAD + CFUNCTION_BASICSIZE,
        Kind::Code { .. } | Kind::Frame { .. } => {
            return Err(Error::NotModeled(format!(
                "sys.getsizeof of a {} object (its size depends on the compiled code)",
                o.tag.name()
            )))
        }
    })
}

/// `sys.getsizeof(obj)` for a live handle (0 for a code or frame object, whose size the
/// model does not know: [`try_getsizeof`] says so).
pub fn getsizeof(h: &Heap, id: ObjId) -> usize {
    try_getsizeof(h, id).unwrap_or(0)
}

/// A tuple's length from its request size (for the free lists, which are per length).
pub fn tuple_len_from_request(request: usize) -> usize {
    request.saturating_sub(layout::tuple_sizeof(0)) / layout::PTR
}

/// One allocation an object owns, as [`Heap::blocks_of`] lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedBlock {
    /// What it is: `"object"`, `"items"`, `"keys"`, `"values"`, `"table"`, `"buffer"`,
    /// `"cached keys"`.
    pub what: &'static str,
    /// The block's address (for the object itself: where its pre-header starts).
    pub addr: u64,
    /// Bytes requested.
    pub request: usize,
    /// Whether pymalloc serves it (a request of at most 512 bytes), else the system `malloc`.
    pub small: bool,
}

impl Heap {
    /// The allocations an object owns: its own block (for a GC object, starting at its
    /// `PyGC_Head`, 16 bytes before `id()`; 32 for an instance with a managed dict), and its
    /// separately allocated parts: a list's items array, a dict's keys (or a split dict's
    /// values), a set's table once it outgrew the smalltable, an instance's values array, an
    /// array's buffer, a class's cached keys. Static objects own nothing.
    pub fn blocks_of(&self, id: ObjId) -> Result<Vec<OwnedBlock>> {
        let o = self.get(id)?;
        if o.is_static {
            return Ok(Vec::new());
        }
        let managed = match &o.kind {
            Kind::Instance { class, .. } => {
                class_info(self, *class).is_none_or(|c| instance_layout(c).0)
            }
            _ => false,
        };
        let block = |what, addr: u64, request: usize| OwnedBlock {
            what,
            addr,
            request,
            small: request <= crate::obmalloc::SMALL_REQUEST_THRESHOLD,
        };
        let mut out = vec![block(
            "object",
            o.addr - preheader(o.tag, managed) as u64,
            o.request_bytes(),
        )];
        let extra = match &o.kind {
            Kind::List { items_addr, .. } => Some(("items", *items_addr)),
            Kind::Dict {
                keys_addr, shape, ..
            } if shape.kind() == DictKeysKind::Split => Some(("values", *keys_addr)),
            Kind::Dict { keys_addr, .. } => Some(("keys", *keys_addr)),
            Kind::Set { table_addr, .. } => Some(("table", *table_addr)),
            Kind::Instance {
                attrs: InstanceAttrs::Inline { values_addr, .. },
                ..
            } => Some(("values", *values_addr)),
            Kind::Instance {
                attrs: InstanceAttrs::InlineOne { values_addr, .. },
                ..
            } => Some(("values", values_addr.get())),
            Kind::Array { items_addr, .. } => Some(("buffer", *items_addr)),
            Kind::Type(c) => Some(("cached keys", c.cached_keys_addr)),
            _ => None,
        };
        if let Some((what, addr)) = extra {
            if let Some(n) = self.buffer_size(addr) {
                out.push(block(what, addr, n));
            }
        }
        Ok(out)
    }

    /// `sys.getsizeof` of an object handle.
    pub fn sizeof(&self, id: ObjId) -> Result<usize> {
        try_getsizeof(self, id)
    }

    /// A deep size in the spirit of `pympler.asizeof`: `sys.getsizeof` of the object and of
    /// everything reachable from it through `gc.get_referents`, each object counted once.
    /// Like `gc.get_referents`, it does not see the keys of a dict whose keys are all
    /// strings (`dict_traverse` skips them: a str cannot be part of a cycle), so those
    /// keys are not counted, as a Python deep size built on `gc.get_referents` does not.
    /// Classes, functions, code objects and builtins are not followed (they belong to the
    /// program, not to the value), as `asizeof` leaves them out. An instance's values array
    /// is counted by nobody (`getsizeof` of the instance leaves it out, as CPython's does).
    pub fn deep_sizeof(&self, root: ObjId) -> Result<usize> {
        self.get(root)?;
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        let mut total = 0;
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let o = self.obj(id);
            if matches!(
                o.kind,
                Kind::Type(_) | Kind::Code { .. } | Kind::Function(_) | Kind::Builtin(_)
            ) {
                continue;
            }
            total += try_getsizeof(self, id)?;
            // gc.get_referents (a dict's tp_traverse skips the keys of a str-keyed table).
            stack.extend(self.referents(id));
        }
        Ok(total)
    }

    /// [`Heap::deep_sizeof`] of an expression's value.
    #[track_caller]
    pub fn deep_sizeof_of(&mut self, e: Expr) -> Result<usize> {
        self.with_value(e, |h, v| h.deep_sizeof(v))?
    }

    /// [`Heap::blocks_of`] an expression's value.
    #[track_caller]
    pub fn blocks_of_value(&mut self, e: Expr) -> Result<Vec<OwnedBlock>> {
        self.with_value(e, |h, v| h.blocks_of(v))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn static_and_heap_objects() {
        let mut py = Heap::new();
        assert_eq!(py.getsizeof(none()).unwrap(), 16);
        assert_eq!(py.getsizeof(int(0)).unwrap(), 28);
        assert_eq!(py.getsizeof(int(1000)).unwrap(), 28);
        assert_eq!(py.getsizeof(name("len")).unwrap(), 72);
        assert_eq!(py.getsizeof(tuple([])).unwrap(), 40);
        assert_eq!(py.getsizeof(s("")).unwrap(), 49);
        py.assign("big", int(1000)).unwrap();
        let blocks = py.blocks_of_value(name("big")).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            blocks[0].request, 32,
            "a one-digit int requests sizeof(PyLongObject)"
        );
        assert!(py.blocks_of_value(int(5)).unwrap().is_empty());
    }

    #[test]
    fn classes_request_their_members() {
        assert_eq!(class_request(0), 960);
        assert_eq!(class_request(2), 1040);
        let mut py = Heap::new();
        py.class(Class::new("C")).unwrap();
        assert_eq!(py.getsizeof(name("C")).unwrap(), 1688);
        py.class(Class::new("S").slots(&["a"])).unwrap();
        assert_eq!(py.getsizeof(name("S")).unwrap(), 920);
    }
}
