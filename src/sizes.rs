//! `sys.getsizeof` and allocation requests for heap objects: the bridge from an object's
//! current state (its length, its list's `allocated`, its dict's keys table) to the 3.11
//! struct layouts in [`crate::layout`].

use crate::heap::Heap;
use crate::layout;
use crate::object::{InstanceAttrs, Kind, ObjId, TypeTag};

/// `PyDict_LOG_MINSIZE`: the first keys table has 8 slots.
pub const DICT_LOG_MINSIZE: u8 = 3;
/// `PySet_MINSIZE`: the inline smalltable.
pub const SET_MINSIZE: usize = 8;

/// Bytes in front of the object's header: the `PyGC_Head` (16) for GC types, plus 3.11's
/// managed-dict pointers (16) for regular class instances.
pub fn preheader(tag: TypeTag, managed_dict: bool) -> usize {
    layout::gc_preheader(tag.is_gc(), managed_dict)
}

/// Bytes requested from the allocator for the object's own block (pre-header included,
/// separately allocated buffers not).
pub fn alloc_request(tag: TypeTag, kind: &Kind) -> usize {
    match kind {
        Kind::Int(v) => int_alloc_request(*v),
        Kind::Float(_) => layout::float_sizeof(),
        Kind::Str { value, .. } => layout::str_sizeof(value),
        Kind::Bytes(b) => layout::bytes_sizeof(b.len()),
        Kind::Tuple(items) => layout::tuple_sizeof(items.len()),
        Kind::List { .. } => layout::list_sizeof(0),
        Kind::Dict { .. } => layout::dict_sizeof(&layout::dict_shape_for_inserts(true, 0)),
        Kind::Set { .. } => layout::set_sizeof(SET_MINSIZE),
        Kind::Range(..) => layout::range_sizeof(),
        Kind::Instance { attrs, .. } => match attrs {
            InstanceAttrs::Slots(sl) => layout::instance_sizeof(false, false, sl.len()),
            _ => layout::instance_sizeof(true, true, 0),
        },
        Kind::Function(_) => layout::function_sizeof(),
        Kind::Generator { framesize, .. } => layout::generator_sizeof(*framesize),
        Kind::Array { typecode, .. } => layout::array_sizeof(*typecode, 0).unwrap_or(64),
        Kind::WeakRef { .. } => 16 + WEAKREF_BASICSIZE,
        Kind::GetSet { .. } => 16 + GETSET_BASICSIZE,
        Kind::Method { .. } => 16 + METHOD_BASICSIZE,
        Kind::Type(_) => 16 + HEAPTYPE_BASICSIZE,
        Kind::Code { .. } => CODE_BASICSIZE,
        Kind::Frame { .. } => 16 + FRAME_BASICSIZE,
        Kind::None | Kind::Bool(_) | Kind::Builtin(_) => 16,
    }
    .max(match tag {
        TypeTag::Object => layout::object_sizeof(),
        _ => 0,
    })
}

/// Bytes 3.11 asks `PyObject_Malloc` for when it makes an int at run time (`range`
/// iteration, arithmetic, `len()`): a value of one 30-bit digit comes from
/// `_PyLong_FromMedium`, which allocates a whole `PyLongObject` (its `sizeof`, the header and
/// one digit padded to 8: 32 bytes); a longer one from `_PyLong_New(ndigits)`, which asks for
/// the header and the digits exactly. `sys.getsizeof` counts the digits only (28 for one
/// digit); tracemalloc records the request. (The parser's `PyLong_FromString`, which 3.11
/// uses for literals and `int("...")`, goes through `_PyLong_New` and asks for 28; the model
/// makes every int the run-time way. Both requests take one 32-byte pymalloc block.)
pub fn int_alloc_request(v: i128) -> usize {
    if layout::int_ndigits(v) <= 1 {
        (layout::PY_LONG_DIGITS_OFFSET + layout::DIGIT).next_multiple_of(layout::PTR)
    } else {
        layout::int_sizeof(v)
    }
}

