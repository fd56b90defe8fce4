//! Shared output helpers: JSON printing and time handling.

use std::io::Write as _;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::CliError;

/// Appends one line to a `String` buffer (like `println!`).
macro_rules! out {
    ($o:expr) => {
        $o.push('\n')
    };
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($t)*);
    }};
}
pub(crate) use out;

/// Writes text to stdout. A reader that went away (`| head`) is not an
/// error: the command simply stops writing.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError(e.to_string())),
        _ => Ok(()),
    }
}

/// Prints one JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    emit(&text)
}

/// RFC 3339 text of a time.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Parses `--at`, or takes the current time (the CLI is an adapter: it may
/// read the clock; the library never does).
pub fn at_or_now(at: Option<&str>) -> Result<OffsetDateTime, CliError> {
    match at {
        None => Ok(OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc())),
        Some(s) => OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
            CliError(format!(
                "--at {s:?}: not an RFC 3339 time ({e}); expected e.g. 2026-11-22T00:00:00Z"
            ))
        }),
    }
}

/// `n` and the noun, singular or plural: "1 certificate", "7 certificates".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
