//! pymalloc, CPython 3.11's small-object allocator (`Objects/obmalloc.c`), executed over a
//! modeled 64-bit address space.
//!
//! Every object and most buffers CPython allocates go through `PyObject_Malloc`. Requests of
//! 1..=512 bytes are served by pymalloc; anything else goes to the C library's `malloc`.
//! pymalloc's structure, top down:
//!
//! - **Arenas** of [`ARENA_SIZE`] (1 MiB) come from `mmap`. An arena is returned with
//!   `munmap` only when *all* its pools are empty, so one live block pins a whole arena.
//!   3.11 keeps one wholly empty arena anyway, if it is the last in `usable_arenas`
//!   (bpo-37257), so a loop that allocates and frees does not map and unmap on every pass.
//! - **Pools** of [`POOL_SIZE`] (16 KiB) are carved from an arena, lowest address first. A
//!   pool holds blocks of one size class. Its first [`POOL_OVERHEAD`] (48) bytes are the
//!   `pool_header`. The arena's first pool starts at the first `POOL_SIZE`-aligned address,
//!   so an arena that `mmap` placed off that alignment loses one pool.
//! - **Blocks**: a request is rounded up to a multiple of [`ALIGNMENT`] (16), which gives 32
//!   size classes of 16..=512 bytes. A pool hands blocks out from its `freeblock` list,
//!   which is LIFO: **the block freed last is the next one handed out for that size class**.
//!   That is why `id()` values come back. New blocks are bumped from `nextoffset` only when
//!   the list is empty.
//!
//! Allocation picks the first pool in `usedpools[class]` (partly used pools of that class).
//! If there is none, it takes an empty pool from the first arena in `usable_arenas`. That
//! list is sorted by ascending `nfreepools`, so the most used arena is filled first and
//! nearly empty ones get a chance to empty completely.
//!
//! The Rust mirrors the C's names (`pymalloc_alloc`, `pymalloc_free`,
//! `allocate_from_new_pool`, `pymalloc_pool_extend`, `new_arena`, `insert_to_usedpool`,
//! `insert_to_freepool`, `nfp2lasta`, `address_in_range`, ...) so the two can be read side
//! by side. C pointers become indices. A pool's free list stores block numbers in
//! `BlockSlot::link`, which stands for the first word of each free block.
//! [`Obmalloc::first_word_of_free_block`] turns that back into the address C would read.
//!
//! ## What is modeled, and what is simplified
//! - `mmap` is modeled: arena `k` is at [`ARENA_MMAP_BASE`]` + k * arena_size`. The base is
//!   page-aligned but not pool-aligned, as most real `mmap` results are, so each 16 KiB-pool
//!   arena has 63 pools, not 64. An unmapped slot is reused lowest address first.
//! - The system `malloc` (glibc) is modeled simply, in its own region starting at
//!   [`SYSTEM_HEAP_BASE`]. Chunks are sized as glibc's `request2size` sizes them:
//!   `(n + 8)` rounded up to 16, at least 32. The user pointer is 16 bytes into the chunk.
//!   A freed chunk is reused only by a request of exactly the same chunk size, last freed
//!   first (like glibc's tcache). Not modeled: coalescing, splitting, the 7-entry tcache
//!   limit, and the `mmap` threshold for large requests.
//! - Nothing is ever out of memory, except the modeled address space itself (about 1 TiB
//!   of arenas, 41 TiB of heap).
//!
//! Misuse (freeing an unknown address, a double free, an interior pointer) returns an
//! [`AllocError`], where the C would corrupt its lists or crash.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fmt;

/// An address in the modeled process (what `id()` returns for an object).
pub type Addr = u64;

// ----- constants from Objects/obmalloc.c (3.11, 64-bit) -----------------------------------

/// `ALIGNMENT`: 16 on 64-bit builds (`SIZEOF_VOID_P > 4`). Every block address is a
/// multiple of it, and size classes are spaced this far apart.
pub const ALIGNMENT: usize = 16;
/// `ALIGNMENT_SHIFT`: log2 of [`ALIGNMENT`].
pub const ALIGNMENT_SHIFT: u32 = 4;
/// `SMALL_REQUEST_THRESHOLD`: larger requests go to the system allocator.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// `NB_SMALL_SIZE_CLASSES` = 512 / 16 = 32.
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
/// `SYSTEM_PAGE_SIZE`: pymalloc assumes 4 KiB pages.
pub const SYSTEM_PAGE_SIZE: usize = 4 * 1024;

/// `ARENA_BITS` with `USE_LARGE_ARENAS` (every 64-bit build since 3.10).
pub const ARENA_BITS: u32 = 20;
/// `ARENA_SIZE` = 1 MiB in 3.10+ on 64-bit.
pub const ARENA_SIZE: usize = 1 << ARENA_BITS;
/// `POOL_BITS` with `USE_LARGE_POOLS` (64-bit with the radix tree, the default, 3.10+).
pub const POOL_BITS: u32 = 14;
/// `POOL_SIZE` = 16 KiB in 3.10+ on 64-bit.
pub const POOL_SIZE: usize = 1 << POOL_BITS;
/// `MAX_POOLS_IN_ARENA` = 1 MiB / 16 KiB = 64 (63 usable when the arena is not pool-aligned).
pub const MAX_POOLS_IN_ARENA: usize = ARENA_SIZE / POOL_SIZE;

/// The arena size many tutorials quote: 256 KiB (`ARENA_BITS` 18). That is CPython 3.9 and
/// earlier, and 32-bit builds. Use it with [`Obmalloc::with_geometry`].
pub const LEGACY_ARENA_SIZE: usize = 1 << 18;
/// The pool size many tutorials quote: 4 KiB, one page (`POOL_BITS` 12). That is CPython
/// 3.9 and earlier, 32-bit builds, and builds with `WITH_PYMALLOC_RADIX_TREE=0`. Use it
/// with [`Obmalloc::with_geometry`].
pub const LEGACY_POOL_SIZE: usize = 1 << 12;

/// `sizeof(struct pool_header)` on 64-bit: `ref` (a union padded to a pointer, 8),
/// `freeblock`, `nextpool` and `prevpool` (8 each), then `arenaindex`, `szidx`,
/// `nextoffset` and `maxnextoffset` (4 each): 48.
pub const POOL_HEADER_SIZE: usize = 8 + 8 + 8 + 8 + 4 * 4;
/// `POOL_OVERHEAD` = `_Py_SIZE_ROUND_UP(sizeof(struct pool_header), ALIGNMENT)` = 48. The
/// first block of a pool is at this offset.
pub const POOL_OVERHEAD: usize = POOL_HEADER_SIZE.div_ceil(ALIGNMENT) * ALIGNMENT;
/// `DUMMY_SIZE_IDX`: the size class of a pool that was just carved and not yet set up.
pub const DUMMY_SIZE_IDX: u32 = 0xffff;
/// `INITIAL_ARENA_OBJECTS`: the `arenas` vector starts with 16 entries and doubles when
/// full.
pub const INITIAL_ARENA_OBJECTS: usize = 16;

// ----- the modeled address space ----------------------------------------------------------

/// Where the modeled `mmap` places the first arena. It is page-aligned, like every `mmap`
/// result, but not `POOL_SIZE`-aligned, which is the common case (3 times in 4 for 16 KiB
/// pools). So `new_arena` drops the partial pool at the start, and the arena has 63 pools.
pub const ARENA_MMAP_BASE: Addr = 0x7f00_0000_1000;
/// End of the modeled user address space: the 47-bit limit of x86-64 Linux.
pub const MMAP_LIMIT: Addr = 0x8000_0000_0000;
/// Where the modeled system `malloc` heap (glibc's main arena, grown with `brk`) starts.
pub const SYSTEM_HEAP_BASE: Addr = 0x5600_0000_0000;
/// glibc: the distance from a chunk's start to the pointer `malloc` returns (the
/// `prev_size` and `size` fields, 8 bytes each).
pub const MALLOC_CHUNK_HEADER: usize = 16;
/// glibc `SIZE_SZ`: a chunk needs `n + 8` bytes, because the next chunk's `prev_size` field
/// holds user data while this chunk is in use.
pub const MALLOC_SIZE_SZ: usize = 8;
/// glibc `MINSIZE`: the smallest chunk.
pub const MALLOC_MINSIZE: usize = 32;

/// In `BlockSlot::requested`: the block is on the free list but was never handed out
/// (the one block `allocate_from_new_pool` or `pymalloc_pool_extend` carved ahead).
const NEVER_HANDED_OUT: u16 = u16::MAX;

/// `PY_SSIZE_T_MAX`: `PyObject_Malloc` returns NULL for larger requests.
const PY_SSIZE_T_MAX: usize = isize::MAX as usize;

/// `INDEX2SIZE(I)`: the block size of size class `I`.
const fn index2size(i: u32) -> u32 {
    (i + 1) << ALIGNMENT_SHIFT
}

/// `BLOCK_RECIPROCAL[c]` = ceil(2^32 / (c + 1)). The block number of a byte `g` 16-byte
/// units into a pool's blocks is `g / (c + 1)`, which is `(g * BLOCK_RECIPROCAL[c]) >> 32`
/// exactly for every `g < 2^27` (the rounding error `g * e / 2^32` stays below
/// `1 / (c + 1)` because `e < c + 1 <= 32`). Pools are under 2 GiB, so `g < 2^27`.
/// The C needs no division here: its free-list link lives in the block.
const BLOCK_RECIPROCAL: [u64; NB_SMALL_SIZE_CLASSES] = {
    let mut r = [0u64; NB_SMALL_SIZE_CLASSES];
    let mut c = 0;
    while c < NB_SMALL_SIZE_CLASSES {
        let d = c as u64 + 1;
        r[c] = (1u64 << 32).div_ceil(d);
        c += 1;
    }
    r
};

/// The number of the block of size class `szidx` that contains byte `rel` of a pool's
/// block area (`rel` = offset - `POOL_OVERHEAD`, below 2^31). `szidx` must be a size
/// class, not `DUMMY_SIZE_IDX`: callers rule out pools not set up first, so the table
/// lookup needs no bounds check.
fn block_number(rel: u64, szidx: u32) -> u64 {
    debug_assert!((szidx as usize) < NB_SMALL_SIZE_CLASSES);
    let m = BLOCK_RECIPROCAL[szidx as usize % NB_SMALL_SIZE_CLASSES];
    ((rel >> ALIGNMENT_SHIFT) * m) >> 32
}

/// glibc's `request2size`: the chunk size for a request of `n` bytes (None on overflow).
fn request2size(n: usize) -> Option<usize> {
    let padded = n.checked_add(MALLOC_SIZE_SZ + 15)?;
    Some(if padded < MALLOC_MINSIZE {
        MALLOC_MINSIZE
    } else {
        padded & !15
    })
}

/// Misuse of the allocator. C would corrupt its lists or abort.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum AllocError {
    /// `free`/`realloc` of an address that no allocation starts at. It may be inside a pool
    /// header, a block never handed out, an unmapped arena, or nowhere the allocator knows.
    #[error("free/realloc of {0:#x}: no allocation starts at this address")]
    FreeOfUnknownAddress(Addr),
    /// `free` of a block (or system chunk) that is already free.
    #[error("double free of {0:#x}: the block is already free")]
    DoubleFree(Addr),
    /// `realloc` of a block (or system chunk) that is already free.
    #[error("realloc of {0:#x}: the block was already freed")]
    ReallocOfFreeBlock(Addr),
    /// `free`/`realloc` of an address inside a pymalloc block rather than at its start.
    #[error("free/realloc of {addr:#x}: not the start of a block (it is inside the block at {block:#x})")]
    InteriorPointer {
        /// The address passed.
        addr: Addr,
        /// The start of the block that contains it.
        block: Addr,
    },
    /// The request cannot be met: over `PY_SSIZE_T_MAX`, or the modeled address space is
    /// used up. C returns NULL.
    #[error("out of memory: cannot allocate {0} bytes")]
    OutOfMemory(usize),
    /// [`Obmalloc::with_geometry`] was given sizes pymalloc cannot work with.
    #[error("invalid pymalloc geometry: {0}")]
    InvalidGeometry(String),
}

/// Which pool: `arenas[arena].pools[pool]`. Stands for a `poolp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct PoolRef {
    arena: u32,
    pool: u32,
}

/// `struct pool_header`, plus what the model needs to know about the memory behind it.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(PartialEq))]
struct PoolHeader {
    /// The pool's address (`POOL_ADDR` of any block in it).
    address: Addr,
    /// `ref.count`: blocks in use.
    count: u32,
    /// `freeblock`: the head of the pool's free list, as a block number + 1 (0 = NULL).
    freeblock: u32,
    /// `nextpool`: the next pool in `usedpools[szidx]`, or in the arena's `freepools`.
    nextpool: Option<PoolRef>,
    /// `prevpool`: the previous pool in `usedpools[szidx]` (None at the head).
    prevpool: Option<PoolRef>,
    /// `szidx`: the size class.
    szidx: u32,
    /// `nextoffset`: the offset of the first block never handed out.
    nextoffset: u32,
    /// `maxnextoffset`: the largest valid `nextoffset` (`POOL_SIZE - size`).
    maxnextoffset: u32,
    /// What the model knows of each block, by block number.
    blocks: Vec<BlockSlot>,
}

/// One block of a pool. The link and the requested size share a slot, so `malloc` and
/// `free` reach both with one bounds check.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(test, derive(PartialEq))]
struct BlockSlot {
    /// The block's first word while it is free: the next free block's number + 1
    /// (0 = NULL). `pymalloc_free` writes it there (`*(block **)p = lastfree`).
    link: u32,
    /// The size requested for the block while it is in use (1..=512): 0 for a freed
    /// block, [`NEVER_HANDED_OUT`] for the one carved ahead. Double frees are caught with
    /// it.
    requested: u16,
}

