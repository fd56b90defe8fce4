//! Parser errors as sentences for people.
//!
//! x509-parser reports failures as `nom` errors whose `Display` prints the
//! inner error with `Debug` (`Parsing Error: Der(UnexpectedTag { … })`),
//! and rustls-pki-types' PEM errors print byte arrays. Nobody at a console
//! can act on either, so every error the certificate reader returns goes
//! through this module first.

use x509_parser::asn1_rs::{Error as DerError, Tag};
use x509_parser::error::X509Error;
use x509_parser::nom;

/// A DER tag as a person reads it: its ASN.1 name where it is a common
/// universal tag, else its number.
fn tag_name(tag: Tag) -> String {
    let name = match tag.0 {
        1 => "BOOLEAN",
        2 => "INTEGER",
        3 => "BIT STRING",
        4 => "OCTET STRING",
        5 => "NULL",
        6 => "OBJECT IDENTIFIER",
        12 => "UTF8String",
        16 => "SEQUENCE",
        17 => "SET",
        19 => "PrintableString",
        22 => "IA5String",
        23 => "UTCTime",
        24 => "GeneralizedTime",
        30 => "BMPString",
        n => return format!("tag number {n}"),
    };
    name.to_owned()
}

/// What went wrong at the DER level, as a clause.
fn der_clause(e: &DerError) -> String {
    match e {
        DerError::UnexpectedTag {
            expected: Some(expected),
            actual,
        } => format!(
            "found {} where {} was expected",
            tag_name(*actual),
            tag_name(*expected)
        ),
        DerError::UnexpectedTag {
            expected: None,
            actual,
        } => format!("found the unexpected {}", tag_name(*actual)),
        DerError::UnexpectedClass { .. } => "an element has a tag of the wrong class".to_owned(),
        DerError::Incomplete(_) => {
            "the data ends before the structure it starts is complete (truncated?)".to_owned()
        }
        DerError::InvalidLength => "a length field does not fit the data".to_owned(),
        DerError::IndefiniteLengthUnexpected => {
            "an element uses BER's indefinite length, which DER forbids".to_owned()
        }
        DerError::InvalidDateTime => {
            "a validity time is not a valid UTCTime or GeneralizedTime".to_owned()
        }
        DerError::StringInvalidCharset => {
            "a string holds characters its type does not allow".to_owned()
        }
        DerError::IntegerTooLarge | DerError::IntegerNegative => {
            "an INTEGER is empty, negative or too large".to_owned()
        }
        DerError::BerMaxDepth => "the structure is nested too deeply".to_owned(),
        DerError::DerConstraintFailed(_) => "an element breaks a DER encoding rule".to_owned(),
        other => format!("malformed DER ({other})"),
    }
}

/// The part of the certificate an x509-parser error names, as a noun
/// phrase, or `None` for the generic ones.
fn x509_part(e: &X509Error) -> Option<&'static str> {
    Some(match e {
        X509Error::InvalidVersion => "the version field",
        X509Error::InvalidSerial => "the serial number",
        X509Error::InvalidAlgorithmIdentifier => "an algorithm identifier",
        X509Error::InvalidX509Name => "the issuer or subject name",
        X509Error::InvalidDate => "the validity period",
        X509Error::InvalidSPKI => "the public key (SubjectPublicKeyInfo)",
        X509Error::InvalidSubjectUID => "the subject unique id",
        X509Error::InvalidIssuerUID => "the issuer unique id",
        X509Error::InvalidExtensions => "the extensions",
        X509Error::InvalidAttributes => "the attributes",
        X509Error::InvalidSignatureValue => "the signature value",
        X509Error::InvalidTbsCertificate => "the to-be-signed part (tbsCertificate)",
        X509Error::InvalidCertificate | X509Error::InvalidUserCertificate => "the certificate",
        _ => return None,
    })
}

/// An x509-parser failure as a sentence (without the file name, which the
/// caller knows).
///
/// ```ignore
/// "the data ends before the structure it starts is complete (truncated?)"
/// ```
pub(crate) fn x509(e: &nom::Err<X509Error>) -> String {
    match e {
        nom::Err::Incomplete(_) => {
            "the data ends before the certificate does (truncated?)".to_owned()
        }
        nom::Err::Error(inner) | nom::Err::Failure(inner) => x509_inner(inner),
    }
}

fn x509_inner(e: &X509Error) -> String {
    match e {
        X509Error::Der(der) => der_clause(der),
        X509Error::NomError(nom::error::ErrorKind::Eof) => {
            "the data ends before the certificate does (truncated, or not a certificate)".to_owned()
        }
        X509Error::NomError(_) => {
            "the bytes are not the ASN.1 structure of a certificate".to_owned()
        }
        X509Error::DuplicateExtensions => "an extension appears twice".to_owned(),
        other => match x509_part(other) {
            Some(part) => format!("{part} is malformed"),
            None => other.to_string(),
        },
    }
}

/// A failure of asn1-rs's own `from_der` as a sentence.
pub(crate) fn der(e: &nom::Err<DerError>) -> String {
    match e {
        nom::Err::Incomplete(_) => {
            "the data ends before the structure it starts is complete (truncated?)".to_owned()
        }
        nom::Err::Error(inner) | nom::Err::Failure(inner) => der_clause(inner),
    }
}

/// A PEM failure as a sentence.
pub(crate) fn pem(e: &rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error;
    match e {
        Error::MissingSectionEnd { end_marker } => format!(
            "a PEM block has no end line `-----END {}-----` (the file is cut short, or the block was pasted incompletely)",
            String::from_utf8_lossy(end_marker)
        ),
        Error::IllegalSectionStart { line } => format!(
            "the line {:?} starts a PEM block but is not a valid `-----BEGIN <LABEL>-----` line",
            String::from_utf8_lossy(line)
        ),
        Error::Base64Decode(detail) => {
            format!("a PEM block's base64 text is invalid ({detail})")
        }
        Error::NoItemsFound => "no PEM block was found".to_owned(),
        Error::SectionTooLarge => "a PEM block is larger than any certificate".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_debug_output_reaches_people() {
        let cases = [
            nom::Err::Error(X509Error::Der(DerError::UnexpectedTag {
                expected: Some(Tag(16)),
                actual: Tag(3),
            })),
            nom::Err::Error(X509Error::NomError(nom::error::ErrorKind::Eof)),
            nom::Err::Incomplete(nom::Needed::Unknown),
            nom::Err::Failure(X509Error::InvalidDate),
        ];
        for c in &cases {
            let s = x509(c);
            assert!(
                !s.contains('{') && !s.contains("Parsing Error") && !s.contains("Tag("),
                "{s}"
            );
        }
        assert_eq!(
            x509(&cases[0]),
            "found BIT STRING where SEQUENCE was expected"
        );
        let m = pem(&rustls_pki_types::pem::Error::MissingSectionEnd {
            end_marker: b"CERTIFICATE".to_vec(),
        });
        assert!(m.contains("`-----END CERTIFICATE-----`"), "{m}");
        assert!(!m.contains("[45"), "{m}");
    }
}
