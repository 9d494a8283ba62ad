//! Interning and the objects every program shares: the small-int cache, the static empty
//! and one-character strings, the interned-string dict, and each compilation unit's
//! constants.
//!
//! Whether two equal values are one object is decided here, by CPython 3.11's rules:
//! - ints −5..=256 are preallocated statics; any other int is a new object each time it is
//!   made at run time;
//! - a constant is one object inside its compilation unit (the module or cell and every
//!   function body compiled with it share the compiler's constant cache), not across
//!   units; floats and tuples of constants too;
//! - str constants made only of ASCII identifier characters (`[A-Za-z0-9_]`, any length)
//!   are interned when compiled (`intern_string_constants`), and so are names;
//! - `''` is one static object; the 256 one-character latin-1 strings are static
//!   singletons that indexing and iteration return (but not every operation that makes a
//!   one-character string: `str(5)` and a two-item `join` make new ones);
//! - strings built at run time are not interned, unless passed through `sys.intern`,
//!   which returns the interned string equal to its argument, or interns the argument.
//!
//! The model runs a cell one Rust statement at a time and never sees its source, so it
//! makes a unit's constants when they are first loaded. The sharing is the same; only the
//! *order* can differ from CPython's, where the compiler made and interned every constant
//! and name before the unit's first line ran. Where that order is observable (a
//! `sys.intern` of a run-time string before a constant with the same text, in the same
//! unit), [`Heap::compile`] does the compiler's part up front.

// Lookups only (orders are kept beside them): a fast hash, not the DoS-resistant default.
use foldhash::HashMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::expr::{Callee, Const, Expr};
use crate::heap::Heap;
use crate::object::{Kind, MemSource, ObjId, Object, TypeTag};

/// The one-character strings that 3.11 has already interned when a program starts, as
/// objects of their own rather than the latin-1 singletons.
///
/// 3.11 deep-freezes the code of its start-up modules (`importlib._bootstrap`, `os`,
/// `site`, `codecs`, `io`, ...) into the interpreter binary. Its `deepfreeze.py` makes a
/// static object for each string constant and name in that code, including one-character
/// ones, and `_Py_Deepfreeze_Init` interns them all at start-up. Compiling `'a'` later
/// interns the parser's latin-1 singleton, finds this `'a'` already in the interned dict
/// and uses it instead: so in 3.11 the constant `'a'` is not the object `chr(97)`,
/// `'abc'[0]` at run time, or `list('abc')[0]` return, while `'g'` is. These are the
/// identifier characters for which that happens (the names and constants of the frozen
/// modules); `tests/ch09_interning.rs` checks the list against python3 (scenario
/// `one_char_constants`). 3.12's deepfreeze uses the singletons instead, and the quirk is
/// gone.
pub const STARTUP_INTERNED_ONE_CHAR: &str = "BCLST_abcdefhijklmnopqrstvwxy";

/// One compilation unit's constant table: what the compiler's constant cache merged
/// (`_PyCode_ConstantKey`: type and value, so `1`, `1.0` and `True` stay distinct).
#[derive(Default, Debug)]
struct UnitConsts {
    by_key: HashMap<Const, ObjId>,
    /// The constants in the order they were made (`co_consts` order, statics left out).
    order: Vec<ObjId>,
    /// Names the unit was compiled with (`co_names`, `co_varnames`), interned.
    names: HashMap<Rc<str>, ObjId>,
}

/// The interned-string dict and the per-unit constant tables.
#[derive(Default, Debug)]
pub struct Interned {
    /// `interned` in 3.11's `unicodeobject.c`: text → the one interned object. Its
    /// references are not counted (3.11's interned strings are mortal): a string leaves
    /// the dict when its last real reference goes.
    strings: HashMap<Rc<str>, ObjId>,
    consts: HashMap<ObjId, UnitConsts>,
    /// The text of the names bound as function locals, one shared `Rc<str>` each (the
    /// Rust side of `co_varnames`; no objects): a frame's new local clones its name from
    /// here instead of allocating it again on every call.
    local_names: foldhash::HashSet<Rc<str>>,
}