impl PoolHeader {
    fn carved(address: Addr) -> PoolHeader {
        PoolHeader {
            address,
            count: 0,
            freeblock: 0,
            nextpool: None,
            prevpool: None,
            szidx: DUMMY_SIZE_IDX,
            // No block carved yet: `free`'s one bounds comparison then rejects any
            // address in the pool without looking at `szidx`.
            nextoffset: POOL_OVERHEAD as u32,
            maxnextoffset: 0,
            blocks: Vec::new(),
        }
    }

    fn block_address(&self, idx: u32) -> Addr {
        self.address + POOL_OVERHEAD as u64 + u64::from(idx) * u64::from(index2size(self.szidx))
    }

    /// The number of the block in use that starts `off` bytes into this pool, or None for
    /// anything else: the pool header, a pool not set up, a block never carved, inside a
    /// block, a free block, the block carved ahead. `find_block` tells those apart; this is
    /// the common case with few branches.
    fn block_in_use(&self, off: u64) -> Option<u32> {
        // `rel` wraps around to a huge number in the header, and a pool not set up has
        // nextoffset POOL_OVERHEAD, so one comparison rules out both, and blocks never
        // carved.
        let rel = off.wrapping_sub(POOL_OVERHEAD as u64);
        if rel >= u64::from(self.nextoffset) - POOL_OVERHEAD as u64 {
            return None;
        }
        let idx = block_number(rel, self.szidx);
        if idx * u64::from(index2size(self.szidx)) != rel {
            return None;
        }
        // 0 (free) and NEVER_HANDED_OUT in one comparison.
        let requested = self.blocks.get(idx as usize)?.requested;
        if requested.wrapping_sub(1) >= NEVER_HANDED_OUT - 1 {
            return None;
        }
        Some(idx as u32)
    }

    /// The pool's part of `pymalloc_free`: link block `idx`, which is in use, to the front
    /// of the free list. Returns the old head (`lastfree`, 0 if the pool was full) and the
    /// size that was requested for the block.
    fn free_block(&mut self, idx: u32) -> (u32, u16) {
        let lastfree = self.freeblock;
        let block = &mut self.blocks[idx as usize];
        let requested = std::mem::take(&mut block.requested);
        block.link = lastfree;
        self.freeblock = idx + 1;
        self.count -= 1;
        (lastfree, requested)
    }

    /// The pool's part of `pymalloc_pool_extend`: if a block was never handed out, put it
    /// on the free list (writing its NULL link) and return true; false if the pool is full.
    fn extend(&mut self) -> bool {
        if !self.has_room() {
            return false;
        }
        self.carve_block();
        true
    }

    /// Whether a block was never handed out (`nextoffset <= maxnextoffset`).
    fn has_room(&self) -> bool {
        self.nextoffset <= self.maxnextoffset
    }

    /// Put the first block never handed out on the free list, writing its NULL link.
    /// The caller has checked [`PoolHeader::has_room`]. `malloc`'s fast path reaches it
    /// once per block handed out from a fresh pool; inlined there, that `malloc` costs 73
    /// instructions rather than 91.
    #[inline(always)]
    fn carve_block(&mut self) {
        let rel = u64::from(self.nextoffset) - POOL_OVERHEAD as u64;
        let idx = block_number(rel, self.szidx) as u32;
        self.freeblock = idx + 1;
        self.nextoffset += index2size(self.szidx);
        self.blocks[idx as usize] = BlockSlot {
            link: 0,
            requested: NEVER_HANDED_OUT,
        };
    }
}

/// `struct arena_object`, with the pools carved so far.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(PartialEq))]
struct ArenaObject {
    /// `address`: where `mmap` put the arena; 0 if no arena is associated with this object.
    address: Addr,
    /// `pool_address`: the next pool to carve.
    pool_address: Addr,
    /// The first pool's address, `_Py_ALIGN_UP(address, POOL_SIZE)`, kept so that `free`
    /// does not align the arena's address again on every call.
    first_pool: Addr,
    /// `nfreepools`: empty pools plus pools never carved.
    nfreepools: u32,
    /// `ntotalpools`: pools in the arena after alignment.
    ntotalpools: u32,
    /// `freepools`: the head of the arena's singly linked list of empty pools (linked by
    /// `nextpool`).
    freepools: Option<u32>,
    /// `nextarena`: in `usable_arenas`, or in `unused_arena_objects`.
    nextarena: Option<u32>,
    /// `prevarena`: in `usable_arenas`.
    prevarena: Option<u32>,
    /// The carved pools' headers, in address order (`pools[i]` is at
    /// `first_pool + i * POOL_SIZE`).
    pools: Vec<PoolHeader>,
}

impl ArenaObject {
    fn unassociated(nextarena: Option<u32>) -> ArenaObject {
        ArenaObject {
            address: 0,
            pool_address: 0,
            first_pool: 0,
            nfreepools: 0,
            ntotalpools: 0,
            freepools: None,
            nextarena,
            prevarena: None,
            pools: Vec::new(),
        }
    }
}

/// One chunk of the modeled system `malloc`.
#[derive(Clone, Copy, Debug)]
struct Chunk {
    /// glibc chunk size (header included).
    size: usize,
    /// What the caller asked for.
    requested: usize,
    live: bool,
}

/// The modeled C library `malloc`, deliberately simple (see the module docs).
#[derive(Clone, Debug)]
struct SystemMalloc {
    /// The start of the top chunk: everything from here up is unused.
    top: Addr,
    /// Every chunk ever carved, by user address.
    chunks: HashMap<Addr, Chunk>,
    /// Freed chunks by chunk size, last freed on top.
    bins: HashMap<usize, Vec<Addr>>,
    live_chunks: usize,
    live_requested: usize,
    live_chunk_bytes: usize,
    free_chunks: usize,
    free_chunk_bytes: usize,
}

impl SystemMalloc {
    fn new() -> SystemMalloc {
        SystemMalloc {
            top: SYSTEM_HEAP_BASE,
            chunks: HashMap::new(),
            bins: HashMap::new(),
            live_chunks: 0,
            live_requested: 0,
            live_chunk_bytes: 0,
            free_chunks: 0,
            free_chunk_bytes: 0,
        }
    }

    /// `_PyMem_RawMalloc`: `malloc(n)`, with `n = 0` treated as 1.
    fn malloc(&mut self, nbytes: usize) -> Result<Addr, AllocError> {
        let size = request2size(nbytes.max(1)).ok_or(AllocError::OutOfMemory(nbytes))?;
        if let Some(addr) = self.bins.get_mut(&size).and_then(Vec::pop) {
            if let Some(c) = self.chunks.get_mut(&addr) {
                c.live = true;
                c.requested = nbytes;
                self.free_chunks -= 1;
                self.free_chunk_bytes -= size;
                self.live_chunks += 1;
                self.live_requested += nbytes;
                self.live_chunk_bytes += size;
                return Ok(addr);
            }
        }
        let chunk = self.top;
        let end = chunk
            .checked_add(size as u64)
            .filter(|&e| e <= ARENA_MMAP_BASE)
            .ok_or(AllocError::OutOfMemory(nbytes))?;
        self.top = end;
        let addr = chunk + MALLOC_CHUNK_HEADER as u64;
        self.chunks.insert(
            addr,
            Chunk {
                size,
                requested: nbytes,
                live: true,
            },
        );
        self.live_chunks += 1;
        self.live_requested += nbytes;
        self.live_chunk_bytes += size;
        Ok(addr)
    }

    /// `free(p)`.
    fn free(&mut self, addr: Addr) -> Result<(), AllocError> {
        let c = self
            .chunks
            .get_mut(&addr)
            .ok_or(AllocError::FreeOfUnknownAddress(addr))?;
        if !c.live {
            return Err(AllocError::DoubleFree(addr));
        }
        c.live = false;
        let (size, requested) = (c.size, c.requested);
        self.live_chunks -= 1;
        self.live_requested -= requested;
        self.live_chunk_bytes -= size;
        self.free_chunks += 1;
        self.free_chunk_bytes += size;
        self.bins.entry(size).or_default().push(addr);
        Ok(())
    }

    /// `_PyMem_RawRealloc`: `realloc(p, n)`, with `n = 0` treated as 1. The chunk stays in
    /// place if it is already big enough (glibc would split off the rest; the model keeps
    /// it) or if it borders the top chunk (it grows into it). Otherwise the data moves to a
    /// new chunk and the old one is freed.
    fn realloc(&mut self, addr: Addr, nbytes: usize) -> Result<Addr, AllocError> {
        let c = *self
            .chunks
            .get(&addr)
            .ok_or(AllocError::FreeOfUnknownAddress(addr))?;
        if !c.live {
            return Err(AllocError::ReallocOfFreeBlock(addr));
        }
        let nb = request2size(nbytes.max(1)).ok_or(AllocError::OutOfMemory(nbytes))?;
        let chunk_start = addr - MALLOC_CHUNK_HEADER as u64;
        let new_size = if nb <= c.size {
            c.size
        } else if chunk_start + c.size as u64 == self.top {
            let end = chunk_start
                .checked_add(nb as u64)
                .filter(|&e| e <= ARENA_MMAP_BASE)
                .ok_or(AllocError::OutOfMemory(nbytes))?;
            self.top = end;
            nb
        } else {
            let new = self.malloc(nbytes)?;
            self.free(addr)?;
            return Ok(new);
        };
        self.live_requested = self.live_requested - c.requested + nbytes;
        self.live_chunk_bytes = self.live_chunk_bytes - c.size + new_size;
        self.chunks.insert(
            addr,
            Chunk {
                size: new_size,
                requested: nbytes,
                live: true,
            },
        );
        Ok(addr)
    }
}

/// What is at an address inside a mapped arena.
enum Place {
    /// Not in any mapped arena (`address_in_range` is false).
    Outside,
    /// In an arena, but not at a block that was ever handed out: the alignment gap, a pool
    /// header, a pool never carved, a block never handed out, the quantization tail.
    Gap,
    /// Inside a block, past its start.
    Interior(Addr),
    /// The start of a block that has been handed out at least once (in use, or on its
    /// pool's free list).
    Block(PoolRef, u32),
}

/// CPython 3.11's object allocator: pymalloc for requests of 1..=512 bytes, a modeled
/// system `malloc` for the rest (`PyObject_Malloc` and friends, `Objects/obmalloc.c`).
#[derive(Clone)]
pub struct Obmalloc {
    pool_size: u64,
    pool_bits: u32,
    arena_size: u64,
    arena_bits: u32,
    /// `MAX_POOLS_IN_ARENA` for this geometry.
    max_pools_in_arena: u32,
    /// `usedpools`: per size class, the head of the list of partly used pools.
    usedpools: [Option<PoolRef>; NB_SMALL_SIZE_CLASSES],
    /// `arenas`: `maxarenas` arena objects, some not associated with an arena.
    arenas: Vec<ArenaObject>,
    /// `unused_arena_objects`: arena objects with no arena, linked by `nextarena`.
    unused_arena_objects: Option<u32>,
    /// `usable_arenas`: arenas with at least one free pool, ascending `nfreepools`.
    usable_arenas: Option<u32>,
    /// `nfp2lasta[nfp]`: the last arena in `usable_arenas` with `nfp` free pools.
    nfp2lasta: Vec<Option<u32>>,
    /// `narenas_currently_allocated`.
    narenas_currently_allocated: usize,
    /// `ntimes_arena_allocated`.
    ntimes_arena_allocated: usize,
    /// `narenas_highwater`.
    narenas_highwater: usize,
    /// `raw_allocated_blocks`: `PyObject_Malloc` blocks served by the system `malloc`.
    raw_allocated_blocks: usize,
    /// The modeled `mmap`: slot `k` (address `ARENA_MMAP_BASE + k * arena_size`) maps to
    /// the arena object using it. This is the model's `address_in_range`, in place of
    /// 3.11's radix tree.
    mmap_slots: Vec<Option<u32>>,
    /// Unmapped slots below the high-water mark, lowest first.
    mmap_free_slots: BinaryHeap<Reverse<u32>>,
    /// Radix tree nodes 3.11 would have created (`arena_map_mid_count`, `..._bot_count`).
    /// 3.11 never frees them.
    arena_map_mid: HashSet<u64>,
    arena_map_bot: HashSet<u64>,
    /// Requested bytes of live pymalloc blocks.
    pymalloc_requested: usize,
    sys: SystemMalloc,
}

impl Default for Obmalloc {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Obmalloc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Obmalloc")
            .field("pool_size", &self.pool_size)
            .field("arena_size", &self.arena_size)
            .field("arenas_allocated", &self.narenas_currently_allocated)
            .field("live_requested_bytes", &self.live_requested_bytes())
            .finish_non_exhaustive()
    }
}

impl Obmalloc {
    /// An allocator with 3.11's 64-bit geometry: 16 KiB pools in 1 MiB arenas.
    pub fn new() -> Self {
        Self::build(POOL_SIZE, ARENA_SIZE)
    }

