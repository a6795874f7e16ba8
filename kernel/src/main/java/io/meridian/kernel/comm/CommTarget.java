package io.meridian.kernel.comm;

import com.fasterxml.jackson.databind.JsonNode;

/** Accepts comms the frontend opens for one target name; set up handlers on the new comm here. */
@FunctionalInterface
public interface CommTarget {
    void opened(Comm comm, JsonNode data);
}
