//! End-to-end tests of the simulator, built as one test binary: each module covers one area and
//! `support` holds the HTTP client and helpers they share.

// Test code may unwrap: a failed unwrap is a failed test (clippy.toml exempts #[test] fns
// and #[cfg(test)] code, not the helpers of an integration test crate).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod api;
mod backup;
mod clock;
mod cluster_day2;
mod db_objects;
mod faults;
mod infra;
mod obproxy;
mod parameters;
mod restart;
mod restore;
mod shape_chaos;
mod strict;
mod tenants;
mod tls;
