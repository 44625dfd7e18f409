-- A match whose schedule another plugin keeps in step with an outside source (a SpeedGaming
-- episode): its title, time, players and stream channel come from there, so the service refuses
-- hand edits of those fields while the lock is there. Steps, results and the comment stay free.
CREATE TABLE tournament_match_locks (
    match_id BIGINT PRIMARY KEY REFERENCES tournament_matches(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
