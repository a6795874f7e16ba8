package io.meridian.hub.courses;

import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourseJobStoreTest {
    @Test
    void aJobIsStoredAsItChangesAndReadBackWholeByTheNextHub(@TempDir Path dir) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Database db = Database.open(HubConfig.embedded(dir))) {
            long teacher = new UserStore(db).create(List.of("cjs-teacher"), false).getFirst().id();
            Course course = new CourseStore(db).create("cjs-course", "Jobs", null, null,
                    new CourseQuota(10, 1, 1L << 30, 0), List.of(teacher), now);
            CourseJobStore store = new CourseJobStore(db);
            CourseJob job = new CourseJob("job-1", course.name(), "start", "cjs-teacher", now, List.of("s1", "s2", "s3"));
            store.insert(job, course.id());
            job.onChange(store::save);
            job.set("s1", "ready", "running at /user/s1/cjs-course/");
            job.set("s2", "starting", "");

            CourseJobStore nextHub = new CourseJobStore(db);
            List<CourseJob> unfinished = nextHub.unfinished();
            assertEquals(1, unfinished.size());
            assertEquals(job.view(), unfinished.getFirst().view());
            assertEquals(List.of("s2", "s3"), unfinished.getFirst().unfinishedStudents(), "queued and starting are taken up");

            job.set("s2", "ready", "");
            job.set("s3", "failed", "no ready state within 60 s");
            job.finish(now.plusSeconds(5));
            assertTrue(nextHub.unfinished().isEmpty());
            Optional<CourseJob> found = nextHub.find("cjs-course", "job-1");
            assertEquals(job.view(), found.orElseThrow().view());
            assertTrue(nextHub.find("other-course", "job-1").isEmpty(), "a job is found under its own course only");
        }
    }
}
