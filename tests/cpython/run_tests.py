"""Runs CPython's own test modules inside a pysocket guest.

This script runs IN the guest (``pysocket python``), with CPython's ``test``
package (fetched by ``fetch.py``) mounted read-only at ``--tests DIR`` and a
writable, empty working directory as the current directory. It runs each
named module with unittest and prints, per module and in total, how many
tests passed, failed and were skipped. Its exit status is 0 only if no test
failed or errored except those the reviewed list (``skips.txt``) names.

    run_tests.py --tests /cpython-tests --list skips.txt [--verbose]
                 [--check-list] MODULE...

MODULE is a name under ``test``: ``test_socket``, ``test_asyncio.test_streams``.

What the runner sets up, as CPython's own test runner (regrtest) would for
a platform it knows:

* ``test.support.has_socket_support = True``. CPython's WASI build turns
  every socket test off (``is_wasi`` implies no sockets: the stock
  ``wasi:sockets`` cannot carry the API); under pysocket the guest has the
  full socket API, which is what these tests are here to check.
* ``test.support.use_resources = []``: resource-gated tests (``network``,
  ``cpu``, ``urlfetch``...) are skipped, as in a default regrtest run. None
  may reach the internet.
* Two gates that test for WASI where they mean "the stock ``wasi:sockets``
  lacks this socket feature" are opened, since pysocket has the feature:
  ``test_selectors`` skips itself on WASI for want of ``socketpair()``, and
  ``test_socket.test_socket_methods`` for want of ``_accept``, ``bind`` and
  the like (``support.is_wasi`` reads False while those modules load), and
  ``socket_helper.has_gethostname`` is True.
* Classes skipped as "Linux specific" that test what pysocket provides on
  every host (``OPENED_GATES``) run: the guest's ``sys.platform`` is
  ``wasi``, but its socket API is Linux's (abstract AF_UNIX names, for
  one).
* ``test_socketserver`` asks for the ``network`` resource for the whole
  module although it serves and connects on loopback only: it gets it.
* ``sysconfig``'s ``CONFIG_ARGS`` has an unbalanced quote in componentize-py's
  build, which ``test.support.check_sanitizer`` feeds to ``shlex.split``;
  the runner closes the quote.

A test that fails is run once more on its own, as regrtest's ``--rerun``
does; one that passes then counts as passed and is named in a
``PASSED ON RERUN`` line (CPython's tests that pick a free port and bind it
later race other processes on a busy machine).

The reviewed list (``skips.txt``) names tests the runner does not run, each
under a section that says why (a WASI guest has no threads, no fork, no
signals...). ``--check-list`` runs the listed tests too and reports any
that pass (the list must shrink when the guest gains the ability).
"""

import argparse
import fnmatch
import importlib
import os
import sys
import sysconfig
import time
import traceback
import unittest


# Modules whose WASI checks are about the stock socket support (see above).
SOCKET_GATED_ON_WASI = {"test_selectors", "test_socket"}
# Classes that skip themselves off Linux, for what pysocket gives on Linux.
OPENED_GATES = {
    "test_socket.TestLinuxAbstractNamespace": "abstract AF_UNIX names (--allow-abstract-unix)",
}
# Resources a module may use although a default run has none.
MODULE_RESOURCES = {"test_socketserver": ["network"]}


def parse_list(path):
    """``skips.txt`` as [(pattern, reason)], in file order.

    Format: a ``[tag]`` line opens a section (the comment lines below it
    say why); every other non-blank, non-``#`` line is an fnmatch pattern of
    test ids without the leading ``test.``
    (``test_socket.GeneralModuleTests.test_x``,
    ``test_socketserver.SocketServerTest.*``), skipped for that section's
    reason, or ``subclass:MODULE.CLASS``: every test of a class deriving
    from that class (``subclass:test_socket.ThreadableTest``).
    """
    rules = []
    reason = None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                reason = line
                continue
            if reason is None:
                raise SystemExit(f"{path}:{number}: pattern before any [reason] section")
            rules.append((line, reason))
    return rules


