"""Burns CPU in pure Python until the file argv[1] appears (or 60 s pass).
It looks for the file only once per second of spinning, so between looks
it makes no call that could yield: only the host's epoch-based yielding
lets other guests run meanwhile."""
import os
import sys
import time

flag = sys.argv[1]
start = time.monotonic()
while time.monotonic() - start < 60:
    burst = time.monotonic()
    while time.monotonic() - burst < 1.0:
        pass
    if os.path.exists(flag):
        break
print(f"stopped_by_flag={os.path.exists(flag)}")
