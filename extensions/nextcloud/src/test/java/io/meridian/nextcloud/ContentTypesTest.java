package io.meridian.nextcloud;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContentTypesTest {
    @Test
    void namesGiveTheirTypes() {
        assertEquals("text/csv", ContentTypes.byName("iris.csv"));
        assertEquals("application/x-ipynb+json", ContentTypes.byName("tour.ipynb"));
        assertEquals("application/octet-stream", ContentTypes.byName("no-extension"));
    }

    @Test
    void magicBytesWinOverAMisleadingName() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(png));
        assertEquals("image/png", ContentTypes.detect(in, "picture.bin"));
        assertEquals((byte) 0x89, (byte) in.read(), "the stream is left at its start");
    }
}
