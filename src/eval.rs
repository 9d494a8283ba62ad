//! Evaluation: each expression pushes exactly one new reference onto the evaluation stack and
//! consumes its operands' references, as CPython's bytecode does, so the counts a chapter
//! observes between statements are the interpreter's.

use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::expr::{Callee, Const, Expr};
use crate::heap::Heap;
use crate::object::{set_members, BuiltinFn, Kind, ObjId, TypeTag};

impl Heap {
    /// Evaluate onto the stack; the result is owned by the stack (released at statement end).
    pub(crate) fn eval(&mut self, e: &Expr) -> Result<ObjId> {
        if e.may_fold() {
            if let Some(c) = e.as_const() {
                let v = self.load_const(&c);
                return Ok(self.push_temp(v));
            }
        }
        match e {
            Expr::Obj(id) => {
                self.get(*id)?;
                self.incref(*id);
                Ok(self.push_temp(*id))
            }
            Expr::Name(n) => self.eval_name(n),
            Expr::List(items) => {
                // Three or more constants: BUILD_LIST 0; LIST_EXTEND of a tuple constant.
                if let Some(c) = Expr::folded_display(items, Const::Tuple) {
                    let vals = self.folded_items(&c)?;
                    let l = self.new_list_by_extend(vals);
                    return Ok(self.push_temp(l));
                }
                let vals = self.eval_many(items)?;
                let l = self.new_list_from(vals);
                Ok(self.push_temp(l))
            }
            Expr::Tuple(items) => {
                let vals = self.eval_many(items)?;
                let t = self.new_tuple_from(vals);
                Ok(self.push_temp(t))
            }
            Expr::Set(items) => {
                // Three or more constants: BUILD_SET 0; SET_UPDATE of a frozenset constant.
                if let Some(c) = Expr::folded_display(items, Const::FrozenSet) {
                    let folded = self.load_const(&c);
                    let vals = self.iterate(folded);
                    let st = vals.map(|vals| self.new_set_merged(folded, vals, false));
                    self.decref(folded);
                    return Ok(self.push_temp(st?));
                }
                let vals = self.eval_many(items)?;
                let st = self.new_set_from(vals, false)?;
                Ok(self.push_temp(st))
            }
            Expr::Dict(pairs) => {
                let mut flat = Vec::with_capacity(pairs.len() * 2);
                for (k, v) in pairs {
                    flat.push(k.clone());
                    flat.push(v.clone());
                }
                let vals = self.eval_many(&flat)?;
                let d = self.new_dict_from(vals)?;
                Ok(self.push_temp(d))
            }
            Expr::Attr(o, a) => {
                let ov = self.eval(o)?;
                let v = self.get_attr(ov, a)?;
                Ok(self.finish(1, v))
            }
            Expr::Item(o, k) => {
                let ov = self.eval(o)?;
                let kv = self.eval(k)?;
                let v = self.get_item(ov, kv)?;
                Ok(self.finish(2, v))
            }
            Expr::Call(f, args) => {
                let fv = match f {
                    Callee::Name(n) => self.eval_name(n)?,
                    Callee::Expr(e) => self.eval(e)?,
                };
                let argv = self.eval_many(args)?;
                let v = self.call(fv, argv)?;
                Ok(self.finish(1, v))
            }
            Expr::Method(o, m, args) => {
                let ov = self.eval(o)?;
                let argv = self.eval_many(args)?;
                let v = self.call_method(ov, m, argv)?;
                Ok(self.finish(1, v))
            }
            Expr::Add(a, b) => {
                let av = self.eval(a)?;
                let bv = self.eval(b)?;
                let v = self.binary_add(av, bv)?;
                Ok(self.finish(2, v))
            }
            Expr::Mul(a, b) => {
                let av = self.eval(a)?;
                let bv = self.eval(b)?;
                let v = self.binary_mul(av, bv)?;
                Ok(self.finish(2, v))
            }
            Expr::In(a, b) => {
                // `x in [1, 2]` / `x in {1, 2}`: the compiler turns the literal into a
                // tuple / frozenset constant (a list display of non-constants into a tuple
                // display).
                let av = self.eval(a)?;
                let bv = match b.in_operand_const() {
                    Some(c) => {
                        let v = self.load_const(&c);
                        self.push_temp(v)
                    }
                    None => self.eval(&b.in_operand())?,
                };
                let found = self.contains_op(bv, av)?;
                let r = self.new_bool(found);
                Ok(self.finish(2, r))
            }
            Expr::FString(parts) => {
                // LOAD_CONST / FORMAT_VALUE for each part, then BUILD_STRING n if n != 1.
                let mark = self.temps.len();
                for p in parts {
                    let v = self.eval(p)?;
                    if !matches!(p, Expr::Str(_)) {
                        let f = self.format_value(v)?;
                        self.finish(1, f);
                    }
                }
                if parts.len() == 1 {
                    return Ok(self.temps[mark]);
                }
                let mut text = String::new();
                for &v in &self.temps[mark..] {
                    text.push_str(&self.str_of(v)?);
                }
                let r = self.new_str_runtime(&text);
                Ok(self.finish(parts.len(), r))
            }
            // Constants were handled above.
            Expr::None | Expr::Bool(_) | Expr::Int(_) | Expr::Float(_) | Expr::Str(_) => {
                Err(Error::Context("literal did not fold".into()))
            }
        }
    }

