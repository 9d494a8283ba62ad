//! Expressions: the right-hand sides a chapter writes, built with small functions so the Rust
//! reads like the Python beside it (`list([int(1), int(2)])` for `[1, 2]`).
//!
//! Literals are *constants*: inside one compilation unit (a module, a notebook cell) equal
//! constants are one object, as CPython's compiler makes them. Everything else is evaluated
//! at run time on the heap's evaluation stack.

use std::rc::Rc;

use crate::object::ObjId;

/// A name in an expression (a variable, an attribute, a method). Names are short, so they
/// are stored inline (up to 24 bytes): building an expression allocates nothing for them,
/// which the interpreter's hot paths (a call per statement) would otherwise pay each time.
pub type Ident = compact_str::CompactString;

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
    Name(Ident),
    /// `(a, b)`: a constant if every item is one, as the compiler folds it.
    Tuple(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Dict(Vec<(Expr, Expr)>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `obj.attr`
    Attr(Box<Expr>, Ident),
    /// `obj[key]`
    Item(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Callee, Vec<Expr>),
    /// `obj.method(args)` (3.11's LOAD_METHOD: no bound-method object is made)
    Method(Box<Expr>, Ident, Vec<Expr>),
    /// `a + b`
    Add(Box<Expr>, Box<Expr>),
    /// `a * b`
    Mul(Box<Expr>, Box<Expr>),
    /// `a in b`
    In(Box<Expr>, Box<Expr>),
    /// An f-string, `f'id-{n}'`: literal parts are [`Expr::Str`], every other part is a
    /// replacement field formatted with `format(value, '')`.
    FString(Vec<Expr>),
    /// An object the caller already has a handle to.
    Obj(ObjId),
}

/// What a call calls. Usually a name (`f(x)`, `Cls()`), held inline so that building the
/// call allocates nothing for it; any other callable expression is boxed.
#[derive(Clone, Debug)]
pub enum Callee {
    /// `f(args)`
    Name(Ident),
    /// `f()(args)`, `d[k](args)`, ...
    Expr(Box<Expr>),
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
    Expr::Name(Ident::new(n))
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
/// `f'...'`: [`s`] parts are literal text, other parts are replacement fields
/// (`fstr([s("id-"), name("n")])` is `f'id-{n}'`).
pub fn fstr<I: IntoIterator<Item = Expr>>(parts: I) -> Expr {
    Expr::FString(parts.into_iter().collect())
}
/// An existing object.
pub fn obj(id: ObjId) -> Expr {
    Expr::Obj(id)
}

impl Expr {
    /// `self.attr`
    pub fn attr(self, attr: &str) -> Expr {
        Expr::Attr(Box::new(self), Ident::new(attr))
    }
    /// `self[key]`
    pub fn item(self, key: Expr) -> Expr {
        Expr::Item(Box::new(self), Box::new(key))
    }
    /// `self(args)`
    pub fn call<I: IntoIterator<Item = Expr>>(self, args: I) -> Expr {
        let callee = match self {
            Expr::Name(n) => Callee::Name(n),
            other => Callee::Expr(Box::new(other)),
        };
        Expr::Call(callee, args.into_iter().collect())
    }
    /// `self.method(args)`
    pub fn method<I: IntoIterator<Item = Expr>>(self, method: &str, args: I) -> Expr {
        Expr::Method(
            Box::new(self),
            Ident::new(method),
            args.into_iter().collect(),
        )
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

/// 3.11's `MAX_STR_SIZE` in the AST optimizer (`Python/ast_opt.c`): `str * n` and
/// `bytes * n` are folded only if the result has at most this many characters. (`+` has
/// no limit: `'a' * 4096 + 'b'` folds to 4097 characters.)
pub const MAX_STR_SIZE: usize = 4096;
/// 3.11's `MAX_COLLECTION_SIZE`: `tuple * n` is folded only up to this many items.
pub const MAX_COLLECTION_SIZE: usize = 256;
/// 3.11's `MAX_TOTAL_ITEMS`: `tuple * n` is not folded if the result would hold more than
/// this many items counted through nested tuples (`check_complexity`).
pub const MAX_TOTAL_ITEMS: i64 = 1024;
/// 3.11's `MAX_INT_SIZE`: `int * int` is folded only if the operands' bit lengths add up
/// to at most this.
pub const MAX_INT_SIZE: u32 = 128;

impl Const {
    /// The int value of an int or bool constant (a bool is an int to the optimizer).
    fn as_int(&self) -> Option<i128> {
        match self {
            Const::Int(v) => Some(*v),
            Const::Bool(b) => Some(i128::from(*b)),
            _ => None,
        }
    }

    /// The float value of a numeric constant.
    fn as_float(&self) -> Option<f64> {
        match self {
            Const::Float(bits) => Some(f64::from_bits(*bits)),
            other => other.as_int().map(|v| v as f64),
        }
    }
}

/// `check_complexity`: what is left of `limit` after counting `c`'s items through nested
/// tuples and frozensets (negative: too complex to fold).
fn check_complexity(c: &Const, mut limit: i64) -> i64 {
    if let Const::Tuple(items) | Const::FrozenSet(items) = c {
        limit -= items.len() as i64;
        for item in items {
            if limit < 0 {
                break;
            }
            limit = check_complexity(item, limit);
        }
    }
    limit
}

/// Bits in `|v|` (`_PyLong_NumBits`).
fn num_bits(v: i128) -> u32 {
    128 - v.unsigned_abs().leading_zeros()
}

/// `safe_multiply` in 3.11's `ast_opt.c`: the folded product, or `None` where the optimizer
/// refuses (the result would be too big) or the operation fails at run time instead.
fn safe_multiply(x: Const, y: Const) -> Option<Const> {
    match (&x, &y) {
        (Const::Float(_), _) | (_, Const::Float(_)) => {
            Some(Const::Float((x.as_float()? * y.as_float()?).to_bits()))
        }
        _ => match (x.as_int(), y.as_int()) {
            (Some(a), Some(b)) => {
                if a != 0 && b != 0 && num_bits(a) + num_bits(b) > MAX_INT_SIZE {
                    return None;
                }
                // The model's ints are i128: a product of up to 128 bits that does not fit
                // is left unfolded (CPython would fold it).
                a.checked_mul(b).map(Const::Int)
            }
            (Some(n), None) => repeat(y, n),
            (None, Some(n)) => repeat(x, n),
            (None, None) => None,
        },
    }
}

/// `seq * n` for a str or tuple constant, within the optimizer's limits.
fn repeat(seq: Const, n: i128) -> Option<Const> {
    // PyLong_AsLong: an n that does not fit a C long is an error, so not folded.
    let n = i64::try_from(n).ok()?;
    match seq {
        Const::Str(x) => {
            // An empty str skips the checks (`if (size)` in safe_multiply).
            if let Some(max_n) = MAX_STR_SIZE.checked_div(x.chars().count()) {
                if n < 0 || n as u64 > max_n as u64 {
                    return None;
                }
            }
            Some(Const::Str(Rc::from(x.repeat(n.max(0) as usize))))
        }
        Const::Tuple(items) => {
            let size = items.len();
            if let Some(max_n) = MAX_COLLECTION_SIZE.checked_div(size) {
                if n < 0 || n as u64 > max_n as u64 {
                    return None;
                }
                if n > 0 && check_complexity(&Const::Tuple(items.clone()), MAX_TOTAL_ITEMS / n) < 0
                {
                    return None;
                }
            }
            let mut out = Vec::with_capacity(size * n.max(0) as usize);
            for _ in 0..n.max(0) {
                out.extend(items.iter().cloned());
            }
            Some(Const::Tuple(out))
        }
        _ => None,
    }
}

/// `a + b` of two constants (`PyNumber_Add`: no size limit).
fn fold_add(x: Const, y: Const) -> Option<Const> {
    match (x, y) {
        (Const::Str(a), Const::Str(b)) => Some(Const::Str(Rc::from(format!("{a}{b}")))),
        (Const::Tuple(mut a), Const::Tuple(b)) => {
            a.extend(b);
            Some(Const::Tuple(a))
        }
        (x @ Const::Float(_), y) | (x, y @ Const::Float(_)) => {
            Some(Const::Float((x.as_float()? + y.as_float()?).to_bits()))
        }
        (x, y) => x.as_int()?.checked_add(y.as_int()?).map(Const::Int),
    }
}

/// `seq[i]` of two constants (`fold_subscr`): a str or tuple indexed by an int.
fn fold_subscr(seq: Const, index: Const) -> Option<Const> {
    let i = index.as_int()?;
    let at = |len: usize| -> Option<usize> {
        let j = if i < 0 { i + len as i128 } else { i };
        (0..len as i128).contains(&j).then_some(j as usize)
    };
    match seq {
        Const::Str(x) => {
            let chars: Vec<char> = x.chars().collect();
            let j = at(chars.len())?;
            Some(Const::Str(Rc::from(chars[j].to_string())))
        }
        Const::Tuple(items) => {
            let j = at(items.len())?;
            Some(items[j].clone())
        }
        _ => None,
    }
}

impl Expr {
    /// Whether [`Expr::as_const`] can fold this kind of expression at all: names, calls,
    /// attributes and displays other than tuples never fold, and the interpreter asks for
    /// every expression it evaluates, so it tests this first (no call, no `Option<Const>`).
    #[inline]
    pub(crate) fn may_fold(&self) -> bool {
        matches!(
            self,
            Expr::None
                | Expr::Bool(_)
                | Expr::Int(_)
                | Expr::Float(_)
                | Expr::Str(_)
                | Expr::Tuple(_)
                | Expr::FString(_)
                | Expr::Add(..)
                | Expr::Mul(..)
                | Expr::Item(..)
        )
    }

    /// The constant this expression compiles to, if 3.11's compiler folds it: literals,
    /// tuples of constants, f-strings without replacement fields, and `+`, `*` and `[i]`
    /// of constants within the AST optimizer's limits ([`MAX_STR_SIZE`],
    /// [`MAX_COLLECTION_SIZE`], [`MAX_TOTAL_ITEMS`], [`MAX_INT_SIZE`]).
    pub fn as_const(&self) -> Option<Const> {
        // The kinds listed in may_fold are the only ones below: one list decides both.
        if !self.may_fold() {
            return None;
        }
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
            Expr::FString(parts) => {
                let mut text = String::new();
                for p in parts {
                    match p {
                        Expr::Str(t) => text.push_str(t),
                        _ => return None,
                    }
                }
                Some(Const::Str(Rc::from(text)))
            }
            Expr::Add(a, b) => fold_add(a.as_const()?, b.as_const()?),
            Expr::Mul(a, b) => safe_multiply(a.as_const()?, b.as_const()?),
            Expr::Item(a, b) => fold_subscr(a.as_const()?, b.as_const()?),
            _ => None,
        }
    }

    /// What the compiler makes of the right operand of `in` (`fold_iter` in 3.11's
    /// `ast_opt.c`): a list display of constants becomes a tuple constant, a set display of
    /// constants a frozenset constant. (A list display with non-constant items is still
    /// built as a tuple, at run time: see [`Expr::in_operand`].)
    pub fn in_operand_const(&self) -> Option<Const> {
        match self {
            Expr::List(items) => items
                .iter()
                .map(Expr::as_const)
                .collect::<Option<Vec<_>>>()
                .map(Const::Tuple),
            Expr::Set(items) => items
                .iter()
                .map(Expr::as_const)
                .collect::<Option<Vec<_>>>()
                .map(Const::FrozenSet),
            other => other.as_const(),
        }
    }

    /// The constant a list or set display is built from, if it has three or more items and
    /// all are constants (`starunpack_helper` in 3.11's compiler): `[1, 2, 3]` compiles to
    /// `BUILD_LIST 0; LOAD_CONST (1, 2, 3); LIST_EXTEND 1`, `{1, 2, 3}` to `BUILD_SET 0;
    /// LOAD_CONST frozenset({1, 2, 3}); SET_UPDATE 1`. `wrap` is `Const::Tuple` or
    /// `Const::FrozenSet`.
    pub fn folded_display(items: &[Expr], wrap: fn(Vec<Const>) -> Const) -> Option<Const> {
        if items.len() < 3 {
            return None;
        }
        items
            .iter()
            .map(Expr::as_const)
            .collect::<Option<Vec<_>>>()
            .map(wrap)
    }

    /// The right operand of `in` as the compiler rewrites it: a list display becomes a
    /// tuple display (`fold_iter` changes the node's kind before trying to fold it).
    pub fn in_operand(&self) -> Expr {
        match self {
            Expr::List(items) => Expr::Tuple(items.clone()),
            other => other.clone(),
        }
    }
}

// ----- Python source ---------------------------------------------------------------------

/// Binding strength, for parentheses: comparisons < `+` < `*` < unary minus < primaries.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::In(..) => 1,
        Expr::Add(..) => 2,
        Expr::Mul(..) => 3,
        Expr::Int(v) if *v < 0 => 4,
        Expr::Float(f) if f.is_sign_negative() => 4,
        _ => 5,
    }
}

/// `repr()` of a str: the source spelling of a str literal.
pub fn str_repr(t: &str) -> String {
    let quote = if t.contains('\'') && !t.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(t.len() + 2);
    out.push(quote);
    for c in t.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => match c as u32 {
                n if n <= 0xff => out.push_str(&format!("\\x{n:02x}")),
                n if n <= 0xffff => out.push_str(&format!("\\u{n:04x}")),
                n => out.push_str(&format!("\\U{n:08x}")),
            },
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn write_list(f: &mut std::fmt::Formatter<'_>, items: &[Expr]) -> std::fmt::Result {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{it}")?;
    }
    Ok(())
}

/// `e` as an operand that must bind at least as tightly as `min`.
struct Operand<'a>(&'a Expr, u8);

