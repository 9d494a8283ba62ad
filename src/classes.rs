//! Classes, instances, functions and attributes.
//!
//! A class statement makes what 3.11 makes: the type object, its `__dict__`, the `__mro__`
//! and `__bases__` tuples, and the `__dict__`/`__weakref__` descriptors (which point back at
//! the class, so every class is a cycle). Instances of a regular class keep attributes as
//! 3.11 inline values (no dict object) until `__dict__` is asked for; `__slots__` instances
//! have fixed slots and no `__dict__` at all. A class's own `__dict__` attribute is not
//! that dict but a new read-only `mappingproxy` over it on every access.

use std::rc::Rc;
use thin_vec::ThinVec;

use crate::error::{Error, Result};
use crate::heap::{Heap, Objects};
use crate::layout::{self, Block, DictShape, SharedKeys};
use crate::names::Body;
use crate::object::{
    CachedKeys, ClassInfo, FunctionInfo, Header, InlineValues, InstanceAttrs, Kind, ObjId,
    SlotValues, SplitAddr, TypeTag,
};
use smallvec::SmallVec;

/// A class definition, built before it runs: `Class::new("Node").method(...)`.
#[derive(Clone)]
pub struct Class {
    name: String,
    methods: Vec<(String, Vec<String>, Body)>,
    slots: Option<Vec<String>>,
    class_attrs: Vec<(String, crate::expr::Expr)>,
}

impl Class {
    /// `class Name:`
    pub fn new(name: &str) -> Class {
        Class {
            name: name.to_string(),
            methods: Vec::new(),
            slots: None,
            class_attrs: Vec::new(),
        }
    }

    /// `def method(params): body` (params include `self`).
    pub fn method(mut self, name: &str, params: &[&str], body: Body) -> Class {
        self.methods.push((
            name.to_string(),
            params.iter().map(|p| p.to_string()).collect(),
            body,
        ));
        self
    }

    /// `__slots__ = (...)`
    pub fn slots(mut self, names: &[&str]) -> Class {
        self.slots = Some(names.iter().map(|p| p.to_string()).collect());
        self
    }

    /// A class attribute: `instances = []`.
    pub fn attr(mut self, name: &str, value: crate::expr::Expr) -> Class {
        self.class_attrs.push((name.to_string(), value));
        self
    }
}

/// Where `__init__` sits in a class's `__dict__`, remembered so that making an instance
/// need not compare the text of every key with `"__init__"` (3.11 caches type lookups
/// under a version tag for the same reason). The class dict changes by routes the class
/// is not told of (`dict_clear` from the collector's `type_clear`, any dict operation), so
/// the memo keeps the dict's keys as they were and holds only while they are the same.
/// Handles carry a generation, so equal handles in the same order are the same key
/// objects, and the same answer.
#[derive(Debug, Clone, Default)]
pub struct InitMemo {
    /// The dict's keys when `__init__` was looked for.
    keys: Vec<ObjId>,
    /// `__init__`'s position among them, if there.
    at: Option<usize>,
}

impl InitMemo {
    /// `__init__`'s position in `entries` (`Some(None)`: not there), if the memo holds for
    /// them.
    fn lookup(&self, entries: &[(ObjId, ObjId)]) -> Option<Option<usize>> {
        let same = self.keys.len() == entries.len()
            && self.keys.iter().zip(entries).all(|(a, (k, _))| a == k);
        same.then_some(self.at)
    }
}

impl Heap {
    /// `def name(params): body` at the current scope.
    pub fn def(&mut self, name: &str, params: &[&str], body: Body) -> Result<ObjId> {
        let f = self.new_function(name, params, body, false);
        let r = self.bind(name, f);
        self.decref(f);
        r.map(|_| f)
    }

    /// A generator function: calling it makes a generator that yields `0..n` where `n` is
    /// its first argument (the seeds' `for i in range(n): yield i`).
    pub fn def_generator(&mut self, name: &str, params: &[&str]) -> Result<ObjId> {
        let f = self.new_function(name, params, crate::names::body(|_| Ok(())), true);
        let r = self.bind(name, f);
        self.decref(f);
        r.map(|_| f)
    }

    /// A function object of the current compilation unit (`MAKE_FUNCTION`), tracked.
    pub(crate) fn new_function(
        &mut self,
        name: &str,
        params: &[&str],
        body: Body,
        generator: bool,
    ) -> ObjId {
        let code = self.current_code();
        let globals = self.globals;
        self.incref(code);
        self.incref(globals);
        let f = self.alloc(
            TypeTag::Function,
            Kind::Function(Box::new(FunctionInfo {
                name: Rc::from(name),
                code,
                globals,
                params: params.iter().map(|p| Rc::from(*p)).collect(),
                body,
                generator,
                dict: None,
            })),
        );
        self.gc_track(f);
        f
    }

