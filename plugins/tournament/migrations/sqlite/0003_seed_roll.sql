-- The seed history entry (the presets plugin's `seed_rolls.id`) a match's rolled seed came from;
-- NULL for a seed set by hand. No foreign key across plugins: presets may be off or not installed.
ALTER TABLE tournament_matches ADD COLUMN seed_roll_id BIGINT;
