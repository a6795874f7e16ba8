package io.meridian.kernel.display;

/** HTML to show as text/html. */
public record Html(String html) {
}
