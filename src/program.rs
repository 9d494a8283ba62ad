//! Random programs: a small operation language over the heap, shared by the property tests
//! and the fuzz target. Every operation is one Python statement on a fixed set of global
//! names `v0`..`v7`; invalid steps (a name not bound, a bad generation, an attribute a
//! slotted class lacks) are part of the language, because the heap must answer them with
//! an error and stay consistent.

use crate::classes::Class;
use crate::error::Result;
use crate::expr::{int, list, name, none, s, tuple, Expr};
use crate::heap::Heap;
use crate::names::body;

/// Number of global names a program uses.
pub const VARS: u8 = 8;
const ATTRS: [&str; 3] = ["a", "b", "next"];
const CLASSES: [&str; 3] = ["Plain", "Fin", "Slotted"];

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `vX = []`
    NewList(u8),
    /// `vX = {}`
    NewDict(u8),
    /// `vX = (vA, vB)`
    NewTuple(u8, u8, u8),
    /// `vX = Class()` for one of `Plain`, `Fin` (has `__del__`), `Slotted` (`a`, `b`)
    NewInstance(u8, u8),
    /// `vX = <int made at run time>`
    NewInt(u8, i64),
    /// `vX = 'text' * n` (a run-time string)
    NewStr(u8, u8),
    /// `vX = vY`
    Bind(u8, u8),
    /// `del vX`
    Del(u8),
    /// `vX = None`
    SetNone(u8),
    /// `vX.attr = vY`
    SetAttr(u8, u8, u8),
    /// `del vX.attr`
    DelAttr(u8, u8),
    /// `vX.append(vY)`
    Append(u8, u8),
    /// `vX.clear()`
    Clear(u8),
    /// `vX[vY] = vZ` (dicts and lists)
    SetItem(u8, u8, u8),
    /// `del vX[vY]` (dicts and lists)
    DelItem(u8, u8),
    /// `vY in vX`
    Contains(u8, u8),
    /// `vX = dict(vY)` (a dict is copied; pairs are set)
    DictFrom(u8, u8),
    /// `vX = weakref.ref(vY)` (with a callback that does nothing, if asked)
    WeakRef(u8, u8, bool),
    /// `vX.__dict__` (materializes an instance's dict)
    GetDict(u8),
    /// `gc.collect(g)` (g may be out of range)
    Collect(u8),
    /// `gc.set_threshold(t, 10, 10)` (t may be negative)
    SetThreshold(i16),
    /// `gc.disable()` / `gc.enable()`
    Enable(bool),
    /// `f(vX)`: a call whose frame builds a cycle through its argument and returns
    CallCycle(u8),
}

fn v(i: u8) -> String {
    format!("v{}", i % VARS)
}

/// Define the classes and function the operations use.
pub fn prelude(h: &mut Heap) -> Result<()> {
    h.class(Class::new("Plain"))?;
    h.class(Class::new("Fin").method("__del__", &["self"], body(|_| Ok(()))))?;
    h.class(Class::new("Slotted").slots(&["a", "b"]))?;
    h.def("noop", &["wr"], body(|_| Ok(())))?;
    h.def(
        "f",
        &["x"],
        body(|h| {
            h.assign("local", list([name("x")]))?;
            h.exec(name("local").method("append", [name("local")]))
        }),
    )?;
    Ok(())
}

/// Run one operation. Errors are the heap's answers to invalid steps.
pub fn apply(h: &mut Heap, op: &Op) -> Result<()> {
    match op {
        Op::NewList(x) => h.assign(&v(*x), list([])),
        Op::NewDict(x) => h.assign(&v(*x), crate::expr::dict([])),
        Op::NewTuple(x, a, b) => h.assign(&v(*x), tuple([name(&v(*a)), name(&v(*b))])),
        Op::NewInstance(x, c) => h.assign(&v(*x), name(CLASSES[*c as usize % 3]).call([])),
        Op::NewInt(x, n) => h.assign(&v(*x), name("int").call([s(&n.to_string())])),
        Op::NewStr(x, n) => h.assign(&v(*x), name("str").call([int(*n as i128 * 1000)])),
        Op::Bind(x, y) => h.assign(&v(*x), name(&v(*y))),
        Op::Del(x) => h.del(&v(*x)),
        Op::SetNone(x) => h.assign(&v(*x), none()),
        Op::SetAttr(x, a, y) => h.assign_attr(name(&v(*x)), ATTRS[*a as usize % 3], name(&v(*y))),
        Op::DelAttr(x, a) => h.del_attr(name(&v(*x)), ATTRS[*a as usize % 3]),
        Op::Append(x, y) => h.exec(name(&v(*x)).method("append", [name(&v(*y))])),
        Op::Clear(x) => h.exec(name(&v(*x)).method("clear", [])),
        Op::SetItem(x, k, y) => h.assign_item(name(&v(*x)), name(&v(*k)), name(&v(*y))),
        Op::DelItem(x, k) => h.del_item(name(&v(*x)), name(&v(*k))),
        Op::Contains(x, y) => h.contains(name(&v(*y)), name(&v(*x))).map(|_| ()),
        Op::DictFrom(x, y) => h.assign(&v(*x), name("dict").call([name(&v(*y))])),
        Op::WeakRef(x, y, cb) => {
            let args: Vec<Expr> = if *cb {
                vec![name(&v(*y)), name("noop")]
            } else {
                vec![name(&v(*y))]
            };
            h.assign(&v(*x), name("ref").call(args))
        }
        Op::GetDict(x) => h.exec(name(&v(*x)).attr("__dict__")),
        Op::Collect(g) => h.gc_collect(*g as usize).map(|_| ()),
        Op::SetThreshold(t) => h.gc_set_threshold(&[i64::from(*t), 10, 10]),
        Op::Enable(on) => {
            if *on {
                h.gc_enable()
            } else {
                h.gc_disable()
            }
            Ok(())
        }
        Op::CallCycle(x) => h.exec(name("f").call([name(&v(*x))])),
    }
}

/// Decode bytes into operations (for the fuzzer): one tag byte, then its operands.
pub fn decode(mut data: &[u8]) -> Vec<Op> {
    let mut ops = Vec::new();
    let next = |data: &mut &[u8]| -> Option<u8> {
        let (b, rest) = data.split_first()?;
        *data = rest;
        Some(*b)
    };
    while let Some(tag) = next(&mut data) {
        let mut a = || next(&mut data).unwrap_or(0);
        let op = match tag % 23 {
            0 => Op::NewList(a()),
            1 => Op::NewDict(a()),
            2 => Op::NewTuple(a(), a(), a()),
            3 => Op::NewInstance(a(), a()),
            4 => Op::NewInt(a(), i64::from(a()) * 1000 - 5),
            5 => Op::NewStr(a(), a()),
            6 => Op::Bind(a(), a()),
            7 => Op::Del(a()),
            8 => Op::SetNone(a()),
            9 => Op::SetAttr(a(), a(), a()),
            10 => Op::DelAttr(a(), a()),
            11 => Op::Append(a(), a()),
            12 => Op::Clear(a()),
            13 => Op::SetItem(a(), a(), a()),
            14 => Op::WeakRef(a(), a(), a() % 2 == 0),
            15 => Op::GetDict(a()),
            16 => Op::Collect(a() % 4),
            17 => Op::SetThreshold(i16::from(a() as i8) * 4),
            18 => Op::Enable(a() % 4 != 0),
            19 => Op::DelItem(a(), a()),
            20 => Op::Contains(a(), a()),
            21 => Op::DictFrom(a(), a()),
            _ => Op::CallCycle(a()),
        };
        ops.push(op);
    }
    ops
}
