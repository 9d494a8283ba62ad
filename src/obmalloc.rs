//! pymalloc: CPython 3.11's small-object allocator (`Objects/obmalloc.c`), with the
//! addresses it hands out.
//!
//! Requests up to 512 bytes are rounded up to a multiple of 16 (32 *size classes*) and served
//! from *pools*: 16 KiB pages that each hold blocks of one size class. Pools are carved from
//! 1 MiB *arenas* obtained with `mmap`. A freed block goes to the front of its pool's free
//! list, so the next request of the same class gets it back: that is why CPython so often
//! hands a new object the `id()` of one just freed. An arena goes back to the system only
//! when every pool in it is empty, so one long-lived block pins a whole megabyte.
//! Larger requests go to the system allocator (modeled as glibc-like chunks).
//!
//! The names mirror the C: `pymalloc_alloc`, `pymalloc_free`, `allocate_from_new_pool`,
//! `new_arena`, `insert_to_usedpool`, `insert_to_freepool`, `usedpools`, `usable_arenas`.
//! Tutorials (and seed 003) quote 4 KiB pools and 256 KiB arenas: those were the sizes
//! until 3.9; 3.10 moved to 16 KiB / 1 MiB on 64-bit. [`Obmalloc::with_geometry`] builds either.

use std::collections::HashMap;

/// An address in the modeled process.
pub type Addr = u64;

/// `ALIGNMENT`: every block is 16-byte aligned, and size classes are 16 bytes apart.
pub const ALIGNMENT: usize = 16;
/// `SMALL_REQUEST_THRESHOLD`: larger requests go to the system allocator.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// `NB_SMALL_SIZE_CLASSES`
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
/// 3.11 on 64-bit Linux (`POOL_BITS` 14): 16 KiB pools.
pub const POOL_SIZE: usize = 16 * 1024;
/// 3.11 on 64-bit Linux (`ARENA_BITS` 20): 1 MiB arenas.
pub const ARENA_SIZE: usize = 1024 * 1024;
/// Before 3.10 (and in most tutorials): 4 KiB pools.
pub const OLD_POOL_SIZE: usize = 4 * 1024;
/// Before 3.10: 256 KiB arenas.
pub const OLD_ARENA_SIZE: usize = 256 * 1024;
/// `POOL_OVERHEAD`: `sizeof(struct pool_header)` (48 bytes) rounded up to `ALIGNMENT`.
pub const POOL_OVERHEAD: usize = 48;
const PAGE: u64 = 4096;
/// Where the modeled `mmap` puts the first arena. Page-aligned but not pool-aligned, as
/// real `mmap` results usually are, so each arena loses one pool to alignment (`new_arena`).
const ARENA_BASE: u64 = 0x7f00_0000_1000;
/// Where the modeled system allocator's heap starts.
const SYSTEM_BASE: u64 = 0x5600_0000_0000;
/// glibc's chunk header in front of each `malloc`ed block.
const SYSTEM_CHUNK_HEADER: u64 = 16;
const NIL: u32 = u32::MAX;

/// Misuse of the allocator.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum AllocError {
    /// `free` of an address the allocator never handed out (or already took back).
    #[error("free of {0:#x}, which is not an allocated block")]
    FreeOfUnknownAddress(Addr),
    /// A second `free` of the same block.
    #[error("double free of {0:#x}")]
    DoubleFree(Addr),
    /// A pool or arena geometry CPython could not use.
    #[error("bad geometry: {0}")]
    BadGeometry(String),
}

#[derive(Clone, Debug)]
struct Pool {
    arena: u32,
    addr: Addr,
    /// Block size in bytes (0 = never initialized).
    block: u32,
    /// `ref.count`: blocks in use.
    count: u32,
    /// `freeblock` list, as a stack: the last element is the head.
    free: Vec<u32>,
    /// `nextoffset` / `maxnextoffset`
    nextoffset: u32,
    maxnextoffset: u32,
    /// Requested bytes per block (0 = free).
    req: Vec<u16>,
    /// `usedpools` links.
    prev: u32,
    next: u32,
    in_used: bool,
}

