//! The heap's own state as a picture description: frames and names on the left, objects on
//! the right, an edge per reference, with unreachable objects and cycles marked. The
//! drawing itself is [`crate::picture`]'s job; this module decides what is shown.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::heap::Heap;
use crate::object::{InstanceAttrs, Kind, ObjId};
use crate::picture::{EdgeFrom, EdgeView, FrameView, HeapGraph, ObjView};
use crate::sizes;

/// The name under which a generator keeps its `range` iterator (see `Heap::gen_next`): the
/// model's iterator is a range object of a `rangeiterobject`'s size, drawn as the
/// `range_iterator` it stands for.
const RANGE_ITERATOR: &str = "<range_iterator>";

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Only these global names (all user-visible names if empty).
    pub names: Vec<String>,
    /// Objects to draw even if no name reaches them (e.g. a cycle just orphaned by `del`).
    pub extra: Vec<ObjId>,
    /// Per-object `gc_refs` to show (during a collection).
    pub gc_refs: HashMap<ObjId, i64>,
    /// A title.
    pub title: Option<String>,
    /// Classes to draw although pictures leave classes out, each with a `.__dict__` row to
    /// its namespace dict (e.g. the classes on a back-reference chain). A global name bound
    /// to one of them is shown too.
    pub classes: Vec<ObjId>,
    /// A chain of references to highlight, root first, as [`Heap::find_backref_chain`]
    /// returns it. A root that is the module's globals dict is the "Global frame" box.
    pub path: Vec<ObjId>,
}

/// What one picture draws beyond the usual: computed once per picture from its [`View`].
#[derive(Default)]
struct Scope {
    /// Classes drawn as boxes ([`View::classes`]).
    classes: HashSet<ObjId>,
    /// Values usually shown inline (an int, a str) that are boxes of their own here,
    /// because a name refers to them directly or the view asked for them: every reference
    /// to such a box is an arrow, so that sharing (two arrows to one box) shows.
    boxed: HashSet<ObjId>,
}

thread_local! {
    /// Where [`Heap::picture`] sends its pictures, while [`collect_pictures`] runs.
    static SINK: RefCell<Option<Vec<(String, HeapGraph)>>> = const { RefCell::new(None) };
}

/// Run `f`, collecting every picture the heaps inside it take with [`Heap::picture`].
/// Outside such a run, taking a picture costs nothing and records nothing: chapter
/// scenarios take their pictures unconditionally, and the book build collects them.
pub fn collect_pictures<T>(f: impl FnOnce() -> T) -> (T, Vec<(String, HeapGraph)>) {
    let previous = SINK.with(|s| s.borrow_mut().replace(Vec::new()));
    let out = f();
    let pictures = SINK
        .with(|s| std::mem::replace(&mut *s.borrow_mut(), previous))
        .unwrap_or_default();
    (out, pictures)
}

impl Heap {
    /// Take a picture of the names' object graph at this step, named for the file it will
    /// become (`book/src/pictures/<name>.svg`), with a title. `extra` are objects to draw
    /// even if no name reaches them (a cycle just orphaned by `del`).
    pub fn picture(&self, name: &str, title: &str, extra: &[ObjId]) {
        let active = SINK.with(|s| s.borrow().is_some());
        if !active {
            return;
        }
        let view = View {
            extra: extra.to_vec(),
            title: Some(title.to_string()),
            ..View::default()
        };
        let g = self.graph(&view);
        SINK.with(|s| {
            if let Some(v) = s.borrow_mut().as_mut() {
                v.push((name.to_string(), g));
            }
        });
    }

    /// Take a picture of a back-reference chain (root first, as
    /// [`Heap::find_backref_chain`] returns it): the classes on it, which pictures otherwise
    /// leave out, are drawn with their `__dict__`, and the chain's references are
    /// highlighted.
    pub fn picture_chain(&self, name: &str, title: &str, chain: &[ObjId]) {
        let globals = self.globals_dict();
        let view = View {
            extra: chain.iter().copied().filter(|id| *id != globals).collect(),
            classes: chain
                .iter()
                .copied()
                .filter(|id| self.is_alive(*id) && matches!(self.obj(*id).kind, Kind::Type(_)))
                .collect(),
            path: chain.to_vec(),
            title: Some(title.to_string()),
            ..View::default()
        };
        self.picture_view(name, &view);
    }

