-- Site-wide key/value settings (the MOTD banner, feature defaults). Public ones are readable
-- without signing in.
CREATE TABLE global_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    description TEXT,
    is_public INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
