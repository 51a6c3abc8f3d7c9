//! Connection settings.

use std::path::PathBuf;
use std::time::Duration;

/// How to reach and log in to a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    /// Opened with SQ_DBOPEN after login; None logs in without a database.
    pub database: Option<String>,
    /// DBSERVERNAME (INFORMIXSERVER) the listener answers to.
    pub server: String,
    pub connect_timeout: Option<Duration>,
    /// Bound on each wait for server bytes; None waits forever.
    pub read_timeout: Option<Duration>,
    /// TCP keepalive: detects peers that vanished without closing.
    pub keepalive: bool,
    pub client_locale: String,
    /// Extra environment sent at login; replaces defaults of the same name.
    pub env: Vec<(String, String)>,
    pub autocommit: bool,
    pub tls: Option<TlsOptions>,
    pub app_name: Option<String>,
    /// Prepared statements kept per connection for reuse.
    pub statement_cache_size: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            host: "127.0.0.1".into(),
            port: 9088,
            user: String::new(),
            password: None,
            database: None,
            server: "informix".into(),
            connect_timeout: Some(Duration::from_secs(30)),
            read_timeout: None,
            keepalive: true,
            client_locale: "en_US.8859-1".into(),
            env: Vec::new(),
            autocommit: false,
            tls: None,
            app_name: None,
            statement_cache_size: 32,
        }
    }
}

/// TLS settings. Informix uses a dedicated TLS port: the handshake starts right after TCP connect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsOptions {
    /// PEM file of trusted CAs; None uses the system trust store.
    pub ca_file: Option<PathBuf>,
    /// DER certificates to trust, in addition to `ca_file` (e.g. from an ssl.SSLContext).
    pub ca_der: Vec<Vec<u8>>,
    /// Name to verify the certificate against, when it differs from `host`.
    pub server_name: Option<String>,
    /// Client certificate chain and key (PEM) for mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// Accept any certificate. Only for throwaway development servers.
    pub danger_accept_invalid_certs: bool,
}
