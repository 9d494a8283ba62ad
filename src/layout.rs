//! `sys.getsizeof` and the growth rules of CPython 3.11 (64-bit Linux), computed from the
//! struct layouts and resize algorithms of the C source, never from tables of answers.
//!
//! Every size below is a sum of named struct fields (`PY_OBJECT_HEAD = ob_refcnt + ob_type`,
//! ...) and every capacity comes from the C growth formula run step by step (`list_resize`,
//! `dictresize` with `GROWTH_RATE`, `set_table_resize`, `array_resize`). The test at the end of
//! this file runs `python3 -I python/sizes/corpus.py` (over a thousand `label<TAB>value`
//! lines) and recomputes every line here.
//!
//! # What `sys.getsizeof` adds up
//! `_PySys_GetSizeOf` (Python/sysmodule.c) returns `type(o).__sizeof__(o)` plus
//! `_PyType_PreHeaderSize(type)`: a 16-byte `PyGC_Head` for every type with
//! `Py_TPFLAGS_HAVE_GC` (tuples, lists, dicts, sets, functions, generators, arrays and all
//! classes defined in Python; whether the object is currently *tracked* does not matter),
//! plus 16 bytes (dict and values pointers) for types with `Py_TPFLAGS_MANAGED_DICT` (3.11's
//! regular class instances). See [`gc_preheader`].
//!
//! # Which 3.11 struct each function models
//! | function | struct (file) | `__sizeof__` |
//! |---|---|---|
//! | [`int_sizeof`], [`bool_sizeof`] | `PyLongObject` (Include/cpython/longintrepr.h) | `int___sizeof___impl`: `offsetof(ob_digit) + max(|ob_size|, 1) * 4` |
//! | [`float_sizeof`] | `PyFloatObject` (Include/cpython/floatobject.h) | `tp_basicsize` |
//! | [`complex_sizeof`] | `PyComplexObject` (Include/cpython/complexobject.h) | `tp_basicsize` |
//! | [`str_sizeof`] | `PyASCIIObject` / `PyCompactUnicodeObject` (Include/cpython/unicodeobject.h) | `unicode_sizeof_impl` |
//! | [`bytes_sizeof`] | `PyBytesObject` (Include/cpython/bytesobject.h) | `bytes_sizeof`: `PyBytesObject_SIZE + n` |
//! | [`tuple_sizeof`] | `PyTupleObject` (Include/cpython/tupleobject.h) | `object.__sizeof__`: basicsize + n * itemsize |
//! | [`list_sizeof`], [`list_resize`] | `PyListObject` (Include/cpython/listobject.h, Objects/listobject.c) | `list___sizeof___impl`: basicsize + 8 * allocated |
//! | [`dict_sizeof`], [`DictShape`] | `PyDictObject`, `PyDictKeysObject`, `PyDictKeyEntry`, `PyDictUnicodeEntry` (Include/cpython/dictobject.h, Include/internal/pycore_dict.h, Objects/dictobject.c) | `_PyDict_SizeOf` |
//! | [`instance_dict_sizeof`], [`SharedKeys`] | split `PyDictObject` + `PyDictValues`, `ht_cached_keys` | `_PyDict_SizeOf` (values counted, shared keys not) |
//! | [`set_sizeof`], [`SetShape`] | `PySetObject`, `setentry` (Include/cpython/setobject.h, Objects/setobject.c) | `set_sizeof` |
//! | [`range_sizeof`] | `rangeobject` (Objects/rangeobject.c) | `tp_basicsize` |
//! | [`object_sizeof`] | `PyObject` (Include/object.h) | `tp_basicsize` |
//! | [`instance_sizeof`] | heap type instance laid out by `type_new_descriptors` (Objects/typeobject.c) | `object.__sizeof__` |
//! | [`function_sizeof`] | `PyFunctionObject` (Include/cpython/funcobject.h) | `tp_basicsize` |
//! | [`generator_sizeof`] | `PyGenObject` + `_PyInterpreterFrame` (Include/cpython/genobject.h, Include/internal/pycore_frame.h) | `gen_sizeof` |
//! | [`array_sizeof`], [`array_resize`] | `arrayobject`, `arraydescr` (Modules/arraymodule.c) | `array_array___sizeof___impl` |
//!
//! # The seed's figures: `dict()` is 64 in 3.11, not 232
//! `sys.getsizeof(dict())` and `sys.getsizeof({})` are both 64 in 3.11: a 48-byte
//! `PyDictObject` plus the 16-byte GC head, pointing at the static, shared `Py_EMPTY_KEYS`
//! whose reference count is never 1, so `_PyDict_SizeOf` does not count it. The older
//! figures (checked with the interpreters 2.7.18, 3.6.15, 3.7.16, 3.8.18, 3.9.18 and
//! 3.10.13, and the `dict_new` of the 3.8/3.9 sources):
//! - **232** is Python **3.8 and 3.9**, for `dict()` only: their `dict_new` (the type's
//!   `tp_new`) always allocated a fresh keys table of 8 slots (`new_keys_object(PyDict_MINSIZE)`:
//!   a 40-byte header with `dk_lookup`, 8 one-byte indices and 5 entries of 24 bytes = 168)
//!   so `dict()` = 48 + 16 + 168 = 232, while `{}` (`BUILD_MAP` → `PyDict_New`) shared the
//!   empty keys and was 64. 3.10 made `dict_new` use `Py_EMPTY_KEYS` too.
//! - **240** and **248** are 3.6/3.7, where both `{}` and `dict()` allocated that 168-byte
//!   keys table and the `PyGC_Head` was three words: 24 bytes with its `double` alignment
//!   dummy (240 = 48 + 24 + 168), 32 bytes once bpo-27987 made the dummy a `long double`
//!   (248, as 3.6.15 and 3.7.16 print). The same GC head makes `tuple()` 48 or 56 there,
//!   and 40 from 3.8 on (16-byte `PyGC_Head`): the seed's "tuple() is 40" is a 3.8+ figure.
//! - **288** is the key-sharing but not yet compact dict of 3.3–3.5 (PEP 412): a 40-byte
//!   `PyDictObject` (no `ma_version_tag` yet), a keys object of 8 slots that *were* the
//!   24-byte entries (`sizeof(PyDictKeysObject) + 7 * sizeof(PyDictKeyEntry)` = 56 + 168), no
//!   index array, and the 24-byte GC head: 40 + 224 + 24 = 288. 2.7's dict, with its inline
//!   `ma_smalltable` of 8 entries, prints 280.
//!
//! # Sizes that depend on history
//! A list's `allocated`, a dict's keys table, a set's table and an array's `allocated` are
//! not functions of the current length: they depend on how the object was built (literal,
//! appends, constructor from a sized iterable, comprehension) and on deletions. The heap
//! engine must keep that state per object and advance it with [`list_resize`],
//! [`DictShape::insert`], [`SetShape::add`], [`array_resize`]. A 3.11 instance `__dict__`
//! additionally depends on how many instances of the class were created before
//! ([`SharedKeys`]), and a non-ASCII string grows by its UTF-8 cache once something asked
//! for it ([`str_sizeof_with_utf8_cache`]).

// ---------------------------------------------------------------------------------------
// C scalar sizes (x86-64 / aarch64 Linux, LP64)
// ---------------------------------------------------------------------------------------

/// `sizeof(PyObject *)` (and of every pointer).
pub const PTR: usize = 8;
/// `sizeof(Py_ssize_t)`.
pub const SSIZE_T: usize = 8;
/// `sizeof(Py_hash_t)`.
pub const HASH_T: usize = 8;
/// `sizeof(double)`.
pub const DOUBLE: usize = 8;
/// `sizeof(uint64_t)`.
pub const UINT64: usize = 8;
/// `sizeof(uint32_t)`.
pub const UINT32: usize = 4;
/// `sizeof(int)`.
pub const INT: usize = 4;
/// `sizeof(char)`, `sizeof(uint8_t)`, `sizeof(bool)`.
pub const CHAR: usize = 1;
/// `sizeof(wchar_t)` on Linux.
pub const WCHAR_T: usize = 4;

/// Round `n` up to a multiple of `align` (a power of two), saturating.
const fn align_up(n: usize, align: usize) -> usize {
    let mask = align - 1;
    match n.checked_add(mask) {
        Some(v) => v & !mask,
        None => usize::MAX & !mask,
    }
}

