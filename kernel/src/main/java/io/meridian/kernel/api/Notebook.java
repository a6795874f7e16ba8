package io.meridian.kernel.api;

import io.meridian.kernel.comm.CommManager;
import io.meridian.kernel.display.DisplayHandle;
import io.meridian.kernel.display.Html;
import io.meridian.kernel.display.Image;
import io.meridian.kernel.display.Json;
import io.meridian.kernel.display.Latex;
import io.meridian.kernel.display.Markdown;
import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.display.Svg;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The notebook API every cell sees without imports (the kernel imports these methods statically):
 * rich display, display updates, input, comms and the session's environment.
 */
public final class Notebook {

    private static volatile NotebookRuntime runtime;

    private Notebook() {
    }

    /** Called once by the kernel when it starts. */
    public static void install(NotebookRuntime kernelRuntime) {
        runtime = kernelRuntime;
    }

    private static NotebookRuntime runtime() {
        NotebookRuntime current = runtime;
        if (current == null) {
            throw new IllegalStateException("the notebook API is only available inside a running Meridian kernel");
        }
        return current;
    }

    /** Shows a value with the richest renderer registered for its type; the handle can update it later. */
    public static DisplayHandle display(Object value) {
        return show(runtime().renderers().renderForDisplay(value));
    }

    /** Shows text (or a value's toString) as the given MIME type, e.g. display("<b>hi</b>", "text/html"). */
    public static DisplayHandle display(Object value, String mime) {
        String text = String.valueOf(value);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(mime, text);
        data.putIfAbsent("text/plain", text);
        return show(new MimeBundle(data, Map.of()));
    }

    public static DisplayHandle display(MimeBundle bundle) {
        return show(bundle);
    }

    private static DisplayHandle show(MimeBundle bundle) {
        DisplayHandle handle = new DisplayHandle(UUID.randomUUID().toString());
        runtime().publishDisplay(bundle, handle.id(), false);
        return handle;
    }

    /** Replaces what an earlier display call showed. */
    public static void updateDisplay(DisplayHandle handle, Object value) {
        updateDisplay(handle.id(), value);
    }

    public static void updateDisplay(String displayId, Object value) {
        runtime().publishDisplay(runtime().renderers().renderForDisplay(value), displayId, true);
    }

    /** Clears this cell's output; with wait=true the frontend clears only when new output arrives. */
    public static void clearOutput(boolean wait) {
        runtime().clearOutput(wait);
    }

    public static void clearOutput() {
        clearOutput(false);
    }

    public static Html html(String html) {
        return new Html(html);
    }

    public static Markdown markdown(String markdown) {
        return new Markdown(markdown);
    }

    public static Latex latex(String latex) {
        return new Latex(latex);
    }

    public static Svg svg(String svg) {
        return new Svg(svg);
    }

    /** JSON text, or any object Jackson can serialise, shown as application/json. */
    public static Json json(Object value) {
        return Json.of(value);
    }

    public static Image image(RenderedImage image) {
        return Image.png(image);
    }

    /** An image file (PNG, JPEG, GIF or SVG) shown as-is. */
    public static Object image(Path file) {
        try {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".svg")) {
                return new Svg(Files.readString(file));
            }
            String mime = name.endsWith(".png") ? "image/png"
                    : name.endsWith(".gif") ? "image/gif"
                    : name.endsWith(".jpg") || name.endsWith(".jpeg") ? "image/jpeg" : null;
            if (mime == null) {
                throw new IllegalArgumentException("unsupported image type: " + file + " (use .png, .jpg, .gif or .svg)");
            }
            return new Image(mime, Files.readAllBytes(file), 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file, e);
        }
    }

    /** Asks the user for a line of text in the notebook. */
    public static String readLine(String prompt) {
        return runtime().readLine(prompt, false);
    }

    /** Asks the user for a secret; the frontend hides what is typed. */
    public static String readPassword(String prompt) {
        return runtime().readLine(prompt, true);
    }

    public static CommManager comms() {
        return runtime().comms();
    }

    public static RendererRegistry renderers() {
        return runtime().renderers();
    }

    /** An environment variable, including those set with %env in this session. */
    public static String env(String name) {
        String value = runtime().environmentOverrides().get(name);
        return value != null ? value : System.getenv(name);
    }

    /** A process builder whose environment includes the variables set with %env. */
    public static ProcessBuilder processBuilder(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(runtime().environmentOverrides());
        return builder;
    }
}
