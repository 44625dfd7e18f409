//! Presets: search, read, create, change and delete, each judged by the namespace's rights
//! (global presets: everyone reads public ones, only superadmins write).

use std::collections::{hash_map::Entry, HashMap};

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};

use super::{is_superadmin, rights::same_tenant, Presets};
use crate::{
    events::{PresetCreated, PresetDeleted, PresetUpdated},
    format,
    model::{NamespaceRights, Preset, PresetSummary},
    repo::{self, NamespaceRow, PresetRow},
    rules::{
        clean_description, clean_filter, clean_name, global_rights, preset_visible, rights, Facts,
    },
};

/// Candidates read for one page before visibility filtering; a page that reaches it ends early
/// and says where to go on (so a caller who sees few of many presets cannot make one request
/// read the whole table).
const SEARCH_READ_LIMIT: usize = 5_000;
/// Candidates read per query while filling a page, at most: the first query reads one page and
/// one more (enough when the caller sees everything), later ones four times as many.
const SEARCH_BATCH: i64 = 250;

/// What a listing is narrowed to; each filter is optional, blanks mean "any".
#[derive(Debug, Clone, Default)]
pub struct PresetFilter {
    pub randomizer: Option<String>,
    /// A namespace slug.
    pub namespace: Option<String>,
    /// Text in the name or description.
    pub q: Option<String>,
}

pub struct PresetInput {
    /// A namespace slug; none: a global preset (superadmins only).
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
    /// Blank: the document's own description (SahasrahBot's format), if any.
    pub description: String,
    pub yaml: String,
    pub is_public: bool,
}

/// What to change; `None` keeps it.
pub struct PresetChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub yaml: Option<String>,
    pub is_public: Option<bool>,
}

/// The preset with its namespace and the actor's facts there (None for a global preset).
type Visible = (PresetRow, Option<(NamespaceRow, Facts)>);

impl Presets {
    /// One page of the presets the actor may see, narrowed by `filter`, newest first.
    ///
    /// Visibility is decided here, so candidates are read in batches and filtered until the
    /// page is full. A page that reached [`SEARCH_READ_LIMIT`] candidates first may hold fewer
    /// items and still name a `next_before_id`: the last candidate read, where the next page
    /// goes on.
    pub async fn list_presets(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        filter: PresetFilter,
        page: &PageRequest,
    ) -> Result<Page<PresetSummary>, Error> {
        let randomizer = clean_filter(filter.randomizer).map(|r| r.to_lowercase());
        let namespace = clean_filter(filter.namespace).map(|n| n.to_lowercase());
        let q = clean_filter(filter.q);
        let namespace_id = match &namespace {
            Some(slug) => match repo::namespace_by_slug(self.db(), slug).await? {
                Some(ns) => Some(ns.id),
                None => return Ok(Page::default()),
            },
            None => None,
        };
        let wanted = page.limit() as usize;
        let mut facts_by_ns: HashMap<i64, Facts> = HashMap::new();
        let mut items = Vec::new();
        let mut cursor = page.before();
        let mut read = 0;
        let mut batch = page.fetch_limit().min(SEARCH_BATCH);
        loop {
            let rows = repo::search_presets(
                self.db(),
                randomizer.as_deref(),
                namespace_id,
                q.as_deref(),
                cursor,
                batch,
            )
            .await?;
            let exhausted = rows.len() < batch as usize;
            batch = (batch * 4).min(SEARCH_BATCH);
            for row in rows {
                read += 1;
                cursor = row.id;
                let facts = match row.namespace_id {
                    Some(ns_id) => {
                        if let Entry::Vacant(slot) = facts_by_ns.entry(ns_id) {
                            if let Some(ns) = repo::namespace_by_id(self.db(), ns_id).await? {
                                slot.insert(self.facts(org_id, actor, &ns).await?);
                            }
                        }
                        facts_by_ns.get(&ns_id).copied()
                    }
                    None => None,
                };
                if preset_visible(row.is_public, facts.as_ref(), is_superadmin(actor)) {
                    items.push(summary(&row));
                    if items.len() > wanted {
                        // One more than the page: more follow, after the page's last item.
                        items.truncate(wanted);
                        let next_before_id = items.last().map(|p: &PresetSummary| p.id);
                        return Ok(Page {
                            items,
                            next_before_id,
                        });
                    }
                }
            }
            if exhausted {
                return Ok(Page {
                    items,
                    next_before_id: None,
                });
            }
            if read >= SEARCH_READ_LIMIT {
                return Ok(Page {
                    items,
                    next_before_id: Some(cursor),
                });
            }
        }
    }

