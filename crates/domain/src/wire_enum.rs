//! `wire_enum!`: a closed set of values spelled as lowercase words on the wire and in the
//! database (statuses, kinds). Each gets `ALL`, `as_str`, `FromStr`, `TryFrom<String>` (so a
//! row decodes straight into it), `Display` and serde (as its spelling), and refuses any other text with
//! [`NotOneOf`], which names the accepted spellings.

use std::fmt;

/// Text that is none of an enum's spellings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotOneOf(pub &'static [&'static str]);

impl fmt::Display for NotOneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "must be one of {}", self.0.join(", "))
    }
}

impl std::error::Error for NotOneOf {}

/// Declares a wire enum: `wire_enum! { /// docs \n pub enum Name { /// docs \n Variant = "spelling", ... } }`.
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];
            const SPELLINGS: &'static [&'static str] = &[$($wire),+];

            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire ),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::wire_enum::NotOneOf;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $( $wire => Ok($name::$variant), )+
                    _ => Err($crate::wire_enum::NotOneOf(Self::SPELLINGS)),
                }
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::wire_enum::NotOneOf;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::wire_enum! {
        /// A test enum.
        pub enum Light {
            Red = "red",
            /// Go.
            Green = "green",
        }
    }

    #[test]
    fn values_round_trip_through_their_spellings() {
        for light in Light::ALL {
            assert_eq!(light.as_str().parse::<Light>(), Ok(light));
            assert_eq!(light.to_string(), light.as_str());
        }
        assert_eq!(Light::try_from("green".to_owned()), Ok(Light::Green));
    }

    #[test]
    fn other_text_is_refused_with_the_accepted_spellings() {
        let err = "Red".parse::<Light>().unwrap_err();
        assert_eq!(err.to_string(), "must be one of red, green");
    }
}
