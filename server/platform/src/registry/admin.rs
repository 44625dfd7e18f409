//! What site and organization admins see and change about the installation: the plugin list
//! with statuses and reasons, switching a plugin off site-wide, private plugins' grants, and
//! the services plugins publish for each other.

use super::*;

impl PluginHost {
    /// Every plugin for the admin pages or an organization's plugin page. For an organization,
    /// private plugins not granted to it are left out unless `include_private`.
    pub async fn summaries(
        &self,
        org_id: Option<i64>,
        include_private: bool,
    ) -> Result<Vec<PluginSummary>, Error> {
        let applied: HashMap<String, i64> = sqlx::query(
            "SELECT plugin_id, COUNT(*) AS n FROM plugin_migrations WHERE success = $1 GROUP BY plugin_id",
        )
        .bind(true)
        .fetch_all(self.db.pool())
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<String, _>("plugin_id")?, row.try_get::<i64, _>("n")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let rows = match org_id {
            Some(org) => Some(self.org_rows(org).await?),
            None => None,
        };
        let mut out = Vec::new();
        for entry in &self.entries {
            let state = self
                .states
                .read()
                .ok()
                .and_then(|s| s.get(&entry.id).cloned())
                .unwrap_or_else(|| failed("unknown".into()));
            let Some(m) = &entry.manifest else {
                if org_id.is_none() || include_private {
                    out.push(PluginSummary {
                        id: entry.id.clone(),
                        name: entry.id.clone(),
                        version: "?".into(),
                        description: String::new(),
                        author: String::new(),
                        category: String::new(),
                        kind: String::new(),
                        global: false,
                        private: false,
                        enabled_by_default: false,
                        status: state.status,
                        reason: state.reason,
                        disabled_by_setting: false,
                        dependencies: vec![],
                        dependents: vec![],
                        conflicts: vec![],
                        migrations_applied: 0,
                        configurable: false,
                        enabled: rows.as_ref().map(|_| false),
                        blocked: rows.as_ref().map(|_| "its manifest is invalid".to_string()),
                        granted: None,
                    });
                }
                continue;
            };
            let granted = rows
                .as_ref()
                .map(|r| r.get(&m.id).is_some_and(|row| row.granted));
            if m.private && org_id.is_some() && !include_private && granted != Some(true) {
                continue;
            }
            let enabled = rows.as_ref().map(|r| self.on_with(&m.id, r, 0));
            let blocked = rows.as_ref().and_then(|r| self.org_block(&m.id, r));
            let reason = match state.status {
                PluginStatus::Loaded if !self.install(&m.id).active => {
                    Some("set inactive by a site admin; not loaded at the next start".into())
                }
                _ => state.reason,
            };
            out.push(PluginSummary {
                id: m.id.clone(),
                name: m.name.clone(),
                version: m.version.clone(),
                description: m.description.clone(),
                author: m.author.clone(),
                category: m.category.clone(),
                kind: m.kind.clone(),
                global: m.global,
                private: m.private,
                enabled_by_default: m.enabled_by_default,
                status: state.status,
                reason,
                disabled_by_setting: self.disabled.contains(&m.id),
                dependencies: m
                    .all_dependencies()
                    .map(|(d, optional)| DependencyInfo {
                        id: d.id.clone(),
                        version: d.version.clone(),
                        optional,
                    })
                    .collect(),
                dependents: self.dependents(&m.id),
                conflicts: m.requires.conflicts.clone(),
                migrations_applied: applied.get(&m.id).copied().unwrap_or(0),
                configurable: m
                    .config_schema_json()
                    .and_then(|s| {
                        s.get("properties")
                            .and_then(Value::as_object)
                            .map(|p| !p.is_empty())
                    })
                    .unwrap_or(false),
                enabled,
                blocked,
                granted: if m.private { granted } else { None },
            });
        }
        Ok(out)
    }

