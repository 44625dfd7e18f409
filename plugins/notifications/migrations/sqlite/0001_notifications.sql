-- Notifications: what each user chose per organization, and the outbox the DMs leave from.
-- Timestamps are epoch milliseconds UTC; flags are INTEGER 0/1 on SQLite (sdk::db::Flag).

-- A user's choice for one event type in one organization; no row = the type's default
-- (rules::EventType::default_on).
CREATE TABLE notifications_subscriptions (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    -- rules::Channel key: discord_dm (e-mail and webhooks later).
    channel TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id, event_type)
);

-- Quiet hours in the user's profile time zone: minutes after local midnight, start inclusive,
-- end exclusive; start > end crosses midnight. NULLs: no quiet hours.
CREATE TABLE notifications_quiet_hours (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    start_minute BIGINT,
    end_minute BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);

-- One row per message to send, written in the transaction of its cause. The idempotency key
-- names the cause and the recipient, so the same cause never queues twice. status: pending,
-- sent, dead (retries used up; last_error says why), cancelled (no longer worth sending).
CREATE TABLE notifications_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- Not before this instant (back-off after a failure, the end of quiet hours).
    next_attempt_at BIGINT NOT NULL,
    -- Not after this instant ("starting soon" once the match started): cancelled instead.
    expires_at BIGINT,
    lease_holder TEXT,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX notifications_outbox_due ON notifications_outbox (status, next_attempt_at);
CREATE INDEX notifications_outbox_org ON notifications_outbox (organization_id, id);
CREATE INDEX notifications_outbox_user ON notifications_outbox (organization_id, user_id, id);
