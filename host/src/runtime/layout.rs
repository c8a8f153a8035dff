//! What a Python guest sees of the host's file system: which directories
//! are shared with it besides the ones the user named, its working
//! directory, and the guest paths of the script and the import paths.
//!
//! The rules (the CLI's `--help` states them too):
//! - The directory python3 would put first on `sys.path` is shared
//!   read-only, so that the program can import what sits next to it: the
//!   script's directory for `SCRIPT.py`, the working directory for `-c`,
//!   `-m`, `-` and the console. `--path` directories and the directories
//!   named in the guest's `PYTHONPATH` are shared read-only too.
//! - A directory already visible (inside a `--dir` share, or another
//!   automatic share) is not shared again: the user's share, possibly
//!   writable, stands.
//! - Automatic shares appear in the guest at their host path (symlinks
//!   resolved), so paths printed in the guest mean the same on the host.
//! - The guest's working directory is the host's, at its guest path, when
//!   it is visible; otherwise (a script run from a directory that is not
//!   shared) the script's directory.
//! - A project's own packages, `__pypackages__/3.14/lib` (PEP 582's
//!   layout) in the script's directory (or the working directory for the
//!   other forms), are found without being named: shared read-only and put
//!   on `sys.path` after the `--path` directories, as site-packages would
//!   be. `pysocket pip install` without `--target` installs there.
//!
//! Nothing here touches WASI: the plan is plain data, tested without wasm.

use super::guest::SharedDir;
use std::path::{Component, Path, PathBuf};

/// Where a project keeps the packages its guests import (relative to the
/// script's directory, or the working directory), after PEP 582.
pub const PROJECT_PACKAGES: &str = "__pypackages__/3.14/lib";

/// What runs in `__main__`, as far as the file system is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A script file (host path, relative to the host's working directory
    /// unless absolute).
    Script(&'a Path),
    /// `-c`, `-m`, `-` or the console: `sys.path[0]` is the working directory.
    WorkingDirectory,
}

/// The inputs of [`plan`].
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The user's shares (`--dir`), host paths canonical.
    pub shared: &'a [SharedDir],
    /// The host's working directory (canonical).
    pub host_cwd: &'a Path,
    /// What runs; its directory is shared even with `-I`/`-P` (which keep
    /// it off `sys.path`): the guest must read the script, and its working
    /// directory must exist.
    pub entry: Entry<'a>,
    /// `--path` directories (host paths).
    pub import_paths: &'a [PathBuf],
    /// The guest's `PYTHONPATH` when the guest will honour it (not with
    /// `-E` or `-I`).
    pub pythonpath: Option<&'a str>,
    /// Whether to look for [`PROJECT_PACKAGES`] (not with `-I`).
    pub project_packages: bool,
}

/// What [`plan`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Read-only shares to add to the user's, each at its host path.
    pub shares: Vec<SharedDir>,
    /// The guest's working directory.
    pub cwd: String,
    /// The script as the guest names it (`sys.argv[0]`): as given when the
    /// guest's working directory is the host's, else its guest path.
    pub script: Option<String>,
    /// The guest paths of the `--path` directories, in order, then of the
    /// project's packages if there are any.
    pub import_paths: Vec<String>,
}

/// Why a plan cannot be made: a path that does not exist on the host.
#[derive(Debug)]
pub struct LayoutError(pub String);

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LayoutError {}

fn canonical(path: &Path, what: &str) -> Result<PathBuf, LayoutError> {
    path.canonicalize()
        .map_err(|e| LayoutError(format!("{what} {}: {e}", path.display())))
}

/// The guest path at which `host` is visible through `shares`, if any:
/// the share with the longest host prefix wins, as in wasi-libc's choice
/// among preopened directories.
pub fn guest_path(shares: &[SharedDir], host: &Path) -> Option<String> {
    shares
        .iter()
        .filter_map(|share| {
            host.strip_prefix(&share.host)
                .ok()
                .map(|rest| (share.host.components().count(), share, rest))
        })
        .max_by_key(|(depth, _, _)| *depth)
        .map(|(_, share, rest)| join_guest(&share.guest, rest))
}

fn join_guest(base: &str, rest: &Path) -> String {
    let mut path = PathBuf::from(base);
    path.push(rest);
    let text = path.to_string_lossy().into_owned();
    match text.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
        _ => text,
    }
}

