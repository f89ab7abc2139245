//! `framebuf`: `FrameBuffer(buf, width, height, format[, stride])`, drawing into any
//! writable buffer object in one of seven pixel layouts (extmod/modframebuf.c): fill,
//! pixel, lines, rectangles, ellipses, polygons, 8x8 text, scroll and blit (with a
//! transparent key and a palette). `FrameBuffer1` is the old constructor without format.
//!
//! Pixels are written exactly where MicroPython writes them: the line, ellipse and polygon
//! rasterisers follow the same integer algorithms (Bresenham, the midpoint ellipse and
//! scan-line polygon filling), since programs and tests compare buffers byte for byte.
//! The buffer is looked up again on every call and all access is bounds-checked, so a
//! buffer that shrank after construction raises instead of being overrun.

use crate::obj::{Buffer, BufferAccess, ObjBase, PyResult, Type};
use crate::objs::exception::VALUE_ERROR;
use crate::objs::{int, list, module::Module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

const MONO_VLSB: u8 = 0;
const RGB565: u8 = 1;
const GS4_HMSB: u8 = 2;
const MONO_HLSB: u8 = 3;
const MONO_HMSB: u8 = 4;
const GS2_HMSB: u8 = 5;
const GS8: u8 = 6;

/// Bits per pixel of each layout, by format number.
const BITS_PER_PIXEL: [u8; 7] = [1, 16, 4, 1, 1, 2, 8];

#[repr(C)]
struct FrameBuffer {
    base: ObjBase,
    buf_obj: Value,
    width: usize,
    height: usize,
    stride: usize,
    format: u8,
    /// Bytes the layout needs; checked against the buffer on every use.
    needed: usize,
}

/// A frame buffer's geometry over its bytes for the duration of one call.
struct Canvas<'a> {
    buf: &'a mut [u8],
    width: isize,
    height: isize,
    stride: usize,
    format: u8,
}

impl Canvas<'_> {
    /// Where pixel (x, y) of a layout other than RGB565 lives: its byte, the shift of its
    /// bits in that byte and how many bits it has. One table of arithmetic for six layouts
    /// (GS8 is one 8-bit pixel a byte), shared by `set` and `get`.
    fn locate(&self, x: usize, y: usize) -> (usize, u32, u32) {
        let p = x + y * self.stride;
        match self.format {
            MONO_VLSB => ((y >> 3) * self.stride + x, (y & 7) as u32, 1),
            MONO_HLSB => (p >> 3, 7 - (x & 7) as u32, 1),
            MONO_HMSB => (p >> 3, (x & 7) as u32, 1),
            GS2_HMSB => (p >> 2, ((x & 3) << 1) as u32, 2),
            GS4_HMSB => (p >> 1, if x % 2 == 1 { 0 } else { 4 }, 4),
            _ => (p, 0, 8),
        }
    }

    /// Set a pixel known to be inside the frame.
    fn set(&mut self, x: usize, y: usize, col: u32) {
        if self.format == RGB565 {
            let i = (x + y * self.stride) * 2;
            if let Some(p) = self.buf.get_mut(i..i + 2) {
                p.copy_from_slice(&(col as u16).to_ne_bytes());
            }
            return;
        }
        let (i, shift, bits) = self.locate(x, y);
        let mask = (1u32 << bits) - 1;
        // Mono layouts set a pixel for any non-zero colour; the others keep the low bits.
        let v = if bits == 1 {
            (col != 0) as u32
        } else {
            col & mask
        };
        if let Some(b) = self.buf.get_mut(i) {
            *b = ((*b as u32 & !(mask << shift)) | (v << shift)) as u8;
        }
    }

    /// Read a pixel; 0 where the layout would fall outside the buffer.
    fn get(&self, x: usize, y: usize) -> u32 {
        if self.format == RGB565 {
            let i = (x + y * self.stride) * 2;
            return match self.buf.get(i..i + 2) {
                Some(p) => u16::from_ne_bytes([p[0], p[1]]) as u32,
                None => 0,
            };
        }
        let (i, shift, bits) = self.locate(x, y);
        (self.buf.get(i).copied().unwrap_or(0) as u32 >> shift) & ((1u32 << bits) - 1)
    }

    fn inside(&self, x: isize, y: isize) -> bool {
        0 <= x && x < self.width && 0 <= y && y < self.height
    }

    fn set_checked(&mut self, x: isize, y: isize, col: u32) {
        if self.inside(x, y) {
            self.set(x as usize, y as usize, col);
        }
    }

    /// Fill a rectangle, clipped to the frame.
    fn fill_rect(&mut self, x: isize, y: isize, w: isize, h: isize, col: u32) {
        if h < 1
            || w < 1
            || x.saturating_add(w) <= 0
            || y.saturating_add(h) <= 0
            || y >= self.height
            || x >= self.width
        {
            return;
        }
        let xend = self.width.min(x.saturating_add(w)) as usize;
        let yend = self.height.min(y.saturating_add(h)) as usize;
        for yy in y.max(0) as usize..yend {
            for xx in x.max(0) as usize..xend {
                self.set(xx, yy, col);
            }
        }
    }

    /// Bresenham's line, both ends included. Coordinates may be far off the canvas (every
    /// step is walked, as upstream does), so a long walk polls for Ctrl-C.
    fn line(&mut self, x1: isize, y1: isize, x2: isize, y2: isize, col: u32) -> PyResult<()> {
        let (mut dx, mut sx) = (x2.wrapping_sub(x1), 1);
        if dx <= 0 {
            dx = dx.wrapping_neg();
            sx = -1;
        }
        let (mut dy, mut sy) = (y2.wrapping_sub(y1), 1);
        if dy <= 0 {
            dy = dy.wrapping_neg();
            sy = -1;
        }
        // Walk along the major axis (u), stepping the minor one (v) on error.
        let steep = dy > dx;
        let (mut u, mut v) = if steep { (y1, x1) } else { (x1, y1) };
        if steep {
            core::mem::swap(&mut dx, &mut dy);
            core::mem::swap(&mut sx, &mut sy);
        }
        let mut e = dy.wrapping_mul(2).wrapping_sub(dx);
        for step in 0..dx {
            if step & 0xffff == 0xffff {
                crate::vm::check_keyboard_interrupt()?;
            }
            if steep {
                self.set_checked(v, u, col);
            } else {
                self.set_checked(u, v, col);
            }
            while e >= 0 {
                v = v.wrapping_add(sy);
                e = e.wrapping_sub(dx.wrapping_mul(2));
            }
            u = u.wrapping_add(sx);
            e = e.wrapping_add(dy.wrapping_mul(2));
        }
        self.set_checked(x2, y2, col);
        Ok(())
    }
}