/// `2**log2` as a `usize`, saturating at `usize::MAX` for exponents past the word.
fn pow2(log2: u32) -> usize {
    1usize.checked_shl(log2).unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------------------------------
// Object headers
// ---------------------------------------------------------------------------------------

/// `PyObject_HEAD`: `ob_refcnt` (Py_ssize_t) + `ob_type` (pointer).
pub const PY_OBJECT_HEAD: usize = SSIZE_T + PTR;
/// `PyObject_VAR_HEAD`: `PyObject_HEAD` + `ob_size`.
pub const PY_VAR_OBJECT_HEAD: usize = PY_OBJECT_HEAD + SSIZE_T;
/// `PyGC_Head` (Include/internal/pycore_gc.h): `_gc_next` + `_gc_prev`.
pub const PY_GC_HEAD: usize = 2 * PTR;
/// The managed-dict pre-header of 3.11 (`_PyObject_ManagedDictPointer` at `obj - 3 words`,
/// `_PyObject_ValuesPointer` at `obj - 4 words`): `2 * sizeof(PyObject *)`.
pub const MANAGED_DICT_PREHEADER: usize = 2 * PTR;

/// `_PyType_PreHeaderSize`: bytes in front of the object, counted by `sys.getsizeof` and
/// requested from the allocator together with the object (`gc_alloc`,
/// `_PyType_AllocNoTrack`): the GC head for GC types, plus the dict/values pointers for
/// types with `Py_TPFLAGS_MANAGED_DICT`.
pub fn gc_preheader(is_gc: bool, managed_dict: bool) -> usize {
    usize::from(is_gc) * PY_GC_HEAD + usize::from(managed_dict) * MANAGED_DICT_PREHEADER
}

// ---------------------------------------------------------------------------------------
// int and bool
// ---------------------------------------------------------------------------------------

/// `PyLong_SHIFT`: bits per digit on 64-bit builds.
pub const PYLONG_SHIFT: u32 = 30;
/// `sizeof(digit)` (`uint32_t`).
pub const DIGIT: usize = UINT32;
/// `offsetof(PyLongObject, ob_digit)`: the var header, then the digits.
pub const PY_LONG_DIGITS_OFFSET: usize = PY_VAR_OBJECT_HEAD;

/// Number of 30-bit digits of `|v|` (`ob_size` is this, signed; 0 for zero).
pub fn int_ndigits(v: i128) -> usize {
    let bits = 128 - v.unsigned_abs().leading_zeros();
    int_ndigits_for_bits(u64::from(bits))
}

/// Number of 30-bit digits of a non-negative integer of `bits` significant bits.
pub fn int_ndigits_for_bits(bits: u64) -> usize {
    let n = bits.div_ceil(u64::from(PYLONG_SHIFT));
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `sys.getsizeof(v)` for an `int`: `offsetof(PyLongObject, ob_digit) + max(|ob_size|, 1) *
/// sizeof(digit)`. Zero has `ob_size == 0` but, like every int, one allocated digit; since
/// 3.11.2 (gh-100637) `int.__sizeof__` counts it, so 0 is 28 (3.11.0/3.11.1 printed 24).
/// Ints are not GC objects: no pre-header.
pub fn int_sizeof(v: i128) -> usize {
    int_sizeof_for_ndigits(int_ndigits(v))
}

/// [`int_sizeof`] for an int of any size, given its bit length (`int.bit_length()`).
pub fn int_sizeof_for_bits(bits: u64) -> usize {
    int_sizeof_for_ndigits(int_ndigits_for_bits(bits))
}

/// `sizeof(PyLongObject)`: the var head and the one-element `ob_digit[1]`, padded to pointer
/// alignment (24 + 4 → 32). `_PyLong_FromMedium` requests this for every one-digit int made
/// at run time (`PyLong_FromLong`, medium-int arithmetic), though `getsizeof` says 28.
pub const SIZEOF_PY_LONG_OBJECT: usize = align_up(PY_LONG_DIGITS_OFFSET + DIGIT, PTR);

/// Bytes requested for an int created at run time with value `v`: `_PyLong_FromMedium`
/// (`sizeof(PyLongObject)`) for one-digit values, `_PyLong_New(ndigits)` (`offsetof(ob_digit)
/// + ndigits * 4`) for larger ones. (-5..=256 are static small ints, never allocated.)
pub fn int_block_request(v: i128) -> usize {
    let nd = int_ndigits(v);
    if nd <= 1 {
        SIZEOF_PY_LONG_OBJECT
    } else {
        int_sizeof_for_ndigits(nd)
    }
}

fn int_sizeof_for_ndigits(ndigits: usize) -> usize {
    PY_LONG_DIGITS_OFFSET.saturating_add(ndigits.max(1).saturating_mul(DIGIT))
}

/// `sys.getsizeof(True)` / `sys.getsizeof(False)`: bools are `PyLongObject`s (`_Py_TrueStruct`
/// has `ob_size` 1, `_Py_FalseStruct` 0) measured by `int.__sizeof__`: both 28 in 3.11.7.
pub fn bool_sizeof(b: bool) -> usize {
    int_sizeof_for_ndigits(usize::from(b))
}

// ---------------------------------------------------------------------------------------
// float, complex, range, object
// ---------------------------------------------------------------------------------------

/// `sizeof(PyFloatObject)`: head + `ob_fval`.
pub const PY_FLOAT_OBJECT: usize = PY_OBJECT_HEAD + DOUBLE;
/// `sizeof(PyComplexObject)`: head + `cval` (`Py_complex`: real, imag).
pub const PY_COMPLEX_OBJECT: usize = PY_OBJECT_HEAD + 2 * DOUBLE;
/// `sizeof(rangeobject)`: head + `start`, `stop`, `step`, `length` (all `PyObject *`).
pub const RANGE_OBJECT: usize = PY_OBJECT_HEAD + 4 * PTR;
/// `PyBaseObject_Type.tp_basicsize`: `sizeof(PyObject)`.
pub const PY_BASE_OBJECT: usize = PY_OBJECT_HEAD;

/// `sys.getsizeof(1.5)`.
pub fn float_sizeof() -> usize {
    PY_FLOAT_OBJECT
}
/// `sys.getsizeof(1j)`.
pub fn complex_sizeof() -> usize {
    PY_COMPLEX_OBJECT
}
/// `sys.getsizeof(range(...))` (any bounds: they are pointers to int objects).
pub fn range_sizeof() -> usize {
    RANGE_OBJECT
}
/// `sys.getsizeof(object())`.
pub fn object_sizeof() -> usize {
    PY_BASE_OBJECT
}

// ---------------------------------------------------------------------------------------
// str
// ---------------------------------------------------------------------------------------

/// `sizeof(PyASCIIObject)`: head, `length`, `hash`, the 32-bit `state` bit field (padded to
/// pointer alignment), `wstr` (3.11 still has it; 3.12 removed it).
pub const PY_ASCII_OBJECT: usize = align_up(PY_OBJECT_HEAD + SSIZE_T + HASH_T + UINT32, PTR) + PTR;
/// `sizeof(PyCompactUnicodeObject)`: `PyASCIIObject` + `utf8_length`, `utf8`, `wstr_length`.
pub const PY_COMPACT_UNICODE_OBJECT: usize = PY_ASCII_OBJECT + SSIZE_T + PTR + SSIZE_T;

/// The storage kind `PyUnicode_New` picks from the largest code point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrKind {
    /// All code points < 128: compact ASCII, `PyASCIIObject` header, 1 byte per char.
    Ascii,
    /// Largest code point < 256: `PyUnicode_1BYTE_KIND` with the compact header.
    Latin1,
    /// Largest code point < 65536: `PyUnicode_2BYTE_KIND`.
    Ucs2,
    /// Otherwise: `PyUnicode_4BYTE_KIND`.
    Ucs4,
}

impl StrKind {
    /// Bytes per code point (`PyUnicode_KIND`).
    pub fn char_size(self) -> usize {
        match self {
            StrKind::Ascii | StrKind::Latin1 => 1,
            StrKind::Ucs2 => 2,
            StrKind::Ucs4 => 4,
        }
    }
    /// Header struct size: `PyASCIIObject` for compact ASCII, else `PyCompactUnicodeObject`.
    pub fn header(self) -> usize {
        match self {
            StrKind::Ascii => PY_ASCII_OBJECT,
            _ => PY_COMPACT_UNICODE_OBJECT,
        }
    }
}

/// The kind `PyUnicode_New(size, maxchar)` chooses for `s`.
pub fn str_kind(s: &str) -> StrKind {
    let max = s.chars().map(u32::from).max().unwrap_or(0);
    if max < 128 {
        StrKind::Ascii
    } else if max < 256 {
        StrKind::Latin1
    } else if max < 65536 {
        StrKind::Ucs2
    } else {
        StrKind::Ucs4
    }
}

/// `sys.getsizeof(s)` for a compact string without a cached UTF-8 copy: header + (length + 1)
/// code points (the trailing NUL). This is also exactly what `PyUnicode_New` requests. UCS-4
/// strings share their data with `wstr` on Linux (`sizeof(wchar_t) == 4`), so no extra.
pub fn str_sizeof(s: &str) -> usize {
    let kind = str_kind(s);
    let len = s.chars().count();
    kind.header()
        .saturating_add(len.saturating_add(1).saturating_mul(kind.char_size()))
}

/// [`str_sizeof`] after something cached the UTF-8 form of a non-ASCII string
/// (`PyUnicode_AsUTF8`, e.g. using it as an identifier): `unicode_sizeof_impl` adds
/// `utf8_length + 1`. ASCII strings are their own UTF-8, so nothing is added.
pub fn str_sizeof_with_utf8_cache(s: &str) -> usize {
    match str_kind(s) {
        StrKind::Ascii => str_sizeof(s),
        _ => str_sizeof(s).saturating_add(s.len().saturating_add(1)),
    }
}

// ---------------------------------------------------------------------------------------
// bytes, tuple
// ---------------------------------------------------------------------------------------

/// `PyBytesObject_SIZE`: `offsetof(PyBytesObject, ob_sval) + 1` (var head, `ob_shash`, the
/// trailing NUL).
pub const PY_BYTES_OBJECT_SIZE: usize = PY_VAR_OBJECT_HEAD + HASH_T + CHAR;

/// `sys.getsizeof(b)` for `len(b) == len`: `PyBytesObject_SIZE + len` (not GC). Also the
/// allocation request of `_PyBytes_FromSize`.
pub fn bytes_sizeof(len: usize) -> usize {
    PY_BYTES_OBJECT_SIZE.saturating_add(len)
}

/// `PyTuple_Type.tp_basicsize`: `sizeof(PyTupleObject) - sizeof(PyObject *)` = the var head.
pub const PY_TUPLE_BASICSIZE: usize = PY_VAR_OBJECT_HEAD;

/// `sys.getsizeof(t)` for `len(t) == len`: GC head + var head + one pointer per item.
/// `()` is a static singleton of the same 40 bytes.
pub fn tuple_sizeof(len: usize) -> usize {
    gc_preheader(true, false)
        .saturating_add(PY_TUPLE_BASICSIZE)
        .saturating_add(len.saturating_mul(PTR))
}

// ---------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------

/// `sizeof(PyListObject)`: var head, `ob_item`, `allocated`.
pub const PY_LIST_OBJECT: usize = PY_VAR_OBJECT_HEAD + PTR + SSIZE_T;

/// `sys.getsizeof(lst)`: GC head + `PyListObject` + `allocated` item pointers (the items
/// array is a separate `PyMem_Realloc` block of `8 * allocated` bytes).
pub fn list_sizeof(allocated: usize) -> usize {
    gc_preheader(true, false)
        .saturating_add(PY_LIST_OBJECT)
        .saturating_add(allocated.saturating_mul(PTR))
}

/// `list_resize(self, new_len)` on a list of length `old_len` with `allocated` slots: the new
/// `allocated`. Exactly the C: the early return when `allocated >= new_len >= allocated / 2`
/// (nothing reallocated), else `(new_len + new_len/8 + 6) & ~3`, or `(new_len + 3) & ~3` when
/// the jump from `old_len` is bigger than that over-allocation, and 0 for an empty list.
/// Growth by appends: 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ...
pub fn list_resize(allocated: usize, old_len: usize, new_len: usize) -> usize {
    if allocated >= new_len && new_len >= (allocated >> 1) {
        return allocated;
    }
    let n = new_len as u128;
    let mut new_allocated = (n + (n >> 3) + 6) & !3u128;
    if (new_len as i128) - (old_len as i128) > (new_allocated as i128) - (n as i128) {
        new_allocated = (n + 3) & !3u128;
    }
    if new_len == 0 {
        new_allocated = 0;
    }
    usize::try_from(new_allocated).unwrap_or(usize::MAX)
}

/// `list_preallocate_exact(self, n)`: `(n + 1) & ~1` (pymalloc's 16-byte granularity makes an
/// odd count free to round up). Used by `list.extend`/`list(...)` when the list has no items
/// array yet and the source has a length (a list, a tuple, or a length hint).
pub fn list_preallocate_exact(n: usize) -> usize {
    n.saturating_add(1) & !1usize
}

/// `allocated` after `n` appends to an empty list (`list.append`, `LIST_APPEND` of a list
/// comprehension `[x for x in it]`, a display of more than 30 non-constant items): one
/// `list_resize(len + 1)` per item whenever the list is full.
pub fn list_allocated_after_appends(n: usize) -> usize {
    list_allocated_after_more_appends(0, 0, n)
}

/// [`list_allocated_after_appends`] starting from a list of `len` items and `allocated`
/// slots, appending `n` more.
pub fn list_allocated_after_more_appends(allocated: usize, len: usize, n: usize) -> usize {
    let mut allocated = allocated;
    let mut len = len;
    let end = len.saturating_add(n);
    // Appends into spare capacity change nothing: jump from one full list to the next.
    while len < end {
        if len >= allocated {
            let grown = list_resize(allocated, len, len + 1);
            if grown <= allocated {
                break; // saturated at usize::MAX
            }
            allocated = grown;
        }
        len = allocated.min(end);
    }
    allocated
}

/// What a list display of `len` items allocates in 3.11 (`starunpack_helper` in
/// Python/compile.c):
/// - more than 2 items, all constants: `BUILD_LIST 0; LOAD_CONST (tuple); LIST_EXTEND 1`,
///   and `list_extend` of a tuple into an empty list calls `list_preallocate_exact`;
/// - at most 30 items otherwise: `BUILD_LIST len` → `PyList_New(len)`: exactly `len`;
/// - more than 30 non-constant items: `BUILD_LIST 0` then one `LIST_APPEND` per item.
pub fn list_allocated_for_display(len: usize, all_constants: bool) -> usize {
    const STACK_USE_GUIDELINE: usize = 30;
    if len > 2 && all_constants {
        list_preallocate_exact(len)
    } else if len > STACK_USE_GUIDELINE {
        list_allocated_after_appends(len)
    } else {
        len
    }
}

/// A list literal of constants such as `[1, 2, 3]`: [`list_allocated_for_display`] with
/// all constants (for names, `[a, b, c]`, use `all_constants = false`).
pub fn list_allocated_for_literal(len: usize) -> usize {
    list_allocated_for_display(len, true)
}

/// `list(iterable)` of `n` items when the iterable is a list, a tuple, or has an exact
/// `__length_hint__` (a `range`, a dict, ...): `list_extend` preallocates
/// `list_preallocate_exact(n)` and the final "cut back" `list_resize(n)` returns early.
/// An empty source allocates nothing.
pub fn list_allocated_from_sized(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        list_preallocate_exact(n)
    }
}

