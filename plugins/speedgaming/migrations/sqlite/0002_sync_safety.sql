-- How many successful runs in a row did not list a known episode whose time is in the window:
-- its match is deleted only at 2 (one empty or partial answer deletes nothing).
ALTER TABLE speedgaming_episodes ADD COLUMN missing_runs BIGINT NOT NULL DEFAULT 0;
-- The claim of the run under way (epoch ms; NULL when none): runs of one link never overlap
-- (the import task and "sync now"); a claim older than 10 minutes is taken to be abandoned.
ALTER TABLE speedgaming_links ADD COLUMN running_since BIGINT;
