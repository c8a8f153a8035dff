"""pysocket's benchmark harness: one Python scenario script, three ways.

    python3 bench/run.py [--quick] [--reps N] [--only NAME,...]

* native:   the machine's python3.
* stock:    the same CPython 3.14 component without pysocket, its built-in
            `_socket` over wasmtime-wasi's `wasi:sockets`
            (build/stock-python.wasm, run with `pysocket python --wasi-sockets`).
* pysocket: pysocket's component, the socket API served by the host.

Each scenario (bench/scenarios/scenarios.py) runs the three ways
interleaved, repetition after repetition, each run against a fresh
bench-peer (bench/peer) on 127.0.0.1. The script times its own work and
prints one JSON line; `coldstart` is timed here, from spawning the process
until the peer reports the first byte. Writes BENCHMARKS.md at the repo
root, bench/results.json (every run) and bench/ratios.png (via
bench/chart.py, with matplotlib from .venv). A failed run is recorded with
its reason, never dropped. Needs `make build`, build/stock-python.wasm and
target/release/bench-peer (`make bench` does all of it).
"""

import argparse
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(ROOT / "bench" / "scenarios"))
import scenarios as sc  # noqa: E402

SCRIPT = "bench/scenarios/scenarios.py"
PYSOCKET = "target/release/pysocket"
PEER = "target/release/bench-peer"
RUN_TIMEOUT = 180  # seconds for one run, start-up included
WAYS = {
    "native": [sys.executable],  # the python3 running this harness
    "stock": [PYSOCKET, "python", "--wasi-sockets", "--python-wasm", "build/stock-python.wasm"],
    "pysocket": [PYSOCKET, "python", "--allow-net", "127.0.0.1", "--allow-bind", "127.0.0.1:*", "--allow-dns"],
}
PAIRS = [("pysocket", "native"), ("pysocket", "stock"), ("stock", "native")]


class Peer:
    """A bench-peer process; its stdout lines are read into a queue."""

    def __init__(self, mode: str, count: int):
        args = [PEER, "--max-secs", str(RUN_TIMEOUT + 60), mode] + ([str(count)] if mode in ("source", "tls-source") else [])
        self.proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(self.next_line(10))
        self.tls_ca = None
        if mode.startswith("tls-"):  # the peer's certificate follows, in PEM
            lines = []
            while not lines or not lines[-1].startswith("-----END"):
                lines.append(self.next_line(10))
            self.tls_ca = "\n".join(lines) + "\n"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next_line(self, timeout: float) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"bench-peer said nothing in {timeout:.0f} s") from None
        if line is None:
            raise RuntimeError(f"bench-peer exited ({self.proc.poll()})")
        return line

    def stop(self) -> None:
        self.proc.stdin.close()  # the peer exits when its stdin closes
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def failure(proc_stderr: str, fallback: str) -> str:
    """A one-line reason: the last stderr line, plus the first different
    `...Error: ...` line before it if any (the root cause of a cascade)."""
    lines = [ln.strip() for ln in proc_stderr.splitlines() if ln.strip()]
    if not lines:
        return fallback
    last = lines[-1]
    first = next((ln for ln in lines if "Error" in ln.split(":")[0] and ln != last), None)
    return f"{last} (after: {first})" if first else last


def run_once(way: str, name: str, quick: bool) -> dict:
    """Runs scenario `name` one way against a fresh peer; returns {"value":
    float} or {"error": str}, plus "wall": the run's seconds, start-up and
    peer included."""
    t0 = time.perf_counter()
    mode = sc.SCENARIOS[name][0]
    peer = None
    try:
        peer = Peer(mode, sc.size(name, quick)) if mode else None
        env = None
        if peer and peer.tls_ca:
            env = dict(os.environ, **{sc.TLS_CA_ENV: peer.tls_ca})
            if way == "pysocket":
                cmd_way = WAYS[way] + ["--env", f"{sc.TLS_CA_ENV}={peer.tls_ca}"]
            else:
                cmd_way = WAYS[way]
        else:
            cmd_way = WAYS[way]
        cmd = cmd_way + [SCRIPT, name, str(peer.port if peer else 0)] + (["--quick"] if quick else [])
        result = cold_start(cmd, peer) if name == "coldstart" else timed_run(cmd, env)
    except (OSError, RuntimeError) as e:
        result = {"error": f"harness: {e}"}
    finally:
        if peer:
            peer.stop()
    result["wall"] = round(time.perf_counter() - t0, 3)
    return result


def timed_run(cmd: list[str], env: dict | None = None) -> dict:
    """Runs a scenario that times itself; its last JSON line has the value."""
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {RUN_TIMEOUT} s"}
    out = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not out:
        return {"error": failure(done.stderr, f"exit status {done.returncode}, no result")}
    result = {"value": json.loads(out[-1])["value"]}
    if done.stderr.strip():
        result["note"] = done.stderr.strip().splitlines()[-1]
    return result


