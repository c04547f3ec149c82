//! What every dialect's compiler shares once a definition is split into variables and
//! literal text: placing the text, checking the definition can place requests in time,
//! choosing how each value ends, and joining runs of HAProxy numbers.

use super::ha_fields::NumberRun;
use super::{Definition, Dialect, End, Field, FormatError, HaField, Var};
use crate::time::TIME_LOCAL_LEN;

/// A definition before [`finish`]: its literal prefix, fields and closing text.
pub(super) type Parts = (Vec<u8>, Vec<Field>, Vec<u8>);

/// Appends a field, giving the text collected since the previous one to that field (or
/// to the prefix when it is the first).
pub(super) fn push_field(
    prefix: &mut Vec<u8>,
    fields: &mut Vec<Field>,
    text: &mut Vec<u8>,
    name: &str,
    var: Var,
    escaped: bool,
) -> Result<(), FormatError> {
    match fields.last_mut() {
        None => *prefix = std::mem::take(text),
        Some(prev) => {
            if text.is_empty() {
                return Err(FormatError::Adjacent(name.to_string(), prev.name.clone()));
            }
            prev.then = std::mem::take(text);
        }
    }
    fields.push(Field {
        name: name.to_string(),
        list: Var::is_list(name),
        var,
        then: Vec::new(),
        escaped,
        end: End::Text,
        extra: None,
        then_word: None,
        members: Vec::new(),
        sep: 0,
        run: NumberRun::Other,
    });
    Ok(())
}

/// Gives the closing text to the last field and checks the definition can place requests
/// in time.
pub(super) fn finish(
    dialect: Dialect,
    definition: &str,
    prefix: Vec<u8>,
    mut fields: Vec<Field>,
    text: Vec<u8>,
    after_combined: bool,
) -> Result<Definition, FormatError> {
    match fields.last_mut() {
        None => return Err(FormatError::NoVariables),
        Some(last) => last.then = text,
    }
    // Choices between variables, made once: $request_uri (with the query) over $uri,
    // $body_bytes_sent over $bytes_sent for the request's bytes.
    let has_request_uri = fields.iter().any(|f| f.var == Var::RequestUri);
    // After combined's fields, $body_bytes_sent was among them.
    let has_body_bytes = after_combined || fields.iter().any(|f| f.var == Var::BodyBytesSent);
    for f in fields.iter_mut() {
        if f.var == Var::Uri && has_request_uri {
            f.var = Var::Text;
        }
        if f.var == Var::BytesSent && !has_body_bytes {
            f.var = Var::BytesSentAsBody;
        }
    }
    let mut extras = 0u8;
    for f in fields.iter_mut() {
        if f.var == Var::Text && (extras as usize) < crate::record::MAX_EXTRAS {
            f.extra = Some(extras);
            extras += 1;
        }
    }
    for f in fields.iter_mut() {
        if (1..=8).contains(&f.then.len()) {
            let mut w = [0u8; 8];
            w[..f.then.len()].copy_from_slice(&f.then);
            f.then_word = Some((u64::from_le_bytes(w), u64::MAX >> (8 * (8 - f.then.len()))));
        }
    }
    assign_ends(&mut fields);
    let mut parse_fields = fuse_ha_numbers(&fields);
    assign_ends(&mut parse_fields);
    if dialect == Dialect::Nginx && !fields.iter().any(|f| f.escaped) {
        last_quote_end(&mut parse_fields);
    }
    let has_time_field = fields.iter().any(|f| {
        matches!(
            f.var,
            Var::TimeLocal | Var::TimeIso8601 | Var::Epoch(_) | Var::HaDate
        )
    });
    // HAProxy lines have a syslog header, whose time serves when the layout has none; the
    // part after combined's fields has its time in that first part.
    if !has_time_field && dialect != Dialect::Haproxy && !after_combined {
        return Err(FormatError::NoTime);
    }
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    Ok(Definition {
        suffix: after_combined,
        extras,
        has_time_field,
        now_us,
        zone: crate::Zone::default(),
        json_escape: dialect == Dialect::Nginx && fields.iter().any(|f| f.escaped),
        ha_backslash: dialect == Dialect::Haproxy && fields.iter().any(|f| f.escaped),
        has_ha_fields: fields.iter().any(|f| matches!(f.var, Var::Ha(_))),
        dialect,
        definition: definition.to_string(),
        prefix,
        fields,
        parse_fields,
        projection: crate::Fields::ALL,
    })
}

