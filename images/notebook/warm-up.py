"""Starts the installed kernel once, runs a cell and shuts it down cleanly, so the JVM writes its
class-data archive (-XX:+AutoCreateSharedArchive) into the image. Usage: warm-up.py KERNEL_NAME"""
import sys

from jupyter_client.manager import start_new_kernel

manager, client = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=180)
try:
    reply = client.execute_interactive("1 + 1", timeout=180)
    if reply["content"]["status"] != "ok":
        sys.exit(f"warm-up cell failed: {reply['content']}")
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=False)
print("kernel warm-up done")
