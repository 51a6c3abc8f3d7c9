#![forbid(unsafe_code)]
//! Blocking Informix client over the SQLI protocol: TCP or TLS transport, a connection
//! whose wire mutex makes it safe to share between threads, statements, and a pool.

pub mod connection;
pub mod error;
pub mod fastpath;
pub mod files;
pub mod options;
pub mod params;
pub mod pool;
pub mod statement;
pub mod transport;
pub mod wire;

pub use connection::{
    Columns, Connection, DatabaseMode, ExecSummary, Execution, FileExecution, PendingExecute,
    Polled, ResultStream, RowBatch, ServerInfo,
};
pub use error::{Error, ErrorKind, Result};
pub use fastpath::FastPathValue;
pub use options::{ConnectOptions, TlsOptions};
pub use params::{Param, TextCodec};
pub use pool::{
    AcquireCallback, AsyncAcquire, Checkout, EventHook, Pool, PoolConfig, PoolError, PoolEvent,
    PoolStats, PooledConnection,
};
