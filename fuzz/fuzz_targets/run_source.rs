//! Compile and run arbitrary bytes as a program (seeded with our Python tests), on a small
//! heap and with a time budget per case.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    upy_fuzz::with_vm(|| upy_fuzz::run_source(&source));
});
