//! fixtures tests (to be written).
