//! Starts the bundled test server for client integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use informix_client::{ConnectOptions, Connection, TlsOptions};

/// The server binary: `INFORMIX_TESTSERVER`, else the newest build in target/.
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("INFORMIX_TESTSERVER") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or(root.join("target"));
    ["release", "debug"]
        .iter()
        .map(|p| target.join(p).join("informix-testserver"))
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .expect("build the server first: cargo build -p informix-testserver")
}

pub struct Tls {
    pub dir: PathBuf,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A throwaway CA: its PEM certificate and the issuer that signs with it.
pub fn new_ca(name: &str) -> (String, rcgen::Issuer<'static, rcgen::KeyPair>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    (pem, Issuer::new(params, key))
}

/// A throwaway CA and a `localhost` certificate it signed.
pub fn make_tls(tag: &str) -> Tls {
    use rcgen::{CertificateParams, KeyPair};
    let dir = std::env::temp_dir().join(format!("ifx-tls-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca_pem, issuer) = new_ca(&format!("informix_db test CA {tag}"));
    let leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let tls = Tls {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
        dir,
    };
    std::fs::write(&tls.ca, ca_pem).unwrap();
    std::fs::write(&tls.cert, leaf.pem()).unwrap();
    std::fs::write(&tls.key, leaf_key.serialize_pem()).unwrap();
    tls
}

pub struct Server {
    child: Child,
    pub sqli: SocketAddr,
    pub tls: Option<SocketAddr>,
    pub control: Option<SocketAddr>,
    pub tls_files: Option<Tls>,
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(false)
    }

    pub fn start_with(with_tls: bool) -> Server {
        let tls_files = with_tls.then(|| make_tls("srv"));
        let mut cmd = Command::new(binary());
        cmd.args([
            "--listen",
            "127.0.0.1:0",
            "--server-name",
            "informix",
            "--user",
            "informix:in4mix",
            "--user",
            "app:secret",
            "--database",
            "testdb:logged",
            "--database",
            "nologdb:unlogged",
            "--database",
            "ansidb:ansi",
        ]);
        if let Some(t) = &tls_files {
            cmd.arg("--tls-listen")
                .arg("127.0.0.1:0")
                .arg("--tls-cert")
                .arg(&t.cert)
                .arg("--tls-key")
                .arg(&t.key);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let (mut sqli, mut tls, mut control) = (None, None, None);
        let want_tls = tls_files.is_some();
        while sqli.is_none() || control.is_none() || (want_tls && tls.is_none()) {
            let line = lines.next().expect("server printed its listeners").unwrap();
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() != 3 || parts[0] != "listening" {
                continue;
            }
            let addr: SocketAddr = parts[2].parse().unwrap();
            match parts[1] {
                "sqli" => sqli = Some(addr),
                "sqli+tls" => tls = Some(addr),
                "control" => control = Some(addr),
                _ => {}
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            sqli: sqli.unwrap(),
            tls,
            control,
            tls_files,
        }
    }

    pub fn options(&self, database: &str) -> ConnectOptions {
        ConnectOptions {
            host: "127.0.0.1".into(),
            port: self.sqli.port(),
            user: "informix".into(),
            password: Some("in4mix".into()),
            database: Some(database.into()),
            server: "informix".into(),
            ..ConnectOptions::default()
        }
    }

    pub fn tls_options(&self, database: &str) -> ConnectOptions {
        let files = self.tls_files.as_ref().expect("server started with TLS");
        ConnectOptions {
            host: "localhost".into(),
            port: self.tls.expect("tls listener").port(),
            tls: Some(TlsOptions {
                ca_file: Some(files.ca.clone()),
                ..TlsOptions::default()
            }),
            ..self.options(database)
        }
    }

    pub fn connect(&self, database: &str) -> Connection {
        Connection::connect(&self.options(database)).expect("connect")
    }

    /// One control-channel command; returns the reply line after `ok `.
    pub fn control(&self, cmd: &str) -> String {
        let addr = self.control.expect("control listener");
        let mut s = TcpStream::connect(addr).unwrap();
        writeln!(s, "{cmd}").unwrap();
        let mut line = String::new();
        BufReader::new(s).read_line(&mut line).unwrap();
        assert!(line.starts_with("ok"), "control {cmd:?} answered {line:?}");
        line.trim_start_matches("ok").trim().to_owned()
    }

    /// Server-counted round trips over all sessions.
    pub fn round_trips(&self) -> u64 {
        let body = self.control("counters");
        let key = "\"round_trips\":";
        let at = body.find(key).expect("round_trips in counters") + key.len();
        body[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(t) = &self.tls_files {
            let _ = std::fs::remove_dir_all(&t.dir);
        }
    }
}

/// All rows of a statement as debug strings of cells (enough to compare in tests).
pub fn rows(conn: &Connection, sql: &str, params: &[informix_client::Param]) -> Vec<Vec<String>> {
    use informix_protocol::row::CellReader;
    let exec = conn.execute(sql, params).expect(sql);
    let stream = exec.stream.expect("query");
    let mut out = Vec::new();
    while let Some(batch) = stream.next_batch().unwrap() {
        for i in 0..batch.len() {
            let mut cells = CellReader::new(batch.row(i));
            out.push(
                stream
                    .columns
                    .kinds
                    .iter()
                    .map(|k| format!("{:?}", cells.next(*k).unwrap()))
                    .collect(),
            );
            assert!(cells.is_exhausted());
        }
    }
    out
}