    /// Run a class statement and bind the class to its name. Returns the class object.
    pub fn class(&mut self, def: Class) -> Result<ObjId> {
        let object = self.statics.builtins["object"];
        let dict = self.new_dict_untracked();
        // type_new: __module__, then the body's names, then __dict__/__weakref__ descriptors.
        let k = self.intern_str("__module__");
        let v = self.intern_str("__main__");
        self.dict_set(dict, k, v)?;
        self.decref(k);
        self.decref(v);
        if let Some(names) = &def.slots {
            // The body's `__slots__ = (...)`: a constant tuple of the names, kept in the
            // class dict (type_new reads it from there).
            let t = self.eval_owned(crate::expr::tuple(names.iter().map(|n| crate::expr::s(n))))?;
            let k = self.intern_str("__slots__");
            self.dict_set(dict, k, t)?;
            self.decref(k);
            self.decref(t);
        }
        let mut has_del = false;
        for (mname, params, b) in &def.methods {
            let ps: Vec<&str> = params.iter().map(String::as_str).collect();
            let f = self.new_function(mname, &ps, b.clone(), false);
            let k = self.intern_str(mname);
            self.dict_set(dict, k, f)?;
            self.decref(k);
            self.decref(f);
            has_del |= mname == "__del__";
        }
        for (aname, e) in &def.class_attrs {
            let v = self.eval_owned(e.clone())?;
            let k = self.intern_str(aname);
            self.dict_set(dict, k, v)?;
            self.decref(k);
            self.decref(v);
        }
        let slots: Option<Vec<Rc<str>>> = def
            .slots
            .as_ref()
            .map(|v| v.iter().map(|s| Rc::from(s.as_str())).collect());
        if slots
            .as_ref()
            .is_some_and(|s| s.iter().any(|n| &**n == "__dict__"))
        {
            self.decref(dict);
            return Err(Error::NotModeled(
                "'__dict__' in __slots__ (a managed dict beside slots)".into(),
            ));
        }
        // A class whose instances have a __dict__ gets its cached keys (3.11's
        // ht_cached_keys, made by _PyDict_NewKeysForClass once PyType_Ready is done).
        let cached_keys = slots.is_none().then(|| {
            Rc::new(std::cell::RefCell::new(CachedKeys {
                names: Vec::new(),
                counts: SharedKeys::for_class(),
            }))
        });
        let weakrefable = match &slots {
            None => true,
            Some(s) => s.iter().any(|n| &**n == "__weakref__"),
        };
        self.incref(object);
        let bases = self.new_tuple_from(vec![object]);
        let cls = self.alloc(
            TypeTag::Type,
            Kind::Type(Box::new(ClassInfo {
                name: Rc::from(def.name.as_str()),
                dict,
                mro: bases, // placeholder until the mro tuple exists
                bases,
                slots: slots.clone(),
                weakrefable,
                has_del,
                cached_keys: cached_keys.clone(),
                cached_keys_addr: 0,
                init: InitMemo::default(),
            })),
        );
        self.incref(bases);
        self.incref(cls);
        self.incref(object);
        let mro = self.new_tuple_from(vec![cls, object]);
        if let Kind::Type(c) = &mut self.obj_mut(cls).kind {
            c.mro = mro;
        }
        // The mro placeholder took a reference to bases: give it back.
        self.decref(bases);
        let descriptors: Vec<&str> = match &slots {
            None => vec!["__dict__", "__weakref__"],
            Some(s) => s
                .iter()
                .map(|n| &**n)
                .filter(|n| *n != "__weakref__")
                .collect::<Vec<_>>()
                .into_iter()
                .chain(if weakrefable {
                    Some("__weakref__")
                } else {
                    None
                })
                .collect(),
        };
        let descriptors: Vec<String> = descriptors.iter().map(|s| s.to_string()).collect();
        for dname in descriptors {
            self.incref(cls);
            let g = self.alloc(
                TypeTag::GetSetDescriptor,
                Kind::GetSet {
                    name: Rc::from(dname.as_str()),
                    owner: cls,
                },
            );
            self.gc_track(g);
            let k = self.intern_str(&dname);
            self.dict_set(dict, k, g)?;
            self.decref(k);
            self.decref(g);
        }
        let k = self.intern_str("__doc__");
        let none = self.none();
        self.dict_set(dict, k, none)?;
        self.decref(k);
        if cached_keys.is_some() {
            // A 64-slot unicode keys table: 768 bytes, from the system allocator.
            let keys = self.alloc_buffer(layout::block_request(Block::DictKeys {
                log2_size: layout::NEXT_LOG2_SHARED_KEYS_MAX_SIZE,
                unicode: true,
            }));
            if let Kind::Type(c) = &mut self.obj_mut(cls).kind {
                c.cached_keys_addr = keys;
            }
        }
        self.gc_track(cls);
        let r = self.bind(&def.name, cls);
        self.decref(cls);
        r.map(|_| cls)
    }

    /// The names of `class`'s value slots, in the order its instances' [`SlotValues`] hold
    /// them (none if `class` is not a class).
    pub(crate) fn slot_names(&self, class: ObjId) -> impl Iterator<Item = &Rc<str>> {
        let info = match self.live(class).map(|c| &c.kind) {
            Some(Kind::Type(c)) => Some(&**c),
            _ => None,
        };
        info.into_iter().flat_map(ClassInfo::value_slots)
    }

    /// The position of slot `attr` in an instance of `class`'s [`SlotValues`].
    pub(crate) fn slot_index(&self, class: ObjId, attr: &str) -> Option<usize> {
        self.slot_names(class).position(|n| &**n == attr)
    }

    /// `Cls(args)`: object_new then `__init__`.
    pub(crate) fn instantiate(&mut self, cls: ObjId, args: Vec<ObjId>) -> Result<ObjId> {
        let (attrs, cached_keys, has_del) = match &self.obj(cls).kind {
            Kind::Type(c) => (
                match &c.slots {
                    // One value per named slot (the count the instance's size is made of).
                    Some(_) => InstanceAttrs::Slots(SlotValues::from_elem(
                        None,
                        crate::sizes::instance_layout(c).2,
                    )),
                    None => InstanceAttrs::Inline {
                        values: InlineValues::new(),
                        values_addr: 0,
                    },
                },
                c.cached_keys.clone(),
                c.has_del,
            ),
            _ => unreachable!("caller checked"),
        };
        self.incref(cls);
        let inst = self.alloc(TypeTag::Instance, Kind::Instance { class: cls, attrs });
        self.head_mut(inst.index).set(Header::HAS_DEL, has_del);
        if let Some(keys) = cached_keys {
            // init_inline_values: `if (dk_usable > 1) dk_usable--`, then a values array of
            // `dk_nentries + dk_usable` slots: each instance created shrinks the next one's.
            let size = keys.borrow_mut().counts.init_instance();
            let buf = self.alloc_buffer(layout::block_request(Block::DictValues(size)));
            if let Kind::Instance {
                attrs: InstanceAttrs::Inline { values_addr, .. },
                ..
            } = &mut self.obj_mut(inst).kind
            {
                *values_addr = buf;
            }
        }
        self.gc_track(inst);
        let init = self.init_of(cls);
        match init {
            Some(f) => {
                self.incref(f);
                self.incref(inst);
                let mut full = vec![inst];
                full.extend(args);
                let r = self.call_function(f, full);
                self.decref(f);
                match r {
                    Ok(v) => {
                        self.decref(v);
                        Ok(inst)
                    }
                    Err(e) => {
                        self.decref(inst);
                        Err(e)
                    }
                }
            }
            None => {
                let n = args.len();
                for a in args {
                    self.decref(a);
                }
                if n > 0 {
                    self.decref(inst);
                    return Err(Error::Type(format!(
                        "{}() takes no arguments",
                        self.class_name(cls)
                    )));
                }
                Ok(inst)
            }
        }
    }

