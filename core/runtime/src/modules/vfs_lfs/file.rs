//! littlefs files: opening (creating the entry), inline data kept in the file's block
//! buffer, CTZ skip-lists written copy-on-write through a write session (the block being
//! filled lives in the file's buffer until it is full or the file is flushed), reading,
//! seeking and committing the entry on sync.

use super::lfs::{
    components, ctz_index, le32, Ctx, Error, FileState, Look, OpenMode, Res, NULL, TYPE_DIR,
    TYPE_MTIME, TYPE_REG,
};

const TYPE_INLINE: u32 = 0x201;
const TYPE_CTZ: u32 = 0x202;

fn put32(b: &mut [u8], at: usize, v: u32) {
    if let Some(s) = b.get_mut(at..at + 4) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}

impl<'a> Ctx<'a> {
    /// Open (maybe create) a file; inline contents are loaded into `wbuf`.
    pub fn file_open(&mut self, path: &str, m: OpenMode, wbuf: &mut [u8]) -> Res<FileState> {
        if m.write && self.fs.readonly {
            return Err(Error::ReadOnly);
        }
        let mut f = FileState {
            readable: m.read,
            writable: m.write,
            append: m.append,
            inline: true,
            head: NULL,
            ..FileState::default()
        };
        match self.find(path)? {
            Look::Root => return Err(Error::IsDir),
            Look::Missing { parent } => {
                if !m.create {
                    return Err(Error::NoEnt);
                }
                if self.fs.readonly {
                    return Err(Error::ReadOnly);
                }
                let name = components(path).last().unwrap_or("");
                let mt = self.mtime.map(|t| t.to_le_bytes());
                let empty: [u8; 0] = [];
                if self.fs.v1 {
                    f.inline = false;
                }
                match &mt {
                    Some(b) => {
                        self.create_file(parent, name, &[(TYPE_INLINE, &empty), (TYPE_MTIME, b)])?
                    }
                    None => self.create_file(parent, name, &[(TYPE_INLINE, &empty)])?,
                }
            }
            Look::Found { dir, id, ty } => {
                if m.excl {
                    return Err(Error::Exist);
                }
                if ty == TYPE_DIR {
                    return Err(Error::IsDir);
                }
                let (t, data) = self.struct_of(&dir, id).ok_or(Error::Corrupt)?;
                if t == TYPE_CTZ {
                    f.inline = false;
                    f.head = le32(data, 0);
                    f.size = le32(data, 4);
                } else {
                    let n = data.len().min(wbuf.len());
                    wbuf[..n].copy_from_slice(&data[..n]);
                    f.size = n as u32;
                }
                if m.truncate {
                    f.inline = !self.fs.v1;
                    f.head = NULL;
                    f.size = 0;
                    f.dirty = true;
                }
            }
        }
        if m.append {
            f.pos = f.size;
        }
        Ok(f)
    }

    fn create_file(&mut self, parent: [u32; 2], name: &str, tags: &[(u32, &[u8])]) -> Res<()> {
        self.insert_entry_pub(parent, TYPE_REG, name.as_bytes(), tags)?;
        self.dev.sync()
    }

    /// Read at the position.
    pub fn file_read(&mut self, f: &mut FileState, wbuf: &mut [u8], buf: &mut [u8]) -> Res<usize> {
        if !f.readable {
            return Err(Error::Io);
        }
        if f.writing {
            self.file_flush(f, wbuf)?;
        }
        let mut n = 0;
        while n < buf.len() && f.pos < f.size {
            let left = (f.size - f.pos) as usize;
            if f.inline {
                let k = left.min(buf.len() - n);
                let p = f.pos as usize;
                buf[n..n + k].copy_from_slice(&wbuf[p..p + k]);
                n += k;
                f.pos += k as u32;
                continue;
            }
            let (b, off) = self.ctz_find(f.head, f.size, f.pos)?;
            let k = (self.fs.bs - off) as usize;
            let k = k.min(left).min(buf.len() - n);
            self.read_into(b)?;
            let off = off as usize;
            buf[n..n + k].copy_from_slice(&self.rcache[off..off + k]);
            n += k;
            f.pos += k as u32;
        }
        Ok(n)
    }

