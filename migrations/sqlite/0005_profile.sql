-- Profile additions: the viewer's time zone and a linked RaceTime.gg account.

-- IANA name (Europe/Berlin); NULL: show times in the browser's zone.
ALTER TABLE users ADD COLUMN time_zone TEXT;
-- The RaceTime.gg account linked through OAuth2 (its user id and display name) and its tokens.
ALTER TABLE users ADD COLUMN racetime_id TEXT;
ALTER TABLE users ADD COLUMN racetime_name TEXT;
ALTER TABLE users ADD COLUMN racetime_access_token TEXT;
ALTER TABLE users ADD COLUMN racetime_refresh_token TEXT;
ALTER TABLE users ADD COLUMN racetime_token_expires_at BIGINT;
CREATE UNIQUE INDEX users_racetime_id ON users (racetime_id);
