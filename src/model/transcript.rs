//! Console transcript lines: the prompts, command echoes and PowerShell
//! transcript headers that surround text an administrator pastes from a
//! console ([behaviour §12](crate::behaviour)).
//!
//! Saved text is rarely only the output of one command. Copied from a
//! console window it starts with the prompt and the command
//! (`C:\Users\Administrator>netsh http show sslcert`,
//! `PS C:\> reg query HKLM\...`) and often ends with the next prompt; a
//! `Start-Transcript` file adds a header and a footer between lines of
//! asterisks. These lines are not part of the output. Every reader of saved
//! text in this crate ([`parse_sslcert_show`], [`parse_reg_file`],
//! [`parse_reg_query`], [`parse_registry_text`]) skips them **and returns
//! them** as [`SkippedLine`]s, so that nothing is dropped silently: the
//! command-line tool prints them on standard error.
//!
//! What is recognised, line by line ([`Transcript::skip`]):
//!
//! | line | [`SkipReason`] |
//! |---|---|
//! | `C:\Users\Administrator>netsh http show sslcert`, `D:\>` (a drive path, `>`, the command or nothing) | [`SkipReason::CmdPrompt`] |
//! | `PS C:\> reg query …`, `PS>`, `[server01]: PS C:\Users\Administrator\Documents> …` | [`SkipReason::PowerShellPrompt`] |
//! | `>> …` right after a PowerShell prompt (a continued command) | [`SkipReason::PowerShellPrompt`] |
//! | `netsh http show sslcert`, `reg query …`, `reg.exe query …`, `type sstp.reg`, `Get-Content …` alone on a line (a command echoed without its prompt) | [`SkipReason::CommandEcho`] |
//! | a line of ten or more `*`; the header or footer between two such lines that starts with `Windows PowerShell transcript start`/`end`, `PowerShell transcript start`/`end` or `Command start time:` | [`SkipReason::TranscriptHeader`] |
//! | `Transcript started, output file is …`, `Transcript stopped, output file is …` | [`SkipReason::TranscriptHeader`] |
//!
//! A line that is none of these is left to the reader, which keeps refusing
//! what is not its output, as before.
//!
//! ```
//! use sstp_cert::model::transcript::{SkipReason, Transcript};
//! let mut t = Transcript::new();
//! assert!(t.skip(1, r"C:\Users\Administrator>netsh http show sslcert"));
//! assert!(!t.skip(2, "SSL Certificate bindings:"));
//! assert!(t.skip(3, r"PS C:\> "));
//! let skipped = t.into_skipped();
//! assert_eq!(skipped[0].reason, SkipReason::CmdPrompt);
//! assert_eq!(skipped[1].line, 3);
//! ```
//!
//! [`parse_sslcert_show`]: crate::model::httpsys::parse_sslcert_show
//! [`parse_reg_file`]: crate::model::registry::parse_reg_file
//! [`parse_reg_query`]: crate::model::registry::parse_reg_query
//! [`parse_registry_text`]: crate::model::registry::parse_registry_text

use crate::model::code::stable_codes;
use std::fmt::{self, Write as _};

stable_codes! {
    [from_str]
    /// Why a line was skipped. Serialises as its [`code`](SkipReason::code).
    ///
    /// ```
    /// use sstp_cert::model::transcript::SkipReason;
    /// assert_eq!(SkipReason::CmdPrompt.code(), "cmd-prompt");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum SkipReason("skip reason") {
        /// A cmd.exe prompt, with the command typed after it or nothing.
        CmdPrompt => "cmd-prompt",
        /// A PowerShell prompt (`PS C:\>`, `PS>`, a remote session's
        /// `[host]: PS C:\>`), with its command, or the `>>` continuation of
        /// that command.
        PowerShellPrompt => "powershell-prompt",
        /// A command line echoed without a prompt (`netsh http show sslcert`,
        /// `reg query …`).
        CommandEcho => "command-echo",
        /// A PowerShell transcript header or footer (`Start-Transcript`).
        TranscriptHeader => "transcript-header",
    }
}

