//! The operations a rotation needs from a machine: the [`Host`] trait.

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::model::code::stable_codes;
use crate::model::httpsys::{Endpoint, SslBinding};
use crate::model::registry::{RegValue, RegistryValues};
use crate::model::runtime::ServiceState;
use crate::model::store::StoreEntry;
use crate::model::thumbprint::Sha1Thumbprint;

stable_codes! {
    [from_str]
    /// One operation of a [`Host`]. Serialises as its [`code`](Operation::code).
    ///
    /// ```
    /// use sstp_cert::model::rotation::Operation;
    /// assert_eq!(Operation::DeleteBinding.code(), "delete-binding");
    /// assert_eq!(Operation::Handshake.to_string(), "TLS handshake to the local listener");
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::rotation::Operation;
    /// assert_eq!(Operation::ReadRegistry.code(), "read-registry");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum Operation("host operation") {
        /// Read the certificates of `LocalMachine\MY`, in store order.
        ReadStore => "read-store",
        /// Read every HTTP.sys SSL binding.
        ReadBindings => "read-bindings",
        /// Read the `SstpSvc\Parameters` key.
        ReadRegistry => "read-registry",
        /// Read whether the SSTP service runs.
        ReadService => "read-service",
        /// Delete the HTTP.sys SSL binding of an endpoint.
        DeleteBinding => "delete-binding",
        /// Add an HTTP.sys SSL binding.
        AddBinding => "add-binding",
        /// Set a value of `SstpSvc\Parameters`.
        SetRegistryValue => "set-registry-value",
        /// Delete a value of `SstpSvc\Parameters`.
        DeleteRegistryValue => "delete-registry-value",
        /// Stop SstpSvc (and RemoteAccess, which depends on it).
        StopService => "stop-service",
        /// Start RemoteAccess (and SstpSvc).
        StartService => "start-service",
        /// A TLS handshake to the local listener, to see the served certificate.
        Handshake => "handshake",
    }
}

impl Operation {
    /// Every operation, in declaration order.
    pub const ALL: [Operation; 11] = [
        Operation::ReadStore,
        Operation::ReadBindings,
        Operation::ReadRegistry,
        Operation::ReadService,
        Operation::DeleteBinding,
        Operation::AddBinding,
        Operation::SetRegistryValue,
        Operation::DeleteRegistryValue,
        Operation::StopService,
        Operation::StartService,
        Operation::Handshake,
    ];
}

impl fmt::Display for Operation {
    /// In words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::ReadStore => "reading LocalMachine\\MY",
            Operation::ReadBindings => "reading the HTTP.sys SSL bindings",
            Operation::ReadRegistry => "reading SstpSvc\\Parameters",
            Operation::ReadService => "reading the SSTP service state",
            Operation::DeleteBinding => "deleting an HTTP.sys SSL binding",
            Operation::AddBinding => "adding an HTTP.sys SSL binding",
            Operation::SetRegistryValue => "setting a SstpSvc\\Parameters value",
            Operation::DeleteRegistryValue => "deleting a SstpSvc\\Parameters value",
            Operation::StopService => "stopping the SSTP service",
            Operation::StartService => "starting the SSTP service",
            Operation::Handshake => "TLS handshake to the local listener",
        })
    }
}

/// Why a [`Host`] operation did not happen.
///
/// ```
/// use sstp_cert::model::rotation::{HostError, Operation};
/// let e = HostError::unavailable(Operation::AddBinding, "HTTP.sys is not available");
/// assert_eq!(e.code(), "operation-unavailable");
/// assert_eq!(e.to_string(), "adding an HTTP.sys SSL binding is not available on this host: HTTP.sys is not available");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// The host cannot do this operation at all (found by the preflight).
    #[error("{operation} is not available on this host: {reason}")]
    Unavailable {
        /// The operation.
        operation: Operation,
        /// Why, in a sentence.
        reason: String,
    },
    /// The operation was tried and failed.
    #[error("{operation} failed: {detail}")]
    Failed {
        /// The operation.
        operation: Operation,
        /// What failed, in a sentence (the tool's or API's message).
        detail: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
}

impl HostError {
    /// An [`HostError::Unavailable`].
    pub fn unavailable(operation: Operation, reason: impl Into<String>) -> Self {
        HostError::Unavailable {
            operation,
            reason: reason.into(),
        }
    }

    /// A [`HostError::Failed`] keeping `source`.
    ///
    /// ```
    /// use sstp_cert::model::rotation::{HostError, Operation};
    /// let io = std::io::Error::other("access denied");
    /// let e = HostError::failed(Operation::StopService, io);
    /// assert!(std::error::Error::source(&e).is_some());
    /// assert_eq!(e.code(), "operation-failed");
    /// ```
    pub fn failed(
        operation: Operation,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        HostError::Failed {
            operation,
            detail: source.to_string(),
            source: Some(Arc::new(source)),
        }
    }

    /// A [`HostError::Failed`] with a message and no source.
    pub fn failed_with(operation: Operation, detail: impl Into<String>) -> Self {
        HostError::Failed {
            operation,
            detail: detail.into(),
            source: None,
        }
    }

