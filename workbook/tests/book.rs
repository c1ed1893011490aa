//! The book checks, on small fixtures: a missing include anchor and a
//! broken link are caught, sound ones pass.

mod common;

use common::Scratch;
use grader::failure::BookRef;
use grader::manifest::Manifest;
use workbook::book::{Site, check_hints, check_includes};

/// Proves an include naming an anchor the file lacks is reported (mdBook
/// itself would silently include nothing), and sound includes are not.
#[test]
fn an_include_of_a_missing_anchor_is_reported() {
    let book = Scratch::new("includes");
    book.write(
        "code/lib.rs",
        "// ANCHOR: answer\nfn answer() {}\n// ANCHOR_END: answer\n",
    );
    book.write(
        "hints.md",
        "<!-- ANCHOR: tip -->\nA tip.\n<!-- ANCHOR_END: tip -->\n",
    );
    book.write(
        "src/page.md",
        "{{#include ../code/lib.rs:answer}}\n\
         {{#include ../hints.md:tip}}\n\
         {{#include ../code/lib.rs:2:3}}\n\
         {{#include ../code/lib.rs:renamed}}\n\
         {{#rustdoc_include ../code/gone.rs}}\n",
    );
    let problems = check_includes(&book.0.join("src"));
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{text:#?}");
    assert!(
        text[0].contains("page.md:4") && text[0].contains("no `ANCHOR: renamed`"),
        "{text:#?}"
    );
    assert!(
        text[1].contains("page.md:5") && text[1].contains("does not exist"),
        "{text:#?}"
    );
}

/// Proves a link to a missing page or a missing heading id is reported,
/// and so is a grader link whose anchor is gone.
#[test]
fn broken_links_and_fragments_are_reported() {
    let site = Scratch::new("links");
    site.write(
        "ch01.html",
        "<nav><a href=\"nowhere.html\">menu links are mdBook's</a></nav>\
         <main><h2 id=\"start\">Start</h2>\
         <a href=\"#start\">ok</a> <a href=\"ch02.html#there\">ok</a>\
         <a href=\"ch02.html#gone\">broken fragment</a>\
         <a href=\"missing.html\">broken page</a>\
         <a href=\"https://tokio.rs\">external</a></main>",
    );
    site.write("ch02.html", "<main><h2 id=\"there\">There</h2></main>");
    let built = Site::read(&site.0);
    let problems: Vec<String> = built
        .check_links()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("ch02.html#gone"), "{problems:#?}");
    assert!(problems[1].contains("missing.html"), "{problems:#?}");

    let refs = [
        (
            "sound".to_owned(),
            BookRef {
                page: "ch02",
                anchor: "there",
                title: "There",
            },
        ),
        (
            "stale".to_owned(),
            BookRef {
                page: "ch02",
                anchor: "renamed",
                title: "Renamed",
            },
        ),
    ];
    let problems: Vec<String> = built
        .check_refs(refs)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with("stale links"), "{problems:#?}");
}

/// Proves an exercise without all three hint tiers is reported.
#[test]
fn a_missing_hint_tier_is_reported() {
    let book = Scratch::new("hints");
    let manifest = Manifest::parse(include_str!("fixtures/exercises.toml")).expect("parses");
    let mut hints = String::new();
    for ex in &manifest.exercises {
        for tier in 1..=3 {
            // Exercise 7.3 lacks its last tier.
            if ex.id == "method-body" && tier == 3 {
                continue;
            }
            hints.push_str(&format!(
                "<!-- ANCHOR: {0}-{tier} -->\nhint\n<!-- ANCHOR_END: {0}-{tier} -->\n",
                ex.id
            ));
        }
    }
    book.write("hints/ch07-fixture.md", &hints);
    let problems: Vec<String> = check_hints(&book.0.join("hints"), &manifest)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("exercise 7.3 has no hint tier 3"),
        "{problems:#?}"
    );
}
