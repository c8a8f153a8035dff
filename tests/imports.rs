//! Import paths: `PYTHONPATH` (given with `--env`, or passed on from the
//! host with `--env PYTHONPATH`), `--path DIR`, and packages installed with
//! `pysocket pip install [--target DIR]` from wheels built here (no
//! network: pip reads a local directory with `--no-index --find-links`).

use pysocket_tests::{output_with_input, pysocket_command, repo_root, TempDir};
use std::path::Path;
use std::process::{Command, Output};

fn pysocket_in(cwd: &Path, args: &[&str]) -> Output {
    let mut command: Command = pysocket_command();
    command.current_dir(cwd).args(args);
    output_with_input(command, "")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// A directory holding module `name` with `VALUE = value`.
fn module_dir(parent: &Path, dir: &str, name: &str, value: &str) -> String {
    let path = parent.join(dir);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(
        path.join(format!("{name}.py")),
        format!("VALUE = {value:?}\n"),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

const SHOW: &str = "import sys, ppmod; print(ppmod.VALUE); print(sys.path[1])";

#[test]
fn pythonpath_from_env_is_honoured_after_path0() {
    let work = TempDir::new("pythonpath");
    let lib = module_dir(work.path(), "lib", "ppmod", "from PYTHONPATH");
    let elsewhere = TempDir::new("pythonpath-cwd");
    let env = format!("PYTHONPATH={lib}");
    let out = ok(pysocket_in(
        elsewhere.path(),
        &["python", "--env", &env, "-c", SHOW],
    ));
    assert_eq!(out, format!("from PYTHONPATH\n{lib}\n"));
    // A relative entry is taken against the working directory (and made
    // absolute, as CPython does).
    let out = ok(pysocket_in(
        work.path(),
        &["python", "--env", "PYTHONPATH=lib", "-c", SHOW],
    ));
    assert_eq!(out, format!("from PYTHONPATH\n{lib}\n"));
    // -E (and -I) ignore it.
    let out = pysocket_in(
        elsewhere.path(),
        &["python", "--env", &env, "-E", "-c", SHOW],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ModuleNotFoundError"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pythonpath_can_be_passed_on_from_the_host() {
    let work = TempDir::new("pythonpath-inherit");
    let lib = module_dir(work.path(), "lib", "ppmod", "inherited");
    let mut command = pysocket_command();
    command
        .current_dir(work.path())
        .env("PYTHONPATH", &lib)
        .args(["python", "--env", "PYTHONPATH", "-c", SHOW]);
    assert_eq!(
        ok(output_with_input(command, "")),
        format!("inherited\n{lib}\n")
    );
    // Without --env the guest does not see the host's variables.
    let mut command = pysocket_command();
    command
        .current_dir(work.path())
        .env("PYTHONPATH", &lib)
        .args([
            "python",
            "-c",
            "import os; print(os.environ.get('PYTHONPATH'))",
        ]);
    assert_eq!(ok(output_with_input(command, "")), "None\n");
}

#[test]
fn path_dirs_are_read_only_and_follow_pythonpath() {
    let work = TempDir::new("path-flag");
    let first = module_dir(work.path(), "first", "ppmod", "first");
    let second = module_dir(work.path(), "second", "othermod", "second");
    let env = format!("PYTHONPATH={first}");
    let code = "import sys, ppmod, othermod; print(sys.path[1:3]); print(othermod.VALUE)\n\
                try:\n    open(othermod.__file__, 'a')\nexcept OSError as e:\n    print(type(e).__name__)";
    let out = ok(pysocket_in(
        work.path(),
        &["python", "--env", &env, "--path", &second, "-c", code],
    ));
    assert_eq!(
        out,
        format!("['{first}', '{second}']\nsecond\nPermissionError\n")
    );
    let out = pysocket_in(work.path(), &["python", "--path", "missing", "-c", "pass"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("pysocket: --path directory"),
        "{}",
        stderr(&out)
    );
}

/// Builds a wheel with the host's python3 (tests/python/make_wheel.py).
fn make_wheel(dir: &Path, name: &str, tag: &str) {
    let status = Command::new("python3")
        .arg(repo_root().join("tests/python/make_wheel.py"))
        .arg(dir)
        .args([name, "1.0", tag])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running python3");
    assert!(status.success(), "making the {name} wheel");
}

fn pip_install(work: &Path, wheels: &Path, target: &str, package: &str) -> Output {
    let links = wheels.to_string_lossy();
    pysocket_in(
        work,
        &[
            "pip",
            "install",
            "--target",
            target,
            "--no-index",
            "--find-links",
            &links,
            package,
        ],
    )
}

/// The README's two commands: install a pure-Python package, then use it.
#[test]
fn a_pure_python_wheel_installs_and_imports_in_a_guest() {
    let work = TempDir::new("pip-pure");
    let wheels = work.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    make_wheel(&wheels, "tinypkg", "py3-none-any");
    let out = pip_install(work.path(), &wheels, "pkgs", "tinypkg");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(work.path().join("pkgs/tinypkg/__init__.py").is_file());
    let out = ok(pysocket_in(
        work.path(),
        &[
            "python",
            "--path",
            "pkgs",
            "-c",
            "import tinypkg; print(tinypkg.VALUE, tinypkg.__file__)",
        ],
    ));
    let pkgs = work.path().join("pkgs/tinypkg/__init__.py");
    assert_eq!(out, format!("42 {}\n", pkgs.display()));
}

#[test]
fn a_package_with_only_native_wheels_fails_saying_so() {
    let work = TempDir::new("pip-native");
    let wheels = work.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    make_wheel(&wheels, "nativepkg", "cp314-cp314-manylinux_2_17_x86_64");
    let out = pip_install(work.path(), &wheels, "pkgs", "nativepkg");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "pysocket: nativepkg cannot run in a guest: it has only wheels with native code"
        ),
        "{err}"
    );
    assert!(
        err.contains("nativepkg-1.0-cp314-cp314-manylinux_2_17_x86_64.whl"),
        "{err}"
    );
    assert!(!work.path().join("pkgs/nativepkg").exists());
}

/// Without --target, packages go to the project's __pypackages__/3.14/lib,
/// which `pysocket python` finds by itself: in the working directory for
/// -c, next to the script for a script run from elsewhere; not with -I.
#[test]
fn project_packages_are_found_without_being_named() {
    let work = TempDir::new("pip-project");
    let wheels = work.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    make_wheel(&wheels, "tinypkg", "py3-none-any");
    let links = wheels.to_string_lossy();
    let out = pysocket_in(
        work.path(),
        &[
            "pip",
            "install",
            "--no-index",
            "--find-links",
            &links,
            "tinypkg",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("installing into ./__pypackages__/3.14/lib"));
    let installed = work
        .path()
        .join("__pypackages__/3.14/lib/tinypkg/__init__.py");
    assert!(installed.is_file());
    let show = "import tinypkg; print(tinypkg.VALUE)";
    assert_eq!(
        ok(pysocket_in(work.path(), &["python", "-c", show])),
        "42\n"
    );
    std::fs::write(work.path().join("app.py"), show).unwrap();
    let elsewhere = TempDir::new("pip-project-cwd");
    let app = work.path().join("app.py");
    let out = ok(pysocket_in(
        elsewhere.path(),
        &["python", &app.to_string_lossy()],
    ));
    assert_eq!(out, "42\n");
    let out = pysocket_in(work.path(), &["python", "-I", "-c", show]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ModuleNotFoundError"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pip_refuses_what_it_cannot_do_for_a_guest() {
    let work = TempDir::new("pip-usage");
    let out = pysocket_in(work.path(), &["pip", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("pysocket: pip list: only"),
        "{}",
        stderr(&out)
    );
    let out = pysocket_in(
        work.path(),
        &["pip", "install", "--target", "d", "--platform", "x", "p"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("sets it itself"), "{}", stderr(&out));
}
