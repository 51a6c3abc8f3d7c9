//! `NativePool`: the Rust pool core exposed to Python.
//!
//! Blocking calls (acquire, release with a rollback, close) run detached from the
//! interpreter. Asynchronous acquires take a Python callable that the core calls
//! exactly once, outside its lock, from whichever thread completed the hand-off; the
//! callable is only ever invoked through `Python::try_attach`, so a pool outliving the
//! interpreter never touches it. A connection that cannot be delivered goes back.

use std::sync::Arc;
use std::time::Duration;

use informix_client::{
    AsyncAcquire, Checkout, ErrorKind, Pool, PoolConfig, PoolError, PoolEvent, TextCodec,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::NativeConnection;
use crate::errors::{client, to_py};
use crate::options::{ConnectSpec, optional_seconds, seconds};

fn pool_exception(py: Python<'_>, class: &str, message: String) -> PyErr {
    let built = py
        .import("informix_db.exceptions")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message.clone(),)));
    match built {
        Ok(v) => PyErr::from_value(v),
        Err(e) => e,
    }
}

/// Raises the Python exception for a pool error.
pub(crate) fn pool_err(py: Python<'_>, e: PoolError) -> PyErr {
    match e {
        PoolError::Closed => pool_exception(py, "PoolClosedError", e.to_string()),
        PoolError::Timeout(m) => pool_exception(py, "PoolTimeoutError", m),
        PoolError::Connect(err) => to_py(py, &err),
        PoolError::NotCheckedOut => client(py, ErrorKind::Interface, e.to_string()),
        PoolError::Config(_) => client(py, ErrorKind::Programming, e.to_string()),
    }
}

/// The pool: one per server/database/user. Thread-safe; every method may be called
/// from any thread.
#[pyclass(frozen, module = "informix_db._native")]
pub(crate) struct NativePool {
    pool: Pool,
    codec: TextCodec,
}

impl NativePool {
    fn checkout_tuple<'py>(&self, py: Python<'py>, co: Checkout) -> PyResult<Bound<'py, PyTuple>> {
        let native = Bound::new(py, NativeConnection::from_client(co.conn, self.codec))?;
        PyTuple::new(py, [co.id.into_pyobject(py)?.into_any(), native.into_any()])
    }
}