    /// LOAD_NAME: push the object a name is bound to.
    fn eval_name(&mut self, n: &str) -> Result<ObjId> {
        let v = self.lookup(n)?;
        self.incref(v);
        Ok(self.push_temp(v))
    }

    /// Evaluate several expressions and take their references off the stack: the caller now
    /// owns them (they are being moved into a container or a frame).
    fn eval_many(&mut self, items: &[Expr]) -> Result<Vec<ObjId>> {
        let mark = self.temps.len();
        for it in items {
            self.eval(it)?;
        }
        Ok(self.temps.split_off(mark))
    }

    /// Pop `n` operands (released in push order, as the bytecode's DECREFs are) and push
    /// the result, a new reference.
    fn finish(&mut self, n: usize, v: ObjId) -> ObjId {
        // One operand (a call's callable, an attribute's object) is the usual case: popped
        // straight off, no copy.
        if n == 1 {
            if let Some(o) = self.temps.pop() {
                self.decref(o);
            }
            return self.push_temp(v);
        }
        let at = self.temps.len().saturating_sub(n);
        // Off the stack before any is released (a `__del__` may look at the roots).
        let operands: SmallVec<[ObjId; 4]> = self.temps.drain(at..).collect();
        for o in operands {
            self.decref(o);
        }
        self.push_temp(v)
    }

    /// The items of a folded display's constant (new references), as LIST_EXTEND and
    /// SET_UPDATE take them from it.
    fn folded_items(&mut self, c: &Const) -> Result<Vec<ObjId>> {
        let folded = self.load_const(c);
        let items = self.iterate(folded);
        self.decref(folded);
        items
    }

    /// FORMAT_VALUE without a spec: an exact str is its own result; anything else is
    /// `format(value, '')`, a new string.
    fn format_value(&mut self, v: ObjId) -> Result<ObjId> {
        if let Kind::Str { .. } = self.obj(v).kind {
            self.incref(v);
            return Ok(v);
        }
        let text = self.str_of(v)?;
        Ok(self.new_str_runtime(&text))
    }

    /// A bool result (a new reference to a singleton).
    pub(crate) fn new_bool(&mut self, b: bool) -> ObjId {
        let v = if b {
            self.statics.true_
        } else {
            self.statics.false_
        };
        self.incref(v);
        v
    }

