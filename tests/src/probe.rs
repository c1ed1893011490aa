//! Is the learner's future `Send`? Asked without a compile error.
//!
//! `tokio::spawn` requires a `Send` future. Had the grader simply spawned a
//! learner's future, a non-`Send` one would be a compile error in the
//! learner's test binary — hiding every other grade of the chapter. Instead
//! the chapter macros wrap the future in a [`Probe`] at the call site, where
//! its concrete type is known, and call `.boxed()` on a reference to it.
//! Method resolution then picks [`ViaSend`] when the future is `Send` (a
//! by-reference receiver, tried first) and falls back to [`ViaLocal`] (a
//! receiver one more reference away) when it is not. This is "autoref
//! specialisation": it works only where the type is concrete, which is why
//! it lives in the macros' expansion and not in a generic function.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

/// A learner's future, sorted by whether it may be spawned.
pub enum MaybeSend<T> {
    /// `Send`: can be given to `tokio::spawn`.
    Send(Pin<Box<dyn Future<Output = T> + Send + 'static>>),
    /// Not `Send`: can only be driven on the thread that holds it.
    NotSend(Pin<Box<dyn Future<Output = T> + 'static>>),
}

/// Holds a future until `.boxed()` takes it.
pub struct Probe<F>(Cell<Option<F>>);

impl<F> Probe<F> {
    /// Wraps a future.
    pub fn new(future: F) -> Self {
        Probe(Cell::new(Some(future)))
    }

    fn take(&self) -> F {
        self.0
            .take()
            .expect("grader: a Probe is boxed once, right after it is made")
    }
}

/// Chosen when the future is `Send`.
pub trait ViaSend {
    /// The future's output.
    type Output;
    /// Boxes the future as [`MaybeSend::Send`].
    fn boxed(&self) -> MaybeSend<Self::Output>;
}

impl<F: Future + Send + 'static> ViaSend for Probe<F> {
    type Output = F::Output;
    fn boxed(&self) -> MaybeSend<F::Output> {
        MaybeSend::Send(Box::pin(self.take()))
    }
}

/// Chosen when the future is not `Send`.
pub trait ViaLocal {
    /// The future's output.
    type Output;
    /// Boxes the future as [`MaybeSend::NotSend`].
    fn boxed(&self) -> MaybeSend<Self::Output>;
}

impl<F: Future + 'static> ViaLocal for &Probe<F> {
    type Output = F::Output;
    fn boxed(&self) -> MaybeSend<F::Output> {
        MaybeSend::NotSend(Box::pin(self.take()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(unused_imports, reason = "one of the two is picked per call site")]
    use super::{ViaLocal as _, ViaSend as _};

    async fn plain() -> i32 {
        1
    }

    async fn holds_an_rc_across_await() -> i32 {
        let shared = std::rc::Rc::new(1);
        std::future::ready(()).await;
        *shared
    }

    // The probe needs the future's concrete type at the call site, and an
    // `async` block's auto traits are not known inside the function that
    // writes it; an `async fn` elsewhere (as in a learner's crate) is.
    #[test]
    #[allow(clippy::needless_borrow, reason = "the borrow is what picks the impl")]
    fn a_send_future_is_recognised() {
        let probe = Probe::new(plain());
        assert!(matches!((&probe).boxed(), MaybeSend::Send(_)));
    }

    #[test]
    #[allow(clippy::needless_borrow, reason = "the borrow is what picks the impl")]
    fn a_future_holding_an_rc_across_await_is_recognised() {
        let probe = Probe::new(holds_an_rc_across_await());
        assert!(matches!((&probe).boxed(), MaybeSend::NotSend(_)));
    }
}