impl Interned {
    pub(crate) fn const_lookup(&self, code: ObjId, c: &Const) -> Option<ObjId> {
        self.consts
            .get(&code)
            .and_then(|m| m.by_key.get(c))
            .copied()
    }

    pub(crate) fn const_insert(&mut self, code: ObjId, c: Const, v: ObjId) {
        let unit = self.consts.entry(code).or_default();
        unit.by_key.insert(c, v);
        unit.order.push(v);
    }

    /// The shared text of a local variable's name.
    pub(crate) fn local_name(&mut self, text: &str) -> Rc<str> {
        if let Some(n) = self.local_names.get(text) {
            return n.clone();
        }
        let n: Rc<str> = Rc::from(text);
        self.local_names.insert(n.clone());
        n
    }

    pub(crate) fn drop_unit(&mut self, code: ObjId) {
        self.consts.remove(&code);
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

/// `all_name_chars` in 3.11's `codeobject.c`: the test for interning a str constant. ASCII
/// letters, digits and `_` only, so `'café'` is not interned although it is a valid name.
pub fn all_name_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// How `a == b` went for two strings (`PyUnicode_RichCompare`, `unicode_compare_eq`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrCompare {
    /// The result of `a == b`.
    pub equal: bool,
    /// Whether the identity check answered (`a is b`: one address compare).
    pub by_identity: bool,
    /// Bytes `memcmp` compared (character storage, up to and including the first
    /// difference).
    pub bytes_compared: usize,
}

/// Bytes per character of a str's storage (PEP 393: 1 for latin-1, 2 for the BMP, 4).
fn str_kind(t: &str) -> usize {
    match t.chars().map(|c| c as u32).max().unwrap_or(0) {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        _ => 4,
    }
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
        self.alloc(TypeTag::Int, Kind::Int(v.into()))
    }

    /// A float made at run time (from the float free list if it has one).
    pub(crate) fn new_float(&mut self, v: f64) -> ObjId {
        self.alloc(TypeTag::Float, Kind::Float(v))
    }

    /// A string made at run time by `PyUnicode_New` (concatenation, `join`, `str(5)`,
    /// formatting): the static `''` if empty, otherwise a new, un-interned object, even for
    /// one character.
    pub(crate) fn new_str_runtime(&mut self, t: &str) -> ObjId {
        if t.is_empty() {
            let e = self.statics.empty_str;
            self.incref(e);
            return e;
        }
        self.alloc(
            TypeTag::Str,
            Kind::Str {
                value: Rc::from(t),
                interned: false,
            },
        )
    }

    /// One character taken from a string at run time (`unicode_char`, used by indexing and
    /// iteration): the latin-1 singleton, or a new object above U+00FF.
    pub(crate) fn new_char(&mut self, ch: char) -> ObjId {
        let mut buf = [0u8; 4];
        let t: &str = ch.encode_utf8(&mut buf);
        if let Some(id) = self.static_str(t) {
            self.incref(id);
            return id;
        }
        self.new_str_runtime(t)
    }

    /// The str object the parser makes for a literal: the static `''` or latin-1 singleton
    /// for zero or one character, otherwise a new object.
    fn parsed_str(&mut self, t: &str) -> ObjId {
        if let Some(id) = self.static_str(t) {
            self.incref(id);
            return id;
        }
        self.new_str_runtime(t)
    }

    /// A str constant being compiled: interned if it is made of identifier characters
    /// (`intern_string_constants`), otherwise the parser's object as it is.
    pub(crate) fn new_str_const(&mut self, t: &str) -> ObjId {
        if all_name_chars(t) {
            return self.intern_str(t);
        }
        self.parsed_str(t)
    }

    /// The interned string for `t` (a new reference), creating it if needed: how the
    /// compiler stores names and how attribute names are stored.
    ///
    /// The compiler's parser made a fresh object for every occurrence and interning
    /// dropped the duplicates, at compile time. The model does this when the statement
    /// runs, so it looks in the interned dict first and allocates nothing when the string
    /// is already there: a run-time allocation CPython does not make would change which
    /// addresses later objects get.
    pub(crate) fn intern_str(&mut self, t: &str) -> ObjId {
        if let Some(found) = self.interned_lookup(t) {
            self.incref(found);
            return found;
        }
        let v = self.parsed_str(t);
        self.intern_in_place(v)
    }

