"""Unpacks the CPython standard library that componentize-py embeds.

componentize-py carries the stdlib of its wasm CPython as a zstd-compressed
tar inside its native library and mounts it at /python while it builds a
component. Only modules imported at build time end up in the component's
snapshot; `pysocket python` mounts this same tree read-only at /python at
run time, so every other stdlib module can still be imported lazily.

Usage: extract_stdlib.py OUT_DIR
"""

import io
import pathlib
import sys
import tarfile

import componentize_py
import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def decompress_frame(data: bytes, limit: int | None = None) -> bytes:
    """Decompresses the zstd frame at the start of `data` (up to `limit` bytes out)."""
    obj = zstandard.ZstdDecompressor().decompressobj()
    out = bytearray()
    chunk = 1 << 20
    for offset in range(0, len(data), chunk):
        out += obj.decompress(data[offset : offset + chunk])
        if obj.eof or (limit is not None and len(out) >= limit):
            break
    return bytes(out)


def embedded_archives(blob: bytes):
    """Yields every zstd frame in `blob` that decompresses to a tar archive."""
    start = 0
    while (pos := blob.find(ZSTD_MAGIC, start)) >= 0:
        start = pos + 1
        try:
            head = decompress_frame(blob[pos : pos + (1 << 16)], limit=512)
        except zstandard.ZstdError:
            continue
        if len(head) >= 512 and head[257:262] == b"ustar":
            yield decompress_frame(blob[pos:])


def main() -> int:
    out = pathlib.Path(sys.argv[1])
    lib = next(pathlib.Path(componentize_py.__file__).parent.glob("componentize_py*.so"))
    blob = lib.read_bytes()
    for archive in embedded_archives(blob):
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            names = tar.getnames()
            if not any(n.endswith("socket.py") for n in names):
                continue
            out.mkdir(parents=True, exist_ok=True)
            tar.extractall(out, filter="data")
            print(f"extracted {len(names)} stdlib entries to {out}")
            return 0
    print("no embedded stdlib archive found in", lib, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
