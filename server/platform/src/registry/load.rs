//! Loading: start-up (manifests → dependency order → migrations → `on_load`), reloading one
//! plugin, and the install records in `plugins`.

use super::{enablement::forget_on, *};

impl PluginHost {
    /// Loads `bundles` against `db` (whose core migrations have run). Fails only when the
    /// platform's own tables cannot be read or written; a plugin's failure is recorded on it.
    pub async fn load(db: &Db, bundles: Vec<Bundle>, options: LoadOptions) -> Result<Self, Error> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut states = BTreeMap::new();
        for bundle in bundles {
            match Manifest::parse(&bundle.manifest_source, &bundle.origin) {
                Ok(manifest) if entries.iter().any(|e| e.id == manifest.id) => {
                    let id = format!("{} ({})", manifest.id, bundle.origin);
                    states.insert(
                        id.clone(),
                        failed(format!("another plugin already has the id {}", manifest.id)),
                    );
                    entries.push(Entry {
                        id,
                        manifest: None,
                        bundle,
                    });
                }
                Ok(manifest) => entries.push(Entry {
                    id: manifest.id.clone(),
                    manifest: Some(manifest),
                    bundle,
                }),
                Err(e) => {
                    let id = if entries.iter().any(|x| x.id == e.plugin) {
                        format!("{} ({})", e.plugin, bundle.origin)
                    } else {
                        e.plugin.clone()
                    };
                    states.insert(id.clone(), failed(e.to_string()));
                    entries.push(Entry {
                        id,
                        manifest: None,
                        bundle,
                    });
                }
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));

        // Install records: new plugins get a row; a changed version is noted for on_upgrade.
        let now = now_ms();
        let mut upgrades = BTreeMap::new();
        for entry in &entries {
            let Some(m) = &entry.manifest else { continue };
            let existing: Option<String> =
                sqlx::query_scalar("SELECT version FROM plugins WHERE id = $1")
                    .bind(&m.id)
                    .fetch_optional(db.pool())
                    .await?;
            match existing {
                None => {
                    sqlx::query(
                        "INSERT INTO plugins (id, version, kind, active, config, installed_at, updated_at)
                         VALUES ($1, $2, $3, $4, '{}', $5, $5)
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(&m.id)
                    .bind(&m.version)
                    .bind(&m.kind)
                    .bind(true)
                    .bind(now)
                    .execute(db.pool())
                    .await?;
                }
                Some(old) => {
                    if old != m.version {
                        upgrades.insert(m.id.clone(), old);
                    }
                }
            }
        }
        let installs = read_installs(db).await?;

        let inactive: BTreeSet<String> = installs
            .iter()
            .filter(|(_, i)| !i.active)
            .map(|(id, _)| id.clone())
            .collect();
        let manifests: Vec<&Manifest> =
            entries.iter().filter_map(|e| e.manifest.as_ref()).collect();
        let resolution = resolve(&manifests, &options.app_version, &inactive);
        for (id, why) in &resolution.not_loaded {
            states.insert(
                id.clone(),
                match why {
                    NotLoaded::Inactive => State {
                        status: PluginStatus::Inactive,
                        reason: Some("set inactive by a site admin".into()),
                    },
                    NotLoaded::Failed(reason) => failed(reason.clone()),
                },
            );
        }

        let registrations = Registrations::default();
        let settings = Arc::new(options.settings.clone());
        let backend = db.backend();
        for id in &resolution.order {
            let Some(entry) = entries.iter().find(|e| &e.id == id) else {
                continue;
            };
            let Some(manifest) = &entry.manifest else {
                continue;
            };
            // A dependency may have failed in its migrations or on_load.
            let broken = manifest.requires.plugins.iter().find(|d| {
                states
                    .get(&d.id)
                    .is_some_and(|s| s.status != PluginStatus::Loaded)
            });
            if let Some(dep) = broken {
                states.insert(
                    id.clone(),
                    failed(format!("requires {}, which could not be loaded", dep.id)),
                );
                continue;
            }
            if let Err(e) = migrate::run(db, id, entry.bundle.migrations(backend)).await {
                states.insert(id.clone(), failed(format!("migration failed: {e}")));
                continue;
            }
            let ctx =
                LoadContext::new(id, db.clone(), registrations.clone(), Arc::clone(&settings));
            if let Err(e) = entry.bundle.plugin.on_load(&ctx).await {
                registrations.forget(id);
                states.insert(
                    id.clone(),
                    failed(format!("on_load failed: {}", describe(&e))),
                );
                continue;
            }
            if let Some(old) = upgrades.get(id) {
                if let Err(e) = entry
                    .bundle
                    .plugin
                    .on_upgrade(db, old, &manifest.version)
                    .await
                {
                    // The old version stays recorded, so the next start runs the upgrade again.
                    tracing::warn!(plugin = %id, from = %old, to = %manifest.version, error = %describe(&e), "on_upgrade failed; it runs again at the next start (plugin still loaded)");
                } else {
                    sqlx::query("UPDATE plugins SET version = $1, updated_at = $2 WHERE id = $3")
                        .bind(&manifest.version)
                        .bind(now_ms())
                        .bind(id)
                        .execute(db.pool())
                        .await?;
                }
            }
            states.insert(
                id.clone(),
                State {
                    status: PluginStatus::Loaded,
                    reason: None,
                },
            );
        }

        for entry in &entries {
            let state = states.get(&entry.id);
            let version = entry
                .manifest
                .as_ref()
                .map(|m| m.version.as_str())
                .unwrap_or("?");
            match state.map(|s| (s.status, s.reason.as_deref())) {
                Some((PluginStatus::Loaded, _)) => {
                    let off = options.disabled.contains(&entry.id);
                    tracing::info!(plugin = %entry.id, version, disabled_by_setting = off, "plugin loaded");
                }
                Some((PluginStatus::Inactive, _)) => {
                    tracing::info!(plugin = %entry.id, version, "plugin skipped: inactive")
                }
                Some((PluginStatus::Failed, reason)) => {
                    tracing::warn!(plugin = %entry.id, version, reason = reason.unwrap_or(""), "plugin failed")
                }
                None => {}
            }
        }
        for id in &options.disabled {
            if !entries.iter().any(|e| &e.id == id) {
                tracing::warn!(plugin = %id, "DISABLED_PLUGINS names a plugin that is not installed");
            }
        }

        for id in &resolution.order {
            if states
                .get(id)
                .is_some_and(|s| s.status == PluginStatus::Loaded)
            {
                let version = entries
                    .iter()
                    .find(|e| &e.id == id)
                    .and_then(|e| e.manifest.as_ref())
                    .map(|m| m.version.clone())
                    .unwrap_or_default();
                registrations.events.emit(
                    None,
                    None,
                    PluginLoaded {
                        plugin_id: id.clone(),
                        version,
                    },
                );
            }
        }
        // Another instance's enablement change arrives as an event: forget that organization
        // here at once instead of serving the cached answer for up to CACHE_TTL.
        let orgs: Arc<RwLock<HashMap<i64, CachedOrg>>> = Arc::default();
        for forget in [forget_on::<PluginEnabled>, forget_on::<PluginDisabled>] {
            forget(&registrations.events, Arc::clone(&orgs));
        }
        Ok(Self {
            db: db.clone(),
            entries,
            disabled: options.disabled,
            states: RwLock::new(states),
            installs: RwLock::new(installs),
            installs_loaded: RwLock::new(Instant::now()),
            write_lock: tokio::sync::Mutex::new(()),
            load_order: resolution.order.clone(),
            registrations,
            settings,
            orgs,
        })
    }

