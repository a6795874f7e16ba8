package io.meridian.kernel.display;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Type to MIME bundle renderers. The most specific registration wins: the value's class, then its
 * superclasses, then its interfaces. Extensions add their own types here.
 */
public final class RendererRegistry {

    private final Map<Class<?>, Renderer<Object>> renderers = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> void register(Class<T> type, Renderer<? super T> renderer) {
        renderers.put(type, (Renderer<Object>) renderer);
    }

    /** The rich rendering of a value, or empty when no renderer knows its type. */
    public Optional<MimeBundle> render(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        Deque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            Renderer<Object> renderer = renderers.get(c);
            if (renderer != null) {
                return Optional.ofNullable(renderer.render(value));
            }
            queue.addAll(java.util.List.of(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> c = queue.poll();
            if (!seen.add(c)) {
                continue;
            }
            Renderer<Object> renderer = renderers.get(c);
            if (renderer != null) {
                return Optional.ofNullable(renderer.render(value));
            }
            queue.addAll(java.util.List.of(c.getInterfaces()));
        }
        return Optional.empty();
    }

    /** Rendering for display(): the rich bundle, else the value's text. */
    public MimeBundle renderForDisplay(Object value) {
        return render(value).orElseGet(() -> MimeBundle.of("text/plain", String.valueOf(value)));
    }

    /** The registry with the kernel's own types: HTML, Markdown, JSON, LaTeX, SVG and images. */
    public static RendererRegistry withDefaults() {
        RendererRegistry registry = new RendererRegistry();
        registry.register(Html.class, h -> MimeBundle.of("text/html", h.html(), h.html()));
        registry.register(Markdown.class, m -> MimeBundle.of("text/markdown", m.markdown(), m.markdown()));
        registry.register(Latex.class, l -> MimeBundle.of("text/latex", l.latex(), l.latex()));
        registry.register(Svg.class, s -> MimeBundle.of("image/svg+xml", s.svg(), "<svg image>"));
        registry.register(Json.class, j -> MimeBundle.of("application/json", j.value(), j.text()));
        registry.register(Image.class, Image::bundle);
        registry.register(java.awt.image.RenderedImage.class, image -> Image.png(image).bundle());
        return registry;
    }
}
