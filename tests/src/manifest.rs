//! The exercise manifest (`exercises.toml` at the workspace root), compiled in.
//!
//! Chapters and exercises are named in one place, so the grader's messages,
//! the generated stubs, the book checks and a learner's saved progress can
//! never disagree about what exercise `lazy-futures` is called or where the
//! book teaches it.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::failure::BookRef;

/// The manifest's text, as it was when the grader was built.
pub const SOURCE: &str = include_str!("../../exercises.toml");

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Every chapter, in book order.
    #[serde(rename = "chapter")]
    pub chapters: Vec<Chapter>,
    /// Every exercise, in book order.
    #[serde(rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// One chapter: a learner crate, its solution, its book page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// The chapter number; the packages are `chapter-N` and `solution-N`.
    pub number: u32,
    /// The folder name under `chapters/` and `solutions/`, e.g. `01-hello-tokio`.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The book page, without `.md`.
    pub page: String,
}

impl Chapter {
    /// The learner's package, e.g. `chapter-1`.
    pub fn package(&self) -> String {
        format!("chapter-{}", self.number)
    }

    /// The reference solution's package, e.g. `solution-1`.
    pub fn solution_package(&self) -> String {
        format!("solution-{}", self.number)
    }
}

/// One exercise.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Stable id: never changes once released.
    pub id: String,
    /// The chapter it belongs to.
    pub chapter: u32,
    /// The number shown to the learner, e.g. `1.2`.
    pub number: String,
    /// The title shown to the learner.
    pub title: String,
    /// The book section that teaches it: `page#anchor`.
    pub book: String,
    /// The message of the stub's `todo!()`.
    pub todo: String,
    /// The numbered requirements written above the stub's `todo!()`.
    pub requirements: Vec<String>,
    /// Code the stub keeps before its `todo!()` (for repair exercises).
    #[serde(default)]
    pub given: Option<String>,
    /// Extra lints the stub's function allows, each with its reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
    /// Derived when parsing: `Exercise {number}: {title}`.
    #[serde(skip)]
    pub heading: String,
}

/// A lint a stub allows, and why.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// The lint, e.g. `unused_must_use`.
    pub lint: String,
    /// Why, in the learner's terms.
    pub reason: String,
}

impl Exercise {
    /// The book section, as the grader links it.
    pub fn book_ref(&'static self) -> BookRef {
        let (page, anchor) = self.book.split_once('#').unwrap_or((&self.book, ""));
        BookRef {
            page,
            anchor,
            title: &self.heading,
        }
    }

    /// The heading the book gives this exercise, e.g.
    /// `Exercise 1.1: Say hello to Redis`.
    pub fn heading(&self) -> &str {
        &self.heading
    }
}

impl Manifest {
    /// Parses and validates a manifest.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut manifest: Manifest =
            toml::from_str(text).map_err(|e| format!("exercises.toml: {e}"))?;
        manifest.validate()?;
        for ex in &mut manifest.exercises {
            ex.heading = format!("Exercise {}: {}", ex.number, ex.title);
        }
        Ok(manifest)
    }

    fn validate(&self) -> Result<(), String> {
        let mut ids = std::collections::HashSet::new();
        for ex in &self.exercises {
            if !ids.insert(&ex.id) {
                return Err(format!(
                    "exercises.toml: exercise id {:?} is used twice",
                    ex.id
                ));
            }
            if !ex
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(format!("exercises.toml: id {:?} must be kebab-case", ex.id));
            }
            if self.chapter(ex.chapter).is_none() {
                return Err(format!(
                    "exercises.toml: {} names chapter {}, which is not listed",
                    ex.id, ex.chapter
                ));
            }
            if !ex.book.contains('#') {
                return Err(format!(
                    "exercises.toml: {}: book must be page#anchor",
                    ex.id
                ));
            }
        }
        Ok(())
    }

    /// The chapter numbered `number`.
    pub fn chapter(&self, number: u32) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.number == number)
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The exercises of a chapter, in order.
    pub fn exercises_of(&self, chapter: u32) -> impl Iterator<Item = &Exercise> {
        self.exercises.iter().filter(move |e| e.chapter == chapter)
    }
}

/// The manifest compiled into this grader.
pub static MANIFEST: LazyLock<Manifest> =
    LazyLock::new(|| Manifest::parse(SOURCE).unwrap_or_else(|e| panic!("grader: {e}")));

/// The exercise with this id.
///
/// # Panics
/// If the manifest has no such exercise: a grader bug, caught by the
/// maintainers' tests.
pub fn exercise(id: &str) -> &'static Exercise {
    MANIFEST
        .exercise(id)
        .unwrap_or_else(|| panic!("grader: exercises.toml has no exercise {id:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_parses_and_every_exercise_has_a_chapter() {
        assert!(!MANIFEST.exercises.is_empty());
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let text = r#"
            [[chapter]]
            number = 1
            slug = "01-x"
            title = "X"
            page = "ch01-x"
            [[exercise]]
            id = "a"
            chapter = 1
            number = "1.1"
            title = "A"
            book = "ch01-x#a"
            todo = "t"
            requirements = []
            [[exercise]]
            id = "a"
            chapter = 1
            number = "1.2"
            title = "A again"
            book = "ch01-x#b"
            todo = "t"
            requirements = []
        "#;
        let err = Manifest::parse(text).unwrap_err();
        assert!(err.contains("used twice"), "{err}");
    }
}
