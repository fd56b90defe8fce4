//! The real port probe: tries to bind both wildcard addresses.
//!
//! [`SocketPortProbe`] opens a TCP socket per family, binds it to
//! `0.0.0.0:<port>` and to `[::]:<port>` (the IPv6 socket with
//! `IPV6_V6ONLY`, as Windows does by default, so the two halves are judged
//! separately), and closes both at once. It never listens longer than the
//! call and never connects anywhere.
//!
//! ```no_run
//! use sstp_cert::adapters::port_probe::SocketPortProbe;
//! use sstp_cert::model::port::PortProbe;
//! let status = SocketPortProbe.probe(443);
//! for e in status.events() {
//!     println!("{e}");
//! }
//! ```
#![forbid(unsafe_code)]

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};

use crate::model::port::{FamilyStatus, PortProbe, PortStatus};

/// Probes ports by binding real sockets.
#[derive(Debug, Clone, Copy, Default)]
pub struct SocketPortProbe;

impl PortProbe for SocketPortProbe {
    fn probe(&self, port: u16) -> PortStatus {
        PortStatus {
            port,
            ipv4: probe_addr(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))),
            ipv6: probe_addr(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))),
        }
    }
}

/// Tries to bind and listen on `addr`, returning what that says about it.
pub fn probe_addr(addr: SocketAddr) -> FamilyStatus {
    let domain = if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let socket = match Socket::new(domain, Type::STREAM, Some(Protocol::TCP)) {
        Ok(s) => s,
        Err(e) => return classify(&e, addr, true),
    };
    if addr.is_ipv6()
        && let Err(e) = socket.set_only_v6(true)
    {
        return classify(&e, addr, true);
    }
    match socket.bind(&addr.into()).and_then(|()| socket.listen(1)) {
        Ok(()) => FamilyStatus::Available,
        Err(e) => classify(&e, addr, false),
    }
}

fn classify(e: &io::Error, addr: SocketAddr, creating: bool) -> FamilyStatus {
    let detail = format!("{addr}: {e}");
    match e.kind() {
        io::ErrorKind::AddrInUse => FamilyStatus::InUse { detail },
        io::ErrorKind::PermissionDenied => FamilyStatus::PermissionDenied { detail },
        io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported => {
            FamilyStatus::FamilyUnavailable { detail }
        }
        _ if creating => FamilyStatus::FamilyUnavailable { detail },
        _ => FamilyStatus::Failed { detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn detects_a_port_in_use_per_family() {
        // Occupy an ephemeral IPv4 port on the wildcard address.
        let held = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let s = SocketPortProbe.probe(port);
        assert!(matches!(s.ipv4, FamilyStatus::InUse { .. }), "{s:?}");
        // IPv6 is judged separately: free, or unavailable on machines
        // without IPv6.
        assert!(
            matches!(
                s.ipv6,
                FamilyStatus::Available | FamilyStatus::FamilyUnavailable { .. }
            ),
            "{s:?}"
        );
        assert_eq!(s.events().len(), 1 + usize::from(s.ipv6.blocks_listener()));
        drop(held);
    }

    #[test]
    fn a_free_port_is_available() {
        let port = {
            let l = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
            l.local_addr().unwrap().port()
        };
        let s = probe_addr(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)));
        assert_eq!(s, FamilyStatus::Available);
    }
}
