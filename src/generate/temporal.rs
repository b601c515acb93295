//! date, date-time and time values within a range, under a distribution.
//! STUB: being replaced by the full implementation.
