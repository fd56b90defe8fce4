//! Scripts of administrator commands, to replay on the [runtime
//! model](crate::model::runtime) and see what clients would experience
//! ([behaviour §7](crate::behaviour)).
//!
//! A script is what an administrator types on the server, one command a
//! line, plus two verbs of the model's own: `reboot` and `connect`.
//!
//! | line | step |
//! |---|---|
//! | `netsh http add sslcert ipport=… certhash=… appid={…} [certstorename=MY]` | add a binding (options other than the store are not modelled) |
//! | `netsh http delete sslcert ipport=…` (also `hostnameport=`, `ccs=`) | delete a binding |
//! | `netsh http show sslcert` | print every binding as `netsh` does ([`Machine::netsh_show_sslcert`](crate::model::runtime::Machine::netsh_show_sslcert)) |
//! | `reg query "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"` | print the key as `reg.exe` does ([`Machine::reg_query`](crate::model::runtime::Machine::reg_query)) |
//! | `reg add "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v NAME /t TYPE /d DATA /f` | set a value (`REG_DWORD`, `REG_QWORD`, `REG_BINARY`, `REG_SZ`, `REG_EXPAND_SZ`) |
//! | `reg delete "HKLM\…\SstpSvc\Parameters" /v NAME /f` | delete a value |
//! | `net stop sstpsvc /y`, `net stop remoteaccess` | stop the service |
//! | `net start remoteaccess`, `net start sstpsvc` | start it (it plumbs) |
//! | `certutil -delstore MY <thumbprint>` | delete a certificate from the store |
//! | `import <file>` | import a certificate file (and its key, if beside it) — read by the caller |
//! | `reboot` | restart the machine: HTTP.sys forgets every live certificate context |
//! | `connect <host> [windows\|rfc9525\|sstpc] [ipv4\|ipv6]` | a client dials `host` (default: Windows client over IPv4) |
//!
//! Blank lines and lines starting with `#` or `rem` are ignored. Commands
//! are matched case-insensitively, as `cmd.exe` does.
//!
//! ```
//! use sstp_cert::model::script::{parse_line, ScriptStep};
//! let s = parse_line("net start remoteaccess")?.unwrap();
//! assert!(matches!(s, ScriptStep::Plan(_)));
//! let c = parse_line("connect vpn.example.com rfc9525 ipv6")?.unwrap();
//! assert!(matches!(c, ScriptStep::Connect { .. }));
//! assert!(parse_line("# a comment")?.is_none());
//! assert!(parse_line("format c:").is_err());
//! # Ok::<(), sstp_cert::model::script::ScriptError>(())
//! ```
//!
//! # Errors
//!
//! [`ScriptError`] names what was not understood; [`parse_script`] adds the
//! line number.

use super::hostname::{HostError, Profile, ProfileParseError, ReferenceId};
use super::httpsys::{CommandParseError, SslBinding, SslCertCommand, parse_sslcert_command};
use super::plan::PlanStep;
use super::plumbing::Family;
use super::registry::{RegValue, RegistryWrite};
use super::thumbprint::{Sha1Thumbprint, ThumbprintError};

/// The longest script line accepted, in bytes.
pub const MAX_SCRIPT_LINE: usize = 4096;

/// The most lines a script may have.
pub const MAX_SCRIPT_LINES: usize = 10_000;

/// One step of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ScriptStep {
    /// A command the change plan also uses (netsh, reg, net, certutil).
    Plan(PlanStep),
    /// Import the certificate file at this path (the caller reads it).
    Import {
        /// The path as written.
        path: String,
    },
    /// Reboot the machine.
    Reboot,
    /// `netsh http show sslcert`: print the bindings in Windows' format.
    ShowBindings,
    /// `reg query "…\SstpSvc\Parameters"`: print the key in `reg.exe`'s
    /// format.
    QueryRegistry,
    /// A client dials a host.
    Connect {
        /// The host.
        host: ReferenceId,
        /// The client profile.
        profile: Profile,
        /// The address family.
        family: Family,
    },
}

