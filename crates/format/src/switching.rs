//! A detected layout that gives way where the input changes layout part-way (a proxy
//! reconfigured from common log to JSON): when a line fails, detection runs again on the
//! block of lines from there, and a layout that reads most of the block takes over. Each
//! layout counts the lines it read, for the report.

use crate::detect::detect;
use crate::error::ParseError;
use crate::format::Format;
use crate::parse::Parse;
use crate::parser::LineParser;
use crate::record::Record;

/// Failed lines after a detection that found nothing better, before the next attempt:
/// a file with scattered malformed lines does not run detection at each one. The wait
/// covers at least the lines already examined, and doubles with each miss in a chunk, so
/// a long run of garbage costs a few detections, not one every few lines.
const WAIT: usize = 64;

#[derive(Debug, Clone)]
pub struct Switching {
    /// Each layout met (the detected one first): its label, parser and lines parsed.
    layouts: Vec<(String, LineParser, u64)>,
    /// Per layout: its definition, which with its label tells it from the others (every
    /// JSON layout mapped by key names has the label `JSON fields`).
    definitions: Vec<String>,
    /// Per layout: whether its other variables have the detected layout's names. Rows
    /// name a record's extras by the detected layout's names (a writer is made once per
    /// source), so a layout whose names differ keeps none rather than mislabelled ones.
    same_extras: Vec<bool>,
    current: usize,
    wait: usize,
    /// Detections that found nothing since the chunk started.
    misses: u32,
    /// While a block's layout is in use for that block only: the block's lines left and
    /// the layout to go back to after them.
    block: Option<(usize, usize)>,
    /// Another layout parsed lines since the chunk started. A layout's parser may fill
    /// only its own fields of the record it is given (the engine reuses records), so
    /// from then on each record starts empty: a `combined` line after a block of JSON
    /// must not keep a JSON line's upstream time.
    mixed: bool,
    zone: crate::Zone,
    /// Given to every layout's parser, those met later too.
    projection: crate::Fields,
}

impl Parse for Switching {
    #[inline]
    fn parse_into<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), ParseError> {
        // Almost every line: the detected layout, no other one met in this chunk.
        if !self.mixed
            && let Some((_, p, n)) = self.layouts.first_mut()
        {
            let parsed = p.parse_into(line, rec);
            *n += u64::from(parsed.is_ok());
            return parsed;
        }
        self.parse_switched(line, rec)
    }
}

impl Switching {
    pub fn new(format: &Format) -> Switching {
        Switching {
            layouts: vec![(format.label(), format.parser(), 0)],
            definitions: vec![format.definition().to_string()],
            same_extras: vec![true],
            current: 0,
            wait: 0,
            misses: 0,
            block: None,
            mixed: false,
            zone: crate::Zone::default(),
            projection: crate::Fields::ALL,
        }
    }

