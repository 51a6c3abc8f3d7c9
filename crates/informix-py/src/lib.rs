//! `informix_db._native`: the Rust core exposed to Python.
//!
//! Rules kept throughout: every network wait runs detached from the interpreter
//! (`py.detach`), the connection's wire mutex is only taken while detached, and Python
//! objects are built after the mutex is released, straight from the received bytes.
//! One deliberate exception: a [`NativePending`] (an asyncio execute) owns the wire
//! between event-loop callbacks. It takes it with a try-lock, so the loop never waits
//! for it, and any other thread waits for it detached, so the GIL never waits on it.

mod convert;
mod cursor;
mod errors;
mod options;
mod pool;

use std::sync::Arc;

use informix_client::{
    Columns, Connection, Execution, PendingExecute, Polled, ResultStream, TextCodec,
};
use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::to_py;
use crate::options::ConnectSpec;

/// Opens a connection with validated settings.
#[pyfunction]
fn connect(py: Python<'_>, spec: &ConnectSpec) -> PyResult<NativeConnection> {
    let opts = &spec.opts;
    let codec = TextCodec::from_locale(&opts.client_locale);
    let conn = py
        .detach(|| Connection::connect(opts))
        .map_err(|e| to_py(py, &e))?;
    Ok(NativeConnection { conn, codec })
}

/// One session. Safe to share between threads: calls serialise on the wire mutex.
#[pyclass(frozen, module = "informix_db._native")]
struct NativeConnection {
    conn: Connection,
    codec: TextCodec,
}

impl NativeConnection {
    /// Wraps a connection handed out by the pool.
    pub(crate) fn from_client(conn: Connection, codec: TextCodec) -> Self {
        NativeConnection { conn, codec }
    }

    pub(crate) fn client(&self) -> &Connection {
        &self.conn
    }
}

#[pymethods]
impl NativeConnection {
    /// Runs a statement; returns a result handle (rows or a summary).
    #[pyo3(signature = (sql, params=None, scroll=false))]
    fn execute(
        &self,
        py: Python<'_>,
        sql: &str,
        params: Option<&Bound<'_, PyAny>>,
        scroll: bool,
    ) -> PyResult<NativeResult> {
        let params = match params {
            Some(p) if !p.is_none() => convert::params_from_py(p, self.codec)?,
            _ => Vec::new(),
        };
        let exec = py
            .detach(|| {
                if scroll {
                    self.conn.execute_scroll(sql, &params)
                } else {
                    self.conn.execute(sql, &params)
                }
            })
            .map_err(|e| to_py(py, &e))?;
        NativeResult::new(py, exec, self.codec)
    }

    /// Starts `execute` for an event loop: the request is written and the replies are
    /// left to [`NativePending::poll`]. None when the statement cannot run that way
    /// (see `Connection::start_execute`); then use `execute`.
    #[pyo3(signature = (sql, params=None))]
    fn start_execute(
        &self,
        py: Python<'_>,
        sql: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<NativePending>> {
        let params = match params {
            Some(p) if !p.is_none() => convert::params_from_py(p, self.codec)?,
            _ => Vec::new(),
        };
        // Only writes (one flight, a few hundred bytes at most for typical statements)
        // happen here, under a try-lock; nothing waits for the server.
        let started = py
            .detach(|| self.conn.start_execute(sql, &params))
            .map_err(|e| to_py(py, &e))?;
        Ok(started.map(|pending| NativePending {
            pending: Mutex::new(Some(pending)),
            codec: self.codec,
        }))
    }

    /// Runs a statement that moves smart-LOB values through client files. `inputs` are
    /// (name, bytes) the server may read; returns (rowcount, serial, description, rows,
    /// files the server wrote as (name, bytes)).
    #[allow(clippy::type_complexity)]
    fn execute_files<'py>(
        &self,
        py: Python<'py>,
        sql: &str,
        params: Option<&Bound<'py, PyAny>>,
        inputs: Vec<(String, Vec<u8>)>,
    ) -> PyResult<(
        i64,
        i64,
        Option<Bound<'py, PyList>>,
        Bound<'py, PyList>,
        Vec<(String, Py<PyAny>)>,
    )> {
        let params = match params {
            Some(p) if !p.is_none() => convert::params_from_py(p, self.codec)?,
            _ => Vec::new(),
        };
        let run = py
            .detach(|| self.conn.execute_with_files(sql, &params, inputs))
            .map_err(|e| to_py(py, &e))?;
        let rows = PyList::empty(py);
        let description = match &run.columns {
            Some(cols) => {
                for b in &run.batches {
                    convert::append_rows(py, cols, b, self.codec, &rows)?;
                }
                Some(convert::description(py, cols)?)
            }
            None => None,
        };
        let serial = run.summary.serial8.unwrap_or(i64::from(run.summary.serial));
        let outputs = run
            .outputs
            .into_iter()
            .map(|(name, data)| {
                (
                    name,
                    pyo3::types::PyBytes::new(py, &data).into_any().unbind(),
                )
            })
            .collect();
        Ok((run.summary.rowcount, serial, description, rows, outputs))
    }