    /// An allocator with another geometry, e.g. `with_geometry(LEGACY_POOL_SIZE,
    /// LEGACY_ARENA_SIZE)` for the 4 KiB pools and 256 KiB arenas of CPython 3.9 and
    /// earlier. Both sizes must be powers of two. A pool must be at least a page (4 KiB),
    /// so it holds at least two 512-byte blocks. An arena must be below 2 GiB (3.11
    /// requires `ARENA_BITS < 32`) and hold at least two pools after alignment.
    pub fn with_geometry(pool_size: usize, arena_size: usize) -> Result<Self, AllocError> {
        let bad = |m: String| Err(AllocError::InvalidGeometry(m));
        if !pool_size.is_power_of_two() {
            return bad(format!("pool size {pool_size} is not a power of two"));
        }
        if !arena_size.is_power_of_two() {
            return bad(format!("arena size {arena_size} is not a power of two"));
        }
        if pool_size < SYSTEM_PAGE_SIZE {
            return bad(format!(
                "pool size {pool_size} is smaller than a page ({SYSTEM_PAGE_SIZE} bytes)"
            ));
        }
        if arena_size > 1 << 31 {
            return bad(format!(
                "arena size {arena_size} is 4 GiB or more (3.11 requires ARENA_BITS < 32)"
            ));
        }
        let lost = usize::from(ARENA_MMAP_BASE % pool_size as u64 != 0);
        let pools = (arena_size / pool_size).saturating_sub(lost);
        if arena_size < pool_size || pools < 2 {
            return bad(format!(
                "an arena of {arena_size} bytes holds {pools} pool(s) of {pool_size} bytes \
                 after alignment; at least 2 are needed"
            ));
        }
        Ok(Self::build(pool_size, arena_size))
    }

    fn build(pool_size: usize, arena_size: usize) -> Self {
        let max_pools_in_arena = (arena_size / pool_size) as u32;
        Obmalloc {
            pool_size: pool_size as u64,
            pool_bits: pool_size.trailing_zeros(),
            arena_size: arena_size as u64,
            arena_bits: arena_size.trailing_zeros(),
            max_pools_in_arena,
            usedpools: [None; NB_SMALL_SIZE_CLASSES],
            arenas: Vec::new(),
            unused_arena_objects: None,
            usable_arenas: None,
            nfp2lasta: vec![None; max_pools_in_arena as usize + 1],
            narenas_currently_allocated: 0,
            ntimes_arena_allocated: 0,
            narenas_highwater: 0,
            raw_allocated_blocks: 0,
            mmap_slots: Vec::new(),
            mmap_free_slots: BinaryHeap::new(),
            arena_map_mid: HashSet::new(),
            arena_map_bot: HashSet::new(),
            pymalloc_requested: 0,
            sys: SystemMalloc::new(),
        }
    }

    /// `POOL_SIZE` of this allocator.
    pub fn pool_size(&self) -> usize {
        self.pool_size as usize
    }

    /// `ARENA_SIZE` of this allocator.
    pub fn arena_size(&self) -> usize {
        self.arena_size as usize
    }

    /// `size_class(n)` is `(n - 1) >> ALIGNMENT_SHIFT`, as `pymalloc_alloc` computes it, for
    /// 1..=512 bytes. Otherwise None, because `pymalloc_alloc` declines the request and it
    /// goes to the system `malloc`. That includes 0 bytes.
    pub fn size_class(nbytes: usize) -> Option<usize> {
        if nbytes == 0 || nbytes > SMALL_REQUEST_THRESHOLD {
            None
        } else {
            Some((nbytes - 1) >> ALIGNMENT_SHIFT)
        }
    }

    /// The size of the block pymalloc hands out for `nbytes` (`INDEX2SIZE`): `nbytes`
    /// rounded up to a multiple of 16. None when pymalloc would not serve the request.
    pub fn block_size(nbytes: usize) -> Option<usize> {
        Self::size_class(nbytes).map(|c| index2size(c as u32) as usize)
    }

    /// `NUMBLOCKS(class)`: blocks per pool for a size class,
    /// `(POOL_SIZE - POOL_OVERHEAD) / block size`. For 16 KiB pools: 1021 blocks of 16
    /// bytes, 510 of 32, 31 of 512.
    pub fn blocks_per_pool(&self, class: usize) -> Option<usize> {
        (class < NB_SMALL_SIZE_CLASSES).then(|| self.numblocks(class as u32) as usize)
    }

    fn numblocks(&self, szidx: u32) -> u32 {
        ((self.pool_size as u32) - POOL_OVERHEAD as u32) / index2size(szidx)
    }

    // ----- public entry points -------------------------------------------------------------

    /// `PyObject_Malloc(nbytes)`. Requests of 1..=512 bytes come from pymalloc; 0 bytes and
    /// more than 512 come from the system `malloc`. Returns 0 (C's NULL) only if
    /// [`Obmalloc::try_malloc`] would return an error.
    pub fn malloc(&mut self, nbytes: usize) -> Addr {
        match self.pymalloc_alloc_fast(nbytes) {
            Some(addr) => addr,
            None => self.malloc_slow_or_null(nbytes),
        }
    }

    /// `malloc_slow`, with 0 for an error: a function of its own so that `malloc` reaches
    /// it by a tail call and its fast path needs no stack frame.
    #[inline(never)]
    fn malloc_slow_or_null(&mut self, nbytes: usize) -> Addr {
        self.malloc_slow(nbytes).unwrap_or(0)
    }

    /// [`Obmalloc::malloc`] with the failure spelled out: `OutOfMemory` for requests over
    /// `PY_SSIZE_T_MAX`, or when the modeled address space is used up.
    /// (`_PyObject_Malloc`: `pymalloc_alloc`, else `PyMem_RawMalloc`.)
    pub fn try_malloc(&mut self, nbytes: usize) -> Result<Addr, AllocError> {
        match self.pymalloc_alloc_fast(nbytes) {
            Some(addr) => Ok(addr),
            None => self.malloc_slow(nbytes),
        }
    }

    /// `malloc` of whatever `pymalloc_alloc_fast` declined.
    #[inline(never)]
    fn malloc_slow(&mut self, nbytes: usize) -> Result<Addr, AllocError> {
        if nbytes > PY_SSIZE_T_MAX {
            return Err(AllocError::OutOfMemory(nbytes));
        }
        if let Some(addr) = self.pymalloc_alloc(nbytes) {
            return Ok(addr);
        }
        let addr = self.sys.malloc(nbytes)?;
        self.raw_allocated_blocks += 1;
        Ok(addr)
    }

    /// `PyObject_Free(addr)`. Freeing 0 (NULL) does nothing. A pymalloc block goes to the
    /// front of its pool's free list, so it is the next block handed out for its size class.
    /// A pool that becomes empty goes to its arena's `freepools`. An arena whose pools are
    /// all empty is unmapped, unless it is the last in `usable_arenas`. Misuse is an error
    /// and changes nothing.
    pub fn free(&mut self, addr: Addr) -> Result<(), AllocError> {
        match self.pymalloc_free_fast(addr) {
            Some(_) => Ok(()),
            None => self.free_slow(addr),
        }
    }

    /// [`Obmalloc::free`], returning the size that was requested for the block (0 for
    /// NULL): what an owner that counts its bytes needs, found by the same lookup.
    pub fn free_sized(&mut self, addr: Addr) -> Result<usize, AllocError> {
        if let Some(requested) = self.pymalloc_free_fast(addr) {
            return Ok(requested);
        }
        let requested = self.requested_size(addr).unwrap_or(0);
        self.free_slow(addr).map(|()| requested)
    }

    /// `free` of whatever `pymalloc_free_fast` declined: NULL, a system `malloc` block, or
    /// misuse, classified exactly by `find_block`.
    #[inline(never)]
    fn free_slow(&mut self, addr: Addr) -> Result<(), AllocError> {
        if addr == 0 {
            return Ok(());
        }
        match self.find_block(addr) {
            Place::Outside => {
                self.sys.free(addr)?;
                self.raw_allocated_blocks -= 1;
                Ok(())
            }
            Place::Gap => Err(AllocError::FreeOfUnknownAddress(addr)),
            Place::Interior(block) => Err(AllocError::InteriorPointer { addr, block }),
            Place::Block(pr, idx) => match self.pool(pr).blocks[idx as usize].requested {
                0 => Err(AllocError::DoubleFree(addr)),
                NEVER_HANDED_OUT => Err(AllocError::FreeOfUnknownAddress(addr)),
                _ => {
                    self.pymalloc_free(pr, idx);
                    Ok(())
                }
            },
        }
    }

    /// `PyObject_Realloc(addr, nbytes)` (`pymalloc_realloc`). `realloc(0, n)` is
    /// `malloc(n)`. A pymalloc block stays where it is if `nbytes` fits its block and is
    /// more than 3/4 of it, so a small shrink does not copy. Otherwise a new block is
    /// allocated first and the old one freed, so the new address is never the old one. A
    /// system `malloc` block stays with the system `malloc` (`PyMem_RawRealloc`), even if
    /// it shrinks to 512 bytes or fewer. On error the old block is unchanged.
    pub fn realloc(&mut self, addr: Addr, nbytes: usize) -> Result<Addr, AllocError> {
        if addr == 0 {
            return self.try_malloc(nbytes);
        }
        if nbytes > PY_SSIZE_T_MAX {
            return Err(AllocError::OutOfMemory(nbytes));
        }
        match self.find_block(addr) {
            Place::Outside => self.sys.realloc(addr, nbytes),
            Place::Gap => Err(AllocError::FreeOfUnknownAddress(addr)),
            Place::Interior(block) => Err(AllocError::InteriorPointer { addr, block }),
            Place::Block(pr, idx) => {
                let pool = self.pool(pr);
                let old = match pool.blocks[idx as usize].requested {
                    0 => return Err(AllocError::ReallocOfFreeBlock(addr)),
                    NEVER_HANDED_OUT => return Err(AllocError::FreeOfUnknownAddress(addr)),
                    r => usize::from(r),
                };
                let size = index2size(pool.szidx) as usize;
                if nbytes <= size && 4 * nbytes > 3 * size {
                    // "It's the same, or shrinking and new/old > 3/4."
                    self.pool_mut(pr).blocks[idx as usize].requested = nbytes as u16;
                    self.pymalloc_requested = self.pymalloc_requested - old + nbytes;
                    return Ok(addr);
                }
                let new = self.try_malloc(nbytes)?;
                self.pymalloc_free(pr, idx);
                Ok(new)
            }
        }
    }

    /// `address_in_range(p)`: whether `addr` is inside an arena pymalloc currently has
    /// mapped. It is true for any byte of the arena, even a pool header or a free block.
    /// That is the test `PyObject_Free` uses to send a pointer to pymalloc rather than to
    /// the system `free`.
    pub fn is_pymalloc(&self, addr: Addr) -> bool {
        self.arena_map_is_used(addr).is_some()
    }

    /// What reading the first 8 bytes at `addr` returns, when `addr` is the start of a free
    /// pymalloc block: the free-list link `pymalloc_free` wrote there. That is the address
    /// of the next free block in the pool, or 0 at the end of the list. A non-GC object's
    /// `ob_refcnt` sits in that word. None if `addr` is not the start of a free block in a
    /// mapped arena: a live block, a block never handed out, system `malloc` memory,
    /// unmapped memory.
    pub fn first_word_of_free_block(&self, addr: Addr) -> Option<u64> {
        match self.find_block(addr) {
            Place::Block(pr, idx) => {
                let pool = self.pool(pr);
                let block = pool.blocks[idx as usize];
                if block.requested != 0 {
                    return None; // in use, or never handed out (so never freed)
                }
                Some(match block.link {
                    0 => 0,
                    next => pool.block_address(next - 1),
                })
            }
            _ => None,
        }
    }

    /// The size requested for the live block that starts at `addr` (from pymalloc or the
    /// system `malloc`), or None if no live block starts there.
    pub fn requested_size(&self, addr: Addr) -> Option<usize> {
        match self.find_block(addr) {
            Place::Block(pr, idx) => match self.pool(pr).blocks[idx as usize].requested {
                0 | NEVER_HANDED_OUT => None,
                r => Some(usize::from(r)),
            },
            Place::Outside => self
                .sys
                .chunks
                .get(&addr)
                .filter(|c| c.live)
                .map(|c| c.requested),
            Place::Gap | Place::Interior(_) => None,
        }
    }

    /// Sum of the sizes requested by live allocations, pymalloc and system `malloc` alike.
    /// A `malloc(0)` counts 0.
    pub fn live_requested_bytes(&self) -> usize {
        self.pymalloc_requested + self.sys.live_requested
    }

    // ----- pymalloc_alloc and its helpers ----------------------------------------------------

    fn pool(&self, pr: PoolRef) -> &PoolHeader {
        &self.arenas[pr.arena as usize].pools[pr.pool as usize]
    }

    fn pool_mut(&mut self, pr: PoolRef) -> &mut PoolHeader {
        &mut self.arenas[pr.arena as usize].pools[pr.pool as usize]
    }

    /// `pymalloc_alloc` in the common case: the first used pool of the size class has a
    /// free block and keeps one after (the list goes on, or a block never handed out is
    /// left to carve). None, before changing anything, for everything else: pymalloc does
    /// not serve `nbytes`, there is no used pool, or the pool fills up. Forced inline into
    /// both its callers: without it `malloc` calls it and keeps a stack frame (87
    /// instructions rather than 73 for a block from a fresh pool).
    #[inline(always)]
    fn pymalloc_alloc_fast(&mut self, nbytes: usize) -> Option<Addr> {
        // 1..=512 in one comparison: 0 wraps around.
        if nbytes.wrapping_sub(1) >= SMALL_REQUEST_THRESHOLD {
            return None;
        }
        let size = (nbytes - 1) >> ALIGNMENT_SHIFT;
        let pr = self.usedpools[size]?;
        let pool = self
            .arenas
            .get_mut(pr.arena as usize)?
            .pools
            .get_mut(pr.pool as usize)?;
        let idx = pool.freeblock.checked_sub(1)?;
        let next = pool.blocks.get(idx as usize)?.link;
        if next == 0 && !pool.has_room() {
            return None; // the pool fills up: pymalloc_pool_extend unlinks it
        }
        pool.blocks[idx as usize].requested = nbytes as u16;
        pool.count += 1;
        pool.freeblock = next;
        if next == 0 {
            // Reached the end of the free list: extend it.
            pool.carve_block();
        }
        let addr = pool.block_address(idx);
        self.pymalloc_requested += nbytes;
        Some(addr)
    }

