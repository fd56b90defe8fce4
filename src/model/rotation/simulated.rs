//! The simulated host: a rotation on the model's [`Machine`].

use crate::model::httpsys::{Endpoint, SslBinding};
use crate::model::plumbing::check_binding_certificate;
use crate::model::registry::{RegValue, RegistryValues};
use crate::model::runtime::{Machine, ServiceState};
use crate::model::store::StoreEntry;

use super::host::{Handshake, Host, HostError, Operation};

/// A [`Host`] over a simulated [`Machine`] ([behaviour §7](crate::behaviour)): every operation is
/// available, and each does what `netsh`, `reg` and `net` do on the model.
///
/// The handshake serves what HTTP.sys would: the live context of the
/// endpoint, else the bound certificate loaded from the store — without
/// any client-side check (the served certificate is what is verified;
/// [`Machine::connect`] runs a client's checks too).
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::httpsys::Endpoint;
/// use sstp_cert::model::rotation::{Host, SimulatedHost};
/// use sstp_cert::model::runtime::Machine;
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let cert = Certificate::from_der(rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec()).unwrap();
/// let mut m = Machine::default();
/// m.import_certificate(StoreEntry::new(cert.clone(), KeyState::Linked, "vpn"));
/// m.restart_service();
/// let mut host = SimulatedHost::new(m);
/// let served = host.handshake(&Endpoint::ipv6_wildcard(443))?;
/// assert_eq!(served.served, Some(cert.sha1()));
/// # Ok::<(), sstp_cert::model::rotation::HostError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SimulatedHost {
    machine: Machine,
}

impl SimulatedHost {
    /// The host over `machine`.
    pub fn new(machine: Machine) -> Self {
        SimulatedHost { machine }
    }

    /// The machine, as it is now.
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// The machine, to reboot it or connect a client after a rotation.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machine
    }

    /// The machine, consuming the host.
    pub fn into_machine(self) -> Machine {
        self.machine
    }
}

impl Host for SimulatedHost {
    fn describe(&self) -> String {
        "simulated machine".to_owned()
    }

    fn available(&mut self, _operation: Operation) -> Result<(), HostError> {
        Ok(())
    }

    fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError> {
        Ok(self.machine.store().entries().to_vec())
    }

    fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError> {
        Ok(self.machine.bindings().to_vec())
    }

    fn read_registry(&mut self) -> Result<RegistryValues, HostError> {
        Ok(self.machine.registry().clone())
    }

    fn read_service(&mut self) -> Result<ServiceState, HostError> {
        Ok(self.machine.service_state())
    }

    fn delete_binding(&mut self, endpoint: &Endpoint) -> Result<(), HostError> {
        self.machine
            .netsh_delete(endpoint)
            .map(drop)
            .map_err(|e| HostError::failed(Operation::DeleteBinding, e))
    }

    fn add_binding(&mut self, binding: &SslBinding) -> Result<(), HostError> {
        self.machine
            .netsh_add(binding.clone())
            .map_err(|e| HostError::failed(Operation::AddBinding, e))
    }

    fn set_registry_value(&mut self, name: &str, value: &RegValue) -> Result<(), HostError> {
        self.machine.reg_set(name, value.clone());
        Ok(())
    }

    fn delete_registry_value(&mut self, name: &str) -> Result<(), HostError> {
        self.machine
            .reg_delete(name)
            .map(drop)
            .map_err(|e| HostError::failed(Operation::DeleteRegistryValue, e))
    }

    fn stop_service(&mut self) -> Result<(), HostError> {
        self.machine
            .stop_service()
            .map_err(|e| HostError::failed(Operation::StopService, e))
    }

    fn start_service(&mut self) -> Result<(), HostError> {
        self.machine
            .start_service()
            .map(drop)
            .map_err(|e| HostError::failed(Operation::StartService, e))
    }

    fn handshake(&mut self, endpoint: &Endpoint) -> Result<Handshake, HostError> {
        let m = &self.machine;
        if m.service_state() == ServiceState::Stopped {
            return Ok(Handshake::refused("the SSTP service is stopped"));
        }
        let Some(listener) = m.listener() else {
            return Ok(Handshake::refused(
                "the SSTP service runs but has no listener",
            ));
        };
        if listener.port != endpoint.port() {
            return Ok(Handshake::refused(format!(
                "nothing listens on port {}: the listener is on {}",
                endpoint.port(),
                listener.port
            )));
        }
        // HTTP.sys serves its live context, also one the model knows only
        // by its hash (a saved state's certificate no longer in the store).
        if let Some(c) = m.live_context_held(endpoint) {
            return Ok(Handshake::served(c.sha1()));
        }
        let Some(binding) = m.binding_for(endpoint) else {
            return Ok(Handshake::refused(format!(
                "{endpoint} is not bound: the TLS handshake fails"
            )));
        };
        Ok(
            match check_binding_certificate(m.store().entries(), binding) {
                Ok(e) => Handshake::served(e.certificate.sha1()),
                Err(refusal) => Handshake::refused(format!(
                    "HTTP.sys cannot load the certificate bound on {endpoint}: {refusal}"
                )),
            },
        )
    }
}
