-- Admins' per-user quota overrides. NULL: the configured default applies; -1: no limit for this user.
CREATE TABLE user_quotas (
    user_id       BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    storage_bytes BIGINT,
    servers       INT,
    deployments   INT,
    cpu           INT,
    memory_mb     BIGINT,
    gpus          INT,
    updated       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by    VARCHAR(64) NOT NULL
);