    /// `pymalloc_alloc`: a block for 1..=512 bytes, else None (the caller goes to the
    /// system `malloc`). None also when no arena can be mapped. C then falls back to
    /// `PyMem_RawMalloc` too.
    fn pymalloc_alloc(&mut self, nbytes: usize) -> Option<Addr> {
        if nbytes == 0 || nbytes > SMALL_REQUEST_THRESHOLD {
            return None;
        }
        let size = ((nbytes - 1) >> ALIGNMENT_SHIFT) as u32;
        let (pr, idx) = match self.usedpools[size as usize] {
            Some(pr) => {
                // There is a used pool for this size class: pick up the head block of its
                // free list.
                let pool = self.pool_mut(pr);
                pool.count += 1;
                let bp = pool.freeblock;
                // A used pool always has a free block; 0 here would be a broken invariant.
                let idx = bp.checked_sub(1)?;
                pool.freeblock = pool.blocks[idx as usize].link;
                if pool.freeblock == 0 {
                    // Reached the end of the free list, try to extend it.
                    self.pymalloc_pool_extend(pr);
                }
                (pr, idx)
            }
            None => self.allocate_from_new_pool(size)?,
        };
        let pool = self.pool_mut(pr);
        pool.blocks[idx as usize].requested = nbytes as u16;
        let addr = pool.block_address(idx);
        self.pymalloc_requested += nbytes;
        Some(addr)
    }

    /// `pymalloc_pool_extend`: the free list ran out. If a block was never handed out, put
    /// it on the list (writing its NULL link); else the pool is full, so unlink it from
    /// `usedpools`.
    fn pymalloc_pool_extend(&mut self, pr: PoolRef) {
        if !self.pool_mut(pr).extend() {
            // Pool is full, unlink from used pools.
            self.unlink_usedpool(pr);
        }
    }

    /// Take `pr` out of its `usedpools` list.
    fn unlink_usedpool(&mut self, pr: PoolRef) {
        let (next, prev, szidx) = {
            let p = self.pool(pr);
            (p.nextpool, p.prevpool, p.szidx)
        };
        match prev {
            Some(prev) => self.pool_mut(prev).nextpool = next,
            None => self.usedpools[szidx as usize] = next,
        }
        if let Some(next) = next {
            self.pool_mut(next).prevpool = prev;
        }
        let p = self.pool_mut(pr);
        p.nextpool = None;
        p.prevpool = None;
    }

    /// Take arena `ai` out of `usable_arenas` (the fingers in `nfp2lasta` are the caller's
    /// business, as in the C).
    fn unlink_usable_arena(&mut self, ai: u32) {
        let (prev, next) = {
            let ao = &self.arenas[ai as usize];
            (ao.prevarena, ao.nextarena)
        };
        match prev {
            Some(p) => self.arenas[p as usize].nextarena = next,
            None => self.usable_arenas = next,
        }
        if let Some(n) = next {
            self.arenas[n as usize].prevarena = prev;
        }
        let ao = &mut self.arenas[ai as usize];
        ao.nextarena = None;
        ao.prevarena = None;
    }

    /// `allocate_from_new_pool`: no used pool of this size class. Take an empty pool from the
    /// first usable arena, mapping a new arena if there is none. The pool is either a cached
    /// free pool or a newly carved one. Put it at the front of `usedpools[size]` and hand
    /// out its first block.
    fn allocate_from_new_pool(&mut self, size: u32) -> Option<(PoolRef, u32)> {
        if self.usable_arenas.is_none() {
            // No arena has a free pool: allocate a new arena.
            let ai = self.new_arena()?;
            self.usable_arenas = Some(ai);
            let ao = &mut self.arenas[ai as usize];
            ao.nextarena = None;
            ao.prevarena = None;
            let nfp = ao.nfreepools as usize;
            self.nfp2lasta[nfp] = Some(ai);
        }
        let ua = self.usable_arenas?;

        // This arena already had the smallest nfreepools value, so decreasing it keeps the
        // list sorted; only the fingers move.
        let nfp = self.arenas[ua as usize].nfreepools as usize;
        if self.nfp2lasta[nfp] == Some(ua) {
            // It's the last of this size, so there won't be any.
            self.nfp2lasta[nfp] = None;
        }
        // If any free pools will remain, it will be the new smallest.
        if nfp > 1 {
            self.nfp2lasta[nfp - 1] = Some(ua);
        }

        let pool_index = match self.arenas[ua as usize].freepools {
            Some(fp) => {
                // Try to get a cached free pool: unlink from cached pools.
                let next = self.arenas[ua as usize].pools[fp as usize]
                    .nextpool
                    .map(|r| r.pool);
                let ao = &mut self.arenas[ua as usize];
                ao.freepools = next;
                ao.nfreepools -= 1;
                fp
            }
            None => {
                // Carve off a new pool.
                let ao = &mut self.arenas[ua as usize];
                let index = ao.pools.len() as u32;
                ao.pools.push(PoolHeader::carved(ao.pool_address));
                ao.pool_address += self.pool_size;
                ao.nfreepools -= 1;
                index
            }
        };
        if self.arenas[ua as usize].nfreepools == 0 {
            // Wholly allocated: remove the arena from usable_arenas.
            self.unlink_usable_arena(ua);
        }

        // Frontlink to used pools.
        let pr = PoolRef {
            arena: ua,
            pool: pool_index,
        };
        let next = self.usedpools[size as usize];
        if let Some(n) = next {
            self.pool_mut(n).prevpool = Some(pr);
        }
        self.usedpools[size as usize] = Some(pr);
        let pool_size = self.pool_size as u32;
        let nblocks = self.numblocks(size) as usize;
        let pool = self.pool_mut(pr);
        pool.nextpool = next;
        pool.prevpool = None;
        pool.count = 1;
        if pool.szidx == size {
            // Luckily, this pool last contained blocks of the same size class, so its
            // header and free list are already initialized.
            let idx = pool.freeblock.checked_sub(1)?;
            pool.freeblock = pool.blocks[idx as usize].link;
            if pool.freeblock == 0 {
                // Cannot happen (an empty pool has at least two free blocks); kept so the
                // pool never sits in usedpools with an empty free list.
                self.pymalloc_pool_extend(pr);
            }
            return Some((pr, idx));
        }
        // Initialize the pool header, set up the free list to contain just the second
        // block, and return the first block.
        pool.szidx = size;
        let bsize = index2size(size);
        pool.blocks.clear();
        pool.blocks.resize(nblocks, BlockSlot::default());
        pool.nextoffset = POOL_OVERHEAD as u32 + (bsize << 1);
        pool.maxnextoffset = pool_size - bsize;
        pool.freeblock = 2; // block 1
        pool.blocks[1] = BlockSlot {
            link: 0,
            requested: NEVER_HANDED_OUT,
        };
        Some((pr, 0))
    }

    /// `new_arena`: map a new arena and associate it with an arena object (growing the
    /// `arenas` vector by doubling when no object is free). Its first pool is the first
    /// `POOL_SIZE`-aligned address in it, and the partial pool before that is lost.
    fn new_arena(&mut self) -> Option<u32> {
        if self.unused_arena_objects.is_none() {
            let maxarenas = self.arenas.len();
            // Double the number of arena objects on each allocation.
            let numarenas = if maxarenas == 0 {
                INITIAL_ARENA_OBJECTS
            } else {
                maxarenas << 1
            };
            if numarenas > u32::MAX as usize {
                return None; // overflow
            }
            for i in maxarenas..numarenas {
                let next = (i + 1 < numarenas).then_some(i as u32 + 1);
                self.arenas.push(ArenaObject::unassociated(next));
            }
            self.unused_arena_objects = Some(maxarenas as u32);
        }
        // Take the next available arena object off the head of the list.
        let ai = self.unused_arena_objects?;
        self.unused_arena_objects = self.arenas[ai as usize].nextarena;
        let Some(address) = self.arena_mmap(ai) else {
            // The allocation failed: put the arena object back.
            self.arenas[ai as usize].nextarena = self.unused_arena_objects;
            self.unused_arena_objects = Some(ai);
            return None;
        };
        self.arena_map_mark_used(address);
        self.narenas_currently_allocated += 1;
        self.ntimes_arena_allocated += 1;
        self.narenas_highwater = self.narenas_highwater.max(self.narenas_currently_allocated);

        let pool_mask = self.pool_size - 1;
        let (pool_size, max_pools) = (self.pool_size, self.max_pools_in_arena);
        let ao = &mut self.arenas[ai as usize];
        ao.address = address;
        ao.freepools = None;
        ao.pools.clear();
        // pool_address <- first pool-aligned address in the arena
        // nfreepools <- number of whole pools that fit after alignment
        ao.pool_address = address;
        ao.nfreepools = max_pools;
        let excess = address & pool_mask;
        if excess != 0 {
            ao.nfreepools -= 1;
            ao.pool_address += pool_size - excess;
        }
        ao.ntotalpools = ao.nfreepools;
        ao.first_pool = ao.pool_address;
        Some(ai)
    }

    /// `_PyObject_ArenaMmap`, modeled: the lowest free slot.
    fn arena_mmap(&mut self, ai: u32) -> Option<Addr> {
        let slot = match self.mmap_free_slots.pop() {
            Some(Reverse(s)) => s,
            None => {
                let s = u32::try_from(self.mmap_slots.len()).ok()?;
                let end = ARENA_MMAP_BASE
                    .checked_add((u64::from(s) + 1).checked_mul(self.arena_size)?)?;
                if end > MMAP_LIMIT {
                    return None;
                }
                self.mmap_slots.push(None);
                s
            }
        };
        self.mmap_slots[slot as usize] = Some(ai);
        Some(ARENA_MMAP_BASE + u64::from(slot) * self.arena_size)
    }

    /// `_PyObject_ArenaMunmap`, modeled.
    fn arena_munmap(&mut self, address: Addr) {
        let slot = ((address - ARENA_MMAP_BASE) >> self.arena_bits) as u32;
        if let Some(s) = self.mmap_slots.get_mut(slot as usize) {
            *s = None;
            self.mmap_free_slots.push(Reverse(slot));
        }
    }

    /// `arena_map_mark_used(base, 1)`: 3.11 records the arena in its radix tree. It
    /// touches the node for each arena-aligned ("ideal") address the arena overlaps: one,
    /// or two when the arena is not aligned to `ARENA_SIZE`. The model answers
    /// `address_in_range` from `mmap_slots`, so it only counts the nodes 3.11 would create
    /// (for `_debugmallocstats`).
    fn arena_map_mark_used(&mut self, base: Addr) {
        let (interior, bot_bits) = self.radix_bits();
        let mid_shift = bot_bits + self.arena_bits;
        let top_shift = interior + mid_shift;
        let mut mark = |p: Addr| {
            self.arena_map_mid.insert(p >> top_shift);
            self.arena_map_bot.insert(p >> mid_shift);
        };
        mark(base);
        if base & (self.arena_size - 1) != 0 {
            mark(base + self.arena_size);
        }
    }

    /// (`INTERIOR_BITS`, `MAP_BOT_BITS`) for 64-bit pointers with `IGNORE_BITS` 0.
    fn radix_bits(&self) -> (u32, u32) {
        // INTERIOR_BITS = (ADDRESS_BITS - ARENA_BITS + 2) / 3
        let interior = (64 - self.arena_bits).div_ceil(3);
        (interior, 64 - self.arena_bits - 2 * interior)
    }

    /// `arena_map_is_used(p)`: the arena object whose mapped arena contains `addr`.
    fn arena_map_is_used(&self, addr: Addr) -> Option<u32> {
        // An address below the base wraps around to a slot past MMAP_LIMIT's, so the bounds
        // check rules it out too.
        let slot = addr.wrapping_sub(ARENA_MMAP_BASE) >> self.arena_bits;
        let slot = usize::try_from(slot).ok()?;
        self.mmap_slots.get(slot).copied().flatten()
    }

    /// What is at `addr`: `POOL_ADDR(p)`, then the block number in the pool.
    fn find_block(&self, addr: Addr) -> Place {
        let Some(ai) = self.arena_map_is_used(addr) else {
            return Place::Outside;
        };
        let ao = &self.arenas[ai as usize];
        let Some(rel) = addr.checked_sub(ao.first_pool) else {
            return Place::Gap;
        };
        let pool_index = (rel >> self.pool_bits) as usize;
        let Some(pool) = ao.pools.get(pool_index) else {
            return Place::Gap;
        };
        let off = addr - pool.address;
        if off < POOL_OVERHEAD as u64 || pool.szidx == DUMMY_SIZE_IDX {
            return Place::Gap;
        }
        let bsize = u64::from(index2size(pool.szidx));
        let idx = block_number(off - POOL_OVERHEAD as u64, pool.szidx);
        let start = POOL_OVERHEAD as u64 + idx * bsize;
        if start >= u64::from(pool.nextoffset) {
            // Never handed out, or the quantization tail.
            return Place::Gap;
        }
        if start != off {
            return Place::Interior(pool.address + start);
        }
        Place::Block(
            PoolRef {
                arena: ai,
                pool: pool_index as u32,
            },
            idx as u32,
        )
    }

    // ----- pymalloc_free and its helpers ---------------------------------------------------

