//! The FAT volume: the block-device trait the format code runs over, error kinds, the
//! one-sector window every access goes through (FatFs's "tiny" configuration: files and
//! directories share it), the boot sector and FSINFO, and the allocation table
//! (FAT12/16/32 entries, cluster chains, free-space count).
//!
//! Plain Rust with no interpreter values, so it is unit-tested against a RAM device; the
//! Python binding (`vfs_fat.rs`) keeps a [`Volume`] inside its heap object and lends it,
//! with a window buffer and a device adapter, to a [`Fat`] for the length of one call.

/// A device of equal-sized sectors (the sector size is the window's length).
pub trait BlockDevice {
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), Error>;
    fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), Error>;
    fn sync(&mut self) -> Result<(), Error>;
}

/// Why an operation failed; [`Error::errno`] gives the number MicroPython reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The device failed, or the on-disk structures are inconsistent.
    Io,
    /// No FAT volume on the device (or it was never mounted).
    NoFilesystem,
    NotFound,
    Exists,
    /// Not allowed: directory not empty or current, root directory full, read-only entry.
    Denied,
    /// No free cluster left.
    Full,
    InvalidName,
    /// A directory where a file was expected, or the other way round.
    IsDir,
    NotDir,
    ReadOnly,
    Invalid,
    /// mkfs found no layout that fits the device.
    Aborted,
}

impl Error {
    pub fn errno(self) -> i32 {
        match self {
            Error::Io | Error::Aborted => 5,
            Error::NoFilesystem => 19,
            Error::NotFound => 2,
            Error::Exists => 17,
            Error::Denied => 13,
            Error::Full => 28,
            Error::InvalidName | Error::Invalid => 22,
            Error::IsDir => 21,
            Error::NotDir => 20,
            Error::ReadOnly => 30,
        }
    }
}

pub type Res<T> = Result<T, Error>;

pub const MAX_FAT12: u32 = 0xFF5;
pub const MAX_FAT16: u32 = 0xFFF5;
pub const MAX_FAT32: u32 = 0x0FFF_FFF5;
const NO_SECTOR: u32 = u32::MAX;
/// End of a cluster chain, cut to the entry's width by `put_fat`.
const EOC: u32 = 0x0FFF_FFFF;
const UNKNOWN: u32 = u32::MAX;

pub fn ld16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

pub fn ld32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

pub fn st16(b: &mut [u8], at: usize, v: u16) {
    if let Some(s) = b.get_mut(at..at + 2) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}

pub fn st32(b: &mut [u8], at: usize, v: u32) {
    if let Some(s) = b.get_mut(at..at + 4) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}

/// The geometry and bookkeeping of a mounted volume. Plain data, so it can live inside a
/// heap object.
#[derive(Clone, Copy, Debug)]
pub struct Volume {
    /// 0 when not mounted, else 12, 16 or 32.
    pub fat_type: u8,
    pub ss: u32,
    /// Sectors per cluster.
    pub csize: u32,
    pub n_fats: u32,
    /// Root directory entries (FAT12/16).
    pub n_rootdir: u32,
    /// Clusters + 2.
    pub n_fatent: u32,
    /// Sectors per FAT.
    pub fsize: u32,
    pub volbase: u32,
    pub fatbase: u32,
    /// Root directory: first sector (FAT12/16) or first cluster (FAT32).
    pub dirbase: u32,
    pub database: u32,
    pub free_clst: u32,
    pub last_clst: u32,
    pub has_fsinfo: bool,
    pub fsi_dirty: bool,
    /// Current directory's first cluster (0: the root).
    pub cdir: u32,
    pub win_sect: u32,
    pub win_dirty: bool,
    pub readonly: bool,
    /// The time stamp (FAT packed date and time) new and modified entries get.
    pub now: u32,
}

