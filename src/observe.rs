//! What a Python program can observe about its objects: `sys.getrefcount`, `id`, `is`,
//! `==`, `repr`, `sys.getsizeof`. Each takes an expression, evaluated as the argument of
//! the builtin would be, so the counts include the argument's own reference exactly where
//! CPython's do.

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::object::{set_members, Kind, ObjId};
use crate::sizes;

impl Heap {
    /// `sys.getrefcount(e)`: the count while `e` sits on the stack as the argument, one
    /// more than the references the program holds.
    #[track_caller]
    pub fn getrefcount(&mut self, e: Expr) -> Result<i64> {
        let (rc, is_static) = self.with_value(e, |h, v| {
            let o = h.obj(v);
            (h.rc(v), o.is_static)
        })?;
        if is_static {
            return Err(Error::NotModeled(
                "the count of a static object (None, a small int...) includes references from \
                 the whole interpreter; 3.11 starts it at 999999999, 3.12+ makes it immortal"
                    .into(),
            ));
        }
        Ok(rc)
    }

    /// `ctypes.c_ssize_t.from_address(addr).value`: read the count field at an address.
    /// Unlike `getrefcount` it adds nothing, and it also reads freed memory.
    pub fn refcount_at(&self, addr: u64) -> Result<i64> {
        self.raw_refcnt_at(addr)
    }

    /// `id(e)`
    #[track_caller]
    pub fn id(&mut self, e: Expr) -> Result<u64> {
        self.with_value(e, |h, v| h.obj(v).addr)
    }

    /// `hex(id(e))`
    #[track_caller]
    pub fn hex_id(&mut self, e: Expr) -> Result<String> {
        Ok(format!("{:#x}", self.id(e)?))
    }

    /// `a is b`
    #[track_caller]
    pub fn is(&mut self, a: Expr, b: Expr) -> Result<bool> {
        self.stmt(|h| {
            let x = h.eval(&a)?;
            let y = h.eval(&b)?;
            Ok(x == y)
        })
    }

    /// `a == b` for the built-in value types (identity for everything else, as
    /// `object.__eq__` does).
    #[track_caller]
    pub fn eq(&mut self, a: Expr, b: Expr) -> Result<bool> {
        self.stmt(|h| {
            let x = h.eval(&a)?;
            let y = h.eval(&b)?;
            Ok(h.values_equal(x, y))
        })
    }

    /// `a in b`
    #[track_caller]
    pub fn contains(&mut self, a: Expr, b: Expr) -> Result<bool> {
        self.stmt(|h| {
            let r = h.eval(&crate::expr::contains(a, b))?;
            Ok(r == h.statics.true_)
        })
    }

    pub(crate) fn values_equal(&self, x: ObjId, y: ObjId) -> bool {
        if x == y {
            return true;
        }
        match (&self.obj(x).kind, &self.obj(y).kind) {
            // mappingproxy_richcompare compares the mapping (either side, reflected).
            (Kind::MappingProxy(m), _) => self.values_equal(*m, y),
            (_, Kind::MappingProxy(m)) => self.values_equal(x, *m),
            (Kind::List { items: a, .. }, Kind::List { items: b, .. }) => {
                a.len() == b.len() && a.iter().zip(b).all(|(p, q)| self.values_equal(*p, *q))
            }
            (Kind::Dict { entries: a, .. }, Kind::Dict { entries: b, .. }) => {
                a.len() == b.len()
                    && a.iter().all(|(k, v)| {
                        b.iter()
                            .any(|(k2, v2)| self.keys_equal(*k, *k2) && self.values_equal(*v, *v2))
                    })
            }
            (Kind::Tuple(a), Kind::Tuple(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(p, q)| self.values_equal(*p, *q))
            }
            (Kind::Float(a), Kind::Float(b)) => a == b,
            (Kind::Set { items: a, .. }, Kind::Set { items: b, .. }) => {
                a.len() == b.len() && a.iter().all(|p| b.iter().any(|q| self.keys_equal(*p, *q)))
            }
            _ => self.keys_equal(x, y),
        }
    }

    /// `repr(e)`
    #[track_caller]
    pub fn repr_of(&mut self, e: Expr) -> Result<String> {
        self.with_value(e, |h, v| h.repr(v))?
    }

    /// `str(e)`: the text `print(e)` shows. A str is its own text; an instance whose class
    /// defines `__str__` or `__repr__` shows what that method returns, also inside a list,
    /// tuple or dict (whose repr calls each item's `__repr__`); anything else is its repr.
    #[track_caller]
    pub fn str_of_expr(&mut self, e: Expr) -> Result<String> {
        self.stmt(|h| {
            let v = h.eval(&e)?;
            if let Kind::Str { value, .. } = &h.obj(v).kind {
                return Ok(value.to_string());
            }
            // mappingproxy_str: str() of the mapping.
            let v = match h.obj(v).kind {
                Kind::MappingProxy(mapping) => mapping,
                _ => v,
            };
            if h.user_method(v, "__str__") {
                return h.call_text_method(v, "__str__");
            }
            h.repr_dispatch(v)
        })
    }