    /// Runs one statement once per parameter row, pipelined. Returns total rows affected.
    fn executemany(&self, py: Python<'_>, sql: &str, seq: &Bound<'_, PyAny>) -> PyResult<i64> {
        let mut rows = Vec::new();
        for (i, row) in seq.try_iter()?.enumerate() {
            let row = row?;
            rows.push(convert::params_from_py(&row, self.codec).map_err(|e| {
                let msg = format!("executemany row {}: {}", i + 1, e.value(py));
                errors::same_class(py, &e, msg)
            })?);
        }
        py.detach(|| self.conn.execute_many(sql, &rows))
            .map_err(|e| to_py(py, &e))
    }

    /// Calls a routine through the fast path; returns its values as a list.
    fn fast_path_call<'py>(
        &self,
        py: Python<'py>,
        signature: &str,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let params = convert::params_from_py(params, self.codec)?;
        let values = py
            .detach(|| self.conn.fast_path_call(signature, &params))
            .map_err(|e| to_py(py, &e))?;
        convert::fast_path_values(py, &values, self.codec)
    }

    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.conn.commit()).map_err(|e| to_py(py, &e))
    }

    fn rollback(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.conn.rollback())
            .map_err(|e| to_py(py, &e))
    }

    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.conn.ping()).map_err(|e| to_py(py, &e))
    }

    fn close(&self, py: Python<'_>) {
        py.detach(|| self.conn.close());
    }

    /// Cuts the socket at once (a cancelled exchange must never be reused).
    fn abort(&self) {
        self.conn.abort();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.conn.is_closed()
    }

    #[getter]
    fn in_transaction(&self) -> bool {
        self.conn.in_transaction()
    }

    #[getter]
    fn get_autocommit(&self) -> bool {
        self.conn.autocommit()
    }

    #[setter]
    fn set_autocommit(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        py.detach(|| self.conn.set_autocommit(on))
            .map_err(|e| to_py(py, &e))
    }

    #[getter]
    fn server_version_internal(&self) -> String {
        // The login reply's version text as sent, as the reference driver reports it.
        self.conn.server_info().identity.version_text()
    }

    #[getter]
    fn database_mode(&self) -> Option<&'static str> {
        self.conn.server_info().database_mode.map(|m| match m {
            informix_client::DatabaseMode::Unlogged => "unlogged",
            informix_client::DatabaseMode::Logged => "logged",
            informix_client::DatabaseMode::Ansi => "ansi",
        })
    }

    #[getter]
    fn protocols(&self) -> Vec<u8> {
        self.conn.server_info().protocols.clone()
    }

    #[getter]
    fn label(&self) -> String {
        self.conn.label().to_owned()
    }

    /// Seconds since the last completed exchange.
    #[getter]
    fn idle_seconds(&self) -> f64 {
        self.conn.idle_for().as_secs_f64()
    }

    #[getter]
    fn pending_cleanup(&self) -> usize {
        self.conn.pending_cleanup()
    }

    /// (messages received, round trips) as counted by the client.
    #[getter]
    fn wire_stats(&self) -> Option<(u64, u64)> {
        self.conn.wire_stats()
    }
}

/// The result of one `execute`: metadata plus, for queries, a row stream.
#[pyclass(frozen, module = "informix_db._native")]
struct NativeResult {
    #[pyo3(get)]
    statement_type: i16,
    #[pyo3(get)]
    rowcount: i64,
    #[pyo3(get)]
    serial: i32,
    #[pyo3(get)]
    serial8: Option<i64>,
    /// PEP 249 description: 7-tuples, or None for statements without rows.
    #[pyo3(get)]
    description: Option<Py<PyList>>,
    columns: Option<Arc<Columns>>,
    /// Shared so the lock is held only to clone the handle, never across a network wait.
    stream: Mutex<Option<Arc<ResultStream>>>,
    codec: TextCodec,
}

impl NativeResult {
    fn new(py: Python<'_>, exec: Execution, codec: TextCodec) -> PyResult<Self> {
        let description = match &exec.columns {
            Some(cols) => Some(convert::description(py, cols)?.unbind()),
            None => None,
        };
        Ok(NativeResult {
            statement_type: exec.summary.statement_type,
            rowcount: exec.summary.rowcount,
            serial: exec.summary.serial,
            serial8: exec.summary.serial8,
            description,
            columns: exec.columns,
            stream: Mutex::new(exec.stream.map(Arc::new)),
            codec,
        })
    }

