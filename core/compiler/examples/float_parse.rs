//! Prints the little-endian hex bits upstream's float parser gives for each decimal number
//! read from stdin (for checking `mpy::float::parse` against a MicroPython binary).

use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        match upy_compiler::mpy::float::parse(line.trim()) {
            Some(f) => {
                let b = f.to_bits().to_le_bytes();
                println!(
                    "{}",
                    b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                );
            }
            None => println!("error"),
        }
    }
}
