//! Documents the offices issue: their numbers, the signed payload a QR code
//! carries so anyone can check a document offline, the PDF letter, and the
//! seal that makes the file itself checkable, and the spreadsheets an
//! office exports (`xlsx`). Pure: no store, no clock.

pub mod keys;
pub mod numbering;
pub mod payload;
pub mod render;
pub mod seal;
pub mod xlsx;