#[derive(Clone, Debug)]
struct Arena {
    addr: Addr,
    alive: bool,
    pool_base: Addr,
    /// Pools carved so far (`pool_address` advances by one pool each time).
    carved: u32,
    ntotalpools: u32,
    nfreepools: u32,
    /// `freepools`: emptied pools, LIFO.
    freepools: Vec<u32>,
    /// Indices into `pools` for every pool carved from this arena, in address order.
    pools: Vec<u32>,
}

/// The allocator's state.
#[derive(Clone, Debug)]
pub struct Obmalloc {
    pool_size: usize,
    arena_size: usize,
    pools: Vec<Pool>,
    arenas: Vec<Arena>,
    /// `usedpools[class]`: head of the list of partly used pools of that class.
    usedpools: [u32; NB_SMALL_SIZE_CLASSES],
    /// `usable_arenas`, most used first (fewest free pools).
    usable_arenas: Vec<u32>,
    system_live: HashMap<Addr, usize>,
    system_free: HashMap<usize, Vec<Addr>>,
    system_next: Addr,
    live_requested: usize,
    arenas_highwater: usize,
    arenas_allocated_total: usize,
}

/// A snapshot of the allocator's numbers, like `sys._debugmallocstats()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocStats {
    /// Arenas currently mapped.
    pub arenas_in_use: usize,
    /// Arenas ever mapped.
    pub arenas_allocated_total: usize,
    /// Most arenas mapped at once.
    pub arenas_highwater: usize,
    /// Pools holding at least one block.
    pub pools_used: usize,
    /// Pools carved and now empty, or not yet carved, in live arenas.
    pub pools_free: usize,
    /// Per size class: (block size, blocks in use, blocks free in used pools).
    pub classes: Vec<(usize, usize, usize)>,
    /// Bytes requested by live small allocations.
    pub small_requested: usize,
    /// Bytes of blocks holding them (requests rounded up to the class).
    pub small_blocks: usize,
    /// Bytes live in the system allocator (large requests).
    pub system_bytes: usize,
}

/// One arena as drawn by the allocator picture: its address and its pools.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArenaView {
    /// The arena's address.
    pub addr: Addr,
    /// Per pool in address order: (block size or None for a free/uncarved pool, used, total).
    pub pools: Vec<(Option<usize>, usize, usize)>,
}

impl Default for Obmalloc {
    fn default() -> Self {
        Self::new()
    }
}

impl Obmalloc {
    /// 3.11's geometry: 16 KiB pools in 1 MiB arenas.
    pub fn new() -> Self {
        Self::build(POOL_SIZE, ARENA_SIZE)
    }

    /// Another geometry (e.g. the old 4 KiB pools in 256 KiB arenas).
    pub fn with_geometry(pool_size: usize, arena_size: usize) -> Result<Self, AllocError> {
        if !pool_size.is_power_of_two() || !arena_size.is_power_of_two() {
            return Err(AllocError::BadGeometry("sizes must be powers of two".into()));
        }
        if pool_size < 1024 || arena_size < 2 * pool_size {
            return Err(AllocError::BadGeometry(format!(
                "a {pool_size}-byte pool in a {arena_size}-byte arena cannot hold 512-byte blocks usefully"
            )));
        }
        Ok(Self::build(pool_size, arena_size))
    }

    fn build(pool_size: usize, arena_size: usize) -> Self {
        Obmalloc {
            pool_size,
            arena_size,
            pools: Vec::new(),
            arenas: Vec::new(),
            usedpools: [NIL; NB_SMALL_SIZE_CLASSES],
            usable_arenas: Vec::new(),
            system_live: HashMap::new(),
            system_free: HashMap::new(),
            system_next: SYSTEM_BASE,
            live_requested: 0,
            arenas_highwater: 0,
            arenas_allocated_total: 0,
        }
    }

    /// The size class of a small request (`(nbytes - 1) >> ALIGNMENT_SHIFT`).
    pub fn size_class(nbytes: usize) -> Option<usize> {
        if nbytes == 0 || nbytes > SMALL_REQUEST_THRESHOLD {
            None
        } else {
            Some((nbytes - 1) / ALIGNMENT)
        }
    }

