//! Objects: what every CPython object carries (`ob_refcnt`, `ob_type`, a value) and the
//! per-type payloads the model knows.
//!
//! An [`ObjId`] is a handle into the heap's object table. It is *not* a reference in
//! CPython's sense: holding one does not keep the object alive (it is what `id()` gives you,
//! plus a generation so a stale handle is detected instead of silently naming a new object).

use smallvec::SmallVec;
use std::cell::RefCell;
use std::num::NonZeroU32;
use std::rc::Rc;
use thin_vec::ThinVec;

use crate::layout::{PackedDictShape, PackedSetShape, SharedKeys};

use crate::names::Body;

/// A handle to a heap object: an index into the object table and the slot's generation.
/// The generation is never zero, so an `Option<ObjId>` (a slot, a weakref's referent, a
/// list link) takes no more room than the handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjId {
    pub(crate) index: u32,
    pub(crate) generation: NonZeroU32,
}

/// Up to three references inline (a tuple's items): most tuples hold few, and three keep
/// the variant within the table entry's 64 bytes.
pub type Refs = SmallVec<[ObjId; 3]>;

/// The built-in types the model knows. User classes are `Instance`s of a `Type` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum TypeTag {
    /// `type(None)`
    #[default]
    NoneType,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `str`
    Str,
    /// `bytes`
    Bytes,
    /// `tuple`
    Tuple,
    /// `list`
    List,
    /// `dict`
    Dict,
    /// `set`
    Set,
    /// `frozenset`
    FrozenSet,
    /// `range`
    Range,
    /// `type` (a class object)
    Type,
    /// An instance of a user class.
    Instance,
    /// A bare `object()`.
    Object,
    /// `function`
    Function,
    /// `code`
    Code,
    /// `frame` (only materialized when asked for, as in 3.11)
    Frame,
    /// `weakref.ReferenceType`
    WeakRef,
    /// `getset_descriptor` (a class's `__dict__` and `__weakref__` descriptors)
    GetSetDescriptor,
    /// `method`: a function bound to an instance
    Method,
    /// `builtin_function_or_method`
    Builtin,
    /// `generator`
    Generator,
    /// `array.array`
    Array,
    /// `mappingproxy`: the read-only view `P.__dict__` makes of a class's dict
    MappingProxy,
}

impl TypeTag {
    /// The name `type(x).__name__` gives.
    pub fn name(self) -> &'static str {
        match self {
            TypeTag::NoneType => "NoneType",
            TypeTag::Bool => "bool",
            TypeTag::Int => "int",
            TypeTag::Float => "float",
            TypeTag::Str => "str",
            TypeTag::Bytes => "bytes",
            TypeTag::Tuple => "tuple",
            TypeTag::List => "list",
            TypeTag::Dict => "dict",
            TypeTag::Set => "set",
            TypeTag::FrozenSet => "frozenset",
            TypeTag::Range => "range",
            TypeTag::Type => "type",
            TypeTag::Instance => "object",
            TypeTag::Object => "object",
            TypeTag::Function => "function",
            TypeTag::Code => "code",
            TypeTag::Frame => "frame",
            TypeTag::WeakRef => "weakref.ReferenceType",
            TypeTag::GetSetDescriptor => "getset_descriptor",
            TypeTag::Method => "method",
            TypeTag::Builtin => "builtin_function_or_method",
            TypeTag::Generator => "generator",
            TypeTag::Array => "array.array",
            TypeTag::MappingProxy => "mappingproxy",
        }
    }

    /// Whether objects of this type carry a `PyGC_Head` (CPython's `Py_TPFLAGS_HAVE_GC`):
    /// only containers can be part of a cycle, so only they are ever tracked.
    pub fn is_gc(self) -> bool {
        matches!(
            self,
            TypeTag::Tuple
                | TypeTag::List
                | TypeTag::Dict
                | TypeTag::Set
                | TypeTag::FrozenSet
                | TypeTag::Type
                | TypeTag::Instance
                | TypeTag::Function
                | TypeTag::Frame
                | TypeTag::WeakRef
                | TypeTag::GetSetDescriptor
                | TypeTag::Method
                | TypeTag::Builtin
                | TypeTag::Generator
                | TypeTag::Array
                | TypeTag::MappingProxy
        )
    }
}