    /// The next raw batch; network waits happen detached.
    fn next_raw(&self, py: Python<'_>) -> PyResult<Option<informix_client::RowBatch>> {
        let Some(stream) = self.stream.lock().clone() else {
            return Ok(None);
        };
        py.detach(|| stream.next_batch()).map_err(|e| to_py(py, &e))
    }
}

/// An execute waiting for its replies; it holds its connection's wire until done.
#[pyclass(frozen, module = "informix_db._native")]
struct NativePending {
    pending: Mutex<Option<PendingExecute>>,
    codec: TextCodec,
}

#[pymethods]
impl NativePending {
    /// The socket to wait on for readability (None once the connection is gone).
    fn fileno(&self) -> Option<i32> {
        self.pending
            .lock()
            .as_ref()
            .and_then(PendingExecute::socket)
    }

    /// Reads what has arrived (one read when `readable`, which must only be passed
    /// when the socket was seen readable); the result once every reply is in, else
    /// None. Never waits for the server.
    fn poll(&self, py: Python<'_>, readable: bool) -> PyResult<Option<NativeResult>> {
        let Some(pending) = self.pending.lock().take() else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this execute has already finished",
            ));
        };
        match pending.poll(readable).map_err(|e| to_py(py, &e))? {
            Polled::Ready(exec) => NativeResult::new(py, exec, self.codec).map(Some),
            Polled::Waiting(pending) => {
                *self.pending.lock() = Some(pending);
                Ok(None)
            }
        }
    }

    /// Gives up: the connection is cut, since its replies can no longer be read in order.
    fn abort(&self) {
        drop(self.pending.lock().take());
    }
}

#[pymethods]
impl NativeResult {
    #[getter]
    fn is_query(&self) -> bool {
        self.columns.is_some()
    }

    /// The next batch of rows as a list of tuples, or None when the rows are exhausted.
    fn fetch_batch<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(cols) = &self.columns else {
            return Ok(None);
        };
        match self.next_raw(py)? {
            None => Ok(None),
            Some(batch) => Ok(Some(convert::rows_to_list(py, cols, &batch, self.codec)?)),
        }
    }

    /// Every remaining row.
    fn fetch_all<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let Some(cols) = &self.columns else {
            return Ok(out);
        };
        while let Some(batch) = self.next_raw(py)? {
            convert::append_rows(py, cols, &batch, self.codec, &out)?;
        }
        Ok(out)
    }

    /// One row of a scroll cursor by position: scroll type 4 LAST, 6 ABSOLUTE.
    /// Returns (row, 1-based position) or None past either end.
    fn scroll_fetch<'py>(
        &self,
        py: Python<'py>,
        scroll_type: i16,
        target: i32,
    ) -> PyResult<Option<(Bound<'py, PyAny>, i32)>> {
        let Some(cols) = &self.columns else {
            return Ok(None);
        };
        let Some(stream) = self.stream.lock().clone() else {
            return Err(errors::client(
                py,
                informix_client::ErrorKind::Interface,
                "cursor is closed",
            ));
        };
        let fetched = py
            .detach(|| stream.scroll_fetch(scroll_type, target))
            .map_err(|e| to_py(py, &e))?;
        match fetched {
            None => Ok(None),
            Some((batch, pos)) => {
                let rows = convert::rows_to_list(py, cols, &batch, self.codec)?;
                Ok(Some((rows.get_item(0)?, pos)))
            }
        }
    }

    /// Every remaining row is in memory: fetches will not touch the wire.
    #[getter]
    fn rows_buffered(&self) -> bool {
        self.stream
            .lock()
            .as_ref()
            .is_none_or(|s| s.rows_buffered())
    }

    /// Server row count reported so far.
    #[getter]
    fn stream_rowcount(&self) -> i64 {
        self.stream
            .lock()
            .as_ref()
            .map(|s| s.rowcount())
            .unwrap_or(self.rowcount)
    }

    fn close(&self) {
        if let Some(s) = self.stream.lock().take() {
            s.close();
        }
    }
}

/// Module init. `gil_used = false`: every class guards its own state.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(connect, m)?)?;
    m.add_class::<options::ConnectSpec>()?;
    m.add_class::<NativeConnection>()?;
    m.add_class::<NativeResult>()?;
    m.add_class::<NativePending>()?;
    m.add_class::<cursor::CursorBase>()?;
    m.add_class::<pool::NativePool>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
