//! Will a client accept the bound certificate for the name it dials?
//! ([behaviour §0.1](crate::behaviour), §9)
//!
//! An SSTP connection **cannot be established** when the bound
//! certificate's names do not match the host name the client dials: unlike
//! a browser, the SSTP client offers no "continue anyway". This module
//! answers, for a certificate and an intended host name or IP address,
//! whether each kind of SSTP client accepts it, and why.
//!
//! # Quick start
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId, Rule};
//! # let der = rcgen::generate_simple_self_signed(vec!["*.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let cert = Certificate::from_der(der)?; // SAN: *.example.com
//!
//! // 1. Parse what the person typed. Bad input is an error, not a non-match.
//! let host = ReferenceId::parse("VPN.example.com")?;
//!
//! // 2. Ask every profile (or `check_profiles` for some).
//! let verdicts = HostVerdicts::check(&cert, &host);
//! let windows = verdicts.get(Profile::WindowsClient).unwrap();
//! assert!(windows.matched());
//! assert_eq!(windows.identifier().unwrap().to_string(), "dns:*.example.com");
//! assert_eq!(windows.reasons()[0].rule, Rule::WildcardMatch);
//!
//! // 3. A name one level deeper is refused, with the rule that refused it.
//! let deep = ReferenceId::parse("a.vpn.example.com")?;
//! let v = Profile::Rfc9525.check(&cert, &deep);
//! assert!(!v.matched());
//! assert_eq!(v.reasons()[0].rule.code(), "wildcard-label-count");
//!
//! // 4. The Windows client compares the name as given: a trailing dot fails.
//! let absolute = ReferenceId::parse("vpn.example.com.")?;
//! assert!(!Profile::WindowsClient.check(&cert, &absolute).matched());
//! assert!(Profile::Rfc9525.check(&cert, &absolute).matched());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The profiles at a glance
//!
//! Each [`Profile`] variant documents its full rule table; the differences
//! are:
//!
//! | | [`WindowsClient`](Profile::WindowsClient) | [`Rfc9525`](Profile::Rfc9525) | [`SstpcLinux`](Profile::SstpcLinux) |
//! |---|---|---|---|
//! | compares the host name | yes | yes | **no** ("accepted, no name check" + security warning) |
//! | SAN dNSName | yes | yes | – |
//! | subject CN | only when there is no dNSName | never | – |
//! | IP reference | iPAddress entries only | iPAddress entries only | – |
//! | `*.example.com` for `a.example.com` | ✓ | ✓ | – |
//! | `*.com` for `example.com` | ✓ (no label count in [behaviour §9](crate::behaviour)) | ✗ `wildcard-too-broad` | – |
//! | `*.example.com` for `example.com` / `a.b.example.com` | ✗ `wildcard-label-count` | ✗ | – |
//! | `f*.example.com`, `foo.*.example.com`, `*` | ✗ | ✗ | – |
//! | reference `vpn.example.com.` (trailing dot) | ✗ `reference-trailing-dot` (CERT_E_CN_NO_MATCH) | dot ignored | – |
//! | EKU accepted | none, serverAuth, anyEKU | none, serverAuth (rustls, OpenSSL) | none, serverAuth |
//! | EKU refused | anything else (client Event 16) | anyEKU-only (rustls, OpenSSL; **Go accepts it**), empty, others | anyEKU-only, empty, others |
//!
//! # Decisions
//!
//! Where [behaviour §9](crate::behaviour) leaves a point open, the model decides as follows; every
//! decision has a test.
//!
//! * **Reference names** ([`reference`](mod@reference)): ASCII case-insensitive; one
//!   trailing dot is kept as a fact of the reference: the RFC 9525 profile
//!   ignores it (`example.com.` matches `example.com`, as Go and
//!   rustls-webpki do; OpenSSL's `X509_check_host` does not), the Windows
//!   profile does not (CryptoAPI compares the name as given:
//!   [`Rule::ReferenceTrailingDot`], [behaviour §9](crate::behaviour)); U-labels become A-labels with the `idna`
//!   feature (off by default, on for the CLI), and are an error naming it without it. Invalid input — empty
//!   labels, NUL, spaces, `*`, a port, a zone index, names over 253 octets
//!   or labels over 63, input over [`MAX_HOST_LEN`] bytes — is a
//!   [`HostError`], never a silent non-match. Underscores are allowed
//!   (Windows host names have them).
//! * **IP-looking names**: text that parses as an IP address (`8.8.8.8`,
//!   `[2001:db8::1]`) is an IP reference, compared only with iPAddress
//!   entries — never with a dNSName or CN that spells the address (as
//!   rustls-webpki; OpenSSL's `-checkhost 8.8.8.8` compares it as a name).
//!   `1.2.3`, `127.1` or `010.1.1.1` are refused rather than guessed.
//! * **IPv4-mapped IPv6** (`::ffff:192.0.2.1`) stays a 16-octet address
//!   and does not match a 4-octet iPAddress entry (RFC 9525 §6.2 compares
//!   octet strings).
//! * **Presented names** ([`presented`]): a NUL, non-ASCII text (U-labels
//!   or raw UTF-8; certificates must carry A-labels), a trailing dot, or
//!   invalid syntax never matches. A whole-label wildcard may stand for an
//!   A-label (`*.example.com` matches `xn--bliss-1b3c148a.example.com`).
//! * **Wildcards** ([`wildcard`]): only `*` as the whole left-most label,
//!   standing for exactly one label; a bare `*` never matches; RFC 9525
//!   wants two labels after `*`, Windows one. No public suffix list:
//!   `*.co.uk` matches `example.co.uk` under both.
//! * **EKU** is reported separately from the name, from the certificate's
//!   extension only (clients do not see the server's store property).
//!
//! # Reading a result
//!
//! [`ProfileVerdict`] serializes as `{matched, identifier, reasons, …}`:
//! `identifier` is the presented identifier that matched (`dns:…`, `cn:…`,
//! `ip:…`) or `null`; `reasons` holds the accepting rule on a match, or
//! every compared identifier with the [`Rule`] that rejected it. See
//! [`verdict`] for the full JSON form.
//!
//! # With the automatic choice
//!
//! [`ChoiceOptions::host`](crate::model::choice::ChoiceOptions::host) adds
//! the verdicts to every candidate and to the chosen certificate. They never
//! change which certificate Windows picks; a chosen certificate the Windows
//! client does not accept carries a
//! [`HostNameMismatch`](crate::model::warning::WarningCode::HostNameMismatch)
//! warning (CERT_E_CN_NO_MATCH, 0x800B010F).
//!
//! # Modules
//!
//! | module | what |
//! |---|---|
//! | [`reference`](mod@reference) | [`ReferenceId`], [`DnsName`], [`HostError`]: what the client dials |
//! | [`presented`] | [`PresentedId`] and the syntax rules for presented names |
//! | [`wildcard`] | [`WildcardRule`]: the one wildcard form that matches |
//! | [`profile`] | [`Profile`]: the three clients' rules |
//! | [`verdict`] | [`ProfileVerdict`], [`HostVerdicts`], [`Rule`], [`EkuRule`] |
//! | [`policy`] | [`windows_ssl_policy`]: which one error the Windows client reports (chain before name) |
//!
//! # Layering
//!
//! The modules import each other in one direction only (each line uses
//! only the lines above it):
//!
//! 1. `rule` (private): the stable codes [`Rule`], [`EkuRule`],
//!    [`HostWarningCode`]; and [`reference`](mod@reference): what the client
//!    dials. Neither imports another `hostname` module.
//! 2. [`presented`] and [`wildcard`]: presented names and the wildcard rule
//!    (on `rule` and `reference`).
//! 3. `outcome` (private): one profile's verdict, [`NameVerdict`],
//!    [`EkuVerdict`], [`HostWarning`], [`ProfileVerdict`] (on `rule` and
//!    `presented`); [`policy`] builds on it.
//! 4. [`profile`]: the three clients' rules, producing `outcome`'s types.
//! 5. [`verdict`]: [`HostVerdicts`] over several profiles, and the public
//!    home (re-exports) of the types of `rule` and `outcome`.

mod outcome;
pub mod policy;
pub mod presented;
pub mod profile;
pub mod reference;
mod rule;
pub mod verdict;
pub mod wildcard;

pub use policy::{ChainStatus, SslPolicyError, windows_ssl_policy};
pub use presented::PresentedId;
pub use profile::{Profile, ProfileParseError};
pub use reference::{
    DnsName, HostError, MAX_DNS_NAME_LEN, MAX_HOST_LEN, MAX_LABEL_LEN, ReferenceId,
};
pub use verdict::{
    EkuRule, EkuVerdict, HostVerdicts, HostWarning, HostWarningCode, NameReason, NameVerdict,
    ProfileVerdict, ProfileVerdicts, Rule,
};
pub use wildcard::WildcardRule;
