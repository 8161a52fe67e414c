//! A service standard (Standar Pelayanan or SOP) as data: the 14 components
//! of PermenPANRB 15/2014 under stable codes, the steps, the channels and
//! the time limits. Files live under `standards/<office>/<slug>.toml`.

use crate::duration::SlaDuration;
use crate::office::OfficeCode;
use crate::role::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a seed says when it leaves a component or header field empty.
pub const NOT_STATED: &str = "tidak dinyatakan";

/// Whether a component is published (service delivery) or internal
/// (manufacturing), per PermenPANRB 15/2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentGroup {
    Delivery,
    Manufacturing,
}

/// One of the 14 components, with its stable code and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Component {
    pub code: &'static str,
    pub group: ComponentGroup,
    pub name_id: &'static str,
    pub name_en: &'static str,
}

const fn c(
    code: &'static str,
    group: ComponentGroup,
    name_id: &'static str,
    name_en: &'static str,
) -> Component {
    Component { code, group, name_id, name_en }
}

/// The 14 components in the Permen's order: 6 delivery, then 8 manufacturing.
pub const COMPONENTS: [Component; 14] = {
    use ComponentGroup::{Delivery as D, Manufacturing as M};
    [
        c("persyaratan", D, "Persyaratan", "Requirements"),
        c("prosedur", D, "Sistem, Mekanisme dan Prosedur", "System, mechanism and procedure"),
        c("jangka_waktu", D, "Jangka Waktu Pelayanan", "Time limit"),
        c("biaya", D, "Biaya/Tarif", "Cost"),
        c("produk", D, "Produk Pelayanan", "Service product"),
        c("pengaduan", D, "Penanganan Pengaduan, Saran dan Masukan", "Complaints, suggestions and feedback"),
        c("dasar_hukum", M, "Dasar Hukum", "Legal basis"),
        c("sarana", M, "Sarana, Prasarana dan/atau Fasilitas", "Facilities"),
        c("kompetensi", M, "Kompetensi Pelaksana", "Staff competence"),
        c("pengawasan", M, "Pengawasan Internal", "Internal supervision"),
        c("jumlah_pelaksana", M, "Jumlah Pelaksana", "Number of staff"),
        c("jaminan_pelayanan", M, "Jaminan Pelayanan", "Service guarantee"),
        c(
            "jaminan_keamanan",
            M,
            "Jaminan Keamanan dan Keselamatan Pelayanan",
            "Security and safety guarantee",
        ),
        c("evaluasi", M, "Evaluasi Kinerja Pelaksana", "Staff performance evaluation"),
    ]
};

pub fn component(code: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.code == code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandardKind {
    /// A Standar Pelayanan (14 components, steps without per-step times).
    StandarPelayanan,
    /// An SOP: steps with actor, minutes and output per step.
    Sop,
}

/// Who performs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Actor {
    /// The applicant (Pemohon, Lembaga Pengguna, a kab/kota office asking
    /// the province): done online, or by an operator at the counter.
    Applicant,
    /// Staff of the office holding this role.
    Staff(Role),
    /// An outside party (Walikota, Ditjen Dukcapil, …), named in `party`;
    /// an operator records its outcome.
    External,
}

impl TryFrom<String> for Actor {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "pemohon" => Ok(Actor::Applicant),
            "external" => Ok(Actor::External),
            other => other
                .parse::<Role>()
                .map(Actor::Staff)
                .map_err(|e| format!("{e}; a step may also be done by `pemohon` or an `external` party")),
        }
    }
}

impl Actor {
    /// The one text of each actor: `pemohon`, `external` or a role name
    /// (in standards, in a case's `current_actor`, in journals).
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Applicant => "pemohon",
            Actor::External => "external",
            Actor::Staff(r) => r.as_str(),
        }
    }
}

impl From<Actor> for String {
    fn from(a: Actor) -> String {
        a.as_str().into()
    }
}

/// Where the standard comes from: the decree or SOP header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The seed file this was transcribed from.
    pub seed: String,
    pub document: String,
    pub number: String,
    pub date: String,
    #[serde(default = "not_stated")]
    pub effective: String,
    #[serde(default)]
    pub revision: Option<String>,
    pub signer: String,
    #[serde(default = "not_stated")]
    pub signer_position: String,
    #[serde(default = "not_stated")]
    pub signer_nip: String,
}

pub(crate) fn not_stated() -> String {
    NOT_STATED.to_string()
}

