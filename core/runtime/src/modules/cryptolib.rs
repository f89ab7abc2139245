//! `cryptolib`: the `aes(key, mode[, IV])` cipher object (extmod/modcryptolib.c) with modes
//! 1 (ECB), 2 (CBC) and 6 (CTR). The block cipher is the RustCrypto `aes` crate; the modes
//! are ours. The expanded key schedule lives inside the GC object.
//!
//! Upstream's rules kept here: the first of encrypt/decrypt fixes the direction of the
//! object (the other raises `can't encrypt & decrypt`; CTR is symmetric but still bound),
//! CBC chains its IV across calls, and CTR keeps its counter and the unused part of the
//! last keystream block across calls, so a message may be processed in pieces.

use crate::obj::{BufferAccess, ObjBase, PyResult, Type};
use crate::objs::{int, list, module::Module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use crate::vstr::VStr;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

const MODE_ECB: isize = 1;
const MODE_CBC: isize = 2;
const MODE_CTR: isize = 6;

const DIR_NONE: u8 = 0;
const DIR_ENC: u8 = 1;
const DIR_DEC: u8 = 2;

enum Cipher {
    Aes128(aes::Aes128),
    Aes256(aes::Aes256),
}

impl Cipher {
    fn encrypt(&self, block: &mut [u8; 16]) {
        let b: &mut Array<u8, _> = block.into();
        match self {
            Cipher::Aes128(c) => c.encrypt_block(b),
            Cipher::Aes256(c) => c.encrypt_block(b),
        }
    }

    fn decrypt(&self, block: &mut [u8; 16]) {
        let b: &mut Array<u8, _> = block.into();
        match self {
            Cipher::Aes128(c) => c.decrypt_block(b),
            Cipher::Aes256(c) => c.decrypt_block(b),
        }
    }
}

#[repr(C)]
struct Aes {
    base: ObjBase,
    mode: isize,
    direction: u8,
    /// CBC: the chaining block. CTR: the counter block (big-endian, incremented per block).
    iv: [u8; 16],
    /// CTR: the keystream block for the counter before `iv`, and how much of it is used.
    keystream: [u8; 16],
    ks_used: usize,
    cipher: Cipher,
}

fn this(v: Value) -> PyResult<&'static mut Aes> {
    v.downcast(&AES_TYPE)
        .ok_or_else(|| raise::type_error("expected an aes object"))
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 2, 3)?;
    let mode = int::get_isize(args[1])?;
    if !matches!(mode, MODE_ECB | MODE_CBC | MODE_CTR) {
        return Err(raise::value_error("mode"));
    }
    let key = pystr::buffer_bytes_raise(args[0])?;
    let cipher = match key.len() {
        16 => aes::Aes128::new_from_slice(key).map(Cipher::Aes128),
        32 => aes::Aes256::new_from_slice(key).map(Cipher::Aes256),
        _ => return Err(raise::value_error("key")),
    }
    .map_err(|_| raise::value_error("key"))?;
    let mut iv = [0u8; 16];
    match args.get(2) {
        Some(v) if !v.is_none() => {
            let b = pystr::buffer_bytes_raise(*v)?;
            iv = b.try_into().map_err(|_| raise::value_error("IV"))?;
        }
        _ if mode != MODE_ECB => return Err(raise::value_error("IV")),
        _ => {}
    }
    Ok(Value::from_ptr(crate::mem::alloc(Aes {
        base: ObjBase::new(ty),
        mode,
        direction: DIR_NONE,
        iv,
        keystream: [0; 16],
        ks_used: 16,
        cipher,
    })?))
}

fn increment_be(counter: &mut [u8; 16]) {
    for b in counter.iter_mut().rev() {
        *b = b.wrapping_add(1);
        if *b != 0 {
            break;
        }
    }
}

/// One block through the object's mode, advancing its chaining state.
fn process_block(a: &mut Aes, block: &mut [u8; 16], encrypt: bool) {
    match (a.mode, encrypt) {
        (MODE_CBC, true) => {
            for (b, v) in block.iter_mut().zip(a.iv.iter()) {
                *b ^= v;
            }
            a.cipher.encrypt(block);
            a.iv = *block;
        }
        (MODE_CBC, false) => {
            let next_iv = *block;
            a.cipher.decrypt(block);
            for (b, v) in block.iter_mut().zip(a.iv.iter()) {
                *b ^= v;
            }
            a.iv = next_iv;
        }
        (_, true) => a.cipher.encrypt(block),
        (_, false) => a.cipher.decrypt(block),
    }
}

/// CTR: XOR `data` with the keystream, continuing where the previous call stopped.
fn process_ctr(a: &mut Aes, data: &mut [u8]) {
    for b in data.iter_mut() {
        if a.ks_used >= 16 {
            a.keystream = a.iv;
            a.cipher.encrypt(&mut a.keystream);
            increment_be(&mut a.iv);
            a.ks_used = 0;
        }
        *b ^= a.keystream[a.ks_used];
        a.ks_used += 1;
    }
}

