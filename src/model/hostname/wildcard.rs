//! The wildcard rule shared by the name-checking profiles.
//!
//! Only one wildcard form ever matches: `*` as the **whole left-most label**,
//! followed by at least one more label (`*.example.com`). Partial wildcards
//! (`f*.example.com`), wildcards in other labels and a bare `*` are refused
//! when the presented name is classified (see [`presented`](super::presented)).
//!
//! A valid wildcard stands for **exactly one label**, any label (an A-label
//! such as `xn--bliss-1b3c148a` included): `*.example.com` matches
//! `foo.example.com`, and neither the apex `example.com` nor
//! `foo.bar.example.com`. Comparison of the labels after `*` ignores ASCII
//! case.
//!
//! The profiles differ in one point, the number of labels the wildcard must
//! be followed by ([`WildcardRule::min_suffix_labels`]):
//!
//! | profile | labels after `*` | `*.com` vs `example.com` | `*.co.uk` vs `example.co.uk` |
//! |---|---|---|---|
//! | [`WindowsClient`](super::Profile::WindowsClient) | at least 1 | match | match |
//! | [`Rfc9525`](super::Profile::Rfc9525) | at least 2 | no match, [`Rule::WildcardTooBroad`] | match (no public suffix list) |
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::hostname::{DnsName, Rule, WildcardRule};
//!
//! let host = DnsName::parse("foo.example.com")?;
//! assert_eq!(WildcardRule::RFC9525.matches("example.com", &host), Ok(()));
//! let apex = DnsName::parse("example.com")?;
//! assert_eq!(WildcardRule::RFC9525.matches("example.com", &apex), Err(Rule::WildcardLabelCount));
//! assert_eq!(WildcardRule::RFC9525.matches("com", &apex), Err(Rule::WildcardTooBroad));
//! assert_eq!(WildcardRule::WINDOWS.matches("com", &apex), Ok(()));
//! # Ok::<(), sstp_cert::model::hostname::HostError>(())
//! ```

use super::reference::DnsName;
use super::rule::Rule;

/// How a profile treats a whole-label wildcard `*.suffix`.
///
/// ```
/// use sstp_cert::model::hostname::{Profile, WildcardRule};
/// assert_eq!(Profile::Rfc9525.wildcard_rule(), Some(WildcardRule::RFC9525));
/// assert_eq!(WildcardRule::WINDOWS.min_suffix_labels, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WildcardRule {
    /// The fewest labels `suffix` must have for the wildcard to match
    /// anything at all.
    pub min_suffix_labels: usize,
}

impl WildcardRule {
    /// The Windows client: [behaviour §9](crate::behaviour) states no label count; one label after
    /// `*` is enough.
    pub const WINDOWS: WildcardRule = WildcardRule {
        min_suffix_labels: 1,
    };

    /// RFC 9525 strict: at least two labels after `*` ([behaviour §9](crate::behaviour), as
    /// rustls-webpki and OpenSSL do).
    pub const RFC9525: WildcardRule = WildcardRule {
        min_suffix_labels: 2,
    };

    /// Whether `*.` + `suffix` matches `reference`.
    ///
    /// `suffix` is what follows `*.` in a presented name that has passed the
    /// syntax checks; a `suffix` that is empty or contains an empty label
    /// never matches.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::{DnsName, Rule, WildcardRule};
    /// let deep = DnsName::parse("a.b.example.com")?;
    /// assert_eq!(WildcardRule::WINDOWS.matches("example.com", &deep), Err(Rule::WildcardLabelCount));
    /// let other = DnsName::parse("a.example.org")?;
    /// assert_eq!(WildcardRule::WINDOWS.matches("example.com", &other), Err(Rule::WildcardMismatch));
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The [`Rule`] that rejects the match: [`Rule::WildcardTooBroad`],
    /// [`Rule::WildcardLabelCount`] (the reference is the apex or has more
    /// labels), or [`Rule::WildcardMismatch`] (the labels after `*`
    /// differ).
    pub fn matches(self, suffix: &str, reference: &DnsName) -> Result<(), Rule> {
        if suffix.is_empty() || suffix.split('.').any(str::is_empty) {
            return Err(Rule::PresentedInvalidSyntax);
        }
        if suffix.split('.').count() < self.min_suffix_labels {
            return Err(Rule::WildcardTooBroad);
        }
        let r = reference.as_str();
        if let Some((_, rest)) = r.split_once('.')
            && rest.eq_ignore_ascii_case(suffix)
        {
            return Ok(());
        }
        if ends_with_labels(r, suffix) {
            Err(Rule::WildcardLabelCount)
        } else {
            Err(Rule::WildcardMismatch)
        }
    }
}

