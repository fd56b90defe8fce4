//! The `netsh http add sslcert …` and `netsh http delete sslcert …`
//! commands: rendering them for people to paste, and reading them back.

use std::fmt;

use super::{
    AppId, Endpoint, EndpointKind, FieldValue, SSTP_APP_ID, SslBinding, is_valid_hostname,
    parse_port, shorten,
};
use crate::model::thumbprint::Sha1Thumbprint;

/// The longest command text [`parse_sslcert_command`] accepts, in bytes.
pub const MAX_COMMAND_LEN: usize = 8 * 1024;

/// The form of an option's value, both in `netsh http show sslcert` and on
/// the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionKind {
    /// Shown `Enabled`/`Disabled`; set with `enable`/`disable`.
    EnabledDisabled,
    /// Shown `Set`/`Not Set`; set with `enable`/`disable`.
    SetNotSet,
    /// An unsigned 32-bit number.
    Number,
    /// Text; shown blank or `(null)` when not set.
    Text,
}

macro_rules! netsh_options {
    ($( $(#[$doc:meta])* $variant:ident => $param:literal, $label:literal, $kind:ident, $default:expr; )*) => {
        /// An option of `netsh http add sslcert` other than the endpoint,
        /// `certhash`, `appid` and `certstorename`, with the label
        /// `netsh http show sslcert` prints for it (English).
        ///
        /// The variants are in the order `netsh` documents the parameters;
        /// [`AddSslCert::render`] writes them in this order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum NetshOption {
            $( $(#[$doc])* $variant, )*
        }

        impl NetshOption {
            /// Every option, in documentation order.
            pub const ALL: &'static [NetshOption] = &[ $( NetshOption::$variant, )* ];

            /// The command-line parameter name (`verifyclientcertrevocation`, …).
            pub const fn param(self) -> &'static str {
                match self { $( NetshOption::$variant => $param, )* }
            }

            /// The English label in `netsh http show sslcert`.
            pub const fn show_label(self) -> &'static str {
                match self { $( NetshOption::$variant => $label, )* }
            }

            /// The form of its value.
            pub const fn kind(self) -> OptionKind {
                match self { $( NetshOption::$variant => OptionKind::$kind, )* }
            }

            /// The value a binding gets when the command does not name the
            /// option.
            pub const fn default_value(self) -> OptionValue {
                match self { $( NetshOption::$variant => $default, )* }
            }
        }
    };
}

netsh_options! {
    /// `verifyclientcertrevocation` — "Verify Client Certificate Revocation".
    VerifyClientCertRevocation => "verifyclientcertrevocation", "Verify Client Certificate Revocation", EnabledDisabled, OptionValue::Flag(true);
    /// `verifyrevocationwithcachedclientcertonly` — "Verify Revocation Using Cached Client Certificate Only".
    VerifyRevocationWithCachedClientCertOnly => "verifyrevocationwithcachedclientcertonly", "Verify Revocation Using Cached Client Certificate Only", EnabledDisabled, OptionValue::Flag(false);
    /// `usagecheck` — "Usage Check".
    UsageCheck => "usagecheck", "Usage Check", EnabledDisabled, OptionValue::Flag(true);
    /// `revocationfreshnesstime` (seconds) — "Revocation Freshness Time".
    RevocationFreshnessTime => "revocationfreshnesstime", "Revocation Freshness Time", Number, OptionValue::Number(0);
    /// `urlretrievaltimeout` (milliseconds) — "URL Retrieval Timeout".
    UrlRetrievalTimeout => "urlretrievaltimeout", "URL Retrieval Timeout", Number, OptionValue::Number(0);
    /// `sslctlidentifier` — "Ctl Identifier".
    SslCtlIdentifier => "sslctlidentifier", "Ctl Identifier", Text, OptionValue::Unset;
    /// `sslctlstorename` — "Ctl Store Name".
    SslCtlStoreName => "sslctlstorename", "Ctl Store Name", Text, OptionValue::Unset;
    /// `dsmapperusage` — "DS Mapper Usage".
    DsMapperUsage => "dsmapperusage", "DS Mapper Usage", EnabledDisabled, OptionValue::Flag(false);
    /// `clientcertnegotiation` — "Negotiate Client Certificate".
    ClientCertNegotiation => "clientcertnegotiation", "Negotiate Client Certificate", EnabledDisabled, OptionValue::Flag(false);
    /// `reject` — "Reject Connections".
    Reject => "reject", "Reject Connections", EnabledDisabled, OptionValue::Flag(false);
    /// `disablehttp2` — "Disable HTTP2".
    DisableHttp2 => "disablehttp2", "Disable HTTP2", SetNotSet, OptionValue::Flag(false);
    /// `disablequic` — "Disable QUIC".
    DisableQuic => "disablequic", "Disable QUIC", SetNotSet, OptionValue::Flag(false);
    /// `disablelegacytls` — "Disable Legacy TLS Versions".
    DisableLegacyTls => "disablelegacytls", "Disable Legacy TLS Versions", SetNotSet, OptionValue::Flag(false);
    /// `disabletls12` — "Disable TLS1.2".
    DisableTls12 => "disabletls12", "Disable TLS1.2", SetNotSet, OptionValue::Flag(false);
    /// `disabletls13` — "Disable TLS1.3".
    DisableTls13 => "disabletls13", "Disable TLS1.3", SetNotSet, OptionValue::Flag(false);
    /// `disableocspstapling` — "Disable OCSP Stapling".
    DisableOcspStapling => "disableocspstapling", "Disable OCSP Stapling", SetNotSet, OptionValue::Flag(false);
    /// `enabletokenbinding` — "Enable Token Binding".
    EnableTokenBinding => "enabletokenbinding", "Enable Token Binding", SetNotSet, OptionValue::Flag(false);
    /// `logextendedevents` — "Log Extended Events".
    LogExtendedEvents => "logextendedevents", "Log Extended Events", SetNotSet, OptionValue::Flag(false);
    /// `enablesessionticket` — "Enable Session Ticket".
    EnableSessionTicket => "enablesessionticket", "Enable Session Ticket", SetNotSet, OptionValue::Flag(false);
    /// `disablesessionid` — "Disable Session ID".
    DisableSessionId => "disablesessionid", "Disable Session ID", SetNotSet, OptionValue::Flag(false);
}

impl NetshOption {
    /// The option whose English show label this is (ASCII case-insensitive).
    /// Labels in other languages are not mapped.
    pub fn from_show_label(label: &str) -> Option<Self> {
        NetshOption::ALL
            .iter()
            .copied()
            .find(|o| o.show_label().eq_ignore_ascii_case(label))
    }

    /// The option with this command-line parameter name (ASCII case-insensitive).
    pub fn from_param(param: &str) -> Option<Self> {
        NetshOption::ALL
            .iter()
            .copied()
            .find(|o| o.param().eq_ignore_ascii_case(param))
    }

    /// The option's value as shown in a listing, if the shown value has
    /// the option's form (`Enabled`/`Disabled` and `Set`/`Not Set` are
    /// both accepted for flags; blank or `(null)` is [`OptionValue::Unset`]
    /// for text).
    pub fn value_from_show(self, v: &FieldValue) -> Option<OptionValue> {
        match (self.kind(), v) {
            (OptionKind::EnabledDisabled | OptionKind::SetNotSet, _) => {
                v.as_flag().map(OptionValue::Flag)
            }
            (OptionKind::Number, FieldValue::Number(n)) => {
                u32::try_from(*n).ok().map(OptionValue::Number)
            }
            (OptionKind::Number, _) => None,
            (OptionKind::Text, FieldValue::Blank | FieldValue::Null) => Some(OptionValue::Unset),
            (OptionKind::Text, other) => Some(OptionValue::Text(other.as_text().into_owned())),
        }
    }
}

/// The value of a [`NetshOption`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionValue {
    /// `enable` (`true`) / `disable` (`false`).
    Flag(bool),
    /// An unsigned number.
    Number(u32),
    /// Text.
    Text(String),
    /// A text option that is not set (shown blank or `(null)`).
    Unset,
}

