//! `websocket`: `websocket(stream, is_client=False)`, a stream that speaks RFC 6455 framing
//! over another stream (extmod/modwebsocket.c). Reads strip frame headers, unmask
//! payloads and answer control frames (a close frame is echoed and reads as EOF; ping and
//! pong are skipped); each write goes out as one unmasked frame of the current data opcode
//! (text unless changed with `ioctl(9, op)`).
//!
//! The reader is a small state machine that keeps its place across short reads of the
//! underlying stream, so it also works on non-blocking sockets. 64-bit payload lengths are
//! not supported (as upstream): the stream is closed and the read fails with EIO.

use crate::obj::{ObjBase, PyResult, Stream, Type};
use crate::objs::{int, list, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

use super::io::{self as pyio, EAGAIN, EINVAL, EIO};

const ENOBUFS: i32 = 105;

const OPCODE_MASK: u8 = 0x0f;
const OP_CONT: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_CLOSE: u8 = 0x8;

/// Stream ioctl requests for the data opcode (MicroPython's numbers).
const GET_DATA_OPTS: usize = 8;
const SET_DATA_OPTS: usize = 9;

/// Where the reader is within a frame.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Collecting the two fixed header bytes.
    Header,
    /// Collecting the extended length and/or the mask key.
    Options,
    /// Inside a data frame's payload.
    Payload,
    /// Inside a control frame's payload.
    Control,
}

#[repr(C)]
struct WebSocket {
    base: ObjBase,
    sock: Value,
    /// Payload bytes left in the current frame.
    msg_len: u32,
    mask: [u8; 4],
    mask_pos: u8,
    state: State,
    /// Header bytes still wanted, and those collected so far in `buf`.
    want: u8,
    have: u8,
    buf: [u8; 6],
    /// Opcode used for writes.
    write_op: u8,
    /// Put the socket in blocking mode around each write (`is_client=True`).
    blocking_write: bool,
    /// First header byte of the current message (opcode of its first frame).
    msg_flags: u8,
    /// First header byte of the current frame.
    frame_flags: u8,
}

fn this(v: Value) -> PyResult<&'static mut WebSocket> {
    v.downcast(&WEBSOCKET_TYPE)
        .ok_or_else(|| raise::type_error("expected a websocket"))
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 2)?;
    // Fails early, as upstream, when the object is not a stream.
    pyio::stream_of(args[0])?;
    let blocking_write = args.get(1).is_some_and(|v| *v == Value::TRUE);
    Ok(Value::from_ptr(crate::mem::alloc(WebSocket {
        base: ObjBase::new(ty),
        sock: args[0],
        msg_len: 0,
        mask: [0; 4],
        mask_pos: 0,
        state: State::Header,
        want: 2,
        have: 0,
        buf: [0; 6],
        write_op: OP_TEXT,
        blocking_write,
        msg_flags: 0,
        frame_flags: 0,
    })?))
}

fn sock_read(sock: Value, buf: &mut [u8]) -> PyResult<usize> {
    let (obj, s) = pyio::stream_of(sock)?;
    (s.read)(obj, buf)
}

fn sock_write(ws: &WebSocket, header: &[u8], payload: &[u8]) -> PyResult<usize> {
    let setblocking = |flag: Value| -> PyResult<()> {
        let (f, this) = crate::runtime::load_method(ws.sock, Q::setblocking)?;
        crate::runtime::call_method(f, this, &[flag], &[]).map(|_| ())
    };
    if ws.blocking_write {
        setblocking(Value::TRUE)?;
    }
    let result = (|| {
        let (obj, s) = pyio::stream_of(ws.sock)?;
        if pyio::write_all(obj, s, header)? < header.len() {
            return Err(raise::os_error(EAGAIN));
        }
        pyio::write_all(obj, s, payload)
    })();
    if ws.blocking_write {
        setblocking(Value::FALSE)?;
    }
    result
}

