"""The standard Jupyter kernel conformance suite (jupyter_kernel_test) for the Meridian Java kernel.

Run by KernelConformanceIT against the kernelspec installed from the built jar (JUPYTER_PATH points at it).
Every sample the suite knows is filled in, so no test is skipped.
"""

import unittest

import jupyter_kernel_test


class MeridianJavaKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "meridian-java"
    language_name = "java"
    file_extension = ".java"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "Integer.MAX_V", "matches": {"MAX_VALUE"}},
    ]

    complete_code_samples = [
        "1 + 1",
        "int x = 1;",
        "System.out.println(42)",
        "class Point { int x, y; }",
        "for (int i = 0; i < 3; i++) { System.out.println(i); }",
        "%time 1 + 1",
    ]
    incomplete_code_samples = [
        "for (int i = 0; i < 3; i++) {",
        "int y = ",
        'String s = String.join(",", "a",',
        "class Open {",
    ]
    invalid_code_samples = [
        "}",
        "int z = ;",
        "%nosuchmagic",
    ]

    # %doc shows a signature and javadoc in the pager, like IPython's "?"
    code_page_something = "%doc Math.abs"

    code_generate_error = 'throw new IllegalStateException("deliberate failure");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"meridian".toUpperCase()', "result": '"MERIDIAN"'},
        {"code": "java.util.List.of(1, 2, 3)", "result": "[1, 2, 3]"},
        {"code": 'html("<b>bold</b>")', "mime": "text/html"},
    ]

    code_display_data = [
        {"code": 'display(html("<i>hello</i>"));', "mime": "text/html"},
        {"code": 'display(markdown("**hello**"));', "mime": "text/markdown"},
        {"code": 'display(json("{\\"a\\": 1}"));', "mime": "application/json"},
        {
            "code": "display(new java.awt.image.BufferedImage(8, 8,"
            " java.awt.image.BufferedImage.TYPE_INT_RGB));",
            "mime": "image/png",
        },
    ]

    code_history_pattern = "*toUpperCase*"
    supported_history_operations = ("tail", "range", "search")

    # the cursor sits at the very end of the code, after the method name
    code_inspect_sample = "Math.abs"

    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    unittest.main()
