//! Reading `book/mistakes.toml`, the mistake catalogue.
//!
//! This file is compiled twice: by `tests/build.rs`, which turns the
//! catalogue into constants, and into the grader itself, whose tests hold
//! the catalogue to its rules. It needs nothing but `toml`.

/// One entry of the catalogue, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable kebab-case id, e.g. `if-let-not-loop`.
    pub id: String,
    /// The book page, without `.md`.
    pub page: String,
    /// The heading id on that page.
    pub anchor: String,
    /// The heading as the learner sees it.
    pub title: String,
    /// What the learner reads.
    pub explanation: String,
}

impl Entry {
    /// The name of the constant the build script makes for it:
    /// `if-let-not-loop` becomes `IF_LET_NOT_LOOP`.
    pub fn const_name(&self) -> String {
        self.id.to_ascii_uppercase().replace('-', "_")
    }
}

/// Parses the catalogue and enforces its rules: known fields only, every
/// field present, ids kebab-case and unique, `book` as `page#anchor`.
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("book/mistakes.toml: {e}"))?;
    let mut entries: Vec<Entry> = Vec::new();
    for (key, value) in &table {
        if key != "mistake" {
            return Err(format!("book/mistakes.toml: unknown table {key:?}"));
        }
        let Some(list) = value.as_array() else {
            return Err("book/mistakes.toml: write entries as [[mistake]]".to_owned());
        };
        for item in list {
            entries.push(entry(item)?);
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        if let Some(first) = entries[..i].iter().find(|e| e.id == entry.id) {
            return Err(format!(
                "book/mistakes.toml: the id {:?} is defined twice (titles {:?} and {:?}); \
                 an id names one mistake",
                entry.id, first.title, entry.title
            ));
        }
    }
    Ok(entries)
}

fn entry(item: &toml::Value) -> Result<Entry, String> {
    let Some(table) = item.as_table() else {
        return Err("book/mistakes.toml: a [[mistake]] must be a table".to_owned());
    };
    let field = |name: &str| -> Result<String, String> {
        table
            .get(name)
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("book/mistakes.toml: an entry has no string {name:?}: {table}"))
    };
    for key in table.keys() {
        if !["id", "book", "title", "explanation"].contains(&key.as_str()) {
            return Err(format!("book/mistakes.toml: unknown field {key:?}"));
        }
    }
    let id = field("id")?;
    let kebab = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        return Err(format!("book/mistakes.toml: id {id:?} must be kebab-case"));
    }
    let book = field("book")?;
    let Some((page, anchor)) = book.split_once('#') else {
        return Err(format!(
            "book/mistakes.toml: {id}: book must be page#anchor"
        ));
    };
    Ok(Entry {
        page: page.to_owned(),
        anchor: anchor.to_owned(),
        title: field("title")?,
        explanation: field("explanation")?,
        id,
    })
}
