//! Adapters: the parts that do I/O (files, the operating system, sockets).
//!
//! Each adapter turns the outside world into the plain data the
//! [`model`](crate::model) works on, and nothing more.
//!
//! | module | reads |
//! |---|---|
//! | [`bundle`] | a machine bundle: a whole saved state of one server (store, bindings, registry, `machine.json`), and writing one |
//! | [`dir_store`] | a directory of certificate files, as a store |
//! | [`fleet`] | every bundle under a directory, diagnosed in parallel: one summary per server |
//! | [`key_export`] | a private key exported with a certificate, for the TLS adapters |
//! | [`port_probe`] | whether the listener port is free on this machine |
//! | [`state_source`] | a machine's state from saved files, a directory store or (on Windows) the machine itself: the input of diagnosis, planning and the runtime |
//! | [`served_cert`] | which certificate a TLS listener serves (a TLS 1.2 handshake up to the server's `Certificate` message) |
//! | [`windows`] | the Windows certificate store, the `SstpSvc\Parameters` key and the HTTP.sys bindings (the readers on Windows only; their records and the mapping onto the model everywhere) |
#[cfg(feature = "serde")]
pub mod bundle;
pub mod dir_store;
#[cfg(feature = "serde")]
pub mod fleet;
pub mod key_export;
#[cfg(feature = "listener")]
pub mod listener;
#[cfg(feature = "port-probe")]
pub mod port_probe;
pub mod served_cert;
pub mod state_source;
#[cfg(feature = "rustls")]
pub mod tls;
pub mod windows;
