package io.meridian.kernel.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Turns ZeroMQ multipart frames into {@link Message}s and back, signing and verifying with HMAC-SHA256. */
public final class WireCodec {

    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private final SecretKeySpec key;
    /** One initialised Mac per thread: looking the algorithm up for every message costs more than signing. */
    private final ThreadLocal<Mac> macs;

    /** Thrown for frames that are not a Jupyter message; the text says what was wrong. */
    public static final class BadMessageException extends Exception {
        private final boolean badSignature;

        BadMessageException(String message, boolean badSignature) {
            super(message);
            this.badSignature = badSignature;
        }

        public boolean badSignature() {
            return badSignature;
        }
    }

    public WireCodec(String key) {
        this.key = key == null || key.isEmpty() ? null
                : new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public List<byte[]> encode(Message message) {
        byte[][] parts = {json(message.header()), json(message.parentHeader()),
                          json(message.metadata()), json(message.content())};
        List<byte[]> frames = new ArrayList<>(message.identities().size() + 6 + message.buffers().size());
        frames.addAll(message.identities());
        frames.add(DELIMITER);
        frames.add(sign(parts).getBytes(StandardCharsets.US_ASCII));
        frames.addAll(List.of(parts));
        frames.addAll(message.buffers());
        return frames;
    }

    public Message decode(List<byte[]> frames) throws BadMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (java.util.Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            throw new BadMessageException("no <IDS|MSG> delimiter among " + frames.size() + " frames", false);
        }
        if (frames.size() < delimiter + 6) {
            throw new BadMessageException("expected signature and 4 JSON frames after the delimiter, got "
                    + (frames.size() - delimiter - 1), false);
        }
        byte[][] parts = new byte[4][];
        for (int i = 0; i < 4; i++) {
            parts[i] = frames.get(delimiter + 2 + i);
        }
        if (key != null) {
            byte[] expected = sign(parts).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, frames.get(delimiter + 1))) {
                throw new BadMessageException("HMAC signature does not match the connection key", true);
            }
        }
        return new Message(List.copyOf(frames.subList(0, delimiter)), object(parts[0], "header"),
                object(parts[1], "parent_header"), object(parts[2], "metadata"), object(parts[3], "content"),
                List.copyOf(frames.subList(delimiter + 6, frames.size())));
    }

    private static ObjectNode object(byte[] frame, String part) throws BadMessageException {
        try {
            JsonNode node = Message.JSON.readTree(frame);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new BadMessageException(part + " is not a JSON object", false);
        } catch (JsonProcessingException e) {
            throw new BadMessageException(part + " is not valid JSON: " + e.getOriginalMessage(), false);
        } catch (java.io.IOException e) {
            throw new BadMessageException(part + " cannot be read: " + e.getMessage(), false);
        }
    }

    private static byte[] json(ObjectNode node) {
        try {
            return Message.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise message part", e);
        }
    }

    private String sign(byte[][] parts) {
        if (key == null) {
            return "";
        }
        Mac mac = macs.get();
        for (byte[] part : parts) {
            mac.update(part);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }
}
