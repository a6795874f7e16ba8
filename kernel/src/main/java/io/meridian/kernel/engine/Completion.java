package io.meridian.kernel.engine;

import java.util.List;

/** Completion candidates replacing code points [start, end) of the code; types parallel to matches. */
public record Completion(List<String> matches, int start, int end, List<String> types) {
}