    fn read_into(&mut self, b: u32) -> Res<()> {
        if b >= self.fs.bc {
            return Err(Error::Corrupt);
        }
        if self.fs.rcache_block != b {
            self.fs.rcache_block = NULL;
            self.dev.read(b, self.rcache)?;
            self.fs.rcache_block = b;
        }
        Ok(())
    }

    /// The block holding byte `pos` of a CTZ list and the offset in it.
    fn ctz_find(&mut self, head: u32, size: u32, pos: u32) -> Res<(u32, u32)> {
        if size == 0 {
            return Err(Error::Corrupt);
        }
        let (mut current, _) = ctz_index(self.fs.bs, size - 1);
        let (target, off) = ctz_index(self.fs.bs, pos);
        let mut head = head;
        while current > target {
            let need = current - target + 1;
            let npw2 = 32 - (need - 1).leading_zeros();
            let skip = (npw2 - 1).min(current.trailing_zeros());
            self.read_into(head)?;
            head = le32(self.rcache, 4 * skip as usize);
            current -= 1 << skip;
        }
        Ok((head, off))
    }

    /// Start a write session at the position.
    fn begin(&mut self, f: &mut FileState, wbuf: &mut [u8]) -> Res<()> {
        let bs = self.fs.bs;
        f.orig_head = f.head;
        f.orig_size = f.size;
        if f.pos == 0 || f.size == 0 {
            f.wblock = self.alloc(None)?;
            f.widx = 0;
            f.woff = 0;
        } else {
            let (b, off) = self.ctz_find(f.head, f.size, f.pos - 1)?;
            let (idx, _) = ctz_index(bs, f.pos - 1);
            let noff = off + 1;
            if noff != bs {
                self.read_into(b)?;
                wbuf[..noff as usize].copy_from_slice(&self.rcache[..noff as usize]);
                f.widx = idx;
                f.woff = noff;
                f.wblock = self.alloc(Some((wbuf, NULL, 0)))?;
            } else {
                f.widx = idx + 1;
                self.start_block(f, wbuf, b)?;
            }
        }
        f.writing = true;
        Ok(())
    }

    /// Begin block `f.widx` after block `prev`: allocate it and write its skip pointers.
    fn start_block(&mut self, f: &mut FileState, wbuf: &mut [u8], prev: u32) -> Res<()> {
        let skips = f.widx.trailing_zeros() + 1;
        let mut nhead = prev;
        for i in 0..skips {
            put32(wbuf, 4 * i as usize, nhead);
            if i != skips - 1 {
                self.read_into(nhead)?;
                nhead = le32(self.rcache, 4 * i as usize);
            }
        }
        f.woff = 4 * skips;
        f.wblock = self.alloc(Some((wbuf, NULL, f.widx)))?;
        Ok(())
    }

    /// Append bytes to the session.
    fn session_write(&mut self, f: &mut FileState, wbuf: &mut [u8], data: &[u8]) -> Res<()> {
        let bs = self.fs.bs;
        let mut n = 0;
        while n < data.len() {
            if f.woff == bs {
                self.dev.erase(f.wblock)?;
                self.dev.prog(f.wblock, wbuf)?;
                if self.fs.rcache_block == f.wblock {
                    self.fs.rcache_block = NULL;
                }
                let prev = f.wblock;
                f.widx += 1;
                self.start_block(f, wbuf, prev)?;
            }
            let k = ((bs - f.woff) as usize).min(data.len() - n);
            let o = f.woff as usize;
            wbuf[o..o + k].copy_from_slice(&data[n..n + k]);
            f.woff += k as u32;
            f.pos += k as u32;
            n += k;
        }
        Ok(())
    }