/// `lst.extend(src)` / `lst += src` for a source of `n` items with a known length (a list, a
/// tuple, or an iterable with an exact `__length_hint__`), on a list of `len` items and
/// `allocated` slots: an empty source changes nothing; a list without an items array
/// (`has_items_array == false`: new, or emptied by `clear()`/`del lst[:]`) gets
/// `list_preallocate_exact(n)`; otherwise `list_resize(len + n)` (the iterator path then
/// fills the slots and its final cut-back `list_resize` returns early).
pub fn list_allocated_after_extend(
    allocated: usize,
    len: usize,
    n: usize,
    has_items_array: bool,
) -> usize {
    if n == 0 {
        allocated
    } else if !has_items_array {
        list_preallocate_exact(n)
    } else {
        list_resize(allocated, len, len.saturating_add(n))
    }
}

/// `[x] * n` style repetition producing `n` items: `list_new_prealloc(n)`, exactly `n`.
pub fn list_allocated_for_repeat(n: usize) -> usize {
    n
}

// ---------------------------------------------------------------------------------------
// dict
// ---------------------------------------------------------------------------------------

/// `sizeof(PyDictObject)`: head, `ma_used`, `ma_version_tag` (uint64), `ma_keys`, `ma_values`.
pub const PY_DICT_OBJECT: usize = PY_OBJECT_HEAD + SSIZE_T + UINT64 + PTR + PTR;
/// `sizeof(PyDictKeysObject)`: `dk_refcnt`, then `dk_log2_size`, `dk_log2_index_bytes`,
/// `dk_kind` (three bytes) and `dk_version` (uint32, 4-aligned), then `dk_usable`,
/// `dk_nentries`; `dk_indices[]` follows.
pub const PY_DICT_KEYS_OBJECT: usize =
    SSIZE_T + align_up(3 * CHAR, UINT32) + UINT32 + SSIZE_T + SSIZE_T;
/// `sizeof(PyDictKeyEntry)`: `me_hash`, `me_key`, `me_value`.
pub const PY_DICT_KEY_ENTRY: usize = HASH_T + PTR + PTR;
/// `sizeof(PyDictUnicodeEntry)`: `me_key`, `me_value` (the hash is cached in the str).
pub const PY_DICT_UNICODE_ENTRY: usize = PTR + PTR;
/// `PyDict_LOG_MINSIZE`.
pub const PY_DICT_LOG_MINSIZE: u8 = 3;
/// `PyDict_MINSIZE`.
pub const PY_DICT_MINSIZE: usize = 1 << PY_DICT_LOG_MINSIZE;
/// `SHARED_KEYS_MAX_SIZE` (Include/internal/pycore_dict.h).
pub const SHARED_KEYS_MAX_SIZE: usize = 30;
/// `NEXT_LOG2_SHARED_KEYS_MAX_SIZE`: every class's shared keys table has 64 slots.
pub const NEXT_LOG2_SHARED_KEYS_MAX_SIZE: u8 = 6;

/// `USABLE_FRACTION(n)`: `(n << 1) / 3` entries fit in a table of `n` slots.
pub fn usable_fraction(n: usize) -> usize {
    n.saturating_mul(2) / 3
}

/// `calculate_log2_keysize(minsize)`, the 64-bit Linux branch (`SIZEOF_LONG ==
/// SIZEOF_SIZE_T`): `minsize = (minsize | PyDict_MINSIZE) - 1; return
/// bit_length(minsize | (PyDict_MINSIZE - 1))`. Note the bit trick returns one size more
/// than "the smallest power of two >= minsize" when `minsize` is itself a power of two >= 16
/// (16 → 32 slots): CPython really does this (`{"x": 0}.update(<20 items>)` is 832 bytes).
pub fn calculate_log2_keysize(minsize: usize) -> u8 {
    let m = (minsize | PY_DICT_MINSIZE) - 1;
    let m = m | (PY_DICT_MINSIZE - 1);
    (usize::BITS - m.leading_zeros()) as u8
}

/// `estimate_log2_keysize(n)`: the table that holds `n` entries without resizing,
/// `calculate_log2_keysize((n * 3 + 1) / 2)`.
pub fn estimate_log2_keysize(n: usize) -> u8 {
    calculate_log2_keysize(n.saturating_mul(3).saturating_add(1) / 2)
}

/// `GROWTH_RATE(d)`: `ma_used * 3` (3.11; it was `used*2 + capacity/2` in 3.4–3.6).
pub fn growth_rate(used: usize) -> usize {
    used.saturating_mul(3)
}

/// `dk_log2_index_bytes` for a table of `2**log2` slots: 1-byte indices below 2**8 slots,
/// 2-byte below 2**16, 8-byte from 2**32, else 4-byte.
pub fn dict_log2_index_bytes(log2_size: u8) -> u32 {
    let l = u32::from(log2_size);
    if log2_size < 8 {
        l
    } else if log2_size < 16 {
        l + 1
    } else if log2_size >= 32 {
        l + 3
    } else {
        l + 2
    }
}

/// Bytes of a keys object with `2**log2_size` slots (`_PyDict_KeysSize`, and what
/// `new_keys_object` asks `PyObject_Malloc` for): header + index array +
/// `USABLE_FRACTION(size)` entries of 16 (unicode) or 24 (general) bytes. `log2_size == 0`
/// is the static `Py_EMPTY_KEYS`, never allocated and never counted: 0.
pub fn dict_keys_sizeof(log2_size: u8, unicode: bool) -> usize {
    if log2_size == 0 {
        return 0;
    }
    let entry = if unicode {
        PY_DICT_UNICODE_ENTRY
    } else {
        PY_DICT_KEY_ENTRY
    };
    PY_DICT_KEYS_OBJECT
        .saturating_add(pow2(dict_log2_index_bytes(log2_size)))
        .saturating_add(usable_fraction(pow2(u32::from(log2_size))).saturating_mul(entry))
}

/// `new_values(size)`: the values array of a split dict / 3.11 instance, one `PyMem_Malloc`
/// block: a byte prefix (insertion order, used count, prefix size) of
/// `_Py_SIZE_ROUND_UP(size + 2, sizeof(PyObject *))`, then `size` value pointers. `size` is
/// `shared_keys_usable_size(keys)` (`dk_nentries + dk_usable` of the class's cached keys) at
/// the moment the instance is created; see [`SharedKeys::init_instance`].
pub fn values_array_sizeof(size: usize) -> usize {
    if size == 0 {
        return 0;
    }
    align_up(size.saturating_add(2), PTR).saturating_add(size.saturating_mul(PTR))
}

/// log2 of a class's shared (cached) keys table: always `NEXT_LOG2_SHARED_KEYS_MAX_SIZE`
/// (64 slots) in 3.11, whatever the number of keys (`_PyDict_NewKeysForClass`). The
/// argument is accepted for the heap engine's convenience and ignored.
pub fn shared_keys_log2(_nkeys: usize) -> u8 {
    NEXT_LOG2_SHARED_KEYS_MAX_SIZE
}

/// The three layouts of a 3.11 keys object (`DictKeysKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DictKeysKind {
    /// `DICT_KEYS_GENERAL`: `PyDictKeyEntry` (hash, key, value): 24 bytes per entry.
    General,
    /// `DICT_KEYS_UNICODE`: all keys exact `str`, `PyDictUnicodeEntry`: 16 bytes per entry.
    Unicode,
    /// `DICT_KEYS_SPLIT`: keys shared with the class (`ht_cached_keys`), values in a
    /// separate `PyDictValues` array owned by the dict.
    Split,
}

/// What determines a dict's size: its keys object (log2 of the table, kind, entry counts).
///
/// `log2_size == 0` is `Py_EMPTY_KEYS` (the dict `{}`/`dict()`, or after `clear()`). For a
/// split dict, `nentries` and `usable` are those of the class's shared keys, whose sum is the
/// length of the values array `sys.getsizeof` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DictShape {
    /// `dk_log2_size` (0 for the shared empty keys).
    pub log2_size: u8,
    /// `dk_kind`.
    pub kind: DictKeysKind,
    /// `ma_used`: live items.
    pub used: usize,
    /// `dk_nentries`: entries written to the table, deleted ones included.
    pub nentries: usize,
    /// `dk_usable`: entries that can still be appended before a resize.
    pub usable: usize,
}

/// A count as a dict or set object stores it (a `u32`: the model's containers stay far
/// below 2^32 entries, as [`crate::eval`] caps sequences at 2^28).
fn count32(n: usize) -> u32 {
    u32::try_from(n).expect("a container count below 2^32")
}

