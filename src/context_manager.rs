//! The `with` statement: `__enter__` and `__exit__` called as 3.11's bytecode calls them.
//!
//! `with manager as target: body` compiles to `BEFORE_WITH`, which looks up the manager's
//! `__enter__` and `__exit__` (two bound method objects), keeps `__exit__` on the
//! evaluation stack, releases the stack's reference to the manager (the bound `__exit__`
//! holds it now), and calls `__enter__`, whose result is bound to `target`. When the block
//! ends, `__exit__(None, None, None)` is called and the bound method released. So for the
//! whole block the manager is alive even if no name refers to it, and a 64-byte bound
//! method object sits on the stack.
//!
//! The model has no exception objects: if the block fails, `__exit__` is still called (the
//! cleanup is the point of `with`), with three `None`s, and the block's error is returned;
//! what `__exit__` returns is not used to suppress it.

use std::panic::Location;

use crate::error::Result;
use crate::expr::Expr;
use crate::heap::Heap;

impl Heap {
    /// `with manager as target: body` (`target` `None` for a `with` without `as`).
    ///
    /// ```
    /// use pyheap::prelude::*;
    /// let mut py = Heap::new();
    /// py.class(
    ///     Class::new("Resource")
    ///         .method("__enter__", &["self"], body(|py| py.ret(name("self"))))
    ///         .method("__exit__", &["self", "t", "v", "tb"], body(|py| {
    ///             py.print("released");
    ///             Ok(())
    ///         })),
    /// )?;
    /// py.with_block(name("Resource").call([]), Some("r"), |py| {
    ///     py.print("inside");
    ///     Ok(())
    /// })?;
    /// assert_eq!(py.take_stdout(), "inside\nreleased\n");
    /// # Ok::<(), pyheap::Error>(())
    /// ```
    #[track_caller]
    pub fn with_block<T>(
        &mut self,
        manager: Expr,
        target: Option<&str>,
        body: impl FnOnce(&mut Heap) -> Result<T>,
    ) -> Result<T> {
        let site = Location::caller();
        // BEFORE_WITH
        let (exit, entered) = self.at_site(site, |h| {
            let mgr = h.eval_new_ref(&manager)?;
            let enter = match h.get_attr(mgr, "__enter__") {
                Ok(f) => f,
                Err(e) => {
                    h.decref(mgr);
                    return Err(e);
                }
            };
            let exit = match h.get_attr(mgr, "__exit__") {
                Ok(f) => f,
                Err(e) => {
                    h.decref(enter);
                    h.decref(mgr);
                    return Err(e);
                }
            };
            h.decref(mgr);
            let entered = h.call(enter, Vec::new());
            h.decref(enter);
            match entered {
                Ok(v) => Ok((exit, v)),
                Err(e) => {
                    h.decref(exit);
                    Err(e)
                }
            }
        })?;
        // STORE_FAST / STORE_NAME target (or POP_TOP)
        let bound = match target {
            Some(t) => self.at_site(site, |h| h.bind(t, entered)),
            None => Ok(()),
        };
        self.decref(entered);
        let r = bound.and_then(|_| body(self));
        // __exit__(None, None, None): the call consumes the bound method on the stack.
        let exited = self.at_site(site, |h| {
            let args = vec![h.new_none(), h.new_none(), h.new_none()];
            let r = h.call(exit, args);
            h.decref(exit);
            r.map(|v| h.decref(v))
        });
        let value = r?;
        exited?;
        Ok(value)
    }
}
