package io.meridian.hub.catalog;

import java.util.List;

/**
 * How to run a catalog module for a user: its image and DEEPaaS port, the resources it asks for and
 * what the user's quota grants, and a warning for each request the quota cut down.
 *
 * @param purpose "inference" or "training": which of the module's resource blocks applies
 */
public record DeployConfig(String module, String image, int port, String purpose, Resources requested,
                           Resources granted, List<String> warnings) {
}
