-- Every seed rolled for an organization: who, when, from which preset, and what the randomizer's
-- site answered. The spoiler link is shown only to those allowed until the organization
-- releases it (`spoiler_released`). Timestamps are epoch milliseconds UTC.

CREATE TABLE seed_rolls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    randomizer TEXT NOT NULL,
    -- The preset rolled, if it still exists; `preset_label` keeps its name as it was then
    -- (`namespace/name`, or '' for settings given with the roll).
    preset_id BIGINT REFERENCES randomizer_presets(id) ON DELETE SET NULL,
    preset_label TEXT NOT NULL DEFAULT '',
    -- NULL: rolled by the platform itself (a task, a race room).
    rolled_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- web | api | discord | tournament | racetime …
    source TEXT NOT NULL,
    mystery INTEGER NOT NULL DEFAULT 0,
    url TEXT NOT NULL,
    hash TEXT,
    permalink TEXT,
    spoiler_url TEXT,
    -- JSON: the spoiler log, for sites that hand it over only once (ALTTPR).
    spoiler_log TEXT,
    -- JSON list of icon names, or NULL.
    file_select_code TEXT,
    -- JSON: the settings rolled, and what else the site said.
    settings TEXT NOT NULL,
    metadata TEXT NOT NULL,
    spoiler_released INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX seed_rolls_org ON seed_rolls (org_id, id);
