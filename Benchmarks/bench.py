#!/usr/bin/env python3
"""Benchmark of Tessera's token endpoint against this machine's signing limit.

One command:  python3 Benchmarks/bench.py            (builds the release binary first)

For each database (SQLite, PostgreSQL, and three `tessera serve` nodes on one PostgreSQL) and
id_token algorithm (RS256, ES256) it starts `tessera serve` from the release build, creates a
client, a user and an API, logs in once, mints fresh codes through the real /authorize endpoint
with wrk, then drives POST /oauth/token with wrk (keep-alive; one thread, or one per node, each on
its node's port) at 1, 16, 64 and 256 connections with the seed's parameters. It also measures
refresh_token, client_credentials and userinfo, the server's peak RSS and start-up time, the CPU
each request cost every process (the tessera node(s) and the PostgreSQL cluster, from
/proc/PID/stat), and — in the same run — the machine's signing rate on all cores (`openssl speed
-multi`), and reports achieved exchanges/s as a ratio of that limit divided by signatures per
exchange. Beside each opaque exchange row, the same exchange with a DPoP proof (RFC 9449): its
cost per exchange next to the plain one.
"""
import argparse, base64, json, os, platform, re, resource, shutil, signal, subprocess, sys, tempfile, time, urllib.parse

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "Benchmarks")
REDIRECT_URI = "http://localhost:3000/callback"
AUDIENCE = "https://api.bench.example"
PASSWORD = "benchmark password"


def run(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signing_rate(algorithm, cores, seconds):
    """Signatures per second on all cores, as `openssl speed -multi` measures."""
    name = {"RS256": "rsa2048", "ES256": "ecdsap256"}[algorithm]
    out = run(["openssl", "speed", "-multi", str(cores), "-seconds", str(seconds), name]).stdout
    for line in out.splitlines():
        if algorithm == "RS256" and re.match(r"^rsa\s+2048 bits", line):
            return float(line.split()[-2])  # sign/s is the second-to-last column of "rsa 2048 bits …"
        if algorithm == "ES256" and re.search(r"256 bits ecdsa \(nistp256\)", line):
            return float(line.split()[-2])
    raise RuntimeError("could not read openssl speed output:\n" + out)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, with_reaped_children=False):
    """utime + stime of a process (all its threads), from /proc/PID/stat; with the children it has
    reaped (cutime + cstime) when asked: PostgreSQL's postmaster reaps every backend that exits."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # fields[0] is field 3 (state)
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def children(pid):
    """The live processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass  # gone meanwhile
    return found


