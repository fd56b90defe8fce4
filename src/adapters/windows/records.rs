//! The plain records the Windows readers return, and the names they take.
//!
//! These types hold no handles and do no I/O, so they exist on every
//! platform: the CLI parses `--store windows:LocalMachine\MY` everywhere, and
//! the mapping onto the model ([`typed`](super::typed)) is tested on every
//! platform with the same records the readers return on Windows. The readers
//! themselves (the `store`, `registry` and `httpsys` modules) are only built
//! on Windows, and re-export the records they return.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

// ---------------------------------------------------------------------------
// Certificate store
// ---------------------------------------------------------------------------

/// Which registry hive a system store lives under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SystemStoreLocation {
    /// `CERT_SYSTEM_STORE_LOCAL_MACHINE`: the computer's stores ("Local
    /// Computer" in the certificates snap-in). The SSTP service uses this one.
    LocalMachine,
    /// `CERT_SYSTEM_STORE_CURRENT_USER`: the stores of the user running the
    /// program.
    CurrentUser,
}

impl SystemStoreLocation {
    /// The name used in store paths: `LocalMachine` or `CurrentUser`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LocalMachine => "LocalMachine",
            Self::CurrentUser => "CurrentUser",
        }
    }
}

impl fmt::Display for SystemStoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A system certificate store: a location and a store name, written
/// `LocalMachine\MY` (the store SSTP uses) or `CurrentUser\MY`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SystemStoreName {
    location: SystemStoreLocation,
    name: String,
}

impl SystemStoreName {
    /// `LocalMachine\MY`, the store the SSTP service reads.
    pub fn local_machine_my() -> Self {
        Self {
            location: SystemStoreLocation::LocalMachine,
            name: "MY".to_owned(),
        }
    }

    /// A store `name` (such as `MY`, `Root`, `WebHosting`) at `location`.
    ///
    /// The name must be non-empty and contain neither `\` nor NUL.
    ///
    /// # Errors
    ///
    /// [`StoreNameError::EmptyName`] or [`StoreNameError::InvalidCharacter`].
    pub fn new(location: SystemStoreLocation, name: &str) -> Result<Self, StoreNameError> {
        if name.is_empty() {
            return Err(StoreNameError::EmptyName);
        }
        if let Some(bad) = name.chars().find(|&c| c == '\\' || c == '\0') {
            return Err(StoreNameError::InvalidCharacter {
                name: name.to_owned(),
                character: bad,
            });
        }
        Ok(Self {
            location,
            name: name.to_owned(),
        })
    }

    /// Where the store lives.
    pub fn location(&self) -> SystemStoreLocation {
        self.location
    }

    /// The store's name, as given (system store names are case-insensitive).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for SystemStoreName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\\{}", self.location, self.name)
    }
}

impl FromStr for SystemStoreName {
    type Err = StoreNameError;

    /// Parses `LocalMachine\MY` or `CurrentUser\MY`; the location is matched
    /// case-insensitively, and PowerShell's `Cert:\` prefix is accepted.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let path = match trimmed.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("cert:\\") => &trimmed[6..],
            _ => trimmed,
        };
        let Some((location, name)) = path.split_once('\\') else {
            return Err(StoreNameError::MissingSeparator(text.to_owned()));
        };
        let location = if location.eq_ignore_ascii_case("LocalMachine") {
            SystemStoreLocation::LocalMachine
        } else if location.eq_ignore_ascii_case("CurrentUser") {
            SystemStoreLocation::CurrentUser
        } else {
            return Err(StoreNameError::UnknownLocation(location.to_owned()));
        };
        Self::new(location, name)
    }
}

/// Why a text is not a system store name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreNameError {
    /// No `\` between location and store name.
    #[error(
        "`{0}` is not a store path: expected `LocalMachine\\<store>` or `CurrentUser\\<store>`"
    )]
    MissingSeparator(String),
    /// The part before `\` is neither `LocalMachine` nor `CurrentUser`.
    #[error("unknown store location `{0}`: expected `LocalMachine` or `CurrentUser`")]
    UnknownLocation(String),
    /// Nothing after the `\`.
    #[error("the store name is empty")]
    EmptyName,
    /// The store name contains a character a system store name cannot have.
    #[error("store name `{name}` contains {character:?}, which a store name cannot contain")]
    InvalidCharacter {
        /// The name as given.
        name: String,
        /// The offending character.
        character: char,
    },
}