impl SslBinding {
    /// The `netsh`-settable options this binding shows, in field order:
    /// every field whose label is an option's English show label and whose
    /// value has that option's form. (Fields with labels in other languages
    /// are not mapped.)
    pub fn netsh_options(&self) -> Vec<(NetshOption, OptionValue)> {
        self.fields
            .iter()
            .filter_map(|f| {
                let o = NetshOption::from_show_label(f.label.as_str())?;
                Some((o, o.value_from_show(&f.value)?))
            })
            .collect()
    }

    /// The option's value for this binding: what it shows (first matching
    /// field), else the option's [default](NetshOption::default_value).
    pub fn effective_option(&self, option: NetshOption) -> OptionValue {
        self.fields
            .iter()
            .filter(|f| option.show_label().eq_ignore_ascii_case(f.label.as_str()))
            .find_map(|f| option.value_from_show(&f.value))
            .unwrap_or_else(|| option.default_value())
    }
}

/// A `netsh http add sslcert` command.
///
/// [`AddSslCert::render`] writes it exactly as people paste it:
/// `netsh http add sslcert ipport=0.0.0.0:443 certhash=<40 hex>
/// appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY`, then the
/// options in [`NetshOption`] order. Values with spaces are put in double
/// quotes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddSslCert {
    /// The endpoint (`ipport=`, `hostnameport=` or `ccs=`).
    pub endpoint: Endpoint,
    /// `certhash=`; required except for `ccs=`.
    pub cert_hash: Option<Sha1Thumbprint>,
    /// `appid=`.
    pub app_id: AppId,
    /// `certstorename=`; netsh defaults to `MY` for IP:port, and requires
    /// it for Hostname:port.
    pub store_name: Option<String>,
    /// Options named explicitly, each at most once.
    pub options: Vec<(NetshOption, OptionValue)>,
}

