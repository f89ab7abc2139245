//! Prints upstream-style float reprs for little-endian hex bit patterns read from stdin, one
//! per line (for checking `mpy::float::repr` against a MicroPython binary).

use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let Ok(b) = u64::from_str_radix(line.trim(), 16) else {
            continue;
        };
        let f = f64::from_bits(u64::from_be_bytes(b.to_le_bytes()));
        println!("{}", upy_compiler::mpy::float::repr(f, true));
    }
}
