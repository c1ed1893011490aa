//! The grading files, their hash and the overlay, without building
//! anything: on small made-up checkouts, and on scratch copies of this
//! workspace.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;
use workbook::grading_files::{
    self, Difference, GRADING_FILES, GradingFiles, LEARNER_CODE, overlay,
};

/// A small course: what a workbook checkout has, a few lines each.
const COURSE: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        "[workspace]\nmembers = [\"chapters/*\", \"tests\", \"workbook\"]\n",
    ),
    ("Cargo.lock", "version = 4\n"),
    (
        ".cargo/config.toml",
        "[alias]\nworkbook = \"run -p workbook --\"\n",
    ),
    ("exercises.toml", "[[chapter]]\nnumber = 1\n"),
    (
        "book/mistakes.toml",
        "[[mistake]]\nid = \"forgotten-await\"\n",
    ),
    ("book/src/ch01-hello-tokio.md", "# Hello Tokio\n"),
    ("tests/Cargo.toml", "[package]\nname = \"grader\"\n"),
    ("tests/build.rs", "fn main() {}\n"),
    ("tests/src/lib.rs", "pub fn grade() -> bool { false }\n"),
    ("tests/transcripts/ch02-set-get.snap", "> SET a b\n< +OK\n"),
    ("workbook/Cargo.toml", "[package]\nname = \"workbook\"\n"),
    ("workbook/src/main.rs", "fn main() {}\n"),
    (
        "chapters/01-hello-tokio/Cargo.toml",
        "[package]\nname = \"chapter-1\"\n",
    ),
    (
        "chapters/01-hello-tokio/src/lib.rs",
        "pub fn hello() { todo!() }\n",
    ),
    (
        "chapters/01-hello-tokio/examples/server.rs",
        "fn main() {}\n",
    ),
    (
        "chapters/01-hello-tokio/tests/grade.rs",
        "fn main() { grader::main() }\n",
    ),
    (
        "chapters/02-spawning/Cargo.toml",
        "[package]\nname = \"chapter-2\"\n",
    ),
    (
        "chapters/02-spawning/src/lib.rs",
        "pub fn serve() { todo!() }\n",
    ),
    (
        "chapters/02-spawning/tests/grade.rs",
        "fn main() { grader::main() }\n",
    ),
    ("solutions/01-hello-tokio/src/lib.rs", "pub fn hello() {}\n"),
    ("README.md", "# The Tokio Workbook\n"),
];

fn course(name: &str) -> Scratch {
    let dir = Scratch::new(name);
    for (path, text) in COURSE {
        dir.write(path, text);
    }
    dir
}

fn hash(root: &Path) -> String {
    GradingFiles::read(root).expect("reads").hash()
}

fn append(path: &Path, line: &str) {
    let mut text = std::fs::read_to_string(path).expect("read");
    text.push_str(line);
    std::fs::write(path, text).expect("write");
}

/// Proves the hash depends on the files, not on where the checkout is or
/// the order its files were written in.
#[test]
fn two_copies_of_a_course_have_one_hash() {
    let a = course("hash-a");
    let b = Scratch::new("hash-b");
    for (path, text) in COURSE.iter().rev() {
        b.write(path, text);
    }
    assert_eq!(hash(&a.0), hash(&b.0));
    assert!(grading_files::is_hash(&hash(&a.0)));
    // Twice the same: nothing random in it.
    assert_eq!(hash(&a.0), hash(&a.0));
}