    /// Call any callable: a builtin, a function, a class, a weak reference.
    pub(crate) fn call(&mut self, f: ObjId, args: Vec<ObjId>) -> Result<ObjId> {
        match &self.obj(f).kind {
            Kind::Builtin(b) => {
                let b = *b;
                let r = self.call_builtin(b, &args);
                for a in args {
                    self.decref(a);
                }
                r
            }
            Kind::Function(_) => self.call_function(f, args),
            Kind::Method { func, self_ } => {
                // method_vectorcall: the function, with self in front of the arguments.
                let (func, self_) = (*func, *self_);
                self.incref(self_);
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(self_);
                full.extend(args);
                self.call_function(func, full)
            }
            Kind::Type(_) => self.instantiate(f, args),
            Kind::WeakRef { target, .. } => {
                let t = *target;
                for a in args {
                    self.decref(a);
                }
                Ok(match t {
                    Some(t) => {
                        self.incref(t);
                        t
                    }
                    None => self.new_none(),
                })
            }
            _ => {
                let msg = format!(
                    "'{}' object is not callable",
                    self.type_name(f).unwrap_or_default()
                );
                for a in args {
                    self.decref(a);
                }
                Err(Error::Type(msg))
            }
        }
    }

    fn call_builtin(&mut self, b: BuiltinFn, args: &[ObjId]) -> Result<ObjId> {
        let arg = |i: usize| -> Result<ObjId> {
            args.get(i)
                .copied()
                .ok_or_else(|| Error::Type("missing argument".into()))
        };
        match b {
            BuiltinFn::Int => {
                let a = arg(0)?;
                let v = match &self.obj(a).kind {
                    // PyNumber_Long returns an exact int unchanged.
                    Kind::Int(_) => {
                        self.incref(a);
                        return Ok(a);
                    }
                    Kind::Bool(b) => *b as i128,
                    Kind::Float(f) => f.trunc() as i128,
                    Kind::Str { value, .. } => value.trim().parse::<i128>().map_err(|_| {
                        Error::Value(format!("invalid literal for int() with base 10: '{value}'"))
                    })?,
                    _ => {
                        return Err(Error::Type(
                            "int() argument must be a string or a number".into(),
                        ))
                    }
                };
                Ok(self.new_int(v))
            }
            BuiltinFn::Float => {
                let a = arg(0)?;
                let v = match &self.obj(a).kind {
                    Kind::Int(v) => v.get() as f64,
                    // PyNumber_Float returns an exact float unchanged.
                    Kind::Float(_) => {
                        self.incref(a);
                        return Ok(a);
                    }
                    Kind::Str { value, .. } => value.trim().parse::<f64>().map_err(|_| {
                        Error::Value(format!("could not convert string to float: '{value}'"))
                    })?,
                    _ => {
                        return Err(Error::Type(
                            "float() argument must be a string or a number".into(),
                        ))
                    }
                };
                Ok(self.new_float(v))
            }
            BuiltinFn::Str => {
                let a = arg(0)?;
                // PyObject_Str returns an exact str unchanged.
                if let Kind::Str { .. } = self.obj(a).kind {
                    self.incref(a);
                    return Ok(a);
                }
                let text = self.str_of(a)?;
                Ok(self.new_str_runtime(&text))
            }
            BuiltinFn::List | BuiltinFn::Tuple | BuiltinFn::Set | BuiltinFn::FrozenSet => {
                // tuple(t) and frozenset(f) return an exact tuple / frozenset unchanged.
                if let Some(&a) = args.first() {
                    let same = match (b, &self.obj(a).kind) {
                        (BuiltinFn::Tuple, Kind::Tuple(_)) => true,
                        (BuiltinFn::FrozenSet, Kind::Set { frozen, .. }) => *frozen,
                        _ => false,
                    };
                    if same {
                        self.incref(a);
                        return Ok(a);
                    }
                }
                let items = match args.first() {
                    Some(a) => self.iterate(*a)?,
                    None => Vec::new(),
                };
                Ok(match b {
                    BuiltinFn::List => self.list_from_iterable(args.first().copied(), items),
                    BuiltinFn::Tuple => self.new_tuple_from(items),
                    BuiltinFn::Set => {
                        self.set_from_iterable(args.first().copied(), items, false)?
                    }
                    _ => self.set_from_iterable(args.first().copied(), items, true)?,
                })
            }
            BuiltinFn::Dict => {
                if args.len() > 1 {
                    return Err(Error::Type(format!(
                        "dict expected at most 1 argument, got {}",
                        args.len()
                    )));
                }
                let d = self.new_dict_untracked();
                match args
                    .first()
                    .map_or(Ok(()), |&src| self.dict_update_arg(d, src))
                {
                    Ok(()) => Ok(d),
                    Err(e) => {
                        self.decref(d);
                        Err(e)
                    }
                }
            }
            BuiltinFn::Len => {
                let n = self.len_of(arg(0)?)?;
                Ok(self.new_int(n as i128))
            }
            BuiltinFn::Id => {
                let a = self.obj(arg(0)?).addr;
                Ok(self.new_int(a as i128))
            }
            BuiltinFn::Hash => {
                let h = self.hash_of(arg(0)?)?;
                Ok(self.new_int(i128::from(h)))
            }
            BuiltinFn::Intern => {
                let a = arg(0)?;
                self.intern_existing(a)
            }
            BuiltinFn::WeakRef => {
                let target = arg(0)?;
                let cb = args.get(1).copied();
                self.new_weakref(target, cb)
            }
            BuiltinFn::Range => {
                // range(stop), range(start, stop), range(start, stop, step)
                let ints = args
                    .iter()
                    .map(|a| self.int_of(*a))
                    .collect::<Result<Vec<_>>>()?;
                let (start, stop, step) = match ints.as_slice() {
                    [stop] => (0, *stop, 1),
                    [start, stop] => (*start, *stop, 1),
                    [start, stop, step] => (*start, *stop, *step),
                    _ => {
                        return Err(Error::Type(format!(
                            "range expected at most 3 arguments, got {}",
                            ints.len()
                        )))
                    }
                };
                if step == 0 {
                    return Err(Error::Value("range() arg 3 must not be zero".into()));
                }
                Ok(self.alloc(TypeTag::Range, Kind::Range(Box::new((start, stop, step)))))
            }
            BuiltinFn::Object => Ok(self.alloc(TypeTag::Object, Kind::None)),
            BuiltinFn::Array => self.array_new(args),
        }
    }

