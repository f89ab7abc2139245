//! `socket` on the unix port (ports/unix/modsocket.c): BSD sockets over libc. Addresses are
//! raw `sockaddr` bytes as `getaddrinfo` returns them, as upstream's unix port has it;
//! `(host, port)` tuples are accepted too (resolved with getaddrinfo), as CPython does.
//! A socket is a stream (read/write/readline, poll through its descriptor), so `select`
//! and `asyncio` work with it.

use std::ffi::CString;
use upy_runtime::mem;
use upy_runtime::modules::io::{self as sio, methods as m};
use upy_runtime::obj::{ObjBase, Print, PrintKind, PyResult, Stream, Type};
use upy_runtime::objs::exception::OS_ERROR;
use upy_runtime::objs::{float, int, list, module::Module, str as pystr, tuple};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::value::Value;

#[repr(C)]
pub struct Socket {
    base: ObjBase,
    /// -1 once closed.
    fd: i32,
    family: i32,
    blocking: bool,
}

fn this(v: Value) -> PyResult<&'static mut Socket> {
    v.downcast(&SOCKET_TYPE)
        .ok_or_else(|| raise::type_error("expected a socket"))
}

fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Run a system call (returning -1 on error) again after a signal, delivering pending
/// events (a KeyboardInterrupt ends the call); errors as the OS reports them (upstream's
/// recv/send family do not rename a timeout's EAGAIN).
fn sys_raw(mut f: impl FnMut() -> isize) -> PyResult<isize> {
    loop {
        let r = f();
        if r >= 0 {
            return Ok(r);
        }
        let e = errno();
        if e == libc::EINTR {
            upy_runtime::vm::take_pending()?;
            continue;
        }
        return Err(raise::os_error(e));
    }
}

/// As `sys_raw`, but a blocking socket that times out reports ETIMEDOUT (accept, and the
/// stream read/write), as upstream.
fn sys(s: &Socket, mut f: impl FnMut() -> isize) -> PyResult<isize> {
    loop {
        let r = f();
        if r >= 0 {
            return Ok(r);
        }
        let e = errno();
        if e == libc::EINTR {
            upy_runtime::vm::take_pending()?;
            continue;
        }
        if s.blocking && (e == libc::EAGAIN || e == libc::EWOULDBLOCK) {
            return Err(raise::os_error(libc::ETIMEDOUT));
        }
        return Err(raise::os_error(e));
    }
}

fn check(r: libc::c_int) -> PyResult<()> {
    if r < 0 {
        Err(raise::os_error(errno()))
    } else {
        Ok(())
    }
}

fn open_fd(s: &Socket) -> PyResult<i32> {
    if s.fd < 0 {
        return Err(raise::os_error(libc::EBADF));
    }
    Ok(s.fd)
}

fn new_socket(fd: i32, family: i32) -> PyResult<Value> {
    let p = mem::alloc_finalised(Socket {
        base: ObjBase::new(&SOCKET_TYPE),
        fd,
        family,
        blocking: true,
    })?;
    Ok(Value::from_ptr(p))
}

fn int_arg(v: Value) -> PyResult<i32> {
    if v.is_none() {
        return Err(raise::type_error("can't convert NoneType to int"));
    }
    Ok(int::get_isize(v)? as i32)
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 3)?;
    let family = args.first().map_or(Ok(libc::AF_INET), |v| int_arg(*v))?;
    let ty = args.get(1).map_or(Ok(libc::SOCK_STREAM), |v| int_arg(*v))?;
    let proto = args.get(2).map_or(Ok(0), |v| int_arg(*v))?;
    // SAFETY: plain system call.
    let fd = unsafe { libc::socket(family, ty, proto) };
    check(fd)?;
    new_socket(fd, family)
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let fd = this(v).map_or(-1, |s| s.fd);
    out.write_str(&format!("<_socket {fd}>"))
}

