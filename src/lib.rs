//! pyheap: an executable model of CPython 3.11's object heap.
pub mod layout;
pub mod obmalloc;
pub mod picture;
