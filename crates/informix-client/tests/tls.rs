//! Mutual TLS: a server that requires client certificates accepts ours and refuses a
//! client without one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use informix_client::{ConnectOptions, Connection, TlsOptions};
use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, KeyPair};

struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One CA signing a server certificate for `localhost` and a client certificate.
fn pki() -> Pki {
    let dir = std::env::temp_dir().join(format!("ifx-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca_pem, issuer) = common::new_ca("informix_db mTLS test CA");
    let pki = Pki { dir };
    std::fs::write(pki.path("ca.pem"), ca_pem).unwrap();
    for (name, sans, usage) in [
        (
            "server",
            vec!["localhost".to_owned()],
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        (
            "client",
            vec!["app".to_owned()],
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
    ] {
        let mut params = CertificateParams::new(sans).unwrap();
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        std::fs::write(pki.path(&format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(pki.path(&format!("{name}.key")), key.serialize_pem()).unwrap();
    }
    pki
}

#[test]
fn client_certificates_are_presented_and_required() {
    let pki = pki();
    let mut child = Command::new(common::binary())
        .args(["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(pki.path("server.pem"))
        .arg("--tls-key")
        .arg(pki.path("server.key"))
        .arg("--tls-client-ca")
        .arg(pki.path("ca.pem"))
        .args(["--user", "informix:in4mix", "--database", "testdb:logged"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("listeners").unwrap();
        if let Some(addr) = line.strip_prefix("listening sqli+tls ") {
            break addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let opts = |client_cert: bool| ConnectOptions {
        host: "localhost".into(),
        port,
        user: "informix".into(),
        password: Some("in4mix".into()),
        database: Some("testdb".into()),
        tls: Some(TlsOptions {
            ca_file: Some(pki.path("ca.pem")),
            client_cert: client_cert.then(|| (pki.path("client.pem"), pki.path("client.key"))),
            ..TlsOptions::default()
        }),
        ..ConnectOptions::default()
    };
    let conn = Connection::connect(&opts(true)).expect("mutual TLS with a client certificate");
    assert!(conn.ping().is_ok());
    conn.close();
    let refused = Connection::connect(&opts(false));
    assert!(
        refused.is_err(),
        "a server that requires client certificates refuses us without one"
    );
    let _ = child.kill();
    let _ = child.wait();
}
