//! A connection pool shared by threads (and, through callbacks, by event loops).
//!
//! Design, in short:
//!
//! * One mutex guards the bookkeeping ([`Inner`]); it is never held across network I/O.
//!   Connecting, health checks, rollbacks on release and closing all happen after it is
//!   released, on the acquiring thread, on a short-lived helper thread, or on the pool's
//!   one maintenance thread.
//! * Every slot is accounted for: `size = idle + lent + pending`, where `pending` counts
//!   connections being opened, checked, reset or handed over. `size` never exceeds
//!   `max_size`.
//! * Waiters are served strictly first come, first served: a released or newly opened
//!   connection goes straight to the longest waiter; arrivals never overtake a queue.
//! * One absolute deadline per acquire covers queueing, connecting and checking.
//! * Idle connections are handed out without a round trip when they were used within
//!   `health_check_after`; older ones get [`Connection::ping`], bounded by a watchdog
//!   that cuts the socket when the check overruns.
//! * A lost connection marks every idle connection last used before that moment stale
//!   (one failure cleans the pool). While the server refuses connections, one
//!   background probe retries with jittered exponential backoff and acquirers that
//!   would need a new connection fail at once with the real connect error.
//! * Asynchronous callers register a callback instead of blocking
//!   ([`Pool::acquire_async`]); the callback runs outside the lock, on whichever thread
//!   completed the hand-off.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex, MutexGuard};

use crate::connection::Connection;
use crate::error::Error;
use crate::options::ConnectOptions;

/// Everything a pool needs: how to connect, how many, and its timings.
#[derive(Clone)]
pub struct PoolConfig {
    pub connect: ConnectOptions,
    /// Connections opened at construction and kept open in the background.
    pub min_size: usize,
    /// Hard ceiling on open connections (idle + in use + being opened).
    pub max_size: usize,
    /// Default bound on one acquire: queueing, connecting and checking together.
    pub acquire_timeout: Duration,
    /// Connections older than this are closed when idle or on return (None: never).
    pub max_lifetime: Option<Duration>,
    /// Fraction (0..=1) by which each connection's lifetime is randomly shortened, so
    /// connections opened together do not all expire together.
    pub lifetime_jitter: f64,
    /// Idle connections above `min_size` are closed after this long unused.
    pub idle_timeout: Option<Duration>,
    /// A connection that completed an exchange within this window is handed out
    /// without a liveness round trip.
    pub health_check_after: Duration,
    /// Bound on one liveness check.
    pub check_timeout: Duration,
    /// Bound on the rollback run when a connection comes back inside a transaction.
    pub reset_timeout: Duration,
    /// Warn (once per checkout) about connections held longer than this.
    pub leak_threshold: Option<Duration>,
    /// First reconnect delay after a failed connect; doubles per failure.
    pub reconnect_base: Duration,
    /// Ceiling on the reconnect delay.
    pub reconnect_max: Duration,
    /// Callers allowed to queue at once (0: unbounded); beyond it acquire fails at once.
    pub max_waiting: usize,
    /// How often the maintenance thread looks at idle expiry and leaks.
    pub housekeeping_interval: Duration,
    /// Receives pool events (connect failures, leaks, invalidations...).
    pub on_event: Option<EventHook>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            connect: ConnectOptions::default(),
            min_size: 0,
            max_size: 10,
            acquire_timeout: Duration::from_secs(30),
            max_lifetime: Some(Duration::from_secs(30 * 60)),
            lifetime_jitter: 0.1,
            idle_timeout: Some(Duration::from_secs(10 * 60)),
            health_check_after: Duration::from_millis(500),
            check_timeout: Duration::from_secs(5),
            reset_timeout: Duration::from_secs(5),
            leak_threshold: None,
            reconnect_base: Duration::from_millis(100),
            reconnect_max: Duration::from_secs(5),
            max_waiting: 0,
            housekeeping_interval: Duration::from_secs(1),
            on_event: None,
        }
    }
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("host", &self.connect.host)
            .field("port", &self.connect.port)
            .field("database", &self.connect.database)
            .field("min_size", &self.min_size)
            .field("max_size", &self.max_size)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("max_lifetime", &self.max_lifetime)
            .field("idle_timeout", &self.idle_timeout)
            .field("health_check_after", &self.health_check_after)
            .field("leak_threshold", &self.leak_threshold)
            .finish_non_exhaustive()
    }
}

/// Callback for [`PoolEvent`]s. Called outside the pool lock, on whichever thread saw it.
pub type EventHook = Arc<dyn Fn(&PoolEvent) + Send + Sync>;

/// Something an operator may want to know about.
#[derive(Debug, Clone)]
pub enum PoolEvent {
    /// Opening a connection failed; `retry_in` is the backoff before the next attempt.
    ConnectFailed {
        error: Error,
        attempt: u32,
        retry_in: Duration,
    },
    /// A connection opened after a period of failures.
    Reconnected { down_for: Duration },
    /// A health check failed; the connection was discarded.
    CheckFailed { error: Error },
    /// A lost connection made older idle connections stale; this many were discarded.
    Invalidated { discarded: usize },
    /// A connection has been checked out for longer than the leak threshold.
    LeakSuspected {
        id: u64,
        held_for: Duration,
        site: Option<String>,
    },
    /// A checked-out connection was reclaimed because its holder disappeared.
    Reclaimed { id: u64, site: Option<String> },
}

impl PoolEvent {
    /// Short machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            PoolEvent::ConnectFailed { .. } => "connect_failed",
            PoolEvent::Reconnected { .. } => "reconnected",
            PoolEvent::CheckFailed { .. } => "check_failed",
            PoolEvent::Invalidated { .. } => "invalidated",
            PoolEvent::LeakSuspected { .. } => "leak_suspected",
            PoolEvent::Reclaimed { .. } => "reclaimed",
        }
    }
}

impl fmt::Display for PoolEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolEvent::ConnectFailed {
                error,
                attempt,
                retry_in,
            } => write!(
                f,
                "connect failed (attempt {attempt}): {error}; next attempt in {:.3} s",
                retry_in.as_secs_f64()
            ),
            PoolEvent::Reconnected { down_for } => write!(
                f,
                "server reachable again after {:.3} s",
                down_for.as_secs_f64()
            ),
            PoolEvent::CheckFailed { error } => {
                write!(f, "health check failed, connection discarded: {error}")
            }
            PoolEvent::Invalidated { discarded } => write!(
                f,
                "connection lost: discarded {discarded} idle connection(s) last used before it"
            ),
            PoolEvent::LeakSuspected { id, held_for, site } => write!(
                f,
                "connection #{id} checked out for {:.1} s and not returned (possible leak); acquired at {}",
                held_for.as_secs_f64(),
                site.as_deref().unwrap_or("<unknown call site>")
            ),
            PoolEvent::Reclaimed { id, site } => write!(
                f,
                "connection #{id} was dropped without being returned; slot reclaimed (acquired at {})",
                site.as_deref().unwrap_or("<unknown call site>")
            ),
        }
    }
}

/// Why an acquire or release did not succeed.
#[derive(Debug, Clone)]
pub enum PoolError {
    /// The pool is closed.
    Closed,
    /// No connection within the deadline (or the waiting queue is full); the message
    /// carries the pool's state and the last connect error.
    Timeout(String),
    /// A new connection was needed and the server cannot be reached: the real error.
    Connect(Error),
    /// The connection given back is not checked out from this pool.
    NotCheckedOut,
    /// Invalid settings.
    Config(String),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Closed => f.write_str("the connection pool is closed"),
            PoolError::Timeout(m) => f.write_str(m),
            PoolError::Connect(e) => write!(f, "cannot open a pool connection: {e}"),
            PoolError::NotCheckedOut => {
                f.write_str("connection is not checked out from this pool (released twice?)")
            }
            PoolError::Config(m) => write!(f, "invalid pool settings: {m}"),
        }
    }
}

impl std::error::Error for PoolError {}

/// A connection handed out by the pool. Give it back with [`Pool::release`] (or use
/// [`Pool::get`], whose guard does it on drop).
#[derive(Clone)]
pub struct Checkout {
    /// Stable identity of the pooled connection (the same across checkouts).
    pub id: u64,
    pub conn: Connection,
    home: Weak<Shared>,
}

impl fmt::Debug for Checkout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkout")
            .field("id", &self.id)
            .field("conn", &self.conn.label())
            .finish()
    }
}

impl Checkout {
    /// Returns the connection to the pool it came from (a no-op if that pool is gone).
    pub fn release(self, broken: bool) -> Result<(), PoolError> {
        match self.home.upgrade() {
            Some(shared) => shared.release(&self.conn, broken, false, true).map(|_| ()),
            None => {
                self.conn.abort();
                Ok(())
            }
        }
    }
}