fn this(v: Value) -> PyResult<&'static mut FrameBuffer> {
    v.downcast(&FRAMEBUFFER_TYPE)
        .ok_or_else(|| raise::type_error("expected a FrameBuffer"))
}

fn bare_value_error() -> crate::obj::PyErr {
    raise::with_args(&VALUE_ERROR, &[])
}

fn buffer_of(v: Value, access: BufferAccess) -> PyResult<Buffer> {
    pystr::get_buffer(v, access)
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))
}

/// A frame buffer of type `ty` from constructor arguments (`(buf, width, height, format
/// [, stride])`), its buffer checked for `access`. Not generic: both constructors share
/// one body.
#[inline(never)]
fn framebuffer(ty: &'static Type, args: &[Value], access: BufferAccess) -> PyResult<FrameBuffer> {
    let width = int::get_isize(args[1])?;
    let height = int::get_isize(args[2])?;
    let format = int::get_isize(args[3])?;
    let mut stride = match args.get(4) {
        Some(s) => int::get_isize(*s)?,
        None => width,
    };
    if width < 1
        || height < 1
        || width > 0xffff
        || height > 0xffff
        || stride > 0xffff
        || stride < width
    {
        return Err(bare_value_error());
    }
    let (w, h) = (width as usize, height as usize);
    let f = usize::try_from(format)
        .ok()
        .filter(|&f| f < BITS_PER_PIXEL.len())
        .ok_or_else(|| raise::value_error("invalid format"))?;
    let bpp = BITS_PER_PIXEL[f] as u64;
    let mut height_required = h;
    let mut width_required = w;
    let mut strides_required = h - 1;
    if f == MONO_VLSB as usize {
        height_required = (h + 7) & !7;
        strides_required = height_required - 8;
    } else if bpp < 8 {
        // Rows of sub-byte pixels start on a byte: stride and width round up to whole bytes.
        let m = (8 / bpp) as usize - 1;
        stride = (stride + m as isize) & !(m as isize);
        width_required = (w + m) & !m;
    }
    let stride = stride as usize;
    // In 64 bits: 0xffff * 0xffff * 16 overflows a 32-bit usize.
    let needed = (strides_required as u64 * stride as u64
        + (height_required - strides_required) as u64 * width_required as u64)
        * bpp
        / 8;
    let needed = usize::try_from(needed).map_err(|_| bare_value_error())?;
    if needed > buffer_of(args[0], access)?.len {
        return Err(bare_value_error());
    }
    Ok(FrameBuffer {
        base: ObjBase::new(ty),
        buf_obj: args[0],
        width: w,
        height: h,
        stride,
        format: format as u8,
        needed,
    })
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 4, 5)?;
    let fb = framebuffer(ty, args, BufferAccess::Write)?;
    Ok(Value::from_ptr(crate::mem::alloc(fb)?))
}

/// The canvas of a frame buffer for one call.
fn canvas_of(fb: &FrameBuffer, access: BufferAccess) -> PyResult<Canvas<'static>> {
    let b = buffer_of(fb.buf_obj, access)?;
    if b.len < fb.needed || b.ptr.is_null() {
        return Err(bare_value_error());
    }
    // SAFETY: the buffer slot returned memory valid for `b.len` bytes, owned by `buf_obj`,
    // which the frame buffer (held by the caller) keeps alive for the call.
    let buf = unsafe { core::slice::from_raw_parts_mut(b.ptr, b.len) };
    Ok(Canvas {
        buf,
        width: fb.width as isize,
        height: fb.height as isize,
        stride: fb.stride,
        format: fb.format,
    })
}

fn canvas(v: Value) -> PyResult<Canvas<'static>> {
    canvas_of(this(v)?, BufferAccess::Write)
}

#[inline(always)]
fn ints<const N: usize>(args: &[Value]) -> PyResult<[isize; N]> {
    let mut out = [0; N];
    ints_into(args, &mut out)?;
    Ok(out)
}

/// [`ints`]' loop, once for every count.
fn ints_into(args: &[Value], out: &mut [isize]) -> PyResult<()> {
    for (o, a) in out.iter_mut().zip(args) {
        *o = int::get_isize(*a)?;
    }
    Ok(())
}

fn truthy(args: &[Value], i: usize) -> PyResult<bool> {
    match args.get(i) {
        Some(v) => crate::runtime::is_true(*v),
        None => Ok(false),
    }
}

