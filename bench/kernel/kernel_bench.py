#!/usr/bin/python3
"""Side-by-side latency and memory benchmark of Jupyter kernels, driven through jupyter_client.

For every kernel named on the command line it measures, in the same run:
  * start: process launch to the first kernel_info_reply, and to the first execute_reply
    (median over --starts launches);
  * trivial cell round trip: execute_request sent to execute_reply received and the kernel
    back to idle on IOPub (p50/p99 over --cells cells after a warm-up);
  * kernel CPU per trivial cell: user+system CPU of the kernel's process tree over those cells
    (JIT and GC threads included), a figure that other load on the machine disturbs less;
  * idle RSS: VmRSS of the kernel's process tree after the cells and --idle seconds of rest.

Kernels are found through the normal kernelspec search path, so set JUPYTER_PATH to
benchmark a kernelspec installed under a prefix (bench/kernel/run.sh does).
"""

import argparse
import json
import os
import platform
import queue
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT_S = 120
# `x = 1` needs x declared first, which only Java makes explicit.
DECLARE_X = {"java": "int x = 0;", "python": "x = 0"}


def percentile(values, fraction):
    """Nearest-rank percentile: the smallest value with at least `fraction` of values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def tree_rss_kib(pid):
    """VmRSS of a process and all its descendants (a kernelspec may launch through a wrapper)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except FileNotFoundError:
            continue
    return total


def tree_cpu_seconds(pid):
    """User plus system CPU time of a process and its descendants so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except FileNotFoundError:
            continue
    return total / ticks


def wait_reply(client, msg_id, deadline):
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no reply to {msg_id} within {TIMEOUT_S} s")
        reply = client.get_shell_msg(timeout=remaining)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def execute(client, code):
    """Runs one cell and returns (seconds until reply and idle, execute_reply)."""
    start = time.perf_counter()
    deadline = time.monotonic() + TIMEOUT_S
    msg_id = client.execute(code, store_history=True)
    reply = wait_reply(client, msg_id, deadline)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"kernel never went idle after {code!r}")
        message = client.get_iopub_msg(timeout=remaining)
        if (message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"):
            break
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return elapsed, reply


def await_iopub(client, deadline):
    """Waits until the IOPub subscription carries messages, as frontends do: a SUB socket that joins late
    silently misses the first busy/idle statuses. Repeats kernel_info until its idle status arrives."""
    while time.monotonic() < deadline:
        msg_id = client.kernel_info()
        wait_reply(client, msg_id, deadline)
        settle = time.monotonic() + 0.5
        while time.monotonic() < settle:
            try:
                message = client.get_iopub_msg(timeout=max(0.01, settle - time.monotonic()))
            except queue.Empty:
                break
            if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                    and message["content"]["execution_state"] == "idle":
                return
    raise TimeoutError("IOPub never delivered a status message")


def launch(kernel_name):
    """Starts a kernel and returns (manager, client, seconds to kernel_info_reply, seconds to first execute_reply)."""
    manager = KernelManager(kernel_name=kernel_name)
    launched = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    deadline = time.monotonic() + TIMEOUT_S
    wait_reply(client, client.kernel_info(), deadline)
    to_info = time.perf_counter() - launched
    await_iopub(client, deadline)
    execute(client, "1+1")
    to_first_execute = time.perf_counter() - launched
    language = language_of(client, deadline)
    return manager, client, to_info, to_first_execute, language


def language_of(client, deadline):
    reply = wait_reply(client, client.kernel_info(), deadline)
    return reply["content"]["language_info"]["name"].lower()


def stop(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=False)


def measure(kernel_name, starts, cells, warmup, idle_s):
    info_times, first_exec_times = [], []
    for attempt in range(starts):
        manager, client, to_info, to_exec, language = launch(kernel_name)
        info_times.append(to_info)
        first_exec_times.append(to_exec)
        if attempt < starts - 1:
            stop(manager, client)
    # The last launch stays up for the round trips and the memory reading.
    try:
        if language not in DECLARE_X:
            raise ValueError(f"no declaration of x known for {language}; add one to DECLARE_X")
        execute(client, DECLARE_X[language])
        codes = ["1+1" if i % 2 == 0 else "x = 1" for i in range(warmup + cells)]
        for code in codes[:warmup]:
            execute(client, code)
        cpu_before = tree_cpu_seconds(manager.provisioner.pid)
        round_trips = [execute(client, code)[0] for code in codes[warmup:]]
        cpu_per_cell = (tree_cpu_seconds(manager.provisioner.pid) - cpu_before) / cells
        time.sleep(idle_s)
        rss_kib = tree_rss_kib(manager.provisioner.pid)
    finally:
        stop(manager, client)
    return {
        "kernel": kernel_name,
        "starts": starts,
        "start_to_kernel_info_ms": statistics.median(info_times) * 1000,
        "start_to_first_execute_ms": statistics.median(first_exec_times) * 1000,
        "cells": cells,
        "cell_p50_ms": percentile(round_trips, 0.50) * 1000,
        "cell_p99_ms": percentile(round_trips, 0.99) * 1000,
        "cell_cpu_ms": cpu_per_cell * 1000,
        "idle_rss_mib": rss_kib / 1024,
    }


def table(results):
    rows = [
        ("start -> kernel_info_reply (median, ms)", "start_to_kernel_info_ms", "{:.0f}"),
        ("start -> first execute_reply (median, ms)", "start_to_first_execute_ms", "{:.0f}"),
        ("trivial cell round trip p50 (ms)", "cell_p50_ms", "{:.2f}"),
        ("trivial cell round trip p99 (ms)", "cell_p99_ms", "{:.2f}"),
        ("kernel CPU per trivial cell (ms)", "cell_cpu_ms", "{:.2f}"),
        ("idle RSS (MiB)", "idle_rss_mib", "{:.1f}"),
    ]
    header = ["metric"] + [result["kernel"] for result in results]
    body = [[label] + [fmt.format(result[key]) for result in results] for label, key, fmt in rows]
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in [header] + body]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kernels", nargs="+", help="kernelspec names, e.g. meridian-java python3")
    parser.add_argument("--starts", type=int, default=5, help="launches per kernel for the start figures")
    parser.add_argument("--cells", type=int, default=200, help="measured trivial cells (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured trivial cells first")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of rest before reading RSS")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    if args.starts < 1 or args.cells < 100 or args.warmup < 0 or args.idle < 0:
        parser.error("need --starts >= 1, --cells >= 100, --warmup >= 0, --idle >= 0")

    load_before = os.getloadavg()[0]
    results = [measure(name, args.starts, args.cells, args.warmup, args.idle) for name in args.kernels]
    print(f"# {platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{args.starts} starts, {args.cells} cells after {args.warmup} warm-up, {args.idle:g} s idle, "
          f"1-min load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    print(table(results))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