/// The built-in callables reachable by name (`int`, `id`, `len`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinFn {
    /// `int(x)`: parses a str or converts a float at run time (a new object above 256).
    Int,
    /// `float(x)`
    Float,
    /// `str(x)`: a new string made at run time.
    Str,
    /// `list(iterable)`
    List,
    /// `tuple(iterable)`
    Tuple,
    /// `set(iterable)`
    Set,
    /// `frozenset(iterable)`
    FrozenSet,
    /// `dict()`
    Dict,
    /// `len(x)`
    Len,
    /// `id(x)`
    Id,
    /// `hash(x)` (3.11's hash functions, see [`crate::hashing`])
    Hash,
    /// `sys.intern(s)`
    Intern,
    /// `weakref.ref(obj[, callback])`
    WeakRef,
    /// `range(n)`
    Range,
    /// `object()`
    Object,
    /// `array.array(typecode[, initializer])` (`from array import array`)
    Array,
}

/// A class's cached keys (`ht_cached_keys`): the attribute names its instances share, in
/// insertion order, and the keys object's counts.
#[derive(Debug, Clone, Default)]
pub struct CachedKeys {
    /// The names, in the order instances first stored them (`dk_nentries` of them).
    pub names: Vec<Rc<str>>,
    /// `dk_nentries` and `dk_usable`, which size every new instance's values array and
    /// every split `__dict__` (`_PyDict_SizeOf` reads them when it is called).
    pub counts: SharedKeys,
}

/// The cached keys, shared by the class and the split `__dict__`s of its instances as the C
/// shares one refcounted keys object: an instance created or a name added changes what
/// every split dict of the class reports.
pub type SharedKeysRef = Rc<RefCell<CachedKeys>>;

/// A user class: what `class Name: ...` creates.
#[derive(Debug, Clone)]
pub struct ClassInfo {
    /// `__name__`
    pub name: Rc<str>,
    /// The class `__dict__` (a real dict object holding class attributes and methods).
    pub dict: ObjId,
    /// `__mro__`: `(cls, object)`.
    pub mro: ObjId,
    /// `__bases__`: `(object,)`.
    pub bases: ObjId,
    /// `__slots__` names, if the class declares them (then instances have no `__dict__`).
    pub slots: Option<Vec<Rc<str>>>,
    /// Whether instances can be weakly referenced (no `__slots__`, or `'__weakref__'` in them).
    pub weakrefable: bool,
    /// Whether the class defines `__del__` (a `tp_finalize`, PEP 442).
    pub has_del: bool,
    /// Keys shared by the instances' inline values (3.11's `ht_cached_keys`); `None` for a
    /// class whose `__slots__` leave `__dict__` out (it has no cached keys).
    pub cached_keys: Option<SharedKeysRef>,
    /// Address of the cached keys object (a 64-slot unicode keys table; 0 if none).
    pub cached_keys_addr: u64,
    /// Where `__init__` was last found in `dict` (see [`crate::classes::InitMemo`]).
    pub init: crate::classes::InitMemo,
}

impl ClassInfo {
    /// The `__slots__` names that are member slots holding a value (not `__weakref__` or
    /// `__dict__`), in the order of an instance's [`SlotValues`]; none without `__slots__`.
    pub fn value_slots(&self) -> impl Iterator<Item = &Rc<str>> {
        // A slice, not the `Option`'s flatten: slot assignment asks on every `o.x = v`.
        self.slots
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|n| !matches!(&***n, "__weakref__" | "__dict__"))
    }
}

/// A dict's entries. A `ThinVec` keeps its length and capacity in the allocation, beside
/// the entries a traversal reads anyway, so the object table's entries stay small.
pub use crate::dictkeys::DictEntries;

/// An instance's inline values: (name, value), the name shared with the class's keys.
/// A `ThinVec` (one word, empty without an allocation) keeps the table entry at 64 bytes;
/// a single value is kept without it ([`InstanceAttrs::InlineOne`]).
pub type InlineValues = ThinVec<(Rc<str>, ObjId)>;

