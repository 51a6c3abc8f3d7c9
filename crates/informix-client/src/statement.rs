//! The per-connection prepared-statement cache.

use std::collections::HashMap;
use std::sync::Arc;

use informix_protocol::describe::ColumnDescriptor;
use informix_protocol::tags::stmt;

use crate::connection::Columns;

/// A statement prepared on the server, addressed by its statement id.
#[derive(Debug)]
pub struct CachedStatement {
    pub id: i16,
    pub statement_type: i16,
    pub is_query: bool,
    pub columns: Option<Arc<Columns>>,
    /// What DESCRIBE listed for a non-query (INSERT target columns).
    pub input_columns: Vec<ColumnDescriptor>,
}

/// LRU of prepared statements keyed by SQL text and parameter count.
pub struct StatementCache {
    capacity: usize,
    entries: HashMap<(String, usize), (Arc<CachedStatement>, u64)>,
    clock: u64,
    evicted: Vec<i16>,
}

/// Only statements worth re-running are kept prepared; DDL and the like are released at once.
fn cacheable(statement_type: i16) -> bool {
    matches!(
        statement_type,
        stmt::SELECT | 4 | 5 | stmt::INSERT | 32 | 33 | stmt::EXECUTE_PROCEDURE
    )
}

impl StatementCache {
    pub fn new(capacity: usize) -> Self {
        StatementCache {
            capacity,
            entries: HashMap::new(),
            clock: 0,
            evicted: Vec::new(),
        }
    }

    pub fn get(&mut self, sql: &str, params: usize) -> Option<Arc<CachedStatement>> {
        self.clock += 1;
        let clock = self.clock;
        // Borrowed lookup without allocating a key.
        self.entries
            .iter_mut()
            .find(|((s, p), _)| s == sql && *p == params)
            .map(|(_, (stmt, used))| {
                *used = clock;
                stmt.clone()
            })
    }

    pub fn is_cached(&self, id: i16) -> bool {
        self.entries.values().any(|(s, _)| s.id == id)
    }

    /// Adds a statement; uncacheable ones are returned without being kept.
    pub fn insert(
        &mut self,
        sql: &str,
        params: usize,
        stmt: Arc<CachedStatement>,
    ) -> Arc<CachedStatement> {
        if self.capacity == 0 || !cacheable(stmt.statement_type) {
            return stmt;
        }
        if self.entries.len() >= self.capacity
            && let Some(key) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            && let Some((old, _)) = self.entries.remove(&key)
        {
            self.evicted.push(old.id);
        }
        self.clock += 1;
        self.entries
            .insert((sql.to_owned(), params), (stmt.clone(), self.clock));
        stmt
    }

    /// Statement ids to RELEASE at the next statement boundary.
    pub fn take_evicted(&mut self) -> Vec<i16> {
        std::mem::take(&mut self.evicted)
    }
}
