-- Crew a sync wrote (a SpeedGaming episode's approved commentators and trackers) names its
-- holder here; crew that signed up on this site has NULL. A sync compares and removes only its
-- own rows, so local sign-ups are never wiped and never cause a write.
ALTER TABLE tournament_crew ADD COLUMN synced_by TEXT;
