//! `layanan standards lint`: checks a standard file the way a careful
//! reviewer would: structure, completeness, arithmetic, actors, channels.
//! Findings carry a line so an editor can jump to them.

use crate::duration::SlaDuration;
use crate::standard::{
    Actor, CHANNELS, COMPONENTS, FIELD_KINDS, NOT_STATED, Standard, StandardKind, component,
};
use std::collections::HashSet;
use std::fmt;

/// The sheet every disposition prints.
pub const DISPOSITION_SHEET: &str = "lembar_disposisi";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}: {}", self.line, self.message)
    }
}

/// Lints one file's text. `expected` is `(office, slug)` from the file's
/// path, so a file cannot claim another office's service.
pub fn lint(text: &str, expected: Option<(&str, &str)>) -> (Option<Standard>, Vec<Finding>) {
    let std = match Standard::parse(text) {
        Ok(s) => s,
        Err(e) => {
            let f = Finding {
                severity: Severity::Error,
                line: e.line,
                message: format!("column {}: {}", e.column, e.message),
            };
            return (None, vec![f]);
        }
    };
    let mut l = Linter { text, out: Vec::new() };
    l.header(&std, expected);
    l.components(&std);
    l.channels(&std);
    l.steps(&std);
    l.arithmetic(&std);
    l.agreement(&std);
    l.stock(&std);
    if let Some(o) = &std.objection
        && !std.fields.iter().any(|f| f.code == o.field && f.required)
    {
        let line = l.line_of("[objection]");
        l.error(line, format!("[objection] names field `{}`, which is not a required form field", o.field));
    }
    l.out.sort_by_key(|f| f.line);
    (Some(std), l.out)
}

struct Linter<'a> {
    text: &'a str,
    out: Vec<Finding>,
}

