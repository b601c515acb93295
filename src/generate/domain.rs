//! Realistic values for the `domain` knob (names, emails, addresses, ...).
//! STUB: being replaced by the full implementation.