/// Why a script line was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// A line longer than [`MAX_SCRIPT_LINE`].
    #[error("line is {len} bytes long, more than the {max} accepted")]
    LineTooLong {
        /// Length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More lines than [`MAX_SCRIPT_LINES`].
    #[error("more than {max} lines")]
    TooManyLines {
        /// The limit.
        max: usize,
    },
    /// A command the model does not know.
    #[error(
        "unknown command {word:?}: expected netsh, reg, net, certutil, import, reboot or connect"
    )]
    UnknownCommand {
        /// The first word.
        word: String,
    },
    /// A known command written in a way the model does not understand.
    #[error("{command}: {problem}")]
    Malformed {
        /// Which command.
        command: &'static str,
        /// What was wrong.
        problem: String,
    },
    /// A known command with an argument its parser refused: the `netsh`
    /// command line, the `certutil` thumbprint, the `connect` host name or
    /// profile.
    #[error("{command}: {source}")]
    Argument {
        /// Which command.
        command: &'static str,
        /// The parser's error.
        source: ArgumentError,
    },
    /// An error on a given line of a script.
    #[error("line {line}: {source}")]
    AtLine {
        /// 1-based line number.
        line: usize,
        /// The error.
        #[source]
        source: Box<ScriptError>,
    },
}

/// Why an argument of a script command was refused: the error of the
/// parser the command hands it to ([`ScriptError::Argument`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArgumentError {
    /// The `netsh http … sslcert` command line.
    #[error(transparent)]
    Netsh(#[from] CommandParseError),
    /// The thumbprint of `certutil -delstore MY`.
    #[error(transparent)]
    Thumbprint(#[from] ThumbprintError),
    /// The host name of `connect`.
    #[error(transparent)]
    Host(#[from] HostError),
    /// The client profile of `connect`.
    #[error(transparent)]
    Profile(#[from] ProfileParseError),
}

fn argument(command: &'static str, source: impl Into<ArgumentError>) -> ScriptError {
    ScriptError::Argument {
        command,
        source: source.into(),
    }
}

fn malformed(command: &'static str, problem: impl Into<String>) -> ScriptError {
    ScriptError::Malformed {
        command,
        problem: problem.into(),
    }
}

/// Splits a command line into words by the rules of the Microsoft C
/// runtime, as reg.exe and netsh.exe split theirs (and as
/// [`RegistryWrite::to_reg_command`] quotes): white space outside double
/// quotes separates words; a double quote starts or ends quoting; `2n`
/// backslashes before a double quote are `n` backslashes (and the quote
/// quotes), `2n + 1` are `n` backslashes and a literal quote; backslashes
/// anywhere else are literal.
fn words(line: &str) -> Result<Vec<String>, ScriptError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut n = 1usize;
                while chars.next_if_eq(&'\\').is_some() {
                    n += 1;
                }
                in_word = true;
                if chars.peek() == Some(&'"') {
                    cur.extend(std::iter::repeat_n('\\', n / 2));
                    if n % 2 == 1 {
                        cur.push('"');
                        chars.next();
                    }
                } else {
                    cur.extend(std::iter::repeat_n('\\', n));
                }
            }
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quoted {
        return Err(malformed("command line", "a double quote is not closed"));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Parses one line; `Ok(None)` for blank lines and comments.
///
/// # Errors
///
/// [`ScriptError`] when the line is not a command the model knows, or not
/// written as it expects.
pub fn parse_line(line: &str) -> Result<Option<ScriptStep>, ScriptError> {
    if line.len() > MAX_SCRIPT_LINE {
        return Err(ScriptError::LineTooLong {
            len: line.len(),
            max: MAX_SCRIPT_LINE,
        });
    }
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    if t.is_empty() || t.starts_with('#') || lower == "rem" || lower.starts_with("rem ") {
        return Ok(None);
    }
    let w = words(t)?;
    let first = w
        .first()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let lower_words: Vec<String> = w.iter().map(|s| s.to_ascii_lowercase()).collect();
    let step = match first.as_str() {
        "netsh" if lower_words.get(2).map(String::as_str) == Some("show") => {
            if lower_words[1..] != ["http", "show", "sslcert"] {
                return Err(malformed(
                    "netsh",
                    "expected: netsh http show sslcert (the model prints every binding)",
                ));
            }
            ScriptStep::ShowBindings
        }
        "netsh" => netsh(t)?,
        "reg" if lower_words.get(1).map(String::as_str) == Some("query") => {
            let key = w.get(2).cloned().unwrap_or_default();
            if !is_parameters_key(&key) || w.len() > 3 {
                return Err(malformed(
                    "reg",
                    format!(
                        "query {key:?}: expected: reg query \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\" (the whole key)"
                    ),
                ));
            }
            ScriptStep::QueryRegistry
        }
        "reg" => ScriptStep::Plan(PlanStep::Registry { write: reg(&w)? }),
        "net" => net(&w)?,
        "certutil" => certutil(&w)?,
        "import" => match w.as_slice() {
            [_, path] => ScriptStep::Import { path: path.clone() },
            _ => return Err(malformed("import", "expected: import <file>")),
        },
        "reboot" if w.len() == 1 => ScriptStep::Reboot,
        "connect" => connect(&w)?,
        _ => {
            return Err(ScriptError::UnknownCommand {
                word: w.first().cloned().unwrap_or_default(),
            });
        }
    };
    Ok(Some(step))
}

/// Parses a whole script, numbering errors by line.
///
/// # Errors
///
/// [`ScriptError::AtLine`] for the first line not understood;
/// [`ScriptError::TooManyLines`] beyond [`MAX_SCRIPT_LINES`].
pub fn parse_script(text: &str) -> Result<Vec<(usize, String, ScriptStep)>, ScriptError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i >= MAX_SCRIPT_LINES {
            return Err(ScriptError::TooManyLines {
                max: MAX_SCRIPT_LINES,
            });
        }
        match parse_line(line) {
            Ok(Some(step)) => out.push((i + 1, line.trim().to_owned(), step)),
            Ok(None) => {}
            Err(e) => {
                return Err(ScriptError::AtLine {
                    line: i + 1,
                    source: Box::new(e),
                });
            }
        }
    }
    Ok(out)
}

fn netsh(line: &str) -> Result<ScriptStep, ScriptError> {
    let cmd = parse_sslcert_command(line).map_err(|e| argument("netsh", e))?;
    Ok(ScriptStep::Plan(match cmd {
        SslCertCommand::Delete(endpoint) => PlanStep::DeleteBinding { endpoint },
        SslCertCommand::Add(a) => PlanStep::AddBinding {
            binding: Box::new(SslBinding::new(
                a.endpoint,
                a.cert_hash,
                Some(a.app_id),
                a.store_name.as_deref(),
            )),
        },
    }))
}

/// `reg add|delete "<SstpSvc Parameters key>" /v NAME [/t TYPE] [/d DATA] [/f]`.
fn reg(w: &[String]) -> Result<RegistryWrite, ScriptError> {
    let op = w.get(1).map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let key = w.get(2).cloned().unwrap_or_default();
    if !is_parameters_key(&key) {
        return Err(malformed(
            "reg",
            format!(
                "key {key:?}: the model only has HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
            ),
        ));
    }
    let mut name = None;
    let mut ty = "REG_SZ".to_owned();
    let mut data = None;
    let mut i = 3;
    while i < w.len() {
        let flag = w[i].to_ascii_lowercase();
        let arg = w.get(i + 1).cloned();
        match flag.as_str() {
            "/v" => {
                name = Some(arg.ok_or_else(|| malformed("reg", "/v needs a value name"))?);
                i += 2;
            }
            "/ve" => {
                name = Some(String::new());
                i += 1;
            }
            "/t" => {
                ty = arg
                    .ok_or_else(|| malformed("reg", "/t needs a type"))?
                    .to_ascii_uppercase();
                i += 2;
            }
            "/d" => {
                data = Some(arg.ok_or_else(|| malformed("reg", "/d needs data"))?);
                i += 2;
            }
            "/f" => i += 1,
            other => return Err(malformed("reg", format!("unknown switch {other:?}"))),
        }
    }
    let name = name.ok_or_else(|| malformed("reg", "no /v value name"))?;
    match op.as_str() {
        "delete" => Ok(RegistryWrite::delete(name)),
        "add" => {
            let d = data.unwrap_or_default();
            let number = |s: &str| -> Result<u64, ScriptError> {
                let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                    Some(h) => u64::from_str_radix(h, 16),
                    None => s.parse(),
                };
                r.map_err(|_| malformed("reg", format!("/d {s:?} is not a number")))
            };
            let value = match ty.as_str() {
                "REG_DWORD" => RegValue::Dword(
                    u32::try_from(number(&d)?)
                        .map_err(|_| malformed("reg", format!("/d {d} does not fit a DWORD")))?,
                ),
                "REG_QWORD" => RegValue::Qword(number(&d)?),
                "REG_BINARY" => RegValue::Binary(
                    hex::decode(&d)
                        .map_err(|e| malformed("reg", format!("/d is not hex bytes: {e}")))?,
                ),
                "REG_SZ" => RegValue::String(d),
                "REG_EXPAND_SZ" => RegValue::ExpandString(d),
                other => {
                    return Err(malformed("reg", format!("type {other} is not modelled")));
                }
            };
            Ok(RegistryWrite::set(name, value))
        }
        other => Err(malformed(
            "reg",
            format!("{other:?}: expected add or delete"),
        )),
    }
}

