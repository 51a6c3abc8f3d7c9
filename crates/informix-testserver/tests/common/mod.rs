//! Test harness: runs the built server binary and speaks raw SQLI to it through
//! `informix_protocol`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use informix_protocol::describe::{Describe, InputDescribe};
use informix_protocol::login::{LoginRequest, LoginResponse, split_packet};
use informix_protocol::message::{
    BindParam, CLIENT_PROTOCOLS, ClientMessage, Done, FpValue, ServerError, ServerMessage,
};
use informix_protocol::row::{Cell, CellReader, ColumnKind};
use informix_protocol::wire::DecodeError;

pub struct Server {
    pub child: Child,
    pub sqli: SocketAddr,
    pub tls: Option<SocketAddr>,
    pub control: SocketAddr,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        let mut args = vec![
            "--listen",
            "127.0.0.1:0",
            "--server-name",
            "informix",
            "--user",
            "informix:in4mix",
            "--user",
            "bob:secret",
            "--database",
            "testdb:logged",
            "--database",
            "nologdb:unlogged",
            "--database",
            "ansidb:ansi",
        ];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_informix-testserver"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdout = child.stdout.take().expect("stdout");
        // Read the readiness lines on a thread so that a server that never gets ready
        // fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let (mut sqli, mut tls, mut control) = (None, None, None);
        while control.is_none() {
            let line = match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("server did not report its listeners: {e}");
                }
            };
            let mut w = line.split_whitespace();
            assert_eq!(w.next(), Some("listening"), "unexpected line {line:?}");
            let kind = w.next().expect("kind").to_owned();
            let addr: SocketAddr = w.next().expect("addr").parse().expect("address");
            match kind.as_str() {
                "sqli" => sqli = Some(addr),
                "sqli+tls" => tls = Some(addr),
                "control" => control = Some(addr),
                other => panic!("unknown listener {other}"),
            }
        }
        Server {
            child,
            sqli: sqli.expect("sqli listener"),
            tls,
            control: control.expect("control listener"),
        }
    }

    pub fn control(&self) -> Control {
        Control::connect(self.control)
    }

    pub fn connect(&self, db: Option<&str>) -> Client {
        let mut c = Client::login(self.sqli, "informix", Some("in4mix"), "informix")
            .expect("login accepted");
        c.handshake();
        if let Some(db) = db {
            let r = c.request(&[ClientMessage::DbOpen {
                name: db.as_bytes(),
                mode: 0,
            }]);
            assert!(error_of(&r).is_none(), "dbopen {db}: {r:?}");
        }
        c
    }

    /// Sends a signal to the server process with kill(1).
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs")
            .success();
        assert!(ok);
    }

    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                return st.code();
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Control {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Control {
    pub fn connect(addr: SocketAddr) -> Control {
        let s = TcpStream::connect(addr).expect("control connects");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        Control {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    /// Sends one command; returns the reply line without its newline.
    pub fn cmd(&mut self, line: &str) -> String {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
        let mut reply = String::new();
        self.reader.read_line(&mut reply).unwrap();
        reply.trim_end().to_owned()
    }

    pub fn ok(&mut self, line: &str) -> String {
        let r = self.cmd(line);
        assert!(r.starts_with("ok"), "{line}: {r}");
        r.strip_prefix("ok").unwrap().trim().to_owned()
    }
}

/// Pulls `"key":number` out of a flat JSON object.
pub fn json_num(json: &str, key: &str) -> i64 {
    let pat = format!("\"{key}\":");
    let at = json.find(&pat).unwrap_or_else(|| panic!("{key} in {json}")) + pat.len();
    let rest = &json[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(rest.len());
    rest[..end].parse().unwrap()
}

/// An owned server message.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Describe(Describe),
    InputDescribe(InputDescribe),
    KeysDescribe(Describe),
    KeysTuple(Vec<u8>),
    Tuple(Vec<u8>),
    Done(Done),
    Cost,
    Error(ServerError),
    XactStat,
    InsertDone([u8; 10], i64),
    TupId(i32),
    Protocols(Vec<u8>),
    Version(Vec<u8>),
    Exit,
    Blob(Vec<u8>),
    /// SQ_GETROUTINE reply: database and handle.
    RoutineHandle(String, i32),
    /// SQ_FPROUTINE: the returned values.
    RoutineResult(Vec<FpOwned>),
}

/// An owned SQ_FPROUTINE value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FpOwned {
    pub type_code: i16,
    pub owner: Vec<u8>,
    pub type_name: Vec<u8>,
    pub indicator: i16,
    pub prec: i16,
    pub data: Vec<u8>,
}

impl FpOwned {
    pub fn value(&self) -> FpValue<'_> {
        FpValue {
            type_code: self.type_code,
            owner: &self.owner,
            type_name: &self.type_name,
            indicator: self.indicator,
            prec: self.prec,
            data: &self.data,
        }
    }
}

pub fn error_of(r: &[Reply]) -> Option<ServerError> {
    r.iter().find_map(|m| match m {
        Reply::Error(e) => Some(e.clone()),
        _ => None,
    })
}

pub fn sqlcode_of(r: &[Reply]) -> i32 {
    error_of(r).map(|e| e.sqlcode).unwrap_or(0)
}

pub fn tuples(r: &[Reply]) -> Vec<Vec<u8>> {
    r.iter()
        .filter_map(|m| match m {
            Reply::Tuple(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

pub fn done_of(r: &[Reply]) -> Option<Done> {
    r.iter().find_map(|m| match m {
        Reply::Done(d) => Some(*d),
        _ => None,
    })
}

pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

pub struct Client {
    pub stream: Box<dyn Stream>,
    buf: Vec<u8>,
    pub local: SocketAddr,
    tcp: Option<TcpStream>,
}

impl Client {
    pub fn login(
        addr: SocketAddr,
        user: &str,
        password: Option<&str>,
        server: &str,
    ) -> Result<Client, LoginResponse> {
        let tcp = TcpStream::connect(addr).expect("connects");
        tcp.set_nodelay(true).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let local = tcp.local_addr().unwrap();
        let clone = tcp.try_clone().unwrap();
        let mut c = Client::login_over(Box::new(tcp), local, user, password, server, None)?;
        c.tcp = Some(clone);
        Ok(c)
    }

    /// A second handle on the plain TCP socket (for writing from another thread).
    pub fn stream_clone(&self) -> TcpStream {
        self.tcp
            .as_ref()
            .expect("plain TCP client")
            .try_clone()
            .unwrap()
    }

    pub fn login_over(
        stream: Box<dyn Stream>,
        local: SocketAddr,
        user: &str,
        password: Option<&str>,
        server: &str,
        database: Option<&str>,
    ) -> Result<Client, LoginResponse> {
        let mut c = Client {
            stream,
            buf: Vec::new(),
            local,
            tcp: None,
        };
        let req = LoginRequest {
            user: user.into(),
            password: password.map(Into::into),
            server_name: server.into(),
            database: database.map(Into::into),
            env: LoginRequest::default_env(),
            process_id: 42,
            thread_id: 0,
            hostname: "testhost".into(),
            cwd: "/tmp".into(),
            app_name: "rust-test".into(),
        };
        let mut out = Vec::new();
        req.encode(&mut out).unwrap();
        c.stream.write_all(&out).unwrap();
        let (ty, body, used) = loop {
            match split_packet(&c.buf) {
                Ok((ty, body, used)) => break (ty, body.to_vec(), used),
                Err(DecodeError::Incomplete) => c.fill(),
                Err(e) => panic!("bad login reply: {e}"),
            }
        };
        c.buf.drain(..used);
        match LoginResponse::decode(ty, &body).unwrap() {
            LoginResponse::Accepted(_) => Ok(c),
            other => Err(other),
        }
    }

    fn fill(&mut self) {
        let mut tmp = [0u8; 65536];
        let n = self.stream.read(&mut tmp).expect("read");
        assert!(n > 0, "server closed the connection");
        self.buf.extend_from_slice(&tmp[..n]);
    }

    /// Reads until the stream ends; true if it ended without more bytes.
    pub fn reads_eof(&mut self) -> bool {
        let mut tmp = [0u8; 1024];
        loop {
            match self.stream.read(&mut tmp) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e)
                    if e.kind() == std::io::ErrorKind::ConnectionReset
                        || e.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    return true;
                }
                Err(_) => return false,
            }
        }
    }

    /// Takes exactly `n` bytes from the stream.
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            self.fill();
        }
        self.buf.drain(..n).collect()
    }

    pub fn take_i16(&mut self) -> i16 {
        let b = self.take(2);
        i16::from_be_bytes([b[0], b[1]])
    }

    pub fn take_i32(&mut self) -> i32 {
        let b = self.take(4);
        i32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// `i16 len`, bytes, pad to even.
    pub fn take_pstr(&mut self) -> Vec<u8> {
        let n = self.take_i16() as usize;
        let v = self.take(n);
        if n % 2 == 1 {
            self.take(1);
        }
        v
    }

    pub fn handshake(&mut self) {
        let r = self.request(&[ClientMessage::Protocols(&CLIENT_PROTOCOLS)]);
        assert!(
            matches!(r.first(), Some(Reply::Protocols(p)) if p.len() == 9),
            "{r:?}"
        );
        let r = self.request(&[ClientMessage::Info {
            subtype: 6,
            pairs: vec![(b"DBTEMP", b"/tmp"), (b"SUBQCACHESZ", b"10")],
        }]);
        assert!(r.is_empty(), "{r:?}");
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Sends the messages followed by EOT.
    pub fn send(&mut self, msgs: &[ClientMessage<'_>]) {
        let mut out = Vec::new();
        for m in msgs {
            m.encode(&mut out);
        }
        ClientMessage::Eot.encode(&mut out);
        self.send_raw(&out);
    }

    /// Reads one reply (messages up to EOT, or a bare SQ_EXIT).
    pub fn read_reply(&mut self) -> Vec<Reply> {
        let mut msgs = Vec::new();
        loop {
            let decoded = ServerMessage::decode(&self.buf).map(|(m, n)| (to_reply(&m), n));
            match decoded {
                Ok((reply, n)) => {
                    self.buf.drain(..n);
                    match reply {
                        None => return msgs,
                        Some(Reply::Exit) => {
                            msgs.push(Reply::Exit);
                            return msgs;
                        }
                        Some(r) => msgs.push(r),
                    }
                }
                Err(DecodeError::Incomplete) => self.fill(),
                Err(e) => panic!("bad server message: {e}"),
            }
        }
    }

    /// Reads one reply like [`Client::read_reply`] but returns its bytes as received.
    pub fn read_reply_bytes(&mut self) -> Vec<u8> {
        let mut end = 0;
        loop {
            match ServerMessage::decode(&self.buf[end..]) {
                Ok((m, n)) => {
                    end += n;
                    if matches!(m, ServerMessage::Eot | ServerMessage::Exit) {
                        return self.buf.drain(..end).collect();
                    }
                }
                Err(DecodeError::Incomplete) => self.fill(),
                Err(e) => panic!("bad server message: {e}"),
            }
        }
    }

    pub fn request(&mut self, msgs: &[ClientMessage<'_>]) -> Vec<Reply> {
        self.send(msgs);
        self.read_reply()
    }

    pub fn prepare(&mut self, sql: &str, nparams: i16) -> Vec<Reply> {
        self.request(&[
            ClientMessage::Prepare {
                param_count: nparams,
                sql: sql.as_bytes(),
            },
            ClientMessage::NDescribe,
            ClientMessage::WantDone,
        ])
    }

    pub fn release(&mut self) {
        let r = self.request(&[ClientMessage::StatementId(0), ClientMessage::Release]);
        assert!(r.is_empty(), "{r:?}");
    }

    /// PREPARE + EXECUTE + RELEASE of a statement without result set.
    pub fn exec(&mut self, sql: &str) -> Vec<Reply> {
        let r = self.prepare(sql, 0);
        if error_of(&r).is_some() {
            return r;
        }
        let r = self.request(&[ClientMessage::StatementId(0), ClientMessage::Execute]);
        self.release();
        r
    }

    pub fn exec_ok(&mut self, sql: &str) -> Done {
        let r = self.exec(sql);
        assert!(error_of(&r).is_none(), "{sql}: {r:?}");
        done_of(&r).expect("DONE")
    }

    pub fn exec_params(&mut self, sql: &str, params: Vec<BindParam<'_>>) -> Vec<Reply> {
        let r = self.prepare(sql, params.len() as i16);
        if error_of(&r).is_some() {
            return r;
        }
        let r = self.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::Bind(params),
            ClientMessage::Execute,
        ]);
        self.release();
        r
    }

    /// PREPARE, OPEN, NFETCH until exhausted, CLOSE, RELEASE; returns the DESCRIBE and
    /// the raw tuple payloads.
    pub fn query_raw(
        &mut self,
        sql: &str,
        params: Vec<BindParam<'_>>,
    ) -> Result<(Describe, Vec<Vec<u8>>), ServerError> {
        let r = self.prepare(sql, params.len() as i16);
        if let Some(e) = error_of(&r) {
            return Err(e);
        }
        let Some(Reply::Describe(d)) = r.first().cloned() else {
            panic!("no DESCRIBE: {r:?}")
        };
        if !params.is_empty() {
            let r = self.request(&[ClientMessage::StatementId(0), ClientMessage::Bind(params)]);
            if let Some(e) = error_of(&r) {
                self.release();
                return Err(e);
            }
        }
        let mut r = self.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::CursorName(b"_ifxc0000000000001"),
            ClientMessage::Open,
            ClientMessage::StatementId(0),
            ClientMessage::NFetch { buffer_size: 4096 },
        ]);
        let mut rows = Vec::new();
        loop {
            if let Some(e) = error_of(&r) {
                self.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
                self.release();
                return Err(e);
            }
            let t = tuples(&r);
            if t.is_empty() {
                break;
            }
            rows.extend(t);
            r = self.request(&[
                ClientMessage::StatementId(0),
                ClientMessage::NFetch { buffer_size: 4096 },
            ]);
        }
        let c = self.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
        assert!(c.is_empty(), "{c:?}");
        self.release();
        Ok((d, rows))
    }

    /// Like [`Client::query_raw`], with each row decoded to text for easy comparison.
    pub fn query(&mut self, sql: &str, params: Vec<BindParam<'_>>) -> Vec<Vec<String>> {
        let (d, rows) = self
            .query_raw(sql, params)
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        decode_rows(&d, &rows)
    }
}