    /// [`Switching::parse_into`] once another layout took lines in this chunk.
    #[cold]
    fn parse_switched<'a>(
        &mut self,
        line: &'a [u8],
        rec: &mut Record<'a>,
    ) -> Result<(), ParseError> {
        let Some((_, p, n)) = self.layouts.get_mut(self.current) else {
            return Err(ParseError::Layout);
        };
        *rec = Record::default();
        let parsed = p.parse_into(line, rec);
        *n += u64::from(parsed.is_ok());
        if !self.same_extras.get(self.current).copied().unwrap_or(true) {
            rec.extras_len = 0;
        }
        if let Some((left, back)) = &mut self.block {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.current = *back;
                self.block = None;
            }
        }
        parsed
    }

    pub fn set_tz(&mut self, tz_offset_min: i16) {
        self.set_zone(&crate::Zone::Fixed(tz_offset_min));
    }

    /// Sets the zone of times logged without one, for every layout, those met later too.
    pub fn set_zone(&mut self, zone: &crate::Zone) {
        self.zone = zone.clone();
        for (_, p, _) in &mut self.layouts {
            p.set_zone(zone);
        }
    }

    /// See [`LineParser::set_projection`].
    pub fn set_projection(&mut self, fields: crate::Fields) {
        self.projection = fields;
        for (_, p, _) in &mut self.layouts {
            p.set_projection(fields);
        }
    }

    /// The parser of the layout in use.
    pub fn current(&self) -> Option<&LineParser> {
        self.layouts.get(self.current).map(|l| &l.1)
    }

    /// After a line failed: `block` holds it and the lines after it. Moves to the layout
    /// that detection finds for the lines the layout in use fails from there, when that
    /// reads most of them; returns whether it moved (the line is then to be parsed
    /// again).
    pub fn switch_for(&mut self, block: &[u8]) -> bool {
        if self.wait > 0 {
            self.wait -= 1;
            return false;
        }
        let Some((label, current, _)) = self.layouts.get_mut(self.current) else {
            return false;
        };
        let label = label.clone();
        let definition = self.definitions.get(self.current).cloned();
        let same = |f: &Format| f.label() == label && Some(f.definition()) == definition.as_deref();
        // The block: the lines from here that the layout in use fails, up to the next it
        // reads. One odd line among the layout's own is no block (it is malformed). Lines
        // are taken one at a time: the usual case, a lone malformed line, costs a parse of
        // the line after it, not a split of the next 200. The layout in use probes them
        // itself (its caches only hold what it read).
        let mut failing: Vec<&[u8]> = Vec::new();
        let mut ends_here = false;
        for l in block
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .take(crate::detect::DETECT_LINES)
        {
            if current.parse(l).is_ok() {
                ends_here = true;
                break;
            }
            failing.push(l);
        }
        let better = if failing.len() < 2 && ends_here {
            None
        } else {
            detect(&failing.join(&b'\n'))
                .filter(|d| 2 * d.parsed > d.examined && !same(&d.format()))
        };
        let Some(d) = better else {
            self.wait = failing.len().max(WAIT) << self.misses.min(10);
            self.misses += 1;
            return false;
        };
        let format = d.format();
        let label = format.label();
        let next = match (self.layouts.iter().zip(&self.definitions))
            .position(|(l, def)| l.0 == label && def == format.definition())
        {
            Some(i) => i,
            None => {
                let mut p = format.parser();
                p.set_zone(&self.zone);
                p.set_projection(self.projection);
                let detected = self.layouts.first().map(|l| l.1.extra_names());
                self.same_extras
                    .push(detected.is_some_and(|d| d == p.extra_names()));
                self.layouts.push((label, p, 0));
                self.definitions.push(format.definition().to_string());
                self.layouts.len() - 1
            }
        };
        // Where the layout in use reads the line after the block, the block's layout
        // lasts for the block only: one that also reads the lines after it (`combined`
        // after a block of `common` in a timed file) would read them with fewer fields.
        self.block = ends_here.then_some((failing.len(), self.current));
        self.current = next;
        self.mixed = true;
        true
    }

    /// Back to the detected layout, at the start of a chunk: a layout taken up for a
    /// block lasts to the end of its chunk at most, and each chunk is read the same way
    /// whichever thread reads it and whatever it read before.
    pub fn restart(&mut self) {
        self.current = 0;
        self.wait = 0;
        self.misses = 0;
        self.block = None;
        self.mixed = false;
    }

    /// Each layout met with the lines it read, the detected one first.
    pub fn counts(&self) -> Vec<(String, u64)> {
        self.layouts
            .iter()
            .map(|(label, _, n)| (label.clone(), *n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::preset::Preset;

    #[test]
    fn a_failing_block_switches_and_back() {
        let clf = r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /a HTTP/1.1" 200 5"#;
        let json = r#"{"time":"2025-03-04T05:06:07Z","status":"404","request":"GET /b HTTP/1.1"}"#;
        let f = Format::Preset(Preset::ApacheCommon);
        let mut s = Switching::new(&f);
        // Three JSON lines read three fields each, more than the one CLF line's seven.
        let block = format!("{json}\n{json}\n{json}\n{clf}\n");
        let mut rec = Record::default();
        assert!(s.parse_into(clf.as_bytes(), &mut rec).is_ok());
        assert!(s.parse_into(json.as_bytes(), &mut rec).is_err());
        assert!(s.switch_for(block.as_bytes()));
        assert!(s.parse_into(json.as_bytes(), &mut rec).is_ok());
        assert_eq!(rec.status, 404);
        // Back to the first layout, counted under its name.
        assert!(s.parse_into(clf.as_bytes(), &mut rec).is_err());
        assert!(s.switch_for(format!("{clf}\n{clf}\n").as_bytes()));
        assert!(s.parse_into(clf.as_bytes(), &mut rec).is_ok());
        assert_eq!(
            s.counts(),
            vec![
                ("apache-common".to_string(), 2),
                ("nginx-json".to_string(), 1)
            ]
        );
        // Garbage fits nothing: no switch, and the next failures wait.
        assert!(!s.switch_for(b"garbage\nmore garbage\n"));
        assert_eq!(s.wait, WAIT);
        s.wait = 0;
        assert!(!s.switch_for(b"garbage\nmore garbage\n"));
        assert_eq!(s.wait, 2 * WAIT);
        assert!(!s.switch_for(format!("{json}\n").as_bytes()));

        // One timed line with one more field is no block: it stays malformed. Two are
        // read by `combined`, and the timed lines after them by `timed` again.
        let timed =
            r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /a HTTP/1.1" 200 5 "-" "u" 0.1 0.2"#;
        let odd = format!("{timed} odd");
        let f = Format::Preset(Preset::NginxTimed);
        let mut s = Switching::new(&f);
        assert!(!s.switch_for(format!("{odd}\n{timed}\n{timed}\n").as_bytes()));
        s.restart();
        assert!(s.switch_for(format!("{odd}\n{odd}\n{timed}\n").as_bytes()));
        for line in [&odd, &odd, timed] {
            assert!(s.parse_into(line.as_bytes(), &mut rec).is_ok());
        }
        assert_eq!(rec.request_time_us, Some(100_000));
        assert_eq!(
            s.counts(),
            vec![
                ("nginx-timed".to_string(), 1),
                ("nginx-combined".to_string(), 2)
            ]
        );
    }

    /// Two JSON layouts mapped by their key names share their label, not their keys: the
    /// second is a layout of its own, not the first one's parser again.
    #[test]
    fn json_layouts_of_other_keys_are_other_layouts() {
        let clf = r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /a HTTP/1.1" 200 5"#;
        let a = r#"{"ts":"2025-03-04T06:00:00Z","status_code":404,"path":"/a"}"#;
        let b = r#"{"timestamp":"2025-03-04T07:00:00Z","status_code":503,"path":"/b"}"#;
        let f = Format::Preset(Preset::ApacheCommon);
        let mut s = Switching::new(&f);
        let mut rec = Record::default();
        for (line, status) in [(a, 404), (b, 503)] {
            assert!(s.parse_into(line.as_bytes(), &mut rec).is_err());
            assert!(s.switch_for(format!("{line}\n{line}\n{line}\n{clf}\n").as_bytes()));
            assert!(s.parse_into(line.as_bytes(), &mut rec).is_ok(), "{line}");
            assert_eq!(rec.status, status);
        }
        assert_eq!(
            s.counts(),
            vec![
                ("apache-common".to_string(), 0),
                ("JSON fields".to_string(), 1),
                ("JSON fields".to_string(), 1)
            ]
        );
    }

    /// A layout taken up for a block keeps no extras under the detected layout's names:
    /// Parquet rows name a record's extras by the detected layout's variables.
    #[test]
    fn a_block_layout_with_other_variables_keeps_no_mislabelled_extras() {
        let upstreaminfo = r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /a HTTP/1.1" 200 5 "-" "u" 120 0.010 [default-web-80] [] 10.0.0.1:80 5 0.009 200 abc123"#;
        let traefik = r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /b HTTP/1.1" 404 5 "-" "u" 7 "web@docker" "http://10.0.0.2:80" 3ms"#;
        let f = Format::Preset(Preset::IngressUpstreaminfo);
        let mut s = Switching::new(&f);
        let mut rec = Record::default();
        assert!(s.parse_into(upstreaminfo.as_bytes(), &mut rec).is_ok());
        // The detected layout's extras: $proxy_upstream_name, its alternative, $req_id.
        let kept: Vec<&[u8]> = rec.extras[..usize::from(rec.extras_len)].to_vec();
        assert!(kept.contains(&&b"abc123"[..]), "{kept:?}");
        assert!(s.parse_into(traefik.as_bytes(), &mut rec).is_err());
        assert!(s.switch_for(format!("{traefik}\n{traefik}\n{traefik}\n").as_bytes()));
        assert!(s.parse_into(traefik.as_bytes(), &mut rec).is_ok());
        assert_eq!(rec.status, 404);
        // Traefik's request count, router and server URL are not upstreaminfo's variables.
        assert_eq!(rec.extras_len, 0);
        assert_eq!(
            s.counts(),
            vec![
                ("ingress-upstreaminfo".to_string(), 1),
                ("traefik-clf".to_string(), 1)
            ]
        );
    }

    /// No block of bytes panics a switching parser: lines of several layouts, cut and
    /// overwritten at random, with detection after every failure.
    #[test]
    fn no_input_panics() {
        let lines = [
            r#"1.2.3.4 - - [04/Mar/2025:05:06:07 +0000] "GET /a HTTP/1.1" 200 5 "-" "u" 0.1 0.2"#,
            r#"{"time":"2025-03-04T05:06:07Z","status":"404","request":"GET /b HTTP/1.1","ua":"x"}"#,
            "I0304 05:06:07.000000       1 a.go:1] x",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let f = Format::Preset(Preset::NginxTimed);
        let mut s = Switching::new(&f);
        for _ in 0..300 {
            let mut block = Vec::new();
            for _ in 0..(next() % 40) {
                let mut l = lines[next() % lines.len()].as_bytes().to_vec();
                for _ in 0..(next() % 4) {
                    let i = next() % l.len();
                    l[i] = b"{}\"[] :,-\n\xff"[next() % 11];
                }
                l.truncate(next() % (l.len() + 1));
                block.extend_from_slice(&l);
                block.push(b'\n');
            }
            s.restart();
            for (k, line) in block.split(|&b| b == b'\n').enumerate() {
                let mut rec = Record::default();
                if s.parse_into(line, &mut rec).is_err() {
                    let at = block
                        .split(|&b| b == b'\n')
                        .take(k)
                        .map(|l| l.len() + 1)
                        .sum();
                    if s.switch_for(block.get(at..).unwrap_or_default()) {
                        let _ = s.parse_into(line, &mut rec);
                    }
                }
            }
        }
    }
}
