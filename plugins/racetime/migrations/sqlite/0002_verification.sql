-- Racer verification: what an organization counts on racetime.gg (categories, minimum,
-- forfeits/DQs, a window) and the Discord role it grants, and the last check of each of its
-- members who linked racetime.gg. Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1
-- (sdk::db::Flag); JSON is TEXT.

CREATE TABLE racetime_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The racetime.gg category slugs whose races count (JSON array of strings, 1–20).
    categories TEXT NOT NULL DEFAULT '[]',
    min_races BIGINT NOT NULL,
    count_forfeits INTEGER NOT NULL DEFAULT 0,
    count_dq INTEGER NOT NULL DEFAULT 0,
    -- Races that ended more than this many days ago do not count; NULL: all of them.
    window_days BIGINT,
    -- The Discord role (snowflake) granted in the organization's linked Discord servers.
    discord_role_id TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

-- The last check of one member for one verification.
CREATE TABLE racetime_verification_results (
    verification_id BIGINT NOT NULL REFERENCES racetime_verifications(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The racetime.gg account that was counted (a changed link starts over).
    racetime_id TEXT NOT NULL,
    race_count BIGINT NOT NULL DEFAULT 0,
    qualified INTEGER NOT NULL DEFAULT 0,
    -- The role was given in the linked servers (never asked for twice).
    role_granted INTEGER NOT NULL DEFAULT 0,
    -- Why the count is what it is (no visible races) or why the check failed.
    last_error TEXT,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (verification_id, user_id)
);
-- The re-check takes the members checked longest ago first.
CREATE INDEX racetime_verification_results_checked
    ON racetime_verification_results (verification_id, checked_at);
CREATE INDEX racetime_verification_results_org ON racetime_verification_results (organization_id);
