//! One error type for everything the client reports.
//!
//! The kind says which PEP 249 class a binding should raise; server errors carry the
//! Informix sqlcode and ISAM code; `connection_lost` is set where the protocol layer
//! knows the session is gone, and is what a pool evicts on.

use std::fmt;

use informix_protocol::message::ServerError;
use informix_protocol::wire::DecodeError;

/// Which family an error belongs to (maps onto the PEP 249 hierarchy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Misuse of the API: closed connection, bad argument shape.
    Interface,
    /// The server rejected a statement; classify by `sqlcode`.
    Server,
    /// Network, TLS, timeout, login refusal, stream desynchronisation.
    Operational,
    /// A value could not be converted for the wire.
    Data,
    /// A statement or call the client refuses before sending.
    Programming,
    NotSupported,
    /// Bug-class failures: should never happen.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Informix error code (negative), 0 when the error did not come from a server.
    pub sqlcode: i32,
    pub isam: i32,
    pub offset: i32,
    pub near: String,
    pub sqlstate: Option<String>,
    /// The connection can no longer be used: the pool must discard it.
    pub connection_lost: bool,
    /// Context put before the message, e.g. `executemany row 3/10: `.
    pub prefix: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            sqlcode: 0,
            isam: 0,
            offset: 0,
            near: String::new(),
            sqlstate: None,
            connection_lost: false,
            prefix: String::new(),
        }
    }

    pub fn interface(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Interface, message)
    }

    pub fn programming(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Programming, message)
    }

    pub fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, message)
    }

    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotSupported, message)
    }

    /// An operational failure after which the session is unusable.
    pub fn lost(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::Operational, message);
        e.connection_lost = true;
        e
    }

    pub fn closed() -> Self {
        Self::interface("connection is closed")
    }

    /// An error reported by the server in SQ_ERR (or at login).
    pub fn server(e: &ServerError) -> Self {
        let mut err = Self::new(ErrorKind::Server, String::new());
        err.sqlcode = e.sqlcode;
        err.isam = e.isam;
        err.offset = e.offset;
        err.near = e.near.clone();
        err.message = format!("Informix error {}", e.sqlcode);
        err
    }

    pub fn with_sqlcode(mut self, sqlcode: i32, isam: i32) -> Self {
        self.sqlcode = sqlcode;
        self.isam = isam;
        self
    }

    pub fn with_prefix(mut self, prefix: &str) -> Self {
        self.prefix.insert_str(0, prefix);
        self
    }

    pub fn is_server(&self) -> bool {
        self.kind == ErrorKind::Server
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix)?;
        f.write_str(&self.message)?;
        if self.kind == ErrorKind::Server {
            if !self.near.is_empty() {
                write!(f, " (near '{}')", self.near)?;
            }
            if self.isam != 0 {
                write!(f, " [ISAM {}]", self.isam)?;
            }
        } else if self.sqlcode != 0 {
            write!(f, " [{}]", self.sqlcode)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<DecodeError> for Error {
    /// A frame that can never decode leaves the stream unusable.
    fn from(e: DecodeError) -> Self {
        Error::lost(format!("protocol error: {e}"))
    }
}

impl From<informix_protocol::codec::CodecError> for Error {
    fn from(e: informix_protocol::codec::CodecError) -> Self {
        Error::data(e.to_string())
    }
}

/// Maps an I/O failure during an exchange; the session is gone either way.
pub fn io_error(context: &str, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::WouldBlock | K::TimedOut => "timed out".to_owned(),
        K::UnexpectedEof => "server closed the connection".to_owned(),
        _ => e.to_string(),
    };
    Error::lost(format!("{context}: {what}"))
}
