-- Namespaces, per-user grants and randomizer presets (reference §1).
-- Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 (see sdk::db::Flag).

CREATE TABLE preset_namespaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Unique across the site: how presets are addressed (`league-2026/alttpr/open`).
    slug TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Exactly one owner: a user or an organization.
    owner_user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    owner_org_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    is_public INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((owner_user_id IS NULL) <> (owner_org_id IS NULL))
);
CREATE INDEX preset_namespaces_org ON preset_namespaces (owner_org_id);
CREATE INDEX preset_namespaces_user ON preset_namespaces (owner_user_id);

CREATE TABLE preset_namespace_permissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace_id BIGINT NOT NULL REFERENCES preset_namespaces(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    can_create INTEGER NOT NULL DEFAULT 0,
    can_update INTEGER NOT NULL DEFAULT 0,
    can_delete INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (namespace_id, user_id)
);

CREATE TABLE randomizer_presets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL: a global preset (SUPERADMIN only).
    namespace_id BIGINT REFERENCES preset_namespaces(id) ON DELETE CASCADE,
    -- Who wrote it.
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    randomizer TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- standard | mystery
    kind TEXT NOT NULL,
    -- The YAML as written, and the same parsed to JSON.
    yaml TEXT NOT NULL,
    settings TEXT NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (namespace_id, randomizer, name)
);
-- NULLs are distinct in UNIQUE, so global presets get their own index.
CREATE UNIQUE INDEX randomizer_presets_global ON randomizer_presets (randomizer, name) WHERE namespace_id IS NULL;
CREATE INDEX randomizer_presets_randomizer ON randomizer_presets (randomizer);
