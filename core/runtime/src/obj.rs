//! The object model: the header every object starts with, and [`Type`], the table of slots
//! through which the runtime operates on values. Built-in types are `static Type`s;
//! user-defined classes are `Type`s allocated on the GC heap (see `objs/r#type.rs`).
//!
//! A slot that a type does not fill is `None`; a slot that is filled but does not support a
//! particular operand returns `Ok(None)` and the runtime raises the right error (mirrors
//! MicroPython's `MP_OBJ_NULL` convention in py/obj.h).

use crate::qstr::Qstr;
use crate::value::Value;

/// Every object (static or heap) starts with this header.
#[repr(C)]
pub struct ObjBase {
    ty: *const Type,
}

// SAFETY: headers of static objects are immutable; the runtime is single-threaded.
unsafe impl Sync for ObjBase {}

impl ObjBase {
    pub const fn new(ty: &'static Type) -> ObjBase {
        ObjBase { ty }
    }

    /// Header for an instance of a heap type.
    pub fn of(ty: *const Type) -> ObjBase {
        ObjBase { ty }
    }

    #[inline(always)]
    pub fn ty(&self) -> &'static Type {
        // SAFETY: `ty` is a static type or a heap type kept alive because this object
        // (which is being used) references it and the collector scans every word.
        unsafe { &*self.ty }
    }
}

/// A Python exception travelling up as a Rust error. Holds the exception instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyErr(pub Value);

pub type PyResult<T> = Result<T, PyErr>;

/// What `print`-style conversion is wanted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrintKind {
    Str,
    Repr,
    /// Exception message form (`str(e)` of the args without the type name).
    Exc,
}

/// A sink for text produced by printing objects.
pub trait Print {
    fn write_str(&mut self, s: &str) -> PyResult<()>;

    fn write_char(&mut self, c: char) -> PyResult<()> {
        let mut buf = [0u8; 4];
        self.write_str(c.encode_utf8(&mut buf))
    }
}

/// Attribute access requested from a type's `attr` slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttrOp {
    Load,
    Store(Value),
    Delete,
}

/// Item access requested from a type's `subscr` slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SubscrOp {
    Load,
    Store(Value),
    Delete,
}

