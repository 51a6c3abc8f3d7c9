//! One SQLI session: login, then a stream of requests (message runs ending in EOT),
//! each answered by exactly one reply, in order, even after errors.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use informix_protocol::describe::{Describe, InputDescribe};
use informix_protocol::login::{
    CAP1_ENHANCED, LoginRequest, LoginResponse, ServerIdentity, split_packet,
};
use informix_protocol::message::{
    BindParam, ClientMessage, Done, FpValue, ReturnType, SERVER_PROTOCOLS, ServerError,
    ServerMessage, begin_tuple, encode_done, encode_error, finish_tuple,
};
use informix_protocol::tags::{self, sl};
use informix_protocol::wire::{DecodeError, WireWrite, latin1_to_string};

use super::lobfile::{self, FileRead, FileWrite};
use super::state::{Faults, SessionInfo, Shared, lock};
use super::transport::{Input, Transport};
use super::values::{self, BlobStore, Bound, FpOut, RowEncoder, TextCodec, sql_error};
use crate::engine::{Cell, ColumnInfo, DbMode, Param, Prepared, Session as DbSession, SqlError};

/// Replies are written once this much is pending even if more requests are queued.
const FLUSH_AT: usize = 256 * 1024;
/// Largest SQ_BLOB chunk sent to a client (lengths are signed i16 on the wire).
const BLOB_CHUNK: usize = 16 * 1024;
/// Chunk size for SQ_FILE transfers in both directions.
const FILE_CHUNK: usize = 16 * 1024;
/// While a query runs, fetches are looked for each time this many more result bytes
/// are encoded (so a result smaller than this is answered exactly as before).
const EARLY_LOOK_EVERY: usize = 4 * 1024;

/// SQ_FILE operations and the client's reply tags.
mod file_op {
    pub const OPEN: i16 = 0;
    pub const CLOSE: i16 = 1;
    pub const READ: i16 = 2;
    pub const WRITE: i16 = 3;
    pub const TAG_READ: i16 = 106;
    pub const TAG_WRITE: i16 = 107;
}

/// Scroll fetch types (SQ_SFETCH).
mod scroll {
    pub const NEXT: i16 = 1;
    pub const PRIOR: i16 = 2;
    pub const FIRST: i16 = 3;
    pub const LAST: i16 = 4;
    pub const CURRENT: i16 = 5;
    pub const ABSOLUTE: i16 = 6;
    pub const RELATIVE: i16 = 7;
}

/// Client files to write before one row: (file name, content).
type RowFiles = Vec<(String, Vec<u8>)>;

/// A result set, encoded once at OPEN as ready-made TUPLE messages.
struct Cursor {
    scroll: bool,
    /// TUPLE messages back to back; row i spans `offsets[i]..offsets[i + 1]`.
    data: Vec<u8>,
    offsets: Vec<usize>,
    /// Rows delivered by NFETCH so far (sequential cursors).
    next: usize,
    /// 1-based current row of a scroll cursor (0 = before first, n+1 = after last).
    current: usize,
    /// Killed by a conflicting statement: further fetches fail -267.
    dead: bool,
    blobs: BlobStore,
    /// `lotofile` values to write to client files before their row: (row, file, bytes).
    files: Vec<(usize, String, Vec<u8>)>,
    /// The rows as the engine returned them, kept while an SQ_RET_TYPE that changes
    /// their encoding may still arrive (before the first fetch).
    raw: Option<Vec<Vec<Cell>>>,
    /// The error that ended the query after replies had already gone out early: the
    /// rows before it are still delivered, the fetch after them gets it.
    failure: Option<SqlError>,
}

impl Cursor {
    fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// End (exclusive) of the next NFETCH batch: the rows from `next` whose payloads
    /// (TUPLE headers not counted) fit in `budget` bytes, at least one.
    fn batch_end(&self, budget: usize) -> usize {
        let (start, n) = (self.next, self.rows());
        let mut end = start;
        let mut used = 0usize;
        while end < n {
            let size = self.offsets[end + 1] - self.offsets[end] - 8;
            if end > start && used + size > budget {
                break;
            }
            used += size;
            end += 1;
        }
        end
    }

    fn tuple(&self, i: usize) -> &[u8] {
        &self.data[self.offsets[i]..self.offsets[i + 1]]
    }

    fn files_of(&self, row: usize) -> RowFiles {
        self.files
            .iter()
            .filter(|(r, _, _)| *r == row)
            .map(|(_, n, b)| (n.clone(), b.clone()))
            .collect()
    }
}

struct Stmt {
    prepared: Prepared,
    /// Result columns as described to the client (`lotofile` columns replaced).
    columns: Vec<ColumnInfo>,
    reads: Vec<FileRead>,
    writes: Vec<FileWrite>,
    params: Vec<Param>,
    /// Parameters whose BYTE/TEXT content is still to come in SQ_BBIND: (index, is TEXT).
    pending_blobs: Vec<(usize, bool)>,
    scroll_requested: bool,
    /// SQ_AUTOFREE: CLOSE of the cursor also frees the statement.
    autofree: bool,
    /// SQ_SGKPREPARE: the generated keys asked for with this statement.
    keys: Option<KeyRequest>,
    /// SQ_RET_TYPE: the types the client asked the columns to be returned as; kept
    /// for every later OPEN of the statement (IBM JDBC sends them once).
    return_types: Vec<i16>,
    cursor: Option<Cursor>,
}

/// Which generated keys a client asked for (SQ_SGKPREPARE).
struct KeyRequest {
    mode: i16,
    positions: Vec<i16>,
    names: Vec<String>,
}

impl Stmt {
    /// The generated-key columns to report: the INSERT target's serial columns, all of
    /// them or those asked for by position or name. Other columns are not reported.
    fn key_columns(&self) -> Vec<ColumnInfo> {
        let Some(k) = &self.keys else {
            return Vec::new();
        };
        self.prepared
            .serial_columns()
            .into_iter()
            .filter(|(i, c)| match k.mode {
                2 => k
                    .positions
                    .iter()
                    .any(|p| usize::try_from(*p).ok() == Some(i + 1)),
                3 => k.names.iter().any(|n| n.eq_ignore_ascii_case(&c.name)),
                _ => true,
            })
            .map(|(_, c)| c)
            .collect()
    }
}

/// A routine resolved by SQ_GETROUTINE; its handle is its index + 1.
struct Routine {
    /// The signature as the client sent it (lower case, blanks removed): a second
    /// GETROUTINE for the same routine gets the same handle.
    key: String,
    /// `SELECT name(CAST(? AS type), ...) FROM systables WHERE tabid = 1`.
    sql: String,
}

/// A routine named by a fast-path signature: `function|procedure [owner.]name(types)`.
#[derive(Debug, PartialEq, Eq)]
struct RoutineSignature {
    name: String,
    arg_types: Vec<String>,
}