fn finalise(v: Value) {
    if let Ok(s) = this(v) {
        if s.fd >= 0 {
            // SAFETY: the descriptor is owned by this socket.
            unsafe { libc::close(s.fd) };
            s.fd = -1;
        }
    }
}

// --- addresses ---

/// Resolve `host`/`port` with the C library; the list of addrinfo results as
/// (family, type, proto, canonname, sockaddr bytes).
type AddrInfo = (i32, i32, i32, Option<String>, Vec<u8>);

fn resolve(host: &str, port: Value, hints: [i32; 4]) -> PyResult<Vec<AddrInfo>> {
    let chost = CString::new(host).map_err(|_| raise::value_error("embedded null byte"))?;
    // SAFETY: addrinfo is plain data; zero is its empty value.
    let mut h: libc::addrinfo = unsafe { std::mem::zeroed() };
    h.ai_family = hints[0];
    h.ai_socktype = hints[1];
    h.ai_protocol = hints[2];
    h.ai_flags = hints[3];
    let serv = if let Some(n) = port.as_small_int() {
        h.ai_flags |= libc::AI_NUMERICSERV;
        format!("{}", n as u16)
    } else {
        pystr::as_str(port)
            .ok_or_else(|| raise::type_error("port must be int or str"))?
            .to_string()
    };
    let cserv = CString::new(serv).map_err(|_| raise::value_error("embedded null byte"))?;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid NUL-terminated strings and hints; `res` receives a list we free below.
    let r = unsafe { libc::getaddrinfo(chost.as_ptr(), cserv.as_ptr(), &h, &mut res) };
    if r != 0 {
        return Err(raise::msg_fmt(
            &OS_ERROR,
            format_args!("[addrinfo error {}]", r),
        ));
    }
    let mut out = Vec::new();
    let mut p = res;
    while !p.is_null() {
        // SAFETY: `p` walks the list getaddrinfo returned, which stays valid until freed.
        let a = unsafe { &*p };
        let addr = if a.ai_addr.is_null() {
            Vec::new()
        } else {
            // SAFETY: ai_addr points to ai_addrlen bytes.
            unsafe { std::slice::from_raw_parts(a.ai_addr as *const u8, a.ai_addrlen as usize) }
                .to_vec()
        };
        let canon = if a.ai_canonname.is_null() {
            None
        } else {
            // SAFETY: a NUL-terminated string owned by the list.
            Some(
                unsafe { std::ffi::CStr::from_ptr(a.ai_canonname) }
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        out.push((a.ai_family, a.ai_socktype, a.ai_protocol, canon, addr));
        p = a.ai_next;
    }
    // SAFETY: `res` came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

/// A `sockaddr` from raw bytes, or from a `(host, port)` tuple for a socket of `family`.
fn sockaddr(addr: Value, family: i32) -> PyResult<Vec<u8>> {
    if let Some(t) = tuple::items(addr) {
        if let [host, port, ..] = &*t {
            let h = pystr::as_str(*host).ok_or_else(|| raise::type_error("host must be str"))?;
            let h = if h.is_empty() {
                if family == libc::AF_INET6 {
                    "::"
                } else {
                    "0.0.0.0"
                }
            } else {
                h
            };
            let found = resolve(h, *port, [family, 0, 0, 0])?;
            return found
                .into_iter()
                .next()
                .map(|a| a.4)
                .ok_or_else(|| raise::os_error(libc::EINVAL));
        }
        return Err(raise::type_error("address must be (host, port)"));
    }
    Ok(pystr::buffer_bytes_raise(addr)?.to_vec())
}

fn getaddrinfo(args: &[Value]) -> PyResult<Value> {
    let host = pystr::as_str(args[0]).ok_or_else(|| raise::type_error("host must be str"))?;
    let mut hints = [0i32; 4];
    for (i, v) in args.iter().skip(2).enumerate() {
        if let Some(h) = hints.get_mut(i) {
            *h = int_arg(*v)?;
        }
    }
    let found = resolve(host, args[1], hints)?;
    let out = list::new(&[])?;
    for (fam, ty, proto, canon, addr) in found {
        let canon = match canon {
            Some(c) => pystr::new(&c)?,
            None => Value::NONE,
        };
        let t = tuple::new(&[
            Value::small_int(fam as isize),
            Value::small_int(ty as isize),
            Value::small_int(proto as isize),
            canon,
            upy_runtime::objs::bytearray::new(&addr)?,
        ])?;
        list::append(out, t)?;
    }
    Ok(out)
}

/// `socket.sockaddr(raw)`: (family, address bytes, port[, flowinfo, scope]).
fn sockaddr_fn(raw: Value) -> PyResult<Value> {
    let b = pystr::buffer_bytes_raise(raw)?;
    let fam = b.get(..2).map_or(0, |f| u16::from_ne_bytes([f[0], f[1]])) as i32;
    let port = |b: &[u8]| b.get(2..4).map_or(0, |p| u16::from_be_bytes([p[0], p[1]])) as isize;
    let be32 = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .map_or(0, |p| u32::from_be_bytes([p[0], p[1], p[2], p[3]])) as isize
    };
    if fam == libc::AF_INET && b.len() >= 8 {
        return tuple::new(&[
            Value::small_int(fam as isize),
            pystr::new_bytes(&b[4..8])?,
            Value::small_int(port(b)),
        ]);
    }
    if fam == libc::AF_INET6 && b.len() >= 28 {
        return tuple::new(&[
            Value::small_int(fam as isize),
            pystr::new_bytes(&b[8..24])?,
            Value::small_int(port(b)),
            Value::small_int(be32(b, 4)),
            Value::small_int(be32(b, 24)),
        ]);
    }
    tuple::new(&[
        Value::small_int(fam as isize),
        pystr::new_bytes(b.get(2..).unwrap_or(&[]))?,
    ])
}

fn inet_pton(family: Value, text: Value) -> PyResult<Value> {
    let fam = int_arg(family)?;
    let s = pystr::as_str(text).ok_or_else(|| raise::type_error("address must be str"))?;
    if fam == libc::AF_INET6 {
        let a: std::net::Ipv6Addr = s.parse().map_err(|_| raise::os_error(libc::EINVAL))?;
        return pystr::new_bytes(&a.octets());
    }
    if fam != libc::AF_INET {
        return Err(raise::os_error(libc::EAFNOSUPPORT));
    }
    let a: std::net::Ipv4Addr = s.parse().map_err(|_| raise::os_error(libc::EINVAL))?;
    pystr::new_bytes(&a.octets())
}

fn inet_ntop(family: Value, bin: Value) -> PyResult<Value> {
    let fam = int_arg(family)?;
    let b = pystr::buffer_bytes_raise(bin)?;
    let text = if fam == libc::AF_INET6 {
        let o: [u8; 16] = b
            .get(..16)
            .and_then(|x| x.try_into().ok())
            .ok_or_else(|| raise::os_error(libc::EINVAL))?;
        std::net::Ipv6Addr::from(o).to_string()
    } else if fam == libc::AF_INET {
        let o: [u8; 4] = b
            .get(..4)
            .and_then(|x| x.try_into().ok())
            .ok_or_else(|| raise::os_error(libc::EINVAL))?;
        std::net::Ipv4Addr::from(o).to_string()
    } else {
        return Err(raise::os_error(libc::EAFNOSUPPORT));
    };
    pystr::new(&text)
}

// --- methods ---

fn fileno(v: Value) -> PyResult<Value> {
    Ok(Value::small_int(this(v)?.fd as isize))
}

fn makefile(args: &[Value]) -> PyResult<Value> {
    // Like upstream: the socket is its own file.
    Ok(args[0])
}

fn connect(v: Value, addr: Value) -> PyResult<Value> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    let a = sockaddr(addr, s.family)?;
    loop {
        // SAFETY: `a` holds a sockaddr of `a.len()` bytes.
        let r = unsafe {
            libc::connect(
                fd,
                a.as_ptr() as *const libc::sockaddr,
                a.len() as libc::socklen_t,
            )
        };
        if r == 0 {
            return Ok(Value::NONE);
        }
        let mut e = errno();
        if s.blocking {
            if e == libc::EINTR {
                upy_runtime::vm::take_pending()?;
                continue;
            }
            if e == libc::EINPROGRESS {
                e = libc::ETIMEDOUT;
            }
        }
        return Err(raise::os_error(e));
    }
}

fn bind(v: Value, addr: Value) -> PyResult<Value> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    let a = sockaddr(addr, s.family)?;
    // SAFETY: `a` holds a sockaddr of `a.len()` bytes.
    check(unsafe {
        libc::bind(
            fd,
            a.as_ptr() as *const libc::sockaddr,
            a.len() as libc::socklen_t,
        )
    })?;
    Ok(Value::NONE)
}