    /// A name as the compiler stores it (identifiers are interned).
    pub(crate) fn intern_name(&mut self, t: &str) -> ObjId {
        self.intern_str(t)
    }

    /// The interned object with this text, if any. The one-character strings 3.11 interned
    /// at start-up ([`STARTUP_INTERNED_ONE_CHAR`]) are made the first time they are asked
    /// for: they are immortal statics, so when they are made is not observable.
    fn interned_lookup(&mut self, text: &str) -> Option<ObjId> {
        if let Some(&id) = self.interned.strings.get(text) {
            return Some(id);
        }
        let mut chars = text.chars();
        let (Some(ch), None) = (chars.next(), chars.next()) else {
            return None;
        };
        if !STARTUP_INTERNED_ONE_CHAR.contains(ch) {
            return None;
        }
        let id = self.new_static_str(text, true);
        self.interned.strings.insert(Rc::from(text), id);
        Some(id)
    }

    /// `PyUnicode_InternInPlace`: takes a reference to `v` and returns a reference to the
    /// interned string equal to it; `v` itself becomes the interned one if there was none.
    fn intern_in_place(&mut self, v: ObjId) -> ObjId {
        let text = match &self.obj(v).kind {
            Kind::Str { interned: true, .. } => return v,
            Kind::Str { value, .. } => value.clone(),
            _ => return v,
        };
        if let Some(found) = self.interned_lookup(&text) {
            if found != v {
                self.incref(found);
                self.decref(v);
                return found;
            }
            return v;
        }
        if let Kind::Str { interned, .. } = &mut self.obj_mut(v).kind {
            *interned = true;
        }
        self.interned.strings.insert(text, v);
        v
    }

    /// `sys.intern(s)`: the interned object equal to `s` (a new reference). If none exists,
    /// `s` itself becomes the interned one.
    pub(crate) fn intern_existing(&mut self, s: ObjId) -> Result<ObjId> {
        if !matches!(self.obj(s).kind, Kind::Str { .. }) {
            return Err(Error::Type(format!(
                "intern() argument must be str, not {}",
                self.type_name(s)?
            )));
        }
        self.incref(s);
        Ok(self.intern_in_place(s))
    }

    /// Whether a str object is in the interned dict (`PyUnicode_CHECK_INTERNED`).
    pub fn is_interned(&self, id: ObjId) -> Result<bool> {
        Ok(match &self.get(id)?.kind {
            Kind::Str { value, .. } => self.interned.strings.get(value) == Some(&id),
            _ => false,
        })
    }

    /// A static one-character latin-1 string (`_Py_LATIN1_CHR`).
    pub(crate) fn new_latin1_static(&mut self, ch: char) -> ObjId {
        self.new_static_str(&ch.to_string(), false)
    }

    /// A statically allocated str (never freed, count 999999999 as 3.11 initializes them).
    fn new_static_str(&mut self, text: &str, interned: bool) -> ObjId {
        let addr = self.alloc_static_addr(64);
        let obj = Object {
            addr,
            tag: TypeTag::Str,
            kind: Kind::Str {
                value: Rc::from(text),
                interned,
            },
            weaklist: None,
            is_static: true,
            mem: MemSource::Static,
            request: 0,
        };
        self.insert_static(obj)
    }

    // ----- compilation units --------------------------------------------------------------

    /// Compile the running unit: make the constants found in `unit` and intern its names,
    /// as 3.11's compiler does before the unit's first line runs.
    ///
    /// Pass the unit's expressions (or just its literals and names): every constant the
    /// compiler would fold from them goes into the unit's constant table, interned if it
    /// is made of identifier characters, and every name (`x`, `obj.attr`, `obj.method()`)
    /// is interned and held by the unit, as `co_names` holds it. Statements that load
    /// these constants later get the same objects. Without this step the model makes each
    /// constant when it is first loaded, which shares objects exactly as CPython does;
    /// only a `sys.intern` that runs before a constant with the same text is loaded can
    /// tell the difference.
    pub fn compile<I: IntoIterator<Item = Expr>>(&mut self, unit: I) -> Result<()> {
        for e in unit {
            self.compile_expr(&e)?;
        }
        Ok(())
    }

