package io.meridian.kernel.display;

/** An SVG document to show as image/svg+xml. */
public record Svg(String svg) {
}