/// A contiguous byte buffer exposed by bytes, bytearray, array, memoryview...
#[derive(Clone, Copy, Debug)]
pub struct Buffer {
    pub ptr: *mut u8,
    pub len: usize,
    /// struct-module typecode of the items (`b'B'` for bytes).
    pub typecode: u8,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BufferAccess {
    Read,
    Write,
}

/// Stream protocol for file-like objects (io, sockets, uart).
pub struct Stream {
    /// Read up to `buf.len()` bytes; `Ok(0)` at end of file.
    pub read: fn(obj: Value, buf: &mut [u8]) -> PyResult<usize>,
    pub write: fn(obj: Value, buf: &[u8]) -> PyResult<usize>,
    /// ioctl-style control (flush, seek, poll, close), MicroPython's request numbers.
    pub ioctl: fn(obj: Value, request: usize, arg: usize) -> PyResult<usize>,
    /// Whether the stream is text (str) or binary (bytes).
    pub is_text: bool,
}

pub type MakeNewFn = fn(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value>;
pub type PrintFn = fn(out: &mut dyn Print, obj: Value, kind: PrintKind) -> PyResult<()>;
/// `kw` holds keyword arguments as flattened (name, value) pairs.
pub type CallFn = fn(obj: Value, args: &[Value], kw: &[Value]) -> PyResult<Value>;
pub type UnaryOpFn = fn(op: u8, obj: Value) -> PyResult<Option<Value>>;
pub type BinaryOpFn = fn(op: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>>;
pub type AttrFn = fn(obj: Value, attr: Qstr, op: AttrOp) -> PyResult<Option<Value>>;
pub type SubscrFn = fn(obj: Value, index: Value, op: SubscrOp) -> PyResult<Option<Value>>;
pub type GetIterFn = fn(obj: Value) -> PyResult<Value>;
/// `Ok(None)` means the iterator is exhausted (StopIteration without allocating it).
pub type IterNextFn = fn(obj: Value) -> PyResult<Option<Value>>;
pub type BufferFn = fn(obj: Value, access: BufferAccess) -> Option<Buffer>;

pub mod flags {
    /// Instances of this type are heap types (user classes) with a dict.
    pub const IS_HEAP: u16 = 1 << 0;
    /// `==` may be true for non-identical objects of other types (numbers).
    pub const EQ_CHECKS_OTHER_TYPE: u16 = 1 << 1;
    /// `x == x` is not always true (float nan).
    pub const EQ_NOT_REFLEXIVE: u16 = 1 << 2;
    /// Equality is identity; the runtime need not call binary_op for `==`.
    pub const EQ_IS_IDENTITY: u16 = 1 << 3;
    /// The iternext slot is the type's `__next__`, and `iter(x)` returns x.
    pub const ITER_IS_ITERNEXT: u16 = 1 << 4;
    /// May be subclassed from Python.
    pub const BASETYPE: u16 = 1 << 5;
    /// An exception type (BaseException or a subclass).
    pub const EXCEPTION: u16 = 1 << 6;
    /// `!=` has its own test (`__ne__`), tried before negating `==`.
    pub const EQ_HAS_NEQ_TEST: u16 = 1 << 8;
    /// A function: found on a type through an instance, it binds the instance as `self`.
    pub const BINDS_SELF: u16 = 1 << 7;
}

/// A type: name, slots, and the table of attributes (methods, class attributes).
#[repr(C)]
pub struct Type {
    pub base: ObjBase,
    pub name: Qstr,
    pub flags: u16,
    /// Methods and class attributes of a built-in type, searched linearly (`locals!`).
    pub locals: LocalsRef,
    pub make_new: Option<MakeNewFn>,
    pub print: Option<PrintFn>,
    pub unary_op: Option<UnaryOpFn>,
    pub binary_op: Option<BinaryOpFn>,
    pub attr: Option<AttrFn>,
    pub subscr: Option<SubscrFn>,
    pub getiter: Option<GetIterFn>,
    pub iternext: Option<IterNextFn>,
    /// The slots few types have ([`TypeExt::NONE`] when none).
    pub ext: &'static TypeExt,
    /// Built-in single inheritance (bool -> int, exception hierarchy).
    pub parent: Option<&'static Type>,
}

/// The slots only a few types fill, kept out of [`Type`] so the others do not pay for them
/// (read through `Type::buffer`, `Type::stream`, `Type::finalise`).
pub struct TypeExt {
    /// Calls of Python functions do not come here (the VM runs them directly).
    pub call: Option<CallFn>,
    pub buffer: Option<BufferFn>,
    pub stream: Option<&'static Stream>,
    /// Called by the collector on unreachable instances allocated with a finaliser.
    pub finalise: Option<fn(obj: Value)>,
}

impl TypeExt {
    pub const NONE: TypeExt = TypeExt {
        call: None,
        buffer: None,
        stream: None,
        finalise: None,
    };

    /// Only a call slot: `ext: &TypeExt::call(f)`.
    pub const fn call(f: CallFn) -> TypeExt {
        TypeExt {
            call: Some(f),
            ..TypeExt::NONE
        }
    }

    /// Only a buffer slot: `ext: &TypeExt::buffer(f)`.
    pub const fn buffer(f: BufferFn) -> TypeExt {
        TypeExt {
            buffer: Some(f),
            ..TypeExt::NONE
        }
    }

    /// Only a stream slot: `ext: &TypeExt::stream(&S)`.
    pub const fn stream(s: &'static Stream) -> TypeExt {
        TypeExt {
            stream: Some(s),
            ..TypeExt::NONE
        }
    }
}

/// A class made at run time (flag `IS_HEAP`): its `Type`, then what only classes have, so
/// the static types carry no room for it.
#[repr(C)]
pub struct HeapType {
    pub ty: Type,
    /// The class dict (a `dict` value).
    pub dict: Value,
    /// The bases tuple.
    pub bases: Value,
}

// SAFETY: static types are immutable; heap types are only touched by the single
// interpreter thread.
unsafe impl Sync for Type {}

impl Type {
    /// A type with no slots, for `..Type::EMPTY` in static definitions.
    pub const EMPTY: Type = Type {
        base: ObjBase::new(&crate::objs::r#type::TYPE),
        name: Qstr(0),
        flags: 0,
        make_new: None,
        print: None,
        unary_op: None,
        binary_op: None,
        attr: None,
        subscr: None,
        getiter: None,
        iternext: None,
        ext: &TypeExt::NONE,
        locals: LocalsRef::EMPTY,
        parent: None,
    };

    #[inline(always)]
    pub fn has_flag(&self, f: u16) -> bool {
        self.flags & f != 0
    }

    pub fn is_heap(&self) -> bool {
        self.has_flag(flags::IS_HEAP)
    }

    /// The class part of a heap type.
    #[inline]
    pub fn heap(&self) -> Option<&HeapType> {
        if self.is_heap() {
            // SAFETY: only `new_class` sets IS_HEAP, on a type it allocates as a HeapType.
            Some(unsafe { &*(self as *const Type as *const HeapType) })
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn call(&self) -> Option<CallFn> {
        self.ext.call
    }

    #[inline]
    pub fn buffer(&self) -> Option<BufferFn> {
        self.ext.buffer
    }

    #[inline]
    pub fn stream(&self) -> Option<&'static Stream> {
        self.ext.stream
    }

    #[inline]
    pub fn finalise(&self) -> Option<fn(obj: Value)> {
        self.ext.finalise
    }

    /// A heap type's class dict; NULL for a built-in type.
    #[inline]
    pub fn dict(&self) -> Value {
        self.heap().map_or(Value::NULL, |h| h.dict)
    }

    /// A heap type's bases tuple; NULL for a built-in type.
    #[inline]
    pub fn bases(&self) -> Value {
        self.heap().map_or(Value::NULL, |h| h.bases)
    }

    /// The type as a Python value.
    pub fn as_value(&'static self) -> Value {
        Value::from_static(self)
    }

    /// Look up `name` in this type's own static table.
    #[inline]
    pub fn local(&self, name: Qstr) -> Option<Value> {
        self.locals.get(name)
    }
}

/// A built-in type's attribute table as stored: the values, then the names (2 bytes each:
/// every name in a static table is a static qstr), split so no entry pays for padding after
/// its name. Made from a `(Qstr, Value)` table by [`locals!`].
#[repr(C)]
pub struct Locals<const N: usize> {
    values: [Value; N],
    keys: [u16; N],
}

// SAFETY: immutable static data.
unsafe impl<const N: usize> Sync for Locals<N> {}

impl<const N: usize> Locals<N> {
    pub const fn new(table: &[(Qstr, Value)]) -> Locals<N> {
        let mut keys = [0u16; N];
        let mut values = [Value::NULL; N];
        let mut i = 0;
        while i < N {
            let q = table[i].0 .0;
            assert!(q <= u16::MAX as u32, "attribute names are static qstrs");
            keys[i] = q as u16;
            values[i] = table[i].1;
            i += 1;
        }
        assert!(N <= u16::MAX as usize);
        Locals { values, keys }
    }

    pub const fn table(&'static self) -> LocalsRef {
        LocalsRef {
            len: N as u16,
            values: self as *const Locals<N> as *const Value,
        }
    }
}

/// The table of a type without attributes of its own.
static NO_LOCALS: Locals<0> = Locals::new(&[]);

/// A [`Locals`] table of any length. Packed to 2-byte alignment so that in [`Type`] its
/// length fills the room after `flags` and the whole costs one word.
#[derive(Clone, Copy)]
#[repr(C, packed(2))]
pub struct LocalsRef {
    len: u16,
    values: *const Value,
}

impl LocalsRef {
    pub const EMPTY: LocalsRef = NO_LOCALS.table();

    #[inline]
    pub fn len(self) -> usize {
        self.len as usize
    }

    #[inline]
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    #[inline]
    fn values(self) -> &'static [Value] {
        // SAFETY: made by `Locals::table`: `len` values at `values`.
        unsafe { core::slice::from_raw_parts(self.values, self.len as usize) }
    }

    /// The names, as stored (static qstr numbers).
    #[inline]
    fn keys(self) -> &'static [u16] {
        let n = self.len as usize;
        // SAFETY: `Locals` is repr(C): `len` names follow the `len` values.
        unsafe { core::slice::from_raw_parts(self.values.add(n) as *const u16, n) }
    }

    /// The value stored under `name`.
    #[inline]
    pub fn get(self, name: Qstr) -> Option<Value> {
        self.position(name).and_then(|i| self.value_at(i))
    }

    /// Where `name` is in the table.
    #[inline]
    pub fn position(self, name: Qstr) -> Option<usize> {
        self.keys().iter().position(|&k| k as u32 == name.0)
    }

    /// The value at position `i`.
    #[inline]
    pub fn value_at(self, i: usize) -> Option<Value> {
        self.values().get(i).copied()
    }

    /// The entries in table order.
    pub fn iter(self) -> impl Iterator<Item = (Qstr, Value)> {
        self.keys()
            .iter()
            .map(|&k| Qstr(k as u32))
            .zip(self.values().iter().copied())
    }
}

/// A type's `locals` from a `&[(Qstr, Value)]` table (an array or slice static, read at
/// build time; only the split copy made here ends up in the image):
/// `locals: locals!(&LOCALS)`.
#[macro_export]
macro_rules! locals {
    ($table:expr) => {{
        const T: &[($crate::qstr::Qstr, $crate::value::Value)] = $table;
        static L: $crate::obj::Locals<{ T.len() }> = $crate::obj::Locals::new(T);
        L.table()
    }};
}

/// Build a static attribute table entry: `entry!(name, value)`.
#[macro_export]
macro_rules! entry {
    ($name:ident, $val:expr) => {
        ($crate::qstr::Q::$name, $val)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qstr::Q;

    static ODD: [(Qstr, Value); 3] = [
        (Q::append, Value::small_int(1)),
        (Q::pop, Value::small_int(2)),
        (Q::sort, Value::NONE),
    ];
    static EVEN: &[(Qstr, Value)] = &[(Q::keys, Value::TRUE), (Q::items, Value::FALSE)];

    #[test]
    fn split_tables_find_and_list_every_entry() {
        for table in [&ODD[..], EVEN] {
            let r = match table.len() {
                3 => crate::locals!(&ODD),
                _ => crate::locals!(EVEN),
            };
            assert_eq!(r.len(), table.len());
            for &(k, v) in table {
                assert_eq!(r.get(k), Some(v));
            }
            assert!(r.iter().eq(table.iter().copied()));
            assert_eq!(r.get(Q::index), None);
            // A run-time qstr past the 2-byte range never matches a stored name.
            assert_eq!(r.get(Qstr(table[0].0 .0 + 0x1_0000)), None);
        }
        assert!(LocalsRef::EMPTY.is_empty());
        assert_eq!(LocalsRef::EMPTY.iter().count(), 0);
        assert!(crate::objs::list::TYPE.local(Q::append).is_some());
    }

    #[test]
    fn type_record_size() {
        // Header (type, name, flags, locals) plus eight slot words, ext and parent.
        let w = core::mem::size_of::<usize>();
        let head = if w == 4 { 16 } else { 24 };
        assert_eq!(core::mem::size_of::<Type>(), head + 10 * w);
        assert_eq!(core::mem::size_of::<LocalsRef>(), 2 + w);
    }
}
