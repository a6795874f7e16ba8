-- Start/stop-all jobs of a course, kept so that a restarted hub finishes the students it had not reached
-- and still answers for the job. students: JSON {"<user>": {"state": "...", "message": "..."}}.
CREATE TABLE course_jobs (
    id           VARCHAR(36) PRIMARY KEY,
    course_id    BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    action       VARCHAR(8) NOT NULL,
    requested_by VARCHAR(255) NOT NULL,
    started      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished     TIMESTAMP WITH TIME ZONE,
    cancelled    BOOLEAN NOT NULL,
    students     TEXT NOT NULL
);
CREATE INDEX course_jobs_course ON course_jobs (course_id);
