//! Message tags (post-login) and login-section markers.

pub const SQ_COMMAND: i16 = 1;
pub const SQ_PREPARE: i16 = 2;
pub const SQ_CURNAME: i16 = 3;
pub const SQ_ID: i16 = 4;
pub const SQ_BIND: i16 = 5;
pub const SQ_OPEN: i16 = 6;
pub const SQ_EXECUTE: i16 = 7;
pub const SQ_DESCRIBE: i16 = 8;
pub const SQ_NFETCH: i16 = 9;
pub const SQ_CLOSE: i16 = 10;
pub const SQ_RELEASE: i16 = 11;
pub const SQ_EOT: i16 = 12;
pub const SQ_ERR: i16 = 13;
pub const SQ_TUPLE: i16 = 14;
pub const SQ_DONE: i16 = 15;
pub const SQ_CMMTWORK: i16 = 19;
pub const SQ_RBWORK: i16 = 20;
pub const SQ_SVPOINT: i16 = 21;
pub const SQ_NDESCRIBE: i16 = 22;
pub const SQ_SFETCH: i16 = 23;
pub const SQ_SCROLL: i16 = 24;
pub const SQ_TUPID: i16 = 25;
pub const SQ_BEGIN: i16 = 35;
pub const SQ_DBOPEN: i16 = 36;
pub const SQ_DBCLOSE: i16 = 37;
pub const SQ_FETCHBLOB: i16 = 38;
pub const SQ_BLOB: i16 = 39;
pub const SQ_BBIND: i16 = 41;
/// Makes the cursor opened next a WITH HOLD cursor (no body).
pub const SQ_HOLD: i16 = 43;
pub const SQ_WANTDONE: i16 = 49;
pub const SQ_VERSION: i16 = 53;
pub const SQ_COST: i16 = 55;
pub const SQ_EXIT: i16 = 56;
pub const SQ_INFO: i16 = 81;
/// OPEN that re-optimises the query first (no body).
pub const SQ_REOPTOPEN: i16 = 87;
pub const SQ_INSERTDONE: i16 = 94;
pub const SQ_LODATA: i16 = 97;
pub const SQ_FILE: i16 = 98;
pub const SQ_XACTSTAT: i16 = 99;
/// The types the client wants a cursor's columns returned as.
pub const SQ_RET_TYPE: i16 = 100;
pub const SQ_GETROUTINE: i16 = 101;
pub const SQ_EXFPROUTINE: i16 = 102;
pub const SQ_FPROUTINE: i16 = 103;
pub const SQ_FILE_READ: i16 = 106;
pub const SQ_FILE_WRITE: i16 = 107;
/// Free the statement when its cursor is closed (no body).
pub const SQ_AUTOFREE: i16 = 108;
/// Describe the statement's input parameters.
pub const SQ_CIDESCRIBE: i16 = 124;
/// Reply to SQ_CIDESCRIBE.
pub const SQ_IDESCRIBE: i16 = 125;
pub const SQ_PROTOCOLS: i16 = 126;
/// SAVEPOINT name [UNIQUE] as a message: `pstr name`, `i16 unique`.
pub const SQ_SQLISETSVPT: i16 = 137;
/// RELEASE SAVEPOINT name: `pstr name`.
pub const SQ_SQLIRELSVPT: i16 = 138;
/// ROLLBACK TO SAVEPOINT name: `pstr name` (empty = the whole transaction).
pub const SQ_SQLIRBACKSVPT: i16 = 139;
/// Asks for generated keys with the statement: `i16 mode` (1 all, 2 by column
/// position, 3 by column name), then for 2 `i16 n` + n × `i16`, for 3 `i16 n` + n × `pstr`.
pub const SQ_SGKPREPARE: i16 = 134;
/// The generated-key columns: a DESCRIBE body.
pub const SQ_SGKDESCRIBE: i16 = 135;
/// One row of generated keys: a TUPLE body.
pub const SQ_SGKTUPLE: i16 = 136;
/// Brackets a batch of EXECUTEs (ANSI databases; no body).
pub const SQ_BATCHSTART: i16 = 141;
pub const SQ_BATCHEND: i16 = 142;

/// SQ_INFO item kinds; a run of items ends with `INFO_DONE`.
pub mod info {
    pub const DONE: i16 = 0;
    pub const REQUEST: i16 = 1;
    pub const ENV: i16 = 6;
}

/// Login-body section markers (a namespace of their own).
pub mod login {
    pub const SQ_ASSOC: i16 = 100;
    pub const SQ_ASCBINARY: i16 = 101;
    pub const SQ_ASCBPARMS: i16 = 108;
    pub const SQ_ASCINITREQ: i16 = 104;
    pub const SQ_ASCINITRESP: i16 = 102;
    pub const SQ_ASCENV: i16 = 106;
    pub const SQ_ASCPINFO: i16 = 107;
    pub const SQ_ASCMISC_60: i16 = 116;
    pub const SQ_ASCEOT: i16 = 127;
}

/// Session-layer packet types in the login header.
pub mod sl {
    pub const CONREQ: u8 = 1;
    pub const CONACC: u8 = 2;
    pub const CONREJ: u8 = 3;
    pub const REDIRECT: u8 = 13;
    /// PF_PROT_SQLI_0600, the protocol family byte.
    pub const PROT_SQLI_0600: u8 = 0x3C;
}

/// Statement types reported in DESCRIBE that change what a client does next.
pub mod stmt {
    pub const SELECT: i16 = 2;
    pub const INSERT: i16 = 6;
    pub const BEGIN_WORK: i16 = 34;
    pub const COMMIT_WORK: i16 = 35;
    pub const ROLLBACK_WORK: i16 = 36;
    pub const EXECUTE_PROCEDURE: i16 = 56;
}
