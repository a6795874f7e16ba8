"""Protocol-level behaviour of the Meridian Java kernel, driven by a real jupyter_client.

Run by KernelProtocolIT with JUPYTER_PATH pointing at the kernelspec installed from the built jar and
MERIDIAN_TEST_EXTENSION_JAR naming a jar with a working and a failing test extension.
"""

import hashlib
import hmac
import json
import os
import signal
import socket
import tempfile
import threading
import time
import uuid

import pytest
import zmq
from jupyter_client.manager import KernelManager

KERNEL = "meridian-java"
TIMEOUT = 30


def deliverable_sigint():
    """A process started in the background by a non-interactive shell (nohup, `cmd &`) inherits SIGINT
    as ignored, and a JVM cannot take back an ignored SIGINT; the kernel then logs that only
    interrupt_request works (test_ignored_sigint_is_reported). The SIGINT tests need it deliverable."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def kernel():
    log = tempfile.NamedTemporaryFile(prefix="meridian-kernel-", suffix=".log", delete=False)
    env = dict(os.environ)
    env["MERIDIAN_KERNEL_EXTENSIONS"] = os.environ["MERIDIAN_TEST_EXTENSION_JAR"]
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(env=env, stderr=log, preexec_fn=deliverable_sigint)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    kc.log_path = log.name
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def collect(kc, msg_id, timeout=TIMEOUT):
    """iopub messages of one request up to its idle status."""
    outputs = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append(msg)


def wait_busy(kc, msg_id, timeout=TIMEOUT):
    """Waits until the kernel announced it works on msg_id: an interrupt from then on belongs to it,
    even on a loaded machine where its code has not started (or not compiled) yet."""
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "busy"):
            return


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def run(kc, code, timeout=TIMEOUT, **options):
    msg_id = kc.execute(code, **options)
    reply = shell_reply(kc, msg_id, timeout)
    return reply["content"], collect(kc, msg_id, timeout)


def stdout_of(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def log_text(kc):
    with open(kc.log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def test_failing_extension_is_reported_on_first_cell_and_the_working_one_loads(kernel):
    _, kc = kernel
    reply, outputs = run(kc, "greeting")
    assert reply["status"] == "ok"
    assert "failing" in stdout_of(outputs, "stderr")
    assert "always fails to register" in stdout_of(outputs, "stderr")
    result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
    assert result["content"]["data"]["text/plain"] == '"hello from the greeting extension"'


def test_extension_renderer_magic_and_comm_target_work(kernel):
    _, kc = kernel
    reply, outputs = run(kc, 'new Greeting("Ada")')
    assert reply["status"] == "ok"
    result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
    assert result["content"]["data"]["text/html"] == "<h1>Hello, Ada</h1>"
    reply, outputs = run(kc, "%greet Grace")
    assert "Greetings, Grace!" in stdout_of(outputs)
    comm_id = uuid.uuid4().hex
    kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "greeting.echo", "data": {}}))
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"ping": 7}})
    kc.shell_channel.send(msg)
    echoed = [m for m in collect(kc, msg["header"]["msg_id"]) if m["msg_type"] == "comm_msg"]
    assert echoed[0]["content"]["data"] == {"ping": 7}


def test_stdout_streams_while_the_cell_is_still_running(kernel):
    _, kc = kernel
    msg_id = kc.execute('System.out.println("first"); Thread.sleep(2000); System.out.println("second");')
    first_seen = None
    while first_seen is None:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            assert "first" in msg["content"]["text"]
            assert "second" not in msg["content"]["text"]
            first_seen = time.time()
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    assert time.time() - first_seen > 1.0, "stdout arrived only when the cell ended"
    collect(kc, msg_id)


@pytest.mark.parametrize("code", [
    "while (true) { }",
    "Thread.sleep(600_000);",
    "long n = 0; while (true) { n++; }",
])
def test_interrupt_stops_the_cell_and_keeps_state(kernel, code):
    km, kc = kernel
    run(kc, "int kept = 41;")
    msg_id = kc.execute(code)
    wait_busy(kc, msg_id)
    time.sleep(1.0)  # usually running by now; if not, the interrupt still stops it before it starts
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=15)
    assert reply["content"]["status"] == "error"
    assert "Interrupted" in reply["content"]["ename"]
    collect(kc, msg_id)
    reply, outputs = run(kc, "kept + 1")
    assert [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "42"


def test_interrupt_stops_a_blocking_stdin_read(kernel):
    km, kc = kernel
    msg_id = kc.execute("int b = System.in.read();", allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=15)
    assert reply["content"]["status"] == "error"
    assert "Interrupted" in reply["content"]["ename"]
    collect(kc, msg_id)


def test_sigint_interrupts_too(kernel):
    km, kc = kernel
    msg_id = kc.execute("while (true) { }")
    wait_busy(kc, msg_id)
    time.sleep(1.0)
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    reply = shell_reply(kc, msg_id, timeout=15)
    assert reply["content"]["status"] == "error"
    assert "Interrupted" in reply["content"]["ename"]
    collect(kc, msg_id)
    assert run(kc, "1 + 1")[0]["status"] == "ok"


class SilentServer:
    """A TCP server that accepts connections and never answers, until release() closes them."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            while True:
                connection, _ = self.listener.accept()
                self.connections.append(connection)
                self.accepted.set()
        except OSError:
            pass  # listener closed

    def release(self):
        for connection in self.connections:
            connection.close()
        self.listener.close()