fn parse_signature(sig: &str) -> Option<RoutineSignature> {
    let sig = sig.trim();
    let (kind, rest) = sig.split_once(char::is_whitespace)?;
    if !kind.eq_ignore_ascii_case("function") && !kind.eq_ignore_ascii_case("procedure") {
        return None;
    }
    let rest = rest.trim();
    let open = rest.find('(')?;
    let body = rest[open + 1..].trim_end().strip_suffix(')')?;
    let qualified = rest[..open].trim();
    let name = qualified.rsplit('.').next()?.trim().to_ascii_lowercase();
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if name.is_empty() || !name.chars().all(plain) || name.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    // Argument types, split at top-level commas (`decimal(10,2)` is one type).
    let mut arg_types = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                arg_types.push(body[start..i].trim().to_ascii_lowercase());
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    let last = body[start..].trim();
    if !last.is_empty() || !arg_types.is_empty() {
        arg_types.push(last.to_ascii_lowercase());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || " _(),".contains(c);
    if depth != 0
        || arg_types
            .iter()
            .any(|t| t.is_empty() || !t.chars().all(allowed))
    {
        return None;
    }
    Some(RoutineSignature { name, arg_types })
}

/// Assembly of SQ_BBIND blob streams within one request.
struct BlobIntake {
    stmt: usize,
    targets: Vec<(usize, bool)>,
    index: usize,
    acc: Vec<u8>,
}

enum Scan {
    Complete(usize),
    Incomplete(usize),
    Invalid,
}

/// Finds the end of the request at the front of `buf`, resuming at a known message
/// boundary `from`.
fn scan_request(buf: &[u8], from: usize) -> Scan {
    let mut pos = from;
    loop {
        match ClientMessage::decode(&buf[pos..]) {
            Ok((msg, n)) => {
                pos += n;
                if matches!(msg, ClientMessage::Eot | ClientMessage::Exit) {
                    return Scan::Complete(pos);
                }
            }
            Err(DecodeError::Incomplete) => return Scan::Incomplete(pos),
            Err(DecodeError::Invalid(_)) => return Scan::Invalid,
        }
    }
}

/// Messages in a run of requests (for the counters).
fn count_messages(mut buf: &[u8]) -> u64 {
    let mut n = 0;
    while let Ok((_, used)) = ClientMessage::decode(buf) {
        buf = &buf[used..];
        n += 1;
    }
    n
}

/// The byte budget of an NFETCH batch.
fn fetch_budget(buffer_size: i32) -> usize {
    usize::try_from(buffer_size).unwrap_or(0).max(1)
}

/// A request that is nothing but `[SQ_ID(stmt)] SQ_NFETCH SQ_EOT`.
struct LoneFetch {
    budget: usize,
    /// Its length in bytes.
    len: usize,
    messages: u64,
}

/// The request at the front of a buffer, as a running query sees it.
enum Queued {
    Fetch(LoneFetch),
    /// Not all there yet (or nothing is).
    Incomplete,
    /// Something other than a lone NFETCH of the statement.
    Other,
}

fn lone_fetch(buf: &[u8], stmt: usize) -> Queued {
    let (mut pos, mut messages, mut budget) = (0, 0, None);
    loop {
        let (msg, used) = match ClientMessage::decode(&buf[pos..]) {
            Ok(decoded) => decoded,
            Err(DecodeError::Incomplete) => return Queued::Incomplete,
            Err(DecodeError::Invalid(_)) => return Queued::Other,
        };
        pos += used;
        messages += 1;
        match (msg, budget) {
            (ClientMessage::StatementId(id), None)
                if messages == 1 && usize::try_from(id).ok() == Some(stmt) => {}
            (ClientMessage::NFetch { buffer_size }, None) => {
                budget = Some(fetch_budget(buffer_size));
            }
            (ClientMessage::Eot, Some(budget)) => {
                return Queued::Fetch(LoneFetch {
                    budget,
                    len: pos,
                    messages,
                });
            }
            _ => return Queued::Other,
        }
    }
}

/// What OPEN left for its request's reply.
enum Opened {
    /// The reply is built as usual, after the query.
    Pending,
    /// The whole reply went out while the query ran.
    RequestAnswered,
}

/// The next reply a running query may send (see [`EarlyReplies`]).
#[derive(Clone, Copy)]
enum Owed {
    /// OPEN ends its request: the request's reply, once rows are coming.
    Open,
    /// `[SQ_ID] SQ_NFETCH SQ_EOT` ends OPEN's request: that batch, once it is full.
    FetchInRequest { budget: usize },
    /// The next request in the input if it is a lone NFETCH: its batch, once full.
    QueuedFetch,
    /// Nothing until the query ends: another kind of request is next, a fault is
    /// active, or the client is gone.
    Nothing,
}

impl Owed {
    /// What a query may answer early, given what its OPEN's request holds after OPEN:
    /// nothing unless that is EOT alone or one NFETCH of the same statement.
    fn after_open(rest: &[u8], stmt: usize) -> Option<Owed> {
        if matches!(ClientMessage::decode(rest), Ok((ClientMessage::Eot, n)) if n == rest.len()) {
            return Some(Owed::Open);
        }
        match lone_fetch(rest, stmt) {
            Queued::Fetch(f) if f.len == rest.len() => {
                Some(Owed::FetchInRequest { budget: f.budget })
            }
            _ => None,
        }
    }
}

/// Replies sent from inside a query's row sink while the query still runs. The engine
/// holds the database lock until the query ends, so the session must not wait for the
/// client meanwhile; it answers what has already arrived, each time
/// [`EARLY_LOOK_EVERY`] more result bytes are encoded. Every reply is byte for byte
/// what the finished cursor would have sent for its request; only its timing changes.
/// Only full batches go out early (a row after the batch exists), so the batch that
/// ends the result, with its DONE, always waits for the query's end.
struct EarlyReplies<'a> {
    input: &'a mut Input,
    output: &'a mut dyn Write,
    /// The session's pending output: earlier replies and the current one so far.
    out: &'a mut Vec<u8>,
    info: &'a SessionInfo,
    faults: &'a Faults,
    /// The statement whose cursor is being opened.
    stmt: usize,
    owed: Owed,
    /// Encoded result size at which to look again.
    look_at: usize,
    /// OPEN's request has had its whole reply.
    answered_request: bool,
    /// A write failed: the client is gone.
    broken: bool,
}

impl EarlyReplies<'_> {
    /// Called after each row; answers whatever can be answered. An error stops the
    /// query: the client is gone.
    fn look(&mut self, cursor: &mut Cursor) -> Result<(), SqlError> {
        if cursor.data.len() < self.look_at {
            return Ok(());
        }
        self.look_at = cursor.data.len() + EARLY_LOOK_EVERY;
        while self.answer_next(cursor) {}
        if self.broken {
            return Err(sql_error(-408));
        }
        Ok(())
    }

    /// Sends the next owed reply if it can go now; false when nothing more can.
    fn answer_next(&mut self, cursor: &mut Cursor) -> bool {
        if !faults_quiet(self.faults, self.info) {
            // Faulty replies (delay, cut) come exactly as without streaming.
            self.owed = Owed::Nothing;
        }
        match self.owed {
            Owed::Nothing => false,
            Owed::Open => {
                self.answered_request = true;
                self.owed = Owed::QueuedFetch;
                self.send()
            }
            Owed::FetchInRequest { budget } => {
                if !put_full_batch(self.out, cursor, budget) {
                    return false;
                }
                self.answered_request = true;
                self.owed = Owed::QueuedFetch;
                self.send()
            }
            Owed::QueuedFetch => {
                self.input.try_fill();
                match lone_fetch(self.input.available(), self.stmt) {
                    Queued::Incomplete => false,
                    Queued::Other => {
                        self.owed = Owed::Nothing;
                        false
                    }
                    Queued::Fetch(f) => {
                        if !put_full_batch(self.out, cursor, f.budget) {
                            return false;
                        }
                        // Taken here instead of by the request loop: count it the same.
                        self.input.consume(f.len);
                        self.info.requests.fetch_add(1, Ordering::Relaxed);
                        self.info.messages.fetch_add(f.messages, Ordering::Relaxed);
                        self.send()
                    }
                }
            }
        }
    }

    /// Ends the reply and writes all pending output; false if the client is gone.
    fn send(&mut self) -> bool {
        self.out.put_i16(tags::SQ_EOT);
        self.info.replies.fetch_add(1, Ordering::Relaxed);
        if !write_out(self.output, self.out, self.info) {
            self.broken = true;
            self.owed = Owed::Nothing;
        }
        !self.broken
    }
}

/// Appends the cursor's next batch if it is full, i.e. a row after it already exists,
/// so the finished cursor would send exactly these rows and no DONE.
fn put_full_batch(out: &mut Vec<u8>, cursor: &mut Cursor, budget: usize) -> bool {
    let end = cursor.batch_end(budget);
    if end == cursor.rows() {
        return false;
    }
    out.extend_from_slice(&cursor.data[cursor.offsets[cursor.next]..cursor.offsets[end]]);
    cursor.next = end;
    true
}

/// No control-channel fault that shapes replies (delay, cut, refuse) is active.
fn faults_quiet(faults: &Faults, info: &SessionInfo) -> bool {
    faults.delay().is_none()
        && faults.refused().is_none()
        && info.cut_after.load(Ordering::SeqCst) < 0
}