    /// The int value of an int object.
    pub(crate) fn int_of(&self, id: ObjId) -> Result<i128> {
        match &self.get(id)?.kind {
            Kind::Int(v) => Ok(v.get()),
            Kind::Bool(b) => Ok(*b as i128),
            _ => Err(Error::Type(format!(
                "'{}' object cannot be interpreted as an integer",
                self.type_name(id)?
            ))),
        }
    }

    /// `str(x)` text.
    pub(crate) fn str_of(&self, id: ObjId) -> Result<String> {
        Ok(match &self.get(id)?.kind {
            Kind::Str { value, .. } => value.to_string(),
            // mappingproxy_str: str() of the mapping.
            Kind::MappingProxy(mapping) => self.str_of(*mapping)?,
            _ => self.repr(id)?,
        })
    }

    /// Iterate an iterable into new references.
    pub(crate) fn iterate(&mut self, it: ObjId) -> Result<Vec<ObjId>> {
        let items: Vec<ObjId> = match &self.obj(it).kind {
            Kind::List { items, .. } => items.clone(),
            Kind::Tuple(items) => items.to_vec(),
            Kind::Set { items, table, .. } => set_members(items, table).collect(),
            Kind::Dict { entries, .. } => entries.iter().map(|(k, _)| *k).collect(),
            // mappingproxy_getiter: the mapping's own iterator.
            Kind::MappingProxy(mapping) => {
                let mapping = *mapping;
                return self.iterate(mapping);
            }
            Kind::Range(r) => {
                let (a, _, st) = **r;
                // Made into a list or tuple all at once: the model's cap applies.
                let n = self.len_of(it)?;
                within_model(n)?;
                // Each value is within the bounds; wrapping arithmetic computes it even where
                // `k * st` alone would leave i128.
                let out = (0..n as i128)
                    .map(|k| self.new_int(a.wrapping_add(k.wrapping_mul(st))))
                    .collect();
                return Ok(out);
            }
            Kind::Str { value, .. } => {
                let chars: Vec<char> = value.chars().collect();
                return Ok(chars.into_iter().map(|c| self.new_char(c)).collect());
            }
            Kind::Generator { .. } => {
                let mut out = Vec::new();
                while let Some(v) = self.gen_next(it)? {
                    out.push(v);
                }
                return Ok(out);
            }
            _ => {
                return Err(Error::Type(format!(
                    "'{}' object is not iterable",
                    self.type_name(it)?
                )))
            }
        };
        for i in &items {
            self.incref(*i);
        }
        Ok(items)
    }

