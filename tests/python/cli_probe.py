"""Reports what python3's command line set up, as KEY=value lines:
sys.argv, sys.path[0], the __main__ module's attributes, the working
directory. Run as a script, with -m, or imported from -c/stdin code (it
inspects sys.modules['__main__'], not itself)."""
import os
import sys

main = sys.modules["__main__"]
spec = getattr(main, "__spec__", None)
print(f"argv={sys.argv!r}")
print(f"path0={sys.path[0]!r}")
print(f"main_name={main.__name__}")
print(f"main_file={getattr(main, '__file__', '<unset>')}")
print(f"main_loader={type(main.__loader__).__name__ if not isinstance(main.__loader__, type) else main.__loader__.__name__}")
print(f"main_spec={spec.name if spec else None}")
print(f"cwd={os.getcwd()}")
os.chdir(os.getcwd())
print("chdir_cwd=ok")
