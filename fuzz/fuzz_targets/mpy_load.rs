//! The .mpy loader on mutated real .mpy files (seeded with our tests compiled by
//! upy-cross): read and verify, then load and run what the verifier accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upy_runtime::{emitglue, exec, vm};

fuzz_target!(|data: &[u8]| {
    let bits = upy_runtime::value::SMALL_INT_BITS as u8;
    let Ok(module) = upy_compiler::mpy::read_for_target(data, bits) else {
        return;
    };
    upy_fuzz::with_vm(|| {
        let r = exec::main_globals().and_then(|g| {
            let (ctx, rc) = emitglue::load(&module, g)?;
            vm::run_module_code(ctx, rc, g, g)
        });
        if let Err(e) = r {
            let _ = exec::print_exception(&mut upy_fuzz::Discard, e.0);
        }
    });
});
