package io.meridian.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private final WireCodec codec = new WireCodec("secret-key");

    private static Message request() {
        Message parent = Message.create("execute_request", null, "client", Message.object().put("code", "1+1"));
        return new Message(List.of("client-id".getBytes(StandardCharsets.UTF_8)), parent.header(),
                parent.parentHeader(), parent.metadata(), parent.content(), List.of());
    }

    @Test
    void encodedMessageDecodesToTheSameParts() throws Exception {
        Message original = request();

        Message decoded = codec.decode(codec.encode(original));

        assertEquals(original.header(), decoded.header());
        assertEquals("1+1", decoded.get("code").asText());
        assertArrayEquals("client-id".getBytes(StandardCharsets.UTF_8), decoded.identities().get(0));
    }

    @Test
    void signatureIsHexHmacSha256OfTheFourJsonParts() {
        List<byte[]> frames = codec.encode(request());

        String signature = new String(frames.get(2), StandardCharsets.US_ASCII);

        assertTrue(signature.matches("[0-9a-f]{64}"), signature);
    }

    @Test
    void messageSignedWithAnotherKeyIsRejectedAsBadSignature() {
        List<byte[]> frames = new WireCodec("other-key").encode(request());

        WireCodec.BadMessageException e = assertThrows(WireCodec.BadMessageException.class, () -> codec.decode(frames));

        assertTrue(e.badSignature());
    }

    @Test
    void tamperedContentIsRejected() {
        List<byte[]> frames = new ArrayList<>(codec.encode(request()));
        frames.set(frames.size() - 1, "{\"code\":\"System.exit(0)\"}".getBytes(StandardCharsets.UTF_8));

        assertThrows(WireCodec.BadMessageException.class, () -> codec.decode(frames));
    }

    @Test
    void framesWithoutDelimiterOrWithBrokenJsonAreMalformedNotBadlySigned() {
        WireCodec unsigned = new WireCodec("");
        List<byte[]> noDelimiter = List.of("x".getBytes(StandardCharsets.UTF_8));
        List<byte[]> brokenJson = List.of(WireCodec.DELIMITER, new byte[0], "{oops".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));

        WireCodec.BadMessageException missing = assertThrows(WireCodec.BadMessageException.class,
                () -> unsigned.decode(noDelimiter));
        WireCodec.BadMessageException broken = assertThrows(WireCodec.BadMessageException.class,
                () -> unsigned.decode(brokenJson));

        assertFalse(missing.badSignature());
        assertTrue(missing.getMessage().contains("delimiter"));
        assertTrue(broken.getMessage().contains("header is not valid JSON"), broken.getMessage());
    }
}