/// Proves every kind of grading file counts: editing, adding or removing
/// one changes the hash, in the grader, the manifest, the catalogue, a
/// chapter's tests/ or Cargo.toml, and a file the course does not have.
#[test]
fn editing_a_grading_file_changes_the_hash() {
    type Edit = (&'static str, fn(&Path));
    let edits: &[Edit] = &[
        ("a line added to the grader", |r| {
            append(&r.join("tests/src/lib.rs"), "// mine\n");
        }),
        ("a line added to exercises.toml", |r| {
            append(&r.join("exercises.toml"), "# mine\n");
        }),
        ("the mistake catalogue edited", |r| {
            append(&r.join("book/mistakes.toml"), "# mine\n");
        }),
        ("a transcript edited", |r| {
            append(&r.join("tests/transcripts/ch02-set-get.snap"), "< +OK\n");
        }),
        ("a chapter's grade.rs replaced", |r| {
            std::fs::write(
                r.join("chapters/01-hello-tokio/tests/grade.rs"),
                "fn main() {}\n",
            )
            .expect("write");
        }),
        ("a chapter's Cargo.toml edited", |r| {
            append(
                &r.join("chapters/02-spawning/Cargo.toml"),
                "[dependencies]\n",
            );
        }),
        ("a build script added to a chapter", |r| {
            std::fs::write(r.join("chapters/01-hello-tokio/build.rs"), "fn main() {}\n")
                .expect("write");
        }),
        ("a toolchain pinned", |r| {
            std::fs::write(r.join("rust-toolchain.toml"), "[toolchain]\n").expect("write");
        }),
        ("cargo's settings edited", |r| {
            append(&r.join(".cargo/config.toml"), "[build]\n");
        }),
        ("the lock file edited", |r| {
            append(&r.join("Cargo.lock"), "\n")
        }),
        ("the workbook edited", |r| {
            append(&r.join("workbook/src/main.rs"), "// mine\n");
        }),
        ("a grader file removed", |r| {
            std::fs::remove_file(r.join("tests/build.rs")).expect("remove");
        }),
        ("a file added to the grader", |r| {
            std::fs::write(r.join("tests/src/extra.rs"), "").expect("write");
        }),
        ("a file renamed in the grader", |r| {
            std::fs::rename(r.join("tests/build.rs"), r.join("tests/build2.rs")).expect("rename");
        }),
    ];
    let pristine = course("edit-pristine");
    let expected = hash(&pristine.0);
    for (what, edit) in edits {
        let dir = course("edit");
        edit(&dir.0);
        assert_ne!(hash(&dir.0), expected, "{what} left the hash as it was");
        drop(dir);
    }
}

/// Proves the learner's own code, and what is not a grading file, leave
/// the hash alone: a finished chapter, a new module or example, solutions,
/// the book's pages, the README, editors' leftovers.
#[test]
fn learner_code_and_other_files_leave_the_hash_alone() {
    let pristine = course("alone-pristine");
    let expected = hash(&pristine.0);
    let dir = course("alone");
    let r = &dir.0;
    std::fs::write(
        r.join("chapters/01-hello-tokio/src/lib.rs"),
        "pub fn hello() {}\n",
    )
    .expect("write");
    dir.write("chapters/02-spawning/src/helpers.rs", "pub fn help() {}\n");
    dir.write("chapters/02-spawning/examples/mine.rs", "fn main() {}\n");
    append(
        &r.join("solutions/01-hello-tokio/src/lib.rs"),
        "// peeked\n",
    );
    append(&r.join("book/src/ch01-hello-tokio.md"), "my notes\n");
    append(&r.join("README.md"), "my notes\n");
    dir.write(".workbook/results/chapter-1.json", "{}");
    dir.write("target/debug/grade", "binary");
    dir.write("chapters/01-hello-tokio/.DS_Store", "finder");
    dir.write("chapters/.DS_Store", "finder");
    dir.write("tests/src/lib.rs~", "backup");
    dir.write("tests/transcripts/ch02-set-get.snap.new", "unreviewed");
    assert_eq!(hash(r), expected);
}

/// Proves the list names what the brief of the overlay says, and that the
/// learner's code lies inside it (so it needs its own exception).
#[test]
fn the_list_covers_the_grader_and_keeps_the_learners_code_out() {
    for needed in [
        "tests",
        "workbook",
        "exercises.toml",
        "book/mistakes.toml",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo",
        "chapters/*",
    ] {
        assert!(
            GRADING_FILES.contains(&needed),
            "{needed} is not a grading file"
        );
    }
    assert_eq!(LEARNER_CODE, ["chapters/*/src", "chapters/*/examples"]);
    let files = GradingFiles::read(&course("listing").0).expect("reads");
    let listing = files.listing();
    assert!(
        listing.contains("  chapters/01-hello-tokio/tests/grade.rs\n"),
        "{listing}"
    );
    assert!(listing.contains("  tests/src/lib.rs\n"), "{listing}");
    assert!(
        !listing.contains("chapters/01-hello-tokio/src"),
        "{listing}"
    );
    assert!(!listing.contains("examples"), "{listing}");
    assert!(!listing.contains("solutions"), "{listing}");
    assert!(!listing.contains("README"), "{listing}");
}

/// A learner who tried everything: an edited grader, manifest and
/// catalogue; a chapter whose grade.rs writes its own verdict; a build
/// script; a toolchain pin; a chapter of their own; a grader file removed.
fn tamper(learner: &Scratch) {
    let r = &learner.0;
    append(
        &r.join("tests/src/lib.rs"),
        "pub fn forged() -> bool { true }\n",
    );
    append(&r.join("exercises.toml"), "[[chapter]]\nnumber = 99\n");
    append(&r.join("book/mistakes.toml"), "# mine\n");
    learner.write(
        "chapters/01-hello-tokio/tests/grade.rs",
        "fn main() { std::fs::write(std::env::var(\"WORKBOOK_RESULTS\").unwrap(), \"pass\").unwrap() }\n",
    );
    learner.write("chapters/01-hello-tokio/build.rs", "fn main() {}\n");
    learner.write(
        "rust-toolchain.toml",
        "[toolchain]\nchannel = \"nightly\"\n",
    );
    learner.write(
        ".cargo/config.toml",
        "[build]\nrustflags = [\"--cfg\", \"forged\"]\n",
    );
    learner.write(
        "chapters/99-mine/Cargo.toml",
        "[package]\nname = \"mine\"\n",
    );
    learner.write("chapters/99-mine/src/lib.rs", "\n");
    std::fs::remove_file(r.join("tests/build.rs")).expect("remove");
    // The learner's own work, which must survive.
    learner.write(
        "chapters/01-hello-tokio/src/lib.rs",
        "pub fn hello() { /* mine */ }\n",
    );
    learner.write("chapters/02-spawning/src/extra.rs", "// mine\n");
    learner.write("chapters/01-hello-tokio/examples/mine.rs", "fn main() {}\n");
    learner.write("README.md", "my notes\n");
}

/// Proves the overlay gives a tampered checkout the course's grading files
/// (the course's hash), removes what the course does not have, keeps every
/// line of the learner's code, and lists what it replaced.
#[test]
fn the_overlay_takes_back_every_grading_file_and_keeps_the_learners_code() {
    let course = course("overlay-course");
    let learner = self::course("overlay-learner");
    tamper(&learner);
    assert_ne!(hash(&learner.0), hash(&course.0));

    let done = overlay(&course.0, &learner.0).expect("overlays");
    assert_eq!(done.hash, hash(&course.0));
    assert_eq!(hash(&learner.0), hash(&course.0));
    assert_eq!(
        GradingFiles::read(&learner.0).expect("reads"),
        GradingFiles::read(&course.0).expect("reads")
    );
    let r = &learner.0;
    for gone in [
        "chapters/01-hello-tokio/build.rs",
        "rust-toolchain.toml",
        "chapters/99-mine",
    ] {
        assert!(!r.join(gone).exists(), "{gone} is still there");
    }
    assert_eq!(learner.read("tests/build.rs"), "fn main() {}\n");
    assert_eq!(
        learner.read("chapters/01-hello-tokio/tests/grade.rs"),
        "fn main() { grader::main() }\n"
    );
    // The learner's code, kept as they wrote it; the course's stub did not
    // come back over it.
    assert_eq!(
        learner.read("chapters/01-hello-tokio/src/lib.rs"),
        "pub fn hello() { /* mine */ }\n"
    );
    assert_eq!(
        learner.read("chapters/02-spawning/src/extra.rs"),
        "// mine\n"
    );
    assert_eq!(
        learner.read("chapters/01-hello-tokio/examples/mine.rs"),
        "fn main() {}\n"
    );
    assert_eq!(learner.read("README.md"), "my notes\n");

    let mut replaced = done.replaced.clone();
    replaced.sort_by_key(|d| format!("{d:?}"));
    assert_eq!(
        replaced,
        [
            Difference::Changed(".cargo/config.toml".to_owned()),
            Difference::Changed("book/mistakes.toml".to_owned()),
            Difference::Changed("chapters/01-hello-tokio/tests/grade.rs".to_owned()),
            Difference::Changed("exercises.toml".to_owned()),
            Difference::Changed("tests/src/lib.rs".to_owned()),
            Difference::OnlyHere("chapters/01-hello-tokio/build.rs".to_owned()),
            Difference::OnlyHere("chapters/99-mine/Cargo.toml".to_owned()),
            Difference::OnlyHere("rust-toolchain.toml".to_owned()),
            Difference::OnlyThere("tests/build.rs".to_owned()),
        ]
    );

    // A second overlay finds nothing to do.
    let again = overlay(&course.0, &learner.0).expect("overlays");
    assert!(again.replaced.is_empty(), "{:?}", again.replaced);
}

/// Proves links cannot smuggle files in: a link where the course has a
/// file or a folder changes the hash, and the overlay replaces the link
/// itself, never writing through it.
#[cfg(unix)]
#[test]
fn links_are_hashed_as_links_and_replaced_not_followed() {
    use std::os::unix::fs::symlink;
    let course = course("links-course");
    let learner = self::course("links-learner");
    let elsewhere = Scratch::new("links-elsewhere");
    elsewhere.write("mistakes.toml", "[[mistake]]\nid = \"forgotten-await\"\n");
    elsewhere.write("lib.rs", "pub fn grade() -> bool { false }\n");
    let r = &learner.0;
    // The same bytes, reached through links.
    std::fs::remove_dir_all(r.join("book")).expect("remove");
    symlink(&elsewhere.0, r.join("book")).expect("link");
    std::fs::remove_file(r.join("tests/src/lib.rs")).expect("remove");
    symlink(elsewhere.0.join("lib.rs"), r.join("tests/src/lib.rs")).expect("link");
    assert_ne!(hash(r), hash(&course.0));

    overlay(&course.0, r).expect("overlays");
    assert_eq!(hash(r), hash(&course.0));
    assert!(
        !std::fs::symlink_metadata(r.join("book"))
            .expect("book")
            .is_symlink()
    );
    assert!(
        !std::fs::symlink_metadata(r.join("tests/src/lib.rs"))
            .expect("lib.rs")
            .is_symlink()
    );
    // Nothing was written where the links pointed.
    assert_eq!(
        elsewhere.read("lib.rs"),
        "pub fn grade() -> bool { false }\n"
    );
    let mut left: Vec<_> = std::fs::read_dir(&elsewhere.0)
        .expect("read")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["lib.rs", "mistakes.toml"]);
}