impl Linter<'_> {
    fn push(&mut self, severity: Severity, line: usize, message: String) {
        self.out.push(Finding { severity, line, message });
    }

    fn error(&mut self, line: usize, message: String) {
        self.push(Severity::Error, line, message);
    }

    /// Line of the first line starting with `prefix` (after indentation).
    fn line_of(&self, prefix: &str) -> usize {
        self.nth_line_of(prefix, 0)
    }

    fn nth_line_of(&self, prefix: &str, n: usize) -> usize {
        self.text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with(prefix))
            .nth(n)
            .map_or(1, |(i, _)| i + 1)
    }

    fn header(&mut self, s: &Standard, expected: Option<(&str, &str)>) {
        if s.schema != 1 {
            let line = self.line_of("schema");
            self.error(line, format!("schema {} is not supported (expected 1)", s.schema));
        }
        if s.version == 0 {
            let line = self.line_of("version");
            self.error(line, "version starts at 1".into());
        }
        let slug_ok = !s.slug.is_empty()
            && s.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            let line = self.line_of("slug");
            self.error(line, format!("slug `{}` must be lowercase letters, digits and hyphens", s.slug));
        }
        if let Some((office, slug)) = expected
            && (office != s.office.as_str() || slug != s.slug)
        {
            let line = self.line_of("office");
            let (o, sl) = (&s.office, &s.slug);
            self.error(
                line,
                format!("file is at {office}/{slug}.toml but declares office `{o}` slug `{sl}`"),
            );
        }
    }

    fn components(&mut self, s: &Standard) {
        let line = self.line_of("[components]");
        for (code, text) in &s.components {
            if component(code).is_none() {
                let known: Vec<_> = COMPONENTS.iter().map(|c| c.code).collect();
                let l = self.line_of(&format!("{code} ="));
                self.error(l, format!("unknown component `{code}` (known: {})", known.join(", ")));
            } else if text.trim().is_empty() {
                let l = self.line_of(&format!("{code} ="));
                self.error(
                    l,
                    format!("component `{code}` is empty; write `tidak dinyatakan` if the seed has none"),
                );
            }
        }
        if s.kind == StandardKind::StandarPelayanan {
            for c in COMPONENTS.iter().filter(|c| !s.components.contains_key(c.code)) {
                self.error(
                    line,
                    format!(
                        "component `{}` ({}) is missing: a standar pelayanan has all 14",
                        c.code, c.name_id
                    ),
                );
            }
        }
    }

    fn channels(&mut self, s: &Standard) {
        if s.channels.is_empty() {
            let line = self.line_of("[sla]");
            self.error(line, "no [[channels]]: say how the service is applied for".into());
        }
        let mut seen = HashSet::new();
        for (i, ch) in s.channels.iter().enumerate() {
            let line = self.nth_line_of("[[channels]]", i);
            if !CHANNELS.contains(&ch.code.as_str()) {
                self.error(line, format!("unknown channel `{}` (known: {})", ch.code, CHANNELS.join(", ")));
            }
            if !seen.insert(ch.code.as_str()) {
                self.error(line, format!("channel `{}` is listed twice", ch.code));
            }
            self.clock_start(s, ch, line);
        }
        let mut codes = HashSet::new();
        for (i, r) in s.requirements.iter().enumerate() {
            let line = self.nth_line_of("[[requirements]]", i);
            if !codes.insert(r.code.as_str()) {
                self.error(line, format!("requirement code `{}` is used twice", r.code));
            }
            let applicants = |id: &str| s.steps.iter().any(|st| st.id == id && st.actor == Actor::Applicant);
            if let Some(step) = &r.step
                && !applicants(step)
            {
                self.error(
                    line,
                    format!("requirement `{}`: step `{step}` is not one of the applicant's steps", r.code),
                );
            }
        }
        let mut codes = HashSet::new();
        for (i, f) in s.fields.iter().enumerate() {
            let line = self.nth_line_of("[[fields]]", i);
            if !codes.insert(f.code.as_str()) {
                self.error(line, format!("field code `{}` is used twice", f.code));
            }
            if f.kind == "choice" && f.options.is_empty() {
                self.error(line, format!("field `{}` is a choice without options", f.code));
            }
            if !FIELD_KINDS.contains(&f.kind.as_str()) {
                self.error(
                    line,
                    format!("field kind `{}` is unknown (known: {})", f.kind, FIELD_KINDS.join(", ")),
                );
            }
        }
    }

    /// A "minimal" / "paling cepat" duration needs its reading, and a
    /// reading needs such a duration.
    fn minimal(
        &mut self,
        what: &str,
        line: usize,
        d: Option<&SlaDuration>,
        reading: Option<crate::standard::Minimal>,
    ) {
        match (d, reading) {
            (Some(d @ SlaDuration::Earliest(_)), None) => self.push(
                Severity::Warning,
                line,
                format!(
                    "{what}: `{d}` has no reading: add minimal = \"earliest\" (not before) or \"deadline\""
                ),
            ),
            (Some(SlaDuration::Earliest(_)), Some(_)) => {}
            (_, Some(_)) => {
                self.error(line, format!("{what}: `minimal` is set but its time is not a \"minimal …\" one"))
            }
            _ => {}
        }
    }

    /// A `clock_starts` wording needs its rule (`starts`), and the rule must
    /// name a step of the channel or a date field.
    fn clock_start(&mut self, s: &Standard, ch: &crate::standard::Channel, line: usize) {
        use crate::standard::ClockStart;
        match (&ch.clock_starts, &ch.starts) {
            (Some(words), None) => self.push(
                Severity::Warning,
                line,
                format!(
                    "channel `{}`: clock_starts \"{words}\" has no rule: add starts = \"submission\", \
                     {{ after_step = \"…\" }} or {{ from_field = \"…\" }}",
                    ch.code
                ),
            ),
            (_, Some(ClockStart::AfterStep(id))) if !s.steps_for(&ch.code).any(|st| &st.id == id) => self
                .error(
                    line,
                    format!("channel `{}`: starts after step `{id}`, which it does not have", ch.code),
                ),
            (_, Some(ClockStart::FromField(f)))
                if !s.fields.iter().any(|x| &x.code == f && x.kind == "date") =>
            {
                self.error(
                    line,
                    format!("channel `{}`: starts from `{f}`, which is not a date field", ch.code),
                )
            }
            _ => {}
        }
        if let Some(id) = &ch.ends_after_step
            && !s.steps_for(&ch.code).any(|st| &st.id == id)
        {
            self.error(
                line,
                format!("channel `{}`: ends after step `{id}`, which it does not have", ch.code),
            );
        }
    }

    /// The step that makes an agreement exists and records its validity
    /// and access mode, and its number: from the `pks` it issues, or
    /// recorded (`nomor_pks`, `tanggal_pks`) when the PKS is signed elsewhere.
    fn agreement(&mut self, s: &Standard) {
        let Some(spec) = &s.agreement else { return };
        let line = self.line_of("[agreement]");
        let Some(step) = s.steps.iter().find(|st| st.id == spec.step) else {
            self.error(line, format!("[agreement] names step `{}`, which does not exist", spec.step));
            return;
        };
        let records = |c: &str| step.records.iter().any(|r| r.code == c && r.required);
        let mut wanted: Vec<&str> = crate::agreement::REQUIRED_RECORDS.to_vec();
        if step.document.as_deref() != Some("pks") {
            wanted.extend(["nomor_pks", "tanggal_pks"]);
        }
        for code in wanted.into_iter().filter(|c| !records(c)) {
            self.error(line, format!("[agreement] step {}: it must record `{code}` (required)", step.no));
        }
        if let Some(mode) = step.records.iter().find(|r| r.code == "mode_akses")
            && let Some(bad) =
                mode.options.iter().find(|o| !crate::agreement::ACCESS_MODES.contains(&o.as_str()))
        {
            self.error(
                line,
                format!("[agreement] step {}: `mode_akses` option `{bad}` is not an access mode", step.no),
            );
        }
    }

    /// `[stock]` names a step that records the approved amount, a form
    /// field with the request, a record for the reason, and an applicant's
    /// step after a step that issues the BAST.
    fn stock(&mut self, s: &Standard) {
        let Some(rule) = &s.stock else { return };
        let line = self.line_of("[stock]");
        let step = |id: &str| s.steps.iter().position(|st| st.id == id);
        let (Some(approve), Some(hand_over)) = (step(&rule.approve_step), step(&rule.hand_over_step)) else {
            self.error(line, "[stock] names a step that does not exist".to_string());
            return;
        };
        let records = |code: &str| s.steps[approve].records.iter().any(|r| r.code == code);
        if !s.steps[approve].records.iter().any(|r| r.code == rule.approved && r.required) {
            self.error(
                line,
                format!("[stock] step `{}` must record `{}` (required)", rule.approve_step, rule.approved),
            );
        }
        if !records(&rule.reason) {
            self.error(line, format!("[stock] step `{}` must record `{}`", rule.approve_step, rule.reason));
        }
        for field in [&rule.requested, &rule.receiver] {
            if !s.fields.iter().any(|f| &f.code == field && f.required) {
                self.error(line, format!("[stock] the form has no required field `{field}`"));
            }
        }
        // A hand-over named before the approval is an empty range here (and
        // the error below), never a slice out of order.
        let issues = s
            .steps
            .get(approve..hand_over)
            .unwrap_or_default()
            .iter()
            .any(|st| st.document.as_deref() == Some(rule.document.as_str()));
        if s.steps[hand_over].actor != Actor::Applicant || hand_over <= approve || !issues {
            self.error(
                line,
                format!(
                    "[stock] the hand-over (`{}`) is the applicant's step after the approval and the `{}`",
                    rule.hand_over_step, rule.document
                ),
            );
        }
    }

    fn steps(&mut self, s: &Standard) {
        if s.steps.is_empty() {
            let line = self.line_of("[sla]");
            if s.component("prosedur") == NOT_STATED {
                self.push(
                    Severity::Warning,
                    line,
                    "the seed states no procedure: this service is listed but cannot run as cases".into(),
                );
            } else {
                self.error(line, "no [[steps]]: the procedure must be listed".into());
            }
        }
        let channel_codes: HashSet<_> = s.channels.iter().map(|c| c.code.as_str()).collect();
        let mut ids = HashSet::new();
        for (i, step) in s.steps.iter().enumerate() {
            let line = self.nth_line_of("[[steps]]", i);
            let name = format!("step {} (`{}`)", step.no, step.id);
            if !ids.insert(step.id.as_str()) {
                self.error(
                    line,
                    format!("{name}: id is used twice; give repeated seed numbers distinct ids"),
                );
            }
            if step.actor == Actor::External {
                let records = |c: &str| step.records.iter().any(|r| r.code == c && r.required);
                if !records("nomor_surat") || !records("tanggal_surat") {
                    self.error(
                        line,
                        format!("{name}: an outside body's step records its letter (`nomor_surat`, `tanggal_surat`, required)"),
                    );
                }
            }
            match (step.actor, &step.party) {
                (Actor::External, None) => {
                    self.error(line, format!("{name}: an external step names its `party`"))
                }
                (Actor::Applicant | Actor::Staff(_), Some(p)) => {
                    self.error(line, format!("{name}: `party = \"{p}\"` is only for external steps"))
                }
                _ => {}
            }
            if s.kind == StandardKind::Sop {
                if step.duration.is_none() {
                    self.error(line, format!("{name}: an SOP step states its duration"));
                }
                if step.output.as_deref().is_none_or(|o| o.trim().is_empty()) {
                    self.error(line, format!("{name}: an SOP step states its output"));
                }
            }
            if let Some(doc) = &step.document {
                if crate::document::kind(doc).is_none() {
                    let known: Vec<_> = crate::document::KINDS.iter().map(|k| k.code).collect();
                    self.error(
                        line,
                        format!("{name}: unknown document `{doc}` (known: {})", known.join(", ")),
                    );
                } else if step.actor == Actor::External {
                    self.error(
                        line,
                        format!("{name}: an outside party's letter is recorded, not issued by the office"),
                    );
                }
            }
            if let Some(d @ SlaDuration::Untimed { .. }) = &step.duration {
                self.push(
                    Severity::Warning,
                    line,
                    format!("{name} is untimed (`{d}`): it is shown as such and never escalated"),
                );
            }
            for r in step.records.iter().filter(|r| !FIELD_KINDS.contains(&r.kind.as_str())) {
                self.error(line, format!("{name}: record `{}` has unknown kind `{}`", r.code, r.kind));
            }
            self.minimal(&name, line, step.duration.as_ref(), step.minimal);
            let branches = [
                ("earliest_when", step.earliest_when.clone()),
                ("ends_when", step.ends_when.as_ref().map(|e| e.when())),
            ];
            // An ending reads what the case recorded up to this step; an
            // earliest time and a record's `required_when`, this step's own.
            let recorded_by = |key: &str| match key {
                "ends_when" => &s.steps[..=i],
                _ => std::slice::from_ref(step),
            };
            let required =
                step.records.iter().filter_map(|r| Some(("required_when", r.required_when.clone()?)));
            let branches: Vec<_> =
                branches.into_iter().filter_map(|(k, w)| Some((k, w?))).chain(required).collect();
            for (key, w) in &branches {
                let mut records = recorded_by(key).iter().flat_map(|st| &st.records);
                if !records.any(|r| r.code == w.record && r.options.contains(&w.value)) {
                    self.error(
                        line,
                        format!(
                            "{name}: {key} names `{}` = `{}`, which the step does not record",
                            w.record, w.value
                        ),
                    );
                }
            }
            if let Some(f) = &step.per_sheet
                && (step.document.is_none() || !s.fields.iter().any(|x| &x.code == f && x.kind == "number"))
            {
                self.error(
                    line,
                    format!(
                        "{name}: per_sheet names `{f}`, which is no number field, or the step issues nothing"
                    ),
                );
            }
            if let Some(code) = &step.sends
                && !s.steps[..=i].iter().flat_map(|st| &st.records).any(|r| &r.code == code)
            {
                self.error(line, format!("{name}: sends `{code}`, which no step up to here records"));
            }
            if let Some(r) = &step.refuses_when
                && !s.fields.iter().any(|f| f.code == r.field && f.options.contains(&r.value))
            {
                self.error(
                    line,
                    format!(
                        "{name}: refuses_when names `{}` = `{}`, which is no choice of the form",
                        r.field, r.value
                    ),
                );
            }
            if step.participants && i + 1 >= s.steps.len() {
                self.error(
                    line,
                    format!("{name}: participants get cases from the next step, and there is none"),
                );
            }
            if step.disposition {
                let records = |c: &str| step.records.iter().any(|r| r.code == c);
                if step.document.as_deref() != Some(DISPOSITION_SHEET)
                    || !records("kepada")
                    || !records("instruksi")
                {
                    self.error(
                        line,
                        format!("{name}: a disposition records `kepada` and `instruksi` and prints a `{DISPOSITION_SHEET}`"),
                    );
                }
            }
            if let Some(e) = &step.ends_when
                && crate::document::kind(&e.document).is_none()
            {
                self.error(
                    line,
                    format!("{name}: ends_when issues `{}`, which is no document kind", e.document),
                );
            }
            for ch in step.channels.iter().filter(|c| !channel_codes.contains(c.as_str())) {
                self.error(
                    line,
                    format!("{name}: channel `{ch}` is not one of this standard's [[channels]]"),
                );
            }
            if let Some(target) = &step.returns_to {
                let earlier = s.steps[..i].iter().any(|p| &p.id == target);
                if !earlier {
                    self.error(line, format!("{name}: returns_to `{target}` is not an earlier step"));
                }
            }
        }
    }

    /// Where a total is stated in working minutes and every step is timed
    /// in minutes too, the steps must add up to it.
    fn arithmetic(&mut self, s: &Standard) {
        let line = self.line_of("[sla]");
        self.minimal("[sla] total", line, s.sla.total.as_ref(), s.sla.minimal);
        let Some(total) = s.sla.total.as_ref().and_then(SlaDuration::working_minutes) else {
            return;
        };
        let minutes: Option<Vec<u32>> =
            s.steps.iter().map(|st| st.duration.as_ref().and_then(SlaDuration::working_minutes)).collect();
        let Some(minutes) = minutes else { return };
        let sum: u32 = minutes.iter().sum();
        if !minutes.is_empty() && sum != total {
            let line = self.line_of("total");
            let diff = i64::from(sum) - i64::from(total);
            self.error(line, format!("steps add up to {sum} menit but the stated total is {total} menit (differ by {diff:+} menit)"));
        }
    }
}
