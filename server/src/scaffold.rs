//! `sahabot plugins new <id>`: writes a plugin crate from the templates in
//! `server/templates/plugin` and registers it in `app/Cargo.toml`, so the app's generated list
//! picks it up at the next build.
//!
//! The templates use `__ID__`, `__NAME__`, `__ROUTE__` and `__TYPE__` (the id in PascalCase,
//! which prefixes the plugin's type names) as placeholders, in file contents and paths.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir, DirEntry};
use sdk::plugin::manifest::{is_plugin_id, RESERVED_IDS};

static TEMPLATE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/plugin");

/// Crates of the workspace a plugin may not be named after.
const WORKSPACE_CRATES: &[&str] = &["app", "frontend", "server", "sdk"];

/// `race_notes` → `Race Notes`.
pub fn default_name(id: &str) -> String {
    id.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates `plugins/<id>` under `root` and adds it to `app/Cargo.toml`. Returns the files written.
pub fn new_plugin(root: &Path, id: &str, name: Option<&str>) -> Result<Vec<PathBuf>, String> {
    if !is_plugin_id(id) {
        return Err(format!(
            "`{id}` is not a valid plugin id: use lowercase letters, digits and `_`, starting with a letter"
        ));
    }
    if RESERVED_IDS.contains(&id) || WORKSPACE_CRATES.contains(&id) {
        return Err(format!("`{id}` is reserved; choose another id"));
    }
    let app_cargo_path = root.join("app/Cargo.toml");
    let app_cargo = std::fs::read_to_string(&app_cargo_path).map_err(|e| {
        format!(
            "{} could not be read ({e}); run this in the SahaBot workspace or pass --root",
            app_cargo_path.display()
        )
    })?;
    let route = id.replace('_', "-");
    if sdk::plugin::manifest::RESERVED_ROUTES.contains(&route.as_str()) {
        return Err(format!(
            "`{id}` would put its pages at /org/<id>/{route}, which the platform uses; choose another id"
        ));
    }
    if app_cargo.lines().any(|l| {
        l.trim_start().starts_with(&format!("{id} ="))
            || l.trim_start().starts_with(&format!("{id}."))
    }) {
        return Err(format!(
            "app/Cargo.toml already has a dependency named `{id}`; choose another id"
        ));
    }
    let target = root.join("plugins").join(id);
    if target.exists() {
        return Err(format!("{} already exists", target.display()));
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_name(id));
    if name.contains('"') || name.contains('\\') || name.contains('\n') {
        return Err("the name may not contain quotes, backslashes or line breaks".into());
    }
    let type_prefix = default_name(id).replace(' ', "");
    let fill = |text: &str| {
        text.replace("__ID__", id)
            .replace("__NAME__", &name)
            .replace("__ROUTE__", &route)
            .replace("__TYPE__", &type_prefix)
    };

    let updated_cargo = register_in_app(&app_cargo, id)?;
    let mut written = Vec::new();
    let mut files = Vec::new();
    collect(&TEMPLATE, &mut files);
    for (relative, contents) in files {
        let path = target.join(fill(&relative.to_string_lossy()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, fill(&contents))
            .map_err(|e| format!("could not write {}: {e}", path.display()))?;
        written.push(path);
    }
    std::fs::write(&app_cargo_path, updated_cargo)
        .map_err(|e| format!("could not update {}: {e}", app_cargo_path.display()))?;
    written.push(app_cargo_path);
    Ok(written)
}

fn collect(dir: &Dir<'_>, out: &mut Vec<(PathBuf, String)>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect(d, out),
            DirEntry::File(f) => {
                if let Some(text) = f.contents_utf8() {
                    out.push((f.path().to_path_buf(), text.to_string()));
                }
            }
        }
    }
}

