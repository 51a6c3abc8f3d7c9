//! SQL engine.