class Postgres:
    """A throwaway PostgreSQL cluster on a loopback port (initdb + pg_ctl as the postgres user)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tessera-bench-pg-")
        os.chmod(self.dir, 0o777)
        self.port = free_port()
        bindir = "/usr/lib/postgresql/15/bin"
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        run(as_postgres + [f"{bindir}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres"])
        run(as_postgres + [f"{bindir}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                           f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                           "-c max_connections=200 -c synchronous_commit=on", "start"])
        self.stop_command = as_postgres + [f"{bindir}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop"]
        self.counter = 0

    def database(self):
        self.counter += 1
        name = f"bench{self.counter}"
        run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", f"CREATE DATABASE {name}"])
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def cpu_seconds(self):
        """CPU spent so far by the whole cluster: the postmaster, the backends and background
        processes alive now, and (through the postmaster's reaped-children times) those that exited."""
        with open(f"{self.dir}/data/postmaster.pid") as pidfile:
            postmaster = int(pidfile.readline())
        total = cpu_seconds(postmaster, with_reaped_children=True)
        for child in children(postmaster):
            try:
                total += cpu_seconds(child)
            except OSError:
                pass  # exited between the listing and the read; counted once reaped
        return total

    def stop(self):
        subprocess.run(self.stop_command, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """`nodes` tessera serve processes on one database, each on its own port, with one issuer."""

    def __init__(self, binary, database, workdir, algorithm, nodes=1, pool_size=None, postgres=None):
        self.binary, self.database, self.workdir, self.postgres = binary, database, workdir, postgres
        self.env = dict(os.environ, TESSERA_BCRYPT_COST="4", LOG_LEVEL="warning",
                        TESSERA_MASTER_KEY=base64.b64encode(b"b" * 32).decode())
        self.client = json.loads(self.cli("clients", "add", "--name", "Bench", "--redirect-uri", REDIRECT_URI,
                                          "--id-token-alg", algorithm, "--json"))
        self.machine = json.loads(self.cli("clients", "add", "--name", "Machine", "--grant-type", "client_credentials", "--json"))
        self.cli("users", "add", "--email", "bench@example.com", "--password", PASSWORD)
        self.cli("apis", "add", "--identifier", AUDIENCE, "--name", "Bench API", "--scope", "read:all")
        # Deny by default: each client gets tokens for the API only under a client grant.
        for client in (self.client, self.machine):
            self.cli("grants", "add", "--client", client["client_id"], "--api", AUDIENCE, "--scope", "read:all")
        self.ports = [free_port() for _ in range(nodes)]
        self.bases = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.base = self.bases[0]
        pool = ["--database-pool-size", str(pool_size)] if pool_size and postgres else []
        started = time.monotonic()
        # Every node names the first as issuer, as nodes behind one load balancer share one.
        self.processes = [subprocess.Popen([binary, "serve", "--port", str(port), "--database", database, "--code-ttl", "600",
                                            "--issuer", self.base] + pool,
                                           cwd=workdir, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                          for port in self.ports]
        self.process = self.processes[0]
        self.ready_seconds = max(self.wait_ready(started, base) for base in self.bases)

    def cli(self, *args):
        return run([self.binary, *args, "--database", self.database], cwd=self.workdir, env=self.env).stdout

    def wait_ready(self, started, base):
        while True:
            try:
                if requests.get(base + "/readyz", timeout=0.2).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            if time.monotonic() - started > 30:
                raise RuntimeError("tessera serve did not become ready")
            time.sleep(0.005)

    def restart_ready_seconds(self):
        """Start-up time of a second server on the same, already initialised database."""
        port = free_port()
        started = time.monotonic()
        process = subprocess.Popen([self.binary, "serve", "--port", str(port), "--database", self.database],
                                   cwd=self.workdir, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=0.2).status_code == 200:
                        return time.monotonic() - started
                except requests.RequestException:
                    time.sleep(0.002)
        finally:
            process.terminate()
            process.wait()

    def login(self):
        """A logged-in browser session: the cookie every minted code comes from."""
        session = requests.Session()
        page = session.get(self.base + "/authorize", params=self.authorize_params(), allow_redirects=False)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        request = re.search(r'name="authorization_request" value="([^"]+)"', page.text).group(1)
        import html
        done = session.post(self.base + "/login", data={"csrf_token": csrf, "authorization_request": html.unescape(request),
                                                         "email": "bench@example.com", "password": PASSWORD}, allow_redirects=False)
        assert done.status_code == 302, done.text
        return session.cookies["tessera_session"]

    def authorize_params(self, audience=None):
        params = {"response_type": "code", "client_id": self.client["client_id"], "redirect_uri": REDIRECT_URI,
                  "scope": "openid profile email offline_access", "state": "bench", "nonce": "bench"}
        if audience:
            params["audience"] = audience
            params["scope"] += " read:all"
        return params

    def peak_rss_mb(self):
        """The largest node's peak RSS."""
        peaks = []
        for process in self.processes:
            with open(f"/proc/{process.pid}/status") as status:
                peaks += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")]
        return max(peaks)

    def cpu_seconds(self):
        """CPU spent so far by each node, and by the PostgreSQL cluster (None on SQLite)."""
        return ([cpu_seconds(process.pid) for process in self.processes],
                self.postgres.cpu_seconds() if self.postgres else None)

    def stop(self):
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            process.wait(timeout=30)


def basic(client):
    credentials = urllib.parse.quote(client["client_id"], safe="") + ":" + urllib.parse.quote(client["client_secret"], safe="")
    return base64.b64encode(credentials.encode()).decode()


def wrk(server, script, connections, seconds, env, threads=1):
    """Runs wrk; with `threads` > 1, thread i drives node i % nodes (token.lua sets its address),
    so the connections spread evenly over the nodes in one measurement."""
    environment = dict(os.environ, TESSERA_THREADS=str(threads), TESSERA_REDIRECT_URI=urllib.parse.quote(REDIRECT_URI, safe=""),
                       TESSERA_PORTS=",".join(str(port) for port in server.ports), **env)
    out = run(["wrk", "-t", str(threads), "-c", str(max(connections, threads)), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", os.path.join(HERE, script), server.base], env=environment).stdout
    return json.loads(out.strip().splitlines()[-1])


def mint(server, session, folder, seconds, audience=None):
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    path = "/authorize?" + urllib.parse.urlencode(server.authorize_params(audience), quote_via=urllib.parse.quote)
    result = wrk(server, "mint.lua", 64, seconds, {"TESSERA_SESSION": session, "TESSERA_AUTHORIZE_PATH": path, "TESSERA_OUT": folder})
    return result["minted"]


def dpop_proofs(count, url):
    """`count` DPoP proofs (RFC 9449 §4.2) for POST `url`, ES256, one key, each with its own jti, all
    issued now: the server accepts a proof for 60 s, longer than a measurement runs."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    compact = lambda value: b64(json.dumps(value, separators=(",", ":")).encode())
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big")), "y": b64(numbers.y.to_bytes(32, "big"))}
    header = compact({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk})
    issued = int(time.time())
    for _ in range(count):
        signing_input = header + "." + compact({"jti": b64(os.urandom(16)), "htm": "POST", "htu": url, "iat": issued})
        r, s = utils.decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        yield signing_input + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def write_dpop_inputs(folder, url):
    """Pairs every minted code with a fresh proof in dpop-0.txt ("code proof" a line), for token.lua's
    dpop_exchange mode; returns how many."""
    codes = []
    for name in sorted(os.listdir(folder)):
        if name.startswith("codes-"):
            with open(os.path.join(folder, name)) as lines:
                codes += [line.strip() for line in lines if line.strip()]
            os.remove(os.path.join(folder, name))
    with open(os.path.join(folder, "dpop-0.txt"), "w") as out:
        for code, proof in zip(codes, dpop_proofs(len(codes), url)):
            out.write(f"{code} {proof}\n")
    return len(codes)


def measure(server, folder, mode, connections, seconds, extra=None):
    """One wrk run, with the CPU each successful request cost each process: every tessera node,
    the PostgreSQL cluster, and wrk itself (the load generator shares the machine)."""
    env = {"TESSERA_MODE": mode, "TESSERA_OUT": folder, "TESSERA_BASIC": basic(server.client)}
    env.update(extra or {})
    nodes_before, postgres_before = server.cpu_seconds()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk(server, "token.lua", connections, seconds, env, threads=len(server.ports))
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    nodes_after, postgres_after = server.cpu_seconds()
    ok = result["requests"] - result["non200"] - result["exhausted"]
    result["per_second"] = ok / result["seconds"]
    per_request = lambda seconds: seconds * 1000 / ok if ok > 0 else None  # CPU ms per successful request
    result["tessera_cpu_ms_per_node"] = [per_request(after - before) for before, after in zip(nodes_before, nodes_after)]
    result["tessera_cpu_ms"] = per_request(sum(nodes_after) - sum(nodes_before))
    result["postgres_cpu_ms"] = per_request(postgres_after - postgres_before) if postgres_before is not None else None
    result["wrk_cpu_ms"] = per_request(wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime)
    return result


def scenario(binary, database_kind, database, algorithm, args, limits, nodes=1, postgres=None):
    workdir = tempfile.mkdtemp(prefix="tessera-bench-")
    folder = os.path.join(workdir, "inputs")
    os.mkdir(folder)
    server = Server(binary, database, workdir, algorithm, nodes=nodes, pool_size=args.pool_size, postgres=postgres)
    rows = []
    try:
        session = server.login()
        for audience, signatures in [(None, 1), (AUDIENCE, 2)] if algorithm == "RS256" else [(None, 1)]:
            for connections in sorted({max(connections, nodes) for connections in args.connections}):
                # Minting runs about twice as fast as exchanging: mint just enough, so the database
                # does not fill with codes nobody redeems.
                minted = mint(server, session, folder, args.seconds * 0.8 + 1, audience)
                result = measure(server, folder, "exchange", connections, args.seconds)
                limit = limits[algorithm] / (signatures if algorithm == "RS256" else 1)
                rows.append(dict(database=database_kind, algorithm=algorithm, grant="authorization_code",
                                 access_token="JWT (API audience)" if audience else "opaque", signatures=signatures,
                                 connections=connections, minted=minted, limit=limit, ratio=result["per_second"] / limit, **result))
                print(json.dumps(rows[-1]), file=sys.stderr)
                if audience is None:
                    # The same exchange with a DPoP proof (RFC 9449), next to it: what binding the
                    # token to a key costs — a proof's signature checked and its jti recorded.
                    minted = mint(server, session, folder, args.seconds * 0.8 + 1)
                    proofs = write_dpop_inputs(folder, server.base + "/oauth/token")
                    result = measure(server, folder, "dpop_exchange", connections, args.seconds)
                    rows.append(dict(database=database_kind, algorithm=algorithm, grant="authorization_code + DPoP",
                                     access_token="opaque (DPoP-bound)", signatures=signatures, connections=connections,
                                     minted=minted, proofs=proofs, limit=limit, ratio=result["per_second"] / limit, **result))
                    print(json.dumps(rows[-1]), file=sys.stderr)
        # refresh_token: fresh refresh tokens from real exchanges, one per request.
        mint(server, session, folder, args.seconds * 1.2 + 1)
        measure(server, folder, "exchange", 64, args.seconds * 1.2, {"TESSERA_KEEP": "1"})
        result = measure(server, folder, "refresh", 64, args.seconds)
        rows.append(dict(database=database_kind, algorithm=algorithm, grant="refresh_token", access_token="opaque", signatures=1,
                         connections=64, limit=limits[algorithm], ratio=result["per_second"] / limits[algorithm], **result))
        machine = {"TESSERA_BASIC": basic(server.machine), "TESSERA_AUDIENCE": urllib.parse.quote(AUDIENCE, safe="")}
        result = measure(server, folder, "client_credentials", 64, args.seconds, machine)
        rows.append(dict(database=database_kind, algorithm="RS256", grant="client_credentials", access_token="JWT", signatures=1,
                         connections=64, limit=limits["RS256"], ratio=result["per_second"] / limits["RS256"], **result))
        token = requests.post(server.base + "/oauth/token", auth=(server.client["client_id"], server.client["client_secret"]),
                              data={"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI,
                                    "code": urllib.parse.parse_qs(urllib.parse.urlparse(requests.get(
                                        server.base + "/authorize", params=server.authorize_params(), cookies={"tessera_session": session},
                                        allow_redirects=False).headers["Location"]).query)["code"][0]}).json()["access_token"]
        result = measure(server, folder, "userinfo", 64, args.seconds, {"TESSERA_ACCESS_TOKEN": token})
        rows.append(dict(database=database_kind, algorithm="-", grant="userinfo", access_token="opaque", signatures=0,
                         connections=64, limit=None, ratio=None, **result))
        rss = server.peak_rss_mb()
        ready = {"first_start_s": server.ready_seconds, "restart_s": server.restart_ready_seconds()}
        for row in rows:
            row["peak_rss_mb"] = rss
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows, ready


def table(rows):
    lines = ["| DB | alg | grant | access token | conns | req/s | p50 ms | p90 ms | p99 ms | non-200 | limit/s | ratio | peak RSS MB "
             "| tessera CPU ms/req | postgres CPU ms/req |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    milliseconds = lambda value: f"{value:.3f}" if value is not None else "-"
    for r in rows:
        nodes = r["tessera_cpu_ms_per_node"]
        tessera = milliseconds(r["tessera_cpu_ms"]) + (" (" + " + ".join(milliseconds(n) for n in nodes) + ")" if len(nodes) > 1 else "")
        lines.append("| {database} | {algorithm} | {grant} | {access_token} | {connections} | {rate:,.0f} | {p50:.2f} | {p90:.2f} | {p99:.2f} | {bad} | {limit_text} | {ratio_text} | {rss:.0f} | {tessera} | {postgres} |".format(
            rate=r["per_second"], p50=r["p50_us"] / 1000, p90=r["p90_us"] / 1000, p99=r["p99_us"] / 1000,
            bad=r["non200"] + r["exhausted"] + r["socket_errors"], limit_text=f"{r['limit']:,.0f}" if r["limit"] else "-",
            ratio_text=f"{r['ratio']:.2f}" if r["ratio"] is not None else "-", rss=r["peak_rss_mb"],
            tessera=tessera, postgres=milliseconds(r["postgres_cpu_ms"]), **r))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="seconds per measurement")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16, 64, 256])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres", "postgres-3-nodes"],
                        help="sqlite, postgres (one node), postgres-3-nodes (three tessera serve on one PostgreSQL)")
    parser.add_argument("--algorithms", nargs="+", default=["RS256", "ES256"])
    parser.add_argument("--pool-size", type=int, help="--database-pool-size for every PostgreSQL node (default: tessera's)")
    parser.add_argument("--binary", help="the tessera binary to measure (default: the release build, built first)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "latest.json"))
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        run(["apt-get", "install", "-y", "wrk"])
    if not args.no_build and not args.binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tessera"], cwd=ROOT, check=True)
    binary = os.path.abspath(args.binary) if args.binary else os.path.join(ROOT, ".build", "release", "tessera")
    cores = os.cpu_count()
    limits = {algorithm: signing_rate(algorithm, cores, 5) for algorithm in ["RS256", "ES256"]}
    print(f"signing limit on {cores} cores: " + ", ".join(f"{a} {v:,.0f}/s" for a, v in limits.items()), file=sys.stderr)

    postgres = Postgres() if any(kind.startswith("postgres") for kind in args.databases) else None
    rows, ready = [], {}
    try:
        for database_kind in args.databases:
            for algorithm in args.algorithms:
                nodes = 3 if database_kind == "postgres-3-nodes" else 1
                if database_kind == "sqlite":
                    database = "sqlite://" + os.path.join(tempfile.mkdtemp(prefix="tessera-bench-db-"), "tessera.sqlite")
                else:
                    database = postgres.database()
                scenario_rows, scenario_ready = scenario(binary, database_kind, database, algorithm, args, limits, nodes=nodes,
                                                         postgres=postgres if database_kind != "sqlite" else None)
                rows += scenario_rows
                ready[f"{database_kind}/{algorithm}"] = scenario_ready
    finally:
        if postgres:
            postgres.stop()

    machine = f"{platform.processor() or platform.machine()}, {cores} cores, " + run(["openssl", "version"]).stdout.strip()
    report = {"machine": machine, "signing_limits_per_second": limits, "ready_seconds": ready, "rows": rows,
              "database_pool_size": args.pool_size or "tessera's default (one per core, at least 2)",
              "date": time.strftime("%Y-%m-%d %H:%M")}
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as out:
        json.dump(report, out, indent=2)
    print(f"\nMachine: {machine}")
    print("Signing limit (openssl speed -multi, all cores): " + ", ".join(f"{a} {v:,.0f} signatures/s" for a, v in limits.items()))
    print("Ready to answer (release binary): " + ", ".join(f"{k}: first start {v['first_start_s']:.2f} s, restart {v['restart_s']:.2f} s"
                                                             for k, v in ready.items()))
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
