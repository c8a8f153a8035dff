"""Exits the way argv says: 'code N', 'raise', or normally."""
import sys

if sys.argv[1:2] == ["code"]:
    sys.exit(int(sys.argv[2]))
if sys.argv[1:2] == ["raise"]:
    raise RuntimeError("boom from the guest")
import helper_module  # next to the script

print(f"argv={sys.argv[1:]}")
print(f"helper={helper_module.VALUE}")
import json, csv  # lazily imported from the mounted stdlib
print(f"lazy_import={json.dumps([1])}")