impl SkipReason {
    /// What the line is, for people.
    ///
    /// ```
    /// use sstp_cert::model::transcript::SkipReason;
    /// assert_eq!(SkipReason::PowerShellPrompt.description(), "a PowerShell prompt");
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            SkipReason::CmdPrompt => "a cmd.exe prompt",
            SkipReason::PowerShellPrompt => "a PowerShell prompt",
            SkipReason::CommandEcho => "a command echoed without its prompt",
            SkipReason::TranscriptHeader => "a PowerShell transcript header",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A line a reader of saved text skipped, with where and why.
///
/// Displays as `line 1: skipped a cmd.exe prompt: C:\>netsh http show sslcert`
/// (the line as it was, not escaped).
///
/// ```
/// use sstp_cert::model::transcript::{SkipReason, SkippedLine};
/// let s = SkippedLine { line: 1, text: r"C:\>netsh http show sslcert".into(), reason: SkipReason::CmdPrompt };
/// assert_eq!(s.to_string(), r"line 1: skipped a cmd.exe prompt: C:\>netsh http show sslcert");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SkippedLine {
    /// 1-based line number, counted as the reader counts its lines.
    pub line: usize,
    /// The line, trimmed, shortened to 200 characters when longer.
    pub text: String,
    /// What the line was taken for.
    pub reason: SkipReason,
}

impl fmt::Display for SkippedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shown as it was, so that it can be found in the file; only
        // control characters (an ANSI colour sequence of a prompt) are
        // escaped.
        write!(f, "line {}: skipped {}: ", self.line, self.reason)?;
        for c in self.text.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// The most characters of a skipped line kept in [`SkippedLine::text`].
const MAX_KEPT: usize = 200;

/// The most lines one transcript header or footer may have between its
/// lines of asterisks (a Windows PowerShell 5.1 header has 16, PowerShell 7
/// adds a few); past that the header is taken to have ended.
const MAX_HEADER_LINES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside any transcript header.
    Text,
    /// Right after a line of asterisks: the next line tells whether a
    /// header starts.
    AfterStars,
    /// Inside a header, after this many lines.
    Header(usize),
    /// Right after a PowerShell prompt: `>>` continuation lines belong to
    /// its command.
    AfterPsPrompt,
}

/// A line-by-line recogniser of console transcript lines, kept by a reader
/// while it walks its input. It remembers what it skipped.
///
/// ```
/// use sstp_cert::model::transcript::{SkipReason, Transcript};
/// let mut t = Transcript::new();
/// let text = "**********************\nWindows PowerShell transcript start\nStart time: 20261204101010\n**********************\nreal output";
/// let kept: Vec<&str> = text.lines().enumerate().filter(|(i, l)| !t.skip(i + 1, l)).map(|(_, l)| l).collect();
/// assert_eq!(kept, ["real output"]);
/// assert!(t.skipped().iter().all(|s| s.reason == SkipReason::TranscriptHeader));
/// ```
#[derive(Debug, Clone)]
pub struct Transcript {
    state: State,
    skipped: Vec<SkippedLine>,
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

impl Transcript {
    /// A recogniser at the start of an input.
    pub fn new() -> Self {
        Transcript {
            state: State::Text,
            skipped: Vec::new(),
        }
    }

    /// Whether line `line` (1-based) with text `text` is a transcript line
    /// to skip; if it is, it is recorded. Call it for every line, in order,
    /// blank ones included (they are never skipped, but they end a header
    /// that has no closing asterisks and a prompt's continuation).
    pub fn skip(&mut self, line: usize, text: &str) -> bool {
        let reason = self.classify(text);
        if let Some(reason) = reason {
            self.skipped.push(SkippedLine {
                line,
                text: keep(text.trim()),
                reason,
            });
        }
        reason.is_some()
    }

    /// The lines skipped so far, in input order.
    pub fn skipped(&self) -> &[SkippedLine] {
        &self.skipped
    }

    /// The lines skipped, in input order.
    pub fn into_skipped(self) -> Vec<SkippedLine> {
        self.skipped
    }