/// Whether `key` names `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`
/// (any case, `HKLM` or `HKEY_LOCAL_MACHINE`, a trailing backslash allowed).
fn is_parameters_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase().replace('/', "\\");
    let k = k.trim_end_matches('\\');
    (k.starts_with("HKLM\\") || k.starts_with("HKEY_LOCAL_MACHINE\\"))
        && k.ends_with("\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\SSTPSVC\\PARAMETERS")
}

fn net(w: &[String]) -> Result<ScriptStep, ScriptError> {
    let verb = w.get(1).map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let svc = w.get(2).map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    if svc != "sstpsvc" && svc != "remoteaccess" {
        return Err(malformed(
            "net",
            format!("service {svc:?}: expected sstpsvc or remoteaccess"),
        ));
    }
    match verb.as_str() {
        "stop" => Ok(ScriptStep::Plan(PlanStep::StopService)),
        "start" => Ok(ScriptStep::Plan(PlanStep::StartService)),
        other => Err(malformed(
            "net",
            format!("{other:?}: expected stop or start"),
        )),
    }
}

fn certutil(w: &[String]) -> Result<ScriptStep, ScriptError> {
    match w {
        [_, op, store, thumb]
            if op.eq_ignore_ascii_case("-delstore") && store.eq_ignore_ascii_case("MY") =>
        {
            let sha1: Sha1Thumbprint = thumb
                .parse()
                .map_err(|e: ThumbprintError| argument("certutil", e))?;
            Ok(ScriptStep::Plan(PlanStep::DeleteCertificate { sha1 }))
        }
        _ => Err(malformed(
            "certutil",
            "expected: certutil -delstore MY <thumbprint>",
        )),
    }
}

