//! The value word: every Python value is one machine word.
//!
//! ```text
//!   ...xxxx xxx1   small int, value in the upper bits (63 bits on 64-bit, 31 on 32-bit)
//!   ...xxxx x010   qstr (interned string), id in the upper bits
//!   ...xxxx x110   immediate constant: 0 None, 1 False, 2 True
//!   ...xxxx xx00   pointer to a heap or static object whose first word is its type
//!   0              NULL, an internal sentinel (absent value), never visible to Python
//! ```
//! This is MicroPython's "representation A".
//!
//! # Safety
//! A pointer-tagged value always points at a live object that starts with [`ObjBase`]:
//! either a `static` built-in or a GC heap allocation kept alive by the conservative scan
//! (see `gc.rs`). `Value` is `Send`/`Sync` only so that static tables can hold it; the
//! runtime is single-threaded by construction (one interpreter state per port).

use crate::obj::{ObjBase, Type};
use crate::qstr::Qstr;
use core::ptr;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(*const ());

// SAFETY: see the module invariants; values are only shared through static tables.
unsafe impl Sync for Value {}
// SAFETY: as above.
unsafe impl Send for Value {}

/// Bits available to a small int (including sign).
pub const SMALL_INT_BITS: u32 = usize::BITS - 1;
pub const SMALL_INT_MAX: isize = isize::MAX >> 1;
pub const SMALL_INT_MIN: isize = isize::MIN >> 1;

impl Value {
    pub const NULL: Value = Value(ptr::null());
    pub const NONE: Value = Value::immediate(0);
    pub const FALSE: Value = Value::immediate(1);
    pub const TRUE: Value = Value::immediate(2);

    const fn immediate(n: usize) -> Value {
        Value(ptr::without_provenance((n << 3) | 6))
    }

    #[inline(always)]
    pub fn bits(self) -> usize {
        self.0 as usize
    }

    #[inline(always)]
    pub const fn from_bits(bits: usize) -> Value {
        Value(ptr::without_provenance(bits))
    }

    /// A value for a `static` object (a built-in function, type, module...).
    pub const fn from_static<T>(r: &'static T) -> Value {
        Value(r as *const T as *const ())
    }

    /// A value for a heap object. `p` must point at an object starting with [`ObjBase`].
    #[inline(always)]
    pub fn from_ptr<T>(p: *const T) -> Value {
        Value(p as *const ())
    }

    #[inline(always)]
    pub fn is_null(self) -> bool {
        self.bits() == 0
    }

    #[inline(always)]
    pub fn is_none(self) -> bool {
        self.bits() == Value::NONE.bits()
    }

    #[inline(always)]
    pub const fn from_bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self.bits() == Value::TRUE.bits() || self.bits() == Value::FALSE.bits()
    }

    // --- small ints ---

    #[inline(always)]
    pub fn is_small_int(self) -> bool {
        self.bits() & 1 == 1
    }

    /// Whether `n` fits a small int.
    #[inline(always)]
    pub const fn fits_small_int(n: isize) -> bool {
        // Shifting out and back must round-trip.
        ((n << 1) >> 1) == n
    }

    /// Caller guarantees `fits_small_int(n)`.
    #[inline(always)]
    pub const fn small_int(n: isize) -> Value {
        Value::from_bits(((n << 1) | 1) as usize)
    }

    #[inline(always)]
    pub fn as_small_int_unchecked(self) -> isize {
        (self.bits() as isize) >> 1
    }

    #[inline(always)]
    pub fn as_small_int(self) -> Option<isize> {
        if self.is_small_int() {
            Some(self.as_small_int_unchecked())
        } else {
            None
        }
    }

    // --- qstrs ---

    #[inline(always)]
    pub fn is_qstr(self) -> bool {
        self.bits() & 7 == 2
    }

    #[inline(always)]
    pub const fn qstr(q: Qstr) -> Value {
        Value::from_bits(((q.0 as usize) << 3) | 2)
    }

    #[inline(always)]
    pub fn as_qstr(self) -> Option<Qstr> {
        if self.is_qstr() {
            Some(Qstr((self.bits() >> 3) as u32))
        } else {
            None
        }
    }

    #[inline(always)]
    pub fn is_immediate(self) -> bool {
        self.bits() & 7 == 6
    }

    // --- heap / static objects ---

    #[inline(always)]
    pub fn is_obj(self) -> bool {
        self.bits() & 3 == 0 && self.bits() != 0
    }

    /// Pointer to the object header. Only meaningful when [`Value::is_obj`].
    #[inline(always)]
    pub fn as_ptr<T>(self) -> *mut T {
        self.0 as *mut T
    }

    /// The type of any value.
    #[inline]
    pub fn type_of(self) -> &'static Type {
        if self.is_obj() {
            // SAFETY: object values point at an ObjBase (module invariant).
            unsafe { (*(self.0 as *const ObjBase)).ty() }
        } else if self.is_small_int() {
            &crate::objs::int::TYPE
        } else if self.is_qstr() {
            &crate::objs::str::TYPE
        } else if self.bits() == Value::NONE.bits() {
            &crate::objs::none::TYPE
        } else if self.is_bool() {
            &crate::objs::bool::TYPE
        } else {
            // NULL or an unknown immediate: report as NoneType rather than crash.
            &crate::objs::none::TYPE
        }
    }

    /// Whether this value's type is exactly `ty` (no subclass check).
    #[inline(always)]
    pub fn is_type(self, ty: &'static Type) -> bool {
        ptr::eq(self.type_of(), ty)
    }

    /// Borrow the object as `T` if its type is exactly `ty`.
    // A value is a handle to GC memory, not a Rust borrow: the returned reference's
    // mutability comes from the heap object, not from `self`.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub fn downcast<T>(self, ty: &'static Type) -> Option<&'static mut T> {
        // The check is not generic, so it is compiled once rather than once per `T`.
        if self.is_obj_of_type(ty) {
            // SAFETY: the type check guarantees the layout `T` belongs to `ty`.
            Some(unsafe { &mut *(self.0 as *mut T) })
        } else {
            None
        }
    }

    /// Whether this is an object whose type is exactly `ty`.
    #[inline]
    pub fn is_obj_of_type(self, ty: &'static Type) -> bool {
        self.is_obj() && self.is_type(ty)
    }

    /// Borrow the object as `T` without checking. Debug builds check.
    ///
    /// # Safety
    /// `self` must be an object whose type uses layout `T`.
    #[inline(always)]
    pub unsafe fn downcast_unchecked<T>(self) -> &'static mut T {
        debug_assert!(self.is_obj());
        // SAFETY: guaranteed by the caller.
        unsafe { &mut *(self.0 as *mut T) }
    }
}

impl core::fmt::Debug for Value {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.is_small_int() {
            write!(f, "Int({})", self.as_small_int_unchecked())
        } else if let Some(q) = self.as_qstr() {
            write!(f, "Qstr({:?})", q.as_str())
        } else if self.is_null() {
            f.write_str("NULL")
        } else if self.is_none() {
            f.write_str("None")
        } else if self.is_bool() {
            write!(f, "{}", *self == Value::TRUE)
        } else {
            write!(f, "Obj({}@{:p})", self.type_of().name.as_str(), self.0)
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::from_bool(b)
    }
}

impl From<Qstr> for Value {
    fn from(q: Qstr) -> Value {
        Value::qstr(q)
    }
}