/// Whether `name` is `suffix` or ends with `.suffix`, ignoring ASCII case.
fn ends_with_labels(name: &str, suffix: &str) -> bool {
    if name.len() < suffix.len() {
        return false;
    }
    let split = name.len() - suffix.len();
    match (name.get(split..), name.get(..split)) {
        (Some(tail), Some(head)) => {
            tail.eq_ignore_ascii_case(suffix) && (head.is_empty() || head.ends_with('.'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule: WildcardRule, suffix: &str, host: &str) -> Result<(), Rule> {
        rule.matches(suffix, &DnsName::parse(host).unwrap())
    }

    #[test]
    fn one_label_exactly() {
        for rule in [WildcardRule::WINDOWS, WildcardRule::RFC9525] {
            assert_eq!(check(rule, "example.com", "foo.example.com"), Ok(()));
            assert_eq!(check(rule, "EXAMPLE.com", "FOO.example.COM"), Ok(()));
            assert_eq!(
                check(rule, "example.com", "xn--bliss-1b3c148a.example.com"),
                Ok(())
            );
            assert_eq!(check(rule, "example.com", "f_o.example.com"), Ok(()));
            assert_eq!(
                check(rule, "example.com", "example.com"),
                Err(Rule::WildcardLabelCount)
            );
            assert_eq!(
                check(rule, "example.com", "foo.bar.example.com"),
                Err(Rule::WildcardLabelCount)
            );
            assert_eq!(
                check(rule, "example.com", "foo.example.org"),
                Err(Rule::WildcardMismatch)
            );
            assert_eq!(
                check(rule, "example.com", "fooexample.com"),
                Err(Rule::WildcardMismatch)
            );
            assert_eq!(
                check(rule, "example.com", "foo.notexample.com"),
                Err(Rule::WildcardMismatch)
            );
            assert_eq!(
                check(rule, "co.uk", "example.co.uk"),
                Ok(()),
                "no public suffix list"
            );
        }
    }

    #[test]
    fn label_count_after_the_star() {
        assert_eq!(check(WildcardRule::WINDOWS, "com", "example.com"), Ok(()));
        assert_eq!(
            check(WildcardRule::RFC9525, "com", "example.com"),
            Err(Rule::WildcardTooBroad)
        );
        assert_eq!(
            check(WildcardRule::RFC9525, "com", "localhost"),
            Err(Rule::WildcardTooBroad)
        );
        assert_eq!(
            check(WildcardRule::WINDOWS, "com", "com"),
            Err(Rule::WildcardLabelCount)
        );
        assert_eq!(
            check(WildcardRule::WINDOWS, "com", "localhost"),
            Err(Rule::WildcardMismatch)
        );
    }

    #[test]
    fn malformed_suffix_never_matches() {
        assert_eq!(
            check(WildcardRule::WINDOWS, "", "example.com"),
            Err(Rule::PresentedInvalidSyntax)
        );
        assert_eq!(
            check(WildcardRule::WINDOWS, "example..com", "a.example.com"),
            Err(Rule::PresentedInvalidSyntax)
        );
    }
}
