//! `deflate`: `DeflateIO(stream, format=AUTO, wbits=0, close=False)`, a stream that
//! decompresses what it reads from, and compresses what is written to, any stream object
//! (extmod/moddeflate.c). Formats RAW (bare deflate), ZLIB and GZIP; AUTO detects zlib or
//! gzip when reading and means RAW when writing.
//!
//! Both directions are our own code, so that every byte of state lives in the GC heap
//! (MemoryError, never an abort) and the output and stream traffic match MicroPython's
//! byte for byte, which its tests observe:
//! - the inflater pulls its input one byte at a time, only when it needs another bit, and
//!   stops as soon as the caller's buffer is full, so a partial read consumes a minimal
//!   prefix of the source; its window is a ring of `2**wbits` bytes;
//! - the compressor searches the whole history window for the longest (then nearest)
//!   match and emits one final block with the fixed Huffman code, writing each finished
//!   byte to the stream at once; the header goes out on the first write, the trailer on
//!   close.

use crate::obj::{ObjBase, PyErr, PyResult, Stream, Type};
use crate::objs::exception::EOF_ERROR;
use crate::objs::{int, list, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

use super::io::{self as pyio, EINVAL};

const FORMAT_AUTO: u8 = 0;
const FORMAT_RAW: u8 = 1;
const FORMAT_ZLIB: u8 = 2;
const FORMAT_GZIP: u8 = 3;

/// Window size used when the constructor's wbits is 0 (and no header says otherwise).
const DEFAULT_WBITS: u32 = 8;

#[repr(C)]
struct DeflateIo {
    base: ObjBase,
    stream: Value,
    format: u8,
    /// 0 (unset) or 5..=15.
    wbits: u8,
    close_stream: bool,
    closed: bool,
    /// Decompression state, made on the first read.
    read: *mut Inflate,
    /// Compression state, made on the first write.
    #[cfg(feature = "deflate_compress")]
    write: *mut Compress,
}

fn this(v: Value) -> PyResult<&'static mut DeflateIo> {
    v.downcast(&DEFLATEIO_TYPE)
        .ok_or_else(|| raise::type_error("expected a DeflateIO"))
}

fn einval() -> PyErr {
    raise::os_error(EINVAL)
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 4)?;
    let format = match args.get(1) {
        Some(v) => int::get_isize(*v)?,
        None => FORMAT_AUTO as isize,
    };
    let wbits = match args.get(2) {
        Some(v) => int::get_isize(*v)?,
        None => 0,
    };
    if !(FORMAT_AUTO as isize..=FORMAT_GZIP as isize).contains(&format) {
        return Err(raise::value_error("format"));
    }
    if wbits != 0 && !(5..=15).contains(&wbits) {
        return Err(raise::value_error("wbits"));
    }
    let close_stream = match args.get(3) {
        Some(v) => crate::runtime::is_true(*v)?,
        None => false,
    };
    Ok(Value::from_ptr(crate::mem::alloc(DeflateIo {
        base: ObjBase::new(ty),
        stream: args[0],
        format: format as u8,
        wbits: wbits as u8,
        close_stream,
        closed: false,
        read: core::ptr::null_mut(),
        #[cfg(feature = "deflate_compress")]
        write: core::ptr::null_mut(),
    })?))
}

/// The underlying stream and its protocol, for byte-level access.
struct Source {
    obj: Value,
    s: &'static Stream,
}

impl Source {
    /// The next source byte; the end of the source in the middle of the data is an
    /// `EOFError`, as upstream.
    fn byte(&self) -> PyResult<u8> {
        let mut b = [0u8; 1];
        if (self.s.read)(self.obj, &mut b)? == 0 {
            return Err(raise::with_args(&EOF_ERROR, &[]));
        }
        Ok(b[0])
    }
}

// --- checksums ---

fn adler32(mut a: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let mut s1 = a & 0xffff;
    let mut s2 = a >> 16;
    // 5552 bytes is the most that keep the sums inside 32 bits before reducing.
    for chunk in data.chunks(5552) {
        for &b in chunk {
            s1 += b as u32;
            s2 += s1;
        }
        s1 %= MOD;
        s2 %= MOD;
    }
    a = (s2 << 16) | s1;
    a
}

