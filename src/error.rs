//! One error type for the whole crate: [`Error`], and [`Result`].
//!
//! Every module keeps its own error type, which says exactly what can go
//! wrong there. [`Error`] has one variant per module error, each displaying
//! as that error and returning its source, so `?` turns any of them into an
//! [`Error`] in code that calls several modules.

/// Any error of this crate: one variant per module error, each displayed as
/// that error (`#[error(transparent)]`), converted by `?` (`From`).
///
/// Match on the variant to get the module error back; new variants may be
/// added (new modules, features), hence `#[non_exhaustive]`. Each variant
/// holds its module error boxed, so `sstp_cert::Error` is two words and a
/// `Result` carrying it stays small (some module errors are over 100
/// bytes).
///
/// ```
/// use sstp_cert::{Certificate, Sha1Thumbprint};
///
/// fn is_the_pasted_one(der: &[u8], pasted: &str) -> sstp_cert::Result<bool> {
///     let cert = Certificate::from_der(der)?; // CertificateError
///     let wanted: Sha1Thumbprint = pasted.parse()?; // ThumbprintError
///     Ok(cert.sha1() == wanted)
/// }
///
/// let err = is_the_pasted_one(b"", "00").unwrap_err();
/// let sstp_cert::Error::Certificate(inner) = &err else { panic!("{err:?}") };
/// assert_eq!(**inner, sstp_cert::CertificateError::Empty);
/// assert!(err.to_string().starts_with("empty input"), "{err}");
/// assert_eq!(size_of::<sstp_cert::Error>(), 2 * size_of::<usize>());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A certificate could not be parsed ([`model::certificate`](crate::model::certificate)).
    #[error(transparent)]
    Certificate(Box<crate::model::certificate::CertificateError>),
    /// A thumbprint or hash could not be parsed ([`model::thumbprint`](crate::model::thumbprint)).
    #[error(transparent)]
    Thumbprint(Box<crate::model::thumbprint::ThumbprintError>),
    /// A private key could not be read ([`model::key`](crate::model::key)).
    #[error(transparent)]
    Key(Box<crate::model::key::KeyError>),
    /// An EKU name or OID could not be parsed ([`model::eku`](crate::model::eku)).
    #[error(transparent)]
    KeyPurpose(Box<crate::model::eku::KeyPurposeParseError>),
    /// A store could not be read as a whole ([`model::store`](crate::model::store)).
    #[error(transparent)]
    Store(Box<crate::model::store::StoreError>),
    /// A private key could not be exported from a store
    /// ([`adapters::key_export`](crate::adapters::key_export)).
    #[error(transparent)]
    KeyExport(Box<crate::adapters::key_export::KeyExportError>),
    /// A `.reg` export or `reg query` output could not be parsed
    /// ([`model::registry`](crate::model::registry)).
    #[error(transparent)]
    RegistryParse(Box<crate::model::registry::RegistryParseError>),
    /// A `netsh http show sslcert` listing could not be parsed
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    NetshParse(Box<crate::model::httpsys::NetshParseError>),
    /// A `netsh http add|delete sslcert` command line could not be parsed
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    CommandParse(Box<crate::model::httpsys::CommandParseError>),
    /// A `netsh http add sslcert` command could not be built
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    AddCommand(Box<crate::model::httpsys::AddCommandError>),
    /// An HTTP.sys endpoint could not be parsed ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    Endpoint(Box<crate::model::httpsys::EndpointError>),
    /// An application id could not be parsed ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    AppId(Box<crate::model::httpsys::AppIdError>),
    /// A host name could not be parsed ([`model::hostname`](crate::model::hostname)).
    #[error(transparent)]
    HostName(Box<crate::model::hostname::HostError>),
    /// A client profile name could not be parsed
    /// ([`model::hostname`](crate::model::hostname)).
    #[error(transparent)]
    Profile(Box<crate::model::hostname::ProfileParseError>),
    /// The change-certificate plan could not be made ([`model::plan`](crate::model::plan)).
    #[error(transparent)]
    Plan(Box<crate::model::plan::PlanError>),
    /// The plan could not be rendered as command lines ([`model::plan`](crate::model::plan)).
    #[error(transparent)]
    PlanRender(Box<crate::model::plan::PlanRenderError>),
    /// A script line could not be understood ([`model::script`](crate::model::script)).
    #[error(transparent)]
    Script(Box<crate::model::script::ScriptError>),
    /// A crypto binding could not be read or checked
    /// ([`model::crypto_binding`](crate::model::crypto_binding)).
    #[error(transparent)]
    CryptoBinding(Box<crate::model::crypto_binding::CryptoBindingError>),
    /// The simulated machine refused an operation ([`model::runtime`](crate::model::runtime)).
    #[error(transparent)]
    Machine(Box<crate::model::runtime::MachineError>),
    /// The simulated `netsh` refused a command ([`model::runtime`](crate::model::runtime)).
    #[error(transparent)]
    Netsh(Box<crate::model::runtime::NetshError>),
    /// A rotation host could not do an operation ([`model::rotation`](crate::model::rotation)).
    #[error(transparent)]
    RotationHost(Box<crate::model::rotation::HostError>),
    /// A server's served certificate could not be seen
    /// ([`adapters::served_cert`](crate::adapters::served_cert)).
    #[error(transparent)]
    Probe(Box<crate::adapters::served_cert::ProbeError>),
    /// A properties file of a directory store could not be read
    /// ([`adapters::dir_store`](crate::adapters::dir_store)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Properties(Box<crate::adapters::dir_store::PropertiesError>),
    /// A machine bundle could not be read or written
    /// ([`adapters::bundle`](crate::adapters::bundle)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Bundle(Box<crate::adapters::bundle::BundleError>),
    /// A fleet directory could not be read ([`adapters::fleet`](crate::adapters::fleet)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Fleet(Box<crate::adapters::fleet::FleetError>),
    /// No certificate could be served with rustls ([`adapters::tls`](crate::adapters::tls)).
    #[cfg(feature = "rustls")]
    #[error(transparent)]
    Tls(Box<crate::adapters::tls::TlsError>),
    /// The listener could not bind ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    Bind(Box<crate::adapters::listener::BindError>),
    /// A connection failed before the SSTP request was read
    /// ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    Connection(Box<crate::adapters::listener::ConnectionError>),
    /// The SSTP request could not be read ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    RequestRead(Box<crate::adapters::listener::RequestReadError>),
    /// A system store name could not be parsed
    /// ([`adapters::windows::records`](crate::adapters::windows::records)).
    #[error(transparent)]
    StoreName(Box<crate::adapters::windows::records::StoreNameError>),
    /// A store name (a directory or `windows:LocalMachine\MY`) could not be
    /// parsed ([`adapters::state_source`](crate::adapters::state_source)).
    #[error(transparent)]
    StoreSource(Box<crate::adapters::state_source::StoreSourceError>),
    /// A machine's state could not be read
    /// ([`adapters::state_source`](crate::adapters::state_source)).
    #[error(transparent)]
    StateLoad(Box<crate::adapters::state_source::StateLoadError>),
    /// The Windows certificate store could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsStore(Box<crate::adapters::windows::store::StoreError>),
    /// The Windows registry could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsRegistry(Box<crate::adapters::windows::registry::RegistryError>),
    /// HTTP.sys could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    HttpSys(Box<crate::adapters::windows::httpsys::HttpSysError>),
    /// HTTP.sys, the registry or a service could not be changed (Windows
    /// only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsWrite(Box<crate::adapters::windows::write::WriteError>),
    /// A Win32 call failed (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    Win32(Box<crate::adapters::windows::Win32Error>),
}