def kernel_java_feature(kc):
    version = shell_reply(kc, kc.kernel_info())["content"]["language_info"]["version"]
    return int(version.split(".")[0])


BLOCKING_READS = {
    "socket": "var socket = new java.net.Socket(\"127.0.0.1\", PORT);\nsocket.getInputStream().read()",
    "http_client": "java.net.http.HttpClient.newHttpClient().send(\n"
                   "    java.net.http.HttpRequest.newBuilder(java.net.URI.create(\"http://127.0.0.1:PORT/\")).build(),\n"
                   "    java.net.http.HttpResponse.BodyHandlers.ofString())",
    "url_connection": "new java.net.URL(\"http://127.0.0.1:PORT/\").openConnection().getInputStream().read()",
}


@pytest.mark.parametrize("name", BLOCKING_READS)
def test_interrupt_ends_a_blocking_network_read(kernel, name):
    km, kc = kernel
    interrupt_blocking_read(km, kc, name, km.interrupt_kernel)


def test_sigint_ends_a_blocking_socket_read(kernel):
    km, kc = kernel
    interrupt_blocking_read(km, kc, "socket", lambda: os.kill(km.provisioner.process.pid, signal.SIGINT))


def interrupt_blocking_read(km, kc, name, interrupt):
    server = SilentServer()
    try:
        run(kc, "int kept = 41;")
        java = kernel_java_feature(kc)
        msg_id = kc.execute(BLOCKING_READS[name].replace("PORT", str(server.port)))
        assert server.accepted.wait(TIMEOUT), "the cell never connected"
        time.sleep(0.5)
        interrupt()
        if java < 21 and name != "http_client":
            # JDK 17 has no virtual threads: the read goes on until the peer answers or closes
            with pytest.raises(Exception):
                shell_reply(kc, msg_id, timeout=3)
            server.release()
        reply = shell_reply(kc, msg_id, timeout=15)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "InterruptedException"
        assert reply["content"]["evalue"] == "the cell was interrupted"
        collect(kc, msg_id)
        reply, outputs = run(kc, "kept + 1")
        assert reply["status"] == "ok"
        assert [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "42"
    finally:
        server.release()


def test_read_line_and_system_in_send_input_requests(kernel):
    _, kc = kernel
    msg_id = kc.execute('String who = readLine("Name? ");\n'
                        'String more = new java.util.Scanner(System.in).nextLine();\n'
                        'System.out.println("hi " + who + " and " + more);', allow_stdin=True)
    first = kc.get_stdin_msg(timeout=TIMEOUT)
    assert first["content"] == {"prompt": "Name? ", "password": False}
    kc.input("Ada")
    second = kc.get_stdin_msg(timeout=TIMEOUT)
    assert second["msg_type"] == "input_request"
    kc.input("Grace")
    assert shell_reply(kc, msg_id)["content"]["status"] == "ok"
    assert "hi Ada and Grace" in stdout_of(collect(kc, msg_id))


def test_read_password_asks_for_a_hidden_input(kernel):
    _, kc = kernel
    msg_id = kc.execute('readPassword("Token: ").length()', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["content"]["password"] is True
    kc.input("s3cret")
    assert shell_reply(kc, msg_id)["content"]["status"] == "ok"
    results = [m for m in collect(kc, msg_id) if m["msg_type"] == "execute_result"]
    assert results[0]["content"]["data"]["text/plain"] == "6"


def test_reading_stdin_without_allow_stdin_fails_clearly(kernel):
    _, kc = kernel
    reply, _ = run(kc, 'readLine("x")', allow_stdin=False)
    assert reply["status"] == "error"
    assert "allow_stdin" in reply["evalue"]


def test_comms_open_message_info_and_close(kernel):
    _, kc = kernel
    run(kc, 'comms().registerTarget("echo", (comm, data) -> comm.onMessage(d -> comm.send(Map.of("got", d))));')
    comm_id = uuid.uuid4().hex
    kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {}}))
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"n": 1}})
    kc.shell_channel.send(msg)
    echoed = [m for m in collect(kc, msg["header"]["msg_id"]) if m["msg_type"] == "comm_msg"]
    assert echoed[0]["content"] == {"comm_id": comm_id, "data": {"got": {"n": 1}}}
    info = shell_reply(kc, kc.comm_info(target_name="echo"))["content"]
    assert info["status"] == "ok" and comm_id in info["comms"]
    kc.shell_channel.send(kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}}))
    info = shell_reply(kc, kc.comm_info())["content"]
    assert comm_id not in info["comms"]
    reply, outputs = run(kc, 'var c = comms().open("meridian.test", Map.of("hello", 1));')
    opened = [m for m in outputs if m["msg_type"] == "comm_open"]
    assert opened[0]["content"]["target_name"] == "meridian.test"
    assert opened[0]["content"]["data"] == {"hello": 1}


