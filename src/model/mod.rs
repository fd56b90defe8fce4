#![forbid(unsafe_code)]
//! The pure core: plain data in, plain data out.
//!
//! Nothing in this module reads files, the network, the registry or the
//! clock; time is always a parameter. Everything here can be driven from
//! in-memory values, which is how the tests drive it.

pub mod advice;
pub mod certificate;
pub mod choice;
pub mod code;
pub mod crypto_binding;
pub mod diagnosis;
pub mod eku;
pub mod event;
pub mod hostname;
pub mod httpsys;
pub mod key;
pub mod limits;
pub mod net;
pub mod plan;
pub mod plumbing;
pub mod port;
pub mod registry;
pub mod rotation;
pub mod runtime;
pub mod script;
pub mod sstp_request;
pub mod state;
pub mod store;
pub mod text;
pub mod thumbprint;
pub mod transcript;
pub mod warning;