/// Why an [`AddSslCert`] could not be made or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddCommandError {
    /// An IP:port or Hostname:port binding without a certificate hash.
    #[error(
        "the binding for {endpoint} has no certificate hash; netsh needs certhash=<40 hex digits>"
    )]
    MissingCertHash {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// A binding without an application id.
    #[error("the binding for {endpoint} has no application id; netsh needs appid={{guid}}")]
    MissingAppId {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// A value that cannot be written on a command line (empty, a double
    /// quote, a control character), or a host name netsh would refuse.
    #[error("{param}={value:?} cannot be written on a netsh command line")]
    UnrenderableValue {
        /// The parameter.
        param: &'static str,
        /// The value (shortened if long).
        value: String,
    },
    /// The command would be longer than [`MAX_COMMAND_LEN`]: longer than
    /// [`parse_sslcert_command`] reads back, and than cmd.exe runs (8,191
    /// characters).
    #[error("the command would be {len} bytes long, more than the {max} a command line takes")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit, [`MAX_COMMAND_LEN`].
        max: usize,
    },
    /// An option's value of the wrong form (e.g. a number for a flag).
    #[error("{param} takes {expected}, not {value:?}")]
    WrongOptionKind {
        /// The parameter.
        param: &'static str,
        /// What it takes.
        expected: &'static str,
        /// The value given.
        value: OptionValue,
    },
}

impl AddSslCert {
    /// The command the SSTP service's own binding corresponds to: the
    /// endpoint, the hash, SSTP's application id, store `MY`.
    pub fn sstp(endpoint: Endpoint, cert_hash: Sha1Thumbprint) -> Self {
        AddSslCert {
            endpoint,
            cert_hash: Some(cert_hash),
            app_id: SSTP_APP_ID,
            store_name: Some("MY".to_owned()),
            options: Vec::new(),
        }
    }

