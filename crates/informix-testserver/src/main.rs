#![forbid(unsafe_code)]
//! `informix-testserver`: serves SQLI on loopback until SIGTERM/SIGINT.

use std::io::Write;
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
    let server = match Server::start(&opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("informix-testserver: {e}");
            std::process::exit(1);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        for line in server.ready_lines() {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
    // Serve until told to stop; then roll back every open transaction and exit 0.
    let _ = signals.forever().next();
    server.shutdown(Duration::from_secs(10));
    std::process::exit(0);
}
