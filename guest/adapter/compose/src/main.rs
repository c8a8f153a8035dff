//! `pysocket-compose ADAPTER APP OUT`: plugs the adapter component's
//! exports (`pysocket:socket/*`) into APP's matching imports, as `wac plug`
//! does, writes the composition to OUT, and checks that what it still
//! imports is WASI only (`wasi:*`). `make compose` runs it.

use anyhow::{bail, Context, Result};
use wac_graph::types::Package;
use wac_graph::{plug, CompositionGraph, EncodeOptions};

/// The composition of `adapter` plugged into `app`, encoded and validated.
fn compose(adapter: &[u8], app: &[u8]) -> Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let app = Package::from_bytes("app", None, app.to_vec(), graph.types_mut())
        .context("reading the application component")?;
    let app = graph.register_package(app)?;
    let adapter = Package::from_bytes("adapter", None, adapter.to_vec(), graph.types_mut())
        .context("reading the adapter component")?;
    let adapter = graph.register_package(adapter)?;
    plug(&mut graph, vec![adapter], app)
        .context("plugging the adapter in (does the application import pysocket:socket?)")?;
    graph
        .encode(EncodeOptions::default())
        .context("encoding the composition")
}

/// The import names of a component.
fn imports(component: &[u8]) -> Result<Vec<String>> {
    let mut graph = CompositionGraph::new();
    let package = Package::from_bytes("out", None, component.to_vec(), graph.types_mut())?;
    let world = &graph.types()[package.ty()];
    Ok(world.imports.keys().cloned().collect())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [adapter, app, out] = args.as_slice() else {
        bail!("usage: pysocket-compose ADAPTER.wasm APP.wasm OUT.wasm");
    };
    let read = |p: &str| std::fs::read(p).with_context(|| format!("reading {p}"));
    let composed = compose(&read(adapter)?, &read(app)?)?;
    let names = imports(&composed)?;
    let foreign: Vec<&String> = names.iter().filter(|n| !n.starts_with("wasi:")).collect();
    if !foreign.is_empty() {
        bail!("the composition still imports non-WASI interfaces: {foreign:?}");
    }
    std::fs::write(out, &composed).with_context(|| format!("writing {out}"))?;
    println!(
        "{out}: {} bytes; imports: {}",
        composed.len(),
        names.join(", ")
    );
    Ok(())
}
