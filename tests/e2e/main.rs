//! End-to-end tests: the real Terraform v1.0.3 drives the real plugin binary against the OCP
//! simulator. One test binary; one module per family; helpers in `support/`.
//!
//! Terraform comes from `TERRAFORM` or `.tools/terraform` (installed by `scripts/test.sh`).
//! If it is missing the tests fail and say how to install it: they are never skipped.

// Test code may unwrap: a failed unwrap is a failed test (clippy.toml exempts #[test] fns
// and #[cfg(test)] code, not the helpers of an integration test crate).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod cluster_day2;
mod clusters;
mod compute;
mod create_time;
mod day2;
mod db;
mod docs;
mod drift_check;
mod examples;
mod faults;
mod full_stack;
mod host;
mod logs;
mod obproxy;
mod ownership;
mod parameters;
mod protocol;
mod provider_config;
mod release;
mod restore;
mod shape_chaos;
mod support;
mod tenant;
mod tenant_day2;
mod users;