/// `sizeof(PyWeakReference)`: head, wr_object, wr_callback, hash, prev, next, vectorcall.
const WEAKREF_BASICSIZE: usize = 16 + 6 * 8;
/// `sizeof(PyMethodObject)`: head, im_func, im_self, im_weakreflist, vectorcall.
const METHOD_BASICSIZE: usize = 16 + 4 * 8;
/// `sizeof(PyGetSetDescrObject)`: head, d_type, d_name, d_qualname, d_getset.
const GETSET_BASICSIZE: usize = 16 + 4 * 8;
/// `sizeof(PyHeapTypeObject)` on 3.11 64-bit (a big block: served by the system allocator).
const HEAPTYPE_BASICSIZE: usize = 920;
/// A small code object's footprint (not GC-tracked; only its address matters here).
const CODE_BASICSIZE: usize = 160;
/// `sizeof(PyFrameObject)` in 3.11 (without the copied interpreter frame).
const FRAME_BASICSIZE: usize = 64;

/// A tuple's length from its request size (for the free lists, which are per length).
pub fn tuple_len_from_request(request: usize) -> usize {
    request.saturating_sub(layout::tuple_sizeof(0)) / layout::PTR
}

/// `list_resize`'s new `allocated`.
pub fn list_resize(allocated: usize, old_len: usize, new_len: usize) -> usize {
    layout::list_resize(allocated, old_len, new_len)
}

/// `USABLE_FRACTION(n)`: a keys table of n slots holds 2n/3 entries.
pub fn usable_fraction(n: usize) -> usize {
    (n << 1) / 3
}

/// `calculate_log2_keysize(GROWTH_RATE(d))` with `GROWTH_RATE = used * 3` (3.11).
pub fn dict_log2_for_growth(used: usize) -> u8 {
    let minsize = used * 3;
    let mut log2 = DICT_LOG_MINSIZE;
    while (1usize << log2) < minsize {
        log2 += 1;
    }
    log2
}

/// The keys table a dict display of `n` items starts with.
pub fn dict_log2_for_display(all_str: bool, n: usize) -> u8 {
    layout::dict_shape_for_display(all_str, n).log2_size()
}

/// Bytes of a keys object with 2**log2 slots.
pub fn dict_keys_bytes(log2: u8, unicode: bool) -> usize {
    layout::dict_keys_sizeof(log2, unicode)
}

/// log2 of the shared keys table for a class with `nkeys` cached keys.
pub fn shared_keys_log2(nkeys: usize) -> u8 {
    layout::shared_keys_log2(nkeys)
}

/// Bytes of a 3.11 instance's values array for a class with `nkeys` shared keys.
pub fn values_array_bytes(nkeys: usize) -> usize {
    layout::values_array_sizeof(nkeys)
}

/// Words of frame data for a generator whose function has `nlocals` locals.
pub fn generator_framesize(nlocals: usize) -> usize {
    layout::generator_framesize(nlocals)
}

/// The set's table size after an insert that brought it to `used` entries.
pub fn set_table_after_insert(table: usize, used: usize) -> usize {
    layout::set_table_after_insert(table, used)
}

/// `sys.getsizeof(obj)`: the object's block plus the buffers its `__sizeof__` counts.
pub fn getsizeof(h: &Heap, id: ObjId) -> usize {
    let o = h.obj(id);
    match &o.kind {
        Kind::List { allocated, .. } => layout::list_sizeof(*allocated),
        Kind::Dict {
            entries, log2_size, ..
        } => {
            let split = false;
            let all_str = entries
                .iter()
                .all(|(k, _)| matches!(h.obj(*k).kind, Kind::Str { .. }));
            layout::dict_sizeof_from(*log2_size, all_str, split)
        }
        Kind::Set { table, .. } => layout::set_sizeof(*table),
        Kind::Array {
            typecode, allocated, ..
        } => layout::array_sizeof(*typecode, *allocated).unwrap_or(64),
        Kind::Int(v) => layout::int_sizeof(*v),
        Kind::Bool(b) => layout::bool_sizeof(*b),
        Kind::None => 16,
        _ if o.is_static => alloc_request(o.tag, &o.kind),
        _ => o.request,
    }
}
