//! Buffered message I/O over a transport: whole PDUs out, whole messages in.

use std::io::{ErrorKind, Read, Write};

use informix_protocol::message::ServerMessage;
use informix_protocol::wire::DecodeError;

use crate::error::{Error, Result, io_error};
use crate::transport::Transport;

const READ_CHUNK: usize = 64 * 1024;

/// Runs one read on `tcp` switched to non-blocking mode: `Ok(None)` when nothing was there.
fn read_nonblocking<T>(
    tcp: &mut std::net::TcpStream,
    mut read: impl FnMut(&mut std::net::TcpStream) -> std::io::Result<T>,
) -> std::io::Result<Option<T>> {
    tcp.set_nonblocking(true)?;
    let got = loop {
        match read(tcp) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    tcp.set_nonblocking(false)?;
    match got {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}

pub struct Wire {
    io: Transport,
    /// Read buffer: bytes `rpos..rend` are received and not yet consumed. Its length is
    /// its allocated, zeroed size, so reads go into `rend..` without zeroing again.
    rbuf: Vec<u8>,
    rpos: usize,
    rend: usize,
    /// PDUs being assembled; sent in one write by [`Wire::flush`].
    pub out: Vec<u8>,
    /// Messages read since creation (diagnostics).
    pub messages_in: u64,
    /// Times the client wrote and then waited for the server.
    pub round_trips: u64,
    /// Client files served to / received from the server during the current exchange.
    pub files: crate::files::VirtualFiles,
    awaiting_reply: bool,
}

impl Wire {
    pub fn new(io: Transport) -> Self {
        Wire {
            io,
            rbuf: Vec::new(),
            rpos: 0,
            rend: 0,
            out: Vec::with_capacity(4096),
            messages_in: 0,
            round_trips: 0,
            files: crate::files::VirtualFiles::default(),
            awaiting_reply: false,
        }
    }

    pub fn transport(&self) -> &Transport {
        &self.io
    }

    /// Writes the assembled PDUs in one go.
    pub fn flush(&mut self) -> Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let r = self.io.write_all(&self.out).and_then(|()| self.io.flush());
        self.out.clear();
        r.map_err(|e| io_error("write to server failed", &e))?;
        if !self.awaiting_reply {
            self.awaiting_reply = true;
            self.round_trips += 1;
        }
        Ok(())
    }

    /// Writes raw bytes immediately (login packets).
    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.io
            .write_all(bytes)
            .and_then(|()| self.io.flush())
            .map_err(|e| io_error("write to server failed", &e))
    }

    /// Drops consumed bytes when that is cheap or worthwhile, and makes room for a read
    /// of [`READ_CHUNK`] bytes after `rend`.
    fn compact(&mut self) {
        if self.rpos == self.rend {
            self.rpos = 0;
            self.rend = 0;
        } else if self.rpos > READ_CHUNK {
            self.rbuf.copy_within(self.rpos..self.rend, 0);
            self.rend -= self.rpos;
            self.rpos = 0;
        }
        self.reserve();
    }

    /// At least [`READ_CHUNK`] bytes of room after `rend`.
    fn reserve(&mut self) {
        if self.rbuf.len() - self.rend < READ_CHUNK {
            self.rbuf.resize(self.rend + READ_CHUNK, 0);
        }
    }

    /// The received, unconsumed bytes.
    fn unread(&self) -> &[u8] {
        &self.rbuf[self.rpos..self.rend]
    }

    /// Reads more bytes from the transport into the buffer.
    fn fill(&mut self) -> Result<()> {
        self.compact();
        let at = self.rend;
        let n = loop {
            match self.io.read(&mut self.rbuf[at..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error("read from server failed", &e)),
            }
        };
        self.rend += n;
        if n == 0 {
            return Err(Error::lost("server closed the connection mid-read"));
        }
        Ok(())
    }

    /// Takes in what the transport has without waiting for the server: with
    /// `socket_readable` (the caller saw the socket readable) one non-blocking read from
    /// the socket; for TLS also every byte already decrypted, which a readiness check on
    /// the socket cannot see. A readiness report that turns out stale costs nothing.
    pub fn take_ready(&mut self, socket_readable: bool) -> Result<()> {
        self.compact();
        self.rend = self.read_ready(self.rend, socket_readable)?;
        Ok(())
    }

    /// [`Wire::take_ready`] into `rbuf[at..]` (room reserved); returns the new end.
    fn read_ready(&mut self, mut at: usize, socket_readable: bool) -> Result<usize> {
        let closed = || Error::lost("server closed the connection mid-read");
        match &mut self.io {
            Transport::Plain(tcp) => {
                if socket_readable {
                    match read_nonblocking(tcp, |t| t.read(&mut self.rbuf[at..])) {
                        Ok(Some(0)) => return Err(closed()),
                        Ok(Some(n)) => at += n,
                        Ok(None) => {}
                        Err(e) => return Err(io_error("read from server failed", &e)),
                    }
                }
            }
            Transport::Tls(tls) => {
                if socket_readable {
                    let conn = &mut tls.conn;
                    match read_nonblocking(&mut tls.sock, |sock| conn.read_tls(sock)) {
                        Ok(Some(0)) => return Err(closed()),
                        Ok(_) => {}
                        Err(e) => return Err(io_error("read from server failed", &e)),
                    }
                    tls.conn
                        .process_new_packets()
                        .map_err(|e| Error::lost(format!("TLS error from server: {e}")))?;
                    while tls.conn.wants_write() {
                        tls.conn
                            .write_tls(&mut tls.sock)
                            .map_err(|e| io_error("write to server failed", &e))?;
                    }
                }
                loop {
                    if at == self.rbuf.len() {
                        self.rbuf.resize(at + READ_CHUNK, 0);
                    }
                    match tls.conn.reader().read(&mut self.rbuf[at..]) {
                        Ok(0) => return Err(Error::lost("server ended the TLS session")),
                        Ok(n) => at += n,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(io_error("read from server failed", &e)),
                    }
                }
            }
        }
        Ok(at)
    }

    /// Whether the buffer holds `replies` whole replies (each ends with SQ_EOT), so
    /// reading them cannot wait. An undecodable message counts as ready: reading it
    /// reports the error.
    pub fn replies_buffered(&self, replies: usize) -> bool {
        let mut rest = self.unread();
        let mut found = 0;
        while found < replies {
            match ServerMessage::decode(rest) {
                Ok((msg, n)) => {
                    if matches!(msg, ServerMessage::Eot) {
                        found += 1;
                    }
                    rest = &rest[n..];
                }
                Err(DecodeError::Incomplete) => return false,
                Err(_) => return true,
            }
        }
        true
    }

    /// Reads one login packet (SL-framed), returning its type and body.
    pub fn read_login_packet(&mut self) -> Result<(u8, Vec<u8>)> {
        loop {
            match informix_protocol::login::split_packet(self.unread()) {
                Ok((ty, body, used)) => {
                    let body = body.to_vec();
                    self.rpos += used;
                    return Ok((ty, body));
                }
                Err(DecodeError::Incomplete) => self.fill()?,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The next server message. It borrows the read buffer until the next call.
    pub fn next_message(&mut self) -> Result<ServerMessage<'_>> {
        self.awaiting_reply = false;
        let len = loop {
            match ServerMessage::decode(self.unread()) {
                Ok((_, n)) => break n,
                Err(DecodeError::Incomplete) => self.fill()?,
                Err(e) => return Err(e.into()),
            }
        };
        let start = self.rpos;
        self.rpos += len;
        self.messages_in += 1;
        // Decoding twice keeps the borrow simple; the first pass only reads headers for TUPLEs.
        Ok(ServerMessage::decode(&self.rbuf[start..start + len])?.0)
    }

    pub fn shutdown(&self) {
        self.io.shutdown();
    }
}