    /// `address_in_range` and `pymalloc_free` in one pass, for the common case: `addr` is
    /// the start of a pymalloc block in use, in a pool that stays in `usedpools` (it was
    /// not full and does not become empty). None, before changing anything, for
    /// everything else: NULL, a system `malloc` block, every kind of misuse, and the
    /// frees that move a pool between lists. The checks are `find_block`'s, with the rare
    /// conditions tested together.
    fn pymalloc_free_fast(&mut self, addr: Addr) -> Option<usize> {
        let ai = self.arena_map_is_used(addr)?;
        // Pools are POOL_SIZE-aligned, so the offset in the pool is the address's low bits.
        let (pool_bits, off) = (self.pool_bits, addr & (self.pool_size - 1));
        let ao = self.arenas.get_mut(ai as usize)?;
        let pool_index = (addr.checked_sub(ao.first_pool)? >> pool_bits) as usize;
        let pool = ao.pools.get_mut(pool_index)?;
        let idx = pool.block_in_use(off)?;
        if pool.freeblock == 0 || pool.count == 1 {
            return None; // full, or about to be empty: pymalloc_free moves the pool
        }
        let (_, requested) = pool.free_block(idx);
        self.pymalloc_requested -= usize::from(requested);
        Some(usize::from(requested))
    }

    /// `pymalloc_free` for a block known to be in use. Link it to the front of the pool's
    /// free list. A full pool goes back into `usedpools`, and an empty one goes to its
    /// arena's `freepools`.
    fn pymalloc_free(&mut self, pr: PoolRef, idx: u32) {
        let pool = self.pool_mut(pr);
        let (lastfree, requested) = pool.free_block(idx);
        let count = pool.count;
        self.pymalloc_requested -= usize::from(requested);

        if lastfree == 0 {
            // Pool was full, so doesn't currently live in any list: link it to the front
            // of the appropriate usedpools[] list.
            self.insert_to_usedpool(pr);
            return;
        }
        if count != 0 {
            // Pool isn't empty: leave it in usedpools.
            return;
        }
        // Pool is now empty: unlink from usedpools, and link to the front of freepools.
        self.insert_to_freepool(pr);
    }

    /// `insert_to_usedpool`: a full pool got a free block; put it at the front of its size
    /// class's list, so the next allocation of that class reuses the block just freed.
    fn insert_to_usedpool(&mut self, pr: PoolRef) {
        let size = self.pool(pr).szidx as usize;
        let next = self.usedpools[size];
        if let Some(n) = next {
            self.pool_mut(n).prevpool = Some(pr);
        }
        let pool = self.pool_mut(pr);
        pool.nextpool = next;
        pool.prevpool = None;
        self.usedpools[size] = Some(pr);
    }

    /// `insert_to_freepool`: a pool became empty. Move it to its arena's `freepools` and
    /// update the arena's place in `usable_arenas`. That is one of the C's four cases:
    /// unmap a wholly free arena that is not the last in the list, put an arena that was
    /// full back in the list, slide the arena right to keep the list sorted, or nothing.
    fn insert_to_freepool(&mut self, pr: PoolRef) {
        self.unlink_usedpool(pr);
        let ai = pr.arena;
        // Link the pool to freepools (singly linked through nextpool).
        let head = self.arenas[ai as usize].freepools;
        self.pool_mut(pr).nextpool = head.map(|p| PoolRef { arena: ai, pool: p });
        self.arenas[ai as usize].freepools = Some(pr.pool);

        let nf = self.arenas[ai as usize].nfreepools as usize;
        // If this is the rightmost arena with this number of free pools, nfp2lasta[nf]
        // needs to change.
        let lastnf = self.nfp2lasta[nf];
        if lastnf == Some(ai) {
            let p = self.arenas[ai as usize].prevarena;
            self.nfp2lasta[nf] = p.filter(|&p| self.arenas[p as usize].nfreepools as usize == nf);
        }
        let nf = nf + 1;
        self.arenas[ai as usize].nfreepools = nf as u32;

        let ao = &self.arenas[ai as usize];
        if nf == ao.ntotalpools as usize && ao.nextarena.is_some() {
            // Case 1: every pool is free and this is not the last arena in usable_arenas
            // (3.11 keeps that one, bpo-37257): give the arena back to the system.
            self.unlink_usable_arena(ai);
            let address = self.arenas[ai as usize].address;
            self.arena_munmap(address);
            let unused = self.unused_arena_objects;
            let ao = &mut self.arenas[ai as usize];
            ao.nextarena = unused;
            ao.address = 0;
            ao.freepools = None;
            ao.pools = Vec::new();
            self.unused_arena_objects = Some(ai);
            self.narenas_currently_allocated -= 1;
            return;
        }

        if nf == 1 {
            // Case 2: the arena was full, so it is in no list: put it at the head of
            // usable_arenas.
            let head = self.usable_arenas;
            let ao = &mut self.arenas[ai as usize];
            ao.nextarena = head;
            ao.prevarena = None;
            if let Some(h) = head {
                self.arenas[h as usize].prevarena = Some(ai);
            }
            self.usable_arenas = Some(ai);
            if self.nfp2lasta[1].is_none() {
                self.nfp2lasta[1] = Some(ai);
            }
            return;
        }

        // If this is the only arena with nf, record that.
        if self.nfp2lasta[nf].is_none() {
            self.nfp2lasta[nf] = Some(ai);
        }
        // If this was the rightmost of the old size, it remains in place.
        let Some(lastnf) = lastnf.filter(|&l| l != ai) else {
            // Case 4: nothing to do.
            return;
        };
        // Case 3: move the arena towards the end of the list, to follow lastnf.
        self.unlink_usable_arena(ai);
        let after = self.arenas[lastnf as usize].nextarena;
        {
            let ao = &mut self.arenas[ai as usize];
            ao.prevarena = Some(lastnf);
            ao.nextarena = after;
        }
        if let Some(n) = after {
            self.arenas[n as usize].prevarena = Some(ai);
        }
        self.arenas[lastnf as usize].nextarena = Some(ai);
    }

    // ----- observation ---------------------------------------------------------------------

    /// The addresses of the arenas in `usable_arenas`, in list order. Arenas with fewer
    /// free pools come first, and the next new pool comes from the first.
    pub fn usable_arenas(&self) -> Vec<Addr> {
        let mut out = Vec::new();
        let mut cur = self.usable_arenas;
        while let Some(ai) = cur {
            let ao = &self.arenas[ai as usize];
            out.push(ao.address);
            cur = ao.nextarena;
        }
        out
    }

    /// The counts `sys._debugmallocstats()` prints (`_PyObject_DebugMallocStats`), plus the
    /// modeled system `malloc`'s.
    pub fn stats(&self) -> AllocStats {
        let mut classes: Vec<ClassStats> = (0..NB_SMALL_SIZE_CLASSES)
            .map(|i| ClassStats {
                class: i,
                size: index2size(i as u32) as usize,
                num_pools: 0,
                blocks_in_use: 0,
                avail_blocks: 0,
            })
            .collect();
        let mut narenas = 0;
        let mut numfreepools = 0;
        let mut arena_alignment = 0;
        for ao in self.arenas.iter().filter(|a| a.address != 0) {
            narenas += 1;
            numfreepools += ao.nfreepools as usize;
            if ao.address & (self.pool_size - 1) != 0 {
                arena_alignment += self.pool_size as usize;
            }
            for p in ao.pools.iter().filter(|p| p.count != 0) {
                let c = &mut classes[p.szidx as usize];
                c.num_pools += 1;
                c.blocks_in_use += p.count as usize;
                c.avail_blocks += (self.numblocks(p.szidx) - p.count) as usize;
            }
        }
        let pool_size = self.pool_size as usize;
        let mut s = AllocStats {
            small_request_threshold: SMALL_REQUEST_THRESHOLD,
            pool_size,
            arena_size: self.arena_size as usize,
            pool_overhead: POOL_OVERHEAD,
            arenas_allocated_total: self.ntimes_arena_allocated,
            arenas_reclaimed: self.ntimes_arena_allocated - narenas,
            arenas_highwater: self.narenas_highwater,
            arenas_allocated_current: narenas,
            pools_in_use: 0,
            unused_pools: numfreepools,
            bytes_in_allocated_blocks: 0,
            bytes_in_available_blocks: 0,
            bytes_lost_to_pool_headers: 0,
            bytes_lost_to_quantization: 0,
            bytes_lost_to_arena_alignment: arena_alignment,
            pymalloc_requested_bytes: self.pymalloc_requested,
            arena_map_mid_nodes: self.arena_map_mid.len(),
            arena_map_bot_nodes: self.arena_map_bot.len(),
            arena_map_root_bytes: 0,
            arena_map_mid_node_bytes: 0,
            arena_map_bot_node_bytes: 0,
            system: SystemMallocStats {
                chunks_in_use: self.sys.live_chunks,
                requested_bytes: self.sys.live_requested,
                chunk_bytes_in_use: self.sys.live_chunk_bytes,
                free_chunks: self.sys.free_chunks,
                free_chunk_bytes: self.sys.free_chunk_bytes,
                heap_bytes: (self.sys.top - SYSTEM_HEAP_BASE) as usize,
                object_blocks: self.raw_allocated_blocks,
            },
            classes: Vec::new(),
        };
        let (interior, bot_bits) = self.radix_bits();
        s.arena_map_root_bytes = 8usize << interior;
        s.arena_map_mid_node_bytes = 8usize << interior;
        s.arena_map_bot_node_bytes = 8usize << bot_bits; // arena_coverage_t: 2 x int32
        for c in &classes {
            s.pools_in_use += c.num_pools;
            s.bytes_in_allocated_blocks += c.blocks_in_use * c.size;
            s.bytes_in_available_blocks += c.avail_blocks * c.size;
            s.bytes_lost_to_pool_headers += c.num_pools * POOL_OVERHEAD;
            s.bytes_lost_to_quantization += c.num_pools * ((pool_size - POOL_OVERHEAD) % c.size);
        }
        s.classes = classes;
        s
    }

    /// Every mapped arena in address order, with every pool in it (carved or not), for
    /// pictures of the heap.
    pub fn arenas(&self) -> Vec<ArenaView> {
        let mut out: Vec<ArenaView> = self
            .arenas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.address != 0)
            .map(|(i, ao)| {
                let first_pool = ao.first_pool;
                let pools = (0..ao.ntotalpools as usize)
                    .map(|k| match ao.pools.get(k) {
                        Some(p) => {
                            let total = self.numblocks(p.szidx) as usize;
                            let used = p.count as usize;
                            let state = if used == 0 {
                                PoolState::Empty
                            } else if used == total {
                                PoolState::Full
                            } else {
                                PoolState::Used
                            };
                            PoolView {
                                address: p.address,
                                state,
                                size_class: (used != 0).then_some(p.szidx as usize),
                                block_size: index2size(p.szidx) as usize,
                                used_blocks: used,
                                total_blocks: total,
                            }
                        }
                        None => PoolView {
                            address: first_pool + k as u64 * self.pool_size,
                            state: PoolState::Untouched,
                            size_class: None,
                            block_size: 0,
                            used_blocks: 0,
                            total_blocks: 0,
                        },
                    })
                    .collect();
                ArenaView {
                    index: i,
                    address: ao.address,
                    first_pool,
                    nfreepools: ao.nfreepools as usize,
                    ntotalpools: ao.ntotalpools as usize,
                    pools,
                }
            })
            .collect();
        out.sort_by_key(|a| a.address);
        out
    }
}

/// One size class in [`AllocStats`]: a row of `sys._debugmallocstats()`'s table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassStats {
    /// The size class index (0..32).
    pub class: usize,
    /// Its block size (`INDEX2SIZE`).
    pub size: usize,
    /// Pools of this class with at least one block in use.
    pub num_pools: usize,
    /// Blocks in use.
    pub blocks_in_use: usize,
    /// Blocks free in those pools (handed out before or not).
    pub avail_blocks: usize,
}

/// The modeled system `malloc`'s counts (not in CPython's output: glibc has its own
/// `malloc_stats()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemMallocStats {
    /// Chunks in use.
    pub chunks_in_use: usize,
    /// Bytes requested by the chunks in use.
    pub requested_bytes: usize,
    /// Bytes in the chunks in use, chunk headers and rounding included.
    pub chunk_bytes_in_use: usize,
    /// Freed chunks waiting for a request of the same size.
    pub free_chunks: usize,
    /// Bytes in those chunks.
    pub free_chunk_bytes: usize,
    /// How far the heap has grown from [`SYSTEM_HEAP_BASE`].
    pub heap_bytes: usize,
    /// `raw_allocated_blocks`: how many of the chunks in use came from `PyObject_Malloc`.
    /// In this model, that is all of them.
    pub object_blocks: usize,
}