fn listen(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let backlog = match args.get(1) {
        Some(b) => int_arg(*b)?.max(0),
        None => libc::SOMAXCONN.min(2),
    };
    // SAFETY: plain system call.
    check(unsafe { libc::listen(fd, backlog) })?;
    Ok(Value::NONE)
}

fn accept(v: Value) -> PyResult<Value> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    let mut addr = [0u8; 128];
    let mut len = addr.len() as libc::socklen_t;
    let nfd = sys(s, || {
        len = addr.len() as libc::socklen_t;
        // SAFETY: `addr` has room for `len` bytes.
        unsafe { libc::accept(fd, addr.as_mut_ptr() as *mut libc::sockaddr, &mut len) as isize }
    })?;
    let sock = new_socket(nfd as i32, s.family)?;
    let a = upy_runtime::objs::bytearray::new(&addr[..(len as usize).min(addr.len())])?;
    tuple::new(&[sock, a])
}

/// A zeroed receive buffer; an impossible size is a MemoryError, not an abort.
fn recv_buffer(n: usize) -> PyResult<Vec<u8>> {
    let mut buf = Vec::new();
    buf.try_reserve_exact(n)
        .map_err(|_| raise::memory_error(n))?;
    buf.resize(n, 0);
    Ok(buf)
}

