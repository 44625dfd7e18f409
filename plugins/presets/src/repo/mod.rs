//! The SQL of namespaces, grants, presets and rolled seeds, one file per table. Rules live in `service`;
//! these functions only read and write rows, read with `sqlx::FromRow` (flags through
//! `sdk::db::Flag`, which both backends' integer or boolean columns decode into).
//!
//! Instants are passed in (`now`, epoch milliseconds) by the service, which took them once per
//! request.

mod grants;
mod namespaces;
mod presets;
mod seeds;

pub use grants::{grant_of, grant_row, grants, set_grant};
pub use namespaces::{
    insert_namespace, namespace_by_id, namespace_by_slug, namespaces_for, NamespaceRow,
    NewNamespace,
};
pub use presets::{
    delete_preset, insert_preset, preset_by_id, preset_by_key, presets_to_pick, search_presets,
    update_preset, NewPreset, PresetKey, PresetRow, PresetUpdate,
};
pub use seeds::{
    insert_seed_roll, search_seed_rolls, seed_roll, set_spoiler_released, spoiler_log, NewSeedRoll,
    SeedRollRow, SeedSearch,
};
