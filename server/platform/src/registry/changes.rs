//! Switching a plugin on or off for an organization: its dependencies and dependents, the
//! hooks, the audit entry and the event, in one transaction under a per-organization lock.

use super::{enablement::read_org_rows, *};

impl PluginHost {
    /// Switches a plugin on or off for an organization, following the dependency rules, running
    /// the hooks, all in one transaction. `with_dependencies` also switches on what it requires.
    pub async fn set_enabled(
        &self,
        org_id: i64,
        plugin_id: &str,
        enabled: bool,
        with_dependencies: bool,
        actor: &Actor,
    ) -> Result<EnablementChange, Error> {
        let manifest = self.known(plugin_id)?;
        if manifest.global {
            return Err(Error::invalid(
                "plugin_id",
                format!(
                    "{} is global: it is always on and not switched per organization.",
                    manifest.name
                ),
            ));
        }
        ensure_org_exists(&self.db, org_id).await?;
        self.refresh_installs().await?;
        // One change at a time: in this process by the mutex, across instances by an advisory
        // lock; and decided from the rows as they are inside the transaction, not the cache.
        let _one_at_a_time = self.write_lock.lock().await;
        let mut tx = self.db.begin().await?;
        if self.db.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(ENABLEMENT_LOCK_KEY ^ org_id)
                .execute(&mut *tx)
                .await?;
        }
        let rows = read_org_rows(&mut tx, org_id).await?;
        let currently = self.on_with(plugin_id, &rows, 0);
        let plan: Vec<String> = if enabled {
            if let Some(block) = self.org_block(plugin_id, &rows) {
                return Err(Error::conflict(format!(
                    "{} cannot be switched on: {block}.",
                    manifest.name
                )));
            }
            let mut missing = Vec::new();
            self.missing_dependencies(plugin_id, &rows, &mut missing, 0)?;
            if !missing.is_empty() && !with_dependencies {
                let names: Vec<String> = missing.iter().map(|id| self.name_of(id)).collect();
                return Err(Error::conflict(format!(
                    "{} needs {} switched on first. Switch {} on too.",
                    manifest.name,
                    join_names(&names),
                    if names.len() == 1 { "it" } else { "them" }
                )));
            }
            missing.push(plugin_id.to_string());
            missing
        } else {
            let dependents: Vec<String> = self
                .dependents(plugin_id)
                .into_iter()
                .filter(|d| {
                    self.manifest(d).is_some_and(|m| !m.global) && self.on_with(d, &rows, 0)
                })
                .map(|d| self.name_of(&d))
                .collect();
            if !dependents.is_empty() {
                return Err(Error::conflict(format!(
                    "{} is needed by {}; switch {} off first.",
                    manifest.name,
                    join_names(&dependents),
                    if dependents.len() == 1 { "it" } else { "them" }
                )));
            }
            vec![plugin_id.to_string()]
        };
        if plan.len() == 1
            && currently == enabled
            && rows.get(plugin_id).and_then(|r| r.enabled) == Some(enabled)
        {
            return Ok(EnablementChange { changed: vec![] });
        }

        let now = now_ms();
        let mut after = rows.clone();
        for id in &plan {
            after.entry(id.clone()).or_default().enabled = Some(enabled);
            sqlx::query(
                "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, enabled_at, enabled_by, updated_at)
                 VALUES ($1, $2, $3, $4, '{}', $5, $6, $5)
                 ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                     enabled = excluded.enabled, enabled_at = excluded.enabled_at,
                     enabled_by = excluded.enabled_by, updated_at = excluded.updated_at",
            )
            .bind(org_id)
            .bind(id)
            .bind(enabled)
            .bind(false)
            .bind(now)
            .bind(actor.user_id())
            .execute(&mut *tx)
            .await?;
            actor
                .audit(
                    &mut tx,
                    Some(org_id),
                    if enabled {
                        "plugin.enable"
                    } else {
                        "plugin.disable"
                    },
                    serde_json::json!({ "plugin": id }),
                )
                .await?;
        }
        // Hooks for every plugin whose state changes — the ones switched and any that come on
        // or go off with them — dependencies first when switching on, dependents first off.
        let mut order: Vec<&String> = self.load_order.iter().collect();
        if !enabled {
            order.reverse();
        }
        let mut changed = Vec::new();
        for id in order {
            let (before, now_on) = (self.on_with(id, &rows, 0), self.on_with(id, &after, 0));
            if before == now_on {
                continue;
            }
            let Some(entry) = self.entries.iter().find(|e| &e.id == id) else {
                continue;
            };
            let config = self.layers_effective(id, &after);
            let mut ctx = HookContext {
                org_id,
                config,
                conn: &mut tx,
            };
            let hook = if now_on {
                entry.bundle.plugin.on_enable(&mut ctx).await
            } else {
                entry.bundle.plugin.on_disable(&mut ctx).await
            };
            if let Err(e) = hook {
                tx.rollback().await.ok();
                let name = self.name_of(id);
                let way = if now_on { "on" } else { "off" };
                tracing::warn!(plugin = %id, org_id, error = %describe(&e), "plugin hook failed; change rolled back");
                return Err(match e {
                    Error::Internal => Error::upstream(
                        name.clone(),
                        format!("{name} could not be switched {way}; nothing was changed."),
                    ),
                    other => Error::conflict(format!(
                        "{name} refused to be switched {way}: {}. Nothing was changed.",
                        other.message()
                    )),
                });
            }
            changed.push(id.clone());
        }
        tx.commit().await?;
        self.invalidate(Some(org_id));
        for id in &changed {
            let plugin_id = id.clone();
            if self.on_with(id, &after, 0) {
                self.registrations.events.emit(
                    Some(org_id),
                    actor.user_id(),
                    PluginEnabled { plugin_id },
                );
            } else {
                self.registrations.events.emit(
                    Some(org_id),
                    actor.user_id(),
                    PluginDisabled { plugin_id },
                );
            }
        }
        Ok(EnablementChange { changed })
    }

    /// Required plugins (recursively, dependencies first) that are off for the organization.
    pub(super) fn missing_dependencies(
        &self,
        id: &str,
        rows: &BTreeMap<String, OrgRow>,
        out: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), Error> {
        let manifest = self.known(id)?;
        if depth > self.entries.len() {
            return Ok(());
        }
        for dep in &manifest.requires.plugins {
            if self.on_with(&dep.id, rows, 0) || out.contains(&dep.id) {
                continue;
            }
            if let Some(block) = self.org_block(&dep.id, rows) {
                return Err(Error::conflict(format!(
                    "{} needs {}, which cannot be switched on here: {block}.",
                    manifest.name,
                    self.name_of(&dep.id)
                )));
            }
            self.missing_dependencies(&dep.id, rows, out, depth + 1)?;
            if !self.chosen(self.known(&dep.id)?, rows) {
                out.push(dep.id.clone());
            }
        }
        Ok(())
    }

    /// Plugins whose manifest requires `id`.
    pub fn dependents(&self, id: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|e| e.manifest.as_ref())
            .filter(|m| m.requires_plugin(id))
            .map(|m| m.id.clone())
            .collect()
    }
}
