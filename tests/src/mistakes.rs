//! Mistakes that do not belong to one chapter: hangs, busy loops, and the
//! panics Tokio raises when a runtime is missing or misconfigured.
//!
//! Chapter modules define their own mistakes next to their checks; these are
//! the ones the harness itself can recognise from how a check ended.

use crate::failure::{BookRef, Mistake};

const GRADING: &str = "grading";
const CH01: &str = "ch01-hello-tokio";

/// A check that waited, idle, until its deadline.
pub const STUCK: Mistake = Mistake {
    id: "stuck",
    explanation: "Something your code awaits never happens, or a blocking call stopped the \
        thread it runs on. Look for an `.await` on a reply nobody sends, a task \
        that waits for itself, a std `Mutex` locked while its guard is still \
        alive, or `std::thread::sleep` and other blocking calls inside async \
        code (they also freeze a paused test clock).",
    book: BookRef {
        page: GRADING,
        anchor: "stuck",
        title: "When a check is stuck",
    },
};

/// A check that kept a core busy until its deadline.
pub const BUSY_LOOP: Mistake = Mistake {
    id: "busy-loop",
    explanation: "A loop keeps running without ever waiting. The classic case is a read \
        loop that ignores `Ok(0)` — end of stream — and calls `read` again \
        forever; another is polling a flag in `loop {}` instead of awaiting a \
        channel or a `Notify`.",
    book: BookRef {
        page: GRADING,
        anchor: "busy-loop",
        title: "When a check spins",
    },
};

/// Tokio was used outside any runtime.
pub const NO_RUNTIME: Mistake = Mistake {
    id: "no-runtime",
    explanation: "Tokio's sockets and timers only work inside a Tokio runtime. Drive your \
        future with a runtime's `block_on` (or `#[tokio::main]`) instead of \
        another executor, and do not create Tokio resources on a plain thread.",
    book: BookRef {
        page: CH01,
        anchor: "runtime-by-hand",
        title: "Exercise 1.2: Build the runtime by hand",
    },
};

/// A runtime built without its I/O or time drivers.
pub const RUNTIME_WITHOUT_DRIVERS: Mistake = Mistake {
    id: "runtime-without-drivers",
    explanation: "The runtime was built without its I/O or timer driver. \
        `Builder::new_multi_thread()` (or `new_current_thread()`) starts with \
        both off; call `.enable_all()` before `.build()`, as `#[tokio::main]` does.",
    book: BookRef {
        page: CH01,
        anchor: "mistake-runtime-without-drivers",
        title: "Common mistakes: a runtime without drivers",
    },
};

/// A runtime started inside another one.
pub const RUNTIME_INSIDE_RUNTIME: Mistake = Mistake {
    id: "runtime-inside-runtime",
    explanation: "`block_on` was called on a thread that is already running async code. \
        Inside async code, `.await` the future instead; build a runtime only \
        at the edge of the program, in a plain `fn`.",
    book: BookRef {
        page: CH01,
        anchor: "runtime-by-hand",
        title: "Exercise 1.2: Build the runtime by hand",
    },
};

/// Every mistake defined here.
pub const ALL: [Mistake; 5] = [
    STUCK,
    BUSY_LOOP,
    NO_RUNTIME,
    RUNTIME_WITHOUT_DRIVERS,
    RUNTIME_INSIDE_RUNTIME,
];

/// The mistake a panic message usually means, if it is one Tokio raises.
pub fn from_panic(message: &str) -> Option<Mistake> {
    let known: [(&str, Mistake); 5] = [
        ("IO is disabled", RUNTIME_WITHOUT_DRIVERS),
        ("timers are disabled", RUNTIME_WITHOUT_DRIVERS),
        (
            "Cannot start a runtime from within a runtime",
            RUNTIME_INSIDE_RUNTIME,
        ),
        ("there is no reactor running", NO_RUNTIME),
        ("must be called from the context of a Tokio", NO_RUNTIME),
    ];
    known
        .into_iter()
        .find(|(pattern, _)| message.contains(pattern))
        .map(|(_, mistake)| mistake)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokio_driver_panics_are_recognised() {
        let msg = "A Tokio 1.x context was found, but IO is disabled. \
                   Call `enable_io` on the runtime builder to enable IO.";
        assert_eq!(from_panic(msg), Some(RUNTIME_WITHOUT_DRIVERS));
        assert_eq!(from_panic("index out of bounds"), None);
    }
}
