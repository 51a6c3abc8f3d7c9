#![forbid(unsafe_code)]
//! Informix SQLI test server: an embedded-SQLite SQL engine behind the SQLI wire protocol.

pub mod engine;
pub mod wire;
