//! The live rotation host: this Windows machine, for
//! [`rotate`](crate::model::rotation::rotate) (issue 18).
//!
//! | operation | how |
//! |---|---|
//! | read store / bindings / registry | the live readers ([`live`](super::live)) |
//! | read service | `QueryServiceStatus(SstpSvc)` |
//! | delete / add binding | `HttpDeleteServiceConfiguration` / `HttpSetServiceConfiguration` (`HttpServiceConfigSSLCertInfo`, IP:port bindings only) |
//! | set / delete registry value | `RegSetValueExW` / `RegDeleteValueW` on `HKLM\…\SstpSvc\Parameters` |
//! | stop service | RemoteAccess (which depends on SstpSvc), then SstpSvc, each waited for — as `net stop sstpsvc /y` |
//! | start service | RemoteAccess, which starts SstpSvc first — as `net start remoteaccess` |
//! | handshake | a TLS 1.2 handshake to `127.0.0.1` / `[::1]` on the listener port ([`served_cert`](crate::adapters::served_cert)) |
//!
//! The preflight ([`Host::available`]) answers by *reading* or by opening
//! with the rights a change needs (the registry key with `KEY_SET_VALUE`,
//! the services with `SERVICE_START | SERVICE_STOP`, an HTTP.sys
//! configuration session plus a query of the bindings): nothing is changed.
//! Under Wine, which implements neither HTTP.sys's configuration queries nor
//! the SSTP service, the preflight refuses and nothing is changed.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::adapters::served_cert::served_certificate;
use crate::model::httpsys::{Endpoint, SslBinding};
use crate::model::registry::{RegValue, RegistryValues};
use crate::model::rotation::{Handshake, Host, HostError, Operation};
use crate::model::runtime::ServiceState;
use crate::model::store::{CertStore, StoreEntry};

use super::live::{WindowsStore, read_bindings, read_registry};
use super::write::{
    REMOTE_ACCESS_SERVICE, SSTP_SERVICE, add_ssl_binding, check_http_config,
    check_parameters_writable, check_service_controllable, delete_parameter, delete_ssl_binding,
    service_running, set_parameter, start_service, stop_service,
};

/// This machine, as a rotation [`Host`].
///
/// ```no_run
/// use sstp_cert::adapters::windows::rotation_host::LiveHost;
/// use sstp_cert::model::rotation::{rotate, RotationRequest, TargetSpec};
/// let mut host = LiveHost::new(Some("vpn.example.com".to_owned()));
/// let at = time::OffsetDateTime::now_utc();
/// let report = rotate(&mut host, &RotationRequest::new(TargetSpec::Newest, at));
/// println!("{}", report.state_sentence());
/// ```
#[derive(Debug, Clone)]
pub struct LiveHost {
    server_name: Option<String>,
    timeout: Duration,
}

impl LiveHost {
    /// The live host; `server_name` is sent as SNI in the verification
    /// handshake.
    pub fn new(server_name: Option<String>) -> Self {
        LiveHost {
            server_name,
            timeout: Duration::from_secs(10),
        }
    }
}

fn ip_port(operation: Operation, endpoint: &Endpoint) -> Result<SocketAddr, HostError> {
    match endpoint {
        Endpoint::IpPort(addr) => Ok(*addr),
        other => Err(HostError::failed_with(
            operation,
            format!("{other} is not an IP:port binding; rotate changes only the wildcard pair"),
        )),
    }
}

impl Host for LiveHost {
    fn describe(&self) -> String {
        "this machine (live)".to_owned()
    }

