//! Importing a folder of YAML files into a namespace (`sahabot presets import`, see
//! `crate::commands`).

use sdk::{Actor, Error};

use super::{PresetChange, PresetInput, Presets};
use crate::{format, repo};

/// One file's outcome in [`Presets::import_dir`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    pub file: String,
    /// `Ok(preset name)` or the reason it was skipped.
    pub outcome: Result<String, String>,
}

impl Presets {
    /// Imports every `*.yaml` / `*.yml` file of `dir` into `namespace` as `actor`: the preset's
    /// name is the file name without its extension; the randomizer is the file's `randomizer:`
    /// key, else `default_randomizer`. Existing presets of the same name are updated. Each file
    /// is its own transaction, so one bad file does not stop the rest.
    pub async fn import_dir(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        dir: &std::path::Path,
        namespace: &str,
        default_randomizer: Option<&str>,
        now: i64,
    ) -> Result<Vec<ImportResult>, Error> {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::invalid("dir", format!("{} cannot be read: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        let (ns, _) = self
            .namespace_named(org_id, actor, &namespace.trim().to_lowercase())
            .await?;
        let mut results = Vec::new();
        for path in files {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let name = path
                .file_stem()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let outcome = async {
                let yaml =
                    std::fs::read_to_string(&path).map_err(|e| format!("cannot be read: {e}"))?;
                let parsed = format::parse_yaml(&yaml).map_err(|e| e.message())?;
                let randomizer = parsed
                    .settings
                    .get("randomizer")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
                    .or_else(|| default_randomizer.map(str::to_string))
                    .ok_or_else(|| {
                        "no `randomizer:` key in the file and no --randomizer given".to_string()
                    })?;
                let existing =
                    repo::preset_by_key(self.db(), Some(ns.id), &randomizer.to_lowercase(), &name)
                        .await
                        .map_err(|e| e.message())?;
                match existing {
                    Some(row) => self
                        .update_preset(
                            org_id,
                            actor,
                            row.id,
                            PresetChange {
                                name: None,
                                description: None,
                                yaml: Some(yaml),
                                is_public: None,
                            },
                            now,
                        )
                        .await
                        .map(|p| format!("{} (updated)", p.summary.name)),
                    None => self
                        .create_preset(
                            org_id,
                            actor,
                            PresetInput {
                                namespace: Some(ns.slug.clone()),
                                randomizer,
                                name,
                                description: String::new(),
                                yaml,
                                is_public: ns.is_public,
                            },
                            now,
                        )
                        .await
                        .map(|p| p.summary.name),
                }
                .map_err(|e| e.message())
            }
            .await;
            results.push(ImportResult { file, outcome });
        }
        Ok(results)
    }
}
