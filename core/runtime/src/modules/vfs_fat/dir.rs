//! Directories: 32-byte entries, long file names (VFAT: UTF-16 pieces in entries before
//! the 8.3 entry, tied to it by a checksum), 8.3 names made from long ones (upper case,
//! code page 437, `~N` tails when the name does not fit), path walking with `.`/`..` and a
//! current directory, and the operations on names: stat, mkdir, unlink, rename, getcwd.

use super::volume::{ld16, ld32, st16, st32, Error, Fat, Res};
use alloc::vec::Vec;

pub const ATTR_RDO: u8 = 0x01;
pub const ATTR_VOL: u8 = 0x08;
pub const ATTR_LFN: u8 = 0x0F;
pub const ATTR_DIR: u8 = 0x10;
pub const ATTR_ARC: u8 = 0x20;
/// NT flags: the body / extension of the 8.3 name is shown in lower case.
const NT_BODY: u8 = 0x08;
const NT_EXT: u8 = 0x10;
const DELETED: u8 = 0xE5;
pub const MAX_LFN: usize = 255;
/// Bound on path depth walked by getcwd (guards against loops in a corrupt volume).
const MAX_DEPTH: usize = 64;
/// Offsets of the 13 UTF-16 characters inside a long-name entry.
const LFN_OFS: [usize; 13] = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

/// Code page 437, bytes 0x80..=0xFF, as Unicode.
static CP437: [u16; 128] = [
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
];

fn oem_to_uni(b: u8) -> u16 {
    if b < 0x80 {
        u16::from(b)
    } else {
        CP437[usize::from(b - 0x80)]
    }
}

fn uni_to_oem(c: u16) -> Option<u8> {
    if c < 0x80 {
        return Some(c as u8);
    }
    CP437.iter().position(|x| *x == c).map(|i| 0x80 + i as u8)
}

/// Upper case for name comparison: ASCII, Latin-1 and Greek/Cyrillic basics.
pub fn upper(c: u16) -> u16 {
    match c {
        0x61..=0x7A => c - 0x20,
        0xE0..=0xFE if c != 0xF7 => c - 0x20,
        0xFF => 0x178,
        0x3B1..=0x3C9 if c != 0x3C2 => c - 0x20,
        0x430..=0x44F => c - 0x20,
        0x450..=0x45F => c - 0x50,
        _ => c,
    }
}

/// Where a directory entry is: the directory's first cluster (0: a FAT12/16 root), the
/// entry's index, and the cluster and sector holding it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirPos {
    pub sclust: u32,
    pub index: u32,
    pub clust: u32,
    pub sect: u32,
}

/// A name prepared for lookup and creation: the long name (UTF-16) and the 8.3 form.
pub struct Name {
    pub lfn: [u16; MAX_LFN + 1],
    pub len: usize,
    pub sfn: [u8; 11],
    pub nt: u8,
    /// The 8.3 form lost information (a `~N` tail is needed when creating).
    pub lossy: bool,
    /// Long-name entries are needed.
    pub need_lfn: bool,
    /// `.` or `..`.
    pub dot: bool,
}

/// One directory entry as read: its long name (if any) and 8.3 entry fields.
#[derive(Clone)]
pub struct Entry {
    pub lfn: [u16; MAX_LFN + 1],
    pub lfn_len: usize,
    pub sfn: [u8; 11],
    pub attr: u8,
    pub nt: u8,
    pub clust: u32,
    pub size: u32,
    pub wtime: u32,
    /// First entry of the name (a long-name piece, or the 8.3 entry itself).
    pub start: DirPos,
    /// The 8.3 entry.
    pub pos: DirPos,
}

impl Entry {
    /// An entry to read into: all zeros (one memory clear where it is made), as reads set
    /// every field.
    pub fn empty() -> Entry {
        Entry {
            lfn: [0; MAX_LFN + 1],
            lfn_len: 0,
            sfn: [0; 11],
            attr: 0,
            nt: 0,
            clust: 0,
            size: 0,
            wtime: 0,
            start: DirPos::default(),
            pos: DirPos::default(),
        }
    }

    pub fn is_dir(&self) -> bool {
        self.attr & ATTR_DIR != 0
    }

    pub fn is_dot(&self) -> bool {
        self.sfn[0] == b'.'
    }

    /// The name as UTF-8 into `out`; the length written. An 8.3 name is turned into
    /// UTF-16 first, so one decoding loop serves both kinds.
    pub fn name_utf8(&self, out: &mut [u8; MAX_LFN * 3]) -> usize {
        let mut short = [0u16; 12];
        let units = if self.lfn_len > 0 {
            self.lfn.get(..self.lfn_len).unwrap_or(&[])
        } else {
            let mut k = 0;
            for (i, b) in self.sfn.iter().enumerate() {
                let mut b = *b;
                if b == b' ' {
                    continue;
                }
                if i == 0 && b == 0x05 {
                    b = DELETED;
                }
                if i == 8 {
                    short[k] = u16::from(b'.');
                    k += 1;
                }
                let lower = if i < 8 { NT_BODY } else { NT_EXT };
                if self.nt & lower != 0 && b.is_ascii_uppercase() {
                    b = b.to_ascii_lowercase();
                }
                short[k] = oem_to_uni(b);
                k += 1;
            }
            &short[..k]
        };
        let mut n = 0;
        let mut i = 0;
        while let Some(u) = units.get(i) {
            let mut c = u32::from(*u);
            i += 1;
            if (0xD800..0xDC00).contains(&c) {
                if let Some(d) = units.get(i).map(|d| u32::from(*d)) {
                    if (0xDC00..0xE000).contains(&d) {
                        i += 1;
                        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                    }
                }
            }
            let mut b = [0u8; 4];
            let s = char::from_u32(c).unwrap_or('\u{FFFD}').encode_utf8(&mut b);
            if let Some(dst) = out.get_mut(n..n + s.len()) {
                dst.copy_from_slice(s.as_bytes());
                n += s.len();
            }
        }
        n
    }
}