/// Writes and clears `out`; false if the connection is gone.
fn write_out(output: &mut dyn Write, out: &mut Vec<u8>, info: &SessionInfo) -> bool {
    if out.is_empty() {
        return true;
    }
    // Counted first, so that a client holding the reply finds it in the counters.
    info.bytes_out
        .fetch_add(out.len() as u64, Ordering::Relaxed);
    let ok = output.write_all(out).is_ok() && output.flush().is_ok();
    out.clear();
    ok
}

enum Flow {
    Continue,
    Close,
}

pub struct SessionLoop {
    shared: Arc<Shared>,
    info: Arc<SessionInfo>,
    transport: Transport,
    out: Vec<u8>,
    codec: TextCodec,
    user: String,
    host: String,
    /// The login named a database: SQ_DBOPEN is refused with -759.
    explicit_db: bool,
    db: Option<DbSession>,
    stmts: Vec<Option<Stmt>>,
    current: usize,
    generation: u32,
    intake: Option<BlobIntake>,
    scan_from: usize,
    /// The stream broke during an SQ_FILE sub-exchange: end the session.
    broken: bool,
    files_written: u64,
    /// Routines resolved by SQ_GETROUTINE (fast-path calls).
    routines: Vec<Routine>,
    /// SQ_EXFPROUTINE seen: the SQ_BIND that follows carries the routine's arguments.
    pending_routine: Option<usize>,
    /// Replies went out while a query ran: the next wait for the client is a turn even
    /// if nothing is left to send by then.
    sent_early: bool,
}

impl SessionLoop {
    pub fn new(shared: Arc<Shared>, info: Arc<SessionInfo>, transport: Transport) -> Self {
        SessionLoop {
            shared,
            info,
            transport,
            out: Vec::with_capacity(64 * 1024),
            codec: TextCodec::Latin1,
            user: String::new(),
            host: String::new(),
            explicit_db: false,
            db: None,
            stmts: Vec::new(),
            current: 0,
            generation: 0,
            intake: None,
            scan_from: 0,
            broken: false,
            files_written: 0,
            routines: Vec::new(),
            pending_routine: None,
            sent_early: false,
        }
    }

    /// Runs the session to its end, then rolls back whatever is open.
    pub fn run(&mut self) {
        if let Ok(true) = self.login() {
            self.serve();
        }
        self.finish();
    }

    pub fn finish(&mut self) {
        self.stmts.clear();
        if let Some(mut db) = self.db.take() {
            db.close();
        }
        self.info.in_transaction.store(false, Ordering::Relaxed);
        self.transport.cutter.cut();
    }

    fn flush(&mut self) -> bool {
        write_out(&mut self.transport.output, &mut self.out, &self.info)
    }

    fn reply_done(&mut self) {
        self.info.replies.fetch_add(1, Ordering::Relaxed);
    }

    /// Sends everything and counts a round trip: the client now has all answers and
    /// the server waits for it. Pipelined requests therefore cost one turn, not one each.
    fn flush_turn(&mut self) -> bool {
        if !self.out.is_empty() || std::mem::take(&mut self.sent_early) {
            self.info.round_trips.fetch_add(1, Ordering::Relaxed);
        }
        self.flush()
    }

    /// The control channel's `delay`: every reply waits this long before it is sent.
    fn apply_delay(&self) -> bool {
        match self.shared.faults.delay() {
            Some(d) => {
                std::thread::sleep(d);
                true
            }
            None => false,
        }
    }

    // ---------------------------------------------------------------- login

    fn login(&mut self) -> Result<bool, ()> {
        let (ty, body, total) = loop {
            match split_packet(self.transport.input.available()) {
                Ok((ty, body, total)) => break (ty, body.to_vec(), total),
                Err(DecodeError::Incomplete) => {
                    if !self.transport.input.fill() {
                        return Err(());
                    }
                }
                Err(DecodeError::Invalid(_)) => return Err(()),
            }
        };
        self.transport.input.consume(total);
        self.info.requests.fetch_add(1, Ordering::Relaxed);
        self.info.messages.fetch_add(1, Ordering::Relaxed);
        if ty != sl::CONREQ {
            return Err(());
        }
        let req = LoginRequest::decode_body(&body).map_err(|_| ())?;
        let verdict = self.check_login(&req);
        let accepted = matches!(verdict, LoginResponse::Accepted(_));
        verdict.encode(&mut self.out);
        self.reply_done();
        self.apply_delay();
        if !self.flush_turn() {
            return Err(());
        }
        Ok(accepted)
    }

    fn check_login(&mut self, req: &LoginRequest) -> LoginResponse {
        let settings = &self.shared.settings;
        self.host = if req.hostname.is_empty() {
            self.info
                .peer
                .rsplit_once(':')
                .map(|(h, _)| h.to_owned())
                .unwrap_or_default()
        } else {
            req.hostname.clone()
        };
        let reject = |sqlcode: i32, param: String, message: String| LoginResponse::Rejected {
            sqlcode,
            isam: 0,
            param,
            message,
        };
        if let Some(code) = self.shared.faults.refused() {
            return reject(
                code,
                String::new(),
                format!("Connection refused by the server (error {code})."),
            );
        }
        if !req.server_name.is_empty()
            && !req.server_name.eq_ignore_ascii_case(&settings.server_name)
        {
            return reject(
                -761,
                req.server_name.clone(),
                "INFORMIXSERVER does not match either DBSERVERNAME or DBSERVERALIASES.".into(),
            );
        }
        let ok = settings
            .users
            .iter()
            .any(|(u, p)| *u == req.user && Some(p.as_str()) == req.password.as_deref());
        if !ok {
            let who = format!("{}@{}", req.user, self.host);
            return reject(
                -951,
                who.clone(),
                format!("Incorrect password or user {who} is not known on the database server."),
            );
        }
        self.user = req.user.clone();
        *lock(&self.info.user) = req.user.clone();
        self.codec = TextCodec::from_locale(
            req.env_value("CLIENT_LOCALE")
                .or_else(|| req.env_value("DB_LOCALE")),
        );
        if let Some(db) = &req.database {
            // An explicit-database connection: open it now; SQ_DBOPEN will be refused.
            match self.shared.engine.open_session(db, &req.user) {
                Ok(s) => {
                    *lock(&self.info.database) = s.database().to_owned();
                    self.db = Some(s);
                    self.explicit_db = true;
                }
                Err(e) => {
                    return reject(
                        e.sqlcode,
                        db.clone(),
                        format!("Database ({db}) not found or no system permission."),
                    );
                }
            }
        }
        // `<product> Version <version>`: IBM JDBC takes the part after `Version` as the
        // server's version and cannot read BYTE/TEXT or metadata without it.
        let product = settings
            .version_full
            .split(" Version")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        LoginResponse::Accepted(ServerIdentity {
            product,
            version: settings.internal_version.clone(),
            serial: "RDS#R000000".into(),
            app_id: "sqli".into(),
            cap1: CAP1_ENHANCED,
            cap2: 0,
            cap3: 0,
        })
    }

    // ---------------------------------------------------------------- request loop

    fn serve(&mut self) {
        loop {
            if self.shared.shutting_down.load(Ordering::Relaxed) {
                return;
            }
            let scan = scan_request(self.transport.input.available(), self.scan_from);
            match scan {
                Scan::Complete(len) => {
                    self.scan_from = 0;
                    let request = self.transport.input.available()[..len].to_vec();
                    self.transport.input.consume(len);
                    let started = std::time::Instant::now();
                    let flow = self.process(&request);
                    let busy = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                    self.info.busy_ns.fetch_add(busy, Ordering::Relaxed);
                    if matches!(flow, Flow::Close) || self.broken {
                        self.flush();
                        return;
                    }
                    let delayed = self.apply_delay();
                    if (delayed || self.out.len() >= FLUSH_AT) && !self.flush() {
                        return;
                    }
                }
                Scan::Incomplete(at) => {
                    self.scan_from = at;
                    if !self.flush_turn() || !self.transport.input.fill() {
                        return;
                    }
                }
                Scan::Invalid => {
                    // The stream cannot be resynchronised: report, then hang up.
                    encode_error(&mut self.out, &server_error(&sql_error(-408)));
                    self.out.put_i16(tags::SQ_EOT);
                    self.reply_done();
                    self.flush();
                    return;
                }
            }
        }
    }