fn flags_arg(v: Option<&Value>) -> PyResult<i32> {
    v.map_or(Ok(0), |f| int_arg(*f))
}

fn recv(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let n = int::get_isize(args[1])?.max(0) as usize;
    let flags = flags_arg(args.get(2))?;
    let mut buf = recv_buffer(n)?;
    let got = sys_raw(|| {
        // SAFETY: `buf` has room for `n` bytes.
        unsafe { libc::recv(fd, buf.as_mut_ptr() as *mut libc::c_void, n, flags) as isize }
    })?;
    pystr::new_bytes(&buf[..got as usize])
}

fn recvfrom(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let n = int::get_isize(args[1])?.max(0) as usize;
    let flags = flags_arg(args.get(2))?;
    let mut buf = recv_buffer(n)?;
    let mut addr = [0u8; 128];
    let mut len = addr.len() as libc::socklen_t;
    let got = sys_raw(|| {
        len = addr.len() as libc::socklen_t;
        // SAFETY: `buf` and `addr` have room for what is passed.
        unsafe {
            libc::recvfrom(
                fd,
                buf.as_mut_ptr() as *mut libc::c_void,
                n,
                flags,
                addr.as_mut_ptr() as *mut libc::sockaddr,
                &mut len,
            ) as isize
        }
    })?;
    let data = pystr::new_bytes(&buf[..got as usize])?;
    let a = pystr::new_bytes(&addr[..(len as usize).min(addr.len())])?;
    tuple::new(&[data, a])
}

fn send(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let data = pystr::buffer_bytes_raise(args[1])?;
    let flags = flags_arg(args.get(2))?;
    let n = sys_raw(|| {
        // SAFETY: `data` is a live buffer of its length.
        unsafe {
            libc::send(
                fd,
                data.as_ptr() as *const libc::c_void,
                data.len(),
                flags | libc::MSG_NOSIGNAL,
            ) as isize
        }
    })?;
    Ok(Value::small_int(n))
}