/// Outcome of [`Pool::acquire_async`].
#[derive(Debug)]
pub enum AsyncAcquire {
    /// A connection was available at once; the callback will not be called.
    Ready(Checkout),
    /// The callback will be called exactly once; the ticket cancels the wait.
    Pending(u64),
}

/// Completion callback of an asynchronous acquire.
pub type AcquireCallback = Box<dyn FnOnce(Result<Checkout, PoolError>) + Send>;

/// A snapshot of the pool's state and counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolStats {
    pub size: usize,
    pub idle: usize,
    pub in_use: usize,
    pub waiting: usize,
    pub connecting: usize,
    pub min_size: usize,
    pub max_size: usize,
    pub acquisitions: u64,
    /// Acquisitions that had to queue.
    pub acquisitions_waited: u64,
    pub timeouts: u64,
    /// Acquires refused at once because the server was known to be down.
    pub fail_fast: u64,
    pub connections_created: u64,
    pub connections_closed: u64,
    pub connections_failed: u64,
    pub checks: u64,
    pub checks_failed: u64,
    pub evicted_broken: u64,
    pub expired_lifetime: u64,
    pub expired_idle: u64,
    pub invalidations: u64,
    pub rollbacks_on_release: u64,
    pub leaks_suspected: u64,
    pub reclaimed: u64,
    /// Acquire wait over the last 1024 acquisitions, in milliseconds.
    pub wait_p50_ms: f64,
    pub wait_p90_ms: f64,
    pub wait_p99_ms: f64,
    pub wait_max_ms: f64,
    pub server_down: bool,
    pub last_connect_error: Option<String>,
    pub closed: bool,
}

// ---------------------------------------------------------------------------
// internals
// ---------------------------------------------------------------------------

/// One pooled connection's bookkeeping.
struct Entry {
    id: u64,
    /// The pool generation it was opened in; [`Pool::drain`] retires older ones.
    generation: u64,
    conn: Connection,
    /// Round trips seen when the session was last known to have no open transaction
    /// (only tracked for ANSI databases, where any statement opens one implicitly).
    clean_rt: Option<u64>,
    expires: Option<Instant>,
    idle_since: Instant,
}

/// A checked-out connection.
struct Lent {
    e: Entry,
    since: Instant,
    site: Option<String>,
    warned: bool,
}

#[derive(Default)]
struct SyncWait {
    cv: Condvar,
    slot: Mutex<Option<Handoff>>,
}

enum Handoff {
    /// A connection for the waiter, with a pending slot reserved for it; the waiter
    /// still checks it when it is old enough.
    Conn(Entry),
    Failed(PoolError),
}

enum WaitKind {
    Sync(Arc<SyncWait>),
    Async(AcquireCallback),
}

struct Waiter {
    ticket: u64,
    since: Instant,
    deadline: Instant,
    site: Option<String>,
    kind: WaitKind,
}

struct Down {
    since: Instant,
    attempts: u32,
    next_attempt: Instant,
    error: Error,
}

struct Watch {
    token: u64,
    deadline: Instant,
    conn: Connection,
    fired: bool,
}

enum Deferred {
    /// Run on the unlocking thread, after the unlock.
    Run(Box<dyn FnOnce() + Send>),
    /// Run on a helper thread.
    Spawn(Box<dyn FnOnce() + Send>),
    /// Close (gracefully or by cutting the socket) on a helper thread.
    Close(Connection, bool),
    Event(PoolEvent),
}

#[derive(Default)]
struct Counters {
    acquisitions: u64,
    acquisitions_waited: u64,
    timeouts: u64,
    fail_fast: u64,
    created: u64,
    closed: u64,
    failed: u64,
    checks: u64,
    checks_failed: u64,
    evicted_broken: u64,
    expired_lifetime: u64,
    expired_idle: u64,
    invalidations: u64,
    rollbacks: u64,
    leaks: u64,
    reclaimed: u64,
}

const WAIT_SAMPLES: usize = 1024;

struct Inner {
    closed: bool,
    stop_maint: bool,
    maint_dirty: bool,
    min_size: usize,
    max_size: usize,
    /// LIFO: the most recently returned connection is at the end.
    idle: Vec<Entry>,
    lent: Vec<Lent>,
    pending: usize,
    connecting: usize,
    /// Returned connections being rolled back (they come back to the pool next).
    resetting: usize,
    probing: bool,
    waiters: VecDeque<Waiter>,
    next_id: u64,
    generation: u64,
    stale_before: Option<Instant>,
    down: Option<Down>,
    last_connect_error: Option<Error>,
    watches: Vec<Watch>,
    after: Vec<Deferred>,
    next_housekeeping: Instant,
    stats: Counters,
    waits_us: Vec<u64>,
    waits_pos: usize,
    rng: u64,
    /// Maintenance passes so far (diagnostics: the thread must sleep between events).
    maint_loops: u64,
}

impl Inner {
    fn size(&self) -> usize {
        self.idle.len() + self.lent.len() + self.pending
    }

    fn rand_unit(&mut self) -> f64 {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    fn record_wait(&mut self, waited: Duration) {
        let us = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        if self.waits_us.len() < WAIT_SAMPLES {
            self.waits_us.push(us);
        } else {
            self.waits_us[self.waits_pos] = us;
        }
        self.waits_pos = (self.waits_pos + 1) % WAIT_SAMPLES;
    }

    fn event(&mut self, e: PoolEvent) {
        self.after.push(Deferred::Event(e));
    }

    fn wake_maint(&mut self) {
        self.maint_dirty = true;
    }
}

struct Helpers {
    q: Mutex<HelperQueue>,
    cv: Condvar,
}

#[derive(Default)]
struct HelperQueue {
    jobs: VecDeque<Box<dyn FnOnce() + Send>>,
    /// Helpers asleep and not yet claimed.
    idle: usize,
    /// Claims made by spawn() not yet picked up by a woken helper.
    wakeups: usize,
}

const HELPER_IDLE_EXIT: Duration = Duration::from_secs(10);

struct Shared {
    cfg: PoolConfig,
    inner: Mutex<Inner>,
    maint_cv: Condvar,
    drained_cv: Condvar,
    helpers: Helpers,
    tickets: AtomicU64,
    maint: Mutex<Option<JoinHandle<()>>>,
    /// Set by close: idle helper threads exit at once instead of lingering.
    stopping: AtomicBool,
}

/// A pool of connections to one server and database. Cheap to clone; the pool is
/// closed when the last clone is dropped (or by [`Pool::close`]).
#[derive(Clone)]
pub struct Pool {
    handle: Arc<Handle>,
}

struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Never joins the maintenance thread here: a drop may happen on a thread the
        // maintenance thread is waiting for (e.g. one holding an interpreter lock).
        self.shared.close_inner(None, false);
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.stats();
        f.debug_struct("Pool")
            .field("size", &s.size)
            .field("idle", &s.idle)
            .field("in_use", &s.in_use)
            .field("waiting", &s.waiting)
            .field("max_size", &s.max_size)
            .finish()
    }
}

fn validate(min: usize, max: usize) -> Result<(), PoolError> {
    if max == 0 {
        return Err(PoolError::Config("max_size must be at least 1".into()));
    }
    if min > max {
        return Err(PoolError::Config(format!(
            "min_size ({min}) must not exceed max_size ({max})"
        )));
    }
    Ok(())
}

impl Pool {
    /// Opens `min_size` connections (in parallel) and starts the maintenance thread.
    /// Fails with the first connect error if any of them cannot be opened.
    pub fn new(cfg: PoolConfig) -> Result<Pool, PoolError> {
        validate(cfg.min_size, cfg.max_size)?;
        if !(0.0..=1.0).contains(&cfg.lifetime_jitter) {
            return Err(PoolError::Config(
                "lifetime_jitter must be within 0..=1".into(),
            ));
        }
        let now = Instant::now();
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x1234_5678)
            ^ u64::from(std::process::id()).rotate_left(32);
        let inner = Inner {
            closed: false,
            stop_maint: false,
            maint_dirty: false,
            min_size: cfg.min_size,
            max_size: cfg.max_size,
            idle: Vec::with_capacity(cfg.max_size),
            lent: Vec::with_capacity(cfg.max_size),
            pending: 0,
            connecting: 0,
            resetting: 0,
            probing: false,
            waiters: VecDeque::new(),
            next_id: 1,
            generation: 0,
            stale_before: None,
            down: None,
            last_connect_error: None,
            watches: Vec::new(),
            after: Vec::new(),
            next_housekeeping: later(now, cfg.housekeeping_interval),
            stats: Counters::default(),
            waits_us: Vec::new(),
            waits_pos: 0,
            rng: seed,
            maint_loops: 0,
        };
        let shared = Arc::new(Shared {
            cfg,
            inner: Mutex::new(inner),
            maint_cv: Condvar::new(),
            drained_cv: Condvar::new(),
            helpers: Helpers {
                q: Mutex::new(HelperQueue::default()),
                cv: Condvar::new(),
            },
            tickets: AtomicU64::new(1),
            maint: Mutex::new(None),
            stopping: AtomicBool::new(false),
        });
        let pool = Pool {
            handle: Arc::new(Handle {
                shared: shared.clone(),
            }),
        };