/// A [`DictShape`] as a dict object stores it: `u32` counts, packed to 2-byte alignment, so
/// the shape fits beside the `Kind::Dict` variant's tag and the object table entry stays
/// at 64 bytes. Read it with [`PackedDictShape::get`]; no reference to a field is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub struct PackedDictShape {
    used: u32,
    nentries: u32,
    usable: u32,
    log2_size: u8,
    kind: DictKeysKind,
}

impl PackedDictShape {
    /// The shape.
    #[inline]
    pub fn get(self) -> DictShape {
        DictShape {
            log2_size: self.log2_size,
            kind: self.kind,
            used: self.used as usize,
            nentries: self.nentries as usize,
            usable: self.usable as usize,
        }
    }

    /// `dk_kind` (read on every dict traversal).
    #[inline]
    pub fn kind(self) -> DictKeysKind {
        self.kind
    }

    /// Change the shape through `f`.
    #[inline]
    pub fn update(&mut self, f: impl FnOnce(&mut DictShape)) {
        let mut s = self.get();
        f(&mut s);
        *self = s.into();
    }
}

impl From<DictShape> for PackedDictShape {
    #[inline]
    fn from(s: DictShape) -> Self {
        PackedDictShape {
            used: count32(s.used),
            nentries: count32(s.nentries),
            usable: count32(s.usable),
            log2_size: s.log2_size,
            kind: s.kind,
        }
    }
}

impl Default for PackedDictShape {
    fn default() -> Self {
        DictShape::empty().into()
    }
}

impl std::fmt::Debug for PackedDictShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Default for DictShape {
    fn default() -> Self {
        Self::empty()
    }
}

impl DictShape {
    /// `PyDict_New()`: the shared `Py_EMPTY_KEYS` (unicode kind, no slots, `dk_usable` 0).
    pub fn empty() -> Self {
        DictShape {
            log2_size: 0,
            kind: DictKeysKind::Unicode,
            used: 0,
            nentries: 0,
            usable: 0,
        }
    }

    /// A fresh combined keys object from `new_keys_object(log2, unicode)`, no entries yet.
    pub fn fresh(log2_size: u8, unicode: bool) -> Self {
        DictShape {
            log2_size,
            kind: if unicode {
                DictKeysKind::Unicode
            } else {
                DictKeysKind::General
            },
            used: 0,
            nentries: 0,
            usable: usable_fraction(pow2(u32::from(log2_size))),
        }
    }

    /// `dict_new_presized(minused, unicode)` (`_PyDict_FromItems`, `_PyDict_NewPresized`):
    /// up to `USABLE_FRACTION(PyDict_MINSIZE)` = 5 items get `PyDict_New()` (empty keys);
    /// more get `estimate_log2_keysize(minused)`, capped at 2**17 slots.
    pub fn presized(minused: usize, unicode: bool) -> Self {
        const LOG2_MAX_PRESIZE: u8 = 17;
        if minused <= usable_fraction(PY_DICT_MINSIZE) {
            return Self::empty();
        }
        let log2 = if minused > usable_fraction(pow2(u32::from(LOG2_MAX_PRESIZE))) {
            LOG2_MAX_PRESIZE
        } else {
            estimate_log2_keysize(minused)
        };
        Self::fresh(log2, unicode)
    }

    /// A materialized 3.11 instance `__dict__`: split, sharing `keys` with the class, holding
    /// `used` attributes.
    pub fn split(keys: &SharedKeys, used: usize) -> Self {
        DictShape {
            log2_size: NEXT_LOG2_SHARED_KEYS_MAX_SIZE,
            kind: DictKeysKind::Split,
            used,
            nentries: keys.nentries,
            usable: keys.usable,
        }
    }

    /// `dk_log2_size` (0 for the empty keys).
    pub fn log2_size(&self) -> u8 {
        self.log2_size
    }

    /// Slots in the hash table (`DK_SIZE`; 1 for `Py_EMPTY_KEYS`, whose log2 is 0).
    pub fn table_size(&self) -> usize {
        pow2(u32::from(self.log2_size))
    }

    /// Is this the shared `Py_EMPTY_KEYS`?
    pub fn is_empty_keys(&self) -> bool {
        self.log2_size == 0
    }

    /// `DK_IS_UNICODE`: unicode or split keys (only str keys).
    pub fn is_unicode(&self) -> bool {
        self.kind != DictKeysKind::General
    }

    /// Bytes of the keys object this dict owns and `_PyDict_SizeOf` counts (`dk_refcnt ==
    /// 1`): 0 for the shared empty keys and for shared split keys.
    pub fn owned_keys_bytes(&self) -> usize {
        match self.kind {
            DictKeysKind::Split => 0,
            _ => dict_keys_sizeof(self.log2_size, self.kind == DictKeysKind::Unicode),
        }
    }

    /// `dictresize(mp, log2_newsize, unicode)`: a new combined table holding the `used`
    /// live entries (deleted ones are dropped). The result is unicode only if both the old
    /// keys and the request are.
    pub fn resize(&mut self, log2_newsize: u8, unicode: bool) {
        let unicode = unicode && self.is_unicode();
        let used = self.used;
        *self = Self::fresh(log2_newsize, unicode);
        self.used = used;
        self.nentries = used;
        self.usable = self.usable.saturating_sub(used);
    }

    /// `insertion_resize(mp, unicode)`: `dictresize(calculate_log2_keysize(GROWTH_RATE))`.
    pub fn insertion_resize(&mut self, unicode: bool) {
        self.resize(calculate_log2_keysize(growth_rate(self.used)), unicode);
    }

    /// `d[key] = value` for a key not in the dict (`_PyDict_SetItem_Take2` →
    /// `insert_to_emptydict` or `insertdict`), `key_is_str` meaning an exact `str`:
    /// - empty keys: a new 8-slot table, unicode iff this first key is a str;
    /// - a non-str key in a unicode (or split) table: `insertion_resize(mp, 0)` to general;
    /// - no `dk_usable` left: `insertion_resize(mp, 1)` (a split dict becomes combined);
    /// - a split dict with room appends the key to the class's shared keys.
    ///
    /// Replacing the value of an existing key changes nothing and is not modelled here.
    pub fn insert(&mut self, key_is_str: bool) {
        if self.is_empty_keys() {
            *self = Self::fresh(PY_DICT_LOG_MINSIZE, key_is_str);
        } else {
            if self.is_unicode() && !key_is_str {
                self.insertion_resize(false);
            }
            if self.usable == 0 {
                self.insertion_resize(true);
            }
        }
        self.usable = self.usable.saturating_sub(1);
        self.nentries = self.nentries.saturating_add(1);
        self.used = self.used.saturating_add(1);
    }

    /// [`DictShape::insert`] `n` times (new keys, all str or all not), jumping from one
    /// resize to the next instead of stepping key by key.
    pub fn insert_many(&mut self, key_is_str: bool, n: usize) {
        let mut left = n;
        while left > 0 {
            if self.usable == 0 || self.is_empty_keys() || (self.is_unicode() && !key_is_str) {
                self.insert(key_is_str);
                left -= 1;
                if self.usable == 0 && self.log2_size as u32 >= usize::BITS {
                    // A table past the address space: saturated, nothing more to model.
                    self.nentries = self.nentries.saturating_add(left);
                    self.used = self.used.saturating_add(left);
                    break;
                }
                continue;
            }
            let take = left.min(self.usable);
            self.usable -= take;
            self.nentries = self.nentries.saturating_add(take);
            self.used = self.used.saturating_add(take);
            left -= take;
        }
    }

    /// `del d[key]` of a present key: the entry becomes a dummy, `dk_usable` is not given
    /// back (only a resize reclaims it).
    pub fn delete(&mut self) {
        self.used = self.used.saturating_sub(1);
    }

    /// `d.clear()`: back to the shared empty keys.
    pub fn clear(&mut self) {
        *self = Self::empty();
    }

    /// `dict_merge(self, other, override)` for an exact dict `other` whose keys are not in
    /// `self` (`d.update(other)`, `dict(other)`, `DICT_UPDATE` of a display). A general
    /// `other` is taken to hold only non-str keys.
    /// - into an empty dict, a clean combined `other` (no deletions) whose table is the
    ///   minimum or more than half used is cloned (`clone_combined_dict_keys`);
    /// - else, if `USABLE_FRACTION(DK_SIZE(self)) < other.used`, one
    ///   `dictresize(estimate_log2_keysize(self.used + other.used))` first;
    /// - then one `insertdict` per item.
    pub fn merge(&mut self, other: &DictShape) {
        if other.used == 0 {
            return;
        }
        if self.used == 0
            && other.kind != DictKeysKind::Split
            && other.used == other.nentries
            && (other.log2_size == PY_DICT_LOG_MINSIZE
                || usable_fraction(other.table_size() / 2) < other.used)
        {
            *self = *other;
            return;
        }
        if usable_fraction(self.table_size()) < other.used {
            self.resize(
                estimate_log2_keysize(self.used.saturating_add(other.used)),
                other.is_unicode(),
            );
        }
        self.insert_many(other.is_unicode(), other.used);
    }
}

/// `sys.getsizeof(d)` (`_PyDict_SizeOf` + the GC head): `PyDictObject`, plus the values
/// array of a split dict (`shared_keys_usable_size * 8`, without its byte prefix), plus the
/// keys object when the dict owns it (`dk_refcnt == 1`: never for `Py_EMPTY_KEYS` nor for a
/// class's shared keys).
pub fn dict_sizeof(shape: &DictShape) -> usize {
    let mut res = gc_preheader(true, false).saturating_add(PY_DICT_OBJECT);
    if shape.kind == DictKeysKind::Split {
        res = res.saturating_add(
            shape
                .nentries
                .saturating_add(shape.usable)
                .saturating_mul(PTR),
        );
    }
    res.saturating_add(shape.owned_keys_bytes())
}

/// [`dict_sizeof`] of a combined dict from its keys table alone (`log2_size == 0`: empty
/// keys). With `split`, a split dict of a class's first instance (values array of
/// `SHARED_KEYS_MAX_SIZE - 1`); prefer [`instance_dict_sizeof`] / [`SharedKeys`], which
/// know how many instances were created.
pub fn dict_sizeof_from(log2_size: u8, unicode: bool, split: bool) -> usize {
    if split {
        let mut keys = SharedKeys::for_class();
        keys.init_instance();
        return dict_sizeof(&DictShape::split(&keys, 0));
    }
    if log2_size == 0 {
        return dict_sizeof(&DictShape::empty());
    }
    dict_sizeof(&DictShape::fresh(log2_size, unicode))
}

/// A dict built by `n` successive inserts of new keys into `{}` (`d[k] = v` in a loop, a
/// dict comprehension's `MAP_ADD`): the first insert allocates 8 slots, each insert into a
/// full table grows to `calculate_log2_keysize(used * 3)`.
pub fn dict_shape_for_inserts(keys_all_str: bool, n: usize) -> DictShape {
    let mut d = DictShape::empty();
    d.insert_many(keys_all_str, n);
    d
}

