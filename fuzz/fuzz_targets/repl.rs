//! The REPL protocols on random byte streams: the line editor (escape sequences, history,
//! completion), paste mode, the raw REPL and raw-paste flow control, with statements run
//! by the real VM. Board and unix configurations alike.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upy_compiler::ast::ParseMode;
use upy_runtime::readline::{CompletionQuery, History, Terminal};
use upy_runtime::repl::{ExecOutcome, ExecRequest, InputKind, Repl, ReplConfig, ReplHost};
use upy_runtime::exec;

struct Host<'a> {
    input: &'a [u8],
    pos: usize,
    pending: bool,
}

impl Terminal for Host<'_> {
    fn write(&mut self, _bytes: &[u8]) {}
    fn complete(&mut self, q: &CompletionQuery<'_>, out: &mut Vec<String>) -> bool {
        if q.path.len() > 2 {
            return false;
        }
        out.extend(["print", "pow", "prompt", "len"].iter().map(|s| s.to_string()));
        true
    }
}

impl ReplHost for Host<'_> {
    fn read_byte(&mut self) -> Option<u8> {
        let b = self.input.get(self.pos).copied();
        self.pos += 1;
        b
    }
    fn execute(&mut self, req: &ExecRequest<'_>, _history: &mut History) -> ExecOutcome {
        let source = String::from_utf8_lossy(req.source);
        let mode = match req.kind {
            InputKind::Single => ParseMode::Single,
            InputKind::File => ParseMode::File,
        };
        let r = exec::main_globals()
            .and_then(|g| exec::exec_source(&source, req.source_name, mode, g, g));
        match r {
            Ok(_) => ExecOutcome::Completed,
            Err(e) => {
                let _ = exec::print_exception(&mut upy_fuzz::Discard, e.0);
                self.pending = true;
                ExecOutcome::Exception
            }
        }
    }
    fn report_exception(&mut self) {
        self.pending = false;
    }
    fn keyboard_interrupt(&mut self) {}
    fn banner(&mut self) -> String {
        "upy fuzz\r\n".to_string()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, rest)) = data.split_first() else {
        return;
    };
    let config = if cfg & 1 == 0 { ReplConfig::UNIX } else { ReplConfig::BOARD };
    upy_fuzz::with_vm(|| {
        let mut repl = Repl::new(config);
        let mut host = Host { input: rest, pos: 0, pending: false };
        repl.start(&mut host);
        for &b in rest {
            if repl.feed(b, &mut host).is_some() {
                break;
            }
        }
    });
});
