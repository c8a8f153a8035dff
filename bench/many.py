"""Many guests per host: the figures of issue 14, for `make bench`.

    python3 bench/many.py [--quick] [--out bench/many-results.md]

* warm start: a new Python guest in a running host (`pysocket python
  --instances N --timings -c pass`, one worker): store set-up +
  instantiation, median, both allocators; the guest's own run of `pass`
  (its prelude until `__main__` has run, and the teardown) beside it.
* cold start: a new `pysocket python` process until a native listener gets
  the guest's first byte, with the host's own breakdown (--timings).
* memory per blocked guest: N guests each blocked in recv() on a native
  peer; the process's RSS for N1 and N2 guests, per-guest = the slope.
* concurrent blocked guests: the most of 1,000 / 2,000 / 5,000 that all
  got connected and blocked in one host.
* serve: connections/s (connect, 64-byte echo, close; a fresh guest each)
  of `pysocket serve` with bench/many_echo.py, and of native CPython's
  socketserver ForkingTCPServer and ThreadingTCPServer with the same echo,
  measured in the same run by the same client.

Writes the table to --out (included in BENCHMARKS.md by bench/run.py).
Everything is on 127.0.0.1.
"""

import argparse
import os
import re
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYSOCKET = str(ROOT / "target/release/pysocket")
ECHO = str(ROOT / "bench/many_echo.py")
BLOCKED = str(ROOT / "tests/python/many_blocked.py")
NATIVE_SERVER = str(ROOT / "bench/many_native_server.py")
BOUND = 300  # seconds any one step may take


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def warm_start(allocator: str, n: int) -> dict:
    """A new guest in a running host, one at a time: `pysocket serve` of
    the echo, n sequential connections. The host logs each guest's store
    set-up, instantiation and whole life (--log debug); the client times
    connect until the echo of its 64 bytes is back (the guest started, ran
    its prelude and its script up to the echo)."""
    cmd = [PYSOCKET, "serve", "--log", "pysocket::serve_cmd=debug", "--workers", "1", "--allocator", allocator,
           "--listen", "127.0.0.1:0", ECHO]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        port = int(proc.stderr.readline().strip().rsplit(":", 1)[1])
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
        latencies = []
        for _ in range(n):
            t0 = time.perf_counter()
            with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                s.sendall(b"x" * 64)
                got = b""
                while len(got) < 64:
                    got += s.recv(64)
            latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        proc.send_signal(2)
        proc.wait(timeout=60)
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    rows = [dict(re.findall(r"(\w+_us)=(\d+)", ansi.sub("", ln))) for ln in lines if "guest ended" in ln]
    rows = rows[n // 10:]  # the first ones warm the pool's slots up
    if not rows:
        return {"error": "no guest timings in the log"}
    med = lambda k: statistics.median(int(r[k]) for r in rows) / 1000  # noqa: E731
    return {"store": med("store_us"), "instantiate": med("instantiate_us"), "start": med("store_us") + med("instantiate_us"),
            "life": med("total_us"), "echo": statistics.median(latencies[n // 10:])}


def cold_start(reps: int) -> dict:
    """Process spawn until the first byte arrives, and the host's breakdown."""
    times, ready = [], []
    for _ in range(reps):
        lst = socket.create_server(("127.0.0.1", 0))
        port = lst.getsockname()[1]
        code = f"import socket; socket.create_connection(('127.0.0.1', {port})).sendall(b'x')"
        t0 = time.perf_counter()
        proc = subprocess.Popen([PYSOCKET, "python", "--allow-net", f"127.0.0.1:{port}", "--timings", "-c", code],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lst.settimeout(60)
        conn, _ = lst.accept()
        conn.settimeout(60)
        conn.recv(1)
        times.append((time.perf_counter() - t0) * 1000)
        _, err = proc.communicate(timeout=60)
        m = re.search(r"component ready in ([\d.]+)s", err)
        if m:
            ready.append(float(m.group(1)) * 1000)
        conn.close()
        lst.close()
    return {"first_byte": statistics.median(times), "component_ready": statistics.median(ready) if ready else None}


def memory_kib(pid: int) -> dict:
    """The process's VmRSS and RssAnon (/proc/PID/status) and Pss
    (smaps_rollup), in KiB. VmRSS counts a file page once per mapping of
    it: every guest maps the compiled memory image from the page cache, so
    VmRSS counts those shared pages once per guest; Pss and RssAnon do not."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "RssAnon:")):
            out[line.split(":")[0]] = int(line.split()[1])
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            out["Pss"] = int(line.split()[1])
    return out


def blocked_guests(n: int, allocator: str = "pooling") -> dict:
    """Runs n guests blocked in recv(); returns the host's RSS when all are
    blocked, or the error that stopped it."""
    lst = socket.create_server(("127.0.0.1", 0), backlog=4096)
    port = lst.getsockname()[1]
    proc = subprocess.Popen([PYSOCKET, "python", "--allocator", allocator, "--instances", str(n), "--allow-net", f"127.0.0.1:{port}", BLOCKED, str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err_lines: list[str] = []
    threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True).start()
    sel = selectors.DefaultSelector()
    sel.register(lst, selectors.EVENT_READ)
    conns, ready = [], 0
    deadline = time.monotonic() + BOUND
    t0 = time.monotonic()
    while ready < n and time.monotonic() < deadline and proc.poll() is None:
        for key, _ in sel.select(timeout=1):
            if key.fileobj is lst:
                c, _ = lst.accept()
                conns.append(c)
                sel.register(c, selectors.EVENT_READ)
            else:
                if key.fileobj.recv(1) == b"r":
                    ready += 1
                sel.unregister(key.fileobj)
    took = time.monotonic() - t0
    result = {"n": n, "ready": ready, "seconds": took}
    if ready == n:
        time.sleep(0.5)  # let the host settle before reading its RSS (a figure, not a sync)
        result["mem"] = memory_kib(proc.pid)
    for c in conns:
        try:
            c.sendall(b"go")
        except OSError:
            pass
    try:
        status = proc.wait(timeout=BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
    for c in conns:
        c.close()
    lst.close()
    result["status"] = status
    if status != 0 or ready < n:
        tail = [ln.strip() for ln in err_lines if ln.strip()]
        result["error"] = tail[-1] if tail else f"status {status}, {ready} of {n} ready"
    return result


#: What a blocked guest costs (Pss, measured above), for the memory check
#: before a larger step.
PSS_PER_GUEST_MIB = 2.2


def mem_available_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1048576
    return 0.0


def client_load(port: int, total: int, threads: int) -> float:
    """Connections per second: each does connect, 64-byte echo, close."""
    per = total // threads
    errors = []

    def work():
        msg = b"x" * 64
        try:
            for _ in range(per):
                with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                    s.sendall(msg)
                    got = b""
                    while len(got) < 64:
                        chunk = s.recv(64 - len(got))
                        if not chunk:
                            raise OSError("closed early")
                        got += chunk
        except OSError as e:
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"{len(errors)} client threads failed: {errors[0]}")
    return per * threads / took


def serve_rate(cmd: list[str], total: int, threads: int) -> float:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if cmd[0] == PYSOCKET else proc.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        client_load(port, min(200, total), threads)  # warm-up
        return client_load(port, total, threads)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench/many-results.md"))
    ap.add_argument("--only", default="", help="comma-separated: warm,cold,memory,max,serve")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(","))) or {"warm", "cold", "memory", "max", "serve"}
    raise_fd_limit()
    rows = []
    notes = []
    load = os.getloadavg()[0]
    if "warm" in only:
        n = 100 if args.quick else 400
        for alloc in ("pooling", "on-demand"):
            w = warm_start(alloc, n)
            print(f"warm start ({alloc}): {w}", file=sys.stderr)
            if "error" in w:
                rows.append((f"warm start, {alloc}", "ms", "≤ 1", f"failed: {w['error']}", ""))
                continue
            target = "≤ 1" if alloc == "pooling" else ""
            verdict = ("met" if w["start"] <= 1 else "not met") if target else "for comparison"
            rows.append((f"warm instantiate, {alloc}: a new guest in a running host (store + instantiate; median of {n} sequential)", "ms", target,
                         f"**{w['start']:.3f}** (store {w['store']:.3f}, instantiate {w['instantiate']:.3f})", verdict))
            rows.append((f"… and until its script runs: connect → echo back, seen by the client ({alloc})", "ms", "",
                         f"**{w['echo']:.2f}** (the guest's whole life in the host: {w['life']:.2f})", ""))
    if "cold" in only:
        c = cold_start(3 if args.quick else 7)
        print(f"cold start: {c}", file=sys.stderr)
        ready = f"; component loaded from the compile cache and linked after {c['component_ready']:.1f}" if c["component_ready"] else ""
        rows.append(("cold start: new process to the first byte sent", "ms", "", f"**{c['first_byte']:.1f}**{ready}", ""))
    if "memory" in only:
        n1, n2 = (50, 200) if args.quick else (200, 1000)
        a, b = blocked_guests(n1), blocked_guests(n2)
        print(f"blocked {n1}: {a}\nblocked {n2}: {b}", file=sys.stderr)
        if "mem" in a and "mem" in b:
            per = {k: (b["mem"][k] - a["mem"][k]) / (n2 - n1) / 1024 for k in ("Pss", "RssAnon", "VmRSS")}
            rows.append((f"memory per blocked guest (slope {n1} → {n2} guests): Pss", "MiB", "≤ 3",
                         f"**{per['Pss']:.2f}** (RssAnon {per['RssAnon']:.2f}; VmRSS {per['VmRSS']:.2f}, which counts the shared "
                         f"memory image once per guest; host Pss {a['mem']['Pss'] / 1024:,.0f} MiB with {n1}, {b['mem']['Pss'] / 1024:,.0f} MiB with {n2})",
                         "met" if per["Pss"] <= 3 else "not met"))
        else:
            rows.append(("memory per blocked guest", "MiB", "≤ 3", f"failed: {a.get('error') or b.get('error')}", ""))
    if "max" in only:
        best, failed = 0, None
        for n in ([500, 1000] if args.quick else [1000, 2000, 5000]):
            need, have = n * PSS_PER_GUEST_MIB * 2 / 1024, mem_available_gib()
            if need > have:
                # Other builds share the machine: do not push it into the OOM killer.
                failed = f"{n}: not attempted, needs ~{need:.1f} GiB, {have:.1f} GiB were available"
                break
            r = blocked_guests(n)
            print(f"blocked {n}: {r}", file=sys.stderr)
            if r["ready"] < n:
                failed = f"{n}: {r.get('error')}"
                break
            best = n
            secs, pss = r["seconds"], r.get("mem", {}).get("Pss", 0)
            if r.get("error"):
                # All were blocked at once (what this row counts); the run
                # then did not end cleanly: say how, and go no further.
                notes.append(f"{n:,} blocked guests: all connected and blocked, then the host ended with {r['error']}")
                break
        text = f"**{best:,}**" + (f" (all started and blocked in {secs:.1f} s; host Pss {pss / 1024:,.0f} MiB)" if best else "")
        if failed:
            text += f"; next step failed at {failed}"
        rows.append(("concurrent blocked guests in one host", "guests", "5,000", text, "met" if best >= 5000 else "not met"))
    if "serve" in only:
        total, threads = (500, 4) if args.quick else (3000, 8)
        rates = {}
        for name, cmd in (
            ("pysocket serve", [PYSOCKET, "serve", "--listen", "127.0.0.1:0", ECHO]),
            ("native ForkingTCPServer", [sys.executable, NATIVE_SERVER, "forking"]),
            ("native ThreadingTCPServer", [sys.executable, NATIVE_SERVER, "threading"]),
        ):
            try:
                rates[name] = serve_rate(cmd, total, threads)
            except (OSError, RuntimeError, ValueError, IndexError) as e:
                rates[name] = None
                notes.append(f"{name}: {e}")
            print(f"{name}: {rates[name]}", file=sys.stderr)
        for name, rate in rates.items():
            target = "≥ 2,000" if name.startswith("pysocket") else ""
            verdict = ("met" if rate and rate >= 2000 else "not met") if target else "for comparison"
            rows.append((f"{name}: echo connections/s ({total:,} by {threads} client threads)", "conn/s", target, f"**{fmt(rate)}**" if rate else "failed", verdict))
    lines = [
        "## Many guests per host (issue 14; `bench/many.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on this 2-core machine **while it was shared with other "
        f"builds** (load average {load:.1f} at the start), so the figures are pessimistic. Allocator: pooling "
        "(see `bench/findings.md`, \"Many guests\").",
        "",
        "| what | unit | target | measured | |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if notes:
        lines += [""] + [f"* {n}" for n in notes]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
