-- Notes's tables. Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 on SQLite.
CREATE TABLE notes_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notes_entries_org ON notes_entries (organization_id, created_at);