impl Volume {
    pub const fn new(ss: u32) -> Volume {
        Volume {
            fat_type: 0,
            ss,
            csize: 1,
            n_fats: 1,
            n_rootdir: 0,
            n_fatent: 0,
            fsize: 0,
            volbase: 0,
            fatbase: 0,
            dirbase: 0,
            database: 0,
            free_clst: UNKNOWN,
            last_clst: UNKNOWN,
            has_fsinfo: false,
            fsi_dirty: false,
            cdir: 0,
            win_sect: NO_SECTOR,
            win_dirty: false,
            readonly: false,
            now: 0,
        }
    }

    pub fn mounted(&self) -> bool {
        self.fat_type != 0
    }

    /// Bytes per cluster.
    pub fn cluster_bytes(&self) -> u32 {
        self.csize * self.ss
    }
}

/// Fill `buf` with a FAT32 FSINFO sector: the free cluster count and the last allocated
/// cluster.
pub fn fsinfo(buf: &mut [u8], free: u32, last: u32) {
    buf.fill(0);
    if let Some(w) = buf.first_chunk_mut::<512>() {
        st32(w, 0, 0x4161_5252);
        st32(w, 484, 0x6141_7272);
        st32(w, 488, free);
        st32(w, 492, last);
        st16(w, 510, 0xAA55);
    }
}

/// A volume at work: its bookkeeping, the window buffer (one sector) and the device.
pub struct Fat<'a> {
    /// A copy of the volume's bookkeeping for the call (fields one load away, not two),
    /// stored back by the caller afterwards.
    pub vol: Volume,
    pub win: &'a mut [u8],
    pub dev: &'a mut dyn BlockDevice,
}

/// Is this sector a FAT boot sector? 0: yes, 2: a valid sector but not FAT (maybe an MBR),
/// 3: not valid.
fn check_boot(b: Option<&[u8; 512]>) -> u8 {
    // Sectors are at least 512 bytes (VfsFat checks); a fixed-size view spares the field
    // reads below their bounds checks.
    let Some(b) = b else {
        return 3;
    };
    if ld16(b, 510) != 0xAA55 {
        return 3;
    }
    let j = b[0];
    let jump = j == 0xE9 || (j == 0xEB && b[2] == 0x90);
    if jump && (ld32(b, 54) & 0x00FF_FFFF == 0x0054_4146 || ld32(b, 82) == 0x3354_4146) {
        return 0;
    }
    2
}

impl<'a> Fat<'a> {
    pub fn new(vol: Volume, win: &'a mut [u8], dev: &'a mut dyn BlockDevice) -> Self {
        Fat { vol, win, dev }
    }

    pub fn ss(&self) -> u32 {
        self.vol.ss
    }

    /// Write the window back if it changed (to every copy of the FAT if it holds a FAT
    /// sector).
    pub fn sync_window(&mut self) -> Res<()> {
        if !self.vol.win_dirty {
            return Ok(());
        }
        let s = self.vol.win_sect;
        self.dev.write(s, self.win)?;
        self.vol.win_dirty = false;
        let v = &self.vol;
        if s >= v.fatbase && s - v.fatbase < v.fsize {
            for k in 1..v.n_fats {
                self.dev.write(s + k * v.fsize, self.win)?;
            }
        }
        Ok(())
    }

    /// Load sector `s` into the window.
    pub fn move_window(&mut self, s: u32) -> Res<()> {
        if s == self.vol.win_sect {
            return Ok(());
        }
        self.sync_window()?;
        if let Err(e) = self.dev.read(s, self.win) {
            self.vol.win_sect = NO_SECTOR;
            return Err(e);
        }
        self.vol.win_sect = s;
        Ok(())
    }

    /// Make sector `s` the window without reading it (it is about to be overwritten whole).
    pub fn claim_window(&mut self, s: u32) -> Res<()> {
        if s != self.vol.win_sect {
            self.sync_window()?;
            self.vol.win_sect = s;
        }
        Ok(())
    }