    fn compile_expr(&mut self, e: &Expr) -> Result<()> {
        if !matches!(e, Expr::Obj(_) | Expr::Name(_)) {
            if let Some(c) = e.as_const() {
                let v = self.load_const(&c);
                self.decref(v);
                return Ok(());
            }
        }
        match e {
            Expr::Name(n) => self.compile_name(n),
            Expr::Attr(o, a) => {
                self.compile_expr(o)?;
                self.compile_name(a)
            }
            Expr::Method(o, m, args) => {
                self.compile_expr(o)?;
                self.compile_name(m)?;
                self.compile(args.iter().cloned())
            }
            Expr::Call(f, args) => {
                match f {
                    Callee::Name(n) => self.compile_name(n)?,
                    Callee::Expr(e) => self.compile_expr(e)?,
                }
                self.compile(args.iter().cloned())
            }
            Expr::In(a, b) => {
                self.compile_expr(a)?;
                match b.in_operand_const() {
                    Some(c) => {
                        let v = self.load_const(&c);
                        self.decref(v);
                        Ok(())
                    }
                    None => self.compile_expr(&b.in_operand()),
                }
            }
            Expr::Add(a, b) | Expr::Mul(a, b) | Expr::Item(a, b) => {
                self.compile_expr(a)?;
                self.compile_expr(b)
            }
            Expr::List(items) | Expr::Set(items) => {
                let wrap = if let Expr::List(_) = e {
                    Const::Tuple
                } else {
                    Const::FrozenSet
                };
                match Expr::folded_display(items, wrap) {
                    Some(c) => {
                        let v = self.load_const(&c);
                        self.decref(v);
                        Ok(())
                    }
                    None => self.compile(items.iter().cloned()),
                }
            }
            Expr::Tuple(items) | Expr::FString(items) => self.compile(items.iter().cloned()),
            Expr::Dict(pairs) => {
                for (k, v) in pairs {
                    self.compile_expr(k)?;
                    self.compile_expr(v)?;
                }
                Ok(())
            }
            Expr::Obj(_) => Ok(()),
            Expr::None | Expr::Bool(_) | Expr::Int(_) | Expr::Float(_) | Expr::Str(_) => Err(
                Error::Context(format!("literal {e} did not fold to a constant")),
            ),
        }
    }

    /// Intern a name of the running unit and keep it there (`co_names`).
    fn compile_name(&mut self, n: &str) -> Result<()> {
        let code = self.current_code();
        if self
            .interned
            .consts
            .get(&code)
            .is_some_and(|u| u.names.contains_key(n))
        {
            return Ok(());
        }
        let v = self.intern_name(n);
        // The code object owns the reference, as its co_names tuple does.
        if let Kind::Code { consts, .. } = &mut self.obj_mut(code).kind {
            consts.push(v);
        }
        self.interned
            .consts
            .entry(code)
            .or_default()
            .names
            .insert(Rc::from(n), v);
        Ok(())
    }

    /// The constants of the running unit, in the order it made them: `co_consts` without
    /// the static ones (`None`, bools, small ints, `''`, `()`), which the model does not
    /// record per unit.
    pub fn unit_constants(&self) -> Vec<ObjId> {
        let code = self.current_code();
        self.interned
            .consts
            .get(&code)
            .map(|u| u.order.clone())
            .unwrap_or_default()
    }

    // ----- comparing strings --------------------------------------------------------------

    /// `a == b` for two strings, with the work CPython 3.11 does for it: first the identity
    /// check (`left == right` in `PyUnicode_RichCompare`), then `unicode_compare_eq`, which
    /// compares lengths and storage kinds and then `memcmp`s the characters. Two equal
    /// strings that are one object (interned ones, for instance) cost one address compare;
    /// two equal strings that are separate objects cost a read of every byte.
    pub fn compare_str(&mut self, a: Expr, b: Expr) -> Result<StrCompare> {
        self.stmt(|h| {
            let x = h.eval(&a)?;
            let y = h.eval(&b)?;
            let (tx, ty) = (h.str_text(x)?, h.str_text(y)?);
            if x == y {
                return Ok(StrCompare {
                    equal: true,
                    by_identity: true,
                    bytes_compared: 0,
                });
            }
            let kind = str_kind(&tx);
            if tx.chars().count() != ty.chars().count() || kind != str_kind(&ty) {
                return Ok(StrCompare {
                    equal: false,
                    by_identity: false,
                    bytes_compared: 0,
                });
            }
            let first_diff = tx.chars().zip(ty.chars()).position(|(p, q)| p != q);
            Ok(StrCompare {
                equal: first_diff.is_none(),
                by_identity: false,
                bytes_compared: kind * first_diff.map_or(tx.chars().count(), |i| i + 1),
            })
        })
    }

