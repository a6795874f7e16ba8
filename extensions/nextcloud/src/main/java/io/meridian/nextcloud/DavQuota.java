package io.meridian.nextcloud;

/**
 * Space as reported by RFC 4331 properties.
 *
 * @param usedBytes      bytes in use
 * @param availableBytes bytes still free, or -1 when the server reports no limit
 */
public record DavQuota(long usedBytes, long availableBytes) {
    public boolean limited() {
        return availableBytes >= 0;
    }
}