    /// Runs a loaded (or failed-in-on_load) plugin's registrations again without a restart:
    /// its services are dropped and `on_load` runs anew.
    pub async fn reload(&self, plugin_id: &str) -> Result<PluginStatus, Error> {
        let manifest = self.known(plugin_id)?;
        let status = self.status(plugin_id);
        let on_load_failed = self
            .reason(plugin_id)
            .is_some_and(|r| r.starts_with("on_load failed"));
        if status != Some(PluginStatus::Loaded) && !on_load_failed {
            return Err(Error::conflict(format!(
                "{} is not loaded ({}); reloading only re-runs a loaded plugin's registrations.",
                manifest.name,
                self.reason(plugin_id).unwrap_or_else(|| "inactive".into())
            )));
        }
        let entry = self
            .entries
            .iter()
            .find(|e| e.id == plugin_id)
            .ok_or_else(|| Error::not_found(format!("There is no plugin `{plugin_id}`.")))?;
        self.forget_registrations(plugin_id);
        let ctx = LoadContext::new(
            plugin_id,
            self.db.clone(),
            self.registrations.clone(),
            Arc::clone(&self.settings),
        );
        let state = match entry.bundle.plugin.on_load(&ctx).await {
            Ok(()) => State {
                status: PluginStatus::Loaded,
                reason: None,
            },
            Err(e) => {
                self.forget_registrations(plugin_id);
                failed(format!("on_load failed: {}", describe(&e)))
            }
        };
        tracing::info!(plugin = %plugin_id, status = state.status.label(), "plugin reloaded");
        let status = state.status;
        if let Ok(mut states) = self.states.write() {
            states.insert(plugin_id.to_string(), state);
        }
        self.invalidate(None);
        Ok(status)
    }

    /// Calls every loaded plugin's `on_start`, dependencies first (the server does, once it
    /// listens).
    pub async fn start(&self, platform: &sdk::context::Platform) {
        for id in &self.load_order {
            if self.status(id) != Some(PluginStatus::Loaded) {
                continue;
            }
            if let Some(entry) = self.entries.iter().find(|e| &e.id == id) {
                if let Err(e) = entry.bundle.plugin.on_start(platform).await {
                    tracing::warn!(plugin = %id, error = %describe(&e), "the plugin's background work did not start");
                }
            }
        }
    }

    /// Calls every loaded plugin's `on_stop`, dependents first.
    pub async fn stop(&self) {
        for id in self.load_order.iter().rev() {
            if self.status(id) != Some(PluginStatus::Loaded) {
                continue;
            }
            if let Some(entry) = self.entries.iter().find(|e| &e.id == id) {
                entry.bundle.plugin.on_stop().await;
            }
        }
    }

    /// Drops what `plugin_id` registered in `on_load` (before a reload, or when it failed).
    pub(super) fn forget_registrations(&self, plugin_id: &str) {
        self.registrations.forget(plugin_id);
    }
}

pub(super) async fn read_installs(db: &Db) -> Result<BTreeMap<String, Install>, Error> {
    let rows: Vec<InstallRow> = sqlx::query_as("SELECT id, active, config FROM plugins")
        .fetch_all(db.pool())
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        out.insert(
            row.id,
            Install {
                active: row.active,
                config: serde_json::from_str(&row.config).unwrap_or(Value::Object(Map::new())),
            },
        );
    }
    Ok(out)
}

/// A `plugins` row (`read_installs`).
#[derive(sqlx::FromRow)]
struct InstallRow {
    id: String,
    #[sqlx(try_from = "Flag")]
    active: bool,
    config: String,
}
