-- Identity, organizations and access control.
-- Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 (see sdk::db::Flag).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Unique handle: the Discord username on first login, or the name given to `users create`.
    username TEXT NOT NULL UNIQUE,
    discord_id TEXT UNIQUE,
    discord_username TEXT,
    discord_avatar TEXT,
    discord_email TEXT,
    discord_access_token TEXT,
    discord_refresh_token TEXT,
    discord_token_expires_at BIGINT,
    display_name TEXT,
    pronouns TEXT,
    show_pronouns INTEGER NOT NULL DEFAULT 0,
    -- USER=0, MODERATOR=50, ADMIN=100, SUPERADMIN=200
    permission INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    -- NULL: the default limit applies.
    api_rate_limit_per_minute INTEGER,
    is_placeholder INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- tower-sessions records (JSON data).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    -- lower-cased name: names are unique regardless of case.
    name_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE organization_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

CREATE TABLE organization_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Built-in roles take their actions from code; custom roles from policy_statements.
    is_builtin INTEGER NOT NULL DEFAULT 0,
    is_locked INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE organization_member_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES organization_members (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES organization_roles (id) ON DELETE CASCADE,
    assigned_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    assigned_at BIGINT NOT NULL,
    UNIQUE (member_id, role_id)
);

-- ALLOW/DENY statements of a custom role (role_id) or given to one member directly (user_id).
CREATE TABLE policy_statements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role_id BIGINT REFERENCES organization_roles (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    effect TEXT NOT NULL CHECK (effect IN ('ALLOW', 'DENY')),
    -- JSON arrays of patterns, e.g. ["tournament:*"], ["*"].
    actions TEXT NOT NULL,
    resources TEXT NOT NULL DEFAULT '["*"]',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    CHECK ((role_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX policy_statements_org ON policy_statements (organization_id);

CREATE TABLE organization_invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    max_uses INTEGER,
    uses_count INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE organization_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    requested_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    review_notes TEXT,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    reviewed_at BIGINT
);

CREATE TABLE audit_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    ip_address TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_logs_org_time ON audit_logs (organization_id, created_at);
CREATE INDEX audit_logs_user_time ON audit_logs (user_id, created_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- sha256 hex of the token; the token itself is shown once and never stored.
    token_hash TEXT NOT NULL UNIQUE,
    is_active INTEGER NOT NULL DEFAULT 1,
    last_used_at BIGINT,
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);

-- One-time login links minted by `sahabot users login-link`.
CREATE TABLE login_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
