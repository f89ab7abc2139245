//! Open files: the position, size and cluster chain of one file and its directory entry,
//! with reads and writes going sector by sector through the volume's window. The state is
//! plain data so the Python file object can hold it.

use super::dir::{DirPos, Entry, Found, Name, ATTR_RDO};
use super::volume::{Error, Fat, Res};

#[derive(Clone, Copy, Debug, Default)]
pub struct FileState {
    pub sclust: u32,
    /// The cluster at chain index `clust_idx` (a cache for sequential access; 0: none).
    pub clust: u32,
    pub clust_idx: u32,
    pub pos: u32,
    pub size: u32,
    /// The 8.3 entry of the file.
    pub entry: DirPos,
    pub readable: bool,
    pub writable: bool,
    pub modified: bool,
}

pub use crate::modules::vfs::OpenMode;

impl<'a> Fat<'a> {
    pub fn open(&mut self, path: &str, m: OpenMode) -> Res<FileState> {
        if m.write {
            self.writable()?;
        }
        let mut f = FileState {
            readable: m.read,
            writable: m.write,
            ..FileState::default()
        };
        let mut entry = Entry::empty();
        let mut name = Name::empty();
        match self.follow(path, &mut entry, &mut name)? {
            Found::Root => return Err(Error::InvalidName),
            Found::Missing { dir } => {
                if !m.create {
                    return Err(Error::NotFound);
                }
                f.entry = self.create_file(dir, &mut name)?;
                f.modified = true;
            }
            Found::Entry { .. } => {
                if m.excl {
                    return Err(Error::Exists);
                }
                if entry.is_dir() {
                    return Err(if m.write {
                        Error::Denied
                    } else {
                        Error::NotFound
                    });
                }
                if m.write && entry.attr & ATTR_RDO != 0 {
                    return Err(Error::Denied);
                }
                f.entry = entry.pos;
                f.sclust = entry.clust;
                f.size = entry.size;
                if m.truncate {
                    if entry.clust != 0 {
                        self.remove_chain(entry.clust, 0)?;
                    }
                    f.sclust = 0;
                    f.size = 0;
                    f.modified = true;
                    self.update_entry(&f.entry, 0, 0, true)?;
                }
            }
        }
        if m.append {
            f.pos = f.size;
        }
        if f.modified {
            // The entry reaches the device now; the device's own sync waits for close.
            self.sync_window()?;
        }
        Ok(f)
    }

    /// The cluster at chain index `idx` of the file; with `grow`, the chain is extended
    /// (Error::Full when the volume is full). None past the end without `grow`.
    fn file_cluster(&mut self, f: &mut FileState, idx: u32, grow: bool) -> Res<Option<u32>> {
        if f.sclust == 0 {
            if !grow {
                return Ok(None);
            }
            let c = self.create_chain(0)?;
            f.sclust = c;
            f.clust = c;
            f.clust_idx = 0;
            f.modified = true;
        }
        let (mut c, mut i) = if f.clust != 0 && f.clust_idx <= idx {
            (f.clust, f.clust_idx)
        } else {
            (f.sclust, 0)
        };
        while i < idx {
            c = match self.next_clust(c)? {
                Some(n) => n,
                None if grow => self.create_chain(c)?,
                None => return Ok(None),
            };
            i += 1;
        }
        f.clust = c;
        f.clust_idx = idx;
        Ok(Some(c))
    }

    /// Sector and offset of byte `pos` of the file.
    fn file_sector(
        &mut self,
        f: &mut FileState,
        pos: u32,
        grow: bool,
    ) -> Res<Option<(u32, usize)>> {
        let bpc = self.vol.cluster_bytes();
        let Some(c) = self.file_cluster(f, pos / bpc, grow)? else {
            return Ok(None);
        };
        let in_clust = pos % bpc;
        Ok(Some((
            self.clust2sect(c) + in_clust / self.ss(),
            (in_clust % self.ss()) as usize,
        )))
    }

    pub fn read(&mut self, f: &mut FileState, buf: &mut [u8]) -> Res<usize> {
        if !f.readable {
            return Err(Error::Denied);
        }
        let mut n = 0;
        while n < buf.len() && f.pos < f.size {
            let (s, off) = self.file_sector(f, f.pos, false)?.ok_or(Error::Io)?;
            let chunk = (self.ss() as usize - off)
                .min(buf.len() - n)
                .min((f.size - f.pos) as usize);
            self.move_window(s)?;
            buf[n..n + chunk].copy_from_slice(&self.win[off..off + chunk]);
            n += chunk;
            f.pos += chunk as u32;
        }
        Ok(n)
    }

    /// Write at the position (a gap after the end is zero-filled). Returns the count
    /// written and the error that cut it short, if any (a full volume).
    pub fn write(&mut self, f: &mut FileState, buf: &[u8]) -> (usize, Option<Error>) {
        if !f.writable {
            return (0, Some(Error::Denied));
        }
        if let Err(e) = self.writable() {
            return (0, Some(e));
        }
        while f.pos > f.size {
            let target = f.pos;
            f.pos = f.size;
            let zeros = [0u8; 64];
            let k = ((target - f.size) as usize).min(zeros.len());
            let (w, err) = self.write_at(f, &zeros[..k]);
            if let Some(e) = err {
                return (0, Some(e));
            }
            if w == 0 {
                break;
            }
            f.pos = target;
        }
        self.write_at(f, buf)
    }

    fn write_at(&mut self, f: &mut FileState, buf: &[u8]) -> (usize, Option<Error>) {
        let mut n = 0;
        let limit = u32::MAX - f.pos;
        let buf = &buf[..buf.len().min(limit as usize)];
        while n < buf.len() {
            let step = (|| -> Res<usize> {
                let (s, off) = self.file_sector(f, f.pos, true)?.ok_or(Error::Io)?;
                let ss = self.ss() as usize;
                let chunk = (ss - off).min(buf.len() - n);
                if chunk == ss {
                    self.claim_window(s)?;
                } else {
                    self.move_window(s)?;
                }
                self.win[off..off + chunk].copy_from_slice(&buf[n..n + chunk]);
                self.vol.win_dirty = true;
                Ok(chunk)
            })();
            match step {
                Ok(chunk) => {
                    n += chunk;
                    f.pos += chunk as u32;
                    if f.pos > f.size {
                        f.size = f.pos;
                    }
                    f.modified = true;
                }
                Err(e) => return (n, Some(e)),
            }
        }
        (n, None)
    }

    /// Move the position; read-only files stop at their end, as upstream's do.
    pub fn seek(&mut self, f: &mut FileState, pos: u64) -> u32 {
        let mut p = pos.min(u64::from(u32::MAX)) as u32;
        if !f.writable && p > f.size {
            p = f.size;
        }
        f.pos = p;
        p
    }

    /// Write the file's entry (size, first cluster, time) and flush everything, if the file
    /// was written: closing or flushing a file that was only read leaves the device alone
    /// (no `sync` call), as upstream's.
    pub fn sync_file(&mut self, f: &mut FileState) -> Res<()> {
        if !f.modified {
            return Ok(());
        }
        self.update_entry(&f.entry, f.sclust, f.size, true)?;
        f.modified = false;
        self.sync()
    }
}
