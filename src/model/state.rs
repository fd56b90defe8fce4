//! A machine's saved state, with "not given" kept apart from "given and
//! empty".
//!
//! An administrator hands the model what they saved on a server: the
//! Personal store (always), and perhaps the HTTP.sys bindings (`netsh http
//! show sslcert`) and the `SstpSvc\Parameters` key (a `.reg` export or
//! `reg query` output). An input that was **not given is unknown, not
//! empty** ([behaviour §11](crate::behaviour)): a plan made without the registry must still delete
//! `SHA256CertificateHash`, because on the real machine it may well be
//! there; a diagnosis made without the bindings cannot say nothing is
//! bound. [`MachineState`] carries each part as `Option` — `None` is
//! unknown — and [`MachineState::unknown_inputs`] names what was not given
//! together with what was assumed for it.
//!
//! ```
//! use sstp_cert::model::state::{MachineState, UnknownInput};
//! let state = MachineState::new(Vec::new());
//! assert_eq!(state.unknown_inputs(), vec![UnknownInput::Bindings, UnknownInput::Registry]);
//! // Where a value is needed anyway, the documented assumption is used:
//! assert!(state.bindings_or_assumed().is_empty());
//! assert!(state.parameters().use_https.value);
//! ```

use std::borrow::Cow;
use std::fmt;

use super::httpsys::SslBinding;
use super::registry::{RegistryValues, SstpParameters};
use super::store::StoreEntry;
use crate::model::code::stable_codes;

stable_codes! {
    [display, from_str]
    /// An input the user did not give ([behaviour §11](crate::behaviour)). Serialises as its
    /// [`code`](UnknownInput::code).
    ///
    /// ```
    /// use sstp_cert::model::state::UnknownInput;
    /// assert_eq!(UnknownInput::Registry.code(), "registry");
    /// assert!(UnknownInput::Bindings.assumption().contains("netsh http delete sslcert"));
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::state::UnknownInput;
    /// assert_eq!(UnknownInput::Bindings.code(), "bindings");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum UnknownInput("input") {
        /// The HTTP.sys SSL bindings (`netsh http show sslcert`) were not given.
        Bindings => "bindings",
        /// The `SstpSvc\Parameters` key was not given.
        Registry => "registry",
    }
}

impl UnknownInput {
    /// The inputs that are not known, in a fixed order (bindings,
    /// registry): what an input with these two flags must name as assumed.
    pub(crate) fn not_known(bindings_known: bool, registry_known: bool) -> Vec<UnknownInput> {
        let mut out = Vec::with_capacity(2);
        if !bindings_known {
            out.push(UnknownInput::Bindings);
        }
        if !registry_known {
            out.push(UnknownInput::Registry);
        }
        out
    }

    /// What the model assumes for this input, as a sentence for people.
    ///
    /// ```
    /// use sstp_cert::model::state::UnknownInput;
    /// assert!(UnknownInput::Registry.assumption().contains("SHA256CertificateHash"));
    /// ```
    pub fn assumption(self) -> &'static str {
        match self {
            UnknownInput::Bindings => {
                "the HTTP.sys bindings were not given: they are unknown, not absent; \
                 a plan deletes both wildcard bindings (netsh http delete sslcert) in case \
                 they exist, and findings that need the bindings are not made"
            }
            UnknownInput::Registry => {
                "the SstpSvc\\Parameters key was not given: it is unknown, not empty; \
                 the service is assumed to run in automatic mode with HTTPS on port 443 \
                 (the defaults), and a plan deletes SHA256CertificateHash, \
                 SHA1CertificateHash and isHashConfiguredByAdmin in case a stale value \
                 or an administrator's pin is there, and sets SHA256Enabled to 1"
            }
        }
    }
}

/// Something a report or a simulation assumed because an input was not
/// given ([behaviour §11](crate::behaviour)) — one type for every part of the crate that assumes:
/// diagnoses and plans list the unknown inputs, the simulated machine also
/// what it assumed about the service and HTTP.sys's memory.
///
/// ```
/// use sstp_cert::model::state::{Assumption, UnknownInput};
/// let a = Assumption::from(UnknownInput::Bindings);
/// assert_eq!(a.code, "bindings-unknown");
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_value(&a).unwrap()["input"], "bindings");
/// # }
/// assert!(a.to_string().starts_with("bindings unknown: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Assumption {
    /// A stable kebab-case code: `bindings-unknown`, `registry-unknown`,
    /// and the simulated machine's `registry-assumed-record`,
    /// `service-stopped`, `live-context-by-hash` (HTTP.sys is taken to hold
    /// a bound certificate the model knows only by its hash),
    /// `no-live-context`.
    pub code: &'static str,
    /// The input that was not given, when the assumption is about one.
    pub input: Option<UnknownInput>,
    /// What was assumed, for people.
    pub assumed: Cow<'static, str>,
}

impl Assumption {
    /// An assumption with this code and sentence.
    ///
    /// ```
    /// use sstp_cert::model::state::Assumption;
    /// let a = Assumption::new("service-stopped", "the service is taken to be stopped");
    /// assert_eq!(a.to_string(), "the service is taken to be stopped");
    /// ```
    pub fn new(code: &'static str, assumed: impl Into<Cow<'static, str>>) -> Self {
        Assumption {
            code,
            input: None,
            assumed: assumed.into(),
        }
    }

    /// The same assumption, about this unknown input.
    ///
    /// ```
    /// use sstp_cert::model::state::{Assumption, UnknownInput};
    /// let a = Assumption::new("registry-unknown", "defaults").about(UnknownInput::Registry);
    /// assert_eq!(a.input, Some(UnknownInput::Registry));
    /// ```
    pub fn about(mut self, input: UnknownInput) -> Self {
        self.input = Some(input);
        self
    }
}

