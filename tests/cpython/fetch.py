#!/usr/bin/env python3
"""Fetches CPython 3.14's own test package (``Lib/test``) for the guest.

The guest interpreter is CPython 3.14 (componentize-py's build), which ships
no ``test`` package. Debian packages CPython's tests as
``libpython3.14-testsuite`` (the test modules) and ``libpython3.14-stdlib``
(``test/__init__.py``, ``test/support``, ``test/libregrtest``). This script
downloads both with apt from a private sources list (nothing on the system
changes: no sources.list entry, no installed package), checked the way apt
checks every download (the Release file's signature against Debian's archive
keyring, each .deb against the signed index's hashes), and unpacks only
``usr/lib/python3.14/test/`` into ``DEST/test``.

Usage: ``fetch.py DEST`` (writes ``DEST/test/`` and ``DEST/VERSION``).

The version is pinned (``PINNED``) so that the reviewed lists in this
directory match the tests that run. Debian keeps only the newest version of
a suite, so if the pinned one has gone from every suite searched, the newest
3.14 found is taken instead and a warning says so: update ``PINNED`` and
review the lists then.
"""

import os
import shutil
import subprocess
import sys
import tempfile

PINNED = "3.14.10-1"
PACKAGES = ("libpython3.14-testsuite", "libpython3.14-stdlib")
SUITES = ("unstable", "testing")
MIRROR = "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
TEST_DIR = "usr/lib/python3.14/test"


def apt(state, *args, cwd=None):
    """Runs apt-get/apt-cache on the private state directory ``state``."""
    options = [
        "-o", f"Dir::Etc::SourceList={state}/sources.list",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", f"Dir::State::Lists={state}/lists",
        "-o", f"Dir::Cache={state}/cache",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
    ]
    return subprocess.run([args[0], *options, *args[1:]], check=True,
                          capture_output=True, text=True, cwd=cwd).stdout


def versions(state, package):
    """The versions of ``package`` the private index offers, newest first."""
    out = apt(state, "apt-cache", "madison", package)
    return [line.split("|")[1].strip() for line in out.splitlines() if "|" in line]


def main(dest):
    if not os.path.exists(KEYRING):
        sys.exit(f"fetch.py: {KEYRING} is missing (apt-get install debian-archive-keyring)")
    with tempfile.TemporaryDirectory(prefix="pysocket-cpython-tests-") as state:
        os.makedirs(f"{state}/lists/partial")
        os.makedirs(f"{state}/cache/archives/partial")
        with open(f"{state}/sources.list", "w") as f:
            for suite in SUITES:
                f.write(f"deb [signed-by={KEYRING}] {MIRROR} {suite} main\n")
        apt(state, "apt-get", "update")
        offered = versions(state, PACKAGES[0])
        if not offered:
            sys.exit("fetch.py: no Debian suite offers libpython3.14-testsuite")
        version = PINNED if PINNED in offered else offered[0]
        if version != PINNED:
            print(f"fetch.py: warning: {PINNED} is no longer in Debian; using {version} "
                  "(update PINNED in tests/cpython/fetch.py and review the lists)",
                  file=sys.stderr)
        download = os.path.join(state, "download")
        os.makedirs(download)
        apt(state, "apt-get", "download", *(f"{p}={version}" for p in PACKAGES), cwd=download)
        unpacked = os.path.join(state, "root")
        for deb in sorted(os.listdir(download)):
            subprocess.run(["dpkg-deb", "-x", os.path.join(download, deb), unpacked], check=True)
        shutil.rmtree(os.path.join(dest, "test"), ignore_errors=True)
        os.makedirs(dest, exist_ok=True)
        shutil.copytree(os.path.join(unpacked, TEST_DIR), os.path.join(dest, "test"))
        with open(os.path.join(dest, "VERSION"), "w") as f:
            f.write(version + "\n")
    print(f"fetch.py: CPython test package {version} in {dest}/test")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
