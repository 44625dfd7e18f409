-- Discord Events: each tournament's event settings and the Discord scheduled event made for
-- each match. Timestamps are epoch milliseconds UTC.

-- A tournament's settings: which linked Discord server, which matches, how long, the texts;
-- and how the last sync went (shown on the page).
CREATE TABLE discord_events_settings (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tournament_id BIGINT NOT NULL,
    -- The Discord server's id; '' while none is chosen (no events are kept then).
    guild_id TEXT NOT NULL,
    -- all, stream_only, none
    match_filter TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    title_template TEXT NOT NULL,
    description_template TEXT NOT NULL,
    last_sync_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, tournament_id)
);

-- One Discord scheduled event per match. An empty discord_event_id is a creation under way
-- (claimed at claimed_at), so two instances never create the same match's event twice.
CREATE TABLE discord_events_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tournament_id BIGINT NOT NULL,
    match_id BIGINT NOT NULL,
    guild_id TEXT NOT NULL,
    discord_event_id TEXT NOT NULL,
    -- What was last sent (rules::fingerprint): an unchanged match is not sent again.
    fingerprint TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    synced_at BIGINT,
    UNIQUE (organization_id, match_id)
);
CREATE INDEX discord_events_events_tournament ON discord_events_events (organization_id, tournament_id);
