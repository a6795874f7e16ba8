package io.meridian.hub.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A catalog kept in a git repository, cloned with the {@code git} command into the hub's data folder
 * and brought up to date with a fast-forward pull on every refresh.
 *
 * @param url     the repository, as git understands it (https://..., file:///...)
 * @param branch  the branch to follow, or null for the remote's default
 * @param checkout where the clone lives
 */
public record GitCatalogSource(String url, String branch, Path checkout, Duration timeout) {

    /** Clones on first use, pulls afterwards; the checkout folder is ready when this returns. */
    public Path update() throws IOException {
        if (Files.isDirectory(checkout.resolve(".git"))) {
            git(List.of("git", "-C", checkout.toString(), "pull", "--ff-only", "--quiet"), "pull");
        } else {
            Files.createDirectories(checkout.getParent());
            List<String> clone = new ArrayList<>(List.of("git", "clone", "--quiet", "--depth", "1"));
            if (branch != null && !branch.isBlank()) {
                clone.addAll(List.of("--branch", branch));
            }
            // "--" ends the options: a configured URL can never be read as one.
            clone.addAll(List.of("--", url, checkout.toString()));
            git(clone, "clone");
        }
        return checkout;
    }

    private void git(List<String> command, String what) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("git took longer than " + timeout.toSeconds() + " s for the catalog at " + url);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while updating the catalog from git", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException("git " + what + " of the catalog failed: " + (output.isEmpty() ? "exit " + process.exitValue() : lastLine(output)));
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.split("\n");
        return lines[lines.length - 1];
    }
}