/// An instance's `__slots__` values (each `None` until set), in the order of its class's
/// [`ClassInfo::value_slots`], which holds the names. Up to two sit inside the object (the
/// common slotted instance); the count never changes after creation. Smaller than a
/// `SmallVec` (no capacity word), and its tag leaves room for [`InstanceAttrs`]' own.
#[derive(Debug, Clone)]
pub enum SlotValues {
    /// At most two slots: `len` of `values` are used.
    Inline {
        /// How many slots.
        len: u8,
        /// The values (the ones past `len` stay `None`).
        values: [Option<ObjId>; 2],
    },
    /// More than two slots.
    Heap(Box<[Option<ObjId>]>),
}

impl SlotValues {
    /// `n` slots, each `elem`.
    pub fn from_elem(elem: Option<ObjId>, n: usize) -> Self {
        if n <= 2 {
            let mut values = [None; 2];
            values[..n].fill(elem);
            SlotValues::Inline {
                len: n as u8,
                values,
            }
        } else {
            SlotValues::Heap(vec![elem; n].into_boxed_slice())
        }
    }
}

impl std::ops::Deref for SlotValues {
    type Target = [Option<ObjId>];
    #[inline]
    fn deref(&self) -> &[Option<ObjId>] {
        match self {
            SlotValues::Inline { len, values } => &values[..*len as usize],
            SlotValues::Heap(v) => v,
        }
    }
}

impl std::ops::DerefMut for SlotValues {
    #[inline]
    fn deref_mut(&mut self) -> &mut [Option<ObjId>] {
        match self {
            SlotValues::Inline { len, values } => &mut values[..*len as usize],
            SlotValues::Heap(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a SlotValues {
    type Item = &'a Option<ObjId>;
    type IntoIter = std::slice::Iter<'a, Option<ObjId>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A `u64` address as two 4-aligned halves (see [`InstanceAttrs::InlineOne`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SplitAddr {
    lo: u32,
    hi: u32,
}

impl SplitAddr {
    /// Split `addr`.
    #[inline]
    pub const fn new(addr: u64) -> Self {
        SplitAddr {
            lo: addr as u32,
            hi: (addr >> 32) as u32,
        }
    }

    /// The address.
    #[inline]
    pub const fn get(self) -> u64 {
        ((self.hi as u64) << 32) | self.lo as u64
    }
}

impl std::fmt::Debug for SplitAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}", self.get())
    }
}

/// Where an instance keeps its attributes.
#[derive(Debug, Clone)]
pub enum InstanceAttrs {
    /// 3.11 inline values: no dict object exists; values sit in a values array that follows
    /// the class's shared keys. None, or (after a second name, a `del` or `__dict__`) any
    /// number.
    Inline {
        /// The values.
        values: InlineValues,
        /// Address of the values array (0 if none): only an instance with inline values
        /// has one (a materialized `__dict__` takes it over).
        values_addr: u64,
    },
    /// Inline values holding exactly one value, whose name is the class's shared key number
    /// `key` (as C indexes the values array): the common one-attribute instance keeps it
    /// in the table entry, with no allocation. The address is split in halves, 4-aligned,
    /// so the variant fits after the tag [`SlotValues`] leaves.
    InlineOne {
        /// The name's position in the class's cached keys (which only grow).
        key: u32,
        /// The value.
        value: ObjId,
        /// The values array's address.
        values_addr: SplitAddr,
    },
    /// A `__dict__` was asked for: the values moved into a real dict object.
    Dict(ObjId),
    /// `__slots__`: one fixed pointer per slot, possibly unset.
    Slots(SlotValues),
}

/// An `int`'s value, kept as two 64-bit halves: an `i128` field would make [`Kind`] (and
/// so every object table entry) 16-byte aligned, padding each entry by 8 to 16 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntValue {
    lo: u64,
    hi: i64,
}

impl IntValue {
    /// Split `v` into its halves.
    #[inline]
    pub const fn new(v: i128) -> Self {
        IntValue {
            lo: v as u64,
            hi: (v >> 64) as i64,
        }
    }

    /// The value.
    #[inline]
    pub const fn get(self) -> i128 {
        ((self.hi as i128) << 64) | self.lo as i128
    }
}

impl From<i128> for IntValue {
    fn from(v: i128) -> Self {
        IntValue::new(v)
    }
}

