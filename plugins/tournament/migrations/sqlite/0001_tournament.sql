-- Tournaments, their players, matches, crew, stream channels, settings submissions, holds and
-- calendar tokens (reference §1). Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1
-- (see sdk::db::Flag); JSON is TEXT.

CREATE TABLE tournaments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    onsite INTEGER NOT NULL DEFAULT 0,
    tracker_enabled INTEGER NOT NULL DEFAULT 0,
    self_registration INTEGER NOT NULL DEFAULT 0,
    -- A JSON Schema (object) players fill in per game of a match; NULL = no settings form.
    settings_form_schema TEXT,
    -- For the randomizer plugins: which randomizer and preset this tournament's seeds use.
    randomizer TEXT,
    preset TEXT,
    archived_at BIGINT,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE tournament_players (
    tournament_id BIGINT NOT NULL REFERENCES tournaments(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (tournament_id, user_id)
);

CREATE TABLE tournament_stream_channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    stream_url TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

-- The status is derived from the timestamps (rules::MatchStatus::of).
CREATE TABLE tournament_matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    tournament_id BIGINT NOT NULL REFERENCES tournaments(id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    stream_channel_id BIGINT REFERENCES tournament_stream_channels(id) ON DELETE SET NULL,
    scheduled_at BIGINT,
    checked_in_at BIGINT,
    started_at BIGINT,
    finished_at BIGINT,
    confirmed_at BIGINT,
    seed_url TEXT,
    seed_description TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tournament_matches_schedule ON tournament_matches (organization_id, scheduled_at);
CREATE INDEX tournament_matches_tournament ON tournament_matches (tournament_id);

CREATE TABLE tournament_match_players (
    match_id BIGINT NOT NULL REFERENCES tournament_matches(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    finish_rank BIGINT,
    -- Onsite tournaments: the station the player sits at, entered at check-in.
    station TEXT,
    PRIMARY KEY (match_id, user_id)
);
CREATE INDEX tournament_match_players_user ON tournament_match_players (user_id);

CREATE TABLE tournament_crew (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id BIGINT NOT NULL REFERENCES tournament_matches(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- commentator, tracker or restreamer
    role TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    approved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (match_id, user_id, role)
);

-- One submission per player, game and match; a new submission replaces the previous one.
CREATE TABLE tournament_match_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id BIGINT NOT NULL REFERENCES tournament_matches(id) ON DELETE CASCADE,
    game_number BIGINT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT NOT NULL,
    UNIQUE (match_id, game_number, submitted_by)
);

-- Another plugin holds the match (a linked race room, a SpeedGaming episode): while a hold is
-- there, managers cannot advance or revert it by hand.
CREATE TABLE tournament_match_holds (
    match_id BIGINT NOT NULL REFERENCES tournament_matches(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (match_id, holder)
);

-- The secret in a player's calendar feed URL (one per user and organization).
CREATE TABLE tournament_calendar_tokens (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