    /// `__init__` in a class's `__dict__` (no reference taken): what
    /// `class_lookup(cls, "__init__")` finds, answered from the class's [`InitMemo`] while
    /// the dict's keys are the ones it saw.
    fn init_of(&mut self, cls: ObjId) -> Option<ObjId> {
        let Kind::Type(c) = &self.obj(cls).kind else {
            return None;
        };
        let dict = c.dict;
        let Kind::Dict { entries, .. } = &self.obj(dict).kind else {
            return None;
        };
        if let Some(at) = c.init.lookup(entries) {
            return at.map(|i| entries[i].1);
        }
        let keys = entries.iter().map(|(k, _)| *k).collect();
        let at = entries.iter().position(
            |(k, _)| matches!(&self.obj(*k).kind, Kind::Str { value, .. } if &**value == "__init__"),
        );
        let found = at.map(|i| entries[i].1);
        if let Kind::Type(c) = &mut self.obj_mut(cls).kind {
            c.init = InitMemo { keys, at };
        }
        found
    }

    pub(crate) fn class_name(&self, cls: ObjId) -> String {
        match &self.obj(cls).kind {
            Kind::Type(c) => c.name.to_string(),
            _ => "?".into(),
        }
    }

    /// Look a name up in a class's `__dict__` (no reference taken).
    pub(crate) fn class_lookup(&self, cls: ObjId, n: &str) -> Option<ObjId> {
        match &self.obj(cls).kind {
            Kind::Type(c) => self.dict_get_str(c.dict, n),
            _ => None,
        }
    }

    /// `o.attr` (a new reference).
    pub(crate) fn get_attr(&mut self, o: ObjId, attr: &str) -> Result<ObjId> {
        if attr == "__dict__" {
            if let Kind::Type(c) = &self.obj(o).kind {
                // type_dict: a new read-only view of the class dict on every access.
                let d = c.dict;
                return Ok(self.new_mappingproxy(d));
            }
            return self.instance_dict(o);
        }
        let found = match &self.obj(o).kind {
            Kind::Instance { class, attrs, .. } => {
                let mut unset_slot = false;
                let own = match attrs {
                    InstanceAttrs::Inline { values: vals, .. } => {
                        vals.iter().find(|(k, _)| &**k == attr).map(|(_, v)| *v)
                    }
                    InstanceAttrs::InlineOne { key, value, .. } => {
                        (&*self.objs.key_name(*class, *key) == attr).then_some(*value)
                    }
                    InstanceAttrs::Dict(d) => self.dict_get_str(*d, attr),
                    InstanceAttrs::Slots(sl) => {
                        let slot = self.slot_index(*class, attr).and_then(|i| sl.get(i));
                        unset_slot = slot.is_some();
                        slot.copied().flatten()
                    }
                };
                match (own, self.class_lookup(*class, attr)) {
                    (Some(v), _) => Some(v),
                    // An empty slot: the member descriptor raises AttributeError.
                    (None, _) if unset_slot => None,
                    // A function found on the class is a descriptor: func_descr_get binds it
                    // to the instance (PyMethod_New), a new object each time.
                    (None, Some(f)) if matches!(self.obj(f).kind, Kind::Function(_)) => {
                        return Ok(self.new_method(f, o));
                    }
                    (None, v) => v,
                }
            }
            Kind::Type(_) => self.class_lookup(o, attr),
            Kind::Function(f) => f.dict.and_then(|d| self.dict_get_str(d, attr)),
            _ => None,
        };
        match found {
            Some(v) => {
                self.incref(v);
                Ok(v)
            }
            None => Err(Error::NoAttribute {
                ty: self.type_name(o)?,
                attr: attr.to_string(),
            }),
        }
    }

    /// `PyDictProxy_New(mapping)`: a new `mappingproxy` holding a reference to `mapping`
    /// (a new reference). Allocated before the reference is taken, as in C: the allocation
    /// may run a collection, and the caller's reference keeps the mapping alive through it.
    pub(crate) fn new_mappingproxy(&mut self, mapping: ObjId) -> ObjId {
        let p = self.alloc(TypeTag::MappingProxy, Kind::MappingProxy(mapping));
        self.incref(mapping);
        self.gc_track(p);
        p
    }

    /// `PyMethod_New(func, self)`: a bound method, holding both (a new reference).
    pub(crate) fn new_method(&mut self, func: ObjId, self_: ObjId) -> ObjId {
        self.incref(func);
        self.incref(self_);
        let m = self.alloc(TypeTag::Method, Kind::Method { func, self_ });
        self.gc_track(m);
        m
    }

    /// `o.__dict__` on an instance: materializes the dict from the inline values (3.11's
    /// `make_dict_from_instance_attributes`); untracked unless a value may be tracked.
    pub(crate) fn instance_dict(&mut self, o: ObjId) -> Result<ObjId> {
        self.spill_inline_one(o);
        let (vals, values_addr) = match &mut self.obj_mut(o).kind {
            Kind::Instance {
                attrs: InstanceAttrs::Dict(d),
                ..
            } => {
                let d = *d;
                self.incref(d);
                return Ok(d);
            }
            Kind::Instance {
                attrs:
                    InstanceAttrs::Inline {
                        values: vals,
                        values_addr,
                    },
                ..
            } => (std::mem::take(vals), std::mem::take(values_addr)),
            _ => {
                return Err(Error::NoAttribute {
                    ty: self.type_name(o)?,
                    attr: "__dict__".into(),
                })
            }
        };
        let keys = match &self.obj(o).kind {
            Kind::Instance { class, .. } => match &self.obj(*class).kind {
                Kind::Type(c) => c.cached_keys.clone(),
                _ => None,
            },
            _ => None,
        };
        let Some(keys) = keys else {
            return Err(Error::NotModeled(
                "inline values without cached keys".into(),
            ));
        };
        // make_dict_from_instance_attributes: a split dict sharing the class's keys, owning
        // the instance's values array (so `sys.getsizeof` reads the class's counts).
        let shape = DictShape::split(&keys.borrow().counts, 0);
        let d = self.alloc(
            TypeTag::Dict,
            Kind::Dict {
                entries: Default::default(),
                shape: shape.into(),
                shared: Some(keys),
                keys_addr: values_addr,
            },
        );
        let mut track = false;
        for (k, v) in vals {
            track |= self.may_be_tracked(v);
            let key = self.intern_str(&k);
            if let Kind::Dict { entries, shape, .. } = &mut self.obj_mut(d).kind {
                entries.push((key, v), None);
                shape.update(|s| s.used += 1);
            }
        }
        if track {
            self.gc_track(d);
        }
        self.incref(d);
        if let Kind::Instance { attrs, .. } = &mut self.obj_mut(o).kind {
            *attrs = InstanceAttrs::Dict(d);
        }
        Ok(d)
    }

