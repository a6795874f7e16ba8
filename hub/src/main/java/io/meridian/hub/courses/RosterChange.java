package io.meridian.hub.courses;

import java.util.List;

/** What a roster import changed: students added and removed (sorted), and how many stayed as they were. */
public record RosterChange(List<String> added, List<String> removed, int unchanged) {
}
