package io.meridian.kernel.display;

/** Turns values of one type into a {@link MimeBundle}; registered with a {@link RendererRegistry}. */
@FunctionalInterface
public interface Renderer<T> {
    MimeBundle render(T value);
}
