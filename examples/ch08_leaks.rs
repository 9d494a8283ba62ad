//! Chapter 8, "Hunting leaks": every scenario of the chapter, runnable.
//!
//! `cargo run --example ch08_leaks`. Python twins: `python/ch08_leaks/*.py`. Each twin starts
//! with `gc.collect()` and `gc.disable()`, as the model does, so only the scenario's own
//! objects are found.

use pyheap::expr::fstr;
use pyheap::prelude::*;

// ANCHOR: leaky_class
/// Seed 003's leak: the instances are unreachable from any name, yet alive, because the
/// class holds them. Nothing is garbage, so the collector finds nothing; `gc.get_referrers`
/// shows who holds the object.
pub fn leaky_class() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("LeakyClass")
            .attr("instances", list([]))
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "ref", none())?;
                    // LeakyClass.instances.append(self)  # Keeps reference!
                    py.exec(
                        name("LeakyClass")
                            .attr("instances")
                            .method("append", [name("self")]),
                    )
                }),
            )
            .method(
                "__repr__",
                &["self"],
                // return f"LeakyClass({self.name})"
                body(|py| {
                    py.ret(add(
                        add(s("LeakyClass("), name("self").attr("name")),
                        s(")"),
                    ))
                }),
            ),
    )?;
    py.assign("obj1", name("LeakyClass").call([s("obj1")]))?;
    py.assign("obj2", name("LeakyClass").call([s("obj2")]))?;
    py.assign_attr(name("obj1"), "ref", name("obj2"))?;
    py.assign_attr(name("obj2"), "ref", name("obj1"))?;
    py.del("obj1")?;
    py.del("obj2")?;
    let shown = py.str_of_expr(name("LeakyClass").attr("instances"))?;
    py.print(format!("Instances: {shown}"));
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let garbage = py.gc_garbage();
    let shown = py.str_of_expr(obj(garbage))?;
    py.print(format!("Garbage: {shown}"));
    py.assign("obj", name("LeakyClass").attr("instances").item(int(0)))?;
    // referrers = gc.get_referrers(obj): a new list of the tracked objects that refer to obj
    let found = py.gc_get_referrers(py.lookup("obj")?)?;
    py.assign("referrers", list(found.into_iter().map(obj)))?;
    let n = py.repr_of(name("len").call([name("referrers")]))?;
    py.print(format!("Referrers: {n}"));
    let globals = py.globals_dict();
    py.for_in("r", name("referrers"), |py| {
        let what = if py.is(name("r"), name("LeakyClass").attr("instances"))? {
            "LeakyClass.instances".to_string()
        } else if py.is(name("r"), obj(globals))? {
            "the module's globals, for the name obj".to_string()
        } else {
            py.str_of_expr(name("r"))? // repr(r)
        };
        let ty = py.type_name(py.lookup("r")?)?;
        py.print(format!("  {ty}: {what}"));
        Ok(Flow::Continue)
    })?;
    Ok(py.take_stdout())
}
// ANCHOR_END: leaky_class

// ANCHOR: count_instances
/// Counting the instances of a class among everything the collector tracks: a number that
/// only grows is a leak. Here every request is kept in a class-level log.
pub fn count_instances() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(Class::new("Request").attr("log", list([])).method(
        "__init__",
        &["self", "path"],
        body(|py| {
            py.assign_attr(name("self"), "path", name("path"))?;
            py.exec(name("Request").attr("log").method("append", [name("self")]))
        }),
    ))?;
    py.def(
        "handle",
        &["path"],
        body(|py| {
            py.assign("request", name("Request").call([name("path")]))?;
            py.ret(name("len").call([name("request").attr("path")]))
        }),
    )?;
    // sum(1 for o in gc.get_objects() if isinstance(o, Request))
    let count = |py: &mut Heap| -> Result<usize> {
        let mut n = 0;
        for o in py.gc_get_objects(None)? {
            n += usize::from(py.type_name(o)? == "Request");
        }
        Ok(n)
    };
    py.for_in("step", name("range").call([int(3)]), |py| {
        py.exec(name("handle").call([fstr([s("/page/"), name("step")])]))?;
        let done = py.str_of_expr(add(name("step"), int(1)))?;
        let n = count(py)?;
        py.print(format!(
            "requests handled: {done}, Request objects alive: {n}"
        ));
        Ok(Flow::Continue)
    })?;
    py.exec(name("Request").attr("log").method("clear", []))?;
    let n = count(&mut py)?;
    py.print(format!("Request.log.clear(): Request objects alive: {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: count_instances

// ANCHOR: backref_chain
/// What `objgraph.find_backref_chain` shows: the shortest chain of references from a root
/// (here the module's globals) to the leaked object, found breadth first over the referrers.
pub fn backref_chain() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("LeakyClass")
            .attr("instances", list([]))
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "ref", none())?;
                    // LeakyClass.instances.append(self)  # Keeps reference!
                    py.exec(
                        name("LeakyClass")
                            .attr("instances")
                            .method("append", [name("self")]),
                    )
                }),
            )
            .method(
                "__repr__",
                &["self"],
                // return f"LeakyClass({self.name})"
                body(|py| {
                    py.ret(add(
                        add(s("LeakyClass("), name("self").attr("name")),
                        s(")"),
                    ))
                }),
            ),
    )?;
    py.assign("obj1", name("LeakyClass").call([s("obj1")]))?;
    py.assign("obj2", name("LeakyClass").call([s("obj2")]))?;
    py.assign_attr(name("obj1"), "ref", name("obj2"))?;
    py.assign_attr(name("obj2"), "ref", name("obj1"))?;
    py.del("obj1")?;
    py.del("obj2")?;
    // A handle to the class-level list, without keeping a reference of our own.
    let instances = py.eval_owned(name("LeakyClass").attr("instances"))?;
    py.release(instances)?;
    py.picture(
        "ch08_leak",
        "after del obj1, obj2: LeakyClass.instances still holds both",
        &[instances],
    );
    // chain = find_backref_chain(LeakyClass.instances[0], is_module_globals)
    let leaked = py.eval_owned(name("LeakyClass").attr("instances").item(int(0)))?;
    let chain = py.find_backref_chain(leaked)?;
    py.release(leaked)?;
    let title = "find_backref_chain(LeakyClass.instances[0])";
    py.picture_chain("ch08_backref_chain", title, &chain);
    let mut types = Vec::new();
    for o in &chain {
        types.push(py.type_name(*o)?);
    }
    py.print(types.join(" -> "));
    let mut path = String::from("globals()");
    for pair in chain.windows(2) {
        let step = py.reference_name(pair[0], pair[1])?;
        path.push_str(step.as_deref().unwrap_or("?"));
    }
    py.print(path);
    Ok(py.take_stdout())
}
// ANCHOR_END: backref_chain