/// `From<module error>` for [`Error`], boxing it.
macro_rules! from_module_errors {
    ($($(#[$attr:meta])* $variant:ident($ty:ty),)*) => {$(
        $(#[$attr])*
        impl From<$ty> for Error {
            fn from(error: $ty) -> Self {
                Error::$variant(Box::new(error))
            }
        }
    )*};
}

from_module_errors! {
    Certificate(crate::model::certificate::CertificateError),
    Thumbprint(crate::model::thumbprint::ThumbprintError),
    Key(crate::model::key::KeyError),
    KeyPurpose(crate::model::eku::KeyPurposeParseError),
    Store(crate::model::store::StoreError),
    KeyExport(crate::adapters::key_export::KeyExportError),
    RegistryParse(crate::model::registry::RegistryParseError),
    NetshParse(crate::model::httpsys::NetshParseError),
    CommandParse(crate::model::httpsys::CommandParseError),
    AddCommand(crate::model::httpsys::AddCommandError),
    Endpoint(crate::model::httpsys::EndpointError),
    AppId(crate::model::httpsys::AppIdError),
    HostName(crate::model::hostname::HostError),
    Profile(crate::model::hostname::ProfileParseError),
    Plan(crate::model::plan::PlanError),
    PlanRender(crate::model::plan::PlanRenderError),
    Script(crate::model::script::ScriptError),
    CryptoBinding(crate::model::crypto_binding::CryptoBindingError),
    Machine(crate::model::runtime::MachineError),
    Netsh(crate::model::runtime::NetshError),
    RotationHost(crate::model::rotation::HostError),
    Probe(crate::adapters::served_cert::ProbeError),
    #[cfg(feature = "serde")]
    Properties(crate::adapters::dir_store::PropertiesError),
    #[cfg(feature = "serde")]
    Bundle(crate::adapters::bundle::BundleError),
    #[cfg(feature = "serde")]
    Fleet(crate::adapters::fleet::FleetError),
    #[cfg(feature = "rustls")]
    Tls(crate::adapters::tls::TlsError),
    #[cfg(feature = "listener")]
    Bind(crate::adapters::listener::BindError),
    #[cfg(feature = "listener")]
    Connection(crate::adapters::listener::ConnectionError),
    #[cfg(feature = "listener")]
    RequestRead(crate::adapters::listener::RequestReadError),
    StoreName(crate::adapters::windows::records::StoreNameError),
    StoreSource(crate::adapters::state_source::StoreSourceError),
    StateLoad(crate::adapters::state_source::StateLoadError),
    #[cfg(windows)]
    WindowsStore(crate::adapters::windows::store::StoreError),
    #[cfg(windows)]
    WindowsRegistry(crate::adapters::windows::registry::RegistryError),
    #[cfg(windows)]
    HttpSys(crate::adapters::windows::httpsys::HttpSysError),
    #[cfg(windows)]
    WindowsWrite(crate::adapters::windows::write::WriteError),
    #[cfg(windows)]
    Win32(crate::adapters::windows::Win32Error),
}

/// `Result<T, sstp_cert::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