    /// `len(x)`
    pub(crate) fn len_of(&self, id: ObjId) -> Result<usize> {
        Ok(match &self.get(id)?.kind {
            Kind::List { items, .. } => items.len(),
            Kind::Tuple(items) => items.len(),
            Kind::Set { items, .. } => items.len(),
            Kind::Dict { entries, .. } => entries.len(),
            Kind::MappingProxy(mapping) => self.len_of(*mapping)?,
            Kind::Str { value, .. } => value.chars().count(),
            Kind::Array { len, .. } => *len,
            Kind::Range(r) => {
                let (a, b, st) = **r;
                // len() of a longer range is an OverflowError in CPython too.
                usize::try_from(crate::iteration::range_len(a, b, st))
                    .ok()
                    .filter(|&n| n <= isize::MAX as usize)
                    .ok_or_else(|| {
                        Error::Overflow("Python int too large to convert to C ssize_t".into())
                    })?
            }
            _ => {
                return Err(Error::Type(format!(
                    "object of type '{}' has no len()",
                    self.type_name(id)?
                )))
            }
        })
    }

    /// `a + b` at run time: a new object (strings made this way are never interned).
    fn binary_add(&mut self, a: ObjId, b: ObjId) -> Result<ObjId> {
        // What to make, read from the operands in place (no copy of a list to concatenate).
        let made = match (&self.obj(a).kind, &self.obj(b).kind) {
            (Kind::Int(x), Kind::Int(y)) => {
                Made::Int(x.get().checked_add(y.get()).ok_or_else(int_too_big)?)
            }
            (Kind::Float(x), Kind::Float(y)) => Made::Float(x + y),
            // unicode_concat returns an operand unchanged when the other is empty.
            (Kind::Str { value: x, .. }, Kind::Str { .. }) if x.is_empty() => Made::Same(b),
            (Kind::Str { .. }, Kind::Str { value: y, .. }) if y.is_empty() => Made::Same(a),
            (Kind::Str { value: x, .. }, Kind::Str { value: y, .. }) => {
                within_model(x.len() + y.len())?;
                Made::Str(format!("{x}{y}"))
            }
            (Kind::List { items: x, .. }, Kind::List { items: y, .. }) => {
                within_model(x.len() + y.len())?;
                Made::List(x.iter().chain(y.iter()).copied().collect())
            }
            (Kind::Tuple(x), Kind::Tuple(y)) => {
                within_model(x.len() + y.len())?;
                Made::Tuple(x.iter().chain(y.iter()).copied().collect())
            }
            _ => return Err(self.unsupported("+", a, b)),
        };
        Ok(self.make(made))
    }

