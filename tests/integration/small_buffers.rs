//! small_buffers tests (to be written).
