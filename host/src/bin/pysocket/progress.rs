//! The notice that a component is being compiled: the first run compiles
//! the Python component for several seconds, which would otherwise pass in
//! silence. One line on stderr; on a terminal, a line that counts the
//! seconds and ends with the time it took.

use pysocket_host::runtime::CompileProgress;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long compiling the Python component takes on a 2-core machine.
const PYTHON_COMPILE_TIME: &str = "about 10 s";

/// Reports compiles on stderr.
#[derive(Default)]
pub struct CompileNotice {
    /// Set while a terminal line is being updated: its stop signal and thread.
    ticker: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl CompileNotice {
    fn line(component: &Path, cache: &Path) -> String {
        let what = match component.file_name().and_then(|n| n.to_str()) {
            Some("pysocket-python.wasm") => {
                format!("the Python component once ({PYTHON_COMPILE_TIME})")
            }
            _ => format!("{} once", component.display()),
        };
        format!("pysocket: compiling {what}; cached in {}", cache.display())
    }
}

impl CompileProgress for CompileNotice {
    fn started(&mut self, component: &Path, cache: &Path) {
        let line = Self::line(component, cache);
        if !std::io::stderr().is_terminal() {
            eprintln!("{line}");
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut stderr = std::io::stderr();
            loop {
                let _ = write!(stderr, "\r{line} ... {}s", started.elapsed().as_secs());
                let _ = stderr.flush();
                if stopped.recv_timeout(Duration::from_millis(250)).is_ok() {
                    break;
                }
            }
            let _ = writeln!(
                stderr,
                "\r{line} ... done in {:.1}s",
                started.elapsed().as_secs_f64()
            );
        });
        self.ticker = Some((stop, thread));
    }

    fn finished(&mut self) {
        if let Some((stop, thread)) = self.ticker.take() {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}