    /// The block size a small request is rounded up to.
    pub fn block_size(nbytes: usize) -> Option<usize> {
        Self::size_class(nbytes).map(|c| (c + 1) * ALIGNMENT)
    }

    /// `PyObject_Malloc`. Zero-byte requests are served as one byte, as in CPython.
    pub fn malloc(&mut self, nbytes: usize) -> Addr {
        let nbytes = nbytes.max(1);
        self.live_requested += nbytes;
        match Self::size_class(nbytes) {
            Some(c) => self.pymalloc_alloc(c, nbytes),
            None => self.system_malloc(nbytes),
        }
    }

    /// `pymalloc_alloc`: the front pool of the class's `usedpools` list serves the request
    /// from its free list, else by bumping `nextoffset`; with no used pool, a new one.
    fn pymalloc_alloc(&mut self, class: usize, nbytes: usize) -> Addr {
        let mut p = self.usedpools[class];
        if p == NIL {
            p = self.allocate_from_new_pool(class);
        }
        let pool = &mut self.pools[p as usize];
        let slot = match pool.free.pop() {
            Some(slot) => slot,
            None => {
                // pymalloc_pool_extend: carve the next block.
                let slot = (pool.nextoffset - POOL_OVERHEAD as u32) / pool.block;
                pool.nextoffset += pool.block;
                slot
            }
        };
        pool.req[slot as usize] = nbytes as u16;
        pool.count += 1;
        let addr = pool.addr + POOL_OVERHEAD as u64 + slot as u64 * pool.block as u64;
        let full = pool.free.is_empty() && pool.nextoffset > pool.maxnextoffset;
        if full {
            // A full pool leaves usedpools until one of its blocks is freed.
            self.unlink_used(p);
        }
        addr
    }

    /// `allocate_from_new_pool`: take a pool from the most used usable arena (an emptied
    /// one from its `freepools` first, else carve a fresh one), and put it in `usedpools`.
    fn allocate_from_new_pool(&mut self, class: usize) -> u32 {
        if self.usable_arenas.is_empty() {
            self.new_arena();
        }
        let a = self.usable_arenas[0];
        let arena = &mut self.arenas[a as usize];
        let p = match arena.freepools.pop() {
            Some(p) => p,
            None => {
                let addr = arena.pool_base + arena.carved as u64 * self.pool_size as u64;
                arena.carved += 1;
                let p = self.pools.len() as u32;
                self.pools.push(Pool {
                    arena: a,
                    addr,
                    block: 0,
                    count: 0,
                    free: Vec::new(),
                    nextoffset: 0,
                    maxnextoffset: 0,
                    req: Vec::new(),
                    prev: NIL,
                    next: NIL,
                    in_used: false,
                });
                self.arenas[a as usize].pools.push(p);
                p
            }
        };
        let arena = &mut self.arenas[a as usize];
        arena.nfreepools -= 1;
        if arena.nfreepools == 0 {
            self.usable_arenas.remove(0);
        }
        let block = ((class + 1) * ALIGNMENT) as u32;
        let pool_size = self.pool_size as u32;
        let pool = &mut self.pools[p as usize];
        if pool.block != block {
            // A fresh (or re-purposed) pool: initialize it for this size class.
            let nblocks = (pool_size - POOL_OVERHEAD as u32) / block;
            pool.block = block;
            pool.free.clear();
            pool.nextoffset = POOL_OVERHEAD as u32;
            pool.maxnextoffset = pool_size - block;
            pool.req = vec![0; nblocks as usize];
        }
        self.insert_to_usedpool(class, p);
        p
    }

