//! The login exchange: CONREQ (client) and CONACC / CONREJ (server), each framed
//! by the 6-byte session-layer (SL) header whose first i16 is the total length.

use crate::tags::{login as mark, sl};
use crate::wire::{
    DecodeError, DecodeResult, Reader, WireWrite, latin1_to_string, string_to_latin1,
};

/// Length of the SL header that frames login packets.
pub const SL_HEADER_LEN: usize = 6;
/// Capability word 1 that marks the "enhanced" protocol level both sides use.
pub const CAP1_ENHANCED: i32 = 0x13C;
/// Magic value following the binary-association marker (PF_PROT_SQLI_WITH_CSS).
const ASSOC_MAGIC: i32 = 61;

/// Everything a client says about itself at login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRequest {
    pub user: String,
    pub password: Option<String>,
    /// DBSERVERNAME the client believes it is talking to.
    pub server_name: String,
    /// Left empty by well-behaved clients: a database here makes SQ_DBOPEN fail (-759).
    pub database: Option<String>,
    pub env: Vec<(String, String)>,
    pub process_id: i32,
    pub thread_id: i32,
    pub hostname: String,
    pub cwd: String,
    pub app_name: String,
}

impl LoginRequest {
    /// The environment every client sends unless told otherwise (DBDATE fixes date text format).
    pub fn default_env() -> Vec<(String, String)> {
        [
            ("DBPATH", "."),
            ("CLIENT_LOCALE", "en_US.8859-1"),
            ("CLNT_PAM_CAPABLE", "1"),
            ("DBDATE", "Y4MD-"),
            ("IFX_UPDDESC", "1"),
            ("NODEFDAC", "no"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Encodes the whole CONREQ packet, SL header included.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), String> {
        let start = out.len();
        out.put_i16(0); // total length, patched below
        out.put_u8(sl::CONREQ);
        out.put_u8(sl::PROT_SQLI_0600);
        out.put_i16(0);
        out.put_i16(mark::SQ_ASSOC);
        out.put_i16(mark::SQ_ASCBINARY);
        out.put_i32(ASSOC_MAGIC);
        out.put_nstr(b"IEEEM");
        out.put_i16(mark::SQ_ASCBPARMS);
        put_fixed(out, b"sqlexec", 12);
        out.put_nstr(b"9.280");
        out.put_nstr(b"RDS#R000000");
        out.put_nstr(b"sqli");
        out.put_i32(CAP1_ENHANCED);
        out.put_i32(0);
        out.put_i32(0);
        out.put_i16(1);
        out.put_nstr(&latin1(&self.user, "user name")?);
        match &self.password {
            Some(p) => out.put_nstr(&latin1(p, "password")?),
            None => out.put_i16(0),
        }
        put_fixed(out, b"ol", 8);
        out.put_i32(ASSOC_MAGIC);
        put_fixed(out, b"tlitcp", 8);
        out.put_i32(1); // UTYPE_INTERNET
        out.put_i16(mark::SQ_ASCINITREQ);
        out.put_i16(11); // ASF_XCONNECT
        out.put_i32(3); // ASF_AMBIG_SEOL
        out.put_nstr(&latin1(&self.server_name, "server name")?);
        match &self.database {
            Some(d) => out.put_nstr(&latin1(d, "database")?),
            None => out.put_i16(0),
        }
        for _ in 0..4 {
            out.put_i16(0);
        }
        out.put_i16(mark::SQ_ASCENV);
        out.put_i16(i16::try_from(self.env.len()).map_err(|_| "too many env variables")?);
        for (k, v) in &self.env {
            out.put_nstr(&latin1(k, "env name")?);
            out.put_nstr(&latin1(v, "env value")?);
        }
        out.put_i16(mark::SQ_ASCPINFO);
        out.put_i32(0);
        out.put_i32(self.process_id & 0x7FFF_FFFF);
        out.put_i32(self.thread_id & 0x7FFF_FFFF);
        out.put_nstr(&lossy_latin1(&self.hostname));
        out.put_i16(0);
        out.put_nstr(&lossy_latin1(&self.cwd));
        out.put_i16(mark::SQ_ASCMISC_60);
        let app = lossy_latin1(&self.app_name);
        out.put_i16(i16::try_from(4 + 4 + 2 + app.len() + 1).map_err(|_| "app name too long")?);
        out.put_i32(0);
        out.put_i32(0);
        out.put_nstr(&app);
        out.put_i16(mark::SQ_ASCEOT);
        let total = out.len() - start;
        let total = i16::try_from(total).map_err(|_| "login packet exceeds 32767 bytes")?;
        out[start..start + 2].copy_from_slice(&total.to_be_bytes());
        Ok(())
    }

    /// Decodes a CONREQ body (the bytes after the SL header).
    ///
    /// Real clients differ after the password (IBM JDBC adds and reorders fields), so
    /// everything past it is read best-effort: what cannot be parsed stays empty.
    pub fn decode_body(body: &[u8]) -> DecodeResult<LoginRequest> {
        let mut r = Reader::new(body);
        expect_marker(&mut r, mark::SQ_ASSOC)?;
        expect_marker(&mut r, mark::SQ_ASCBINARY)?;
        r.i32()?;
        r.nstr()?; // float format
        expect_marker(&mut r, mark::SQ_ASCBPARMS)?;
        r.skip(12)?;
        r.nstr()?; // client version
        r.nstr()?; // serial
        r.nstr()?; // application id
        r.i32()?;
        r.i32()?;
        r.i32()?;
        r.i16()?;
        let user = latin1_to_string(r.nstr()?);
        let password = match r.i16()? {
            0 => None,
            n => {
                let n = usize::try_from(n).map_err(|_| DecodeError::invalid("password length"))?;
                Some(latin1_to_string(crate::wire::trim_nuls(r.bytes(n)?)))
            }
        };
        let mut req = LoginRequest {
            user,
            password,
            server_name: String::new(),
            database: None,
            env: Vec::new(),
            process_id: 0,
            thread_id: 0,
            hostname: String::new(),
            cwd: String::new(),
            app_name: String::new(),
        };
        let _ = decode_tail(&mut r, &mut req);
        Ok(req)
    }
}

fn decode_tail(r: &mut Reader<'_>, req: &mut LoginRequest) -> DecodeResult<()> {
    r.skip(8)?; // protocol id "ol"
    r.i32()?;
    r.skip(8)?; // network type
    r.i32()?; // user type
    expect_marker(r, mark::SQ_ASCINITREQ)?;
    r.i16()?;
    r.i32()?;
    req.server_name = latin1_to_string(r.nstr()?);
    let db = r.nstr()?;
    if !db.is_empty() {
        req.database = Some(latin1_to_string(db));
    }
    for _ in 0..4 {
        r.i16()?;
    }
    expect_marker(r, mark::SQ_ASCENV)?;
    let n = r.i16()?;
    for _ in 0..n.max(0) {
        let k = latin1_to_string(r.nstr()?);
        let v = latin1_to_string(r.nstr()?);
        req.env.push((k, v));
    }
    expect_marker(r, mark::SQ_ASCPINFO)?;
    r.i32()?;
    req.process_id = r.i32()?;
    req.thread_id = r.i32()?;
    req.hostname = latin1_to_string(r.nstr()?);
    r.i16()?;
    req.cwd = latin1_to_string(r.nstr()?);
    expect_marker(r, mark::SQ_ASCMISC_60)?;
    r.i16()?;
    r.i32()?;
    r.i32()?;
    req.app_name = latin1_to_string(r.nstr()?);
    Ok(())
}

fn expect_marker(r: &mut Reader<'_>, want: i16) -> DecodeResult<()> {
    let got = r.i16()?;
    if got == want {
        Ok(())
    } else {
        Err(DecodeError::invalid(format!(
            "login marker {got}, expected {want}"
        )))
    }
}

fn put_fixed(out: &mut Vec<u8>, s: &[u8], width: usize) {
    out.put_bytes(s);
    out.resize(out.len() + width.saturating_sub(s.len()), 0);
}

fn latin1(s: &str, what: &str) -> Result<Vec<u8>, String> {
    string_to_latin1(s).ok_or_else(|| format!("{what} has characters outside ISO-8859-1"))
}

fn lossy_latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// Splits a login packet off the front of `buf`: the SL type and the body.
/// Returns `Incomplete` until the whole packet has arrived.
pub fn split_packet(buf: &[u8]) -> DecodeResult<(u8, &[u8], usize)> {
    let mut r = Reader::new(buf);
    let total = r.i16()?;
    let total =
        usize::try_from(total).map_err(|_| DecodeError::invalid("negative login length"))?;
    if total < SL_HEADER_LEN {
        return Err(DecodeError::invalid("login packet shorter than its header"));
    }
    let sl_type = r.u8()?;
    r.u8()?;
    r.i16()?;
    let body = r.bytes(total - SL_HEADER_LEN)?;
    Ok((sl_type, body, total))
}

/// The server's answer to a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginResponse {
    Accepted(ServerIdentity),
    /// Login refused. `sqlcode` is the Informix error (-951 bad password, -761 server name...).
    Rejected {
        sqlcode: i32,
        isam: i32,
        param: String,
        message: String,
    },
    Redirected,
}

/// What CONACC tells about the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerIdentity {
    /// Product name sent ahead of the version: the CONACC version text is then
    /// `<product> Version <version>`, which is what IBM JDBC 4.50 parses
    /// (`asf.Connection.DecodeAscBinary`, `IfxSqliConnect`: it splits at `Version` and
    /// needs the part after it for BYTE/TEXT and metadata calls). Empty = bare version.
    pub product: String,
    /// Internal protocol version, e.g. `9.59` for 14.10 or `15.0.1.0.3` for 15.
    pub version: String,
    pub serial: String,
    pub app_id: String,
    pub cap1: i32,
    pub cap2: i32,
    pub cap3: i32,
}

