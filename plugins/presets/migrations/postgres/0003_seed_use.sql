-- What a seed was rolled for, as the plugin that rolled it named it then: `used_for` is its kind
-- (`match`, `race`, …; NULL: a roll of its own), `used_for_id` its id there (no foreign key: it
-- lives in another plugin's table, which may be off), `used_for_label` its name at the time
-- ("Match 12: ada vs bob") and `used_for_path` a site-relative link to its page.
ALTER TABLE seed_rolls ADD COLUMN used_for TEXT;
ALTER TABLE seed_rolls ADD COLUMN used_for_id BIGINT;
ALTER TABLE seed_rolls ADD COLUMN used_for_label TEXT NOT NULL DEFAULT '';
ALTER TABLE seed_rolls ADD COLUMN used_for_path TEXT;
-- The seeds rolled for one match (or race).
CREATE INDEX seed_rolls_used_for ON seed_rolls (org_id, used_for, used_for_id);