/// One certificate of a system store, as the operating system returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStoreEntry {
    /// The certificate's DER encoding (`CERT_CONTEXT::pbCertEncoded`).
    pub der: Vec<u8>,
    /// Whether the entry has the key-provider property
    /// (`CERT_KEY_PROV_INFO_PROP_ID`), i.e. a *linked* private key. Only its
    /// presence is checked; the key is never opened.
    pub has_key_provider_info: bool,
    /// The EKU *property* of the store entry (`CERT_ENHKEY_USAGE_PROP_ID`) as
    /// dotted OIDs, in their stored order: `None` when the entry has no such
    /// property, `Some(vec![])` when it is present but lists no usage.
    /// Distinct from the certificate's EKU *extension*, which is in `der`.
    pub eku_property: Option<Vec<String>>,
    /// The friendly name (`CERT_FRIENDLY_NAME_PROP_ID`), if one is set.
    pub friendly_name: Option<String>,
}

// ---------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------

// The `REG_*` type numbers live in the model, next to the parser that
// reads them from text; the adapter re-exports them under its old path.
pub use crate::model::registry::{
    REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ,
};

/// One registry value, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRegistryValue {
    /// The value's name (empty for the key's default value). Registry value
    /// names are case-insensitive; this is the stored spelling. An unpaired
    /// UTF-16 surrogate in the stored name becomes U+FFFD.
    pub name: String,
    /// The `REG_*` type number, e.g. [`REG_DWORD`] (4) or [`REG_BINARY`]
    /// (3). Any number can be stored; unknown ones are kept as they are.
    pub value_type: u32,
    /// The data bytes, exactly as stored (a `REG_DWORD` is 4 little-endian
    /// bytes only if whoever wrote it made it so).
    pub data: Vec<u8>,
}

// ---------------------------------------------------------------------------
// HTTP.sys bindings
// ---------------------------------------------------------------------------

/// The kinds of HTTP.sys SSL binding, each kept in its own configuration
/// table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BindingKind {
    /// `ipport=`: an IP address and port (`HttpServiceConfigSSLCertInfo`).
    /// SSTP uses the two wildcard pairs `0.0.0.0:443` and `[::]:443`.
    IpPort,
    /// `hostnameport=`: a host name and port, selected by SNI
    /// (`HttpServiceConfigSslSniCertInfo`, Windows 8 / Server 2012 and later).
    HostnamePort,
    /// `ccs=`: a port served from the Central Certificate Store
    /// (`HttpServiceConfigSslCcsCertInfo`, Windows 8 / Server 2012 and later).
    CentralCertificateStore,
}

impl BindingKind {
    /// All kinds, in the order the HTTP.sys reader reads them.
    pub const ALL: [Self; 3] = [
        Self::IpPort,
        Self::HostnamePort,
        Self::CentralCertificateStore,
    ];

    /// The name of the `HTTP_SERVICE_CONFIG_ID` this kind is queried with.
    pub fn config_id_name(self) -> &'static str {
        match self {
            Self::IpPort => "HttpServiceConfigSSLCertInfo",
            Self::HostnamePort => "HttpServiceConfigSslSniCertInfo",
            Self::CentralCertificateStore => "HttpServiceConfigSslCcsCertInfo",
        }
    }
}

impl fmt::Display for BindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IpPort => "IP:port",
            Self::HostnamePort => "hostname:port",
            Self::CentralCertificateStore => "central certificate store",
        })
    }
}

/// What a binding is keyed on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RawBindingEndpoint {
    /// An IP address and port, e.g. `0.0.0.0:443` or `[::]:443`.
    IpPort(SocketAddr),
    /// A host name and port (SNI), e.g. `vpn.example.com:443`.
    HostnamePort {
        /// The host name, as stored.
        hostname: String,
        /// The port.
        port: u16,
    },
    /// A Central Certificate Store port, `ccs=<port>`.
    CentralCertificateStore {
        /// The port.
        port: u16,
    },
}

impl RawBindingEndpoint {
    /// The kind of binding this endpoint belongs to.
    pub fn kind(&self) -> BindingKind {
        match self {
            Self::IpPort(_) => BindingKind::IpPort,
            Self::HostnamePort { .. } => BindingKind::HostnamePort,
            Self::CentralCertificateStore { .. } => BindingKind::CentralCertificateStore,
        }
    }
}

