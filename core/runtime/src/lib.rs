//! upy's runtime: the tagged value word, the GC heap, interned strings, the object types,
//! the bytecode VM and the built-in modules. `no_std` + `alloc`; ports supply a [`hal`].
#![no_std]
extern crate alloc;
pub mod readline;
pub mod repl;
