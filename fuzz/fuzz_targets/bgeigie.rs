//! Any text, line by line, through the bGeigie log parser: it never panics, and a line it
//! accepts carries a checksum that matches.
#![no_main]

use libfuzzer_sys::fuzz_target;
use semey_domain::radiation::parse_bgeigie_line;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        if let Ok(r) = parse_bgeigie_line(line) {
            let body = line.trim().trim_start_matches('$');
            let (payload, sum) = body.rsplit_once('*').expect("an accepted line has a checksum");
            let xor = payload.bytes().fold(0u8, |a, b| a ^ b);
            assert_eq!(u8::from_str_radix(sum, 16).ok(), Some(xor), "{line:?}");
            assert!(r.lat.is_finite() && r.lon.is_finite(), "{line:?}");
        }
    }
});