/// The header fields of an SOP, kept apart from the 14 components.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SopHeader {
    #[serde(default)]
    pub kualifikasi_pelaksana: Option<String>,
    #[serde(default)]
    pub keterkaitan: Option<String>,
    #[serde(default)]
    pub peralatan: Option<String>,
    #[serde(default)]
    pub peringatan: Option<String>,
    #[serde(default)]
    pub pencatatan: Option<String>,
}

/// The service's overall time limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// The total when one applies to every channel.
    #[serde(default)]
    pub total: Option<SlaDuration>,
    /// The seed's own words, shown beside the parsed value.
    pub wording: String,
    /// How a "minimal …" total reads (see [`Minimal`]).
    #[serde(default)]
    pub minimal: Option<Minimal>,
    /// The time holds only while SIAK and the network work ("*jika jaringan
    /// normal"): while the office has declared an outage, the clocks of
    /// this service stand still.
    #[serde(default)]
    pub needs_network: bool,
}

/// A way to apply: `counter`, `online`, `kiosk`, `jemput_bola`, `whatsapp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub code: String,
    pub name: String,
    /// This channel's own limit, when the standard gives one per channel.
    #[serde(default)]
    pub sla: Option<SlaDuration>,
    /// Where this channel's clock starts, in the seed's words.
    #[serde(default)]
    pub clock_starts: Option<String>,
    /// The rule behind those words; submission when absent.
    #[serde(default)]
    pub starts: Option<ClockStart>,
    /// The promise covers the case only until this step is completed (the
    /// PPID counter's "1 jam" is for the reply letter, step 3); the whole
    /// case when absent.
    #[serde(default)]
    pub ends_after_step: Option<String>,
}

/// How a standard's "minimal 30 menit" / "paling cepat 3 hari" reads: an
/// earliest time (the step, or the case, cannot be finished before it) or,
/// as some decrees use "minimal" for a plain promise, a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Minimal {
    Earliest,
    Deadline,
}

/// A value a step records (`records`), e.g. `{ record = "cara_penyerahan", value = "kirim" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordIs {
    pub record: String,
    pub value: String,
}

impl RecordIs {
    /// Whether what an action records (`data`) holds this value.
    pub fn holds(&self, data: Option<&serde_json::Value>) -> bool {
        data.and_then(|d| d.get(&self.record)).and_then(serde_json::Value::as_str)
            == Some(self.value.as_str())
    }
}

/// A step that may end the case early with a letter: a register search
/// that finds nothing ends with a *surat keterangan tidak ditemukan*. In
/// TOML: `ends_when = { record = "hasil_pencarian", value = "tidak_ditemukan",
/// document = "surat_keterangan_tidak_ditemukan" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    pub record: String,
    pub value: String,
    /// The letter the applicant receives (a code of `document::KINDS`).
    pub document: String,
}

impl Ending {
    pub fn when(&self) -> RecordIs {
        RecordIs { record: self.record.clone(), value: self.value.clone() }
    }
}

/// What starts a channel's service clock. In TOML: `starts = "submission"`,
/// `starts = { after_step = "2" }` or `starts = { from_field = "tanggal_surat" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// The application's arrival (or its registration at the counter).
    Submission,
    /// The completion of this step (e.g. the PPID officer's confirmation).
    AfterStep(String),
    /// The date staff enter in this form field (e.g. the day the Dinas
    /// received the institution's letter): the office's opening that day.
    FromField(String),
}

pub const CHANNELS: [&str; 5] = ["counter", "online", "kiosk", "jemput_bola", "whatsapp"];

/// A document the applicant brings or uploads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub code: String,
    pub name: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// Whether it can be uploaded as a file (false for "hadir langsung").
    #[serde(default = "yes")]
    pub upload: bool,
    /// The channels that ask for it; every channel when empty (Sulsel's
    /// PPID web form replaces the letter: only the counter asks for it).
    #[serde(default)]
    pub channels: Vec<String>,
    /// The applicant's step that asks for it (a step id), not the
    /// application: Sulsel's SPTJM, NDA and Jarkomdat statement come with
    /// the User ID papers at step 7. Finishing that step themselves, the
    /// applicant attaches it (or has already).
    #[serde(default)]
    pub step: Option<String>,
}

impl Requirement {
    /// Whether the application on `channel` asks for it.
    pub fn applies_to(&self, channel: &str) -> bool {
        self.step.is_none() && (self.channels.is_empty() || self.channels.iter().any(|c| c == channel))
    }
}

fn yes() -> bool {
    true
}

/// A form field of an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub label: String,
    #[serde(default = "text")]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    /// The allowed values of a `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Required only when another value of the same form holds this one
    /// (the register entry, when the search found it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<RecordIs>,
}

