//! Documents the offices issue: their numbers, the signed payload a QR code
//! carries so anyone can check a document offline, and (next) the PDFs.

pub mod keys;
pub mod numbering;
pub mod payload;
pub mod render;
pub mod seal;
