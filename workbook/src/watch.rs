//! `workbook watch [N]`: re-grade a chapter every time a file in it is saved.
//!
//! Shows only what matters next: the first failing check's message and
//! where its hints are. Enter re-runs by hand, `q` then Enter quits.
//! `--manual` skips file events altogether, for file systems (network
//! drives, some containers) where they never arrive.

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use grader::manifest::{Chapter, Manifest};
use grader::results::ExerciseStatus;
use grader::results::report::Report;
use notify::{RecursiveMode, Watcher};

use crate::grade::{self, Graded};

enum Wake {
    Changed,
    Rerun,
    Quit,
}

/// The chapter to watch when none is named, and why (for the first line
/// `watch` prints): the chapter crate the learner edited last, if they
/// edited any since the workspace was checked out; otherwise the first
/// chapter whose last results are not all passing (or that was never
/// graded).
pub fn current_chapter(root: &Path, manifest: &Manifest) -> Option<(Chapter, &'static str)> {
    if let Some(chapter) = last_edited(root, manifest) {
        return Some((chapter, "the chapter you edited last"));
    }
    manifest
        .chapters
        .iter()
        .find(|c| match grade::last_results(root, c) {
            Some(report) => report
                .exercises
                .iter()
                .any(|e| e.status != ExerciseStatus::Done),
            None => true,
        })
        .map(|c| (c.clone(), "the first chapter with work left"))
        .or_else(|| {
            manifest
                .chapters
                .last()
                .map(|c| (c.clone(), "the last chapter"))
        })
}

