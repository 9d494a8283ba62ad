//! No recursion in any traversal: a ring of 1,000,000 objects is collected on a thread with
//! a 2 MiB stack (the size of a spawned Rust thread's default, and smaller than a main
//! thread's 8 MiB). A collector or a deallocator that recursed along the ring would
//! overflow it long before the end.

use std::thread;
use std::time::Instant;

use pyheap::prelude::*;

const N: usize = 1_000_000;
const STACK: usize = 2 * 1024 * 1024;

/// `class P: __slots__ = ('other',)`; `first = prev = P()`, then
/// `node = P(); prev.other = node; prev = node` N − 1 times, then `del node`: a chain in
/// creation order from `first` to `prev`.
fn build_chain(py: &mut Heap, n: usize) -> Result<()> {
    py.class(Class::new("P").slots(&["other"]))?;
    py.assign("first", name("P").call([]))?;
    py.assign("prev", name("first"))?;
    for _ in 1..n {
        py.assign("node", name("P").call([]))?;
        py.assign_attr(name("prev"), "other", name("node"))?;
        py.assign("prev", name("node"))?;
    }
    py.del("node")
}

/// The chain closed into a ring (`prev.other = first; del first, prev`): no name is left
/// bound to it.
fn build_ring(py: &mut Heap, n: usize) -> Result<()> {
    build_chain(py, n)?;
    py.assign_attr(name("prev"), "other", name("first"))?;
    py.del("first")?;
    py.del("prev")
}

fn instances_of_p(py: &Heap) -> usize {
    py.live_objects()
        .filter(|&id| py.type_name(id).is_ok_and(|t| t == "P"))
        .count()
}

/// Run `f` on a thread with a 2 MiB stack; its panic (a failed assertion) is the test's.
fn on_small_stack(f: impl FnOnce() -> Result<()> + Send + 'static) -> Result<()> {
    thread::Builder::new()
        .name("2 MiB stack".into())
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

#[test]
fn a_million_object_ring_collects_on_a_2_mib_stack() -> Result<()> {
    on_small_stack(|| {
        let t = Instant::now();
        let mut py = Heap::new();
        py.gc_disable();
        build_ring(&mut py, N)?;
        let built = t.elapsed();
        assert_eq!(
            instances_of_p(&py),
            N,
            "the ring is alive before collecting"
        );
        let t = Instant::now();
        let collected = py.gc_collect(2)?;
        let collecting = t.elapsed();
        assert_eq!(collected, N);
        assert_eq!(instances_of_p(&py), 0, "no instance of P is left");
        assert_eq!(py.gc_collect(2)?, 0, "nothing left to collect");
        eprintln!("ring of {N}: built in {built:.2?}, collected in {collecting:.2?}");
        Ok(())
    })
}

#[test]
fn a_million_object_chain_frees_by_refcount_on_a_2_mib_stack() -> Result<()> {
    on_small_stack(|| {
        let mut py = Heap::new();
        py.gc_disable();
        build_chain(&mut py, N)?;
        py.del("prev")?;
        assert_eq!(instances_of_p(&py), N);
        // The last reference to the head: each deallocation releases the next node.
        py.del("first")?;
        assert_eq!(instances_of_p(&py), 0, "the whole chain went with its head");
        Ok(())
    })
}
