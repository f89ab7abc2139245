//! The parsers of data formats on arbitrary bytes: json, int and float literals in any
//! base, struct formats, complex, hex/base64 decoding, and %/format specs. The first byte
//! picks the parser; the rest is the data, bound to `d`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SNIPPETS: &[&str] = &[
    "import json\njson.loads(d.decode())",
    "import json\njson.loads(d)",
    "int(d.decode())",
    "int(d.decode(), 0)",
    "int(d.decode(), 16)",
    "int(d.decode(), 36)",
    "float(d.decode())",
    "complex(d.decode())",
    "import struct\nf, _, rest = d.partition(b'|')\nstruct.unpack(f.decode(), rest)",
    "import struct\nf, _, rest = d.partition(b'|')\nstruct.calcsize(f.decode())",
    "import struct\nstruct.pack(d.decode(), 1, 2.5, b'x')",
    "bytes.fromhex(d.decode())",
    "import binascii\nbinascii.a2b_base64(d)",
    "import binascii\nbinascii.unhexlify(d)",
    "d.decode() % (1, 'a', 2.5)",
    "d.decode().format(1, 'a', x=2.5)",
    "format(2.5, d.decode())",
    "format(12345678901234567890, d.decode())",
    "eval(d.decode(), {}, {})",
    "int.from_bytes(d, 'big')",
    "d.decode().split(d.decode()[:1] or None)",
    "d.decode('utf-8')",
    "str(d, 'utf-8')",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let snippet = SNIPPETS[pick as usize % SNIPPETS.len()];
    upy_fuzz::with_vm(|| upy_fuzz::run_with_data(snippet, rest));
});
