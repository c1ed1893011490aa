//! `workbook`: the Tokio Workbook's command. Run it as `cargo workbook …`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Parser, Subcommand};
use grader::manifest::Manifest;
use workbook::{book, generate, workspace};

#[derive(Parser)]
#[command(
    name = "workbook",
    about = "The Tokio Workbook's command for learners, instructors and maintainers.",
    bin_name = "cargo workbook"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes each chapter crate (Cargo.toml, src/, tests/grade.rs) from its
    /// reference solution, for maintainers after changing a solution or
    /// exercises.toml. Files it replaces are backed up first.
    Gen {
        /// Only compare: exit 1 and list the stale files if any chapter
        /// differs from what would be generated.
        #[arg(long)]
        check: bool,
        /// Only this chapter (its number).
        chapter: Option<u32>,
    },
    /// Builds the book and checks it: no mdbook warnings, every include
    /// anchor exists, every exercise has its three hint tiers, every
    /// internal link and #fragment resolves, and so does every book link in
    /// exercises.toml and the grader's messages.
    BookCheck {
        /// Check the existing build in book/book instead of building.
        #[arg(long)]
        no_build: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("workbook: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let root = workspace::find_root(&cwd)
        .ok_or("run this inside the Tokio Workbook: no folder above this one has exercises.toml")?;
    match cli.command {
        Command::Gen { check, chapter } => {
            let manifest = read_manifest(&root)?;
            if check {
                let stale =
                    generate::check(&root, &manifest, chapter).map_err(|e| e.to_string())?;
                if stale.is_empty() {
                    println!("workbook gen --check: every chapter matches its solution");
                    return Ok(ExitCode::SUCCESS);
                }
                for s in &stale {
                    eprintln!("  {s}");
                }
                eprintln!(
                    "workbook gen --check: {} stale file(s); regenerate with `cargo workbook gen`",
                    stale.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            let backups = root
                .join(".workbook")
                .join("backups")
                .join(workspace::timestamp(SystemTime::now()));
            let written =
                generate::write(&root, &manifest, chapter, &backups).map_err(|e| e.to_string())?;
            for w in &written {
                match w {
                    generate::Written::Created(path) => println!("created  {}", path.display()),
                    generate::Written::Replaced { path, backup } => println!(
                        "replaced {} (the previous file is kept at {})",
                        path.display(),
                        relative(&root, backup).display()
                    ),
                }
            }
            if written.is_empty() {
                println!("every chapter already matches its solution");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::BookCheck { no_build } => {
            let book_dir = root.join("book");
            let mut problems = Vec::new();
            if !no_build {
                problems.extend(book::build(&book_dir).map_err(|p| p.to_string())?);
            }
            problems.extend(book::check_includes(&book_dir.join("src")));
            problems.extend(book::check_hints(
                &book_dir.join("hints"),
                &read_manifest(&root)?,
            ));
            let site = book::Site::read(&book_dir.join("book"));
            problems.extend(site.check_links());
            problems.extend(site.check_refs(book::grader_refs()));
            if problems.is_empty() {
                println!("workbook book-check: the book builds cleanly and every link resolves");
                return Ok(ExitCode::SUCCESS);
            }
            for p in &problems {
                eprintln!("  {p}");
            }
            eprintln!("workbook book-check: {} problem(s)", problems.len());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn read_manifest(root: &std::path::Path) -> Result<Manifest, String> {
    let path = root.join("exercises.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Manifest::parse(&text)
}

fn relative(root: &std::path::Path, path: &std::path::Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}