    /// `o.attr = v` (borrows `v`).
    pub(crate) fn set_attr(&mut self, o: ObjId, attr: &str, v: ObjId) -> Result<()> {
        match self.obj(o).tag {
            TypeTag::Instance => {}
            TypeTag::Type => {
                let d = match &self.obj(o).kind {
                    Kind::Type(c) => c.dict,
                    _ => unreachable!("tag is Type"),
                };
                let k = self.intern_str(attr);
                let r = self.dict_set(d, k, v);
                self.decref(k);
                return r;
            }
            TypeTag::Function => {
                let d = match &self.obj(o).kind {
                    Kind::Function(f) => f.dict,
                    _ => None,
                };
                let d = match d {
                    Some(d) => d,
                    None => {
                        let d = self.new_dict_untracked();
                        if let Kind::Function(f) = &mut self.obj_mut(o).kind {
                            f.dict = Some(d);
                        }
                        d
                    }
                };
                let k = self.intern_str(attr);
                let r = self.dict_set(d, k, v);
                self.decref(k);
                return r;
            }
            _ => {
                return Err(Error::NoAttribute {
                    ty: self.type_name(o)?,
                    attr: attr.to_string(),
                })
            }
        }
        let class = match &self.obj(o).kind {
            Kind::Instance { class, .. } => *class,
            _ => unreachable!("tag is Instance"),
        };
        if let Kind::Instance {
            attrs: InstanceAttrs::InlineOne { key, .. },
            ..
        } = &self.obj(o).kind
        {
            if &*self.objs.key_name(class, *key) == attr {
                let Kind::Instance {
                    attrs: InstanceAttrs::InlineOne { value, .. },
                    ..
                } = &mut self.obj_mut(o).kind
                else {
                    unreachable!("matched above")
                };
                let old = std::mem::replace(value, v);
                self.incref(v);
                self.decref(old);
                return Ok(());
            }
            // A second name: the values move to a vector.
            self.spill_inline_one(o);
        }
        let slot_index = self.slot_index(class, attr);
        let dict = match &mut self.obj_mut(o).kind {
            Kind::Instance {
                attrs: InstanceAttrs::Slots(sl),
                ..
            } => {
                let Some(slot) = slot_index.and_then(|i| sl.get_mut(i)) else {
                    return Err(Error::NoAttribute {
                        ty: self.type_name(o)?,
                        attr: attr.to_string(),
                    });
                };
                let old = slot.replace(v);
                self.incref(v);
                if let Some(old) = old {
                    self.decref(old);
                }
                return Ok(());
            }
            Kind::Instance {
                attrs: InstanceAttrs::Inline { values: vals, .. },
                ..
            } => {
                if let Some((_, slot)) = vals.iter_mut().find(|(k, _)| &**k == attr) {
                    let old = std::mem::replace(slot, v);
                    self.incref(v);
                    self.decref(old);
                    return Ok(());
                }
                // _PyObject_StoreInstanceAttribute: a name new to this instance must be in
                // the class's shared keys, or go in (insert_into_dictkeys) while dk_usable
                // lasts; then the value takes its slot in the values array.
                let keys = match &self.obj(class).kind {
                    Kind::Type(c) => c.cached_keys.clone(),
                    _ => None,
                };
                // The name is shared with the keys (one string for every instance).
                let stored = keys.and_then(|keys| {
                    let mut keys = keys.borrow_mut();
                    if let Some(i) = keys.names.iter().position(|k| &**k == attr) {
                        Some((i, keys.names[i].clone()))
                    } else if keys.counts.insert_key().is_some() {
                        let k: Rc<str> = Rc::from(attr);
                        keys.names.push(k.clone());
                        Some((keys.names.len() - 1, k))
                    } else {
                        None
                    }
                });
                if let Some((i, name)) = stored {
                    if let Kind::Instance { attrs, .. } = &mut self.obj_mut(o).kind {
                        match attrs {
                            // The first value stays in the table entry.
                            InstanceAttrs::Inline {
                                values: vals,
                                values_addr,
                            } if vals.is_empty() => {
                                *attrs = InstanceAttrs::InlineOne {
                                    key: u32::try_from(i).expect("a shared key's index"),
                                    value: v,
                                    values_addr: SplitAddr::new(*values_addr),
                                }
                            }
                            InstanceAttrs::Inline { values: vals, .. } => vals.push((name, v)),
                            _ => unreachable!("inline values matched above"),
                        }
                    }
                    self.incref(v);
                    return Ok(());
                }
                // No room in the shared keys: the dict is materialized (split), and setting
                // the item through it converts it to a combined table of its own.
                let d = self.instance_dict(o)?;
                let k = self.intern_str(attr);
                let r = self.dict_set(d, k, v);
                self.decref(k);
                self.decref(d);
                return r;
            }
            Kind::Instance {
                attrs: InstanceAttrs::Dict(d),
                ..
            } => *d,
            _ => unreachable!("tag is Instance"),
        };
        let k = self.intern_str(attr);
        let r = self.dict_set(dict, k, v);
        self.decref(k);
        r
    }

    /// `del o.attr`
    pub(crate) fn remove_attr(&mut self, o: ObjId, attr: &str) -> Result<()> {
        self.spill_inline_one(o);
        let ty = self.type_name(o)?;
        let no_attr = || Error::NoAttribute {
            ty: ty.clone(),
            attr: attr.to_string(),
        };
        let slot_index = match &self.obj(o).kind {
            Kind::Instance {
                class,
                attrs: InstanceAttrs::Slots(_),
                ..
            } => self.slot_index(*class, attr),
            _ => None,
        };
        let dict = match &mut self.obj_mut(o).kind {
            Kind::Instance { attrs, .. } => match attrs {
                InstanceAttrs::Inline { values: vals, .. } => {
                    let i = vals
                        .iter()
                        .position(|(k, _)| &**k == attr)
                        .ok_or_else(no_attr)?;
                    let (_, v) = vals.remove(i);
                    self.decref(v);
                    return Ok(());
                }
                InstanceAttrs::Slots(sl) => {
                    let slot = slot_index.and_then(|i| sl.get_mut(i)).ok_or_else(no_attr)?;
                    let v = slot.take().ok_or_else(no_attr)?;
                    self.decref(v);
                    return Ok(());
                }
                InstanceAttrs::InlineOne { .. } => unreachable!("spilled above"),
                InstanceAttrs::Dict(d) => *d,
            },
            Kind::Type(c) => c.dict,
            _ => return Err(no_attr()),
        };
        self.dict_del_str(dict, attr).map_err(|_| no_attr())
    }

