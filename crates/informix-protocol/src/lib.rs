#![forbid(unsafe_code)]
//! Sans-IO SQLI: framing, messages and type codecs shared by client and test server.
//!
//! Nothing here touches a socket, a clock or a thread: encoders append to a buffer and
//! decoders return [`wire::DecodeError::Incomplete`] when they need more bytes.

pub mod codec;
pub mod describe;
pub mod login;
pub mod message;
pub mod row;
pub mod tags;
pub mod wire;

/// Lower-case hex with spaces, for golden-byte tests and debug logs.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}
