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

/// Loads the component at `path`, compiling it only if the cache has no
/// artifact for these bytes and this engine. Returns the component and
/// whether it came from the cache.
pub fn load_component(engine: &Engine, path: &Path) -> wasmtime::Result<(Component, bool)> {
    let wasm = std::fs::read(path)
        .map_err(|e| wasmtime::Error::msg(format!("reading {}: {e}", path.display())))?;
    let dir = cache_dir();
    let artifact = dir.join(format!("{}.cwasm", cache_key(engine, &wasm)));
    if artifact.is_file() {
        // SAFETY: the artifact was written by `precompile_component` of an
        // engine with the same compatibility hash (it is in the file name),
        // into a directory only pysocket writes.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, &artifact) } {
            return Ok((component, true));
        }
    }
    let compiled = engine.precompile_component(&wasm)?;
    if std::fs::create_dir_all(&dir).is_ok() {
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            std::process::id(),
            artifact.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        ));
        if std::fs::write(&tmp, &compiled).is_ok() {
            let _ = std::fs::rename(&tmp, &artifact);
        }
        let _ = std::fs::remove_file(&tmp);
    }
    // SAFETY: `compiled` was just produced by this engine.
    let component = unsafe { Component::deserialize(engine, &compiled)? };
    Ok((component, false))
}