    /// `a * b` at run time.
    fn binary_mul(&mut self, a: ObjId, b: ObjId) -> Result<ObjId> {
        let made = match (&self.obj(a).kind, &self.obj(b).kind) {
            (Kind::Int(x), Kind::Int(y)) => {
                Made::Int(x.get().checked_mul(y.get()).ok_or_else(int_too_big)?)
            }
            // unicode_repeat returns an exact str unchanged for n == 1.
            (Kind::Str { .. }, Kind::Int(n)) if n.get() == 1 => Made::Same(a),
            (Kind::Int(n), Kind::Str { .. }) if n.get() == 1 => Made::Same(b),
            (Kind::Str { value, .. }, Kind::Int(n)) | (Kind::Int(n), Kind::Str { value, .. }) => {
                Made::Str(value.repeat(repeat_count(value.len(), n.get())?))
            }
            (Kind::List { items, .. }, Kind::Int(n)) | (Kind::Int(n), Kind::List { items, .. }) => {
                let n = repeat_count(items.len(), n.get())?;
                let mut all = Vec::with_capacity(items.len() * n);
                for _ in 0..n {
                    all.extend(items.iter().copied());
                }
                Made::List(all)
            }
            _ => return Err(self.unsupported("*", a, b)),
        };
        Ok(self.make(made))
    }

    /// `TypeError: unsupported operand type(s)` for a binary operation.
    fn unsupported(&self, op: &str, a: ObjId, b: ObjId) -> Error {
        let ty = |o| self.type_name(o).unwrap_or_default();
        Error::Type(format!(
            "unsupported operand type(s) for {op}: '{}' and '{}'",
            ty(a),
            ty(b)
        ))
    }

    /// The result of a binary operation: a new object (a container takes new references
    /// to its items), or a new reference to an operand returned unchanged.
    fn make(&mut self, made: Made) -> ObjId {
        if let Made::List(items) | Made::Tuple(items) = &made {
            for &i in items {
                self.incref(i);
            }
        }
        match made {
            Made::Int(v) => self.new_int(v),
            Made::Float(v) => self.new_float(v),
            Made::Str(t) => self.new_str_runtime(&t),
            Made::List(items) => self.new_list_exact(items),
            Made::Tuple(items) => self.new_tuple_from(items),
            Made::Same(o) => {
                self.incref(o);
                o
            }
        }
    }

    /// Load a constant of the current compilation unit, creating it on first use (the
    /// compiler made it before the unit ran; the model makes it lazily, same sharing).
    /// Returns a new reference.
    pub(crate) fn load_const(&mut self, c: &Const) -> ObjId {
        if let Some(v) = self.static_for_const(c) {
            self.incref(v);
            return v;
        }
        let code = self.current_code();
        if let Some(v) = self.interned.const_lookup(code, c) {
            self.incref(v);
            return v;
        }
        let v = self.make_const(c);
        // co_consts owns one reference (the one make_const returned).
        if let Kind::Code { consts, .. } = &mut self.obj_mut(code).kind {
            consts.push(v);
        }
        self.interned.const_insert(code, c.clone(), v);
        self.incref(v);
        v
    }

    /// Constants that are static singletons: None, bools, small ints, '' and 1-char latin-1.
    fn static_for_const(&mut self, c: &Const) -> Option<ObjId> {
        match c {
            Const::None => Some(self.statics.none),
            Const::Bool(true) => Some(self.statics.true_),
            Const::Bool(false) => Some(self.statics.false_),
            Const::Int(v) if (-5..=256).contains(v) => Some(self.small_int(*v)),
            // A one-character constant is interned like any other (see intern.rs).
            Const::Str(t) if t.is_empty() => Some(self.statics.empty_str),
            Const::Tuple(items) if items.is_empty() => Some(self.statics.empty_tuple),
            _ => None,
        }
    }

    /// Build a constant object (a new reference).
    fn make_const(&mut self, c: &Const) -> ObjId {
        match c {
            Const::Int(v) => self.new_int(*v),
            Const::Float(bits) => self.new_float(f64::from_bits(*bits)),
            Const::Str(t) => self.new_str_const(t),
            Const::Tuple(items) => {
                let vals: Vec<ObjId> = items.iter().map(|i| self.load_const_item(i)).collect();
                self.new_tuple_from(vals)
            }
            Const::FrozenSet(items) => {
                let vals: Vec<ObjId> = items.iter().map(|i| self.load_const_item(i)).collect();
                // The compiler's frozenset is rebuilt from its own iteration order when the
                // code object's constants are merged: add the items in that order. Folded
                // constants (numbers, strings, tuples of them) are all hashable.
                let order = self
                    .order_by_adds(&vals)
                    .expect("invariant: a frozenset constant holds hashable constants");
                let vals = order.into_iter().map(|k| vals[k]).collect();
                self.new_set_from(vals, true)
                    .expect("invariant: a frozenset constant holds hashable constants")
            }
            Const::None | Const::Bool(_) => self.new_none(),
        }
    }