fn connect(w: &[String]) -> Result<ScriptStep, ScriptError> {
    let host = w
        .get(1)
        .ok_or_else(|| malformed("connect", "expected: connect <host> [profile] [ipv4|ipv6]"))?;
    let host = ReferenceId::parse(host).map_err(|e| argument("connect", e))?;
    let mut profile = Profile::WindowsClient;
    let mut family = Family::V4;
    for extra in &w[2..] {
        match extra.to_ascii_lowercase().as_str() {
            "ipv4" | "v4" => family = Family::V4,
            "ipv6" | "v6" => family = Family::V6,
            p => {
                profile = p
                    .parse()
                    .map_err(|e: ProfileParseError| argument("connect", e))?;
            }
        }
    }
    Ok(ScriptStep::Connect {
        host,
        profile,
        family,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::httpsys::Endpoint;

    #[test]
    fn every_plan_line_parses_back() {
        let t = Sha1Thumbprint::from_bytes([0xab; 20]);
        let steps = vec![
            PlanStep::DeleteCertificate { sha1: t },
            PlanStep::DeleteBinding {
                endpoint: Endpoint::ipv6_wildcard(443),
            },
            PlanStep::Registry {
                write: RegistryWrite::delete("SHA256CertificateHash"),
            },
            PlanStep::Registry {
                write: RegistryWrite::set_sha256_hash(
                    &crate::model::thumbprint::Sha256Hash::from_bytes([7; 32]),
                ),
            },
            PlanStep::Registry {
                write: RegistryWrite::set_dword("isHashConfiguredByAdmin", 1),
            },
            PlanStep::Registry {
                write: RegistryWrite::set("ListenerPort", RegValue::Qword(1 << 40)),
            },
            PlanStep::Registry {
                write: RegistryWrite::set("Note", RegValue::String("a \"quoted\" text".into())),
            },
            PlanStep::AddBinding {
                binding: Box::new(SslBinding::sstp(Endpoint::ipv4_wildcard(8443), t)),
            },
            PlanStep::StopService,
            PlanStep::StartService,
        ];
        for s in steps {
            let line = s.render().unwrap();
            let back = parse_line(&line).unwrap().unwrap();
            assert_eq!(back, ScriptStep::Plan(s), "{line}");
        }
    }

    #[test]
    fn model_verbs_and_errors() {
        assert_eq!(parse_line("  REBOOT ").unwrap(), Some(ScriptStep::Reboot));
        assert_eq!(parse_line("rem nothing").unwrap(), None);
        assert_eq!(
            parse_line("import new.pem").unwrap(),
            Some(ScriptStep::Import {
                path: "new.pem".into()
            })
        );
        match parse_line("connect VPN.example.com sstpc v6").unwrap() {
            Some(ScriptStep::Connect {
                host,
                profile,
                family,
            }) => {
                assert_eq!(host.to_string(), "vpn.example.com");
                assert_eq!(profile, Profile::SstpcLinux);
                assert_eq!(family, Family::V6);
            }
            other => panic!("{other:?}"),
        }
        for bad in [
            "format c:",
            "connect",
            "connect vpn.example.com firefox",
            "net start w3svc",
            "reg add HKLM\\Software\\X /v A /t REG_DWORD /d 1 /f",
            "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\" /v A /t REG_DWORD /d x /f",
            "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters /v A",
            "certutil -delstore MY 1234",
            "netsh http show sslcert ipport=0.0.0.0:443",
            "netsh http show urlacl",
            "reg query HKLM\\Software\\X",
            "reg query \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\" /v UseHttps",
            "import",
        ] {
            assert!(parse_line(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_line("NETSH http show SSLCERT").unwrap(),
            Some(ScriptStep::ShowBindings)
        );
        assert_eq!(
            parse_line(r#"reg query "HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters""#)
                .unwrap(),
            Some(ScriptStep::QueryRegistry)
        );
        let e = parse_script("reboot\n\nfrobnicate\n").unwrap_err();
        assert!(e.to_string().starts_with("line 3: unknown command"), "{e}");
        assert!(parse_line(&"x".repeat(MAX_SCRIPT_LINE + 1)).is_err());
    }
}
