-- Plugin install records and per-organization enablement (sdk::plugin::host).
-- Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 (see sdk::db::Flag).

-- One row per plugin this installation has seen.
CREATE TABLE plugins (
    id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- 0: a site admin set it inactive (not loaded on the next start, off everywhere now).
    active INTEGER NOT NULL DEFAULT 1,
    -- The install configuration (JSON object), between schema defaults and org overrides.
    config TEXT NOT NULL DEFAULT '{}',
    installed_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- An organization's choices for one plugin. No row: the plugin's default applies.
CREATE TABLE organization_plugins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    plugin_id TEXT NOT NULL,
    -- NULL: follow enabled_by_default.
    enabled INTEGER,
    -- Access to a private plugin, granted by a site admin.
    granted INTEGER NOT NULL DEFAULT 0,
    -- Configuration overrides (JSON object).
    config TEXT NOT NULL DEFAULT '{}',
    enabled_at BIGINT,
    enabled_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, plugin_id)
);
