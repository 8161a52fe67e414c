//! Documents the offices issue: their numbers, the signed payload a QR code
//! carries so anyone can check a document offline, the PDF letter, and the
//! seal that makes the file itself checkable, and the spreadsheets an
//! office exports (`xlsx`), the charts of its dashboards and the PDF
//! reports built of them (`report`). Pure: no store, no clock.

pub mod charts;
pub mod keys;
pub mod numbering;
pub mod payload;
pub mod render;
pub mod report;
pub mod seal;
pub mod xlsx;