/// Start looking for the next frame header.
fn next_frame(ws: &mut WebSocket) {
    ws.state = State::Header;
    ws.want = 2;
    ws.have = 0;
    ws.mask_pos = 0;
}

fn payload_state(flags: u8) -> State {
    if flags & OPCODE_MASK >= OP_CLOSE {
        State::Control
    } else {
        State::Payload
    }
}

fn stream_read(obj: Value, out: &mut [u8]) -> PyResult<usize> {
    let ws = this(obj)?;
    loop {
        if ws.want != 0 {
            let start = ws.have as usize;
            let end = start + ws.want as usize;
            let Some(dst) = ws.buf.get_mut(start..end) else {
                return Err(raise::os_error(EIO));
            };
            let n = sock_read(ws.sock, dst)?;
            if n == 0 {
                return Ok(0);
            }
            ws.have += n as u8;
            ws.want -= n as u8;
            if ws.want != 0 {
                return Err(raise::os_error(EAGAIN));
            }
        }
        match ws.state {
            State::Header => {
                let [b0, b1, ..] = ws.buf;
                ws.frame_flags = b0;
                ws.msg_flags = if b0 & OPCODE_MASK == OP_CONT {
                    // A continuation keeps the message's opcode but takes its own FIN.
                    (ws.msg_flags & OPCODE_MASK) | (b0 & !OPCODE_MASK)
                } else {
                    b0
                };
                ws.mask = [0; 4];
                let len = b1 & 0x7f;
                let mut extra = 0;
                if len == 126 {
                    extra += 2;
                } else if len == 127 {
                    // Framing cannot be kept: give up on the connection.
                    pyio::close(ws.sock)?;
                    return Err(raise::os_error(EIO));
                }
                if b1 & 0x80 != 0 {
                    extra += 4;
                }
                ws.have = 0;
                ws.want = extra;
                ws.msg_len = len as u32;
                ws.state = if extra != 0 {
                    State::Options
                } else {
                    payload_state(b0)
                };
            }
            State::Options => {
                let have = ws.have as usize;
                if have & 2 != 0 {
                    ws.msg_len = u16::from_be_bytes([ws.buf[0], ws.buf[1]]) as u32;
                }
                if have & 4 != 0 {
                    if let Some(key) = ws.buf.get(have - 4..have) {
                        ws.mask.copy_from_slice(key);
                    }
                }
                ws.have = 0;
                ws.state = payload_state(ws.frame_flags);
            }
            State::Payload | State::Control => {
                let mut got = 0;
                if ws.msg_len != 0 {
                    let n = out.len().min(ws.msg_len as usize);
                    let Some(dst) = out.get_mut(..n) else {
                        return Ok(0);
                    };
                    got = sock_read(ws.sock, dst)?;
                    if got == 0 {
                        return Ok(0);
                    }
                    for b in dst.iter_mut().take(got) {
                        *b ^= ws.mask[(ws.mask_pos & 3) as usize];
                        ws.mask_pos = ws.mask_pos.wrapping_add(1);
                    }
                    ws.msg_len -= got as u32;
                }
                if ws.msg_len == 0 {
                    let was = ws.state;
                    next_frame(ws);
                    if was == State::Control {
                        if ws.frame_flags & OPCODE_MASK == OP_CLOSE {
                            // Echo the close, ignoring failures, and report EOF.
                            let _ = sock_write(ws, &[0x88, 0], &[]);
                            return Ok(0);
                        }
                        // Ping and pong payloads are dropped.
                        continue;
                    }
                }
                if got != 0 {
                    return Ok(got);
                }
            }
        }
    }
}

