#![forbid(unsafe_code)]
//! `informix-testserver`: serves SQLI on loopback until SIGTERM/SIGINT.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use informix_testserver::wire::{Options, Server, USAGE};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let opts = match Options::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("informix-testserver: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut signals = match signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
    ]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("informix-testserver: cannot install signal handlers: {e}");
            std::process::exit(1);
        }
    };
    // The server starts on its own thread so that a signal is honoured even while the
    // engine is still opening its databases.
    let slot: Arc<Mutex<Option<Server>>> = Arc::new(Mutex::new(None));
    {
        let slot = Arc::clone(&slot);
        let started = std::thread::Builder::new()
            .name("start".into())
            .spawn(move || match Server::start(&opts) {
                Ok(server) => {
                    let lines = server.ready_lines();
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(server);
                    let mut out = std::io::stdout().lock();
                    for line in lines {
                        let _ = writeln!(out, "{line}");
                    }
                    let _ = out.flush();
                }
                Err(e) => {
                    eprintln!("informix-testserver: {e}");
                    std::process::exit(1);
                }
            });
        if let Err(e) = started {
            eprintln!("informix-testserver: {e}");
            std::process::exit(1);
        }
    }
    // Serve until told to stop; then roll back every open transaction and exit 0.
    let _ = signals.forever().next();
    let server = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(server) = server {
        server.shutdown(Duration::from_secs(10));
    }
    std::process::exit(0);
}