    /// A private plugin not granted to the organization does not exist for it.
    pub(super) fn visible_to_org(
        &self,
        manifest: &Manifest,
        rows: &BTreeMap<String, OrgRow>,
    ) -> Result<(), Error> {
        if manifest.private && !rows.get(&manifest.id).is_some_and(|r| r.granted) {
            Err(Error::not_found(format!(
                "There is no plugin `{}`.",
                manifest.id
            )))
        } else {
            Ok(())
        }
    }

    /// Site admin: active plugins load at start; an inactive one is off everywhere at once and
    /// not loaded at the next start.
    pub async fn set_active(
        &self,
        plugin_id: &str,
        active: bool,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !active {
            let needed_by: Vec<String> = self
                .dependents(plugin_id)
                .into_iter()
                .filter(|d| self.install(d).active && self.status(d) == Some(PluginStatus::Loaded))
                .map(|d| self.name_of(&d))
                .collect();
            if !needed_by.is_empty() {
                return Err(Error::conflict(format!(
                    "{} is required by {}; set {} inactive first.",
                    manifest.name,
                    join_names(&needed_by),
                    if needed_by.len() == 1 { "it" } else { "them" }
                )));
            }
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE plugins SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(now_ms())
            .bind(plugin_id)
            .execute(&mut *tx)
            .await?;
        actor
            .audit(
                &mut tx,
                None,
                if active {
                    "plugin.activate"
                } else {
                    "plugin.deactivate"
                },
                serde_json::json!({ "plugin": plugin_id }),
            )
            .await?;
        tx.commit().await?;
        if let Ok(mut installs) = self.installs.write() {
            installs
                .entry(plugin_id.to_string())
                .or_insert(Install {
                    active,
                    config: Value::Object(Map::new()),
                })
                .active = active;
        }
        self.invalidate(None);
        Ok(())
    }

    /// Site admin: gives (or takes back) an organization's access to a private plugin.
    pub async fn set_granted(
        &self,
        org_id: i64,
        plugin_id: &str,
        granted: bool,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !manifest.private {
            return Err(Error::invalid(
                "plugin_id",
                format!(
                    "{} is not private: every organization can use it.",
                    manifest.name
                ),
            ));
        }
        ensure_org_exists(&self.db, org_id).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at)
             VALUES ($1, $2, NULL, $3, '{}', $4)
             ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                 granted = excluded.granted, updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(plugin_id)
        .bind(granted)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                if granted {
                    "plugin.grant"
                } else {
                    "plugin.revoke"
                },
                serde_json::json!({ "plugin": plugin_id }),
            )
            .await?;
        tx.commit().await?;
        self.invalidate(Some(org_id));
        Ok(())
    }

    /// A service published by another plugin. `consumer` must declare the provider as a
    /// dependency in its manifest.
    pub fn service<T: std::any::Any + Send + Sync>(&self, consumer: &str) -> Result<Arc<T>, Error> {
        let type_name = std::any::type_name::<T>();
        self.service_by_type(consumer, std::any::TypeId::of::<T>(), type_name)?
            .downcast::<T>()
            .map_err(|_| Error::internal(format!("the service {type_name} has another type")))
    }

    /// [`PluginHost::service`] by type id (what `sdk::context::Plugins` asks).
    pub fn service_by_type(
        &self,
        consumer: &str,
        wanted: std::any::TypeId,
        type_name: &'static str,
    ) -> Result<Arc<dyn std::any::Any + Send + Sync>, Error> {
        let (owner, service) =
            self.registrations
                .services
                .get_by_type(wanted)
                .ok_or_else(|| {
                    Error::not_found(format!(
                        "No loaded plugin provides the service {type_name}."
                    ))
                })?;
        let declared = owner == consumer
            || self
                .manifest(consumer)
                .is_some_and(|m| m.declares_dependency_on(&owner));
        if !declared {
            return Err(Error::forbidden(format!(
                "Plugin {consumer} uses {type_name} from {owner} without declaring {owner} in its plugin.toml."
            )));
        }
        Ok(service)
    }
}