    /// A preset the actor may see, with what they may do to it (from another organization's
    /// pages: read only).
    pub async fn get_preset(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        preset_id: i64,
    ) -> Result<Preset, Error> {
        let (row, ns) = self.visible_preset(org_id, actor, preset_id).await?;
        let rights = match &ns {
            Some((ns, f)) => {
                let mut r = rights(f);
                if same_tenant(org_id, actor, ns).is_err() {
                    r.update = false;
                    r.delete = false;
                }
                r
            }
            None => global_rights(is_superadmin(actor)),
        };
        to_preset(row, rights)
    }

    pub async fn create_preset(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        input: PresetInput,
        now: i64,
    ) -> Result<Preset, Error> {
        let user_id = actor.id()?;
        let randomizer = self.known_randomizer(&input.randomizer)?;
        let name = clean_name(&input.name)?;
        let parsed = format::parse_yaml(&input.yaml)?;
        self.check_settings(&randomizer, parsed.kind, &parsed.settings)?;
        let description = clean_description(if input.description.trim().is_empty() {
            parsed.description.as_deref().unwrap_or("")
        } else {
            &input.description
        })?;
        let slug = input
            .namespace
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let ns = match &slug {
            Some(slug) => {
                let (ns, f) = self.namespace_named(org_id, actor, slug).await?;
                same_tenant(org_id, actor, &ns)?;
                if !rights(&f).create {
                    return Err(Error::forbidden(format!(
                        "You may not add presets to the namespace {slug}."
                    )));
                }
                Some(ns)
            }
            None if is_superadmin(actor) => None,
            None => {
                return Err(Error::invalid(
                    "namespace",
                    "Choose a namespace; only site superadmins create global presets.",
                ))
            }
        };
        let settings = parsed.settings.to_string();
        let mut tx = self.db().begin().await?;
        let id = repo::insert_preset(
            &mut tx,
            &repo::NewPreset {
                namespace_id: ns.as_ref().map(|n| n.id),
                user_id,
                randomizer: &randomizer,
                name: &name,
                description: &description,
                kind: parsed.kind,
                yaml: &input.yaml,
                settings: &settings,
                is_public: input.is_public,
            },
            slug.as_deref(),
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                org_id,
                "preset.create",
                serde_json::json!({"preset_id": id, "namespace": slug, "randomizer": randomizer, "name": name}),
            )
            .await?;
        tx.commit().await?;
        self.platform.events.emit(
            org_id,
            Some(user_id),
            PresetCreated {
                preset_id: id,
                namespace: slug,
                randomizer,
                name,
            },
        );
        self.get_preset(org_id, actor, id).await
    }