/// The allocator's state in figures, like `sys._debugmallocstats()`
/// (`_PyObject_DebugMallocStats`). The field names follow its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocStats {
    /// `SMALL_REQUEST_THRESHOLD` (512).
    pub small_request_threshold: usize,
    /// `POOL_SIZE`.
    pub pool_size: usize,
    /// `ARENA_SIZE`.
    pub arena_size: usize,
    /// `POOL_OVERHEAD`.
    pub pool_overhead: usize,
    /// All 32 size classes, in order (`render` prints only classes with pools, as CPython
    /// does).
    pub classes: Vec<ClassStats>,
    /// `# arenas allocated total`: arenas ever mapped.
    pub arenas_allocated_total: usize,
    /// `# arenas reclaimed`: arenas unmapped.
    pub arenas_reclaimed: usize,
    /// `# arenas highwater mark`.
    pub arenas_highwater: usize,
    /// `# arenas allocated current`.
    pub arenas_allocated_current: usize,
    /// Pools with at least one block in use.
    pub pools_in_use: usize,
    /// `unused pools`: empty pools plus pools never carved, in mapped arenas.
    pub unused_pools: usize,
    /// `# bytes in allocated blocks`.
    pub bytes_in_allocated_blocks: usize,
    /// `# bytes in available blocks` (free blocks in pools that are in use).
    pub bytes_in_available_blocks: usize,
    /// `# bytes lost to pool headers`.
    pub bytes_lost_to_pool_headers: usize,
    /// `# bytes lost to quantization`: the tail of each pool in use that is too small
    /// for a block.
    pub bytes_lost_to_quantization: usize,
    /// `# bytes lost to arena alignment`: one pool per arena that is not pool-aligned.
    pub bytes_lost_to_arena_alignment: usize,
    /// Bytes requested by live pymalloc blocks; `bytes_in_allocated_blocks` minus this is
    /// lost to rounding up to 16 (not in CPython's output).
    pub pymalloc_requested_bytes: usize,
    /// `# arena map mid nodes`: radix-tree nodes 3.11 would have created.
    pub arena_map_mid_nodes: usize,
    /// `# arena map bot nodes`.
    pub arena_map_bot_nodes: usize,
    /// `sizeof(arena_map_root)`.
    pub arena_map_root_bytes: usize,
    /// `sizeof(arena_map_mid_t)`.
    pub arena_map_mid_node_bytes: usize,
    /// `sizeof(arena_map_bot_t)`.
    pub arena_map_bot_node_bytes: usize,
    /// The modeled system `malloc`.
    pub system: SystemMallocStats,
}

/// `printone`: a label padded to 35 columns, `=`, and the value with thousands separators
/// right-aligned in 21 columns.
fn printone(out: &mut String, msg: &str, value: usize) -> usize {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    out.push_str(&format!("{msg:<35}={grouped:>21}\n"));
    value
}

impl AllocStats {
    /// The text `sys._debugmallocstats()` prints for pymalloc, in its layout and with its
    /// labels, followed by a section for the modeled system `malloc`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Small block threshold = {}, in {} size classes.\n\n",
            self.small_request_threshold,
            self.classes.len()
        ));
        out.push_str(
            "class   size   num pools   blocks in use  avail blocks\n\
             -----   ----   ---------   -------------  ------------\n",
        );
        for c in self.classes.iter().filter(|c| c.num_pools != 0) {
            out.push_str(&format!(
                "{:5} {:6} {:11} {:15} {:13}\n",
                c.class, c.size, c.num_pools, c.blocks_in_use, c.avail_blocks
            ));
        }
        out.push('\n');
        let o = &mut out;
        printone(o, "# arenas allocated total", self.arenas_allocated_total);
        printone(o, "# arenas reclaimed", self.arenas_reclaimed);
        printone(o, "# arenas highwater mark", self.arenas_highwater);
        printone(
            o,
            "# arenas allocated current",
            self.arenas_allocated_current,
        );
        let n = self.arenas_allocated_current;
        let label = format!("{n} arenas * {} bytes/arena", self.arena_size);
        printone(o, &label, n * self.arena_size);
        o.push('\n');
        let mut total = printone(
            o,
            "# bytes in allocated blocks",
            self.bytes_in_allocated_blocks,
        );
        total += printone(
            o,
            "# bytes in available blocks",
            self.bytes_in_available_blocks,
        );
        let label = format!(
            "{} unused pools * {} bytes",
            self.unused_pools, self.pool_size
        );
        total += printone(o, &label, self.unused_pools * self.pool_size);
        total += printone(
            o,
            "# bytes lost to pool headers",
            self.bytes_lost_to_pool_headers,
        );
        total += printone(
            o,
            "# bytes lost to quantization",
            self.bytes_lost_to_quantization,
        );
        total += printone(
            o,
            "# bytes lost to arena alignment",
            self.bytes_lost_to_arena_alignment,
        );
        printone(o, "Total", total);
        o.push_str("\narena map counts\n");
        printone(o, "# arena map mid nodes", self.arena_map_mid_nodes);
        printone(o, "# arena map bot nodes", self.arena_map_bot_nodes);
        o.push('\n');
        let mut total = printone(
            o,
            "# bytes lost to arena map root",
            self.arena_map_root_bytes,
        );
        total += printone(
            o,
            "# bytes lost to arena map mid",
            self.arena_map_mid_node_bytes * self.arena_map_mid_nodes,
        );
        total += printone(
            o,
            "# bytes lost to arena map bot",
            self.arena_map_bot_node_bytes * self.arena_map_bot_nodes,
        );
        printone(o, "Total", total);
        o.push_str("\nmodel: pymalloc requests, and the system malloc (glibc-like)\n");
        printone(
            o,
            "# bytes requested in blocks",
            self.pymalloc_requested_bytes,
        );
        printone(
            o,
            "# bytes lost to rounding up to 16",
            self.bytes_in_allocated_blocks - self.pymalloc_requested_bytes,
        );
        let s = &self.system;
        printone(o, "# system malloc chunks in use", s.chunks_in_use);
        printone(o, "# bytes requested in chunks", s.requested_bytes);
        printone(o, "# bytes in chunks in use", s.chunk_bytes_in_use);
        printone(o, "# free chunks kept for reuse", s.free_chunks);
        printone(o, "# bytes in free chunks", s.free_chunk_bytes);
        printone(o, "# bytes of heap (brk - base)", s.heap_bytes);
        out
    }
}

/// A pool's state, as 3.11's comments name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolState {
    /// Some blocks in use and some free: the pool is in `usedpools[class]`.
    Used,
    /// Every block in use: the pool is in no list until a block is freed.
    Full,
    /// Carved before, all blocks free now: the pool is in its arena's `freepools`.
    Empty,
    /// Not carved from the arena yet (past `pool_address`).
    Untouched,
}

/// One pool in an [`ArenaView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolView {
    /// The pool's address; its header is the first [`POOL_OVERHEAD`] bytes.
    pub address: Addr,
    /// Used, full, empty or untouched.
    pub state: PoolState,
    /// The size class, for a pool with blocks in use; None for an empty or untouched pool.
    pub size_class: Option<usize>,
    /// The block size the pool is laid out for (also for an empty pool, which keeps its
    /// last layout); 0 for an untouched pool.
    pub block_size: usize,
    /// Blocks in use (`ref.count`).
    pub used_blocks: usize,
    /// Blocks the pool holds (`NUMBLOCKS`); 0 for an untouched pool.
    pub total_blocks: usize,
}

/// One mapped arena, for pictures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArenaView {
    /// Its index in the `arenas` vector.
    pub index: usize,
    /// Where `mmap` put it.
    pub address: Addr,
    /// Its first pool: `address` rounded up to the pool size.
    pub first_pool: Addr,
    /// `nfreepools`: empty plus untouched pools.
    pub nfreepools: usize,
    /// `ntotalpools`.
    pub ntotalpools: usize,
    /// All `ntotalpools` pools, in address order.
    pub pools: Vec<PoolView>,
}