    /// `repr(obj)` of an object handle.
    pub fn repr(&self, id: ObjId) -> Result<String> {
        let o = self.get(id)?;
        Ok(match &o.kind {
            Kind::None => "None".into(),
            Kind::Bool(b) => if *b { "True" } else { "False" }.into(),
            Kind::Int(v) => v.get().to_string(),
            Kind::Float(f) => float_repr(*f),
            Kind::Str { value, .. } => format!("'{value}'"),
            Kind::Bytes(b) => format!("b'{}'", String::from_utf8_lossy(b)),
            Kind::Tuple(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| self.repr(*i).unwrap_or_default())
                    .collect();
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            Kind::List { items, .. } => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| self.repr(*i).unwrap_or_default())
                    .collect();
                format!("[{}]", parts.join(", "))
            }
            Kind::Dict { entries, .. } => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}: {}",
                            self.repr(*k).unwrap_or_default(),
                            self.repr(*v).unwrap_or_default()
                        )
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Kind::Set {
                items,
                table,
                frozen,
                ..
            } => {
                let parts: Vec<String> = set_members(items, table)
                    .map(|i| self.repr(i).unwrap_or_default())
                    .collect();
                match (frozen, parts.is_empty()) {
                    (false, true) => "set()".into(),
                    (true, true) => "frozenset()".into(),
                    (false, false) => format!("{{{}}}", parts.join(", ")),
                    (true, false) => format!("frozenset({{{}}})", parts.join(", ")),
                }
            }
            Kind::Range(r) => {
                let (a, b, st) = **r;
                if a == 0 && st == 1 {
                    format!("range(0, {b})")
                } else {
                    format!("range({a}, {b}, {st})")
                }
            }
            Kind::Type(c) => format!("<class '__main__.{}'>", c.name),
            Kind::Instance { .. } => {
                format!("<__main__.{} object at {:#x}>", self.type_name(id)?, o.addr)
            }
            Kind::Function(f) => format!("<function {} at {:#x}>", f.name, o.addr),
            // method_repr: `<bound method Class.name of repr(self)>` (the function's
            // __qualname__, here its class and name).
            Kind::Method { func, self_ } => {
                let fname = match &self.obj(*func).kind {
                    Kind::Function(f) => f.name.to_string(),
                    _ => "?".to_string(),
                };
                format!(
                    "<bound method {}.{fname} of {}>",
                    self.type_name(*self_)?,
                    self.repr(*self_)?
                )
            }
            Kind::MappingProxy(mapping) => format!("mappingproxy({})", self.repr(*mapping)?),
            // descr_repr of a getset: `<attribute '__dict__' of 'P' objects>`.
            Kind::GetSet { name, owner } => {
                format!(
                    "<attribute '{name}' of '{}' objects>",
                    self.class_name(*owner)
                )
            }
            Kind::WeakRef { target, .. } => match target {
                Some(t) => format!(
                    "<weakref at {:#x}; to '{}' at {:#x}>",
                    o.addr,
                    self.type_name(*t)?,
                    self.obj(*t).addr
                ),
                None => format!("<weakref at {:#x}; dead>", o.addr),
            },
            _ => format!("<{} object at {:#x}>", self.type_name(id)?, o.addr),
        })
    }

    /// Whether `v` is an instance whose class defines `method`.
    fn user_method(&self, v: ObjId, method: &str) -> bool {
        match &self.obj(v).kind {
            Kind::Instance { class, .. } => self.class_lookup(*class, method).is_some(),
            _ => false,
        }
    }

    /// Call a method that must return a str (`__repr__`, `__str__`) and take its text.
    fn call_text_method(&mut self, v: ObjId, method: &str) -> Result<String> {
        self.incref(v);
        let r = self.call_method(v, method, Vec::new());
        self.decref(v);
        let r = r?;
        let text = match &self.obj(r).kind {
            Kind::Str { value, .. } => Ok(value.to_string()),
            _ => Err(Error::Type(format!(
                "{method} returned non-string (type {})",
                self.type_name(r)?
            ))),
        };
        self.decref(r);
        text
    }

    /// `repr(v)` calling a user `__repr__` where a class defines one, containers included.
    fn repr_dispatch(&mut self, v: ObjId) -> Result<String> {
        if self.user_method(v, "__repr__") {
            return self.call_text_method(v, "__repr__");
        }
        let (open, close, items, pairs) = match &self.obj(v).kind {
            Kind::List { items, .. } => ("[", "]", items.clone(), false),
            Kind::Tuple(items) => ("(", ")", items.to_vec(), false),
            Kind::Dict { entries, .. } => (
                "{",
                "}",
                entries.iter().flat_map(|(k, v)| [*k, *v]).collect(),
                true,
            ),
            _ => return self.repr(v),
        };
        for i in &items {
            self.incref(*i);
        }
        let mut parts = Vec::new();
        let mut r = Ok(());
        for i in &items {
            match self.repr_dispatch(*i) {
                Ok(p) => parts.push(p),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        for i in items {
            self.decref(i);
        }
        r?;
        let body = if pairs {
            parts
                .chunks(2)
                .map(|kv| kv.join(": "))
                .collect::<Vec<_>>()
                .join(", ")
        } else if open == "(" && parts.len() == 1 {
            format!("{},", parts[0])
        } else {
            parts.join(", ")
        };
        Ok(format!("{open}{body}{close}"))
    }

    /// `sys.getsizeof(e)` ([`Error::NotModeled`] for code and frame objects).
    #[track_caller]
    pub fn getsizeof(&mut self, e: Expr) -> Result<usize> {
        self.with_value(e, sizes::try_getsizeof)?
    }
}

/// Python's float repr for the values the book uses (shortest round-trip).
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}