    /// `o.m(args)`: methods of built-in types, and functions found on the class.
    pub(crate) fn call_method(&mut self, o: ObjId, m: &str, args: Vec<ObjId>) -> Result<ObjId> {
        if let (Kind::MappingProxy(mapping), "get") = (&self.obj(o).kind, m) {
            // mappingproxy_get: the mapping's get.
            let mapping = *mapping;
            return self.call_method(mapping, m, args);
        }
        let tag = self.obj(o).tag;
        let r = match (tag, m) {
            (TypeTag::List, "append") if args.len() == 1 => {
                self.list_append(o, args[0]);
                return Ok(self.new_none());
            }
            (TypeTag::List, "extend") if args.len() == 1 => {
                let out = match self.iterate(args[0]) {
                    Ok(items) => {
                        self.list_extend_from(o, args[0], items);
                        Ok(self.new_none())
                    }
                    Err(e) => Err(e),
                };
                self.decref(args[0]);
                return out;
            }
            (TypeTag::List, "clear") if args.is_empty() => {
                self.list_clear(o);
                Ok(self.new_none())
            }
            (TypeTag::List, "pop") if args.is_empty() => self.list_pop(o),
            (TypeTag::Array, "append") if args.len() == 1 => {
                self.array_append(o, args[0]).map(|_| self.new_none())
            }
            (TypeTag::Dict, "clear") => {
                self.dict_clear(o);
                Ok(self.new_none())
            }
            // Views (dict_keys, ...) are not modeled; a mappingproxy's `copy()` is a
            // `dict.copy()` of the mapping, which the model's dicts do not have either.
            (TypeTag::MappingProxy | TypeTag::Dict, "keys" | "values" | "items" | "copy") => {
                Err(Error::NotModeled(format!(
                    "{}.{m}() (dict views and dict.copy are not modeled)",
                    tag.name()
                )))
            }
            (TypeTag::Dict, "get") if !args.is_empty() => {
                self.check_hashable(args[0])?;
                let pos = self.dict_find(o, args[0], self.hash_of(args[0]).ok()).pos;
                let found = match &self.obj(o).kind {
                    Kind::Dict { entries, .. } => pos.map(|i| entries[i].1),
                    _ => None,
                };
                let v = found.or(args.get(1).copied()).unwrap_or(self.statics.none);
                self.incref(v);
                Ok(v)
            }
            (TypeTag::Set, "add") if args.len() == 1 => {
                // An unhashable item is a TypeError, and stays the caller's.
                self.set_add(o, args[0])?;
                return Ok(self.new_none());
            }
            (TypeTag::Str, "join") if args.len() == 1 => {
                let sep = self.str_of(o)?;
                let parts = self.iterate(args[0])?;
                let mut text = Vec::new();
                for p in &parts {
                    text.push(self.str_of(*p)?);
                }
                for p in parts {
                    self.decref(p);
                }
                // str.join with a single item returns that item when it is exactly a str.
                Ok(self.new_str_runtime(&text.join(&sep)))
            }
            (TypeTag::Instance, _) | (TypeTag::Type, _) => {
                let class = match &self.obj(o).kind {
                    Kind::Instance { class, .. } => Some(*class),
                    _ => None,
                };
                let f = match class {
                    Some(c) => self.class_lookup(c, m),
                    None => self.class_lookup(o, m),
                };
                match f {
                    Some(f) if matches!(self.obj(f).kind, Kind::Function(_)) => {
                        self.incref(f);
                        let mut full = Vec::with_capacity(args.len() + 1);
                        if class.is_some() {
                            self.incref(o);
                            full.push(o);
                        }
                        full.extend(args);
                        let r = self.call_function(f, full);
                        self.decref(f);
                        return r;
                    }
                    Some(f) => {
                        self.incref(f);
                        let r = self.call(f, args);
                        self.decref(f);
                        return r;
                    }
                    None => Err(Error::NoAttribute {
                        ty: self.type_name(o)?,
                        attr: m.to_string(),
                    }),
                }
            }
            _ => Err(Error::NoAttribute {
                ty: self.type_name(o)?,
                attr: m.to_string(),
            }),
        };
        for a in args {
            self.decref(a);
        }
        r
    }

    /// Whether the class of an instance defines `__del__` and it has not run yet.
    pub(crate) fn needs_finalizer(&self, id: ObjId) -> bool {
        // HAS_DEL was set when the instance was made, from its class's `has_del`.
        let h = self.head(id.index);
        h.has(Header::HAS_DEL) && !h.has(Header::FINALIZED)
    }

    /// Run `__del__` on an object whose count the caller holds above zero. Errors are
    /// swallowed, as CPython only prints "Exception ignored in".
    pub(crate) fn call_del(&mut self, id: ObjId) {
        let class = match &self.obj(id).kind {
            Kind::Instance { class, .. } => *class,
            _ => return,
        };
        if let Some(f) = self.class_lookup(class, "__del__") {
            self.incref(f);
            self.incref(id);
            let mark = self.temps.len();
            if let Ok(v) = self.call_function(f, vec![id]) {
                self.decref(v);
            }
            self.release_temps(mark);
            self.decref(f);
        }
    }

