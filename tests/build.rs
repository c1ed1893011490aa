//! Turns the mistake catalogue (`book/mistakes.toml`) into constants, so a
//! check that names a mistake the catalogue does not have fails to compile.

use std::fmt::Write as _;

#[path = "src/mistakes/catalogue.rs"]
mod catalogue;

fn main() {
    // Read at run time: a build script compiled for one copy of the
    // workspace may run for another that shares its target folder.
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let path = format!("{dir}/../book/mistakes.toml");
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("grader: cannot read {path}: {e}"));
    let entries = catalogue::parse(&text).unwrap_or_else(|e| panic!("grader: {e}"));
    let mut out = String::new();
    for e in &entries {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "/// `[{id}]`: {title}\npub const {name}: Mistake = Mistake {{ id: {id:?}, \
             explanation: {explanation:?}, book: BookRef {{ page: {page:?}, anchor: {anchor:?}, \
             title: {title:?} }} }};",
            id = e.id,
            name = e.const_name(),
            explanation = e.explanation,
            page = e.page,
            anchor = e.anchor,
            title = e.title,
        );
    }
    let names: Vec<String> = entries.iter().map(catalogue::Entry::const_name).collect();
    let _ = writeln!(
        out,
        "/// Every mistake in the catalogue, in its order.\npub const ALL: &[Mistake] = &[{}];",
        names.join(", ")
    );
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("mistakes.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("grader: cannot write {dest:?}: {e}"));
}
