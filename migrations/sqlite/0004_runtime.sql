-- Runtime services: scheduled tasks and their runs (sdk::tasks), Discord servers linked to
-- organizations (sdk::bot). Timestamps are epoch milliseconds UTC.

-- Tasks an organization schedules from a task type a plugin registered.
CREATE TABLE scheduled_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- <plugin>.<type>, e.g. presets.post_summary
    task_type TEXT NOT NULL,
    -- interval | cron | once
    schedule_type TEXT NOT NULL,
    interval_seconds BIGINT,
    cron_expression TEXT,
    run_at BIGINT,
    -- JSON object handed to the task.
    config TEXT NOT NULL DEFAULT '{}',
    is_active INTEGER NOT NULL DEFAULT 1,
    last_run_at BIGINT,
    next_run_at BIGINT,
    -- success | failed | skipped
    last_status TEXT,
    last_error TEXT,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE INDEX scheduled_tasks_due ON scheduled_tasks (next_run_at);

-- State of the plugins' built-in tasks: the site admin's on/off override and the schedule.
CREATE TABLE builtin_tasks (
    task_key TEXT PRIMARY KEY,
    -- NULL: the task's default applies.
    active_override INTEGER,
    next_run_at BIGINT,
    last_run_at BIGINT,
    last_status TEXT,
    last_error TEXT,
    updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

-- Every run. (task_key, due_at) is unique: inserting the row is how an instance claims a run,
-- so with several instances each due run happens once.
CREATE TABLE task_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- builtin:<plugin>.<name> or org:<scheduled_tasks.id>
    task_key TEXT NOT NULL,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    due_at BIGINT NOT NULL,
    -- schedule | manual
    trigger_kind TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- running | success | failed
    status TEXT NOT NULL,
    error TEXT,
    duration_ms BIGINT,
    -- The event-bus instance id of the server that ran it.
    instance TEXT NOT NULL,
    triggered_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (task_key, due_at)
);
CREATE INDEX task_runs_recent ON task_runs (started_at);
CREATE INDEX task_runs_org ON task_runs (organization_id, started_at);

-- Discord servers (guilds) linked to organizations; a guild belongs to one organization.
CREATE TABLE discord_guilds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    guild_name TEXT NOT NULL,
    linked_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    linked_at BIGINT NOT NULL
);
CREATE INDEX discord_guilds_org ON discord_guilds (organization_id);
