-- A hold may link to the holder's page for the match (a race room's panel).
ALTER TABLE tournament_match_holds ADD COLUMN path TEXT;
