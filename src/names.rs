//! Names, frames and scopes: binding, rebinding, `del`, calls, and leaving a scope.
//!
//! A module's names live in its globals dict (a real dict object, so it shows up in
//! `gc.get_referrers`). A call pushes a [`Frame`] whose fast locals own their references;
//! returning clears them in slot order, which is when "going out of scope" frees things.
//! Every statement evaluates on the heap's evaluation stack and releases its temporaries when
//! it ends, even when it fails, so counts observed between statements are CPython's.

use std::rc::Rc;
use thin_vec::ThinVec;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::heap::Heap;
use crate::object::{Kind, ObjId};

/// A function body: Rust code run on the heap inside the function's frame.
pub type Body = Rc<dyn Fn(&mut Heap) -> Result<()>>;

/// Make a [`Body`] from a closure.
pub fn body(f: impl Fn(&mut Heap) -> Result<()> + 'static) -> Body {
    Rc::new(f)
}

/// A frame's fast locals: (name, value), each value owning one reference.
pub(crate) type Locals = Vec<(Rc<str>, Option<ObjId>)>;

/// At most this many emptied locals vectors wait for reuse (enough for recursion a few
/// calls deep; the rest are freed as before).
const SPARE_LOCALS_MAX: usize = 16;

/// A running call: 3.11's `_PyInterpreterFrame` (not an object unless asked for).
#[derive(Debug)]
pub struct Frame {
    /// The function's name.
    pub name: Rc<str>,
    /// The compilation unit whose constants the body uses.
    pub code: ObjId,
    /// Fast locals: each owns one reference.
    pub locals: Vec<(Rc<str>, Option<ObjId>)>,
    /// The value `return` set.
    pub retval: Option<ObjId>,
    /// A frame object, if `sys._getframe()` made one.
    pub frame_obj: Option<ObjId>,
}

impl Heap {
    /// Run one statement: temporaries pushed while it runs are released when it ends.
    /// The caller's line is the statement's line for `tracemalloc` ([`Heap::at_caller`]).
    #[track_caller]
    pub(crate) fn stmt<T>(&mut self, f: impl FnOnce(&mut Heap) -> Result<T>) -> Result<T> {
        self.at_caller(|h| {
            let mark = h.temps.len();
            let r = f(h);
            h.release_temps(mark);
            r
        })
    }

    /// The compilation unit statements are running in.
    pub(crate) fn current_code(&self) -> ObjId {
        self.frames
            .last()
            .map(|f| f.code)
            .unwrap_or(self.module_code)
    }

    // ----- statements ---------------------------------------------------------------------

    /// `name = value`: binds in the current function's locals, or in the module's globals.
    #[track_caller]
    pub fn assign(&mut self, target: &str, value: Expr) -> Result<()> {
        self.stmt(|h| {
            let v = h.eval(&value)?;
            h.bind(target, v)
        })
    }

    /// Bind a name to an object (taking a new reference); the old value is released after.
    pub(crate) fn bind(&mut self, target: &str, v: ObjId) -> Result<()> {
        self.incref(v);
        if let Some(frame) = self.frames.last_mut() {
            let old = match frame.locals.iter_mut().find(|(n, _)| &**n == target) {
                Some((_, slot)) => slot.replace(v),
                None => {
                    let name = self.interned.local_name(target);
                    frame.locals.push((name, Some(v)));
                    None
                }
            };
            if let Some(old) = old {
                self.decref(old);
            }
            Ok(())
        } else {
            let key = self.intern_name(target);
            let g = self.globals;
            let r = self.dict_set(g, key, v);
            self.decref(key);
            self.decref(v);
            r
        }
    }

    /// `del name`
    pub fn del(&mut self, target: &str) -> Result<()> {
        if let Some(frame) = self.frames.last_mut() {
            if let Some((_, slot)) = frame.locals.iter_mut().find(|(n, _)| &**n == target) {
                if let Some(old) = slot.take() {
                    self.decref(old);
                    return Ok(());
                }
            }
            return Err(Error::UnknownName(target.to_string()));
        }
        let g = self.globals;
        let key = self.intern_name(target);
        let r = self.dict_del_str(g, target);
        self.decref(key);
        r.map_err(|_| Error::UnknownName(target.to_string()))
    }

    /// `obj.attr = value`
    #[track_caller]
    pub fn assign_attr(&mut self, target: Expr, attr: &str, value: Expr) -> Result<()> {
        self.stmt(|h| {
            let o = h.eval(&target)?;
            let v = h.eval(&value)?;
            h.set_attr(o, attr, v)
        })
    }

    /// `del obj.attr`
    #[track_caller]
    pub fn del_attr(&mut self, target: Expr, attr: &str) -> Result<()> {
        self.stmt(|h| {
            let o = h.eval(&target)?;
            h.remove_attr(o, attr)
        })
    }