/// A dict display `{k0: v0, ..., k(n-1): v(n-1)}` in 3.11 (`compiler_dict` and
/// `compiler_subdict` in Python/compile.c, `BUILD_MAP`/`BUILD_CONST_KEY_MAP` →
/// `_PyDict_FromItems` → `dict_new_presized`):
/// - the items are compiled in chunks: each time 16 items are pending, the next item closes
///   a chunk of 17; the rest (at most 16) is the last chunk;
/// - a chunk of m items with `2m > STACK_USE_GUIDELINE` (30), i.e. m >= 16, is built by
///   `BUILD_MAP 0` + one `MAP_ADD` per item (inserts); a smaller chunk is presized for m
///   items (nothing for m <= 5: `PyDict_New`) and filled;
/// - chunks after the first are merged in with `DICT_UPDATE` (`dict_merge`).
///
/// So 6..=15 items are presized (`estimate_log2_keysize`), 16 or more grow like inserts.
/// Empty keys for `{}`. `keys_all_str`: every key an exact `str` (else: no key is a str).
pub fn dict_shape_for_display(keys_all_str: bool, n: usize) -> DictShape {
    const STACK_USE_GUIDELINE: usize = 30;
    let chunk = |m: usize| -> DictShape {
        if m.saturating_mul(2) > STACK_USE_GUIDELINE {
            dict_shape_for_inserts(keys_all_str, m)
        } else {
            let mut d = DictShape::presized(m, keys_all_str);
            d.insert_many(keys_all_str, m);
            d
        }
    };
    let full = STACK_USE_GUIDELINE / 2 + 2; // 17: the chunk closed when 16 items are pending
    let mut result: Option<DictShape> = None;
    let mut left = n;
    while left > 0 {
        let m = if left >= full { full } else { left };
        match result.as_mut() {
            None => result = Some(chunk(m)),
            // A table that already holds USABLE_FRACTION >= 17 entries is never presized by
            // `dict_merge` for a chunk of at most 17: the remaining chunks are plain inserts.
            Some(d) if usable_fraction(d.table_size()) >= full => {
                d.insert_many(keys_all_str, left);
                break;
            }
            Some(d) => d.merge(&chunk(m)),
        }
        left -= m;
    }
    result.unwrap_or_else(DictShape::empty)
}

/// `dict(src)` / `{**src}` / `d = {}; d.update(src)` for an exact dict `src` without deleted
/// entries: `dict_merge` into an empty dict.
pub fn dict_shape_for_copy(src: &DictShape) -> DictShape {
    let mut d = DictShape::empty();
    d.merge(src);
    d
}

/// A class's cached keys (`ht_cached_keys`, created by `_PyDict_NewKeysForClass` with 64 slots
/// but `dk_usable = SHARED_KEYS_MAX_SIZE`), as far as sizes go.
///
/// Every new instance calls `init_inline_values`, which first does `if (dk_usable > 1)
/// dk_usable--` and then allocates a values array of `shared_keys_usable_size = dk_nentries +
/// dk_usable`; a new attribute name appends to the shared keys (`insert_into_dictkeys`:
/// `dk_usable--`, `dk_nentries++`) unless `dk_usable` is 0, in which case that instance's
/// dict is materialized and converted to a combined table. So the sum, and with it every
/// instance's `__dict__` size, shrinks by one word per instance created: for `class C: pass`,
/// the first instance's `c.__dict__` is 64 + 29 * 8 = 296, and after three more `C()` calls
/// it reports 64 + 26 * 8 = 272, because `_PyDict_SizeOf` reads the *current* shared keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SharedKeys {
    /// `dk_nentries`: attribute names stored.
    pub nentries: usize,
    /// `dk_usable`.
    pub usable: usize,
}

impl Default for SharedKeys {
    fn default() -> Self {
        Self::for_class()
    }
}

impl SharedKeys {
    /// `_PyDict_NewKeysForClass()`: no names, `dk_usable = SHARED_KEYS_MAX_SIZE`.
    pub fn for_class() -> Self {
        SharedKeys {
            nentries: 0,
            usable: SHARED_KEYS_MAX_SIZE,
        }
    }

    /// `shared_keys_usable_size(keys)`: `dk_nentries + dk_usable`.
    pub fn usable_size(&self) -> usize {
        self.nentries.saturating_add(self.usable)
    }

    /// `init_inline_values` for a new instance: shrink `dk_usable` (not below 1) and return the
    /// length of the instance's values array (see [`values_array_sizeof`] for its bytes).
    pub fn init_instance(&mut self) -> usize {
        if self.usable > 1 {
            self.usable -= 1;
        }
        self.usable_size()
    }

    /// `insert_into_dictkeys` for a new attribute name: its index, or `None` when no room is
    /// left (`dk_usable <= 0`), which materializes the instance's dict as a combined table.
    pub fn insert_key(&mut self) -> Option<usize> {
        if self.usable == 0 {
            return None;
        }
        let ix = self.nentries;
        self.usable -= 1;
        self.nentries = self.nentries.saturating_add(1);
        Some(ix)
    }

    /// Bytes of the shared keys object (allocated once per class with 64 slots and room for
    /// `USABLE_FRACTION(64)` = 42 unicode entries, though only 30 are ever used).
    pub fn keys_bytes(&self) -> usize {
        dict_keys_sizeof(NEXT_LOG2_SHARED_KEYS_MAX_SIZE, true)
    }
}

/// The shape of the `__dict__` of the last of `instances_created` instances of a fresh
/// class, after that instance stored `attrs` distinct attribute names (none stored before).
/// While the shared keys have room the dict is split; the first name that finds
/// `dk_usable == 0` materializes the dict and `insertdict` resizes it to a combined unicode
/// table of `calculate_log2_keysize(used * 3)`, and later names are plain inserts.
pub fn instance_dict_shape(instances_created: usize, attrs: usize) -> DictShape {
    let mut keys = SharedKeys::for_class();
    // init_inline_values stops shrinking at dk_usable == 1: no need to loop further.
    for _ in 0..instances_created.min(SHARED_KEYS_MAX_SIZE + 1) {
        keys.init_instance();
    }
    let mut stored = 0usize;
    while stored < attrs && keys.insert_key().is_some() {
        stored += 1;
    }
    let mut d = DictShape::split(&keys, stored);
    // The rest go through the materialized dict: the first finds no room and converts it.
    d.insert_many(true, attrs - stored);
    d
}

/// `sys.getsizeof(obj.__dict__)` for [`instance_dict_shape`]: 64 + 8 * (`dk_nentries +
/// dk_usable` of the class's keys) while split (the shared keys are the class's, not
/// counted), the combined size once it overflowed.
pub fn instance_dict_sizeof(instances_created: usize, attrs: usize) -> usize {
    dict_sizeof(&instance_dict_shape(instances_created, attrs))
}

/// [`dict_sizeof`] of a split dict whose class keys have `usable_size` = `dk_nentries +
/// dk_usable`.
pub fn split_dict_sizeof(usable_size: usize) -> usize {
    gc_preheader(true, false)
        .saturating_add(PY_DICT_OBJECT)
        .saturating_add(usable_size.saturating_mul(PTR))
}

// ---------------------------------------------------------------------------------------
// set and frozenset
// ---------------------------------------------------------------------------------------

/// `PySet_MINSIZE`: slots of the inline `smalltable`.
pub const PY_SET_MINSIZE: usize = 8;
/// `sizeof(setentry)`: `key` + `hash`.
pub const SETENTRY: usize = PTR + HASH_T;
/// `sizeof(PySetObject)`: head, `fill`, `used`, `mask`, `table`, `hash`, `finger`, the
/// `smalltable[8]`, `weakreflist`.
pub const PY_SET_OBJECT: usize =
    PY_OBJECT_HEAD + 3 * SSIZE_T + PTR + HASH_T + SSIZE_T + PY_SET_MINSIZE * SETENTRY + PTR;

/// `sys.getsizeof(s)` for a set or frozenset whose table has `table_size` (`mask + 1`)
/// slots: GC head + `PySetObject`, plus the separately allocated table when it is not the
/// smalltable (`so->table != so->smalltable`, i.e. more than 8 slots).
pub fn set_sizeof(table_size: usize) -> usize {
    let base = gc_preheader(true, false).saturating_add(PY_SET_OBJECT);
    if table_size > PY_SET_MINSIZE {
        base.saturating_add(table_size.saturating_mul(SETENTRY))
    } else {
        base
    }
}

/// `set_table_resize(so, minused)`: the smallest power of two strictly greater than
/// `minused`, at least `PySet_MINSIZE`.
pub fn set_table_size_for(minused: usize) -> usize {
    let mut newsize = PY_SET_MINSIZE;
    while newsize <= minused {
        match newsize.checked_mul(2) {
            Some(v) => newsize = v,
            None => return usize::MAX,
        }
    }
    newsize
}

/// A set's table state (`mask + 1`, `fill`, `used`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SetShape {
    /// `mask + 1`: slots (8 is the inline smalltable).
    pub table: usize,
    /// `fill`: active + dummy slots.
    pub fill: usize,
    /// `used`: active slots.
    pub used: usize,
}

/// A [`SetShape`] as a set object stores it: `u32` counts (see [`PackedDictShape`]), so
/// the `Kind::Set` variant fits the 64-byte table entry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PackedSetShape {
    table: u32,
    fill: u32,
    used: u32,
}

impl PackedSetShape {
    /// The shape.
    #[inline]
    pub fn get(self) -> SetShape {
        SetShape {
            table: self.table as usize,
            fill: self.fill as usize,
            used: self.used as usize,
        }
    }

    /// Change the shape through `f`.
    #[inline]
    pub fn update(&mut self, f: impl FnOnce(&mut SetShape)) {
        let mut s = self.get();
        f(&mut s);
        *self = s.into();
    }
}

impl From<SetShape> for PackedSetShape {
    #[inline]
    fn from(s: SetShape) -> Self {
        PackedSetShape {
            table: count32(s.table),
            fill: count32(s.fill),
            used: count32(s.used),
        }
    }
}

impl std::fmt::Debug for PackedSetShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Default for SetShape {
    fn default() -> Self {
        Self::new()
    }
}

impl SetShape {
    /// `make_new_set`: the empty smalltable.
    pub fn new() -> Self {
        SetShape {
            table: PY_SET_MINSIZE,
            fill: 0,
            used: 0,
        }
    }

    /// `set_table_resize(so, minused)`: live entries reinserted into a table of
    /// [`set_table_size_for`] slots, dummies dropped.
    pub fn resize(&mut self, minused: usize) {
        self.table = set_table_size_for(minused);
        self.fill = self.used;
    }

    /// `set_add_entry` for a key not in the set, landing in a never-used slot: `fill++`,
    /// `used++`, then `if fill*5 >= mask*3` resize to `used*4` (`used*2` above 50000 entries).
    pub fn add(&mut self) {
        self.fill = self.fill.saturating_add(1);
        self.used = self.used.saturating_add(1);
        let mask = self.table.saturating_sub(1);
        if self.fill.saturating_mul(5) >= mask.saturating_mul(3) {
            let minused = if self.used > 50000 {
                self.used.saturating_mul(2)
            } else {
                self.used.saturating_mul(4)
            };
            self.resize(minused);
        }
    }

