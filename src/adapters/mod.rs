//! Adapters: the parts that do I/O (files, the operating system, sockets).
//!
//! Each adapter turns the outside world into the plain data the
//! [`model`](crate::model) works on, and nothing more.
pub mod dir_store;
pub mod key_export;
#[cfg(feature = "listener")]
pub mod listener;
pub mod port_probe;
#[cfg(feature = "rustls")]
pub mod tls;
#[cfg(windows)]
pub mod windows;
