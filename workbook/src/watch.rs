//! `workbook watch [N]`: re-grade a chapter every time a file in it is saved.
//!
//! Shows only what matters next: the first failing check's message and
//! where its hints are. Enter re-runs by hand, `q` then Enter quits.
//! `--manual` skips file events altogether, for file systems (network
//! drives, some containers) where they never arrive.

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use grader::manifest::{Chapter, Manifest};
use grader::results::ExerciseStatus;
use notify::{RecursiveMode, Watcher};

use crate::grade::{self, Graded};

enum Wake {
    Changed,
    Rerun,
    Quit,
}

/// The chapter to watch when none is named: the first one whose last
/// results are not all passing (or that was never graded).
pub fn current_chapter(root: &Path, manifest: &Manifest) -> Option<Chapter> {
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
        .or_else(|| manifest.chapters.last())
        .cloned()
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
        Graded::DidNotCompile(error) => format!(
            "✗ chapter {} does not compile: {error}\n  see every error: cargo build -p {}\n",
            graded.chapter.number,
            graded.chapter.package()
        ),
        Graded::Broken(why) => format!("✗ could not grade: {why}\n"),
    }
}

/// Runs until the learner quits.
pub fn run(
    root: &Path,
    manifest: &Manifest,
    chapter: &Chapter,
    manual: bool,
) -> Result<(), String> {
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
    loop {
        let bar = grade::spinner();
        let graded = grade::grade_chapter(root, chapter, &bar);
        bar.finish_and_clear();
        println!("\n── chapter {}: {} ──", chapter.number, chapter.title);
        print!("{}", focus(manifest, &graded));
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
