//! Indonesian by default, English on request. The language comes from the
//! `lang` query parameter (the switch link), then the `lang` cookie.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// A channel code (`counter`, `online`, ...) in words; an unknown code as it is.
    pub fn channel(self, code: &str) -> String {
        self.or_code(&format!("channel_{code}"), code)
    }

    /// A clock's time left or lateness: "sisa 12 menit kerja", "terlambat 2 hari".
    pub fn remaining(self, r: domain::sla::Remaining) -> String {
        use domain::sla::Unit;
        let unit = match r.unit {
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
        };
        let key = format!("{}_{unit}", if r.late { "late" } else { "left" });
        self.t(&key).replace("{n}", &r.amount.to_string())
    }

    /// Who does a step, in words: the applicant, a role, or the outside
    /// party by its name.
    pub fn actor(self, actor: domain::standard::Actor, party: Option<&str>) -> String {
        use domain::standard::Actor;
        match (actor, party) {
            (Actor::External, Some(party)) => party.into(),
            (Actor::External, None) => self.t("external").into(),
            (Actor::Applicant, _) => self.t("pemohon").into(),
            (Actor::Staff(role), _) => self.role(role).into(),
        }
    }

    pub fn role(self, role: domain::Role) -> &'static str {
        self.t(&format!("role_{}", role.as_str()))
    }

    fn or_code(self, key: &str, code: &str) -> String {
        let t = self.t(key);
        if t.is_empty() { code.to_string() } else { t.to_string() }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The UI text for `key`, in this language. Keys missing in English
    /// fall back to Indonesian, so a page never shows a raw key.
    pub fn t(self, key: &str) -> &'static str {
        let entry = TEXTS.iter().find(|(k, _, _)| *k == key);
        match (entry, self) {
            (Some((_, id, _)), Lang::Id) => id,
            (Some((_, _, en)), Lang::En) => en,
            (None, _) => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Lang, Infallible> {
        let from_query = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::parse));
        let from_cookie = || crate::auth::cookie(&parts.headers, "lang").and_then(|v| Lang::parse(&v));
        Ok(from_query.or_else(from_cookie).unwrap_or(Lang::Id))
    }
}