/// `app/Cargo.toml` with the plugin added as a dependency and to the ssr/hydrate features.
pub fn register_in_app(cargo: &str, id: &str) -> Result<String, String> {
    let markers = ["# plugins:end", "# hydrate:plugins", "# ssr:plugins"];
    if let Some(missing) = markers.iter().find(|m| !cargo.contains(*m)) {
        return Err(format!(
            "app/Cargo.toml lacks the `{missing}` marker line; add the plugin to it by hand"
        ));
    }
    Ok(cargo
        .replacen(
            "# plugins:end",
            &format!(
                "{id} = {{ path = \"../plugins/{id}\", default-features = false }}\n# plugins:end"
            ),
            1,
        )
        .replacen(
            "# hydrate:plugins",
            &format!("# hydrate:plugins\n    \"{id}/hydrate\","),
            1,
        )
        .replacen(
            "# ssr:plugins",
            &format!("# ssr:plugins\n    \"{id}/ssr\","),
            1,
        ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// `plugins/notes` is the scaffold's output kept as the worked example (docs/plugins.md):
    /// the workspace compiles and tests it, so the templates are known to build.
    #[test]
    fn the_notes_example_is_exactly_the_scaffold_output() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/notes");
        let mut files = Vec::new();
        collect(&TEMPLATE, &mut files);
        assert!(files.len() >= 10);
        let mut templated = std::collections::BTreeSet::new();
        for (relative, contents) in files {
            let relative = relative.to_string_lossy().replace("__ID__", "notes");
            let expected = contents
                .replace("__ID__", "notes")
                .replace("__NAME__", "Notes")
                .replace("__ROUTE__", "notes")
                .replace("__TYPE__", "Notes");
            let actual = std::fs::read_to_string(root.join(&relative))
                .unwrap_or_else(|e| panic!("plugins/notes/{relative}: {e}"));
            assert_eq!(
                actual, expected,
                "plugins/notes/{relative} differs from the template: change both"
            );
            templated.insert(relative);
        }
        // And nothing more: a file only the example has would teach what the scaffold does not.
        for dir in ["src", "tests", "migrations"] {
            for path in files_below(&root.join(dir)) {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                assert!(
                    templated.contains(&relative),
                    "plugins/notes/{relative} is not in the scaffold's templates: add it there or remove it"
                );
            }
        }
    }

    fn files_below(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(files_below(&path));
            } else {
                found.push(path);
            }
        }
        found
    }

    #[test]
    fn names_come_from_ids() {
        assert_eq!(default_name("race_notes"), "Race Notes");
        assert_eq!(default_name("presets"), "Presets");
    }

    #[test]
    fn registration_adds_dependency_and_features() {
        let cargo = "[dependencies]\n# plugins:begin\n# plugins:end\n[features]\nhydrate = [\"a\",\n    # hydrate:plugins\n]\nssr = [\"b\",\n    # ssr:plugins\n]\n";
        let out = register_in_app(cargo, "notes").unwrap();
        assert!(out.contains(
            "notes = { path = \"../plugins/notes\", default-features = false }\n# plugins:end"
        ));
        assert!(out.contains("\"notes/hydrate\","));
        assert!(out.contains("\"notes/ssr\","));
        assert!(register_in_app("[dependencies]", "x").is_err());
    }

    #[test]
    fn scaffold_writes_a_crate_and_refuses_bad_ids() {
        let root = std::env::temp_dir().join(format!("sahabot-scaffold-{}", std::process::id()));
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::create_dir_all(root.join("plugins")).unwrap();
        std::fs::write(
            root.join("app/Cargo.toml"),
            include_str!("../../app/Cargo.toml"),
        )
        .unwrap();
        assert!(new_plugin(&root, "Bad-Id", None)
            .unwrap_err()
            .contains("not a valid"));
        assert!(new_plugin(&root, "sdk", None)
            .unwrap_err()
            .contains("reserved"));
        assert!(new_plugin(&root, "members", None)
            .unwrap_err()
            .contains("platform uses"));
        assert!(new_plugin(&root, "serde", None)
            .unwrap_err()
            .contains("already has a dependency"));
        let files = new_plugin(&root, "race_notes", None).unwrap();
        assert!(files
            .iter()
            .any(|f| f.ends_with("plugins/race_notes/migrations/sqlite/0001_race_notes.sql")));
        let manifest =
            std::fs::read_to_string(root.join("plugins/race_notes/plugin.toml")).unwrap();
        let parsed = sdk::plugin::manifest::Manifest::parse(&manifest, "scaffold").unwrap();
        assert_eq!(parsed.name, "Race Notes");
        assert_eq!(parsed.route(), "race-notes");
        let lib = std::fs::read_to_string(root.join("plugins/race_notes/src/lib.rs")).unwrap();
        assert!(!lib.contains("__ID__"));
        let cargo = std::fs::read_to_string(root.join("app/Cargo.toml")).unwrap();
        assert!(cargo.contains("race_notes = { path = \"../plugins/race_notes\""));
        // A second time: refused, nothing overwritten.
        assert!(new_plugin(&root, "race_notes", None)
            .unwrap_err()
            .contains("already"));
        std::fs::remove_dir_all(root).ok();
    }
}
