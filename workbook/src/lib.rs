//! The `workbook` command's library: everything it does, testable without
//! a terminal. `main.rs` only parses arguments and prints.

pub mod book;
pub mod generate;
pub mod workspace;
