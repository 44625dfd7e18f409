//! The rules of namespaces and presets.
//!
//! Who may do what is decided by [`rights`], a pure function of the facts about the caller and
//! the namespace (unit tested below); the rest loads those facts, applies the rule, writes in
//! one transaction, and emits the event.
//!
//! - A user-owned namespace: its owner may do everything; grantees what their grant says; the
//!   public may read it if it is public.
//! - An organization-owned namespace: members act through the organization's policies
//!   (`preset:create|update|delete`, `namespace:manage`; reading private ones needs
//!   `preset:read`); grants add rights for individual users. It is changed only from its own
//!   organization (tenant isolation).
//! - Global presets (no namespace): everyone reads public ones; only SUPERADMIN writes.
//! - A preset is visible when it and its namespace are public, or to the namespace's members
//!   (owner, grantees, organization members with `preset:read`).

use std::{collections::HashMap, sync::Arc};

use sdk::{
    auth::{guard::caller, CurrentUser, GlobalLevel},
    context::{platform, Platform},
    db::Db,
    Error,
};

use crate::{
    events::{NamespaceCreated, PresetCreated, PresetDeleted, PresetUpdated},
    format::{self, PresetKind},
    model::{
        Namespace, NamespaceGrant, NamespaceOwner, NamespaceRights, Preset, PresetSummary,
        RandomizerInfo, YamlCheck,
    },
    randomizers::RandomizerRegistry,
    repo::{self, NamespaceRow, PresetRow},
    PLUGIN_ID,
};

/// Who is asking, from where.
pub struct Ctx {
    pub platform: Platform,
    pub user: Option<CurrentUser>,
    /// The organization the call is made from, if any.
    pub org_id: Option<i64>,
    /// The client's address, for the audit log.
    pub ip: Option<String>,
}

impl Ctx {
    /// The guard of every presets server function: with an organization, the caller must be
    /// signed in, a member (or site admin), and the plugin on there (else NotEnabled); without,
    /// the plugin must be running on the site, and `signed_in` says whether anonymous callers
    /// are refused.
    pub async fn from_request(org_id: Option<i64>, signed_in: bool) -> Result<Self, Error> {
        let platform = platform()?;
        let caller = caller();
        let (user, ip) = (caller.user, caller.ip);
        match org_id {
            Some(org_id) => {
                let user = user.ok_or_else(|| Error::unauthenticated("Sign in to do this."))?;
                sdk::auth::guard::authorize_member(&platform, &user, org_id).await?;
                platform.plugins.ensure_enabled(org_id, PLUGIN_ID).await?;
                Ok(Self {
                    platform,
                    user: Some(user),
                    org_id: Some(org_id),
                    ip,
                })
            }
            None => {
                ensure_running(&platform).await?;
                if signed_in && user.is_none() {
                    return Err(Error::unauthenticated("Sign in to do this."));
                }
                Ok(Self {
                    platform,
                    user,
                    org_id: None,
                    ip,
                })
            }
        }
    }

    fn db(&self) -> &Db {
        &self.platform.db
    }

    /// Records `action` by `user_id` from this request, inside the change's transaction.
    async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        user_id: i64,
        org_id: Option<i64>,
        action: &str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        sdk::audit::record(
            conn,
            sdk::audit::AuditEntry {
                user_id: Some(user_id),
                org_id,
                action,
                details,
                ip: self.ip.as_deref(),
            },
        )
        .await
    }

    fn user(&self) -> Result<&CurrentUser, Error> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::unauthenticated("Sign in to do this."))
    }

    fn is_superadmin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.is_at_least(GlobalLevel::Superadmin))
    }

    async fn org_allows(&self, org_id: i64, action: &str) -> Result<bool, Error> {
        match &self.user {
            Some(user) => self.platform.authorizer.allowed(user, org_id, action).await,
            None => Ok(false),
        }
    }
}

/// Presets must be running on the site (loaded, active, not in `DISABLED_PLUGINS`).
pub async fn ensure_running(platform: &Platform) -> Result<(), Error> {
    if platform.plugins.is_running(PLUGIN_ID).await? {
        Ok(())
    } else {
        Err(Error::NotEnabled {
            plugin: PLUGIN_ID.to_string(),
            message: "Presets is switched off on this site.".to_string(),
        })
    }
}