    fn classify(&mut self, text: &str) -> Option<SkipReason> {
        let t = text.trim_matches([' ', '\t', '\r', '\u{feff}']);
        let state = std::mem::replace(&mut self.state, State::Text);
        if is_stars(t) {
            self.state = match state {
                // the closing line of a header
                State::Header(_) => State::Text,
                _ => State::AfterStars,
            };
            return Some(SkipReason::TranscriptHeader);
        }
        match state {
            State::AfterStars if is_header_title(t) => {
                self.state = State::Header(1);
                return Some(SkipReason::TranscriptHeader);
            }
            State::Header(n) if n < MAX_HEADER_LINES && is_header_line(text, t) => {
                self.state = State::Header(n + 1);
                return Some(SkipReason::TranscriptHeader);
            }
            State::AfterPsPrompt if t.starts_with(">>") => {
                self.state = State::AfterPsPrompt;
                return Some(SkipReason::PowerShellPrompt);
            }
            _ => {}
        }
        if t.is_empty() {
            return None;
        }
        if is_powershell_prompt(t) {
            self.state = State::AfterPsPrompt;
            return Some(SkipReason::PowerShellPrompt);
        }
        if is_cmd_prompt(t) {
            return Some(SkipReason::CmdPrompt);
        }
        if is_transcript_notice(t) {
            return Some(SkipReason::TranscriptHeader);
        }
        if is_command_echo(text, t) {
            return Some(SkipReason::CommandEcho);
        }
        None
    }
}

fn keep(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_KEPT).collect();
    if s.chars().nth(MAX_KEPT).is_some() {
        out.push('…');
    }
    out
}

