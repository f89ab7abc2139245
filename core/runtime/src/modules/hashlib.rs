//! `hashlib`: sha256, sha1 and md5 hash objects (extmod/modhashlib.c) over the RustCrypto
//! `sha2`, `sha1` and `md-5` crates. The hasher state is plain data stored inside the GC
//! object, so a hash object costs one heap allocation and nothing on Rust's heap.
//!
//! As upstream, `digest()` finalises the object: a second `digest()` or a later `update()`
//! raises `ValueError: hash is final`. There is no `hexdigest` (upstream has none either).

use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{list, module::Module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use sha2::Digest;

/// The algorithm's running state.
enum State {
    Sha256(sha2::Sha256),
    #[cfg(feature = "hashlib_sha1")]
    Sha1(sha1::Sha1),
    #[cfg(feature = "hashlib_md5")]
    Md5(md5::Md5),
}

#[repr(C)]
struct Hash {
    base: ObjBase,
    is_final: bool,
    state: State,
}

fn this(v: Value) -> PyResult<&'static mut Hash> {
    let ty = v.type_of();
    if HASH_TYPES.iter().any(|t| ty.is_type_of(t)) {
        // SAFETY: the hash types share the Hash layout; subclasses reach here as
        // their native part (built-in methods receive it).
        return Ok(unsafe { v.downcast_unchecked() });
    }
    Err(raise::type_error("expected a hash object"))
}

/// Every hash type of this build (they share the `Hash` layout).
static HASH_TYPES: &[&Type] = &[
    &SHA256_TYPE,
    #[cfg(feature = "hashlib_sha1")]
    &SHA1_TYPE,
    #[cfg(feature = "hashlib_md5")]
    &MD5_TYPE,
];

fn new_state(ty: &'static Type) -> State {
    #[cfg(feature = "hashlib_sha1")]
    if core::ptr::eq(ty, &SHA1_TYPE) {
        return State::Sha1(sha1::Sha1::new());
    }
    #[cfg(feature = "hashlib_md5")]
    if core::ptr::eq(ty, &MD5_TYPE) {
        return State::Md5(md5::Md5::new());
    }
    let _ = ty;
    State::Sha256(sha2::Sha256::new())
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 1)?;
    let state = new_state(ty);
    let h = Value::from_ptr(crate::mem::alloc(Hash {
        base: ObjBase::new(ty),
        is_final: false,
        state,
    })?);
    if let Some(data) = args.first() {
        update(h, *data)?;
    }
    Ok(h)
}

fn check_not_final(h: &Hash) -> PyResult<()> {
    if h.is_final {
        return Err(raise::value_error("hash is final"));
    }
    Ok(())
}

fn update(this_v: Value, data: Value) -> PyResult<Value> {
    let h = this(this_v)?;
    check_not_final(h)?;
    let bytes = pystr::buffer_bytes_raise(data)?;
    match &mut h.state {
        State::Sha256(s) => s.update(bytes),
        #[cfg(feature = "hashlib_sha1")]
        State::Sha1(s) => s.update(bytes),
        #[cfg(feature = "hashlib_md5")]
        State::Md5(s) => s.update(bytes),
    }
    Ok(Value::NONE)
}

fn digest(this_v: Value) -> PyResult<Value> {
    let h = this(this_v)?;
    check_not_final(h)?;
    h.is_final = true;
    match &mut h.state {
        State::Sha256(s) => pystr::new_bytes(&s.finalize_reset()),
        #[cfg(feature = "hashlib_sha1")]
        State::Sha1(s) => pystr::new_bytes(&s.finalize_reset()),
        #[cfg(feature = "hashlib_md5")]
        State::Md5(s) => pystr::new_bytes(&s.finalize_reset()),
    }
}

static LOCALS: [(Qstr, Value); 2] = [
    crate::entry!(update, crate::fun!(update, F2(update))),
    crate::entry!(digest, crate::fun!(digest, F1(digest))),
];

pub static SHA256_TYPE: Type = Type {
    name: Q::sha256,
    make_new: Some(make_new),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

#[cfg(feature = "hashlib_sha1")]
pub static SHA1_TYPE: Type = Type {
    name: Q::sha1,
    make_new: Some(make_new),
    locals: SHA256_TYPE.locals,
    ..Type::EMPTY
};

#[cfg(feature = "hashlib_md5")]
pub static MD5_TYPE: Type = Type {
    name: Q::md5,
    make_new: Some(make_new),
    locals: SHA256_TYPE.locals,
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::hashlib)),
    #[cfg(feature = "hashlib_md5")]
    (Q::md5, Value::from_static(&MD5_TYPE)),
    #[cfg(feature = "hashlib_sha1")]
    (Q::sha1, Value::from_static(&SHA1_TYPE)),
    (Q::sha256, Value::from_static(&SHA256_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::hashlib, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn hash_of(ty: &'static Type, data: &[u8]) -> alloc::vec::Vec<u8> {
        let h = make_new(ty, &[pystr::new_bytes(data).unwrap()], &[]).unwrap();
        let d = digest(h).unwrap();
        pystr::as_bytes(d).unwrap().to_vec()
    }

    #[test]
    #[cfg(all(feature = "hashlib_sha1", feature = "hashlib_md5"))]
    fn known_digests() {
        with_vm(|| {
            assert_eq!(
                hash_of(&MD5_TYPE, b"abc"),
                [
                    0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d, 0x28,
                    0xe1, 0x7f, 0x72
                ]
            );
            assert_eq!(hash_of(&SHA1_TYPE, b"abc")[..4], [0xa9, 0x99, 0x3e, 0x36]);
            assert_eq!(hash_of(&SHA256_TYPE, b"abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
        });
    }

    #[test]
    fn digest_finalises() {
        with_vm(|| {
            let h = make_new(&SHA256_TYPE, &[], &[]).unwrap();
            assert!(digest(h).is_ok());
            assert!(digest(h).is_err());
            assert!(update(h, pystr::new_bytes(b"x").unwrap()).is_err());
        });
    }
}
