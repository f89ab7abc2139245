//! littlefs v1 (VfsLfs1), written from the v1 SPEC.md: a metadata block is one snapshot
//! (revision, size with a "continued" bit, tail pair, entries, CRC), entries are
//! type/lengths/data/attributes/name records in creation order, the superblock pair points
//! to a separate root pair, and files are always CTZ lists (the same skip-list as v2).
//!
//! The v2 code works on v1 through the same in-memory entry records: fetching converts
//! v1 entries to them (name, struct) and committing converts back, so directory and file
//! logic is shared.

use super::lfs::{crc32, le32, Ctx, Dir, Error, Res, NULL};

const V1_REG: u8 = 0x11;
const V1_DIR: u8 = 0x22;
const V1_SUPERBLOCK: u8 = 0x2e;
const T_REG: u32 = 0x001;
const T_DIR: u32 = 0x002;
const T_SUPERBLOCK: u32 = 0x0ff;
const T_DIRSTRUCT: u32 = 0x200;
const T_INLINE: u32 = 0x201;
const T_CTZ: u32 = 0x202;
const T_SOFTTAIL: u32 = 0x600;
const T_HARDTAIL: u32 = 0x601;

fn put32(b: &mut [u8], at: usize, v: u32) {
    if let Some(s) = b.get_mut(at..at + 4) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}

impl<'a> Ctx<'a> {
    /// Is the block in the read cache a valid v1 metadata block? Its size if so.
    fn v1_valid(&self) -> Option<usize> {
        let size = (le32(self.rcache, 4) & 0x7fff_ffff) as usize;
        if size < 20 || size > self.rcache.len() {
            return None;
        }
        if crc32(0xffff_ffff, &self.rcache[..size]) != 0 {
            return None;
        }
        Some(size)
    }

    pub(super) fn v1_fetch(&mut self, pair: [u32; 2]) -> Res<Dir> {
        let mut best: Option<(usize, u32)> = None;
        for (k, &block) in pair.iter().enumerate() {
            self.v1_read(block)?;
            if self.v1_valid().is_some() {
                let rev = le32(self.rcache, 0);
                match best {
                    Some((_, r)) if (rev.wrapping_sub(r) as i32) <= 0 => {}
                    _ => best = Some((k, rev)),
                }
            }
        }
        let (k, rev) = best.ok_or(Error::Corrupt)?;
        self.v1_read(pair[k])?;
        let size = self.v1_valid().ok_or(Error::Corrupt)?;
        let raw = le32(self.rcache, 4);
        let mut d = Dir {
            pair: [pair[k], pair[1 - k]],
            rev,
            tail: [le32(self.rcache, 8), le32(self.rcache, 12)],
            ..Dir::default()
        };
        d.tail_type = if raw & 0x8000_0000 != 0 {
            T_HARDTAIL
        } else {
            T_SOFTTAIL
        };
        let mut off = 16;
        let end = size - 4;
        let mut id = 0;
        let mut tmp = [0u8; 300];
        while off + 4 <= end {
            let ty = self.rcache[off];
            let elen = usize::from(self.rcache[off + 1]);
            let alen = usize::from(self.rcache[off + 2]);
            let nlen = usize::from(self.rcache[off + 3]);
            let next = off + 4 + elen + alen + nlen;
            if next > end {
                return Err(Error::Corrupt);
            }
            // Entries marked moved exist elsewhere.
            if ty & 0x80 == 0 {
                let data_at = off + 4;
                let name_at = data_at + elen + alen;
                let (nt, st) = match ty {
                    V1_REG => (T_REG, T_CTZ),
                    V1_DIR => (T_DIR, T_DIRSTRUCT),
                    V1_SUPERBLOCK => (T_SUPERBLOCK, T_INLINE),
                    _ => {
                        off = next;
                        continue;
                    }
                };
                tmp[..nlen].copy_from_slice(&self.rcache[name_at..name_at + nlen]);
                self.set_tag(&mut d, nt, id, &tmp[..nlen])?;
                let n = elen.min(tmp.len());
                tmp[..n].copy_from_slice(&self.rcache[data_at..data_at + n]);
                self.set_tag(&mut d, st, id, &tmp[..n])?;
                id += 1;
                d.count = id;
            }
            off = next;
        }
        Ok(d)
    }