fn crc32(crc: u32, data: &[u8]) -> u32 {
    super::binascii::crc32_update(crc, data)
}

// --- inflate ---

/// A canonical Huffman code: how many codes have each length, and the symbols ordered by
/// code.
#[derive(Clone, Copy)]
struct Tree<const N: usize> {
    counts: [u16; 16],
    symbols: [u16; N],
}

impl<const N: usize> Tree<N> {
    const EMPTY: Self = Tree {
        counts: [0; 16],
        symbols: [0; N],
    };

    fn build(&mut self, lengths: &[u8]) {
        build_tree(&mut self.counts, &mut self.symbols, lengths);
    }
}

/// Fill a tree's counts and symbols from code lengths. One body for both tree sizes.
fn build_tree(counts: &mut [u16; 16], symbols: &mut [u16], lengths: &[u8]) {
    *counts = [0; 16];
    for &l in lengths {
        if let Some(c) = counts.get_mut(l as usize) {
            *c += 1;
        }
    }
    counts[0] = 0;
    let mut offs = [0u16; 16];
    let mut sum = 0u16;
    for (o, c) in offs.iter_mut().zip(counts.iter()) {
        *o = sum;
        sum += c;
    }
    for (sym, &l) in lengths.iter().enumerate() {
        if l != 0 {
            if let Some(o) = offs.get_mut(l as usize) {
                if let Some(slot) = symbols.get_mut(*o as usize) {
                    *slot = sym as u16;
                }
                *o += 1;
            }
        }
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which code-length code lengths are sent.
const CLEN_ORDER: [u8; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

const CHECK_NONE: u8 = 0;
const CHECK_ADLER: u8 = 1;
const CHECK_CRC: u8 = 2;

/// One step of block decoding.
enum Step {
    Byte(u8),
    BlockEnd,
}

#[repr(C)]
struct Inflate {
    /// The header was bad: every read fails.
    failed: bool,
    /// The stream's end (and its trailer) has been read.
    eof: bool,
    tag: u8,
    bitcount: u8,
    final_block: bool,
    /// -1 between blocks, else the block type being decoded.
    btype: i8,
    check: u8,
    checksum: u32,
    /// Bytes left of the current match, or of the stored block plus one.
    curlen: usize,
    /// Where the current match copies from in the window.
    lz_off: usize,
    window: *mut u8,
    window_len: usize,
    window_idx: usize,
    lit: Tree<288>,
    dist: Tree<32>,
}

impl Inflate {
    fn bit(&mut self, src: &Source) -> PyResult<u32> {
        if self.bitcount == 0 {
            self.tag = src.byte()?;
            self.bitcount = 8;
        }
        self.bitcount -= 1;
        let b = self.tag & 1;
        self.tag >>= 1;
        Ok(b as u32)
    }

    /// `n` bits, least significant first, plus `base`.
    fn bits(&mut self, src: &Source, n: u8, base: u32) -> PyResult<u32> {
        let mut v = 0;
        for k in 0..n {
            v |= self.bit(src)? << k;
        }
        Ok(v + base)
    }

    /// Decode one symbol with the literal/length tree, or the distance tree if `dist`.
    fn decode(&mut self, src: &Source, dist: bool) -> PyResult<usize> {
        let mut code: i32 = 0;
        let mut first: i32 = 0;
        let mut index: i32 = 0;
        for len in 1..16 {
            code |= self.bit(src)? as i32;
            let (counts, symbols): (&[u16; 16], &[u16]) = if dist {
                (&self.dist.counts, &self.dist.symbols)
            } else {
                (&self.lit.counts, &self.lit.symbols)
            };
            let count = counts[len] as i32;
            if code - first < count {
                let at = (index + code - first) as usize;
                return symbols.get(at).map(|s| *s as usize).ok_or_else(einval);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        // No code is longer than 15 bits; upstream reads a 16th bit before giving up,
        // which decides whether a truncated stream reports EOFError or OSError.
        self.bit(src)?;
        Err(einval())
    }

    fn fixed_trees(&mut self) {
        let mut lengths = [0u8; 288];
        for (i, l) in lengths.iter_mut().enumerate() {
            *l = match i {
                0..=143 => 8,
                144..=255 => 9,
                256..=279 => 7,
                _ => 8,
            };
        }
        self.lit.build(&lengths);
        self.dist.build(&[5; 32]);
    }

    fn dynamic_trees(&mut self, src: &Source) -> PyResult<()> {
        let hlit = self.bits(src, 5, 257)? as usize;
        let hdist = self.bits(src, 5, 1)? as usize;
        let hclen = self.bits(src, 4, 4)? as usize;
        let mut lengths = [0u8; 288 + 32];
        for &i in CLEN_ORDER.iter().take(hclen) {
            lengths[i as usize] = self.bits(src, 3, 0)? as u8;
        }
        // The code-length code borrows the literal tree.
        let mut clen = [0u8; 19];
        clen.copy_from_slice(&lengths[..19]);
        self.lit.build(&clen);
        lengths[..19].fill(0);
        let limit = hlit + hdist;
        let mut num = 0;
        while num < limit {
            let sym = self.decode(src, false)?;
            let (fill, nbits, base) = match sym {
                0..=15 => {
                    lengths[num] = sym as u8;
                    num += 1;
                    continue;
                }
                16 => {
                    let prev = num.checked_sub(1).ok_or_else(einval)?;
                    (lengths[prev], 2, 3)
                }
                17 => (0, 3, 3),
                _ => (0, 7, 11),
            };
            let n = self.bits(src, nbits, base)? as usize;
            if num + n > limit {
                return Err(einval());
            }
            lengths[num..num + n].fill(fill);
            num += n;
        }
        self.lit.build(&lengths[..hlit]);
        self.dist.build(&lengths[hlit..limit]);
        Ok(())
    }

    fn start_block(&mut self, src: &Source) -> PyResult<()> {
        self.final_block = self.bit(src)? != 0;
        self.btype = self.bits(src, 2, 0)? as i8;
        match self.btype {
            1 => self.fixed_trees(),
            2 => self.dynamic_trees(src)?,
            _ => {}
        }
        Ok(())
    }

    fn window(&mut self) -> &mut [u8] {
        // SAFETY: `window` is a GC allocation of `window_len` bytes, kept alive by the
        // DeflateIO object that owns this state.
        unsafe { core::slice::from_raw_parts_mut(self.window, self.window_len) }
    }

    fn stored_step(&mut self, src: &Source) -> PyResult<Step> {
        if self.curlen == 0 {
            let len = src.byte()? as usize | (src.byte()? as usize) << 8;
            let inv = src.byte()? as usize | (src.byte()? as usize) << 8;
            if len != !inv & 0xffff {
                return Err(einval());
            }
            self.curlen = len + 1;
            self.bitcount = 0;
        }
        self.curlen -= 1;
        if self.curlen == 0 {
            return Ok(Step::BlockEnd);
        }
        Ok(Step::Byte(src.byte()?))
    }

    fn huffman_step(&mut self, src: &Source) -> PyResult<Step> {
        if self.curlen == 0 {
            let sym = self.decode(src, false)?;
            if sym < 256 {
                return Ok(Step::Byte(sym as u8));
            }
            if sym == 256 {
                return Ok(Step::BlockEnd);
            }
            let l = sym - 257;
            let (Some(&lb), Some(&lx)) = (LEN_BASE.get(l), LEN_EXTRA.get(l)) else {
                return Err(einval());
            };
            self.curlen = self.bits(src, lx, lb as u32)? as usize;
            let d = self.decode(src, true)?;
            let (Some(&db), Some(&dx)) = (DIST_BASE.get(d), DIST_EXTRA.get(d)) else {
                return Err(einval());
            };
            let offs = self.bits(src, dx, db as u32)? as usize;
            if offs > self.window_len {
                return Err(einval());
            }
            self.lz_off = (self.window_idx + self.window_len - offs) % self.window_len;
        }
        let at = self.lz_off;
        let b = self.window().get(at).copied().unwrap_or(0);
        self.lz_off = (at + 1) % self.window_len;
        self.curlen -= 1;
        Ok(Step::Byte(b))
    }

    /// Decompress into `out` (not empty) until it is full or the stream ends; the count
    /// produced and whether the end was reached.
    fn inflate(&mut self, src: &Source, out: &mut [u8]) -> PyResult<(usize, bool)> {
        let mut n = 0;
        loop {
            if self.btype < 0 {
                self.start_block(src)?;
            }
            let step = match self.btype {
                0 => self.stored_step(src)?,
                1 | 2 => self.huffman_step(src)?,
                _ => return Err(einval()),
            };
            match step {
                Step::Byte(b) => {
                    let idx = self.window_idx;
                    if let Some(w) = self.window().get_mut(idx) {
                        *w = b;
                    }
                    self.window_idx = (idx + 1) % self.window_len;
                    if let Some(o) = out.get_mut(n) {
                        *o = b;
                    }
                    n += 1;
                }
                Step::BlockEnd if self.final_block => return Ok((n, true)),
                Step::BlockEnd => {
                    // The next block's header is read at once: a read never returns
                    // empty-handed before the end.
                    self.btype = -1;
                    continue;
                }
            }
            if n >= out.len() {
                return Ok((n, false));
            }
        }
    }

    fn read_trailer(&mut self, src: &Source) -> PyResult<()> {
        if self.check == CHECK_NONE {
            return Ok(());
        }
        // zlib's Adler-32 is big-endian, gzip's CRC-32 little-endian (then the length
        // word, read but, as upstream, not checked).
        let mut word = 0u32;
        for k in 0..4 {
            word |= u32::from(src.byte()?) << (8 * k);
        }
        let want = if self.check == CHECK_ADLER {
            self.checksum.swap_bytes()
        } else {
            self.checksum
        };
        if word != want {
            return Err(einval());
        }
        if self.check == CHECK_CRC {
            for _ in 0..4 {
                src.byte()?;
            }
        }
        Ok(())
    }
}

/// Parse a zlib or gzip header; `Some((format, wbits))` or `None` when invalid.
fn parse_header(src: &Source) -> PyResult<Option<(u8, u32)>> {
    let cmf = src.byte()?;
    let flg = src.byte()?;
    if cmf == 0x1f && flg == 0x8b {
        if src.byte()? != 8 {
            return Ok(None);
        }
        let flags = src.byte()?;
        if flags & 0xe0 != 0 {
            return Ok(None);
        }
        // MTIME, XFL, OS.
        for _ in 0..6 {
            src.byte()?;
        }
        if flags & 4 != 0 {
            let xlen = src.byte()? as usize | (src.byte()? as usize) << 8;
            for _ in 0..xlen {
                src.byte()?;
            }
        }
        // File name, then comment: zero-terminated.
        for bit in [8, 16] {
            if flags & bit != 0 {
                while src.byte()? != 0 {}
            }
        }
        if flags & 2 != 0 {
            src.byte()?;
            src.byte()?;
        }
        return Ok(Some((FORMAT_GZIP, 15)));
    }
    if !(256 * cmf as u32 + flg as u32).is_multiple_of(31)
        || cmf & 0x0f != 8
        || cmf >> 4 > 7
        || flg & 0x20 != 0
    {
        return Ok(None);
    }
    Ok(Some((FORMAT_ZLIB, (cmf >> 4) as u32 + 8)))
}

fn source(d: &DeflateIo) -> PyResult<Source> {
    let (obj, s) = pyio::stream_of(d.stream)?;
    Ok(Source { obj, s })
}

/// Make the read state on the first read; `false` if the header is invalid.
fn init_read(d: &mut DeflateIo) -> PyResult<&'static mut Inflate> {
    if !d.read.is_null() {
        // SAFETY: a GC allocation made below, kept alive by `d`.
        return Ok(unsafe { &mut *d.read });
    }
    let src = source(d)?;
    let st = crate::mem::alloc(Inflate {
        failed: false,
        eof: false,
        tag: 0,
        bitcount: 0,
        final_block: false,
        btype: -1,
        check: CHECK_NONE,
        checksum: 0,
        curlen: 0,
        lz_off: 0,
        window: core::ptr::null_mut(),
        window_len: 0,
        window_idx: 0,
        lit: Tree::EMPTY,
        dist: Tree::EMPTY,
    })?;
    d.read = st;
    // SAFETY: just allocated; kept alive by `d`.
    let st = unsafe { &mut *st };
    let mut wbits = d.wbits as u32;
    if d.format == FORMAT_RAW {
        if wbits == 0 {
            wbits = DEFAULT_WBITS;
        }
    } else {
        match parse_header(&src)? {
            Some((f, hw)) if d.format == FORMAT_AUTO || d.format == f => {
                if wbits == 0 || hw < wbits {
                    wbits = hw;
                }
                if f == FORMAT_ZLIB {
                    st.check = CHECK_ADLER;
                    st.checksum = 1;
                } else {
                    st.check = CHECK_CRC;
                }
            }
            _ => {
                st.failed = true;
                return Ok(st);
            }
        }
    }
    let len = 1usize << wbits;
    st.window = crate::mem::alloc_array::<u8>(len)?;
    st.window_len = len;
    Ok(st)
}

fn stream_read(obj: Value, buf: &mut [u8]) -> PyResult<usize> {
    let d = this(obj)?;
    if d.closed {
        return Err(einval());
    }
    let st = init_read(d)?;
    if st.failed || st.window.is_null() {
        return Err(einval());
    }
    if st.eof || buf.is_empty() {
        return Ok(0);
    }
    let src = source(d)?;
    let (n, done) = st.inflate(&src, buf)?;
    let produced = buf.get(..n).unwrap_or(&[]);
    match st.check {
        CHECK_ADLER => st.checksum = adler32(st.checksum, produced),
        CHECK_CRC => st.checksum = crc32(st.checksum, produced),
        _ => {}
    }
    if done {
        st.eof = true;
        st.read_trailer(&src)?;
    }
    Ok(n)
}

// --- compress ---

#[cfg(feature = "deflate_compress")]
const MATCH_MIN: usize = 3;
#[cfg(feature = "deflate_compress")]
const MATCH_MAX: usize = 258;

#[cfg(feature = "deflate_compress")]
#[repr(C)]
struct Compress {
    hist: *mut u8,
    /// A power of two.
    hist_max: usize,
    hist_start: usize,
    hist_len: usize,
    bits: u32,
    nbits: u32,
    input_len: u32,
    checksum: u32,
}

#[cfg(feature = "deflate_compress")]
/// Bits reversed within a byte: Huffman codes go out most significant bit first.
fn reverse8(b: u32) -> u32 {
    (b as u8).reverse_bits() as u32
}

#[cfg(feature = "deflate_compress")]
impl Compress {
    fn hist_at(&self, i: usize) -> u8 {
        let at = (self.hist_start + i) & (self.hist_max - 1);
        // SAFETY: `hist` holds `hist_max` bytes (GC allocation kept alive by the
        // DeflateIO) and `at` is masked into range.
        unsafe { *self.hist.add(at) }
    }

    fn push_hist(&mut self, b: u8) {
        let mask = self.hist_max - 1;
        let at = (self.hist_start + self.hist_len) & mask;
        // SAFETY: as in `hist_at`.
        unsafe { *self.hist.add(at) = b };
        if self.hist_len == self.hist_max {
            self.hist_start = (self.hist_start + 1) & mask;
        } else {
            self.hist_len += 1;
        }
    }

    fn out(&mut self, dst: &Source, bits: u32, n: u32) -> PyResult<()> {
        self.bits |= bits << self.nbits;
        self.nbits += n;
        while self.nbits >= 8 {
            (dst.s.write)(dst.obj, &[self.bits as u8])?;
            self.bits >>= 8;
            self.nbits -= 8;
        }
        Ok(())
    }

    fn literal(&mut self, dst: &Source, c: u8) -> PyResult<()> {
        let c = c as u32;
        if c <= 143 {
            self.out(dst, reverse8(0x30 + c), 8)
        } else {
            // 9-bit codes 0x190 + (c - 144): a 1 bit, then c itself.
            self.out(dst, 1 + 2 * reverse8(c), 9)
        }
    }

    fn matched(&mut self, dst: &Source, distance: usize, mut len: usize) -> PyResult<()> {
        let dist = distance as u32 - 1;
        while len > 0 {
            // Lengths above 258 are sent in pieces, none shorter than 3.
            let this_len = if len > 260 {
                258
            } else if len <= 258 {
                len
            } else {
                len - 3
            };
            len -= this_len;
            let l = this_len as u32 - 3;
            let (code, extra_bits, extra) = if l == 255 {
                (28, 0, 0)
            } else {
                let x = 31 - (l | 1).leading_zeros();
                let x = x.saturating_sub(1);
                let y = (l >> x.saturating_sub(1)) & 3;
                let eb = x.saturating_sub(1);
                (x * 4 + y, eb, l - ((l >> eb) << eb))
            };
            if code <= 22 {
                self.out(dst, reverse8((code + 1) * 2), 7)?;
            } else {
                self.out(dst, reverse8(code + 169), 8)?;
            }
            if extra_bits > 0 {
                self.out(dst, extra, extra_bits)?;
            }
            let x = 31 - (dist | 1).leading_zeros();
            let y = (dist >> x.saturating_sub(1)) & 1;
            self.out(dst, reverse8((x * 2 + y) * 8), 5)?;
            if x > 1 {
                let eb = x - 1;
                self.out(dst, dist - ((dist >> eb) << eb), eb)?;
            }
        }
        Ok(())
    }

    /// The longest match of `src`'s start in the history followed by `src` itself, the
    /// nearest of equals: (length, distance), length 0 if none reaches 3.
    fn longest_match(&self, src: &[u8]) -> (usize, usize) {
        let mut best = (0, 0);
        for start in 0..self.hist_len {
            let mut m = 0;
            while m <= MATCH_MAX && m < src.len() {
                let i = start + m;
                let h = if i < self.hist_len {
                    self.hist_at(i)
                } else {
                    src[i - self.hist_len]
                };
                if src[m] != h {
                    break;
                }
                m += 1;
            }
            if m >= MATCH_MIN && m >= best.0 {
                best = (m, self.hist_len - start);
            }
        }
        best
    }

    fn compress(&mut self, dst: &Source, mut src: &[u8]) -> PyResult<()> {
        while let Some(&first) = src.first() {
            let (len, dist) = self.longest_match(src);
            let take = if len == 0 {
                self.literal(dst, first)?;
                1
            } else {
                self.matched(dst, dist, len)?;
                len
            };
            let (done, rest) = src.split_at(take.min(src.len()));
            for &b in done {
                self.push_hist(b);
            }
            src = rest;
        }
        Ok(())
    }
}

#[cfg(feature = "deflate_compress")]
fn init_write(d: &mut DeflateIo) -> PyResult<&'static mut Compress> {
    if !d.write.is_null() {
        // SAFETY: a GC allocation made below, kept alive by `d`.
        return Ok(unsafe { &mut *d.write });
    }
    let dst = source(d)?;
    let wbits = if d.wbits == 0 {
        DEFAULT_WBITS
    } else {
        d.wbits as u32
    };
    // The window first: if it cannot be had, the object stays as it was.
    let len = 1usize << wbits;
    let hist = crate::mem::alloc_array::<u8>(len)?;
    let st = crate::mem::alloc(Compress {
        hist,
        hist_max: len,
        hist_start: 0,
        hist_len: 0,
        bits: 0,
        nbits: 0,
        input_len: 0,
        checksum: 0,
    })?;
    d.write = st;
    // SAFETY: just allocated; kept alive by `d`.
    let st = unsafe { &mut *st };
    let header: &[u8] = match d.format {
        FORMAT_ZLIB => {
            st.checksum = 1;
            let cmf = 0x08 | ((wbits.saturating_sub(8).max(1) as u8) << 4);
            let flg = 0x80u8;
            let flg = flg | (31 - ((cmf as u32 * 256 + flg as u32) % 31)) as u8;
            &[cmf, flg]
        }
        FORMAT_GZIP => &[0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03],
        _ => &[],
    };
    if !header.is_empty() {
        if let Err(e) = (dst.s.write)(dst.obj, header) {
            // A failing stream is reported as upstream does: the write is invalid.
            if crate::runtime::is_subclass(e.0.type_of(), &crate::objs::exception::OS_ERROR) {
                return Err(einval());
            }
            return Err(e);
        }
    }
    // The one block: final, fixed Huffman code.
    st.out(&dst, 3, 3)?;
    Ok(st)
}

#[cfg(feature = "deflate_compress")]
fn stream_write(obj: Value, buf: &[u8]) -> PyResult<usize> {
    let d = this(obj)?;
    if d.closed {
        return Err(einval());
    }
    let st = init_write(d)?;
    let dst = source(d)?;
    st.input_len = st.input_len.wrapping_add(buf.len() as u32);
    match d.format {
        FORMAT_ZLIB => st.checksum = adler32(st.checksum, buf),
        FORMAT_GZIP => st.checksum = crc32(st.checksum, buf),
        _ => {}
    }
    st.compress(&dst, buf)?;
    Ok(buf.len())
}

/// Close: end the compressed block and write the trailer if anything was written, close
/// the underlying stream if asked to, and let go of it. As upstream, a failing write while
/// ending the block raises at once and leaves everything attached (a later close tries
/// again), while a failing trailer write still closes and is reported afterwards.
fn close(d: &mut DeflateIo) -> PyResult<()> {
    if d.closed {
        return Ok(());
    }
    #[cfg(not(feature = "deflate_compress"))]
    let trailer_result = Ok(());
    #[cfg(feature = "deflate_compress")]
    let mut trailer_result = Ok(());
    #[cfg(feature = "deflate_compress")]
    if !d.write.is_null() {
        // SAFETY: made by `init_write`, kept alive by `d`.
        let st = unsafe { &mut *d.write };
        let dst = source(d)?;
        // End-of-block code, then zeros to flush the last byte.
        st.out(&dst, 0, 14)?;
        let mut trailer = [0u8; 8];
        let n = match d.format {
            FORMAT_ZLIB => {
                trailer[..4].copy_from_slice(&st.checksum.to_be_bytes());
                4
            }
            FORMAT_GZIP => {
                trailer[..4].copy_from_slice(&st.checksum.to_le_bytes());
                trailer[4..].copy_from_slice(&st.input_len.to_le_bytes());
                8
            }
            _ => 0,
        };
        if n > 0 {
            trailer_result = (dst.s.write)(dst.obj, &trailer[..n]).map(|_| ());
        }
    }
    if d.close_stream {
        pyio::close(d.stream)?;
    }
    d.closed = true;
    d.stream = Value::NONE;
    trailer_result
}

fn stream_ioctl(obj: Value, request: usize, _arg: usize) -> PyResult<usize> {
    if request == pyio::STREAM_CLOSE {
        close(this(obj)?)?;
        return Ok(0);
    }
    Err(einval())
}

/// Without compression (upstream's qemu port, below its FULL_FEATURES level) a
/// DeflateIO has no `write` and the stream protocol refuses writes.
#[cfg(not(feature = "deflate_compress"))]
fn stream_write(_obj: Value, _buf: &[u8]) -> PyResult<usize> {
    Err(pyio::unsupported())
}

static DEFLATE_STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: false,
};

static LOCALS: &[(Qstr, Value)] = &[
    (Q::read, pyio::methods::READ),
    (Q::readinto, pyio::methods::READINTO),
    (Q::readline, pyio::methods::READLINE),
    #[cfg(feature = "deflate_compress")]
    (Q::write, pyio::methods::WRITE),
    (Q::close, pyio::methods::CLOSE),
    (Q::__enter__, pyio::methods::ENTER),
    (Q::__exit__, pyio::methods::EXIT),
];

pub static DEFLATEIO_TYPE: Type = Type {
    name: Q::DeflateIO,
    make_new: Some(make_new),
    stream: Some(&DEFLATE_STREAM),
    locals: LOCALS,
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::deflate)),
    (Q::DeflateIO, Value::from_static(&DEFLATEIO_TYPE)),
    (Q::AUTO, Value::small_int(FORMAT_AUTO as isize)),
    (Q::RAW, Value::small_int(FORMAT_RAW as isize)),
    (Q::ZLIB, Value::small_int(FORMAT_ZLIB as isize)),
    (Q::GZIP, Value::small_int(FORMAT_GZIP as isize)),
];