    /// `new_arena`: map a new arena. Its first pool starts at the next pool boundary.
    fn new_arena(&mut self) {
        let idx = match self.arenas.iter().position(|a| !a.alive) {
            Some(i) => i,
            None => {
                self.arenas.push(Arena {
                    addr: 0,
                    alive: false,
                    pool_base: 0,
                    carved: 0,
                    ntotalpools: 0,
                    nfreepools: 0,
                    freepools: Vec::new(),
                    pools: Vec::new(),
                });
                self.arenas.len() - 1
            }
        };
        let stride = self.arena_size as u64 + PAGE;
        let addr = ARENA_BASE + idx as u64 * stride;
        let excess = addr % self.pool_size as u64;
        let mut total = (self.arena_size / self.pool_size) as u32;
        let mut pool_base = addr;
        if excess != 0 {
            total -= 1;
            pool_base += self.pool_size as u64 - excess;
        }
        // Pools of a dead arena are forgotten (their indices stay, unreachable).
        self.arenas[idx] = Arena {
            addr,
            alive: true,
            pool_base,
            carved: 0,
            ntotalpools: total,
            nfreepools: total,
            freepools: Vec::new(),
            pools: Vec::new(),
        };
        self.usable_arenas.insert(0, idx as u32);
        self.arenas_allocated_total += 1;
        let live = self.arenas.iter().filter(|a| a.alive).count();
        self.arenas_highwater = self.arenas_highwater.max(live);
    }

    /// `insert_to_usedpool`: at the front, so it serves the next request.
    fn insert_to_usedpool(&mut self, class: usize, p: u32) {
        let head = self.usedpools[class];
        {
            let pool = &mut self.pools[p as usize];
            pool.prev = NIL;
            pool.next = head;
            pool.in_used = true;
        }
        if head != NIL {
            self.pools[head as usize].prev = p;
        }
        self.usedpools[class] = p;
    }

    fn unlink_used(&mut self, p: u32) {
        let (prev, next, block) = {
            let pool = &mut self.pools[p as usize];
            pool.in_used = false;
            (pool.prev, pool.next, pool.block)
        };
        let class = block as usize / ALIGNMENT - 1;
        if prev == NIL {
            self.usedpools[class] = next;
        } else {
            self.pools[prev as usize].next = next;
        }
        if next != NIL {
            self.pools[next as usize].prev = prev;
        }
    }

    /// Which pool and block an address is, if it is a pymalloc block start.
    fn locate(&self, addr: Addr) -> Option<(u32, u32)> {
        let stride = self.arena_size as u64 + PAGE;
        let idx = addr.checked_sub(ARENA_BASE)? / stride;
        let arena = self.arenas.get(idx as usize)?;
        if !arena.alive || addr < arena.pool_base {
            return None;
        }
        let pool_i = (addr - arena.pool_base) / self.pool_size as u64;
        let p = *arena.pools.get(pool_i as usize)?;
        let pool = &self.pools[p as usize];
        let off = addr - pool.addr;
        if pool.block == 0 || off < POOL_OVERHEAD as u64 {
            return None;
        }
        let rel = off - POOL_OVERHEAD as u64;
        if rel % pool.block as u64 != 0 {
            return None;
        }
        let slot = (rel / pool.block as u64) as u32;
        if slot as usize >= pool.req.len() {
            return None;
        }
        Some((p, slot))
    }

    /// `address_in_range`: whether pymalloc owns the address.
    pub fn is_pymalloc(&self, addr: Addr) -> bool {
        let stride = self.arena_size as u64 + PAGE;
        match addr.checked_sub(ARENA_BASE) {
            Some(d) => self
                .arenas
                .get((d / stride) as usize)
                .is_some_and(|a| a.alive && addr < a.addr + self.arena_size as u64),
            None => false,
        }
    }

    /// `PyObject_Free`.
    pub fn free(&mut self, addr: Addr) -> Result<(), AllocError> {
        if let Some((p, slot)) = self.locate(addr) {
            return self.pymalloc_free(p, slot, addr);
        }
        match self.system_live.remove(&addr) {
            Some(n) => {
                self.live_requested -= n;
                let chunk = Self::system_chunk(n);
                self.system_free.entry(chunk).or_default().push(addr);
                Ok(())
            }
            None => Err(AllocError::FreeOfUnknownAddress(addr)),
        }
    }

