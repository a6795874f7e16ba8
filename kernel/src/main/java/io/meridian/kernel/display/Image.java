package io.meridian.kernel.display;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Encoded image bytes with their MIME type (image/png, image/jpeg, image/gif). */
public record Image(String mime, byte[] bytes, int width, int height) {

    public static Image png(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode image as PNG", e);
        }
        return new Image("image/png", out.toByteArray(), image.getWidth(), image.getHeight());
    }

    public MimeBundle bundle() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(mime, Base64.getEncoder().encodeToString(bytes));
        data.put("text/plain", "<image " + width + "x" + height + ">");
        Map<String, Object> metadata = width > 0
                ? Map.of(mime, Map.of("width", width, "height", height)) : Map.of();
        return new MimeBundle(data, metadata);
    }
}