    /// [`SetShape::add`] `n` times, jumping straight to the add that triggers each resize
    /// (the first `fill` with `fill * 5 >= mask * 3`).
    pub fn add_many(&mut self, n: usize) {
        let trigger_for =
            |table: usize| table.saturating_sub(1).saturating_mul(3).div_ceil(5).max(1);
        let mut left = n;
        while left > 0 {
            // adds that stay below the first fill with `fill * 5 >= mask * 3`
            let quiet = trigger_for(self.table)
                .saturating_sub(1)
                .saturating_sub(self.fill);
            let take = quiet.min(left);
            self.fill = self.fill.saturating_add(take);
            self.used = self.used.saturating_add(take);
            left -= take;
            if left > 0 {
                let before = self.table;
                self.add();
                left -= 1;
                if self.table <= before && self.fill.saturating_add(1) >= trigger_for(self.table) {
                    // No table can hold more (past the address space): saturated.
                    self.fill = self.fill.saturating_add(left);
                    self.used = self.used.saturating_add(left);
                    break;
                }
            }
        }
    }

    /// `set_add_entry` when the new key reuses a dummy slot found on its probe: `used++`
    /// only, no resize check.
    pub fn add_into_dummy(&mut self) {
        self.used = self.used.saturating_add(1);
    }

    /// `discard`/`remove` of a present key: it becomes a dummy (`used--`, `fill` unchanged).
    pub fn discard(&mut self) {
        self.used = self.used.saturating_sub(1);
    }

    /// `set_merge(so, other)` for a set/frozenset `other` of `other_used` keys not in `so`
    /// (`set(a_set)`, `s.copy()`, `s.update(a_set)`, `SET_UPDATE` of a frozenset constant):
    /// one presizing `set_table_resize(so, (used + other.used) * 2)` if `(fill +
    /// other.used) * 5 >= mask * 3`, then clean inserts with no further checks.
    pub fn merge(&mut self, other_used: usize) {
        if other_used == 0 {
            return;
        }
        let mask = self.table.saturating_sub(1);
        if self.fill.saturating_add(other_used).saturating_mul(5) >= mask.saturating_mul(3) {
            self.resize(self.used.saturating_add(other_used).saturating_mul(2));
        }
        self.fill = self.fill.saturating_add(other_used);
        self.used = self.used.saturating_add(other_used);
    }
}

/// Table size of a set built by `n` adds of distinct keys from empty: `s.add` in a loop,
/// `set(iterable)` / `frozenset(iterable)` for an iterable that is not a set or dict (a
/// list, tuple, range, generator: `set_update_internal` iterates with `set_add_key`), a set
/// comprehension, a display `{a, b, c}` of names.
pub fn set_table_after_adds(n: usize) -> usize {
    let mut s = SetShape::new();
    s.add_many(n);
    s.table
}

/// The table size after one more add brought a set without dummies to `used` entries in a
/// table of `table` slots (the heap engine's incremental form of [`SetShape::add`]).
pub fn set_table_after_insert(table: usize, used: usize) -> usize {
    let mut s = SetShape {
        table,
        fill: used.saturating_sub(1),
        used: used.saturating_sub(1),
    };
    s.add();
    s.table
}

/// Table size of `set(s)` / `frozenset(s)` / `s.copy()` for a set `s` of `n` keys
/// (`set_merge` into an empty set).
pub fn set_table_for_copy(n: usize) -> usize {
    let mut s = SetShape::new();
    s.merge(n);
    s.table
}

/// Table size of `set(d)` / `frozenset(d)` / `s.update(d)` on an empty set, for an exact dict
/// `d` of `n` keys: `set_update_internal` presizes like `set_merge` (if `(fill + n) * 5 >=
/// mask * 3`, `set_table_resize((used + n) * 2)`) but then adds with `set_add_entry`, whose
/// resize checks still apply.
pub fn set_table_from_dict(n: usize) -> usize {
    let mut s = SetShape::new();
    if n > 0 {
        let mask = s.table - 1;
        if s.fill.saturating_add(n).saturating_mul(5) >= mask.saturating_mul(3) {
            s.resize(s.used.saturating_add(n).saturating_mul(2));
        }
        s.add_many(n);
    }
    s.table
}

/// Table size of a set display of `n` items: with more than 2 items, all constants, the
/// compiler folds them into a frozenset constant (`BUILD_SET 0; LOAD_CONST frozenset;
/// SET_UPDATE 1`), which merges with presizing; otherwise `BUILD_SET n` adds one by one.
pub fn set_table_for_display(n: usize, all_constants: bool) -> usize {
    if n > 2 && all_constants {
        set_table_for_copy(n)
    } else {
        set_table_after_adds(n)
    }
}

// ---------------------------------------------------------------------------------------
// class instances, functions, generators
// ---------------------------------------------------------------------------------------

/// `tp_basicsize` of a Python class deriving from `object` (`type_new_descriptors`): the
/// object head, one pointer per `__slots__` name, one for `__weakref__` when present. With a
/// managed dict (3.11: no `__slots__`, or `"__dict__"` in them) the dict lives in the
/// pre-header and adds nothing here.
pub fn instance_basicsize(has_weakref_slot: bool, nslots: usize) -> usize {
    PY_BASE_OBJECT
        .saturating_add(nslots.saturating_mul(PTR))
        .saturating_add(usize::from(has_weakref_slot) * PTR)
}

/// `sys.getsizeof(obj)` for an instance of a Python class (all heap types are GC):
/// `tp_basicsize` + GC head + the 16-byte managed-dict pre-header when
/// `Py_TPFLAGS_MANAGED_DICT`. A regular class (`managed_dict`, `__weakref__`, no slots) is
/// 16 + 8 + 16 + 16 = 56; `__slots__ = ()` is 32; each slot adds 8. The instance's values
/// array and its dict are separate objects, not counted.
pub fn instance_sizeof(managed_dict: bool, has_weakref_slot: bool, nslots: usize) -> usize {
    gc_preheader(true, managed_dict).saturating_add(instance_basicsize(has_weakref_slot, nslots))
}

/// `sizeof(PyFunctionObject)`: head, `COMMON_FIELDS` (globals, builtins, name, qualname,
/// code, defaults, kwdefaults, closure), doc, dict, weakreflist, module, annotations,
/// vectorcall, `func_version` (uint32, padded to pointer alignment).
pub const PY_FUNCTION_OBJECT: usize =
    align_up(PY_OBJECT_HEAD + 8 * PTR + 5 * PTR + PTR + UINT32, PTR);

/// `sys.getsizeof(f)` for a Python function or lambda (GC).
pub fn function_sizeof() -> usize {
    gc_preheader(true, false).saturating_add(PY_FUNCTION_OBJECT)
}

/// `sizeof(_PyErr_StackItem)`: `exc_value`, `previous_item`.
pub const PY_ERR_STACK_ITEM: usize = 2 * PTR;
/// `offsetof(PyGenObject, gi_iframe)`: head, code, weakreflist, name, qualname, exc_state,
/// origin_or_finalizer, three `char` flags and the `int8_t` frame state, aligned for the
/// frame's pointers.
pub const PY_GEN_IFRAME_OFFSET: usize = align_up(
    PY_OBJECT_HEAD + 4 * PTR + PY_ERR_STACK_ITEM + PTR + 3 * CHAR + CHAR,
    PTR,
);
/// `offsetof(_PyInterpreterFrame, localsplus)`: f_func, f_globals, f_builtins, f_locals,
/// f_code, frame_obj, previous, prev_instr, `int stacktop`, `bool is_entry`, `char owner`.
pub const INTERP_FRAME_LOCALSPLUS_OFFSET: usize = align_up(8 * PTR + INT + CHAR + CHAR, PTR);
/// `sizeof(_PyInterpreterFrame)` (with its one-element `localsplus`).
pub const SIZEOF_INTERP_FRAME: usize = INTERP_FRAME_LOCALSPLUS_OFFSET + PTR;
/// `FRAME_SPECIALS_SIZE`: `(sizeof(_PyInterpreterFrame) - 1) / sizeof(PyObject *)` words.
pub const FRAME_SPECIALS_SIZE: usize = (SIZEOF_INTERP_FRAME - 1) / PTR;
/// `PyGen_Type.tp_basicsize`: `offsetof(PyGenObject, gi_iframe) + offsetof(_PyInterpreterFrame,
/// localsplus)`; `tp_itemsize` is one pointer.
pub const PY_GEN_BASICSIZE: usize = PY_GEN_IFRAME_OFFSET + INTERP_FRAME_LOCALSPLUS_OFFSET;

/// The frame size in words of a 3.11 code object, as the interpreter computes it when it
/// pushes a frame (`co_nlocalsplus + co_stacksize + FRAME_SPECIALS_SIZE`; 3.12 caches it as
/// `co_framesize`). `nlocalsplus` counts arguments, locals, cells and free variables.
pub fn generator_framesize_for(nlocalsplus: usize, stacksize: usize) -> usize {
    nlocalsplus
        .saturating_add(stacksize)
        .saturating_add(FRAME_SPECIALS_SIZE)
}

/// Frame words of a *simple* generator function with `nlocals` locals whose body yields one
/// name or constant at a time (`def g(a, b): yield a; yield b`): such a body needs one stack
/// slot, so `co_stacksize` is 1. A generator with a loop has a deeper stack: `for i in
/// range(n): yield i` has `co_stacksize` 3 (the iterator, the loop value, ...), `while i < n:
/// yield i; i += 1` has 2 — use [`generator_framesize_for`] with the real `co_stacksize`.
pub fn generator_framesize(nlocals: usize) -> usize {
    generator_framesize_for(nlocals, 1)
}

/// `sys.getsizeof(gen)` (`gen_sizeof` + GC head): `PyGen_Type.tp_basicsize` plus one word
/// per local and stack slot, `co_nlocalsplus + co_stacksize` = `framesize -
/// FRAME_SPECIALS_SIZE` (`make_gen` allocates exactly that many items).
pub fn generator_sizeof(co_framesize_words: usize) -> usize {
    let slots = co_framesize_words.saturating_sub(FRAME_SPECIALS_SIZE);
    gc_preheader(true, false)
        .saturating_add(PY_GEN_BASICSIZE)
        .saturating_add(slots.saturating_mul(PTR))
}

// ---------------------------------------------------------------------------------------
// array.array
// ---------------------------------------------------------------------------------------

/// `sizeof(arrayobject)`: var head, `ob_item`, `allocated`, `ob_descr`, `weakreflist`,
/// `ob_exports`.
pub const ARRAY_OBJECT: usize = PY_VAR_OBJECT_HEAD + PTR + SSIZE_T + PTR + PTR + SSIZE_T;

