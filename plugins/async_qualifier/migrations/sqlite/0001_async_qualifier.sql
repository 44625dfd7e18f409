-- Async qualifiers, their pools, permalinks and races (reference §1 and §4).
-- Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 (see sdk::db::Flag); par and scores
-- are unrounded floats.

CREATE TABLE async_qualifiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    hide_results INTEGER NOT NULL DEFAULT 0,
    -- The Discord channel of the qualifier's embed and timeout warnings (digits), if any.
    discord_channel_id TEXT UNIQUE,
    runs_per_pool BIGINT NOT NULL DEFAULT 1,
    -- -1 unlimited, 0 none, n at most n.
    max_reattempts BIGINT NOT NULL DEFAULT -1,
    require_racetime INTEGER NOT NULL DEFAULT 0,
    -- Bumped by every scoring write: the row lock that serializes them (see repo::lock_qualifier).
    lock_version BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX async_qualifiers_org ON async_qualifiers (organization_id);

CREATE TABLE async_qualifier_pools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    qualifier_id BIGINT NOT NULL REFERENCES async_qualifiers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (qualifier_id, name)
);

CREATE TABLE async_qualifier_permalinks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id BIGINT NOT NULL REFERENCES async_qualifier_pools(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    -- Seconds; NULL until the first finished run.
    par_time REAL,
    par_updated_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX async_qualifier_permalinks_pool ON async_qualifier_permalinks (pool_id);

CREATE TABLE async_qualifier_races (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    qualifier_id BIGINT NOT NULL REFERENCES async_qualifiers(id) ON DELETE CASCADE,
    permalink_id BIGINT NOT NULL REFERENCES async_qualifier_permalinks(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    discord_thread_id TEXT,
    -- When the run was opened, and when it times out while still pending.
    thread_open_time BIGINT NOT NULL,
    thread_timeout_time BIGINT NOT NULL,
    -- Set once, when the pending-timeout warning went out.
    warned_at BIGINT,
    start_time BIGINT,
    end_time BIGINT,
    -- pending | in_progress | finished | forfeit | disqualified
    status TEXT NOT NULL,
    reattempted INTEGER NOT NULL DEFAULT 0,
    runner_notes TEXT NOT NULL DEFAULT '',
    runner_vod_url TEXT NOT NULL DEFAULT '',
    score REAL,
    score_updated_at BIGINT,
    -- pending | accepted | rejected
    review_status TEXT NOT NULL DEFAULT 'pending',
    reviewed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at BIGINT,
    reviewer_notes TEXT NOT NULL DEFAULT '',
    review_requested_by_user INTEGER NOT NULL DEFAULT 0,
    review_request_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX async_qualifier_races_qualifier ON async_qualifier_races (qualifier_id, user_id);
CREATE INDEX async_qualifier_races_permalink ON async_qualifier_races (permalink_id);
CREATE INDEX async_qualifier_races_status ON async_qualifier_races (status);
