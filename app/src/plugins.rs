//! The built-in plugins: the list and routes `build.rs` generates from `plugins/*/plugin.toml`.

use leptos::prelude::*;
#[allow(unused_imports)]
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    ParamSegment, StaticSegment,
};

/// A compiled-in plugin as the generated list names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinPlugin {
    pub id: &'static str,
    pub name: &'static str,
    /// The segment under `/org/{org_id}/`.
    pub route: &'static str,
    /// The folder under `plugins/`.
    pub folder: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/plugins.rs"));

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Every folder under `plugins/` with a `plugin.toml` is in the generated list and is a
    /// dependency of the app, and the list holds nothing else.
    #[test]
    fn every_plugin_folder_is_compiled_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cargo = std::fs::read_to_string(root.join("app/Cargo.toml")).unwrap();
        let mut folders: Vec<String> = std::fs::read_dir(root.join("plugins"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("plugin.toml").is_file())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        folders.sort();
        let listed: Vec<String> = BUILTIN.iter().map(|p| p.folder.to_string()).collect();
        assert_eq!(
            folders, listed,
            "generated list out of date: rebuild the app"
        );
        for folder in &folders {
            assert!(
                cargo.contains(&format!("path = \"../plugins/{folder}\"")),
                "plugins/{folder} is missing from app/Cargo.toml"
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_bundle_manifest_is_valid() {
        for bundle in bundles() {
            sdk::plugin::manifest::Manifest::parse(&bundle.manifest_source, &bundle.origin)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