/// (key, Indonesian, English)
const TEXTS: &[(&str, &str, &str)] = &[
    ("site_title", "Layanan Dukcapil", "Dukcapil Services"),
    (
        "tagline",
        "Standar pelayanan yang dijalankan, bukan sekadar diterbitkan.",
        "Service standards that run, not just get published.",
    ),
    ("offices", "Kantor Dinas", "Offices"),
    ("services", "Layanan", "Services"),
    (
        "no_services",
        "Kantor ini belum menerbitkan standar pelayanan.",
        "This office has not published any service standard yet.",
    ),
    ("login", "Masuk", "Log in"),
    ("logout", "Keluar", "Log out"),
    ("username", "Nama pengguna", "Username"),
    ("password", "Kata sandi", "Password"),
    (
        "login_failed",
        "Nama pengguna atau kata sandi salah, atau akun terkunci sementara.",
        "Wrong username or password, or the account is temporarily locked.",
    ),
    ("switch_lang", "English", "Bahasa Indonesia"),
    ("home", "Beranda", "Home"),
    ("level_province", "Provinsi", "Province"),
    ("level_kab_kota", "Kabupaten/Kota", "Regency/City"),
    ("time_zone", "Zona waktu", "Time zone"),
    ("address", "Alamat", "Address"),
    ("public_components", "Komponen pelayanan (publik)", "Service delivery (public)"),
    ("internal_components", "Komponen pengelolaan (internal)", "Service management (internal)"),
    ("procedure", "Prosedur", "Procedure"),
    ("step", "Langkah", "Step"),
    ("actor", "Pelaksana", "Done by"),
    ("duration", "Waktu", "Time"),
    ("output", "Keluaran", "Output"),
    ("requirements", "Persyaratan berkas", "Required documents"),
    ("channels", "Cara mengajukan", "How to apply"),
    ("time_limit", "Jangka waktu", "Time limit"),
    ("maklumat", "Maklumat Pelayanan", "Service pledge (maklumat)"),
    (
        "no_maklumat",
        "Kantor ini belum menerbitkan maklumat pelayanan.",
        "This office has not published a service pledge yet.",
    ),
    ("source", "Sumber", "Source"),
    ("notes", "Catatan transkripsi", "Transcription notes"),
    ("not_timed", "tanpa batas waktu", "untimed"),
    ("optional", "bila perlu", "when needed"),
    ("can_reject", "dapat menolak", "may reject"),
    ("staff_only", "Hanya terlihat oleh petugas.", "Visible to staff only."),
    ("signed_in_as", "Masuk sebagai", "Signed in as"),
    ("version", "Versi", "Version"),
    ("skip", "Langsung ke isi", "Skip to content"),
    ("optional_doc", "opsional", "optional"),
    ("bring", "dibawa/ditunjukkan", "bring/show"),
    ("external", "Pihak luar", "Outside party"),
    ("pemohon", "Pemohon", "Applicant"),
    (
        "cuti_bersama_off",
        "Cuti bersama dihitung sebagai hari libur (jam layanan berhenti)",
        "Joint leave days (cuti bersama) are days off for SLA clocks",
    ),
    ("save", "Simpan", "Save"),
    ("doc_verify", "Pemeriksaan keaslian dokumen", "Document verification"),
    (
        "doc_valid",
        "SAH: dokumen ini diterbitkan dan ditandatangani secara elektronik oleh kantor tersebut",
        "VALID: this document was issued and electronically signed by the office",
    ),
    (
        "doc_revoked",
        "DICABUT: dokumen ini pernah diterbitkan tetapi telah dicabut",
        "REVOKED: this document was issued but has been revoked",
    ),
    (
        "doc_unknown",
        "TIDAK DIKENAL: tidak ada dokumen sah dengan kode ini",
        "UNKNOWN: no genuine document has this code",
    ),
    ("doc_number", "Nomor", "Number"),
    ("doc_type", "Jenis", "Type"),
    ("doc_office", "Kantor", "Office"),
    ("doc_holder", "Atas nama", "Holder"),
    ("doc_issued", "Diterbitkan", "Issued"),
    ("doc_revoked_at", "Dicabut", "Revoked"),
    ("doc_reason", "Alasan pencabutan", "Reason for revocation"),
    (
        "doc_verify_note",
        "Bandingkan isi di atas dengan dokumen yang Anda pegang. Data pribadi tidak ditampilkan.",
        "Compare the fields above with the document you hold. Personal data is not shown.",
    ),
    ("documents", "Dokumen", "Documents"),
    ("download", "Unduh", "Download"),
    ("no_documents", "Belum ada dokumen.", "No documents yet."),
    ("revoke", "Cabut dokumen", "Revoke the document"),
    ("doc_valid_short", "sah", "valid"),
    ("doc_revoked_short", "dicabut", "revoked"),
    ("office_hours", "Jam layanan (jam SLA berjalan)", "Office hours (SLA clocks run)"),
    ("apply", "Ajukan permohonan", "Apply"),
    ("channel", "Cara pengajuan", "Channel"),
    ("applicant", "Pemohon", "Applicant"),
    ("full_name", "Nama lengkap", "Full name"),
    ("phone", "Nomor HP/WhatsApp", "Mobile/WhatsApp number"),
    ("form_fields", "Isian permohonan", "Application details"),
    (
        "consent",
        "Saya menyetujui pemrosesan data pribadi saya untuk permohonan ini (UU 27/2022 tentang Pelindungan Data Pribadi).",
        "I agree to the processing of my personal data for this application (Law 27/2022 on Personal Data Protection).",
    ),
    ("submit", "Kirim permohonan", "Submit application"),
    ("track", "Lacak permohonan", "Track an application"),
    ("tracking_code", "Kode lacak", "Tracking code"),
    (
        "received",
        "Permohonan Anda telah diterima. Simpan kode lacak ini:",
        "Your application was received. Keep this tracking code:",
    ),
    ("due", "Batas waktu", "Due"),
    ("missing", "Yang perlu dilengkapi", "What is missing"),
    ("resubmit", "Kirim ulang berkas", "Resubmit"),
    ("withdraw", "Batalkan permohonan", "Withdraw the application"),
    ("nik_confirm", "NIK pemohon (sebagai konfirmasi)", "Applicant's NIK (to confirm it is you)"),
    ("note", "Catatan", "Note"),
    ("not_found_code", "Tidak ada permohonan dengan kode ini.", "No application has this code."),
    (
        "stale",
        "Permohonan ini baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.",
        "Someone else changed this application just now. Reload the page and try again.",
    ),
    ("status_submitted", "Diterima", "Received"),
    ("status_in_progress", "Diproses", "In progress"),
    ("status_returned", "Dikembalikan untuk dilengkapi", "Returned for completion"),
    ("status_completed", "Selesai", "Completed"),
    ("status_rejected", "Ditolak", "Rejected"),
    ("status_withdrawn", "Dibatalkan", "Withdrawn"),
    ("step_done", "selesai", "done"),
    ("step_current", "sedang berjalan", "current"),
    ("step_pending", "belum", "pending"),
    ("worklist", "Daftar kerja", "Worklist"),
    ("worklist_empty", "Tidak ada permohonan yang menunggu.", "Nothing is waiting."),
    ("intake", "Pendaftaran di loket", "Counter intake"),
    ("supervisor", "Pantauan atasan", "Supervisor view"),
    ("outbox", "Kotak keluar notifikasi", "Notification outbox"),
    (
        "outbox_note",
        "Email menunggu di sini sampai SMTP dikonfigurasi; WhatsApp dan SMS dicatat di sini.",
        "Email waits here until SMTP is configured; WhatsApp and SMS are logged here.",
    ),
    ("outbox_empty", "Belum ada notifikasi.", "No notifications yet."),
    ("outbox_tries", "Percobaan gagal", "Failed tries"),
    ("notices_for_you", "Pemberitahuan untuk Anda", "Notices for you"),
    ("qr_title", "Isi QR bertanda tangan", "What the QR code signs"),
    (
        "qr_valid",
        "Tanda tangan elektronik pada QR sah: bandingkan isinya dengan dokumen di tangan Anda.",
        "The QR code's signature is genuine: compare what it signs with the document in your hand.",
    ),
    (
        "qr_invalid",
        "TIDAK SAH: isi QR telah diubah atau dipalsukan.",
        "NOT GENUINE: what the QR code carries was altered or forged.",
    ),
    (
        "qr_unknown_key",
        "TIDAK SAH: QR ditandatangani dengan kunci yang tidak dikenal.",
        "NOT GENUINE: the QR code was signed with an unknown key.",
    ),
    (
        "qr_mismatch",
        "PERHATIAN: nomor yang ditandatangani di QR berbeda dengan catatan kantor untuk kode ini.",
        "WARNING: the number the QR code signs differs from the office's record for this code.",
    ),
    (
        "qr_none",
        "QR ini tidak membawa isi bertanda tangan; hanya catatan kantor di atas yang berlaku.",
        "This QR code carries no signed content; only the office's record above applies.",
    ),
    (
        "qr_unchecked",
        "Tanda tangan QR belum dapat diperiksa (kunci kantor tidak dapat dimuat).",
        "The QR code's signature could not be checked (the office keys could not be loaded).",
    ),
    (
        "qr_no_script",
        "Tanpa JavaScript, halaman ini hanya menampilkan catatan kantor (basis data), bukan pemeriksaan tanda tangan isi QR.",
        "Without JavaScript this page shows the office's record (the database) only, not a check of the QR code's signature.",
    ),
    ("outbox_failed", "gagal terkirim", "not delivered"),
    ("outbox_resend", "Kirim ulang", "Send again"),
    ("filter", "Saring", "Filter"),
    ("from", "Dari", "From"),
    ("to", "Sampai", "To"),
    ("prev", "Sebelumnya", "Previous"),
    ("next", "Berikutnya", "Next"),
    ("page", "Halaman", "Page"),
    ("sla_on_time", "Tepat waktu", "On time"),
    ("sla_due_soon", "Segera jatuh tempo", "Due soon"),
    ("sla_overdue", "Terlambat", "Overdue"),
    ("sla_paused", "Menunggu pemohon", "Waiting for applicant"),
    ("sla_untimed", "Tanpa batas waktu", "Untimed"),
    ("step_due", "Batas waktu langkah", "Step due"),
    ("assignee", "Petugas ditunjuk", "Assigned to"),
    ("standard", "Standar", "Standard"),
    ("organisation", "Instansi", "Organisation"),
    ("no_files", "Tidak ada berkas diunggah.", "No files uploaded."),
    ("actions", "Tindakan", "Actions"),
    ("return_to", "Kembalikan ke", "Return to"),
    ("to_applicant", "Pemohon (untuk dilengkapi)", "The applicant (to complete)"),
    ("outside_reference", "Nomor/tanggal surat pihak luar", "Outside party's letter number/date"),
    (
        "outside_letter_scan",
        "Pindaian surat pihak luar (PDF/JPEG/PNG)",
        "Scan of the outside party's letter (PDF/JPEG/PNG)",
    ),
    ("timeline", "Riwayat", "Timeline"),
    ("on_behalf", "atas nama pemohon/pihak luar", "for the applicant/outside party"),
    ("action_submit", "Diajukan", "Submitted"),
    ("action_advance", "Selesaikan langkah", "Complete step"),
    ("action_return", "Kembalikan", "Return"),
    ("action_resubmit", "Kirim ulang", "Resubmit"),
    ("action_reject", "Tolak", "Reject"),
    ("action_withdraw", "Batalkan", "Withdraw"),
    ("action_assign", "Tugaskan", "Assign"),
    ("action_note", "Tambah catatan", "Add note"),
    ("action_escalate", "Eskalasi", "Escalation"),
    ("receipt", "Tanda terima permohonan", "Application receipt"),
    ("received_at", "Diterima", "Received"),
    ("track_hint", "Lacak status permohonan di", "Track the application at"),
    ("open_case", "Buka berkas permohonan", "Open the case"),
    ("time", "Waktu", "Time"),
    ("recipient", "Penerima", "Recipient"),
    ("subject", "Perihal", "Subject"),
    ("office_settings", "Pengaturan kantor", "Office settings"),
    ("accounts", "Akun petugas", "Staff accounts"),
    ("outage", "Gangguan SIAK / jaringan", "SIAK / network outage"),
    (
        "outage_help",
        "Selama gangguan, waktu layanan yang berlaku \"jika jaringan normal\" berhenti untuk semua permohonan yang sedang berjalan, dan tercatat di riwayatnya.",
        "During an outage the clocks of services whose time holds \"if the network works\" stop for every open application, and their history records it.",
    ),
    ("outage_open", "Gangguan berlangsung sejak", "Outage since"),
    ("outage_reason", "Apa yang terganggu", "What is down"),
    ("outage_declare", "Umumkan gangguan", "Declare outage"),
    (
        "outage_since",
        "Sejak (kosongkan bila baru saja; paling lama 7 hari lalu)",
        "Since (leave empty for now; at most 7 days ago)",
    ),
    ("outage_until", "Selesai pada (kosongkan bila baru saja)", "Ended at (leave empty for now)"),
    ("outage_end", "Gangguan selesai", "End the outage"),
    (
        "outage_held",
        "Waktu layanan dihentikan sementara karena gangguan",
        "The service's clock is stopped by an outage",
    ),
    (
        "hist_outage_hold",
        "Waktu layanan dihentikan: gangguan SIAK/jaringan",
        "Clock stopped: SIAK/network outage",
    ),
    (
        "hist_outage_release",
        "Waktu layanan berjalan lagi: gangguan selesai",
        "Clock running again: outage over",
    ),
    ("sla_held", "Dihentikan (gangguan)", "Stopped (outage)"),
    ("since", "sejak", "since"),
    ("left_minutes", "sisa {n} menit kerja", "{n} working minutes left"),
    ("left_hours", "sisa {n} jam kerja", "{n} working hours left"),
    ("left_days", "sisa {n} hari kerja", "{n} working days left"),
    ("late_minutes", "terlambat {n} menit", "{n} minutes late"),
    ("late_hours", "terlambat {n} jam", "{n} hours late"),
    ("late_days", "terlambat {n} hari", "{n} days late"),
    (
        "masked_note",
        "NIK dan kontak pemohon disamarkan: peran Anda tidak memerlukannya.",
        "The applicant's NIK and contacts are masked: your role does not need them.",
    ),
    ("new_account", "Buat akun baru", "New account"),
    ("display_name", "Nama lengkap", "Full name"),
    ("role", "Peran", "Role"),
    (
        "password_initial",
        "Kata sandi awal (minimal 12 karakter)",
        "Initial password (at least 12 characters)",
    ),
    ("nip", "NIP (18 angka, boleh kosong)", "NIP (18 digits, optional)"),
    ("account_active", "aktif", "active"),
    ("account_inactive", "nonaktif", "inactive"),
    ("deactivate", "Nonaktifkan", "Deactivate"),
    ("activate", "Aktifkan", "Activate"),
    ("account_created", "Akun dibuat", "Account created"),
    ("account_changed", "Akun diubah", "Account changed"),
    ("account_locked", "terkunci", "locked"),
    ("group_parent", "Peserta dari permohonan", "Participant of the request"),
    ("group_participants", "Peserta", "Participants"),
    ("linked_cases", "Permohonan terkait", "Linked applications"),
    ("object_to_refusal", "Ajukan keberatan atas penolakan ini", "Object to this refusal"),
    ("agreements", "Perjanjian kerja sama", "Data-access agreements"),
    ("compliance", "Kepatuhan perjanjian", "Agreement compliance"),
    (
        "contact_only_hint",
        "Tidak perlu NIK: cukup nama dan nomor WhatsApp atau alamat e-mail untuk menerima jawaban.",
        "No NIK needed: a name and a WhatsApp number or e-mail address to receive the answer.",
    ),
    ("answer", "Jawaban", "Answer"),
    ("complain_about_case", "Ajukan pengaduan tentang permohonan ini", "Complain about this application"),
    ("complaints", "Pengaduan, saran dan masukan", "Complaints, suggestions and feedback"),
    (
        "complaint_intro",
        "Sampaikan pengaduan, saran atau masukan tentang layanan kami. Nama dan kontak boleh dikosongkan (anonim); simpan kode lacak untuk membaca jawaban.",
        "Tell us about a problem, a suggestion or feedback on our services. Name and contact may be left empty (anonymous); keep the tracking code to read the answer.",
    ),
    ("complaint_entry", "Catat pengaduan", "Enter a complaint"),
    (
        "complaint_entry_intro",
        "Pengaduan yang diterima langsung, lewat telepon/faks, e-mail, media sosial, kotak saran atau SP4N-LAPOR!.",
        "Complaints received in person, by telephone/fax, e-mail, social media, the suggestion box or SP4N-LAPOR!.",
    ),
    ("complaint_office", "Kantor yang diadukan", "Office"),
    ("complaint_service", "Layanan yang diadukan (boleh kosong)", "Service concerned (optional)"),
    ("complaint_none", "— tidak tentang layanan tertentu —", "— not about one service —"),
    ("complaint_case", "Kode lacak permohonan (boleh kosong)", "Tracking code of the application (optional)"),
    ("complaint_category", "Kategori", "Category"),
    ("complaint_text", "Uraian pengaduan, saran atau masukan", "Your complaint, suggestion or feedback"),
    ("complaint_name", "Nama (boleh kosong)", "Name (optional)"),
    (
        "complaint_contact",
        "Nomor WhatsApp atau e-mail untuk jawaban (boleh kosong)",
        "WhatsApp number or e-mail for the answer (optional)",
    ),
    ("complaint_channel", "Kanal", "Channel"),
    ("complaint_link", "Tautan unggahan (media sosial)", "Link to the post (social media)"),
    ("complaint_lapor_number", "Nomor laporan SP4N-LAPOR!", "SP4N-LAPOR! report number"),
    ("complaint_received_on", "Tanggal diterima", "Date received"),
    ("complaint_send", "Kirim pengaduan", "Send"),
    ("complaint_save", "Simpan dan catat berikutnya", "Save and enter the next"),
    ("complaint_filed", "Pengaduan diterima. Kode lacak:", "Complaint received. Tracking code:"),
    ("complaint_follow", "Lihat status dan jawaban", "See its status and answer"),
    (
        "complaint_lapor_import",
        "Impor ekspor SP4N-LAPOR! (CSV atau JSON)",
        "Import a SP4N-LAPOR! export (CSV or JSON)",
    ),
    ("complaint_lapor_file", "Berkas ekspor", "Export file"),
    ("complaint_lapor_done", "Diimpor", "Imported"),
    ("complaint_lapor_skipped", "Sudah ada (dilewati)", "Already there (skipped)"),
    ("complaint_lapor_refused", "Ditolak", "Refused"),
    ("survey", "Survei kepuasan masyarakat", "Citizen satisfaction survey"),
    (
        "survey_intro",
        "Nilailah layanan kami: sembilan pertanyaan (1 = terendah, 4 = tertinggi). Jawaban Anda tanpa nama.",
        "Rate our service: nine questions (1 = lowest, 4 = highest). Your answers are anonymous.",
    ),
    ("survey_paper", "Entri kuesioner kertas SKM", "Paper SKM questionnaire entry"),
    (
        "survey_paper_intro",
        "Ketik angka 1–4 untuk U1–U9 (Tab untuk pindah), lalu pilih profil dengan huruf/angka pertamanya; Enter menyimpan dan membuka kuesioner berikutnya.",
        "Type 1–4 for U1–U9 (Tab moves on), then pick each profile answer by its first letter or digit; Enter saves and opens the next questionnaire.",
    ),
    ("survey_answers_digits", "Jawaban U1–U9 (1–4)", "Answers U1–U9 (1–4)"),
    ("survey_service", "Layanan", "Service"),
    ("survey_sex", "Jenis kelamin", "Sex"),
    ("survey_age", "Umur", "Age"),
    ("survey_education", "Pendidikan terakhir", "Education"),
    ("survey_occupation", "Pekerjaan", "Occupation"),
    ("survey_comment", "Saran dan masukan (boleh kosong)", "Suggestions (optional)"),
    ("survey_send", "Kirim penilaian", "Send"),
    ("survey_save_next", "Simpan, kuesioner berikutnya", "Save, next questionnaire"),
    ("survey_thanks", "Terima kasih atas penilaian Anda.", "Thank you for your rating."),
    ("survey_saved_next", "Tersimpan. Kuesioner berikutnya:", "Saved. Next questionnaire:"),
    ("survey_fill", "Isi survei", "Take the survey"),
    (
        "survey_offer",
        "Permohonan Anda selesai. Mohon nilai layanan kami",
        "Your application is completed. Please rate our service",
    ),
    ("ikm", "Indeks Kepuasan Masyarakat (IKM)", "Citizen Satisfaction Index (IKM)"),
    ("ikm_office", "IKM seluruh layanan", "IKM of all services"),
    ("ikm_mutu", "Mutu", "Grade"),
    ("ikm_none", "Belum ada responden pada periode ini.", "No respondents in this period yet."),
    ("ikm_respondents", "Responden", "Respondents"),
    ("ikm_required", "Sampel minimal (Krejcie–Morgan)", "Minimum sample (Krejcie–Morgan)"),
    ("ikm_population", "dari populasi", "of a population of"),
    ("ikm_not_adequate", "sampel belum memadai", "sample not yet adequate"),
    ("ikm_lowest", "Unsur dengan nilai terendah", "Lowest unsur"),
    ("ikm_unsur", "Unsur pelayanan", "Unsur"),
    ("ikm_per_service", "IKM per layanan", "IKM per service"),
    ("complaint_nav", "Pengaduan", "Complaints"),
    ("dashboard_nav", "Dasbor", "Dashboard"),
    ("dashboard", "Dasbor kinerja pelayanan", "Service performance dashboard"),
    ("dash_attainment", "Tepat waktu (%)", "On time (%)"),
    ("dash_status", "Permohonan menurut status", "Applications by status"),
    ("dash_ikm", "IKM per layanan", "IKM per service"),
    ("dash_evaluation", "Laporan evaluasi (XLSX)", "Evaluation report (XLSX)"),
    ("dash_evaluation_pdf", "Laporan evaluasi (PDF)", "Evaluation report (PDF)"),
    ("dash_ikm_trend", "IKM per bulan", "IKM per month"),
    ("dash_ikm_trend_services", "IKM per layanan per bulan", "IKM per service per month"),
    ("dash_respondents", "Responden", "Respondents"),
    ("dash_stock", "Stok blanko KTP-el", "KTP-el blank stock"),
    ("dash_stock_balance", "Saldo", "Balance"),
    ("dash_stock_used", "Terpakai 90 hari terakhir", "Used in the last 90 days"),
    ("dash_stock_months", "Cukup untuk (bulan)", "Lasts (months)"),
    ("dash_agreements", "Kepatuhan perjanjian kerja sama", "Agreement compliance"),
    ("rollup", "Rekap provinsi", "Province roll-up"),
    ("evaluation_staff", "Evaluasi kinerja pelaksana", "Staff performance evaluation"),
    ("evaluation_period", "Periode", "Period"),
    ("evaluation_state", "Keadaan", "State"),
    ("evaluation_findings", "Hasil evaluasi (kesenjangan kinerja)", "Findings (performance gaps)"),
    ("evaluation_actions", "Tindak lanjut (perbaikan personil pelaksana)", "Actions (staff improvements)"),
    ("evaluation_by", "Dicatat oleh", "Recorded by"),
    ("evaluation_record", "Catat evaluasi", "Record the evaluation"),
    ("evaluation_recorded", "Dicatat", "Recorded"),
    ("evaluation_owed", "Belum dicatat (lewat waktu)", "Not recorded (overdue)"),
    ("evaluation_open", "Dapat dicatat", "Open for recording"),
    ("rollup_office", "Kantor", "Office"),
    ("rollup_complaints", "Pengaduan dalam proses", "Open complaints"),
    ("dash_no_data", "Belum ada data pada periode ini.", "No data in this period yet."),
    ("dash_all", "Semua", "All"),
    ("dash_item", "Butir", "Item"),
    ("dash_value", "Nilai", "Value"),
    ("dash_services", "Per layanan", "Per service"),
    ("dash_received", "Diterima", "Received"),
    ("dash_completed", "Selesai", "Done"),
    ("dash_open", "Berjalan", "Open"),
    ("dash_overdue", "Lewat waktu", "Overdue"),
    ("dash_median", "Median (menit kerja)", "Median (working minutes)"),
    ("dash_standard", "Standar", "Standard"),
    ("dash_steps", "Per langkah dan kebutuhan petugas", "Per step, and the staff needed"),
    (
        "dash_model_note",
        "Model antrean: Erlang C (M/M/c) bila waktu langkah mendekati eksponensial, simulasi bila tidak; kedatangan dan waktu diukur dalam jam kerja periode ini; target 95 % ditangani dalam waktu langkah (atau satu hari kerja).",
        "Queue model: Erlang C (M/M/c) when step times are near exponential, a simulation otherwise; arrivals and times measured in the period's working hours; target 95 % taken up within the step's time (or one working day).",
    ),
    ("dash_step", "Langkah", "Step"),
    ("dash_mean", "Rata-rata (menit kerja)", "Mean (working minutes)"),
    ("dash_staff", "Petugas aktif", "Active staff"),
    ("dash_wait", "Tunggu rata-rata (menit)", "Mean wait (minutes)"),
    ("dash_fewest", "Petugas minimal", "Fewest staff"),
    ("dash_overloaded", "antrean terus bertambah", "queue keeps growing"),
    ("dash_complaints_open", "Belum dijawab", "Open"),
    ("dash_complaints_answered", "Dijawab", "Answered"),
    ("dash_complaints_young", "Terbuka 0–2 hari kerja", "Open 0–2 working days"),
    ("dash_complaints_middle", "Terbuka 3–5 hari kerja", "Open 3–5 working days"),
    ("dash_complaints_old", "Terbuka lebih dari 5 hari kerja", "Open over 5 working days"),
    ("officers", "Kinerja pelaksana", "Staff performance"),
    ("officer", "Petugas", "Officer"),
    ("officer_returns", "Dikembalikan", "Returned"),
    ("officer_rejects", "Ditolak", "Refused"),
    ("officer_escalations", "Eskalasi", "Escalations"),
    ("officer_steps", "Langkah (jumlah × menit kerja)", "Steps (count × working minutes)"),
    ("question_to_complaint", "Jadikan pengaduan", "Turn into a complaint"),
    ("complaint_recap", "Rekap pengaduan bulanan", "Monthly complaint recap"),
    ("complaint_month", "Bulan", "Month"),
    ("complaint_unit", "Unit", "Unit"),
    ("complaint_received", "Diterima", "Received"),
    ("complaint_answered", "Dijawab", "Answered"),
    ("complaint_in_time", "Tepat waktu", "In time"),
    ("complaint_open", "Belum selesai", "Open"),
    ("complaint_overdue", "Lewat waktu", "Overdue"),
    ("complaint_by_channel", "Per kanal", "By channel"),
    ("complaint_by_category", "Per kategori", "By category"),
    ("complaint_empty", "Belum ada pengaduan pada bulan ini.", "No complaints this month."),
    ("queue_take", "Ambil nomor antrean", "Take a queue number"),
    ("queue_your_number", "Nomor antrean Anda", "Your queue number"),
    ("queue_priority", "Antrean prioritas", "Priority queue"),
    ("queue_ahead", "Menunggu sebelum Anda", "Waiting before you"),
    ("queue_again", "Ambil nomor lain", "Take another number"),
    ("queue_priority_group", "Kelompok prioritas", "Priority group"),
    ("queue_no_priority", "Bukan prioritas", "No priority"),
    ("queue_service", "Layanan", "Service"),
    ("queue_display", "Layar antrean", "Queue display"),
    ("queue_called", "Dipanggil", "Called"),
    ("queue_none_called", "Belum ada nomor yang dipanggil.", "No number called yet."),
    ("queue_number", "Nomor", "Number"),
    ("queue_counter", "Loket", "Counter"),
    ("queue_waiting", "Menunggu", "Waiting"),
    ("queue_median_wait", "Waktu tunggu (median hari ini)", "Waiting time (today's median)"),
    ("minutes", "menit", "minutes"),
    ("queue_caller", "Panggil antrean", "Call the queue"),
    ("queue_now_serving", "Dipanggil sekarang", "Now serving"),
    ("queue_open_intake", "Buka formulir pendaftaran layanan ini", "Open this service's intake form"),
    ("queue_nobody", "Tidak ada yang menunggu.", "Nobody is waiting."),
    ("queue_call_next", "Panggil nomor berikutnya", "Call the next number"),
    ("print", "Cetak", "Print"),
    ("kiosk", "Kios pelayanan desa/kelurahan", "Village service kiosk"),
    ("kiosk_choose", "Pilih layanan", "Choose a service"),
    (
        "kiosk_none",
        "Kantor ini belum menerima permohonan melalui kios.",
        "This office takes no kiosk applications yet.",
    ),
    ("kiosk_again", "Daftarkan permohonan lain", "Register another application"),
    ("canned_answers", "Jawaban siap pakai", "Ready answers"),
    ("canned_insert", "Sisipkan", "Insert"),
    ("legalisations", "Register legalisir", "Legalisation register"),
    (
        "legalisations_none",
        "Belum ada lembar yang dilegalisir pada periode ini.",
        "No sheet was legalised in this period.",
    ),
    ("legalisations_number", "Nomor legalisir", "Legalisation number"),
    ("legalisations_signed", "Ditandatangani", "Signed"),
    ("legalisations_documents", "Dokumen", "Documents"),
    ("legalisations_sheet", "Lembar", "Sheet"),
    ("legalisations_holder", "Pemohon", "Applicant"),
    ("legalisations_revoked", "dicabut", "revoked"),
    ("period_from", "Dari bulan", "From month"),
    ("period_to", "Sampai bulan", "To month"),
    ("show", "Tampilkan", "Show"),
    ("download_csv", "Unduh CSV", "Download CSV"),
    ("download_xlsx", "Unduh XLSX", "Download XLSX"),
    ("register", "Register akta", "Civil registers"),
    ("register_search", "Cari di register akta", "Search the civil registers"),
    ("register_name", "Nama pada akta", "Name on the akta"),
    (
        "register_name_hint",
        "Ejaan lama dan variasi ejaan ikut ditemukan (Soeharto, Suharto).",
        "Old and variant spellings are found too (Soeharto, Suharto).",
    ),
    ("register_number", "Nomor akta", "Akta number"),
    ("register_kind", "Jenis akta", "Kind of akta"),
    ("register_any", "Semua", "Any"),
    ("register_year", "Tahun", "Year"),
    ("register_parent", "Nama ayah atau ibu", "Father's or mother's name"),
    ("register_indexed", "Entri dalam indeks", "Entries in the index"),
    ("register_none", "Tidak ada entri yang cocok.", "No entry matches."),
    ("register_exact", "sama persis", "exact"),
    ("register_score", "Kemiripan", "Likeness"),
    ("register_parents", "Ayah / Ibu", "Father / Mother"),
    ("register_event", "Tempat, tanggal peristiwa", "Place, date of the event"),
    ("register_book", "Buku / halaman", "Book / page"),
    ("register_import", "Impor register (CSV)", "Import registers (CSV)"),
    (
        "register_import_hint",
        "Kolom: jenis_akta, nomor_akta, tahun, nama, nama_ayah, nama_ibu, tempat_peristiwa, tanggal_peristiwa, buku, halaman. Entri yang sudah ada dilewati.",
        "Columns: jenis_akta, nomor_akta, tahun, nama, nama_ayah, nama_ibu, tempat_peristiwa, tanggal_peristiwa, buku, halaman. Entries already in the index are skipped.",
    ),
    ("register_file", "Berkas CSV", "CSV file"),
    ("register_no_file", "pilih berkas CSV", "choose a CSV file"),
    ("register_report", "Hasil impor", "Import result"),
    ("register_rows", "Baris", "Rows"),
    ("register_imported", "Diimpor", "Imported"),
    ("register_duplicates", "Sudah ada", "Already there"),
    ("register_invalid", "Ditolak", "Refused"),
    ("register_row", "Baris ke", "Row"),
    ("register_field", "Kolom", "Column"),
    ("register_problem", "Masalah", "Problem"),
    ("stock", "Stok blangko KTP-el", "Blank KTP-el stock"),
    ("stock_balance", "Saldo", "Balance"),
    ("stock_pieces", "keping", "pieces"),
    ("stock_kabkota", "Stok Dinas Dukcapil Kab/Kota", "Stock of the kab/kota offices"),
    ("stock_office", "Kantor", "Office"),
    ("stock_pending_requests", "Permohonan belum selesai", "Requests pending"),
    ("stock_used_90", "Terpakai 90 hari terakhir", "Used in the last 90 days"),
    ("stock_months_left", "Cukup untuk (bulan)", "Lasts (months)"),
    ("stock_record", "Catat mutasi stok", "Record a movement"),
    ("stock_kind", "Jenis mutasi", "Movement"),
    ("stock_receipt", "Penerimaan dari Ditjen Dukcapil", "Received from the Ditjen"),
    ("stock_printed", "Dicetak menjadi KTP-el", "Printed as KTP-el"),
    ("stock_spoiled", "Rusak", "Spoiled"),
    ("stock_transfer_out", "Diserahkan (BAST)", "Handed over (BAST)"),
    ("stock_transfer_in", "Diterima (BAST)", "Received (BAST)"),
    ("stock_quantity", "Jumlah (keping)", "Quantity (pieces)"),
    ("stock_reason", "Keterangan", "Reason"),
    (
        "stock_source",
        "Dokumen dasar (nomor BAST/surat/laporan)",
        "Source document (BAST, letter or report number)",
    ),
    ("stock_serial_from", "Nomor seri awal (bila ada)", "First serial number (if known)"),
    ("stock_serial_to", "Nomor seri akhir (bila ada)", "Last serial number (if known)"),
    ("stock_serials", "Nomor seri", "Serial numbers"),
    ("stock_movements", "Mutasi stok", "Movements"),
    ("stock_none", "Belum ada mutasi stok.", "No movements yet."),
    ("stock_by", "Oleh", "By"),
    ("stock_older", "Mutasi sebelumnya", "Older movements"),
    ("stock_missing_reports", "Laporan bulanan belum disampaikan", "Monthly reports not filed"),
    ("compliance_none", "Belum ada kewajiban yang jatuh tempo.", "No duty has fallen due yet."),
    (
        "compliance_grace",
        "Batas penyampaian: {n} hari setelah jatuh tempo.",
        "Time to file: {n} days after a duty falls due.",
    ),
    ("duty_filed", "Disampaikan", "Filed"),
    ("duty_late", "Terlambat", "Late"),
    ("duty_missing", "Tidak disampaikan", "Missing"),
    ("duty_open", "Dalam tenggat", "Within its time"),
    ("agreements_none", "Belum ada perjanjian kerja sama.", "No agreements yet."),
    ("agreement", "Perjanjian kerja sama", "Agreement"),
    ("agreement_party", "Lembaga pengguna", "User institution"),
    ("agreement_counterparty", "Pihak penandatangan", "Other signatory"),
    ("agreement_purpose", "Maksud dan tujuan", "Purpose"),
    ("agreement_legal_basis", "Dasar hukum", "Legal basis"),
    ("agreement_data", "Elemen data", "Data elements"),
    ("agreement_mode", "Cara akses", "Access mode"),
    ("agreement_pks", "Nomor PKS", "PKS number"),
    ("agreement_juknis", "Petunjuk teknis", "Technical guideline (Juknis)"),
    ("agreement_signed_by", "Ditandatangani oleh", "Signed by"),
    ("agreement_period", "Masa berlaku", "Valid"),
    ("agreement_renewal", "Permohonan perpanjangan", "Renewal application"),
    ("agreement_user_ids", "User ID", "User IDs"),
    ("agreement_no_user_ids", "Belum ada User ID yang dicatat.", "No User ID recorded yet."),
    ("agreement_env", "Lingkungan", "Environment"),
    ("agreement_issued", "Diterbitkan", "Issued"),
    ("agreement_endpoint", "IP / VPN", "IP / VPN"),
    ("agreement_test", "Uji beban / PoC", "Stress test / PoC"),
    ("agreement_timeline", "Riwayat", "Timeline"),
    ("agreement_days_left", "({n} hari lagi)", "({n} days left)"),
    ("agreement_active", "Berlaku", "Active"),
    ("agreement_expiring", "Segera berakhir", "Expiring"),
    ("agreement_suspension_recommended", "Direkomendasikan ditangguhkan", "Suspension recommended"),
    ("agreement_revoked_by_ministry", "Dicabut kementerian", "Revoked by the ministry"),
    ("agreement_ended", "Berakhir", "Ended"),
    ("mode_web_service", "Web service", "Web service"),
    ("mode_card_reader", "Card reader KTP-el", "KTP-el card reader"),
    ("mode_siak", "SIAK", "SIAK"),
    ("mode_data_warehouse", "Data warehouse", "Data warehouse"),
    ("linked_from", "Diteruskan dari", "Handed on from"),
    ("linked_to", "Diteruskan ke", "Handed on to"),
    ("your_step", "Langkah Anda", "Your step"),
    ("inst_register", "Pendaftaran lembaga pengguna", "Register a user institution"),
    (
        "inst_register_intro",
        "OPD, instansi, BUMN/BUMD, perusahaan dan Dinas kab/kota mendaftar sekali; Dinas memverifikasinya, lalu akun lembaga dapat mengajukan permohonan dengan surat, tanpa NIK.",
        "OPDs, government agencies, state or regional companies, private companies and kab/kota offices register once; the office verifies them, then the institution's account applies by letter, with no NIK.",
    ),
    (
        "inst_registered",
        "Pendaftaran diterima dan menunggu verifikasi Dinas. Kode lacak:",
        "Registration received, awaiting the office's verification. Tracking code:",
    ),
    ("inst_office", "Dinas tujuan", "Office"),
    ("inst_data", "Data lembaga", "The institution"),
    ("inst_name", "Nama lembaga", "Name of the institution"),
    ("inst_kind", "Jenis lembaga", "Kind of institution"),
    ("inst_legal_basis", "Dasar hukum (akta, izin, peraturan)", "Legal basis (deed, licence, regulation)"),
    ("inst_address", "Alamat", "Address"),
    ("inst_officer_name", "Penanggung jawab", "Responsible officer"),
    ("inst_officer_position", "Jabatan penanggung jawab", "Their position"),
    ("inst_email", "Email lembaga", "Institution's e-mail"),
    ("inst_phone", "Telepon lembaga", "Institution's phone"),
    ("inst_register_submit", "Daftarkan lembaga", "Register the institution"),
    ("inst_status", "Status verifikasi", "Verification"),
    ("inst_pending", "menunggu verifikasi", "awaiting verification"),
    ("inst_verified", "terverifikasi", "verified"),
    ("inst_refused", "ditolak", "refused"),
    ("inst_cases", "Permohonan lembaga", "The institution's applications"),
    ("inst_no_cases", "Belum ada permohonan.", "No applications yet."),
    ("service", "Layanan", "Service"),
    ("kind_opd", "OPD (perangkat daerah)", "Regional agency (OPD)"),
    ("kind_instansi_pemerintah", "Instansi pemerintah (vertikal)", "Government agency (vertical)"),
    ("kind_bumn", "BUMN", "State-owned company"),
    ("kind_bumd", "BUMD", "Regional company"),
    ("kind_swasta", "Swasta (bank, perusahaan, sekolah)", "Private (bank, company, school)"),
    ("kind_dinas_kabkota", "Dinas kab/kota", "Kab/kota office"),
    ("your_step_done", "Saya sudah melakukannya", "I have done it"),
    ("acting_title", "Pelaksana tugas (Plt./Plh.)", "Acting officials (Plt./Plh.)"),
    ("acting_none", "Belum ada pelaksana tugas.", "No acting officials yet."),
    ("acting_as", "Bertindak sebagai", "Acts as"),
    ("acting_for", "Menggantikan (nama pengguna)", "Stands in for (username)"),
    ("acting_from", "Mulai", "From"),
    ("acting_to", "Sampai", "To"),
    ("acting_kind", "Jenis", "Kind"),
    ("acting_record", "Catat pelaksana tugas", "Record acting official"),
    ("acting_recorded", "Pelaksana tugas dicatat", "Acting official recorded"),
    ("unlock", "Buka kunci", "Unlock"),
    ("unit", "Unit kerja", "Unit"),
    ("change_account", "Ubah akun", "Change account"),
    ("move_to_office", "Mutasi ke kantor", "Move to office"),
    ("move_account", "Mutasikan", "Move"),
    ("reset_password", "Atur ulang kata sandi", "Reset password"),
    ("password_reset_done", "Kata sandi diatur ulang", "Password reset"),
    ("password_temporary_for", "Kata sandi sementara untuk", "Temporary password for"),
    (
        "password_temporary_note",
        "Tampil sekali ini saja. Serahkan secara langsung; pemiliknya wajib menggantinya saat masuk.",
        "Shown this once only. Hand it over in person; its holder must change it at login.",
    ),
    ("own_password", "Ganti kata sandi", "Change password"),
    (
        "login_code",
        "Kode verifikasi (jika akun Anda memakainya)",
        "Verification code (if your account uses one)",
    ),
    (
        "login_code_hint",
        "6 angka dari aplikasi autentikator, atau salah satu kode pemulihan Anda.",
        "The 6 digits of your authenticator app, or one of your recovery codes.",
    ),
    (
        "login_code_asked",
        "Akun ini memakai verifikasi dua langkah: ketik lagi kata sandi dan kode dari aplikasi autentikator (atau kode pemulihan).",
        "This account uses a second factor: type the password again with the code of its authenticator app (or a recovery code).",
    ),
    ("second_factor_nav", "Keamanan akun", "Account security"),
    ("second_factor_title", "Verifikasi dua langkah", "Second factor"),
    (
        "second_factor_about",
        "Setelah kata sandi, login meminta kode 6 angka dari aplikasi autentikator di ponsel Anda (misalnya FreeOTP, Aegis, Google Authenticator). Kode berganti setiap 30 detik dan hanya berlaku sekali.",
        "After the password, a login asks for the 6-digit code of an authenticator app on your phone (FreeOTP, Aegis, Google Authenticator, …). The code changes every 30 seconds and works once.",
    ),
    (
        "second_factor_required",
        "Peran Anda wajib memakai verifikasi dua langkah. Aktifkan dulu sebelum melanjutkan.",
        "Your role requires a second factor. Set it up before you go on.",
    ),
    ("second_factor_begin", "Mulai aktivasi", "Begin"),
    (
        "second_factor_step_scan",
        "Pindai kode QR ini dengan aplikasi autentikator.",
        "Scan this QR code with the authenticator app.",
    ),
    ("second_factor_qr", "Kode QR untuk aplikasi autentikator", "QR code for the authenticator app"),
    (
        "second_factor_step_type",
        "Tidak bisa memindai? Ketik kunci ini di aplikasi (berbasis waktu):",
        "Cannot scan? Type this key into the app (time-based):",
    ),
    ("second_factor_code", "Kode 6 angka yang tampil di aplikasi", "The 6-digit code the app shows"),
    ("second_factor_confirm", "Aktifkan", "Turn on"),
    ("second_factor_codes_title", "Kode pemulihan", "Recovery codes"),
    (
        "second_factor_codes_note",
        "Simpan atau cetak kode-kode ini sekarang: hanya ditampilkan sekali. Masing-masing bisa dipakai satu kali untuk login bila ponsel tidak ada.",
        "Keep or print these codes now: they are shown this once. Each logs you in once when the phone is not at hand.",
    ),
    ("second_factor_is_on", "Verifikasi dua langkah aktif.", "Your second factor is on."),
    ("second_factor_codes_left", "Kode pemulihan tersisa", "Recovery codes left"),
    ("second_factor_new_codes", "Buat kode pemulihan baru", "Make new recovery codes"),
    (
        "second_factor_lost",
        "Ponsel hilang atau diganti? Minta admin kantor mengatur ulang verifikasi dua langkah Anda, lalu aktifkan lagi.",
        "Lost or changed your phone? Ask your office's admin to reset your second factor, then set it up again.",
    ),
    ("second_factor_on", "2 langkah aktif", "second factor on"),
    ("second_factor_off", "tanpa 2 langkah", "no second factor"),
    ("second_factor_missing", "2 langkah belum diaktifkan (wajib)", "second factor missing (required)"),
    ("second_factor_reset", "Atur ulang verifikasi 2 langkah", "Reset second factor"),
    (
        "password_temporary",
        "Kata sandi Anda sementara. Pilih kata sandi Anda sendiri sebelum melanjutkan.",
        "Your password is temporary. Choose your own before you go on.",
    ),
    ("password_current", "Kata sandi sekarang", "Current password"),
    ("password_new", "Kata sandi baru", "New password"),
    (
        "password_hint",
        "Minimal 12 karakter, tidak memuat nama pengguna.",
        "At least 12 characters, not containing the username.",
    ),
    ("password_changed", "Kata sandi diganti. Silakan masuk lagi.", "Password changed. Please log in again."),
    ("create", "Buat", "Create"),
    ("status", "Status", "Status"),
    ("table", "Tabel (geser ke samping bila perlu)", "Table (scroll sideways if needed)"),
    ("channel_counter", "Loket", "Counter"),
    ("channel_online", "Daring (website)", "Online (website)"),
    ("channel_kiosk", "Anjungan/kios", "Kiosk"),
    ("channel_jemput_bola", "Jemput bola", "Outreach (jemput bola)"),
    ("channel_whatsapp", "WhatsApp", "WhatsApp"),
    ("channel_web", "Formulir website", "Web form"),
    ("channel_langsung", "Langsung ke petugas", "In person"),
    ("channel_telepon", "Telepon / faks", "Telephone / fax"),
    ("channel_email", "E-mail", "E-mail"),
    ("channel_media_sosial", "Media sosial (Instagram)", "Social media (Instagram)"),
    ("channel_kotak_saran", "Kotak saran", "Suggestion box"),
    ("channel_lapor", "SP4N-LAPOR!", "SP4N-LAPOR!"),
    ("role_operator", "Operator", "Operator"),
    ("role_verifikator", "Verifikator", "Verifier"),
    ("role_validator", "Validator", "Validator"),
    ("role_kepala_dinas", "Kepala Dinas", "Head of office"),
    ("role_ppid", "PPID", "Information officer (PPID)"),
    ("role_complaint_handler", "Petugas pengaduan", "Complaints officer"),
    ("role_admin", "Admin", "Administrator"),
    ("role_auditor", "Auditor", "Auditor"),
    ("role_lembaga", "Lembaga pengguna", "User institution"),
    ("role_desa", "Operator kios desa/kelurahan", "Village kiosk operator"),
    ("hist_submit", "Permohonan diajukan", "Application submitted"),
    ("hist_step_done", "Langkah {no} selesai", "Step {no} done"),
    ("hist_completed", "permohonan selesai", "application completed"),
    ("hist_return", "Dikembalikan ke", "Returned to"),
    ("hist_resubmit", "Berkas dikirim ulang oleh pemohon", "Documents resubmitted by the applicant"),
    ("hist_reject", "Permohonan ditolak", "Application rejected"),
    ("hist_withdraw", "Permohonan dibatalkan pemohon", "Application withdrawn by the applicant"),
    ("hist_assign", "Ditugaskan kepada", "Assigned to"),
    ("hist_note", "Catatan ditambahkan", "Note added"),
    (
        "access_log_export",
        "Log akses data kependudukan oleh lembaga",
        "The institution's log of personal data reads",
    ),
    ("semester", "Semester", "Semester"),
    ("hist_booking", "Jadwal verifikasi dikirim ke pemohon", "Verification slot sent to the applicant"),
    ("hist_nik_batch", "Hasil cek NIK massal dilampirkan", "NIK batch results attached"),
    ("hist_escalate", "Eskalasi batas waktu langkah", "Escalation of the step's time limit"),
    ("hist_escalate_service", "Eskalasi janji waktu layanan", "Escalation of the service's time promise"),
    (
        "hist_remind",
        "Pengingat ke petugas: pihak luar melewati batas waktunya",
        "Reminder to staff: the outside party is past its time",
    ),
    (
        "outside_wait",
        "(waktu layanan kantor berhenti selama menunggu {party})",
        "(the office's service clock stops while waiting for {party})",
    ),
    ("action_choose", "Tindakan", "Action"),
    ("action_do", "Jalankan", "Do it"),
    ("system", "Sistem", "System"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for (k, id, en) in TEXTS {
            assert!(seen.insert(k), "{k} twice");
            assert!(!id.is_empty() && !en.is_empty(), "{k}");
        }
        assert_eq!(Lang::En.t("login"), "Log in");
    }

    /// Every literal key the templates and handlers ask for exists (a
    /// missing one would print nothing), and so do the keys built from the
    /// status, role, channel, SLA and action names.
    #[test]
    fn every_key_in_use_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for sub in ["templates", "src/routes"] {
            for e in std::fs::read_dir(format!("{dir}{sub}")).unwrap() {
                sources.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
            }
        }
        let mut missing = Vec::new();
        for text in &sources {
            for piece in text.split(".t(\"").skip(1) {
                let key = piece.split('"').next().unwrap();
                if !TEXTS.iter().any(|(k, _, _)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        let built = domain::case::Status::ALL
            .iter()
            .map(|s| format!("status_{}", s.as_str()))
            .chain(domain::Role::ALL.iter().map(|r| format!("role_{}", r.as_str())))
            .chain(domain::standard::CHANNELS.iter().map(|c| format!("channel_{c}")))
            .chain(domain::complaint::Channel::ALL.iter().map(|c| format!("channel_{}", c.as_str())))
            .chain(["on_time", "due_soon", "overdue", "paused", "untimed"].map(|s| format!("sla_{s}")))
            .chain(domain::case::Action::ALL.iter().map(|a| format!("action_{}", a.as_str())))
            .chain(
                ["left", "late"]
                    .into_iter()
                    .flat_map(|w| ["minutes", "hours", "days"].map(|u| format!("{w}_{u}"))),
            );
        missing.extend(built.filter(|k| !TEXTS.iter().any(|(t, _, _)| t == k)));
        assert!(missing.is_empty(), "keys without text: {missing:?}");
        assert_eq!(Lang::Id.t("login"), "Masuk");
    }

    #[test]
    fn clocks_read_as_people_say_them() {
        use domain::sla::{Remaining, Unit};
        let r = |late, amount, unit| Remaining { late, amount, unit };
        assert_eq!(Lang::Id.remaining(r(false, 12, Unit::Minutes)), "sisa 12 menit kerja");
        assert_eq!(Lang::Id.remaining(r(true, 2, Unit::Days)), "terlambat 2 hari");
        assert_eq!(Lang::En.remaining(r(false, 3, Unit::Hours)), "3 working hours left");
    }
}
