//! `sstp-cert collect`: a machine bundle written from the live machine
//! ([behaviour §12](crate::behaviour)), read-only.
//!
//! `collect` (Windows only) reads what the SSTP service reads — the
//! `LocalMachine\MY` store in enumeration order (key links, never the keys
//! themselves; EKU property; friendly name), every HTTP.sys SSL binding, the
//! `SstpSvc\Parameters` key — plus the computer name and the OS version,
//! and writes them as a [bundle](crate::adapters::bundle). A part that
//! cannot be read does not fail the collection: it is left out of the
//! bundle (so it is **unknown** when the bundle is read, not empty) and
//! `machine.json` records why. Under Wine, for one, HTTP.sys cannot be
//! queried.
//!
//! The mapping from what was read to what is written,
//! [`bundle_contents`], does no I/O and is tested on every platform.
//!
//! ```
//! use sstp_cert::adapters::bundle::BundlePart;
//! use sstp_cert::adapters::windows::collect::{LiveReadings, bundle_contents};
//! use sstp_cert::adapters::windows::typed::RegistrySnapshot;
//! use sstp_cert::model::store::StoreSnapshot;
//!
//! let readings = LiveReadings {
//!     machine: Some("VPN1".into()),
//!     os_version: None,
//!     store: Ok(StoreSnapshot::default()),
//!     bindings: Err("HttpQueryServiceConfiguration failed: error 120".into()),
//!     registry: Ok(RegistrySnapshot::key_not_found()),
//! };
//! let at = time::macros::datetime!(2026-12-01 10:00 UTC);
//! let contents = bundle_contents(readings, at, "0.1.0");
//! assert!(contents.bindings.is_none()); // unknown, not empty
//! assert!(contents.info.reason_not_collected(BundlePart::Bindings).unwrap().contains("error 120"));
//! assert!(contents.registry.unwrap().is_empty()); // the key does not exist: known, every default
//! assert!(contents.info.notes[0].contains("does not exist"));
//! ```
#![forbid(unsafe_code)]

use time::OffsetDateTime;

use super::typed::{BindingsSnapshot, RegistrySnapshot};
use crate::adapters::bundle::{BundleContents, BundlePart, FORMAT, MachineInfo};
use crate::model::store::StoreSnapshot;

/// The key the OS version is read from (`HKLM\…`).
pub const OS_VERSION_SUBKEY: &str = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion";

/// What was read from the live machine; each part either read or the
/// reason it could not be (the error message, naming the OS error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveReadings {
    /// The computer name, if known.
    pub machine: Option<String>,
    /// The OS name and version, if known.
    pub os_version: Option<String>,
    /// The `LocalMachine\MY` store.
    pub store: Result<StoreSnapshot, String>,
    /// The HTTP.sys SSL bindings.
    pub bindings: Result<BindingsSnapshot, String>,
    /// The `SstpSvc\Parameters` key.
    pub registry: Result<RegistrySnapshot, String>,
}

/// What a bundle holds for these readings: each part read, or recorded in
/// `machine.json` as not collected with its reason; store entries that
/// could not be read, binding problems and a missing registry key become
/// `machine.json` notes.
pub fn bundle_contents(
    readings: LiveReadings,
    collected_at: OffsetDateTime,
    tool_version: &str,
) -> BundleContents {
    let mut info = MachineInfo {
        format: Some(FORMAT),
        machine: readings.machine,
        collected_at: Some(collected_at),
        os_version: readings.os_version,
        tool_version: Some(tool_version.to_owned()),
        ..MachineInfo::default()
    };
    let store = match readings.store {
        Ok(snapshot) => {
            info.notes.extend(
                snapshot
                    .problems
                    .iter()
                    .map(|p| format!("store entry not collected: {p}")),
            );
            Some(snapshot.entries)
        }
        Err(reason) => {
            info.not_collected_part(BundlePart::Store, reason);
            None
        }
    };
    let bindings = match readings.bindings {
        Ok(snapshot) => {
            info.notes.extend(
                snapshot
                    .notes()
                    .into_iter()
                    .map(|n| format!("HTTP.sys: {n}")),
            );
            Some(snapshot.bindings)
        }
        Err(reason) => {
            info.not_collected_part(BundlePart::Bindings, reason);
            None
        }
    };
    let registry = match readings.registry {
        Ok(snapshot) => {
            info.notes.extend(snapshot.note());
            Some(snapshot.values)
        }
        Err(reason) => {
            info.not_collected_part(BundlePart::Registry, reason);
            None
        }
    };
    BundleContents {
        info,
        store,
        bindings,
        registry,
    }
}