def cold_start(cmd: list[str], peer: Peer) -> dict:
    """Milliseconds from spawning `cmd` until `peer` reports the first byte."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        peer.next_line(60)
        result = {"value": (time.perf_counter() - t0) * 1000}
    except RuntimeError as e:
        result = {"error": str(e)}
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    if proc.returncode != 0:
        result = {"error": failure(err, f"exit status {proc.returncode}")}
    return result


def ways_for(name: str) -> list[str]:
    """The ways a scenario runs: TLS needs `ssl`, which the stock component
    does not have (CPython's `_ssl` is not built for WASI)."""
    return [w for w in WAYS if not (name.startswith("tls-") and w == "stock")]


def summarize(runs: list[dict]) -> dict:
    values = [r["value"] for r in runs if "value" in r]
    errors = [r["error"] for r in runs if "error" in r]
    s = {"runs": len(runs), "failed": len(errors), "error": errors[0] if errors else None}
    if values:
        s.update(median=statistics.median(values), min=min(values), max=max(values))
    return s


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x < 10 else f"{x:.1f}"


def cell(s: dict) -> str:
    if s["runs"] == 0:
        return "n/a (no `ssl`)"
    if "median" not in s:
        return f"failed: {s['error']}"
    text = f"**{fmt(s['median'])}** ({fmt(s['min'])}–{fmt(s['max'])})"
    if s["failed"]:
        text += f"; {s['failed']} of {s['runs']} runs failed: {s['error']}"
    return text


def ratio(a: dict, b: dict) -> str:
    return f"{a['median'] / b['median']:.2f}×" if "median" in a and "median" in b else "–"


def command_output(*cmd: str) -> str:
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return f"unknown ({e})"


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    os_name = platform.platform()
    if Path("/etc/os-release").exists():
        for ln in Path("/etc/os-release").read_text().splitlines():
            if ln.startswith("PRETTY_NAME="):
                os_name = ln.split("=", 1)[1].strip('"')
    return [
        ("CPUs (`nproc`)", command_output("nproc")),
        ("CPU model", cpu),
        ("kernel", platform.release()),
        ("OS", os_name),
        ("native Python", command_output(WAYS["native"][0], "--version")),
        ("guest Python (stock)", command_output(*WAYS["stock"], SCRIPT, "about")),
        ("guest Python (pysocket)", command_output(*WAYS["pysocket"], SCRIPT, "about")),
        ("pysocket", command_output(PYSOCKET, "--version") + ", wasmtime " + wasmtime_version()),
        ("componentize-py", command_output(".venv/bin/componentize-py", "--version")),
        ("rustc", command_output("rustc", "--version")),
    ]


def wasmtime_version() -> str:
    for ln in (ROOT / "Cargo.toml").read_text().splitlines():
        if ln.startswith("wasmtime ="):
            return ln.split('version = "', 1)[1].split('"')[0].lstrip("=")
    return "unknown"


def write_report(results: dict, args, wall: float, chart_note: str) -> None:
    sizes = {n: sc.size(n, args.quick) for n in results}
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python3 bench/run.py" + (" --quick" if args.quick else "") + f" --reps {args.reps}` (what `make bench` runs) "
        f"on {time.strftime('%Y-%m-%d %H:%M %Z')}, in {wall:.0f} s. Medians of {args.reps} runs, (min–max) in brackets.",
        "",
        "* **native**: the machine's CPython, no WebAssembly.",
        "* **stock**: CPython 3.14 as a component (componentize-py) with its built-in `_socket`: "
        "wasi-libc over wasmtime-wasi's `wasi:sockets` (`pysocket python --wasi-sockets --python-wasm build/stock-python.wasm`).",
        "* **pysocket**: the same CPython 3.14 component with pysocket's `_socket`/`select`, served by the host "
        "(`pysocket python --allow-net 127.0.0.1 --allow-bind '127.0.0.1:*' --allow-dns`).",
        "",
        "Ratios divide medians, the first way's by the second's. For a rate (\"better: higher\") a ratio above 1 means "
        "the first way is faster; for a time (\"better: lower\") a ratio below 1 means the first way is faster.",
        "",
        "| scenario | unit | better | native | stock | pysocket | pysocket/native | pysocket/stock | stock/native |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, per_way in results.items():
        _, unit, better, _, _ = sc.SCENARIOS[name]
        s = {w: summarize(runs) for w, runs in per_way.items()}
        row = [name, unit, better] + [cell(s[w]) for w in WAYS] + [ratio(s[a], s[b]) for a, b in PAIRS]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "![speed relative to native](bench/ratios.png)" if not chart_note else f"Chart: {chart_note}", ""]
    lines += [
        "## Method",
        "",
        "* One script, `bench/scenarios/scenarios.py`, runs unchanged all three ways. It times its own work with "
        "`time.perf_counter()` (start-up excluded) and prints one JSON line. Only TCP and UDP over 127.0.0.1 are used, "
        "which the stock path supports too. Every socket has a 30 s timeout (so CPython polls before each blocking call, "
        "the same way in all three) and TCP_NODELAY.",
        "* The other end is `bench-peer` (`bench/peer`, Rust std, thread per connection), started afresh for each run on "
        "127.0.0.1 port 0.",
        "* Runs are interleaved: for each scenario, repetition 1 runs native, stock, pysocket, then repetition 2, and so on, "
        "so slow drifts of the machine hit all three alike. Before measuring, each way runs once unmeasured, which also "
        "fills wasmtime's compile cache: the cold start below is a new process with a cached compiled component.",
        "* Sizes: "
        + "; ".join(f"{n} {sizes[n]:,}" + (" bytes" if n.startswith("bulk") else "") for n in results)
        + f" (asyncio-echo: per connection, {sc.ASYNCIO_CONNS} connections).",
        "* Scenarios: **pingpong** 64-byte send + receive with an echo server; **bulk-send** 64 KiB `sendall`s to a sink, "
        "timed until the sink has acknowledged the byte count; **bulk-recv** `recv_into` a preallocated 64 KiB bytearray "
        "from a source; **connect-close** client-side connect + close against a server that accepts and closes; **udp** "
        "64-byte `sendto` + `recvfrom` against a UDP echo; **getaddrinfo** `getaddrinfo('localhost', port)`; "
        "**socket-create** `socket()` + `close()`; **coldstart** from spawning the process until the peer receives the "
        f"script's first byte (measured by the harness); **asyncio-echo** {sc.ASYNCIO_CONNS} concurrent asyncio streams "
        "doing 64-byte round trips, total messages per second once all are connected; "
        "**tls-handshake** TCP connect + full TLS 1.3 handshake (certificate verified) + close with "
        "`SSLContext.wrap_socket`, against a rustls server (bench-peer, ECDSA P-256 certificate); **tls-bulk-send** / "
        "**tls-bulk-recv** 64 KiB `sendall`s / `recv_into` over TLS 1.3 to / from the same server, handshake excluded. "
        "Native CPython does its TLS with OpenSSL, pysocket with rustls in the host; the stock component has no `ssl`.",
        "* MB = 10^6 bytes.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    failures = [(n, w, r["error"]) for n, per_way in results.items() for w, runs in per_way.items() for r in runs if "error" in r]
    if failures:
        lines += ["", "## Failed runs", ""]
        lines += [f"* {n}, {w}: {e}" for n, w, e in dict.fromkeys(failures)]
    many = ROOT / "bench" / "many-results.md"
    if many.is_file():  # written by bench/many.py, which `make bench` runs first
        lines += ["", many.read_text().rstrip()]
    findings = ROOT / "bench" / "findings.md"
    if findings.is_file():  # hand-written analysis, kept across runs
        lines += ["", findings.read_text().rstrip()]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")


def draw_chart(results: dict) -> str:
    """Draws bench/ratios.png with .venv's matplotlib; returns '' or why not."""
    python = ROOT / ".venv" / "bin" / "python"
    try:
        done = subprocess.run([str(python), "bench/chart.py", "bench/results.json", "bench/ratios.png"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as e:
        return f"not drawn ({e})"
    return "" if done.returncode == 0 else "not drawn: " + failure(done.stderr, f"exit status {done.returncode}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per scenario and way (default 3)")
    ap.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(sc.SCENARIOS)
    unknown = [n for n in names if n not in sc.SCENARIOS]
    if unknown:
        ap.error(f"unknown scenarios {unknown}; known: {', '.join(sc.SCENARIOS)}")
    for path in (PYSOCKET, PEER, "build/stock-python.wasm", "build/pysocket-python.wasm"):
        if not (ROOT / path).exists():
            ap.error(f"{path} is missing: run `make bench`")
    started = time.monotonic()
    for way in WAYS:  # warm-up: also fills wasmtime's compile cache
        r = run_once(way, "socket-create", True)
        print(f"warm-up {way}: {r}", file=sys.stderr)
    results = {n: {w: [] for w in WAYS} for n in names}
    for name in names:
        for rep in range(args.reps):
            for way in ways_for(name):
                r = run_once(way, name, args.quick)
                results[name][way].append(r)
                shown = fmt(r["value"]) + " " + sc.SCENARIOS[name][1] if "value" in r else "FAILED: " + r["error"]
                print(f"[{time.monotonic() - started:6.1f}s] {name} #{rep + 1} {way}: {shown} (run {r['wall']:.1f} s)", file=sys.stderr)
    units = {n: sc.SCENARIOS[n][1:3] for n in names}
    (ROOT / "bench" / "results.json").write_text(json.dumps({"quick": args.quick, "reps": args.reps, "units": units, "results": results}, indent=1) + "\n")
    note = draw_chart(results)
    if note:
        print(f"bench/ratios.png {note}", file=sys.stderr)
    write_report(results, args, time.monotonic() - started, note)
    print(f"wrote BENCHMARKS.md in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
