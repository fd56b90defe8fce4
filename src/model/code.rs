//! Stable codes: the kebab-case names the crate's verdicts, reasons and
//! findings are known by, in JSON and in text.
//!
//! Each enum of stable codes is written once, as a list of
//! `Variant => "code"`, and gets from that one list:
//!
//! | what | behaviour |
//! |---|---|
//! | `code()` | the code, `&'static str` |
//! | [`Display`](std::fmt::Display) | the code (except for the few enums whose text is a sentence: [`Operation`](crate::model::rotation::Operation), [`SkipReason`](crate::model::transcript::SkipReason), [`SslPolicyError`](crate::model::hostname::SslPolicyError)) |
//! | [`FromStr`](std::str::FromStr) | exactly the code, else [`UnknownCode`] naming the text and the codes expected (the client [`Profile`](crate::model::hostname::Profile) and the [`GoneCertificateProfile`](crate::model::plumbing::GoneCertificateProfile) also accept other spellings, case-insensitively, with their own error) |
//! | `Serialize` / `Deserialize` (feature `serde`) | the code, as a string |
//!
//! ```
//! use sstp_cert::model::choice::Reason;
//! assert_eq!(Reason::NoPrivateKey.code(), "no-private-key");
//! assert_eq!(Reason::NoPrivateKey.to_string(), "no-private-key");
//! assert_eq!("no-private-key".parse::<Reason>(), Ok(Reason::NoPrivateKey));
//! let e = "no-key".parse::<Reason>().unwrap_err();
//! assert_eq!(e.text, "no-key");
//! assert!(e.to_string().starts_with("\"no-key\" is not a choice reason code; expected one of: "));
//! ```

/// Text that is none of an enum's stable codes.
///
/// ```
/// use sstp_cert::model::store::KeyState;
/// let e = "linked-key".parse::<KeyState>().unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "\"linked-key\" is not a key state code; expected one of: linked, paired, mismatched, absent"
/// );
/// assert_eq!(e.expected, ["linked", "paired", "mismatched", "absent"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {kind} code; expected one of: {}", .expected.join(", "))]
#[non_exhaustive]
pub struct UnknownCode {
    /// What the codes name, e.g. `finding`.
    pub kind: &'static str,
    /// The text that was given (its first 64 characters).
    pub text: String,
    /// Every code of the enum, in declaration order.
    pub expected: &'static [&'static str],
}

