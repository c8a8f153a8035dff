//! From the options every guest shares ([`GuestOptions`]) to the library's
//! [`GuestConfig`] (policy, shared directories, environment, limits).

use crate::cli::GuestOptions;
use crate::failure::Failure;
use pysocket_host::net::HostsTable;
use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::{GuestConfig, SharedDir, DEFAULT_MAX_MEMORY};
use pysocket_host::TrustRoots;
use std::path::Path;
use std::sync::Arc;

/// The guest configuration the options describe.
pub fn guest_config(o: &GuestOptions) -> Result<GuestConfig, Failure> {
    let mut policy = PolicyBuilder::new()
        .allow_dns(o.allow_dns)
        .allow_abstract_unix(o.allow_abstract_unix);
    for rule in &o.allow_net {
        policy = policy.allow_connect(rule.clone());
    }
    for rule in &o.deny_net {
        policy = policy.deny(rule.clone());
    }
    for rule in &o.allow_bind {
        policy = policy.allow_bind(rule.clone());
    }
    for rule in &o.allow_accept {
        policy = policy.allow_accept(rule.clone());
    }
    if let Some(n) = o.max_lookups {
        policy = policy.max_lookups(n);
    }
    if let Some(n) = o.max_backlog {
        policy = policy.max_backlog(n);
    }
    if let Some(kib) = o.max_buffer {
        policy = policy.max_buffer(kib.saturating_mul(1024));
    }
    for dir in &o.allow_unix {
        policy = policy.allow_unix(dir.clone());
    }
    if let Some(n) = o.max_sockets {
        policy = policy.max_sockets(n);
    }
    if let Some(name) = &o.hostname {
        policy = policy.hostname(name.clone());
    }
    if let Some(file) = &o.hosts {
        policy = policy.hosts_table(HostsTable::read(file).map_err(Failure::usage)?);
    }
    let mut trust = TrustRoots::new();
    for file in &o.ca_file {
        trust = trust.ca_file(file.clone());
    }
    if o.no_system_roots {
        trust = trust.without_system_roots();
    }
    if !o.ca_file.is_empty() {
        // A missing or empty CA file is reported now, not in the guest.
        trust.check().map_err(Failure::usage)?;
    }
    let mut config = GuestConfig {
        policy: Arc::new(policy.build()),
        trust_roots: Some(Arc::new(trust)),
        wasi_sockets: o.wasi_sockets,
        max_memory: match o.max_memory {
            Some(0) => None,
            Some(mib) => Some(mib.saturating_mul(1 << 20)),
            None => Some(DEFAULT_MAX_MEMORY),
        },
        timeout: o.timeout,
        ..GuestConfig::default()
    };
    for spec in &o.dir {
        config.dirs.push(shared_dir(spec)?);
    }
    for spec in &o.env {
        if let Some(pair) = env_var(spec)? {
            config.env.push(pair);
        }
    }
    Ok(config)
}

/// `--dir HOST_DIR[::GUEST_DIR]`: the host directory must exist; without
/// GUEST_DIR it appears at its own (absolute, symlink-free) path.
fn shared_dir(spec: &str) -> Result<SharedDir, Failure> {
    let (host, guest) = match spec.split_once("::") {
        Some((h, g)) => (h, Some(g)),
        None => (spec, None),
    };
    let host = Path::new(host).canonicalize().map_err(|e| {
        Failure::usage(format!(
            "--dir {spec}: {host}: {e}",
            e = e.kind().to_string().to_lowercase()
        ))
    })?;
    if !host.is_dir() {
        return Err(Failure::usage(format!("--dir {spec}: not a directory")));
    }
    let guest = match guest {
        Some(g) if g.starts_with('/') => g.trim_end_matches('/').to_owned(),
        Some(g) => {
            return Err(Failure::usage(format!(
                "--dir {spec}: the guest path {g:?} must be absolute"
            )))
        }
        None => host.to_string_lossy().into_owned(),
    };
    let guest = if guest.is_empty() { "/".into() } else { guest };
    Ok(SharedDir {
        host,
        guest,
        writable: true,
    })
}

/// `--env NAME=VALUE`, or `--env NAME` for the host's value (none if the
/// host has no such variable), as wasmtime's `--env` does.
fn env_var(spec: &str) -> Result<Option<(String, String)>, Failure> {
    let (name, value) = match spec.split_once('=') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (spec, None),
    };
    if name.is_empty() {
        return Err(Failure::usage(format!(
            "--env {spec:?}: needs NAME=VALUE or NAME"
        )));
    }
    let value = value.or_else(|| std::env::var(name).ok());
    Ok(value.map(|v| (name.to_owned(), v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_and_inheritance() {
        assert_eq!(env_var("A=b=c").unwrap(), Some(("A".into(), "b=c".into())));
        assert_eq!(env_var("PYSOCKET_SURELY_UNSET_VARIABLE").unwrap(), None);
        let path = std::env::var("PATH").unwrap();
        assert_eq!(env_var("PATH").unwrap(), Some(("PATH".into(), path)));
        assert!(env_var("=x").is_err());
    }

    #[test]
    fn dirs_default_to_their_host_path() {
        let tmp = std::env::temp_dir().canonicalize().unwrap();
        let d = shared_dir(&tmp.to_string_lossy()).unwrap();
        assert_eq!(d.guest, tmp.to_string_lossy());
        let d = shared_dir(&format!("{}::/shared/", tmp.display())).unwrap();
        assert_eq!(d.guest, "/shared");
        assert!(shared_dir("/no/such/pysocket/dir").is_err());
        assert!(shared_dir(&format!("{}::relative", tmp.display())).is_err());
    }
}