/// Whether a guest path lies in one of the shares' guest directories.
fn guest_visible(shares: &[SharedDir], guest: &Path) -> bool {
    shares
        .iter()
        .any(|share| guest.starts_with(Path::new(&share.guest)))
}

/// `path` with `.` and `..` folded (no file system access).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Decides the shares, working directory and guest paths for one guest.
pub fn plan(request: &Request<'_>) -> Result<Layout, LayoutError> {
    let mut all: Vec<SharedDir> = request.shared.to_vec();
    let mut added = Vec::new();
    // Shares `host` at `guest` (its own path unless given) unless visible.
    let mut share = |host: PathBuf, guest: Option<String>, all: &mut Vec<SharedDir>| -> String {
        if let Some(guest) = guest_path(all, &host) {
            return guest;
        }
        let guest = guest.unwrap_or_else(|| host.to_string_lossy().into_owned());
        let dir = SharedDir {
            host,
            guest: guest.clone(),
            writable: false,
        };
        all.push(dir.clone());
        added.push(dir);
        guest
    };

    let script_host = match request.entry {
        Entry::Script(script) => Some(canonical(&request.host_cwd.join(script), "script")?),
        Entry::WorkingDirectory => None,
    };
    let script_dir = script_host
        .as_deref()
        .map(|s| s.parent().unwrap_or(Path::new("/")).to_path_buf());
    let entry_dir = script_dir
        .clone()
        .unwrap_or_else(|| request.host_cwd.to_path_buf());
    share(entry_dir.clone(), None, &mut all);

    let cwd_visible = guest_path(&all, request.host_cwd);
    let cwd = match (&cwd_visible, &script_dir) {
        (Some(guest), _) => guest.clone(),
        (None, Some(dir)) => guest_path(&all, dir).unwrap_or_else(|| "/".into()),
        (None, None) => "/".into(),
    };
    let cwd_host = match (&cwd_visible, &script_dir) {
        (None, Some(dir)) => dir.clone(),
        _ => request.host_cwd.to_path_buf(),
    };

    let mut import_paths = Vec::new();
    for dir in request.import_paths {
        let host = canonical(&request.host_cwd.join(dir), "--path directory")?;
        if !host.is_dir() {
            return Err(LayoutError(format!(
                "--path {}: not a directory",
                dir.display()
            )));
        }
        import_paths.push(share(host, None, &mut all));
    }

    let packages = entry_dir.join(PROJECT_PACKAGES);
    if request.project_packages && packages.is_dir() {
        if let Ok(host) = packages.canonicalize() {
            import_paths.push(share(host, None, &mut all));
        }
    }

    // PYTHONPATH names guest directories; one that is not visible in the
    // guest but exists on the host (relative entries taken against the
    // working directory, as the guest will) is shared at the same path.
    for entry in request.pythonpath.unwrap_or("").split(':') {
        if entry.is_empty() {
            continue;
        }
        let guest = normalize(&Path::new(&cwd).join(entry));
        if guest_visible(&all, &guest) {
            continue;
        }
        let host = normalize(&cwd_host.join(entry));
        if let Ok(host) = host.canonicalize() {
            if host.is_dir() {
                share(host, Some(guest.to_string_lossy().into_owned()), &mut all);
            }
        }
    }

    let script = match (&script_host, request.entry) {
        (Some(host), Entry::Script(given)) => {
            Some(if cwd_visible.is_some() && given.is_relative() {
                given.to_string_lossy().into_owned()
            } else {
                guest_path(&all, host).unwrap_or_else(|| host.to_string_lossy().into_owned())
            })
        }
        _ => None,
    };
    Ok(Layout {
        shares: added,
        cwd,
        script,
        import_paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory of this test process, canonical.
    fn tmp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pysocket-layout-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    fn request<'a>(cwd: &'a Path, shared: &'a [SharedDir], entry: Entry<'a>) -> Request<'a> {
        Request {
            shared,
            host_cwd: cwd,
            entry,
            import_paths: &[],
            pythonpath: None,
            project_packages: true,
        }
    }

    #[test]
    fn the_working_directory_is_shared_read_only_for_command_forms() {
        let cwd = tmp("cmd");
        let layout = plan(&request(&cwd, &[], Entry::WorkingDirectory)).unwrap();
        assert_eq!(layout.cwd, cwd.to_string_lossy());
        assert_eq!(layout.shares.len(), 1);
        assert_eq!(layout.shares[0].host, cwd);
        assert!(!layout.shares[0].writable);
    }

    #[test]
    fn a_dir_share_covering_the_working_directory_stands_and_maps_it() {
        let cwd = tmp("mapped");
        std::fs::create_dir_all(cwd.join("sub")).unwrap();
        let shared = [SharedDir {
            host: cwd.clone(),
            guest: "/work".into(),
            writable: true,
        }];
        let sub = cwd.join("sub");
        let layout = plan(&request(&sub, &shared, Entry::WorkingDirectory)).unwrap();
        assert!(layout.shares.is_empty(), "{layout:?}");
        assert_eq!(layout.cwd, "/work/sub");
    }

    #[test]
    fn a_script_elsewhere_gets_its_directory_as_working_directory() {
        let cwd = tmp("elsewhere-cwd");
        let dir = tmp("elsewhere-script");
        std::fs::write(dir.join("s.py"), "").unwrap();
        let script = dir.join("s.py");
        let layout = plan(&request(&cwd, &[], Entry::Script(&script))).unwrap();
        assert_eq!(layout.cwd, dir.to_string_lossy());
        assert_eq!(layout.script.as_deref(), Some(&*script.to_string_lossy()));
        assert_eq!(layout.shares.len(), 1);
    }

    #[test]
    fn a_relative_script_keeps_its_name_when_the_cwd_is_visible() {
        let cwd = tmp("relative");
        std::fs::write(cwd.join("s.py"), "").unwrap();
        let layout = plan(&request(&cwd, &[], Entry::Script(Path::new("s.py")))).unwrap();
        assert_eq!(layout.script.as_deref(), Some("s.py"));
        assert_eq!(layout.cwd, cwd.to_string_lossy());
    }

    #[test]
    fn pythonpath_directories_are_shared_unless_visible() {
        let cwd = tmp("pp");
        let lib = tmp("pp-lib");
        let text = format!("{}:/nonexistent-pysocket-dir", lib.display());
        let mut req = request(&cwd, &[], Entry::WorkingDirectory);
        req.pythonpath = Some(&text);
        let layout = plan(&req).unwrap();
        let hosts: Vec<_> = layout.shares.iter().map(|s| s.host.clone()).collect();
        assert_eq!(hosts, vec![cwd.clone(), lib.clone()]);
        // A guest path made visible by --dir is not looked up on the host.
        let shared = [SharedDir {
            host: lib.clone(),
            guest: "/lib".into(),
            writable: false,
        }];
        let mut req = request(&cwd, &shared, Entry::WorkingDirectory);
        req.pythonpath = Some("/lib");
        let layout = plan(&req).unwrap();
        assert_eq!(layout.shares.len(), 1, "{layout:?}");
    }

    #[test]
    fn a_projects_packages_are_found_next_to_the_script() {
        let dir = tmp("project");
        let packages = dir.join(PROJECT_PACKAGES);
        std::fs::create_dir_all(&packages).unwrap();
        std::fs::write(dir.join("s.py"), "").unwrap();
        let script = dir.join("s.py");
        let elsewhere = tmp("project-cwd");
        let mut req = request(&elsewhere, &[], Entry::Script(&script));
        let layout = plan(&req).unwrap();
        // The script's directory share covers them: only the path is added.
        assert_eq!(
            layout.import_paths,
            vec![packages.to_string_lossy().into_owned()]
        );
        req.project_packages = false;
        assert!(plan(&req).unwrap().import_paths.is_empty());
    }

    #[test]
    fn import_paths_are_shared_and_named_by_their_guest_path() {
        let cwd = tmp("ip");
        let lib = tmp("ip-lib");
        let mut req = request(&cwd, &[], Entry::WorkingDirectory);
        let dirs = [lib.clone()];
        req.import_paths = &dirs;
        let layout = plan(&req).unwrap();
        assert_eq!(
            layout.import_paths,
            vec![lib.to_string_lossy().into_owned()]
        );
        let missing = [cwd.join("missing")];
        req.import_paths = &missing;
        assert!(plan(&req).unwrap_err().0.contains("--path directory"));
    }
}
