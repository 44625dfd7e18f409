-- RaceTime.gg: category bots (site-wide), the bots each organization was granted, room
-- profiles, each tournament's room settings, and the rooms the bots opened. Timestamps are
-- epoch milliseconds UTC; flags are INTEGER 0/1 (sdk::db::Flag); JSON is TEXT.

-- A bot registered on racetime.gg for one category. The client secret is sealed with the site
-- secret (sdk::secret_box) and never shown back.
CREATE TABLE racetime_bots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category TEXT NOT NULL,
    -- The bot's name on racetime.gg: rooms it opened carry it as `opened_by_bot`.
    name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_sealed TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    -- idle, connected, auth_failed, error
    status TEXT NOT NULL DEFAULT 'idle',
    last_error TEXT,
    token_expires_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (category, name)
);

CREATE TABLE racetime_bot_grants (
    bot_id BIGINT NOT NULL REFERENCES racetime_bots(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (bot_id, organization_id)
);

-- How a room is set up on racetime.gg (the startrace form), named per organization.
CREATE TABLE racetime_room_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    invitational INTEGER NOT NULL DEFAULT 1,
    unlisted INTEGER NOT NULL DEFAULT 0,
    ranked INTEGER NOT NULL DEFAULT 1,
    info_template TEXT NOT NULL DEFAULT '',
    start_delay_seconds BIGINT NOT NULL DEFAULT 15,
    time_limit_hours BIGINT NOT NULL DEFAULT 24,
    streaming_required INTEGER NOT NULL DEFAULT 0,
    auto_start INTEGER NOT NULL DEFAULT 1,
    allow_comments INTEGER NOT NULL DEFAULT 1,
    hide_comments INTEGER NOT NULL DEFAULT 0,
    allow_prerace_chat INTEGER NOT NULL DEFAULT 1,
    allow_midrace_chat INTEGER NOT NULL DEFAULT 1,
    allow_non_entrant_chat INTEGER NOT NULL DEFAULT 1,
    chat_message_delay_seconds BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

-- One tournament's rooms: which bot, profile and goal, when rooms open, and which preset the
-- seed is rolled from (a JSON rule, rules::presets).
CREATE TABLE racetime_tournament_settings (
    tournament_id BIGINT PRIMARY KEY REFERENCES tournaments(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    bot_id BIGINT REFERENCES racetime_bots(id) ON DELETE SET NULL,
    profile_id BIGINT REFERENCES racetime_room_profiles(id) ON DELETE SET NULL,
    goal TEXT NOT NULL DEFAULT '',
    auto_open INTEGER NOT NULL DEFAULT 1,
    open_minutes_before BIGINT NOT NULL DEFAULT 30,
    preset_rule TEXT NOT NULL DEFAULT '{"kind":"tournament"}',
    updated_at BIGINT NOT NULL
);

-- A match left out of automatic rooms.
CREATE TABLE racetime_match_settings (
    match_id BIGINT PRIMARY KEY REFERENCES tournament_matches(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    auto_open INTEGER NOT NULL DEFAULT 1,
    goal TEXT NOT NULL DEFAULT ''
);

-- A room a bot opened (or is opening). `slug` is NULL until racetime.gg answered: a row with
-- no slug whose lease ran out is an attempt that died, and the next attempt first looks for
-- the room by its info text before opening another.
CREATE TABLE racetime_rooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    bot_id BIGINT NOT NULL REFERENCES racetime_bots(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    slug TEXT,
    match_id BIGINT REFERENCES tournament_matches(id) ON DELETE SET NULL,
    title TEXT NOT NULL DEFAULT '',
    goal TEXT NOT NULL DEFAULT '',
    info_user TEXT NOT NULL DEFAULT '',
    info_bot TEXT NOT NULL DEFAULT '',
    -- The startrace form as sent (JSON object of strings).
    form TEXT NOT NULL DEFAULT '{}',
    preset TEXT,
    seed_roll_id BIGINT,
    seed_url TEXT,
    -- The race as last seen: status value, version and the whole room JSON.
    race_status TEXT NOT NULL DEFAULT 'opening',
    race_version BIGINT NOT NULL DEFAULT 0,
    race_data TEXT,
    -- Who is opening it or watching its socket, until when (instance id, epoch ms).
    lease_holder TEXT,
    lease_until BIGINT,
    last_error TEXT,
    opened_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    opened_at BIGINT,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- At most one live room per match, whichever instance asks.
CREATE UNIQUE INDEX racetime_rooms_one_per_match ON racetime_rooms (match_id)
    WHERE match_id IS NOT NULL AND closed_at IS NULL;
CREATE INDEX racetime_rooms_org ON racetime_rooms (organization_id, id);
