//! A server's own diagnostics written into its access stream: ingress-nginx's controller
//! logs klog lines (`I1206 10:20:00.123456 7 controller.go:123] ...`) and nginx error-log
//! lines (`2025/12/06 10:20:00 [warn] 28#28: ...`) between its access lines. They are
//! neither requests nor malformed access lines.

/// Whether `line` is a klog or an nginx error-log line.
pub fn is_server_message(line: &[u8]) -> bool {
    is_klog(line) || is_nginx_error(line)
}

fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// `Lmmdd hh:mm:ss.uuuuuu threadid file:line] `, L one of I, W, E, F.
fn is_klog(line: &[u8]) -> bool {
    let Some(head) = line.get(..21) else {
        return false;
    };
    if !matches!(head[0], b'I' | b'W' | b'E' | b'F')
        || !digits(&head[1..5])
        || head[5] != b' '
        || !digits(&head[6..8])
        || head[8] != b':'
        || !digits(&head[9..11])
        || head[11] != b':'
        || !digits(&head[12..14])
        || head[14] != b'.'
        || !digits(&head[15..21])
    {
        return false;
    }
    // The thread id (padded with spaces), then `file:line]`.
    let rest = line[21..].trim_ascii_start();
    let Some(sp) = rest.iter().position(|&b| b == b' ') else {
        return false;
    };
    if !digits(&rest[..sp]) {
        return false;
    }
    let rest = &rest[sp + 1..];
    let Some(close) = rest.iter().position(|&b| b == b']') else {
        return false;
    };
    match rest[..close].iter().rposition(|&b| b == b':') {
        Some(colon) => colon > 0 && digits(&rest[colon + 1..close]),
        None => false,
    }
}

/// `yyyy/mm/dd hh:mm:ss [level] pid#tid: `.
fn is_nginx_error(line: &[u8]) -> bool {
    let Some(head) = line.get(..21) else {
        return false;
    };
    let date_ok = digits(&head[0..4])
        && head[4] == b'/'
        && digits(&head[5..7])
        && head[7] == b'/'
        && digits(&head[8..10])
        && head[10] == b' '
        && digits(&head[11..13])
        && head[13] == b':'
        && digits(&head[14..16])
        && head[16] == b':'
        && digits(&head[17..19])
        && head[19] == b' '
        && head[20] == b'[';
    if !date_ok {
        return false;
    }
    let rest = &line[21..];
    let Some(close) = rest.iter().position(|&b| b == b']') else {
        return false;
    };
    let level = &rest[..close];
    let Some(pid) = rest.get(close + 1..).and_then(|r| r.strip_prefix(b" ")) else {
        return false;
    };
    let hash = pid.iter().position(|&b| b == b'#').unwrap_or(0);
    !level.is_empty() && level.iter().all(u8::is_ascii_lowercase) && digits(&pid[..hash])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn klog_and_nginx_error_lines() {
        for yes in [
            "I0102 03:04:05.678901       1 main.go:9] \"started\"",
            "E1231 23:59:59.000000 12 x/y_z.go:1234] boom",
            "W0505 05:05:05.050505       3 store.go:77]",
            "2024/01/02 03:04:05 [warn] 31#31: *9 upstream timed out",
            "2024/01/02 03:04:05 [emerg] 1#0: bind() failed",
        ] {
            assert!(is_server_message(yes.as_bytes()), "{yes}");
        }
        for no in [
            "",
            "I0102",
            "X0102 03:04:05.678901       1 main.go:9] x",
            "I0102 03:04:05.678901       1 main.go] x",
            "I0102 03:04:05.678901 main.go:9] x",
            r#"1.2.3.4 - - [02/Jan/2024:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-" "-""#,
            "2024/01/02 03:04:05 [WARN] 31#31: x",
            "2024/01/02 03:04:05 [warn] x: y",
            "{\"time\":\"2024-01-02T03:04:05Z\"}",
        ] {
            assert!(!is_server_message(no.as_bytes()), "{no}");
        }
    }
}