/// The messages of one reply's bytes (see [`Client::read_reply_bytes`]).
pub fn parse_reply(mut bytes: &[u8]) -> Vec<Reply> {
    let mut msgs = Vec::new();
    while !bytes.is_empty() {
        let (m, n) = ServerMessage::decode(bytes).expect("reply decodes");
        bytes = &bytes[n..];
        msgs.extend(to_reply(&m));
    }
    msgs
}

/// The control-channel id of the session whose client socket is `c`.
pub fn session_id(ctl: &mut Control, c: &Client) -> u64 {
    let list = ctl.ok("sessions");
    let peer = format!("\"peer\":\"{}\"", c.local);
    let at = list
        .find(&peer)
        .unwrap_or_else(|| panic!("{peer} in {list}"));
    let obj_start = list[..at].rfind('{').unwrap();
    json_num(&list[obj_start..], "id") as u64
}

pub fn decode_rows(d: &Describe, rows: &[Vec<u8>]) -> Vec<Vec<String>> {
    let kinds: Vec<ColumnKind> = d.columns.iter().map(ColumnKind::of).collect();
    rows.iter()
        .map(|payload| {
            let mut cr = CellReader::new(payload);
            let row = kinds
                .iter()
                .map(|k| cell_text(cr.next(*k).expect("cell decodes")))
                .collect();
            assert!(cr.is_exhausted(), "row width mismatch");
            row
        })
        .collect()
}

