//! "Client files" for smart-LOB transfer: the server reads a BLOB/CLOB value from a
//! named file on the client (`filetoblob(name, 'client')`) or writes one to it
//! (`lotofile(col, name, 'client')`) through SQ_FILE requests inside a reply. We
//! serve those files from memory.

use informix_protocol::message::{put_file_read_reply, put_file_write_reply};
use informix_protocol::wire::latin1_to_string;

/// In-memory files offered to, and received from, the server during one exchange.
#[derive(Debug, Default)]
pub struct VirtualFiles {
    /// Files the server may read, by name.
    pub inputs: Vec<(String, Vec<u8>)>,
    /// Files the server wrote, in order, with the names it chose.
    pub outputs: Vec<(String, Vec<u8>)>,
    open: Option<OpenFile>,
}

#[derive(Debug)]
struct OpenFile {
    name: String,
    written: Vec<u8>,
    writing: bool,
}

/// The SQ_FILE step awaiting its EOT, after which the client answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStep {
    Open,
    Read { buffer_size: u16, amount: i32 },
    Write,
    Close,
}

impl VirtualFiles {
    pub fn with_inputs(inputs: Vec<(String, Vec<u8>)>) -> Self {
        VirtualFiles {
            inputs,
            ..VirtualFiles::default()
        }
    }

    pub fn is_active(&self) -> bool {
        !self.inputs.is_empty() || self.open.is_some()
    }

    pub fn open(&mut self, name: &[u8]) {
        self.open = Some(OpenFile {
            name: latin1_to_string(name),
            written: Vec::new(),
            writing: false,
        });
    }

    pub fn data(&mut self, chunk: &[u8]) {
        if let Some(f) = &mut self.open {
            f.writing = true;
            f.written.extend_from_slice(chunk);
        }
    }

    /// An input by exact name, else the one whose name the server extended with a suffix.
    fn input(&self, name: &str) -> &[u8] {
        self.inputs
            .iter()
            .find(|(n, _)| n == name)
            .or_else(|| {
                self.inputs
                    .iter()
                    .find(|(n, _)| name.starts_with(n.as_str()))
            })
            .map(|(_, d)| d.as_slice())
            .unwrap_or_default()
    }

    /// Appends the client's answer to a completed step.
    pub fn answer(&mut self, step: FileStep, out: &mut Vec<u8>) {
        match step {
            FileStep::Open => out.extend_from_slice(&informix_protocol::tags::SQ_EOT.to_be_bytes()),
            FileStep::Read {
                buffer_size,
                amount,
            } => {
                let name = self
                    .open
                    .as_ref()
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let data = self.input(&name);
                let n = usize::try_from(amount).map_or(data.len(), |a| a.min(data.len()));
                let chunk = if buffer_size == 0 {
                    32_000
                } else {
                    usize::from(buffer_size)
                };
                put_file_read_reply(out, &data[..n], chunk);
            }
            FileStep::Write => {
                let total = self.open.as_ref().map_or(0, |f| f.written.len());
                put_file_write_reply(out, total);
            }
            FileStep::Close => {
                if let Some(f) = self.open.take()
                    && f.writing
                {
                    self.outputs.push((f.name, f.written));
                }
                out.extend_from_slice(&informix_protocol::tags::SQ_EOT.to_be_bytes());
            }
        }
    }
}