    /// `pymalloc_free`: push the block on its pool's free list; a pool that was full goes
    /// back to `usedpools`; a pool that becomes empty goes to its arena's `freepools`, and
    /// an arena whose pools are all empty is unmapped (unless it is the last usable one).
    fn pymalloc_free(&mut self, p: u32, slot: u32, addr: Addr) -> Result<(), AllocError> {
        let pool = &mut self.pools[p as usize];
        let req = pool.req[slot as usize];
        let carved = (pool.nextoffset - POOL_OVERHEAD as u32) / pool.block;
        if req == 0 || slot >= carved {
            return Err(if slot < carved {
                AllocError::DoubleFree(addr)
            } else {
                AllocError::FreeOfUnknownAddress(addr)
            });
        }
        self.live_requested -= req as usize;
        pool.req[slot as usize] = 0;
        let was_full = !pool.in_used;
        pool.free.push(slot);
        pool.count -= 1;
        let count = pool.count;
        let class = pool.block as usize / ALIGNMENT - 1;
        let arena = pool.arena;
        if was_full {
            self.insert_to_usedpool(class, p);
        }
        if count == 0 {
            self.insert_to_freepool(arena, p);
        }
        Ok(())
    }

    /// `insert_to_freepool`: the pool joins its arena's `freepools`. An arena whose pools
    /// are now all empty is unmapped, unless it is the last of `usable_arenas` (3.9+ keeps
    /// one empty arena to avoid thrashing); otherwise it moves to keep `usable_arenas`
    /// sorted by free pools, most used first.
    fn insert_to_freepool(&mut self, a: u32, p: u32) {
        self.unlink_used(p);
        let arena = &mut self.arenas[a as usize];
        arena.freepools.push(p);
        arena.nfreepools += 1;
        let nf = arena.nfreepools;
        let total = arena.ntotalpools;
        let pos = self.usable_arenas.iter().position(|x| *x == a);
        if let Some(i) = pos {
            self.usable_arenas.remove(i);
            if nf == total && i < self.usable_arenas.len() {
                let arena = &mut self.arenas[a as usize];
                arena.alive = false;
                arena.pools.clear();
                arena.freepools.clear();
                return;
            }
        }
        let at = self
            .usable_arenas
            .iter()
            .position(|x| self.arenas[*x as usize].nfreepools > nf)
            .unwrap_or(self.usable_arenas.len());
        self.usable_arenas.insert(at, a);
    }

    fn system_chunk(n: usize) -> usize {
        (n + SYSTEM_CHUNK_HEADER as usize).div_ceil(16) * 16
    }

    /// The system allocator for large requests: glibc-like chunks with a 16-byte header,
    /// and exact-size reuse of freed chunks (a simplification of glibc's bins).
    fn system_malloc(&mut self, nbytes: usize) -> Addr {
        let chunk = Self::system_chunk(nbytes);
        let addr = match self.system_free.get_mut(&chunk).and_then(Vec::pop) {
            Some(a) => a,
            None => {
                let a = self.system_next + SYSTEM_CHUNK_HEADER;
                self.system_next += chunk as u64;
                a
            }
        };
        self.system_live.insert(addr, nbytes);
        addr
    }

    /// `PyObject_Realloc`: a small block stays in place if the new size still fits it and
    /// uses more than 3/4 of it; otherwise a new block, and the old one is freed.
    pub fn realloc(&mut self, addr: Addr, nbytes: usize) -> Result<Addr, AllocError> {
        let nbytes = nbytes.max(1);
        if let Some((p, slot)) = self.locate(addr) {
            let pool = &self.pools[p as usize];
            let old = pool.req[slot as usize];
            if old == 0 {
                return Err(AllocError::DoubleFree(addr));
            }
            let size = pool.block as usize;
            if nbytes <= size && 4 * nbytes > 3 * size {
                self.live_requested = self.live_requested - old as usize + nbytes;
                self.pools[p as usize].req[slot as usize] = nbytes as u16;
                return Ok(addr);
            }
        } else if let Some(&old) = self.system_live.get(&addr) {
            if Self::system_chunk(nbytes) == Self::system_chunk(old) {
                self.live_requested = self.live_requested - old + nbytes;
                self.system_live.insert(addr, nbytes);
                return Ok(addr);
            }
        } else {
            return Err(AllocError::FreeOfUnknownAddress(addr));
        }
        let new = self.malloc(nbytes);
        self.free(addr)?;
        Ok(new)
    }