    /// The command that recreates `binding`: its endpoint, hash,
    /// application id and store (`MY` for a Hostname:port binding without
    /// one, as netsh requires it), and every [`NetshOption`] whose
    /// effective value differs from netsh's default. Fields netsh cannot set
    /// (e.g. `Enable Caching Client Hello`, extended properties) and fields
    /// with non-English labels are not carried over.
    ///
    /// # Errors
    ///
    /// [`AddCommandError::MissingCertHash`] (not for `ccs`),
    /// [`AddCommandError::MissingAppId`].
    pub fn from_binding(binding: &SslBinding) -> Result<Self, AddCommandError> {
        let endpoint = binding.endpoint.clone();
        if binding.cert_hash.is_none() && endpoint.kind() != EndpointKind::Ccs {
            return Err(AddCommandError::MissingCertHash { endpoint });
        }
        let Some(app_id) = binding.app_id else {
            return Err(AddCommandError::MissingAppId { endpoint });
        };
        let store_name = match (&binding.store_name, endpoint.kind()) {
            (Some(s), _) => Some(s.clone()),
            (None, EndpointKind::HostnamePort) => Some("MY".to_owned()),
            (None, _) => None,
        };
        let options = NetshOption::ALL
            .iter()
            .map(|&o| (o, binding.effective_option(o)))
            .filter(|(o, v)| *v != o.default_value())
            .collect();
        Ok(AddSslCert {
            endpoint,
            cert_hash: binding.cert_hash,
            app_id,
            store_name,
            options,
        })
    }

    /// The option's value this command gives a binding: the explicit one,
    /// else netsh's default.
    pub fn effective(&self, option: NetshOption) -> OptionValue {
        self.options
            .iter()
            .find(|(o, _)| *o == option)
            .map_or_else(|| option.default_value(), |(_, v)| v.clone())
    }

    /// The command text.
    ///
    /// # Errors
    ///
    /// [`AddCommandError::MissingCertHash`] for IP:port or Hostname:port
    /// without a hash; [`AddCommandError::UnrenderableValue`] for an empty
    /// store name or text option, one with a double quote or control
    /// character, or an invalid host name;
    /// [`AddCommandError::WrongOptionKind`] for an option value of the
    /// wrong form; [`AddCommandError::TooLong`] for a command longer than
    /// [`MAX_COMMAND_LEN`].
    pub fn render(&self) -> Result<String, AddCommandError> {
        let mut out = String::with_capacity(160);
        out.push_str("netsh http add sslcert ");
        push_endpoint(&mut out, &self.endpoint)?;
        match (&self.cert_hash, self.endpoint.kind()) {
            (Some(h), _) => {
                out.push_str(" certhash=");
                out.push_str(&h.to_string());
            }
            (None, EndpointKind::Ccs) => {}
            (None, _) => {
                return Err(AddCommandError::MissingCertHash {
                    endpoint: self.endpoint.clone(),
                });
            }
        }
        out.push_str(" appid=");
        out.push_str(&self.app_id.to_string());
        if let Some(store) = &self.store_name {
            push_arg(&mut out, "certstorename", store)?;
        }
        let mut options: Vec<&(NetshOption, OptionValue)> = self.options.iter().collect();
        options.sort_by_key(|(o, _)| *o);
        for (o, v) in options {
            match (o.kind(), v) {
                (OptionKind::EnabledDisabled | OptionKind::SetNotSet, OptionValue::Flag(b)) => {
                    push_arg(&mut out, o.param(), if *b { "enable" } else { "disable" })?
                }
                (OptionKind::Number, OptionValue::Number(n)) => {
                    push_arg(&mut out, o.param(), &n.to_string())?
                }
                (OptionKind::Text, OptionValue::Text(t)) => push_arg(&mut out, o.param(), t)?,
                // Not naming a text option leaves it unset.
                (OptionKind::Text, OptionValue::Unset) => {}
                (kind, v) => {
                    return Err(AddCommandError::WrongOptionKind {
                        param: o.param(),
                        expected: match kind {
                            OptionKind::EnabledDisabled | OptionKind::SetNotSet => {
                                "enable or disable"
                            }
                            OptionKind::Number => "a number",
                            OptionKind::Text => "text",
                        },
                        value: v.clone(),
                    });
                }
            }
        }
        if out.len() > MAX_COMMAND_LEN {
            return Err(AddCommandError::TooLong {
                len: out.len(),
                max: MAX_COMMAND_LEN,
            });
        }
        Ok(out)
    }
}

