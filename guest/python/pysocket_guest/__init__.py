"""pysocket's guest side for Python: drop-in ``_socket``, ``select`` and ``_ssl`` modules.

CPython's built-in ``_socket`` and ``select`` are replaced by Python modules
that call the host through the ``pysocket:socket`` WIT imports (see
``wit/*.wit``), so the stdlib's own ``socket.py``, ``selectors``,
``socketserver``, ``http.client``, ``asyncio`` ... run unmodified on top with
CPython-on-Linux behaviour.

Call ``install()`` once, before ``socket``, ``select`` or ``selectors`` is
first imported.
"""

__all__ = ['install']


def install():
    """Put the drop-ins in ``sys.modules['_socket']``, ``['select']`` and ``['_ssl']``.

    Raises RuntimeError if ``socket`` or ``selectors`` was already imported
    with the built-in modules: those would go on using them. Calling it again
    after it succeeded does nothing.
    """
    import sys
    from . import _socket, _ssl, select

    for name, attribute, ours in (('socket', '_socket', _socket),
                                  ('selectors', 'select', select),
                                  ('ssl', '_ssl', _ssl)):
        module = sys.modules.get(name)
        if module is not None and getattr(module, attribute, ours) is not ours:
            raise RuntimeError(
                f"pysocket_guest.install() must run before {name!r} is imported: "
                f"{name!r} already holds the built-in {attribute!r} module")
    sys.modules['_socket'] = _socket
    sys.modules['select'] = select
    sys.modules['_ssl'] = _ssl
    _fit_inheritance()
    if not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


def _fit_inheritance():
    """Make ``socket.socket.get_inheritable``/``set_inheritable`` work.

    ``socket.py`` implements them with ``os.get_inheritable(self.fileno())``,
    but a pysocket descriptor is not a WASI descriptor, so the guest's ``os``
    would look at an unrelated file. A guest cannot exec a child, so the flag
    has no effect; what matters is that it reads back what was set and
    starts False, as CPython's sockets do. It is kept per socket object.
    """
    import errno
    import socket
    import weakref

    flags = weakref.WeakKeyDictionary()

    def check_open(sock):
        if sock.fileno() < 0:
            raise OSError(errno.EBADF, "Bad file descriptor")

    def get_inheritable(self):
        check_open(self)
        return flags.get(self, False)

    def set_inheritable(self, inheritable):
        check_open(self)
        flags[self] = bool(inheritable)

    get_inheritable.__doc__ = socket.socket.get_inheritable.__doc__
    set_inheritable.__doc__ = socket.socket.set_inheritable.__doc__
    socket.socket.get_inheritable = get_inheritable
    socket.socket.set_inheritable = set_inheritable


class _PatchOnImport:
    """Adjusts stdlib modules that would start threads, as they load.

    A wasm guest cannot start threads, so two stdlib services are changed
    when (and only if) they are imported:

    - asyncio's ``loop.getaddrinfo``/``getnameinfo`` hand the call to a
      thread pool, so every lookup of a name (``asyncio.open_connection(
      'localhost', ...)``) would fail. They run inline instead: this guest's
      event loop waits for the lookup, while the host resolves the name off
      its executor, so other guests keep running.
    - ``socketserver.ThreadingMixIn`` (``ThreadingHTTPServer``, which
      ``python -m http.server`` uses) starts a thread per request. When no
      thread can start, each request is served in turn, as the synchronous
      servers do.
    """

    def find_spec(self, name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader_exec = spec.loader.exec_module

        def exec_module(module):
            loader_exec(module)
            patch(module)

        spec.loader.exec_module = exec_module
        return spec


def _patch_lookups(base_events):
    """Makes ``BaseEventLoop.getaddrinfo``/``getnameinfo`` call the resolver
    inline, as the originals do in their executor: the functions are looked
    up in ``asyncio.base_events`` at call time (``socket.getaddrinfo``, or
    ``_getaddrinfo_debug`` in debug mode), so code and tests that patch
    ``asyncio.base_events.socket`` still take effect."""
    loop_class = base_events.BaseEventLoop

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):
        if self._debug:
            lookup = self._getaddrinfo_debug
        else:
            lookup = base_events.socket.getaddrinfo
        return lookup(host, port, family, type, proto, flags)

    async def getnameinfo(self, sockaddr, flags=0):
        return base_events.socket.getnameinfo(sockaddr, flags)

    getaddrinfo.__doc__ = loop_class.getaddrinfo.__doc__
    loop_class.getaddrinfo = getaddrinfo
    loop_class.getnameinfo = getnameinfo


def _threads_can_start():
    """Whether this guest can start a thread (tried once)."""
    global _THREADS
    if _THREADS is None:
        import threading
        try:
            thread = threading.Thread(target=int)
            thread.start()
            thread.join()
            _THREADS = True
        except RuntimeError:
            _THREADS = False
    return _THREADS


_THREADS = None


def _serve_in_turn(socketserver):
    mixin = socketserver.ThreadingMixIn
    in_a_thread = mixin.process_request

    def process_request(self, request, client_address):
        if _threads_can_start():
            return in_a_thread(self, request, client_address)
        # What the thread would have run, here and now.
        self.process_request_thread(request, client_address)

    process_request.__doc__ = in_a_thread.__doc__
    mixin.process_request = process_request


_PATCHES = {
    'asyncio.base_events': _patch_lookups,
    'socketserver': _serve_in_turn,
}
