//! Reading presets by key rather than by id: a preset's settings by `(namespace, randomizer,
//! name)` — what other plugins (tournaments, seed rolling) use through the published
//! [`PresetService`], and what the `/preset` command shows ([`Presets::settings_for`]) — and a
//! namespace's catalog for the `post_list` task. [`PresetService`] is published in `on_load`,
//! before the platform exists, so it holds only the database.

use sdk::{db::Db, Actor, Error};

use super::Presets;
use crate::{actions, format::PresetKind, repo};

/// What other plugins use: a preset's settings by its key.
#[derive(Debug, Clone)]
pub struct PresetService {
    db: Db,
}

impl PresetService {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The settings of `(namespace, randomizer, name)` as organization `org_id` may use them:
    /// public presets in public namespaces, global public presets, and anything in the
    /// organization's own namespaces. Namespace None: the global preset.
    pub async fn settings(
        &self,
        org_id: Option<i64>,
        namespace: Option<&str>,
        randomizer: &str,
        name: &str,
    ) -> Result<(PresetKind, serde_json::Value), Error> {
        let (kind, settings, _) = self
            .settings_with_id(org_id, namespace, randomizer, name)
            .await?;
        Ok((kind, settings))
    }

    /// The same, with the preset's id.
    pub async fn settings_with_id(
        &self,
        org_id: Option<i64>,
        namespace: Option<&str>,
        randomizer: &str,
        name: &str,
    ) -> Result<(PresetKind, serde_json::Value, i64), Error> {
        let randomizer = randomizer.trim().to_lowercase();
        let name = name.trim();
        let missing = || {
            Error::not_found(format!(
                "There is no {randomizer} preset \"{name}\"{} that this organization may use.",
                namespace
                    .map(|n| format!(" in namespace {n}"))
                    .unwrap_or_default()
            ))
        };
        // None: everything is usable (the organization's own namespace); Some(public): only
        // public presets, and only when the namespace is public.
        let (namespace_id, restriction) = match namespace.map(|n| n.trim().to_lowercase()) {
            Some(slug) => {
                let ns = repo::namespace_by_slug(&self.db, &slug)
                    .await?
                    .ok_or_else(missing)?;
                let own = ns.owner_org_id.is_some() && ns.owner_org_id == org_id;
                (Some(ns.id), if own { None } else { Some(ns.is_public) })
            }
            None => (None, Some(true)),
        };
        let row = repo::preset_by_key(&self.db, namespace_id, &randomizer, name)
            .await?
            .filter(|row| match restriction {
                None => true,
                Some(namespace_public) => namespace_public && row.is_public,
            })
            .ok_or_else(missing)?;
        Ok((
            row.kind,
            serde_json::from_str(&row.settings).map_err(Error::internal)?,
            row.id,
        ))
    }

    /// The `(randomizer, name)` of the presets in organization `org_id`'s namespace `slug`, at
    /// most 500 (what the `post_list` task posts). Invalid when the namespace is not the
    /// organization's.
    pub async fn catalog(
        &self,
        org_id: Option<i64>,
        slug: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        let slug = slug.to_lowercase();
        let namespace = repo::namespace_by_slug(&self.db, &slug)
            .await?
            .filter(|ns| ns.owner_org_id.is_some() && ns.owner_org_id == org_id)
            .ok_or_else(|| {
                Error::invalid(
                    "namespace",
                    format!("The namespace `{slug}` does not exist or does not belong to this organization."),
                )
            })?;
        // The 500 newest, listed by randomizer and name as people scan them.
        let rows =
            repo::search_presets(&self.db, None, Some(namespace.id), None, i64::MAX, 500).await?;
        let mut catalog: Vec<(String, String)> =
            rows.into_iter().map(|r| (r.randomizer, r.name)).collect();
        catalog.sort();
        Ok(catalog)
    }
}

impl Presets {
    /// The settings of a preset as `actor` may see them from organization `org_id`: members
    /// holding `preset:read` there get the organization's private presets too, everybody else
    /// public ones only.
    pub async fn settings_for(
        &self,
        org_id: i64,
        actor: &Actor,
        namespace: Option<&str>,
        randomizer: &str,
        name: &str,
    ) -> Result<(PresetKind, serde_json::Value), Error> {
        let may_read_private = self.org_allows(actor, org_id, actions::PRESET_READ).await?;
        PresetService::new(self.db().clone())
            .settings(
                may_read_private.then_some(org_id),
                namespace,
                randomizer,
                name,
            )
            .await
    }

    /// What a picker offers while `typed` is typed (Discord's autocomplete): up to
    /// [`MAX_CHOICES`](sdk::bot::MAX_CHOICES) of `randomizer`'s presets from organization
    /// `org_id`'s namespaces and the global ones, as `namespace/name` (a global preset by its
    /// name) — what [`split_preset_key`](crate::rules::split_preset_key) reads back. `for_roll`:
    /// the organization's private presets too when the caller may roll seeds (they are there to
    /// be rolled); otherwise when they hold `preset:read`. `kind` narrows to one kind.
    pub async fn preset_choices(
        &self,
        org_id: i64,
        actor: &Actor,
        randomizer: &str,
        typed: &str,
        kind: Option<PresetKind>,
        for_roll: bool,
    ) -> Result<Vec<String>, Error> {
        let action = if for_roll {
            actions::SEED_ROLL
        } else {
            actions::PRESET_READ
        };
        let include_private = self.org_allows(actor, org_id, action).await?;
        let typed: String = typed.trim().chars().take(100).collect();
        let keys = repo::presets_to_pick(
            self.db(),
            org_id,
            &randomizer.trim().to_lowercase(),
            &typed,
            kind,
            include_private,
            sdk::bot::MAX_CHOICES as i64,
        )
        .await?;
        Ok(keys
            .into_iter()
            .map(|key| match key.namespace_slug {
                Some(slug) => format!("{slug}/{}", key.name),
                None => key.name,
            })
            .collect())
    }
}
