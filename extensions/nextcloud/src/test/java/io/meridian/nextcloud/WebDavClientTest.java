package io.meridian.nextcloud;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against the real Apache mod_dav server of scripts/setup.d/40-webdav.sh. */
class WebDavClientTest {
    private WebDavClient dav;

    @BeforeEach
    void freshFolder() throws Exception {
        dav = new WebDavClient(TestWebDav.freshFolder());
    }

    @AfterEach
    void removeFolder() throws Exception {
        TestWebDav.remove(dav.config());
    }

    @Test
    void everyOperationWorksOnARealServer() throws IOException {
        dav.mkdir("/data");
        write("/data/notes.txt", "hello webdav");

        DavResource notes = dav.stat("/data/notes.txt").orElseThrow();
        assertEquals("notes.txt", notes.name());
        assertFalse(notes.directory());
        assertEquals(12, notes.size());
        assertNotNull(notes.etag());
        assertTrue(notes.modified().isAfter(Instant.now().minus(Duration.ofMinutes(5))));
        assertEquals("text/plain", notes.contentType());

        dav.copy("/data/notes.txt", "/data/copy.txt", false);
        dav.move("/data/copy.txt", "/moved.txt", false);
        dav.mkdir("/data/sub");
        List<String> names = dav.list("/data").stream().map(DavResource::name).sorted().toList();
        assertEquals(List.of("notes.txt", "sub"), names);
        assertTrue(dav.list("/").stream().anyMatch(r -> r.path().equals("/moved.txt") && r.size() == 12));
        assertEquals("hello webdav", read("/moved.txt"));

        dav.copy("/data", "/data-copy", false);
        assertEquals("hello webdav", read("/data-copy/notes.txt"));
        dav.delete("/data");
        assertEquals(Optional.empty(), dav.stat("/data/notes.txt"));
        assertEquals(Optional.empty(), dav.stat("/data"));
        assertTrue(dav.stat("/data-copy").orElseThrow().directory());
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryName() throws IOException {
        write("/a.txt", "first");
        write("/a.txt", "second, longer");
        assertEquals("second, longer", read("/a.txt"));
        assertEquals(List.of("a.txt"), dav.list("/").stream().map(DavResource::name).toList());
    }

    @Test
    void namesWithSpacesUnicodeAndReservedCharactersRoundTrip() throws IOException {
        String name = "Größe 100% #1 + ?x&y.csv";
        dav.mkdir("/über ordner");
        write("/über ordner/" + name, "a,b\n1,2\n");
        DavResource listed = dav.list("/über ordner").get(0);
        assertEquals(name, listed.name());
        assertEquals("/über ordner/" + name, listed.path());
        assertEquals("a,b\n1,2\n", read(listed.path()));
    }

    @Test
    void refusalsAreClearErrors() throws IOException {
        DavException missing = assertThrows(DavException.class, () -> dav.read("/nope.txt"));
        assertEquals(404, missing.status());
        assertTrue(missing.getMessage().contains("/nope.txt"), missing.getMessage());

        dav.mkdir("/dir");
        assertEquals(409, assertThrows(DavException.class, () -> dav.mkdir("/dir")).status());
        assertEquals(409, assertThrows(DavException.class, () -> dav.mkdir("/no/such/parent")).status());
        write("/x.txt", "x");
        write("/y.txt", "y");
        assertEquals(412, assertThrows(DavException.class, () -> dav.move("/x.txt", "/y.txt", false)).status());
        assertEquals("y", read("/y.txt"));
        assertEquals(409, assertThrows(DavException.class, () -> dav.list("/x.txt")).status());
        assertThrows(IllegalArgumentException.class, () -> dav.stat("/dir/../../escape"));
        assertThrows(IllegalArgumentException.class, () -> dav.read("/./x.txt"));
    }

    @Test
    void aWrongPasswordSaysSoWithoutShowingIt() {
        WebDavConfig good = dav.config();
        WebDavClient wrong = new WebDavClient(WebDavConfig.webDav(good.root(), good.login(), "not-the-password"));
        DavException e = assertThrows(DavException.class, () -> wrong.list("/"));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("check the login name and app password"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
    }

    @Test
    void anUploadWithAWrongPasswordIsTheLoginErrorNotABrokenTransfer() throws IOException {
        WebDavConfig good = dav.config();
        WebDavClient wrong = new WebDavClient(WebDavConfig.webDav(good.root(), good.login(), "not-the-password"));
        long size = 32L * 1024 * 1024;
        DavException e = assertThrows(DavException.class, () -> wrong.write("/big.bin", new PatternStream(size, 3), size));
        assertEquals(401, e.status(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot write /big.bin: the WebDAV server refused the login"), e.getMessage());
        assertFalse(dav.stat("/big.bin").isPresent());
    }

    @Test
    void contentShorterOrLongerThanAnnouncedIsRefusedAndLeavesNoFile() throws IOException {
        IOException shorter = assertThrows(IOException.class,
                () -> dav.write("/short.bin", new PatternStream(1000, 1), 5000));
        assertTrue(shorter.getMessage().contains("ended after 1000 of the 5000 bytes announced"), shorter.getMessage());
        IOException longer = assertThrows(IOException.class,
                () -> dav.write("/long.bin", new PatternStream(300_000, 1), 1000));
        assertTrue(longer.getMessage().contains("longer than the 1000 bytes announced"), longer.getMessage());
        assertTrue(dav.list("/").isEmpty(), "neither a file nor a temporary name is left: " + dav.list("/"));
    }

    @Test
    void anUnreachableServerIsAStatusZeroErrorNotAHang() {
        WebDavClient nowhere = new WebDavClient(WebDavConfig.webDav(URI.create("http://127.0.0.1:9/dav/"), "u", "p"));
        DavException e = assertThrows(DavException.class, () -> nowhere.stat("/"));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("did not complete"), e.getMessage());
    }

    @Test
    void quotaIsEmptyWhereTheServerDoesNotReportIt() throws IOException {
        // Apache's mod_dav_fs does not implement RFC 4331; Nextcloud does (covered by the parser test).
        assertEquals(Optional.empty(), dav.quota("/"));
    }

    @Test
    void aNextcloudConfigFallsBackToPlainUploadsWhereChunkingIsUnsupported() throws IOException {
        WebDavConfig plain = dav.config();
        WebDavConfig chunky = new WebDavConfig(plain.root(), plain.login(), plain.password(),
                URI.create(TestWebDav.SERVER + "no-such-uploads-" + System.nanoTime() + "/"),
                5L * 1024 * 1024, 1024, Duration.ofSeconds(30));
        WebDavClient client = new WebDavClient(chunky);
        byte[] content = new byte[6 * 1024 * 1024];
        new java.util.Random(7).nextBytes(content);
        client.write("/big.bin", new ByteArrayInputStream(content), content.length);
        try (InputStream in = client.read("/big.bin")) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    private void write(String path, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        dav.write(path, new ByteArrayInputStream(bytes), bytes.length);
    }

    private String read(String path) throws IOException {
        try (InputStream in = dav.read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