#[test]
fn the_overlay_refuses_a_course_that_is_not_a_workbook() {
    let not_a_course = Scratch::new("overlay-nothing");
    let learner = course("overlay-refused");
    let err = overlay(&not_a_course.0, &learner.0).expect_err("refused");
    assert!(err.contains("is not a workbook checkout"), "{err}");
    let err = overlay(&learner.0, &learner.0).expect_err("refused");
    assert!(err.contains("same folder"), "{err}");
    // A learner's copy inside the course's grader would be copied into
    // itself; one in a folder of its own inside the course is fine.
    let course = course("overlay-nested");
    for (path, text) in COURSE {
        course.write(&format!("tests/ada/{path}"), text);
        course.write(&format!("learners/ada/{path}"), text);
    }
    let err = overlay(&course.0, &course.0.join("tests/ada")).expect_err("refused");
    assert!(
        err.contains("lies inside the other's grading files"),
        "{err}"
    );
    overlay(&course.0, &course.0.join("learners/ada")).expect("side by side enough");
}

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workbook/ sits in the workspace")
        .to_path_buf()
}

/// Copies a workspace without its build output, history and learner state.
fn copy_workspace(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let name = entry.file_name();
        // Build output, history, learner state and the built book.
        let skip = matches!(name.to_str(), Some("target" | ".git" | ".workbook"))
            || (name == "book" && from.ends_with("book"));
        if skip {
            continue;
        }
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            copy_workspace(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy file");
        }
    }
}