        // The first min_size connections, in parallel, before anything else runs.
        let n = shared.cfg.min_size;
        if n > 0 {
            shared.inner.lock().pending += n;
            let results: Vec<crate::Result<Connection>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..n)
                    .map(|_| s.spawn(|| Connection::connect(&shared.cfg.connect)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(Error::new(
                                crate::ErrorKind::Internal,
                                "connect thread panicked",
                            ))
                        })
                    })
                    .collect()
            });
            let mut g = shared.inner.lock();
            g.pending -= n;
            let mut first_err = None;
            for r in results {
                match r {
                    Ok(conn) => {
                        g.stats.created += 1;
                        let e = shared.new_entry(&mut g, conn);
                        g.idle.push(e);
                    }
                    Err(e) => {
                        g.stats.failed += 1;
                        first_err.get_or_insert(e);
                    }
                }
            }
            drop(g);
            if let Some(e) = first_err {
                shared.close(None);
                return Err(PoolError::Connect(e));
            }
        }

        let weak = Arc::downgrade(&shared);
        let handle = std::thread::Builder::new()
            .name("informix-pool".into())
            .spawn(move || maintenance(weak))
            .map_err(|e| {
                shared.close(None);
                PoolError::Config(format!("cannot start the pool thread: {e}"))
            })?;
        *shared.maint.lock() = Some(handle);
        Ok(pool)
    }

    /// Checks out a connection, waiting at most `timeout` (None: the pool's
    /// `acquire_timeout`). `site` is shown in leak warnings and timeout messages.
    pub fn acquire(
        &self,
        timeout: Option<Duration>,
        site: Option<String>,
    ) -> Result<Checkout, PoolError> {
        self.handle.shared.acquire(timeout, site)
    }

    /// Like [`Pool::acquire`] with the default timeout, returning a guard that gives
    /// the connection back when dropped.
    pub fn get(&self) -> Result<PooledConnection, PoolError> {
        let co = self.acquire(None, None)?;
        Ok(PooledConnection { co, broken: false })
    }

    /// Starts an acquire that does not block. Either a connection is ready now, or the
    /// callback is called exactly once later (outside the pool lock, on another thread)
    /// with the connection or the error, unless [`Pool::cancel_wait`] returns true
    /// first. A callback that can no longer deliver its connection must release it.
    pub fn acquire_async(
        &self,
        timeout: Option<Duration>,
        site: Option<String>,
        callback: AcquireCallback,
    ) -> Result<AsyncAcquire, PoolError> {
        self.handle.shared.acquire_async(timeout, site, callback)
    }

    /// Withdraws a pending asynchronous acquire. True when it was still queued (its
    /// callback will never run); false when it is already being completed.
    pub fn cancel_wait(&self, ticket: u64) -> bool {
        let removed = {
            let mut g = self.handle.shared.inner.lock();
            g.waiters
                .iter()
                .position(|w| w.ticket == ticket)
                .and_then(|i| g.waiters.remove(i))
        };
        // The waiter (and its callback) is dropped here, outside the lock.
        removed.is_some()
    }

    /// Gives a connection back. An open transaction is rolled back first (on this
    /// thread when `wait`, else on a helper thread); `broken` discards it; `lost` also
    /// marks every idle connection last used before now as stale. Returns its id.
    pub fn release(
        &self,
        conn: &Connection,
        broken: bool,
        lost: bool,
        wait: bool,
    ) -> Result<u64, PoolError> {
        self.handle.shared.release(conn, broken, lost, wait)
    }

    /// Discards a checked-out connection whose holder vanished (e.g. was garbage
    /// collected without releasing it). True if it was checked out.
    pub fn reclaim(&self, id: u64) -> bool {
        self.handle.shared.reclaim(id)
    }

    /// Changes the size limits. Surplus idle connections close now, surplus checked-out
    /// ones when they come back.
    pub fn resize(
        &self,
        min_size: Option<usize>,
        max_size: Option<usize>,
    ) -> Result<(), PoolError> {
        self.handle.shared.resize(min_size, max_size)
    }

    pub fn stats(&self) -> PoolStats {
        self.handle.shared.stats()
    }

    /// Replaces every connection: idle ones are closed now (and `min_size` reopened),
    /// those in use are closed when they come back. For failover, credential rotation
    /// or a server restart you know about.
    pub fn drain(&self) {
        self.handle.shared.drain();
    }

    /// Open connections: idle, in use and being opened.
    pub fn size(&self) -> usize {
        let g = self.handle.shared.inner.lock();
        if g.closed { g.lent.len() } else { g.size() }
    }

    pub fn idle_count(&self) -> usize {
        self.handle.shared.inner.lock().idle.len()
    }

    pub fn min_size(&self) -> usize {
        self.handle.shared.inner.lock().min_size
    }

    pub fn max_size(&self) -> usize {
        self.handle.shared.inner.lock().max_size
    }

    pub fn is_closed(&self) -> bool {
        self.handle.shared.inner.lock().closed
    }

    pub fn config(&self) -> &PoolConfig {
        &self.handle.shared.cfg
    }

    /// Closes the pool: waiters fail with [`PoolError::Closed`], idle connections are
    /// closed now, checked-out ones when they come back. With a timeout, waits that long
    /// for checked-out connections, then cuts the ones still out. Idempotent.
    pub fn close(&self, timeout: Option<Duration>) {
        self.handle.shared.close(timeout);
    }
}

/// A checked-out connection that goes back to its pool when dropped.
pub struct PooledConnection {
    co: Checkout,
    broken: bool,
}

impl PooledConnection {
    pub fn id(&self) -> u64 {
        self.co.id
    }

    /// The connection will be discarded instead of reused.
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }
}

