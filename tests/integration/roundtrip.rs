//! roundtrip tests (to be written).