/// 8.3 checksum tying long-name entries to their 8.3 entry.
fn sfn_sum(sfn: &[u8]) -> u8 {
    sfn.iter()
        .fold(0u8, |s, b| s.rotate_right(1).wrapping_add(*b))
}

fn bad_char(c: u16) -> bool {
    c < 0x20 || c == 0x7F || b"\"*:<>?|".iter().any(|b| u16::from(*b) == c)
}

impl Name {
    /// A name to [`Name::parse`] into.
    pub fn empty() -> Name {
        Name {
            lfn: [0; MAX_LFN + 1],
            len: 0,
            sfn: [0; 11],
            nt: 0,
            lossy: false,
            need_lfn: false,
            dot: false,
        }
    }

    #[cfg(test)]
    pub fn new(comp: &str) -> Res<Name> {
        let mut n = Name::empty();
        n.parse(comp)?;
        Ok(n)
    }

    /// Parse one path component into `self` (in place: a `Name` is half a KB, and moving
    /// one out of a constructor costs code at every caller).
    pub fn parse(&mut self, comp: &str) -> Res<()> {
        self.sfn = [b' '; 11];
        self.nt = 0;
        self.lossy = false;
        self.need_lfn = false;
        self.dot = false;
        let mut len = 0;
        for u in comp.encode_utf16() {
            if bad_char(u) || len >= MAX_LFN {
                return Err(Error::InvalidName);
            }
            self.lfn[len] = u;
            len += 1;
        }
        self.len = len;
        // `.` or `..`.
        if (1..=2).contains(&len) && self.lfn[..len].iter().all(|c| *c == u16::from(b'.')) {
            self.sfn[..len].fill(b'.');
            self.dot = true;
            return Ok(());
        }
        // Trailing dots and spaces are not part of a name.
        while len > 0
            && (self.lfn[len - 1] == u16::from(b' ') || self.lfn[len - 1] == u16::from(b'.'))
        {
            len -= 1;
        }
        if len == 0 {
            return Err(Error::InvalidName);
        }
        self.len = len;
        self.make_sfn();
        Ok(())
    }

    fn make_sfn(&mut self) {
        let chars = &self.lfn[..self.len];
        let mut start = 0;
        while start < chars.len() && (chars[start] == 0x20 || chars[start] == 0x2E) {
            start += 1;
        }
        if start > 0 {
            self.lossy = true;
        }
        let dot = chars[start..]
            .iter()
            .rposition(|c| *c == 0x2E)
            .map(|p| p + start);
        // Case seen in each part: bit 0 lower, bit 1 upper.
        let mut case = [0u8; 2];
        let mut lossy = false;
        let mut ext_chars = false;
        // One pass over body and extension: `part` 0 fills sfn[..8], 1 fills sfn[8..].
        let mut part = 0;
        let mut i = 0;
        for (k, &c) in chars.iter().enumerate().skip(start) {
            if Some(k) == dot {
                (part, i) = (1, 0);
                continue;
            }
            if c == 0x20 || c == 0x2E || i >= [8, 3][part] {
                lossy = true;
                continue;
            }
            let b = if c >= 0x80 {
                ext_chars = true;
                match uni_to_oem(upper(c)) {
                    Some(b) => b,
                    None => {
                        lossy = true;
                        b'_'
                    }
                }
            } else {
                let a = c as u8;
                if b"+,;=[]".contains(&a) {
                    lossy = true;
                    b'_'
                } else if a.is_ascii_uppercase() {
                    case[part] |= 2;
                    a
                } else if a.is_ascii_lowercase() {
                    case[part] |= 1;
                    a.to_ascii_uppercase()
                } else {
                    a
                }
            };
            self.sfn[part * 8 + i] = b;
            i += 1;
        }
        if self.sfn[0] == DELETED {
            self.sfn[0] = 0x05;
        }
        if self.sfn[0] == b' ' {
            lossy = true;
        }
        self.lossy = self.lossy || lossy;
        self.need_lfn = self.lossy || ext_chars || case[0] == 3 || case[1] == 3;
        if !self.lossy {
            if case[0] == 1 {
                self.nt |= NT_BODY;
            }
            if case[1] == 1 {
                self.nt |= NT_EXT;
            }
        }
    }