impl std::ops::Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.co.conn
    }
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        match self.co.home.upgrade() {
            Some(shared) => {
                if let Err(e) = shared.release(&self.co.conn, self.broken, false, true) {
                    log::debug!("pool release on drop: {e}");
                }
            }
            None => self.co.conn.abort(),
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Releases the lock, then does what was deferred while holding it.
    fn unlock(self: &Arc<Self>, mut g: MutexGuard<'_, Inner>) {
        let work = std::mem::take(&mut g.after);
        let wake = g.maint_dirty;
        drop(g);
        if wake {
            self.maint_cv.notify_one();
        }
        self.run_deferred(work);
    }

    /// Unlocks, runs deferred work, locks again.
    fn relock<'a>(self: &'a Arc<Self>, g: MutexGuard<'a, Inner>) -> MutexGuard<'a, Inner> {
        self.unlock(g);
        self.lock()
    }

    fn run_deferred(self: &Arc<Self>, work: Vec<Deferred>) {
        let mut to_close = Vec::new();
        for d in work {
            match d {
                Deferred::Run(f) => f(),
                Deferred::Spawn(f) => self.spawn(f),
                Deferred::Close(c, graceful) => to_close.push((c, graceful)),
                Deferred::Event(e) => self.emit(&e),
            }
        }
        if !to_close.is_empty() {
            self.spawn(Box::new(move || {
                for (c, graceful) in to_close {
                    if graceful { c.close() } else { c.abort() }
                }
            }));
        }
    }

    fn emit(&self, e: &PoolEvent) {
        match e {
            PoolEvent::Reconnected { .. } => log::info!("informix pool: {e}"),
            PoolEvent::CheckFailed { .. } | PoolEvent::Invalidated { .. } => {
                log::info!("informix pool: {e}")
            }
            _ => log::warn!("informix pool: {e}"),
        }
        if let Some(hook) = &self.cfg.on_event {
            hook(e);
        }
    }

    /// Runs `f` on a helper thread (started on demand, gone after 10 s unused).
    fn spawn(self: &Arc<Self>, f: Box<dyn FnOnce() + Send>) {
        let mut q = self.helpers.q.lock();
        q.jobs.push_back(f);
        if q.idle > 0 {
            // Claim one sleeping helper for this job.
            q.idle -= 1;
            q.wakeups += 1;
            drop(q);
            self.helpers.cv.notify_one();
            return;
        }
        drop(q);
        let me = self.clone();
        let started = std::thread::Builder::new()
            .name("informix-pool-helper".into())
            .spawn(move || me.helper_loop());
        if let Err(e) = started {
            // Out of threads: do the work here rather than lose it.
            log::error!("informix pool: cannot start a helper thread ({e}); running inline");
            let job = self.helpers.q.lock().jobs.pop_back();
            if let Some(job) = job {
                run_job(job);
            }
        }
    }

    fn helper_loop(self: Arc<Self>) {
        let mut q = self.helpers.q.lock();
        loop {
            if let Some(job) = q.jobs.pop_front() {
                drop(q);
                run_job(job);
                q = self.helpers.q.lock();
                continue;
            }
            if self.stopping.load(Ordering::Acquire) {
                return;
            }
            q.idle += 1;
            let timed_out = self
                .helpers
                .cv
                .wait_for(&mut q, HELPER_IDLE_EXIT)
                .timed_out();
            if q.wakeups > 0 {
                // spawn() claimed us (and already took us off the idle count).
                q.wakeups -= 1;
            } else {
                q.idle -= 1;
                if timed_out && q.jobs.is_empty() {
                    return;
                }
            }
        }
    }

    fn new_entry(&self, g: &mut Inner, conn: Connection) -> Entry {
        let id = g.next_id;
        g.next_id += 1;
        let now = Instant::now();
        let expires = self.cfg.max_lifetime.map(|life| {
            let cut = self.cfg.lifetime_jitter * g.rand_unit();
            later(now, life.mul_f64(1.0 - cut))
        });
        let clean_rt = if manual_ansi(&conn) {
            conn.wire_stats().map(|(_, rt)| rt)
        } else {
            None
        };
        Entry {
            id,
            generation: g.generation,
            conn,
            clean_rt,
            expires,
            idle_since: now,
        }
    }

    fn needs_check(&self, e: &Entry) -> bool {
        e.conn.idle_for() >= self.cfg.health_check_after
    }

    /// Why an entry must not be handed out or kept idle.
    fn unusable(&self, g: &Inner, e: &Entry, now: Instant) -> Option<&'static str> {
        if e.conn.is_closed() {
            return Some("closed");
        }
        if e.expires.is_some_and(|t| now >= t) {
            return Some("lifetime");
        }
        if e.generation < g.generation {
            return Some("drained");
        }
        if let Some(stale) = g.stale_before {
            let last_ok = now.checked_sub(e.conn.idle_for()).unwrap_or(now);
            if last_ok < stale {
                return Some("stale");
            }
        }
        None
    }

    fn discard(&self, g: &mut Inner, e: Entry, graceful: bool) {
        g.stats.closed += 1;
        g.after.push(Deferred::Close(e.conn, graceful));
    }

    /// Pops the most recently used idle connection that may be handed out, discarding
    /// any that expired, went stale or were closed underneath us.
    fn take_idle(&self, g: &mut Inner, now: Instant) -> Option<Entry> {
        while let Some(e) = g.idle.pop() {
            match self.unusable(g, &e, now) {
                None => return Some(e),
                Some(reason) => {
                    if reason == "lifetime" {
                        g.stats.expired_lifetime += 1;
                    }
                    self.discard(g, e, polite(reason));
                }
            }
        }
        None
    }

    fn lend(&self, g: &mut Inner, e: Entry, site: Option<String>, waited: Duration) -> Checkout {
        let co = Checkout {
            id: e.id,
            conn: e.conn.clone(),
            home: Weak::new(),
        };
        g.lent.push(Lent {
            e,
            since: Instant::now(),
            site,
            warned: false,
        });
        g.stats.acquisitions += 1;
        g.record_wait(waited);
        co
    }

    fn home(self: &Arc<Self>, mut co: Checkout) -> Checkout {
        co.home = Arc::downgrade(self);
        co
    }

    /// A usable connection that is counted nowhere: to a waiter, or idle.
    fn offer(self: &Arc<Self>, g: &mut Inner, mut e: Entry) {
        if g.closed || g.size() >= g.max_size {
            self.discard(g, e, true);
            return;
        }
        e.idle_since = Instant::now();
        match g.waiters.pop_front() {
            Some(w) => self.grant(g, w, e),
            None => g.idle.push(e),
        }
    }

    /// Hands `e` to waiter `w` (strict FIFO: callers pop the front).
    fn grant(self: &Arc<Self>, g: &mut Inner, w: Waiter, e: Entry) {
        g.stats.acquisitions_waited += 1;
        match w.kind {
            WaitKind::Sync(sw) => {
                g.pending += 1;
                *sw.slot.lock() = Some(Handoff::Conn(e));
                sw.cv.notify_one();
            }
            WaitKind::Async(cb) => {
                if self.needs_check(&e) {
                    g.pending += 1;
                    let me = self.clone();
                    let (ticket, since, deadline, site) = (w.ticket, w.since, w.deadline, w.site);
                    g.after.push(Deferred::Spawn(Box::new(move || {
                        me.async_finish(e, ticket, since, deadline, site, cb)
                    })));
                } else {
                    let co = self.lend(g, e, w.site, w.since.elapsed());
                    let co = self.home(co);
                    g.after.push(Deferred::Run(Box::new(move || cb(Ok(co)))));
                }
            }
        }
    }

    fn fail_waiter(&self, g: &mut Inner, w: Waiter, err: PoolError) {
        match w.kind {
            WaitKind::Sync(sw) => {
                *sw.slot.lock() = Some(Handoff::Failed(err));
                sw.cv.notify_one();
            }
            WaitKind::Async(cb) => g.after.push(Deferred::Run(Box::new(move || cb(Err(err))))),
        }
    }

    fn down_error(d: &Down) -> PoolError {
        let mut e = d.error.clone();
        let prefix = format!(
            "server unreachable for {:.1} s ({} failed attempt(s)); ",
            d.since.elapsed().as_secs_f64(),
            d.attempts
        );
        e = e.with_prefix(&prefix);
        PoolError::Connect(e)
    }

    /// After any change: idle to waiters, connects for unmet demand and for min_size,
    /// and while the server is down, one probe when it is due and fast failure for the
    /// waiters nothing will serve.
    fn rebalance(self: &Arc<Self>, g: &mut Inner) {
        if g.closed {
            return;
        }
        while !g.waiters.is_empty() && !g.idle.is_empty() {
            let now = Instant::now();
            let Some(e) = self.take_idle(g, now) else {
                break;
            };
            if let Some(w) = g.waiters.pop_front() {
                self.grant(g, w, e);
            }
        }
        let room = g.max_size.saturating_sub(g.size());
        // Connections being opened or rolled back will serve waiters soon.
        let want_waiters = g.waiters.len().saturating_sub(g.connecting + g.resetting);
        let want_min = g.min_size.saturating_sub(g.size());
        let want = room.min(want_waiters.max(want_min));
        if want == 0 {
            return;
        }
        let now = Instant::now();
        if let Some(d) = &g.down {
            let due = now >= d.next_attempt;
            if due && !g.probing {
                self.start_connect(g, true);
            }
            // Waiters that would need a new connection fail now with the real error
            // (those beyond the room left wait for releases, as in a full pool); the
            // oldest keep their place for the probe.
            let room = g.max_size.saturating_sub(g.size());
            let unserved = g.waiters.len().saturating_sub(g.connecting + g.resetting);
            let fail = unserved.min(room);
            if fail > 0
                && let Some(d) = &g.down
            {
                let err = Self::down_error(d);
                for _ in 0..fail {
                    if let Some(w) = g.waiters.pop_back() {
                        g.stats.fail_fast += 1;
                        self.fail_waiter(g, w, err.clone());
                    }
                }
            }
            return;
        }
        for _ in 0..want {
            self.start_connect(g, false);
        }
    }

    fn start_connect(self: &Arc<Self>, g: &mut Inner, probe: bool) {
        g.pending += 1;
        g.connecting += 1;
        if probe {
            g.probing = true;
        }
        let me = self.clone();
        g.after
            .push(Deferred::Spawn(Box::new(move || me.connect_job(probe))));
    }

    fn connect_job(self: &Arc<Self>, probe: bool) {
        let r = Connection::connect(&self.cfg.connect);
        let mut g = self.lock();
        g.pending -= 1;
        g.connecting -= 1;
        if probe {
            g.probing = false;
        }
        let now = Instant::now();
        match r {
            Ok(conn) => {
                g.stats.created += 1;
                g.last_connect_error = None;
                if let Some(d) = g.down.take() {
                    g.event(PoolEvent::Reconnected {
                        down_for: now.saturating_duration_since(d.since),
                    });
                }
                let e = self.new_entry(&mut g, conn);
                self.offer(&mut g, e);
            }
            Err(err) => {
                g.stats.failed += 1;
                g.last_connect_error = Some(err.clone());
                let attempts = g.down.as_ref().map(|d| d.attempts + 1).unwrap_or(1);
                let exp = self
                    .cfg
                    .reconnect_base
                    .saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
                let cap = exp.min(self.cfg.reconnect_max);
                // Jitter within [cap/2, cap]: spread out, never hammering.
                let delay = cap.mul_f64(0.5 + 0.5 * g.rand_unit());
                let since = g.down.as_ref().map(|d| d.since).unwrap_or(now);
                g.down = Some(Down {
                    since,
                    attempts,
                    next_attempt: later(now, delay),
                    error: err.clone(),
                });
                g.event(PoolEvent::ConnectFailed {
                    error: err,
                    attempt: attempts,
                    retry_in: delay,
                });
                g.wake_maint();
            }
        }
        self.rebalance(&mut g);
        self.unlock(g);
    }

    /// Registers a deadline after which the maintenance thread cuts `conn`'s socket.
    fn watch(self: &Arc<Self>, conn: &Connection, deadline: Instant) -> u64 {
        let token = self.tickets.fetch_add(1, Ordering::Relaxed);
        let mut g = self.lock();
        g.watches.push(Watch {
            token,
            deadline,
            conn: conn.clone(),
            fired: false,
        });
        g.wake_maint();
        self.unlock(g);
        token
    }

    /// Removes a watch; true if it fired (the socket was cut because time ran out).
    fn unwatch(&self, token: u64) -> bool {
        let mut g = self.lock();
        match g.watches.iter().position(|w| w.token == token) {
            Some(i) => g.watches.swap_remove(i).fired,
            None => false,
        }
    }

    /// The liveness check, bounded by its own timeout and the caller's deadline.
    fn check(self: &Arc<Self>, e: &Entry, deadline: Instant) -> Result<(), (Error, bool)> {
        let now = Instant::now();
        let bound = later(now, self.cfg.check_timeout)
            .min(deadline)
            .max(now + Duration::from_millis(20));
        let token = self.watch(&e.conn, bound);
        let r = e.conn.ping();
        let fired = self.unwatch(token);
        r.map_err(|err| (err, fired))
    }

    /// Marks idle connections last used before `moment` stale and discards them.
    fn invalidate(&self, g: &mut Inner, moment: Instant) {
        g.stale_before = Some(g.stale_before.map_or(moment, |s| s.max(moment)));
        g.stats.invalidations += 1;
        let now = Instant::now();
        let mut keep = Vec::with_capacity(g.idle.len());
        let mut discarded = 0;
        for e in std::mem::take(&mut g.idle) {
            if self.unusable(g, &e, now).is_some() {
                discarded += 1;
                self.discard(g, e, false);
            } else {
                keep.push(e);
            }
        }
        g.idle = keep;
        g.event(PoolEvent::Invalidated { discarded });
    }

    /// Bookkeeping after a check of `e` (for which a pending slot is held).
    /// Ok: it was lent. Err: it was discarded and the caller should try again.
    fn after_check(
        self: &Arc<Self>,
        g: &mut Inner,
        e: Entry,
        checked: Option<Result<(), (Error, bool)>>,
        started: Instant,
    ) -> Result<Entry, ()> {
        g.pending -= 1;
        if let Some(r) = checked {
            g.stats.checks += 1;
            if let Err((err, fired)) = r {
                g.stats.checks_failed += 1;
                self.discard(g, e, false);
                if err.connection_lost && !fired {
                    self.invalidate(g, started);
                }
                g.event(PoolEvent::CheckFailed { error: err });
                self.rebalance(g);
                return Err(());
            }
        }
        Ok(e)
    }

    fn timeout_error(&self, g: &Inner, waited: Duration) -> PoolError {
        let mut msg = format!(
            "no connection available within {:.3} s (max_size={}, size={}, idle={}, in use={}, waiting={}, connecting={})",
            waited.as_secs_f64(),
            g.max_size,
            g.size(),
            g.idle.len(),
            g.lent.len(),
            g.waiters.len(),
            g.connecting,
        );
        if let Some(oldest) = g.lent.iter().min_by_key(|l| l.since) {
            msg.push_str(&format!(
                "; oldest checkout held {:.1} s",
                oldest.since.elapsed().as_secs_f64()
            ));
            if let Some(site) = &oldest.site {
                msg.push_str(&format!(" (acquired at {site})"));
            }
        }
        if let Some(e) = &g.last_connect_error {
            msg.push_str(&format!("; last connect error: {e}"));
        }
        PoolError::Timeout(msg)
    }

    /// Server down, nothing idle, room to grow, retry not due yet: fail now.
    fn fail_fast(&self, g: &Inner, now: Instant) -> Option<PoolError> {
        let d = g.down.as_ref()?;
        // Full (a release will come), a probe is due, or a returned connection is
        // being rolled back for the queue: wait instead.
        if g.size() >= g.max_size || now >= d.next_attempt || g.resetting > g.waiters.len() {
            return None;
        }
        Some(Self::down_error(d))
    }

    fn acquire(
        self: &Arc<Self>,
        timeout: Option<Duration>,
        site: Option<String>,
    ) -> Result<Checkout, PoolError> {
        let start = Instant::now();
        let deadline = later(start, timeout.unwrap_or(self.cfg.acquire_timeout));
        let mut front = false;
        'attempt: loop {
            let mut g = self.lock();
            if g.closed {
                return Err(PoolError::Closed);
            }
            let now = Instant::now();
            if g.waiters.is_empty() || front {
                if let Some(e) = self.take_idle(&mut g, now) {
                    g.pending += 1;
                    self.unlock(g);
                    match self.finish(e, site.clone(), start, deadline) {
                        Ok(co) => return Ok(co),
                        Err(Some(err)) => return Err(err),
                        Err(None) => {
                            front = true;
                            continue 'attempt;
                        }
                    }
                }
                if let Some(err) = self.fail_fast(&g, now) {
                    g.stats.fail_fast += 1;
                    self.unlock(g);
                    return Err(err);
                }
            }
            if now >= deadline {
                g.stats.timeouts += 1;
                let err = self.timeout_error(&g, now - start);
                self.unlock(g);
                return Err(err);
            }
            if self.cfg.max_waiting > 0 && g.waiters.len() >= self.cfg.max_waiting {
                g.stats.timeouts += 1;
                let err = PoolError::Timeout(format!(
                    "too many callers waiting for a connection (max_waiting={}, max_size={})",
                    self.cfg.max_waiting, g.max_size
                ));
                self.unlock(g);
                return Err(err);
            }
            let sw = Arc::new(SyncWait::default());
            let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
            let w = Waiter {
                ticket,
                since: start,
                deadline,
                site: site.clone(),
                kind: WaitKind::Sync(sw.clone()),
            };
            if front {
                g.waiters.push_front(w);
            } else {
                g.waiters.push_back(w);
            }
            self.rebalance(&mut g);
            let mut g = self.relock(g);
            loop {
                let handed = sw.slot.lock().take();
                if let Some(h) = handed {
                    self.unlock(g);
                    match h {
                        Handoff::Failed(err) => return Err(err),
                        Handoff::Conn(e) => match self.finish(e, site.clone(), start, deadline) {
                            Ok(co) => return Ok(co),
                            Err(Some(err)) => return Err(err),
                            Err(None) => {
                                front = true;
                                continue 'attempt;
                            }
                        },
                    }
                }
                if g.closed {
                    g.waiters.retain(|w| w.ticket != ticket);
                    return Err(PoolError::Closed);
                }
                if sw.cv.wait_until(&mut g, deadline).timed_out() {
                    if sw.slot.lock().is_some() {
                        continue;
                    }
                    g.waiters.retain(|w| w.ticket != ticket);
                    g.stats.timeouts += 1;
                    let err = self.timeout_error(&g, start.elapsed());
                    self.unlock(g);
                    return Err(err);
                }
            }
        }
    }

    /// Checks `e` if it needs it (a pending slot is held for it) and lends it.
    /// Err(None): the check failed, try again.
    fn finish(
        self: &Arc<Self>,
        e: Entry,
        site: Option<String>,
        start: Instant,
        deadline: Instant,
    ) -> Result<Checkout, Option<PoolError>> {
        let started = Instant::now();
        let checked = self.needs_check(&e).then(|| self.check(&e, deadline));
        let mut g = self.lock();
        let result = match self.after_check(&mut g, e, checked, started) {
            Err(()) => Err(None),
            Ok(e) if g.closed => {
                self.discard(&mut g, e, true);
                Err(Some(PoolError::Closed))
            }
            Ok(e) => {
                let co = self.lend(&mut g, e, site, start.elapsed());
                Ok(self.home(co))
            }
        };
        self.unlock(g);
        result
    }

    fn acquire_async(
        self: &Arc<Self>,
        timeout: Option<Duration>,
        site: Option<String>,
        cb: AcquireCallback,
    ) -> Result<AsyncAcquire, PoolError> {
        let start = Instant::now();
        let deadline = later(start, timeout.unwrap_or(self.cfg.acquire_timeout));
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        let mut g = self.lock();
        if g.closed {
            return Err(PoolError::Closed);
        }
        if g.waiters.is_empty() {
            let now = Instant::now();
            if let Some(e) = self.take_idle(&mut g, now) {
                if !self.needs_check(&e) {
                    let co = self.lend(&mut g, e, site, start.elapsed());
                    let co = self.home(co);
                    self.unlock(g);
                    return Ok(AsyncAcquire::Ready(co));
                }
                g.pending += 1;
                let me = self.clone();
                g.after.push(Deferred::Spawn(Box::new(move || {
                    me.async_finish(e, ticket, start, deadline, site, cb)
                })));
                self.unlock(g);
                return Ok(AsyncAcquire::Pending(ticket));
            }
            if let Some(err) = self.fail_fast(&g, now) {
                g.stats.fail_fast += 1;
                self.unlock(g);
                return Err(err);
            }
        }
        if Instant::now() >= deadline {
            g.stats.timeouts += 1;
            let err = self.timeout_error(&g, start.elapsed());
            self.unlock(g);
            return Err(err);
        }
        if self.cfg.max_waiting > 0 && g.waiters.len() >= self.cfg.max_waiting {
            g.stats.timeouts += 1;
            let err = PoolError::Timeout(format!(
                "too many callers waiting for a connection (max_waiting={}, max_size={})",
                self.cfg.max_waiting, g.max_size
            ));
            self.unlock(g);
            return Err(err);
        }
        g.waiters.push_back(Waiter {
            ticket,
            since: start,
            deadline,
            site,
            kind: WaitKind::Async(cb),
        });
        g.wake_maint();
        self.rebalance(&mut g);
        self.unlock(g);
        Ok(AsyncAcquire::Pending(ticket))
    }

    /// Helper-thread half of an asynchronous acquire that needs a check.
    fn async_finish(
        self: &Arc<Self>,
        e: Entry,
        ticket: u64,
        since: Instant,
        deadline: Instant,
        site: Option<String>,
        cb: AcquireCallback,
    ) {
        let started = Instant::now();
        let checked = self.needs_check(&e).then(|| self.check(&e, deadline));
        let mut g = self.lock();
        match self.after_check(&mut g, e, checked, started) {
            Ok(e) if g.closed => {
                self.discard(&mut g, e, true);
                g.after
                    .push(Deferred::Run(Box::new(move || cb(Err(PoolError::Closed)))));
            }
            Ok(e) => {
                let co = self.lend(&mut g, e, site, since.elapsed());
                let co = self.home(co);
                g.after.push(Deferred::Run(Box::new(move || cb(Ok(co)))));
            }
            Err(()) => self.async_retry(&mut g, ticket, since, deadline, site, cb),
        }
        self.unlock(g);
    }

    /// An asynchronous acquirer whose connection failed its check tries again, keeping
    /// its place at the head of the queue.
    fn async_retry(
        self: &Arc<Self>,
        g: &mut Inner,
        ticket: u64,
        since: Instant,
        deadline: Instant,
        site: Option<String>,
        cb: AcquireCallback,
    ) {
        if g.closed {
            g.after
                .push(Deferred::Run(Box::new(move || cb(Err(PoolError::Closed)))));
            return;
        }
        let now = Instant::now();
        if let Some(e) = self.take_idle(g, now) {
            let w = Waiter {
                ticket,
                since,
                deadline,
                site,
                kind: WaitKind::Async(cb),
            };
            self.grant(g, w, e);
            return;
        }
        if let Some(err) = self.fail_fast(g, now) {
            g.stats.fail_fast += 1;
            g.after.push(Deferred::Run(Box::new(move || cb(Err(err)))));
            return;
        }
        if now >= deadline {
            g.stats.timeouts += 1;
            let err = self.timeout_error(g, since.elapsed());
            g.after.push(Deferred::Run(Box::new(move || cb(Err(err)))));
            return;
        }
        g.waiters.push_front(Waiter {
            ticket,
            since,
            deadline,
            site,
            kind: WaitKind::Async(cb),
        });
        g.wake_maint();
        self.rebalance(g);
    }

    fn release(
        self: &Arc<Self>,
        conn: &Connection,
        broken: bool,
        lost: bool,
        wait: bool,
    ) -> Result<u64, PoolError> {
        let mut g = self.lock();
        let idx = g
            .lent
            .iter()
            .position(|l| l.e.conn.same_session(conn))
            .ok_or(PoolError::NotCheckedOut)?;
        let lent = g.lent.swap_remove(idx);
        let id = lent.e.id;
        let e = lent.e;
        if broken || lost || g.closed || e.conn.is_closed() || !manual_ansi(&e.conn) {
            let dirty = e.conn.in_transaction();
            self.give_back(g, e, broken, lost, wait, dirty);
            return Ok(id);
        }
        // An ANSI database opens transactions implicitly, without the client knowing:
        // any exchange since the session was last known clean makes it dirty. Reading
        // the round-trip count takes the session mutex, so not under the pool lock.
        g.pending += 1;
        self.unlock(g);
        let dirty = e.conn.in_transaction() || e.conn.wire_stats().map(|(_, rt)| rt) != e.clean_rt;
        let mut g = self.lock();
        g.pending -= 1;
        self.give_back(g, e, broken, lost, wait, dirty);
        Ok(id)
    }

    fn reclaim(self: &Arc<Self>, id: u64) -> bool {
        let mut g = self.lock();
        let Some(idx) = g.lent.iter().position(|l| l.e.id == id) else {
            return false;
        };
        let lent = g.lent.swap_remove(idx);
        g.stats.reclaimed += 1;
        g.event(PoolEvent::Reclaimed {
            id,
            site: lent.site.clone(),
        });
        self.give_back(g, lent.e, true, false, false, false);
        true
    }

    /// Shared tail of release: evict, or roll back then return, or return.
    fn give_back(
        self: &Arc<Self>,
        mut g: MutexGuard<'_, Inner>,
        e: Entry,
        broken: bool,
        lost: bool,
        wait: bool,
        dirty: bool,
    ) {
        let now = Instant::now();
        if broken || lost || e.conn.is_closed() || g.closed {
            if broken || lost || e.conn.is_closed() {
                g.stats.evicted_broken += 1;
            }
            let graceful = !(broken || lost || e.conn.is_closed());
            self.discard(&mut g, e, graceful);
            if lost {
                self.invalidate(&mut g, now);
            }
            self.rebalance(&mut g);
            if g.lent.is_empty() {
                self.drained_cv.notify_all();
            }
            self.unlock(g);
            return;
        }
        if dirty {
            // Uncommitted work never reaches the next borrower.
            g.pending += 1;
            g.resetting += 1;
            g.stats.rollbacks += 1;
            if wait {
                self.unlock(g);
                self.reset_and_return(e);
            } else {
                let me = self.clone();
                g.after
                    .push(Deferred::Spawn(Box::new(move || me.reset_and_return(e))));
                self.unlock(g);
            }
            return;
        }
        self.return_idle(&mut g, e, now);
        self.rebalance(&mut g);
        self.unlock(g);
    }

    fn reset_and_return(self: &Arc<Self>, mut e: Entry) {
        let started = Instant::now();
        let token = self.watch(&e.conn, later(started, self.cfg.reset_timeout));
        let r = e.conn.rollback();
        let fired = self.unwatch(token);
        if r.is_ok() && e.clean_rt.is_some() {
            e.clean_rt = e.conn.wire_stats().map(|(_, rt)| rt);
        }
        let mut g = self.lock();
        g.pending -= 1;
        g.resetting -= 1;
        match r {
            Ok(()) => self.return_idle(&mut g, e, Instant::now()),
            Err(err) => {
                log::info!(
                    "informix pool: rollback on release failed, connection discarded: {err}"
                );
                g.stats.evicted_broken += 1;
                self.discard(&mut g, e, false);
                if err.connection_lost && !fired {
                    self.invalidate(&mut g, started);
                }
            }
        }
        self.rebalance(&mut g);
        if g.closed && g.lent.is_empty() {
            self.drained_cv.notify_all();
        }
        self.unlock(g);
    }

    fn return_idle(self: &Arc<Self>, g: &mut Inner, e: Entry, now: Instant) {
        match self.unusable(g, &e, now) {
            Some(reason) => {
                if reason == "lifetime" {
                    g.stats.expired_lifetime += 1;
                }
                self.discard(g, e, polite(reason));
            }
            None => self.offer(g, e),
        }
        if g.closed && g.lent.is_empty() {
            self.drained_cv.notify_all();
        }
    }

    fn drain(self: &Arc<Self>) {
        let mut g = self.lock();
        g.generation += 1;
        let idle = std::mem::take(&mut g.idle);
        for e in idle {
            self.discard(&mut g, e, true);
        }
        self.rebalance(&mut g);
        self.unlock(g);
    }

    fn resize(self: &Arc<Self>, min: Option<usize>, max: Option<usize>) -> Result<(), PoolError> {
        let mut g = self.lock();
        let min = min.unwrap_or(g.min_size);
        let max = max.unwrap_or(g.max_size);
        validate(min, max)?;
        g.min_size = min;
        g.max_size = max;
        // Oldest idle first.
        while g.size() > g.max_size && !g.idle.is_empty() {
            let e = g.idle.remove(0);
            self.discard(&mut g, e, true);
        }
        self.rebalance(&mut g);
        self.unlock(g);
        Ok(())
    }

    fn stats(&self) -> PoolStats {
        let g = self.lock();
        let mut waits = g.waits_us.clone();
        waits.sort_unstable();
        let pct = |p: f64| -> f64 {
            if waits.is_empty() {
                return 0.0;
            }
            let idx = ((waits.len() as f64 - 1.0) * p).round() as usize;
            waits[idx.min(waits.len() - 1)] as f64 / 1000.0
        };
        let s = &g.stats;
        PoolStats {
            size: if g.closed { g.lent.len() } else { g.size() },
            idle: g.idle.len(),
            in_use: g.lent.len(),
            waiting: g.waiters.len(),
            connecting: g.connecting,
            min_size: g.min_size,
            max_size: g.max_size,
            acquisitions: s.acquisitions,
            acquisitions_waited: s.acquisitions_waited,
            timeouts: s.timeouts,
            fail_fast: s.fail_fast,
            connections_created: s.created,
            connections_closed: s.closed,
            connections_failed: s.failed,
            checks: s.checks,
            checks_failed: s.checks_failed,
            evicted_broken: s.evicted_broken,
            expired_lifetime: s.expired_lifetime,
            expired_idle: s.expired_idle,
            invalidations: s.invalidations,
            rollbacks_on_release: s.rollbacks,
            leaks_suspected: s.leaks,
            reclaimed: s.reclaimed,
            wait_p50_ms: pct(0.5),
            wait_p90_ms: pct(0.9),
            wait_p99_ms: pct(0.99),
            wait_max_ms: waits.last().map(|v| *v as f64 / 1000.0).unwrap_or(0.0),
            server_down: g.down.is_some(),
            last_connect_error: g.last_connect_error.as_ref().map(|e| e.to_string()),
            closed: g.closed,
        }
    }

    fn close(self: &Arc<Self>, timeout: Option<Duration>) {
        self.close_inner(timeout, true);
    }

    fn close_inner(self: &Arc<Self>, timeout: Option<Duration>, join: bool) {
        let mut g = self.lock();
        if !g.closed {
            g.closed = true;
            let waiters: Vec<Waiter> = g.waiters.drain(..).collect();
            for w in waiters {
                self.fail_waiter(&mut g, w, PoolError::Closed);
            }
            let idle = std::mem::take(&mut g.idle);
            for e in idle {
                self.discard(&mut g, e, true);
            }
        }
        if let Some(t) = timeout {
            let deadline = later(Instant::now(), t);
            while !g.lent.is_empty() {
                if self.drained_cv.wait_until(&mut g, deadline).timed_out() {
                    break;
                }
            }
            // Whatever is still out gets its socket cut; its holder sees an error.
            for l in &g.lent {
                l.e.conn.abort();
            }
        }
        g.stop_maint = true;
        g.maint_dirty = true;
        self.stopping.store(true, Ordering::Release);
        // Closing connections here, not on a helper: close() returns with them closed.
        let work = std::mem::take(&mut g.after);
        drop(g);
        self.maint_cv.notify_all();
        self.helpers.cv.notify_all();
        let mut to_close = Vec::new();
        let mut rest = Vec::new();
        for d in work {
            match d {
                Deferred::Close(c, graceful) => to_close.push((c, graceful)),
                other => rest.push(other),
            }
        }
        self.run_deferred(rest);
        for (c, graceful) in to_close {
            if graceful { c.close() } else { c.abort() }
        }
        if !join {
            return;
        }
        let handle = self.maint.lock().take();
        if let Some(h) = handle
            && h.thread().id() != std::thread::current().id()
        {
            let _ = h.join();
        }
    }
}

