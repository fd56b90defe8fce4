//! The Windows facilities the SSTP service consults, read as it reads them.
//!
//! Three layers, so that everything but the system calls is tested on every
//! platform:
//!
//! | module | platforms | what it holds |
//! |---|---|---|
//! | [`records`] | all | the plain records the readers return ([`RawStoreEntry`], [`RawRegistryValue`], [`RawSslBinding`]) and store names ([`SystemStoreName`], parsed from `LocalMachine\MY`) |
//! | [`typed`] | all | the mapping of those records onto the model: store entries, registry values, bindings — no `unsafe`, no I/O |
//! | `store`, `registry`, `httpsys` | Windows | the *raw* readers: the only code here that calls the OS (and the only `unsafe`) |
//! | `write`, `rotation_host` | Windows | the writers a rotation needs (HTTP.sys bindings, `SstpSvc\\Parameters` values, the services) and `LiveHost`, this machine as a [`Host`](crate::model::rotation::Host) |
//! | [`collect`] | all (the reading on Windows) | `sstp-cert collect`: the live machine written as a [bundle](crate::adapters::bundle), each part that cannot be read recorded as not collected |
//! | `live` | Windows | the typed adapters: `WindowsStore` (a [`CertStore`](crate::model::store::CertStore) over `LocalMachine\MY`), the live `SstpSvc\Parameters` key and the live HTTP.sys bindings, each a raw reader followed by [`typed`] |
//!
//! The raw readers:
//!
//! | module | facility | what it returns |
//! |---|---|---|
//! | `store` | CryptoAPI system certificate store (`LocalMachine\MY`) | one [`RawStoreEntry`] per certificate, in the order the OS enumerates them |
//! | `registry` | the `SstpSvc\Parameters` registry key | one [`RawRegistryValue`] per value: name, `REG_*` type, bytes |
//! | `httpsys` | HTTP.sys SSL configuration (`netsh http show sslcert`) | one [`RawSslBinding`] per IP:port, hostname:port (SNI) or CCS binding |
//!
//! The records are deliberately *raw*: they hold what the operating system
//! returned, checked for size and shape but not interpreted. Every reader
//! opens its object read-only (`CERT_STORE_READONLY_FLAG`, `KEY_READ`,
//! `HTTP_INITIALIZE_CONFIG` with query calls only) and releases every handle
//! it obtained through a drop guard, including on error paths.
//!
//! [`RawStoreEntry`]: records::RawStoreEntry
//! [`RawRegistryValue`]: records::RawRegistryValue
//! [`RawSslBinding`]: records::RawSslBinding
//! [`SystemStoreName`]: records::SystemStoreName

#[cfg(feature = "serde")]
pub mod collect;
pub mod records;
pub mod typed;

#[cfg(windows)]
pub mod httpsys;
#[cfg(windows)]
pub mod live;
#[cfg(windows)]
pub mod registry;
#[cfg(windows)]
pub mod rotation_host;
#[cfg(windows)]
pub mod store;
#[cfg(windows)]
pub mod write;

// Only the listener sets socket options socket2 lacks.
#[cfg(all(windows, feature = "listener"))]
pub(crate) mod socket;
#[cfg(windows)]
mod win32;

#[cfg(windows)]
pub use win32::Win32Error;
#[cfg(windows)]
pub(crate) use win32::{last_error_code, to_wide, utf16_bytes_to_string, utf16_units_to_string};