impl std::fmt::Debug for IntValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The value part of an object, per type.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `None`
    None,
    /// `True` / `False`
    Bool(bool),
    /// An `int` (the model's ints fit in 128 bits, enough for every seed).
    Int(IntValue),
    /// A `float`
    Float(f64),
    /// A `str`; `interned` says whether it is in the interned dict.
    Str {
        /// The text.
        value: Rc<str>,
        /// Whether `sys.intern` (or the compiler) put it in the interned dict.
        interned: bool,
    },
    /// `bytes`
    Bytes(Rc<[u8]>),
    /// A `tuple`
    Tuple(Refs),
    /// A `list`: its items and how many slots `list_resize` allocated.
    List {
        /// The items.
        items: Vec<ObjId>,
        /// `allocated`: capacity of the separately allocated items array (a `u32` packs
        /// beside the variant's tag; the model caps sizes far below 2^32).
        allocated: u32,
        /// Address of the items array (0 when `allocated` is 0).
        items_addr: u64,
    },
    /// A `dict` (insertion ordered, as 3.7+ guarantees).
    Dict {
        /// The entries, in insertion order.
        entries: DictEntries,
        /// Its keys object as far as sizes go: log2 of the table (0 = the shared empty
        /// keys), kind (general, unicode, split), `dk_nentries` (deleted entries included)
        /// and `dk_usable`. For a split dict, the entry counts are the class's: read them
        /// from `shared`.
        shape: PackedDictShape,
        /// For a split dict (a materialized instance `__dict__`): the class's keys.
        shared: Option<SharedKeysRef>,
        /// Address of the keys object this dict owns (0 for the shared empty keys), or for a
        /// split dict the address of its values array.
        keys_addr: u64,
    },
    /// A `set` or `frozenset`.
    Set {
        /// The members, in insertion order (read them in table order with [`set_members`],
        /// as CPython iterates).
        items: ThinVec<ObjId>,
        /// The hash table `set_lookkey` probes: `shape.table` entries, each a member's
        /// hash and its position in `items`, or unused, or a dummy left by a removal.
        table: ThinVec<SetEntry>,
        /// The hash table: size (`mask + 1`; 8 is the inline smalltable), `fill`, `used`.
        shape: PackedSetShape,
        /// `frozenset` rather than `set`.
        frozen: bool,
        /// Address of the table when it outgrew the smalltable (else 0).
        table_addr: u64,
    },
    /// `range(start, stop, step)`, boxed: ranges are rare and three `i128`s would more
    /// than double the largest variant.
    Range(Box<(i128, i128, i128)>),
    /// A class object.
    Type(Box<ClassInfo>),
    /// An instance of a user class.
    Instance {
        /// Its class (a strong reference, as heap types are referenced by their instances).
        class: ObjId,
        /// Its attributes (and the inline values array's address).
        attrs: InstanceAttrs,
    },
    /// A function object.
    Function(Box<FunctionInfo>),
    /// A code object: the compilation unit's constants (`co_consts`).
    Code {
        /// Name of the unit (`<module>`, `<cell 3>`, a function name).
        name: Rc<str>,
        /// `co_consts`: strong references to every constant of the unit.
        consts: ThinVec<ObjId>,
    },
    /// A frame object materialized by `sys._getframe()`: it owns the frame's locals once
    /// the function has returned.
    Frame {
        /// Function name.
        name: Rc<str>,
        /// The locals the frame object keeps alive.
        locals: ThinVec<(Rc<str>, ObjId)>,
        /// Index of the live interpreter frame it mirrors, while the call runs.
        live: Option<u32>,
    },
    /// A weak reference: does not own its referent.
    WeakRef {
        /// The referent, until it dies (then `None`, and `wr()` returns `None`).
        target: Option<ObjId>,
        /// The callback, owned by the weakref.
        callback: Option<ObjId>,
        /// `wr_prev`: the weakref before it in its referent's list.
        prev: Option<ObjId>,
        /// `wr_next`: the weakref after it in its referent's list.
        next: Option<ObjId>,
    },
    /// A class's `__dict__`/`__weakref__` getset descriptor; it references its class.
    GetSet {
        /// `__dict__` or `__weakref__`.
        name: Rc<str>,
        /// The class it belongs to.
        owner: ObjId,
    },
    /// A bound method (`PyMethodObject`): what `instance.function_attribute` gives when
    /// it is not called at once (a call `o.m()` binds nothing: 3.11's `LOAD_METHOD`).
    Method {
        /// `__func__`: the function found on the class.
        func: ObjId,
        /// `__self__`: the instance it is bound to.
        self_: ObjId,
    },
    /// A built-in callable.
    Builtin(BuiltinFn),
    /// A generator object: its frame holds the live locals between `next()` calls.
    Generator {
        /// The function it came from.
        name: Rc<str>,
        /// Locals held by the suspended frame.
        locals: ThinVec<(Rc<str>, ObjId)>,
        /// Words of frame data (`co_framesize`), which sets its size in 3.11 (a `u32` keeps
        /// the variant within the table entry's bound).
        framesize: u32,
        /// The next value it will yield and one past the last (the model runs generators
        /// as counters); boxed, as generators are rare and the entry has 64 bytes.
        counter: Box<(i64, i64)>,
    },
    /// `array.array`: raw machine values, no objects inside.
    Array {
        /// The type code (`'i'`, `'d'`, ...).
        typecode: char,
        /// Number of items.
        len: usize,
        /// Allocated items.
        allocated: usize,
        /// Address of the items buffer.
        items_addr: u64,
    },
    /// A `mappingproxy` (`mappingproxyobject`): its one field, a strong reference to the
    /// mapping it shows (a class's dict). Reads go to the mapping; writes are TypeErrors.
    MappingProxy(ObjId),
}