    /// Like [`Heap::picture`], with a full [`View`] (chosen names, gc_refs badges).
    pub fn picture_view(&self, name: &str, view: &View) {
        let active = SINK.with(|s| s.borrow().is_some());
        if active {
            let g = self.graph(view);
            SINK.with(|s| {
                if let Some(v) = s.borrow_mut().as_mut() {
                    v.push((name.to_string(), g));
                }
            });
        }
    }

    /// Describe the objects reachable from the chosen names (and `view.extra`) as a graph.
    /// Classes, functions and module internals are left out (they would drown the
    /// picture), except the classes `view.classes` asks for.
    pub fn graph(&self, view: &View) -> HeapGraph {
        let mut scope = Scope {
            classes: view.classes.iter().copied().collect(),
            boxed: HashSet::new(),
        };
        let mut frames = Vec::new();
        let mut roots: Vec<ObjId> = Vec::new();
        let globals: Vec<(String, ObjId)> = self
            .global_names()
            .into_iter()
            .filter(|(n, v)| {
                if view.names.is_empty() {
                    scope.classes.contains(v)
                        || !matches!(self.obj(*v).kind, Kind::Type(_) | Kind::Function(_))
                } else {
                    view.names.iter().any(|x| x == n)
                }
            })
            .collect();
        roots.extend(globals.iter().map(|(_, v)| *v));
        frames.push(FrameView {
            name: "Global frame".into(),
            vars: globals
                .iter()
                .map(|(n, v)| (n.clone(), self.obj(*v).addr))
                .collect(),
        });
        for (fname, locals) in self.frame_views() {
            roots.extend(locals.iter().map(|(_, v)| *v));
            frames.push(FrameView {
                name: fname,
                vars: locals
                    .iter()
                    .map(|(n, v)| (n.clone(), self.obj(*v).addr))
                    .collect(),
            });
        }
        // A value a name refers to directly is a box of its own; so is an extra one.
        scope.boxed = roots
            .iter()
            .chain(view.extra.iter())
            .copied()
            .filter(|id| self.is_alive(*id) && self.atomic(*id) && !self.obj(*id).is_static)
            .collect();
        // Everything the pictured names reach, plus the extras and what they reach.
        let mut shown: Vec<ObjId> = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<ObjId> = roots
            .iter()
            .chain(view.extra.iter())
            .rev()
            .copied()
            .collect();
        while let Some(id) = stack.pop() {
            if !self.is_alive(id) || !seen.insert(id) || self.hidden(&scope, id) {
                continue;
            }
            shown.push(id);
            let mut next: Vec<ObjId> = self
                .picture_fields(&scope, id)
                .into_iter()
                .filter_map(|(_, t)| t)
                .collect();
            next.reverse();
            stack.extend(next);
        }
        let reachable = self.reachable_from_names();
        let iterators: HashSet<ObjId> = shown
            .iter()
            .filter_map(|id| match &self.obj(*id).kind {
                Kind::Generator { locals, .. } => locals
                    .iter()
                    .find(|(n, _)| &**n == RANGE_ITERATOR)
                    .map(|(_, v)| *v),
                _ => None,
            })
            .collect();
        let cyclic = self.in_cycles(&scope, &shown);
        let objects = shown
            .iter()
            .map(|&id| {
                let o = self.obj(id);
                ObjView {
                    key: o.addr,
                    type_name: match o.kind {
                        // As its repr says (`<weakref at 0x...; to 'Node' at 0x...>`); the
                        // type's own name, `weakref.ReferenceType`, would widen every box.
                        Kind::WeakRef { .. } => "weakref".to_string(),
                        _ if iterators.contains(&id) => "range_iterator".to_string(),
                        _ => self.type_name(id).unwrap_or_default(),
                    },
                    label: if iterators.contains(&id) {
                        format!("over {}", self.short_label(&scope, id))
                    } else {
                        self.short_label(&scope, id)
                    },
                    refcnt: self.rc(id),
                    size: sizes::getsizeof(self, id),
                    fields: self
                        .picture_fields(&scope, id)
                        .into_iter()
                        .map(|(n, t)| {
                            let t = t.filter(|t| !self.hidden(&scope, *t));
                            (n, t.map(|t| self.obj(t).addr))
                        })
                        .collect(),
                    unreachable: !reachable.contains(&id),
                    in_cycle: cyclic.contains(&id),
                    gc_refs: view.gc_refs.get(&id).copied(),
                    // A string drawn as a box says whether it is the interned one.
                    gc_state: match o.kind {
                        Kind::Str { interned: true, .. } => Some("interned".to_string()),
                        _ => None,
                    },
                    freed: false,
                }
            })
            .collect::<Vec<_>>();
        // The highlighted chain, as (from, to) pairs of addresses; a root that is the
        // globals dict stands for the global frame's names.
        let path: HashSet<(u64, u64)> = view
            .path
            .windows(2)
            .filter(|w| self.is_alive(w[0]) && self.is_alive(w[1]))
            .map(|w| (self.obj(w[0]).addr, self.obj(w[1]).addr))
            .collect();
        let globals_addr = self.obj(self.globals_dict()).addr;
        let mut edges = Vec::new();
        for (fi, f) in frames.iter().enumerate() {
            for (vi, (_, key)) in f.vars.iter().enumerate() {
                edges.push(EdgeView {
                    from: EdgeFrom::Var { frame: fi, var: vi },
                    to: *key,
                    weak: false,
                    highlight: fi == 0 && path.contains(&(globals_addr, *key)),
                });
            }
        }
        for o in &objects {
            for (fi, (fname, target)) in o.fields.iter().enumerate() {
                if let Some(t) = target {
                    edges.push(EdgeView {
                        from: EdgeFrom::Field {
                            obj: o.key,
                            field: fi,
                        },
                        to: *t,
                        weak: fname.starts_with("weak"),
                        highlight: path.contains(&(o.key, *t)),
                    });
                }
            }
        }
        HeapGraph {
            title: view.title.clone(),
            frames,
            objects,
            edges,
        }
    }

