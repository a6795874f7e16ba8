-- Deployments (module containers), the trainings run on them, and inference services.
-- state: starting -> running -> exited (the container stopped or vanished) | failed (it never answered).
CREATE TABLE deployments (
    id           VARCHAR(32) PRIMARY KEY,
    owner        VARCHAR(64) NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    purpose      VARCHAR(16) NOT NULL,
    module       VARCHAR(200),
    image        VARCHAR(500) NOT NULL,
    port         INT NOT NULL,
    cpu          INT NOT NULL,
    memory_mb    BIGINT NOT NULL,
    gpu          INT NOT NULL,
    gpu_ids      VARCHAR(200) NOT NULL,
    state        VARCHAR(16) NOT NULL,
    container_id VARCHAR(100),
    upstream     VARCHAR(200),
    message      VARCHAR(2000),
    created      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX deployments_owner ON deployments (owner);

-- status: running -> done | error | cancelled, as DEEPaaS reports it; the hub keeps the last poll.
CREATE TABLE trainings (
    id            VARCHAR(32) PRIMARY KEY,
    owner         VARCHAR(64) NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    deployment_id VARCHAR(32) NOT NULL,
    model         VARCHAR(200) NOT NULL,
    remote_uuid   VARCHAR(100) NOT NULL,
    args          TEXT NOT NULL,
    status        VARCHAR(16) NOT NULL,
    progress      DOUBLE PRECISION,
    metrics       TEXT,
    result        TEXT,
    message       VARCHAR(4000),
    created       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX trainings_owner ON trainings (owner);
CREATE INDEX trainings_status ON trainings (status);

-- backend 'local': a DEEPaaS deployment (deployment_id); 'oscar': an OSCAR service (remote_name).
CREATE TABLE inference_services (
    id            VARCHAR(32) PRIMARY KEY,
    owner         VARCHAR(64) NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    name          VARCHAR(64) NOT NULL,
    backend       VARCHAR(16) NOT NULL,
    deployment_id VARCHAR(32),
    remote_name   VARCHAR(100),
    image         VARCHAR(500) NOT NULL,
    created       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT inference_owner_name UNIQUE (owner, name)
);
