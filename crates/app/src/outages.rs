//! SIAK and network outages. A standard whose time holds only "jika
//! jaringan normal" (`[sla] needs_network`) cannot keep it while SIAK or
//! the network is down: an office's admin declares the outage, every open
//! case of those services stops its clocks (a journal row each, so the
//! case's history and tracking page show it), and when the admin ends it
//! each counts on with the time it had left. Applications made meanwhile
//! start held.

use crate::accounts::Principal;
use crate::cases::{clock, standard_of};
use crate::{App, Error, Result};
use chrono::{DateTime, Utc};
use domain::Role;
use store::{Case, CaseChange, CaseUpdate, NewJournal, Outage};

/// Most open cases one office holds at once; more than this is a province
/// store, whose offices declare their own outages.
const MAX_OPEN: i64 = 100_000;

/// Longest reason an admin types.
const MAX_REASON: usize = 500;

/// How far back an outage may be declared: an office notices it late, but
/// not weeks late.
const MAX_BACKDATE_DAYS: i64 = 7;

/// Declares an outage of the admin's office since `since` (now when not
/// given; it may have begun before someone noticed), and holds the clocks
/// of every open case of its network-dependent services from then. Returns
/// the outage and how many cases it holds.
pub async fn declare(
    app: &App,
    who: &Principal,
    reason: &str,
    since: Option<DateTime<Utc>>,
) -> Result<(Outage, usize)> {
    let office = who.user.office.clone();
    who.require(&[Role::Admin], &office)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(Error::invalid("reason", format!("say what is down, in 1 to {MAX_REASON} characters")));
    }
    let now = app.now();
    let start = since.unwrap_or(now);
    if start > now {
        return Err(Error::invalid("starts_at", "an outage cannot begin in the future"));
    }
    if start < now - chrono::Duration::days(MAX_BACKDATE_DAYS) {
        return Err(Error::invalid("starts_at", format!("at most {MAX_BACKDATE_DAYS} days ago")));
    }
    let outage =
        app.store.declare_outage(&who.user.username, &office, reason, start.timestamp_millis()).await?;
    let held = for_each_open_case(app, &office, |c| hold(app, c, &outage)).await?;
    Ok((outage, held))
}

/// Ends the office's outage `id` at `at` (now when not given; between its
/// start and now); every case it held counts on from then.
pub async fn end(app: &App, who: &Principal, id: i64, at: Option<DateTime<Utc>>) -> Result<(Outage, usize)> {
    let office = who.user.office.clone();
    who.require(&[Role::Admin], &office)?;
    let open = app.store.open_outage(&office).await?.filter(|o| o.id == id);
    let Some(open) = open else {
        return Err(Error::not_found(format!("no open outage {id} at office {office}")));
    };
    let now = app.now();
    let end = at.unwrap_or(now);
    if end > now || end.timestamp_millis() < open.starts_at {
        return Err(Error::invalid("ends_at", "an outage ends between its start and now"));
    }
    let outage = app
        .store
        .end_outage(&who.user.username, id, end.timestamp_millis())
        .await?
        .ok_or_else(|| Error::not_found(format!("no open outage {id}")))?;
    let released = for_each_open_case(app, &office, |c| release(app, c, &outage)).await?;
    Ok((outage, released))
}

/// A new case of a network-dependent service made during an outage starts
/// held (called right after it is created).
pub async fn hold_if_down(app: &App, case: &Case) -> Result<Case> {
    match app.store.open_outage(&case.office).await? {
        Some(outage) => Ok(hold(app, case.clone(), &outage).await?.unwrap_or_else(|| case.clone())),
        None => Ok(case.clone()),
    }
}

/// Runs `change` on each open case of `office` whose service needs the
/// network; a case someone changed meanwhile is read again and retried.
/// Returns how many cases changed.
async fn for_each_open_case<F, Fut>(app: &App, office: &str, change: F) -> Result<usize>
where
    F: Fn(Case) -> Fut,
    Fut: std::future::Future<Output = Result<Option<Case>>>,
{
    let mut changed = 0;
    for case in app.store.open_cases(office, MAX_OPEN).await? {
        let mut case = case;
        for attempt in 0..3 {
            match change(case.clone()).await {
                Ok(Some(_)) => changed += 1,
                Ok(None) => {}
                Err(Error::Stale(_)) if attempt < 2 => {
                    if let Some(fresh) = app.store.case(case.id).await? {
                        case = fresh;
                        continue;
                    }
                }
                Err(e) => return Err(e),
            }
            break;
        }
    }
    Ok(changed)
}

/// Stops a running case's clocks (keeping what is left), with a journal row.
async fn hold(app: &App, case: Case, outage: &Outage) -> Result<Option<Case>> {
    set_held(app, case, outage, true).await
}

/// Lets a held case's clocks count on, with a journal row. A case that
/// waits for its applicant (returned meanwhile) keeps that pause.
async fn release(app: &App, case: Case, outage: &Outage) -> Result<Option<Case>> {
    set_held(app, case, outage, false).await
}

/// Holds (`hold`) or releases an active case of a network-dependent
/// service; `None` when there is nothing to change.
async fn set_held(app: &App, case: Case, outage: &Outage, hold: bool) -> Result<Option<Case>> {
    let std = standard_of(app, &case.office, &case.service, case.standard_version).await?;
    if !std.sla.needs_network || !case.status.is_active() || case.paused_at.is_some() == hold {
        return Ok(None);
    }
    let cal = clock::calendar(app, &case.office).await?;
    let mut ch = CaseChange::from_case(&case);
    let (case_d, step_d) =
        (clock::case_limit(&std, &case.channel), clock::step_limit(&std, case.current_step.as_deref()));
    // From the outage's start (or the step's, if it began later); until its
    // end (or the hold, if that came later).
    let action = if hold {
        let from = outage.starts_at.max(case.step_started_at.unwrap_or(case.created_at));
        clock::pause(&cal, clock::at(from).min(app.now()), case_d, step_d, &mut ch);
        "outage_hold"
    } else {
        let to =
            outage.ends_at.unwrap_or_else(|| app.now().timestamp_millis()).max(case.paused_at.unwrap_or(0));
        clock::unpause(&cal, clock::at(to), case_d, step_d, &mut ch);
        "outage_release"
    };
    update(app, &case, ch, journal(&case, action, &outage.reason)).await.map(Some)
}

fn journal(case: &Case, action: &str, reason: &str) -> NewJournal {
    NewJournal {
        actor: "system".into(),
        action: action.into(),
        from_status: Some(case.status.as_str().into()),
        to_status: case.status.as_str().into(),
        from_step: case.current_step.clone(),
        to_step: case.current_step.clone(),
        note: Some(reason.to_string()),
        ..Default::default()
    }
}

async fn update(app: &App, case: &Case, change: CaseChange, journal: NewJournal) -> Result<Case> {
    let u = CaseUpdate { change, journal, ..Default::default() };
    Ok(app.store.update_case(case.id, case.version, u).await?)
}