    /// End the write session: copy the rest of the old list, program the last block.
    pub fn file_flush(&mut self, f: &mut FileState, wbuf: &mut [u8]) -> Res<()> {
        if !f.writing {
            return Ok(());
        }
        let pos = f.pos;
        let mut chunk = [0u8; 64];
        while f.pos < f.orig_size {
            let (b, off) = self.ctz_find(f.orig_head, f.orig_size, f.pos)?;
            let k = ((self.fs.bs - off) as usize)
                .min((f.orig_size - f.pos) as usize)
                .min(chunk.len());
            self.read_into(b)?;
            chunk[..k].copy_from_slice(&self.rcache[off as usize..off as usize + k]);
            self.session_write(f, wbuf, &chunk[..k])?;
        }
        self.dev.erase(f.wblock)?;
        self.dev.prog(f.wblock, wbuf)?;
        if self.fs.rcache_block == f.wblock {
            self.fs.rcache_block = NULL;
        }
        f.head = f.wblock;
        f.size = f.pos.max(f.orig_size);
        f.pos = pos;
        f.writing = false;
        f.dirty = true;
        Ok(())
    }

    pub fn file_write(&mut self, f: &mut FileState, wbuf: &mut [u8], data: &[u8]) -> Res<usize> {
        if !f.writable {
            return Err(Error::Io);
        }
        if self.fs.readonly {
            return Err(Error::ReadOnly);
        }
        if f.append && f.pos != f.size.max(if f.writing { f.pos } else { 0 }) {
            if f.writing {
                self.file_flush(f, wbuf)?;
            }
            f.pos = f.size;
        }
        // A gap after the end reads as zeros.
        if !f.writing && f.pos > f.size {
            let target = f.pos;
            f.pos = f.size;
            let zeros = [0u8; 64];
            while f.pos < target {
                let k = ((target - f.pos) as usize).min(zeros.len());
                self.file_write(f, wbuf, &zeros[..k])?;
            }
        }
        let end = f.pos as usize + data.len();
        if f.inline && end.max(f.size as usize) > self.fs.inline_max as usize {
            // Too big to stay inline: the inline bytes become block 0 of a list.
            f.inline = false;
            f.head = NULL;
            if f.size > 0 {
                let b = self.alloc(None)?;
                self.dev.erase(b)?;
                self.dev.prog(b, wbuf)?;
                if self.fs.rcache_block == b {
                    self.fs.rcache_block = NULL;
                }
                f.head = b;
            }
        }
        if f.inline {
            let p = f.pos as usize;
            wbuf[p..end].copy_from_slice(data);
            f.pos = end as u32;
            f.size = f.size.max(f.pos);
            f.dirty = true;
            return Ok(data.len());
        }
        if !f.writing {
            self.begin(f, wbuf)?;
        }
        self.session_write(f, wbuf, data)?;
        Ok(data.len())
    }

    /// Size as seen now (a session may have grown it).
    pub fn file_size(&self, f: &FileState) -> u32 {
        if f.writing {
            f.pos.max(f.orig_size)
        } else {
            f.size
        }
    }

    pub fn file_seek(&mut self, f: &mut FileState, wbuf: &mut [u8], pos: u32) -> Res<u32> {
        if f.writing && pos != f.pos {
            self.file_flush(f, wbuf)?;
        }
        f.pos = pos;
        Ok(pos)
    }

    /// Flush and commit the file's entry (found again by path).
    pub fn file_sync(&mut self, path: &str, f: &mut FileState, wbuf: &mut [u8]) -> Res<()> {
        self.file_flush(f, wbuf)?;
        if !f.dirty {
            return Ok(());
        }
        let st = *f;
        let wb: &[u8] = wbuf;
        self.apply(&mut |c: &mut Self| {
            let Look::Found { mut dir, id, .. } = c.find(path)? else {
                return Err(Error::NoEnt);
            };
            let mut ctz = [0u8; 8];
            if st.inline {
                let n = st.size as usize;
                c.set_tag(&mut dir, TYPE_INLINE, id, &wb[..n])?;
            } else {
                put32(&mut ctz, 0, st.head);
                put32(&mut ctz, 4, st.size);
                c.set_tag(&mut dir, TYPE_CTZ, id, &ctz)?;
            }
            if let Some(t) = c.mtime {
                c.set_tag(&mut dir, TYPE_MTIME, id, &t.to_le_bytes())?;
            }
            Ok(dir)
        })?;
        f.dirty = false;
        self.dev.sync()
    }
}