impl ServerIdentity {
    /// The CONACC version text as sent: `<product> Version <version>`, or the bare
    /// version when no product name came with it (what the reference driver reports).
    pub fn version_text(&self) -> String {
        if self.product.is_empty() {
            self.version.clone()
        } else {
            format!("{} Version {}", self.product, self.version)
        }
    }
}

impl LoginResponse {
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.put_i16(0);
        let (sl_type, id, status) = match self {
            LoginResponse::Accepted(id) => (sl::CONACC, id.clone(), None),
            LoginResponse::Rejected {
                sqlcode,
                isam,
                param,
                message,
            } => (
                sl::CONREJ,
                ServerIdentity {
                    cap1: CAP1_ENHANCED,
                    ..ServerIdentity::default()
                },
                Some((*sqlcode, *isam, param.as_str(), message.as_str())),
            ),
            LoginResponse::Redirected => {
                out.put_u8(sl::REDIRECT);
                out.put_u8(sl::PROT_SQLI_0600);
                out.put_i16(0);
                patch_length(out, start);
                return;
            }
        };
        out.put_u8(sl_type);
        out.put_u8(sl::PROT_SQLI_0600);
        out.put_i16(0);
        out.put_i16(mark::SQ_ASSOC);
        out.put_i16(mark::SQ_ASCBINARY);
        out.put_i32(ASSOC_MAGIC);
        out.put_nstr(b"IEEEI");
        out.put_i16(mark::SQ_ASCBPARMS);
        put_fixed(out, b"", 12);
        out.put_nstr(&lossy_latin1(&id.version_text()));
        out.put_nstr(&lossy_latin1(&id.serial));
        out.put_nstr(&lossy_latin1(&id.app_id));
        out.put_i32(id.cap1);
        out.put_i32(id.cap2);
        out.put_i32(id.cap3);
        // What IBM's JDBC driver skips before the status section: 2 bytes, two
        // length-prefixed blocks (empty here) and 24 reserved bytes.
        out.put_i16(0);
        out.put_i16(0);
        out.put_i16(0);
        put_fixed(out, b"", 24);
        // Status section (SQ_ASCINITRESP): error, OS error, warnings, then message
        // strings, of which JDBC keeps the last as the error's parameter.
        out.put_i16(mark::SQ_ASCINITRESP);
        put_fixed(out, b"", 6);
        let (sqlcode, isam, param, message) = status.unwrap_or((0, 0, "", ""));
        out.put_i16(i16::try_from(sqlcode).unwrap_or(i16::MIN));
        out.put_i16(i16::try_from(isam).unwrap_or(i16::MIN));
        out.put_i16(0);
        if status.is_some() {
            out.put_i16(2);
            let mut reason = lossy_latin1(message);
            // Text-scanning clients take the longest printable run: keep the length
            // byte in front of the reason out of it by padding with blanks.
            while (0x20..=0x7E).contains(&(reason.len() & 0xFF)) {
                reason.push(b' ');
            }
            out.put_i16(0);
            out.put_pstr(&reason);
            out.put_i16(0);
            out.put_pstr(&lossy_latin1(param));
        } else {
            out.put_i16(0);
        }
        out.put_i16(mark::SQ_ASCEOT);
        if status.is_some() {
            // The reference driver only scans whole 64-byte chunks for a readable reason.
            let body = out.len() - start - SL_HEADER_LEN;
            let padded = body.div_ceil(64).max(1) * 64;
            out.resize(start + SL_HEADER_LEN + padded, 0);
        }
        patch_length(out, start);
    }

    /// Decodes a login response from its SL type and body.
    pub fn decode(sl_type: u8, body: &[u8]) -> DecodeResult<LoginResponse> {
        match sl_type {
            sl::CONACC => Ok(LoginResponse::Accepted(
                decode_binary(body).map(|(id, _)| id).unwrap_or_default(),
            )),
            sl::CONREJ => Ok(decode_rejection(body)),
            sl::REDIRECT => Ok(LoginResponse::Redirected),
            other => Err(DecodeError::invalid(format!(
                "unknown login response type {other}"
            ))),
        }
    }
}

