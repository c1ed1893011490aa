//! One module per chapter: the chapter's API as the grader calls it, and
//! the checks that belong to it alone. A chapter module imports the shared
//! [`checks`](crate::checks) and [`fixtures`](crate::fixtures), never
//! another chapter's module.

pub mod chapter1;
pub mod chapter2;
pub mod chapter3;
pub mod chapter4;
pub mod chapter5;
pub mod chapter6;