    /// Objects a picture leaves out: classes (unless asked for), functions and code.
    fn hidden(&self, scope: &Scope, id: ObjId) -> bool {
        match self.obj(id).kind {
            Kind::Type(_) => !scope.classes.contains(&id),
            Kind::Code { .. } | Kind::Function(_) | Kind::GetSet { .. } => true,
            _ => false,
        }
    }

    /// Values shown inside the box that refers to them rather than as boxes of their own
    /// (unless a name refers to them directly): numbers, strings, None, bools.
    fn atomic(&self, id: ObjId) -> bool {
        let o = self.obj(id);
        o.is_static
            || matches!(
                o.kind,
                Kind::Str { .. } | Kind::Int(_) | Kind::Float(_) | Kind::Bytes(_)
            )
    }

    /// Whether a reference to `t` is drawn as an arrow (and a row), rather than as a value
    /// inside the box's label or not at all.
    fn arrow(&self, scope: &Scope, t: ObjId) -> bool {
        !self.hidden(scope, t) && (!self.atomic(t) || scope.boxed.contains(&t))
    }

    /// The rows drawn inside an object's box, each with the object it refers to (None when
    /// the value is shown inline, e.g. a small int).
    fn picture_fields(&self, scope: &Scope, id: ObjId) -> Vec<(String, Option<ObjId>)> {
        // Rows only for references drawn as arrows; atomic values are in the box's label.
        let rows =
            |items: &mut dyn Iterator<Item = (String, ObjId)>| -> Vec<(String, Option<ObjId>)> {
                items
                    .filter(|(_, t)| self.arrow(scope, *t))
                    .map(|(n, t)| (n, Some(t)))
                    .collect()
            };
        match &self.obj(id).kind {
            Kind::List { items, .. } => rows(
                &mut items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("[{i}]"), *t)),
            ),
            Kind::Tuple(items) => rows(
                &mut items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("[{i}]"), *t)),
            ),
            Kind::Set { items, table, .. } => {
                rows(&mut crate::object::set_members(items, table).map(|t| ("item".to_string(), t)))
            }
            Kind::Dict { entries, .. } => rows(
                &mut entries
                    .iter()
                    .map(|(k, v)| (format!("[{}]", self.repr(*k).unwrap_or_default()), *v)),
            ),
            Kind::Instance { class, attrs, .. } => match attrs {
                InstanceAttrs::Inline { .. } | InstanceAttrs::InlineOne { .. } => rows(
                    &mut self
                        .objs
                        .inline_pairs(*class, attrs)
                        .iter()
                        .map(|(n, v)| (format!(".{n}"), *v)),
                ),
                InstanceAttrs::Dict(d) => vec![(".__dict__".into(), Some(*d))],
                InstanceAttrs::Slots(sl) => rows(
                    &mut self
                        .slot_names(*class)
                        .zip(sl)
                        .filter_map(|(n, v)| v.map(|v| (format!(".{n}"), v))),
                ),
            },
            Kind::Type(c) if scope.classes.contains(&id) => {
                vec![(".__dict__".into(), Some(c.dict))]
            }
            // A `P.__dict__` held by a name: the class dict it shows.
            Kind::MappingProxy(mapping) => vec![("mapping".into(), Some(*mapping))],
            // A dead weak reference has no row: its label says "dead".
            Kind::WeakRef { target, .. } => target
                .filter(|t| !self.hidden(scope, *t))
                .map(|t| vec![("weak ref".to_string(), Some(t))])
                .unwrap_or_default(),
            Kind::Frame { locals, .. } => {
                rows(&mut locals.iter().map(|(n, v)| (n.to_string(), *v)))
            }
            // A generator's iterator sits on its frame's value stack, not in a local.
            Kind::Generator { locals, .. } => rows(&mut locals.iter().map(|(n, v)| {
                let row = if &**n == RANGE_ITERATOR { "stack" } else { n };
                (row.to_string(), *v)
            })),
            _ => Vec::new(),
        }
    }

    /// `name=value` for the values a box shows inline (those not drawn as arrows).
    fn inline_values(&self, scope: &Scope, vals: &[(String, ObjId)]) -> String {
        let shown: Vec<String> = vals
            .iter()
            .filter(|(_, x)| self.atomic(*x) && !self.arrow(scope, *x))
            .map(|(n, x)| format!("{n}={}", self.repr(*x).unwrap_or_default()))
            .collect();
        shown.join(", ")
    }

    fn short_label(&self, scope: &Scope, id: ObjId) -> String {
        match &self.obj(id).kind {
            Kind::Instance { class, attrs, .. } => {
                // Show atomic attribute values inline: `.value = 'left'`.
                let vals: Vec<(String, ObjId)> = match attrs {
                    InstanceAttrs::Inline { .. } | InstanceAttrs::InlineOne { .. } => self
                        .objs
                        .inline_pairs(*class, attrs)
                        .iter()
                        .map(|(n, x)| (n.to_string(), *x))
                        .collect(),
                    InstanceAttrs::Slots(sl) => self
                        .slot_names(*class)
                        .zip(sl)
                        .filter_map(|(n, x)| x.map(|x| (n.to_string(), x)))
                        .collect(),
                    InstanceAttrs::Dict(_) => Vec::new(),
                };
                self.inline_values(scope, &vals)
            }
            Kind::Generator { name, locals, .. } => {
                // The suspended frame: its function and the values of its locals.
                let vals: Vec<(String, ObjId)> =
                    locals.iter().map(|(n, x)| (n.to_string(), *x)).collect();
                let inline = self.inline_values(scope, &vals);
                if inline.is_empty() {
                    format!("{name}()")
                } else {
                    format!("{name}(): {inline}")
                }
            }
            // A weak reference's repr names addresses; say what it points to, or "dead".
            Kind::WeakRef { target, .. } => match target {
                Some(t) => format!("to '{}'", self.type_name(*t).unwrap_or_default()),
                None => "dead".to_string(),
            },
            Kind::List { .. } | Kind::Tuple(_) | Kind::Dict { .. } | Kind::Set { .. } => {
                // Keep the repr only when it has no object addresses in it.
                let r = self.repr(id).unwrap_or_default();
                if r.contains(" at 0x") {
                    String::new()
                } else {
                    r
                }
            }
            _ => self.repr(id).unwrap_or_default(),
        }
    }

    /// Objects reachable from the module's and frames' names.
    fn reachable_from_names(&self) -> HashSet<ObjId> {
        let mut seen = HashSet::new();
        let mut stack: Vec<ObjId> = self.global_names().into_iter().map(|(_, v)| v).collect();
        for (_, locals) in self.frame_views() {
            stack.extend(locals.into_iter().map(|(_, v)| v));
        }
        while let Some(id) = stack.pop() {
            if self.is_alive(id) && seen.insert(id) {
                stack.extend(self.referents(id));
            }
        }
        seen
    }

    /// Which of the given objects lie on a reference cycle among themselves
    /// (strongly connected components of size > 1, or a self-reference), by Tarjan's
    /// algorithm written iteratively.
    fn in_cycles(&self, scope: &Scope, objs: &[ObjId]) -> HashSet<ObjId> {
        let set: HashSet<ObjId> = objs.iter().copied().collect();
        // A weak reference closes no cycle: its referent does not depend on it.
        let succ = |id: ObjId| -> Vec<ObjId> {
            if matches!(self.obj(id).kind, Kind::WeakRef { .. }) {
                return Vec::new();
            }
            self.picture_fields(scope, id)
                .into_iter()
                .filter_map(|(_, t)| t)
                .filter(|t| set.contains(t))
                .collect()
        };
        let mut index: HashMap<ObjId, usize> = HashMap::new();
        let mut low: HashMap<ObjId, usize> = HashMap::new();
        let mut on_stack = HashSet::new();
        let mut stack = Vec::new();
        let mut out = HashSet::new();
        let mut counter = 0;
        for &start in objs {
            if index.contains_key(&start) {
                continue;
            }
            let mut work: Vec<(ObjId, Vec<ObjId>, usize)> = vec![(start, succ(start), 0)];
            index.insert(start, counter);
            low.insert(start, counter);
            counter += 1;
            stack.push(start);
            on_stack.insert(start);
            while let Some((v, children, i)) = work.last_mut() {
                let v = *v;
                if *i < children.len() {
                    let w = children[*i];
                    *i += 1;
                    if let std::collections::hash_map::Entry::Vacant(e) = index.entry(w) {
                        e.insert(counter);
                        low.insert(w, counter);
                        counter += 1;
                        stack.push(w);
                        on_stack.insert(w);
                        let c = succ(w);
                        work.push((w, c, 0));
                    } else if on_stack.contains(&w) {
                        let lw = index[&w].min(low[&v]);
                        low.insert(v, lw);
                    }
                } else {
                    work.pop();
                    if let Some((parent, _, _)) = work.last() {
                        let lp = low[parent].min(low[&v]);
                        low.insert(*parent, lp);
                    }
                    if low[&v] == index[&v] {
                        let mut comp = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack.remove(&w);
                            comp.push(w);
                            if w == v {
                                break;
                            }
                        }
                        let self_loop = comp.len() == 1 && succ(comp[0]).contains(&comp[0]);
                        if comp.len() > 1 || self_loop {
                            out.extend(comp);
                        }
                    }
                }
            }
        }
        out
    }
}