def test_comm_open_for_an_unknown_target_is_closed_again(kernel):
    _, kc = kernel
    msg = kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "nobody", "data": {}})
    kc.shell_channel.send(msg)
    closed = [m for m in collect(kc, msg["header"]["msg_id"]) if m["msg_type"] == "comm_close"]
    assert "nobody" in closed[0]["content"]["data"]["error"]


def test_display_and_update_display_share_a_display_id(kernel):
    _, kc = kernel
    reply, outputs = run(kc, 'var handle = display(html("<b>1</b>"));\nhandle.update(html("<b>2</b>"));')
    assert reply["status"] == "ok"
    shown = [m for m in outputs if m["msg_type"] == "display_data"][0]
    updated = [m for m in outputs if m["msg_type"] == "update_display_data"][0]
    assert shown["content"]["transient"]["display_id"] == updated["content"]["transient"]["display_id"]
    assert updated["content"]["data"]["text/html"] == "<b>2</b>"
    assert not [m for m in outputs if m["msg_type"] == "execute_result"]


def test_compile_error_points_at_cell_line_and_column(kernel):
    _, kc = kernel
    reply, outputs = run(kc, 'int a = 1;\nString s = a;')
    assert reply["status"] == "error"
    assert reply["ename"] == "CompilationError"
    assert "cell line 2, column 12" in "\n".join(reply["traceback"])
    assert [m["msg_type"] for m in outputs] == ["error"]


def test_runtime_trace_is_trimmed_to_cell_lines(kernel):
    _, kc = kernel
    reply, _ = run(kc, "int divide(int x) {\n    return 10 / x;\n}\nint one = 1;\ndivide(0)")
    assert reply["status"] == "error"
    assert reply["ename"] == "java.lang.ArithmeticException"
    trace = "\n".join(reply["traceback"])
    assert "at divide (line 2)" in trace
    assert "at cell (line 5)" in trace
    for noise in ("jdk.jshell", "java.lang.reflect", "REPL.$JShell", "jdk.internal"):
        assert noise not in trace


