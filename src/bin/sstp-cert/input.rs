//! Reading input files (or standard input) with a size limit: the library's
//! [`read_limited`](sstp_cert::adapters::state_source::read_limited).

pub use sstp_cert::adapters::state_source::{io_sentence, read_limited};
