-- Request counters shared by every instance on this database (server/src/auth/rate_limit.rs).
-- One row per bucket (`t:<user>` API token, `s:<user>` browser session, `ip:<address>`
-- anonymous): the window starts at the bucket's first request and lasts a minute; the next
-- request after it starts a new window. Rows of ended windows are deleted periodically.
-- Times are epoch seconds UTC.
CREATE TABLE rate_limit_windows (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);
CREATE INDEX rate_limit_windows_start ON rate_limit_windows (window_start);