impl fmt::Display for RawBindingEndpoint {
    /// As `netsh` writes it: `0.0.0.0:443`, `[::]:443`, `host:443`,
    /// `ccs=443`... except that `netsh` prints the port of a CCS binding
    /// without the `ccs=`; the prefix keeps the kinds apart here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IpPort(address) => write!(f, "{address}"),
            Self::HostnamePort { hostname, port } => write!(f, "{hostname}:{port}"),
            Self::CentralCertificateStore { port } => write!(f, "ccs={port}"),
        }
    }
}

/// One HTTP.sys SSL binding, as `HttpQueryServiceConfiguration` returned it
/// (the fields of `HTTP_SERVICE_CONFIG_SSL_PARAM`, not interpreted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSslBinding {
    /// What the binding is keyed on.
    pub endpoint: RawBindingEndpoint,
    /// The certificate hash (`pSslHash`, `SslHashLength` bytes): normally the
    /// 20-byte SHA-1 thumbprint; empty for CCS bindings.
    pub cert_hash: Vec<u8>,
    /// The application id, lowercase with braces:
    /// `{ba195980-cd49-458b-9e23-c84ee0adcd75}` for SSTP.
    pub app_id: String,
    /// The certificate store name (`pSslCertStoreName`), e.g. `MY`; `None`
    /// when not set (HTTP.sys then uses `MY`).
    pub cert_store_name: Option<String>,
    /// `DefaultCertCheckMode` (netsh "Verify Client Certificate Revocation"
    /// and related bits).
    pub default_cert_check_mode: u32,
    /// `DefaultRevocationFreshnessTime`, in seconds.
    pub default_revocation_freshness_time: u32,
    /// `DefaultRevocationUrlRetrievalTimeout`, in milliseconds.
    pub default_revocation_url_retrieval_timeout: u32,
    /// `pDefaultSslCtlIdentifier`, if set.
    pub default_ssl_ctl_identifier: Option<String>,
    /// `pDefaultSslCtlStoreName`, if set.
    pub default_ssl_ctl_store_name: Option<String>,
    /// `DefaultFlags` (`HTTP_SERVICE_CONFIG_SSL_FLAG_*`: negotiate client
    /// certificate, use DS mapper, no raw filter, reject, …).
    pub default_flags: u32,
}

/// All bindings, and the kinds this system could not be asked about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SslBindings {
    /// Every binding: IP:port ones first, then hostname:port, then CCS, each
    /// in the order HTTP.sys enumerates them.
    pub bindings: Vec<RawSslBinding>,
    /// Kinds whose table this system rejected as unknown or unsupported
    /// (older Windows have no SNI or CCS bindings); empty on current
    /// releases. The IP:port table is never listed here: failing to read it
    /// is an error.
    pub unsupported_kinds: Vec<BindingKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_store_paths() {
        let parsed: SystemStoreName = "LocalMachine\\MY".parse().unwrap();
        assert_eq!(parsed, SystemStoreName::local_machine_my());
        assert_eq!(parsed.to_string(), "LocalMachine\\MY");
        let user: SystemStoreName = "cert:\\currentuser\\My".parse().unwrap();
        assert_eq!(user.location(), SystemStoreLocation::CurrentUser);
        assert_eq!(user.name(), "My");
        assert_eq!(
            "MY".parse::<SystemStoreName>(),
            Err(StoreNameError::MissingSeparator("MY".into()))
        );
        assert_eq!(
            "Machine\\MY".parse::<SystemStoreName>(),
            Err(StoreNameError::UnknownLocation("Machine".into()))
        );
        assert_eq!(
            "LocalMachine\\".parse::<SystemStoreName>(),
            Err(StoreNameError::EmptyName)
        );
        assert!(matches!(
            "LocalMachine\\A\\B".parse::<SystemStoreName>(),
            Err(StoreNameError::InvalidCharacter {
                character: '\\',
                ..
            })
        ));
    }

    #[test]
    fn endpoints_display_as_netsh_writes_them() {
        let v6 = RawBindingEndpoint::IpPort("[::]:443".parse().unwrap());
        assert_eq!(v6.to_string(), "[::]:443");
        assert_eq!(v6.kind(), BindingKind::IpPort);
        let ccs = RawBindingEndpoint::CentralCertificateStore { port: 443 };
        assert_eq!(ccs.to_string(), "ccs=443");
        assert_eq!(ccs.kind(), BindingKind::CentralCertificateStore);
        assert_eq!(
            BindingKind::HostnamePort.config_id_name(),
            "HttpServiceConfigSslSniCertInfo"
        );
    }
}