/// [`End::LastQuote`] for the field whose closing text holds the definition's last `"`
/// (only for nginx's default escaping, where no value holds a `"`).
fn last_quote_end(fields: &mut [Field]) {
    let quotes = |t: &[u8]| t.iter().filter(|&&b| b == b'"').count();
    let Some(k) = fields.iter().rposition(|f| quotes(&f.then) > 0) else {
        return;
    };
    let f = &mut fields[k];
    // The value's own end, not one found by a search through a list or from a fixed
    // length, and not the last field (whose end is already the line's).
    if f.then.first() == Some(&b'"')
        && quotes(&f.then) == 1
        && matches!(f.end, End::Byte(_) | End::Word { .. })
    {
        f.end = End::LastQuote;
    }
}

/// How each field's value ends (see [`End`]), from its closing text and the next field.
fn assign_ends(fields: &mut [Field]) {
    let n = fields.len();
    for k in 0..n {
        let next = fields.get(k + 1);
        // `ADDR:PORT` where the address may be IPv6 (`2001:db8::1:443`, `[::1]:443`): the
        // port follows the last colon before the text after it.
        let host_port = next.is_some_and(|g| {
            fields[k].then == b":" && g.is_port() && g.then.first() != Some(&b':')
        });
        // A value before `[$time_local]` (a user name may hold a space or a `[`) ends
        // where a time of the fixed length closes.
        let before_time = next.is_some_and(|g| g.var == Var::TimeLocal && k + 2 < n);
        let f = &mut fields[k];
        f.end = if matches!(
            f.var,
            Var::Ha(HaField::RequestHeaders | HaField::ResponseHeaders)
        ) {
            End::Brace
        } else if k + 1 == n {
            End::Last
        } else if f.var == Var::TimeLocal {
            End::Fixed(TIME_LOCAL_LEN)
        } else if host_port {
            End::HostPort
        } else if before_time && !f.then.is_empty() && !f.list && !f.then.contains(&b'"') {
            End::BeforeTime
        } else if f.then.len() == 1 && !f.list && !f.escaped {
            End::Byte(f.then[0])
        } else if let (2..=8, Some((word, mask)), false, false) =
            (f.then.len(), f.then_word, f.list, f.escaped)
        {
            End::Word {
                first: f.then[0],
                word,
                mask,
            }
        } else {
            End::Text
        };
    }
}

/// HAProxy's numeric fields (timers, counts, queues).
fn is_ha_number(f: &Field) -> bool {
    use HaField::*;
    matches!(
        f.var,
        Var::Ha(
            TReq | Tw
                | Tc
                | TResp
                | Ta
                | Actconn
                | Feconn
                | Beconn
                | SrvConn
                | Retries
                | SrvQueue
                | BackendQueue
        )
    )
}

/// `fields` with each run of two or more HAProxy numbers joined by the same one-byte
/// literal (`%TR/%Tw/%Tc/%Tr/%Ta`) made one [`Var::HaNumbers`] field, which the parser
/// reads with one search for the run's end instead of one per number.
fn fuse_ha_numbers(fields: &[Field]) -> Vec<Field> {
    let mut out = Vec::with_capacity(fields.len());
    let mut k = 0;
    while k < fields.len() {
        let f = &fields[k];
        let mut j = k;
        if is_ha_number(f) && f.then.len() == 1 {
            let sep = f.then[0];
            while j + 1 < fields.len() && fields[j].then == [sep] && is_ha_number(&fields[j + 1]) {
                j += 1;
            }
            // The run's end is found by its last closing text, which must not start with
            // the separator.
            while j > k && fields[j].then.first() == Some(&sep) {
                j -= 1;
            }
            if j > k {
                let last = &fields[j];
                let members: Vec<HaField> = fields[k..=j]
                    .iter()
                    .filter_map(|f| match f.var {
                        Var::Ha(h) => Some(h),
                        _ => None,
                    })
                    .collect();
                out.push(Field {
                    name: fields[k..=j]
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(&char::from(sep).to_string()),
                    var: Var::HaNumbers,
                    then: last.then.clone(),
                    then_word: last.then_word,
                    list: false,
                    escaped: false,
                    end: End::Text,
                    extra: None,
                    members: members.clone(),
                    sep,
                    run: NumberRun::of(&members),
                });
                k = j + 1;
                continue;
            }
        }
        out.push(f.clone());
        k += 1;
    }
    out
}
