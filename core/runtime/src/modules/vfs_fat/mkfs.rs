//! Making a FAT volume, with the layout choices MicroPython's FatFs build makes (so
//! `statvfs` of a fresh volume gives upstream's numbers): one FAT, 512 root entries on
//! FAT12/16, cluster size picked from the volume size, FAT12/16 without a partition table
//! first and FAT32 in a single MBR partition at sector 63 when FAT12/16 cannot fit.

use super::volume::{fsinfo, st16, st32, BlockDevice, Error, Res, MAX_FAT12, MAX_FAT16, MAX_FAT32};

/// Cluster-size steps for FAT12/16 (in units of 4K sectors of volume size) and FAT32 (in
/// units of 128K sectors).
const STEPS16: [u32; 6] = [1, 4, 16, 64, 256, 512];
const STEPS32: [u32; 6] = [1, 2, 4, 8, 16, 32];

fn auto_cluster(steps: &[u32], n: u32) -> u32 {
    let mut pau = 1;
    for s in steps {
        if *s > n {
            break;
        }
        pau <<= 1;
    }
    pau
}

struct Layout {
    fat32: bool,
    fat12: bool,
    b_vol: u32,
    sz_vol: u32,
    pau: u32,
    sz_rsv: u32,
    sz_fat: u32,
    sz_dir: u32,
    n_clst: u32,
}

/// Work out the layout of a volume of `total` sectors of `ss` bytes.
fn layout(total: u32, ss: u32, fat32: bool) -> Res<Layout> {
    let n_rootdir = 512;
    let b_vol = if fat32 { 63 } else { 0 };
    if total < b_vol {
        return Err(Error::Aborted);
    }
    let sz_vol = total - b_vol;
    if sz_vol < 22 {
        return Err(Error::Aborted);
    }
    let mut au = 0u32;
    loop {
        let mut pau = au;
        let mut fat12 = false;
        let (sz_rsv, sz_fat, sz_dir);
        if fat32 {
            if pau == 0 {
                pau = auto_cluster(&STEPS32, sz_vol / 0x20000);
            }
            let n_clst = sz_vol / pau;
            sz_fat = (n_clst * 4 + 8).div_ceil(ss);
            sz_rsv = 32;
            sz_dir = 0;
            if n_clst <= MAX_FAT16 || n_clst > MAX_FAT32 {
                return Err(Error::Aborted);
            }
        } else {
            if pau == 0 {
                pau = auto_cluster(&STEPS16, sz_vol / 0x1000);
            }
            let n_clst = sz_vol / pau;
            let bytes = if n_clst > MAX_FAT12 {
                n_clst * 2 + 4
            } else {
                fat12 = true;
                (n_clst * 3).div_ceil(2) + 3
            };
            sz_fat = bytes.div_ceil(ss);
            sz_rsv = 1;
            sz_dir = n_rootdir * 32 / ss;
        }
        // The erase block is one sector, so the data area needs no alignment padding.
        let b_data = b_vol + sz_rsv + sz_fat + sz_dir;
        if u64::from(sz_vol) < u64::from(b_data) + u64::from(pau) * 16 - u64::from(b_vol) {
            return Err(Error::Aborted);
        }
        let n_clst = (sz_vol - sz_rsv - sz_fat - sz_dir) / pau;
        if fat32 && n_clst <= MAX_FAT16 {
            if au == 0 && pau / 2 != 0 {
                au = pau / 2;
                continue;
            }
            return Err(Error::Aborted);
        }
        // FAT16 sized for too many or too few clusters: retry once with bigger clusters.
        if !fat32 && !fat12 && (n_clst > MAX_FAT16 || n_clst <= MAX_FAT12) {
            if au == 0 && pau * 2 <= 128 {
                au = pau * 2;
                continue;
            }
            return Err(Error::Aborted);
        }
        if fat12 && n_clst > MAX_FAT12 {
            return Err(Error::Aborted);
        }
        return Ok(Layout {
            fat32,
            fat12,
            b_vol,
            sz_vol,
            pau,
            sz_rsv,
            sz_fat,
            sz_dir,
            n_clst,
        });
    }
}

