//! # sstp-cert
//!
//! How a Windows SSTP VPN server chooses and binds the certificate of its
//! HTTPS listener, and why.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod adapters;
pub mod model;