fn sendall(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let data = pystr::buffer_bytes_raise(args[1])?;
    let flags = flags_arg(args.get(2))?;
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        let n = sys_raw(|| {
            // SAFETY: `rest` is a live buffer of its length.
            unsafe {
                libc::send(
                    fd,
                    rest.as_ptr() as *const libc::c_void,
                    rest.len(),
                    flags | libc::MSG_NOSIGNAL,
                ) as isize
            }
        })?;
        done += n as usize;
    }
    Ok(Value::NONE)
}

fn sendto(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let data = pystr::buffer_bytes_raise(args[1])?;
    let (flags, addr) = match args {
        [_, _, f, a] => (int_arg(*f)?, *a),
        [_, _, a] => (0, *a),
        _ => return Err(raise::type_error("sendto(data, [flags,] address)")),
    };
    let a = sockaddr(addr, s.family)?;
    let n = sys_raw(|| {
        // SAFETY: `data` and `a` are live buffers of their lengths.
        unsafe {
            libc::sendto(
                fd,
                data.as_ptr() as *const libc::c_void,
                data.len(),
                flags | libc::MSG_NOSIGNAL,
                a.as_ptr() as *const libc::sockaddr,
                a.len() as libc::socklen_t,
            ) as isize
        }
    })?;
    Ok(Value::small_int(n))
}

fn setsockopt(args: &[Value]) -> PyResult<Value> {
    let s = this(args[0])?;
    let fd = open_fd(s)?;
    let level = int_arg(args[1])?;
    let opt = int_arg(args[2])?;
    let v = args[3];
    let r = if int::is_int(v) || v.is_bool() {
        let x: libc::c_int = int::get_isize(v)? as libc::c_int;
        // SAFETY: a c_int option value.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                &x as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    } else {
        let b = pystr::buffer_bytes_raise(v)?;
        // SAFETY: `b` is a live buffer of its length.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                b.as_ptr() as *const libc::c_void,
                b.len() as libc::socklen_t,
            )
        }
    };
    check(r)?;
    Ok(Value::NONE)
}

fn set_blocking(s: &mut Socket, on: bool) -> PyResult<()> {
    let fd = open_fd(s)?;
    // SAFETY: plain fcntl calls on an owned descriptor.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL, 0) };
    check(fl)?;
    let fl = if on {
        fl & !libc::O_NONBLOCK
    } else {
        fl | libc::O_NONBLOCK
    };
    // SAFETY: as above.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, fl) })?;
    s.blocking = on;
    Ok(())
}

fn setblocking(v: Value, flag: Value) -> PyResult<Value> {
    let on = upy_runtime::runtime::is_true(flag)?;
    set_blocking(this(v)?, on)?;
    Ok(Value::NONE)
}

fn settimeout(v: Value, t: Value) -> PyResult<Value> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    // None: no timeout, which SO_RCVTIMEO spells as zero; 0 means non-blocking.
    let (secs, usecs) = if t.is_none() {
        (0, 0)
    } else {
        let f = float::get_f64(t)?;
        let whole = f.trunc();
        (whole as i64, ((f - whole) * 1e6).round() as i64)
    };
    let blocking = t.is_none() || secs != 0 || usecs != 0;
    if blocking {
        let tv = libc::timeval {
            tv_sec: secs as libc::time_t,
            tv_usec: usecs as libc::suseconds_t,
        };
        for opt in [libc::SO_RCVTIMEO, libc::SO_SNDTIMEO] {
            // SAFETY: a timeval option value.
            check(unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    opt,
                    &tv as *const libc::timeval as *const libc::c_void,
                    std::mem::size_of::<libc::timeval>() as libc::socklen_t,
                )
            })?;
        }
    }
    if s.blocking != blocking {
        set_blocking(s, blocking)?;
    }
    Ok(Value::NONE)
}