fn push_endpoint(out: &mut String, e: &Endpoint) -> Result<(), AddCommandError> {
    if let Endpoint::HostnamePort { hostname, .. } = e
        && !is_valid_hostname(hostname)
    {
        return Err(AddCommandError::UnrenderableValue {
            param: "hostnameport",
            value: shorten(hostname),
        });
    }
    out.push_str(&e.netsh_arg());
    Ok(())
}

/// ` param=value`, quoting a value with white space or `'` in double quotes.
fn push_arg(out: &mut String, param: &'static str, value: &str) -> Result<(), AddCommandError> {
    if value.is_empty()
        || value.contains('"')
        || value.chars().any(char::is_control)
        || value.trim() != value
    {
        return Err(AddCommandError::UnrenderableValue {
            param,
            value: shorten(value),
        });
    }
    out.push(' ');
    out.push_str(param);
    out.push('=');
    if value.chars().any(|c| c.is_whitespace() || c == '\'') {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(value);
    }
    Ok(())
}

/// `netsh http add sslcert …` for `binding`; see [`AddSslCert::from_binding`].
///
/// # Errors
///
/// As [`AddSslCert::from_binding`] and [`AddSslCert::render`].
pub fn render_add_command(binding: &SslBinding) -> Result<String, AddCommandError> {
    AddSslCert::from_binding(binding)?.render()
}

/// `netsh http delete sslcert ipport=[::]:443` (or `hostnameport=…`, `ccs=…`).
///
/// # Errors
///
/// [`AddCommandError::UnrenderableValue`] for a Hostname:port endpoint
/// whose host name netsh would refuse.
pub fn render_delete_command(endpoint: &Endpoint) -> Result<String, AddCommandError> {
    let mut out = String::from("netsh http delete sslcert ");
    push_endpoint(&mut out, endpoint)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Reading commands back
// ---------------------------------------------------------------------------

/// A `netsh http … sslcert` command, as [`parse_sslcert_command`] read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SslCertCommand {
    /// `netsh http add sslcert …`
    Add(AddSslCert),
    /// `netsh http delete sslcert <endpoint>`
    Delete(Endpoint),
}

/// Why [`parse_sslcert_command`] refused a command.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandParseError {
    /// Longer than [`MAX_COMMAND_LEN`].
    #[error("the command is {len} bytes long, more than the {max} accepted")]
    TooLong {
        /// Length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not `[netsh] [http] add|delete sslcert …`.
    #[error(
        "expected `netsh http add sslcert …` or `netsh http delete sslcert …`; found {found:?} at word {word}"
    )]
    NotSslCert {
        /// 1-based word number.
        word: usize,
        /// The word (empty at the end of the text).
        found: String,
    },
    /// A quote that is not closed.
    #[error("unterminated quote in word {word}")]
    UnterminatedQuote {
        /// 1-based word number.
        word: usize,
    },
    /// A word that is not `name=value`.
    #[error("word {word} {found:?}: expected name=value")]
    NotNameValue {
        /// 1-based word number.
        word: usize,
        /// The word.
        found: String,
    },
    /// A parameter netsh does not have (or this parser does not support,
    /// such as `json=` and `scopedccs=`).
    #[error("word {word}: unknown or unsupported parameter {name:?}")]
    UnknownParameter {
        /// 1-based word number.
        word: usize,
        /// Its name.
        name: String,
    },
    /// A parameter given twice.
    #[error("word {word}: parameter {name} given twice")]
    Duplicate {
        /// 1-based word number.
        word: usize,
        /// Its name.
        name: String,
    },
    /// No endpoint, or more than one.
    #[error("expected exactly one of ipport=, hostnameport=, ccs=; found {found}")]
    EndpointCount {
        /// How many were given.
        found: usize,
    },
    /// A parameter with a value of the wrong form.
    #[error("word {word}: invalid {name}={value:?}: expected {expected}")]
    InvalidValue {
        /// 1-based word number.
        word: usize,
        /// The parameter.
        name: String,
        /// The value (shortened if long).
        value: String,
        /// What it takes.
        expected: &'static str,
    },
    /// A required parameter is missing.
    #[error("missing {name}=, which netsh requires here")]
    Missing {
        /// The parameter.
        name: &'static str,
    },
    /// `delete` with parameters other than the endpoint.
    #[error("word {word}: delete sslcert takes only the endpoint, not {name}=")]
    ExtraDeleteParameter {
        /// 1-based word number.
        word: usize,
        /// The parameter.
        name: String,
    },
}

