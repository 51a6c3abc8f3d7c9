//! Command line, listeners and orderly shutdown.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::control;
use super::session::SessionLoop;
use super::state::{Faults, Registry, ServerSettings, Shared, lock};
use super::transport::Transport;
use crate::engine::{DbMode, Engine, EngineConfig};

pub const USAGE: &str = "usage: informix-testserver [--listen ADDR] [--tls-listen ADDR --tls-cert CERT.pem --tls-key KEY.pem [--tls-client-ca CA.pem]]
    [--server-name NAME] [--user NAME:PASS ...] [--database NAME[:logged|unlogged|ansi] ...]
    [--data-dir DIR] [--control ADDR] [--internal-version V] [--version-full TEXT]";

/// Internal version a 15.0.1 server announces in CONACC.
pub const INTERNAL_VERSION: &str = "15.0.1.0.3";
pub const VERSION_FULL: &str = "IBM Informix Dynamic Server Version 15.0.1.0.3DE";

#[derive(Debug, Clone)]
pub struct Options {
    pub listen: String,
    pub tls_listen: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// When set, TLS clients must present a certificate signed by this CA (mutual TLS).
    pub tls_client_ca: Option<PathBuf>,
    pub control: String,
    pub server_name: String,
    pub users: Vec<(String, String)>,
    pub databases: Vec<(String, DbMode)>,
    pub data_dir: Option<PathBuf>,
    pub internal_version: String,
    pub version_full: String,
}

fn parse_mode(s: &str) -> Result<DbMode, String> {
    match s.to_ascii_lowercase().as_str() {
        "logged" | "log" | "buffered" => Ok(DbMode::Logged),
        "unlogged" | "nolog" => Ok(DbMode::Unlogged),
        "ansi" => Ok(DbMode::Ansi),
        other => Err(format!("unknown database mode {other:?}")),
    }
}

impl Options {
    /// Parses the arguments after the program name.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            listen: "127.0.0.1:0".into(),
            tls_listen: None,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            control: "127.0.0.1:0".into(),
            server_name: "informix".into(),
            users: Vec::new(),
            databases: Vec::new(),
            data_dir: None,
            internal_version: INTERNAL_VERSION.into(),
            version_full: VERSION_FULL.into(),
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let (flag, inline) = match flag.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (flag.as_str(), None),
            };
            let mut value = || -> Result<String, String> {
                match &inline {
                    Some(v) => Ok(v.clone()),
                    None => it.next().cloned().ok_or(format!("{flag} needs a value")),
                }
            };
            match flag {
                "--listen" => o.listen = value()?,
                "--tls-listen" => o.tls_listen = Some(value()?),
                "--tls-cert" => o.tls_cert = Some(value()?.into()),
                "--tls-key" => o.tls_key = Some(value()?.into()),
                "--tls-client-ca" => o.tls_client_ca = Some(value()?.into()),
                "--control" => o.control = value()?,
                "--server-name" => o.server_name = value()?,
                "--user" => {
                    let v = value()?;
                    let (u, p) = v.split_once(':').ok_or("--user needs NAME:PASS")?;
                    o.users.push((u.to_owned(), p.to_owned()));
                }
                "--database" => {
                    let v = value()?;
                    let (name, mode) = match v.split_once(':') {
                        Some((n, m)) => (n, parse_mode(m)?),
                        None => (v.as_str(), DbMode::Logged),
                    };
                    if name.is_empty() {
                        return Err("--database needs a name".into());
                    }
                    o.databases.push((name.to_ascii_lowercase(), mode));
                }
                "--data-dir" => o.data_dir = Some(value()?.into()),
                "--internal-version" => o.internal_version = value()?,
                "--version-full" => o.version_full = value()?,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if o.users.is_empty() {
            o.users.push(("informix".into(), "in4mix".into()));
        }
        if o.databases.is_empty() {
            o.databases = vec![
                ("testdb".into(), DbMode::Logged),
                ("nologdb".into(), DbMode::Unlogged),
                ("ansidb".into(), DbMode::Ansi),
            ];
        }
        if o.tls_listen.is_some() && (o.tls_cert.is_none() || o.tls_key.is_none()) {
            return Err("--tls-listen needs --tls-cert and --tls-key".into());
        }
        Ok(o)
    }
}