    fn process(&mut self, request: &[u8]) -> Flow {
        let info = Arc::clone(&self.info);
        info.requests.fetch_add(1, Ordering::Relaxed);
        match info.cut_after.load(Ordering::SeqCst) {
            0 => return Flow::Close,
            n if n > 0 => {
                info.cut_after.fetch_sub(1, Ordering::SeqCst);
            }
            _ => {}
        }
        self.intake = None;
        self.pending_routine = None;
        let mut rest = request;
        let mut failed = false;
        let mut answered = false;
        while !rest.is_empty() {
            let Ok((msg, n)) = ClientMessage::decode(rest) else {
                break;
            };
            rest = &rest[n..];
            info.messages.fetch_add(1, Ordering::Relaxed);
            match msg {
                ClientMessage::Exit => {
                    if let Some(mut db) = self.db.take() {
                        db.close();
                    }
                    self.out.put_i16(tags::SQ_EXIT);
                    self.reply_done();
                    return Flow::Close;
                }
                ClientMessage::Eot => break,
                // A RELEASE queued behind a failed message still frees its statement
                // (IBM JDBC sends COMMAND/EXECUTE/RELEASE as one request).
                ClientMessage::Release if failed => self.release(),
                ClientMessage::StatementId(id) if failed => {
                    self.current = usize::try_from(id).unwrap_or(usize::MAX);
                }
                _ if failed => {}
                ClientMessage::Open | ClientMessage::ReoptOpen => match self.open(rest) {
                    Ok(Opened::RequestAnswered) => {
                        // Its reply went out while the query ran: the rest is done.
                        info.messages
                            .fetch_add(count_messages(rest), Ordering::Relaxed);
                        answered = true;
                        break;
                    }
                    Ok(Opened::Pending) => {}
                    Err(e) => {
                        encode_error(&mut self.out, &server_error(&e));
                        failed = true;
                    }
                },
                msg => {
                    if let Err(e) = self.handle(msg) {
                        encode_error(&mut self.out, &server_error(&e));
                        failed = true;
                    }
                }
            }
        }
        self.intake = None;
        if let Some(routine) = self.pending_routine.take()
            && !failed
        {
            // EXFPROUTINE without an SQ_BIND: a call without arguments.
            if let Err(e) = self.call_routine(routine, &[]) {
                encode_error(&mut self.out, &server_error(&e));
            }
        }
        if !answered {
            self.out.put_i16(tags::SQ_EOT);
            self.reply_done();
        }
        let in_tx = self.db.as_ref().is_some_and(|d| d.in_transaction());
        info.in_transaction.store(in_tx, Ordering::Relaxed);
        Flow::Continue
    }

    fn db(&mut self) -> Result<&mut DbSession, SqlError> {
        self.db.as_mut().ok_or_else(|| sql_error(-349))
    }

    fn stmt(&mut self) -> Result<&mut Stmt, SqlError> {
        self.stmts
            .get_mut(self.current)
            .and_then(Option::as_mut)
            .ok_or_else(|| sql_error(-258))
    }

    /// A statement whose open scroll cursor would be disturbed by a new statement.
    fn guard_scroll(&mut self) -> Result<(), SqlError> {
        let stmt = self.stmt()?;
        if let Some(c) = stmt.cursor.as_mut()
            && c.scroll
            && !c.dead
        {
            c.dead = true;
            return Err(sql_error(-285));
        }
        Ok(())
    }

    fn handle(&mut self, msg: ClientMessage<'_>) -> Result<(), SqlError> {
        match msg {
            ClientMessage::StatementId(id) => {
                self.current = usize::try_from(id).unwrap_or(usize::MAX);
                Ok(())
            }
            ClientMessage::Prepare { sql, .. } | ClientMessage::Command { sql, .. } => {
                self.prepare(sql)
            }
            ClientMessage::ReturnTypes { columns, .. } => self.return_types(&columns),
            ClientMessage::DescribeInput => {
                let stmt = self.stmt()?;
                let params = stmt
                    .prepared
                    .params
                    .iter()
                    .map(|p| values::descriptor(p, 0))
                    .collect();
                InputDescribe { flags: 0, params }.encode(&mut self.out);
                Ok(())
            }
            ClientMessage::Hold | ClientMessage::BatchStart | ClientMessage::BatchEnd => Ok(()),
            ClientMessage::AutoFree => {
                self.stmt()?.autofree = true;
                Ok(())
            }
            ClientMessage::DbClose => {
                self.stmts.clear();
                self.routines.clear();
                match self.db.take() {
                    Some(mut db) => {
                        db.close();
                        lock(&self.info.database).clear();
                        Ok(())
                    }
                    None => Err(sql_error(-349)),
                }
            }
            ClientMessage::SetSavepoint { name, unique } => {
                let name = latin1_to_string(name);
                let unique = if unique != 0 { " UNIQUE" } else { "" };
                self.run_sql(&format!("SAVEPOINT {name}{unique}"))
            }
            ClientMessage::ReleaseSavepoint(name) => {
                let name = latin1_to_string(name);
                self.run_sql(&format!("RELEASE SAVEPOINT {name}"))
            }
            ClientMessage::RollbackSavepoint(b"") => self.db()?.rollback(),
            ClientMessage::RollbackSavepoint(name) => {
                let name = latin1_to_string(name);
                self.run_sql(&format!("ROLLBACK TO SAVEPOINT {name}"))
            }
            ClientMessage::NDescribe => {
                let id = self.current;
                let sid = i16::try_from(id).unwrap_or(0);
                match self.stmts.get(id).and_then(Option::as_ref) {
                    Some(s) => {
                        values::describe(&s.prepared, &s.columns, sid).encode(&mut self.out);
                        if s.keys.is_some() {
                            // The generated-key columns follow the DESCRIBE (IBM JDBC
                            // needs SQ_SGKDESCRIBE before any SQ_SGKTUPLE).
                            let keys = s.key_columns();
                            values::describe(&s.prepared, &keys, sid)
                                .encode_as(tags::SQ_SGKDESCRIBE, &mut self.out);
                        }
                    }
                    None => Describe::default().encode(&mut self.out),
                }
                Ok(())
            }
            ClientMessage::GeneratedKeys {
                mode,
                positions,
                names,
            } => {
                let codec = self.codec;
                self.stmt()?.keys = Some(KeyRequest {
                    mode,
                    positions,
                    names: names.iter().map(|n| codec.decode(n)).collect(),
                });
                Ok(())
            }
            ClientMessage::WantDone => {
                encode_done(&mut self.out, &Done::default());
                self.put_cost();
                Ok(())
            }
            ClientMessage::CursorName(_) => {
                self.stmt()?;
                Ok(())
            }
            ClientMessage::Scroll => {
                self.stmt()?.scroll_requested = true;
                Ok(())
            }
            // process() opens with the rest of the request, which may be answered early.
            ClientMessage::Open | ClientMessage::ReoptOpen => self.open(&[]).map(drop),
            ClientMessage::NFetch { buffer_size } => self.nfetch(buffer_size),
            ClientMessage::SFetch {
                scroll_type,
                target,
                ..
            } => self.sfetch(scroll_type, target),
            ClientMessage::Execute => self.execute(),
            ClientMessage::Close => match self.stmts.get_mut(self.current).and_then(Option::as_mut)
            {
                Some(s) if s.autofree => {
                    self.release();
                    Ok(())
                }
                Some(s) => {
                    s.cursor = None;
                    s.scroll_requested = false;
                    Ok(())
                }
                None => Err(sql_error(-267)),
            },
            ClientMessage::Release => {
                self.release();
                Ok(())
            }
            ClientMessage::Bind(params) => match self.pending_routine.take() {
                Some(routine) => self.call_routine(routine, &params),
                None => self.bind(&params),
            },
            ClientMessage::BlobBind { .. } => {
                let stmt_index = self.current;
                let targets = self.stmt()?.pending_blobs.clone();
                self.intake = Some(BlobIntake {
                    stmt: stmt_index,
                    targets,
                    index: 0,
                    acc: Vec::new(),
                });
                Ok(())
            }
            ClientMessage::Blob(chunk) => self.blob_chunk(chunk),
            ClientMessage::FetchBlob(descriptor) => self.fetch_blob(descriptor),
            ClientMessage::Begin => {
                let db = self.db()?;
                if db.mode() == DbMode::Unlogged {
                    return Err(sql_error(-201));
                }
                db.begin()
            }
            ClientMessage::Commit => self.db()?.commit(),
            ClientMessage::Rollback { .. } => self.db()?.rollback(),
            ClientMessage::DbOpen { name, .. } => self.dbopen(name),
            ClientMessage::Protocols(_) => {
                self.out.put_i16(tags::SQ_PROTOCOLS);
                self.out.put_pstr(&SERVER_PROTOCOLS);
                Ok(())
            }
            ClientMessage::Info { .. } => Ok(()),
            ClientMessage::Version => {
                self.out.put_i16(tags::SQ_VERSION);
                let v = self.shared.settings.internal_version.clone();
                self.out.put_pstr(v.as_bytes());
                Ok(())
            }
            ClientMessage::GetRoutine { signature, .. } => self.get_routine(signature),
            ClientMessage::ExecRoutine { handle, .. } => {
                let index = usize::try_from(handle)
                    .ok()
                    .and_then(|h| h.checked_sub(1))
                    .filter(|i| *i < self.routines.len())
                    .ok_or_else(|| sql_error(-674))?;
                self.db()?;
                self.pending_routine = Some(index);
                Ok(())
            }
            ClientMessage::Eot | ClientMessage::Exit => Ok(()),
        }
    }

