//! `workbook doctor`: is this machine ready for the workbook?
//!
//! Each line says what was checked, whether it is fine, and how to fix it.

use std::path::Path;
use std::process::Command;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Fine, or not.
    pub ok: bool,
    /// What was checked and what was found.
    pub what: String,
    /// How to fix it, when it is not fine.
    pub fix: Option<String>,
}

fn found(ok: bool, what: impl Into<String>, fix: Option<String>) -> Finding {
    Finding {
        ok,
        what: what.into(),
        fix,
    }
}

/// Runs every check.
pub fn run(root: &Path) -> Vec<Finding> {
    vec![
        rust(root),
        mdbook(),
        loopback(),
        offline(root),
        found(true, crate::live::doctor_line(root), None),
    ]
}

/// `1.85` from `rust-version = "1.85"` in the root Cargo.toml.
fn required_rust(root: &Path) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rust-version"))?;
    parse_version(line.split('"').nth(1)?)
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    Some((
        parts.next()?.trim().parse().ok()?,
        parts.next()?.trim().parse().ok()?,
    ))
}

fn rust(root: &Path) -> Finding {
    let need = required_rust(root);
    let output = Command::new("rustc").arg("--version").output();
    let Ok(output) = output else {
        return found(
            false,
            "Rust: rustc not found",
            Some("install Rust from https://rustup.rs".into()),
        );
    };
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let have = text.split_whitespace().nth(1).and_then(parse_version);
    match (have, need) {
        (Some(have), Some(need)) if have >= need => found(
            true,
            format!(
                "Rust: {text} (the workbook needs {}.{} or newer)",
                need.0, need.1
            ),
            None,
        ),
        (Some(_), Some(need)) => found(
            false,
            format!(
                "Rust: {text}, but the workbook needs {}.{} or newer",
                need.0, need.1
            ),
            Some("run `rustup update stable`".into()),
        ),
        _ => found(true, format!("Rust: {text}"), None),
    }
}

/// The book's tools, pinned together: mdbook-quiz works only with the
/// mdBook release it was built for.
const BOOK_TOOLS: &str = "cargo install mdbook@0.5.4 mdbook-quiz@0.5.0 --locked";

fn mdbook() -> Finding {
    let version = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match (version("mdbook"), version("mdbook-quiz")) {
        (Some(book), Some(quiz)) => found(true, format!("book: {book}, {quiz}"), None),
        (book, quiz) => {
            let missing: Vec<&str> = [("mdbook", book.is_none()), ("mdbook-quiz", quiz.is_none())]
                .into_iter()
                .filter_map(|(tool, gone)| gone.then_some(tool))
                .collect();
            found(
                false,
                format!(
                    "book: {} not installed, so the book cannot be served",
                    missing.join(" and ")
                ),
                Some(format!(
                    "run `{BOOK_TOOLS}` (about 5 minutes), then `mdbook serve book --open`"
                )),
            )
        }
    }
}

fn loopback() -> Finding {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => found(true, format!("network: the grader can listen on 127.0.0.1 (tried {addr})"), None),
        Err(e) => found(
            false,
            format!("network: cannot listen on 127.0.0.1: {e}"),
            Some("the grader needs loopback TCP; check firewall or sandbox settings that block local ports".into()),
        ),
    }
}

fn offline(root: &Path) -> Finding {
    let cargo = crate::grade::cargo();
    let output = Command::new(cargo)
        .args(["fetch", "--offline", "--quiet"])
        .current_dir(root)
        .output();
    match output {
        Ok(o) if o.status.success() => found(true, "offline: every dependency is downloaded; no chapter needs the network", None),
        _ => found(
            false,
            "offline: some dependencies are not downloaded yet",
            Some("run `cargo fetch` once while online (then `cargo test -p chapter-1 --no-run` to compile them)".into()),
        ),
    }
}
