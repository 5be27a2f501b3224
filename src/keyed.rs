//! Enums with a stable snake_case key: one declaration gives the variants,
//! their keys (used by JSON, CSV, Parquet and the tables alike), `ALL` in
//! output order, a dense index, and serialisation as the key.

/// An enum whose variants have stable keys and a dense index.
pub trait Keyed: Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug + 'static {
    /// Every variant, in output order.
    const ALL: &'static [Self];
    /// The stable snake_case key.
    fn key(self) -> &'static str;
    /// The position in [`Keyed::ALL`].
    fn index(self) -> usize;
    /// The variant with this key.
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.key() == key)
    }
}

/// Declares a [`Keyed`] enum: `Variant = "key"`, in output order.
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $key:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $crate::keyed::Keyed for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }
            fn index(self) -> usize {
                self as usize
            }
        }

        impl $name {
            /// Every variant, in output order.
            pub const ALL: &'static [$name] = <$name as $crate::keyed::Keyed>::ALL;

            /// The stable snake_case key (JSON, CSV, Parquet, tables).
            pub fn key(self) -> &'static str {
                <$name as $crate::keyed::Keyed>::key(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.key())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }
    };
}
pub(crate) use keyed_enum;

#[cfg(test)]
mod tests {
    use super::Keyed;

    keyed_enum! {
        /// A test enum.
        enum Fruit {
            /// a
            Apple = "apple",
            /// b
            BlackCurrant = "black_currant",
        }
    }

    #[test]
    fn keys_indices_and_serialisation() {
        assert_eq!(Fruit::ALL, [Fruit::Apple, Fruit::BlackCurrant]);
        assert_eq!(Fruit::BlackCurrant.key(), "black_currant");
        assert_eq!(Fruit::BlackCurrant.index(), 1);
        assert_eq!(Fruit::from_key("apple"), Some(Fruit::Apple));
        assert_eq!(Fruit::from_key("pear"), None);
        assert_eq!(serde_json::to_string(&Fruit::Apple).unwrap(), "\"apple\"");
        assert_eq!(Fruit::Apple.to_string(), "apple");
        for (i, f) in Fruit::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }
}