    pub async fn update_preset(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        preset_id: i64,
        change: PresetChange,
        now: i64,
    ) -> Result<Preset, Error> {
        let user_id = actor.id()?;
        let (row, ns) = self.visible_preset(org_id, actor, preset_id).await?;
        match &ns {
            Some((ns, f)) => {
                same_tenant(org_id, actor, ns)?;
                if !rights(f).update {
                    return Err(Error::forbidden(
                        "You may not change presets in this namespace.",
                    ));
                }
            }
            None if is_superadmin(actor) => {}
            None => {
                return Err(Error::forbidden(
                    "Only site superadmins change global presets.",
                ))
            }
        }
        let name = match &change.name {
            Some(n) => clean_name(n)?,
            None => row.name.clone(),
        };
        let description = match &change.description {
            Some(d) => clean_description(d)?,
            None => row.description.clone(),
        };
        let (yaml, kind, settings) = match &change.yaml {
            Some(y) => {
                let parsed = format::parse_yaml(y)?;
                self.check_settings(&row.randomizer, parsed.kind, &parsed.settings)?;
                (y.clone(), parsed.kind, parsed.settings.to_string())
            }
            None => (row.yaml.clone(), row.kind, row.settings.clone()),
        };
        let slug = row.namespace_slug.clone();
        let mut tx = self.db().begin().await?;
        repo::update_preset(
            &mut tx,
            preset_id,
            &row.randomizer,
            slug.as_deref(),
            &repo::PresetUpdate {
                name: &name,
                description: &description,
                kind,
                yaml: &yaml,
                settings: &settings,
                is_public: change.is_public.unwrap_or(row.is_public),
            },
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                org_id,
                "preset.update",
                serde_json::json!({"preset_id": preset_id}),
            )
            .await?;
        tx.commit().await?;
        self.platform.events.emit(
            org_id,
            Some(user_id),
            PresetUpdated {
                preset_id,
                namespace: slug,
                randomizer: row.randomizer.clone(),
                name,
            },
        );
        self.get_preset(org_id, actor, preset_id).await
    }

    pub async fn delete_preset(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        preset_id: i64,
    ) -> Result<(), Error> {
        let user_id = actor.id()?;
        let (row, ns) = self.visible_preset(org_id, actor, preset_id).await?;
        match &ns {
            Some((ns, f)) => {
                same_tenant(org_id, actor, ns)?;
                if !rights(f).delete {
                    return Err(Error::forbidden(
                        "You may not delete presets in this namespace.",
                    ));
                }
            }
            None if is_superadmin(actor) => {}
            None => {
                return Err(Error::forbidden(
                    "Only site superadmins delete global presets.",
                ))
            }
        }
        let mut tx = self.db().begin().await?;
        repo::delete_preset(&mut tx, preset_id).await?;
        actor
            .audit(
                &mut tx,
                org_id,
                "preset.delete",
                serde_json::json!({"preset_id": preset_id, "name": row.name}),
            )
            .await?;
        tx.commit().await?;
        self.platform.events.emit(
            org_id,
            Some(user_id),
            PresetDeleted {
                preset_id,
                namespace: row.namespace_slug,
                randomizer: row.randomizer,
                name: row.name,
            },
        );
        Ok(())
    }

    /// The preset, when the actor may see it; NotFound otherwise (an invisible preset does not
    /// exist for them).
    async fn visible_preset(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        preset_id: i64,
    ) -> Result<Visible, Error> {
        let missing = || Error::not_found(format!("There is no preset {preset_id}."));
        let row = repo::preset_by_id(self.db(), preset_id)
            .await?
            .ok_or_else(missing)?;
        let ns = match row.namespace_id {
            Some(id) => {
                let ns = repo::namespace_by_id(self.db(), id)
                    .await?
                    .ok_or_else(missing)?;
                let f = self.facts(org_id, actor, &ns).await?;
                Some((ns, f))
            }
            None => None,
        };
        if !preset_visible(
            row.is_public,
            ns.as_ref().map(|(_, f)| f),
            is_superadmin(actor),
        ) {
            return Err(missing());
        }
        Ok((row, ns))
    }
}

fn summary(p: &PresetRow) -> PresetSummary {
    PresetSummary {
        id: p.id,
        namespace: p.namespace_slug.clone(),
        randomizer: p.randomizer.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        kind: p.kind,
        is_public: p.is_public,
        updated_at: p.updated_at,
    }
}

fn to_preset(row: PresetRow, rights: NamespaceRights) -> Result<Preset, Error> {
    Ok(Preset {
        summary: summary(&row),
        settings: serde_json::from_str(&row.settings).map_err(Error::internal)?,
        yaml: row.yaml,
        created_by: row.created_by,
        created_at: row.created_at,
        can_update: rights.update,
        can_delete: rights.delete,
    })
}
