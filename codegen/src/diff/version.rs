//! What a report means for the version of the generated crate: a breaking change bumps the
//! minor version while below 1.0 (Cargo reads `0.x` minors as incompatible) and the major one
//! from 1.0; any other change bumps the patch version; no change keeps the version.

/// A `MAJOR.MINOR.PATCH` version, without pre-release or build parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// Which part of the version a report moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// No change: the version stays.
    None,
    Patch,
    Minor,
    Major,
}

impl std::str::FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |part: &str| -> Option<u64> {
            let plain = !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'));
            plain.then(|| part.parse().ok()).flatten()
        };
        match parts.as_slice() {
            [major, minor, patch] => match (number(major), number(minor), number(patch)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Version {
                    major,
                    minor,
                    patch,
                }),
                _ => Err(format!(
                    "`{text}` is not a MAJOR.MINOR.PATCH version (pre-release and build parts \
                     are not bumped automatically)"
                )),
            },
            _ => Err(format!("`{text}` is not a MAJOR.MINOR.PATCH version")),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Version {
    /// The bump a change of this kind needs from this version.
    pub fn bump_for(self, changed: bool, breaking: bool) -> Bump {
        match (changed, breaking) {
            (false, _) => Bump::None,
            (true, true) if self.major == 0 => Bump::Minor,
            (true, true) => Bump::Major,
            (true, false) => Bump::Patch,
        }
    }

    /// This version moved by `bump`.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match bump {
            Bump::None => self,
            Bump::Patch => Version {
                patch: patch + 1,
                ..self
            },
            Bump::Minor => Version {
                major,
                minor: minor + 1,
                patch: 0,
            },
            Bump::Major => Version {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bump, Version};

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn breaking_bumps_minor_below_one_and_major_from_one() {
        let cases = [
            ("0.1.0", true, true, Bump::Minor, "0.2.0"),
            ("0.1.7", true, true, Bump::Minor, "0.2.0"),
            ("0.0.3", true, true, Bump::Minor, "0.1.0"),
            ("1.0.0", true, true, Bump::Major, "2.0.0"),
            ("2.4.9", true, true, Bump::Major, "3.0.0"),
            ("0.1.0", true, false, Bump::Patch, "0.1.1"),
            ("1.2.3", true, false, Bump::Patch, "1.2.4"),
            ("1.2.3", false, false, Bump::None, "1.2.3"),
            ("0.3.1", false, true, Bump::None, "0.3.1"),
        ];
        for (current, changed, breaking, bump, next) in cases {
            let found = v(current).bump_for(changed, breaking);
            assert_eq!(
                found, bump,
                "{current} changed={changed} breaking={breaking}"
            );
            assert_eq!(v(current).bumped(found).to_string(), next);
        }
    }

    #[test]
    fn only_plain_versions_are_read() {
        for bad in [
            "1.2",
            "1.2.3.4",
            "1.2.x",
            "01.2.3",
            "1.2.3-alpha",
            "",
            "1..3",
            "+1.2.3",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
        assert_eq!(
            v("10.0.12"),
            Version {
                major: 10,
                minor: 0,
                patch: 12
            }
        );
    }
}
