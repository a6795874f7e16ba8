package io.meridian.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standard Jupyter conformance suite (jupyter_kernel_test) against the installed kernelspec. */
class KernelConformanceIT {

    @Test
    void installedKernelPassesTheWholeConformanceSuiteWithNothingSkipped(@TempDir Path tmp) throws Exception {
        Path jupyterPath = PytestRunner.installKernelspec(tmp.resolve("prefix"));

        PytestRunner.Outcome outcome = PytestRunner.pytest("test_conformance.py", tmp,
                Map.of("JUPYTER_PATH", jupyterPath.toString()), 600);

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("test_execute_stdout PASSED"), outcome.output());
        assertTrue(outcome.output().contains("test_history PASSED"), outcome.output());
        assertFalse(outcome.output().contains("SKIPPED"), outcome.output());
        assertFalse(outcome.output().matches("(?s).*\\d+ skipped.*"), outcome.output());
    }
}
