//! The `workbook` command's library: everything it does, testable without
//! a terminal. `main.rs` only parses arguments and prints.

pub mod bench;
pub mod book;
pub mod class;
pub mod classroom;
pub mod doctor;
pub mod exercises;
pub mod generate;
pub mod grade;
pub mod grading_files;
pub mod hint;
pub mod live;
pub mod redis_cli;
pub mod reset;
pub mod server;
pub mod solution;
pub mod state;
pub mod watch;
pub mod workspace;