/// Format the device (`total` sectors; `buf` is one sector of scratch space). `serial` is
/// the volume serial number (upstream uses the current FAT time stamp).
pub fn mkfs(dev: &mut dyn BlockDevice, buf: &mut [u8], total: u32, serial: u32) -> Res<()> {
    // Sectors are 512 bytes or more (VfsFat checks): said here, it spares every
    // fixed-offset store below its bounds check.
    if buf.len() < 512 {
        return Err(Error::Aborted);
    }
    let ss = buf.len() as u32;
    let l = match layout(total, ss, false) {
        Ok(l) => l,
        Err(Error::Aborted) => layout(total, ss, true)?,
        Err(e) => return Err(e),
    };
    // Boot sector.
    buf.fill(0);
    buf[..11].copy_from_slice(b"\xEB\xFE\x90MSDOS5.0");
    st16(buf, 11, ss as u16);
    buf[13] = l.pau as u8;
    st16(buf, 14, l.sz_rsv as u16);
    buf[16] = 1;
    st16(buf, 17, if l.fat32 { 0 } else { 512 });
    if l.sz_vol < 0x10000 {
        st16(buf, 19, l.sz_vol as u16);
    } else {
        st32(buf, 32, l.sz_vol);
    }
    buf[21] = 0xF8;
    st16(buf, 24, 63);
    st16(buf, 26, 255);
    st32(buf, 28, l.b_vol);
    // The extended boot record: after FAT32's own fields, else right after the BPB.
    let (x, fs_type) = if l.fat32 {
        st32(buf, 36, l.sz_fat);
        st32(buf, 44, 2);
        st16(buf, 48, 1);
        st16(buf, 50, 6);
        (64, b"FAT32   ")
    } else {
        st16(buf, 22, l.sz_fat as u16);
        (36, b"FAT     ")
    };
    buf[x] = 0x80;
    buf[x + 2] = 0x29;
    st32(buf, x + 3, serial);
    buf[x + 7..x + 18].copy_from_slice(b"NO NAME    ");
    buf[x + 18..x + 26].copy_from_slice(fs_type);
    st16(buf, 510, 0xAA55);
    dev.write(l.b_vol, buf)?;
    if l.fat32 {
        dev.write(l.b_vol + 6, buf)?;
        fsinfo(buf, l.n_clst - 1, 2);
        dev.write(l.b_vol + 7, buf)?;
        dev.write(l.b_vol + 1, buf)?;
    }
    // The FAT: entries 0 and 1 reserved, entry 2 the FAT32 root directory.
    buf.fill(0);
    if l.fat32 {
        st32(buf, 0, 0xFFFF_FFF8);
        st32(buf, 4, 0xFFFF_FFFF);
        st32(buf, 8, 0x0FFF_FFFF);
    } else if l.fat12 {
        st32(buf, 0, 0x00FF_FFF8);
    } else {
        st32(buf, 0, 0xFFFF_FFF8);
    }
    // The FAT's first sector holds them; its other sectors and the root directory (the
    // fixed area, or FAT32's first cluster) that follows are zeros.
    let n = l.sz_fat + if l.fat32 { l.pau } else { l.sz_dir };
    let first = l.b_vol + l.sz_rsv;
    for sect in first..first + n {
        dev.write(sect, buf)?;
        if sect == first {
            buf.fill(0);
        }
    }
    if l.fat32 {
        // A partition table with the one partition (ids as upstream: 0x0C FAT32).
        buf.fill(0);
        st16(buf, 510, 0xAA55);
        let e = 446;
        buf[e + 1] = 1;
        buf[e + 2] = 1;
        buf[e + 4] = 0x0C;
        let cyl = (l.b_vol + l.sz_vol) / (63 * 255);
        buf[e + 5] = 254;
        buf[e + 6] = (((cyl >> 2) & 0xC0) | 63) as u8;
        buf[e + 7] = cyl as u8;
        st32(buf, e + 8, l.b_vol);
        st32(buf, e + 12, l.sz_vol);
        dev.write(0, buf)?;
    }
    dev.sync()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_volume_is_fat12_with_upstream_geometry() {
        let l = layout(50, 512, false).ok().unwrap();
        assert!(l.fat12 && !l.fat32);
        assert_eq!((l.pau, l.n_clst, l.sz_fat, l.sz_dir), (1, 16, 1, 32));
    }

    #[test]
    fn four_gigabytes_falls_back_to_fat32() {
        let total = 8 * 1024 * 1024;
        assert_eq!(layout(total, 512, false).err(), Some(Error::Aborted));
        let l = layout(total, 512, true).ok().unwrap();
        assert!(l.fat32);
        assert_eq!((l.pau, l.n_clst), (64, 131054));
    }

    #[test]
    fn tiny_device_is_refused() {
        assert_eq!(layout(10, 512, false).err(), Some(Error::Aborted));
    }
}
