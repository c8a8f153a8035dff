"""Writes a minimal wheel (run by the host's python3 in the tests, so that
no network is needed): make_wheel.py OUT_DIR NAME VERSION TAG.
The package `NAME` has `VALUE = 42`; TAG is the wheel's tag, e.g.
py3-none-any (pure Python) or cp314-cp314-manylinux_2_17_x86_64 (native)."""
import base64
import hashlib
import pathlib
import sys
import zipfile


def main() -> None:
    out, name, version, tag = sys.argv[1:5]
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "VALUE = 42\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: pysocket-tests\n"
            f"Root-Is-Purelib: {str(tag.endswith('-none-any')).lower()}\nTag: {tag}\n"
        ),
    }
    record = []
    path = pathlib.Path(out) / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for member, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{member},sha256={digest.decode()},{len(data)}")
            whl.writestr(member, data)
        record.append(f"{dist}/RECORD,,")
        whl.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
    print(path)


if __name__ == "__main__":
    main()
