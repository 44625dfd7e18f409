-- Calendar feeds (issue 18): a tournament's public feed is opt-in and lives behind its own random
-- token (NULL = no public feed); a member's private feed token is kept only as its sha256.
ALTER TABLE tournaments ADD COLUMN public_feed_token TEXT;
CREATE UNIQUE INDEX tournaments_public_feed_token ON tournaments (public_feed_token);

-- The old table held the tokens themselves; they are not carried over (SQLite cannot hash them in
-- SQL), so those links stop working and members make a new one on My matches.
DROP TABLE tournament_calendar_tokens;
CREATE TABLE tournament_calendar_tokens (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- sdk::auth::tokens::hash of the token in the feed's address.
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