fn grader_hash_cli(root: &Path) -> String {
    let out = Command::cargo_bin("workbook")
        .expect("the workbook binary is built")
        .args(["report", "--grader-hash"])
        .current_dir(root)
        .output()
        .expect("the workbook command runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// On this workspace: an untouched copy has the instructor's hash (that of
/// the copy it came from), as `report --grader-hash` prints it; a line
/// added to the grader or to exercises.toml changes it; a learner's
/// finished chapter does not.
#[test]
fn on_this_workspace_only_grading_files_change_the_hash() {
    let instructor = Scratch::new("workspace-instructor");
    copy_workspace(&source_root(), &instructor.0);
    let expected = grader_hash_cli(&instructor.0);
    assert!(grading_files::is_hash(&expected), "{expected}");
    assert_eq!(expected, hash(&instructor.0));
    let files = GradingFiles::read(&instructor.0).expect("reads");
    assert!(files.len() > 50, "only {} grading files", files.len());

    let learner = Scratch::new("workspace-learner");
    copy_workspace(&instructor.0, &learner.0);
    assert_eq!(grader_hash_cli(&learner.0), expected, "an untouched copy");

    // Learner code: every chapter's src/ rewritten.
    for chapter in std::fs::read_dir(learner.0.join("chapters"))
        .expect("chapters")
        .flatten()
    {
        append(&chapter.path().join("src/lib.rs"), "\n// my work\n");
    }
    assert_eq!(
        grader_hash_cli(&learner.0),
        expected,
        "learner code changed it"
    );

    for (file, line) in [
        ("tests/src/lib.rs", "\n// one more line\n"),
        ("exercises.toml", "\n# one more line\n"),
    ] {
        let path = learner.0.join(file);
        let before = std::fs::read(&path).expect("read");
        append(&path, line);
        assert_ne!(
            grader_hash_cli(&learner.0),
            expected,
            "{file} left it unchanged"
        );
        std::fs::write(&path, before).expect("restore");
        assert_eq!(grader_hash_cli(&learner.0), expected, "{file} restored");
    }
}

/// Proves the list is shown where it is documented, from its one
/// definition: the instructors' page includes it from the source, and the
/// workflow's header names every entry and the command that applies it.
#[test]
fn the_workflow_and_the_book_show_the_one_list() {
    let root = source_root();
    let page = std::fs::read_to_string(root.join("book/src/instructors.md")).expect("page");
    assert!(
        page.contains("{{#include ../../workbook/src/grading_files.rs:grading-files}}"),
        "the instructors' page does not include the list"
    );
    let source = std::fs::read_to_string(root.join("workbook/src/grading_files.rs")).expect("src");
    assert!(
        source.contains("// ANCHOR: grading-files")
            && source.contains("// ANCHOR_END: grading-files")
    );
    let workflow = std::fs::read_to_string(root.join("instructor/classroom.yml")).expect("yml");
    let header: String = workflow
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for entry in GRADING_FILES.iter().chain(LEARNER_CODE) {
        let named = header
            .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .any(|word| word == *entry);
        assert!(
            named,
            "instructor/classroom.yml's header does not name {entry}"
        );
    }
    assert!(workflow.contains("workbook\" overlay --course course learner"));
    assert!(workflow.contains("report --json"));
}

fn workbook(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("workbook")
        .expect("the workbook binary is built")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the workbook command runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Proves `cargo workbook overlay` prints what it replaced, removed and
/// restored, what it kept, and the course's grader hash.
#[test]
fn overlay_on_the_command_line_says_what_differed() {
    let course = course("cli-course");
    let learner = self::course("cli-learner");
    tamper(&learner);
    let learner_path = learner.0.display().to_string();
    let (code, out, err) = workbook(&["overlay", &learner_path], &course.0);
    assert_eq!(code, 0, "{out}{err}");
    for line in [
        "9 of the learner's grading files were not the course's:",
        "  replaced  tests/src/lib.rs",
        "  replaced  chapters/01-hello-tokio/tests/grade.rs",
        "  removed   chapters/01-hello-tokio/build.rs (the course has no such file)",
        "  restored  tests/build.rs",
        "kept the learner's code: chapters/*/src, chapters/*/examples",
    ] {
        assert!(out.contains(line), "no `{line}` in:\n{out}");
    }
    assert!(
        out.ends_with(&format!("grader hash {}\n", hash(&course.0))),
        "{out}"
    );
    let (code, out, _) = workbook(&["overlay", &learner_path], &course.0);
    assert_eq!(code, 0);
    assert!(
        out.contains("the learner's grading files were already the course's"),
        "{out}"
    );
}

/// Proves where `class` takes the expected hash from: --grader-hash
/// (refused unless it is a hash), else the workbook checkout it runs in,
/// else nowhere, which it says.
#[test]
fn class_expects_the_given_hash_or_its_checkouts() {
    let course = course("cli-class-course");
    let reports = Scratch::new("cli-class-reports");
    let mut report = workbook::classroom::report(&grader::manifest::MANIFEST, &[], None);
    report.learner = Some("ada".to_owned());
    report.grader_hash = Some(hash(&course.0));
    reports.write("ada.json", &serde_json::to_string(&report).expect("json"));
    let dir = reports.0.display().to_string();

    let (code, out, err) = workbook(&["class", &dir], &course.0);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("ada") && l.contains(" same ")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Expected grader hash {} (the grading files of your checkout, {})",
            hash(&course.0),
            course.0.display()
        )),
        "{out}"
    );

    let other = "0".repeat(64);
    let (code, out, _) = workbook(&["class", &dir, "--grader-hash", &other], &course.0);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("ada") && l.contains(" DIFFERENT ")),
        "{out}"
    );

    let (code, out, _) = workbook(&["class", &dir], &reports.0);
    assert_eq!(code, 0);
    assert!(out.contains("Grader hashes not checked"), "{out}");

    let (code, _, err) = workbook(&["class", &dir, "--grader-hash", "abc"], &course.0);
    assert_eq!(code, 2);
    assert!(err.contains("a grader hash is 64 hex digits"), "{err}");
}
