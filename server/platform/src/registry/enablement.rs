//! Is a plugin on for an organization? The site-wide blocks (inactive, `DISABLED_PLUGINS`,
//! failed), the organization's rows (cached per organization for [`CACHE_TTL`]), and the
//! dependencies that must be on too.

use super::{load::read_installs, *};

impl PluginHost {
    /// Why a plugin cannot be on anywhere right now, if something site-wide stops it.
    pub(super) fn sitewide_block(&self, id: &str) -> Option<String> {
        match self.status(id) {
            Some(PluginStatus::Loaded) => {}
            Some(PluginStatus::Inactive) => return Some("a site admin set it inactive".into()),
            Some(PluginStatus::Failed) => {
                return Some(format!(
                    "it failed to load: {}",
                    self.reason(id).unwrap_or_default()
                ))
            }
            None => return Some("it is not installed".into()),
        }
        if !self.install(id).active {
            return Some(
                "a site admin set it inactive (takes full effect at the next start)".into(),
            );
        }
        if self.disabled.contains(id) {
            return Some("the DISABLED_PLUGINS setting turns it off on this site".into());
        }
        None
    }

    /// Whether the plugin is running on this site at all (loaded, active, not in
    /// `DISABLED_PLUGINS`): what site-level (not organization) features check.
    pub async fn is_running(&self, id: &str) -> Result<bool, Error> {
        self.refresh_installs().await?;
        Ok(self.manifest(id).is_some() && self.sitewide_block(id).is_none())
    }

    /// Why a plugin cannot be switched on in this organization (site-wide reasons, or a private
    /// plugin without a grant).
    pub(super) fn org_block(&self, id: &str, rows: &BTreeMap<String, OrgRow>) -> Option<String> {
        if let Some(block) = self.sitewide_block(id) {
            return Some(block);
        }
        let manifest = self.manifest(id)?;
        if manifest.private && !rows.get(id).is_some_and(|r| r.granted) {
            return Some(
                "it is private and a site admin has not granted it to this organization".into(),
            );
        }
        None
    }

    /// The organization's own choice, or the plugin's default.
    pub(super) fn chosen(&self, manifest: &Manifest, rows: &BTreeMap<String, OrgRow>) -> bool {
        manifest.global
            || rows
                .get(&manifest.id)
                .and_then(|r| r.enabled)
                .unwrap_or(manifest.enabled_by_default)
    }

    pub(super) fn on_with(&self, id: &str, rows: &BTreeMap<String, OrgRow>, depth: usize) -> bool {
        let Some(manifest) = self.manifest(id) else {
            return false;
        };
        if depth > self.entries.len() || self.org_block(id, rows).is_some() {
            return false;
        }
        self.chosen(manifest, rows)
            && manifest
                .requires
                .plugins
                .iter()
                .all(|d| self.on_with(&d.id, rows, depth + 1))
    }

    /// Re-reads the install rows (active flag, install config) when they are older than
    /// [`CACHE_TTL`], so a site admin's change on another instance arrives here too.
    pub(super) async fn refresh_installs(&self) -> Result<(), Error> {
        let stale = self
            .installs_loaded
            .read()
            .map(|t| t.elapsed() >= CACHE_TTL)
            .unwrap_or(true);
        if stale {
            let fresh = read_installs(&self.db).await?;
            if let Ok(mut installs) = self.installs.write() {
                *installs = fresh;
            }
            if let Ok(mut t) = self.installs_loaded.write() {
                *t = Instant::now();
            }
        }
        Ok(())
    }

    pub(super) async fn org_rows(
        &self,
        org_id: i64,
    ) -> Result<Arc<BTreeMap<String, OrgRow>>, Error> {
        self.refresh_installs().await?;
        if let Ok(orgs) = self.orgs.read() {
            if let Some(hit) = orgs.get(&org_id).filter(|c| c.loaded.elapsed() < CACHE_TTL) {
                return Ok(Arc::clone(&hit.rows));
            }
        }
        let mut conn = self.db.pool().acquire().await?;
        let rows = Arc::new(read_org_rows(&mut conn, org_id).await?);
        drop(conn);
        if let Ok(mut orgs) = self.orgs.write() {
            // Requests can name any organization id; expired entries go before the map grows.
            if orgs.len() >= MAX_CACHED_ORGS {
                orgs.retain(|_, c| c.loaded.elapsed() < CACHE_TTL);
                if orgs.len() >= MAX_CACHED_ORGS {
                    orgs.clear();
                }
            }
            orgs.insert(
                org_id,
                CachedOrg {
                    rows: Arc::clone(&rows),
                    loaded: Instant::now(),
                },
            );
        }
        Ok(rows)
    }

