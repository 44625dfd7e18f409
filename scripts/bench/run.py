"""`make bench`: pages and API calls of the release server side by side, on a seeded SQLite data
set (seed.py), measured with wrk (2 threads, 32 connections). Every figure is also given as a
ratio to the same-stack ceiling measured in the same run: the anonymous `whoami` call, which
passes through every layer but renders nothing and reads nothing. Ratios, not absolute numbers,
are what to compare between machines and runs.

Also measured: start-up to the first 200 on an existing database, resident memory when idle and
after the load, and the bytes a first visit downloads (brotli, as browsers accept it).
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import seed  # noqa: E402

THREADS = 2
CONNECTIONS = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, body=None, headers=None, method=None):
    """(status, headers, raw body) of one request; no redirects followed, nothing decoded."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"))
    if data is not None:
        req.add_header("Content-Type", "application/json")
        req.add_header("Accept", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class Server:
    def __init__(self, binary, env, log_path):
        self.binary, self.env, self.log_path = binary, env, log_path
        self.proc = None

    def cli(self, *args) -> str:
        out = subprocess.run([self.binary, *args], env=self.env, check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()

    def start(self, base) -> float:
        """Starts the server; seconds until /health first answers 200."""
        t0 = time.monotonic()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT)
        while time.monotonic() - t0 < 60:
            if self.proc.poll() is not None:
                sys.exit(f"the server stopped while starting; see {self.log_path}")
            try:
                if request(f"{base}/health")[0] == 200:
                    return time.monotonic() - t0
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.002)
        sys.exit(f"the server did not answer within 60 s; see {self.log_path}")

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(text: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        latency[pct] = float(value) * UNITS[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {
        "rps": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "requests": total,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def wrk(workdir, seconds, url, headers=None, body=None) -> dict:
    args = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if body is not None:
        script = os.path.join(workdir, f"post-{abs(hash(json.dumps(body)))}.lua")
        with open(script, "w") as lua:
            lua.write('wrk.method = "POST"\n')
            lua.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
            lua.write('wrk.headers["Content-Type"] = "application/json"\n')
            lua.write('wrk.headers["Accept"] = "application/json"\n')
        args += ["-s", script]
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True).stdout
    # The raw output stays beside the server log (BENCH_KEEP=1 keeps the folder).
    with open(os.path.join(workdir, "wrk.log"), "a") as log:
        log.write(f"$ {' '.join(args)} {url}\n{out}\n")
    return parse_wrk(out)


@contextlib.contextmanager
def profiled(name, pid, workdir, profiles):
    """With BENCH_PERF set (words of the measurement's name, comma-separated), records where
    the server spends its CPU during the measurements whose name contains one of them
    (`perf record -e cpu-clock`: this machine kind has no hardware counters), and keeps the
    hottest functions (self time) for the report."""
    wanted = [w.strip() for w in os.environ.get("BENCH_PERF", "").split(",") if w.strip()]
    if not any(w in name for w in wanted):
        yield
        return
    data = os.path.join(workdir, f"perf-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.data")
    perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p",
                             str(pid), "-o", data], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "symbol",
                             "--stdio", "--percent-limit", "1.5", "-g", "none"],
                            capture_output=True, text=True).stdout
    top = [line.strip() for line in report.splitlines()
           if line.strip() and not line.startswith("#")][:25]
    profiles[name] = top
    print(f"== perf: {name} (self time, top functions)\n   " + "\n   ".join(top),
          file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--out", required=True)
    opts = parser.parse_args()
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))

    workdir = tempfile.mkdtemp(prefix="sahabot-bench.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db_path = os.path.join(workdir, "bench.db")
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite://{db_path}",
        "SAHABOT_DATA_DIR": os.path.join(workdir, "data"),
        "SAHABOT_SITE_ROOT": opts.site,
        "SAHABOT_ADDR": f"127.0.0.1:{port}",
        "SAHABOT_BASE_URL": base,
        "SAHABOT_SCHEDULER": "off",
        # The load comes from one address and one user: the highest limits (a minute holds fewer
        # requests than a million per kind even at the ceiling), so wrk measures the
        # server, not the rate limiter.
        "SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE": "1000000",
        "SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE": "1000000",
        "SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE": "1000000",
    })
    for name in list(env):
        if name.startswith("SAHABOT_DISCORD"):
            del env[name]
    server = Server(opts.bin, env, os.path.join(workdir, "server.log"))
    try:
        print(f"== bench: data and log in {workdir}", file=sys.stderr)
        # 1. A fresh database: the first start migrates it; the admin, a token, the organization.
        server.start(base)
        admin_id = int(server.cli("users", "create", "benchadmin", "--superadmin"))
        token = server.cli("tokens", "create", "benchadmin", "--name", "bench")
        auth = {"Authorization": f"Bearer {token}"}

        def api(endpoint, body):
            status, _, raw = request(f"{base}/api/core/{endpoint}", body, auth)
            if status != 200:
                sys.exit(f"{endpoint} {body}: {status} {raw[:300]!r}")
            return json.loads(raw)

        org_id = api("create_organization", {"name": "Bench League"})["id"]
        for plugin in ["tournament", "async_qualifier", "presets"]:
            api("set_plugin_enabled", {"org_id": org_id, "plugin_id": plugin, "enabled": True})
        server.stop()
        print("== bench: seeding", file=sys.stderr)
        ids = seed.seed(db_path, org_id, admin_id, int(time.time() * 1000))

        # 2. Start on the existing database: time to the first 200, memory when idle.
        startup_s = server.start(base)
        time.sleep(1.0)
        idle_rss = server.rss_mb()
        link = server.cli("users", "login-link", "benchadmin")
        status, headers, _ = request(link.replace(link.split("/auth/")[0], base))
        cookie = next((c.split(";")[0] for c in headers.get_all("Set-Cookie") or []
                       if c.startswith("sahabot_session=")), None)
        if status != 303 or not cookie:
            sys.exit(f"signing in through {link} failed: {status}")
        session = {"Cookie": cookie}

        org = f"/org/{org_id}"
        pages = [
            ("page: home (anonymous)", "/", {}),
            ("page: organization overview", org, session),
            ("page: tournament schedule (50 of 200 matches)", f"{org}/tournaments", session),
            ("page: async leaderboard (10,000 runs)",
             f"{org}/async/q/{ids['qualifier']}/leaderboard", session),
            ("page: presets list (200)", f"{org}/presets", session),
        ]
        calls = [
            ("api: whoami (token)", "/api/core/whoami", {}, auth),
            ("api: list_matches (token)", "/api/p/tournament/list_matches",
             {"org_id": org_id, "tournament_id": ids["tournament"]}, auth),
            ("api: leaderboard (token)", "/api/p/async_qualifier/leaderboard",
             {"org_id": org_id, "qualifier_id": ids["qualifier"]}, auth),
        ]
        # Every target answers 200 once before it is measured.
        for name, path, headers in pages:
            status, _, raw = request(f"{base}{path}", headers=headers)
            if status != 200:
                sys.exit(f"{name}: {path} answered {status}")
        for name, path, body, headers in calls:
            status, _, raw = request(f"{base}{path}", body, headers)
            if status != 200:
                sys.exit(f"{name}: {path} answered {status}: {raw[:300]!r}")

        # 3. Load: the ceiling first, then every page and call.
        print(f"== bench: wrk {THREADS} threads x {CONNECTIONS} connections x {seconds} s each",
              file=sys.stderr)
        results = {}
        results["ceiling: whoami (anonymous)"] = wrk(workdir, seconds, f"{base}/api/core/whoami",
                                                    body={})
        profiles = {}
        for name, path, headers in pages:
            with profiled(name, server.proc.pid, workdir, profiles):
                results[name] = wrk(workdir, seconds, f"{base}{path}", headers=headers)
        for name, path, body, headers in calls:
            with profiled(name, server.proc.pid, workdir, profiles):
                results[name] = wrk(workdir, seconds, f"{base}{path}", headers=headers,
                                    body=body)
        loaded_rss = server.rss_mb()

        # 4. What a first visit downloads, brotli as browsers ask: the page, and what it links
        #    from the build's folder (stylesheet, main module and its script, the preloaded
        #    modules of a page that loads on demand) plus the module loader the script imports.
        build = open(os.path.join(opts.site, "pkg", "current")).read().strip()
        loader = f"/pkg/{build}/__wasm_split.______________________.js"
        br = {"Accept-Encoding": "br, gzip"}

        def wire(path, headers):
            status, res_headers, raw = request(f"{base}{path}", headers={**br, **headers})
            if status != 200:
                sys.exit(f"{path}: {status}")
            return len(raw), res_headers.get("Content-Encoding", "")

        def linked(path, headers):
            status, _, raw = request(f"{base}{path}", headers=headers)
            if status != 200:
                sys.exit(f"{path}: {status}")
            found = set(re.findall(r'(?:href|src)="(/pkg/[^"]+)"', raw.decode()))
            return found | {loader}

        home_files = linked("/", {})
        plugin_path = f"{org}/tournaments"
        # The page's own modules are its group's in the splitter's manifest: the browser fetches
        # them when the route loads during hydration, whether or not the page preloads them.
        manifest_path = os.path.join(opts.site, "pkg", build, "__wasm_split_manifest.json")
        group = json.load(open(manifest_path)).get("tournament_pages", [])
        plugin_files = linked(plugin_path, session) | {
            f"/pkg/{build}/{module}.wasm" for module in group}
        files = {path: wire(path, {}) for path in sorted(home_files | plugin_files)}
        client_bytes = sum(files[path][0] for path in home_files)
        chunk_bytes = sum(files[path][0] for path in plugin_files - home_files)
        home_html, _ = wire("/", {})
        plugin_html, _ = wire(plugin_path, session)
        weight = {
            "client_bytes_brotli": client_bytes,
            "client_files": {path.rsplit("/", 1)[-1]: {"bytes": size, "encoding": enc}
                             for path, (size, enc) in files.items() if path in home_files},
            "home_first_load_bytes": client_bytes + home_html,
            "plugin_page_first_load_bytes": client_bytes + chunk_bytes + plugin_html,
            "plugin_page_chunk_bytes": chunk_bytes,
            "plugin_page_chunks": sorted(path.rsplit("/", 1)[-1]
                                         for path in plugin_files - home_files),
        }
    finally:
        server.stop()

    ceiling = results["ceiling: whoami (anonymous)"]["rps"]
    for figures in results.values():
        figures["ratio_to_ceiling"] = figures["rps"] / ceiling if ceiling else 0.0
    report = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "wrk": {"threads": THREADS, "connections": CONNECTIONS, "seconds": seconds},
        "data": ids,
        "results": results,
        "startup_to_first_200_ms": round(startup_s * 1000, 1),
        "rss_mb": {"idle": round(idle_rss, 1), "after_load": round(loaded_rss, 1)},
        "page_weight": weight,
        "profiles": profiles,
    }
    os.makedirs(opts.out, exist_ok=True)
    stamp = report["when"].replace(":", "").replace("+0000", "Z")
    for name in ["latest.json", f"bench-{stamp}.json"]:
        with open(os.path.join(opts.out, name), "w") as out:
            json.dump(report, out, indent=2)

    width = max(map(len, results))
    print(f"\n{'what':<{width}}  {'req/s':>9}  {'ratio':>7}  {'p50 ms':>7}  {'p99 ms':>7}  non-2xx")
    for name, f in results.items():
        p50 = f"{f['p50_ms']:.2f}" if f["p50_ms"] is not None else "-"
        p99 = f"{f['p99_ms']:.2f}" if f["p99_ms"] is not None else "-"
        print(f"{name:<{width}}  {f['rps']:>9.0f}  {f['ratio_to_ceiling']:>6.1%}  {p50:>7}  "
              f"{p99:>7}  {f['non_2xx'] + f['socket_errors']}")
    print(f"\nstart-up to first 200: {report['startup_to_first_200_ms']} ms; "
          f"RSS idle {report['rss_mb']['idle']} MB, after load {report['rss_mb']['after_load']} MB")
    print(f"first load of /: {weight['home_first_load_bytes']:,} bytes over the wire "
          f"(client {client_bytes:,}: "
          + ", ".join(f"{ext} {v['bytes']:,} {v['encoding'] or 'plain'}"
                      for ext, v in weight["client_files"].items())
          + f"); a plugin page (tournament schedule): {weight['plugin_page_first_load_bytes']:,}, "
          f"of which its own modules {weight['plugin_page_chunk_bytes']:,} "
          f"({len(weight['plugin_page_chunks'])} files)")
    print(f"written: {os.path.join(opts.out, 'latest.json')}")
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