/// `arraydescr.itemsize` for a typecode (the `descriptors[]` table of Modules/arraymodule.c:
/// C type sizes on LP64 Linux), `None` for an invalid typecode.
pub fn array_itemsize(typecode: char) -> Option<usize> {
    const SHORT: usize = 2;
    const LONG: usize = 8;
    const LONG_LONG: usize = 8;
    const FLOAT: usize = 4;
    Some(match typecode {
        'b' | 'B' => CHAR,
        'u' => WCHAR_T,
        'h' | 'H' => SHORT,
        'i' | 'I' => INT,
        'l' | 'L' => LONG,
        'q' | 'Q' => LONG_LONG,
        'f' => FLOAT,
        'd' => DOUBLE,
        _ => return None,
    })
}

/// `sys.getsizeof(a)` (`array_array___sizeof___impl` + GC head): `arrayobject` plus
/// `allocated * itemsize` bytes of the separately allocated buffer.
pub fn array_sizeof(typecode: char, allocated: usize) -> Option<usize> {
    let itemsize = array_itemsize(typecode)?;
    Some(
        gc_preheader(true, false)
            .saturating_add(ARRAY_OBJECT)
            .saturating_add(allocated.saturating_mul(itemsize)),
    )
}

/// `array_resize(self, new_len)` on an array of `old_len` items and `allocated` slots: the
/// new `allocated`. Early return when `allocated >= new_len`, the array shrinks by fewer than
/// 16 items and a buffer exists (`allocated > 0`); 0 for an empty array; else
/// `(new_len >> 4) + (old_len < 8 ? 3 : 7) + new_len`. Growth by appends: 0, 4, 8, 16, 25,
/// 34, 46, 56, 67, 79, ...
pub fn array_resize(allocated: usize, old_len: usize, new_len: usize) -> usize {
    if allocated >= new_len && old_len < new_len.saturating_add(16) && allocated > 0 {
        return allocated;
    }
    if new_len == 0 {
        return 0;
    }
    let extra = if old_len < 8 { 3 } else { 7 };
    (new_len >> 4).saturating_add(extra).saturating_add(new_len)
}

/// `allocated` after `n` appends to an empty array (`a.append(x)`, and also
/// `array(tc, iterable)` / `a.extend(iterable)` for iterables that are not a list, tuple,
/// bytes or array: `array_iter_extend` calls `ins1`, hence `array_resize(n + 1)`, per item).
pub fn array_allocated_after_appends(n: usize) -> usize {
    let mut allocated = 0usize;
    let mut len = 0usize;
    // `array_resize(len + 1)` returns early while `len < allocated`: jump between full arrays.
    while len < n {
        if len >= allocated {
            let grown = array_resize(allocated, len, len + 1);
            if grown <= allocated {
                break; // saturated
            }
            allocated = grown;
        }
        len = allocated.min(n);
    }
    allocated
}

/// `array(tc, iterable)` of `n` items from a generic iterable (`range`, generator):
/// [`array_allocated_after_appends`].
pub fn array_allocated_after_extend_from_iter(n: usize) -> usize {
    array_allocated_after_appends(n)
}

/// `array(tc, list_or_tuple)` of `n` items: `newarrayobject(type, n, descr)`, exactly `n`.
pub fn array_allocated_from_sequence(n: usize) -> usize {
    n
}

// ---------------------------------------------------------------------------------------
// allocator requests
// ---------------------------------------------------------------------------------------

/// One allocation CPython makes for an object, for [`block_request`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block<'a> {
    /// A run-time int of this value ([`int_block_request`]: 32 for one digit, else
    /// `_PyLong_New(ndigits)`; small ints -5..=256 are static). Multi-digit arithmetic can
    /// ask for more than the normalized result needs: `x_add` allocates `size_a + 1` digits
    /// (`(1 << 60) + 1` requests 40, not 36), `x_mul` `size_a + size_b`; use
    /// [`Block::IntDigits`] for those.
    Int(i128),
    /// `_PyLong_New(ndigits)` itself (`offsetof(ob_digit) + max(ndigits, 1) * 4`), as used by
    /// multi-digit arithmetic and `int(str)`.
    IntDigits(usize),
    /// `PyFloat_FromDouble` (a free list may serve it).
    Float,
    /// `PyComplex_FromCComplex`.
    Complex,
    /// `PyUnicode_New` for this text (`''` and 1-char latin-1 strings are static singletons).
    Str(&'a str),
    /// `_PyBytes_FromSize(n)` (`b''` and 1-byte bytes are static singletons).
    Bytes(usize),
    /// `PyTuple_New(n)` / `tuple_alloc` (`()` is static; lengths 1..20 have free lists).
    Tuple(usize),
    /// The `PyListObject` block (`PyList_New`, `PyType_GenericAlloc`).
    List,
    /// The list's items array: `PyMem_Realloc(ob_item, 8 * allocated)` (none for 0).
    ListItems(usize),
    /// The `PyDictObject` block (`new_dict`, `dict_new`).
    Dict,
    /// A combined keys object (`new_keys_object(log2, unicode)`; 8-slot unicode keys have a
    /// free list); log2 0 is `Py_EMPTY_KEYS`: nothing allocated.
    DictKeys {
        /// `dk_log2_size`.
        log2_size: u8,
        /// `DICT_KEYS_UNICODE` (16-byte entries) or general (24-byte).
        unicode: bool,
    },
    /// A split dict's / 3.11 instance's values array of this many slots (`new_values`).
    DictValues(usize),
    /// The `PySetObject` block (smalltable included).
    Set,
    /// A set's table of this many slots when larger than the smalltable
    /// (`PyMem_NEW(setentry, newsize)`); 0 for the smalltable.
    SetTable(usize),
    /// `range(...)`.
    Range,
    /// `object()` (`PyType_GenericAlloc`: `_PyObject_VAR_SIZE(type, 0 + 1)` with itemsize 0).
    Object,
    /// An instance of a Python class (`_PyType_AllocNoTrack`: pre-header + basicsize).
    Instance {
        /// `Py_TPFLAGS_MANAGED_DICT`.
        managed_dict: bool,
        /// `__weakref__` slot.
        has_weakref_slot: bool,
        /// Named `__slots__`.
        nslots: usize,
    },
    /// `PyFunction_New*`.
    Function,
    /// `make_gen`: `PyObject_GC_NewVar(PyGenObject, type, co_nlocalsplus + co_stacksize)`,
    /// given the frame size in words.
    Generator(usize),
    /// The `arrayobject` block (`PyType_GenericAlloc` of the heap type).
    Array,
    /// An array's buffer: `allocated * itemsize` bytes (none for 0 or a bad typecode).
    ArrayItems {
        /// The array's typecode.
        typecode: char,
        /// Its `allocated`.
        allocated: usize,
    },
}

/// Bytes CPython asks its allocator for (`PyObject_Malloc`/`PyMem_Malloc`, before pymalloc's
/// rounding to 16-byte size classes): the pre-header plus the object for object blocks, the
/// bare buffer for separately allocated parts. It differs from `sys.getsizeof`:
/// - a list, dict, set or array is two blocks: the object and its items/keys/table/buffer,
///   whose sum is `getsizeof` (a dict's values array also has its byte prefix, which
///   `getsizeof` leaves out; an instance's values array is not counted by `getsizeof(obj)`
///   at all; a class's shared keys are counted by nobody);
/// - a one-digit int made at run time asks for `sizeof(PyLongObject)` = 32 where `getsizeof`
///   says 28 (`_PyLong_FromMedium`);
/// - static singletons (small ints, `()`, `''`, `b''`, `True`/`False`) are never allocated,
///   and free lists (float, tuple, list, dict, 8-slot unicode keys) reuse blocks: the
///   caller decides whether a request happens at all.
pub fn block_request(block: Block<'_>) -> usize {
    match block {
        Block::Int(v) => int_block_request(v),
        Block::IntDigits(n) => int_sizeof_for_ndigits(n),
        Block::Float => PY_FLOAT_OBJECT,
        Block::Complex => PY_COMPLEX_OBJECT,
        Block::Str(s) => str_sizeof(s),
        Block::Bytes(n) => bytes_sizeof(n),
        Block::Tuple(n) => tuple_sizeof(n),
        Block::List => gc_preheader(true, false) + PY_LIST_OBJECT,
        Block::ListItems(allocated) => allocated.saturating_mul(PTR),
        Block::Dict => gc_preheader(true, false) + PY_DICT_OBJECT,
        Block::DictKeys { log2_size, unicode } => dict_keys_sizeof(log2_size, unicode),
        Block::DictValues(size) => values_array_sizeof(size),
        Block::Set => gc_preheader(true, false) + PY_SET_OBJECT,
        Block::SetTable(slots) => {
            if slots > PY_SET_MINSIZE {
                slots.saturating_mul(SETENTRY)
            } else {
                0
            }
        }
        Block::Range => RANGE_OBJECT,
        Block::Object => PY_BASE_OBJECT,
        Block::Instance {
            managed_dict,
            has_weakref_slot,
            nslots,
        } => instance_sizeof(managed_dict, has_weakref_slot, nslots),
        Block::Function => function_sizeof(),
        Block::Generator(framesize) => generator_sizeof(framesize),
        Block::Array => gc_preheader(true, false) + ARRAY_OBJECT,
        Block::ArrayItems {
            typecode,
            allocated,
        } => array_itemsize(typecode).map_or(0, |s| allocated.saturating_mul(s)),
    }
}