fn process(args: &[Value], encrypt: bool) -> PyResult<Value> {
    let a = this(args[0])?;
    let input = pystr::get_buffer(args[1], BufferAccess::Read)
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
    let len = input.len;
    if a.mode != MODE_CTR && len % 16 != 0 {
        return Err(raise::value_error("blksize % 16"));
    }
    let out_arg = args.get(2).copied();
    let out_ptr = match out_arg {
        Some(o) => {
            let b = pystr::get_buffer(o, BufferAccess::Write)
                .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
            if b.len < len {
                return Err(raise::value_error("output too small"));
            }
            b.ptr
        }
        None => core::ptr::null_mut(),
    };
    let mut vstr = match out_arg {
        Some(_) => VStr::new(),
        None => VStr::with_capacity(len)?,
    };
    let dir = if encrypt { DIR_ENC } else { DIR_DEC };
    if a.direction == DIR_NONE {
        a.direction = dir;
    } else if a.direction != dir {
        return Err(raise::value_error("can't encrypt & decrypt"));
    }
    // Input and output may be the same buffer (in-place use), so the data moves through a
    // local block with copies that allow overlap.
    let mut done = 0;
    while done < len {
        let n = (len - done).min(16);
        let mut block = [0u8; 16];
        // SAFETY: the input buffer holds `len` bytes and is kept alive by the argument
        // array for the whole call; `copy` permits overlap with the output.
        unsafe { core::ptr::copy(input.ptr.add(done), block.as_mut_ptr(), n) };
        if a.mode == MODE_CTR {
            process_ctr(a, &mut block[..n]);
        } else {
            process_block(a, &mut block, encrypt);
        }
        if out_ptr.is_null() {
            vstr.push_bytes(&block[..n])?;
        } else {
            // SAFETY: the output buffer holds at least `len` bytes (checked above), kept
            // alive by the argument array.
            unsafe { core::ptr::copy(block.as_ptr(), out_ptr.add(done), n) };
        }
        done += n;
    }
    match out_arg {
        Some(o) => Ok(o),
        None => vstr.into_bytes(),
    }
}

fn encrypt(args: &[Value]) -> PyResult<Value> {
    process(args, true)
}

fn decrypt(args: &[Value]) -> PyResult<Value> {
    process(args, false)
}

static LOCALS: [(Qstr, Value); 2] = [
    crate::entry!(
        encrypt,
        crate::fun!(
            encrypt,
            Var {
                min: 2,
                max: 3,
                f: encrypt
            }
        )
    ),
    crate::entry!(
        decrypt,
        crate::fun!(
            decrypt,
            Var {
                min: 2,
                max: 3,
                f: decrypt
            }
        )
    ),
];

pub static AES_TYPE: Type = Type {
    name: Q::aes,
    make_new: Some(make_new),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::cryptolib)),
    (Q::aes, Value::from_static(&AES_TYPE)),
    (Q::MODE_ECB, Value::small_int(MODE_ECB)),
    (Q::MODE_CBC, Value::small_int(MODE_CBC)),
    (Q::MODE_CTR, Value::small_int(MODE_CTR)),
];

pub static MODULE: Module = Module::new_static(Q::cryptolib, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn b(x: &[u8]) -> Value {
        pystr::new_bytes(x).unwrap()
    }

    #[test]
    fn fips197_aes128_vector() {
        with_vm(|| {
            let key: [u8; 16] = core::array::from_fn(|i| i as u8);
            let pt: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
            let a = make_new(&AES_TYPE, &[b(&key), Value::small_int(1)], &[]).unwrap();
            let ct = encrypt(&[a, b(&pt)]).unwrap();
            assert_eq!(
                pystr::as_bytes(ct).unwrap(),
                [
                    0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70,
                    0xb4, 0xc5, 0x5a
                ]
            );
            assert!(decrypt(&[a, ct]).is_err());
        });
    }

    #[test]
    fn ctr_in_pieces_matches_whole() {
        with_vm(|| {
            let key = b(b"0123456789abcdef");
            let iv = b(&[0xff; 16]);
            let data = [7u8; 40];
            let whole = make_new(&AES_TYPE, &[key, Value::small_int(6), iv], &[]).unwrap();
            let w = encrypt(&[whole, b(&data)]).unwrap();
            let parts = make_new(&AES_TYPE, &[key, Value::small_int(6), iv], &[]).unwrap();
            let mut p = alloc::vec::Vec::new();
            for chunk in data.chunks(7) {
                let c = encrypt(&[parts, b(chunk)]).unwrap();
                p.extend_from_slice(pystr::as_bytes(c).unwrap());
            }
            assert_eq!(pystr::as_bytes(w).unwrap(), &p[..]);
        });
    }

    #[test]
    fn bad_arguments() {
        with_vm(|| {
            let k = b(&[0; 16]);
            assert!(make_new(&AES_TYPE, &[k, Value::small_int(3)], &[]).is_err());
            assert!(make_new(&AES_TYPE, &[k, Value::small_int(2)], &[]).is_err());
            assert!(make_new(&AES_TYPE, &[b(&[0; 15]), Value::small_int(1)], &[]).is_err());
            let a = make_new(&AES_TYPE, &[k, Value::small_int(1)], &[]).unwrap();
            assert!(encrypt(&[a, b(&[0; 15])]).is_err());
        });
    }
}