/// Splits a command line into words: white space separates, `"…"` and
/// `'…'` group (the quotes are removed).
fn words(text: &str) -> Result<Vec<String>, CommandParseError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(CommandParseError::UnterminatedQuote {
            word: out.len() + 1,
        });
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

fn parse_flag(word: usize, name: &str, v: &str) -> Result<bool, CommandParseError> {
    if v.eq_ignore_ascii_case("enable") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("disable") {
        Ok(false)
    } else {
        Err(invalid(word, name, v, "enable or disable"))
    }
}

fn invalid(word: usize, name: &str, value: &str, expected: &'static str) -> CommandParseError {
    CommandParseError::InvalidValue {
        word,
        name: name.to_ascii_lowercase(),
        value: shorten(value),
        expected,
    }
}

/// Reads a `netsh http add sslcert …` or `netsh http delete sslcert …`
/// command, as [`AddSslCert::render`] and [`render_delete_command`] write
/// it or as people type it: `netsh`, `netsh.exe` and `http` are optional
/// (as inside the `netsh http` context), words and parameter names are
/// case-insensitive, values may be quoted with `"` or `'` (as PowerShell
/// users quote `appid='{…}'`). Parameters must be named (`name=value`).
///
/// # Errors
///
/// A [`CommandParseError`] naming the word at fault: not an sslcert
/// command, an unterminated quote, a word that is not `name=value`, an
/// unknown or repeated parameter, an invalid value (endpoint, 40-hex hash,
/// GUID, `enable`/`disable`, unsigned number), not exactly one endpoint, a
/// missing `certhash=` (IP:port, Hostname:port) or `appid=` (add),
/// `certstorename=` missing for Hostname:port, or an input longer than
/// [`MAX_COMMAND_LEN`].
///
/// ```
/// use sstp_cert::model::httpsys::{parse_sslcert_command, Endpoint, SslCertCommand, SSTP_APP_ID};
/// let cmd = parse_sslcert_command(
///     "netsh http add sslcert ipport=0.0.0.0:443 certhash=3A7F00112233445566778899AABBCCDDEEFF0102 appid='{BA195980-CD49-458B-9E23-C84EE0ADCD75}'",
/// )
/// .unwrap();
/// let SslCertCommand::Add(add) = cmd else { panic!() };
/// assert_eq!(add.endpoint, Endpoint::ipv4_wildcard(443));
/// assert_eq!(add.app_id, SSTP_APP_ID);
/// assert_eq!(
///     parse_sslcert_command("netsh http delete sslcert ipport=[::]:443").unwrap(),
///     SslCertCommand::Delete(Endpoint::ipv6_wildcard(443))
/// );
/// ```
pub fn parse_sslcert_command(text: &str) -> Result<SslCertCommand, CommandParseError> {
    if text.len() > MAX_COMMAND_LEN {
        return Err(CommandParseError::TooLong {
            len: text.len(),
            max: MAX_COMMAND_LEN,
        });
    }
    let words = words(text)?;
    let (add, first_param) = parse_verb(&words)?;
    let mut params = Params::default();
    let mut seen: Vec<String> = Vec::new();
    for (n, w) in words.iter().enumerate().skip(first_param) {
        let word = n + 1;
        let Some((name, value)) = w.split_once('=') else {
            return Err(CommandParseError::NotNameValue {
                word,
                found: shorten(w),
            });
        };
        let lname = name.to_ascii_lowercase();
        if seen.contains(&lname) {
            return Err(CommandParseError::Duplicate { word, name: lname });
        }
        if !add {
            check_delete_parameter(word, &lname)?;
        }
        params.take(word, name, &lname, value)?;
        seen.push(lname);
    }
    params.into_command(add)
}

