//! A standard as the outside world sees it: the JSON of
//! `GET /api/v1/services/{id}` and the rows of the service page. The 8
//! internal components appear only for staff.

use domain::standard::{Actor, COMPONENTS, ComponentGroup, Standard};
use serde::Serialize;
use serde_json::{Value, json};

/// `pemohon`, a role name, or the outside party's name.
pub fn actor_label(actor: Actor, party: Option<&str>) -> String {
    match (actor, party) {
        (Actor::External, Some(party)) => party.into(),
        _ => actor.as_str().into(),
    }
}

#[derive(Serialize)]
struct StepView<'a> {
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
    optional: bool,
    /// The document the office issues when the step is completed.
    document: Option<&'a str>,
}

/// The service as JSON; `staff` adds the internal components and SOP header.
pub fn service_json(s: &Standard, staff: bool) -> Value {
    let components: serde_json::Map<String, Value> = COMPONENTS
        .iter()
        .filter(|c| staff || c.group == ComponentGroup::Delivery)
        .map(|c| {
            let v = json!({"name": c.name_id, "name_en": c.name_en, "group": c.group, "text": s.component(c.code)});
            (c.code.to_string(), v)
        })
        .collect();
    let steps: Vec<StepView> = s
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
            optional: st.optional,
            document: st.document.as_deref(),
        })
        .collect();
    let mut v = json!({
        "id": s.id(),
        "office": s.office,
        "slug": s.slug,
        "version": s.version,
        "kind": s.kind,
        "title": s.title,
        "title_en": s.title_en,
        "unit": s.unit,
        "source": s.source,
        "components": components,
        "sla": {"total": s.sla.total.as_ref().map(ToString::to_string), "wording": s.sla.wording},
        "channels": s.channels,
        "requirements": s.requirements,
        "fields": s.fields,
        "steps": steps,
        "notes": s.notes,
    });
    if staff && let Some(sop) = &s.sop {
        v["sop"] = json!(sop);
    }
    v
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