    /// The stable code: `operation-unavailable` or `operation-failed`.
    pub fn code(&self) -> &'static str {
        match self {
            HostError::Unavailable { .. } => "operation-unavailable",
            HostError::Failed { .. } => "operation-failed",
        }
    }

    /// The operation concerned.
    pub fn operation(&self) -> Operation {
        match self {
            HostError::Unavailable { operation, .. } | HostError::Failed { operation, .. } => {
                *operation
            }
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for HostError {
    /// `{"code": …, "operation": …, "message": …}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("HostError", 3)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("operation", &self.operation())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

/// What a TLS handshake to the local listener saw.
///
/// ```
/// use sstp_cert::model::rotation::Handshake;
/// let h = Handshake::refused("connection refused");
/// assert!(h.served.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Handshake {
    /// The SHA-1 thumbprint of the certificate the listener served, if the
    /// handshake got that far.
    pub served: Option<Sha1Thumbprint>,
    /// Why no certificate was served, when none was.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub failure: Option<String>,
}

impl Handshake {
    /// A handshake that served `sha1`.
    pub fn served(sha1: Sha1Thumbprint) -> Self {
        Handshake {
            served: Some(sha1),
            failure: None,
        }
    }

    /// A handshake that served nothing, and why.
    pub fn refused(why: impl Into<String>) -> Self {
        Handshake {
            served: None,
            failure: Some(why.into()),
        }
    }
}

/// A machine a rotation works on: the operations of [behaviour §0.2](crate::behaviour)'s procedure,
/// and reads to check each one.
///
/// Two implementations: [`SimulatedHost`](super::SimulatedHost) over the
/// model's [`Machine`](crate::model::runtime::Machine), and the live
/// Windows host in `adapters::windows` (feature `windows` on Windows).
///
/// Every method returns a [`HostError`] rather than panicking;
/// [`Host::available`] must answer without changing anything — the
/// executor calls it for every operation it may need *before* the first
/// change (the preflight).
pub trait Host {
    /// What this host is, for reports (`"simulated machine"`, `"this
    /// machine (live)"`).
    fn describe(&self) -> String;
    /// Whether `operation` can be done here, without doing it.
    ///
    /// # Errors
    ///
    /// [`HostError::Unavailable`] with the reason.
    fn available(&mut self, operation: Operation) -> Result<(), HostError>;
    /// The certificates of `LocalMachine\MY`, in store order.
    ///
    /// # Errors
    ///
    /// When the store cannot be read.
    fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError>;
    /// Every HTTP.sys SSL binding.
    ///
    /// # Errors
    ///
    /// When they cannot be read.
    fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError>;
    /// The values of `SstpSvc\Parameters`.
    ///
    /// # Errors
    ///
    /// When the key cannot be read.
    fn read_registry(&mut self) -> Result<RegistryValues, HostError>;
    /// Whether the SSTP service runs.
    ///
    /// # Errors
    ///
    /// When the state cannot be read.
    fn read_service(&mut self) -> Result<ServiceState, HostError>;
    /// Deletes the binding of `endpoint`.
    ///
    /// # Errors
    ///
    /// When it is not there or cannot be deleted.
    fn delete_binding(&mut self, endpoint: &Endpoint) -> Result<(), HostError>;
    /// Adds `binding`.
    ///
    /// # Errors
    ///
    /// When the endpoint is taken or the certificate refused.
    fn add_binding(&mut self, binding: &SslBinding) -> Result<(), HostError>;
    /// Sets the value `name` of `SstpSvc\Parameters`.
    ///
    /// # Errors
    ///
    /// When it cannot be written.
    fn set_registry_value(&mut self, name: &str, value: &RegValue) -> Result<(), HostError>;
    /// Deletes the value `name` of `SstpSvc\Parameters`.
    ///
    /// # Errors
    ///
    /// When it is not there or cannot be deleted.
    fn delete_registry_value(&mut self, name: &str) -> Result<(), HostError>;
    /// Stops the SSTP service (`net stop sstpsvc /y`).
    ///
    /// # Errors
    ///
    /// When it is not running or cannot be stopped.
    fn stop_service(&mut self) -> Result<(), HostError>;
    /// Starts it (`net start remoteaccess`), which plumbs the listener.
    ///
    /// # Errors
    ///
    /// When it runs already or cannot be started.
    fn start_service(&mut self) -> Result<(), HostError>;
    /// A TLS handshake to the listener of `endpoint`'s family on this
    /// machine (`127.0.0.1` or `[::1]`, the endpoint's port).
    ///
    /// # Errors
    ///
    /// When no handshake can be attempted at all (a handshake that fails
    /// is an `Ok` [`Handshake`] with no certificate).
    fn handshake(&mut self, endpoint: &Endpoint) -> Result<Handshake, HostError>;
}

/// Everything a rotation reads of a host, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostState {
    /// `LocalMachine\MY`, in store order.
    pub store: Vec<StoreEntry>,
    /// Every HTTP.sys SSL binding.
    pub bindings: Vec<SslBinding>,
    /// `SstpSvc\Parameters`.
    pub registry: RegistryValues,
    /// Whether the service runs.
    pub service: ServiceState,
}

impl HostState {
    /// Reads everything of `host`.
    ///
    /// # Errors
    ///
    /// The first read that fails.
    pub fn read(host: &mut dyn Host) -> Result<HostState, HostError> {
        Ok(HostState {
            store: host.read_store()?,
            bindings: host.read_bindings()?,
            registry: host.read_registry()?,
            service: host.read_service()?,
        })
    }

    /// The binding of `endpoint`, if any.
    pub fn binding(&self, endpoint: &Endpoint) -> Option<&SslBinding> {
        self.bindings.iter().find(|b| &b.endpoint == endpoint)
    }
}