/// The caller's standing in an organization that owns a namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgStanding {
    pub read: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    pub manage: bool,
}

/// Everything [`rights`] needs to know.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    pub superadmin: bool,
    pub is_owner_user: bool,
    pub owned_by_org: bool,
    pub namespace_public: bool,
    /// (create, update, delete) granted to the caller.
    pub grant: Option<[bool; 3]>,
    pub org: OrgStanding,
}

/// What the caller may do in a namespace.
pub fn rights(f: &Facts) -> NamespaceRights {
    if f.superadmin || f.is_owner_user {
        return NamespaceRights {
            read: true,
            create: true,
            update: true,
            delete: true,
            manage: true,
        };
    }
    let grant = f.grant.unwrap_or([false; 3]);
    let (org_create, org_update, org_delete, org_manage, org_read) = if f.owned_by_org {
        (
            f.org.create,
            f.org.update,
            f.org.delete,
            f.org.manage,
            f.org.read,
        )
    } else {
        (false, false, false, false, false)
    };
    let create = grant[0] || org_create;
    let update = grant[1] || org_update;
    let delete = grant[2] || org_delete;
    NamespaceRights {
        read: f.namespace_public
            || f.grant.is_some()
            || org_read
            || org_manage
            || create
            || update
            || delete,
        create,
        update,
        delete,
        manage: org_manage,
    }
}

/// Whether the caller counts as a member of the namespace (sees its private presets).
pub fn is_member(f: &Facts) -> bool {
    let r = rights(f);
    f.superadmin
        || f.is_owner_user
        || f.grant.is_some()
        || (f.owned_by_org && (f.org.read || r.manage || r.create || r.update || r.delete))
}

/// Whether a preset is visible.
pub fn preset_visible(preset_public: bool, facts: Option<&Facts>, superadmin: bool) -> bool {
    match facts {
        // A global preset.
        None => preset_public || superadmin,
        Some(f) => (preset_public && f.namespace_public) || is_member(f),
    }
}

async fn facts(ctx: &Ctx, ns: &NamespaceRow) -> Result<Facts, Error> {
    let user_id = ctx.user.as_ref().map(|u| u.id);
    // An organization that switched Presets off keeps its namespaces to itself: only their
    // public presets remain visible elsewhere.
    let owner_has_presets = match ns.owner_org_id {
        Some(org) => ctx.platform.plugins.is_enabled(org, PLUGIN_ID).await?,
        None => true,
    };
    let grant = match user_id {
        Some(id) if owner_has_presets => repo::grant_of(ctx.db(), ns.id, id).await?,
        _ => None,
    };
    // The caller's standing in the owning organization counts only when acting from it.
    let acting_from_owner = ns.owner_org_id.is_some() && ns.owner_org_id == ctx.org_id;
    let org = match ns.owner_org_id {
        Some(org)
            if ctx.user.is_some()
                && owner_has_presets
                && (acting_from_owner || ctx.is_superadmin()) =>
        {
            OrgStanding {
                read: ctx.org_allows(org, "preset:read").await?,
                create: ctx.org_allows(org, "preset:create").await?,
                update: ctx.org_allows(org, "preset:update").await?,
                delete: ctx.org_allows(org, "preset:delete").await?,
                manage: ctx.org_allows(org, "namespace:manage").await?,
            }
        }
        _ => OrgStanding::default(),
    };
    Ok(Facts {
        superadmin: ctx.is_superadmin(),
        is_owner_user: user_id.is_some() && ns.owner_user_id == user_id,
        owned_by_org: ns.owner_org_id.is_some(),
        namespace_public: ns.is_public,
        grant,
        org,
    })
}

