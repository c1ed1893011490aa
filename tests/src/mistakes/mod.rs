//! Every mistake the grader can name, from the catalogue `book/mistakes.toml`.
//!
//! The build script makes one constant per entry, named after its id
//! (`forgotten-await` is [`FORGOTTEN_AWAIT`]), and [`ALL`]. A check names a
//! mistake by its constant, so an id the catalogue does not have is a
//! compile error; the catalogue's own rules (unique ids, anchors the book
//! has, an id every gallery entry can point to) are tested below and in
//! the gallery.
//!
//! The harness also recognises some mistakes from how a check ended
//! ([`from_panic`]); chapters name the rest from what their checks saw.

use crate::failure::{BookRef, Mistake};

pub mod catalogue;

include!(concat!(env!("OUT_DIR"), "/mistakes.rs"));

/// The catalogue's text, as it was when the grader was built.
pub const SOURCE: &str = include_str!("../../../book/mistakes.toml");

/// The mistake with this id, if the catalogue has it.
pub fn by_id(id: &str) -> Option<Mistake> {
    ALL.iter().copied().find(|m| m.id == id)
}

/// The mistake a panic message usually means, if it is one Tokio raises.
pub fn from_panic(message: &str) -> Option<Mistake> {
    let known: [(&str, Mistake); 6] = [
        (
            "can call blocking only when running on the multi-threaded runtime",
            BLOCKING_IN_ASYNC,
        ),
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

    #[test]
    fn every_id_is_defined_once() {
        let entries = catalogue::parse(SOURCE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries.len(), ALL.len());
        for (i, m) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|other| other.id != m.id),
                "mistake id {} is defined twice",
                m.id
            );
        }
    }

    #[test]
    fn a_duplicate_id_is_refused() {
        let text = r#"
            [[mistake]]
            id = "hard-coded-port"
            book = "ch01-hello-tokio#a"
            title = "A"
            explanation = "one"
            [[mistake]]
            id = "hard-coded-port"
            book = "ch02-spawning#b"
            title = "B"
            explanation = "two"
        "#;
        let err = catalogue::parse(text).unwrap_err();
        assert!(err.contains("defined twice"), "{err}");
    }

    #[test]
    fn an_id_that_is_not_kebab_case_is_refused() {
        let text =
            "[[mistake]]\nid = \"Not Kebab\"\nbook = \"p#a\"\ntitle = \"t\"\nexplanation = \"e\"\n";
        assert!(catalogue::parse(text).unwrap_err().contains("kebab-case"));
    }

    /// Every entry points at a heading the book has: `{#anchor}` on the
    /// named page.
    #[test]
    fn every_book_anchor_exists() {
        let book = concat!(env!("CARGO_MANIFEST_DIR"), "/../book/src");
        for m in ALL {
            let page = format!("{book}/{}.md", m.book.page);
            let text = std::fs::read_to_string(&page)
                .unwrap_or_else(|e| panic!("[{}]: cannot read {page}: {e}", m.id));
            assert!(
                text.contains(&format!("{{#{}}}", m.book.anchor)),
                "[{}]: {page} has no heading {{#{}}}",
                m.id,
                m.book.anchor
            );
        }
    }

    #[test]
    fn the_constants_carry_the_catalogue() {
        assert_eq!(by_id("forgotten-await"), Some(FORGOTTEN_AWAIT));
        assert_eq!(FORGOTTEN_AWAIT.book.page, "ch01-hello-tokio");
        assert_eq!(by_id("no-such-mistake"), None);
    }
}