pub fn cell_text(c: Cell<'_>) -> String {
    match c {
        Cell::Null => "NULL".into(),
        Cell::SmallInt(v) => v.to_string(),
        Cell::Integer(v) => v.to_string(),
        Cell::BigInt(v) => v.to_string(),
        Cell::Int8(b) => informix_protocol::codec::decode_int8(b)
            .unwrap()
            .map(|v| v.to_string())
            .unwrap_or("NULL".into()),
        Cell::SmallFloat(v) => v.to_string(),
        Cell::Float(v) => v.to_string(),
        Cell::Decimal(b) => informix_protocol::codec::decimal::decode_packed(b)
            .unwrap()
            .map(|d| d.to_string())
            .unwrap_or("NULL".into()),
        Cell::Date(v) => format!("date:{v}"),
        Cell::DateTime { qualifier, bytes } => {
            let q = informix_protocol::codec::Qualifier::from_encoded(qualifier).unwrap();
            let v = informix_protocol::codec::decode_datetime(bytes, &q)
                .unwrap()
                .unwrap();
            informix_protocol::codec::format_datetime(&v, &q)
        }
        Cell::Interval { qualifier, bytes } => {
            let q = informix_protocol::codec::Qualifier::from_encoded(qualifier).unwrap();
            let v = informix_protocol::codec::decode_interval(bytes, &q)
                .unwrap()
                .unwrap();
            informix_protocol::codec::format_interval(&v, &q).unwrap()
        }
        Cell::Text(b) => String::from_utf8_lossy(b).into_owned(),
        Cell::Boolean(b) => if b { "t" } else { "f" }.into(),
        Cell::BlobDescriptor { descriptor, .. } => {
            format!("blob:{}", informix_protocol::hex(descriptor))
        }
        Cell::SmartLob { .. } => "lob".into(),
        Cell::Complex { body, .. } => String::from_utf8_lossy(body).into_owned(),
        Cell::Raw(b) => informix_protocol::hex(b),
    }
}

