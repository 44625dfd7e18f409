-- SpeedGaming's tables. Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 on sqlite.

-- A tournament that follows a SpeedGaming event, and how its last sync went.
CREATE TABLE speedgaming_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tournament_id BIGINT NOT NULL UNIQUE REFERENCES tournaments(id) ON DELETE CASCADE,
    event_slug TEXT NOT NULL,
    sync_enabled INTEGER NOT NULL DEFAULT 1,
    -- The last run: when, 'ok' / 'failed', why it failed, and what changed (JSON, rules::Summary).
    last_run_at BIGINT,
    last_status TEXT,
    last_error TEXT,
    last_summary TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX speedgaming_links_org ON speedgaming_links (organization_id);

-- Which match each imported episode became (a match deleted by hand takes its row along, and the
-- next sync imports the episode again).
CREATE TABLE speedgaming_episodes (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tournament_id BIGINT NOT NULL REFERENCES tournaments(id) ON DELETE CASCADE,
    episode_id BIGINT NOT NULL,
    match_id BIGINT NOT NULL REFERENCES tournament_matches(id) ON DELETE CASCADE,
    PRIMARY KEY (tournament_id, episode_id)
);
CREATE INDEX speedgaming_episodes_match ON speedgaming_episodes (match_id);

-- Who a SpeedGaming person (their SpeedGaming id) turned out to be here: remembered once matched,
-- so a later sync finds them even when their Discord details on SpeedGaming are gone.
CREATE TABLE speedgaming_people (
    speedgaming_id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX speedgaming_people_user ON speedgaming_people (user_id);