    /// A generator object for a generator function call (owns the argument references).
    pub(crate) fn new_generator(
        &mut self,
        name: &Rc<str>,
        locals: Vec<(Rc<str>, Option<ObjId>)>,
    ) -> ObjId {
        let locals: ThinVec<(Rc<str>, ObjId)> = locals
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect();
        let stop = locals
            .first()
            .and_then(|(_, v)| self.int_of(*v).ok())
            .map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX));
        // The modeled generator's code is `for i in range(n): yield i`: its fast locals are
        // the parameters and `i`, and its deepest stack is 3 (NULL, `range` and `n` before
        // the call), so 3.11's `co_framesize`, and `sys.getsizeof(gen)`, come from those.
        let framesize = u32::try_from(crate::layout::generator_framesize_for(locals.len() + 1, 3))
            .expect("a frame of fewer than 2^32 words: its locals are in memory");
        let g = self.alloc(
            TypeTag::Generator,
            Kind::Generator {
                name: name.clone(),
                locals,
                framesize,
                counter: Box::new((0, stop)),
            },
        );
        self.gc_track(g);
        g
    }

    /// `next(gen)`: run the frame of `for i in range(n): yield i` to its next `yield` and
    /// return the value (a new reference), or `None` once it is exhausted.
    ///
    /// The first call evaluates `range(n)` and `GET_ITER`: the iterator stays on the frame's
    /// stack and the range is released. Each call makes the next int (the iterator's
    /// `PyLong_FromLong`), stores it in `i`, which releases the previous one, and yields it.
    /// When the range runs out, the iterator is released and the frame cleared, so a
    /// finished generator holds nothing. (The model has no iterator type: the iterator is a
    /// range object, whose block is the same 48 bytes as a `rangeiterobject`'s.)
    pub(crate) fn gen_next(&mut self, g: ObjId) -> Result<Option<ObjId>> {
        const ITERATOR: &str = "<range_iterator>";
        let (next, stop, started, finished) = match &self.obj(g).kind {
            Kind::Generator {
                counter, locals, ..
            } => (
                counter.0,
                counter.1,
                locals.iter().any(|(n, _)| &**n == ITERATOR),
                locals.is_empty(),
            ),
            _ => return Err(Error::Type("not a generator".into())),
        };
        if finished {
            return Ok(None);
        }
        if !started {
            let range = self.alloc(TypeTag::Range, Kind::Range(Box::new((0, stop.into(), 1))));
            let iterator = self.alloc(TypeTag::Range, Kind::Range(Box::new((0, stop.into(), 1))));
            self.decref(range);
            if let Kind::Generator { locals, .. } = &mut self.obj_mut(g).kind {
                locals.push((Rc::from(ITERATOR), iterator));
            }
        }
        if next >= stop {
            // FOR_ITER is exhausted: the iterator is released, then the function returns
            // and its frame is cleared (the locals in slot order).
            let locals = match &mut self.obj_mut(g).kind {
                Kind::Generator { locals, .. } => std::mem::take(locals),
                _ => unreachable!("checked above"),
            };
            let (iterator, rest): (Vec<_>, Vec<_>) =
                locals.into_iter().partition(|(n, _)| &**n == ITERATOR);
            for (_, v) in iterator.into_iter().chain(rest) {
                self.decref(v);
            }
            return Ok(None);
        }
        let v = self.new_int(next.into());
        self.incref(v);
        let old = match &mut self.obj_mut(g).kind {
            Kind::Generator {
                counter, locals, ..
            } => {
                counter.0 += 1;
                match locals.iter_mut().find(|(n, _)| &**n == "i") {
                    Some((_, slot)) => Some(std::mem::replace(slot, v)),
                    None => {
                        // `i` is the slot after the parameters, before the stack.
                        let at = locals.len() - 1;
                        locals.insert(at, (Rc::from("i"), v));
                        None
                    }
                }
            }
            _ => unreachable!("checked above"),
        };
        if let Some(old) = old {
            self.decref(old);
        }
        Ok(Some(v))
    }
}

impl Heap {
    /// An [`InstanceAttrs::InlineOne`] becomes [`InstanceAttrs::Inline`] (a vector of named
    /// values), for the paths that add, remove or hand over values; anything else is left.
    pub(crate) fn spill_inline_one(&mut self, o: ObjId) {
        let (name, value, addr) = match &self.obj(o).kind {
            Kind::Instance {
                class,
                attrs:
                    InstanceAttrs::InlineOne {
                        key,
                        value,
                        values_addr,
                    },
            } => (self.objs.key_name(*class, *key), *value, values_addr.get()),
            _ => return,
        };
        if let Kind::Instance { attrs, .. } = &mut self.obj_mut(o).kind {
            *attrs = InstanceAttrs::Inline {
                values: thin_vec::thin_vec![(name, value)],
                values_addr: addr,
            };
        }
    }
}

impl Objects {
    /// The name of `class`'s shared key number `key` (an [`InstanceAttrs::InlineOne`]'s).
    pub(crate) fn key_name(&self, class: ObjId, key: u32) -> Rc<str> {
        match &self.obj(class).kind {
            Kind::Type(c) => c
                .cached_keys
                .as_ref()
                .and_then(|k| k.borrow().names.get(key as usize).cloned()),
            _ => None,
        }
        .expect("an inline value's key is in its class's cached keys")
    }

    /// An instance's inline values as (name, value) pairs in the instance's order (none
    /// for a `__dict__` or `__slots__`), for the paths that show or search them by name.
    pub(crate) fn inline_pairs(
        &self,
        class: ObjId,
        attrs: &InstanceAttrs,
    ) -> SmallVec<[(Rc<str>, ObjId); 1]> {
        match attrs {
            InstanceAttrs::Inline { values, .. } => values.iter().cloned().collect(),
            InstanceAttrs::InlineOne { key, value, .. } => {
                smallvec::smallvec![(self.key_name(class, *key), *value)]
            }
            _ => SmallVec::new(),
        }
    }

    /// Whether an instance's inline values are already in its class's key order (the
    /// usual case: it set its attributes in the order the first instance did).
    #[inline]
    pub(crate) fn inline_in_key_order(&self, class: ObjId, vals: &[(Rc<str>, ObjId)]) -> bool {
        // No order to compare with one value: the class need not be read. Inline, since
        // every traversal of an instance asks.
        vals.len() < 2 || self.inline_in_class_order(class, vals)
    }

    /// [`Objects::inline_in_key_order`] for two values or more: compare with the class's keys.
    fn inline_in_class_order(&self, class: ObjId, vals: &[(Rc<str>, ObjId)]) -> bool {
        match &self.obj(class).kind {
            Kind::Type(c) => match c.cached_keys.as_ref() {
                Some(keys) => {
                    let keys = keys.borrow();
                    vals.len() <= keys.names.len()
                        && vals
                            .iter()
                            .zip(&keys.names)
                            .all(|((k, _), n)| Rc::ptr_eq(k, n) || k == n)
                }
                None => true,
            },
            _ => true,
        }
    }