fn buffer(v: Value, access: BufferAccess) -> Option<Buffer> {
    let fb = v.downcast::<FrameBuffer>(&FRAMEBUFFER_TYPE)?;
    pystr::get_buffer(fb.buf_obj, access)
}

fn fill(this_v: Value, col: Value) -> PyResult<Value> {
    let col = int::get_isize(col)? as u32;
    let mut c = canvas(this_v)?;
    c.fill_rect(0, 0, c.width, c.height, col);
    Ok(Value::NONE)
}

fn fill_rect(args: &[Value]) -> PyResult<Value> {
    let [x, y, w, h, col] = ints::<5>(&args[1..])?;
    canvas(args[0])?.fill_rect(x, y, w, h, col as u32);
    Ok(Value::NONE)
}

fn pixel(args: &[Value]) -> PyResult<Value> {
    let [x, y] = ints::<2>(&args[1..])?;
    let mut c = canvas(args[0])?;
    if c.inside(x, y) {
        match args.get(3) {
            None => return Ok(Value::small_int(c.get(x as usize, y as usize) as isize)),
            Some(col) => {
                let col = int::get_isize(*col)? as u32;
                c.set(x as usize, y as usize, col);
            }
        }
    }
    Ok(Value::NONE)
}

fn hline(args: &[Value]) -> PyResult<Value> {
    let [x, y, w, col] = ints::<4>(&args[1..])?;
    canvas(args[0])?.fill_rect(x, y, w, 1, col as u32);
    Ok(Value::NONE)
}

fn vline(args: &[Value]) -> PyResult<Value> {
    let [x, y, h, col] = ints::<4>(&args[1..])?;
    canvas(args[0])?.fill_rect(x, y, 1, h, col as u32);
    Ok(Value::NONE)
}

fn rect(args: &[Value]) -> PyResult<Value> {
    let [x, y, w, h, col] = ints::<5>(&args[1..])?;
    let col = col as u32;
    let filled = truthy(args, 6)?;
    let mut c = canvas(args[0])?;
    if filled {
        c.fill_rect(x, y, w, h, col);
    } else {
        c.fill_rect(x, y, w, 1, col);
        c.fill_rect(x, y.wrapping_add(h).wrapping_sub(1), w, 1, col);
        c.fill_rect(x, y, 1, h, col);
        c.fill_rect(x.wrapping_add(w).wrapping_sub(1), y, 1, h, col);
    }
    Ok(Value::NONE)
}

fn line(args: &[Value]) -> PyResult<Value> {
    let [x1, y1, x2, y2, col] = ints::<5>(&args[1..])?;
    canvas(args[0])?.line(x1, y1, x2, y2, col as u32)?;
    Ok(Value::NONE)
}

/// Quadrant bits of `ellipse`'s mask (Q2 Q1 over Q3 Q4), and the fill flag.
const QUADRANTS: isize = 0x0f;
const FILL: isize = 0x10;

/// The four mirror images of (x, y) around the centre, as points or as spans to the axis.
fn ellipse_points(c: &mut Canvas, cx: isize, cy: isize, x: isize, y: isize, col: u32, mask: isize) {
    let spots = [
        (
            1,
            cx.wrapping_add(x),
            cy.wrapping_sub(y),
            cx,
            cy.wrapping_sub(y),
        ),
        (
            2,
            cx.wrapping_sub(x),
            cy.wrapping_sub(y),
            cx.wrapping_sub(x),
            cy.wrapping_sub(y),
        ),
        (
            4,
            cx.wrapping_sub(x),
            cy.wrapping_add(y),
            cx.wrapping_sub(x),
            cy.wrapping_add(y),
        ),
        (
            8,
            cx.wrapping_add(x),
            cy.wrapping_add(y),
            cx,
            cy.wrapping_add(y),
        ),
    ];
    for (bit, px, py, sx, sy) in spots {
        if mask & bit == 0 {
            continue;
        }
        if mask & FILL != 0 {
            c.fill_rect(sx, sy, x.wrapping_add(1), 1, col);
        } else {
            c.set_checked(px, py, col);
        }
    }
}

fn ellipse(args: &[Value]) -> PyResult<Value> {
    let [cx, cy, xr, yr, col] = ints::<5>(&args[1..])?;
    let col = col as u32;
    let mut mask = if truthy(args, 6)? { FILL } else { 0 };
    mask |= match args.get(7) {
        Some(m) => int::get_isize(*m)? & QUADRANTS,
        None => QUADRANTS,
    };
    let mut c = canvas(args[0])?;
    if xr == 0 && yr == 0 {
        if mask & QUADRANTS != 0 {
            c.set_checked(cx, cy, col);
        }
        return Ok(Value::NONE);
    }
    // Two passes of one stepper: first the part where the slope is above -1 (y steps
    // every time, x when the error says so), then the rest with the roles of x and y
    // (and of the radii) swapped.
    // Radii may be huge: poll for Ctrl-C now and then.
    let mut steps = 0u32;
    for swapped in [false, true] {
        let (a, b) = if swapped { (yr, xr) } else { (xr, yr) };
        let two_a2 = a.wrapping_mul(a).wrapping_mul(2);
        let two_b2 = b.wrapping_mul(b).wrapping_mul(2);
        // `p` steps back now and then from radius `a`; `q` steps up every time from 0.
        let (mut p, mut q) = (a, 0isize);
        let mut p_change = b
            .wrapping_mul(b)
            .wrapping_mul(1isize.wrapping_sub(a.wrapping_mul(2)));
        let mut q_change = a.wrapping_mul(a);
        let mut err = 0isize;
        let mut stop_p = two_b2.wrapping_mul(a);
        let mut stop_q = 0isize;
        while stop_p >= stop_q {
            steps = steps.wrapping_add(1);
            if steps & 0xffff == 0 {
                crate::vm::check_keyboard_interrupt()?;
            }
            let (x, y) = if swapped { (q, p) } else { (p, q) };
            ellipse_points(&mut c, cx, cy, x, y, col, mask);
            q = q.wrapping_add(1);
            stop_q = stop_q.wrapping_add(two_a2);
            err = err.wrapping_add(q_change);
            q_change = q_change.wrapping_add(two_a2);
            if err.wrapping_mul(2).wrapping_add(p_change) > 0 {
                p = p.wrapping_sub(1);
                stop_p = stop_p.wrapping_sub(two_b2);
                err = err.wrapping_add(p_change);
                p_change = p_change.wrapping_add(two_b2);
            }
        }
    }
    Ok(Value::NONE)
}