// ANCHOR: nonleaky_fix
/// Seed 003's fix: the class keeps weak references, and `get_instances()` drops the dead
/// ones. The registry no longer keeps anything alive, though the seed's own `obj1 <-> obj2`
/// cycle still waits for the collector.
pub fn nonleaky_fix() -> Result<String> {
    let mut py = Heap::new();
    py.gc_collect(2)?;
    py.gc_disable();
    py.class(
        Class::new("NonLeakyClass")
            .attr("_instances", list([]))
            .method(
                "__init__",
                &["self", "name"],
                body(|py| {
                    py.assign_attr(name("self"), "name", name("name"))?;
                    py.assign_attr(name("self"), "ref", none())?;
                    let r = name("ref").call([name("self")]);
                    py.exec(
                        name("NonLeakyClass")
                            .attr("_instances")
                            .method("append", [r]),
                    )
                }),
            )
            .method(
                "get_instances",
                &["cls"],
                body(|py| {
                    // cls._instances = [ref for ref in cls._instances if ref() is not None]
                    // (the model's comprehensions have no `if`: a loop that appends)
                    py.assign("alive", list([]))?;
                    py.for_in("ref", name("cls").attr("_instances"), |py| {
                        if !py.is(name("ref").call([]), none())? {
                            py.exec(name("alive").method("append", [name("ref")]))?;
                        }
                        Ok(Flow::Continue)
                    })?;
                    py.assign_attr(name("cls"), "_instances", name("alive"))?;
                    // return [ref() for ref in cls._instances]
                    let live =
                        list_comp(name("ref").call([]), "ref", name("cls").attr("_instances"));
                    py.comprehension(&live, |py, result| py.ret(result))
                }),
            ),
    )?;
    py.def(
        "names",
        &["objs"],
        // return [o.name for o in objs]
        body(|py| {
            let comp = list_comp(name("o").attr("name"), "o", name("objs"));
            py.comprehension(&comp, |py, result| py.ret(result))
        }),
    )?;
    // NonLeakyClass.get_instances(): a classmethod, so the class is passed as cls.
    let get_instances = || name("NonLeakyClass").method("get_instances", [name("NonLeakyClass")]);
    py.assign("obj1", name("NonLeakyClass").call([s("obj1")]))?;
    py.assign("obj2", name("NonLeakyClass").call([s("obj2")]))?;
    py.assign_attr(name("obj1"), "ref", name("obj2"))?;
    py.assign_attr(name("obj2"), "ref", name("obj1"))?;
    let shown = py.str_of_expr(name("names").call([get_instances()]))?;
    py.print(format!("get_instances(): {shown}"));
    py.del("obj1")?;
    py.del("obj2")?;
    let shown = py.str_of_expr(name("names").call([get_instances()]))?;
    py.print(format!("del obj1, obj2: get_instances(): {shown}"));
    let n = py.gc_collect(2)?;
    py.print(format!("gc.collect() = {n}"));
    let shown = py.str_of_expr(name("names").call([get_instances()]))?;
    py.print(format!("get_instances(): {shown}"));
    let n = py.repr_of(name("len").call([name("NonLeakyClass").attr("_instances")]))?;
    py.print(format!("len(NonLeakyClass._instances) = {n}"));
    Ok(py.take_stdout())
}
// ANCHOR_END: nonleaky_fix

/// A scenario: its name (shared by its snapshot and python twin) and the function.
pub type Scenario = (&'static str, fn() -> Result<String>);

/// Every scenario of the chapter, by name.
pub const SCENARIOS: &[Scenario] = &[
    ("leaky_class", leaky_class),
    ("count_instances", count_instances),
    ("backref_chain", backref_chain),
    ("nonleaky_fix", nonleaky_fix),
];

#[allow(dead_code)]
fn main() -> Result<()> {
    for (name, scenario) in SCENARIOS {
        println!("== {name} ==");
        print!("{}", scenario()?);
    }
    Ok(())
}
