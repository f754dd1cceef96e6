//! End-to-end tests of the simulator, built as one test binary: each module covers one area and
//! `support` holds the HTTP client and helpers they share.

mod support;

mod api;
mod backup;
mod db_objects;
mod faults;
mod infra;
mod restart;
mod shape_chaos;
mod strict;
mod tenants;
mod tls;