/// Step 1: `[netsh [http]] add|delete sslcert`, the words before the
/// parameters. Returns whether it is `add` and the index of the first
/// parameter.
fn parse_verb(words: &[String]) -> Result<(bool, usize), CommandParseError> {
    let mut i = 0;
    let at = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let not_sslcert = |i: usize| CommandParseError::NotSslCert {
        word: i + 1,
        found: shorten(at(i)),
    };
    if at(i).eq_ignore_ascii_case("netsh") || at(i).eq_ignore_ascii_case("netsh.exe") {
        i += 1;
        if !at(i).eq_ignore_ascii_case("http") {
            return Err(not_sslcert(i));
        }
        i += 1;
    } else if at(i).eq_ignore_ascii_case("http") {
        i += 1;
    }
    let add = if at(i).eq_ignore_ascii_case("add") {
        true
    } else if at(i).eq_ignore_ascii_case("delete") {
        false
    } else {
        return Err(not_sslcert(i));
    };
    i += 1;
    if !at(i).eq_ignore_ascii_case("sslcert") {
        return Err(not_sslcert(i));
    }
    Ok((add, i + 1))
}

/// `delete sslcert` takes only the endpoint: any known `add` parameter is
/// refused (unknown ones are refused as unknown later).
fn check_delete_parameter(word: usize, lname: &str) -> Result<(), CommandParseError> {
    let is_endpoint = matches!(lname, "ipport" | "hostnameport" | "ccs");
    let is_add_only = matches!(lname, "certhash" | "appid" | "certstorename")
        || NetshOption::from_param(lname).is_some();
    if !is_endpoint && is_add_only {
        return Err(CommandParseError::ExtraDeleteParameter {
            word,
            name: lname.to_owned(),
        });
    }
    Ok(())
}

/// Step 2: the `name=value` parameters, as read so far.
#[derive(Default)]
struct Params {
    endpoints: Vec<Endpoint>,
    cert_hash: Option<Sha1Thumbprint>,
    app_id: Option<AppId>,
    store_name: Option<String>,
    options: Vec<(NetshOption, OptionValue)>,
}

impl Params {
    /// Reads one parameter (`name` as typed, `lname` lower-cased).
    fn take(
        &mut self,
        word: usize,
        name: &str,
        lname: &str,
        value: &str,
    ) -> Result<(), CommandParseError> {
        match lname {
            "ipport" | "hostnameport" | "ccs" => {
                self.endpoints
                    .push(parse_endpoint_param(word, name, lname, value)?);
            }
            "certhash" => {
                let mut b = [0u8; 20];
                if value.len() != 40 || hex::decode_to_slice(value, &mut b).is_err() {
                    return Err(invalid(
                        word,
                        name,
                        value,
                        "40 hex digits (the SHA-1 thumbprint)",
                    ));
                }
                self.cert_hash = Some(Sha1Thumbprint::from_bytes(b));
            }
            "appid" => {
                self.app_id = Some(AppId::parse_exact(value).ok_or_else(|| {
                    invalid(
                        word,
                        name,
                        value,
                        "a GUID, e.g. {ba195980-cd49-458b-9e23-c84ee0adcd75}",
                    )
                })?);
            }
            "certstorename" => {
                if value.is_empty() {
                    return Err(invalid(word, name, value, "a store name, e.g. MY"));
                }
                self.store_name = Some(value.to_owned());
            }
            other => {
                let Some(o) = NetshOption::from_param(other) else {
                    return Err(CommandParseError::UnknownParameter {
                        word,
                        name: lname.to_owned(),
                    });
                };
                let v = parse_option_value(o, word, name, value)?;
                self.options.push((o, v));
            }
        }
        Ok(())
    }

