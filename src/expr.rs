//! Expressions: the right-hand sides a chapter writes, built with small functions so the Rust
//! reads like the Python beside it (`list([int(1), int(2)])` for `[1, 2]`).
//!
//! Literals are *constants*: inside one compilation unit (a module, a notebook cell) equal
//! constants are one object, as CPython's compiler makes them. Everything else is evaluated
//! at run time on the heap's evaluation stack.

use std::rc::Rc;

use crate::object::ObjId;

/// An expression, evaluated by the heap (see `Heap::eval`).
#[derive(Clone, Debug)]
pub enum Expr {
    /// `None`
    None,
    /// `True` / `False`
    Bool(bool),
    /// An int literal.
    Int(i128),
    /// A float literal.
    Float(f64),
    /// A str literal.
    Str(Rc<str>),
    /// A name: local, then global, then builtin.
    Name(Rc<str>),
    /// `(a, b)`: a constant if every item is one, as the compiler folds it.
    Tuple(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Dict(Vec<(Expr, Expr)>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `obj.attr`
    Attr(Box<Expr>, Rc<str>),
    /// `obj[key]`
    Item(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Box<Expr>, Vec<Expr>),
    /// `obj.method(args)` (3.11's LOAD_METHOD: no bound-method object is made)
    Method(Box<Expr>, Rc<str>, Vec<Expr>),
    /// `a + b`
    Add(Box<Expr>, Box<Expr>),
    /// `a * b`
    Mul(Box<Expr>, Box<Expr>),
    /// `a in b`
    In(Box<Expr>, Box<Expr>),
    /// An object the caller already has a handle to.
    Obj(ObjId),
}

/// `None`
pub fn none() -> Expr {
    Expr::None
}
/// `True`/`False`
pub fn boolean(b: bool) -> Expr {
    Expr::Bool(b)
}
/// An int literal.
pub fn int(v: i128) -> Expr {
    Expr::Int(v)
}
/// A float literal.
pub fn float(v: f64) -> Expr {
    Expr::Float(v)
}
/// A str literal.
pub fn s(v: &str) -> Expr {
    Expr::Str(Rc::from(v))
}
/// A name.
pub fn name(n: &str) -> Expr {
    Expr::Name(Rc::from(n))
}
/// `[items]`
pub fn list<I: IntoIterator<Item = Expr>>(items: I) -> Expr {
    Expr::List(items.into_iter().collect())
}
/// `(items)`
pub fn tuple<I: IntoIterator<Item = Expr>>(items: I) -> Expr {
    Expr::Tuple(items.into_iter().collect())
}
/// `{k: v, ...}`
pub fn dict<I: IntoIterator<Item = (Expr, Expr)>>(items: I) -> Expr {
    Expr::Dict(items.into_iter().collect())
}
/// `{items}`
pub fn set<I: IntoIterator<Item = Expr>>(items: I) -> Expr {
    Expr::Set(items.into_iter().collect())
}
/// `a + b`
pub fn add(a: Expr, b: Expr) -> Expr {
    Expr::Add(Box::new(a), Box::new(b))
}
/// `a * b`
pub fn mul(a: Expr, b: Expr) -> Expr {
    Expr::Mul(Box::new(a), Box::new(b))
}
/// `a in b`
pub fn contains(a: Expr, b: Expr) -> Expr {
    Expr::In(Box::new(a), Box::new(b))
}
/// An existing object.
pub fn obj(id: ObjId) -> Expr {
    Expr::Obj(id)
}

impl Expr {
    /// `self.attr`
    pub fn attr(self, attr: &str) -> Expr {
        Expr::Attr(Box::new(self), Rc::from(attr))
    }
    /// `self[key]`
    pub fn item(self, key: Expr) -> Expr {
        Expr::Item(Box::new(self), Box::new(key))
    }
    /// `self(args)`
    pub fn call<I: IntoIterator<Item = Expr>>(self, args: I) -> Expr {
        Expr::Call(Box::new(self), args.into_iter().collect())
    }
    /// `self.method(args)`
    pub fn method<I: IntoIterator<Item = Expr>>(self, method: &str, args: I) -> Expr {
        Expr::Method(Box::new(self), Rc::from(method), args.into_iter().collect())
    }
}

impl From<ObjId> for Expr {
    fn from(id: ObjId) -> Expr {
        Expr::Obj(id)
    }
}

impl From<i128> for Expr {
    fn from(v: i128) -> Expr {
        Expr::Int(v)
    }
}

impl From<i32> for Expr {
    fn from(v: i32) -> Expr {
        Expr::Int(v as i128)
    }
}

/// A folded constant: what the compiler stores in `co_consts`, and the key under which
/// equal constants of one unit are merged (`_PyCode_ConstantKey`: type and value, so `1`
/// and `1.0` and `True` stay distinct).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Const {
    /// `None`
    None,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i128),
    /// A float, by its bits.
    Float(u64),
    /// A str.
    Str(Rc<str>),
    /// A tuple of constants.
    Tuple(Vec<Const>),
    /// A frozenset of constants (what `x in {a, b}` compiles its set literal to).
    FrozenSet(Vec<Const>),
}

/// 3.11's `MAX_STR_SIZE` in the AST optimizer: a folded str/tuple may not exceed this.
pub const MAX_STR_SIZE: usize = 4096;
/// 3.11's `MAX_COLLECTION_SIZE` for folded tuples from `*`.
pub const MAX_COLLECTION_SIZE: usize = 256;

impl Expr {
    /// The constant this expression compiles to, if the compiler folds it (literals, tuples
    /// of constants, and `+`/`*` of constants within the optimizer's size limits).
    pub fn as_const(&self) -> Option<Const> {
        match self {
            Expr::None => Some(Const::None),
            Expr::Bool(b) => Some(Const::Bool(*b)),
            Expr::Int(v) => Some(Const::Int(*v)),
            Expr::Float(f) => Some(Const::Float(f.to_bits())),
            Expr::Str(v) => Some(Const::Str(v.clone())),
            Expr::Tuple(items) => items
                .iter()
                .map(Expr::as_const)
                .collect::<Option<Vec<_>>>()
                .map(Const::Tuple),
            Expr::Add(a, b) => match (a.as_const()?, b.as_const()?) {
                (Const::Str(x), Const::Str(y)) => Some(Const::Str(Rc::from(format!("{x}{y}")))),
                (Const::Int(x), Const::Int(y)) => x.checked_add(y).map(Const::Int),
                (Const::Tuple(mut x), Const::Tuple(y)) => {
                    x.extend(y);
                    Some(Const::Tuple(x))
                }
                _ => None,
            },
            Expr::Mul(a, b) => match (a.as_const()?, b.as_const()?) {
                (Const::Str(x), Const::Int(n)) | (Const::Int(n), Const::Str(x)) => {
                    // safe_multiply: refuse to fold results longer than MAX_STR_SIZE.
                    let n = usize::try_from(n.max(0)).ok()?;
                    if !x.is_empty() && n > MAX_STR_SIZE / x.chars().count() {
                        return None;
                    }
                    Some(Const::Str(Rc::from(x.repeat(n))))
                }
                (Const::Int(x), Const::Int(y)) => x.checked_mul(y).map(Const::Int),
                _ => None,
            },
            _ => None,
        }
    }
}
