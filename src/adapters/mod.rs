//! Adapters: the parts that do I/O (files, the operating system, sockets).
//!
//! Each adapter turns the outside world into the plain data the
//! [`model`](crate::model) works on, and nothing more.
//!
//! | module | reads |
//! |---|---|
//! | [`dir_store`] | a directory of certificate files, as a store |
//! | [`port_probe`] | whether the listener port is free on this machine |
//! | [`windows`] | the Windows certificate store, the `SstpSvc\Parameters` key and the HTTP.sys bindings (the readers on Windows only; their records and the mapping onto the model everywhere) |
pub mod dir_store;
pub mod port_probe;
pub mod windows;
