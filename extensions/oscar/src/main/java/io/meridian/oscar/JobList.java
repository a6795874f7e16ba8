package io.meridian.oscar;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * {@code GET /system/logs/{service}}: the service's asynchronous jobs by name, with the
 * token of the next page when there are more.
 */
public record JobList(Map<String, Job> jobs, @JsonProperty("next_page") String nextPage,
                      @JsonProperty("remaining_jobs") Integer remainingJobs) {

    public JobList {
        jobs = jobs == null ? Map.of() : Map.copyOf(jobs);
    }

    /** One job: its Kubernetes status (Pending, Running, Succeeded, Failed) and times. */
    public record Job(String status, @JsonProperty("creation_time") String creationTime,
                      @JsonProperty("start_time") String startTime, @JsonProperty("finish_time") String finishTime) {
    }
}