fn poly(args: &[Value]) -> PyResult<Value> {
    let [x, y] = ints::<2>(&args[1..])?;
    let b = buffer_of(args[3], BufferAccess::Read)?;
    let size = crate::objs::array::item_size(b.typecode).max(1);
    // An odd number of values drops the last one.
    let n = b.len / (size * 2);
    if n == 0 || b.ptr.is_null() {
        return Ok(Value::NONE);
    }
    // SAFETY: a buffer slot's memory, `len` bytes, owned by args[3] for the call.
    let data = unsafe { core::slice::from_raw_parts(b.ptr, b.len) };
    let col = int::get_isize(args[4])? as u32;
    let filled = truthy(args, 5)?;
    let mut c = canvas(args[0])?;
    // The points, read once with the buffer's item type (as upstream's array reads, so
    // floats raise), then the scan-line fill's crossings: one GC array of 3n words.
    let words = crate::mem::alloc_array::<isize>(n.saturating_mul(3))?;
    // SAFETY: a fresh GC array of 3n words, referenced from this frame for the call.
    let (pts, nodes) = unsafe { core::slice::from_raw_parts_mut(words, 3 * n) }.split_at_mut(2 * n);
    for (i, p) in pts.iter_mut().enumerate() {
        let raw = data.get(i * size..(i + 1) * size).unwrap_or(&[]);
        *p = int::get_isize(super::struct_::load(
            super::struct_::Order::Native,
            b.typecode,
            raw,
        )?)?;
    }
    // Edges from the first point back through the last to the first, as upstream (the
    // line rasteriser is not symmetric).
    let first_pt = (pts[0], pts[1]);
    let edges = || {
        let mut p1 = first_pt;
        pts.chunks_exact(2).rev().map(move |p| {
            let p2 = (p[0], p[1]);
            (core::mem::replace(&mut p1, p2), p2)
        })
    };
    if !filled {
        for ((px1, py1), (px2, py2)) in edges() {
            c.line(
                x.wrapping_add(px1),
                y.wrapping_add(py1),
                x.wrapping_add(px2),
                y.wrapping_add(py2),
                col,
            )?;
        }
        crate::mem::free(words);
        return Ok(Value::NONE);
    }
    // Scan-line fill: on each row, the x where each edge crosses it, sorted, filled
    // pairwise.
    let mut y_min = isize::MAX;
    let mut y_max = isize::MIN;
    for p in pts.chunks_exact(2) {
        y_min = y_min.min(p[1]);
        y_max = y_max.max(p[1]);
    }
    // Everything drawn for a row lands on canvas row `y + row`: rows off the canvas are
    // skipped without changing the result.
    let first = y_min.max(0isize.saturating_sub(y));
    let last = y_max.min((c.height - 1).saturating_sub(y));
    let mut row = first;
    while row <= last {
        let mut count = 0;
        for ((px1, py1), (px2, py2)) in edges() {
            // The lower end of each edge is left out so a shared vertex counts once.
            if py1 != py2 && ((py1 > row && py2 <= row) || (py1 <= row && py2 > row)) {
                let num = 32isize
                    .wrapping_mul(px2.wrapping_sub(px1))
                    .wrapping_mul(row.wrapping_sub(py1));
                let node = (32isize
                    .wrapping_mul(px1)
                    .wrapping_add(num.wrapping_div(py2.wrapping_sub(py1)))
                    .wrapping_add(16))
                    / 32;
                if let Some(slot) = nodes.get_mut(count) {
                    *slot = node;
                    count += 1;
                }
            } else if row == py1.max(py2) {
                // Local minima and horizontal edges would be missed by the spans.
                if py1 < py2 {
                    c.set_checked(x.wrapping_add(px2), y.wrapping_add(py2), col);
                } else if py2 < py1 {
                    c.set_checked(x.wrapping_add(px1), y.wrapping_add(py1), col);
                } else {
                    c.line(
                        x.wrapping_add(px1),
                        y.wrapping_add(py1),
                        x.wrapping_add(px2),
                        y.wrapping_add(py2),
                        col,
                    )?;
                }
            }
        }
        let found = &mut nodes[..count];
        // Insertion sort: a row crosses few edges, and core's sort costs far more flash.
        for i in 1..found.len() {
            let mut j = i;
            while j > 0 && found[j - 1] > found[j] {
                found.swap(j - 1, j);
                j -= 1;
            }
        }
        for pair in found.chunks(2) {
            let (a, b) = (pair[0], pair.get(1).copied().unwrap_or(pair[0]));
            c.fill_rect(
                x.wrapping_add(a),
                y.wrapping_add(row),
                b.wrapping_sub(a).wrapping_add(1),
                1,
                col,
            );
        }
        if row == last {
            break;
        }
        row += 1;
    }
    crate::mem::free(words);
    Ok(Value::NONE)
}