impl UnknownCode {
    /// The error for `text`, which is none of `expected`.
    pub(crate) fn new(kind: &'static str, text: &str, expected: &'static [&'static str]) -> Self {
        UnknownCode {
            kind,
            text: text.chars().take(64).collect(),
            expected,
        }
    }
}

/// Defines an enum of stable codes from one list (see the [module
/// documentation](self)).
///
/// ```ignore
/// stable_codes! {
///     [display, from_str]
///     /// The enum's documentation.
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
///     #[non_exhaustive]
///     pub enum Colour("colour") {
///         /// The variant's documentation.
///         DarkRed => "dark-red",
///         Blue => "blue",
///     }
/// }
/// ```
///
/// The bracketed list says which of `Display` (`display`) and `FromStr`
/// (`from_str`) to generate; `code()`, the crate-private `CODES`,
/// `VARIANTS` and `from_code`, and the `serde` impls always are. The
/// string in parentheses names what the codes are, for [`UnknownCode`].
macro_rules! stable_codes {
    (
        [$($impls:ident),* $(,)?]
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($kind:literal) {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $code:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every code, in declaration order.
            #[allow(dead_code)]
            pub(crate) const CODES: &'static [&'static str] = &[$($code),+];

            /// Every variant, in declaration order.
            #[allow(dead_code)]
            pub(crate) const VARIANTS: &'static [$name] = &[$($name::$variant),+];

            /// The stable kebab-case code.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The variant whose code is exactly `code`.
            #[allow(dead_code)]
            pub(crate) fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The error for text that is none of the codes.
            #[allow(dead_code)]
            pub(crate) fn unknown_code(text: &str) -> $crate::model::code::UnknownCode {
                $crate::model::code::UnknownCode::new($kind, text, Self::CODES)
            }
        }

        $( $crate::model::code::stable_codes!(@$impls $name); )*

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct CodeVisitor;
                impl serde::de::Visitor<'_> for CodeVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "a {} code", $kind)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_code(v).ok_or_else(|| E::unknown_variant(v, $name::CODES))
                    }
                }
                d.deserialize_str(CodeVisitor)
            }
        }
    };
    (@display $name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
    (@from_str $name:ident) => {
        impl std::str::FromStr for $name {
            type Err = $crate::model::code::UnknownCode;

            /// Exactly one of the codes.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::from_code(s).ok_or_else(|| $name::unknown_code(s))
            }
        }
    };
}
pub(crate) use stable_codes;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::fmt::{Debug, Display};
    use std::str::FromStr;

    use crate::model::choice::Reason;
    use crate::model::diagnosis::FindingCode;
    use crate::model::eku::Purpose;
    use crate::model::hostname::{EkuRule, HostWarningCode, Profile, Rule, SslPolicyError};
    use crate::model::plumbing::{ChangeReason, GoneCertificateProfile, Mode};
    use crate::model::rotation::{Operation, Outcome};
    use crate::model::runtime::{ConnectStep, NotCheckedReason};
    use crate::model::state::UnknownInput;
    use crate::model::store::KeyState;
    use crate::model::transcript::SkipReason;
    use crate::model::warning::WarningCode;

    /// Lower-case words of letters and digits joined by single hyphens,
    /// with at least one letter.
    fn is_kebab(code: &str) -> bool {
        code.bytes().any(|b| b.is_ascii_lowercase())
            && code.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    /// The one list: codes and variants line up, codes are kebab-case and
    /// unique, and `from_code` inverts `code`.
    fn list<T: Copy + PartialEq + Debug>(
        variants: &[T],
        codes: &[&str],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
    ) {
        assert!(!variants.is_empty());
        assert_eq!(variants.len(), codes.len());
        let mut seen = HashSet::new();
        for (&v, &c) in variants.iter().zip(codes) {
            assert_eq!(code(v), c, "{v:?}");
            assert!(is_kebab(c), "{v:?}: {c:?} is not kebab-case");
            assert!(seen.insert(c), "{c:?} is used twice");
            assert_eq!(from_code(c), Some(v), "{c:?}");
            // Exactly the code: another case is another text.
            assert_eq!(from_code(&c.to_uppercase()), None, "{c:?}");
        }
        assert_eq!(from_code(""), None);
        assert_eq!(from_code("no-such-code"), None);
    }

    fn parses<T>(variants: &[T], code: fn(T) -> &'static str)
    where
        T: Copy + PartialEq + Debug + FromStr,
        T::Err: Display,
    {
        for &v in variants {
            assert_eq!(code(v).parse::<T>().ok(), Some(v), "{v:?}");
        }
        let e = "no-such-code".parse::<T>().expect_err("not a code");
        assert!(e.to_string().contains("no-such-code"), "{e}");
    }

    fn displays<T: Copy + Display>(variants: &[T], code: fn(T) -> &'static str) {
        for &v in variants {
            assert_eq!(v.to_string(), code(v));
        }
    }

    #[cfg(feature = "serde")]
    fn serialises<T>(variants: &[T], code: fn(T) -> &'static str)
    where
        T: Copy + PartialEq + Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &v in variants {
            let j = serde_json::to_value(v).unwrap();
            assert_eq!(j, serde_json::Value::String(code(v).to_owned()));
            assert_eq!(serde_json::from_value::<T>(j).unwrap(), v);
            let text = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<T>(&text).unwrap(), v);
        }
        let e = serde_json::from_str::<T>("\"no-such-code\"").unwrap_err();
        assert!(
            e.to_string().contains("unknown variant `no-such-code`"),
            "{e}"
        );
        assert!(serde_json::from_str::<T>("1").is_err());
    }

    macro_rules! check {
        ($($t:ty $(: $display:ident)?),+ $(,)?) => {$(
            list(<$t>::VARIANTS, <$t>::CODES, <$t>::code, <$t>::from_code);
            parses(<$t>::VARIANTS, <$t>::code);
            $( check!(@$display $t); )?
            #[cfg(feature = "serde")]
            serialises(<$t>::VARIANTS, <$t>::code);
        )+};
        (@display $t:ty) => { displays(<$t>::VARIANTS, <$t>::code) };
    }

    #[test]
    fn every_code_round_trips() {
        check! {
            ChangeReason: display,
            ConnectStep: display,
            EkuRule: display,
            FindingCode: display,
            GoneCertificateProfile: display,
            HostWarningCode: display,
            KeyState: display,
            Mode: display,
            NotCheckedReason: display,
            Outcome: display,
            Profile: display,
            Purpose: display,
            Reason: display,
            Rule: display,
            UnknownInput: display,
            WarningCode: display,
            // These display a sentence, not the code.
            Operation,
            SkipReason,
            SslPolicyError,
        }
    }

    #[test]
    fn unknown_code_names_the_text_and_the_codes() {
        let e = "chosen".parse::<Reason>().unwrap_err();
        assert_eq!(e.kind, "choice reason");
        assert_eq!(e.text, "chosen");
        assert_eq!(e.expected, Reason::CODES);
        assert!(
            e.to_string().contains("no-private-key, key-mismatch"),
            "{e}"
        );
        // Exactly the code: no trimming, no case folding.
        assert!(" expired".parse::<WarningCode>().is_err());
        assert!("Expired".parse::<WarningCode>().is_err());
        // Long text is cut in the error.
        let long = "x".repeat(1000);
        assert_eq!(long.parse::<Mode>().unwrap_err().text.len(), 64);
    }
}