    /// Put the numbered tail `~seq` into the 8.3 form (hashing the long name for high
    /// sequence numbers, so names stay unique without a long search).
    fn number(&mut self, base: &[u8; 11], seq: u32) {
        let mut seq = seq;
        if seq > 5 {
            let mut sreg = seq;
            for &c in &self.lfn[..self.len] {
                let mut w = u32::from(c);
                for _ in 0..16 {
                    sreg = (sreg << 1) + (w & 1);
                    w >>= 1;
                    if sreg & 0x10000 != 0 {
                        sreg ^= 0x11021;
                    }
                }
            }
            seq = sreg & 0xFFFF;
        }
        let mut tail = [0u8; 8];
        let mut t = 8;
        loop {
            let d = (seq % 16) as u8;
            t -= 1;
            tail[t] = if d < 10 { b'0' + d } else { b'A' + d - 10 };
            seq /= 16;
            if seq == 0 || t == 1 {
                break;
            }
        }
        t -= 1;
        tail[t] = b'~';
        let tail = &tail[t..];
        let mut j = 0;
        while j < 8 - tail.len() && base[j] != b' ' {
            j += 1;
        }
        self.sfn[..8].fill(b' ');
        self.sfn[..j].copy_from_slice(&base[..j]);
        self.sfn[j..j + tail.len()].copy_from_slice(tail);
        self.sfn[8..].copy_from_slice(&base[8..]);
    }

    fn lfn_eq(&self, e: &Entry) -> bool {
        e.lfn_len == self.len
            && self.lfn[..self.len]
                .iter()
                .zip(e.lfn[..e.lfn_len].iter())
                .all(|(a, b)| upper(*a) == upper(*b))
    }
}

/// Split a path into components (separators `/` and `\`), skipping empty ones.
pub fn components(path: &str) -> Components<'_> {
    Components { rest: path }
}

/// The iterator of [`components`]: a byte scan (the separators are ASCII), smaller than
/// `str::split` with a two-character pattern.
pub struct Components<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Components<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        while !self.rest.is_empty() {
            let end = self
                .rest
                .bytes()
                .position(|b| b == b'/' || b == b'\\')
                .unwrap_or(self.rest.len());
            let comp = self.rest.get(..end).unwrap_or("");
            self.rest = self.rest.get(end + 1..).unwrap_or("");
            if !comp.is_empty() {
                return Some(comp);
            }
        }
        None
    }
}

