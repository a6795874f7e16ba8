#!/usr/bin/python3
"""Meridian hub vs Debian's JupyterHub, driven the same way through the JupyterHub REST API.

For each hub: create N users through POST /hub/api/users in batches, time GET /hub/api/users?limit=200
at varied offsets (p50/p99), time local spawn-to-ready (POST the default server, poll the user model
until the server is ready), stop each server, then read the hub's idle RSS. Prints one table.
Loopback only; every process started here is stopped on exit, also on Ctrl-C or SIGTERM.
Standard library only, so Debian's /usr/bin/python3 runs it as is.
"""
import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

BARE = "jupyter server alone (floor)"
STARTED = []  # Popen objects, stopped in reverse order at exit
TEMP_DIRS = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Api:
    """A keep-alive HTTP client for one hub's REST API with one admin token."""

    def __init__(self, port, token):
        self.port, self.token, self.conn = port, token, None

    def call(self, method, path, body=None, timeout=120):
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, (json.loads(raw) if raw and raw[:1] in (b"{", b"[") else raw.decode(errors="replace"))
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_until(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (ConnectionError, OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} not within {timeout} s")


def start_process(cmd, env, log_path, cwd=None):
    out = open(log_path, "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
    STARTED.append(proc)
    return proc


def stop_process(proc, grace=15):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def cleanup():
    for proc in reversed(STARTED):
        stop_process(proc)
    STARTED.clear()
    for d in TEMP_DIRS:
        shutil.rmtree(d, ignore_errors=True)


def stop_servers_left_in(workdir):
    """Single-user servers run in their own session and, in Meridian, outlive the hub by design; after an
    interrupted spawn, stop those our hub started (their working directory is in this run's folder)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd == workdir or cwd.startswith(workdir + "/"):
                log(f"stopping leftover process {entry}: {command_line(int(entry))[:120]}")
                try:
                    os.kill(int(entry), signal.SIGTERM)
                except ProcessLookupError:
                    pass


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids.append(int(entry))
            except (OSError, IndexError):
                pass
    return kids


def command_line(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode(errors="replace")


# --- the two hubs -------------------------------------------------------------------------------

class Meridian:
    def __init__(self, jar, java, database):
        self.jar, self.java, self.database = jar, java, database
        self.label = f"Meridian ({'PostgreSQL' if database else 'H2'})"

    def start(self, workdir):
        self.port = free_port()
        token = secrets.token_hex(24)
        config = os.path.join(workdir, "meridian-hub.yml")
        with open(config, "w") as f:
            f.write("host: 127.0.0.1\nculler:\n  enabled: false\n")
        env = dict(os.environ, MERIDIAN_PORT=str(self.port), MERIDIAN_DATA_DIR=os.path.join(workdir, "data"),
                   MERIDIAN_ADMIN_TOKEN=token, MERIDIAN_ADMIN_PASSWORD=secrets.token_hex(16),
                   MERIDIAN_JUPYTER="/usr/bin/jupyter")
        if self.database:
            env.update(MERIDIAN_DB_URL=self.database["url"], MERIDIAN_DB_USER=self.database["user"],
                       MERIDIAN_DB_PASSWORD=self.database["password"])
        self.proc = start_process([self.java, "-jar", os.path.abspath(self.jar), "--config", config], env,
                                  os.path.join(workdir, "hub.log"), cwd=workdir)
        self.api = Api(self.port, token)
        wait_until("Meridian hub answering", lambda: self.api.call("GET", "/hub/api/")[0] == 200, 120)

    def rss_pids(self):
        return [self.proc.pid]


class JupyterHub:
    label = "JupyterHub 3.0 (sqlite)"

    def start(self, workdir):
        self.port, hub_port, proxy_api = free_port(), free_port(), free_port()
        token = secrets.token_hex(24)
        config = os.path.join(workdir, "jupyterhub_config.py")
        with open(config, "w") as f:
            f.write(f"""
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_api}'
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = 'sqlite:///{workdir}/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '{workdir}/jupyterhub_cookie_secret'
c.JupyterHub.pid_file = '{workdir}/jupyterhub.pid'
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
# LocalProcessSpawner without a Unix account per hub user (our 10,000 users have none).
c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
c.SimpleLocalProcessSpawner.home_dir_template = '{workdir}/home/{{username}}'
c.Spawner.cmd = ['/usr/bin/jupyterhub-singleuser']
c.Spawner.args = ['--allow-root'] if {os.getuid() == 0} else []
c.Spawner.environment = {{'JUPYTERHUB_SINGLEUSER_APP': 'jupyter_server.serverapp.ServerApp'}}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
c.JupyterHub.services = [{{'name': 'bench', 'api_token': '{token}'}}]
c.JupyterHub.load_roles = [{{'name': 'admin', 'services': ['bench']}}]
c.JupyterHub.api_page_default_limit = 200
c.JupyterHub.api_page_max_limit = 200
""")
        env = dict(os.environ, NODE_PATH="/usr/share/nodejs", PATH="/usr/bin:/bin:/usr/sbin:/sbin")
        self.proc = start_process(["/usr/bin/python3", "/usr/bin/jupyterhub", "-f", config], env,
                                  os.path.join(workdir, "hub.log"), cwd=workdir)
        self.api = Api(self.port, token)
        wait_until("JupyterHub answering through its proxy", lambda: self.api.call("GET", "/hub/api/")[0] == 200, 120)

    def rss_pids(self):
        # The hub process and its configurable-http-proxy (node); single-user servers are stopped by then.
        return [self.proc.pid] + [p for p in children(self.proc.pid) if "configurable-http-proxy" in command_line(p)]


# --- measurements -------------------------------------------------------------------------------

def create_users(api, prefix, count, batch):
    t0 = time.monotonic()
    for start in range(0, count, batch):
        names = [f"{prefix}{i:05d}" for i in range(start, min(count, start + batch))]
        status, body = api.call("POST", "/hub/api/users", {"usernames": names}, timeout=600)
        if status != 201:
            raise RuntimeError(f"creating users {names[0]}..: {status} {str(body)[:300]}")
    return time.monotonic() - t0


def users_page(api, users, warmup, requests):
    def one(i):
        offset = (i * 400) % users
        t0 = time.perf_counter()
        status, body = api.call("GET", f"/hub/api/users?limit=200&offset={offset}")
        elapsed = (time.perf_counter() - t0) * 1000
        if status != 200 or not isinstance(body, list) or len(body) != 200:
            raise RuntimeError(f"users page at {offset}: {status} {str(body)[:300]}")
        return elapsed

    for i in range(warmup):
        one(i)
    times = [one(i) for i in range(requests)]
    return percentile(times, 0.5), percentile(times, 0.99)


def server_state(api, name):
    status, body = api.call("GET", f"/hub/api/users/{urllib.parse.quote(name)}")
    if status != 200:
        raise RuntimeError(f"user {name}: {status} {str(body)[:300]}")
    return body.get("servers", {}).get("", {}), body.get("pending")


def spawn_to_ready(api, names, timeout):
    times = []
    for name in names:
        path = f"/hub/api/users/{urllib.parse.quote(name)}/server"
        t0 = time.perf_counter()
        status, body = api.call("POST", path, {})
        if status not in (201, 202):
            raise RuntimeError(f"starting {name}: {status} {str(body)[:300]}")
        deadline = time.monotonic() + timeout
        while True:
            server, _ = server_state(api, name)
            if server.get("ready"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"server of {name} not ready within {timeout} s")
            time.sleep(0.02)
        ready = time.perf_counter() - t0
        # The hub says ready; the user's first request through the hub's proxy shows the server really answers.
        status_path = server["url"].rstrip("/") + "/api/status"
        while True:
            status, body = api.call("GET", status_path)
            if status == 200 and isinstance(body, dict) and "started" in body:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{status_path} answered {status} {str(body)[:200]} until the timeout")
            time.sleep(0.02)
        times.append((ready, time.perf_counter() - t0))
        stop_server(api, name, path, timeout)
    return times


def stop_server(api, name, path, timeout):
    status, body = api.call("DELETE", path)
    if status not in (202, 204):
        raise RuntimeError(f"stopping {name}: {status} {str(body)[:300]}")
    deadline = time.monotonic() + timeout
    while True:
        server, pending = server_state(api, name)
        if not server and not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"server of {name} not stopped within {timeout} s")
        time.sleep(0.1)


def bench(hub, args):
    result = {}
    workdir = tempfile.mkdtemp(prefix="hub-bench-")
    TEMP_DIRS.append(workdir)
    os.makedirs(os.path.join(workdir, "home"), exist_ok=True)
    log(f"{hub.label}: starting in {workdir}")
    hub.start(workdir)
    try:
        log(f"{hub.label}: creating {args.users} users")
        result["create_s"] = create_users(hub.api, "bench-", args.users, args.batch)
        log(f"{hub.label}: users created in {result['create_s']:.1f} s; timing the users list")
        result["page"] = users_page(hub.api, args.users, args.warmup, args.requests)
        if args.spawns and not args.skip_spawn.get(hub.label):
            log(f"{hub.label}: {args.spawns} spawns")
            try:
                result["spawn"] = spawn_to_ready(hub.api, [f"bench-{i:05d}" for i in range(args.spawns)], args.spawn_timeout)
            except (RuntimeError, TimeoutError) as e:
                result["spawn_error"] = str(e)
                log(f"{hub.label}: spawn failed: {e}")
        time.sleep(args.idle)
        result["rss_kib"] = sum(rss_kib(p) for p in hub.rss_pids())
        result["rss_procs"] = len(hub.rss_pids())
    finally:
        hub.api.close()
        stop_process(hub.proc)
        stop_servers_left_in(workdir)
        if args.logs:
            os.makedirs(args.logs, exist_ok=True)
            shutil.copy(os.path.join(workdir, "hub.log"), os.path.join(args.logs, hub.label.split()[0] + "-" + hub.label.split()[-1].strip("()") + ".log"))
    return result


def bare_jupyter_starts(count, timeout):
    """The floor under any local spawn: Debian's `jupyter server` started directly, until /api/status answers."""
    times = []
    for _ in range(count):
        workdir = tempfile.mkdtemp(prefix="hub-bench-bare-")
        TEMP_DIRS.append(workdir)
        port, token = free_port(), secrets.token_hex(24)
        cmd = ["/usr/bin/jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={workdir}"] + (["--allow-root"] if os.getuid() == 0 else [])
        env = dict(os.environ, HOME=workdir, JUPYTER_RUNTIME_DIR=workdir, PATH="/usr/bin:/bin")
        t0 = time.perf_counter()
        proc = start_process(cmd, env, os.path.join(workdir, "server.log"), cwd=workdir)
        api = Api(port, token)
        try:
            wait_until("bare jupyter server", lambda: api.call("GET", "/api/status", timeout=2)[0] == 200, timeout)
            times.append(time.perf_counter() - t0)
        finally:
            api.close()
            stop_process(proc)
    return times


def reset_postgres(database):
    """Recreates the benchmark's own database so tests using meridian_test are never touched."""
    bins = sorted(d for d in os.listdir("/usr/lib/postgresql"))
    psql = f"/usr/lib/postgresql/{bins[-1]}/bin/psql"
    env = dict(os.environ, PGPASSWORD=database["password"])
    for sql in (f"DROP DATABASE IF EXISTS {database['name']} WITH (FORCE)", f"CREATE DATABASE {database['name']}"):
        subprocess.run([psql, "-h", database["host"], "-p", database["port"], "-U", database["user"], "-d", "postgres",
                        "-qc", sql], env=env, check=True, timeout=60)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default="hub/target/meridian-hub.jar")
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--spawns", type=int, default=5)
    p.add_argument("--spawn-timeout", type=int, default=120)
    p.add_argument("--idle", type=float, default=5, help="seconds idle before reading RSS")
    p.add_argument("--pg", default="postgresql://meridian:meridian@127.0.0.1:55432/meridian_bench",
                   help="PostgreSQL for Meridian's second run ('' to skip); the database is dropped and recreated")
    p.add_argument("--logs", help="keep each hub's log in this folder")
    p.add_argument("--hubs", default="meridian,meridian-pg,jupyterhub,bare",
                   help="comma-separated: meridian, meridian-pg, jupyterhub, bare (Jupyter server without a hub)")
    args = p.parse_args()
    args.skip_spawn = {}

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    load_before = os.getloadavg()
    hubs = []
    notes = {}
    for key in args.hubs.split(","):
        if key == "meridian":
            hubs.append(Meridian(args.jar, args.java, None))
        elif key == "meridian-pg" and args.pg:
            u = urllib.parse.urlparse(args.pg)
            database = {"host": u.hostname, "port": str(u.port or 5432), "user": u.username, "password": u.password,
                        "name": u.path.lstrip("/"), "url": f"jdbc:postgresql://{u.hostname}:{u.port or 5432}{u.path}"}
            hubs.append((Meridian(args.jar, args.java, database), database))
        elif key == "bare":
            hubs.append("bare")
        elif key == "jupyterhub":
            if not os.path.exists("/usr/bin/jupyterhub"):
                notes["JupyterHub 3.0 (sqlite)"] = "n/a: /usr/bin/jupyterhub missing (apt-get install -y jupyterhub)"
            else:
                hubs.append(JupyterHub())
    results = {}
    try:
        for hub in hubs:
            if hub == "bare":
                log(f"{BARE}: {args.spawns} starts")
                try:
                    results[BARE] = {"bare": bare_jupyter_starts(args.spawns, args.spawn_timeout)}
                except (TimeoutError, OSError) as e:
                    notes[BARE] = f"n/a: {e}"
                continue
            if isinstance(hub, tuple):
                hub, database = hub
                reset_postgres(database)
            try:
                results[hub.label] = bench(hub, args)
            except (RuntimeError, TimeoutError, OSError) as e:
                notes[hub.label] = f"n/a: {e}"
                log(f"{hub.label}: {e}")
    finally:
        cleanup()
    load_after = os.getloadavg()

    def fmt_page(r):
        return f"{r['page'][0]:.1f} / {r['page'][1]:.1f}" if "page" in r else "n/a"

    def fmt_spawn(r):
        if "spawn" in r:
            ready = [t[0] for t in r["spawn"]]
            proxied = [t[1] for t in r["spawn"]]
            return (f"{statistics.median(ready):.2f} s (max {max(ready):.2f}) / "
                    f"{statistics.median(proxied):.2f} s (n={len(ready)})")
        return "n/a: " + r.get("spawn_error", "not run")

    def fmt_rss(r):
        return f"{r['rss_kib'] / 1024:.0f} MiB ({r['rss_procs']} proc)" if "rss_kib" in r else "n/a"

    print(f"\nHub benchmark {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.1f} at start, {load_after[0]:.1f} at end")
    print(f"{args.users} users created in batches of {args.batch}; users page: GET /hub/api/users?limit=200, "
          f"{args.requests} requests after {args.warmup} warm-up, keep-alive; spawn: {args.spawns} sequential "
          f"POST .../server until the user model says ready, then GET {{server url}}api/status through the hub; RSS after {args.idle:.0f} s idle\n")
    print("| hub | create users | users page p50 / p99 (ms) | spawn-to-ready p50 / to first proxied 200 p50 | idle RSS |")
    print("|---|---|---|---|---|")
    for label, r in results.items():
        if "bare" in r:
            print(f"| {label} | no hub | no hub | start to /api/status 200: {statistics.median(r['bare']):.2f} s "
                  f"(max {max(r['bare']):.2f}, n={len(r['bare'])}) | no hub |")
            continue
        print(f"| {label} | {r['create_s']:.1f} s | {fmt_page(r)} | {fmt_spawn(r)} | {fmt_rss(r)} |")
    for label, note in notes.items():
        if label not in results:
            print(f"| {label} | {note} | n/a | n/a | n/a |")
    print("\nTargets: users page p50 <= 50 ms at 10,000 users; local spawn-to-ready <= 3 s.")
    return 0 if results and not (set(notes) - set(results)) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        cleanup()