/// The OS description from the values of [`OS_VERSION_SUBKEY`]:
/// `ProductName DisplayVersion (build CurrentBuildNumber.UBR)`, or `None`
/// without a product name.
///
/// ```
/// use sstp_cert::adapters::windows::collect::os_version;
/// use sstp_cert::model::registry::{RegValue, RegistryValues};
/// let mut v = RegistryValues::new();
/// v.set("ProductName", RegValue::String("Windows Server 2022 Datacenter".into()));
/// v.set("DisplayVersion", RegValue::String("21H2".into()));
/// v.set("CurrentBuildNumber", RegValue::String("20348".into()));
/// v.set("UBR", RegValue::Dword(2762));
/// assert_eq!(os_version(&v).unwrap(), "Windows Server 2022 Datacenter 21H2 (build 20348.2762)");
/// ```
pub fn os_version(values: &crate::model::registry::RegistryValues) -> Option<String> {
    use crate::model::registry::RegValue;
    let text = |name: &str| match values.get(name) {
        Some(RegValue::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let mut out = text("ProductName")?;
    if let Some(v) = text("DisplayVersion").or_else(|| text("CSDVersion")) {
        out.push(' ');
        out.push_str(&v);
    }
    if let Some(build) = text("CurrentBuildNumber").or_else(|| text("CurrentBuild")) {
        out.push_str(" (build ");
        out.push_str(&build);
        if let Some(RegValue::Dword(ubr)) = values.get("UBR") {
            out.push_str(&format!(".{ubr}"));
        }
        out.push(')');
    }
    Some(out)
}

/// Reads the live machine, read-only: never fails, a part that cannot be
/// read carries its reason.
#[cfg(windows)]
pub fn read_live() -> LiveReadings {
    use super::live::{WindowsStore, read_bindings, read_registry};
    use super::registry::read_local_machine_values;
    use super::typed::registry_values;
    use crate::model::store::CertStore;

    let machine = std::env::var("COMPUTERNAME")
        .ok()
        .filter(|n| !n.trim().is_empty());
    let os_version = read_local_machine_values(OS_VERSION_SUBKEY)
        .ok()
        .and_then(|raw| os_version(&registry_values(raw)));
    LiveReadings {
        machine,
        os_version,
        store: WindowsStore::local_machine_my()
            .load()
            .map_err(|e| e.to_string()),
        bindings: read_bindings().map_err(|e| format!("cannot read the HTTP.sys bindings: {e}")),
        registry: read_registry().map_err(|e| e.to_string()),
    }
}

/// Reads the live machine ([`read_live`]) and writes the bundle to `out`,
/// which must not exist or be empty. Returns what was written.
///
/// # Errors
///
/// [`BundleError`](crate::adapters::bundle::BundleError) when `out` is not
/// empty or a file cannot be written; parts that cannot be *read* are not
/// errors (see the [module documentation](self)).
#[cfg(windows)]
pub fn collect(
    out: &std::path::Path,
    collected_at: OffsetDateTime,
    tool_version: &str,
) -> Result<BundleContents, crate::adapters::bundle::BundleError> {
    crate::adapters::bundle::check_output_dir(out)?;
    let contents = bundle_contents(read_live(), collected_at, tool_version);
    crate::adapters::bundle::write_bundle(out, &contents)?;
    Ok(contents)
}
