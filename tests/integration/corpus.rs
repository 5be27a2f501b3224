//! corpus tests (to be written).
