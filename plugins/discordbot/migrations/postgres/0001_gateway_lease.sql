-- The Discord gateway lease: with several instances on one database, only the holder connects
-- to Discord's gateway. One row (id = 1); the holder renews it every lease/3 and another
-- instance takes it over once expires_at has passed or the holder released it. Epoch ms UTC.
CREATE TABLE discordbot_gateway_lease (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    -- The event-bus instance id of the holder.
    holder TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