    /// What the first 8 bytes of a freed pymalloc block hold: the free-list link written by
    /// `pymalloc_free` (the block that was the list head then, or 0). `None` if the address
    /// is not the start of a free block.
    pub fn first_word_of_free_block(&self, addr: Addr) -> Option<u64> {
        let (p, slot) = self.locate(addr)?;
        let pool = &self.pools[p as usize];
        let carved = (pool.nextoffset - POOL_OVERHEAD as u32) / pool.block;
        if pool.req[slot as usize] != 0 || slot >= carved {
            return None;
        }
        let i = pool.free.iter().rposition(|s| *s == slot)?;
        Some(match i.checked_sub(1) {
            Some(below) => pool.addr + POOL_OVERHEAD as u64 + pool.free[below] as u64 * pool.block as u64,
            None => 0,
        })
    }

    /// Bytes requested by every live allocation (small and large).
    pub fn live_requested_bytes(&self) -> usize {
        self.live_requested
    }

    /// The numbers `sys._debugmallocstats()` reports, computed from the structures.
    pub fn stats(&self) -> AllocStats {
        let mut classes: Vec<(usize, usize, usize)> = (0..NB_SMALL_SIZE_CLASSES).map(|c| ((c + 1) * ALIGNMENT, 0, 0)).collect();
        let mut pools_used = 0;
        let mut pools_free = 0;
        let mut small_requested = 0;
        let mut small_blocks = 0;
        for a in self.arenas.iter().filter(|a| a.alive) {
            pools_free += (a.ntotalpools - a.carved) as usize + a.freepools.len();
            for &p in &a.pools {
                let pool = &self.pools[p as usize];
                if pool.count == 0 {
                    continue;
                }
                pools_used += 1;
                let c = pool.block as usize / ALIGNMENT - 1;
                let carved = ((pool.nextoffset - POOL_OVERHEAD as u32) / pool.block) as usize;
                classes[c].1 += pool.count as usize;
                classes[c].2 += carved - pool.count as usize + (pool.req.len() - carved);
                small_requested += pool.req.iter().map(|r| *r as usize).sum::<usize>();
                small_blocks += pool.count as usize * pool.block as usize;
            }
        }
        AllocStats {
            arenas_in_use: self.arenas.iter().filter(|a| a.alive).count(),
            arenas_allocated_total: self.arenas_allocated_total,
            arenas_highwater: self.arenas_highwater,
            pools_used,
            pools_free,
            classes,
            small_requested,
            small_blocks,
            system_bytes: self.system_live.values().sum(),
        }
    }

    /// Every live arena and its pools, for pictures.
    pub fn arenas(&self) -> Vec<ArenaView> {
        self.arenas
            .iter()
            .filter(|a| a.alive)
            .map(|a| {
                let mut pools: Vec<(Option<usize>, usize, usize)> = a
                    .pools
                    .iter()
                    .map(|&p| {
                        let pool = &self.pools[p as usize];
                        let total = pool.req.len();
                        if pool.count == 0 {
                            (None, 0, total)
                        } else {
                            (Some(pool.block as usize), pool.count as usize, total)
                        }
                    })
                    .collect();
                for _ in a.carved..a.ntotalpools {
                    pools.push((None, 0, 0));
                }
                ArenaView { addr: a.addr, pools }
            })
            .collect()
    }

    /// The pool and arena sizes in use.
    pub fn geometry(&self) -> (usize, usize) {
        (self.pool_size, self.arena_size)
    }
}