/// What a directory search looks for.
#[derive(Clone, Copy)]
pub enum Want<'a> {
    /// A name, by its long form (any case) or its exact 8.3 form.
    Name(&'a Name),
    /// An exact 8.3 name (dot entries too).
    Sfn(&'a [u8; 11]),
    /// The subdirectory starting at this cluster.
    Subdir(u32),
    /// Any entry but `.` and `..`.
    NotDot,
}

/// What a path names. The entry itself goes into the caller's [`Entry`] (lookups must not
/// allocate outside the GC heap, and an `Entry` moved around costs code at every step).
#[derive(Clone, Copy)]
pub enum Found {
    /// The root directory.
    Root,
    /// An entry in directory `dir` (first cluster, 0 for the root), read into the entry.
    Entry { dir: u32 },
    /// Nothing yet: `dir` exists, its last component `name` does not.
    Missing { dir: u32 },
}

impl<'a> Fat<'a> {
    /// Position at the first entry of the directory starting at `sclust` (0: the root).
    pub fn dir_start(&self, sclust: u32) -> DirPos {
        let mut c = sclust;
        if c == 0 && self.vol.fat_type == 32 {
            c = self.vol.dirbase;
        }
        if c == 0 {
            DirPos {
                sclust: 0,
                index: 0,
                clust: 0,
                sect: self.vol.dirbase,
            }
        } else {
            DirPos {
                sclust: c,
                index: 0,
                clust: c,
                sect: self.clust2sect(c),
            }
        }
    }

    /// Normalise a directory's first cluster: the FAT32 root is 0 too.
    fn dir_id(&self, c: u32) -> u32 {
        if self.vol.fat_type == 32 && c == self.vol.dirbase {
            0
        } else {
            c
        }
    }

    /// Advance to the next entry; Ok(false) at the end of the directory. With `stretch`,
    /// a cluster-chained directory grows by a zeroed cluster instead.
    pub fn dir_next(&mut self, p: &mut DirPos, stretch: bool) -> Res<bool> {
        let per_sect = self.ss() / 32;
        let i = p.index + 1;
        if i >= 0x10000 {
            return Ok(false);
        }
        if i.is_multiple_of(per_sect) {
            if p.clust == 0 {
                if i >= self.vol.n_rootdir {
                    return Ok(false);
                }
                p.sect += 1;
            } else if (i / per_sect).is_multiple_of(self.vol.csize) {
                let next = match self.next_clust(p.clust)? {
                    Some(n) => n,
                    None => {
                        if !stretch {
                            return Ok(false);
                        }
                        let n = match self.create_chain(p.clust) {
                            Err(Error::Full) => return Err(Error::Denied),
                            r => r?,
                        };
                        self.zero_cluster(n)?;
                        n
                    }
                };
                p.clust = next;
                p.sect = self.clust2sect(next);
            } else {
                p.sect += 1;
            }
        }
        p.index = i;
        Ok(true)
    }

    /// The window offset of the entry at `p`, loading its sector.
    pub fn entry_at(&mut self, p: &DirPos) -> Res<usize> {
        self.move_window(p.sect)?;
        Ok(((p.index % (self.ss() / 32)) * 32) as usize)
    }

    /// The 32 bytes of the entry at `p` in the window, loading its sector. A fixed-size
    /// view: the field accesses of every caller go without bounds checks.
    pub fn entry(&mut self, p: &DirPos) -> Res<&mut [u8; 32]> {
        let o = self.entry_at(p)?;
        self.win
            .get_mut(o..o + 32)
            .and_then(|d| d.try_into().ok())
            .ok_or(Error::Io)
    }

    /// Read the next live entry at or after `p` (long name gathered) into `e`; `p` is left
    /// at the 8.3 entry. False at the end of the directory. Volume labels are skipped.
    /// Every field of `e` is set (`lfn` up to `lfn_len`): entries are read in place, as an
    /// `Entry` (half a KB) moved at every step costs code and stack.
    pub fn dir_read(&mut self, p: &mut DirPos, e: &mut Entry) -> Res<bool> {
        // Long-name state: expected next order number and checksum.
        let mut ord: u8 = 0;
        let mut sum: u8 = 0;
        let mut lfn_start = *p;
        let fat32 = self.vol.fat_type == 32;
        loop {
            let d: &[u8; 32] = &*self.entry(p)?;
            let b0 = d[0];
            if b0 == 0 {
                return Ok(false);
            }
            let attr = d[11] & 0x3F;
            if b0 == DELETED {
                ord = 0;
            } else if attr == ATTR_LFN {
                if b0 & 0x40 != 0 {
                    let n = b0 & 0x1F;
                    sum = d[13];
                    ord = if n == 0 || n > 20 { 0 } else { n };
                    lfn_start = *p;
                    e.lfn_len = (usize::from(n) * 13).min(MAX_LFN);
                }
                if ord != 0 && ord != 0xFF && b0 & 0x1F == ord && d[13] == sum && ld16(d, 26) == 0 {
                    let base = usize::from(ord - 1) * 13;
                    for (k, off) in LFN_OFS.iter().enumerate() {
                        let c = ld16(d, *off);
                        if c == 0 {
                            e.lfn_len = e.lfn_len.min(base + k);
                        }
                        if let Some(slot) = e.lfn.get_mut(base + k) {
                            *slot = c;
                        }
                    }
                    ord -= 1;
                    if ord == 0 {
                        // All pieces read: the 8.3 entry must come next.
                        ord = 0xFF;
                    }
                } else {
                    ord = 0;
                }
            } else if attr & ATTR_VOL != 0 && attr != ATTR_DIR {
                ord = 0;
            } else {
                e.sfn.copy_from_slice(&d[..11]);
                e.attr = d[11];
                e.nt = d[12];
                let hi = if fat32 {
                    u32::from(ld16(d, 20)) << 16
                } else {
                    0
                };
                e.clust = hi | u32::from(ld16(d, 26));
                e.size = ld32(d, 28);
                e.wtime = ld32(d, 22);
                e.pos = *p;
                if ord == 0xFF && sfn_sum(&e.sfn) == sum {
                    e.start = lfn_start;
                } else {
                    e.lfn_len = 0;
                    e.start = *p;
                }
                return Ok(true);
            }
            if !self.dir_next(p, false)? {
                return Ok(false);
            }
        }
    }

    /// Read into `e` the first live entry at or after `p` that `want` accepts, `p` left
    /// at its 8.3 entry; false at the end of the directory. Every directory search is this
    /// one loop.
    pub fn dir_scan(&mut self, p: &mut DirPos, want: Want<'_>, e: &mut Entry) -> Res<bool> {
        while self.dir_read(p, e)? {
            let hit = match want {
                Want::Name(name) => {
                    (!name.lossy && e.sfn == name.sfn) || (e.lfn_len > 0 && name.lfn_eq(e))
                }
                Want::Sfn(sfn) => &e.sfn == sfn,
                Want::Subdir(c) => !e.is_dot() && e.is_dir() && e.clust == c,
                Want::NotDot => !e.is_dot(),
            };
            if hit {
                return Ok(true);
            }
            if !self.dir_next(p, false)? {
                break;
            }
        }
        Ok(false)
    }

    /// [`Fat::dir_scan`] over the whole directory starting at `sclust`.
    fn dir_search(&mut self, sclust: u32, want: Want<'_>, e: &mut Entry) -> Res<bool> {
        let mut p = self.dir_start(sclust);
        self.dir_scan(&mut p, want, e)
    }

    /// Resolve a path from the current directory (or the root for absolute paths); an
    /// entry found is read into `e` (which is scratch space otherwise). When the last
    /// component is missing, `name` holds it parsed, ready to be created.
    pub fn follow(&mut self, path: &str, e: &mut Entry, name: &mut Name) -> Res<Found> {
        let mut dir = if matches!(path.as_bytes().first(), Some(b'/' | b'\\')) {
            0
        } else {
            self.vol.cdir
        };
        let mut comps = components(path).peekable();
        if comps.peek().is_none() {
            // No last component: nothing to create under this name.
            name.dot = true;
            return self.follow_dir_cluster(dir, e);
        }
        while let Some(c) = comps.next() {
            let is_last = comps.peek().is_none();
            name.parse(c)?;
            if name.dot {
                // The root has no dot entries; elsewhere ".." holds the parent (0: root).
                let target = if name.len == 1 || dir == 0 {
                    dir
                } else {
                    self.parent_of(dir, e)?
                };
                if is_last {
                    return self.follow_dir_cluster(target, e);
                }
                dir = target;
                continue;
            }
            match self.dir_search(dir, Want::Name(name), e)? {
                false if is_last => return Ok(Found::Missing { dir }),
                true if is_last => return Ok(Found::Entry { dir }),
                true if e.is_dir() => dir = self.dir_id(e.clust),
                _ => return Err(Error::NotFound),
            }
        }
        Ok(Found::Root)
    }

    /// A directory named by its first cluster, as its entry (read into `e`) in its parent.
    fn follow_dir_cluster(&mut self, c: u32, e: &mut Entry) -> Res<Found> {
        if c == 0 {
            return Ok(Found::Root);
        }
        let parent = self.parent_of(c, e)?;
        match self.dir_search(parent, Want::Subdir(c), e)? {
            true => Ok(Found::Entry { dir: parent }),
            false => Err(Error::Io),
        }
    }

    /// The first cluster of the parent of directory `c` (not the root), from its ".."
    /// (read into the scratch entry `e`).
    fn parent_of(&mut self, c: u32, e: &mut Entry) -> Res<u32> {
        match self.dir_search(c, Want::Sfn(b"..         "), e)? {
            true => Ok(self.dir_id(e.clust)),
            false => Err(Error::Io),
        }
    }

    /// The first cluster of the directory a path names.
    pub fn open_dir(&mut self, path: &str) -> Res<u32> {
        let mut e = Entry::empty();
        match self.follow(path, &mut e, &mut Name::empty())? {
            Found::Root => Ok(0),
            Found::Entry { .. } if e.is_dir() => Ok(self.dir_id(e.clust)),
            _ => Err(Error::NotFound),
        }
    }

    /// Make room for `name` in directory `dir` and write its long-name entries and a
    /// blank 8.3 entry; returns the 8.3 entry's position.
    pub fn register(&mut self, dir: u32, name: &mut Name) -> Res<DirPos> {
        if name.dot {
            return Err(Error::InvalidName);
        }
        if name.lossy {
            let base = name.sfn;
            let mut n = 1;
            let mut e = Entry::empty();
            loop {
                name.number(&base, n);
                if !self.dir_search(dir, Want::Sfn(&name.sfn), &mut e)? {
                    break;
                }
                n += 1;
                if n >= 100 {
                    return Err(Error::Denied);
                }
            }
        }
        let n_lfn = if name.need_lfn {
            name.len.div_ceil(13)
        } else {
            0
        };
        let need = n_lfn as u32 + 1;
        // Find `need` consecutive free entries, growing the directory if necessary.
        let mut p = self.dir_start(dir);
        let mut run = 0;
        let mut start = p;
        loop {
            let b0 = self.entry(&p)?[0];
            if b0 == 0 || b0 == DELETED {
                if run == 0 {
                    start = p;
                }
                run += 1;
                if run == need {
                    break;
                }
            } else {
                run = 0;
            }
            if !self.dir_next(&mut p, true)? {
                return Err(Error::Denied);
            }
        }
        let sum = sfn_sum(&name.sfn);
        let mut p = start;
        for k in 0..n_lfn {
            let ord = (n_lfn - k) as u8;
            let d = self.entry(&p)?;
            d.fill(0);
            d[0] = if k == 0 { ord | 0x40 } else { ord };
            d[11] = ATTR_LFN;
            d[13] = sum;
            let base = usize::from(ord - 1) * 13;
            for (i, off) in LFN_OFS.iter().enumerate() {
                let idx = base + i;
                let c = if idx < name.len {
                    name.lfn[idx]
                } else if idx == name.len {
                    0
                } else {
                    0xFFFF
                };
                st16(d, *off, c);
            }
            self.vol.win_dirty = true;
            self.dir_next(&mut p, false)?;
        }
        let d = self.entry(&p)?;
        d.fill(0);
        d[..11].copy_from_slice(&name.sfn);
        d[12] = name.nt;
        self.vol.win_dirty = true;
        Ok(p)
    }

    /// Fill in the 8.3 entry at `p` of a new (empty) file or directory, made now: what
    /// [`Fat::update_entry`] writes, then the attributes and the creation time.
    fn set_entry(&mut self, p: &DirPos, attr: u8, clust: u32) -> Res<()> {
        self.update_entry(p, clust, 0, true)?;
        let t = self.vol.now;
        let d = self.entry(p)?;
        d[11] = attr;
        st32(d, 14, t);
        Ok(())
    }

    /// Update the cluster, size and modification time of the 8.3 entry at `p`.
    pub fn update_entry(&mut self, p: &DirPos, clust: u32, size: u32, modified: bool) -> Res<()> {
        let t = self.vol.now;
        let d = self.entry(p)?;
        d[11] |= ATTR_ARC;
        st16(d, 20, (clust >> 16) as u16);
        st16(d, 26, clust as u16);
        st32(d, 28, size);
        if modified {
            st32(d, 22, t);
            st16(d, 18, (t >> 16) as u16);
        }
        self.vol.win_dirty = true;
        Ok(())
    }

    /// Mark an entry and its long-name pieces deleted.
    fn dir_remove(&mut self, e: &Entry) -> Res<()> {
        let mut p = e.start;
        loop {
            self.entry(&p)?[0] = DELETED;
            self.vol.win_dirty = true;
            if p.index >= e.pos.index || !self.dir_next(&mut p, false)? {
                break;
            }
        }
        Ok(())
    }

    /// Create a file entry (attr ARC, empty) for a missing path component.
    pub fn create_file(&mut self, dir: u32, name: &mut Name) -> Res<DirPos> {
        self.writable()?;
        let p = self.register(dir, name)?;
        self.set_entry(&p, ATTR_ARC, 0)?;
        Ok(p)
    }

    pub fn mkdir(&mut self, path: &str) -> Res<()> {
        self.writable()?;
        let mut name = Name::empty();
        let dir = match self.follow(path, &mut Entry::empty(), &mut name)? {
            Found::Missing { dir } => dir,
            Found::Root | Found::Entry { .. } => return Err(Error::Exists),
        };
        let c = self.create_chain(0)?;
        let r = (|| -> Res<()> {
            self.zero_cluster(c)?;
            // `.` and `..`, the first two entries of the new cluster.
            let mut p = self.dir_start(c);
            for (dots, link) in [(1, c), (2, dir)] {
                let d = self.entry(&p)?;
                d[..11].fill(b' ');
                d[..dots].fill(b'.');
                self.set_entry(&p, ATTR_DIR, link)?;
                p.index += 1;
            }
            let p = self.register(dir, &mut name)?;
            self.set_entry(&p, ATTR_DIR, c)
        })();
        if let Err(e) = r {
            let _ = self.remove_chain(c, 0);
            return Err(match e {
                Error::Full => Error::Denied,
                e => e,
            });
        }
        self.sync()
    }

    /// Read the entry a path names into `e`; false for the root (which has none).
    pub fn stat(&mut self, path: &str, e: &mut Entry) -> Res<bool> {
        match self.follow(path, e, &mut Name::empty())? {
            Found::Root => Ok(false),
            Found::Entry { .. } => Ok(true),
            Found::Missing { .. } => Err(Error::NotFound),
        }
    }

    /// Remove a file (`dir` false) or an empty directory, refusing the other kind (the
    /// path is checked before the volume's writability, as upstream's remove and rmdir).
    pub fn unlink(&mut self, path: &str, dir: bool) -> Res<()> {
        let mut e = Entry::empty();
        match self.follow(path, &mut e, &mut Name::empty())? {
            Found::Entry { .. } => {}
            Found::Root => return Err(Error::InvalidName),
            Found::Missing { .. } => return Err(Error::NotFound),
        }
        if e.is_dir() != dir {
            return Err(if dir { Error::NotDir } else { Error::IsDir });
        }
        self.writable()?;
        if e.attr & ATTR_RDO != 0 {
            return Err(Error::Denied);
        }
        if e.is_dir() {
            let c = self.dir_id(e.clust);
            if c == 0
                || c == self.vol.cdir
                || self.dir_search(c, Want::NotDot, &mut Entry::empty())?
            {
                return Err(Error::Denied);
            }
        }
        self.dir_remove(&e)?;
        if e.clust != 0 {
            self.remove_chain(e.clust, 0)?;
        }
        self.sync()
    }

    pub fn rename(&mut self, old: &str, new: &str) -> Res<()> {
        self.writable()?;
        let mut e = Entry::empty();
        let mut name = Name::empty();
        let odir = match self.follow(old, &mut e, &mut name)? {
            Found::Entry { dir } => dir,
            Found::Root => return Err(Error::InvalidName),
            Found::Missing { .. } => return Err(Error::NotFound),
        };
        let mut other = Entry::empty();
        let ndir = match self.follow(new, &mut other, &mut name)? {
            Found::Missing { dir } => dir,
            // The same entry (maybe a change of case): rewrite it under the new name.
            Found::Entry { .. } if other.pos == e.pos => odir,
            _ => return Err(Error::Exists),
        };
        if name.dot {
            return Err(Error::InvalidName);
        }
        let mut saved = [0u8; 21];
        saved.copy_from_slice(&self.entry(&e.pos)?[11..]);
        // The new entry goes in before the old one is removed, as FatFs does (so entries
        // keep FatFs's order).
        let p = self.register(ndir, &mut name)?;
        let d = self.entry(&p)?;
        let nt = d[12];
        d[11..].copy_from_slice(&saved);
        d[11] |= ATTR_ARC;
        d[12] = nt;
        self.vol.win_dirty = true;
        self.dir_remove(&e)?;
        if e.is_dir() && ndir != odir {
            let c = self.dir_id(e.clust);
            if c != 0 {
                let dd = DirPos {
                    sclust: c,
                    index: 1,
                    clust: c,
                    sect: self.clust2sect(c),
                };
                let d = self.entry(&dd)?;
                if d[0] == b'.' && d[1] == b'.' {
                    st16(d, 20, (ndir >> 16) as u16);
                    st16(d, 26, ndir as u16);
                    self.vol.win_dirty = true;
                }
            }
        }
        self.sync()
    }

    pub fn chdir(&mut self, path: &str) -> Res<()> {
        let c = self.open_dir(path)?;
        self.vol.cdir = c;
        Ok(())
    }

    /// The current directory's absolute path, found by climbing the ".." entries.
    pub fn getcwd(&mut self, out: &mut Vec<u8>) -> Res<()> {
        out.clear();
        let mut c = self.vol.cdir;
        let mut depth = 0;
        let mut e = Entry::empty();
        while c != 0 {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(Error::Io);
            }
            let Found::Entry { dir: parent } = self.follow_dir_cluster(c, &mut e)? else {
                return Err(Error::Io);
            };
            let mut buf = [0u8; MAX_LFN * 3];
            let n = e.name_utf8(&mut buf);
            // Prepended by building the longer path afresh (a `splice` instantiation
            // costs more flash than the copy).
            let mut path = Vec::with_capacity(n + 1 + out.len());
            path.push(b'/');
            path.extend_from_slice(buf.get(..n).unwrap_or(&[]));
            path.extend_from_slice(out);
            *out = path;
            c = parent;
        }
        if out.is_empty() {
            out.push(b'/');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::super::file::OpenMode;
    use super::super::mkfs::mkfs;
    use super::super::volume::testing::RamDisk;
    use super::super::volume::Volume;
    use super::*;
    use std::string::String;

    fn name_of(e: &Entry) -> String {
        let mut b = [0u8; MAX_LFN * 3];
        let n = e.name_utf8(&mut b);
        String::from(core::str::from_utf8(&b[..n]).unwrap())
    }

    fn list(fat: &mut Fat, path: &str) -> Vec<String> {
        let c = fat.open_dir(path).unwrap();
        let mut p = fat.dir_start(c);
        let mut out = Vec::new();
        let mut e = Entry::empty();
        while fat.dir_read(&mut p, &mut e).unwrap() {
            if !e.is_dot() {
                out.push(name_of(&e));
            }
            if !fat.dir_next(&mut p, false).unwrap() {
                break;
            }
        }
        out
    }

    const W: OpenMode = OpenMode {
        read: false,
        write: true,
        create: true,
        truncate: true,
        append: false,
        excl: false,
    };
    const R: OpenMode = OpenMode {
        read: true,
        write: false,
        create: false,
        truncate: false,
        append: false,
        excl: false,
    };

    fn with_fat(sectors: usize, f: impl FnOnce(&mut Fat)) -> RamDisk {
        let mut disk = RamDisk::new(sectors, 512);
        let mut win = [0u8; 512];
        let total = disk.sectors();
        mkfs(&mut disk, &mut win, total, 0x5A21_0000).unwrap();
        let vol = Volume::new(512);
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        fat.mount().unwrap();
        f(&mut fat);
        fat.sync().unwrap();
        disk
    }

    #[test]
    fn short_names_follow_fatfs_rules() {
        let n = Name::new("foo_file.txt").unwrap();
        assert_eq!(&n.sfn, b"FOO_FILETXT");
        assert!(!n.need_lfn && !n.lossy);
        assert_eq!(n.nt, NT_BODY | NT_EXT);
        let n = Name::new("Mixed.txt").unwrap();
        assert!(n.need_lfn && !n.lossy);
        let n = Name::new("a long name.text").unwrap();
        assert!(n.lossy && n.need_lfn);
        assert_eq!(&n.sfn, b"ALONGNAMTEX");
        let n = Name::new("x+y.c").unwrap();
        assert_eq!(&n.sfn[..3], b"X_Y");
        assert!(n.lossy);
        assert!(Name::new("bad?name").is_err());
        assert!(Name::new("...").is_err());
        let mut n = Name::new("a long name.text").unwrap();
        let base = n.sfn;
        n.number(&base, 1);
        assert_eq!(&n.sfn, b"ALONGN~1TEX");
        assert_eq!(sfn_sum(b"ALONGN~1TEX"), sfn_sum(&n.sfn));
    }

    #[test]
    fn names_read_as_utf8() {
        let mut e = Entry::empty();
        let units = [0x41, 0xD83D, 0xDE00, 0xD800, 0x42, 0xDC00, 0xE9];
        e.lfn[..7].copy_from_slice(&units);
        e.lfn_len = 7;
        assert_eq!(name_of(&e), "A\u{1F600}\u{FFFD}B\u{FFFD}\u{E9}");
        e.lfn_len = 0;
        e.sfn = *b"FOO     TXT";
        e.nt = NT_BODY;
        assert_eq!(name_of(&e), "foo.TXT");
        e.sfn = *b"\x05\x82B        ";
        e.nt = NT_EXT;
        assert_eq!(name_of(&e), "\u{3C3}\u{E9}B");
    }

    #[test]
    fn files_and_directories_round_trip() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        let disk = with_fat(400, |fat| {
            fat.mkdir("/Sub Directory").unwrap();
            assert_eq!(fat.mkdir("/Sub Directory"), Err(Error::Exists));
            fat.mkdir("Sub Directory/inner").unwrap();
            let mut f = fat.open("/Sub Directory/inner/Data File.bin", W).unwrap();
            assert_eq!(fat.write(&mut f, &data), (data.len(), None));
            fat.sync_file(&mut f).unwrap();
            fat.chdir("Sub Directory/inner").unwrap();
            let mut cwd = Vec::new();
            fat.getcwd(&mut cwd).unwrap();
            assert_eq!(cwd, b"/Sub Directory/inner");
            let mut f = fat.open("../inner/./data file.BIN", R).unwrap();
            let mut back = std::vec![0u8; 4000];
            assert_eq!(fat.read(&mut f, &mut back).unwrap(), data.len());
            assert_eq!(&back[..data.len()], &data[..]);
            fat.chdir("/").unwrap();
            fat.rename("/Sub Directory/inner/Data File.bin", "/moved.bin")
                .unwrap();
            assert_eq!(list(fat, "/"), ["Sub Directory", "moved.bin"]);
            assert!(list(fat, "/Sub Directory/inner").is_empty());
            assert_eq!(fat.unlink("/Sub Directory", true), Err(Error::Denied));
            fat.rename("/Sub Directory/inner", "/inner2").unwrap();
            fat.chdir("/inner2").unwrap();
            let mut cwd = Vec::new();
            fat.getcwd(&mut cwd).unwrap();
            assert_eq!(cwd, b"/inner2");
            fat.chdir("..").unwrap();
            assert_eq!(fat.vol.cdir, 0);
            fat.unlink("/inner2", true).unwrap();
            fat.unlink("/Sub Directory", true).unwrap();
            assert_eq!(list(fat, ""), ["moved.bin"]);
        });
        // A fresh mount sees the same thing.
        let mut disk = disk;
        let mut win = [0u8; 512];
        let vol = Volume::new(512);
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        fat.mount().unwrap();
        let mut e = Entry::empty();
        assert!(fat.stat("moved.bin", &mut e).unwrap());
        assert_eq!(e.size, data.len() as u32);
        assert!(!e.is_dir());
    }

    #[test]
    fn renames_onto_no_name_are_refused() {
        with_fat(200, |fat| {
            fat.mkdir("d").unwrap();
            fat.mkdir("d/e").unwrap();
            assert_eq!(fat.rename("/d", "/d/."), Err(Error::InvalidName));
            assert_eq!(fat.rename("/d", "/"), Err(Error::Exists));
            fat.chdir("d").unwrap();
            assert_eq!(fat.rename("/d", ""), Err(Error::InvalidName));
            assert_eq!(fat.rename("/d", "e/.."), Err(Error::InvalidName));
            assert_eq!(fat.rename("e", "E"), Ok(()));
            assert_eq!(list(fat, ""), ["E"]);
            assert_eq!(list(fat, "/"), ["d"]);
        });
    }

    #[test]
    fn directories_grow_and_space_is_accounted() {
        with_fat(600, |fat| {
            let free0 = fat.free_clusters().unwrap();
            fat.mkdir("d").unwrap();
            for i in 0..40 {
                let name = std::format!("d/a file with a long name {i}.txt");
                let mut f = fat.open(&name, W).unwrap();
                assert_eq!(fat.write(&mut f, b"x").0, 1);
                fat.sync_file(&mut f).unwrap();
            }
            assert_eq!(list(fat, "d").len(), 40);
            // 40 names of 4 entries each and the dot entries fill 11 one-sector clusters.
            let used = free0 - fat.free_clusters().unwrap();
            assert_eq!(used, 40 + 11);
            for i in 0..40 {
                let name = std::format!("d/A FILE WITH A LONG NAME {i}.TXT");
                fat.unlink(&name, false).unwrap();
            }
            assert!(list(fat, "d").is_empty());
            fat.unlink("d", true).unwrap();
            // Recount from the FAT itself.
            fat.vol.free_clst = u32::MAX;
            assert_eq!(fat.free_clusters().unwrap(), free0);
        });
    }

    #[test]
    fn full_volume_stops_writes_and_fixed_root_fills() {
        with_fat(60, |fat| {
            let mut f = fat.open("big", W).unwrap();
            let (n, err) = fat.write(&mut f, &[1u8; 64 * 512]);
            assert_eq!(err, Some(Error::Full));
            assert_eq!(n, (fat.vol.n_fatent as usize - 2) * 512);
            fat.sync_file(&mut f).unwrap();
            fat.unlink("big", false).unwrap();
            // 512 root entries at most, and a FAT12/16 root cannot grow.
            let mut made = 0;
            for i in 0..600 {
                match fat.open(&std::format!("F{i}"), W) {
                    Ok(_) => made += 1,
                    Err(e) => {
                        assert_eq!(e, Error::Denied);
                        break;
                    }
                }
            }
            assert_eq!(made, 512);
        });
    }
}