def prepare_support(tests_dir):
    """Imports ``test.support`` from ``tests_dir`` and sets it up (see the module doc)."""
    sys.path.insert(0, tests_dir)
    config = sysconfig.get_config_vars()
    args = config.get("CONFIG_ARGS") or ""
    for quote in ("'", '"'):
        if args.count(quote) % 2:
            config["CONFIG_ARGS"] = args + quote
            args = config["CONFIG_ARGS"]
    from test import support
    support.has_socket_support = True
    support.use_resources = []
    support.verbose = 0
    support.failfast = False
    from test.support import socket_helper
    socket_helper.has_gethostname = True
    return support


def iter_tests(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from iter_tests(item)
        else:
            yield item


def short_id(test):
    test_id = test.id()
    return test_id[5:] if test_id.startswith("test.") else test_id


def listed_reason(test, rules):
    """The reason the reviewed list gives for not running ``test``, or None."""
    test_id = short_id(test)
    for pattern, reason in rules:
        if pattern.startswith("subclass:"):
            module_name, _, class_name = pattern[len("subclass:"):].rpartition(".")
            module = sys.modules.get(f"test.{module_name}")
            if module is None:
                continue  # not run now, so none of its tests is here
            base = getattr(module, class_name, None)
            if base is None:
                raise SystemExit(f"reviewed list: test.{module_name} has no class {class_name}")
            if isinstance(test, base):
                return reason
        elif fnmatch.fnmatchcase(test_id, pattern):
            return reason
    return None


class Counts:
    """What happened to the tests of one module (or of all)."""

    def __init__(self):
        self.passed = self.failed = self.skipped = self.listed = 0
        self.listed_passing = []
        self.passed_on_rerun = []
        self.by_reason = {}  # reviewed-list tag -> tests not run for it

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.listed += other.listed
        self.listed_passing += other.listed_passing
        self.passed_on_rerun += other.passed_on_rerun
        for reason, count in other.by_reason.items():
            self.by_reason[reason] = self.by_reason.get(reason, 0) + count

    def line(self):
        return (f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped "
                f"(of which {self.listed} on the reviewed list)")


class Result(unittest.TestResult):
    """Counts outcomes and prints each failure as it happens."""

    def __init__(self, counts, verbose, listed):
        super().__init__()
        self.counts = counts
        self.verbose = verbose
        self.listed = listed  # {test id: reason} of listed tests run by --check-list
        self.started = 0.0
        self.failures_of = {}  # unlisted test -> how many failures it counted

    def startTest(self, test):
        super().startTest(test)
        self.started = time.monotonic()
        if self.verbose:
            print(f"  {short_id(test)} ...", end=" ", flush=True)

    def _done(self, test, word):
        if self.verbose:
            print(f"{word} ({time.monotonic() - self.started:.2f}s)", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._pass(test)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._pass(test)

    def _pass(self, test):
        test_id = short_id(test)
        if test_id in self.listed:
            self.counts.listed += 1
            self.counts.skipped += 1
            self.counts.listed_passing.append(test_id)
            self._done(test, "passes, but is listed")
        else:
            self.counts.passed += 1
            self._done(test, "ok")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.counts.skipped += 1
        self._done(test, f"skipped: {reason}")

    def _fail(self, test, err, word, shown=None):
        test_id = short_id(test)
        shown = test_id if shown is None else short_id(shown)
        if test_id in self.listed:
            self.counts.listed += 1
            self.counts.skipped += 1
            self._done(test, f"{word} (listed)")
            return
        self.counts.failed += 1
        self.failures_of[test] = self.failures_of.get(test, 0) + 1
        self._done(test, word)
        text = "".join(traceback.format_exception(*err))
        print(f"{word}: {shown}\n" + "".join(f"    {line}\n" for line in text.splitlines()),
              flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, "ERROR")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._fail(test, (AssertionError, AssertionError("unexpected success"), None),
                   "UNEXPECTED SUCCESS")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            word = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            self._fail(test, err, word, shown=subtest)


def import_module(support, name):
    """Imports ``test.NAME`` with the gates and resources it gets (see the module doc)."""
    is_wasi = support.is_wasi
    support.use_resources = list(MODULE_RESOURCES.get(name, []))
    if name in SOCKET_GATED_ON_WASI:
        support.is_wasi = False
    try:
        module = importlib.import_module(f"test.{name}")
    finally:
        support.is_wasi = is_wasi
    for gate in OPENED_GATES:
        module_name, _, class_name = gate.rpartition(".")
        if module_name == name:
            getattr(module, class_name).__unittest_skip__ = False
    return module


def rerun_failures(result, counts, verbose):
    """Runs each failed test once more on its own, as regrtest's ``--rerun``
    does: one that passes then counts as passed and is reported by name.
    Some of CPython's tests race other processes for a port
    (``find_unused_port`` closes the port before the test binds it), which
    a busy machine can lose."""
    for test, failures in list(result.failures_of.items()):
        again = Result(Counts(), verbose, {})
        unittest.TestSuite([test]).run(again)  # with its class fixtures
        if again.counts.failed == 0 and again.counts.passed == 1:
            counts.failed -= failures
            counts.passed += 1
            counts.passed_on_rerun.append(short_id(test))
            print(f"PASSED ON RERUN: {short_id(test)}", flush=True)


def run_module(support, name, rules, verbose, check_list, match):
    counts = Counts()
    try:
        module = import_module(support, name)
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    except unittest.SkipTest as e:
        print(f"{name}: skipped as a whole: {e}", flush=True)
        return counts
    tests = list(iter_tests(suite))
    to_run = unittest.TestSuite()
    listed = {}
    listed_tests = []
    for test in tests:
        test_id = short_id(test)
        if match and not any(fnmatch.fnmatchcase(test_id, p) for p in match):
            continue
        reason = listed_reason(test, rules)
        if reason is None:
            to_run.addTest(test)
        elif check_list:
            listed[test_id] = reason
            listed_tests.append(test)
        else:
            counts.listed += 1
            counts.skipped += 1
            counts.by_reason[reason] = counts.by_reason.get(reason, 0) + 1
    # Listed tests run last, so that what they leave behind when they fail
    # (sockets of a half-set-up test, collected later) cannot disturb others.
    to_run.addTests(listed_tests)
    result = Result(counts, verbose, listed)
    unittest.registerResult(result)
    to_run.run(result)
    rerun_failures(result, counts, verbose)
    for loader_error in getattr(unittest.defaultTestLoader, "errors", [])[:]:
        counts.failed += 1
        print(f"LOAD ERROR in {name}:\n{loader_error}", flush=True)
    unittest.defaultTestLoader.errors.clear()
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", required=True, help="directory holding the test package")
    parser.add_argument("--list", required=True, help="the reviewed list (skips.txt)")
    parser.add_argument("--workdir", help="change to this (writable) directory first")
    parser.add_argument("--verbose", action="store_true", help="print every test")
    parser.add_argument("--match", action="append", default=[], metavar="PATTERN",
                        help="run only tests whose id (without 'test.') matches "
                             "this fnmatch pattern (repeatable)")
    parser.add_argument("--check-list", action="store_true",
                        help="also run listed tests and report those that pass")
    parser.add_argument("modules", nargs="+")
    options = parser.parse_args()

    rules = parse_list(options.list)
    if options.workdir:
        os.chdir(options.workdir)
    support = prepare_support(options.tests)
    total = Counts()
    started = time.monotonic()
    for name in options.modules:
        module_started = time.monotonic()
        counts = run_module(support, name, rules, options.verbose, options.check_list,
                            options.match)
        total.add(counts)
        print(f"MODULE {name}: {counts.line()} in {time.monotonic() - module_started:.1f}s",
              flush=True)
    for test_id in total.listed_passing:
        print(f"LISTED BUT PASSES: {test_id}", flush=True)
    for reason, count in sorted(total.by_reason.items(), key=lambda item: -item[1]):
        print(f"NOT RUN {reason}: {count}", flush=True)
    print(f"TOTAL: {total.line()} in {time.monotonic() - started:.1f}s", flush=True)
    print(f"passed={total.passed}")
    print(f"failed={total.failed}")
    print(f"skipped={total.skipped}")
    print(f"listed_passing={len(total.listed_passing)}")
    print(f"passed_on_rerun={len(total.passed_on_rerun)}")
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main())
