//! The syslog layer: any line behind `Format::Syslog` of any preset (RFC 3164 and 5424
//! headers, their times, zones from `--tz`), and detection's choice of whether a sample
//! carries a syslog header. A header may be refused, never a panic.
#![no_main]

use axlog_format::{Format, Preset, Zone, detect, with_syslog_if_it_fits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, line)) = data.split_first() else {
        return;
    };
    let preset = Preset::ALL[pick as usize % Preset::ALL.len()];
    let mut parser = Format::Syslog(Box::new(Format::Preset(preset))).parser();
    if pick & 0x80 != 0 {
        // A zone with daylight saving: zoneless syslog times resolved through jiff.
        if let Some(z) = Zone::named("Europe/Paris") {
            parser.set_zone(&z);
        }
    }
    for l in line.split(|&b| b == b'\n') {
        let _ = parser.parse(l);
    }
    let _ = with_syslog_if_it_fits(Format::Preset(preset), line);
    let _ = detect(line);
});