    /// `obj[key] = value`
    #[track_caller]
    pub fn assign_item(&mut self, target: Expr, key: Expr, value: Expr) -> Result<()> {
        self.stmt(|h| {
            let o = h.eval(&target)?;
            let k = h.eval(&key)?;
            let v = h.eval(&value)?;
            h.set_item(o, k, v)
        })
    }

    /// An expression statement: evaluate and discard (`l.append(4)`, `f()`).
    #[track_caller]
    pub fn exec(&mut self, e: Expr) -> Result<()> {
        self.stmt(|h| h.eval(&e).map(|_| ()))
    }

    /// `return value` inside a function body.
    #[track_caller]
    pub fn ret(&mut self, value: Expr) -> Result<()> {
        if self.frames.is_empty() {
            return Err(Error::Context("'return' outside function".into()));
        }
        self.stmt(|h| {
            let v = h.eval(&value)?;
            h.incref(v);
            let frame = h.frames.last_mut().expect("checked non-empty");
            if let Some(old) = frame.retval.replace(v) {
                h.decref(old);
            }
            Ok(())
        })
    }

    /// Evaluate an expression and keep the result: a new reference the caller owns, to be
    /// given back with [`Heap::release`]. For the statement API, prefer `assign`/`exec`.
    #[track_caller]
    pub fn eval_owned(&mut self, e: Expr) -> Result<ObjId> {
        self.stmt(|h| {
            let v = h.eval(&e)?;
            h.incref(v);
            Ok(v)
        })
    }

    /// Give back a reference from [`Heap::eval_owned`].
    pub fn release(&mut self, id: ObjId) -> Result<()> {
        self.get(id)?;
        self.decref(id);
        Ok(())
    }

    /// Evaluate `e` and look at the result (without keeping it): the closure sees the object
    /// while it sits on the evaluation stack, as a builtin's argument does.
    #[track_caller]
    pub fn with_value<T>(&mut self, e: Expr, f: impl FnOnce(&Heap, ObjId) -> T) -> Result<T> {
        self.stmt(|h| {
            let v = h.eval(&e)?;
            Ok(f(h, v))
        })
    }

    /// The object a name is bound to (no reference taken).
    pub fn lookup(&self, n: &str) -> Result<ObjId> {
        if let Some(frame) = self.frames.last() {
            if let Some((_, Some(v))) = frame.locals.iter().find(|(k, _)| &**k == n) {
                return Ok(*v);
            }
        }
        if let Some(v) = self.dict_get_str(self.globals, n) {
            return Ok(v);
        }
        if let Some(v) = self.statics.builtins.get(n) {
            return Ok(*v);
        }
        Err(Error::UnknownName(n.to_string()))
    }

