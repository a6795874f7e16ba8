package io.meridian.deepaas.client;

/** A link in DEEPaaS answers; model links have no {@code type}. */
public record Link(String rel, String type, String href) {
}
