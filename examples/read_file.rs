//! Reads a CLIXML file and reports the number of top-level values; the mode
//! argument isolates costs when profiling the reader (`perf record`):
//! `reader` (default), `raw` (quick-xml alone), `decoder` (quick-xml through
//! the input decoder), `scan` (the reference pre-scan).

use std::io::BufReader;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn raw<R: std::io::BufRead>(input: R) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(8192);
    let mut n = 0u64;
    loop {
        match reader.read_event_into(&mut buf).expect("xml") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes().with_checks(false) {
                    n += a.expect("attr").value.len() as u64;
                }
            }
            _ => {}
        }
        n += 1;
        buf.clear();
    }
    n
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: read_file FILE [reader|raw|decoder|scan]");
    let mode = std::env::args().nth(2).unwrap_or_else(|| "reader".into());
    let file = std::fs::File::open(&path).expect("open");
    let start = std::time::Instant::now();
    let n = match mode.as_str() {
        "raw" => raw(BufReader::with_capacity(64 * 1024, file)),
        "decoder" => {
            raw(mrs_triage::clixml::decode::Decoder::new(file, usize::MAX).expect("decoder"))
        }
        "scan" => mrs_triage::clixml::scan_references(file).expect("scan").len() as u64,
        _ => {
            let mut n = 0u64;
            for v in mrs_triage::clixml::Reader::new(file).expect("reader") {
                std::hint::black_box(v.expect("value"));
                n += 1;
            }
            n
        }
    };
    eprintln!("{mode}: {n} in {:?}", start.elapsed());
}
