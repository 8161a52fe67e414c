//! An office's own data file (`standards/<code>/office.toml`): what its
//! letters print. Parsed with the standards' TOML error reporting, so it
//! lives beside them, above `office` (which knows nothing of files).

use crate::office::OfficeLevel;
use crate::standard::{StandardError, not_stated, toml_error};
use serde::{Deserialize, Serialize};

/// An office's letterhead data (`standards/<code>/office.toml`), edited by
/// the office itself; fields the seed does not print say `tidak dinyatakan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeProfile {
    pub name: String,
    #[serde(default = "not_stated")]
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The units (Sekretariat, bidang) that roles are bound to.
    #[serde(default)]
    pub units: Vec<String>,
    /// The logo file (PNG or JPEG) in the office's folder, for the kop surat.
    #[serde(default)]
    pub logo: Option<String>,
    /// Letter-number patterns by document kind, e.g.
    /// `surat_keterangan_keabsahan = "470/{seq}/SKK/{roman_month}/{year}"`.
    #[serde(default)]
    pub numbering: std::collections::BTreeMap<String, String>,
    /// Procedures of `standards/shared/` this office runs (e.g.
    /// `verifikasi-lembaga`, the one-time verification of an institution).
    #[serde(default)]
    pub shared: Vec<String>,
    /// Days an institution has to file a due duty (the semester report)
    /// before it is missing from the compliance board and flagged.
    #[serde(default = "default_grace")]
    pub duty_grace_days: u32,
    /// A province whose kab/kota Dukcapil offices exist as offices of their
    /// own (Sulsel's 24, which request blanko KTP-el and keep their stock),
    /// named from the region data.
    #[serde(default)]
    pub kab_kota_offices: bool,
    /// How often its officials evaluate the staff (the standards'
    /// *evaluasi kinerja pelaksana*): `month`, `june_december` or `year`;
    /// none where the standards do not state it.
    #[serde(default)]
    pub staff_evaluation: Option<crate::staff_evaluation::Every>,
}

/// Without an office's own setting: a month to file.
pub const DEFAULT_DUTY_GRACE_DAYS: u32 = 30;

fn default_grace() -> u32 {
    DEFAULT_DUTY_GRACE_DAYS
}

impl OfficeProfile {
    pub fn parse(text: &str) -> Result<OfficeProfile, StandardError> {
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }

    /// The name a province office gets when only its code is known
    /// (a parent created for a kab/kota office).
    pub fn default_name(level: OfficeLevel, region_name: &str) -> String {
        match level {
            OfficeLevel::Province => {
                format!("Dinas Kependudukan dan Pencatatan Sipil Provinsi {region_name}")
            }
            OfficeLevel::KabKota => format!("Dinas Kependudukan dan Pencatatan Sipil {region_name}"),
        }
    }
}
