//! TCP and TLS byte streams.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, pem::PemObject};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use crate::error::{Error, Result};
use crate::options::{ConnectOptions, TlsOptions};

/// The byte stream under a session.
pub enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Transport {
    pub fn connect(opts: &ConnectOptions) -> Result<Transport> {
        let tcp = connect_tcp(opts)?;
        match &opts.tls {
            None => Ok(Transport::Plain(tcp)),
            Some(tls) => {
                let config = client_config(tls)?;
                let name = tls.server_name.clone().unwrap_or_else(|| opts.host.clone());
                let server_name = ServerName::try_from(name.clone()).map_err(|e| {
                    Error::interface(format!("invalid TLS server name {name:?}: {e}"))
                })?;
                let conn = ClientConnection::new(Arc::new(config), server_name)
                    .map_err(|e| Error::lost(format!("TLS setup failed: {e}")))?;
                let mut stream = StreamOwned::new(conn, tcp);
                // The handshake is bounded by the connect timeout, like the TCP connect.
                stream.sock.set_read_timeout(opts.connect_timeout).ok();
                while stream.conn.is_handshaking() {
                    stream.conn.complete_io(&mut stream.sock).map_err(|e| {
                        Error::lost(format!(
                            "TLS handshake failed against {}:{}: {e}",
                            opts.host, opts.port
                        ))
                    })?;
                }
                Ok(Transport::Tls(Box::new(stream)))
            }
        }
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(s) => &s.sock,
        }
    }

    /// The socket's descriptor, for readiness checks by an event loop.
    pub fn raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(self.tcp())
    }

    pub fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.tcp().set_read_timeout(t)
    }

    /// Closes both directions now, so a thread blocked in read wakes up.
    pub fn shutdown(&self) {
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

fn connect_tcp(opts: &ConnectOptions) -> Result<TcpStream> {
    let target = format!("{}:{}", opts.host, opts.port);
    let cannot = |e: &dyn std::fmt::Display| {
        Error::lost(format!("cannot connect to Informix at {target}: {e}"))
    };
    let addrs: Vec<_> = (opts.host.as_str(), opts.port)
        .to_socket_addrs()
        .map_err(|e| cannot(&e))?
        .collect();
    let mut last = None;
    for addr in addrs {
        let attempt = match opts.connect_timeout {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(s) => {
                s.set_nodelay(true).ok();
                if opts.keepalive {
                    let ka = socket2::TcpKeepalive::new()
                        .with_time(Duration::from_secs(60))
                        .with_interval(Duration::from_secs(10));
                    socket2::SockRef::from(&s).set_tcp_keepalive(&ka).ok();
                }
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => cannot(&e),
        None => cannot(&"no address"),
    })
}

fn client_config(tls: &TlsOptions) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::interface(format!("TLS configuration: {e}")))?;
    let builder = if tls.danger_accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
    } else {
        builder.with_root_certificates(root_store(tls)?)
    };
    let config = match &tls.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::interface(format!("client certificate {}: {e}", cert.display()))
                })?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| Error::interface(format!("client key {}: {e}", key.display())))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| Error::interface(format!("client certificate: {e}")))?
        }
    };
    Ok(config)
}

fn root_store(tls: &TlsOptions) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &tls.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| Error::interface(format!("CA file {}: {e}", path.display())))?;
        for c in certs {
            roots
                .add(c)
                .map_err(|e| Error::interface(format!("CA file {}: {e}", path.display())))?;
        }
    }
    for der in &tls.ca_der {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| Error::interface(format!("CA certificate: {e}")))?;
    }
    if tls.ca_file.is_none() && tls.ca_der.is_empty() {
        let found = rustls_native_certs::load_native_certs();
        for c in found.certs {
            let _ = roots.add(c);
        }
        if roots.is_empty() {
            return Err(Error::interface(
                "no system CA certificates found; pass a CA file",
            ));
        }
    }
    Ok(roots)
}

/// Verifier for the explicit opt-out: signatures are still checked, identity is not.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