#[pymethods]
impl NativePool {
    #[new]
    #[pyo3(signature = (spec, *, min_size=0, max_size=10, acquire_timeout=30.0,
        max_lifetime=Some(1800.0), lifetime_jitter=0.1, idle_timeout=Some(600.0),
        health_check_after=0.5, check_timeout=5.0, reset_timeout=5.0, leak_threshold=None,
        reconnect_base=0.1, reconnect_max=5.0, max_waiting=0, housekeeping_interval=1.0,
        on_event=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        spec: &ConnectSpec,
        min_size: usize,
        max_size: usize,
        acquire_timeout: f64,
        max_lifetime: Option<f64>,
        lifetime_jitter: f64,
        idle_timeout: Option<f64>,
        health_check_after: f64,
        check_timeout: f64,
        reset_timeout: f64,
        leak_threshold: Option<f64>,
        reconnect_base: f64,
        reconnect_max: f64,
        max_waiting: usize,
        housekeeping_interval: f64,
        on_event: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let connect = spec.opts.clone();
        if !(0.0..=1.0).contains(&lifetime_jitter) {
            return Err(PyValueError::new_err(
                "lifetime_jitter must be between 0 and 1",
            ));
        }
        let on_event = on_event.map(|cb| {
            let cb = Arc::new(cb);
            let hook: informix_client::EventHook = Arc::new(move |e: &PoolEvent| {
                let kind = e.kind();
                let message = e.to_string();
                Python::try_attach(|py| {
                    if let Err(err) = cb.call1(py, (kind, message)) {
                        err.write_unraisable(py, None);
                    }
                });
            });
            hook
        });
        let codec = TextCodec::from_locale(&connect.client_locale);
        let cfg = PoolConfig {
            connect,
            min_size,
            max_size,
            acquire_timeout: seconds("acquire_timeout", acquire_timeout)?,
            max_lifetime: optional_seconds("max_lifetime", max_lifetime)?,
            lifetime_jitter,
            idle_timeout: optional_seconds("idle_timeout", idle_timeout)?,
            health_check_after: seconds("health_check_after", health_check_after)?,
            check_timeout: seconds("check_timeout", check_timeout)?,
            reset_timeout: seconds("reset_timeout", reset_timeout)?,
            leak_threshold: optional_seconds("leak_threshold", leak_threshold)?,
            reconnect_base: seconds("reconnect_base", reconnect_base)?,
            reconnect_max: seconds("reconnect_max", reconnect_max)?,
            max_waiting,
            housekeeping_interval: seconds("housekeeping_interval", housekeeping_interval)?
                .max(Duration::from_millis(10)),
            on_event,
        };
        let pool = py.detach(|| Pool::new(cfg)).map_err(|e| pool_err(py, e))?;
        Ok(NativePool { pool, codec })
    }

    /// Checks out a connection: `(id, NativeConnection)`. Blocks (detached) at most
    /// `timeout` seconds (None: the pool's acquire_timeout).
    #[pyo3(signature = (timeout=None, site=None))]
    fn acquire<'py>(
        &self,
        py: Python<'py>,
        timeout: Option<f64>,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let timeout = timeout
            .map(|t| seconds("timeout", t.max(0.0)))
            .transpose()?;
        let co = py
            .detach(|| self.pool.acquire(timeout, site))
            .map_err(|e| pool_err(py, e))?;
        self.checkout_tuple(py, co)
    }

    /// Starts an acquire without blocking. Returns `(id, NativeConnection)` when one is
    /// ready now, else an int ticket; then `callback(result, error)` is called exactly
    /// once from another thread, with `result` a tuple or None and `error` an exception
    /// or None. If the callback raises while holding a connection, it is given back.
    #[pyo3(signature = (callback, timeout=None, site=None))]
    fn acquire_async<'py>(
        &self,
        py: Python<'py>,
        callback: Py<PyAny>,
        timeout: Option<f64>,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let timeout = timeout
            .map(|t| seconds("timeout", t.max(0.0)))
            .transpose()?;
        let codec = self.codec;
        let cb: informix_client::AcquireCallback = Box::new(move |r| deliver(callback, r, codec));
        match self.pool.acquire_async(timeout, site, cb) {
            Ok(AsyncAcquire::Ready(co)) => Ok(self.checkout_tuple(py, co)?.into_any()),
            Ok(AsyncAcquire::Pending(ticket)) => Ok(ticket.into_pyobject(py)?.into_any()),
            Err(e) => Err(pool_err(py, e)),
        }
    }

    /// Withdraws a pending asynchronous acquire; False if it is already completing.
    fn cancel_wait(&self, ticket: u64) -> bool {
        self.pool.cancel_wait(ticket)
    }

    /// Gives a connection back; returns its id. `wait=False` never blocks: a needed
    /// rollback then runs on a pool thread.
    #[pyo3(signature = (conn, broken=false, lost=false, wait=true))]
    fn release(
        &self,
        py: Python<'_>,
        conn: PyRef<'_, NativeConnection>,
        broken: bool,
        lost: bool,
        wait: bool,
    ) -> PyResult<u64> {
        let c = conn.client().clone();
        drop(conn);
        let r = if wait {
            py.detach(|| self.pool.release(&c, broken, lost, true))
        } else {
            self.pool.release(&c, broken, lost, false)
        };
        r.map_err(|e| pool_err(py, e))
    }

    /// Discards the checked-out connection `id` whose holder disappeared.
    fn reclaim(&self, py: Python<'_>, id: u64) -> bool {
        py.detach(|| self.pool.reclaim(id))
    }

    #[pyo3(signature = (min_size=None, max_size=None))]
    fn resize(
        &self,
        py: Python<'_>,
        min_size: Option<usize>,
        max_size: Option<usize>,
    ) -> PyResult<()> {
        self.pool
            .resize(min_size, max_size)
            .map_err(|e| pool_err(py, e))
    }

    /// Replaces every connection (idle now, in use when returned).
    fn drain(&self, py: Python<'_>) {
        py.detach(|| self.pool.drain());
    }

    /// Closes the pool (idempotent). With a timeout, waits that long for checked-out
    /// connections before cutting them.
    #[pyo3(signature = (timeout=None))]
    fn close(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<()> {
        let timeout = timeout
            .map(|t| seconds("timeout", t.max(0.0)))
            .transpose()?;
        py.detach(|| self.pool.close(timeout));
        Ok(())
    }

    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.pool.stats();
        let d = PyDict::new(py);
        d.set_item("size", s.size)?;
        d.set_item("idle", s.idle)?;
        d.set_item("in_use", s.in_use)?;
        d.set_item("waiting", s.waiting)?;
        d.set_item("connecting", s.connecting)?;
        d.set_item("min_size", s.min_size)?;
        d.set_item("max_size", s.max_size)?;
        d.set_item("acquisitions", s.acquisitions)?;
        d.set_item("acquisitions_waited", s.acquisitions_waited)?;
        d.set_item("timeouts", s.timeouts)?;
        d.set_item("fail_fast", s.fail_fast)?;
        d.set_item("connections_created", s.connections_created)?;
        d.set_item("connections_closed", s.connections_closed)?;
        d.set_item("connections_failed", s.connections_failed)?;
        d.set_item("checks", s.checks)?;
        d.set_item("checks_failed", s.checks_failed)?;
        d.set_item("evicted_broken", s.evicted_broken)?;
        d.set_item("expired_lifetime", s.expired_lifetime)?;
        d.set_item("expired_idle", s.expired_idle)?;
        d.set_item("invalidations", s.invalidations)?;
        d.set_item("rollbacks_on_release", s.rollbacks_on_release)?;
        d.set_item("leaks_suspected", s.leaks_suspected)?;
        d.set_item("reclaimed", s.reclaimed)?;
        d.set_item("wait_p50_ms", s.wait_p50_ms)?;
        d.set_item("wait_p90_ms", s.wait_p90_ms)?;
        d.set_item("wait_p99_ms", s.wait_p99_ms)?;
        d.set_item("wait_max_ms", s.wait_max_ms)?;
        d.set_item("server_down", s.server_down)?;
        d.set_item("last_connect_error", s.last_connect_error)?;
        d.set_item("closed", s.closed)?;
        Ok(d)
    }

    #[getter]
    fn size(&self) -> usize {
        self.pool.size()
    }

    #[getter]
    fn idle_count(&self) -> usize {
        self.pool.idle_count()
    }

    #[getter]
    fn min_size(&self) -> usize {
        self.pool.min_size()
    }

    #[getter]
    fn max_size(&self) -> usize {
        self.pool.max_size()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.pool.is_closed()
    }
}

