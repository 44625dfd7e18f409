-- One-time links that create a site's first admin (server/platform/src/identity/setup.rs). The
-- server mints one at start while the site has no user; the first one used consumes them all.
CREATE TABLE setup_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