/// Longest duration the pool adds to an instant: absurd settings mean "forever", not a panic.
const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d.min(FAR)).unwrap_or(t)
}

/// A session on an ANSI-mode database outside autocommit: the server opens a transaction
/// with any statement, so the client-side flag alone cannot say it is clean.
fn manual_ansi(conn: &Connection) -> bool {
    conn.server_info().database_mode == Some(crate::DatabaseMode::Ansi) && !conn.autocommit()
}

/// Connections retired while healthy get a goodbye; dead or stale ones are just cut.
fn polite(reason: &str) -> bool {
    reason == "lifetime" || reason == "drained"
}

fn run_job(job: Box<dyn FnOnce() + Send>) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
        log::error!("informix pool: a background job panicked");
    }
}

/// The pool's one background thread: deadlines of asynchronous waiters, check and
/// reset watchdogs, idle and lifetime expiry, leak warnings, refill and reconnect.
fn maintenance(weak: Weak<Shared>) {
    loop {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let mut g = shared.lock();
        if g.stop_maint {
            return;
        }
        g.maint_dirty = false;
        let now = Instant::now();

        // Asynchronous waiters whose deadline passed.
        let mut i = 0;
        while i < g.waiters.len() {
            let expired =
                matches!(g.waiters[i].kind, WaitKind::Async(_)) && g.waiters[i].deadline <= now;
            if expired {
                if let Some(w) = g.waiters.remove(i) {
                    g.stats.timeouts += 1;
                    let err = shared.timeout_error(&g, w.since.elapsed());
                    shared.fail_waiter(&mut g, w, err);
                }
            } else {
                i += 1;
            }
        }

        // Watchdogs: cut the socket of a check or reset that overran.
        let mut cut = Vec::new();
        for w in g.watches.iter_mut() {
            if !w.fired && w.deadline <= now {
                w.fired = true;
                cut.push(w.conn.clone());
            }
        }
        if !cut.is_empty() {
            g.after.push(Deferred::Run(Box::new(move || {
                for c in cut {
                    c.abort();
                }
            })));
        }

        if now >= g.next_housekeeping {
            housekeeping(&shared, &mut g, now);
            g.next_housekeeping = later(now, shared.cfg.housekeeping_interval);
        }
        shared.rebalance(&mut g);

        // When to look again.
        let mut next = g.next_housekeeping;
        for w in &g.waiters {
            if matches!(w.kind, WaitKind::Async(_)) {
                next = next.min(w.deadline);
            }
        }
        for w in &g.watches {
            if !w.fired {
                next = next.min(w.deadline);
            }
        }
        // A probe that is due already started (or waits for demand): never wake for a
        // moment in the past.
        if let Some(d) = &g.down
            && d.next_attempt > now
        {
            next = next.min(d.next_attempt);
        }
        g.maint_loops += 1;
        let mut g = shared.relock(g);
        if g.stop_maint {
            return;
        }
        if !g.maint_dirty {
            shared.maint_cv.wait_until(&mut g, next);
        }
        drop(g);
        drop(shared);
    }
}