fn tls_config(
    cert: &PathBuf,
    key: &PathBuf,
    client_ca: Option<&PathBuf>,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
            {
                roots
                    .add(c.map_err(|e| format!("{}: {e}", path.display()))?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .map_err(|e| e.to_string())?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(config))
}

/// A running server: its bound addresses and what is needed to stop it.
pub struct Server {
    pub sqli: SocketAddr,
    pub sqli_tls: Option<SocketAddr>,
    pub control: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    pub fn start(opts: &Options) -> Result<Server, String> {
        let engine = Engine::new(EngineConfig {
            data_dir: opts.data_dir.clone(),
            databases: opts.databases.clone(),
            server_version_full: opts.version_full.clone(),
        })?;
        let shared = Arc::new(Shared {
            settings: ServerSettings {
                server_name: opts.server_name.clone(),
                users: opts.users.clone(),
                internal_version: opts.internal_version.clone(),
                version_full: opts.version_full.clone(),
            },
            engine,
            registry: Registry::default(),
            faults: Faults::default(),
            shutting_down: AtomicBool::new(false),
        });
        let bind = |addr: &str| {
            TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))
        };
        let plain = bind(&opts.listen)?;
        let tls = match (&opts.tls_listen, &opts.tls_cert, &opts.tls_key) {
            (Some(addr), Some(cert), Some(key)) => Some((
                bind(addr)?,
                tls_config(cert, key, opts.tls_client_ca.as_ref())?,
            )),
            _ => None,
        };
        let control = bind(&opts.control)?;
        let local = |l: &TcpListener| l.local_addr().map_err(|e| e.to_string());
        let server = Server {
            sqli: local(&plain)?,
            sqli_tls: match &tls {
                Some((l, _)) => Some(local(l)?),
                None => None,
            },
            control: local(&control)?,
            shared: Arc::clone(&shared),
        };
        spawn("accept-sqli", {
            let shared = Arc::clone(&shared);
            move || accept_loop(plain, shared, None)
        })?;
        if let Some((listener, config)) = tls {
            let shared = Arc::clone(&shared);
            spawn("accept-tls", move || {
                accept_loop(listener, shared, Some(config))
            })?;
        }
        spawn("accept-control", {
            let shared = Arc::clone(&shared);
            move || control::serve(control, shared)
        })?;
        Ok(server)
    }

    /// The lines a client of the binary waits for, one per listener.
    pub fn ready_lines(&self) -> Vec<String> {
        let mut v = vec![format!("listening sqli {}", self.sqli)];
        if let Some(a) = self.sqli_tls {
            v.push(format!("listening sqli+tls {a}"));
        }
        v.push(format!("listening control {}", self.control));
        v
    }

    /// Stops taking requests, cuts every session (each rolls back its open
    /// transaction) and waits for them to finish, for at most `grace`.
    pub fn shutdown(&self, grace: Duration) {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        let live = self.shared.registry.live();
        for s in &live {
            s.kill();
        }
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && live.iter().any(|s| !s.closed.load(Ordering::SeqCst)) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), String> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<Arc<rustls::ServerConfig>>) {
    for conn in listener.incoming() {
        if shared.shutting_down.load(Ordering::SeqCst) {
            return;
        }
        let Ok(conn) = conn else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        let _ = spawn("sqli-session", move || session_thread(conn, shared, tls));
    }
}

fn session_thread(conn: TcpStream, shared: Arc<Shared>, tls: Option<Arc<rustls::ServerConfig>>) {
    let peer = conn.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    let cut_next = lock(&shared.faults.cut_next).take();
    let info = shared.registry.register(peer, tls.is_some(), cut_next);
    let bytes_in = Arc::clone(&info.bytes_in);
    let transport = match tls {
        None => Transport::plain(conn, bytes_in),
        Some(cfg) => Transport::tls(conn, cfg, bytes_in),
    };
    if let Ok(transport) = transport {
        *lock(&info.cutter) = Some(transport.cutter.clone());
        if info.killed.load(Ordering::SeqCst) || shared.shutting_down.load(Ordering::SeqCst) {
            transport.cutter.cut();
        }
        let mut session = SessionLoop::new(Arc::clone(&shared), Arc::clone(&info), transport);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.run()));
        if outcome.is_err() {
            // The session's state is suspect; drop it (rolling back) and hang up.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.finish()));
        }
    }
    info.in_transaction.store(false, Ordering::Relaxed);
    info.closed.store(true, Ordering::SeqCst);
}
