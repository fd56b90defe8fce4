#![forbid(unsafe_code)]
//! The pure core: plain data in, plain data out.
//!
//! Nothing in this module reads files, the network, the registry or the
//! clock; time is always a parameter. Everything here can be driven from
//! in-memory values, which is how the tests drive it.

pub mod event;
pub mod thumbprint;
pub mod certificate;
pub mod eku;
pub mod store;
pub mod choice;
pub mod hostname;
pub mod warning;