/// One slot of a set's hash table (`setentry`): the cached hash of the key and where the
/// key is in the set's `items`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetEntry {
    /// The key's hash (-1 for a dummy, as in C).
    pub hash: i64,
    /// The key's index in `items`; [`SetEntry::UNUSED`] or [`SetEntry::DUMMY`] if none.
    pub item: u32,
}

impl SetEntry {
    /// A slot never used (`key == NULL`).
    pub const UNUSED: u32 = u32::MAX;
    /// A slot whose key was removed (`key == dummy`, hash -1): probes go past it.
    pub const DUMMY: u32 = u32::MAX - 1;
    /// An unused slot.
    pub const EMPTY: SetEntry = SetEntry {
        hash: 0,
        item: SetEntry::UNUSED,
    };
}

/// A set's members in the order of its table (`set_next`): what iterating the set, its
/// `repr`, its traversal and its deallocation go through, as in CPython. For small ints,
/// whose hashes are themselves, that is ascending order modulo the table size.
pub(crate) fn set_members<'a>(
    items: &'a [ObjId],
    table: &'a [SetEntry],
) -> impl Iterator<Item = ObjId> + 'a {
    table
        .iter()
        .filter(|e| e.item < SetEntry::DUMMY)
        .map(|e| items[e.item as usize])
}

/// A function: its code unit, globals and body.
#[derive(Clone)]
pub struct FunctionInfo {
    /// `__name__`
    pub name: Rc<str>,
    /// `__code__`: the compilation unit the function was defined in.
    pub code: ObjId,
    /// `__globals__`: the module dict.
    pub globals: ObjId,
    /// Parameter names.
    pub params: Vec<Rc<str>>,
    /// What the function does, as Rust operating on the heap.
    pub body: Body,
    /// Whether calling it makes a generator rather than running the body.
    pub generator: bool,
    /// The function's `__dict__`, once something is stored on it.
    pub dict: Option<ObjId>,
}

impl std::fmt::Debug for FunctionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<function {}>", self.name)
    }
}

/// The words every reference-count change and every collector pass touch: `ob_refcnt`
/// and CPython's `PyGC_Head` (with the flags gc.c keeps in it). They live in a dense array
/// beside the object table, 32 bytes per object, so that the collector's passes stream
/// through them and read an object's value only when they traverse it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    /// `ob_refcnt`.
    pub refcnt: i64,
    /// `gc_refs` during a collection.
    pub gc_refs: i64,
    /// Intrusive list links: object-table indices, or a list's sentinel (see gc.rs).
    pub prev: u32,
    /// See `prev`.
    pub next: u32,
    /// The table slot's generation: a handle with another generation is stale.
    pub generation: NonZeroU32,
    /// [`Header::LIVE`], [`Header::TRACKED`], ...
    pub flags: u16,
    /// The object's type, so whole-list passes that look for tuples or dicts need not
    /// read the objects.
    pub tag: TypeTag,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            refcnt: 0,
            gc_refs: 0,
            prev: 0,
            next: 0,
            generation: NonZeroU32::MIN,
            flags: 0,
            tag: TypeTag::default(),
        }
    }
}