    fn load_const_item(&mut self, c: &Const) -> ObjId {
        self.load_const(c)
    }

    /// The static object for `''` and one-character latin-1 strings (made on first use).
    pub(crate) fn static_str(&mut self, t: &str) -> Option<ObjId> {
        let mut chars = t.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Some(self.statics.empty_str),
            (Some(ch), None) if (ch as u32) < 256 => {
                let i = ch as usize;
                if let Some(id) = self.statics.latin1[i] {
                    return Some(id);
                }
                let id = self.new_latin1_static(ch);
                self.statics.latin1[i] = Some(id);
                Some(id)
            }
            _ => None,
        }
    }
}

/// What a binary operation makes, decided while its operands are borrowed.
enum Made {
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<ObjId>),
    Tuple(Vec<ObjId>),
    /// An operand, returned as it is (`s + ''`, `s * 1`).
    Same(ObjId),
}

/// An int result the model's 128-bit ints cannot hold (CPython's are unbounded).
fn int_too_big() -> Error {
    Error::NotModeled("an int beyond the model's 128 bits".into())
}

/// The most items (or bytes) one sequence made at run time (a repetition, a concatenation,
/// a range made into a list) may have in the model: far more than any chapter uses, and
/// small enough that the model's own memory is never the limit.
const MAX_SEQUENCE: usize = 1 << 28;

/// A new sequence of `len` items or bytes is within [`MAX_SEQUENCE`], or not modeled.
pub(crate) fn within_model(len: usize) -> Result<()> {
    if len > MAX_SEQUENCE {
        return Err(Error::NotModeled(format!(
            "a sequence of {len} items or bytes (the model stops at {MAX_SEQUENCE})"
        )));
    }
    Ok(())
}

/// How many times `seq * n` repeats a sequence of `len` items, as `sequence_repeat` and
/// `list_repeat` check it: a count that does not fit a `Py_ssize_t` is an OverflowError,
/// a result that would not fit one a MemoryError; a negative count is 0. A result beyond
/// [`MAX_SEQUENCE`] is not modeled (CPython would try to allocate it).
fn repeat_count(len: usize, n: i128) -> Result<usize> {
    let Ok(n) = isize::try_from(n) else {
        return Err(Error::Overflow(
            "cannot fit 'int' into an index-sized integer".into(),
        ));
    };
    let n = n.max(0) as usize;
    match len.checked_mul(n) {
        Some(total) if total <= isize::MAX as usize => within_model(total).map(|()| n),
        _ => Err(Error::NotModeled(
            "MemoryError (repetition too long)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_made_at_run_time_stop_at_the_models_cap() {
        assert!(within_model(MAX_SEQUENCE).is_ok());
        assert!(matches!(
            within_model(MAX_SEQUENCE + 1),
            Err(Error::NotModeled(_))
        ));
        // 'ab' * n: negative counts are 0, the cap counts bytes, and a count or a result
        // beyond Py_ssize_t is refused before anything is multiplied out.
        assert_eq!(repeat_count(2, -7).ok(), Some(0));
        assert_eq!(
            repeat_count(2, (MAX_SEQUENCE / 2) as i128).ok(),
            Some(MAX_SEQUENCE / 2)
        );
        assert!(repeat_count(2, (MAX_SEQUENCE / 2 + 1) as i128).is_err());
        assert!(repeat_count(3, isize::MAX as i128).is_err());
        assert!(matches!(repeat_count(1, 1 << 64), Err(Error::Overflow(_))));
        assert_eq!(
            repeat_count(0, isize::MAX as i128).ok(),
            Some(isize::MAX as usize)
        );
    }
}
