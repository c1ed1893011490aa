//! Finding an exercise from what a learner types: `1.2`, or its id.

use grader::manifest::{Chapter, Exercise, Manifest};

/// The exercise named by `which` (`1.2` or `runtime-by-hand`) and its chapter.
pub fn find<'m>(
    manifest: &'m Manifest,
    which: &str,
) -> Result<(&'m Exercise, &'m Chapter), String> {
    let ex = manifest
        .exercises
        .iter()
        .find(|e| e.number == which || e.id == which)
        .ok_or_else(|| {
            let known: Vec<String> = manifest
                .exercises
                .iter()
                .map(|e| e.number.clone())
                .collect();
            format!(
                "there is no exercise {which:?}; exercises are {}",
                known.join(", ")
            )
        })?;
    let chapter = manifest
        .chapter(ex.chapter)
        .ok_or_else(|| format!("exercise {} names a chapter that does not exist", ex.id))?;
    Ok((ex, chapter))
}

/// `1` or `1.2`: a chapter, or an exercise.
pub enum Target<'m> {
    /// A whole chapter.
    Chapter(&'m Chapter),
    /// One exercise, with its chapter.
    Exercise(&'m Exercise, &'m Chapter),
}

/// Parses `N` or `N.M` (or an exercise id).
pub fn target<'m>(manifest: &'m Manifest, which: &str) -> Result<Target<'m>, String> {
    if let Ok(n) = which.parse::<u32>() {
        return manifest
            .chapter(n)
            .map(Target::Chapter)
            .ok_or_else(|| format!("there is no chapter {n}"));
    }
    find(manifest, which).map(|(e, c)| Target::Exercise(e, c))
}
