//! The wasmtime engine every guest shares, and the ticker that makes running
//! guests take turns.
//!
//! Two choices here decide how many guests a host holds and how fast a new
//! one starts ([`EngineOptions`]): the switch interval (how often a running
//! guest yields, CPython's `sys.getswitchinterval()`) and where guests'
//! memories, tables and fiber stacks come from ([`Allocator`]). The figures
//! behind the defaults are in `bench/findings.md` ("Many guests").

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often a running guest yields to others by default: CPython's
/// default `sys.getswitchinterval()`.
pub const YIELD_INTERVAL: Duration = Duration::from_millis(5);

/// Where guests' linear memories, tables and async fiber stacks come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocator {
    /// mmap'ed for each instance and unmapped when it ends (wasmtime's
    /// default). Memory images are still mapped copy-on-write.
    OnDemand,
    /// Preallocated slots for this many concurrent guests, reused from one
    /// guest to the next: a warm slot keeps its copy-on-write memory image
    /// mapped, so a new instance only resets the pages the last one dirtied.
    /// More concurrent guests than slots fail to instantiate.
    Pooling { guests: u32 },
}

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The epoch tick: a running guest yields at every tick.
    pub switch_interval: Duration,
    pub allocator: Allocator,
    /// The size of each guest's async fiber stack (host calls and the
    /// wasm code's native frames run on it); only touched pages are
    /// resident.
    pub async_stack_size: usize,
    /// With pooling: how much of each linear memory is reset in place (the
    /// dirtied pages copied back from the image) instead of being handed
    /// back to the kernel, so the next guest in the slot takes no page
    /// faults there.
    pub keep_resident: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            switch_interval: YIELD_INTERVAL,
            allocator: Allocator::OnDemand,
            async_stack_size: DEFAULT_ASYNC_STACK,
            keep_resident: KEEP_RESIDENT,
        }
    }
}

/// How much of a pooled memory slot is reset in place: more than a short
/// guest dirties (a few MiB), so a reused slot takes no page faults.
const KEEP_RESIDENT: usize = 32 << 20;

/// wasmtime's default async stack size (2 MiB): host calls such as a TLS
/// handshake run on it, so it is kept.
const DEFAULT_ASYNC_STACK: usize = 2 << 20;

/// Per guest, the most core instances, memories and tables a pooled
/// component may use. pysocket's Python component (componentize-py's
/// dynamically linked CPython) needs about a dozen core instances, one
/// memory per shared-everything group and a few tables.
const CORE_INSTANCES_PER_GUEST: u32 = 40;
const MEMORIES_PER_GUEST: u32 = 2;
const TABLES_PER_GUEST: u32 = 4;
/// Elements per pooled table (CPython's indirect function table has some
/// 10,000 entries).
const TABLE_ELEMENTS: usize = 64 << 10;

/// An engine with the default options.
pub fn new_engine() -> wasmtime::Result<Engine> {
    new_engine_with(&EngineOptions::default())
}

/// An engine for pysocket guests: component model, epoch interruption (so
/// CPU-bound guests yield every tick), optimised code, and the allocator
/// of `options`.
pub fn new_engine_with(options: &EngineOptions) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config.async_stack_size(options.async_stack_size);
    if let Allocator::Pooling { guests } = options.allocator {
        let guests = guests.max(1);
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(guests)
            .total_core_instances(guests.saturating_mul(CORE_INSTANCES_PER_GUEST))
            .total_memories(guests.saturating_mul(MEMORIES_PER_GUEST))
            .total_tables(guests.saturating_mul(TABLES_PER_GUEST))
            .total_stacks(guests)
            .max_memories_per_module(MEMORIES_PER_GUEST)
            .max_tables_per_module(TABLES_PER_GUEST)
            .table_elements(TABLE_ELEMENTS)
            .max_component_instance_size(4 << 20)
            .max_unused_warm_slots(guests)
            .linear_memory_keep_resident(options.keep_resident);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&config)
}

/// A thread that advances the engine's epoch every switch interval; stops
/// when dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Ticks every [`YIELD_INTERVAL`].
    pub fn start(engine: &Engine) -> EpochTicker {
        EpochTicker::every(engine, YIELD_INTERVAL)
    }

    /// Ticks every `interval` (at least 1 µs).
    pub fn every(engine: &Engine, interval: Duration) -> EpochTicker {
        let interval = interval.max(Duration::from_micros(1));
        let stop = Arc::new(AtomicBool::new(false));
        let engine = engine.clone();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("pysocket-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(interval);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