def test_stop_on_error_aborts_executes_queued_behind_a_failure(kernel):
    _, kc = kernel
    failing = kc.execute('Thread.sleep(1000); throw new RuntimeException("first fails");')
    queued = kc.execute("1 + 1")
    assert shell_reply(kc, failing)["content"]["status"] == "error"
    assert shell_reply(kc, queued)["content"]["status"] == "aborted"
    collect(kc, failing)
    reply, _ = run(kc, "2 + 2")
    assert reply["status"] == "ok"


def test_user_expressions_are_evaluated_after_the_cell(kernel):
    _, kc = kernel
    msg_id = kc.execute("int base = 40;", user_expressions={"answer": "base + 2", "broken": "nope"})
    content = shell_reply(kc, msg_id)["content"]
    collect(kc, msg_id)
    assert content["user_expressions"]["answer"]["status"] == "ok"
    assert content["user_expressions"]["answer"]["data"]["text/plain"] == "42"
    assert content["user_expressions"]["broken"]["status"] == "error"


def test_completion_counts_cursor_in_code_points(kernel):
    _, kc = kernel
    code = 'String face = "\U0001F600"; face.toUpperC'
    content = shell_reply(kc, kc.complete(code, len(code)))["content"]
    assert "toUpperCase(" in content["matches"]
    assert content["cursor_start"] == len(code) - len("toUpperC")
    assert content["cursor_end"] == len(code)
    types = content["metadata"]["_jupyter_types_experimental"]
    assert {"text": "toUpperCase(", "type": "method"}.items() <= types[content["matches"].index("toUpperCase(")].items()


def test_inspect_finds_docs_with_the_cursor_inside_or_after_a_name(kernel):
    _, kc = kernel
    for code, cursor in [("Math.max", 8), ("Math.max(1, 2)", 7)]:
        content = shell_reply(kc, kc.inspect(code, cursor))["content"]
        assert content["status"] == "ok" and content["found"]
        assert "max(" in content["data"]["text/plain"]


def test_history_with_output(kernel):
    _, kc = kernel
    run(kc, "3 * 14")
    content = shell_reply(kc, kc.history(hist_access_type="tail", n=1, output=True, raw=True))["content"]
    assert content["history"][-1][2] == ["3 * 14", "42"]


