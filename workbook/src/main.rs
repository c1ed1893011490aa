//! `workbook`: the Tokio Workbook's command. Run it as `cargo workbook …`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use base64::Engine as _;
use clap::{Parser, Subcommand};
use grader::manifest::Manifest;
use grader::results::ExerciseStatus;
use workbook::exercises::{self, Target};
use workbook::grading_files::{self, Difference, GradingFiles};
use workbook::{
    bench, book, class, classroom, doctor, generate, grade, hint, live, reset, server, solution,
    state, watch, workspace,
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
    /// Talks to a Redis server, such as yours: `cli --port 6380 get hello`.
    ///
    /// Sends one command (`get KEY`, `set KEY VALUE`, `ping`, or any other
    /// words) and prints the reply as redis-cli does: "world", (nil), OK,
    /// (error) …. Without a command it stays connected and reads one command
    /// a line (quotes and \x00-style escapes as in redis-cli); Ctrl-D
    /// leaves. Start your server with `cargo run -p chapter-N --example
    /// server -- --exercise N.M`; `redis-cli -p PORT` works as well, if you
    /// have it.
    Cli {
        /// The server's host.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// The server's port (the one your server printed).
        #[arg(short, long, default_value_t = 6379)]
        port: u16,
        /// The command and its arguments, e.g. `set hello world`.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "COMMAND"
        )]
        words: Vec<String>,
    },
    /// Starts a Redis server to compare yours with, until Ctrl-C.
    ///
    /// `reference` is chapter 6's reference solution, `chapter-6` your own
    /// chapter-6 server, `mini-redis` stock mini-redis 0.4: each a release
    /// build of an example in this workspace (`cargo run --release -p …
    /// --example …`). Talk to it with `cargo workbook cli --port PORT` or
    /// `redis-cli -p PORT`.
    Server {
        /// Which server.
        #[arg(long = "impl", value_enum, default_value = "reference")]
        which: server::Impl,
        /// The port to listen on (0: a free one, printed).
        #[arg(short, long, default_value_t = 6380)]
        port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Measures the servers with redis-benchmark, side by side.
    ///
    /// The reference server, your chapter-6 server, mini-redis and
    /// redis-server (when installed), all in one run: SET and GET from 50
    /// clients, without pipelining and with 16-command pipelines, in
    /// interleaved rounds; prints requests per second, p50 latency and
    /// each server's ratio to redis-server. Needs `redis-benchmark` (Debian
    /// and Ubuntu: `sudo apt-get install redis-tools`).
    Bench {
        /// How many interleaved rounds (the table shows their median).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
        rounds: u32,
        /// About how long each measurement runs, in seconds (request
        /// counts are sized from a short first run of each server).
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
        /// Only these servers (default: all; redis-server is always
        /// measured when installed, as the yardstick).
        #[arg(long = "impl", value_enum)]
        only: Vec<server::Impl>,
        /// Worker threads for each Tokio server (TOKIO_WORKER_THREADS).
        /// 1 by default: redis-server runs its commands on one thread, and
        /// the benchmark client needs a core too. 0 leaves Tokio's default,
        /// one per core.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Let the client and the servers share all the cores. By default
        /// (on Linux, with `taskset`) each server runs on one CPU and
        /// redis-benchmark on another, which makes rounds far steadier.
        #[arg(long)]
        no_pin: bool,
    },
    /// Checks this machine is ready, and says how to fix what is not.
    ///
    /// Rust version, mdbook, listening on 127.0.0.1, and whether every
    /// dependency is downloaded for working offline.
    Doctor,
    /// Grades and prints your results for an instructor.
    ///
    /// One point per exercise, earned when every check of the exercise
    /// passes. `--json` prints the format GitHub Classroom's autograding
    /// reporter reads (one test per exercise); `--base64` the same, encoded
    /// as the reporter takes it. Every report records the grader hash: the
    /// SHA-256 of the grading files it was graded with (the grader, this
    /// command, the manifest, each chapter's Cargo.toml and tests/ — all but
    /// your code), which `class` compares with the instructor's.
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
        /// Grade nothing: print this checkout's grader hash (instructors:
        /// the hash `class --grader-hash` expects).
        #[arg(long, conflicts_with_all = ["json", "base64", "name", "chapter", "grader_files"])]
        grader_hash: bool,
        /// Grade nothing: list the grading files with the SHA-256 of each,
        /// then the grader hash (`diff` two listings to see why two hashes
        /// differ).
        #[arg(long, conflicts_with_all = ["json", "base64", "name", "chapter"])]
        grader_files: bool,
    },
    /// Instructors: the room at a glance — who is where, who is stuck, and
    /// the mistakes most learners are making right now.
    ///
    /// Reads every learner report (`report --json` files) in DIR and its
    /// subfolders, and prints a grid of learners × exercises (done,
    /// failing with the mistake its checks name, not started, does not
    /// compile), who is stuck, and the mistakes of the moment with how
    /// many learners make each and the book section that explains it. It
    /// writes the same as a self-contained page, DIR/class.html (sortable,
    /// works offline). Each learner's history is what makes "stuck": hand
    /// in a new report as often as you like, in a new file or over the old
    /// one — `class` keeps a copy of every report it reads in
    /// DIR/.class-history/ (new files only). Stuck means failing the same
    /// exercise (or its chapter not compiling) in the last --stuck-after
    /// reports in a row, or for more than --stuck-minutes between the
    /// first of them and the latest; not started is never stuck. With --serve, it serves the page (on 127.0.0.1, or
    /// where --listen says) and keeps it up to date as reports land, until
    /// Ctrl-C; it also takes reports live from learners who ran `cargo
    /// workbook join URL TOKEN --name NAME` with the URL and class token it
    /// prints, and keeps each in DIR/.class-history. Every report whose grader
    /// hash is not the expected one is flagged DIFFERENT (graded with
    /// other grading files: an edited or out-of-date grader), or MISSING
    /// when it has none. The expected hash is --grader-hash, or else the
    /// grader hash of the workbook checkout this runs in; outside one,
    /// nothing is compared.
    Class {
        /// The folder of reports (any number of .json files per learner).
        dir: PathBuf,
        /// Where to write the HTML page (default: DIR/class.html).
        #[arg(long)]
        html: Option<PathBuf>,
        /// The grader hash every report should have (default: this
        /// checkout's, as `cargo workbook report --grader-hash` prints it).
        #[arg(long, value_name = "HASH")]
        grader_hash: Option<String>,
        /// Serve the page, take learners' reports live, and follow new
        /// reports until Ctrl-C.
        #[arg(long)]
        serve: bool,
        /// The port to serve on, on 127.0.0.1 (default: any free one; the
        /// URL is printed).
        #[arg(
            long,
            requires = "serve",
            default_value_t = 0,
            conflicts_with = "listen"
        )]
        port: u16,
        /// Where to listen, for a room: e.g. `0.0.0.0:7878` (every
        /// interface) or this machine's LAN address. Default: 127.0.0.1,
        /// this machine only.
        #[arg(long, requires = "serve", value_name = "ADDR:PORT")]
        listen: Option<std::net::SocketAddr>,
        /// The class token learners join with (default: the one kept in
        /// DIR/.class-token from an earlier run, or a new one).
        #[arg(long, requires = "serve", value_name = "TOKEN")]
        token: Option<String>,
        /// Stuck: an exercise failing in this many of a learner's latest
        /// reports in a row…
        #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
        stuck_after: u64,
        /// …or for more than this many minutes.
        #[arg(long, value_name = "M", default_value_t = 15)]
        stuck_minutes: u64,
    },
    /// Joins an instructor's live classroom: from now on, `grade` and
    /// `watch` send your report to the instructor after each run.
    ///
    /// URL and TOKEN are what the instructor's `cargo workbook class
    /// --serve` printed. Kept in .workbook/class.json; `doctor` shows it,
    /// `leave` forgets it. Sending happens in the background: when the
    /// instructor cannot be reached, grading carries on, you are told once,
    /// and the next run sends again.
    Join {
        /// The class URL, e.g. http://192.168.1.20:7878/
        url: String,
        /// The class token.
        token: String,
        /// Your name, as the instructor will see it.
        #[arg(long)]
        name: String,
    },
    /// Leaves the live classroom joined with `join`: nothing is sent any more.
    Leave,
    /// Sends your latest results to the class now (`grade` and `watch` do
    /// it for you after each run).
    Submit {
        /// Run quietly, as `grade` and `watch` start it.
        #[arg(long, hide = true)]
        background: bool,
    },
    /// Instructors' CI: grade a learner's checkout with the course's grader.
    ///
    /// Lays the course's grading files over the learner's checkout: the
    /// workspace's Cargo.toml, Cargo.lock and .cargo/, exercises.toml,
    /// book/mistakes.toml, the grader (tests/), this command (workbook/) and
    /// each chapter's Cargo.toml and tests/ replace the learner's, and what
    /// the course does not have is removed; only the learner's code,
    /// chapters/*/src and chapters/*/examples, stays theirs. Prints what
    /// differed. `instructor/classroom.yml` runs it before `report`.
    Overlay {
        /// The learner's checkout, changed in place.
        learner: PathBuf,
        /// The course's checkout, at the commit you grade with (default:
        /// the workbook this runs in).
        #[arg(long)]
        course: Option<PathBuf>,
    },
    /// Maintainers' tools: generate the chapter stubs, check the book.
    #[command(subcommand)]
    Dev(Dev),
    /// Moved: `cargo workbook dev gen`.
    #[command(hide = true)]
    Gen {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Moved: `cargo workbook dev book-check`.
    #[command(hide = true)]
    BookCheck {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// `cargo workbook dev …`: what maintainers run, kept out of learners' way.
#[derive(Subcommand)]
enum Dev {
    /// Writes each chapter crate from its solution.
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
    /// Builds the book and checks every anchor and link.
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
    let mut cli = Cli::parse();
    // The maintainers' verbs moved under `dev`; the old spellings still
    // run them (hidden from --help), so scripts and habits keep working.
    if let Command::Gen { args } | Command::BookCheck { args } = &cli.command {
        let verb = if matches!(cli.command, Command::Gen { .. }) {
            "gen"
        } else {
            "book-check"
        };
        eprintln!("workbook: {}", moved(verb, args));
        let words = ["workbook", "dev", verb]
            .into_iter()
            .map(str::to_owned)
            .chain(args.iter().cloned());
        cli = Cli::parse_from(words);
    }
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
    match &cli.command {
        Command::Class {
            dir,
            html,
            grader_hash,
            serve,
            port,
            listen,
            token,
            stuck_after,
            stuck_minutes,
        } => {
            let rules = class::Rules {
                reports: usize::try_from(*stuck_after).unwrap_or(usize::MAX),
                minutes: *stuck_minutes,
            };
            let listen = serve
                .then(|| listen.unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], *port))));
            return class_cmd(
                dir,
                html.as_deref(),
                grader_hash.as_deref(),
                rules,
                listen.map(|l| (l, token.clone())),
            );
        }
        Command::Overlay { learner, course } => return overlay(learner, course.as_deref()),
        // The client needs no workbook: it talks to a server, not to files.
        Command::Cli { host, port, words } => {
            return Ok(workbook::redis_cli::main(host, *port, words.clone()));
        }
        _ => {}
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let root = workspace::find_root(&cwd)
        .ok_or("run this inside the Tokio Workbook: no folder above this one has exercises.toml")?;
    let manifest = read_manifest(&root)?;
    match cli.command {
        Command::Grade { chapters } => grade_cmd(&root, &manifest, &chapters),
        Command::Watch { chapter, manual } => {
            let (chapter, why) = match chapter {
                Some(n) => (
                    manifest
                        .chapter(n)
                        .cloned()
                        .ok_or(format!("there is no chapter {n}"))?,
                    None,
                ),
                None => {
                    let (chapter, why) = watch::current_chapter(&root, &manifest)
                        .ok_or("exercises.toml lists no chapter")?;
                    (chapter, Some(why))
                }
            };
            watch::run(&root, &manifest, &chapter, why, manual)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Join { url, token, name } => {
            let joined = live::join(&root, &url, &token, &name)?;
            println!(
                "Joined the class at {} as {}. `grade` and `watch` now send your report \
                 there after each run; `cargo workbook leave` stops it.",
                joined.url, joined.name
            );
            match live::submit(&root, &manifest) {
                Ok(said) => println!("The instructor's server answered: {said}"),
                Err(e) => println!("Not reached yet ({e}); your reports will be sent once it is."),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Leave => {
            if live::leave(&root)? {
                println!("Left the class: nothing is sent any more.");
            } else {
                println!("Not in a class: nothing to leave.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Submit { background } => match live::submit(&root, &manifest) {
            Ok(said) => {
                if !background {
                    println!("{said}");
                }
                Ok(ExitCode::SUCCESS)
            }
            // Recorded for the next `grade` or `watch` to say.
            Err(_) if background => Ok(ExitCode::FAILURE),
            Err(e) => Err(e),
        },
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
            grader_hash: true, ..
        } => {
            println!("{}", GradingFiles::read(&root)?.hash());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            grader_files: true, ..
        } => {
            let files = GradingFiles::read(&root)?;
            print!("{}", files.listing());
            println!(
                "grader hash {} ({} grading files)",
                files.hash(),
                files.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            json,
            base64,
            name,
            chapter,
            ..
        } => {
            let only: Vec<u32> = chapter.into_iter().collect();
            // The grading files as the run starts, and as it ends: a report
            // names what graded it only if nothing changed them meanwhile.
            let before = GradingFiles::read(&root)?;
            let grades = grade_all(&root, &manifest, &only, false, true)?;
            let after = GradingFiles::read(&root)?;
            if after != before {
                return Err(format!(
                    "the grading files changed while grading ({}), so this report could not \
                     say what graded it; nothing was reported. Run it again without changing them.",
                    describe(&before.differences(&after))
                ));
            }
            let learner = name.or_else(|| std::env::var("USER").ok());
            let mut report = classroom::report(&manifest, &grades, learner);
            report.grader_hash = Some(before.hash());
            let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            if base64 {
                println!("{}", base64::engine::general_purpose::STANDARD.encode(text));
            } else if json {
                println!("{text}");
            } else {
                print!("{}", grade::scoreboard(&manifest, &grades));
                println!(
                    "score: {}/{} exercises done (an exercise counts when every check of it passes)",
                    report.score, report.max_score
                );
                println!(
                    "grader: {} (SHA-256 of the {} grading files this was graded with; \
                     `cargo workbook report --grader-files` lists them)",
                    before.hash(),
                    before.len()
                );
            }
            Ok(if report.status == classroom::PASS {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Server { which, port, bind } => server::main(&root, which, bind, port),
        Command::Bench {
            rounds,
            seconds,
            only,
            threads,
            no_pin,
        } => bench::main(
            &root,
            rounds,
            seconds,
            &only,
            bench::Setup::new(threads, !no_pin),
        ),
        Command::Dev(Dev::Gen { check, chapter }) => gen_cmd(&root, &manifest, check, chapter),
        Command::Dev(Dev::BookCheck { no_build }) => book_check(&root, &manifest, no_build),
        Command::Class { .. }
        | Command::Overlay { .. }
        | Command::Cli { .. }
        | Command::Gen { .. }
        | Command::BookCheck { .. } => {
            unreachable!("handled above, or in main")
        }
    }
}

/// The note for a maintainers' verb typed the old way, with the new spelling.
fn moved(verb: &str, args: &[String]) -> String {
    let mut new = format!("cargo workbook dev {verb}");
    for arg in args {
        new.push(' ');
        new.push_str(arg);
    }
    format!(
        "`cargo workbook {verb}` is now `{new}` (maintainers' tools live under `dev`); running that"
    )
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

/// Grades `only` (or every chapter); `locked` grades with exactly the
/// dependency versions of Cargo.lock, as a report must.
fn grade_all(
    root: &Path,
    manifest: &Manifest,
    only: &[u32],
    announce: bool,
    locked: bool,
) -> Result<Vec<grade::ChapterGrade>, String> {
    let chapters = grade::chapters_to_grade(manifest, only)?;
    let mut grades = Vec::new();
    for chapter in &chapters {
        let bar = grade::spinner();
        let g = if locked {
            grade::grade_chapter_locked(root, chapter, &bar)
        } else {
            grade::grade_chapter(root, chapter, &bar)
        };
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
    live::pick_up(root, manifest);
    let grades = grade_all(root, manifest, only, true, false)?;
    print!("{}", grade::scoreboard(manifest, &grades));
    live::send_in_background(root);
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
    let text = hint::for_terminal(&hint::tier_text(root, chapter, ex, tier)?);
    println!(
        "Exercise {} — {}: hint {tier} of {}, {}\n",
        ex.number,
        ex.title,
        hint::TIERS,
        hint::tier_name(tier)
    );
    println!("{text}\n");
    print!("{}", hint::where_to_edit(root, ex));
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
            .any(|e| e.id == ex.id && e.status == ExerciseStatus::Done)
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

/// The grading files that changed between two readings, named, e.g.
/// `tests/src/lib.rs changed, exercises.toml removed`; at most ten, then
/// how many more.
fn describe(differences: &[Difference]) -> String {
    let mut words: Vec<String> = differences
        .iter()
        .take(10)
        .map(|d| match d {
            Difference::Changed(p) => format!("{p} changed"),
            Difference::OnlyHere(p) => format!("{p} removed"),
            Difference::OnlyThere(p) => format!("{p} added"),
        })
        .collect();
    if differences.len() > 10 {
        words.push(format!("and {} more", differences.len() - 10));
    }
    words.join(", ")
}

/// The grader hash `class` expects: `--grader-hash`, else that of the
/// workbook checkout it runs in, else none.
fn expected_grader(given: Option<&str>) -> Result<Option<classroom::Expected>, String> {
    if let Some(hash) = given {
        let hash = hash.trim().to_ascii_lowercase();
        if !grading_files::is_hash(&hash) {
            return Err(format!(
                "--grader-hash {hash}: a grader hash is 64 hex digits, as \
                 `cargo workbook report --grader-hash` prints it"
            ));
        }
        return Ok(Some(classroom::Expected {
            hash,
            from: "--grader-hash".to_owned(),
        }));
    }
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(None);
    };
    let Some(root) = workspace::find_root(&cwd) else {
        return Ok(None);
    };
    Ok(Some(classroom::Expected {
        hash: GradingFiles::read(&root)?.hash(),
        from: format!("the grading files of your checkout, {}", root.display()),
    }))
}

fn overlay(learner: &Path, course: Option<&Path>) -> Result<ExitCode, String> {
    let course = match course {
        Some(c) => c.to_path_buf(),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?;
            workspace::find_root(&cwd).ok_or(
                "give the course's checkout with --course, or run this inside it: \
                 no folder above this one has exercises.toml",
            )?
        }
    };
    let done = grading_files::overlay(&course, learner)?;
    println!(
        "laid the course's {} grading files ({}) over {}",
        done.files,
        course.display(),
        learner.display()
    );
    if done.replaced.is_empty() {
        println!("the learner's grading files were already the course's");
    } else {
        println!(
            "{} of the learner's grading files were not the course's:",
            done.replaced.len()
        );
        for d in &done.replaced {
            match d {
                Difference::Changed(p) => println!("  replaced  {p}"),
                Difference::OnlyHere(p) => {
                    println!("  removed   {p} (the course has no such file)")
                }
                Difference::OnlyThere(p) => println!("  restored  {p}"),
            }
        }
    }
    println!(
        "kept the learner's code: {}",
        grading_files::LEARNER_CODE.join(", ")
    );
    println!("grader hash {}", done.hash);
    Ok(ExitCode::SUCCESS)
}

/// `class`: the table and the page, then, with `--serve` (a port), the
/// server until Ctrl-C.
fn class_cmd(
    dir: &Path,
    html: Option<&Path>,
    grader_hash: Option<&str>,
    rules: class::Rules,
    serve: Option<(std::net::SocketAddr, Option<String>)>,
) -> Result<ExitCode, String> {
    let expected = expected_grader(grader_hash)?;
    let page = html.map_or_else(|| dir.join("class.html"), Path::to_path_buf);
    let (view, kept) = class::read(dir, expected.clone(), rules)?;
    if let Err(e) = kept {
        eprintln!("workbook: cannot keep the reports' history: {e}");
    }
    print!("{}", class::text::table(&view));
    let now = class::time::unix(SystemTime::now());
    class::write_page(&page, &class::page::html(&view, "static", now))?;
    println!("HTML: {}", page.display());
    if let Some((listen, token)) = serve {
        // The course's exercises, to refuse reports of others: those of
        // the checkout this runs in, if any.
        let exercises = std::env::current_dir()
            .ok()
            .and_then(|cwd| workspace::find_root(&cwd))
            .map(|root| read_manifest(&root))
            .transpose()?
            .map(|m| m.exercises.iter().map(|e| e.id.clone()).collect());
        class::serve::serve(class::serve::Options {
            dir: dir.to_path_buf(),
            html: page,
            expected,
            rules,
            listen,
            token: class::serve::token_for(dir, token.as_deref())?,
            exercises,
        })?;
    }
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
            println!("workbook dev gen --check: every chapter matches its solution");
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            eprintln!("  {s}");
        }
        eprintln!(
            "workbook dev gen --check: {} stale file(s); regenerate with `cargo workbook dev gen`",
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
        println!("workbook dev book-check: the book builds cleanly and every link resolves");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("  {p}");
    }
    eprintln!("workbook dev book-check: {} problem(s)", problems.len());
    Ok(ExitCode::FAILURE)
}