fn starts_with_ic(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// `**********************` (ten or more asterisks and nothing else).
fn is_stars(t: &str) -> bool {
    t.len() >= 10 && t.bytes().all(|b| b == b'*')
}

/// The first line of a transcript header or footer.
fn is_header_title(t: &str) -> bool {
    [
        "Windows PowerShell transcript start",
        "Windows PowerShell transcript end",
        "PowerShell transcript start",
        "PowerShell transcript end",
        "Command start time:",
    ]
    .iter()
    .any(|p| starts_with_ic(t, p))
}

/// A header line: `Name: value` starting at the left margin, the name made
/// of letters, digits and spaces (`Start time`, `RunAs User`, `PSVersion`,
/// `Host Application`), or a continuation of the previous value.
fn is_header_line(raw: &str, t: &str) -> bool {
    if raw.starts_with([' ', '\t']) || t.is_empty() {
        return false;
    }
    match t.split_once(':') {
        Some((name, _)) => {
            !name.is_empty()
                && name.len() <= 40
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        }
        None => false,
    }
}

/// `Transcript started, output file is …` and its `stopped` pair.
fn is_transcript_notice(t: &str) -> bool {
    starts_with_ic(t, "Transcript started, output file is ")
        || starts_with_ic(t, "Transcript stopped, output file is ")
}

/// `PS C:\>`, `PS C:\Users\Administrator> cmd`, `PS>`, `[host]: PS C:\> cmd`,
/// `PS Microsoft.PowerShell.Core\FileSystem::\\server\share> cmd`.
fn is_powershell_prompt(t: &str) -> bool {
    let mut s = t;
    // a remote session: `[server01]: `
    if let Some(rest) = s.strip_prefix('[')
        && let Some((host, after)) = rest.split_once("]: ")
        && !host.is_empty()
        && !host.contains([' ', '\t'])
    {
        s = after;
    }
    let Some(rest) = s.strip_prefix("PS") else {
        return false;
    };
    if rest.starts_with('>') {
        return true;
    }
    let Some(path) = rest.strip_prefix(' ') else {
        return false;
    };
    // The location: a drive path, a provider path or a registry drive.
    let Some(end) = path.find('>') else {
        return false;
    };
    let location = &path[..end];
    is_drive_path(location)
        || location.contains("::")
        || location.split_once(':').is_some_and(|(drive, _)| {
            !drive.is_empty() && drive.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// `C:\…` — a drive letter, a colon, a backslash.
fn is_drive_path(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\'
}

/// `C:\Users\Administrator>netsh http show sslcert`, `D:\>`: a drive path
/// without `>` or control characters, then `>`.
fn is_cmd_prompt(t: &str) -> bool {
    if !is_drive_path(t) {
        return false;
    }
    match t.find('>') {
        Some(end) => !t[..end].contains(['"', '<', '|', '*', '?']),
        None => false,
    }
}

/// A command this crate's readers are fed the output of, alone on a line
/// at the left margin (echoed by a batch file, or copied without the
/// prompt).
fn is_command_echo(raw: &str, t: &str) -> bool {
    if raw.starts_with([' ', '\t']) {
        return false;
    }
    let mut words = t.split_ascii_whitespace();
    let first = words.next().unwrap_or("").to_ascii_lowercase();
    let second = words.next().unwrap_or("").to_ascii_lowercase();
    let first = first.strip_suffix(".exe").unwrap_or(&first);
    match first {
        "netsh" => matches!(second.as_str(), "http" | "-c" | "interface"),
        "reg" => matches!(second.as_str(), "query" | "export"),
        // a file name: `type sstp.reg`, `Get-Content .\netsh.txt`
        "type" | "more" | "get-content" | "gc" | "cat" => second.contains(['.', '\\', '/']),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(text: &str) -> Vec<(usize, Option<SkipReason>)> {
        let mut t = Transcript::new();
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                let skipped = t.skip(i + 1, l);
                (i + 1, skipped.then(|| t.skipped().last().unwrap().reason))
            })
            .collect()
    }

    #[test]
    fn prompts() {
        use SkipReason::*;
        let cases = [
            (
                r"C:\Users\Administrator>netsh http show ssl",
                Some(CmdPrompt),
            ),
            (r"C:\>", Some(CmdPrompt)),
            (r"d:\saved> type sstp.reg", Some(CmdPrompt)),
            (r"PS C:\> reg query HKLM\SYSTEM", Some(PowerShellPrompt)),
            (r"PS C:\Users\Administrator> ", Some(PowerShellPrompt)),
            ("PS>", Some(PowerShellPrompt)),
            (
                r"[vpn01]: PS C:\Users\admin\Documents> netsh http show sslcert",
                Some(PowerShellPrompt),
            ),
            (r"PS HKLM:\SYSTEM> Get-Item .", Some(PowerShellPrompt)),
            ("netsh http show sslcert", Some(CommandEcho)),
            (
                "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters",
                Some(CommandEcho),
            ),
            (
                "Transcript started, output file is C:\\t.txt",
                Some(TranscriptHeader),
            ),
            // output lines stay output
            ("SSL Certificate bindings:", None),
            ("    IP:port                      : 0.0.0.0:443", None),
            (
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters",
                None,
            ),
            ("    UseHttps    REG_DWORD    0x1", None),
            ("Windows Registry Editor Version 5.00", None),
            ("\"SHA256CertificateHash\"=hex:01,02", None),
            ("PSVersion: 5.1", None),
            ("PS is not a prompt", None),
            ("C:\\not a prompt", None),
            ("    netsh http show sslcert", None),
        ];
        for (line, want) in cases {
            let mut t = Transcript::new();
            let got = t.skip(1, line).then(|| t.skipped()[0].reason);
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn header_block_and_continuation() {
        let text = "**********************\n\
                    Windows PowerShell transcript start\n\
                    Start time: 20261204101010\n\
                    Username: CONTOSO\\admin\n\
                    Machine: VPN01 (Microsoft Windows NT 10.0.17763.0)\n\
                    **********************\n\
                    PS C:\\> netsh http `\n\
                    >> show sslcert\n\
                    \n\
                    SSL Certificate bindings:\n\
                    **********************\n\
                    not a header\n";
        let r = reasons(text);
        let skipped: Vec<usize> = r
            .iter()
            .filter(|(_, s)| s.is_some())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(skipped, [1, 2, 3, 4, 5, 6, 7, 8, 11]);
        assert_eq!(r[11], (12, None));
    }

    #[test]
    fn unclosed_header_ends_at_a_non_header_line() {
        let text = "**********************\nWindows PowerShell transcript start\nStart time: 1\n    IP:port : 0.0.0.0:443\n";
        let r = reasons(text);
        assert_eq!(r[2].1, Some(SkipReason::TranscriptHeader));
        assert_eq!(r[3].1, None);
    }

    #[test]
    fn long_lines_are_shortened() {
        let mut t = Transcript::new();
        let long = format!("C:\\>{}", "x".repeat(500));
        assert!(t.skip(7, &long));
        let s = &t.skipped()[0];
        assert_eq!(s.text.chars().count(), MAX_KEPT + 1);
        assert!(
            s.to_string()
                .starts_with("line 7: skipped a cmd.exe prompt: ")
        );
    }

    #[test]
    fn control_characters_are_escaped_in_the_message() {
        let mut t = Transcript::new();
        assert!(t.skip(1, "PS C:\\> \u{1b}[32mnetsh"));
        assert_eq!(
            t.skipped()[0].to_string(),
            "line 1: skipped a PowerShell prompt: PS C:\\> \\u{1b}[32mnetsh"
        );
    }
}
