-- Site-wide key/value settings (the MOTD banner, feature defaults). Public ones are readable
-- without signing in.
CREATE TABLE global_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    description TEXT,
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);