/// The chapter whose `src/` holds the most recently modified Rust file, if
/// that file changed after the checkout (a few seconds after the
/// workspace's own `exercises.toml` was written): on a fresh clone every
/// file is as new as every other, and nothing was edited yet.
fn last_edited(root: &Path, manifest: &Manifest) -> Option<Chapter> {
    let checkout = modified(&root.join("exercises.toml"))?;
    let mut best: Option<(SystemTime, &Chapter)> = None;
    for chapter in &manifest.chapters {
        let src = root.join("chapters").join(&chapter.slug).join("src");
        if let Some(when) = newest_file(&src) {
            if best.is_none_or(|(b, _)| when > b) {
                best = Some((when, chapter));
            }
        }
    }
    let (when, chapter) = best?;
    (when > checkout + Duration::from_secs(5)).then(|| chapter.clone())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// The newest modification time of the Rust files below `dir`.
fn newest_file(dir: &Path) -> Option<SystemTime> {
    let mut files = Vec::new();
    crate::book::collect(dir, "rs", &mut files);
    files.iter().filter_map(|f| modified(f)).max()
}

/// What changed since the last run, in one line per exercise that turned
/// green: "✓ 2.2 passes — next: 2.3 GET and SET".
pub fn progress(before: Option<&Report>, now: &Report) -> String {
    let Some(before) = before else {
        return String::new();
    };
    let was_done = |id: &str| {
        before
            .exercises
            .iter()
            .any(|e| e.id == id && e.status == ExerciseStatus::Done)
    };
    let mut out = String::new();
    for (i, exercise) in now.exercises.iter().enumerate() {
        if exercise.status != ExerciseStatus::Done || was_done(&exercise.id) {
            continue;
        }
        let next = now.exercises[i + 1..]
            .iter()
            .chain(&now.exercises[..i])
            .find(|e| e.status != ExerciseStatus::Done);
        out.push_str(&match next {
            Some(n) => format!(
                "✓ {} passes — next: {} {}\n",
                exercise.number, n.number, n.title
            ),
            None => format!(
                "✓ {} passes — and with it, all of chapter {}\n",
                exercise.number, now.chapter
            ),
        });
    }
    out
}

/// What one run shows: the first failure and its hint, or a cheer.
pub fn focus(manifest: &Manifest, graded: &grade::ChapterGrade) -> String {
    match &graded.graded {
        Graded::Ran(_) if graded.passed() => format!(
            "Chapter {} is done: every check passes.\n",
            graded.chapter.number
        ),
        Graded::Ran(_) => match graded.first_failing() {
            Some(check) => {
                let hint = manifest
                    .exercise(&check.exercise)
                    .map(|e| format!("  stuck? cargo workbook hint {}\n", e.number))
                    .unwrap_or_default();
                format!("✗ {}\n{}\n{hint}", check.id, check.message.trim_end())
            }
            None => "No checks ran.\n".to_owned(),
        },
        Graded::DidNotCompile(error) if graded.compiler.is_empty() => format!(
            "✗ chapter {} does not compile: {error}\n  see every error: cargo build -p {}\n",
            graded.chapter.number,
            graded.chapter.package()
        ),
        Graded::DidNotCompile(_) => format!(
            "✗ chapter {} does not compile. What the compiler says (read the first error \
             first: later ones often follow from it):\n\n{}\n",
            graded.chapter.number,
            graded.compiler.trim_end()
        ),
        Graded::Broken(why) => format!("✗ could not grade: {why}\n"),
    }
}

/// Runs until the learner quits.
pub fn run(
    root: &Path,
    manifest: &Manifest,
    chapter: &Chapter,
    why: Option<&str>,
    manual: bool,
) -> Result<(), String> {
    match why {
        Some(why) => println!(
            "Watching chapter {} ({}): {why}. `cargo workbook watch N` watches another.",
            chapter.number, chapter.title
        ),
        None => println!("Watching chapter {} ({}).", chapter.number, chapter.title),
    }
    let (tx, rx) = mpsc::channel::<Wake>();

    let keys = tx.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let wake = match line {
                Ok(l) if l.trim().eq_ignore_ascii_case("q") => Wake::Quit,
                Ok(_) => Wake::Rerun,
                Err(_) => Wake::Quit,
            };
            let quit = matches!(wake, Wake::Quit);
            if keys.send(wake).is_err() || quit {
                break;
            }
        }
        // Standard input closed: keep watching files, but no more keys.
    });

    // Kept alive for the whole loop: dropping the watcher stops events.
    let _watcher = if manual {
        None
    } else {
        let changes = tx.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    let source = event
                        .paths
                        .iter()
                        .any(|p| p.extension().is_some_and(|e| e == "rs" || e == "toml"));
                    if source
                        && (event.kind.is_modify()
                            || event.kind.is_create()
                            || event.kind.is_remove())
                    {
                        let _ = changes.send(Wake::Changed);
                    }
                }
            })
            .map_err(|e| {
                format!("cannot watch files ({e}); try `cargo workbook watch --manual`")
            })?;
        let dir = root.join("chapters").join(&chapter.slug);
        watcher.watch(&dir, RecursiveMode::Recursive).map_err(|e| {
            format!(
                "cannot watch {} ({e}); try `cargo workbook watch --manual`",
                dir.display()
            )
        })?;
        Some(watcher)
    };
    drop(tx);

    let how = if manual {
        "press Enter to re-run".to_owned()
    } else {
        format!(
            "re-runs when you save a file in chapters/{}; Enter re-runs now",
            chapter.slug
        )
    };
    let mut last: Option<Report> = grade::last_results(root, chapter);
    loop {
        // What a plain `cargo test` left meanwhile is sent first (in a
        // class), dated when it ran.
        crate::live::pick_up(root, manifest);
        let bar = grade::spinner();
        let graded = grade::grade_chapter(root, chapter, &bar);
        bar.finish_and_clear();
        println!("\n── chapter {}: {} ──", chapter.number, chapter.title);
        if let Graded::Ran(report) = &graded.graded {
            print!("{}", progress(last.as_ref(), report));
            last = Some(report.clone());
        }
        print!("{}", focus(manifest, &graded));
        crate::live::send_in_background(root);
        println!("({how}; q then Enter quits)");

        match rx.recv() {
            Ok(Wake::Quit) | Err(_) => return Ok(()),
            Ok(Wake::Changed | Wake::Rerun) => {
                // Editors save in bursts (write, rename, touch): wait for
                // the burst to end, then run once.
                while let Ok(wake) = rx.recv_timeout(Duration::from_millis(200)) {
                    if matches!(wake, Wake::Quit) {
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grader::results::report::ExerciseReport;

    fn report(statuses: &[(&str, ExerciseStatus)]) -> Report {
        Report {
            format: String::new(),
            chapter: 2,
            title: "Spawning".into(),
            package: "chapter-2".into(),
            exercises: statuses
                .iter()
                .map(|(n, status)| ExerciseReport {
                    id: format!("ex-{n}"),
                    number: (*n).into(),
                    title: format!("title {n}"),
                    status: *status,
                    passed: 0,
                    ran: 0,
                })
                .collect(),
            checks: Vec::new(),
        }
    }

    #[test]
    fn an_exercise_that_turns_green_is_announced_with_the_next() {
        use ExerciseStatus::{Done, InProgress, NotStarted};
        let before = report(&[("2.1", Done), ("2.2", InProgress), ("2.3", NotStarted)]);
        let now = report(&[("2.1", Done), ("2.2", Done), ("2.3", NotStarted)]);
        assert_eq!(
            progress(Some(&before), &now),
            "✓ 2.2 passes — next: 2.3 title 2.3\n"
        );
        let all = report(&[("2.1", Done), ("2.2", Done), ("2.3", Done)]);
        assert_eq!(
            progress(Some(&now), &all),
            "✓ 2.3 passes — and with it, all of chapter 2\n"
        );
        // Nothing new, or no earlier run to compare with: nothing to say.
        assert_eq!(progress(Some(&now), &now), "");
        assert_eq!(progress(None, &now), "");
    }
}