impl From<UnknownInput> for Assumption {
    fn from(input: UnknownInput) -> Self {
        let code = match input {
            UnknownInput::Bindings => "bindings-unknown",
            UnknownInput::Registry => "registry-unknown",
        };
        Assumption::new(code, input.assumption()).about(input)
    }
}

impl fmt::Display for Assumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Some(input) => write!(f, "{input} unknown: {}", self.assumed),
            None => f.write_str(&self.assumed),
        }
    }
}

/// A machine's state as saved ([behaviour §12](crate::behaviour)): the store in enumeration order,
/// and the bindings and registry key when they were given.
///
/// ```
/// use sstp_cert::model::registry::RegistryValues;
/// use sstp_cert::model::state::{MachineState, UnknownInput};
/// let state = MachineState::new(Vec::new())
///     .with_bindings(Vec::new())
///     .with_registry(RegistryValues::new());
/// // Given and empty is not unknown:
/// assert!(state.unknown_inputs().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineState {
    /// The Personal store (`MY`), in enumeration order.
    pub store: Vec<StoreEntry>,
    /// Every HTTP.sys SSL binding, or `None` when not given (unknown).
    pub bindings: Option<Vec<SslBinding>>,
    /// The `SstpSvc\Parameters` key, or `None` when not given (unknown).
    pub registry: Option<RegistryValues>,
}

impl MachineState {
    /// A state with this store and nothing else known.
    ///
    /// ```
    /// use sstp_cert::model::state::MachineState;
    /// assert!(MachineState::new(Vec::new()).bindings.is_none());
    /// ```
    pub fn new(store: Vec<StoreEntry>) -> Self {
        MachineState {
            store,
            bindings: None,
            registry: None,
        }
    }

    /// The same state with the bindings known.
    ///
    /// ```
    /// use sstp_cert::model::state::MachineState;
    /// assert!(MachineState::new(Vec::new()).with_bindings(Vec::new()).bindings.is_some());
    /// ```
    pub fn with_bindings(mut self, bindings: Vec<SslBinding>) -> Self {
        self.bindings = Some(bindings);
        self
    }

    /// The same state with the registry key known.
    ///
    /// ```
    /// use sstp_cert::model::registry::RegistryValues;
    /// use sstp_cert::model::state::MachineState;
    /// assert!(MachineState::new(Vec::new()).with_registry(RegistryValues::new()).registry.is_some());
    /// ```
    pub fn with_registry(mut self, registry: RegistryValues) -> Self {
        self.registry = Some(registry);
        self
    }

    /// The inputs that were not given, in a fixed order (bindings, then
    /// registry).
    ///
    /// ```
    /// use sstp_cert::model::state::{MachineState, UnknownInput};
    /// let s = MachineState::new(Vec::new()).with_bindings(Vec::new());
    /// assert_eq!(s.unknown_inputs(), vec![UnknownInput::Registry]);
    /// ```
    pub fn unknown_inputs(&self) -> Vec<UnknownInput> {
        let mut unknown = Vec::new();
        if self.bindings.is_none() {
            unknown.push(UnknownInput::Bindings);
        }
        if self.registry.is_none() {
            unknown.push(UnknownInput::Registry);
        }
        unknown
    }

    /// Whether this input was given.
    ///
    /// ```
    /// use sstp_cert::model::state::{MachineState, UnknownInput};
    /// assert!(!MachineState::new(Vec::new()).knows(UnknownInput::Registry));
    /// ```
    pub fn knows(&self, input: UnknownInput) -> bool {
        match input {
            UnknownInput::Bindings => self.bindings.is_some(),
            UnknownInput::Registry => self.registry.is_some(),
        }
    }

    /// The bindings, or none when unknown. Callers that use this for an
    /// unknown input must say so ([`UnknownInput::assumption`]).
    ///
    /// ```
    /// use sstp_cert::model::state::MachineState;
    /// assert!(MachineState::new(Vec::new()).bindings_or_assumed().is_empty());
    /// ```
    pub fn bindings_or_assumed(&self) -> &[SslBinding] {
        self.bindings.as_deref().unwrap_or(&[])
    }

    /// The registry values, or an empty key when unknown (every value at
    /// its default). Callers that use this for an unknown input must say so.
    ///
    /// ```
    /// use sstp_cert::model::state::MachineState;
    /// assert!(MachineState::new(Vec::new()).registry_or_assumed().is_empty());
    /// ```
    pub fn registry_or_assumed(&self) -> RegistryValues {
        self.registry.clone().unwrap_or_default()
    }

    /// The typed parameters: from the registry when known, else the
    /// defaults (automatic mode, HTTPS, port 443).
    ///
    /// ```
    /// use sstp_cert::model::state::MachineState;
    /// assert_eq!(MachineState::new(Vec::new()).parameters().listener().port, 443);
    /// ```
    pub fn parameters(&self) -> SstpParameters {
        match &self.registry {
            Some(values) => SstpParameters::from_values(values),
            None => SstpParameters::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::RegValue;

    #[test]
    fn given_and_empty_is_not_unknown() {
        let s = MachineState::new(Vec::new())
            .with_bindings(Vec::new())
            .with_registry(RegistryValues::new());
        assert!(s.unknown_inputs().is_empty());
        assert!(s.knows(UnknownInput::Bindings) && s.knows(UnknownInput::Registry));
    }

    #[test]
    fn parameters_come_from_the_registry_when_known() {
        let mut values = RegistryValues::new();
        values.set("ListenerPort", RegValue::Dword(8443));
        let s = MachineState::new(Vec::new()).with_registry(values);
        assert_eq!(s.parameters().listener().port, 8443);
        assert_eq!(s.unknown_inputs(), vec![UnknownInput::Bindings]);
    }
}