fn to_reply(m: &ServerMessage<'_>) -> Option<Reply> {
    Some(match m {
        ServerMessage::Eot => return None,
        ServerMessage::Describe(d) => Reply::Describe(d.clone()),
        ServerMessage::InputDescribe(d) => Reply::InputDescribe(d.clone()),
        ServerMessage::KeysDescribe(d) => Reply::KeysDescribe(d.clone()),
        ServerMessage::KeysTuple { payload, .. } => Reply::KeysTuple(payload.to_vec()),
        ServerMessage::Tuple { payload, .. } => Reply::Tuple(payload.to_vec()),
        ServerMessage::Done(d) => Reply::Done(*d),
        ServerMessage::Cost { .. } => Reply::Cost,
        ServerMessage::Error(e) => Reply::Error(e.clone()),
        ServerMessage::XactStat { .. } => Reply::XactStat,
        ServerMessage::InsertDone { serial8, bigserial } => Reply::InsertDone(*serial8, *bigserial),
        ServerMessage::TupId(n) => Reply::TupId(*n),
        ServerMessage::Protocols(p) => Reply::Protocols(p.to_vec()),
        ServerMessage::Version(v) => Reply::Version(v.to_vec()),
        ServerMessage::Exit => Reply::Exit,
        ServerMessage::Blob(b) => Reply::Blob(b.to_vec()),
        ServerMessage::RoutineHandle { database, handle } => {
            Reply::RoutineHandle(database.clone(), *handle)
        }
        ServerMessage::RoutineResult(values) => Reply::RoutineResult(
            values
                .iter()
                .map(|v| FpOwned {
                    type_code: v.type_code,
                    owner: v.owner.to_vec(),
                    type_name: v.type_name.to_vec(),
                    indicator: v.indicator,
                    prec: v.prec,
                    data: v.data.to_vec(),
                })
                .collect(),
        ),
        ServerMessage::FileOpen { .. }
        | ServerMessage::FileRead { .. }
        | ServerMessage::FileWrite
        | ServerMessage::FileData(_)
        | ServerMessage::FileClose => Reply::Cost,
    })
}

// Bind helpers -------------------------------------------------------------------

pub fn p_int(v: i32) -> BindParam<'static> {
    BindParam {
        type_code: 2,
        indicator: 0,
        prec: 0x0a00,
        data: Box::leak(Box::new(v.to_be_bytes())),
        ..BindParam::default()
    }
}

pub fn p_str(s: &str) -> BindParam<'static> {
    let mut d = (s.len() as u16).to_be_bytes().to_vec();
    d.extend_from_slice(s.as_bytes());
    BindParam {
        type_code: 0,
        indicator: 0,
        prec: 0,
        data: Box::leak(d.into_boxed_slice()),
        ..BindParam::default()
    }
}

pub fn p_null() -> BindParam<'static> {
    BindParam {
        type_code: 0,
        indicator: -1,
        prec: 0,
        data: &[],
        ..BindParam::default()
    }
}

pub fn p_raw(type_code: i16, prec: i16, data: Vec<u8>) -> BindParam<'static> {
    BindParam {
        type_code,
        indicator: 0,
        prec,
        data: Box::leak(data.into_boxed_slice()),
        ..BindParam::default()
    }
}
