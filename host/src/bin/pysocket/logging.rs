//! Host diagnostics through `tracing`, on stderr: `--log LEVEL` (pysocket's
//! own messages at LEVEL, everything else at warn) or a full filter
//! (`--log pysocket_host=debug,wasmtime=info`), else `$RUST_LOG`, else warn.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; a bad filter is a usage error. `log_net`
/// (`--log-net`) adds the policy decisions (target `pysocket_net`).
pub fn init(log: Option<&str>, log_net: bool) -> Result<(), String> {
    let filter = match log {
        Some(spec) if spec.contains('=') || spec.contains(',') => EnvFilter::try_new(spec),
        Some(level) => EnvFilter::try_new(format!("warn,pysocket={level},pysocket_host={level}")),
        None => EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new("warn")),
    }
    .map_err(|e| format!("--log {}: {e}", log.unwrap_or_default()))?;
    let filter = if log_net {
        filter.add_directive(
            "pysocket_net=info"
                .parse()
                .map_err(|e| format!("--log-net: {e}"))?,
        )
    } else {
        filter
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .init();
    Ok(())
}
