package io.meridian.kernel.display;

/** LaTeX math to show as text/latex. */
public record Latex(String latex) {
}