    fn available(&mut self, operation: Operation) -> Result<(), HostError> {
        let unavailable =
            |e: &dyn std::fmt::Display| HostError::unavailable(operation, e.to_string());
        match operation {
            Operation::ReadStore => WindowsStore::local_machine_my()
                .load()
                .map(drop)
                .map_err(|e| unavailable(&e)),
            Operation::ReadBindings => read_bindings().map(drop).map_err(|e| unavailable(&e)),
            Operation::ReadRegistry => read_registry().map(drop).map_err(|e| unavailable(&e)),
            Operation::ReadService => service_running(SSTP_SERVICE)
                .map(drop)
                .map_err(|e| unavailable(&e)),
            Operation::DeleteBinding | Operation::AddBinding => {
                check_http_config().map_err(|e| unavailable(&e))?;
                read_bindings().map(drop).map_err(|e| unavailable(&e))
            }
            Operation::SetRegistryValue | Operation::DeleteRegistryValue => {
                check_parameters_writable().map_err(|e| unavailable(&e))
            }
            Operation::StopService | Operation::StartService => {
                check_service_controllable(SSTP_SERVICE).map_err(|e| unavailable(&e))?;
                check_service_controllable(REMOTE_ACCESS_SERVICE).map_err(|e| unavailable(&e))
            }
            Operation::Handshake => Ok(()),
        }
    }

    fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError> {
        WindowsStore::local_machine_my()
            .load()
            .map(|s| s.entries)
            .map_err(|e| HostError::failed(Operation::ReadStore, e))
    }

    fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError> {
        read_bindings()
            .map(|s| s.bindings)
            .map_err(|e| HostError::failed(Operation::ReadBindings, e))
    }

    fn read_registry(&mut self) -> Result<RegistryValues, HostError> {
        read_registry()
            .map(|s| s.values)
            .map_err(|e| HostError::failed(Operation::ReadRegistry, e))
    }

    fn read_service(&mut self) -> Result<ServiceState, HostError> {
        match service_running(SSTP_SERVICE) {
            Ok(true) => Ok(ServiceState::Running),
            Ok(false) => Ok(ServiceState::Stopped),
            Err(e) => Err(HostError::failed(Operation::ReadService, e)),
        }
    }

    fn delete_binding(&mut self, endpoint: &Endpoint) -> Result<(), HostError> {
        let addr = ip_port(Operation::DeleteBinding, endpoint)?;
        delete_ssl_binding(addr).map_err(|e| HostError::failed(Operation::DeleteBinding, e))
    }

    fn add_binding(&mut self, binding: &SslBinding) -> Result<(), HostError> {
        let op = Operation::AddBinding;
        let addr = ip_port(op, &binding.endpoint)?;
        let hash = binding
            .cert_hash
            .ok_or_else(|| HostError::failed_with(op, "the binding names no certificate hash"))?;
        let app_id = binding
            .app_id
            .ok_or_else(|| HostError::failed_with(op, "the binding names no application id"))?;
        add_ssl_binding(
            addr,
            hash.as_bytes(),
            app_id.as_u128(),
            binding.store_name.as_deref().unwrap_or("MY"),
        )
        .map_err(|e| HostError::failed(op, e))
    }

    fn set_registry_value(&mut self, name: &str, value: &RegValue) -> Result<(), HostError> {
        let (type_code, data) = value.to_raw();
        set_parameter(name, type_code, &data)
            .map_err(|e| HostError::failed(Operation::SetRegistryValue, e))
    }

    fn delete_registry_value(&mut self, name: &str) -> Result<(), HostError> {
        delete_parameter(name).map_err(|e| HostError::failed(Operation::DeleteRegistryValue, e))
    }

    fn stop_service(&mut self) -> Result<(), HostError> {
        let op = Operation::StopService;
        stop_service(REMOTE_ACCESS_SERVICE).map_err(|e| HostError::failed(op, e))?;
        stop_service(SSTP_SERVICE).map_err(|e| HostError::failed(op, e))
    }

    fn start_service(&mut self) -> Result<(), HostError> {
        start_service(REMOTE_ACCESS_SERVICE)
            .map_err(|e| HostError::failed(Operation::StartService, e))
    }

    fn handshake(&mut self, endpoint: &Endpoint) -> Result<Handshake, HostError> {
        let addr = ip_port(Operation::Handshake, endpoint)?;
        let local = match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        Ok(
            match served_certificate(
                SocketAddr::new(local, addr.port()),
                self.server_name.as_deref(),
                self.timeout,
            ) {
                Ok(s) => Handshake::served(s.sha1),
                Err(e) => Handshake::refused(e.to_string()),
            },
        )
    }
}