    fn v1_read(&mut self, b: u32) -> Res<()> {
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

    /// Bytes the v1 block for this state takes.
    pub(super) fn v1_image_size(&self, d: &Dir) -> usize {
        // Each id has a name record and a struct record (4-byte headers each); the v1
        // entry has one 4-byte header. Attribute records are not stored in v1.
        let mut n = 16 + 4;
        let mut p = 0;
        while p < d.len {
            let t = le32(self.state, p);
            let size = (t & 0x3ff) as usize;
            match (t >> 20) & 0x700 {
                0x000 => n += 4 + size,
                0x200 => n += size,
                _ => {}
            }
            p += 4 + size;
        }
        n
    }

    pub(super) fn v1_commit(&mut self, d: &mut Dir) -> Res<()> {
        let size = self.v1_image_size(d);
        if size > self.img.len() {
            return Err(Error::NoSpc);
        }
        let rev = d.rev.wrapping_add(1);
        self.img.fill(0xff);
        put32(self.img, 0, rev);
        let cont = if d.tail_type == T_HARDTAIL {
            0x8000_0000
        } else {
            0
        };
        put32(self.img, 4, size as u32 | cont);
        let tail = if d.tail_type == 0 {
            [NULL, NULL]
        } else {
            d.tail
        };
        put32(self.img, 8, tail[0]);
        put32(self.img, 12, tail[1]);
        let mut off = 16;
        for id in 0..d.count {
            // Find this id's name and struct records.
            let (mut name, mut data) = (None, None);
            let mut p = 0;
            while p < d.len {
                let t = le32(self.state, p);
                let sz = (t & 0x3ff) as usize;
                if (t >> 10) & 0x3ff == id {
                    match (t >> 20) & 0x700 {
                        0x000 => name = Some((p, t)),
                        0x200 => data = Some((p, t)),
                        _ => {}
                    }
                }
                p += 4 + sz;
            }
            let (Some((np, nt)), Some((dp, dt))) = (name, data) else {
                continue;
            };
            let ty = match (nt >> 20) & 0x7ff {
                T_REG => V1_REG,
                T_DIR => V1_DIR,
                _ => V1_SUPERBLOCK,
            };
            let nlen = (nt & 0x3ff) as usize;
            let mut elen = (dt & 0x3ff) as usize;
            // An empty inline file is written as an empty list.
            let empty_file = ty == V1_REG && (dt >> 20) & 0x7ff == T_INLINE;
            if empty_file {
                elen = 8;
            }
            self.img[off] = ty;
            self.img[off + 1] = elen as u8;
            self.img[off + 2] = 0;
            self.img[off + 3] = nlen as u8;
            if empty_file {
                put32(self.img, off + 4, NULL);
                put32(self.img, off + 8, 0);
            } else {
                self.img[off + 4..off + 4 + elen]
                    .copy_from_slice(&self.state[dp + 4..dp + 4 + elen]);
            }
            self.img[off + 4 + elen..off + 4 + elen + nlen]
                .copy_from_slice(&self.state[np + 4..np + 4 + nlen]);
            off += 4 + elen + nlen;
        }
        let total = off + 4;
        put32(self.img, 4, total as u32 | cont);
        let crc = crc32(0xffff_ffff, &self.img[..off]);
        put32(self.img, off, crc);
        let target = d.pair[1];
        if self.fs.rcache_block == target {
            self.fs.rcache_block = NULL;
        }
        self.dev.erase(target)?;
        self.dev.prog(target, self.img)?;
        d.pair = [target, d.pair[0]];
        d.rev = rev;
        Ok(())
    }

    /// Format v1: the superblock pair at blocks 0/1 pointing to a root pair at 2/3.
    pub(super) fn v1_format(&mut self) -> Res<()> {
        if self.fs.bc < 4 {
            return Err(Error::Inval);
        }
        let mut root = Dir {
            pair: [3, 2],
            rev: 0,
            tail_type: T_SOFTTAIL,
            tail: [NULL, NULL],
            ..Dir::default()
        };
        self.v1_commit(&mut root)?;
        let mut sb = Dir {
            pair: [0, 1],
            rev: 0,
            tail_type: T_SOFTTAIL,
            tail: root.pair,
            ..Dir::default()
        };
        let mut data = [0u8; 20];
        put32(&mut data, 0, root.pair[0]);
        put32(&mut data, 4, root.pair[1]);
        put32(&mut data, 8, self.fs.bs);
        put32(&mut data, 12, self.fs.bc);
        put32(&mut data, 16, 0x0001_0001);
        self.set_tag(&mut sb, T_SUPERBLOCK, 0, b"littlefs")?;
        self.set_tag(&mut sb, T_INLINE, 0, &data)?;
        sb.count = 1;
        self.v1_commit(&mut sb)?;
        self.v1_commit(&mut sb)?;
        self.fs.mounted = false;
        self.fs.la_valid = false;
        self.dev.sync()
    }

    pub(super) fn v1_mount(&mut self) -> Res<()> {
        self.fs.rcache_block = NULL;
        self.fs.la_valid = false;
        let d = self.v1_fetch([0, 1])?;
        let (t, data) = self.struct_of(&d, 0).ok_or(Error::Corrupt)?;
        if t != T_INLINE || data.len() < 20 {
            return Err(Error::Corrupt);
        }
        let root = [le32(data, 0), le32(data, 4)];
        let (bs, bc, version) = (le32(data, 8), le32(data, 12), le32(data, 16));
        if version >> 16 != 1 || bs != self.fs.bs || bc != self.fs.bc {
            return Err(Error::Inval);
        }
        self.fs.root = root;
        self.fs.mounted = true;
        Ok(())
    }
}
