//! Errors: every misuse of the heap returns one of these, never a panic.
//!
//! Messages name the object involved (type and `id()` in hex) so a reader can tell which
//! object a failed step was about. An operation that fails leaves the heap as it was before
//! it started: temporaries are released and nothing is half-bound.

use crate::obmalloc::AllocError;

/// What went wrong, and with which object.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A handle to an object that has already been deallocated.
    #[error("object {what} was already freed (a handle outlived its object)")]
    Freed {
        /// The last description of the object (type and id).
        what: String,
    },
    /// `NameError`: a name that is bound in no visible scope.
    #[error("NameError: name '{0}' is not defined")]
    UnknownName(String),
    /// `AttributeError`: the object has no such attribute.
    #[error("AttributeError: '{ty}' object has no attribute '{attr}'")]
    NoAttribute {
        /// Type name of the object.
        ty: String,
        /// The attribute asked for.
        attr: String,
    },
    /// `TypeError`: an operation applied to an object of the wrong type.
    #[error("TypeError: {0}")]
    Type(String),
    /// `IndexError` / `KeyError`.
    #[error("{0}")]
    Lookup(String),
    /// `ValueError`: a bad argument (a generation number, a threshold...).
    #[error("ValueError: {0}")]
    Value(String),
    /// `OverflowError`: an int that does not fit the C integer an operation converts it to.
    #[error("OverflowError: {0}")]
    Overflow(String),
    /// A question the model cannot answer faithfully, rather than answering it wrongly.
    #[error("not modeled: {0}")]
    NotModeled(String),
    /// The allocator refused an operation (a double free, an unknown address).
    #[error("allocator: {0}")]
    Alloc(#[from] AllocError),
    /// A statement used outside the context it needs (e.g. `return` at module level).
    #[error("SyntaxError: {0}")]
    Context(String),
}

/// Short alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