fn housekeeping(shared: &Arc<Shared>, g: &mut Inner, now: Instant) {
    if !g.closed {
        // Expired by lifetime (any idle), then idle timeout (only above min_size),
        // oldest first.
        let mut keep = Vec::with_capacity(g.idle.len());
        let idle = std::mem::take(&mut g.idle);
        let mut open = g.lent.len() + g.pending + idle.len();
        for e in idle {
            if let Some(reason) = shared.unusable(g, &e, now) {
                if reason == "lifetime" {
                    g.stats.expired_lifetime += 1;
                }
                open -= 1;
                shared.discard(g, e, polite(reason));
                continue;
            }
            let idle_expired = shared
                .cfg
                .idle_timeout
                .is_some_and(|t| now.saturating_duration_since(e.idle_since) >= t);
            if idle_expired && open > g.min_size {
                g.stats.expired_idle += 1;
                open -= 1;
                shared.discard(g, e, true);
                continue;
            }
            keep.push(e);
        }
        g.idle = keep;
    }
    if let Some(threshold) = shared.cfg.leak_threshold {
        let mut events = Vec::new();
        for l in g.lent.iter_mut() {
            let held = now.saturating_duration_since(l.since);
            if !l.warned && held >= threshold {
                l.warned = true;
                events.push(PoolEvent::LeakSuspected {
                    id: l.e.id,
                    held_for: held,
                    site: l.site.clone(),
                });
            }
        }
        g.stats.leaks += events.len() as u64;
        for e in events {
            g.event(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_sizes() {
        assert!(validate(0, 1).is_ok());
        assert!(validate(0, 0).is_err());
        assert!(validate(3, 2).is_err());
    }

    #[test]
    fn config_errors_are_reported_without_connecting() {
        let cfg = PoolConfig {
            min_size: 5,
            max_size: 1,
            ..PoolConfig::default()
        };
        assert!(matches!(Pool::new(cfg), Err(PoolError::Config(_))));
        let cfg = PoolConfig {
            lifetime_jitter: 2.0,
            ..PoolConfig::default()
        };
        assert!(matches!(Pool::new(cfg), Err(PoolError::Config(_))));
    }

    #[test]
    fn rand_unit_is_in_range() {
        let cfg = PoolConfig::default();
        let pool = Pool::new(cfg).expect("empty pool");
        let mut g = pool.handle.shared.inner.lock();
        for _ in 0..1000 {
            let v = g.rand_unit();
            assert!((0.0..1.0).contains(&v));
        }
    }

    #[test]
    fn empty_pool_times_out_with_state_when_server_unreachable_is_not_yet_known() {
        // Port 1 on loopback refuses at once: the connect error surfaces fast.
        let cfg = PoolConfig {
            connect: ConnectOptions {
                port: 1,
                connect_timeout: Some(Duration::from_millis(200)),
                ..ConnectOptions::default()
            },
            max_size: 2,
            acquire_timeout: Duration::from_millis(300),
            ..PoolConfig::default()
        };
        let pool = Pool::new(cfg).expect("lazy pool");
        let err = pool
            .acquire(None, None)
            .expect_err("nothing listens on port 1");
        match err {
            PoolError::Connect(e) => assert!(e.connection_lost || !e.message.is_empty()),
            PoolError::Timeout(m) => assert!(m.contains("max_size=2"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
        // Now the pool knows the server is down: the next acquire fails fast.
        let t = Instant::now();
        let err = pool.acquire(None, None).expect_err("still down");
        assert!(matches!(err, PoolError::Connect(_)), "{err:?}");
        assert!(t.elapsed() < Duration::from_millis(150));
        let s = pool.stats();
        assert!(s.server_down);
        assert!(s.connections_failed >= 1);
        assert!(s.size <= 2);
        pool.close(None);
        assert!(matches!(pool.acquire(None, None), Err(PoolError::Closed)));
    }

    fn unreachable(max: usize) -> PoolConfig {
        PoolConfig {
            connect: ConnectOptions {
                port: 1,
                connect_timeout: Some(Duration::from_millis(200)),
                ..ConnectOptions::default()
            },
            max_size: max,
            acquire_timeout: Duration::from_millis(500),
            reconnect_base: Duration::from_millis(40),
            reconnect_max: Duration::from_millis(80),
            ..PoolConfig::default()
        }
    }

    #[test]
    fn failed_connect_reaches_async_waiter_and_event_hook() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        let mut cfg = unreachable(1);
        cfg.on_event = Some(Arc::new(move |e: &PoolEvent| seen.lock().push(e.kind())));
        let pool = Pool::new(cfg).expect("lazy pool");
        let (tx, rx) = std::sync::mpsc::channel();
        let started = pool
            .acquire_async(
                None,
                None,
                Box::new(move |r| {
                    let _ = tx.send(matches!(r, Err(PoolError::Connect(_))));
                }),
            )
            .expect("queued");
        assert!(matches!(started, AsyncAcquire::Pending(_)));
        assert!(rx.recv_timeout(Duration::from_secs(5)).expect("callback"));
        assert!(events.lock().contains(&"connect_failed"));
        let s = pool.stats();
        assert!(s.server_down);
        assert_eq!(s.size, 0);
        assert!(s.last_connect_error.is_some());
    }

    #[test]
    fn backoff_probes_are_single_flight_and_spaced() {
        let pool = Pool::new(unreachable(4)).expect("lazy pool");
        let t = Instant::now();
        let mut attempts = 0;
        while t.elapsed() < Duration::from_millis(600) {
            let _ = pool.acquire(Some(Duration::from_millis(50)), None);
            attempts += 1;
        }
        let s = pool.stats();
        assert!(attempts > 20);
        // 40 ms doubling to 80 ms: about 600/60 probes, never one per acquire.
        assert!(s.connections_failed <= 20, "{s:?}");
        assert!(s.fail_fast > 0);
        assert!(s.size <= 4);
    }

    #[test]
    fn cancel_wait_and_max_waiting() {
        let mut cfg = unreachable(1);
        cfg.max_waiting = 1;
        cfg.connect.connect_timeout = Some(Duration::from_secs(2));
        // A black-holed address keeps the connect pending, so the waiter stays queued.
        cfg.connect.host = "10.255.255.1".into();
        let pool = Pool::new(cfg).expect("lazy pool");
        let started = pool
            .acquire_async(Some(Duration::from_secs(5)), None, Box::new(|_| {}))
            .expect("queued");
        let AsyncAcquire::Pending(ticket) = started else {
            panic!("nothing can be ready");
        };
        let second = pool.acquire(Some(Duration::from_millis(50)), None);
        match second {
            Err(PoolError::Timeout(m)) => assert!(m.contains("max_waiting=1"), "{m}"),
            Err(PoolError::Connect(_)) => {} // the connect already failed: also fine
            other => panic!("unexpected {other:?}"),
        }
        assert!(pool.cancel_wait(ticket) || pool.stats().waiting == 0);
        assert!(!pool.cancel_wait(ticket));
        assert_eq!(pool.stats().waiting, 0);
    }

    #[test]
    fn resize_validates_and_wait_percentiles_are_ordered() {
        let pool = Pool::new(PoolConfig::default()).expect("empty pool");
        assert!(matches!(
            pool.resize(Some(3), Some(2)),
            Err(PoolError::Config(_))
        ));
        assert!(matches!(
            pool.resize(None, Some(0)),
            Err(PoolError::Config(_))
        ));
        pool.resize(Some(0), Some(3)).expect("resize");
        assert_eq!(pool.max_size(), 3);
        {
            let mut g = pool.handle.shared.inner.lock();
            for ms in 1..=100u64 {
                g.record_wait(Duration::from_millis(ms));
            }
        }
        let s = pool.stats();
        assert!(s.wait_p50_ms <= s.wait_p90_ms && s.wait_p90_ms <= s.wait_p99_ms);
        assert!((s.wait_max_ms - 100.0).abs() < 0.01);
        assert!((s.wait_p50_ms - 50.0).abs() <= 1.0);
    }

    #[test]
    fn maintenance_thread_sleeps_while_the_server_is_down() {
        let mut cfg = unreachable(2);
        cfg.min_size = 0;
        let pool = Pool::new(cfg).expect("lazy pool");
        let _ = pool.acquire(Some(Duration::from_millis(100)), None);
        assert!(pool.stats().server_down);
        // Down, the retry due, nobody asking: nothing to do until housekeeping.
        std::thread::sleep(Duration::from_millis(600));
        let loops = pool.handle.shared.inner.lock().maint_loops;
        assert!(loops < 30, "maintenance thread spun {loops} times");
        // min_size demand while down: probes at the backoff pace, not in a loop.
        pool.resize(Some(1), None).expect("resize");
        std::thread::sleep(Duration::from_millis(600));
        let s = pool.stats();
        assert!(s.connections_failed <= 25, "{s:?}");
        let loops = pool.handle.shared.inner.lock().maint_loops;
        assert!(loops < 100, "maintenance thread spun {loops} times");
    }

    #[test]
    fn close_is_idempotent_and_stops_the_thread() {
        let pool = Pool::new(PoolConfig::default()).expect("empty pool");
        pool.close(None);
        pool.close(Some(Duration::from_millis(10)));
        assert!(pool.is_closed());
        assert!(pool.handle.shared.maint.lock().is_none());
    }
}