    fn str_text(&self, id: ObjId) -> Result<Rc<str>> {
        match &self.get(id)?.kind {
            Kind::Str { value, .. } => Ok(value.clone()),
            _ => Err(Error::Type(format!(
                "compare_str needs two str objects, not {}",
                self.type_name(id)?
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::expr::{add, int, list, mul, name, s};
    use crate::{Heap, Result};

    fn join(a: &str, b: &str) -> crate::expr::Expr {
        s("").method("join", [list([s(a), s(b)])])
    }

    #[test]
    fn identifier_like_constants_are_interned_and_others_are_not() -> Result<()> {
        let mut py = Heap::new();
        py.assign("a", s("hello_world"))?;
        py.assign("b", s("hello world"))?;
        py.assign("c", join("hel", "lo"))?;
        let (a, b, c) = (py.lookup("a")?, py.lookup("b")?, py.lookup("c")?);
        assert!(py.is_interned(a)?);
        assert!(!py.is_interned(b)?);
        assert!(!py.is_interned(c)?);
        Ok(())
    }

    #[test]
    fn the_first_interned_string_wins() -> Result<()> {
        let mut py = Heap::new();
        // Run time first: the run-time string becomes the interned one.
        py.assign("r", join("ham", "jam"))?;
        py.assign("i", name("intern").call([name("r")]))?;
        py.cell(|py| py.assign("c", s("hamjam")))?;
        assert!(py.is(name("i"), name("r"))? && py.is(name("c"), name("r"))?);
        // Compiled first: the constant is the interned one.
        py.cell(|py| {
            py.compile([s("spameggs")])?;
            py.assign("r2", join("spam", "eggs"))?;
            py.assign("i2", name("intern").call([name("r2")]))
        })?;
        assert!(!py.is(name("i2"), name("r2"))?);
        Ok(())
    }

    #[test]
    fn interned_strings_are_mortal() -> Result<()> {
        let mut py = Heap::new();
        py.assign("r", join("ba", "con"))?;
        py.assign("i", name("intern").call([name("r")]))?;
        py.del("i")?;
        py.del("r")?; // the last reference: the string leaves the interned dict
        py.assign("r", add(s("ba"), name("str").call([s("con")])))?;
        py.assign("i", name("intern").call([name("r")]))?;
        assert!(
            py.is(name("i"), name("r"))?,
            "a new string is interned in its place"
        );
        Ok(())
    }

    #[test]
    fn one_char_constants_follow_the_startup_interned_strings() -> Result<()> {
        let mut py = Heap::new();
        py.assign("a", s("a"))?;
        py.assign("g", s("g"))?;
        let first = |t: &str| name("list").call([s(t)]).item(int(0));
        assert!(!py.is(name("a"), first("abc"))?);
        assert!(py.is(name("g"), first("ghi"))?);
        // sys.intern of the singleton returns the start-up string.
        assert!(py.is(name("intern").call([first("abc")]), name("a"))?);
        Ok(())
    }

    #[test]
    fn string_comparison_cost() -> Result<()> {
        let mut py = Heap::new();
        py.assign("a", mul(s("x"), int(1024)))?;
        py.assign("b", s("").method("join", [mul(list([s("x")]), int(1024))]))?;
        let distinct = py.compare_str(name("a"), name("b"))?;
        assert!(distinct.equal && !distinct.by_identity);
        assert_eq!(distinct.bytes_compared, 1024);
        let same = py.compare_str(name("a"), name("a"))?;
        assert!(same.equal && same.by_identity && same.bytes_compared == 0);
        assert!(py.compare_str(name("a"), int(1)).is_err());
        Ok(())
    }
}
