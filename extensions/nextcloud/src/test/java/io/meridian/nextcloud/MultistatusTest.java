package io.meridian.nextcloud;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers in the shape Nextcloud sends them (prefix "d:", quota properties, an unknown property as 404). */
class MultistatusTest {
    @Test
    void readsNextcloudQuotaAndSkipsFailedPropstats() throws DavException {
        String xml = """
                <?xml version="1.0"?>
                <d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns">
                 <d:response>
                  <d:href>/remote.php/dav/files/alice/Data%20Sets/</d:href>
                  <d:propstat><d:prop><d:quota-available-bytes>1000</d:quota-available-bytes>
                   <d:quota-used-bytes>250</d:quota-used-bytes><d:resourcetype><d:collection/></d:resourcetype></d:prop>
                   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
                  <d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
                 </d:response>
                </d:multistatus>""";
        List<Multistatus.Response> responses = Multistatus.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, responses.size());
        Multistatus.Response r = responses.get(0);
        assertEquals("/remote.php/dav/files/alice/Data Sets/", r.decodedPath());
        assertEquals("1000", r.text("quota-available-bytes"));
        assertEquals("250", r.text("quota-used-bytes"));
        assertTrue(r.isCollection());
        assertEquals(null, r.text("getcontentlength"));
    }

    @Test
    void refusesDoctypesSoNoEntityCanReachFilesOrTheNetwork() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>&e;</d:href></d:response></d:multistatus>";
        assertEquals(502, assertThrows(DavException.class,
                () -> Multistatus.parse(xml.getBytes(StandardCharsets.UTF_8))).status());
    }
}
