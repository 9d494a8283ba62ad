//! A deliberately naive second implementation, used only by tests: after every step it
//! recomputes, from scratch and by plain graph search, what the heap should look like, and
//! says how the heap differs.
//!
//! - Every live object's count must equal the references to it that the model can see:
//!   from other live objects (what their `tp_traverse` visits) and from the interpreter's
//!   roots (globals, module code, `gc.garbage`, the evaluation stack, frames).
//! - No two live objects share an address.
//! - The allocator's live bytes equal the objects' blocks, the buffers and the free lists.
//! - A dict with a hash index finds each of its keys, by a search of the index, at the
//!   key's own position among the entries.
//! - After a full collection with no resurrecting finalizer, every live object is reachable
//!   from a root: nothing leaked, nothing unreachable survived.

use std::collections::{HashMap, HashSet};

use pyheap::object::Kind;
use pyheap::{Heap, ObjId};

/// Check the invariants that hold between any two statements. Returns a description of
/// every violation found.
pub fn check(h: &Heap) -> Result<(), String> {
    let live: Vec<ObjId> = h.live_objects().collect();
    let mut expected: HashMap<ObjId, i64> = HashMap::new();
    for r in h.roots() {
        *expected.entry(r).or_default() += 1;
    }
    for &id in &live {
        for r in h.references(id).map_err(|e| e.to_string())? {
            if !h.is_alive(r) {
                return Err(format!("{} refers to a freed object", h.describe(id)));
            }
            *expected.entry(r).or_default() += 1;
        }
    }
    let mut problems = Vec::new();
    let mut addrs = HashSet::new();
    for &id in &live {
        let o = h.get(id).map_err(|e| e.to_string())?;
        if !addrs.insert(o.addr) {
            problems.push(format!("two live objects at {:#x}", o.addr));
        }
        if o.is_static {
            continue;
        }
        let want = expected.get(&id).copied().unwrap_or(0);
        let refcnt = h.refcnt(id).map_err(|e| e.to_string())?;
        if refcnt != want {
            problems.push(format!(
                "{}: ob_refcnt {} but {} references found",
                h.describe(id),
                refcnt,
                want
            ));
        }
    }
    for &id in &live {
        if let Kind::Dict { entries, .. } = &h.get(id).map_err(|e| e.to_string())?.kind {
            let Some(index) = entries.index() else {
                continue;
            };
            for (pos, (k, _)) in entries.iter().enumerate() {
                let Ok(hash) = h.hash_of(*k) else { continue };
                if index.lookup(hash, |p| p == pos).pos != Some(pos) {
                    problems.push(format!(
                        "{}: key {} (entry {pos}) is not found through the index",
                        h.describe(id),
                        h.describe(*k)
                    ));
                }
            }
        }
    }
    let (objects, buffers, freelists) = h.memory_accounting();
    let allocated = h.allocator().live_requested_bytes();
    if allocated != objects + buffers + freelists {
        problems.push(format!(
            "allocator has {allocated} bytes live; heap accounts for {objects} (objects) + {buffers} (buffers) + {freelists} (free lists)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Objects reachable from the roots by strong references.
pub fn reachable(h: &Heap) -> HashSet<ObjId> {
    let mut seen = HashSet::new();
    let mut stack = h.roots();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Ok(refs) = h.references(id) {
            stack.extend(refs);
        }
    }
    seen
}

/// After a full collection: every live, non-static object must be reachable.
pub fn check_no_garbage(h: &Heap) -> Result<(), String> {
    let r = reachable(h);
    let leaked: Vec<String> = h
        .live_objects()
        .filter(|id| !h.get(*id).map(|o| o.is_static).unwrap_or(true))
        .filter(|id| !r.contains(id))
        .map(|id| h.describe(id))
        .collect();
    if leaked.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "alive but unreachable after a full collection: {}",
            leaked.join(", ")
        ))
    }
}