    /// SQ_GETROUTINE: resolves a signature to a routine the engine evaluates (its
    /// scalar functions, `ifx_lo_close` included) and answers its handle.
    fn get_routine(&mut self, signature: &[u8]) -> Result<(), SqlError> {
        let text = latin1_to_string(signature);
        let key: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let unknown = |near: &str| SqlError {
            near: near.to_owned(),
            ..sql_error(-674)
        };
        let index = match self.routines.iter().position(|r| r.key == key) {
            Some(i) => i,
            None => {
                let sig = parse_signature(&text).ok_or_else(|| unknown(text.trim()))?;
                let args: Vec<String> = sig
                    .arg_types
                    .iter()
                    .map(|t| format!("CAST(? AS {t})"))
                    .collect();
                let sql = format!(
                    "SELECT {}({}) FROM systables WHERE tabid = 1",
                    sig.name,
                    args.join(", ")
                );
                // Whatever the engine cannot evaluate is not a routine it knows.
                let prepared = self.db()?.prepare(&sql).map_err(|_| unknown(&sig.name))?;
                if !prepared.is_query || prepared.columns.len() != 1 {
                    return Err(unknown(&sig.name));
                }
                self.routines.push(Routine { key, sql });
                self.routines.len() - 1
            }
        };
        let database = self.db()?.database().to_owned();
        ServerMessage::RoutineHandle {
            database,
            handle: i32::try_from(index + 1).unwrap_or(i32::MAX),
        }
        .encode(&mut self.out);
        Ok(())
    }

