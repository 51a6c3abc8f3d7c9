#![forbid(unsafe_code)]
//! Informix SQLI test server: an embedded-SQLite SQL engine behind the SQLI wire protocol.

// TEMPORARY: the stand-in engine, until `src/engine/` lands.
#[path = "wire/dev_engine.rs"]
pub mod engine;
pub mod wire;