    /// Drops cached enablement (all organizations when `None`).
    pub fn invalidate(&self, org_id: Option<i64>) {
        if let Ok(mut orgs) = self.orgs.write() {
            match org_id {
                Some(org) => {
                    orgs.remove(&org);
                }
                None => orgs.clear(),
            }
        }
    }

    /// Is `plugin_id` on for this organization?
    pub async fn is_enabled(&self, org_id: i64, plugin_id: &str) -> Result<bool, Error> {
        if self.manifest(plugin_id).is_none() {
            return Ok(false);
        }
        let rows = self.org_rows(org_id).await?;
        Ok(self.on_with(plugin_id, &rows, 0))
    }

    /// Ids of every plugin on for this organization.
    pub async fn enabled_plugins(&self, org_id: i64) -> Result<Vec<String>, Error> {
        let rows = self.org_rows(org_id).await?;
        Ok(self
            .entries
            .iter()
            .filter(|e| self.on_with(&e.id, &rows, 0))
            .map(|e| e.id.clone())
            .collect())
    }

    /// NotEnabled (HTTP 404) unless the plugin is on for the organization.
    pub async fn ensure_enabled(&self, org_id: i64, plugin_id: &str) -> Result<(), Error> {
        if self.is_enabled(org_id, plugin_id).await? {
            Ok(())
        } else {
            Err(Error::not_enabled(plugin_id, &self.name_of(plugin_id)))
        }
    }

    /// The nav entries of the plugins on for this organization (unfiltered by permission), with
    /// the action each needs.
    pub async fn nav_entries(&self, org_id: i64) -> Result<Vec<(NavEntry, Option<String>)>, Error> {
        let mut out = Vec::new();
        for id in self.enabled_plugins(org_id).await? {
            // Global plugins too: they are on everywhere, and one may still have an
            // organization page (the Discord bot's linked servers).
            let Some(m) = self.manifest(&id) else {
                continue;
            };
            let base = format!("/org/{org_id}/{}", m.route());
            for nav in &m.provides.nav {
                let path = match nav.path.trim_matches('/') {
                    "" => base.clone(),
                    rest => format!("{base}/{rest}"),
                };
                out.push((
                    NavEntry {
                        plugin_id: id.clone(),
                        label: nav.label.clone(),
                        path,
                        icon: nav.icon.clone(),
                    },
                    nav.action.clone(),
                ));
            }
        }
        Ok(out)
    }
}

/// Drops an organization's cached enablement whenever an event of type `E` names it.
pub(super) fn forget_on<E: Event>(events: &EventBus, orgs: Arc<RwLock<HashMap<i64, CachedOrg>>>) {
    events.listen::<E, _, _>("core", move |envelope| {
        let orgs = Arc::clone(&orgs);
        async move {
            if let (Some(org), Ok(mut orgs)) = (envelope.org_id, orgs.write()) {
                orgs.remove(&org);
            }
            Ok(())
        }
    });
}

/// The organization's rows (inside a transaction, or on a pooled connection for the cache).
pub(super) async fn read_org_rows(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<BTreeMap<String, OrgRow>, Error> {
    let rows: Vec<OrgPluginRow> = sqlx::query_as(
        "SELECT plugin_id, enabled, granted, config FROM organization_plugins
         WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut map = BTreeMap::new();
    for row in rows {
        let (id, org_row) = org_row(row);
        map.insert(id, org_row);
    }
    Ok(map)
}

/// An `organization_plugins` row as stored (`read_org_rows`).
#[derive(sqlx::FromRow)]
pub(super) struct OrgPluginRow {
    plugin_id: String,
    enabled: Option<Flag>,
    #[sqlx(try_from = "Flag")]
    granted: bool,
    config: String,
}

pub(super) fn org_row(row: OrgPluginRow) -> (String, OrgRow) {
    (
        row.plugin_id,
        OrgRow {
            enabled: row.enabled.map(|f| f.0),
            granted: row.granted,
            config: serde_json::from_str(&row.config).unwrap_or(Value::Object(Map::new())),
        },
    )
}