pub static MODULE: Module = Module::new_static(Q::deflate, GLOBALS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_known() {
        assert_eq!(adler32(1, b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(1, b""), 1);
    }

    #[test]
    fn tree_build_orders_symbols_by_code() {
        let mut t: Tree<4> = Tree::EMPTY;
        t.build(&[2, 1, 3, 3]);
        assert_eq!(&t.counts[..4], &[0, 1, 1, 2]);
        assert_eq!(t.symbols, [1, 0, 2, 3]);
    }

    fn bytes_io(data: &[u8]) -> Value {
        let ty = &crate::objs::stringio::BYTESIO_TYPE;
        let init = crate::objs::str::new_bytes(data).unwrap();
        (ty.make_new.unwrap())(ty, &[init], &[]).unwrap()
    }

    fn contents(bio: Value) -> alloc::vec::Vec<u8> {
        let f = crate::runtime::load_attr(bio, Q::getvalue).unwrap();
        let v = crate::runtime::call(f, &[], &[]).unwrap();
        crate::objs::str::as_bytes(v).unwrap().to_vec()
    }

    #[cfg(feature = "deflate_compress")]
    fn compress(data: &[u8], format: u8) -> alloc::vec::Vec<u8> {
        let out = bytes_io(b"");
        let d = make_new(
            &DEFLATEIO_TYPE,
            &[out, Value::small_int(format as isize)],
            &[],
        )
        .unwrap();
        assert_eq!(stream_write(d, data).unwrap(), data.len());
        stream_ioctl(d, pyio::STREAM_CLOSE, 0).unwrap();
        contents(out)
    }

    fn decompress(data: &[u8], format: u8, chunk: usize) -> PyResult<alloc::vec::Vec<u8>> {
        let d = make_new(
            &DEFLATEIO_TYPE,
            &[bytes_io(data), Value::small_int(format as isize)],
            &[],
        )?;
        let mut out = alloc::vec::Vec::new();
        let mut buf = alloc::vec![0u8; chunk];
        loop {
            let n = stream_read(d, &mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[cfg(feature = "deflate_compress")]
    #[test]
    fn compressor_matches_micropython_bytes() {
        crate::state::testing::with_vm(|| {
            assert_eq!(compress(b"hello", FORMAT_RAW), b"\xcbH\xcd\xc9\xc9\x07\x00");
            assert_eq!(
                compress(b"hello", FORMAT_ZLIB),
                b"\x18\x95\xcbH\xcd\xc9\xc9\x07\x00\x06,\x02\x15"
            );
        });
    }

    #[cfg(feature = "deflate_compress")]
    #[test]
    fn round_trips_in_every_format_and_chunk_size() {
        crate::state::testing::with_vm(|| {
            let data: alloc::vec::Vec<u8> =
                (0..3000u32).map(|i| (i / 3 % 50 + i / 700) as u8).collect();
            for format in [FORMAT_RAW, FORMAT_ZLIB, FORMAT_GZIP] {
                let packed = compress(&data, format);
                assert!(packed.len() < data.len());
                for chunk in [1, 5, 4096] {
                    assert_eq!(decompress(&packed, format, chunk).unwrap(), data);
                }
                if format != FORMAT_RAW {
                    assert_eq!(decompress(&packed, FORMAT_AUTO, 100).unwrap(), data);
                }
            }
        });
    }

    #[cfg(feature = "deflate_compress")]
    #[test]
    fn corrupt_input_is_an_error_not_a_panic() {
        crate::state::testing::with_vm(|| {
            let packed = compress(b"some text to damage, some text to damage", FORMAT_ZLIB);
            for i in 0..packed.len() {
                for bit in 0..8 {
                    let mut bad = packed.clone();
                    bad[i] ^= 1 << bit;
                    let _ = decompress(&bad, FORMAT_AUTO, 7);
                }
                let _ = decompress(&packed[..i], FORMAT_ZLIB, 3);
            }
            assert!(decompress(&[0x07], FORMAT_RAW, 4).is_err());
        });
    }

    #[cfg(feature = "deflate_compress")]
    #[test]
    fn reverse_bits() {
        assert_eq!(reverse8(0x30), 0x0c);
        assert_eq!(reverse8(1), 0x80);
    }
}
