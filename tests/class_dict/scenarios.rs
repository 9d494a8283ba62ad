//! A class's `__dict__`: a new read-only `mappingproxy` on every access, compared with
//! `python/class_dict/*.py` (see tests/scenario_check).

use pyheap::prelude::*;

/// What `P.__dict__` is: its size, identity, count, referent, reads and the write it
/// refuses, and a proxy stored in its own class collected with it.
pub fn mappingproxy() -> Result<String> {
    let mut py = Heap::new();
    py.gc_disable();
    py.gc_collect(2)?;
    py.class(Class::new("P"))?;
    let view = || name("P").attr("__dict__");
    let size = py.getsizeof(view())?;
    py.print(format!("sys.getsizeof(P.__dict__) = {size}"));
    let proxy = py.eval_owned(view())?;
    let type_name = py.type_name(proxy)?;
    py.release(proxy)?;
    py.print(format!("type(P.__dict__).__name__ = {type_name}"));
    let same = py.is(view(), view())?;
    py.print(format!("P.__dict__ is P.__dict__: {}", py_bool(same)));
    let equal = py.eq(view(), view())?;
    py.print(format!("P.__dict__ == P.__dict__: {}", py_bool(equal)));
    let id_of_view = || name("id").call([view()]);
    let same_id = py.eq(id_of_view(), id_of_view())?;
    py.print(format!(
        "id(P.__dict__) == id(P.__dict__): {}",
        py_bool(same_id)
    ));
    for _ in 0..2 {
        let at = py.hex_id(view())?;
        py.print(format!("hex(id(P.__dict__)) = {at}"));
    }
    py.assign("a", view())?;
    py.assign("b", view())?;
    let (a, b) = (py.hex_id(name("a"))?, py.hex_id(name("b"))?);
    py.print(format!("a = P.__dict__; b = P.__dict__: {a} {b}"));
    py.del("a")?;
    py.del("b")?;
    let rc = py.getrefcount(view())?;
    py.print(format!("sys.getrefcount(P.__dict__) = {rc}"));
    py.assign("d", view())?;
    let rc = py.getrefcount(name("d"))?;
    py.print(format!("sys.getrefcount(d) = {rc}"));
    let d = py.lookup("d")?;
    let tracked = py.gc_is_tracked(d)?;
    py.print(format!("gc.is_tracked(d) = {}", py_bool(tracked)));
    let referents = py.gc_get_referents(d)?;
    let first = py.type_name(referents[0])?;
    py.print(format!(
        "gc.get_referents(d): {} object, a {first}",
        referents.len()
    ));
    py.assign("cd", obj(referents[0]))?;
    let rc = py.getrefcount(name("cd"))?;
    py.print(format!("sys.getrefcount(cd) = {rc}"));
    py.del("d")?;
    let rc = py.getrefcount(name("cd"))?;
    py.print(format!("after del d: sys.getrefcount(cd) = {rc}"));
    let len = py.str_of_expr(name("len").call([view()]))?;
    py.print(format!("len(P.__dict__) = {len}"));
    let keys = py.repr_of(name("list").call([view()]))?;
    py.print(format!("list(P.__dict__) = {keys}"));
    let has_doc = py.contains(s("__doc__"), view())?;
    py.print(format!("'__doc__' in P.__dict__: {}", py_bool(has_doc)));
    let module = py.repr_of(view().item(s("__module__")))?;
    py.print(format!("P.__dict__['__module__'] = {module}"));
    if let Err(e) = py.assign_item(view(), s("x"), int(1)) {
        py.print(format!("P.__dict__['x'] = 1 -> {e}"));
    }
    py.assign_attr(name("P"), "x", int(1))?;
    let x = py.str_of_expr(view().item(s("x")))?;
    py.print(format!("after P.x = 1: P.__dict__['x'] = {x}"));
    let shown = py.repr_of(view())?;
    py.print(shown);
    py.class(Class::new("Q"))?;
    py.assign_attr(name("Q"), "view", name("Q").attr("__dict__"))?;
    py.del("Q")?;
    let collected = py.gc_collect(2)?;
    py.print(format!(
        "Q.view = Q.__dict__; del Q; gc.collect() = {collected}"
    ));
    Ok(py.take_stdout())
}

/// A scenario's name (shared by its snapshot and python twin) and function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario, by name.
pub const SCENARIOS: &[Scenario] = &[("mappingproxy", mappingproxy)];