    /// Step 3: exactly one endpoint, and what `add` requires for its kind.
    fn into_command(mut self, add: bool) -> Result<SslCertCommand, CommandParseError> {
        if self.endpoints.len() != 1 {
            return Err(CommandParseError::EndpointCount {
                found: self.endpoints.len(),
            });
        }
        let endpoint = self.endpoints.remove(0);
        if !add {
            return Ok(SslCertCommand::Delete(endpoint));
        }
        if self.cert_hash.is_none() && endpoint.kind() != EndpointKind::Ccs {
            return Err(CommandParseError::Missing { name: "certhash" });
        }
        let Some(app_id) = self.app_id else {
            return Err(CommandParseError::Missing { name: "appid" });
        };
        if self.store_name.is_none() && endpoint.kind() == EndpointKind::HostnamePort {
            return Err(CommandParseError::Missing {
                name: "certstorename",
            });
        }
        self.options.sort_by_key(|(o, _)| *o);
        Ok(SslCertCommand::Add(AddSslCert {
            endpoint,
            cert_hash: self.cert_hash,
            app_id,
            store_name: self.store_name,
            options: self.options,
        }))
    }
}

/// `ipport=`, `hostnameport=` or `ccs=` (`lname`, lower-cased).
fn parse_endpoint_param(
    word: usize,
    name: &str,
    lname: &str,
    value: &str,
) -> Result<Endpoint, CommandParseError> {
    match lname {
        "ipport" => {
            const WANT: &str = "an IP address and port, e.g. 0.0.0.0:443 or [::]:443";
            let e: Endpoint = value
                .parse()
                .map_err(|_| invalid(word, name, value, WANT))?;
            if e.kind() != EndpointKind::IpPort {
                return Err(invalid(word, name, value, WANT));
            }
            Ok(e)
        }
        "hostnameport" => {
            let (host, port) = value
                .rsplit_once(':')
                .and_then(|(h, p)| Some((h, parse_port(p)?)))
                .filter(|(h, _)| is_valid_hostname(h))
                .ok_or_else(|| {
                    invalid(
                        word,
                        name,
                        value,
                        "a host name and port, e.g. vpn.example.com:443",
                    )
                })?;
            Ok(Endpoint::HostnamePort {
                hostname: host.to_owned(),
                port,
            })
        }
        _ => {
            let port =
                parse_port(value).ok_or_else(|| invalid(word, name, value, "a port number"))?;
            Ok(Endpoint::Ccs { port })
        }
    }
}

/// The value of a [`NetshOption`] parameter, by the option's kind.
fn parse_option_value(
    o: NetshOption,
    word: usize,
    name: &str,
    value: &str,
) -> Result<OptionValue, CommandParseError> {
    Ok(match o.kind() {
        OptionKind::EnabledDisabled | OptionKind::SetNotSet => {
            OptionValue::Flag(parse_flag(word, name, value)?)
        }
        OptionKind::Number => OptionValue::Number(
            value
                .parse::<u32>()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| invalid(word, name, value, "an unsigned 32-bit number"))?,
        ),
        OptionKind::Text if value.is_empty() => {
            return Err(invalid(word, name, value, "non-empty text"));
        }
        OptionKind::Text => OptionValue::Text(value.to_owned()),
    })
}

impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Flag(true) => f.write_str("enable"),
            OptionValue::Flag(false) => f.write_str("disable"),
            OptionValue::Number(n) => n.fmt(f),
            OptionValue::Text(t) => f.write_str(t),
            OptionValue::Unset => f.write_str("(not set)"),
        }
    }
}