// --- the stream protocol ---

fn stream_read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    let n = sys(s, || {
        // SAFETY: `buf` is a live buffer of its length.
        unsafe { libc::read(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) as isize }
    })?;
    Ok(n as usize)
}

fn stream_write(v: Value, buf: &[u8]) -> PyResult<usize> {
    let s = this(v)?;
    let fd = open_fd(s)?;
    let n = sys(s, || {
        // SAFETY: `buf` is a live buffer of its length.
        unsafe {
            libc::send(
                fd,
                buf.as_ptr() as *const libc::c_void,
                buf.len(),
                libc::MSG_NOSIGNAL,
            ) as isize
        }
    })?;
    Ok(n as usize)
}

fn stream_ioctl(v: Value, request: usize, arg: usize) -> PyResult<usize> {
    let s = this(v)?;
    match sio::split_request(request).0 {
        sio::STREAM_CLOSE => {
            if s.fd >= 0 {
                // SAFETY: the descriptor is owned by this socket and closed once.
                unsafe { libc::close(s.fd) };
                s.fd = -1;
            }
            Ok(0)
        }
        sio::STREAM_GET_FILENO => {
            if s.fd < 0 {
                return Err(raise::os_error(libc::EBADF));
            }
            Ok(s.fd as usize)
        }
        upy_runtime::modules::select::STREAM_POLL => {
            let mut p = libc::pollfd {
                fd: s.fd,
                events: arg as libc::c_short,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            check(unsafe { libc::poll(&mut p, 1, 0) })?;
            Ok(p.revents as u16 as usize)
        }
        sio::STREAM_FLUSH => Ok(0),
        _ => Err(raise::os_error(libc::EINVAL)),
    }
}

static SOCKET_STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: false,
};

static LOCALS: [(Qstr, Value); 24] = [
    upy_runtime::entry!(__del__, m::DEL),
    upy_runtime::entry!(__enter__, m::ENTER),
    upy_runtime::entry!(__exit__, m::EXIT),
    upy_runtime::entry!(accept, upy_runtime::fun!(accept, F1(accept))),
    upy_runtime::entry!(bind, upy_runtime::fun!(bind, F2(bind))),
    upy_runtime::entry!(close, m::CLOSE),
    upy_runtime::entry!(connect, upy_runtime::fun!(connect, F2(connect))),
    upy_runtime::entry!(fileno, upy_runtime::fun!(fileno, F1(fileno))),
    upy_runtime::entry!(
        listen,
        upy_runtime::fun!(
            listen,
            Var {
                min: 1,
                max: 2,
                f: listen
            }
        )
    ),
    upy_runtime::entry!(
        makefile,
        upy_runtime::fun!(
            makefile,
            Var {
                min: 1,
                max: 3,
                f: makefile
            }
        )
    ),
    upy_runtime::entry!(read, m::READ),
    upy_runtime::entry!(readinto, m::READINTO),
    upy_runtime::entry!(readline, m::READLINE),
    upy_runtime::entry!(
        recv,
        upy_runtime::fun!(
            recv,
            Var {
                min: 2,
                max: 3,
                f: recv
            }
        )
    ),
    upy_runtime::entry!(
        recvfrom,
        upy_runtime::fun!(
            recvfrom,
            Var {
                min: 2,
                max: 3,
                f: recvfrom
            }
        )
    ),
    upy_runtime::entry!(
        send,
        upy_runtime::fun!(
            send,
            Var {
                min: 2,
                max: 3,
                f: send
            }
        )
    ),
    upy_runtime::entry!(
        sendall,
        upy_runtime::fun!(
            sendall,
            Var {
                min: 2,
                max: 3,
                f: sendall
            }
        )
    ),
    upy_runtime::entry!(
        sendto,
        upy_runtime::fun!(
            sendto,
            Var {
                min: 3,
                max: 4,
                f: sendto
            }
        )
    ),
    upy_runtime::entry!(setblocking, upy_runtime::fun!(setblocking, F2(setblocking))),
    upy_runtime::entry!(
        setsockopt,
        upy_runtime::fun!(
            setsockopt,
            Var {
                min: 4,
                max: 4,
                f: setsockopt
            }
        )
    ),
    upy_runtime::entry!(settimeout, upy_runtime::fun!(settimeout, F2(settimeout))),
    upy_runtime::entry!(write, m::WRITE),
    upy_runtime::entry!(readlines, m::READLINES),
    upy_runtime::entry!(flush, m::FLUSH),
];

