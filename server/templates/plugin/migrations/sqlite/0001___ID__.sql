-- __NAME__'s tables. Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 on SQLite.
CREATE TABLE __ID___entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX __ID___entries_org ON __ID___entries (organization_id, created_at);
