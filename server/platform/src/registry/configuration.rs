//! Configuration: the layers (organization override ▸ install ▸ schema defaults ▸ code
//! defaults), what the settings form shows, and validated writes of both layers.

use super::*;

impl PluginHost {
    pub(super) fn layers_effective(&self, id: &str, rows: &BTreeMap<String, OrgRow>) -> Value {
        let Some(entry) = self.entries.iter().find(|e| e.id == id) else {
            return Value::Object(Map::new());
        };
        let code = entry.bundle.plugin.default_config();
        let schema = entry
            .manifest
            .as_ref()
            .and_then(Manifest::config_schema_json);
        let install = self.install(id).config;
        let org = rows
            .get(id)
            .map(|r| r.config.clone())
            .unwrap_or(Value::Object(Map::new()));
        Layers {
            code: &code,
            schema: schema.as_ref(),
            install: &install,
            organization: &org,
        }
        .effective()
    }

    /// The configuration a plugin runs with in this organization.
    pub async fn effective_config(&self, org_id: i64, plugin_id: &str) -> Result<Value, Error> {
        self.known(plugin_id)?;
        let rows = self.org_rows(org_id).await?;
        Ok(self.layers_effective(plugin_id, &rows))
    }

    /// Schema, effective values, the organization's overrides and the key/value view.
    pub async fn config_view(
        &self,
        org_id: i64,
        plugin_id: &str,
    ) -> Result<PluginConfigView, Error> {
        let manifest = self.known(plugin_id)?;
        let rows = self.org_rows(org_id).await?;
        self.visible_to_org(manifest, &rows)?;
        let entry = self
            .entries
            .iter()
            .find(|e| e.id == plugin_id)
            .ok_or_else(|| Error::not_found(format!("There is no plugin `{plugin_id}`.")))?;
        let code = entry.bundle.plugin.default_config();
        let schema = manifest
            .config_schema_json()
            .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}));
        let install = self.install(plugin_id).config;
        let overrides = rows
            .get(plugin_id)
            .map(|r| r.config.clone())
            .unwrap_or(Value::Object(Map::new()));
        let layers = Layers {
            code: &code,
            schema: Some(&schema),
            install: &install,
            organization: &overrides,
        };
        // The site-only settings (an address the server calls, an API key) are the site
        // administrators': an organization's view and form do not hold them.
        let site_only = config::site_only_keys(&schema);
        Ok(PluginConfigView {
            plugin_id: plugin_id.to_string(),
            plugin_name: manifest.name.clone(),
            effective: config::without_site_only(&schema, &layers.effective()),
            entries: layers
                .entries()
                .into_iter()
                .filter(|e| {
                    !site_only
                        .iter()
                        .any(|k| e.key == *k || e.key.starts_with(&format!("{k}.")))
                })
                .collect(),
            overrides: config::without_site_only(&schema, &overrides),
            schema: config::without_site_only(&schema, &schema),
        })
    }

    /// Replaces the organization's overrides, after validating the effective result.
    pub async fn set_config(
        &self,
        org_id: i64,
        plugin_id: &str,
        overrides: Value,
        actor: &Actor,
    ) -> Result<PluginConfigView, Error> {
        let manifest = self.known(plugin_id)?;
        if !overrides.is_object() {
            return Err(Error::invalid(
                "config",
                "Settings must be an object of keys and values.",
            ));
        }
        sdk::input::check_document_budget("config", &overrides)?;
        ensure_org_exists(&self.db, org_id).await?;
        let rows = self.org_rows(org_id).await?;
        self.visible_to_org(manifest, &rows)?;
        // Keys equal to what the organization would inherit are not stored, so later changes to
        // the install config or defaults still reach it; partial objects are fine.
        let mut without = (*rows).clone();
        without.entry(plugin_id.to_string()).or_default().config = Value::Object(Map::new());
        let inherited = self.layers_effective(plugin_id, &without);
        if let Some(schema) = manifest.config_schema_json() {
            for key in config::site_only_keys(&schema) {
                if overrides
                    .get(&key)
                    .is_some_and(|v| Some(v) != inherited.get(&key))
                {
                    return Err(Error::invalid(
                        key.clone(),
                        format!("`{key}` is set by the site's administrators; an organization cannot change it."),
                    ));
                }
            }
        }
        let desired = config::merge(&inherited, &overrides);
        if let Some(schema) = manifest.config_schema_json() {
            config::validate(&schema, &desired)?;
            // A Discord channel setting must be in a server linked to this organization.
            let before = self.layers_effective(plugin_id, &rows);
            sdk::bot::channels::check_config_channels(
                &self.registrations.bot,
                &self.db,
                org_id,
                &schema,
                Some(&before),
                &desired,
            )
            .await?;
        }
        let overrides = config::diff(&desired, &inherited);
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at)
             VALUES ($1, $2, NULL, $3, $4, $5)
             ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                 config = excluded.config, updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(plugin_id)
        .bind(false)
        .bind(overrides.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "plugin.config",
                serde_json::json!({ "plugin": plugin_id, "config": overrides }),
            )
            .await?;
        tx.commit().await?;
        self.invalidate(Some(org_id));
        self.config_view(org_id, plugin_id).await
    }

    /// The install configuration as stored (site admins edit it), secrets shown as
    /// `config::HIDDEN_SECRET`.
    pub fn install_config(&self, plugin_id: &str) -> Result<Value, Error> {
        let manifest = self.known(plugin_id)?;
        let stored = self.install(plugin_id).config;
        Ok(match manifest.config_schema_json() {
            Some(schema) => config::hide_secrets(&schema, &stored),
            None => stored,
        })
    }

    /// Site admin: the install configuration (between schema defaults and org overrides).
    pub async fn set_install_config(
        &self,
        plugin_id: &str,
        config_value: Value,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !config_value.is_object() {
            return Err(Error::invalid(
                "config",
                "Settings must be an object of keys and values.",
            ));
        }
        sdk::input::check_document_budget("config", &config_value)?;
        let schema = manifest.config_schema_json();
        // A secret saved back as the hidden value shown keeps the stored one.
        let config_value = match &schema {
            Some(schema) => {
                config::keep_hidden_secrets(schema, &config_value, &self.install(plugin_id).config)
            }
            None => config_value,
        };
        let audited = match &schema {
            Some(schema) => config::hide_secrets(schema, &config_value),
            None => config_value.clone(),
        };
        if let Some(schema) = schema {
            let entry = self.entries.iter().find(|e| e.id == plugin_id);
            let code = entry
                .map(|e| e.bundle.plugin.default_config())
                .unwrap_or(Value::Null);
            let empty = Value::Object(Map::new());
            let effective = Layers {
                code: &code,
                schema: Some(&schema),
                install: &config_value,
                organization: &empty,
            }
            .effective();
            config::validate(&schema, &effective)?;
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE plugins SET config = $1, updated_at = $2 WHERE id = $3")
            .bind(config_value.to_string())
            .bind(now_ms())
            .bind(plugin_id)
            .execute(&mut *tx)
            .await?;
        actor
            .audit(
                &mut tx,
                None,
                "plugin.install_config",
                serde_json::json!({ "plugin": plugin_id, "config": audited }),
            )
            .await?;
        tx.commit().await?;
        if let Ok(mut installs) = self.installs.write() {
            if let Some(install) = installs.get_mut(plugin_id) {
                install.config = config_value;
            }
        }
        Ok(())
    }
}