impl std::fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if precedence(self.0) < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// The Python source of an expression, as a person would write it: `''.join(['a', 'b'])`,
/// `'a' * 20`, `f'{n}'`. Chapters print it so the model's expression and the Python twin's
/// source can be compared line by line.
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::None => f.write_str("None"),
            Expr::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Expr::Int(v) => write!(f, "{v}"),
            Expr::Float(x) => f.write_str(&crate::observe::float_repr(*x)),
            Expr::Str(t) => f.write_str(&str_repr(t)),
            Expr::Name(n) => f.write_str(n),
            Expr::Tuple(items) if items.len() == 1 => write!(f, "({},)", items[0]),
            Expr::Tuple(items) => {
                f.write_str("(")?;
                write_list(f, items)?;
                f.write_str(")")
            }
            Expr::List(items) => {
                f.write_str("[")?;
                write_list(f, items)?;
                f.write_str("]")
            }
            Expr::Set(items) if items.is_empty() => f.write_str("set()"),
            Expr::Set(items) => {
                f.write_str("{")?;
                write_list(f, items)?;
                f.write_str("}")
            }
            Expr::Dict(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Expr::Attr(o, a) => write!(f, "{}.{a}", Operand(o, 5)),
            Expr::Item(o, k) => write!(f, "{}[{k}]", Operand(o, 5)),
            Expr::Call(func, args) => {
                match func {
                    Callee::Name(n) => f.write_str(n)?,
                    Callee::Expr(e) => write!(f, "{}", Operand(e, 5))?,
                }
                f.write_str("(")?;
                write_list(f, args)?;
                f.write_str(")")
            }
            Expr::Method(o, m, args) => {
                write!(f, "{}.{m}(", Operand(o, 5))?;
                write_list(f, args)?;
                f.write_str(")")
            }
            Expr::Add(a, b) => write!(f, "{} + {}", Operand(a, 2), Operand(b, 3)),
            Expr::Mul(a, b) => write!(f, "{} * {}", Operand(a, 3), Operand(b, 4)),
            Expr::In(a, b) => write!(f, "{} in {}", Operand(a, 2), Operand(b, 2)),
            Expr::FString(parts) => {
                f.write_str("f'")?;
                for p in parts {
                    match p {
                        Expr::Str(t) => {
                            let lit = str_repr(t);
                            let inner = &lit[1..lit.len() - 1];
                            f.write_str(&inner.replace('{', "{{").replace('}', "}}"))?;
                        }
                        other => write!(f, "{{{other}}}")?,
                    }
                }
                f.write_str("'")
            }
            Expr::Obj(id) => write!(f, "<object #{}>", id.index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(c: Option<Const>) -> Option<String> {
        match c {
            Some(Const::Str(t)) => Some(t.to_string()),
            _ => None,
        }
    }

    #[test]
    fn str_repeats_fold_up_to_max_str_size() {
        assert_eq!(
            text(mul(s("a"), int(4096)).as_const()).map(|t| t.len()),
            Some(4096)
        );
        assert_eq!(mul(s("a"), int(4097)).as_const(), None);
        assert_eq!(
            text(mul(s("ab"), int(2048)).as_const()).map(|t| t.len()),
            Some(4096)
        );
        assert_eq!(mul(s("ab"), int(2049)).as_const(), None);
        // A negative count is not folded (safe_multiply refuses n < 0)...
        assert_eq!(mul(s("a"), int(-1)).as_const(), None);
        // ...except for the empty string, which skips the checks.
        assert_eq!(text(mul(s(""), int(-1)).as_const()), Some(String::new()));
        // `+` has no limit.
        assert_eq!(
            text(add(mul(s("a"), int(4096)), s("b")).as_const()).map(|t| t.len()),
            Some(4097)
        );
    }

    #[test]
    fn tuple_and_int_limits() {
        let one = || tuple([int(1)]);
        assert!(matches!(mul(one(), int(256)).as_const(), Some(Const::Tuple(v)) if v.len() == 256));
        assert_eq!(mul(one(), int(257)).as_const(), None);
        // MAX_TOTAL_ITEMS counts nested tuples: 201 items fit 1024 / 5, not 1024 / 6.
        let nested = || tuple([tuple((0..200).map(int))]);
        assert!(mul(nested(), int(5)).as_const().is_some());
        assert_eq!(mul(nested(), int(6)).as_const(), None);
        // int * int: bit lengths up to 128 fold, more do not.
        assert_eq!(
            mul(int(1 << 62), int(1 << 62)).as_const(),
            Some(Const::Int(1 << 124))
        );
        assert_eq!(mul(int(1 << 100), int(1 << 40)).as_const(), None);
        assert_eq!(mul(int(0), int(1 << 120)).as_const(), Some(Const::Int(0)));
    }

    #[test]
    fn floats_bools_and_subscripts_fold() {
        assert_eq!(
            add(float(1.5), float(1.5)).as_const(),
            float(3.0).as_const()
        );
        assert_eq!(add(boolean(true), int(1)).as_const(), Some(Const::Int(2)));
        assert_eq!(text(s("abc").item(int(-1)).as_const()), Some("c".into()));
        assert_eq!(s("abc").item(int(3)).as_const(), None);
        assert_eq!(fstr([s("id-"), s("7")]).as_const(), s("id-7").as_const());
        assert_eq!(fstr([s("id-"), name("n")]).as_const(), None);
        // 1, 1.0 and True are three different constants.
        assert_ne!(int(1).as_const(), float(1.0).as_const());
        assert_ne!(int(1).as_const(), boolean(true).as_const());
        assert_ne!(float(0.0).as_const(), float(-0.0).as_const());
    }

    #[test]
    fn in_operands_and_displays() {
        let vowels = || ["a", "e", "i"].map(s);
        assert!(matches!(
            list(vowels()).in_operand_const(),
            Some(Const::Tuple(_))
        ));
        assert!(matches!(
            set(vowels()).in_operand_const(),
            Some(Const::FrozenSet(_))
        ));
        assert!(list([name("x")]).in_operand_const().is_none());
        assert!(matches!(list([name("x")]).in_operand(), Expr::Tuple(_)));
        assert!(Expr::folded_display(&[int(1), int(2)], Const::Tuple).is_none());
        assert!(Expr::folded_display(&[int(1), int(2), int(3)], Const::Tuple).is_some());
    }

    #[test]
    fn expressions_print_as_python_source() {
        let join = s("").method("join", [list([s("hel"), s("lo")])]);
        assert_eq!(join.to_string(), "''.join(['hel', 'lo'])");
        assert_eq!(
            mul(add(s("a"), s("b")), int(2)).to_string(),
            "('a' + 'b') * 2"
        );
        assert_eq!(add(int(1), mul(int(2), int(-3))).to_string(), "1 + 2 * -3");
        assert_eq!(tuple([int(3)]).to_string(), "(3,)");
        assert_eq!(fstr([s("{id}-"), name("n")]).to_string(), "f'{{id}}-{n}'");
        assert_eq!(s("it's").to_string(), "\"it's\"");
        assert_eq!(s("tab\there").to_string(), "'tab\\there'");
        assert_eq!(float(-0.0).to_string(), "-0.0");
        assert_eq!(
            name("list").call([s("abc")]).item(int(0)).to_string(),
            "list('abc')[0]"
        );
    }
}
