package io.meridian.kernel.display;

/** Markdown to show as text/markdown. */
public record Markdown(String markdown) {
}