// ---------------------------------------------------------------------------------------
// Tests: the corpus against python3
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The struct sizes CPython's own headers imply, checked once more by hand.
    #[test]
    fn struct_sizes() {
        assert_eq!(PY_ASCII_OBJECT, 48);
        assert_eq!(PY_COMPACT_UNICODE_OBJECT, 72);
        assert_eq!(PY_DICT_OBJECT, 48);
        assert_eq!(PY_DICT_KEYS_OBJECT, 32);
        assert_eq!(PY_SET_OBJECT, 200);
        assert_eq!(PY_FUNCTION_OBJECT, 136);
        assert_eq!(PY_GEN_IFRAME_OFFSET, 80);
        assert_eq!(INTERP_FRAME_LOCALSPLUS_OFFSET, 72);
        assert_eq!(FRAME_SPECIALS_SIZE, 9);
        assert_eq!(ARRAY_OBJECT, 64);
        assert_eq!(SIZEOF_PY_LONG_OBJECT, 32);
        assert_eq!(block_request(Block::Int(1000)), 32);
        assert_eq!(block_request(Block::Int(1 << 30)), 32);
        assert_eq!(block_request(Block::Int(1 << 60)), 36);
        assert_eq!(int_sizeof(1000), 28);
        assert_eq!(dict_sizeof(&DictShape::empty()), 64);
        assert_eq!(tuple_sizeof(0), 40);
    }

    #[test]
    fn no_panics_on_extremes() {
        for &n in &[0usize, 1, 7, usize::MAX / 2, usize::MAX - 1, usize::MAX] {
            let _ = list_resize(n, n, n);
            let _ = list_resize(0, 0, n);
            let _ = list_resize(n, 0, 0);
            let _ = list_sizeof(n);
            let _ = tuple_sizeof(n);
            let _ = bytes_sizeof(n);
            let _ = set_sizeof(n);
            let _ = set_table_size_for(n);
            let _ = set_table_after_insert(n, n);
            let _ = array_resize(n, n, n);
            let _ = array_resize(0, n, n);
            let _ = array_sizeof('d', n);
            let _ = values_array_sizeof(n);
            let _ = generator_sizeof(n);
            let _ = generator_framesize_for(n, n);
            let _ = instance_sizeof(true, true, n);
            let _ = split_dict_sizeof(n);
            let _ = list_preallocate_exact(n);
            let _ = calculate_log2_keysize(n);
            let _ = estimate_log2_keysize(n);
            let _ = usable_fraction(n);
            let mut s = SetShape {
                table: n,
                fill: n,
                used: n,
            };
            s.add();
            s.merge(n);
            let mut d = DictShape {
                log2_size: 63,
                kind: DictKeysKind::General,
                used: n,
                nentries: n,
                usable: 0,
            };
            d.insert(false);
            d.merge(&DictShape { used: n, ..d });
            let _ = dict_sizeof(&d);
        }
        for log2 in 0..=u8::MAX {
            let _ = dict_keys_sizeof(log2, true);
            let _ = dict_keys_sizeof(log2, false);
            let _ = dict_sizeof_from(log2, false, false);
            let _ = dict_sizeof(&DictShape::fresh(log2, false));
        }
        let _ = list_allocated_after_appends(usize::MAX);
        let _ = list_allocated_after_more_appends(3, 10, usize::MAX);
        let _ = array_allocated_after_appends(usize::MAX);
        let _ = set_table_after_adds(usize::MAX);
        let _ = dict_shape_for_inserts(true, usize::MAX);
        let _ = dict_shape_for_inserts(false, usize::MAX);
        let _ = dict_shape_for_display(true, usize::MAX);
        let _ = dict_shape_for_display(false, usize::MAX - 1);
        let _ = instance_dict_sizeof(usize::MAX, usize::MAX);
        let _ = set_table_for_display(usize::MAX, true);
        let _ = int_sizeof(i128::MIN);
        let _ = int_sizeof(i128::MAX);
        let _ = int_sizeof_for_bits(u64::MAX);
        assert_eq!(array_sizeof('z', 3), None);
        assert_eq!(
            block_request(Block::ArrayItems {
                typecode: 'z',
                allocated: 3
            }),
            0
        );
    }

    #[test]
    fn growth_sequences_match_the_c_comments() {
        let mut seq = vec![0usize];
        let mut alloc = 0;
        for len in 0..80 {
            if len >= alloc {
                alloc = list_resize(alloc, len, len + 1);
                seq.push(alloc);
            }
        }
        assert_eq!(&seq[..10], &[0, 4, 8, 16, 24, 32, 40, 52, 64, 76]);
        let mut seq = vec![0usize];
        let mut alloc = 0;
        for len in 0..80 {
            let a = array_resize(alloc, len, len + 1);
            if a != alloc {
                seq.push(a);
            }
            alloc = a;
        }
        // The C comment says "0, 4, 8, 16, 25, 34, 46, 56, 67, 79", but its own formula
        // (and python3: the corpus's `array_append:*:40`) gives 44 after 34: the comment is
        // stale.
        assert_eq!(&seq[..10], &[0, 4, 8, 16, 25, 34, 44, 54, 65, 77]);
    }

    // -------- the corpus --------

    fn corpus_path() -> PathBuf {
        let here = Path::new(file!());
        let from_file = here
            .parent()
            .and_then(Path::parent)
            .map(|root| root.join("python/sizes/corpus.py"));
        let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/sizes/corpus.py");
        match from_file {
            Some(p) if p.exists() => p,
            _ => from_manifest,
        }
    }

    fn num(s: &str) -> Option<usize> {
        s.parse().ok()
    }

    fn gen_str(class: &str, n: usize) -> Option<String> {
        let c = match class {
            "ascii" => 'a',
            "latin1" => '\u{e9}',
            "ucs2" => '\u{20ac}',
            "ucs4" => '\u{1F600}',
            _ => return None,
        };
        Some(std::iter::repeat_n(c, n).collect())
    }

    /// The model's value for a corpus label, `None` for an unknown label.
    fn model(label: &str) -> Option<usize> {
        let parts: Vec<&str> = label.split(':').collect();
        let a = |i: usize| parts.get(i).copied().unwrap_or("");
        let n = |i: usize| num(a(i));
        Some(match a(0) {
            "version" => 311,
            "int" => int_sizeof(a(1).parse().ok()?),
            "intbits" => int_sizeof_for_bits(a(1).parse().ok()?),
            "bool" => bool_sizeof(a(1) == "True"),
            "float" => float_sizeof(),
            "complex" => complex_sizeof(),
            "str" if a(1) == "mixed" => str_sizeof(a(2)),
            "str" => str_sizeof(&gen_str(a(1), n(2)?)?),
            "bytes" => bytes_sizeof(n(1)?),
            "tuple" if a(1) == "0call" => tuple_sizeof(0),
            "tuple" => tuple_sizeof(n(1)?),
            "list_lit_const" => list_sizeof(list_allocated_for_display(n(1)?, true)),
            "list_lit_var" => list_sizeof(list_allocated_for_display(n(1)?, false)),
            "list_append" | "list_comp" => list_sizeof(list_allocated_after_appends(n(1)?)),
            "list_range" | "list_tuple" => list_sizeof(list_allocated_from_sized(n(1)?)),
            "list_repeat" => list_sizeof(list_allocated_for_repeat(n(1)?)),
            "dict" => dict_sizeof(&DictShape::empty()),
            "dict_insert_str" => dict_sizeof(&dict_shape_for_inserts(true, n(1)?)),
            "dict_insert_int" => dict_sizeof(&dict_shape_for_inserts(false, n(1)?)),
            "dict_comp_str" => dict_sizeof(&dict_shape_for_inserts(true, n(1)?)),
            "dict_lit_str" => dict_sizeof(&dict_shape_for_display(true, n(1)?)),
            "dict_lit_int" => dict_sizeof(&dict_shape_for_display(false, n(1)?)),
            "dict_str_then_other" => {
                let mut d = dict_shape_for_inserts(true, n(1)?);
                d.insert(false);
                dict_sizeof(&d)
            }
            "dict_update_1_plus" => {
                let mut d = dict_shape_for_display(true, 1);
                d.merge(&dict_shape_for_inserts(true, n(1)?));
                dict_sizeof(&d)
            }
            "dict_copy_ctor" => {
                dict_sizeof(&dict_shape_for_copy(&dict_shape_for_inserts(true, n(1)?)))
            }
            "inst_dict" => instance_dict_sizeof(n(1)?, n(2)?),
            "inst_dict_first_after" => {
                // c = C(); c.a0..c.a(k-1) = ...; d = c.__dict__; then more C() calls
                let mut keys = SharedKeys::for_class();
                keys.init_instance();
                let attrs = n(2)?;
                for _ in 0..attrs {
                    keys.insert_key()?;
                }
                for _ in 0..n(1)? {
                    keys.init_instance();
                }
                dict_sizeof(&DictShape::split(&keys, attrs))
            }
            "list_extend" => {
                // lst = [i for i in range(a)]; lst.extend(range(b)) or lst.extend(tuple)
                let (a0, b0) = (n(1)?, n(2)?);
                let alloc = list_allocated_after_appends(a0);
                list_sizeof(list_allocated_after_extend(alloc, a0, b0, alloc > 0))
            }
            "set_add" | "set_range" | "frozenset_range" | "set_comp" => {
                set_sizeof(set_table_after_adds(n(1)?))
            }
            "set_copy" => set_sizeof(set_table_for_copy(n(1)?)),
            "set_dict" => set_sizeof(set_table_from_dict(n(1)?)),
            "set_lit_const" => set_sizeof(set_table_for_display(n(1)?, true)),
            "frozenset" => set_sizeof(PY_SET_MINSIZE),
            "range" => range_sizeof(),
            "object" => object_sizeof(),
            "instance" => match a(1) {
                "plain" => instance_sizeof(true, true, 0),
                "slots" => instance_sizeof(false, false, n(2)?),
                "slots_weakref" => instance_sizeof(false, true, n(2)?),
                "slots_dict" => instance_sizeof(true, false, n(2)?),
                "slots_dict_weakref" => instance_sizeof(true, true, n(2)?),
                _ => return None,
            },
            "function" => function_sizeof(),
            "gen" => generator_sizeof(generator_framesize_for(n(1)?, n(2)?)),
            "array_append" | "array_range" => {
                let tc = a(1).chars().next()?;
                array_sizeof(tc, array_allocated_after_appends(n(2)?))?
            }
            "array_list" => {
                let tc = a(1).chars().next()?;
                array_sizeof(tc, array_allocated_from_sequence(n(2)?))?
            }
            _ => return None,
        })
    }

    #[test]
    fn corpus_matches_python3() {
        let ci = std::env::var("CI").map(|v| v == "true").unwrap_or(false);
        let path = corpus_path();
        let out = Command::new("python3").arg("-I").arg(&path).output();
        let out = match out {
            Ok(o) if o.status.success() => o,
            Ok(o) => panic!(
                "python3 {} failed: {}",
                path.display(),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => {
                assert!(!ci, "CI=true but python3 could not run: {e}");
                eprintln!("python3 not available ({e}): corpus comparison skipped");
                return;
            }
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let mut cases = 0usize;
        let mut mismatches = Vec::new();
        for line in text.lines() {
            let Some((label, value)) = line.split_once('\t') else {
                mismatches.push(format!("malformed line {line:?}"));
                continue;
            };
            if label == "version" && value != "311" {
                assert!(!ci, "CI=true but python3 is not 3.11 ({value})");
                eprintln!("python3 is not 3.11 ({value}): corpus comparison skipped");
                return;
            }
            if label != "version" {
                cases += 1;
            }
            let expected: usize = match value.parse() {
                Ok(v) => v,
                Err(_) => {
                    mismatches.push(format!("{label}: bad value {value:?}"));
                    continue;
                }
            };
            match model(label) {
                Some(v) if v == expected => {}
                Some(v) => mismatches.push(format!("{label}: python3 {expected}, model {v}")),
                None => mismatches.push(format!("{label}: no model")),
            }
        }
        assert!(cases >= 80, "only {cases} corpus cases");
        assert!(
            mismatches.is_empty(),
            "{} of {} cases differ:\n{}",
            mismatches.len(),
            cases,
            mismatches.join("\n")
        );
        eprintln!("{cases} corpus cases match python3");
    }
}
