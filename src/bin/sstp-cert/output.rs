//! Shared output helpers: JSON printing and time handling.

use std::io::Write as _;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::CliError;

/// Prints one JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// RFC 3339 text of a time.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Parses `--at`, or takes the current time (the CLI is an adapter: it may
/// read the clock; the library never does).
pub fn at_or_now(at: Option<&str>) -> Result<OffsetDateTime, CliError> {
    match at {
        None => Ok(OffsetDateTime::now_utc()),
        Some(s) => OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
            CliError(format!(
                "--at {s:?}: not an RFC 3339 time ({e}); expected e.g. 2026-11-22T00:00:00Z"
            ))
        }),
    }
}