#[cfg(test)]
impl Obmalloc {
    /// Walk every list and check it against the pools' counts (test only).
    fn check_invariants(&self) -> Result<(), String> {
        let mut in_used = HashSet::new();
        for (class, head) in self.usedpools.iter().enumerate() {
            let (mut cur, mut prev) = (*head, None);
            while let Some(pr) = cur {
                let p = self.pool(pr);
                if p.szidx as usize != class || p.prevpool != prev || !in_used.insert(pr) {
                    return Err(format!("usedpools[{class}] broken at {pr:?}"));
                }
                if p.count == 0 || p.count >= self.numblocks(p.szidx) || p.freeblock == 0 {
                    return Err(format!("pool {pr:?} in usedpools with count {}", p.count));
                }
                prev = cur;
                cur = p.nextpool;
            }
        }
        let mut order = Vec::new();
        let (mut cur, mut prev) = (self.usable_arenas, None);
        while let Some(ai) = cur {
            let ao = &self.arenas[ai as usize];
            if ao.address == 0 || ao.prevarena != prev || ao.nfreepools == 0 {
                return Err(format!("usable_arenas broken at {ai}"));
            }
            order.push((ai, ao.nfreepools as usize));
            prev = cur;
            cur = ao.nextarena;
        }
        if order.windows(2).any(|w| w[0].1 > w[1].1) {
            return Err(format!("usable_arenas not sorted: {order:?}"));
        }
        for (nf, finger) in self.nfp2lasta.iter().enumerate() {
            let last = order.iter().rev().find(|o| o.1 == nf).map(|o| o.0);
            if nf > 0 && *finger != last {
                return Err(format!("nfp2lasta[{nf}] = {finger:?}, want {last:?}"));
            }
        }
        let mut live_bytes = 0;
        for (ai, ao) in self
            .arenas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.address != 0)
        {
            let in_list = order.iter().any(|o| o.0 as usize == ai);
            if in_list != (ao.nfreepools > 0) {
                return Err(format!(
                    "arena {ai}: nfreepools {} but in list {in_list}",
                    ao.nfreepools
                ));
            }
            let mut free = HashSet::new();
            let mut cur = ao.freepools;
            while let Some(pi) = cur {
                if !free.insert(pi) || ao.pools[pi as usize].count != 0 {
                    return Err(format!("arena {ai}: freepools broken at {pi}"));
                }
                cur = ao.pools[pi as usize].nextpool.map(|r| r.pool);
            }
            let uncarved = ao.ntotalpools as usize - ao.pools.len();
            if ao.nfreepools as usize != free.len() + uncarved {
                return Err(format!("arena {ai}: nfreepools {}", ao.nfreepools));
            }
            for (pi, p) in ao.pools.iter().enumerate() {
                let pr = PoolRef {
                    arena: ai as u32,
                    pool: pi as u32,
                };
                let full = p.count == self.numblocks(p.szidx);
                if (p.count == 0) != free.contains(&(pi as u32))
                    || (p.count > 0 && !full) != in_used.contains(&pr)
                {
                    return Err(format!("pool {pr:?} (count {}) in the wrong list", p.count));
                }
                let live: Vec<u16> = p
                    .blocks
                    .iter()
                    .map(|b| b.requested)
                    .filter(|&r| r != 0 && r != NEVER_HANDED_OUT)
                    .collect();
                live_bytes += live.iter().map(|&r| usize::from(r)).sum::<usize>();
                let carved = (p.nextoffset as usize - POOL_OVERHEAD) / index2size(p.szidx) as usize;
                let (mut n, mut cur) = (0, p.freeblock);
                while cur != 0 && n <= carved {
                    let block = p.blocks[cur as usize - 1];
                    if !matches!(block.requested, 0 | NEVER_HANDED_OUT) {
                        return Err(format!("pool {pr:?}: live block on the free list"));
                    }
                    n += 1;
                    cur = block.link;
                }
                if live.len() != p.count as usize || n + live.len() != carved {
                    return Err(format!(
                        "pool {pr:?}: count {} live {} free {n} carved {carved}",
                        p.count,
                        live.len()
                    ));
                }
            }
        }
        if live_bytes != self.pymalloc_requested {
            return Err(format!(
                "requested {} != {live_bytes}",
                self.pymalloc_requested
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Addresses of the blocks of `n` allocations of `nbytes`.
    fn alloc_n(m: &mut Obmalloc, n: usize, nbytes: usize) -> Vec<Addr> {
        (0..n).map(|_| m.malloc(nbytes)).collect()
    }

    fn arena_of(m: &Obmalloc, a: Addr) -> Addr {
        m.arenas()
            .into_iter()
            .find(|v| (v.address..v.address + m.arena_size() as u64).contains(&a))
            .map(|v| v.address)
            .unwrap_or(0)
    }

    #[test]
    fn block_number_by_reciprocal_is_exact() {
        for c in 0..NB_SMALL_SIZE_CLASSES as u32 {
            let size = u64::from(index2size(c));
            let probes = (0..200_000u64).chain((1u64 << 31) - 200_000..1u64 << 31);
            for rel in probes
                .step_by(7)
                .chain([(1u64 << 31) - 1, (1u64 << 31) - 16])
            {
                assert_eq!(block_number(rel, c), rel / size, "class {c}, rel {rel}");
            }
        }
    }

    #[test]
    fn constants_match_3_11() {
        assert_eq!(POOL_OVERHEAD, 48);
        assert_eq!(NB_SMALL_SIZE_CLASSES, 32);
        assert_eq!(MAX_POOLS_IN_ARENA, 64);
        assert_eq!(Obmalloc::size_class(1), Some(0));
        assert_eq!(Obmalloc::size_class(16), Some(0));
        assert_eq!(Obmalloc::size_class(17), Some(1));
        assert_eq!(Obmalloc::size_class(512), Some(31));
        assert_eq!(Obmalloc::size_class(513), None);
        assert_eq!(Obmalloc::size_class(0), None);
        assert_eq!(Obmalloc::block_size(56), Some(64));
        assert_eq!(Obmalloc::block_size(24), Some(32));
        assert_eq!(Obmalloc::block_size(600), None);
    }

    #[test]
    fn blocks_per_pool_numbers() {
        // (POOL_SIZE - POOL_OVERHEAD) / size. A real 3.11.7 sys._debugmallocstats() shows
        // these as "blocks in use + avail blocks" per pool: 1021, 510, 340, 31.
        let m = Obmalloc::new();
        for (class, want) in [(0, 1021), (1, 510), (2, 340), (3, 255), (31, 31)] {
            let size = (class + 1) * 16;
            assert_eq!(m.blocks_per_pool(class), Some((16384 - 48) / size));
            assert_eq!(m.blocks_per_pool(class), Some(want));
        }
        assert_eq!(m.blocks_per_pool(32), None);
        let old = Obmalloc::with_geometry(LEGACY_POOL_SIZE, LEGACY_ARENA_SIZE).unwrap();
        for (class, want) in [(0, 253), (1, 126), (3, 63), (31, 7)] {
            assert_eq!(old.blocks_per_pool(class), Some(want));
        }
    }

    #[test]
    fn blocks_per_pool_by_filling() {
        // Filling a pool: the (n+1)th block of a class comes from a new pool.
        let mut m = Obmalloc::new();
        let n = m.blocks_per_pool(3).unwrap();
        let a = alloc_n(&mut m, n + 1, 64);
        let pool = |x: Addr| x & !(POOL_SIZE as u64 - 1);
        assert!(a[..n].iter().all(|&x| pool(x) == pool(a[0])));
        assert_ne!(pool(a[n]), pool(a[0]));
        assert_eq!(a[0] - pool(a[0]), POOL_OVERHEAD as u64);
        // The end of a free list reads 0 (NULL).
        m.free(a[n - 1]).unwrap();
        assert_eq!(m.first_word_of_free_block(a[n - 1]), Some(0));
        assert_eq!(m.malloc(64), a[n - 1]);
        // Blocks are bumped in address order in a fresh pool.
        assert!(a[..n].windows(2).all(|w| w[1] == w[0] + 64));
        let st = m.stats();
        assert_eq!(st.classes[3].num_pools, 2);
        assert_eq!(st.classes[3].blocks_in_use, n + 1);
        assert_eq!(st.classes[3].avail_blocks, n - 1);
    }

    #[test]
    fn lifo_reuse_same_class() {
        let mut m = Obmalloc::new();
        let a = m.malloc(40); // class 2 (48 bytes)
        let b = m.malloc(40);
        assert_eq!(b, a + 48);
        m.free(a).unwrap();
        // Another request of the same class (33..=48 bytes) gets the freed block back.
        assert_eq!(m.malloc(33), a);
        m.free(b).unwrap();
        m.free(a).unwrap();
        // LIFO: last freed first.
        assert_eq!(m.malloc(48), a);
        assert_eq!(m.malloc(48), b);
    }

    #[test]
    fn different_class_does_not_reuse() {
        let mut m = Obmalloc::new();
        let a = m.malloc(40);
        let _keep = m.malloc(40);
        m.free(a).unwrap();
        let c = m.malloc(56); // class 3
        assert_ne!(c, a);
        assert_eq!(m.malloc(48), a);
    }

    #[test]
    fn different_classes_never_share_a_pool() {
        let mut m = Obmalloc::new();
        // pool -> (class, live blocks). A pool may change class only once it is empty.
        let mut pools: HashMap<u64, (usize, usize)> = HashMap::new();
        let mut live = Vec::new();
        for i in 0..20_000usize {
            let n = 1 + (i * 37) % 512;
            let a = m.malloc(n);
            let class = Obmalloc::size_class(n).unwrap();
            let e = pools
                .entry(a & !(POOL_SIZE as u64 - 1))
                .or_insert((class, 0));
            if e.1 == 0 {
                e.0 = class;
            }
            assert_eq!(e.0, class);
            e.1 += 1;
            live.push(a);
            if i % 3 != 0 {
                let b = live.swap_remove((i * 7919) % live.len());
                m.free(b).unwrap();
                pools.get_mut(&(b & !(POOL_SIZE as u64 - 1))).unwrap().1 -= 1;
            }
        }
        for v in m.arenas() {
            for p in v.pools.iter().filter(|p| p.state != PoolState::Untouched) {
                if let Some(c) = p.size_class {
                    assert_eq!(p.block_size, (c + 1) * 16);
                }
            }
        }
    }

    #[test]
    fn alignment_16() {
        let mut m = Obmalloc::new();
        for n in [
            0, 1, 7, 8, 15, 16, 17, 100, 511, 512, 513, 1000, 4096, 100_000,
        ] {
            let a = m.malloc(n);
            assert_ne!(a, 0);
            assert_eq!(a % 16, 0, "malloc({n}) = {a:#x}");
        }
    }

    #[test]
    fn large_and_zero_go_to_system_malloc() {
        let mut m = Obmalloc::new();
        let small = m.malloc(512);
        let big = m.malloc(513);
        let zero = m.malloc(0);
        assert!(m.is_pymalloc(small));
        assert!(!m.is_pymalloc(big));
        assert!(!m.is_pymalloc(zero));
        assert!(small >= ARENA_MMAP_BASE);
        assert!((SYSTEM_HEAP_BASE..ARENA_MMAP_BASE).contains(&big));
        // glibc chunks: 513 + 8 rounded to 16 = 528; malloc(0) is malloc(1): 32.
        assert_eq!(big, SYSTEM_HEAP_BASE + 16);
        assert_eq!(zero, big + 528);
        assert_eq!(m.stats().system.chunks_in_use, 2);
        assert_eq!(m.stats().system.chunk_bytes_in_use, 528 + 32);
        assert_eq!(m.live_requested_bytes(), 512 + 513);
        // Exact-size LIFO reuse of system chunks.
        m.free(big).unwrap();
        assert_eq!(m.malloc(520), big); // same chunk size (528)
        m.free(big).unwrap();
        let other = m.malloc(600);
        assert_ne!(other, big);
        assert_eq!(m.free(big), Err(AllocError::DoubleFree(big)));
        m.free(zero).unwrap();
        m.free(other).unwrap();
        m.free(small).unwrap();
        assert_eq!(m.live_requested_bytes(), 0);
    }

    #[test]
    fn first_arena_is_not_pool_aligned_and_loses_a_pool() {
        let mut m = Obmalloc::new();
        let a = m.malloc(16);
        let v = m.arenas();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].address, ARENA_MMAP_BASE);
        assert_eq!(v[0].ntotalpools, 63);
        assert_eq!(v[0].first_pool, ARENA_MMAP_BASE + 0x3000);
        assert_eq!(a, v[0].first_pool + POOL_OVERHEAD as u64);
        let st = m.stats();
        assert_eq!(st.bytes_lost_to_arena_alignment, POOL_SIZE);
        // The figures add up to the arena, as _PyObject_DebugMallocStats asserts.
        let total = st.bytes_in_allocated_blocks
            + st.bytes_in_available_blocks
            + st.unused_pools * st.pool_size
            + st.bytes_lost_to_pool_headers
            + st.bytes_lost_to_quantization
            + st.bytes_lost_to_arena_alignment;
        assert_eq!(total, ARENA_SIZE);
        // With 4 KiB pools a page-aligned arena loses nothing.
        let mut old = Obmalloc::with_geometry(LEGACY_POOL_SIZE, LEGACY_ARENA_SIZE).unwrap();
        old.malloc(16);
        assert_eq!(old.arenas()[0].ntotalpools, 64);
        assert_eq!(old.stats().bytes_lost_to_arena_alignment, 0);
    }

    #[test]
    fn arena_released_only_when_all_pools_empty() {
        let mut m = Obmalloc::new();
        let per_arena = 63 * m.blocks_per_pool(31).unwrap(); // 63 pools of 31 blocks
        let blocks = alloc_n(&mut m, 2 * per_arena, 512);
        assert_eq!(m.stats().arenas_allocated_current, 2);
        let (a0, a1) = (arena_of(&m, blocks[0]), arena_of(&m, blocks[per_arena]));
        assert_ne!(a0, a1);
        // Empty the second arena entirely: it is the last in usable_arenas, so 3.11 keeps
        // it (bpo-37257).
        for &b in &blocks[per_arena..] {
            m.free(b).unwrap();
        }
        assert_eq!(m.stats().arenas_allocated_current, 2);
        // Free all but one block of the first arena: that block pins all 1 MiB.
        for &b in &blocks[1..per_arena] {
            m.free(b).unwrap();
        }
        let st = m.stats();
        assert_eq!(st.arenas_allocated_current, 2);
        assert_eq!(st.pools_in_use, 1);
        assert_eq!(st.bytes_in_allocated_blocks, 512);
        assert!(m.is_pymalloc(blocks[0]));
        // Free the last one: the first arena goes back to the system.
        m.free(blocks[0]).unwrap();
        let st = m.stats();
        assert_eq!(st.arenas_allocated_current, 1);
        assert_eq!(st.arenas_reclaimed, 1);
        assert_eq!(st.arenas_highwater, 2);
        assert!(!m.is_pymalloc(blocks[0]));
        assert_eq!(m.arenas()[0].address, a1);
        // Its memory is gone: no first word to read, and freeing again is an error.
        assert_eq!(m.first_word_of_free_block(blocks[0]), None);
        assert_eq!(
            m.free(blocks[0]),
            Err(AllocError::FreeOfUnknownAddress(blocks[0]))
        );
        // The next new arena reuses the lowest unmapped address.
        let more = alloc_n(&mut m, per_arena + 1, 512);
        assert_eq!(m.stats().arenas_allocated_current, 2);
        assert!(more.iter().any(|&b| arena_of(&m, b) == a0));
    }

    #[test]
    fn one_live_block_per_arena_pins_them_all() {
        let mut m = Obmalloc::new();
        let per_arena = 63 * 31;
        let blocks = alloc_n(&mut m, 3 * per_arena, 512);
        let keep: Vec<Addr> = (0..3).map(|k| blocks[k * per_arena + 100]).collect();
        for &b in blocks.iter().filter(|b| !keep.contains(b)) {
            m.free(b).unwrap();
        }
        let st = m.stats();
        assert_eq!(st.arenas_allocated_current, 3);
        assert_eq!(st.bytes_in_allocated_blocks, 3 * 512);
        for k in keep {
            m.free(k).unwrap();
        }
        // All empty: two are unmapped, the last in usable_arenas is kept.
        let st = m.stats();
        assert_eq!(st.arenas_allocated_current, 1);
        assert_eq!(st.arenas_reclaimed, 2);
        assert_eq!(st.pools_in_use, 0);
    }

    #[test]
    fn single_empty_arena_is_kept() {
        let mut m = Obmalloc::new();
        let a = alloc_n(&mut m, 1000, 32);
        for &b in &a {
            m.free(b).unwrap();
        }
        assert_eq!(m.stats().arenas_allocated_current, 1);
        assert_eq!(m.stats().unused_pools, 63);
        // The pool emptied last is reused first, and it kept its layout and free list:
        // the same class gets the block freed last.
        assert_eq!(m.malloc(32), a[999]);
    }

    #[test]
    fn usable_arenas_sorted_by_free_pools() {
        let mut m = Obmalloc::new();
        let per_pool = 31;
        let per_arena = 63 * per_pool;
        let blocks = alloc_n(&mut m, 3 * per_arena, 512);
        assert!(m.usable_arenas().is_empty()); // all three full
        let arena = |k: usize| arena_of(&m, blocks[k * per_arena]);
        let (a0, a1, a2) = (arena(0), arena(1), arena(2));
        // Empty 5 pools in arena 0, 2 in arena 1, 9 in arena 2.
        let mut empty = |k: usize, pools: usize| {
            for p in 0..pools {
                for j in 0..per_pool {
                    m.free(blocks[k * per_arena + p * per_pool + j]).unwrap();
                }
            }
        };
        empty(0, 5);
        empty(1, 2);
        empty(2, 9);
        assert_eq!(m.usable_arenas(), vec![a1, a0, a2]);
        let nf: Vec<usize> = m
            .usable_arenas()
            .iter()
            .map(|&a| {
                m.arenas()
                    .into_iter()
                    .find(|v| v.address == a)
                    .unwrap()
                    .nfreepools
            })
            .collect();
        assert_eq!(nf, vec![2, 5, 9]);
        // A new pool (for a class with no used pool) comes from the most used arena.
        let x = m.malloc(16);
        assert_eq!(arena_of(&m, x), a1);
        // It reuses the pool emptied last there (freepools is LIFO).
        let last_emptied = blocks[per_arena + per_pool] & !(POOL_SIZE as u64 - 1);
        assert_eq!(x & !(POOL_SIZE as u64 - 1), last_emptied);
        assert_eq!(m.usable_arenas(), vec![a1, a0, a2]);
        let x2 = m.malloc(32);
        assert_eq!(arena_of(&m, x2), a1);
        // a1 is now full again and leaves the list.
        assert_eq!(m.usable_arenas(), vec![a0, a2]);
    }

    #[test]
    fn full_pool_returns_to_front_of_usedpools() {
        let mut m = Obmalloc::new();
        let n = m.blocks_per_pool(31).unwrap();
        let first = alloc_n(&mut m, n, 512); // pool A full
        let second = m.malloc(512); // pool B, now the used pool
        m.free(first[5]).unwrap(); // A back at the front of usedpools[31]
        assert_eq!(m.malloc(512), first[5]);
        assert_eq!(m.malloc(512), second + 512);
    }

    #[test]
    fn misuse_returns_errors() {
        let mut m = Obmalloc::new();
        let a = m.malloc(100);
        let b = m.malloc(100);
        m.free(a).unwrap();
        assert_eq!(m.free(a), Err(AllocError::DoubleFree(a)));
        assert_eq!(
            m.free(b + 8),
            Err(AllocError::InteriorPointer {
                addr: b + 8,
                block: b
            })
        );
        assert_eq!(
            m.free(0x1234),
            Err(AllocError::FreeOfUnknownAddress(0x1234))
        );
        // A block never handed out, a pool header, the alignment gap, an uncarved pool.
        for bad in [
            b + 112,
            b - b % POOL_SIZE as u64,
            ARENA_MMAP_BASE,
            b + POOL_SIZE as u64,
        ] {
            assert_eq!(m.free(bad), Err(AllocError::FreeOfUnknownAddress(bad)));
        }
        assert_eq!(m.realloc(a, 10), Err(AllocError::ReallocOfFreeBlock(a)));
        assert_eq!(m.free(0), Ok(()));
        assert!(AllocError::DoubleFree(a)
            .to_string()
            .contains("0x7f0000004"));
        // Nothing changed.
        assert_eq!(m.live_requested_bytes(), 100);
        assert_eq!(m.malloc(100), a);
        assert_eq!(
            m.try_malloc(usize::MAX),
            Err(AllocError::OutOfMemory(usize::MAX))
        );
        assert_eq!(m.malloc(usize::MAX), 0);
    }

    /// Whether two allocators are in the same state, as far as `free` and `malloc` can
    /// change it.
    fn same(a: &Obmalloc, b: &Obmalloc) -> bool {
        let pymalloc = |m: &Obmalloc| {
            (
                m.usedpools,
                m.usable_arenas,
                m.unused_arena_objects,
                m.pymalloc_requested,
                m.raw_allocated_blocks,
                m.narenas_currently_allocated,
                m.ntimes_arena_allocated,
            )
        };
        let sys = |m: &Obmalloc| {
            let s = &m.sys;
            (
                s.top,
                s.live_chunks,
                s.live_requested,
                s.free_chunks,
                s.bins.clone(),
            )
        };
        a.arenas == b.arenas
            && a.nfp2lasta == b.nfp2lasta
            && a.mmap_slots == b.mmap_slots
            && pymalloc(a) == pymalloc(b)
            && sys(a) == sys(b)
    }

    #[test]
    fn fast_paths_agree_with_the_exact_paths() {
        // `free` and `malloc` try a fast path first and fall back to the exact one
        // (`free_slow`, `malloc_slow`). Going straight to the exact path must give the
        // same result and leave the same state, at every address and in every pool state:
        // full, one block left, partly used, empty, never carved, and outside pymalloc.
        for (pool, arena) in [(POOL_SIZE, ARENA_SIZE), (4096, 16384)] {
            let mut m = Obmalloc::with_geometry(pool, arena).unwrap();
            let per_pool = m.blocks_per_pool(3).unwrap();
            let full = alloc_n(&mut m, per_pool, 64);
            let partly = alloc_n(&mut m, 5, 64);
            let lone = m.malloc(500);
            let emptied = alloc_n(&mut m, 3, 200);
            for &a in &emptied {
                m.free(a).unwrap();
            }
            m.free(partly[1]).unwrap();
            let sys = m.malloc(1000);
            let first_pool = m.arenas()[0].first_pool;
            let probes = (ARENA_MMAP_BASE - 64..first_pool + 4 * pool as u64 + 64)
                .step_by(8)
                .chain([
                    0,
                    8,
                    sys,
                    sys + 16,
                    m.arenas()[0].address + arena as u64 - 8,
                ]);
            for addr in probes {
                let (mut fast, mut exact) = (m.clone(), m.clone());
                assert_eq!(fast.free(addr), exact.free_slow(addr), "free({addr:#x})");
                assert!(same(&fast, &exact), "free({addr:#x})");
            }
            for n in [0, 1, 16, 17, 64, 200, 500, 512, 513, 4096, usize::MAX] {
                let (mut fast, mut exact) = (m.clone(), m.clone());
                assert_eq!(fast.try_malloc(n), exact.malloc_slow(n), "malloc({n})");
                assert!(same(&fast, &exact), "malloc({n})");
                let (mut fast, mut exact) = (m.clone(), m.clone());
                assert_eq!(fast.malloc(n), exact.malloc_slow_or_null(n), "malloc({n})");
                assert!(same(&fast, &exact), "malloc({n})");
            }
            // Fill a pool and go on into the next one, checking each step.
            let mut grow = m.clone();
            for _ in 0..per_pool + 3 {
                let mut exact = grow.clone();
                assert_eq!(grow.try_malloc(64), exact.malloc_slow(64));
                assert!(same(&grow, &exact));
            }
            // Free every block, so the full pool is linked back and the pools empty.
            for &a in full.iter().rev().chain(&partly).chain([&lone, &sys]) {
                let mut exact = m.clone();
                assert_eq!(m.free(a), exact.free_slow(a), "free({a:#x})");
                assert!(same(&m, &exact), "free({a:#x})");
            }
            m.check_invariants().unwrap();
            assert_eq!(m.live_requested_bytes(), 0);
        }
    }

    #[test]
    fn legacy_geometry_works() {
        let mut m = Obmalloc::with_geometry(4096, 256 * 1024).unwrap();
        assert_eq!(m.pool_size(), 4096);
        assert_eq!(m.arena_size(), 262_144);
        let per_arena = 64 * m.blocks_per_pool(0).unwrap();
        let a = alloc_n(&mut m, per_arena + 1, 16);
        assert_eq!(a[0], ARENA_MMAP_BASE + POOL_OVERHEAD as u64);
        let st = m.stats();
        assert_eq!(st.arenas_allocated_current, 2);
        assert_eq!(st.classes[0].num_pools, 65);
        assert!(st.render().contains("2 arenas * 262144 bytes/arena"));
        for &b in &a {
            m.free(b).unwrap();
        }
        assert_eq!(m.stats().arenas_allocated_current, 1);
        assert_eq!(m.live_requested_bytes(), 0);
    }

    #[test]
    fn geometry_is_validated() {
        assert!(matches!(
            Obmalloc::with_geometry(5000, 1 << 20),
            Err(AllocError::InvalidGeometry(_))
        ));
        assert!(Obmalloc::with_geometry(4096, 3 << 20).is_err());
        assert!(Obmalloc::with_geometry(2048, 1 << 20).is_err());
        assert!(Obmalloc::with_geometry(1 << 14, 1 << 14).is_err());
        assert!(Obmalloc::with_geometry(1 << 14, 1 << 15).is_err()); // 1 pool after alignment
        assert!(Obmalloc::with_geometry(1 << 14, 1 << 16).is_ok());
        assert!(Obmalloc::with_geometry(4096, 8192).is_ok());
        assert!(Obmalloc::with_geometry(4096, 1 << 32).is_err());
        assert!(Obmalloc::with_geometry(POOL_SIZE, ARENA_SIZE).is_ok());
    }

    #[test]
    fn realloc_semantics() {
        let mut m = Obmalloc::new();
        let a = m.malloc(40); // 48-byte block
                              // Grows within the block, or shrinks by less than 25%: in place.
        assert_eq!(m.realloc(a, 48), Ok(a));
        assert_eq!(m.realloc(a, 37), Ok(a));
        assert_eq!(m.live_requested_bytes(), 37);
        // 36 * 4 = 144 is not > 3 * 48: moves, even though 36 bytes is the same class.
        let b = m.realloc(a, 36).unwrap();
        assert_ne!(b, a);
        // b was the block carved ahead, so a links to the one carved after it.
        assert_eq!(b, a + 48);
        assert_eq!(m.first_word_of_free_block(a), Some(b + 48));
        // Grows past the block: moves, and the old block is free.
        let c = m.realloc(b, 100).unwrap();
        assert_ne!(c, b);
        assert_eq!(m.free(b), Err(AllocError::DoubleFree(b)));
        // Past 512: to the system malloc, and it stays there.
        let d = m.realloc(c, 1000).unwrap();
        assert!(!m.is_pymalloc(d));
        let e = m.realloc(d, 10).unwrap();
        assert_eq!(e, d);
        assert!(!m.is_pymalloc(e));
        assert_eq!(m.live_requested_bytes(), 10);
        // A system chunk at the top grows in place; one below moves.
        let f = m.realloc(e, 5000).unwrap();
        assert_eq!(f, e);
        let g = m.malloc(2000);
        let h = m.realloc(f, 9000).unwrap();
        assert_ne!(h, f);
        assert_eq!(m.realloc(0, 24).map(|x| m.is_pymalloc(x)), Ok(true));
        assert_eq!(m.live_requested_bytes(), 2000 + 9000 + 24);
        let _ = g;
    }

    #[test]
    fn first_word_is_the_free_list_link() {
        let mut m = Obmalloc::new();
        let a = m.malloc(32);
        let b = m.malloc(32);
        let c = m.malloc(32);
        assert_eq!(m.first_word_of_free_block(a), None); // live
        m.free(a).unwrap();
        // a was linked in front of the pool's free list, whose head was the next virgin
        // block (d = c + 32) with a NULL link.
        assert_eq!(m.first_word_of_free_block(a), Some(c + 32));
        // The block carved ahead holds pymalloc's NULL link, but it was never handed out,
        // so it is no freed block.
        assert_eq!(m.first_word_of_free_block(c + 32), None);
        assert_eq!(
            m.free(c + 32),
            Err(AllocError::FreeOfUnknownAddress(c + 32))
        );
        m.free(c).unwrap();
        assert_eq!(m.first_word_of_free_block(c), Some(a));
        assert_eq!(m.first_word_of_free_block(b), None);
        assert_eq!(m.first_word_of_free_block(c + 64), None); // never handed out
        assert_eq!(m.first_word_of_free_block(a + 8), None); // not a block start
        let big = m.malloc(1000);
        m.free(big).unwrap();
        assert_eq!(m.first_word_of_free_block(big), None); // system malloc
                                                           // The pool empties and goes to freepools; its memory still holds the links.
        m.free(b).unwrap();
        assert_eq!(m.first_word_of_free_block(b), Some(c));
    }

    #[test]
    fn emptied_pool_is_reused_by_another_class() {
        let mut m = Obmalloc::new();
        let a = m.malloc(16);
        let pool = a - POOL_OVERHEAD as u64;
        m.free(a).unwrap();
        let v = m.arenas();
        assert_eq!(v[0].pools[0].state, PoolState::Empty);
        assert_eq!(v[0].pools[0].size_class, None);
        assert_eq!(v[0].pools[1].state, PoolState::Untouched);
        // A different class takes the cached empty pool (freepools before carving).
        let b = m.malloc(200);
        assert_eq!(b, pool + POOL_OVERHEAD as u64);
        let v = m.arenas();
        assert_eq!(v[0].pools[0].size_class, Some(12));
        assert_eq!(v[0].pools[0].total_blocks, (16384 - 48) / 208);
        assert_eq!(m.first_word_of_free_block(a + 16), None);
    }

    #[test]
    fn stats_render_like_debugmallocstats() {
        let mut m = Obmalloc::new();
        for _ in 0..106 {
            m.malloc(16);
        }
        let text = m.stats().render();
        assert!(text.starts_with("Small block threshold = 512, in 32 size classes.\n"));
        assert!(text.contains("    0     16           1             106           915\n"));
        assert!(text.contains("# arenas allocated total           =                    1\n"));
        assert!(text.contains("1 arenas * 1048576 bytes/arena     =            1,048,576\n"));
        assert!(text.contains("62 unused pools * 16384 bytes      =            1,015,808\n"));
        assert!(text.contains("# bytes lost to arena alignment    =               16,384\n"));
        assert!(text.contains("# bytes lost to arena map root     =              262,144\n"));
        assert!(text.contains("# bytes lost to arena map bot      =              131,072\n"));
        assert!(text.contains("Total                              =            1,048,576\n"));
    }

    #[test]
    fn invariants_hold_under_random_churn() {
        for (pool, arena) in [
            (POOL_SIZE, ARENA_SIZE),
            (4096, 16384),
            (4096, 1 << 18),
            (1 << 14, 1 << 16),
        ] {
            let mut m = Obmalloc::with_geometry(pool, arena).unwrap();
            let mut live: Vec<Addr> = Vec::new();
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
            for step in 0..60_000usize {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Phases of growth and of shrinking, so arenas fill, empty and get unmapped.
                let grow = (step / 5000) % 2 == 0;
                if live.is_empty() || (x % 4 != 0) == grow {
                    let n = match x % 5 {
                        0 => 1 + (x >> 20) as usize % 512,
                        1 => 500 + (x >> 20) as usize % 13,
                        _ => 16 + 16 * ((x >> 20) as usize % 4),
                    };
                    live.push(m.malloc(n));
                } else {
                    let a = live.swap_remove((x >> 24) as usize % live.len());
                    if x % 7 == 0 {
                        live.push(m.realloc(a, (x >> 30) as usize % 600).unwrap());
                    } else {
                        m.free(a).unwrap();
                    }
                }
                if step % 997 == 0 {
                    m.check_invariants()
                        .unwrap_or_else(|e| panic!("step {step}: {e}"));
                }
            }
            for a in live {
                m.free(a).unwrap();
            }
            m.check_invariants().unwrap();
            assert_eq!(m.live_requested_bytes(), 0);
            assert_eq!(m.stats().arenas_allocated_current, 1);
            assert!(m.stats().arenas_reclaimed > 0);
        }
    }

    #[test]
    fn many_cycles_keep_accounts_straight() {
        // Allocate and free a few hundred thousand blocks in a pseudo-random order and
        // check the counts against a simple reference.
        let mut m = Obmalloc::new();
        let mut live: Vec<(Addr, usize)> = Vec::new();
        let mut seen: HashSet<Addr> = HashSet::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut total = 0usize;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if live.len() < 20_000 && (x % 3 != 0 || live.is_empty()) {
                let n = (x >> 8) as usize % 700;
                let a = m.malloc(n);
                assert!(seen.insert(a), "{a:#x} handed out twice");
                live.push((a, n));
                total += n;
            } else {
                let i = (x >> 16) as usize % live.len();
                let (a, n) = live.swap_remove(i);
                m.free(a).unwrap();
                seen.remove(&a);
                total -= n;
            }
        }
        assert_eq!(m.live_requested_bytes(), total);
        let st = m.stats();
        let small = live.iter().filter(|(_, n)| (1..=512).contains(n)).count();
        assert_eq!(
            st.classes.iter().map(|c| c.blocks_in_use).sum::<usize>(),
            small
        );
        assert_eq!(st.system.chunks_in_use, live.len() - small);
        for (a, _) in live.drain(..) {
            m.free(a).unwrap();
        }
        assert_eq!(m.live_requested_bytes(), 0);
        assert_eq!(m.stats().arenas_allocated_current, 1);
    }
}