/// Calls the Python callback with the outcome; a connection nobody can take goes back.
fn deliver(callback: Py<PyAny>, r: Result<Checkout, PoolError>, codec: TextCodec) {
    let undeliverable = Python::try_attach(|py| {
        let args = match &r {
            Ok(co) => {
                let native =
                    match Bound::new(py, NativeConnection::from_client(co.conn.clone(), codec)) {
                        Ok(n) => n,
                        Err(e) => {
                            e.write_unraisable(py, None);
                            return true;
                        }
                    };
                let id = match co.id.into_pyobject(py) {
                    Ok(id) => id.into_any(),
                    Err(never) => match never {},
                };
                let tuple = PyTuple::new(py, [id, native.into_any()]);
                match tuple {
                    Ok(t) => (t.into_any(), py.None().into_bound(py)),
                    Err(e) => {
                        e.write_unraisable(py, None);
                        return true;
                    }
                }
            }
            Err(e) => {
                let exc = pool_err(py, e.clone())
                    .into_value(py)
                    .into_bound(py)
                    .into_any();
                (py.None().into_bound(py), exc)
            }
        };
        match callback.call1(py, args) {
            Ok(_) => false,
            Err(e) => {
                e.write_unraisable(py, None);
                true
            }
        }
    })
    .unwrap_or(true);
    if undeliverable && let Ok(co) = r {
        // Never used by anyone: it goes back clean (an error means it already did).
        let _ = co.release(false);
    }
}
