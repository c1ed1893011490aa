//! The stub generator, on fixtures: every shape of exercise region, the
//! mistakes it must refuse, and `--check` catching a stale stub.

mod common;

use std::path::PathBuf;

use common::Scratch;
use grader::manifest::Manifest;
use workbook::generate::{self, Stale, Written};

fn fixture_manifest() -> Manifest {
    Manifest::parse(include_str!("fixtures/exercises.toml")).expect("fixture manifest parses")
}

fn stub(source: &str) -> Result<String, String> {
    let manifest = fixture_manifest();
    let chapter = manifest.chapter(7).expect("fixture chapter").clone();
    generate::stub_source(source, &manifest, &chapter).map_err(|e| e.0)
}

/// Proves each region shape becomes the right stub: requirements, given
/// code, `todo!`, `async move` for an `impl Future` body, allows only where
/// parameters go unused, and the exercise-only import kept as a hint.
#[test]
fn every_region_shape_becomes_its_stub() {
    let out = stub(include_str!("fixtures/lib.rs")).expect("the fixture generates");
    let formatted = generate::rustfmt(&out).expect("the stub is valid Rust");
    insta::assert_snapshot!(formatted);
}

#[test]
fn a_region_outside_a_function_is_refused() {
    let err = stub("// exercise: plain-body\nconst X: u8 = 1;\n// end exercise: plain-body\n")
        .unwrap_err();
    assert!(err.contains("not inside a function body"), "{err}");
}

#[test]
fn an_unknown_exercise_is_refused() {
    let err = stub("fn f() {\n    // exercise: nope\n    // end exercise: nope\n}\n").unwrap_err();
    assert!(err.contains("\"nope\" is not in exercises.toml"), "{err}");
}

#[test]
fn a_missing_end_marker_is_refused() {
    let err = stub("fn f() {\n    // exercise: plain-body\n}\n").unwrap_err();
    assert!(
        err.contains("has no `// end exercise: plain-body` line"),
        "{err}"
    );
}

#[test]
fn a_trailing_marker_off_a_use_line_is_refused() {
    let err = stub("const X: u8 = 1; // exercise: plain-body\n").unwrap_err();
    assert!(err.contains("only goes on a `use` line"), "{err}");
}

/// Proves `gen --check` notices a missing, a stale and an extra stub file,
/// and that `gen` fixes them while keeping a backup of what it replaced.
#[test]
fn check_catches_a_stale_stub_and_gen_repairs_it_with_a_backup() {
    let ws = Scratch::new("gen");
    ws.write("exercises.toml", include_str!("fixtures/exercises.toml"));
    ws.write(
        "solutions/07-fixture/Cargo.toml",
        "[package]\nname = \"solution-7\"\nversion = \"0.1.0\"\n",
    );
    ws.write(
        "solutions/07-fixture/src/lib.rs",
        include_str!("fixtures/lib.rs"),
    );
    ws.write(
        "solutions/07-fixture/tests/grade.rs",
        "grader::chapter7!(solution_7);\n",
    );
    let manifest = fixture_manifest();
    let lib = PathBuf::from("chapters/07-fixture/src/lib.rs");

    let stale = generate::check(&ws.0, &manifest, None).expect("check runs");
    assert!(stale.contains(&Stale::Missing(lib.clone())), "{stale:?}");

    let backups = ws.0.join("backups");
    let written = generate::write(&ws.0, &manifest, None, &backups).expect("gen runs");
    assert_eq!(written.len(), 3, "{written:?}");
    assert_eq!(
        generate::check(&ws.0, &manifest, None).expect("check runs"),
        []
    );
    assert_eq!(
        ws.read("chapters/07-fixture/tests/grade.rs"),
        "grader::chapter7!(chapter_7);\n"
    );
    assert!(
        ws.read("chapters/07-fixture/Cargo.toml")
            .contains("name = \"chapter-7\"")
    );

    // A learner's (or a careless maintainer's) edit makes the stub stale…
    let edited = ws.read(&lib).replace("todo!(", "my_answer(); todo!(");
    ws.write("chapters/07-fixture/src/lib.rs", &edited);
    ws.write("chapters/07-fixture/src/extra.rs", "// mine\n");
    let stale = generate::check(&ws.0, &manifest, None).expect("check runs");
    assert!(stale.contains(&Stale::Differs(lib.clone())), "{stale:?}");
    assert!(
        stale.contains(&Stale::Extra(PathBuf::from(
            "chapters/07-fixture/src/extra.rs"
        ))),
        "{stale:?}"
    );

    // …and regenerating keeps the edit in a backup, never loses it.
    let written = generate::write(&ws.0, &manifest, None, &backups).expect("gen runs");
    let Some(Written::Replaced { backup, .. }) = written.first() else {
        panic!("expected the edited stub to be replaced: {written:?}");
    };
    assert_eq!(
        std::fs::read_to_string(backup).expect("backup exists"),
        edited
    );
    assert!(!ws.read(&lib).contains("my_answer"));
    // The extra file is the chapter's business: reported, never deleted.
    assert_eq!(ws.read("chapters/07-fixture/src/extra.rs"), "// mine\n");
}
