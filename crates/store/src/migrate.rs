//! Migrations: numbered SQL files per backend, embedded in the binary and
//! applied in order at start. Each backend has its own history because the
//! dialects differ in DDL; the queries on top are shared.

/// `(version, sql)` pairs; a version is never edited once released.
pub(crate) const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, include_str!("../migrations/sqlite/0002_cases.sql")),
    (3, include_str!("../migrations/sqlite/0003_office_hours.sql")),
    (4, include_str!("../migrations/sqlite/0004_documents.sql")),
    (5, include_str!("../migrations/sqlite/0005_office_keys.sql")),
    (6, include_str!("../migrations/sqlite/0006_user_nip.sql")),
    (7, include_str!("../migrations/sqlite/0007_escalate_at.sql")),
    (8, include_str!("../migrations/sqlite/0008_worklist_indexes.sql")),
    (9, include_str!("../migrations/sqlite/0009_audit_chains.sql")),
    (10, include_str!("../migrations/sqlite/0010_data_subject.sql")),
    (11, include_str!("../migrations/sqlite/0011_documents_produced_later.sql")),
    (12, include_str!("../migrations/sqlite/0012_instance_flags.sql")),
    (13, include_str!("../migrations/sqlite/0013_service_clock.sql")),
    (14, include_str!("../migrations/sqlite/0014_outages.sql")),
    (15, include_str!("../migrations/sqlite/0015_nearest_due.sql")),
    (16, include_str!("../migrations/sqlite/0016_account_lifecycle.sql")),
    (17, include_str!("../migrations/sqlite/0017_institutions.sql")),
    (18, include_str!("../migrations/sqlite/0018_acting.sql")),
    (19, include_str!("../migrations/sqlite/0019_group_cases.sql")),
    (20, include_str!("../migrations/sqlite/0020_access_codes.sql")),
    (21, include_str!("../migrations/sqlite/0021_linked_cases.sql")),
    (22, include_str!("../migrations/sqlite/0022_agreements.sql")),
    (23, include_str!("../migrations/sqlite/0023_agreement_duties.sql")),
    (24, include_str!("../migrations/sqlite/0024_stock.sql")),
    (25, include_str!("../migrations/sqlite/0025_stock_reports.sql")),
    (26, include_str!("../migrations/sqlite/0026_slots.sql")),
];
pub(crate) const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_foundation.sql")),
    (2, include_str!("../migrations/postgres/0002_cases.sql")),
    (3, include_str!("../migrations/postgres/0003_office_hours.sql")),
    (4, include_str!("../migrations/postgres/0004_documents.sql")),
    (5, include_str!("../migrations/postgres/0005_office_keys.sql")),
    (6, include_str!("../migrations/postgres/0006_user_nip.sql")),
    (7, include_str!("../migrations/postgres/0007_escalate_at.sql")),
    (8, include_str!("../migrations/postgres/0008_worklist_indexes.sql")),
    (9, include_str!("../migrations/postgres/0009_audit_chains.sql")),
    (10, include_str!("../migrations/postgres/0010_data_subject.sql")),
    (11, include_str!("../migrations/postgres/0011_documents_produced_later.sql")),
    (12, include_str!("../migrations/postgres/0012_instance_flags.sql")),
    (13, include_str!("../migrations/postgres/0013_service_clock.sql")),
    (14, include_str!("../migrations/postgres/0014_outages.sql")),
    (15, include_str!("../migrations/postgres/0015_nearest_due.sql")),
    (16, include_str!("../migrations/postgres/0016_account_lifecycle.sql")),
    (17, include_str!("../migrations/postgres/0017_institutions.sql")),
    (18, include_str!("../migrations/postgres/0018_acting.sql")),
    (19, include_str!("../migrations/postgres/0019_group_cases.sql")),
    (20, include_str!("../migrations/postgres/0020_access_codes.sql")),
    (21, include_str!("../migrations/postgres/0021_linked_cases.sql")),
    (22, include_str!("../migrations/postgres/0022_agreements.sql")),
    (23, include_str!("../migrations/postgres/0023_agreement_duties.sql")),
    (24, include_str!("../migrations/postgres/0024_stock.sql")),
    (25, include_str!("../migrations/postgres/0025_stock_reports.sql")),
    (26, include_str!("../migrations/postgres/0026_slots.sql")),
];

pub(crate) const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";