def test_magics_env_time_load_classpath_lsmagic(kernel, tmp_path):
    _, kc = kernel
    reply, outputs = run(kc, "%env MERIDIAN_DEMO=blue\nenv(\"MERIDIAN_DEMO\")")
    assert "env: MERIDIAN_DEMO=blue" in stdout_of(outputs)
    assert [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == '"blue"'
    reply, outputs = run(kc, "%time\nint t = 0;\nfor (int i = 0; i < 1000; i++) t += i;\nt")
    assert "Wall time:" in stdout_of(outputs)
    assert [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "499500"
    script = tmp_path / "helper.jsh"
    script.write_text("int loaded() { return 7; }\n")
    assert run(kc, f"%load {script}")[0]["status"] == "ok"
    assert run(kc, "loaded()")[1][0]["content"]["data"]["text/plain"] == "7"
    classes = tmp_path / "classes"
    classes.mkdir()
    reply, outputs = run(kc, f"%classpath {classes}")
    assert reply["status"] == "ok" and "Added to classpath" in stdout_of(outputs)
    reply, _ = run(kc, f"%classpath {tmp_path}/missing/*.jar")
    assert reply["status"] == "error" and "no such folder" in reply["evalue"]
    reply, outputs = run(kc, "%lsmagic")
    for name in ("%classpath", "%maven", "%time", "%env", "%load", "%greet"):
        assert name in stdout_of(outputs)
    reply, _ = run(kc, "%nosuch")
    assert reply["status"] == "error" and "%lsmagic" in reply["evalue"]


def test_huge_stream_output_is_truncated_with_a_note(kernel):
    _, kc = kernel
    reply, outputs = run(kc, 'for (int i = 0; i < 200_000; i++) System.out.println("line " + i + " " + "x".repeat(30));',
                         timeout=120)
    assert reply["status"] == "ok"
    text = stdout_of(outputs)
    assert "Output truncated" in text
    assert len(text.encode()) < (1 << 20) + 1024
    assert run(kc, "1 + 1")[0]["status"] == "ok"


def test_huge_result_is_truncated_with_a_note(kernel):
    _, kc = kernel
    reply, outputs = run(kc, '"x".repeat(5_000_000)', timeout=120)
    assert reply["status"] == "ok"
    text = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "Result truncated" in text and len(text) < (1 << 20) + 1024


def test_unknown_message_type_gets_an_error_reply(kernel):
    _, kc = kernel
    msg = kc.session.msg("frobnicate_request", {})
    kc.shell_channel.send(msg)
    reply = shell_reply(kc, msg["header"]["msg_id"])
    assert reply["msg_type"] == "frobnicate_reply"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "UnknownMessageType"
    assert "frobnicate_request" in log_text(kc)


def raw_shell_socket(km):
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
    return sock


def signed(key, parts):
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.hexdigest().encode()


def kernel_info_parts(msg_id):
    header = json.dumps({"msg_id": msg_id, "session": "raw", "username": "t", "date": "2026-01-01T00:00:00Z",
                         "msg_type": "kernel_info_request", "version": "5.4"}).encode()
    return [header, b"{}", b"{}", b"{}"]


def test_wrong_hmac_is_dropped_logged_once_and_kernel_keeps_serving(kernel):
    km, kc = kernel
    sock = raw_shell_socket(km)
    for i in range(3):
        parts = kernel_info_parts(f"bad-{i}")
        sock.send_multipart([b"<IDS|MSG>", signed(b"not-the-key", parts)] + parts)
    assert sock.poll(1500) == 0, "a message with a wrong signature was answered"
    parts = kernel_info_parts("good")
    sock.send_multipart([b"<IDS|MSG>", signed(km.session.key, parts)] + parts)
    assert sock.poll(5000) != 0
    frames = sock.recv_multipart()
    assert json.loads(frames[3])["msg_id"] == "good"
    sock.close()
    assert log_text(kc).count("bad HMAC signature") == 1


def test_malformed_frames_are_dropped_and_kernel_keeps_serving(kernel):
    km, kc = kernel
    sock = raw_shell_socket(km)
    broken = [b"{not json", b"{}", b"{}", b"{}"]
    sock.send_multipart([b"<IDS|MSG>", signed(km.session.key, broken)] + broken)
    sock.send_multipart([b"no delimiter at all"])
    sock.send_multipart([b"<IDS|MSG>", b"too few frames"])
    assert sock.poll(1000) == 0
    sock.close()
    reply = shell_reply(kc, kc.kernel_info())
    assert reply["content"]["status"] == "ok"
    log = log_text(kc)
    assert "header is not valid JSON" in log
    assert "no <IDS|MSG> delimiter" in log


def test_kernel_info_describes_java(kernel):
    _, kc = kernel
    content = shell_reply(kc, kc.kernel_info())["content"]
    assert content["protocol_version"] == "5.4"
    assert content["implementation"] == "meridian"
    info = content["language_info"]
    assert info["name"] == "java" and info["mimetype"] == "text/x-java-source"
    assert info["codemirror_mode"] == "text/x-java" and info["pygments_lexer"] == "java"
    assert info["version"][0].isdigit()
    assert content["help_links"]


def test_ignored_sigint_is_reported():
    def ignore_sigint():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    log = tempfile.NamedTemporaryFile(prefix="meridian-kernel-", suffix=".log", delete=False)
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(stderr=log, preexec_fn=ignore_sigint)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        msg_id = kc.execute("while (true) { }")
        wait_busy(kc, msg_id)
        km.interrupt_kernel()  # interrupt_request still works
        assert shell_reply(kc, msg_id, timeout=15)["content"]["status"] == "error"
        with open(log.name) as f:
            assert "SIGINT was ignored when the kernel started" in f.read()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_shutdown_request_exits_cleanly():
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    msg = kc.session.msg("shutdown_request", {"restart": False})
    kc.control_channel.send(msg)
    reply = kc.get_control_msg(timeout=TIMEOUT)
    assert reply["content"] == {"status": "ok", "restart": False}
    process = km.provisioner.process
    process.wait(timeout=10)
    assert process.returncode == 0
    kc.stop_channels()
    km.cleanup_resources()
