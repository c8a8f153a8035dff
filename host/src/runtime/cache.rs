//! On-disk cache of compiled components.
//!
//! Compiling the 18 MB Python component takes seconds; a cached artifact
//! loads in milliseconds. The key is the SHA-256 of the component bytes and
//! the engine's compatibility hash (wasmtime version and settings), so a
//! changed component or engine never loads stale code.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Where compiled components are kept: `$PYSOCKET_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/pysocket`, else `~/.cache/pysocket`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PYSOCKET_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("pysocket");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("pysocket")
}

/// Feeds `Hash` output into SHA-256.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.update(wasm);
    hasher
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Told when a component has to be compiled (seconds, against milliseconds
/// for a cached one), so a command line can say so.
pub trait CompileProgress {
    /// Compiling `component` starts; the result will be cached in `cache`.
    fn started(&mut self, component: &Path, cache: &Path);
    /// The compile has ended (successfully or not).
    fn finished(&mut self);
}

/// No report.
impl CompileProgress for () {
    fn started(&mut self, _component: &Path, _cache: &Path) {}
    fn finished(&mut self) {}
}

/// Loads the component at `path`, compiling it only if the cache has no
/// artifact for these bytes and this engine. Returns the component and
/// whether it came from the cache.
pub fn load_component(engine: &Engine, path: &Path) -> wasmtime::Result<(Component, bool)> {
    load_component_with(engine, path, &mut ())
}

/// [`load_component`], telling `progress` when a compile starts and ends.
pub fn load_component_with(
    engine: &Engine,
    path: &Path,
    progress: &mut dyn CompileProgress,
) -> wasmtime::Result<(Component, bool)> {
    let wasm = std::fs::read(path)
        .map_err(|e| wasmtime::Error::msg(format!("reading {}: {e}", path.display())))?;
    let dir = cache_dir();
    let artifact = dir.join(format!("{}.cwasm", cache_key(engine, &wasm)));
    if artifact.is_file() {
        // SAFETY: the artifact was written by `precompile_component` of an
        // engine with the same compatibility hash (it is in the file name),
        // into a directory only pysocket writes.
        match unsafe { Component::deserialize_file(engine, &artifact) } {
            Ok(component) => {
                tracing::debug!(artifact = %artifact.display(), "compiled component from the cache");
                return Ok((component, true));
            }
            Err(e) => tracing::warn!(
                artifact = %artifact.display(),
                "unusable cache entry, compiling again: {e:#}"
            ),
        }
    }
    progress.started(path, &dir);
    let started = std::time::Instant::now();
    let compiled = engine.precompile_component(&wasm);
    progress.finished();
    let compiled = compiled?;
    tracing::debug!(component = %path.display(), seconds = started.elapsed().as_secs_f64(), "compiled");
    if std::fs::create_dir_all(&dir).is_ok() {
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            std::process::id(),
            artifact.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        ));
        match std::fs::write(&tmp, &compiled) {
            Ok(()) => {
                let _ = std::fs::rename(&tmp, &artifact);
            }
            Err(e) => {
                tracing::warn!(cache = %dir.display(), "cannot cache the compiled component: {e}")
            }
        }
        let _ = std::fs::remove_file(&tmp);
    }
    // SAFETY: `compiled` was just produced by this engine.
    let component = unsafe { Component::deserialize(engine, &compiled)? };
    Ok((component, false))
}
