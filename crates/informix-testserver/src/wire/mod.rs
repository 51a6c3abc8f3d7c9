//! The SQLI wire/session layer of the test server: listeners (plain and TLS), one
//! thread per session speaking SQLI over the engine, and the control channel.

pub mod control;
pub mod lobfile;
mod packed;
pub mod server;
pub mod session;
pub mod state;
pub mod transport;
pub mod values;

pub use server::{Options, Server, USAGE};