/// A frame buffer to read from: a FrameBuffer (or subclass), or a tuple/list
/// `(buffer, width, height, format[, stride])`.
fn read_canvas(v: Value) -> PyResult<Canvas<'static>> {
    let native = crate::objs::r#type::native_of(v).unwrap_or(v);
    if let Some(fb) = native.downcast::<FrameBuffer>(&FRAMEBUFFER_TYPE) {
        return canvas_of(fb, BufferAccess::Read);
    }
    let items: &[Value] = match (crate::objs::tuple::items(v), list::get(v)) {
        (Some(t), _) => t,
        (None, Some(l)) => l.items(),
        _ => return Err(list::not_tuple_or_list(v)),
    };
    if items.len() < 4 || items.len() > 5 {
        return Err(bare_value_error());
    }
    let mut args = [Value::NONE; 5];
    args[..items.len()].copy_from_slice(items);
    let args = &args[..items.len()];
    let fb = framebuffer(&FRAMEBUFFER_TYPE, args, BufferAccess::Read)?;
    canvas_of(&fb, BufferAccess::Read)
}

fn blit(args: &[Value]) -> PyResult<Value> {
    let src = read_canvas(args[1])?;
    let [x, y] = ints::<2>(&args[2..])?;
    let key = match args.get(4) {
        Some(k) => int::get_isize(*k)?,
        None => -1,
    } as u32;
    let palette = match args.get(5) {
        Some(p) if !p.is_none() => Some(read_canvas(*p)?),
        _ => None,
    };
    let mut dst = canvas(args[0])?;
    if x >= dst.width
        || y >= dst.height
        || x.wrapping_neg() >= src.width
        || y.wrapping_neg() >= src.height
    {
        return Ok(Value::NONE);
    }
    let x_end = dst.width.min(x.wrapping_add(src.width));
    let y_end = dst.height.min(y.wrapping_add(src.height));
    let (sx0, sy0) = (x.wrapping_neg().max(0), y.wrapping_neg().max(0));
    for (sy, dy) in (sy0..).zip(y.max(0)..y_end) {
        for (sx, dx) in (sx0..).zip(x.max(0)..x_end) {
            let mut col = src.get(sx as usize, sy as usize);
            if let Some(p) = &palette {
                col = p.get(col as usize, 0);
            }
            if col != key {
                dst.set(dx as usize, dy as usize, col);
            }
        }
    }
    Ok(Value::NONE)
}

fn scroll(this_v: Value, xstep: Value, ystep: Value) -> PyResult<Value> {
    let xs = int::get_isize(xstep)?;
    let ys = int::get_isize(ystep)?;
    let mut c = canvas(this_v)?;
    let (w, h) = (c.width, c.height);
    if xs.unsigned_abs() >= w as usize || ys.unsigned_abs() >= h as usize {
        return Ok(Value::NONE);
    }
    // Copy in the direction that never reads a pixel already overwritten.
    let (x0, x_end, dx) = if xs < 0 {
        (0, w + xs, 1)
    } else {
        (w - 1, xs - 1, -1)
    };
    let (mut y, y_end, dy) = if ys < 0 {
        (0, h + ys, 1)
    } else {
        (h - 1, ys - 1, -1)
    };
    while y != y_end {
        let mut x = x0;
        while x != x_end {
            let col = c.get((x - xs) as usize, (y - ys) as usize);
            c.set(x as usize, y as usize, col);
            x += dx;
        }
        y += dy;
    }
    Ok(Value::NONE)
}

fn text(args: &[Value]) -> PyResult<Value> {
    let s = pystr::as_bytes(args[1]).ok_or_else(|| pystr::bad_implicit_conversion(args[1]))?;
    let [mut x0, y0] = ints::<2>(&args[2..])?;
    let col = match args.get(4) {
        Some(c) => int::get_isize(*c)?,
        None => 1,
    } as u32;
    let mut c = canvas(args[0])?;
    for &ch in s {
        // Bytes outside the font (including each byte of a UTF-8 sequence) show as DEL.
        let idx = if (32..=127).contains(&ch) {
            ch - 32
        } else {
            127 - 32
        };
        let glyph = FONT.get(idx as usize).copied().unwrap_or([0; 8]);
        for column in glyph {
            if 0 <= x0 && x0 < c.width {
                let mut bits = column;
                let mut y = y0;
                while bits != 0 {
                    if bits & 1 != 0 {
                        c.set_checked(x0, y, col);
                    }
                    bits >>= 1;
                    y = y.wrapping_add(1);
                }
            }
            x0 = x0.wrapping_add(1);
        }
    }
    Ok(Value::NONE)
}

/// `FrameBuffer1(buf, width, height[, stride])`: a MONO_VLSB frame buffer.
fn framebuffer1(args: &[Value]) -> PyResult<Value> {
    let stride = args.get(3).copied().unwrap_or(args[1]);
    let full = [
        args[0],
        args[1],
        args[2],
        Value::small_int(MONO_VLSB as isize),
        stride,
    ];
    make_new(&FRAMEBUFFER_TYPE, &full, &[])
}

