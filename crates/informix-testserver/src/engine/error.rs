//! Informix error values and the mapping of SQLite failures onto them.
//!
//! The server never sends message text: a client only sees sqlcode, ISAM
//! code, offset and one parameter, so that is all an error carries here.

use std::fmt;

/// An Informix error as it goes on the wire in `SQ_ERR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub sqlcode: i32,
    pub isam: i32,
    pub offset: i32,
    pub near: String,
}

impl SqlError {
    pub fn new(sqlcode: i32, isam: i32) -> Self {
        SqlError {
            sqlcode,
            isam,
            offset: 0,
            near: String::new(),
        }
    }

    /// Error with the `%s` parameter set.
    pub fn near(sqlcode: i32, isam: i32, near: impl Into<String>) -> Self {
        SqlError {
            sqlcode,
            isam,
            offset: 0,
            near: near.into(),
        }
    }

    /// Sets the statement offset (byte position where the error was seen).
    pub fn at(mut self, offset: usize) -> Self {
        self.offset = i32::try_from(offset).unwrap_or(i32::MAX);
        self
    }

    /// -201 syntax error at a byte offset.
    pub fn syntax(offset: usize) -> Self {
        SqlError::new(-201, 0).at(offset)
    }

    /// Encodes the error as text so it can cross a SQLite user function.
    pub(crate) fn encode(&self) -> String {
        format!(
            "IFX\u{1}{}\u{1}{}\u{1}{}",
            self.sqlcode, self.isam, self.near
        )
    }

    /// Decodes text produced by [`SqlError::encode`].
    pub(crate) fn decode(s: &str) -> Option<SqlError> {
        let rest = s.split_once("IFX\u{1}")?.1;
        let mut it = rest.splitn(3, '\u{1}');
        let sqlcode = it.next()?.parse().ok()?;
        let isam = it.next()?.parse().ok()?;
        let near = it.next().unwrap_or("").to_string();
        Some(SqlError {
            sqlcode,
            isam,
            offset: 0,
            near,
        })
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SQL error {} (ISAM {})", self.sqlcode, self.isam)?;
        if !self.near.is_empty() {
            write!(f, ": {}", self.near)?;
        }
        Ok(())
    }
}

impl std::error::Error for SqlError {}

/// Error raised inside a SQLite user function: carries an Informix error.
#[derive(Debug)]
pub(crate) struct FnError(pub SqlError);

impl fmt::Display for FnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.encode())
    }
}

impl std::error::Error for FnError {}

/// Wraps an Informix error for return from a SQLite user function.
pub(crate) fn fn_err(e: SqlError) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(Box::new(FnError(e)))
}

/// The failure message of a SQLite error, if it has one.
pub(crate) fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::UserFunctionError(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_roundtrip() {
        let e = SqlError::near(-1213, 0, "a\u{1}b");
        let d = SqlError::decode(&format!("xx {}", e.encode()));
        assert_eq!(
            d.map(|d| (d.sqlcode, d.near)),
            Some((-1213, "a\u{1}b".to_string()))
        );
        assert_eq!(SqlError::decode("nothing"), None);
    }
}