fn patch_length(out: &mut [u8], start: usize) {
    let total = i16::try_from(out.len() - start).unwrap_or(i16::MAX);
    out[start..start + 2].copy_from_slice(&total.to_be_bytes());
}

/// The status section of a login response: error code, OS error, message strings.
#[derive(Debug, Default)]
struct LoginStatus {
    sqlcode: i32,
    os_error: i32,
    strings: Vec<String>,
}

/// Decodes the binary association block: identity first, then (when present) the
/// status section. Identity is informative: a short block still yields what it has.
fn decode_binary(body: &[u8]) -> DecodeResult<(ServerIdentity, Option<LoginStatus>)> {
    let mut r = Reader::new(body);
    expect_marker(&mut r, mark::SQ_ASSOC)?;
    expect_marker(&mut r, mark::SQ_ASCBINARY)?;
    r.skip(4)?;
    let n = usize::try_from(r.i16()?).map_err(|_| DecodeError::invalid("length"))?;
    r.skip(n)?;
    expect_marker(&mut r, mark::SQ_ASCBPARMS)?;
    r.skip(12)?;
    let text = latin1_to_string(r.nstr()?);
    let (product, version) = match text.find("Version") {
        Some(at) => (
            text[..at].trim().to_owned(),
            text[at + "Version".len()..].trim().to_owned(),
        ),
        None => (String::new(), text),
    };
    let serial = latin1_to_string(r.nstr()?);
    let app_id = latin1_to_string(r.nstr()?);
    let cap1 = r.i32()?;
    let cap2 = r.i32()?;
    let cap3 = r.i32()?;
    let id = ServerIdentity {
        product,
        version,
        serial,
        app_id,
        cap1,
        cap2,
        cap3,
    };
    let status = (|| -> DecodeResult<Option<LoginStatus>> {
        r.skip(2)?;
        for _ in 0..2 {
            let n = r.i16()?;
            r.skip(usize::try_from(n).unwrap_or(0))?;
        }
        r.skip(24)?;
        if r.i16()? != mark::SQ_ASCINITRESP {
            return Ok(None);
        }
        r.skip(6)?;
        let sqlcode = i32::from(r.i16()?);
        let os_error = i32::from(r.i16()?);
        r.i16()?;
        let count = r.i16()?;
        let mut strings = Vec::new();
        for _ in 0..count.max(0) {
            if r.i16()? < 0 {
                break;
            }
            strings.push(latin1_to_string(r.pstr()?));
        }
        Ok(Some(LoginStatus {
            sqlcode,
            os_error,
            strings,
        }))
    })()
    .unwrap_or(None);
    Ok((id, status))
}