impl AllocStats {
    /// A text table in the spirit of `sys._debugmallocstats()`.
    pub fn render(&self) -> String {
        let mut out = String::from("class   size   num blocks   free blocks\n");
        for (i, (size, used, free)) in self.classes.iter().enumerate() {
            if *used > 0 {
                out.push_str(&format!("{i:5} {size:6} {used:12} {free:13}\n"));
            }
        }
        out.push_str(&format!(
            "arenas in use: {}, allocated in total: {}, highwater: {}\n",
            self.arenas_in_use, self.arenas_allocated_total, self.arenas_highwater
        ));
        out.push_str(&format!("pools used: {}, free: {}\n", self.pools_used, self.pools_free));
        out.push_str(&format!(
            "small blocks: {} bytes for {} requested; system allocator: {} bytes\n",
            self.small_blocks, self.small_requested, self.system_bytes
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_block_is_the_next_one_of_its_class() {
        let mut m = Obmalloc::new();
        let a = m.malloc(56);
        let _b = m.malloc(56);
        m.free(a).unwrap();
        assert_eq!(m.malloc(50), a, "same class (64 bytes): LIFO reuse");
        let c = m.malloc(56);
        m.free(c).unwrap();
        assert_ne!(m.malloc(100), c, "another class never gets it");
    }

    #[test]
    fn blocks_are_aligned_and_classes_do_not_share_pools() {
        let mut m = Obmalloc::new();
        let a = m.malloc(16);
        let b = m.malloc(32);
        assert_eq!(a % 16, 0);
        assert_eq!(b % 16, 0);
        assert_ne!(a / POOL_SIZE as u64, b / POOL_SIZE as u64);
        assert_eq!(Obmalloc::block_size(17), Some(32));
        assert_eq!(Obmalloc::size_class(513), None);
    }

    #[test]
    fn large_requests_go_to_the_system() {
        let mut m = Obmalloc::new();
        let a = m.malloc(513);
        assert!(!m.is_pymalloc(a));
        assert!(a >= SYSTEM_BASE && a < ARENA_BASE);
        m.free(a).unwrap();
        assert_eq!(m.malloc(513), a);
    }

    #[test]
    fn a_full_pool_moves_on_and_one_live_block_pins_an_arena() {
        let mut m = Obmalloc::new();
        let per_pool = (POOL_SIZE - POOL_OVERHEAD) / 512;
        assert_eq!(per_pool, 31);
        let blocks: Vec<Addr> = (0..per_pool * 70).map(|_| m.malloc(512)).collect();
        assert_ne!(blocks[0] / POOL_SIZE as u64, blocks[per_pool] / POOL_SIZE as u64);
        assert_eq!(m.stats().arenas_in_use, 2, "63 pools per arena: 70 pools need two");
        for b in &blocks[..blocks.len() - 1] {
            m.free(*b).unwrap();
        }
        assert_eq!(m.stats().arenas_in_use, 2, "the last block still pins its arena");
        m.free(*blocks.last().unwrap()).unwrap();
        assert_eq!(m.stats().arenas_in_use, 1, "one empty arena is kept");
        assert_eq!(m.live_requested_bytes(), 0);
    }

    #[test]
    fn misuse_is_an_error() {
        let mut m = Obmalloc::new();
        let a = m.malloc(40);
        m.free(a).unwrap();
        assert_eq!(m.free(a), Err(AllocError::DoubleFree(a)));
        assert_eq!(m.free(12345), Err(AllocError::FreeOfUnknownAddress(12345)));
        assert!(Obmalloc::with_geometry(3000, 1 << 20).is_err());
    }

    #[test]
    fn old_geometry_and_realloc_in_place() {
        let mut m = Obmalloc::with_geometry(OLD_POOL_SIZE, OLD_ARENA_SIZE).unwrap();
        let a = m.malloc(64);
        assert_eq!(m.realloc(a, 60).unwrap(), a, "60 bytes still fill > 3/4 of 64");
        assert_ne!(m.realloc(a, 200).unwrap(), a);
        assert_eq!(m.geometry(), (4096, 262_144));
    }

    #[test]
    fn freed_block_first_word_is_the_old_list_head() {
        let mut m = Obmalloc::new();
        let a = m.malloc(24);
        let b = m.malloc(24);
        m.free(a).unwrap();
        m.free(b).unwrap();
        assert_eq!(m.first_word_of_free_block(a), Some(0));
        assert_eq!(m.first_word_of_free_block(b), Some(a));
        let _ = m.malloc(24);
        assert_eq!(m.first_word_of_free_block(b), None);
    }
}