fn to_namespace(ns: NamespaceRow, rights: NamespaceRights) -> Namespace {
    Namespace {
        id: ns.id,
        owner: match (ns.owner_user_id, ns.owner_org_id) {
            (_, Some(org_id)) => NamespaceOwner::Organization {
                org_id,
                name: ns.owner_name.clone(),
            },
            (user_id, None) => NamespaceOwner::User {
                user_id: user_id.unwrap_or_default(),
                name: ns.owner_name.clone(),
            },
        },
        slug: ns.slug,
        display_name: ns.display_name,
        description: ns.description,
        is_public: ns.is_public,
        preset_count: ns.preset_count,
        rights,
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

/// Changes to an organization's namespace are made from that organization.
fn same_tenant(ctx: &Ctx, ns: &NamespaceRow) -> Result<(), Error> {
    match ns.owner_org_id {
        Some(owner) if ctx.org_id != Some(owner) && !ctx.is_superadmin() => Err(Error::forbidden(format!(
            "The namespace {} belongs to another organization; change it from that organization's pages.",
            ns.slug
        ))),
        _ => Ok(()),
    }
}

async fn namespace_named(ctx: &Ctx, slug: &str) -> Result<(NamespaceRow, Facts), Error> {
    let ns = repo::namespace_by_slug(ctx.db(), slug)
        .await?
        .ok_or_else(|| Error::not_found(format!("There is no namespace `{slug}`.")))?;
    let facts = facts(ctx, &ns).await?;
    if !rights(&facts).read {
        return Err(Error::not_found(format!("There is no namespace `{slug}`.")));
    }
    Ok((ns, facts))
}

// ---------------------------------------------------------------------------------------------
// Randomizers and YAML

fn registry(platform: &Platform) -> Result<Arc<RandomizerRegistry>, Error> {
    platform.plugins.service::<RandomizerRegistry>(PLUGIN_ID)
}

pub fn randomizers() -> Result<Vec<RandomizerInfo>, Error> {
    Ok(registry(&platform()?)?.all())
}

fn known_randomizer(registry: &RandomizerRegistry, id: &str) -> Result<String, Error> {
    let id = id.trim().to_lowercase();
    if registry.get(&id).is_some() {
        Ok(id)
    } else {
        let known: Vec<String> = registry.all().into_iter().map(|r| r.id).collect();
        Err(Error::invalid(
            "randomizer",
            format!(
                "`{id}` is not a randomizer here; choose one of {}.",
                known.join(", ")
            ),
        ))
    }
}

pub fn check_yaml(yaml: &str) -> Result<YamlCheck, Error> {
    let parsed = format::parse_yaml(yaml)?;
    let keys = if parsed.sahasrahbot_format {
        parsed.settings.get("settings")
    } else {
        Some(&parsed.settings)
    }
    .and_then(|v| v.as_object())
    .map(|m| m.len())
    .unwrap_or(0);
    Ok(YamlCheck {
        kind: parsed.kind,
        sahasrahbot_format: parsed.sahasrahbot_format,
        goal_name: parsed.goal_name,
        keys,
    })
}

fn clean_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "Give the preset a name."));
    }
    if name.chars().count() > 100 {
        return Err(Error::invalid("name", "At most 100 characters."));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "The name cannot contain line breaks or tabs.",
        ));
    }
    Ok(name.to_string())
}

fn clean_description(text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.chars().count() > 2000 {
        return Err(Error::invalid("description", "At most 2000 characters."));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Error::invalid(
            "description",
            "The description contains a control character; remove it.",
        ));
    }
    Ok(text.to_string())
}

/// Filters typed into the search: trimmed, without control characters.
fn clean_filter(text: Option<String>) -> Option<String> {
    text.map(|t| {
        t.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_string()
    })
    .filter(|t| !t.is_empty())
}