fn decode_rejection(body: &[u8]) -> LoginResponse {
    match decode_binary(body) {
        Ok((_, Some(status))) if status.sqlcode != 0 => {
            let mut strings = status.strings;
            let param = strings.pop().unwrap_or_default();
            let message = strings.pop().unwrap_or_default().trim_end().to_owned();
            LoginResponse::Rejected {
                sqlcode: status.sqlcode,
                isam: status.os_error,
                param,
                message,
            }
        }
        _ => LoginResponse::Rejected {
            sqlcode: 0,
            isam: 0,
            param: String::new(),
            message: longest_printable_run(body),
        },
    }
}

/// Other servers put a readable reason somewhere in the body; take the longest ASCII run.
fn longest_printable_run(body: &[u8]) -> String {
    body.split(|b| !(0x20..=0x7E).contains(b))
        .max_by_key(|run| run.len())
        .filter(|run| run.len() >= 8)
        .map(|run| latin1_to_string(run).trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LoginRequest {
        LoginRequest {
            user: "informix".into(),
            password: Some("in4mix".into()),
            server_name: "informix".into(),
            database: None,
            env: LoginRequest::default_env(),
            process_id: 5993,
            thread_id: 0,
            hostname: "vm".into(),
            cwd: "/tmp/ref/x".into(),
            app_name: "informix-db@pid5993".into(),
        }
    }

    const REFERENCE_CONREQ: &str = "01 58 01 3c 00 00 00 64 00 65 00 00 00 3d 00 06 49 45 45 45 4d 00 00 6c 73 71 6c 65 78 65 63 00 00 00 00 00 00 06 39 2e 32 38 30 00 00 0c 52 44 53 23 52 30 30 30 30 30 30 00 00 05 73 71 6c 69 00 00 00 01 3c 00 00 00 00 00 00 00 00 00 01 00 09 69 6e 66 6f 72 6d 69 78 00 00 07 69 6e 34 6d 69 78 00 6f 6c 00 00 00 00 00 00 00 00 00 3d 74 6c 69 74 63 70 00 00 00 00 00 01 00 68 00 0b 00 00 00 03 00 09 69 6e 66 6f 72 6d 69 78 00 00 00 00 00 00 00 00 00 00 00 00 6a 00 06 00 07 44 42 50 41 54 48 00 00 02 2e 00 00 0e 43 4c 49 45 4e 54 5f 4c 4f 43 41 4c 45 00 00 0d 65 6e 5f 55 53 2e 38 38 35 39 2d 31 00 00 11 43 4c 4e 54 5f 50 41 4d 5f 43 41 50 41 42 4c 45 00 00 02 31 00 00 07 44 42 44 41 54 45 00 00 06 59 34 4d 44 2d 00 00 0c 49 46 58 5f 55 50 44 44 45 53 43 00 00 02 31 00 00 09 4e 4f 44 45 46 44 41 43 00 00 03 6e 6f 00 00 6b 00 00 00 00 00 00 17 69 00 00 00 00 00 03 76 6d 00 00 00 00 0b 2f 74 6d 70 2f 72 65 66 2f 78 00 00 74 00 1e 00 00 00 00 00 00 00 00 00 14 69 6e 66 6f 72 6d 69 78 2d 64 62 40 70 69 64 35 39 39 33 00 00 7f";

    /// The reference CONREQ of SQLI-facts §2.2 (344 bytes), byte for byte.
    #[test]
    fn conreq_matches_reference_capture() {
        let mut out = Vec::new();
        sample().encode(&mut out).unwrap();
        assert_eq!(crate::hex(&out), REFERENCE_CONREQ);
    }

    #[test]
    fn conreq_round_trip() {
        let mut out = Vec::new();
        let req = sample();
        req.encode(&mut out).unwrap();
        let (ty, body, used) = split_packet(&out).unwrap();
        assert_eq!((ty, used), (sl::CONREQ, out.len()));
        assert_eq!(LoginRequest::decode_body(body).unwrap(), req);
        let mut nopw = sample();
        nopw.password = None;
        out.clear();
        nopw.encode(&mut out).unwrap();
        let (_, body, _) = split_packet(&out).unwrap();
        assert_eq!(LoginRequest::decode_body(body).unwrap().password, None);
    }

    /// CONACC of SQLI-facts Appendix A row 2 (82 bytes).
    #[test]
    fn conacc_matches_reference_template() {
        let id = ServerIdentity {
            product: String::new(),
            version: "15.0.1.0.3".into(),
            serial: "RDS#R000000".into(),
            app_id: "sqli".into(),
            cap1: CAP1_ENHANCED,
            cap2: 0,
            cap3: 0,
        };
        let mut out = Vec::new();
        LoginResponse::Accepted(id.clone()).encode(&mut out);
        // The reference template (82 bytes) then the status section IBM's JDBC reads.
        let template = "02 3c 00 00 00 64 00 65 00 00 00 3d 00 06 49 45 45 45 49 00 00 6c \
            00 00 00 00 00 00 00 00 00 00 00 00 00 0b 31 35 2e 30 2e 31 2e 30 2e 33 00 00 0c 52 44 \
            53 23 52 30 30 30 30 30 30 00 00 05 73 71 6c 69 00 00 00 01 3c 00 00 00 00 00 00 00 00";
        assert_eq!(
            crate::hex(&out[2..82]),
            template.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert_eq!(out.len(), 130);
        assert_eq!(
            crate::hex(&out[out.len() - 18..]),
            "00 66 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 7f"
        );
        let (ty, body, _) = split_packet(&out).unwrap();
        assert_eq!(
            LoginResponse::decode(ty, body).unwrap(),
            LoginResponse::Accepted(id)
        );
    }

    /// With a product name the version text reads `<product> Version <version>`, the
    /// form IBM JDBC splits at `Version`; decoding splits it back.
    #[test]
    fn conacc_with_product_name() {
        let id = ServerIdentity {
            product: "IBM Informix Dynamic Server".into(),
            version: "15.0.1.0.3".into(),
            serial: "RDS#R000000".into(),
            app_id: "sqli".into(),
            cap1: CAP1_ENHANCED,
            ..ServerIdentity::default()
        };
        let mut out = Vec::new();
        LoginResponse::Accepted(id.clone()).encode(&mut out);
        let text = b"IBM Informix Dynamic Server Version 15.0.1.0.3\0";
        let at = out.windows(text.len()).position(|w| w == text).unwrap();
        assert_eq!(&out[at - 2..at], &[0, text.len() as u8]);
        let (ty, body, _) = split_packet(&out).unwrap();
        assert_eq!(
            LoginResponse::decode(ty, body).unwrap(),
            LoginResponse::Accepted(id)
        );
    }

    #[test]
    fn conrej_is_structured_and_readable_by_text_scanners() {
        let rej = LoginResponse::Rejected {
            sqlcode: -951,
            isam: 0,
            param: "bob@127.0.0.1".into(),
            message:
                "Incorrect password or user bob@127.0.0.1 is not known on the database server."
                    .into(),
        };
        let mut out = Vec::new();
        rej.encode(&mut out);
        let (ty, body, _) = split_packet(&out).unwrap();
        assert_eq!(body.len() % 64, 0);
        assert_eq!(LoginResponse::decode(ty, body).unwrap(), rej);
        assert!(longest_printable_run(body).starts_with("Incorrect password"));
    }

    #[test]
    fn truncated_login_is_incomplete() {
        let mut out = Vec::new();
        sample().encode(&mut out).unwrap();
        for cut in [0, 1, 5, 100, 343] {
            assert_eq!(
                split_packet(&out[..cut]).err(),
                Some(DecodeError::Incomplete)
            );
        }
    }
}