fn stream_write(obj: Value, data: &[u8]) -> PyResult<usize> {
    let ws = this(obj)?;
    let Ok(len) = u16::try_from(data.len()) else {
        return Err(raise::os_error(ENOBUFS));
    };
    let first = 0x80 | (ws.write_op & OPCODE_MASK);
    let [hi, lo] = len.to_be_bytes();
    if len < 126 {
        sock_write(ws, &[first, lo], data)
    } else {
        sock_write(ws, &[first, 126, hi, lo], data)
    }
}

fn stream_ioctl(obj: Value, request: usize, arg: usize) -> PyResult<usize> {
    let ws = this(obj)?;
    match request {
        pyio::STREAM_CLOSE => {
            pyio::close(ws.sock)?;
            Ok(0)
        }
        GET_DATA_OPTS => Ok((ws.msg_flags & OPCODE_MASK) as usize),
        SET_DATA_OPTS => {
            let old = ws.write_op & OPCODE_MASK;
            ws.write_op = (arg as u8) & OPCODE_MASK;
            Ok(old as usize)
        }
        _ => Err(raise::os_error(EINVAL)),
    }
}

/// `ws.ioctl(request, arg=0)`.
fn ioctl(args: &[Value]) -> PyResult<Value> {
    let request = int::get_isize(args[1])? as usize;
    let arg = match args.get(2) {
        Some(v) => int::get_isize(*v)? as usize,
        None => 0,
    };
    let r = stream_ioctl(args[0], request, arg)?;
    int::from_u64(r as u64)
}

static WEBSOCKET_STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: false,
};

static LOCALS: [(Qstr, Value); 6] = [
    (Q::read, pyio::methods::READ),
    (Q::readinto, pyio::methods::READINTO),
    (Q::readline, pyio::methods::READLINE),
    (Q::write, pyio::methods::WRITE),
    (
        Q::ioctl,
        crate::fun!(
            ioctl,
            Var {
                min: 2,
                max: 3,
                f: ioctl
            }
        ),
    ),
    (Q::close, pyio::methods::CLOSE),
];

pub static WEBSOCKET_TYPE: Type = Type {
    name: Q::websocket,
    make_new: Some(make_new),
    ext: &crate::obj::TypeExt::stream(&WEBSOCKET_STREAM),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::websocket)),
    (Q::websocket, Value::from_static(&WEBSOCKET_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::websocket, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;

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

    fn read_all(raw: &[u8], chunk: usize) -> alloc::vec::Vec<u8> {
        let ws = make_new(&WEBSOCKET_TYPE, &[bytes_io(raw)], &[]).unwrap();
        let mut out = alloc::vec::Vec::new();
        let mut buf = alloc::vec![0u8; chunk];
        loop {
            let n = stream_read(ws, &mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn reads_masked_and_split_frames() {
        crate::state::testing::with_vm(|| {
            assert_eq!(read_all(b"\x01\x02ab\x80\x01c", 1), b"abc");
            assert_eq!(read_all(b"\x81\x82\x01\x02\x03\x04`a", 4), b"ac");
            // A ping is skipped; a close ends the data.
            assert_eq!(read_all(b"\x89\x01x\x81\x01y\x88\x00\x81\x01z", 8), b"y");
        });
    }

    #[test]
    fn writes_short_and_extended_headers() {
        crate::state::testing::with_vm(|| {
            let out = bytes_io(b"");
            let ws = make_new(&WEBSOCKET_TYPE, &[out], &[]).unwrap();
            assert_eq!(stream_write(ws, b"hi").unwrap(), 2);
            assert_eq!(stream_ioctl(ws, SET_DATA_OPTS, 2).unwrap(), 1);
            let big = [7u8; 200];
            assert_eq!(stream_write(ws, &big).unwrap(), 200);
            let got = contents(out);
            assert_eq!(&got[..4], b"\x81\x02hi");
            assert_eq!(&got[4..8], b"\x82\x7e\x00\xc8");
            assert_eq!(got.len(), 8 + 200);
            assert!(stream_write(ws, &alloc::vec![0u8; 65536]).is_err());
        });
    }
}