static LOCALS: [(Qstr, Value); 12] = [
    crate::entry!(fill, crate::fun!(fill, F2(fill))),
    crate::entry!(
        fill_rect,
        crate::fun!(
            fill_rect,
            Var {
                min: 6,
                max: 6,
                f: fill_rect
            }
        )
    ),
    crate::entry!(
        pixel,
        crate::fun!(
            pixel,
            Var {
                min: 3,
                max: 4,
                f: pixel
            }
        )
    ),
    crate::entry!(
        hline,
        crate::fun!(
            hline,
            Var {
                min: 5,
                max: 5,
                f: hline
            }
        )
    ),
    crate::entry!(
        vline,
        crate::fun!(
            vline,
            Var {
                min: 5,
                max: 5,
                f: vline
            }
        )
    ),
    crate::entry!(
        rect,
        crate::fun!(
            rect,
            Var {
                min: 6,
                max: 7,
                f: rect
            }
        )
    ),
    crate::entry!(
        line,
        crate::fun!(
            line,
            Var {
                min: 6,
                max: 6,
                f: line
            }
        )
    ),
    crate::entry!(
        ellipse,
        crate::fun!(
            ellipse,
            Var {
                min: 6,
                max: 8,
                f: ellipse
            }
        )
    ),
    crate::entry!(
        poly,
        crate::fun!(
            poly,
            Var {
                min: 5,
                max: 6,
                f: poly
            }
        )
    ),
    crate::entry!(
        blit,
        crate::fun!(
            blit,
            Var {
                min: 4,
                max: 6,
                f: blit
            }
        )
    ),
    crate::entry!(scroll, crate::fun!(scroll, F3(scroll))),
    crate::entry!(
        text,
        crate::fun!(
            text,
            Var {
                min: 4,
                max: 5,
                f: text
            }
        )
    ),
];

pub static FRAMEBUFFER_TYPE: Type = Type {
    name: Q::FrameBuffer,
    flags: crate::obj::flags::BASETYPE,
    make_new: Some(make_new),
    ext: &crate::obj::TypeExt::buffer(buffer),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::framebuf)),
    (Q::FrameBuffer, Value::from_static(&FRAMEBUFFER_TYPE)),
    (
        Q::FrameBuffer1,
        crate::fun!(
            FrameBuffer1,
            Var {
                min: 3,
                max: 4,
                f: framebuffer1
            }
        ),
    ),
    (Q::MVLSB, Value::small_int(MONO_VLSB as isize)),
    (Q::MONO_VLSB, Value::small_int(MONO_VLSB as isize)),
    (Q::RGB565, Value::small_int(RGB565 as isize)),
    (Q::GS2_HMSB, Value::small_int(GS2_HMSB as isize)),
    (Q::GS4_HMSB, Value::small_int(GS4_HMSB as isize)),
    (Q::GS8, Value::small_int(GS8 as isize)),
    (Q::MONO_HLSB, Value::small_int(MONO_HLSB as isize)),
    (Q::MONO_HMSB, Value::small_int(MONO_HMSB as isize)),
];

pub static MODULE: Module = Module::new_static(Q::framebuf, crate::locals!(GLOBALS));

