package io.meridian.nextcloud;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NextcloudLoginFlowTest {
    @Test
    void pollingAnswersNothingUntilTheUserApprovesThenTheCredentialsOnce() throws Exception {
        try (FakeNextcloudLoginFlow nextcloud = new FakeNextcloudLoginFlow()) {
            NextcloudLoginFlow.Started flow = NextcloudLoginFlow.start(URI.create(nextcloud.base() + "/"));
            assertTrue(flow.loginUrl().toString().startsWith(nextcloud.base() + "/login/v2/flow/"));
            assertEquals(Optional.empty(), NextcloudLoginFlow.poll(flow));

            nextcloud.approve("https://cloud.example.org", "alice", "app-pass-1");
            NextcloudLoginFlow.Granted granted = NextcloudLoginFlow.poll(flow).orElseThrow();
            assertEquals(URI.create("https://cloud.example.org"), granted.server());
            assertEquals("alice", granted.loginName());
            assertEquals("app-pass-1", granted.appPassword());
            assertTrue(!granted.toString().contains("app-pass-1"), "the app password is never printed");
            assertEquals(Optional.empty(), NextcloudLoginFlow.poll(flow));
        }
    }

    @Test
    void aServerWithoutTheLoginFlowIsAClearError() {
        DavException e = assertThrows(DavException.class, () -> NextcloudLoginFlow.start(URI.create(TestWebDav.SERVER.resolve("/").toString())));
        assertTrue(e.getMessage().contains("Nextcloud"), e.getMessage());
    }
}
