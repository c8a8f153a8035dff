//! Where pysocket finds what it did not get on the command line: the
//! source tree's `build/` (the Python component and the stdlib) and `.venv`
//! (a Python with pip), located from the binary's own path.

use std::path::PathBuf;

/// The source tree the binary was built in (`target/release/pysocket` is
/// three levels below it), if the binary is still there.
fn source_tree() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let root = exe.ancestors().nth(3)?.to_path_buf();
    root.join("Cargo.toml").is_file().then_some(root)
}

/// `build/NAME` of the source tree (or of the working directory when the
/// binary is not in one).
pub fn build_file(name: &str) -> PathBuf {
    source_tree().unwrap_or_default().join("build").join(name)
}

/// The Python that runs pip for `pysocket pip`: `$PYSOCKET_PIP_PYTHON`,
/// else the source tree's `.venv/bin/python` (made by `make setup`), else
/// `python3` from PATH.
pub fn pip_python() -> PathBuf {
    if let Some(python) = std::env::var_os("PYSOCKET_PIP_PYTHON") {
        return PathBuf::from(python);
    }
    source_tree()
        .map(|root| root.join(".venv/bin/python"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("python3"))
}
