//! Interning and the objects every program shares: the small-int cache, the static empty
//! and one-character strings, the interned-string dict, and each compilation unit's
//! constants.
//!
//! Whether two equal values are one object is decided here, by CPython 3.11's rules:
//! - ints −5..=256 are preallocated statics; any other int is a new object each time it is
//!   made at run time;
//! - a constant is one object inside its compilation unit (module, cell, function bodies
//!   compiled with it), not across units;
//! - str constants made only of identifier characters (`[A-Za-z0-9_]`, any length) are
//!   interned when compiled; `''` and 1-character latin-1 strings are static singletons;
//! - strings built at run time are not interned, unless passed through `sys.intern`.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::expr::Const;
use crate::heap::{Heap, STATIC_REFCNT};
use crate::object::{GcHead, Kind, MemSource, ObjId, Object, Refs, TypeTag};

/// The interned-string dict and the per-unit constant tables.
#[derive(Default, Debug)]
pub struct Interned {
    strings: HashMap<Rc<str>, ObjId>,
    consts: HashMap<(u32, u32), HashMap<Const, ObjId>>,
}

impl Interned {
    pub(crate) fn const_lookup(&self, code: ObjId, c: &Const) -> Option<ObjId> {
        self.consts
            .get(&(code.index, code.generation))
            .and_then(|m| m.get(c))
            .copied()
    }

    pub(crate) fn const_insert(&mut self, code: ObjId, c: Const, v: ObjId) {
        self.consts
            .entry((code.index, code.generation))
            .or_default()
            .insert(c, v);
    }

    pub(crate) fn drop_unit(&mut self, code: ObjId) {
        self.consts.remove(&(code.index, code.generation));
    }

    pub(crate) fn forget(&mut self, text: &str, id: ObjId) {
        if self.strings.get(text) == Some(&id) {
            self.strings.remove(text);
        }
    }

    /// Number of interned strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// `all_name_chars` in 3.11's compile.c: the test for interning a str constant.
pub fn all_name_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Heap {
    /// The static small int for `v` in −5..=256.
    pub(crate) fn small_int(&self, v: i128) -> ObjId {
        self.statics.small_ints[(v + 5) as usize]
    }

    /// An int made at run time (a new reference): the cached object for −5..=256,
    /// otherwise a new object.
    pub(crate) fn new_int(&mut self, v: i128) -> ObjId {
        if (-5..=256).contains(&v) {
            let id = self.small_int(v);
            self.incref(id);
            return id;
        }
        self.alloc(TypeTag::Int, Kind::Int(v))
    }

    /// A float made at run time (from the float free list if it has one).
    pub(crate) fn new_float(&mut self, v: f64) -> ObjId {
        self.alloc(TypeTag::Float, Kind::Float(v))
    }

    /// A string made at run time: the static singleton for `''` and 1-char latin-1,
    /// otherwise a new, un-interned object.
    pub(crate) fn new_str_runtime(&mut self, t: &str) -> ObjId {
        if let Some(id) = self.static_str(t) {
            self.incref(id);
            return id;
        }
        self.alloc(
            TypeTag::Str,
            Kind::Str {
                value: Rc::from(t),
                interned: false,
            },
        )
    }

    /// A str constant being compiled: interned if it looks like an identifier.
    pub(crate) fn new_str_const(&mut self, t: &str) -> ObjId {
        if let Some(id) = self.static_str(t) {
            self.incref(id);
            return id;
        }
        if all_name_chars(t) {
            return self.intern_str(t);
        }
        self.new_str_runtime(t)
    }

    /// The interned string for `t` (a new reference), creating it if needed.
    pub(crate) fn intern_str(&mut self, t: &str) -> ObjId {
        if let Some(id) = self.static_str(t) {
            self.incref(id);
            return id;
        }
        if let Some(&id) = self.interned.strings.get(t) {
            self.incref(id);
            return id;
        }
        let id = self.alloc(
            TypeTag::Str,
            Kind::Str {
                value: Rc::from(t),
                interned: true,
            },
        );
        self.interned.strings.insert(Rc::from(t), id);
        id
    }

    /// A name as the compiler stores it (identifiers are interned).
    pub(crate) fn intern_name(&mut self, t: &str) -> ObjId {
        self.intern_str(t)
    }

    /// `sys.intern(s)`: the interned object equal to `s` (a new reference). If none exists,
    /// `s` itself becomes the interned one.
    pub(crate) fn intern_existing(&mut self, s: ObjId) -> Result<ObjId> {
        let text = match &self.obj(s).kind {
            Kind::Str { value, .. } => value.clone(),
            _ => {
                return Err(Error::Type(format!(
                    "intern() argument must be str, not {}",
                    self.type_name(s)?
                )))
            }
        };
        if self.obj(s).is_static {
            self.incref(s);
            return Ok(s);
        }
        if let Some(&id) = self.interned.strings.get(&text) {
            self.incref(id);
            return Ok(id);
        }
        if let Kind::Str { interned, .. } = &mut self.obj_mut(s).kind {
            *interned = true;
        }
        self.interned.strings.insert(text, s);
        self.incref(s);
        Ok(s)
    }

    /// A static one-character latin-1 string (`_Py_LATIN1_CHR`).
    pub(crate) fn new_latin1_static(&mut self, ch: char) -> ObjId {
        let addr = self.alloc_static_addr(64);
        let obj = Object {
            addr,
            refcnt: STATIC_REFCNT,
            tag: TypeTag::Str,
            kind: Kind::Str {
                value: Rc::from(ch.to_string()),
                interned: true,
            },
            gc: GcHead::default(),
            weakrefs: Refs::new(),
            is_static: true,
            mem: MemSource::Static,
            request: 0,
        };
        self.insert_static(obj)
    }
}