/// A namespace slug: 2–40 lowercase letters, digits and `-`, starting with a letter or digit.
pub fn clean_slug(slug: &str) -> Result<String, Error> {
    let slug = slug.trim().to_lowercase();
    let ok = (2..=40).contains(&slug.len())
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(slug)
    } else {
        Err(Error::invalid(
            "slug",
            "Use 2 to 40 lowercase letters, digits and `-` (e.g. `league-2026`).",
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Presets

/// At most this many presets in one listing.
const SEARCH_SHOWN: usize = 500;
/// Candidates read for a listing before visibility filtering.
const SEARCH_READ_LIMIT: i64 = 5_000;

pub struct PresetInput {
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
    pub description: String,
    pub yaml: String,
    pub is_public: bool,
}

pub struct PresetChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub yaml: Option<String>,
    pub is_public: Option<bool>,
}

pub async fn list_presets(
    ctx: &Ctx,
    randomizer: Option<String>,
    namespace: Option<String>,
    q: Option<String>,
) -> Result<Vec<PresetSummary>, Error> {
    let randomizer = clean_filter(randomizer).map(|r| r.to_lowercase());
    let namespace = clean_filter(namespace).map(|n| n.to_lowercase());
    let q = clean_filter(q);
    let namespace_id = match &namespace {
        Some(slug) => match repo::namespace_by_slug(ctx.db(), slug).await? {
            Some(ns) => Some(ns.id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    // Visibility is decided here, so read more than is shown and cut after filtering.
    let rows = repo::search_presets(
        ctx.db(),
        randomizer.as_deref(),
        namespace_id,
        q.as_deref(),
        SEARCH_READ_LIMIT,
    )
    .await?;
    let mut facts_by_ns: HashMap<i64, Facts> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let facts = match row.namespace_id {
            Some(ns_id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = facts_by_ns.entry(ns_id) {
                    if let Some(ns) = repo::namespace_by_id(ctx.db(), ns_id).await? {
                        slot.insert(facts(ctx, &ns).await?);
                    }
                }
                facts_by_ns.get(&ns_id).copied()
            }
            None => None,
        };
        if preset_visible(row.is_public, facts.as_ref(), ctx.is_superadmin()) {
            out.push(summary(&row));
            if out.len() >= SEARCH_SHOWN {
                break;
            }
        }
    }
    Ok(out)
}

async fn visible_preset(
    ctx: &Ctx,
    preset_id: i64,
) -> Result<(PresetRow, Option<(NamespaceRow, Facts)>), Error> {
    let missing = || Error::not_found(format!("There is no preset {preset_id}."));
    let row = repo::preset_by_id(ctx.db(), preset_id)
        .await?
        .ok_or_else(missing)?;
    let ns = match row.namespace_id {
        Some(id) => {
            let ns = repo::namespace_by_id(ctx.db(), id)
                .await?
                .ok_or_else(missing)?;
            let f = facts(ctx, &ns).await?;
            Some((ns, f))
        }
        None => None,
    };
    if !preset_visible(
        row.is_public,
        ns.as_ref().map(|(_, f)| f),
        ctx.is_superadmin(),
    ) {
        return Err(missing());
    }
    Ok((row, ns))
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

fn global_rights(superadmin: bool) -> NamespaceRights {
    NamespaceRights {
        read: true,
        create: superadmin,
        update: superadmin,
        delete: superadmin,
        manage: superadmin,
    }
}

pub async fn get_preset(ctx: &Ctx, preset_id: i64) -> Result<Preset, Error> {
    let (row, ns) = visible_preset(ctx, preset_id).await?;
    let rights = match &ns {
        Some((ns, f)) => {
            let mut r = rights(f);
            if same_tenant(ctx, ns).is_err() {
                r.update = false;
                r.delete = false;
            }
            r
        }
        None => global_rights(ctx.is_superadmin()),
    };
    to_preset(row, rights)
}

pub async fn create_preset(ctx: &Ctx, input: PresetInput) -> Result<Preset, Error> {
    let user = ctx.user()?.clone();
    let registry = registry(&ctx.platform)?;
    let randomizer = known_randomizer(&registry, &input.randomizer)?;
    let name = clean_name(&input.name)?;
    let parsed = format::parse_yaml(&input.yaml)?;
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
            let (ns, f) = namespace_named(ctx, slug).await?;
            same_tenant(ctx, &ns)?;
            if !rights(&f).create {
                return Err(Error::forbidden(format!(
                    "You may not add presets to the namespace {slug}."
                )));
            }
            Some(ns)
        }
        None if ctx.is_superadmin() => None,
        None => {
            return Err(Error::invalid(
                "namespace",
                "Choose a namespace; only site superadmins create global presets.",
            ))
        }
    };
    let settings = parsed.settings.to_string();
    let mut tx = ctx.db().begin().await?;
    let id = repo::insert_preset(
        &mut tx,
        &repo::NewPreset {
            namespace_id: ns.as_ref().map(|n| n.id),
            user_id: user.id,
            randomizer: &randomizer,
            name: &name,
            description: &description,
            kind: parsed.kind,
            yaml: &input.yaml,
            settings: &settings,
            is_public: input.is_public,
        },
        slug.as_deref(),
    )
    .await?;
    ctx.audit(&mut tx, user.id, ctx.org_id, "preset.create", serde_json::json!({"preset_id": id, "namespace": slug, "randomizer": randomizer, "name": name}))
        .await?;
    tx.commit().await?;
    ctx.platform.events.emit(
        ctx.org_id,
        Some(user.id),
        PresetCreated {
            preset_id: id,
            namespace: slug,
            randomizer,
            name,
        },
    );
    get_preset(ctx, id).await
}

pub async fn update_preset(
    ctx: &Ctx,
    preset_id: i64,
    change: PresetChange,
) -> Result<Preset, Error> {
    let user = ctx.user()?.clone();
    let (row, ns) = visible_preset(ctx, preset_id).await?;
    match &ns {
        Some((ns, f)) => {
            same_tenant(ctx, ns)?;
            if !rights(f).update {
                return Err(Error::forbidden(
                    "You may not change presets in this namespace.",
                ));
            }
        }
        None if ctx.is_superadmin() => {}
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
            (y.clone(), parsed.kind, parsed.settings.to_string())
        }
        None => (row.yaml.clone(), row.kind, row.settings.clone()),
    };
    let slug = row.namespace_slug.clone();
    let mut tx = ctx.db().begin().await?;
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
    )
    .await?;
    ctx.audit(
        &mut tx,
        user.id,
        ctx.org_id,
        "preset.update",
        serde_json::json!({"preset_id": preset_id}),
    )
    .await?;
    tx.commit().await?;
    ctx.platform.events.emit(
        ctx.org_id,
        Some(user.id),
        PresetUpdated {
            preset_id,
            namespace: slug,
            randomizer: row.randomizer.clone(),
            name,
        },
    );
    get_preset(ctx, preset_id).await
}

pub async fn delete_preset(ctx: &Ctx, preset_id: i64) -> Result<(), Error> {
    let user = ctx.user()?.clone();
    let (row, ns) = visible_preset(ctx, preset_id).await?;
    match &ns {
        Some((ns, f)) => {
            same_tenant(ctx, ns)?;
            if !rights(f).delete {
                return Err(Error::forbidden(
                    "You may not delete presets in this namespace.",
                ));
            }
        }
        None if ctx.is_superadmin() => {}
        None => {
            return Err(Error::forbidden(
                "Only site superadmins delete global presets.",
            ))
        }
    }
    let mut tx = ctx.db().begin().await?;
    repo::delete_preset(&mut tx, preset_id).await?;
    ctx.audit(
        &mut tx,
        user.id,
        ctx.org_id,
        "preset.delete",
        serde_json::json!({"preset_id": preset_id, "name": row.name}),
    )
    .await?;
    tx.commit().await?;
    ctx.platform.events.emit(
        ctx.org_id,
        Some(user.id),
        PresetDeleted {
            preset_id,
            namespace: row.namespace_slug,
            randomizer: row.randomizer,
            name: row.name,
        },
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Namespaces

pub struct NamespaceInput {
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub is_public: bool,
    pub for_organization: bool,
}

/// One page of the namespaces the caller may read. Rights are decided here after reading, so a
/// page may hold fewer than its size; `next_before_id` still says where the next one starts.
pub async fn list_namespaces(
    ctx: &Ctx,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<Namespace>, Error> {
    let rows =
        repo::namespaces_for(ctx.db(), ctx.user.as_ref().map(|u| u.id), ctx.org_id, page).await?;
    let mut out = Vec::new();
    for ns in rows.items {
        let f = facts(ctx, &ns).await?;
        let mut r = rights(&f);
        if r.read {
            if same_tenant(ctx, &ns).is_err() {
                r = NamespaceRights {
                    read: true,
                    ..Default::default()
                };
            }
            out.push(to_namespace(ns, r));
        }
    }
    Ok(sdk::page::Page {
        items: out,
        next_before_id: rows.next_before_id,
    })
}

pub async fn create_namespace(ctx: &Ctx, input: NamespaceInput) -> Result<Namespace, Error> {
    let user = ctx.user()?.clone();
    let slug = clean_slug(&input.slug)?;
    let display_name = input.display_name.trim().to_string();
    if display_name.is_empty()
        || display_name.chars().count() > 80
        || display_name.chars().any(char::is_control)
    {
        return Err(Error::invalid(
            "display_name",
            "Give it a name of 1 to 80 characters, on one line.",
        ));
    }
    let description = clean_description(&input.description)?;
    let owner_org_id = if input.for_organization {
        let org = ctx.org_id.ok_or_else(|| {
            Error::invalid(
                "for_organization",
                "Create organization namespaces from the organization's pages.",
            )
        })?;
        if !ctx.org_allows(org, "namespace:manage").await? {
            return Err(Error::forbidden(
                "You may not create namespaces for this organization (needs namespace:manage).",
            ));
        }
        Some(org)
    } else {
        None
    };
    let mut tx = ctx.db().begin().await?;
    let id = repo::insert_namespace(
        &mut tx,
        &repo::NewNamespace {
            slug: &slug,
            display_name: &display_name,
            description: &description,
            owner_user_id: if owner_org_id.is_some() {
                None
            } else {
                Some(user.id)
            },
            owner_org_id,
            is_public: input.is_public,
            created_by: user.id,
        },
    )
    .await?;
    ctx.audit(
        &mut tx,
        user.id,
        owner_org_id,
        "namespace.create",
        serde_json::json!({"namespace_id": id, "slug": slug}),
    )
    .await?;
    tx.commit().await?;
    ctx.platform.events.emit(
        owner_org_id,
        Some(user.id),
        NamespaceCreated {
            namespace_id: id,
            slug: slug.clone(),
            owner_org_id,
        },
    );
    let ns = repo::namespace_by_id(ctx.db(), id)
        .await?
        .ok_or_else(|| Error::internal("namespace vanished after insert"))?;
    let f = facts(ctx, &ns).await?;
    Ok(to_namespace(ns, rights(&f)))
}

async fn managed_namespace(ctx: &Ctx, slug: &str) -> Result<NamespaceRow, Error> {
    let (ns, f) = namespace_named(ctx, &slug.trim().to_lowercase()).await?;
    same_tenant(ctx, &ns)?;
    if !rights(&f).manage {
        return Err(Error::forbidden(format!(
            "Only the namespace's owner (or, for an organization's, members with namespace:manage) manage {}.",
            ns.slug
        )));
    }
    Ok(ns)
}

pub async fn grants(ctx: &Ctx, slug: &str) -> Result<Vec<NamespaceGrant>, Error> {
    let ns = managed_namespace(ctx, slug).await?;
    repo::grants(ctx.db(), ns.id).await
}

pub async fn grant(
    ctx: &Ctx,
    slug: &str,
    user_id: i64,
    rights_given: [bool; 3],
) -> Result<Vec<NamespaceGrant>, Error> {
    let actor = ctx.user()?.clone();
    let ns = managed_namespace(ctx, slug).await?;
    let target = sdk::identity::lookup::find(ctx.db(), user_id)
        .await?
        .ok_or_else(|| Error::invalid("user_id", format!("There is no user {user_id}.")))?;
    if ns.owner_user_id == Some(target.id) {
        return Err(Error::invalid(
            "user_id",
            "The owner already has every right here.",
        ));
    }
    let mut tx = ctx.db().begin().await?;
    repo::set_grant(&mut tx, ns.id, target.id, rights_given).await?;
    ctx.audit(
        &mut tx,
        actor.id,
        ns.owner_org_id,
        "namespace.grant",
        serde_json::json!({"namespace": ns.slug, "user_id": target.id, "rights": rights_given}),
    )
    .await?;
    tx.commit().await?;
    repo::grants(ctx.db(), ns.id).await
}

/// One file's outcome in [`import_dir`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    pub file: String,
    /// `Ok(preset name)` or the reason it was skipped.
    pub outcome: Result<String, String>,
}

/// Imports every `*.yaml` / `*.yml` file of `dir` into `namespace` as the ctx's user: the preset's
/// name is the file name without its extension; the randomizer is the file's `randomizer:` key,
/// else `default_randomizer`. Existing presets of the same name are updated. Each file is its own
/// transaction, so one bad file does not stop the rest.
pub async fn import_dir(
    ctx: &Ctx,
    dir: &std::path::Path,
    namespace: &str,
    default_randomizer: Option<&str>,
) -> Result<Vec<ImportResult>, Error> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::invalid("dir", format!("{} cannot be read: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let (ns, _) = namespace_named(ctx, &namespace.trim().to_lowercase()).await?;
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
                repo::preset_by_key(ctx.db(), Some(ns.id), &randomizer.to_lowercase(), &name)
                    .await
                    .map_err(|e| e.message())?;
            match existing {
                Some(row) => update_preset(
                    ctx,
                    row.id,
                    PresetChange {
                        name: None,
                        description: None,
                        yaml: Some(yaml),
                        is_public: None,
                    },
                )
                .await
                .map(|p| format!("{} (updated)", p.summary.name)),
                None => create_preset(
                    ctx,
                    PresetInput {
                        namespace: Some(ns.slug.clone()),
                        randomizer,
                        name,
                        description: String::new(),
                        yaml,
                        is_public: ns.is_public,
                    },
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

/// What other plugins (tournaments, randomizers) use: a preset's settings by its key.
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
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn user_ns(public: bool) -> Facts {
        Facts {
            namespace_public: public,
            ..Default::default()
        }
    }

    #[test]
    fn owners_do_everything_others_read_public() {
        let owner = Facts {
            is_owner_user: true,
            ..user_ns(false)
        };
        assert_eq!(
            rights(&owner),
            NamespaceRights {
                read: true,
                create: true,
                update: true,
                delete: true,
                manage: true
            }
        );
        let stranger = user_ns(true);
        assert_eq!(
            rights(&stranger),
            NamespaceRights {
                read: true,
                ..Default::default()
            }
        );
        let stranger_private = user_ns(false);
        assert!(!rights(&stranger_private).read);
        assert!(!is_member(&stranger));
    }

    #[test]
    fn grants_give_exactly_what_they_say() {
        let grantee = Facts {
            grant: Some([true, false, false]),
            ..user_ns(false)
        };
        let r = rights(&grantee);
        assert!(r.read && r.create && !r.update && !r.delete && !r.manage);
        assert!(is_member(&grantee), "grantees see private presets");
    }

    #[test]
    fn organization_namespaces_follow_org_policies() {
        let admin = Facts {
            owned_by_org: true,
            org: OrgStanding {
                read: true,
                create: true,
                update: true,
                delete: true,
                manage: true,
            },
            ..user_ns(false)
        };
        assert!(rights(&admin).manage);
        let reader = Facts {
            owned_by_org: true,
            org: OrgStanding {
                read: true,
                ..Default::default()
            },
            ..user_ns(false)
        };
        let r = rights(&reader);
        assert!(r.read && !r.create && !r.manage);
        assert!(is_member(&reader));
        let outsider = Facts {
            owned_by_org: true,
            ..user_ns(false)
        };
        assert!(!rights(&outsider).read);
        // Org standing means nothing for a user-owned namespace.
        let wrong = Facts {
            org: OrgStanding {
                create: true,
                ..Default::default()
            },
            ..user_ns(false)
        };
        assert!(!rights(&wrong).create);
    }

    #[test]
    fn superadmin_does_everything() {
        let sa = Facts {
            superadmin: true,
            ..user_ns(false)
        };
        assert!(rights(&sa).manage);
    }

    #[test]
    fn visibility_of_presets() {
        // Global presets: public ones for all, private ones only for superadmins.
        assert!(preset_visible(true, None, false));
        assert!(!preset_visible(false, None, false));
        assert!(preset_visible(false, None, true));
        // Namespaced: public preset in a public namespace for all; otherwise members only.
        assert!(preset_visible(true, Some(&user_ns(true)), false));
        assert!(!preset_visible(true, Some(&user_ns(false)), false));
        assert!(!preset_visible(false, Some(&user_ns(true)), false));
        let grantee = Facts {
            grant: Some([false; 3]),
            ..user_ns(true)
        };
        assert!(preset_visible(false, Some(&grantee), false));
    }

    #[test]
    fn slugs_and_names_are_checked() {
        assert_eq!(clean_slug(" League-2026 ").unwrap(), "league-2026");
        assert_eq!(clean_slug("a").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_slug("-x").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_slug("no spaces").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_name("  ").unwrap_err().field(), Some("name"));
        assert_eq!(clean_name(" Open ").unwrap(), "Open");
    }
}
