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
/// added (new modules, features), hence `#[non_exhaustive]`.
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
/// assert!(matches!(err, sstp_cert::Error::Certificate(_)));
/// assert!(err.to_string().starts_with("empty input"), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A certificate could not be parsed ([`model::certificate`](crate::model::certificate)).
    #[error(transparent)]
    Certificate(#[from] crate::model::certificate::CertificateError),
    /// A thumbprint or hash could not be parsed ([`model::thumbprint`](crate::model::thumbprint)).
    #[error(transparent)]
    Thumbprint(#[from] crate::model::thumbprint::ThumbprintError),
    /// A private key could not be read ([`model::key`](crate::model::key)).
    #[error(transparent)]
    Key(#[from] crate::model::key::KeyError),
    /// An EKU name or OID could not be parsed ([`model::eku`](crate::model::eku)).
    #[error(transparent)]
    KeyPurpose(#[from] crate::model::eku::KeyPurposeParseError),
    /// A store could not be read as a whole ([`model::store`](crate::model::store)).
    #[error(transparent)]
    Store(#[from] crate::model::store::StoreError),
    /// A private key could not be exported from a store
    /// ([`adapters::key_export`](crate::adapters::key_export)).
    #[error(transparent)]
    KeyExport(#[from] crate::adapters::key_export::KeyExportError),
    /// A `.reg` export or `reg query` output could not be parsed
    /// ([`model::registry`](crate::model::registry)).
    #[error(transparent)]
    RegistryParse(#[from] crate::model::registry::RegistryParseError),
    /// A `netsh http show sslcert` listing could not be parsed
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    NetshParse(#[from] crate::model::httpsys::NetshParseError),
    /// A `netsh http add|delete sslcert` command line could not be parsed
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    CommandParse(#[from] crate::model::httpsys::CommandParseError),
    /// A `netsh http add sslcert` command could not be built
    /// ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    AddCommand(#[from] crate::model::httpsys::AddCommandError),
    /// An HTTP.sys endpoint could not be parsed ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    Endpoint(#[from] crate::model::httpsys::EndpointError),
    /// An application id could not be parsed ([`model::httpsys`](crate::model::httpsys)).
    #[error(transparent)]
    AppId(#[from] crate::model::httpsys::AppIdError),
    /// A host name could not be parsed ([`model::hostname`](crate::model::hostname)).
    #[error(transparent)]
    HostName(#[from] crate::model::hostname::HostError),
    /// A client profile name could not be parsed
    /// ([`model::hostname`](crate::model::hostname)).
    #[error(transparent)]
    Profile(#[from] crate::model::hostname::ProfileParseError),
    /// The change-certificate plan could not be made ([`model::plan`](crate::model::plan)).
    #[error(transparent)]
    Plan(#[from] crate::model::plan::PlanError),
    /// The plan could not be rendered as command lines ([`model::plan`](crate::model::plan)).
    #[error(transparent)]
    PlanRender(#[from] crate::model::plan::PlanRenderError),
    /// A script line could not be understood ([`model::script`](crate::model::script)).
    #[error(transparent)]
    Script(#[from] crate::model::script::ScriptError),
    /// A crypto binding could not be read or checked
    /// ([`model::crypto_binding`](crate::model::crypto_binding)).
    #[error(transparent)]
    CryptoBinding(#[from] crate::model::crypto_binding::CryptoBindingError),
    /// The simulated machine refused an operation ([`model::runtime`](crate::model::runtime)).
    #[error(transparent)]
    Machine(#[from] crate::model::runtime::MachineError),
    /// The simulated `netsh` refused a command ([`model::runtime`](crate::model::runtime)).
    #[error(transparent)]
    Netsh(#[from] crate::model::runtime::NetshError),
    /// A rotation host could not do an operation ([`model::rotation`](crate::model::rotation)).
    #[error(transparent)]
    RotationHost(#[from] crate::model::rotation::HostError),
    /// A server's served certificate could not be seen
    /// ([`adapters::served_cert`](crate::adapters::served_cert)).
    #[error(transparent)]
    Probe(#[from] crate::adapters::served_cert::ProbeError),
    /// A properties file of a directory store could not be read
    /// ([`adapters::dir_store`](crate::adapters::dir_store)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Properties(#[from] crate::adapters::dir_store::PropertiesError),
    /// A machine bundle could not be read or written
    /// ([`adapters::bundle`](crate::adapters::bundle)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Bundle(#[from] crate::adapters::bundle::BundleError),
    /// A fleet directory could not be read ([`adapters::fleet`](crate::adapters::fleet)).
    #[cfg(feature = "serde")]
    #[error(transparent)]
    Fleet(#[from] crate::adapters::fleet::FleetError),
    /// No certificate could be served with rustls ([`adapters::tls`](crate::adapters::tls)).
    #[cfg(feature = "rustls")]
    #[error(transparent)]
    Tls(#[from] crate::adapters::tls::TlsError),
    /// The listener could not bind ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    Bind(#[from] crate::adapters::listener::BindError),
    /// A connection failed before the SSTP request was read
    /// ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    Connection(#[from] crate::adapters::listener::ConnectionError),
    /// The SSTP request could not be read ([`adapters::listener`](crate::adapters::listener)).
    #[cfg(feature = "listener")]
    #[error(transparent)]
    RequestRead(#[from] crate::adapters::listener::RequestReadError),
    /// A system store name could not be parsed
    /// ([`adapters::windows::records`](crate::adapters::windows::records)).
    #[error(transparent)]
    StoreName(#[from] crate::adapters::windows::records::StoreNameError),
    /// The Windows certificate store could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsStore(#[from] crate::adapters::windows::store::StoreError),
    /// The Windows registry could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsRegistry(#[from] crate::adapters::windows::registry::RegistryError),
    /// HTTP.sys could not be read (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    HttpSys(#[from] crate::adapters::windows::httpsys::HttpSysError),
    /// HTTP.sys, the registry or a service could not be changed (Windows
    /// only).
    #[cfg(windows)]
    #[error(transparent)]
    WindowsWrite(#[from] crate::adapters::windows::write::WriteError),
    /// A Win32 call failed (Windows only).
    #[cfg(windows)]
    #[error(transparent)]
    Win32(#[from] crate::adapters::windows::Win32Error),
}

/// `Result<T, sstp_cert::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
