-- Who really acted when a SUPERADMIN impersonated the entry's user (their id), else NULL.
ALTER TABLE audit_logs ADD COLUMN impersonated_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