    pub fn writable(&self) -> Res<()> {
        if self.vol.readonly {
            Err(Error::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Find and read the boot sector (at sector 0, or in the first valid partition of an
    /// MBR) and set up the volume.
    pub fn mount(&mut self) -> Res<()> {
        self.vol.fat_type = 0;
        self.vol.win_sect = NO_SECTOR;
        self.vol.win_dirty = false;
        self.move_window(0)?;
        let mut bsect = 0;
        let mut fmt = check_boot(self.win.first_chunk());
        if fmt == 2 {
            let mut parts = [0u32; 4];
            for (i, p) in parts.iter_mut().enumerate() {
                let e = 446 + 16 * i;
                if self.win.get(e + 4).copied().unwrap_or(0) != 0 {
                    *p = ld32(self.win, e + 8);
                }
            }
            for p in parts {
                if p == 0 {
                    continue;
                }
                self.move_window(p)?;
                fmt = check_boot(self.win.first_chunk());
                if fmt == 0 {
                    bsect = p;
                    break;
                }
            }
        }
        if fmt != 0 {
            return Err(Error::NoFilesystem);
        }
        let Some(b) = self.win.first_chunk::<512>() else {
            return Err(Error::NoFilesystem);
        };
        if u32::from(ld16(b, 11)) != self.vol.ss {
            return Err(Error::NoFilesystem);
        }
        let mut fasize = u32::from(ld16(b, 22));
        if fasize == 0 {
            fasize = ld32(b, 36);
        }
        let n_fats = u32::from(b[16]);
        let csize = u32::from(b[13]);
        let n_rootdir = u32::from(ld16(b, 17));
        let mut tsect = u32::from(ld16(b, 19));
        if tsect == 0 {
            tsect = ld32(b, 32);
        }
        let nrsv = u32::from(ld16(b, 14));
        let per_sector = self.vol.ss / 32;
        if !(n_fats == 1 || n_fats == 2)
            || csize == 0
            || !csize.is_power_of_two()
            || n_rootdir % per_sector != 0
            || nrsv == 0
        {
            return Err(Error::NoFilesystem);
        }
        // Overflow means more system sectors than any volume has.
        let sysect = match fasize
            .checked_mul(n_fats)
            .and_then(|f| f.checked_add(nrsv + n_rootdir / per_sector))
        {
            Some(s) if s <= tsect => s,
            _ => return Err(Error::NoFilesystem),
        };
        let nclst = (tsect - sysect) / csize;
        if nclst == 0 || nclst > MAX_FAT32 {
            return Err(Error::NoFilesystem);
        }
        let fat_type = if nclst > MAX_FAT16 {
            32
        } else if nclst > MAX_FAT12 {
            16
        } else {
            12
        };
        let n_fatent = nclst + 2;
        let v = &mut self.vol;
        v.csize = csize;
        v.n_fats = n_fats;
        v.n_rootdir = n_rootdir;
        v.n_fatent = n_fatent;
        v.fsize = fasize;
        v.volbase = bsect;
        v.fatbase = bsect + nrsv;
        v.database = bsect + sysect;
        v.free_clst = UNKNOWN;
        v.last_clst = UNKNOWN;
        v.has_fsinfo = false;
        v.fsi_dirty = false;
        v.cdir = 0;
        let szbfat;
        let fsinfo_at = ld16(b, 48);
        if fat_type == 32 {
            if ld16(b, 42) != 0 || n_rootdir != 0 {
                return Err(Error::NoFilesystem);
            }
            v.dirbase = ld32(b, 44);
            // n_fatent <= MAX_FAT32 + 2: the FAT's bytes fit 32 bits.
            szbfat = n_fatent * 4;
        } else {
            if n_rootdir == 0 {
                return Err(Error::NoFilesystem);
            }
            v.dirbase = v.fatbase + fasize * n_fats;
            szbfat = if fat_type == 16 {
                n_fatent * 2
            } else {
                n_fatent * 3 / 2 + (n_fatent & 1)
            };
        }
        if fasize < szbfat.div_ceil(v.ss) {
            return Err(Error::NoFilesystem);
        }
        if fat_type == 32 && fsinfo_at == 1 {
            self.move_window(bsect + 1)?;
            if let Some(w) = self.win.first_chunk::<512>() {
                if ld16(w, 510) == 0xAA55
                    && ld32(w, 0) == 0x4161_5252
                    && ld32(w, 484) == 0x6141_7272
                {
                    self.vol.has_fsinfo = true;
                    self.vol.free_clst = ld32(w, 488);
                    self.vol.last_clst = ld32(w, 492);
                }
            }
        }
        self.vol.fat_type = fat_type;
        Ok(())
    }

    /// First sector of cluster `c`.
    pub fn clust2sect(&self, c: u32) -> u32 {
        self.vol.database + (c - 2) * self.vol.csize
    }

    fn check_clust(&self, c: u32) -> Res<()> {
        if c < 2 || c >= self.vol.n_fatent {
            Err(Error::Io)
        } else {
            Ok(())
        }
    }

    /// Load the FAT sector holding byte `off` of the FAT; the byte's window offset.
    fn fat_byte(&mut self, off: u32) -> Res<usize> {
        let s = self.vol.fatbase + off / self.ss();
        self.move_window(s)?;
        Ok((off % self.ss()) as usize)
    }

    /// Where the FAT entry of cluster `c` is: its first byte in the FAT, its length in
    /// bytes (a FAT12 entry shares its two bytes with a neighbour, and may straddle two
    /// sectors), and the bits of those bytes (read little-endian) that are the entry.
    fn fat_slot(&self, c: u32) -> (u32, u32, u32) {
        match self.vol.fat_type {
            12 if c & 1 != 0 => (c + c / 2, 2, 0xFFF0),
            12 => (c + c / 2, 2, 0x0FFF),
            16 => (c * 2, 2, 0xFFFF),
            _ => (c * 4, 4, 0x0FFF_FFFF),
        }
    }

    /// The FAT entry of cluster `c`. One byte-wise loop for the three entry widths.
    pub fn get_fat(&mut self, c: u32) -> Res<u32> {
        self.check_clust(c)?;
        let (off, n, mask) = self.fat_slot(c);
        let mut w = 0;
        for k in 0..n {
            let i = self.fat_byte(off + k)?;
            w |= u32::from(self.win[i]) << (8 * k);
        }
        Ok((w & mask) >> mask.trailing_zeros())
    }

    /// Set the FAT entry of cluster `c` (the bits around it kept).
    pub fn put_fat(&mut self, c: u32, val: u32) -> Res<()> {
        self.check_clust(c)?;
        let (off, n, mask) = self.fat_slot(c);
        let v = (val << mask.trailing_zeros()) & mask;
        for k in 0..n {
            let i = self.fat_byte(off + k)?;
            let m = (mask >> (8 * k)) as u8;
            self.win[i] = (self.win[i] & !m) | ((v >> (8 * k)) as u8);
            // Set per byte: the next byte may be in the next sector, and moving the window
            // there writes this one out.
            self.vol.win_dirty = true;
        }
        Ok(())
    }

    /// The cluster after `c` in its chain, or None at the end of the chain.
    pub fn next_clust(&mut self, c: u32) -> Res<Option<u32>> {
        let n = self.get_fat(c)?;
        if n < 2 {
            return Err(Error::Io);
        }
        Ok(if n >= self.vol.n_fatent {
            None
        } else {
            Some(n)
        })
    }

    fn note_free(&mut self, delta: i32) {
        let v = &mut self.vol;
        if v.free_clst <= v.n_fatent - 2 {
            v.free_clst = v.free_clst.wrapping_add_signed(delta);
        }
        v.fsi_dirty = true;
    }

    /// Free the chain starting at `c`; `prev` (if not 0) becomes the chain's new end.
    pub fn remove_chain(&mut self, mut c: u32, prev: u32) -> Res<()> {
        if prev != 0 {
            self.put_fat(prev, EOC)?;
        }
        // A chain is at most as long as the FAT, so a loop in a corrupt one ends too.
        for _ in 0..self.vol.n_fatent {
            let n = self.get_fat(c)?;
            if n == 0 {
                break;
            }
            if n == 1 {
                return Err(Error::Io);
            }
            self.put_fat(c, 0)?;
            self.note_free(1);
            if n >= self.vol.n_fatent {
                break;
            }
            c = n;
        }
        Ok(())
    }

    /// Append a free cluster to the chain ending at `c` (0: start a new chain) and return
    /// it; `Error::Full` when none is left. If `c` already has a successor, that is
    /// returned instead.
    pub fn create_chain(&mut self, c: u32) -> Res<u32> {
        let n_fatent = self.vol.n_fatent;
        let scl = if c == 0 {
            let l = self.vol.last_clst;
            if l == 0 || l >= n_fatent {
                1
            } else {
                l
            }
        } else {
            let cs = self.get_fat(c)?;
            if cs < 2 {
                return Err(Error::Io);
            }
            if cs < n_fatent {
                return Ok(cs);
            }
            c
        };
        if self.vol.free_clst == 0 {
            return Err(Error::Full);
        }
        let mut ncl = scl;
        loop {
            ncl += 1;
            if ncl >= n_fatent {
                ncl = 2;
                if ncl > scl {
                    return Err(Error::Full);
                }
            }
            let v = self.get_fat(ncl)?;
            if v == 0 {
                break;
            }
            if ncl == scl {
                return Err(Error::Full);
            }
        }
        self.put_fat(ncl, EOC)?;
        if c != 0 {
            self.put_fat(c, ncl)?;
        }
        self.vol.last_clst = ncl;
        self.note_free(-1);
        Ok(ncl)
    }

    /// Fill cluster `c` with zeros.
    pub fn zero_cluster(&mut self, c: u32) -> Res<()> {
        let s0 = self.clust2sect(c);
        self.sync_window()?;
        for s in s0..s0 + self.vol.csize {
            self.vol.win_sect = NO_SECTOR;
            self.win.fill(0);
            self.dev.write(s, self.win)?;
        }
        Ok(())
    }

    /// The number of free clusters (counted once, then kept up to date).
    pub fn free_clusters(&mut self) -> Res<u32> {
        let v = &self.vol;
        if v.free_clst <= v.n_fatent - 2 {
            return Ok(v.free_clst);
        }
        let mut n = 0;
        for c in 2..self.vol.n_fatent {
            if self.get_fat(c)? == 0 {
                n += 1;
            }
        }
        self.vol.free_clst = n;
        self.vol.fsi_dirty = true;
        Ok(n)
    }

    /// Write everything back: the window, FSINFO (FAT32), then the device's own caches.
    pub fn sync(&mut self) -> Res<()> {
        self.sync_window()?;
        if self.vol.fat_type == 32 && self.vol.has_fsinfo && self.vol.fsi_dirty {
            let s = self.vol.volbase + 1;
            self.vol.win_sect = NO_SECTOR;
            fsinfo(self.win, self.vol.free_clst, self.vol.last_clst);
            self.dev.write(s, self.win)?;
            self.vol.fsi_dirty = false;
        }
        self.dev.sync()
    }
}

#[cfg(test)]
pub mod testing {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// A RAM disk for the format code's tests.
    pub struct RamDisk {
        pub ss: usize,
        pub data: Vec<u8>,
        pub fail: bool,
    }

    impl RamDisk {
        pub fn new(sectors: usize, ss: usize) -> RamDisk {
            RamDisk {
                ss,
                data: std::vec![0; sectors * ss],
                fail: false,
            }
        }
        pub fn sectors(&self) -> u32 {
            (self.data.len() / self.ss) as u32
        }
    }

    impl BlockDevice for RamDisk {
        fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), Error> {
            let a = sector as usize * self.ss;
            match self.data.get(a..a + buf.len()) {
                Some(s) if !self.fail => {
                    buf.copy_from_slice(s);
                    Ok(())
                }
                _ => Err(Error::Io),
            }
        }
        fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), Error> {
            let a = sector as usize * self.ss;
            match self.data.get_mut(a..a + buf.len()) {
                Some(s) if !self.fail => {
                    s.copy_from_slice(buf);
                    Ok(())
                }
                _ => Err(Error::Io),
            }
        }
        fn sync(&mut self) -> Result<(), Error> {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::RamDisk;
    use super::*;

    #[test]
    fn blank_device_has_no_filesystem() {
        let mut disk = RamDisk::new(64, 512);
        let mut win = [0u8; 512];
        let vol = Volume::new(512);
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        assert_eq!(fat.mount(), Err(Error::NoFilesystem));
        disk.fail = true;
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        assert_eq!(fat.mount(), Err(Error::Io));
    }

    #[test]
    fn fat16_and_fat32_entries_are_little_endian_and_keep_the_reserved_bits() {
        let mut disk = RamDisk::new(8, 512);
        let mut win = [0u8; 512];
        for (ty, at, val, bytes) in [
            (16, 2 * 200, 0xBEEF, [0xEF, 0xBE, 0x00, 0xA0]),
            (32, 4 * 100, 0x0123_4567, [0x67, 0x45, 0x23, 0xA1]),
        ] {
            let mut vol = Volume::new(512);
            (vol.fat_type, vol.fatbase, vol.fsize, vol.n_fatent) = (ty, 1, 2, 300);
            let mut fat = Fat::new(vol, &mut win, &mut disk);
            let c = at / (u32::from(ty) / 8);
            // A reserved top nibble (FAT32), or the next entry (FAT16), set on disk stays.
            fat.move_window(1).unwrap();
            fat.win[at as usize + 3] = 0xA0;
            fat.put_fat(c, val).unwrap();
            assert_eq!(
                fat.get_fat(c),
                Ok(val & if ty == 16 { 0xFFFF } else { 0x0FFF_FFFF })
            );
            assert_eq!(&fat.win[at as usize..at as usize + 4], &bytes);
            fat.put_fat(c, EOC).unwrap();
            assert!(fat.next_clust(c).unwrap().is_none());
            fat.sync_window().unwrap();
            fat.win.fill(0);
        }
        // FAT12 entries straddling a sector boundary (cluster 341 at bytes 511 and 512).
        let mut vol = Volume::new(512);
        (vol.fat_type, vol.fatbase, vol.fsize, vol.n_fatent) = (12, 1, 2, 600);
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        fat.put_fat(340, 0x123).unwrap();
        fat.put_fat(341, 0xABC).unwrap();
        fat.put_fat(342, 0x456).unwrap();
        assert_eq!(fat.get_fat(340), Ok(0x123));
        assert_eq!(fat.get_fat(341), Ok(0xABC));
        assert_eq!(fat.get_fat(342), Ok(0x456));
        fat.sync_window().unwrap();
        assert_eq!(disk.data[512 + 510..512 + 514], [0x23, 0xC1, 0xAB, 0x56]);
    }

    #[test]
    fn fat12_entries_share_bytes_without_clobbering() {
        let mut disk = RamDisk::new(64, 512);
        let mut win = [0u8; 512];
        let total = disk.sectors();
        super::super::mkfs::mkfs(&mut disk, &mut win, total, 0).unwrap();
        let vol = Volume::new(512);
        let mut fat = Fat::new(vol, &mut win, &mut disk);
        fat.mount().unwrap();
        assert_eq!(fat.vol.fat_type, 12);
        fat.put_fat(2, 0xABC).unwrap();
        fat.put_fat(3, 0x123).unwrap();
        fat.put_fat(4, 0xFFF).unwrap();
        assert_eq!(fat.get_fat(2), Ok(0xABC));
        assert_eq!(fat.get_fat(3), Ok(0x123));
        assert_eq!(fat.get_fat(4), Ok(0xFFF));
        assert_eq!(fat.get_fat(1), Err(Error::Io));
        // A chain of three, then freed.
        fat.put_fat(2, 0).unwrap();
        fat.put_fat(3, 0).unwrap();
        fat.put_fat(4, 0).unwrap();
        let free = fat.free_clusters().unwrap();
        let a = fat.create_chain(0).unwrap();
        let b = fat.create_chain(a).unwrap();
        let c = fat.create_chain(b).unwrap();
        assert_eq!(fat.next_clust(a), Ok(Some(b)));
        assert_eq!(fat.next_clust(c), Ok(None));
        assert_eq!(fat.free_clusters(), Ok(free - 3));
        fat.remove_chain(a, 0).unwrap();
        assert_eq!(fat.free_clusters(), Ok(free));
    }
}
