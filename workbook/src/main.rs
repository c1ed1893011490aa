//! `workbook`: the Tokio Workbook's command. Run it as `cargo workbook …`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use base64::Engine as _;
use clap::{Parser, Subcommand};
use grader::manifest::Manifest;
use workbook::exercises::{self, Target};
use workbook::{
    book, classroom, doctor, generate, grade, hint, reset, solution, state, watch, workspace,
};

#[derive(Parser)]
#[command(
    name = "workbook",
    bin_name = "cargo workbook",
    about = "The Tokio Workbook's command: grade your chapters, get hints, reset \
             an exercise, and (for instructors) collect a class's results.",
    after_help = "Learners: start with `cargo workbook grade`. Every subcommand has --help."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grades your chapters and prints a scoreboard with the next step.
    ///
    /// Each chapter runs in its own cargo process (`cargo test -p chapter-N
    /// --test grade`), so one that does not compile hides nothing else. The
    /// scoreboard shows exercises done, the first failing check with its
    /// reason, and what to do next. Exits 0 only when everything graded passes.
    Grade {
        /// Only these chapters (default: all).
        chapters: Vec<u32>,
    },
    /// Re-grades a chapter every time you save a file in it.
    ///
    /// Shows only the first failure and where its hints are. Enter re-runs by
    /// hand; q then Enter quits.
    Watch {
        /// The chapter (default: the first one not finished yet).
        chapter: Option<u32>,
        /// Do not watch files; re-run only when you press Enter (for file
        /// systems where change events do not arrive).
        #[arg(long)]
        manual: bool,
    },
    /// Shows the next hint for an exercise.
    ///
    /// Each call shows the next tier: a nudge, then the approach, then nearly
    /// the answer. The book has the same hints.
    Hint {
        /// The exercise, e.g. 1.2.
        exercise: String,
        /// Show this tier (1–3) instead of the next one.
        #[arg(long)]
        tier: Option<u32>,
    },
    /// Restores the stub of an exercise (N.M) or a chapter (N).
    ///
    /// Every file it changes is first copied to .workbook/backups/<time>/,
    /// and the command prints where: nothing is lost.
    Reset {
        /// A chapter (2) or an exercise (2.3).
        target: String,
    },
    /// Shows the reference solution of an exercise.
    ///
    /// Asks first when the exercise does not pass yet (according to your last
    /// grade).
    Solution {
        /// The exercise, e.g. 1.2.
        exercise: String,
        /// Do not ask, even when the exercise does not pass yet.
        #[arg(long)]
        yes: bool,
    },
    /// Checks this machine is ready, and says how to fix what is not.
    ///
    /// Rust version, mdbook, listening on 127.0.0.1, and whether every
    /// dependency is downloaded for working offline.
    Doctor,
    /// Grades and prints your results for an instructor.
    ///
    /// `--json` prints the format GitHub Classroom's autograding reporter
    /// reads; `--base64` the same, encoded as the reporter takes it.
    Report {
        /// Print JSON (GitHub Classroom's reporter format).
        #[arg(long)]
        json: bool,
        /// Print the JSON base64-encoded, as the reporter takes it from a
        /// step output.
        #[arg(long, conflicts_with = "json")]
        base64: bool,
        /// Your name in the report (default: $USER).
        #[arg(long)]
        name: Option<String>,
        /// Only this chapter.
        #[arg(long)]
        chapter: Option<u32>,
    },
    /// Instructors: who is where, and what most of the room is stuck on.
    ///
    /// Reads a folder of learners' `report --json` files, prints a table, and
    /// writes a self-contained HTML page of the same.
    Class {
        /// The folder of reports (one .json per learner).
        dir: PathBuf,
        /// Where to write the HTML page (default: DIR/class.html).
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Maintainers: writes each chapter crate from its solution.
    ///
    /// Cargo.toml, src/ and tests/grade.rs of each chapter come from its
    /// reference solution and exercises.toml. Files it replaces are backed up
    /// first.
    Gen {
        /// Only compare: exit 1 and list the stale files if any chapter
        /// differs from what would be generated.
        #[arg(long)]
        check: bool,
        /// Only this chapter.
        chapter: Option<u32>,
    },
    /// Maintainers: builds the book and checks every anchor and link.
    ///
    /// No mdbook warnings; every include anchor exists; every exercise has its
    /// three hint tiers; every internal link and #fragment resolves, and so
    /// does every book link in exercises.toml and the grader's messages.
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
    // `class` works on any folder of reports, inside the workbook or not.
    if let Command::Class { dir, html } = &cli.command {
        return class(dir, html.as_deref());
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let root = workspace::find_root(&cwd)
        .ok_or("run this inside the Tokio Workbook: no folder above this one has exercises.toml")?;
    let manifest = read_manifest(&root)?;
    match cli.command {
        Command::Grade { chapters } => grade_cmd(&root, &manifest, &chapters),
        Command::Watch { chapter, manual } => {
            let chapter = match chapter {
                Some(n) => manifest
                    .chapter(n)
                    .cloned()
                    .ok_or(format!("there is no chapter {n}"))?,
                None => watch::current_chapter(&root, &manifest)
                    .ok_or("exercises.toml lists no chapter")?,
            };
            watch::run(&root, &manifest, &chapter, manual)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Hint { exercise, tier } => hint_cmd(&root, &manifest, &exercise, tier),
        Command::Reset { target } => reset_cmd(&root, &manifest, &target),
        Command::Solution { exercise, yes } => solution_cmd(&root, &manifest, &exercise, yes),
        Command::Doctor => {
            let findings = doctor::run(&root);
            for f in &findings {
                println!("{} {}", if f.ok { "ok  " } else { "FIX " }, f.what);
                if let Some(fix) = &f.fix {
                    println!("     → {fix}");
                }
            }
            Ok(if findings.iter().all(|f| f.ok) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Report {
            json,
            base64,
            name,
            chapter,
        } => {
            let only: Vec<u32> = chapter.into_iter().collect();
            let grades = grade_all(&root, &manifest, &only, false)?;
            let learner = name.or_else(|| std::env::var("USER").ok());
            let report = classroom::report(&manifest, &grades, learner);
            let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            if base64 {
                println!("{}", base64::engine::general_purpose::STANDARD.encode(text));
            } else if json {
                println!("{text}");
            } else {
                print!("{}", grade::scoreboard(&manifest, &grades));
                println!("score: {}/{}", report.score, report.max_score);
            }
            Ok(if report.status == "pass" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Class { .. } => unreachable!("handled above"),
        Command::Gen { check, chapter } => gen_cmd(&root, &manifest, check, chapter),
        Command::BookCheck { no_build } => book_check(&root, &manifest, no_build),
    }
}

fn read_manifest(root: &Path) -> Result<Manifest, String> {
    let path = root.join("exercises.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Manifest::parse(&text)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// One line per file written, naming the backup of each replaced file.
fn print_written(
    root: &Path,
    written: &[generate::Written],
    created: &str,
    replaced: &str,
    kept: &str,
) {
    for w in written {
        match w {
            generate::Written::Created(path) => println!("{created} {}", path.display()),
            generate::Written::Replaced { path, backup } => println!(
                "{replaced} {} — {kept} {}",
                path.display(),
                relative(root, backup).display()
            ),
        }
    }
}

fn backups_dir(root: &Path) -> PathBuf {
    root.join(".workbook")
        .join("backups")
        .join(workspace::timestamp(SystemTime::now()))
}

fn grade_all(
    root: &Path,
    manifest: &Manifest,
    only: &[u32],
    announce: bool,
) -> Result<Vec<grade::ChapterGrade>, String> {
    let chapters = grade::chapters_to_grade(manifest, only)?;
    let mut grades = Vec::new();
    for chapter in &chapters {
        let bar = grade::spinner();
        let g = grade::grade_chapter(root, chapter, &bar);
        bar.finish_and_clear();
        if announce {
            let (done, total, ran) = g.done();
            let line = if ran {
                format!("{done}/{total} exercises done")
            } else {
                "not graded".to_owned()
            };
            eprintln!("graded {}: {line}", chapter.package());
        }
        grades.push(g);
    }
    Ok(grades)
}

fn grade_cmd(root: &Path, manifest: &Manifest, only: &[u32]) -> Result<ExitCode, String> {
    let grades = grade_all(root, manifest, only, true)?;
    print!("{}", grade::scoreboard(manifest, &grades));
    Ok(if grades.iter().all(grade::ChapterGrade::passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn hint_cmd(
    root: &Path,
    manifest: &Manifest,
    which: &str,
    tier: Option<u32>,
) -> Result<ExitCode, String> {
    let (ex, chapter) = exercises::find(manifest, which)?;
    let mut saved = state::State::load(root);
    let shown = saved.hints.get(&ex.id).copied().unwrap_or(0);
    let tier = match tier {
        Some(t) if (1..=hint::TIERS).contains(&t) => t,
        Some(t) => {
            return Err(format!(
                "tier {t} does not exist; tiers are 1 to {}",
                hint::TIERS
            ));
        }
        None => (shown + 1).min(hint::TIERS),
    };
    let text = hint::tier_text(root, chapter, ex, tier)?;
    println!(
        "Exercise {} — {}: hint {tier} of {}, {}\n",
        ex.number,
        ex.title,
        hint::TIERS,
        hint::tier_name(tier)
    );
    println!("{text}\n");
    if tier < hint::TIERS {
        println!(
            "Still stuck? `cargo workbook hint {}` shows the next one.",
            ex.number
        );
    } else {
        println!(
            "That is the last hint. The reference solution: `cargo workbook solution {}`.",
            ex.number
        );
    }
    saved.hints.insert(ex.id.clone(), shown.max(tier));
    saved.save(root)?;
    Ok(ExitCode::SUCCESS)
}

fn reset_cmd(root: &Path, manifest: &Manifest, which: &str) -> Result<ExitCode, String> {
    let backups = backups_dir(root);
    match exercises::target(manifest, which)? {
        Target::Chapter(chapter) => {
            let written = reset::chapter(root, manifest, chapter, &backups)?;
            print_written(
                root,
                &written,
                "restored",
                "reset",
                "your version is saved at",
            );
            if written.is_empty() {
                println!(
                    "chapter {} is already the pristine stub; nothing changed",
                    chapter.number
                );
            }
        }
        Target::Exercise(ex, chapter) => {
            match reset::exercise(root, manifest, chapter, ex, &backups)? {
                Some((path, backup)) => println!(
                    "reset exercise {} in {} — your version is saved at {}",
                    ex.number,
                    path.display(),
                    relative(root, &backup).display()
                ),
                None => println!(
                    "exercise {} is already the stub; nothing changed",
                    ex.number
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn solution_cmd(
    root: &Path,
    manifest: &Manifest,
    which: &str,
    yes: bool,
) -> Result<ExitCode, String> {
    let (ex, chapter) = exercises::find(manifest, which)?;
    let done = grade::last_results(root, chapter).is_some_and(|r| {
        r.exercises
            .iter()
            .any(|e| e.id == ex.id && e.status == "done")
    });
    if !done && !yes {
        let question = format!(
            "Exercise {} does not pass yet (as of your last `cargo workbook grade`). \
             Show the reference solution anyway? [y/N] ",
            ex.number
        );
        if !std::io::stdin().is_terminal() {
            return Err(format!(
                "{question}\nNo terminal to ask in: add --yes to show it anyway."
            ));
        }
        print!("{question}");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!(
                "Not shown. `cargo workbook hint {}` might be enough.",
                ex.number
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    let (file, code) = solution::reference(root, chapter, ex)?;
    println!(
        "Reference solution for exercise {} — {} ({}):\n",
        ex.number,
        ex.title,
        file.display()
    );
    println!("{code}");
    Ok(ExitCode::SUCCESS)
}

fn class(dir: &Path, html: Option<&Path>) -> Result<ExitCode, String> {
    let class = classroom::class(dir)?;
    print!("{}", classroom::table(&class));
    let page = html.map_or_else(|| dir.join("class.html"), Path::to_path_buf);
    std::fs::write(&page, classroom::html(&class))
        .map_err(|e| format!("cannot write {}: {e}", page.display()))?;
    println!("HTML: {}", page.display());
    Ok(ExitCode::SUCCESS)
}

fn gen_cmd(
    root: &Path,
    manifest: &Manifest,
    check: bool,
    chapter: Option<u32>,
) -> Result<ExitCode, String> {
    if check {
        let stale = generate::check(root, manifest, chapter).map_err(|e| e.to_string())?;
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
    let written =
        generate::write(root, manifest, chapter, &backups_dir(root)).map_err(|e| e.to_string())?;
    print_written(
        root,
        &written,
        "created ",
        "replaced",
        "the previous file is kept at",
    );
    if written.is_empty() {
        println!("every chapter already matches its solution");
    }
    Ok(ExitCode::SUCCESS)
}

fn book_check(root: &Path, manifest: &Manifest, no_build: bool) -> Result<ExitCode, String> {
    let book_dir = root.join("book");
    let mut problems = Vec::new();
    if !no_build {
        problems.extend(book::build(&book_dir).map_err(|p| p.to_string())?);
    }
    problems.extend(book::check_includes(&book_dir.join("src")));
    problems.extend(book::check_hints(&book_dir.join("hints"), manifest));
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
