#!/usr/bin/env python3
"""`make conformance`: runs conformance.py under native CPython and under
`pysocket python`, and prints the per-check table and the totals.

Exit status 1 if a check differs that known_differences.txt does not list.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "conformance.py"


def parse(stdout):
    out = {}
    for line in stdout.splitlines():
        if line.startswith("PASS "):
            out[line[5:].strip()] = (True, "")
        elif line.startswith("FAIL "):
            cid, _, why = line[5:].partition(":")
            out[cid.strip()] = (False, why.strip())
    return out


def known():
    table = {}
    for line in (HERE / "known_differences.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            cid, _, why = line.partition(" ")
            table[cid] = why.strip()
    return table


def main():
    native = parse(subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=300).stdout)
    with tempfile.TemporaryDirectory(prefix="pysocket-conf-") as tmp:
        cmd = [
            str(ROOT / "target/release/pysocket"), "python",
            "--allow-net", "127.0.0.0/8", "--allow-net", "[::1]", "--allow-net", "localhost",
            "--allow-bind", "127.0.0.1:*", "--allow-bind", "[::1]:*",
            "--allow-bind", "0.0.0.0:*", "--allow-bind", "[::]:*", "--allow-dns",
            "--allow-unix", f"{tmp}::/tmp", "--allow-abstract-unix",
            "--dir", f"{tmp}::/tmp", "--env", "PYSOCKET_CONFORMANCE_TMP=/tmp",
            str(SCRIPT),
        ]
        guest = parse(subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout)
    expected = known()
    unexpected = 0
    print(f"{'check':<44} {'native':<7} {'pysocket':<9} note")
    for cid in sorted(native):
        n_ok = native[cid][0]
        g_ok, why = guest.get(cid, (False, "did not run"))
        note = ""
        if n_ok != g_ok:
            if cid in expected:
                note = "known: " + expected[cid]
            else:
                note = "UNEXPECTED: " + why
                unexpected += 1
        print(f"{cid:<44} {'pass' if n_ok else 'FAIL':<7} {'pass' if g_ok else 'FAIL':<9} {note}")
    n_pass = sum(ok for ok, _ in native.values())
    g_pass = sum(ok for ok, _ in guest.values())
    print(f"\nnative CPython {sys.version.split()[0]}: {n_pass}/{len(native)} passed")
    print(f"pysocket (CPython 3.14 in wasm): {g_pass}/{len(native)} passed; {unexpected} unexpected differences")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
