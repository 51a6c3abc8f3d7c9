//! Byte transport of one session: a dedicated reader thread drains the socket into a
//! channel so that the session thread can write replies while the client is still
//! sending (pipelined executemany would otherwise fill both socket buffers and deadlock).
//! TLS connections share one rustls state between the two halves.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rustls::ServerConnection;

/// Bytes read per socket read.
const READ_CHUNK: usize = 64 * 1024;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Input side of a session: whatever the reader thread has received, in order.
pub struct Input {
    rx: Receiver<Vec<u8>>,
    buf: Vec<u8>,
    start: usize,
    eof: bool,
}

impl Input {
    pub fn available(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.buf.len());
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > 1 << 20 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
    }

    fn push(&mut self, chunk: Vec<u8>) {
        if self.start == self.buf.len() && self.buf.capacity() < chunk.len() {
            self.buf = chunk;
            self.start = 0;
        } else {
            self.buf.extend_from_slice(&chunk);
        }
    }

    /// Takes whatever the reader thread has received so far, without waiting (a
    /// session looks for requests this way while it is busy with a query).
    pub fn try_fill(&mut self) {
        while !self.eof {
            match self.rx.try_recv() {
                Ok(chunk) => self.push(chunk),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.eof = true,
            }
        }
    }

    /// Blocks until more bytes arrive; false at end of stream.
    pub fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        match self.rx.recv() {
            Ok(chunk) => {
                self.push(chunk);
                while let Ok(more) = self.rx.try_recv() {
                    self.push(more);
                }
                true
            }
            Err(_) => {
                self.eof = true;
                false
            }
        }
    }
}

/// The raw socket, kept to cut the connection from outside (kill, cut, shutdown).
#[derive(Clone)]
pub struct Cutter(Arc<TcpStream>);

impl Cutter {
    pub fn cut(&self) {
        let _ = self.0.shutdown(Shutdown::Both);
    }
}

pub struct Transport {
    pub input: Input,
    pub output: Box<dyn Write + Send>,
    pub cutter: Cutter,
}

fn spawn_reader(
    mut reader: Box<dyn Read + Send>,
    tx: Sender<Vec<u8>>,
    bytes_in: Arc<AtomicU64>,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("sqli-reader".into())
        .spawn(move || {
            let mut buf = vec![0u8; READ_CHUNK];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        bytes_in.fetch_add(n as u64, Ordering::Relaxed);
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        })
        .map(|_| ())
}

impl Transport {
    pub fn plain(stream: TcpStream, bytes_in: Arc<AtomicU64>) -> io::Result<Transport> {
        let _ = stream.set_nodelay(true);
        let reader = stream.try_clone()?;
        let cutter = Cutter(Arc::new(stream.try_clone()?));
        let (tx, rx) = channel();
        spawn_reader(Box::new(reader), tx, bytes_in)?;
        Ok(Transport {
            input: Input {
                rx,
                buf: Vec::new(),
                start: 0,
                eof: false,
            },
            output: Box::new(stream),
            cutter,
        })
    }

    /// Completes the TLS handshake, then splits the connection like [`Transport::plain`].
    pub fn tls(
        mut stream: TcpStream,
        config: Arc<rustls::ServerConfig>,
        bytes_in: Arc<AtomicU64>,
    ) -> io::Result<Transport> {
        let _ = stream.set_nodelay(true);
        let mut conn = ServerConnection::new(config).map_err(io::Error::other)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        while conn.is_handshaking() {
            conn.complete_io(&mut stream)?;
        }
        while conn.wants_write() {
            conn.write_tls(&mut stream)?;
        }
        stream.set_read_timeout(None)?;
        let shared = Arc::new(Mutex::new(conn));
        let cutter = Cutter(Arc::new(stream.try_clone()?));
        let reader = TlsReader {
            tls: Arc::clone(&shared),
            tcp: stream.try_clone()?,
            pending: Vec::new(),
        };
        let writer = TlsWriter {
            tls: shared,
            tcp: stream,
            scratch: Vec::new(),
        };
        let (tx, rx) = channel();
        spawn_reader(Box::new(reader), tx, bytes_in)?;
        Ok(Transport {
            input: Input {
                rx,
                buf: Vec::new(),
                start: 0,
                eof: false,
            },
            output: Box::new(writer),
            cutter,
        })
    }
}

struct TlsReader {
    tls: Arc<Mutex<ServerConnection>>,
    tcp: TcpStream,
    /// TLS bytes received but not yet accepted by rustls.
    pending: Vec<u8>,
}

impl Read for TlsReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            {
                let mut c = lock(&self.tls);
                match c.reader().read(buf) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
                if !self.pending.is_empty() {
                    let mut rd = &self.pending[..];
                    let used = c.read_tls(&mut rd)?;
                    c.process_new_packets().map_err(io::Error::other)?;
                    self.pending.drain(..used);
                    continue;
                }
            }
            let mut tmp = [0u8; 16 * 1024];
            let n = self.tcp.read(&mut tmp)?;
            if n == 0 {
                return Ok(0);
            }
            self.pending.extend_from_slice(&tmp[..n]);
        }
    }
}

struct TlsWriter {
    tls: Arc<Mutex<ServerConnection>>,
    tcp: TcpStream,
    scratch: Vec<u8>,
}

impl Write for TlsWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.scratch.clear();
        let n = {
            let mut c = lock(&self.tls);
            let n = c.writer().write(buf)?;
            while c.wants_write() {
                c.write_tls(&mut self.scratch)?;
            }
            n
        };
        // Written outside the lock: the reader half must keep feeding rustls meanwhile.
        self.tcp.write_all(&self.scratch)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}
