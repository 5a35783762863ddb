//! Semey's integration tests: one test binary. Every test that touches storage runs twice, on
//! SQLite and on PostgreSQL (`on_both_backends!`); `scripts/test.sh` starts the PostgreSQL.

#[macro_use]
mod support;

mod accounts;
mod api;
mod binary;
mod coordination;
mod crash;
mod documents;
mod funding;
mod iati;
mod imports;
mod mandates;
mod opendata;
mod organisations;
mod permissions;
mod places;
mod programmes;
mod radiation;
mod records;
mod reports;
mod results;
mod search;
mod services;
mod web;
mod workflow;
mod workspace;