pub static SOCKET_TYPE: Type = Type {
    name: Q::socket,
    make_new: Some(make_new),
    print: Some(print),
    getiter: None,
    ext: &upy_runtime::obj::TypeExt {
        stream: Some(&SOCKET_STREAM),
        finalise: Some(finalise),
        ..upy_runtime::obj::TypeExt::NONE
    },
    locals: upy_runtime::locals!(&LOCALS),
    ..Type::EMPTY
};

const fn int_const(n: i32) -> Value {
    Value::small_int(n as isize)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::socket)),
    (Q::socket, Value::from_static(&SOCKET_TYPE)),
    (
        Q::getaddrinfo,
        upy_runtime::fun!(
            getaddrinfo,
            Var {
                min: 2,
                max: 6,
                f: getaddrinfo
            }
        ),
    ),
    (Q::inet_pton, upy_runtime::fun!(inet_pton, F2(inet_pton))),
    (Q::inet_ntop, upy_runtime::fun!(inet_ntop, F2(inet_ntop))),
    (Q::sockaddr, upy_runtime::fun!(sockaddr, F1(sockaddr_fn))),
    (Q::AF_UNIX, int_const(libc::AF_UNIX)),
    (Q::AF_INET, int_const(libc::AF_INET)),
    (Q::AF_INET6, int_const(libc::AF_INET6)),
    (Q::SOCK_STREAM, int_const(libc::SOCK_STREAM)),
    (Q::SOCK_DGRAM, int_const(libc::SOCK_DGRAM)),
    (Q::SOCK_RAW, int_const(libc::SOCK_RAW)),
    (Q::MSG_DONTROUTE, int_const(libc::MSG_DONTROUTE)),
    (Q::MSG_DONTWAIT, int_const(libc::MSG_DONTWAIT)),
    (Q::MSG_PEEK, int_const(libc::MSG_PEEK)),
    (Q::SOL_SOCKET, int_const(libc::SOL_SOCKET)),
    (Q::SO_BROADCAST, int_const(libc::SO_BROADCAST)),
    (Q::SO_ERROR, int_const(libc::SO_ERROR)),
    (Q::SO_KEEPALIVE, int_const(libc::SO_KEEPALIVE)),
    (Q::SO_LINGER, int_const(libc::SO_LINGER)),
    (Q::SO_REUSEADDR, int_const(libc::SO_REUSEADDR)),
    (Q::IPPROTO_TCP, int_const(libc::IPPROTO_TCP)),
    (Q::IPPROTO_UDP, int_const(libc::IPPROTO_UDP)),
    (Q::TCP_NODELAY, int_const(libc::TCP_NODELAY)),
    (Q::IP_ADD_MEMBERSHIP, int_const(libc::IP_ADD_MEMBERSHIP)),
    (Q::IP_DROP_MEMBERSHIP, int_const(libc::IP_DROP_MEMBERSHIP)),
];

pub static MODULE: Module = Module::new_static(Q::socket, upy_runtime::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_numeric_hosts() {
        let r = resolve("127.0.0.1", Value::small_int(80), [libc::AF_INET, 0, 0, 0]).unwrap();
        let first = &r[0];
        assert_eq!(first.0, libc::AF_INET);
        // sockaddr_in: family, port 80 big-endian, 127.0.0.1.
        assert_eq!(&first.4[2..8], &[0, 80, 127, 0, 0, 1]);
    }
}