impl Header {
    /// The slot holds a live object.
    pub const LIVE: u16 = 1;
    /// Statically allocated: never freed.
    pub const STATIC: u16 = 1 << 1;
    /// Its type has `Py_TPFLAGS_HAVE_GC`.
    pub const IS_GC: u16 = 1 << 2;
    /// In a generation list (`_PyObject_GC_IS_TRACKED`).
    pub const TRACKED: u16 = 1 << 3;
    /// `PREV_MASK_COLLECTING`: in the generation being collected.
    pub const COLLECTING: u16 = 1 << 4;
    /// `NEXT_MASK_UNREACHABLE`: tentatively unreachable.
    pub const UNREACHABLE: u16 = 1 << 5;
    /// `_PyGCHead_FINALIZED`: `__del__` already ran once (PEP 442).
    pub const FINALIZED: u16 = 1 << 6;
    /// An instance of a class with `__del__` (its type's `tp_finalize`), so the collector
    /// need not read the object to know.
    pub const HAS_DEL: u16 = 1 << 7;
    /// A weak reference to it was made at some point: only these objects' weakref lists
    /// are read by `handle_weakrefs` (a hint: it stays set when the list empties).
    pub const MAYBE_WEAKREFS: u16 = 1 << 8;

    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    #[inline]
    pub fn set(&mut self, flag: u16, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }
}

/// One object in the heap.
#[derive(Debug, Clone)]
pub struct Object {
    /// `id()`: the address of the object's `PyObject` header.
    pub addr: u64,
    /// The type.
    pub tag: TypeTag,
    /// The value.
    pub kind: Kind,
    /// `tp_weaklist`: the first weak reference to this object. The list runs through the
    /// weakrefs themselves (their `prev`/`next`), so an object pays one word for it and
    /// making or clearing a weakref allocates nothing beyond the weakref.
    pub weaklist: Option<ObjId>,
    /// Statically allocated (small ints, singletons): never freed, not from the allocator.
    pub is_static: bool,
    /// Where the object's memory came from.
    pub mem: MemSource,
    /// Bytes requested for the object itself (pre-header included; separate buffers not).
    /// A `u32` keeps the table entry small: a block's value is in memory, far below 4 GiB.
    pub request: u32,
}

impl Object {
    /// [`Object::request`] in bytes, as the allocator counts them.
    #[inline]
    pub fn request_bytes(&self) -> usize {
        self.request as usize
    }
}

/// Where an object's memory came from: explains id reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemSource {
    /// Interpreter's static data (small ints, `None`, ...).
    Static,
    /// `PyObject_Malloc` (pymalloc for ≤ 512 bytes, else the system allocator).
    Malloc,
    /// Reused from a type's free list (float, tuple, list, dict in 3.11).
    FreeList,
}

#[cfg(test)]
mod layout_tests {
    /// The object table's two arrays: the header stays at 32 bytes (two per cache line),
    /// the rest of an object at 64 (collector passes that traverse objects stream through
    /// these entries, and are bound by their bytes): `Kind` is 8-aligned and at most 40.
    #[test]
    fn table_entries_stay_small() {
        assert_eq!(std::mem::size_of::<super::Header>(), 32);
        assert_eq!(std::mem::align_of::<super::Kind>(), 8);
        assert!(std::mem::size_of::<super::Kind>() <= 40);
        assert!(std::mem::size_of::<Option<super::Object>>() <= 64);
    }

    /// Slot values: up to two inline, more on the heap; the slice has the class's count.
    #[test]
    fn slot_values_keep_their_count() {
        use super::SlotValues;
        for n in 0..5 {
            let mut s = SlotValues::from_elem(None, n);
            assert_eq!(s.len(), n);
            assert_eq!(matches!(s, SlotValues::Inline { .. }), n <= 2);
            if let Some(first) = s.first_mut() {
                *first = Some(super::ObjId {
                    index: 7,
                    generation: std::num::NonZeroU32::MIN,
                });
            }
            assert_eq!(s.iter().flatten().count(), usize::from(n > 0));
        }
    }
}