fn text() -> String {
    "text".into()
}

/// `register`: the id of an entry of the office's register index (a
/// step's record; the engine quotes the entry on the case).
pub const FIELD_KINDS: [&str; 7] = ["text", "textarea", "number", "date", "email", "choice", "register"];

/// One step of the procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id within the standard (defaults to the seed's number).
    #[serde(default)]
    pub id: String,
    /// The number the seed prints (may repeat: Palangka Raya has two 4s).
    pub no: String,
    pub actor: Actor,
    /// The outside party, for `external` steps.
    #[serde(default)]
    pub party: Option<String>,
    pub description: String,
    #[serde(default)]
    pub duration: Option<SlaDuration>,
    /// How a "minimal …" / "paling cepat …" duration reads (see [`Minimal`]).
    #[serde(default)]
    pub minimal: Option<Minimal>,
    /// The earliest time holds only on one branch: when the step records
    /// this value (Jepara's "3 hari paling cepat" only when the register is
    /// sent).
    #[serde(default)]
    pub earliest_when: Option<RecordIs>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub output: Option<String>,
    /// Channels this step belongs to; empty means every channel.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Whether the actor of this step may reject the application.
    #[serde(default)]
    pub can_reject: bool,
    /// Where a return from this step goes (a step id), if it may return.
    #[serde(default)]
    pub returns_to: Option<String>,
    /// The document the office issues when this step is completed (a code
    /// of `document::KINDS`); outside bodies' letters are recorded, not issued.
    #[serde(default)]
    pub document: Option<String>,
    /// What the step's actor records on completing it (e.g. the quantity
    /// the Kepala Dinas approves), checked like form fields and available
    /// to later documents as `{recorded.CODE}`.
    #[serde(default)]
    pub records: Vec<Field>,
    /// What the step records when it refuses (an IKD activation that fails:
    /// its reason), checked like `records` on a rejection.
    #[serde(default)]
    pub refusal_records: Vec<Field>,
    /// The case ends at this step, with its own letter, when the step
    /// records this value (see [`Ending`]).
    #[serde(default)]
    pub ends_when: Option<Ending>,
    /// A step the seed makes conditional ("manakala ada permasalahan"):
    /// the previous step's actor may pass over it.
    #[serde(default)]
    pub optional: bool,
    /// The unit (bidang, seksi, UPT, subbag) whose staff do the step, one of
    /// the office's `units`; worklists filter by it.
    #[serde(default)]
    pub unit: Option<String>,
    /// A disposition: its actor records to whom the letter goes (`kepada`,
    /// an account holding the next step's role, who is assigned the next
    /// step) and the instruction (`instruksi`); it prints a lembar disposisi.
    #[serde(default)]
    pub disposition: bool,
    /// A group request's participants are entered at this step (the IKD
    /// jemput bola visit); each gets a case of their own from the next step.
    #[serde(default)]
    pub participants: bool,
    /// The operator books one of the office's slots for this case at this
    /// step (the IKD website's video verification), and the step is done
    /// only once it is booked.
    #[serde(default)]
    pub books_slot: bool,
    /// Completing this step hands the applicant on to another service of
    /// the office by opening a linked case there (see [`HandOn`]).
    #[serde(default)]
    pub hands_to: Option<HandOn>,
    /// What the law forbids this step to grant (see [`Forbidden`]).
    #[serde(default)]
    pub refuses_when: Option<Forbidden>,
    /// The step issues its document once per sheet: the form field (a
    /// number) saying how many sheets (Jepara's legalisir: one signed,
    /// numbered stamp page per sheet legalised).
    #[serde(default)]
    pub per_sheet: Option<String>,
    /// Completing the step sends the applicant what the case recorded
    /// under this code (the information desk's answer), by WhatsApp and
    /// e-mail from the outbox.
    #[serde(default)]
    pub sends: Option<String>,
}

/// The most sheets one request legalises.
pub const MAX_SHEETS: u32 = 50;

/// What an objection is against, in TOML: `[objection] against =
/// "penyediaan-data-informasi", field = "kode_lacak_permohonan"`: the
/// refused request of that service of the same office whose tracking code
/// the applicant gives in the field; the objection is a linked case of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objection {
    pub against: String,
    pub field: String,
}

/// A request a step may not grant, with the legal basis the refusal
/// states: Sulsel's PPID gives aggregate data only, never individual
/// records (UU 24/2013 Pasal 79). In TOML: `refuses_when = { field =
/// "jenis_data", value = "data_perseorangan", basis = "…" }`. Completing
/// the step is refused with the basis; a rejection's letter states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forbidden {
    /// A form field of the application, and the value that is forbidden.
    pub field: String,
    pub value: String,
    pub basis: String,
}

