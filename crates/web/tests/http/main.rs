//! The HTTP tests of the web crate, in one binary: each module drives a real
//! server on a random port over a fresh database (`common::TestApp`).

mod accounts;
mod admin;
mod agreements;
mod auth;
mod authz;
mod cases;
mod catalogue;
mod citizen_pages;
mod common;
mod complaints;
mod concurrent_documents;
mod dashboard;
mod documents;
mod every_standard;
mod group;
mod history;
mod informasi;
mod institutions;
mod kiosk;
mod legalisir;
mod nik_batch;
mod notify;
mod privacy;
mod queue;
mod register;
mod second_factor;
mod staff_evaluations;
mod staff_pages;
mod stock;
mod surveys;
