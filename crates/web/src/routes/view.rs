//! A standard as the outside world sees it: the JSON of
//! `GET /api/v1/services/{id}` and the rows of the service page. The 8
//! internal components appear only for staff.

use domain::standard::{
    Actor, COMPONENTS, Channel, ComponentGroup, Field, Requirement, SopHeader, Source, Standard, StandardKind,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// `pemohon`, a role name, or the outside party's name.
pub fn actor_label(actor: Actor, party: Option<&str>) -> String {
    match (actor, party) {
        (Actor::External, Some(party)) => party.into(),
        _ => actor.as_str().into(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StepView<'a> {
    id: &'a str,
    no: &'a str,
    actor: String,
    party: Option<&'a str>,
    description: &'a str,
    duration: Option<String>,
    timed: bool,
    requirements: &'a [String],
    output: Option<&'a str>,
    channels: &'a [String],
    can_reject: bool,
    returns_to: Option<&'a str>,
    /// The unit (bidang, seksi, subbag) whose staff do it.
    unit: Option<&'a str>,
    /// A disposition: records to whom and with what instruction.
    disposition: bool,
    /// A group request's participants are entered here (each gets a case from the next step).
    participants: bool,
    /// The operator books a slot for the case here (`POST /api/v1/cases/{id}/booking`).
    books_slot: bool,
    optional: bool,
    /// The document the office issues when the step is completed.
    document: Option<&'a str>,
    /// Issued once per sheet: the form field giving how many (legalisir).
    per_sheet: Option<&'a str>,
    /// What the actor records on completing it: send them as the advance's
    /// `data` (e.g. `{"jumlah_disetujui": "40"}`).
    #[schema(value_type = Vec<Object>)]
    records: &'a [Field],
}

/// One of the 14 components of PermenPANRB 15/2014 with the standard's text.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ComponentView<'a> {
    name: &'a str,
    name_en: &'a str,
    /// `delivery` (public) or `management` (internal).
    #[schema(value_type = String)]
    group: ComponentGroup,
    text: &'a str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaView<'a> {
    total: Option<String>,
    wording: &'a str,
}

/// `GET /api/v1/services/{id}`: the standard as published.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Service)]
pub struct ServiceView<'a> {
    id: String,
    office: &'a str,
    slug: &'a str,
    version: u32,
    /// `service` or `data_access`.
    #[schema(value_type = String)]
    kind: StandardKind,
    title: &'a str,
    title_en: Option<&'a str>,
    unit: &'a str,
    #[schema(value_type = Object)]
    source: &'a Source,
    /// The components by stable code; the 8 internal ones only for staff.
    components: BTreeMap<&'static str, ComponentView<'a>>,
    sla: SlaView<'a>,
    #[schema(value_type = Vec<Object>)]
    channels: &'a [Channel],
    #[schema(value_type = Vec<Object>)]
    requirements: &'a [Requirement],
    #[schema(value_type = Vec<Object>)]
    fields: &'a [Field],
    steps: Vec<StepView<'a>>,
    notes: &'a [String],
    /// Who may apply (`persons`, `institutions` kinds, `registered_here`,
    /// the seed's `wording`); anyone when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    applicants: Option<&'a domain::Applicants>,
    /// The step that signs a data-access agreement (`step`, and the
    /// `counterparty` when not the office), when the procedure makes one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    agreement: Option<&'a domain::agreement::AgreementSpec>,
    /// What the service objects to (`against`, the refused request's `field`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    objection: Option<&'a domain::standard::Objection>,
    /// The SOP header, for staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    sop: Option<&'a SopHeader>,
}

/// The service as published; `staff` adds the internal components and SOP header.
pub fn service_view(s: &Standard, staff: bool) -> ServiceView<'_> {
    let components = COMPONENTS
        .iter()
        .filter(|c| staff || c.group == ComponentGroup::Delivery)
        .map(|c| {
            let v = ComponentView {
                name: c.name_id,
                name_en: c.name_en,
                group: c.group,
                text: s.component(c.code),
            };
            (c.code, v)
        })
        .collect();
    let steps = s
        .steps
        .iter()
        .map(|st| StepView {
            id: &st.id,
            no: &st.no,
            actor: actor_label(st.actor, None),
            party: st.party.as_deref(),
            description: &st.description,
            duration: st.duration.as_ref().map(ToString::to_string),
            timed: st.duration.as_ref().is_some_and(domain::SlaDuration::is_deadline),
            requirements: &st.requirements,
            output: st.output.as_deref(),
            channels: &st.channels,
            can_reject: st.can_reject,
            returns_to: st.returns_to.as_deref(),
            unit: st.unit.as_deref(),
            disposition: st.disposition,
            participants: st.participants,
            books_slot: st.books_slot,
            optional: st.optional,
            document: st.document.as_deref(),
            per_sheet: st.per_sheet.as_deref(),
            records: &st.records,
        })
        .collect();
    ServiceView {
        id: s.id(),
        office: s.office.as_str(),
        slug: &s.slug,
        version: s.version,
        kind: s.kind,
        title: &s.title,
        title_en: s.title_en.as_deref(),
        unit: &s.unit,
        source: &s.source,
        components,
        sla: SlaView { total: s.sla.total.as_ref().map(ToString::to_string), wording: &s.sla.wording },
        channels: &s.channels,
        requirements: &s.requirements,
        fields: &s.fields,
        steps,
        notes: &s.notes,
        applicants: s.applicants.as_ref(),
        agreement: s.agreement.as_ref(),
        objection: s.objection.as_ref(),
        sop: if staff { s.sop.as_ref() } else { None },
    }
}

/// A line of the service list: `GET /api/v1/services`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceSummary<'a> {
    id: String,
    office: &'a str,
    slug: &'a str,
    title: &'a str,
    title_en: Option<&'a str>,
    version: u32,
    #[schema(value_type = String)]
    kind: StandardKind,
    /// The channel codes (`counter`, `online`, ...).
    channels: Vec<&'a str>,
    time_limit: String,
}

pub fn service_summary(s: &Standard) -> ServiceSummary<'_> {
    ServiceSummary {
        id: s.id(),
        office: s.office.as_str(),
        slug: &s.slug,
        title: &s.title,
        title_en: s.title_en.as_deref(),
        version: s.version,
        kind: s.kind,
        channels: s.channels.iter().map(|c| c.code.as_str()).collect(),
        time_limit: time_limit(s),
    }
}

/// The time limit in one line: the total, or each channel's own.
pub fn time_limit(s: &Standard) -> String {
    if let Some(t) = &s.sla.total {
        return t.to_string();
    }
    let per_channel: Vec<String> =
        s.channels.iter().filter_map(|c| c.sla.as_ref().map(|d| format!("{}: {d}", c.name))).collect();
    if per_channel.is_empty() { s.sla.wording.clone() } else { per_channel.join("; ") }
}
