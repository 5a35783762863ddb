//! Any bytes as a measurement file of any format (the first byte picks the format): reading
//! never panics, and when the file as a whole is readable every row is a reading, skipped with
//! a reason or rejected with a reason — none is lost and none counted twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use semey::radiation::import::{check_file, ColumnMapping, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(pick) % Format::ALL.len()];
    let mapping = ColumnMapping::parse("time=time,lat=lat,lon=lon,value=value,unit=unit,nuclide=nuclide")
        .expect("a valid mapping");
    let now = time::macros::datetime!(2026-11-21 00:00 UTC);
    let c = check_file(file, format, Some(&mapping), now);
    assert!(c.readings <= c.rows, "{c:?}");
    if c.fatal.is_none() {
        let skipped: u64 = c.skipped.values().sum();
        let rejected: u64 = c.rejected.values().sum();
        assert_eq!(c.readings + skipped + rejected, c.rows, "{c:?}");
    }
});