impl Forbidden {
    /// Whether the application's form `fields` (JSON object text) ask for it.
    pub fn holds(&self, fields: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(fields)
            .ok()
            .and_then(|f| f.get(&self.field).and_then(serde_json::Value::as_str).map(|v| v == self.value))
            .unwrap_or(false)
    }
}

/// Where a step hands the applicant on: Jepara's register search forwards
/// an akta to Capil for revision. In TOML: `hands_to = { service =
/// "revisi-akta" }`. The linked case opens on the source case's channel
/// when the service has it, else on the service's first channel; each case
/// shows the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandOn {
    /// The slug of a service of the same office.
    pub service: String,
}

/// A whole standard file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    pub schema: u32,
    pub office: OfficeCode,
    pub slug: String,
    pub version: u32,
    pub kind: StandardKind,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    /// The unit (bidang/sekretariat) responsible, as the seed names it.
    pub unit: String,
    pub source: Source,
    /// The components, keyed by the stable codes of [`COMPONENTS`].
    #[serde(default)]
    pub components: BTreeMap<String, String>,
    #[serde(default)]
    pub sop: Option<SopHeader>,
    pub sla: Sla,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub maklumat: Option<String>,
    /// Who may apply; anyone without it.
    #[serde(default)]
    pub applicants: Option<crate::Applicants>,
    /// An objection (keberatan) against another service's refusals: the
    /// refused request is named by its tracking code in a form field.
    #[serde(default)]
    pub objection: Option<Objection>,
    /// The step that makes a data-access agreement (PKS), if the
    /// procedure ends in one.
    #[serde(default)]
    pub agreement: Option<crate::agreement::AgreementSpec>,
    /// How the service moves stock (the blanko distribution's approval and
    /// hand-over), if it does.
    #[serde(default)]
    pub stock: Option<crate::stock::StockRule>,
    /// How complaints about this service are handled, where the standard
    /// says more than its `pengaduan` component's channels.
    #[serde(default)]
    pub complaints: Option<ComplaintRule>,
    /// Transcription notes: seed defects and the reading used.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// What a standard says of complaints about its service (`[complaints]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRule {
    /// The officer it names to receive them (Bengkulu: "Saudara Sepriadi
    /// Susanto, S.Kom"), with their contact as the seed prints it.
    #[serde(default)]
    pub officer: String,
    /// The time it promises to answer a complaint about this service in
    /// (`time = "3 hari kerja"`), where it states one: a complaint naming
    /// the service is due then instead of the office's `pengaduan`
    /// procedure's time. None of the shipped seeds states one.
    #[serde(default)]
    pub time: Option<SlaDuration>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct StandardError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Standard {
    /// The step with this id (a case's current step), if any.
    pub fn step(&self, id: Option<&str>) -> Option<&Step> {
        self.steps.iter().find(|s| Some(s.id.as_str()) == id)
    }

    /// Parses a standard file. Step ids default to the seed's numbers.
    pub fn parse(text: &str) -> Result<Standard, StandardError> {
        let mut s: Standard = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|sp| line_col(text, sp.start)).unwrap_or((1, 1));
            StandardError { line, column, message: e.message().trim().to_string() }
        })?;
        for step in &mut s.steps {
            if step.id.is_empty() {
                step.id = step.no.clone();
            }
        }
        Ok(s)
    }

    /// `16.06-ktp-el`: the service id of the contract.
    pub fn id(&self) -> String {
        format!("{}-{}", self.office, self.slug)
    }

    /// A component's text, `tidak dinyatakan` when the seed has none.
    pub fn component(&self, code: &str) -> &str {
        self.components.get(code).map(String::as_str).unwrap_or(NOT_STATED)
    }

    /// Steps that run on a channel, in order.
    pub fn steps_for<'a>(&'a self, channel: &'a str) -> impl Iterator<Item = &'a Step> + 'a {
        self.steps.iter().filter(move |s| s.channels.is_empty() || s.channels.iter().any(|c| c == channel))
    }

    pub fn accepts_online(&self) -> bool {
        self.channels.iter().any(|c| c.code == "online")
    }
}

/// A TOML error with the line and column it points at.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> StandardError {
    let (line, column) = e.span().map(|sp| line_col(text, sp.start)).unwrap_or((1, 1));
    StandardError { line, column, message: e.message().trim().to_string() }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |n| before.len() - n - 1) + 1;
    (line, column)
}
