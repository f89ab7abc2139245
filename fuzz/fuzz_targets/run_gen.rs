//! Run programs generated from the input by a grammar-aware generator (src/gen.rs), so
//! mutations reach the VM, the object model and the built-in modules.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = upy_fuzz::gen::program(data);
    upy_fuzz::with_vm(|| upy_fuzz::run_source(&source));
});