    /// An instance's inline values in the order CPython goes through them when it visits
    /// (`_PyObject_VisitInstanceAttributes`), clears (`_PyObject_ClearInstanceAttributes`)
    /// or frees them (`_PyObject_FreeInstanceAttributes`): the order of the class's shared
    /// keys, that is, the order in which any instance first set each name, not the order this
    /// instance set them (which only its `__dict__` follows). Appended to `out`.
    #[inline]
    pub(crate) fn inline_values_in_key_order_into(
        &self,
        class: ObjId,
        vals: &[(Rc<str>, ObjId)],
        out: &mut impl Extend<ObjId>,
    ) {
        if self.inline_in_key_order(class, vals) {
            out.extend(vals.iter().map(|(_, v)| *v));
            return;
        }
        let Kind::Type(c) = &self.obj(class).kind else {
            return;
        };
        let Some(keys) = c.cached_keys.as_ref() else {
            return;
        };
        let keys = keys.borrow();
        let mut ordered: Vec<(usize, ObjId)> = vals
            .iter()
            .map(|(k, v)| {
                (
                    keys.names.iter().position(|c| c == k).unwrap_or(usize::MAX),
                    *v,
                )
            })
            .collect();
        ordered.sort_by_key(|(i, _)| *i);
        out.extend(ordered.into_iter().map(|(_, v)| v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{int, name};
    use crate::names::body;

    /// `P.x` of the instance bound to `p`, as an int (`None` if it has no `x`).
    fn x_of(h: &mut Heap) -> Option<i128> {
        let v = h.eval_owned(name("p").attr("x")).ok()?;
        let x = h.int_of(v).ok();
        h.release(v).unwrap();
        x
    }

    /// `def name(self): self.x = x`.
    fn def_init(h: &mut Heap, fname: &str, x: i128) {
        h.def(
            fname,
            &["self"],
            body(move |h| h.assign_attr(name("self"), "x", int(x))),
        )
        .unwrap();
    }

    #[test]
    fn init_set_after_instances_were_made_runs() {
        let mut h = Heap::new();
        h.class(Class::new("P")).unwrap();
        def_init(&mut h, "init", 1);
        // Made once without __init__: the class remembers there is none.
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), None);
        // `P.__init__ = init`: the next instance runs it.
        h.assign_attr(name("P"), "__init__", name("init")).unwrap();
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), Some(1));
        // Replaced in place (same key): the new function runs.
        def_init(&mut h, "init2", 2);
        h.assign_attr(name("P"), "__init__", name("init2")).unwrap();
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), Some(2));
        // `del P.__init__`: back to object's, which takes no arguments.
        h.del_attr(name("P"), "__init__").unwrap();
        let err = h.assign("p", name("P").call([int(5)])).unwrap_err();
        assert_eq!(err.to_string(), "TypeError: P() takes no arguments");
    }

    /// `__init__` moves within the class dict when a key before it goes: the memo sees
    /// the keys change and finds it again.
    #[test]
    fn init_found_after_the_keys_before_it_change() {
        let mut h = Heap::new();
        h.class(Class::new("P")).unwrap();
        def_init(&mut h, "init", 3);
        h.assign_attr(name("P"), "a", int(1)).unwrap();
        h.assign_attr(name("P"), "__init__", name("init")).unwrap();
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), Some(3));
        h.del_attr(name("P"), "a").unwrap();
        h.assign_attr(name("P"), "b", int(2)).unwrap();
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), Some(3));
        h.del_attr(name("P"), "__init__").unwrap();
        h.assign("p", name("P").call([])).unwrap();
        assert_eq!(x_of(&mut h), None);
    }

    /// The class dict's keys in order, as python3 lists them for the same three classes:
    /// `['__module__', '__dict__', '__weakref__', '__doc__']`,
    /// `['__module__', '__slots__', 'other', '__weakref__', '__doc__']` and
    /// `['__module__', '__init__', '__dict__', '__weakref__', '__doc__']`.
    #[test]
    fn class_dicts_hold_what_type_new_leaves_there() {
        let mut h = Heap::new();
        let keys = |h: &mut Heap, class: Class| {
            let cls = h.class(class).unwrap();
            let Kind::Type(c) = &h.obj(cls).kind else {
                panic!("not a class")
            };
            let Kind::Dict { entries, .. } = &h.obj(c.dict).kind else {
                panic!("not a dict")
            };
            let entries = entries.clone();
            entries
                .iter()
                .map(|(k, _)| match &h.obj(*k).kind {
                    Kind::Str { value, .. } => value.to_string(),
                    _ => panic!("a key that is not a str"),
                })
                .collect::<Vec<_>>()
        };
        let plain = keys(&mut h, Class::new("P"));
        assert_eq!(plain, ["__module__", "__dict__", "__weakref__", "__doc__"]);
        let slotted = keys(&mut h, Class::new("S").slots(&["other", "__weakref__"]));
        assert_eq!(
            slotted,
            ["__module__", "__slots__", "other", "__weakref__", "__doc__"]
        );
        let init = body(|h| h.assign_attr(name("self"), "x", int(1)));
        let with_init = keys(&mut h, Class::new("M").method("__init__", &["self"], init));
        assert_eq!(
            with_init,
            [
                "__module__",
                "__init__",
                "__dict__",
                "__weakref__",
                "__doc__"
            ]
        );
    }

    /// One inline value sits in the table entry (`InlineOne`); a second name, a `del` or
    /// `__dict__` move the values to a vector, and every path sees the same attributes.
    #[test]
    fn one_inline_value_stays_in_the_entry() {
        let mut h = Heap::new();
        h.class(Class::new("P")).unwrap();
        h.assign("p", name("P").call([])).unwrap();
        let p = h.lookup("p").unwrap();
        let is_one = |h: &Heap| {
            matches!(
                h.obj(p).kind,
                Kind::Instance {
                    attrs: InstanceAttrs::InlineOne { .. },
                    ..
                }
            )
        };
        let size = h.sizeof(p).unwrap();
        h.assign_attr(name("p"), "x", int(1000)).unwrap();
        assert!(is_one(&h));
        h.assign_attr(name("p"), "x", int(1001)).unwrap();
        assert!(is_one(&h));
        assert_eq!(x_of(&mut h), Some(1001));
        assert_eq!(h.sizeof(p).unwrap(), size);
        h.assign_attr(name("p"), "y", int(2)).unwrap();
        assert!(!is_one(&h));
        h.del_attr(name("p"), "y").unwrap();
        assert_eq!(x_of(&mut h), Some(1001));
        // A fresh instance: `__dict__` of one inline value.
        h.assign("p", name("P").call([])).unwrap();
        h.assign_attr(name("p"), "x", int(7)).unwrap();
        h.assign("d", name("p").attr("__dict__")).unwrap();
        assert_eq!(x_of(&mut h), Some(7));
        // A cycle through the one value is found and freed.
        h.assign("q", name("P").call([])).unwrap();
        h.assign_attr(name("q"), "x", name("q")).unwrap();
        h.del("q").unwrap();
        assert_eq!(h.gc_collect(2).unwrap(), 1);
    }

    /// The class dict behind `P` (no reference taken).
    fn class_dict(h: &Heap, cls: &str) -> ObjId {
        match &h.obj(h.lookup(cls).unwrap()).kind {
            Kind::Type(c) => c.dict,
            _ => panic!("{cls} is not a class"),
        }
    }

    /// `P.__dict__` makes a new `mappingproxy` on every access (figures from python3 3.11):
    /// two at once are two objects, equal as mappings; one freed before the next is made
    /// gives its pymalloc block back, so `id(P.__dict__) == id(P.__dict__)`.
    #[test]
    fn a_class_dict_is_a_new_mappingproxy_each_time() -> Result<()> {
        let mut h = Heap::new();
        h.class(Class::new("P"))?;
        let view = || name("P").attr("__dict__");
        assert_eq!(h.getsizeof(view())?, 40);
        assert!(!h.is(view(), view())?);
        assert!(h.eq(view(), view())?);
        let id_of_view = || name("id").call([view()]);
        assert!(h.eq(id_of_view(), id_of_view())?);
        assert_eq!(h.id(view())?, h.id(view())?);
        // The expression's temporary is its only reference.
        assert_eq!(h.getrefcount(view())?, 1);
        let d = h.eval_owned(view())?;
        assert_eq!(h.type_name(d)?, "mappingproxy");
        h.release(d)?;
        Ok(())
    }

    /// A held proxy: counted like any object, tracked, and holding one reference to the
    /// class dict, given back when the proxy goes.
    #[test]
    fn a_held_proxy_references_the_class_dict() -> Result<()> {
        let mut h = Heap::new();
        h.class(Class::new("P"))?;
        let cd = class_dict(&h, "P");
        let before = h.refcnt(cd)?;
        // get_count's own result tuple: the first one is allocated, later ones reuse it.
        h.gc_get_count();
        let (gen0, _, _) = h.gc_get_count();
        h.assign("d", name("P").attr("__dict__"))?;
        assert_eq!(h.gc_get_count().0, gen0 + 1, "a GC allocation");
        assert_eq!(h.getrefcount(name("d"))?, 2);
        let d = h.lookup("d")?;
        assert!(h.gc_is_tracked(d)?);
        assert_eq!(h.gc_get_referents(d)?, vec![cd]);
        assert_eq!(h.refcnt(cd)?, before + 1);
        h.del("d")?;
        assert!(!h.is_alive(d));
        assert_eq!(h.refcnt(cd)?, before);
        assert_eq!(h.gc_get_count().0, gen0);
        Ok(())
    }

    /// Reads go to the class dict, in its order; writes are CPython's TypeErrors and leave
    /// the dict as it was.
    #[test]
    fn a_proxy_reads_the_class_dict_and_refuses_writes() -> Result<()> {
        use crate::expr::s;
        let mut h = Heap::new();
        h.class(Class::new("P"))?;
        let view = || name("P").attr("__dict__");
        assert_eq!(h.str_of_expr(view().item(s("__module__")))?, "__main__");
        assert_eq!(h.str_of_expr(name("len").call([view()]))?, "4");
        assert!(h.contains(s("__doc__"), view())?);
        assert!(!h.contains(s("x"), view())?);
        assert_eq!(
            h.repr_of(name("list").call([view()]))?,
            "['__module__', '__dict__', '__weakref__', '__doc__']"
        );
        assert_eq!(h.repr_of(view().method("get", [s("x"), int(3)]))?, "3");
        let missing = h.exec(view().item(s("x"))).unwrap_err();
        assert_eq!(missing.to_string(), "KeyError: 'x'");
        let cd = class_dict(&h, "P");
        let before = (h.refcnt(cd)?, h.len_of(cd)?);
        let write = h.assign_item(view(), s("x"), int(1)).unwrap_err();
        assert_eq!(
            write.to_string(),
            "TypeError: 'mappingproxy' object does not support item assignment"
        );
        let delete = h.del_item(view(), s("__doc__")).unwrap_err();
        assert_eq!(
            delete.to_string(),
            "TypeError: 'mappingproxy' object does not support item deletion"
        );
        let clear = h.exec(view().method("clear", [])).unwrap_err();
        assert_eq!(
            clear.to_string(),
            "AttributeError: 'mappingproxy' object has no attribute 'clear'"
        );
        let hash = h.exec(name("hash").call([view()])).unwrap_err();
        assert_eq!(
            hash.to_string(),
            "TypeError: unhashable type: 'mappingproxy'"
        );
        assert!(matches!(
            h.exec(view().method("keys", [])),
            Err(Error::NotModeled(_))
        ));
        assert_eq!((h.refcnt(cd)?, h.len_of(cd)?), before);
        // A held proxy is a view: it shows what is set on the class afterwards.
        h.assign("d", view())?;
        h.assign_attr(name("P"), "x", int(1))?;
        assert!(h.contains(s("x"), name("d"))?);
        assert!(h.eq(name("d").item(s("x")), int(1))?);
        Ok(())
    }

    /// repr and str as CPython prints them: `mappingproxy(...)` around the dict's repr, and
    /// the dict's own str.
    #[test]
    fn a_proxy_prints_its_mapping() -> Result<()> {
        let mut h = Heap::new();
        h.class(Class::new("P"))?;
        let dict = "{'__module__': '__main__', '__dict__': <attribute '__dict__' of 'P' objects>, \
                    '__weakref__': <attribute '__weakref__' of 'P' objects>, '__doc__': None}";
        let view = || name("P").attr("__dict__");
        assert_eq!(h.repr_of(view())?, format!("mappingproxy({dict})"));
        assert_eq!(h.str_of_expr(view())?, dict);
        Ok(())
    }

    /// A proxy stored in its own class dict is a cycle through it: the collector finds it
    /// (it visits the mapping) and type_clear breaks it (the proxy has no tp_clear).
    /// python3 3.11 collects 7: the class, its dict, `__mro__`, `__bases__` (never through a
    /// collection yet, so still tracked), the two descriptors and the proxy.
    #[test]
    fn a_proxy_in_its_own_class_is_collected() -> Result<()> {
        let mut h = Heap::new();
        h.gc_disable();
        h.class(Class::new("Q"))?;
        h.assign_attr(name("Q"), "view", name("Q").attr("__dict__"))?;
        let proxy = h.eval_owned(name("Q").attr("view"))?;
        h.release(proxy)?;
        h.del("Q")?;
        assert!(h.is_alive(proxy));
        assert_eq!(h.gc_collect(2)?, 7);
        assert!(!h.is_alive(proxy));
        Ok(())
    }

    /// An instance's `__dict__` is still the instance's own dict, the same object each time.
    #[test]
    fn an_instance_dict_is_still_a_dict() -> Result<()> {
        let mut h = Heap::new();
        h.class(Class::new("P"))?;
        h.assign("p", name("P").call([]))?;
        assert!(h.is(name("p").attr("__dict__"), name("p").attr("__dict__"))?);
        let d = h.eval_owned(name("p").attr("__dict__"))?;
        assert_eq!(h.type_name(d)?, "dict");
        h.release(d)?;
        h.assign_item(name("p").attr("__dict__"), crate::expr::s("x"), int(1))?;
        assert_eq!(x_of(&mut h), Some(1));
        Ok(())
    }
}
