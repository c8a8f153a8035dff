"""Port handoff between two guests of one host, through a shared directory."""
import os
import time


def publish(shared, port):
    tmp = os.path.join(shared, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(shared, "port"))


def wait_for_port(shared, bound=60.0):
    path = os.path.join(shared, "port")
    deadline = time.monotonic() + bound
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError("the server guest never published its port")
        time.sleep(0.005)
    with open(path) as f:
        return int(f.read())