    /// SQ_EXFPROUTINE + SQ_BIND: runs the routine with the bound values and answers
    /// SQ_FPROUTINE with its typed result, then DONE and COST.
    fn call_routine(&mut self, index: usize, params: &[BindParam<'_>]) -> Result<(), SqlError> {
        let codec = self.codec;
        let mut values = Vec::with_capacity(params.len());
        for p in params {
            match values::bind_param(p, codec)? {
                Bound::Value(v) => values.push(v),
                // BYTE/TEXT arguments would need an SQ_BBIND stream: not for routines.
                Bound::PendingBlob { .. } => return Err(sql_error(-1260)),
            }
        }
        let sql = self
            .routines
            .get(index)
            .map(|r| r.sql.clone())
            .ok_or_else(|| sql_error(-674))?;
        let db = self.db()?;
        let prepared = db.prepare(&sql)?;
        if values.len() != prepared.params.len() {
            return Err(sql_error(-254));
        }
        let rows = db.query(&prepared, &values)?;
        let row = rows.into_iter().next().unwrap_or_default();
        let results: Vec<FpOut> = prepared
            .columns
            .iter()
            .enumerate()
            .map(|(i, ci)| values::fast_path_value(ci, row.get(i).unwrap_or(&Cell::Null), codec))
            .collect::<Result<_, _>>()?;
        ServerMessage::RoutineResult(
            results
                .iter()
                .map(|r| FpValue {
                    type_code: r.type_code,
                    owner: &r.owner,
                    type_name: &r.type_name,
                    indicator: if r.data.is_some() { 0 } else { -1 },
                    prec: r.prec,
                    data: r.data.as_deref().unwrap_or_default(),
                })
                .collect(),
        )
        .encode(&mut self.out);
        encode_done(
            &mut self.out,
            &Done {
                rows: 1,
                ..Done::default()
            },
        );
        self.put_cost();
        Ok(())
    }

    /// Frees the current statement (unknown ids are accepted).
    fn release(&mut self) {
        if let Some(slot) = self.stmts.get_mut(self.current) {
            *slot = None;
        }
        while matches!(self.stmts.last(), Some(None)) {
            self.stmts.pop();
        }
    }

    /// Runs one statement given as a protocol message (savepoints).
    fn run_sql(&mut self, sql: &str) -> Result<(), SqlError> {
        let db = self.db()?;
        let prepared = db.prepare(sql)?;
        db.execute(&prepared, &[])?;
        Ok(())
    }

    fn put_cost(&mut self) {
        self.out.put_i16(tags::SQ_COST);
        self.out.put_i32(1);
        self.out.put_i32(1);
    }

    fn dbopen(&mut self, name: &[u8]) -> Result<(), SqlError> {
        if self.explicit_db {
            return Err(sql_error(-759));
        }
        let name = latin1_to_string(name);
        let name = name.split('@').next().unwrap_or_default().trim().to_owned();
        if let Some(mut old) = self.db.take() {
            self.stmts.clear();
            self.routines.clear();
            old.close();
            lock(&self.info.database).clear();
        }
        let session = self.shared.engine.open_session(&name, &self.user)?;
        // 0x04 says an Informix Dynamic Server opened it; IBM JDBC relies on that bit to
        // skip catalogue probes meant for other products (they ask for `dirpath`).
        let warnings = 0x04
            | match session.mode() {
                DbMode::Unlogged => 0,
                DbMode::Logged => 0x01,
                DbMode::Ansi => 0x03,
            };
        *lock(&self.info.database) = session.database().to_owned();
        self.db = Some(session);
        encode_done(
            &mut self.out,
            &Done {
                warnings,
                ..Done::default()
            },
        );
        Ok(())
    }

    fn prepare(&mut self, sql: &[u8]) -> Result<(), SqlError> {
        let text = self.codec.decode(sql);
        let rewrite = if lobfile::mentions_client_files(&text) {
            lobfile::rewrite(&text)
        } else {
            None
        };
        let prepared = match &rewrite {
            Some(rw) => self.db()?.prepare(&rw.sql)?,
            None => self.db()?.prepare(&text)?,
        };
        let (reads, writes) = rewrite.map(|rw| (rw.reads, rw.writes)).unwrap_or_default();
        let mut columns: Vec<ColumnInfo> = prepared.columns.iter().map(copy_column).collect();
        for w in &writes {
            if let Some(c) = columns.get_mut(w.column) {
                *c = values::file_name_column(c);
            }
        }
        let slot = match self.stmts.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.stmts.push(None);
                self.stmts.len() - 1
            }
        };
        self.stmts[slot] = Some(Stmt {
            prepared,
            columns,
            reads,
            writes,
            params: Vec::new(),
            pending_blobs: Vec::new(),
            scroll_requested: false,
            autofree: false,
            return_types: Vec::new(),
            keys: None,
            cursor: None,
        });
        self.current = slot;
        Ok(())
    }

    fn bind(&mut self, params: &[BindParam<'_>]) -> Result<(), SqlError> {
        self.guard_scroll()?;
        let codec = self.codec;
        let mut values = Vec::with_capacity(params.len());
        let mut pending = Vec::new();
        for (i, p) in params.iter().enumerate() {
            match values::bind_param(p, codec)? {
                Bound::Value(v) => values.push(v),
                Bound::PendingBlob { text } => {
                    pending.push((i, text));
                    values.push(Param::Null);
                }
            }
        }
        let stmt = self.stmt()?;
        stmt.params = values;
        stmt.pending_blobs = pending;
        Ok(())
    }

    fn blob_chunk(&mut self, chunk: &[u8]) -> Result<(), SqlError> {
        let codec = self.codec;
        let Some(intake) = self.intake.as_mut() else {
            return Err(sql_error(-408));
        };
        if !chunk.is_empty() {
            intake.acc.extend_from_slice(chunk);
            return Ok(());
        }
        let value = std::mem::take(&mut intake.acc);
        let target = intake.targets.get(intake.index).copied();
        intake.index += 1;
        let stmt_index = intake.stmt;
        if let Some((param, text)) = target
            && let Some(Some(stmt)) = self.stmts.get_mut(stmt_index)
            && let Some(slot) = stmt.params.get_mut(param)
        {
            *slot = if text {
                Param::Text(codec.decode(&value))
            } else {
                Param::Bytes(value)
            };
        }
        Ok(())
    }

    /// OPEN; `rest` is what its request holds after it. A query with a large result
    /// may answer that rest, and lone NFETCHes queued behind it, while it still runs.
    fn open(&mut self, rest: &[u8]) -> Result<Opened, SqlError> {
        self.guard_scroll()?;
        let extra = self.read_client_files()?;
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let codec = self.codec;
        let id = self.current;
        let owed = if self.pending_routine.is_none() && self.intake.is_none() {
            Owed::after_open(rest, id)
        } else {
            None
        };
        let db = self.db.as_mut().ok_or_else(|| sql_error(-349))?;
        let stmt = self
            .stmts
            .get_mut(id)
            .and_then(Option::as_mut)
            .ok_or_else(|| sql_error(-258))?;
        stmt.cursor = None;
        let scroll = std::mem::take(&mut stmt.scroll_requested);
        let mut early = owed
            .filter(|_| !scroll && stmt.reads.is_empty())
            .map(|owed| EarlyReplies {
                input: &mut self.transport.input,
                output: &mut *self.transport.output,
                out: &mut self.out,
                info: &self.info,
                faults: &self.shared.faults,
                stmt: id,
                owed,
                look_at: EARLY_LOOK_EVERY,
                answered_request: false,
                broken: false,
            });
        let (params, inserted) = with_file_params(std::mem::take(&mut stmt.params), extra);
        let result = run_query(db, stmt, &params, codec, generation, early.as_mut());
        stmt.params = without_file_params(params, &inserted);
        let opened = match early {
            Some(e) => {
                self.broken |= e.broken;
                if e.answered_request {
                    self.sent_early = true;
                    Opened::RequestAnswered
                } else {
                    Opened::Pending
                }
            }
            None => Opened::Pending,
        };
        let mut cursor = result?;
        cursor.scroll = scroll;
        stmt.cursor = Some(cursor);
        Ok(opened)
    }

    /// SQ_RET_TYPE. IBM JDBC asks for the described types (LVARCHAR as 43, ...), whose
    /// tuple layouts are ours anyway, except BOOLEAN asked as SQLBOOL (45), whose value
    /// byte is 1/0 rather than `t`/`f`. A cursor opened but not yet fetched is
    /// re-encoded (JDBC sends RET_TYPE with its first NFETCH, after OPEN).
    fn return_types(&mut self, columns: &[ReturnType<'_>]) -> Result<(), SqlError> {
        let codec = self.codec;
        let stmt = self.stmt()?;
        stmt.return_types = columns.iter().map(|c| c.type_code).collect();
        let Some(cursor) = stmt.cursor.as_mut() else {
            return Ok(());
        };
        let Some(rows) = cursor.raw.take() else {
            return Ok(());
        };
        if cursor.next > 0 || cursor.current > 0 {
            return Ok(());
        }
        let generation = cursor.blobs.generation;
        let scroll = cursor.scroll;
        let mut fresh = build_cursor(stmt, rows, codec, generation, false)?;
        fresh.scroll = scroll;
        stmt.cursor = Some(fresh);
        Ok(())
    }

    fn nfetch(&mut self, buffer_size: i32) -> Result<(), SqlError> {
        let cursor = fetchable_cursor(&mut self.stmts, self.current)?;
        let n = cursor.rows();
        let start = cursor.next;
        if start == n
            && let Some(e) = cursor.failure.take()
        {
            cursor.dead = true;
            return Err(e);
        }
        let end = cursor.batch_end(fetch_budget(buffer_size));
        cursor.next = end;
        // A result cut short by an error has no DONE: the next fetch reports the error.
        let exhausted = end == n && cursor.failure.is_none();
        let from = cursor.offsets[start];
        let to = cursor.offsets[end];
        if cursor.files.is_empty() {
            self.out.extend_from_slice(&cursor.data[from..to]);
        } else {
            // Each row's lotofile values go to client files before the row itself.
            let batch: Vec<(Vec<u8>, RowFiles)> = (start..end)
                .map(|row| (cursor.tuple(row).to_vec(), cursor.files_of(row)))
                .collect();
            for (tuple, files) in batch {
                for (name, bytes) in files {
                    self.write_client_file(&name, &bytes)?;
                }
                self.out.extend_from_slice(&tuple);
            }
        }
        if exhausted {
            let rows = i32::try_from(n).unwrap_or(i32::MAX);
            encode_done(
                &mut self.out,
                &Done {
                    rows,
                    ..Done::default()
                },
            );
            self.put_cost();
        }
        Ok(())
    }

    fn sfetch(&mut self, scroll_type: i16, target: i32) -> Result<(), SqlError> {
        let cursor = fetchable_cursor(&mut self.stmts, self.current)?;
        let n = i64::try_from(cursor.rows()).unwrap_or(i64::MAX);
        let cur = i64::try_from(cursor.current).unwrap_or(0);
        let target = i64::from(target);
        let want = match scroll_type {
            scroll::NEXT => cur + 1,
            scroll::PRIOR => cur - 1,
            scroll::FIRST => 1,
            scroll::LAST => n,
            scroll::CURRENT => cur,
            scroll::ABSOLUTE if target < 0 => n + 1 + target,
            scroll::ABSOLUTE => target,
            scroll::RELATIVE => cur + target,
            _ => return Err(sql_error(-408)),
        };
        if want >= 1 && want <= n {
            let idx = usize::try_from(want - 1).unwrap_or(0);
            cursor.current = idx + 1;
            let bytes = cursor.tuple(idx).to_vec();
            for (name, data) in cursor.files_of(idx) {
                self.write_client_file(&name, &data)?;
            }
            self.out.extend_from_slice(&bytes);
            self.out.put_i16(tags::SQ_TUPID);
            self.out.put_i32(i32::try_from(want).unwrap_or(i32::MAX));
        } else {
            cursor.current = if want < 1 {
                0
            } else {
                usize::try_from(n + 1).unwrap_or(usize::MAX)
            };
            encode_done(
                &mut self.out,
                &Done {
                    rows: i32::try_from(n).unwrap_or(i32::MAX),
                    ..Done::default()
                },
            );
        }
        Ok(())
    }

    fn execute(&mut self) -> Result<(), SqlError> {
        self.guard_scroll()?;
        let extra = self.read_client_files()?;
        let db = self.db.as_mut().ok_or_else(|| sql_error(-349))?;
        let stmt = self
            .stmts
            .get_mut(self.current)
            .and_then(Option::as_mut)
            .ok_or_else(|| sql_error(-258))?;
        if stmt.prepared.is_query && stmt.prepared.statement_type == tags::stmt::SELECT {
            // A SELECT must be opened as a cursor, as a real server insists.
            return Err(sql_error(-260));
        }
        let (params, inserted) = with_file_params(std::mem::take(&mut stmt.params), extra);
        let result = db.execute(&stmt.prepared, &params);
        stmt.params = without_file_params(params, &inserted);
        let r = result?;
        if stmt.keys.is_some() {
            // One row of generated keys: SERIAL from the DONE's serial, SERIAL8 and
            // BIGSERIAL from the value the INSERT generated.
            let keys = stmt.key_columns();
            if !keys.is_empty() {
                let row: Vec<Cell> = keys
                    .iter()
                    .map(|c| match c.coltype & 0xFF {
                        6 => Cell::Int(i64::from(r.serial)),
                        _ => r.serial8.map_or(Cell::Null, Cell::Int),
                    })
                    .collect();
                let enc = RowEncoder::new(&keys, self.codec, &[]);
                let mut payload = Vec::new();
                let mut blobs = BlobStore {
                    generation: 0,
                    values: Vec::new(),
                };
                enc.encode_row(&row, &mut payload, &mut blobs)?;
                self.out.put_i16(tags::SQ_SGKTUPLE);
                self.out.put_i16(0);
                self.out
                    .put_i32(i32::try_from(payload.len()).unwrap_or(i32::MAX));
                self.out.put_bytes(&payload);
                self.out.put_pad_for(payload.len());
            }
        }
        if let Some(s8) = r.serial8 {
            self.out.put_i16(tags::SQ_INSERTDONE);
            super::packed::encode_int8(Some(s8), &mut self.out);
            self.out.put_i64(s8);
        }
        encode_done(
            &mut self.out,
            &Done {
                warnings: 0,
                rows: i32::try_from(r.rows).unwrap_or(i32::MAX),
                rowid: 0,
                serial: r.serial,
            },
        );
        self.put_cost();
        Ok(())
    }

    // ---------------------------------------------------------------- SQ_FILE

    /// Sends what is pending (an SQ_FILE step ending in EOT) and reads the client's
    /// answer; the answer is checked by `parse` and consumed.
    fn file_step(
        &mut self,
        parse: impl Fn(&[u8]) -> Result<Option<(usize, Vec<u8>)>, ()>,
    ) -> Result<Vec<u8>, SqlError> {
        self.out.put_i16(tags::SQ_EOT);
        self.reply_done();
        if !self.flush_turn() {
            self.broken = true;
            return Err(sql_error(-408));
        }
        loop {
            match parse(self.transport.input.available()) {
                Ok(Some((used, data))) => {
                    self.transport.input.consume(used);
                    self.info.requests.fetch_add(1, Ordering::Relaxed);
                    return Ok(data);
                }
                Ok(None) => {
                    if !self.transport.input.fill() {
                        self.broken = true;
                        return Err(sql_error(-408));
                    }
                }
                Err(()) => {
                    self.broken = true;
                    return Err(sql_error(-408));
                }
            }
        }
    }

    fn file_open(&mut self, name: &str, mode: i32) -> Result<(), SqlError> {
        self.out.put_i16(tags::SQ_FILE);
        self.out.put_i16(file_op::OPEN);
        self.out.put_pstr(&self.codec.encode(name));
        self.out.put_i32(mode);
        self.out.put_i32(0);
        self.out.put_i32(0);
        self.file_step(parse_eot).map(|_| ())
    }

    fn file_close(&mut self) -> Result<(), SqlError> {
        self.out.put_i16(tags::SQ_FILE);
        self.out.put_i16(file_op::CLOSE);
        self.file_step(parse_eot).map(|_| ())
    }

    /// Reads a whole client file (`filetoblob(name, 'client')`).
    fn read_client_file(&mut self, name: &str) -> Result<Vec<u8>, SqlError> {
        self.file_open(name, 0)?;
        self.out.put_i16(tags::SQ_FILE);
        self.out.put_i16(file_op::READ);
        self.out.put_i16(FILE_CHUNK as i16);
        self.out.put_i32(-1);
        let data = self.file_step(parse_file_read)?;
        self.file_close()?;
        Ok(data)
    }

    /// Writes a client file (`lotofile(expr, name, 'client')`).
    fn write_client_file(&mut self, name: &str, data: &[u8]) -> Result<(), SqlError> {
        self.files_written += 1;
        self.file_open(name, 1)?;
        self.out.put_i16(tags::SQ_FILE);
        self.out.put_i16(file_op::WRITE);
        for chunk in data.chunks(FILE_CHUNK) {
            self.out.put_i16(file_op::TAG_WRITE);
            self.out.put_pstr(chunk);
        }
        self.file_step(parse_file_write_ack)?;
        self.file_close()
    }

    /// Performs the statement's `filetoblob`/`filetoclob` reads; returns the values to
    /// insert among the bound parameters.
    fn read_client_files(&mut self) -> Result<Vec<(usize, Param)>, SqlError> {
        let reads = match self.stmts.get(self.current).and_then(Option::as_ref) {
            Some(s) if !s.reads.is_empty() => s.reads.clone(),
            _ => return Ok(Vec::new()),
        };
        let mut out = Vec::with_capacity(reads.len());
        for r in reads {
            let data = self.read_client_file(&r.name)?;
            let v = if r.clob {
                Param::Text(self.codec.decode(&data))
            } else {
                Param::Bytes(data)
            };
            out.push((r.param_index, v));
        }
        Ok(out)
    }

    fn fetch_blob(&mut self, descriptor: &[u8]) -> Result<(), SqlError> {
        let (generation, index) =
            values::blob_locator(descriptor).ok_or_else(|| sql_error(-451))?;
        let value = self
            .stmts
            .iter()
            .flatten()
            .filter_map(|s| s.cursor.as_ref())
            .find(|c| c.blobs.generation == generation)
            .and_then(|c| c.blobs.values.get(index))
            .ok_or_else(|| sql_error(-451))?;
        for chunk in value.chunks(BLOB_CHUNK) {
            self.out.put_i16(tags::SQ_BLOB);
            self.out.put_pstr(chunk);
        }
        self.out.put_i16(tags::SQ_BLOB);
        self.out.put_i16(0);
        Ok(())
    }
}

/// The bound parameters with client-file values inserted at their placeholder
/// positions; also returns where they went, for [`without_file_params`].
fn with_file_params(
    mut params: Vec<Param>,
    extra: Vec<(usize, Param)>,
) -> (Vec<Param>, Vec<usize>) {
    let mut inserted = Vec::with_capacity(extra.len());
    for (at, v) in extra {
        let at = at.min(params.len());
        params.insert(at, v);
        inserted.push(at);
    }
    (params, inserted)
}

/// Undoes [`with_file_params`], giving back the client's own bound values.
fn without_file_params(mut params: Vec<Param>, inserted: &[usize]) -> Vec<Param> {
    for &at in inserted.iter().rev() {
        if at < params.len() {
            params.remove(at);
        }
    }
    params
}

/// A field-by-field copy (the engine's type need not be Clone).
fn copy_column(c: &ColumnInfo) -> ColumnInfo {
    ColumnInfo {
        name: c.name.clone(),
        coltype: c.coltype,
        collength: c.collength,
        extended_id: c.extended_id,
        extended_name: c.extended_name.clone(),
        owner: c.owner.clone(),
    }
}

type Parsed = Result<Option<(usize, Vec<u8>)>, ()>;

fn be16(b: &[u8], at: usize) -> Option<i16> {
    b.get(at..at + 2).map(|x| i16::from_be_bytes([x[0], x[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<i32> {
    b.get(at..at + 4)
        .map(|x| i32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// The client's bare `EOT` acknowledgement.
fn parse_eot(b: &[u8]) -> Parsed {
    match be16(b, 0) {
        None => Ok(None),
        Some(tags::SQ_EOT) => Ok(Some((2, Vec::new()))),
        Some(_) => Err(()),
    }
}

/// `107 i32 total EOT`: the client took a file write.
fn parse_file_write_ack(b: &[u8]) -> Parsed {
    match be16(b, 0) {
        None => Ok(None),
        Some(file_op::TAG_WRITE) => match be16(b, 6) {
            None => Ok(None),
            Some(tags::SQ_EOT) => Ok(Some((8, Vec::new()))),
            Some(_) => Err(()),
        },
        Some(_) => Err(()),
    }
}

/// `106 i32 total`, chunks `106 i16 len data [pad]`, EOT: a file's content.
fn parse_file_read(b: &[u8]) -> Parsed {
    match be16(b, 0) {
        None => return Ok(None),
        Some(file_op::TAG_READ) => {}
        Some(_) => return Err(()),
    }
    let Some(total) = be32(b, 2) else {
        return Ok(None);
    };
    let mut data = Vec::with_capacity(usize::try_from(total).unwrap_or(0).min(1 << 26));
    let mut at = 6;
    loop {
        match be16(b, at) {
            None => return Ok(None),
            Some(tags::SQ_EOT) => return Ok(Some((at + 2, data))),
            Some(file_op::TAG_READ) => {
                let Some(len) = be16(b, at + 2) else {
                    return Ok(None);
                };
                let len = usize::try_from(len).map_err(|_| ())?;
                let body = at + 4;
                let Some(chunk) = b.get(body..body + len) else {
                    return Ok(None);
                };
                data.extend_from_slice(chunk);
                at = body + len + (len & 1);
            }
            Some(_) => return Err(()),
        }
    }
}

fn server_error(e: &SqlError) -> ServerError {
    ServerError {
        sqlcode: e.sqlcode,
        isam: e.isam,
        offset: e.offset,
        near: e.near.clone(),
    }
}

fn run_query(
    db: &mut DbSession,
    stmt: &Stmt,
    params: &[Param],
    codec: TextCodec,
    generation: u32,
    early: Option<&mut EarlyReplies<'_>>,
) -> Result<Cursor, SqlError> {
    let prepared = &stmt.prepared;
    // Keep the rows while a first SQ_RET_TYPE could still change their encoding.
    let keep = stmt.return_types.is_empty() && values::depends_on_return_types(&stmt.columns);
    if prepared.is_query && !keep && stmt.writes.is_empty() {
        return stream_cursor(db, stmt, params, codec, generation, early);
    }
    let rows = if prepared.is_query {
        db.query(prepared, params)?
    } else {
        db.execute(prepared, params)?;
        Vec::new()
    };
    build_cursor(stmt, rows, codec, generation, keep)
}

fn empty_cursor(generation: u32, raw: Option<Vec<Vec<Cell>>>) -> Cursor {
    Cursor {
        scroll: false,
        data: Vec::new(),
        offsets: vec![0],
        next: 0,
        current: 0,
        dead: false,
        blobs: BlobStore {
            generation,
            values: Vec::new(),
        },
        files: Vec::new(),
        raw,
        failure: None,
    }
}

/// The open, live cursor of statement `id`, about to be fetched from: the rows kept for
/// a late SQ_RET_TYPE are no longer needed.
fn fetchable_cursor(stmts: &mut [Option<Stmt>], id: usize) -> Result<&mut Cursor, SqlError> {
    let stmt = stmts
        .get_mut(id)
        .and_then(Option::as_mut)
        .ok_or_else(|| sql_error(-258))?;
    let cursor = stmt.cursor.as_mut().ok_or_else(|| sql_error(-400))?;
    if cursor.dead {
        return Err(sql_error(-267));
    }
    cursor.raw = None;
    Ok(cursor)
}

/// [`build_cursor`] for a query with no client files and no rows to keep: each row is
/// encoded as the engine produces it, with no row set in between. The outcome is the
/// same: an engine error wins over an encoding error, which is the first row's.
/// With `early`, fetches are answered while rows are still coming; an error after
/// such a reply no longer fails OPEN but ends the result where it happened.
fn stream_cursor(
    db: &mut DbSession,
    stmt: &Stmt,
    params: &[Param],
    codec: TextCodec,
    generation: u32,
    mut early: Option<&mut EarlyReplies<'_>>,
) -> Result<Cursor, SqlError> {
    let enc = RowEncoder::new(&stmt.columns, codec, &stmt.return_types);
    let mut cursor = empty_cursor(generation, None);
    cursor.data.reserve(4096);
    let mut failed: Option<SqlError> = None;
    let outcome = db.query_each(&stmt.prepared, params, &mut |row: &mut Vec<Cell>| {
        if failed.is_none() {
            let at = begin_tuple(&mut cursor.data);
            match enc.encode_row(row, &mut cursor.data, &mut cursor.blobs) {
                Ok(()) => {
                    finish_tuple(&mut cursor.data, at);
                    cursor.offsets.push(cursor.data.len());
                }
                Err(e) => {
                    // The half-written tuple is no row.
                    cursor.data.truncate(at - 4);
                    failed = Some(e);
                }
            }
        }
        match early.as_deref_mut() {
            Some(early) => early.look(&mut cursor),
            None => Ok(()),
        }
    });
    match outcome.err().or(failed) {
        None => Ok(cursor),
        Some(e) if early.is_some_and(|e| e.answered_request) => {
            cursor.failure = Some(e);
            Ok(cursor)
        }
        Some(e) => Err(e),
    }
}

/// Encodes a result set into TUPLE messages (and its client files and BYTE/TEXT values).
fn build_cursor(
    stmt: &Stmt,
    mut rows: Vec<Vec<Cell>>,
    codec: TextCodec,
    generation: u32,
    keep_rows: bool,
) -> Result<Cursor, SqlError> {
    let raw = keep_rows.then(|| rows.clone());
    let enc = RowEncoder::new(&stmt.columns, codec, &stmt.return_types);
    let mut cursor = Cursor {
        scroll: false,
        data: Vec::with_capacity(rows.len() * (16 + 8 * enc.column_count())),
        offsets: Vec::with_capacity(rows.len() + 1),
        next: 0,
        current: 0,
        dead: false,
        blobs: BlobStore {
            generation,
            values: Vec::new(),
        },
        files: Vec::new(),
        raw,
        failure: None,
    };
    cursor.offsets.push(0);
    for (i, row) in rows.iter_mut().enumerate() {
        for w in &stmt.writes {
            if let Some(cell) = row.get_mut(w.column)
                && let Some(bytes) = values::cell_bytes(cell, codec)
            {
                let name = format!("{}.{generation:08x}{i:08x}", w.name);
                *cell = Cell::Text(name.clone());
                cursor.files.push((i, name, bytes));
            }
        }
        let at = begin_tuple(&mut cursor.data);
        enc.encode_row(row, &mut cursor.data, &mut cursor.blobs)?;
        finish_tuple(&mut cursor.data, at);
        cursor.offsets.push(cursor.data.len());
    }
    Ok(cursor)
}

#[cfg(test)]
mod tests {
    use super::{RoutineSignature, parse_signature};

    fn sig(name: &str, args: &[&str]) -> Option<RoutineSignature> {
        Some(RoutineSignature {
            name: name.into(),
            arg_types: args.iter().map(|a| (*a).to_owned()).collect(),
        })
    }

    #[test]
    fn signatures_parse() {
        assert_eq!(
            parse_signature("function informix.ifx_lo_close(integer)"),
            sig("ifx_lo_close", &["integer"])
        );
        assert_eq!(
            parse_signature(" PROCEDURE Round ( DECIMAL(10, 2) , integer ) "),
            sig("round", &["decimal(10, 2)", "integer"])
        );
        assert_eq!(parse_signature("function f()"), sig("f", &[]));
        for bad in [
            "abs(integer)",
            "select abs(integer)",
            "function abs",
            "function abs(integer",
            "function abs(integer,)",
            "function a;b(integer)",
            "function abs(integer) x",
            "function abs(int); drop table t(",
        ] {
            assert_eq!(parse_signature(bad), None, "{bad}");
        }
    }
}
