//! The kinds of document an office issues at a step, named in the
//! standards (`document = "…"` on a step). Letters are signed with the
//! office key; for physical items (a KTP-el card, blanko, an activated
//! IKD) the office issues a receipt of hand-over instead.

/// One kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocKind {
    pub code: &'static str,
    pub title: &'static str,
    /// A receipt of hand-over for a physical or digital item.
    pub handover: bool,
    /// Co-signed on paper (BAST, PKS): leave room for wet signatures.
    pub wet_signature: bool,
}

const fn k(code: &'static str, title: &'static str, handover: bool, wet_signature: bool) -> DocKind {
    DocKind { code, title, handover, wet_signature }
}

pub const KINDS: [DocKind; 18] = [
    k("tanda_terima", "Tanda Terima Permohonan", false, false),
    k("surat_jawaban", "Surat Jawaban Permohonan", false, false),
    k("surat_keterangan_keabsahan", "Surat Keterangan Keabsahan", false, false),
    k("legalisir", "Lembar Legalisir Dokumen Kependudukan", false, true),
    k("bast_blangko", "Berita Acara Serah Terima Blangko KTP-el", false, true),
    k("pks", "Perjanjian Kerja Sama Pemanfaatan Data Kependudukan", false, true),
    k("surat_pengantar", "Surat Pengantar", false, false),
    k("surat_permohonan_izin", "Surat Permohonan Izin Akses Pemanfaatan Data", false, true),
    k("undangan_rapat", "Undangan Rapat", false, false),
    k("sk_tim_teknis", "Surat Keputusan Pembentukan Tim Teknis", false, false),
    k("jawaban_informasi", "Jawaban Permintaan Informasi", false, false),
    k("tanda_terima_serah", "Tanda Terima Serah", true, false),
    k("surat_penolakan", "Surat Penolakan Permohonan", false, false),
    k("surat_keterangan_tidak_ditemukan", "Surat Keterangan Tidak Ditemukan", false, false),
    k("kartu_agenda", "Kartu Agenda Surat Masuk", false, false),
    k("lembar_disposisi", "Lembar Disposisi", false, false),
    k("surat_rekomendasi_penangguhan", "Surat Rekomendasi Penangguhan Hak Akses", false, false),
    k("laporan_monev", "Laporan Monitoring dan Evaluasi Perjanjian Kerja Sama", false, false),
];

pub fn kind(code: &str) -> Option<&'static DocKind> {
    KINDS.iter().find(|k| k.code == code)
}