/// The 8x8 font for `text`, characters 32 to 127: eight columns per glyph, bit 0 at the
/// top. Glyphs 32-126 are the public-domain IBM VGA 8x8 font as published by Daniel Hepper
/// ("font8x8", public domain; after Marcel Sondaar's public-domain data), turned from rows
/// into columns; 127 (shown for every byte outside 32-126) is a checkerboard of our own.
static FONT: [[u8; 8]; 96] = [
    [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // ' '
    [0x00, 0x00, 0x06, 0x5f, 0x5f, 0x06, 0x00, 0x00], // '!'
    [0x00, 0x03, 0x03, 0x00, 0x03, 0x03, 0x00, 0x00], // '"'
    [0x14, 0x7f, 0x7f, 0x14, 0x7f, 0x7f, 0x14, 0x00], // '#'
    [0x24, 0x2e, 0x6b, 0x6b, 0x3a, 0x12, 0x00, 0x00], // '$'
    [0x46, 0x66, 0x30, 0x18, 0x0c, 0x66, 0x62, 0x00], // '%'
    [0x30, 0x7a, 0x4f, 0x5d, 0x37, 0x7a, 0x48, 0x00], // '&'
    [0x04, 0x07, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00], // "'"
    [0x00, 0x1c, 0x3e, 0x63, 0x41, 0x00, 0x00, 0x00], // '('
    [0x00, 0x41, 0x63, 0x3e, 0x1c, 0x00, 0x00, 0x00], // ')'
    [0x08, 0x2a, 0x3e, 0x1c, 0x1c, 0x3e, 0x2a, 0x08], // '*'
    [0x08, 0x08, 0x3e, 0x3e, 0x08, 0x08, 0x00, 0x00], // '+'
    [0x00, 0x80, 0xe0, 0x60, 0x00, 0x00, 0x00, 0x00], // ','
    [0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x00, 0x00], // '-'
    [0x00, 0x00, 0x60, 0x60, 0x00, 0x00, 0x00, 0x00], // '.'
    [0x60, 0x30, 0x18, 0x0c, 0x06, 0x03, 0x01, 0x00], // '/'
    [0x3e, 0x7f, 0x71, 0x59, 0x4d, 0x7f, 0x3e, 0x00], // '0'
    [0x40, 0x42, 0x7f, 0x7f, 0x40, 0x40, 0x00, 0x00], // '1'
    [0x62, 0x73, 0x59, 0x49, 0x6f, 0x66, 0x00, 0x00], // '2'
    [0x22, 0x63, 0x49, 0x49, 0x7f, 0x36, 0x00, 0x00], // '3'
    [0x18, 0x1c, 0x16, 0x53, 0x7f, 0x7f, 0x50, 0x00], // '4'
    [0x27, 0x67, 0x45, 0x45, 0x7d, 0x39, 0x00, 0x00], // '5'
    [0x3c, 0x7e, 0x4b, 0x49, 0x79, 0x30, 0x00, 0x00], // '6'
    [0x03, 0x03, 0x71, 0x79, 0x0f, 0x07, 0x00, 0x00], // '7'
    [0x36, 0x7f, 0x49, 0x49, 0x7f, 0x36, 0x00, 0x00], // '8'
    [0x06, 0x4f, 0x49, 0x69, 0x3f, 0x1e, 0x00, 0x00], // '9'
    [0x00, 0x00, 0x66, 0x66, 0x00, 0x00, 0x00, 0x00], // ':'
    [0x00, 0x80, 0xe6, 0x66, 0x00, 0x00, 0x00, 0x00], // ';'
    [0x08, 0x1c, 0x36, 0x63, 0x41, 0x00, 0x00, 0x00], // '<'
    [0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x00, 0x00], // '='
    [0x00, 0x41, 0x63, 0x36, 0x1c, 0x08, 0x00, 0x00], // '>'
    [0x02, 0x03, 0x51, 0x59, 0x0f, 0x06, 0x00, 0x00], // '?'
    [0x3e, 0x7f, 0x41, 0x5d, 0x5d, 0x1f, 0x1e, 0x00], // '@'
    [0x7c, 0x7e, 0x13, 0x13, 0x7e, 0x7c, 0x00, 0x00], // 'A'
    [0x41, 0x7f, 0x7f, 0x49, 0x49, 0x7f, 0x36, 0x00], // 'B'
    [0x1c, 0x3e, 0x63, 0x41, 0x41, 0x63, 0x22, 0x00], // 'C'
    [0x41, 0x7f, 0x7f, 0x41, 0x63, 0x3e, 0x1c, 0x00], // 'D'
    [0x41, 0x7f, 0x7f, 0x49, 0x5d, 0x41, 0x63, 0x00], // 'E'
    [0x41, 0x7f, 0x7f, 0x49, 0x1d, 0x01, 0x03, 0x00], // 'F'
    [0x1c, 0x3e, 0x63, 0x41, 0x51, 0x73, 0x72, 0x00], // 'G'
    [0x7f, 0x7f, 0x08, 0x08, 0x7f, 0x7f, 0x00, 0x00], // 'H'
    [0x00, 0x41, 0x7f, 0x7f, 0x41, 0x00, 0x00, 0x00], // 'I'
    [0x30, 0x70, 0x40, 0x41, 0x7f, 0x3f, 0x01, 0x00], // 'J'
    [0x41, 0x7f, 0x7f, 0x08, 0x1c, 0x77, 0x63, 0x00], // 'K'
    [0x41, 0x7f, 0x7f, 0x41, 0x40, 0x60, 0x70, 0x00], // 'L'
    [0x7f, 0x7f, 0x0e, 0x1c, 0x0e, 0x7f, 0x7f, 0x00], // 'M'
    [0x7f, 0x7f, 0x06, 0x0c, 0x18, 0x7f, 0x7f, 0x00], // 'N'
    [0x1c, 0x3e, 0x63, 0x41, 0x63, 0x3e, 0x1c, 0x00], // 'O'
    [0x41, 0x7f, 0x7f, 0x49, 0x09, 0x0f, 0x06, 0x00], // 'P'
    [0x1e, 0x3f, 0x21, 0x71, 0x7f, 0x5e, 0x00, 0x00], // 'Q'
    [0x41, 0x7f, 0x7f, 0x09, 0x19, 0x7f, 0x66, 0x00], // 'R'
    [0x26, 0x6f, 0x4d, 0x59, 0x73, 0x32, 0x00, 0x00], // 'S'
    [0x03, 0x41, 0x7f, 0x7f, 0x41, 0x03, 0x00, 0x00], // 'T'
    [0x7f, 0x7f, 0x40, 0x40, 0x7f, 0x7f, 0x00, 0x00], // 'U'
    [0x1f, 0x3f, 0x60, 0x60, 0x3f, 0x1f, 0x00, 0x00], // 'V'
    [0x7f, 0x7f, 0x30, 0x18, 0x30, 0x7f, 0x7f, 0x00], // 'W'
    [0x43, 0x67, 0x3c, 0x18, 0x3c, 0x67, 0x43, 0x00], // 'X'
    [0x07, 0x4f, 0x78, 0x78, 0x4f, 0x07, 0x00, 0x00], // 'Y'
    [0x47, 0x63, 0x71, 0x59, 0x4d, 0x67, 0x73, 0x00], // 'Z'
    [0x00, 0x7f, 0x7f, 0x41, 0x41, 0x00, 0x00, 0x00], // '['
    [0x01, 0x03, 0x06, 0x0c, 0x18, 0x30, 0x60, 0x00], // '\\'
    [0x00, 0x41, 0x41, 0x7f, 0x7f, 0x00, 0x00, 0x00], // ']'
    [0x08, 0x0c, 0x06, 0x03, 0x06, 0x0c, 0x08, 0x00], // '^'
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // '_'
    [0x00, 0x00, 0x03, 0x07, 0x04, 0x00, 0x00, 0x00], // '`'
    [0x20, 0x74, 0x54, 0x54, 0x3c, 0x78, 0x40, 0x00], // 'a'
    [0x41, 0x7f, 0x3f, 0x48, 0x48, 0x78, 0x30, 0x00], // 'b'
    [0x38, 0x7c, 0x44, 0x44, 0x6c, 0x28, 0x00, 0x00], // 'c'
    [0x30, 0x78, 0x48, 0x49, 0x3f, 0x7f, 0x40, 0x00], // 'd'
    [0x38, 0x7c, 0x54, 0x54, 0x5c, 0x18, 0x00, 0x00], // 'e'
    [0x48, 0x7e, 0x7f, 0x49, 0x03, 0x02, 0x00, 0x00], // 'f'
    [0x98, 0xbc, 0xa4, 0xa4, 0xf8, 0x7c, 0x04, 0x00], // 'g'
    [0x41, 0x7f, 0x7f, 0x08, 0x04, 0x7c, 0x78, 0x00], // 'h'
    [0x00, 0x44, 0x7d, 0x7d, 0x40, 0x00, 0x00, 0x00], // 'i'
    [0x60, 0xe0, 0x80, 0x80, 0xfd, 0x7d, 0x00, 0x00], // 'j'
    [0x41, 0x7f, 0x7f, 0x10, 0x38, 0x6c, 0x44, 0x00], // 'k'
    [0x00, 0x41, 0x7f, 0x7f, 0x40, 0x00, 0x00, 0x00], // 'l'
    [0x7c, 0x7c, 0x18, 0x38, 0x1c, 0x7c, 0x78, 0x00], // 'm'
    [0x7c, 0x7c, 0x04, 0x04, 0x7c, 0x78, 0x00, 0x00], // 'n'
    [0x38, 0x7c, 0x44, 0x44, 0x7c, 0x38, 0x00, 0x00], // 'o'
    [0x84, 0xfc, 0xf8, 0xa4, 0x24, 0x3c, 0x18, 0x00], // 'p'
    [0x18, 0x3c, 0x24, 0xa4, 0xf8, 0xfc, 0x84, 0x00], // 'q'
    [0x44, 0x7c, 0x78, 0x4c, 0x04, 0x1c, 0x18, 0x00], // 'r'
    [0x48, 0x5c, 0x54, 0x54, 0x74, 0x24, 0x00, 0x00], // 's'
    [0x00, 0x04, 0x3e, 0x7f, 0x44, 0x24, 0x00, 0x00], // 't'
    [0x3c, 0x7c, 0x40, 0x40, 0x3c, 0x7c, 0x40, 0x00], // 'u'
    [0x1c, 0x3c, 0x60, 0x60, 0x3c, 0x1c, 0x00, 0x00], // 'v'
    [0x3c, 0x7c, 0x70, 0x38, 0x70, 0x7c, 0x3c, 0x00], // 'w'
    [0x44, 0x6c, 0x38, 0x10, 0x38, 0x6c, 0x44, 0x00], // 'x'
    [0x9c, 0xbc, 0xa0, 0xa0, 0xfc, 0x7c, 0x00, 0x00], // 'y'
    [0x4c, 0x64, 0x74, 0x5c, 0x4c, 0x64, 0x00, 0x00], // 'z'
    [0x08, 0x08, 0x3e, 0x77, 0x41, 0x41, 0x00, 0x00], // '{'
    [0x00, 0x00, 0x00, 0x77, 0x77, 0x00, 0x00, 0x00], // '|'
    [0x41, 0x41, 0x77, 0x3e, 0x08, 0x08, 0x00, 0x00], // '}'
    [0x02, 0x03, 0x01, 0x03, 0x02, 0x03, 0x01, 0x00], // '~'
    [0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55], // DEL
];

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas_over(buf: &mut [u8], w: isize, h: isize, stride: usize, format: u8) -> Canvas<'_> {
        Canvas {
            buf,
            width: w,
            height: h,
            stride,
            format,
        }
    }

    #[test]
    fn pixels_round_trip_in_every_format() {
        for (format, max) in [
            (MONO_VLSB, 1),
            (MONO_HLSB, 1),
            (MONO_HMSB, 1),
            (GS2_HMSB, 3),
            (GS4_HMSB, 15),
            (GS8, 255),
            (RGB565, 0xffff),
        ] {
            let mut buf = [0u8; 256];
            let mut c = canvas_over(&mut buf, 8, 8, 8, format);
            c.set(3, 5, max);
            assert_eq!(c.get(3, 5), max);
            assert_eq!(c.get(4, 5), 0);
            c.set(3, 5, 0);
            assert_eq!(c.get(3, 5), 0);
        }
    }

    #[test]
    fn line_includes_both_ends() {
        let mut buf = [0u8; 64];
        let mut c = canvas_over(&mut buf, 8, 8, 8, GS8);
        c.line(1, 1, 5, 3, 1).unwrap();
        assert_eq!(c.get(1, 1), 1);
        assert_eq!(c.get(5, 3), 1);
        assert_eq!(buf.iter().filter(|b| **b != 0).count(), 5);
    }

    #[test]
    fn fill_rect_clips() {
        let mut buf = [0u8; 16];
        let mut c = canvas_over(&mut buf, 4, 4, 4, GS8);
        c.fill_rect(-2, 2, 100, 100, 7);
        assert_eq!(buf.iter().filter(|b| **b == 7).count(), 8);
    }

    #[test]
    fn short_buffer_reads_zero() {
        let mut buf = [0u8; 2];
        let mut c = canvas_over(&mut buf, 8, 8, 8, RGB565);
        c.set(7, 7, 5);
        assert_eq!(c.get(7, 7), 0);
    }
}