    /// Names bound in the module, in binding order.
    pub fn global_names(&self) -> Vec<(String, ObjId)> {
        match &self.obj(self.globals).kind {
            Kind::Dict { entries, .. } => entries
                .iter()
                .filter_map(|(k, v)| match &self.obj(*k).kind {
                    Kind::Str { value, .. } => Some((value.to_string(), *v)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The running frames, outermost first: (function name, locals).
    pub fn frame_views(&self) -> Vec<(String, Vec<(String, ObjId)>)> {
        self.frames
            .iter()
            .map(|f| {
                (
                    f.name.to_string(),
                    f.locals
                        .iter()
                        .filter_map(|(n, v)| v.map(|v| (n.to_string(), v)))
                        .collect(),
                )
            })
            .collect()
    }

    /// The module globals dict.
    pub fn globals_dict(&self) -> ObjId {
        self.globals
    }

    // ----- compilation units --------------------------------------------------------------

    /// Run statements as one separate compilation unit, like one notebook cell or REPL input:
    /// constants are shared inside it and not with other cells. The cell's code object is
    /// released when it finishes (functions defined in it keep it alive).
    pub fn cell<T>(&mut self, f: impl FnOnce(&mut Heap) -> Result<T>) -> Result<T> {
        self.cell_counter += 1;
        let name = format!("<cell {}>", self.cell_counter);
        let code = self.new_code(&name);
        let saved = std::mem::replace(&mut self.module_code, code);
        let r = f(self);
        self.module_code = saved;
        self.decref(code);
        r
    }

    /// `exec(source, d)`: run statements as their own compilation unit with the dict `d`
    /// as the module namespace. Names bound go into `d`, and functions defined take `d` as
    /// their `__globals__`, so a function stored in its own globals is a cycle, as
    /// `test_gc.test_function` builds. (CPython also stores `__builtins__` in `d`: the
    /// builtins dict, which lives as long as the interpreter; the model's builtins are not a
    /// dict object, so that entry is left out. It never becomes garbage either way.)
    pub fn exec_in<T>(&mut self, d: Expr, f: impl FnOnce(&mut Heap) -> Result<T>) -> Result<T> {
        let d = self.eval_owned(d)?;
        if !matches!(self.obj(d).kind, Kind::Dict { .. }) {
            let ty = self.type_name(d)?;
            self.decref(d);
            return Err(Error::Type(format!(
                "exec() globals must be a dict, not {ty}"
            )));
        }
        let saved = std::mem::replace(&mut self.globals, d);
        let r = self.cell(f);
        self.globals = saved;
        self.decref(d);
        r
    }

    // ----- calls --------------------------------------------------------------------------

    /// Call a function object with arguments whose references are moved into the new frame.
    pub(crate) fn call_function(&mut self, func: ObjId, args: Vec<ObjId>) -> Result<ObjId> {
        // Borrowing the object table alone leaves the spare locals free to take below.
        let f = match &self.objs.obj(func).kind {
            Kind::Function(f) => f,
            _ => {
                for a in args {
                    self.decref(a);
                }
                return Err(Error::Type(format!(
                    "'{}' object is not callable",
                    self.type_name(func).unwrap_or_default()
                )));
            }
        };
        if f.params.len() != args.len() {
            let msg = format!(
                "{}() takes {} positional arguments but {} were given",
                f.name,
                f.params.len(),
                args.len()
            );
            for a in args {
                self.decref(a);
            }
            return Err(Error::Type(msg));
        }
        // The parameters' names are cloned straight into the locals (no copy of the list).
        // A spare vector from a call that returned: a call then costs no malloc and free
        // of the Rust allocator for its locals.
        let mut locals = self.spare_locals.pop().unwrap_or_default();
        locals.extend(f.params.iter().cloned().zip(args.into_iter().map(Some)));
        let (fname, code, body, is_gen) = (f.name.clone(), f.code, f.body.clone(), f.generator);
        if is_gen {
            return Ok(self.new_generator(&fname, locals));
        }
        self.frames.push(Frame {
            name: fname,
            code,
            locals,
            retval: None,
            frame_obj: None,
        });
        let r = body(self);
        let frame = self.frames.pop().expect("pushed above");
        let ret = frame.retval;
        self.clear_frame(frame);
        match r {
            Ok(()) => Ok(match ret {
                Some(v) => v,
                None => self.new_none(),
            }),
            Err(e) => {
                if let Some(v) = ret {
                    self.decref(v);
                }
                Err(e)
            }
        }
    }

    /// `_PyFrame_Clear`: release the locals in slot order. If a frame object was made, it
    /// takes the locals over and keeps them alive (so a frame that refers to itself through
    /// a local is a cycle only the collector can free).
    fn clear_frame(&mut self, frame: Frame) {
        if let Some(fo) = frame.frame_obj {
            let kept: ThinVec<(Rc<str>, ObjId)> = frame
                .locals
                .into_iter()
                .filter_map(|(n, v)| v.map(|v| (n, v)))
                .collect();
            if let Kind::Frame { locals, live, .. } = &mut self.obj_mut(fo).kind {
                *locals = kept;
                *live = None;
            }
            self.decref(fo);
            return;
        }
        let mut locals = frame.locals;
        for (_, v) in locals.drain(..) {
            if let Some(v) = v {
                self.decref(v);
            }
        }
        if locals.capacity() > 0 && self.spare_locals.len() < SPARE_LOCALS_MAX {
            self.spare_locals.push(locals);
        }
    }

    /// `sys._getframe()`: materialize the running frame as an object. Returns a new
    /// reference, owned by the caller: bind it (`assign("frame", obj(f))`) and give it back
    /// with [`Heap::release`]. Once the function returns, the frame object keeps its locals
    /// alive, so a local bound to the frame makes a cycle (`test_gc.test_frame`). At module
    /// level there is no function frame to materialize: [`Error::NotModeled`].
    pub fn getframe(&mut self) -> Result<ObjId> {
        let depth = self.frames.len();
        let Some(frame) = self.frames.last() else {
            return Err(Error::NotModeled(
                "the module-level frame object is not modeled".into(),
            ));
        };
        if let Some(fo) = frame.frame_obj {
            self.incref(fo);
            return Ok(fo);
        }
        let name = frame.name.clone();
        let fo = self.alloc(
            crate::object::TypeTag::Frame,
            Kind::Frame {
                name,
                locals: ThinVec::new(),
                live: Some(u32::try_from(depth - 1).expect("frame depth below 2^32")),
            },
        );
        self.gc_track(fo);
        // The interpreter frame owns one reference to its frame object.
        self.incref(fo);
        self.frames.last_mut().expect("checked").frame_obj = Some(fo);
        Ok(fo)
    }
}
