//! The store contract: every test runs on SQLite and on PostgreSQL (a fresh
//! database each, see `store::testing`). A behaviour that differs between
//! the backends fails here.

use domain::Role;
use std::sync::Arc;
use store::{
    NewUser, Office, PutOutcome, Session, Store, StoreError, StoredStandard, UserChange, now_ms, reference,
    testing,
};

/// Generates `<name>::sqlite` and `<name>::postgres` from one body.
macro_rules! contract {
    ($name:ident, |$store:ident, $url:ident| $body:block) => {
        mod $name {
            use super::*;

            #[allow(unused_variables)]
            async fn run($store: Arc<dyn Store>, $url: String) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = testing::sqlite().await;
                run(t.store.clone(), t.url.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = testing::postgres().await else { return };
                run(t.store.clone(), t.url.clone()).await;
            }
        }
    };
}

fn office(code: &str, parent: Option<&str>) -> Office {
    Office {
        code: code.into(),
        name: format!("Dinas {code}"),
        level: if parent.is_some() { "kab_kota" } else { "province" }.into(),
        parent: parent.map(Into::into),
        time_zone: domain::TimeZone::Wib,
        address: "tidak dinyatakan".into(),
        phone: None,
        website: None,
        email: None,
        units: vec!["Sekretariat".into()],
        cuti_bersama_off: true,
        maklumat: None,
        hours: Some("mon-fri 07:30-15:00".into()),
    }
}

fn user(name: &str, office: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.to_uppercase(),
        password_hash: "$argon2id$fake".into(),
        role: domain::Role::Verifikator,
        office: office.into(),
        unit: None,
        nip: None,
    }
}

fn standard(version: i64, content: &str) -> StoredStandard {
    StoredStandard {
        office: "33".into(),
        slug: "legalisir".into(),
        version,
        title: "Legalisir".into(),
        content: content.into(),
        content_hash: format!("h-{content}"),
        loaded_at: now_ms(),
    }
}

contract!(regions_load_in_full_and_answer_lookups, |store, url| {
    reference::ensure_loaded(store.as_ref()).await.unwrap();
    assert_eq!(store.region_count().await.unwrap(), 91_599);
    let jepara = store.region("33.20").await.unwrap().unwrap();
    assert_eq!(jepara.name, "Kabupaten Jepara");
    assert_eq!(store.region_children(None).await.unwrap().len(), 38);
    let kecamatan = store.region_children(Some("33.20")).await.unwrap();
    assert!(kecamatan.iter().all(|r| r.parent.as_deref() == Some("33.20") && r.level == 3));
    assert_eq!(kecamatan.len(), 16);
    // A second start does not import again.
    reference::ensure_loaded(store.as_ref()).await.unwrap();
    assert_eq!(store.region_count().await.unwrap(), 91_599);
    let h = store.holidays("2026-01-01", "2026-12-31").await.unwrap();
    assert_eq!(h.iter().filter(|h| h.kind == "cuti_bersama").count(), 8);
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(offices_round_trip_and_need_their_parent, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    store.upsert_office("test", &office("33.20", Some("33"))).await.unwrap();
    let got = store.office("33.20").await.unwrap().unwrap();
    assert_eq!(got, office("33.20", Some("33")));
    assert_eq!(store.offices().await.unwrap().len(), 2);
    let orphan = store.upsert_office("test", &office("16.06", Some("16"))).await;
    assert!(matches!(orphan, Err(StoreError::Invalid(_))), "{orphan:?}");
    assert!(store.office("16.06").await.unwrap().is_none());
});

contract!(standard_versions_are_immutable_and_newest_wins, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    assert_eq!(store.put_standard("t", &standard(1, "a")).await.unwrap(), PutOutcome::Inserted);
    assert_eq!(store.put_standard("t", &standard(1, "a")).await.unwrap(), PutOutcome::Unchanged);
    let changed = store.put_standard("t", &standard(1, "b")).await;
    assert!(matches!(changed, Err(StoreError::Conflict(_))), "{changed:?}");
    store.put_standard("t", &standard(2, "b")).await.unwrap();
    let all = store.standards(Some("33")).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].version, 2);
    assert_eq!(store.standard("33", "legalisir", Some(1)).await.unwrap().unwrap().content, "a");
    assert_eq!(store.standard("33", "legalisir", None).await.unwrap().unwrap().version, 2);
    assert!(store.standards(Some("73")).await.unwrap().is_empty());
});

contract!(users_are_unique_and_lock_and_unlock, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    let u = store.create_user("admin", &user("siti", "33")).await.unwrap();
    assert_eq!((u.role.as_str(), u.office.as_str(), u.active), ("verifikator", "33", true));
    let dup = store.create_user("admin", &user("siti", "33")).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let bad_office = store.create_user("admin", &user("budi", "99")).await;
    assert!(matches!(bad_office, Err(StoreError::Invalid(_))), "{bad_office:?}");
    let (found, hash) = store.user_for_login("siti").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (u.id, "$argon2id$fake"));
    // Two failures from one address lock the name there; one from another
    // address counts towards the name's failures only.
    let now = now_ms();
    let fail = |address: &'static str, user_id: Option<i64>| store::FailedLogin {
        username: "siti",
        address,
        user_id,
        now,
        lock_after: 2,
        lock_until: now + 60_000,
    };
    store.record_failed_login(&fail("10.0.0.1", Some(u.id))).await.unwrap();
    let once = store.login_failures("siti", "10.0.0.1", now - 1).await.unwrap();
    assert_eq!(once, store::LoginFailures { locked_until: None, recent: 1 });
    store.record_failed_login(&fail("10.0.0.1", Some(u.id))).await.unwrap();
    store.record_failed_login(&fail("10.0.0.2", Some(u.id))).await.unwrap();
    let here = store.login_failures("siti", "10.0.0.1", now - 1).await.unwrap();
    assert_eq!(here, store::LoginFailures { locked_until: Some(now + 60_000), recent: 3 });
    let there = store.login_failures("siti", "10.0.0.2", now - 1).await.unwrap();
    assert_eq!(there.locked_until, None);
    assert_eq!(
        store.login_failures("siti", "10.0.0.1", now + 1).await.unwrap().recent,
        0,
        "outside the window"
    );
    let audited: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    assert_eq!(audited.iter().filter(|a| *a == "user.locked").count(), 1, "{audited:?}");
    // A name that is no account is counted, not audited.
    store
        .record_failed_login(&store::FailedLogin { username: "nobody", ..fail("10.0.0.1", None) })
        .await
        .unwrap();
    assert_eq!(store.login_failures("nobody", "10.0.0.1", now - 1).await.unwrap().recent, 1);
    assert_eq!(store.audit_entries(0, 100).await.unwrap().len(), audited.len());
    // A login forgets the failures from its own address.
    store.record_successful_login(u.id, "10.0.0.1").await.unwrap();
    assert_eq!(
        store.login_failures("siti", "10.0.0.1", now - 1).await.unwrap(),
        store::LoginFailures { locked_until: None, recent: 1 }
    );
    assert_eq!(store.user_count().await.unwrap(), 1);
});

contract!(a_second_factor_is_enrolled_used_once_and_reset, |store, url| {
    use store::{Factor, SecondFactor};
    store.upsert_office("test", &office("33", None)).await.unwrap();
    let u = store.create_user("admin", &user("siti", "33")).await.unwrap();
    assert!(!u.second_factor);
    assert_eq!(store.second_factor(u.id).await.unwrap(), SecondFactor::default());
    store.begin_second_factor(u.id, "sealed-pending").await.unwrap();
    let begun = store.second_factor(u.id).await.unwrap();
    assert_eq!((begun.secret, begun.pending.as_deref()), (None, Some("sealed-pending")));
    assert!(!store.user(u.id).await.unwrap().unwrap().second_factor, "not in force before its first code");
    let now = now_ms();
    store.create_session(&session("keep", u.id, now, 60_000)).await.unwrap();
    let enrol = UserChange::SecondFactor {
        sealed: "sealed-secret".into(),
        step: 100,
        recovery: vec!["h1".into(), "h2".into()],
    };
    let after = store.change_user("siti", u.id, &enrol).await.unwrap().unwrap();
    assert!(after.second_factor);
    assert!(store.session("keep", now).await.unwrap().is_some(), "enrolling keeps the session");
    let sf = store.second_factor(u.id).await.unwrap();
    assert_eq!(
        sf,
        SecondFactor {
            secret: Some("sealed-secret".into()),
            pending: None,
            last_step: Some(100),
            recovery_left: 2
        }
    );
    // A step is taken once and only forward; a recovery code once.
    assert!(
        !store.use_second_factor(u.id, &Factor::Step(100), now).await.unwrap(),
        "the enrolment's own code"
    );
    assert!(store.use_second_factor(u.id, &Factor::Step(101), now).await.unwrap());
    assert!(!store.use_second_factor(u.id, &Factor::Step(101), now).await.unwrap(), "replayed");
    assert!(!store.use_second_factor(u.id, &Factor::Step(99), now).await.unwrap(), "an older one");
    let h1 = Factor::Recovery("h1".into());
    assert!(store.use_second_factor(u.id, &h1, now).await.unwrap());
    assert!(!store.use_second_factor(u.id, &h1, now).await.unwrap(), "a recovery code is used once");
    assert!(!store.use_second_factor(u.id, &Factor::Recovery("nope".into()), now).await.unwrap());
    assert_eq!(store.second_factor(u.id).await.unwrap().recovery_left, 1);
    // New codes replace the old; a reset takes everything and ends sessions.
    store.change_user("siti", u.id, &UserChange::RecoveryCodes(vec!["h3".into()])).await.unwrap();
    assert!(
        !store.use_second_factor(u.id, &Factor::Recovery("h2".into()), now).await.unwrap(),
        "old codes gone"
    );
    assert_eq!(store.second_factor(u.id).await.unwrap().recovery_left, 1);
    let reset = store.change_user("admin", u.id, &UserChange::SecondFactorReset).await.unwrap().unwrap();
    assert!(!reset.second_factor);
    assert_eq!(store.second_factor(u.id).await.unwrap(), SecondFactor::default());
    assert!(store.session("keep", now).await.unwrap().is_none(), "a reset ends the sessions");
    let audited: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    for action in
        ["user.second_factor", "user.recovery_code_used", "user.recovery_codes", "user.second_factor_reset"]
    {
        assert_eq!(audited.iter().filter(|a| *a == action).count(), 1, "{action}: {audited:?}");
    }
    assert!(store.audit_verify().await.unwrap().ok, "{url}");
});

/// A session of `user_id` opened at `now` for `ttl` ms.
fn session(token_hash: &str, user_id: i64, now: i64, ttl: i64) -> Session {
    Session {
        token_hash: token_hash.into(),
        user_id,
        csrf_token: "c".into(),
        created_at: now,
        expires_at: now + ttl,
    }
}

contract!(sessions_expire_and_can_be_deleted, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    let u = store.create_user("admin", &user("siti", "33")).await.unwrap();
    let now = now_ms();
    let s = session("t1", u.id, now, 1000);
    store.create_session(&s).await.unwrap();
    let (got, who) = store.session("t1", now).await.unwrap().unwrap();
    assert_eq!((got, who.username.as_str()), (s, "siti"));
    assert!(store.session("t1", now + 1000).await.unwrap().is_none(), "expired session accepted");
    store.delete_session("t1").await.unwrap();
    assert!(store.session("t1", now).await.unwrap().is_none());
});

contract!(account_changes_end_sessions_and_a_move_hands_back_open_cases, |store, url| {
    case_fixture(&store).await;
    store.upsert_office("test", &office("62", None)).await.unwrap();
    let u = store.create_user("admin", &user("siti", "16.06")).await.unwrap();
    let now = now_ms();
    let live = |t: &'static str| {
        let store = store.clone();
        async move { store.session(t, now).await.unwrap().is_some() }
    };
    // A unit change keeps the session; a role change ends it.
    store.create_session(&session("t1", u.id, now, 60_000)).await.unwrap();
    let unit = store.change_user("admin", u.id, &UserChange::Unit(Some("Bidang PIAK".into()))).await.unwrap();
    assert_eq!(unit.unwrap().unit.as_deref(), Some("Bidang PIAK"));
    assert!(live("t1").await, "a unit change ended the session");
    let role = store.change_user("admin", u.id, &UserChange::Role(Role::Validator)).await.unwrap().unwrap();
    assert_eq!((role.role, role.unit.as_deref()), (Role::Validator, Some("Bidang PIAK")));
    assert!(!live("t1").await, "a role change kept the session");
    // A temporary password is flagged; one's own clears the flag.
    let temp = UserChange::Password { hash: "$argon2id$x".into(), temporary: true };
    assert!(store.change_user("admin", u.id, &temp).await.unwrap().unwrap().must_change_password);
    assert_eq!(store.user_for_login("siti").await.unwrap().unwrap().1, "$argon2id$x");
    let own = UserChange::Password { hash: "$argon2id$y".into(), temporary: false };
    assert!(!store.change_user("siti", u.id, &own).await.unwrap().unwrap().must_change_password);
    // Locked after failed logins; unlocked.
    let fail = store::FailedLogin {
        username: "siti",
        address: "10.0.0.1",
        user_id: Some(u.id),
        now,
        lock_after: 1,
        lock_until: now + 60_000,
    };
    store.record_failed_login(&fail).await.unwrap();
    assert!(store.login_failures("siti", "10.0.0.1", 0).await.unwrap().locked_until.is_some());
    store.change_user("admin", u.id, &UserChange::Unlock).await.unwrap().unwrap();
    assert_eq!(store.login_failures("siti", "10.0.0.1", 0).await.unwrap(), store::LoginFailures::default());
    // Mutasi: the open case the account held goes back to the worklist; a
    // finished one keeps its history.
    let mut held = Vec::new();
    for (code, status) in [("OPEN", domain::Status::InProgress), ("DONE", domain::Status::Completed)] {
        let c = store.create_case(&new_case(code, "verifikator", None), &[], &[], Vec::new()).await.unwrap();
        let mut ch = store::CaseChange::from_case(&c);
        (ch.assignee, ch.status) = (Some("siti".into()), status);
        store.update_case(c.id, 1, upd(&ch)).await.unwrap();
        held.push(c.id);
    }
    store.create_session(&session("t2", u.id, now, 60_000)).await.unwrap();
    let moved = store.change_user("admin", u.id, &UserChange::Office("62".into())).await.unwrap().unwrap();
    assert_eq!(moved.office, "62");
    assert!(!live("t2").await, "a move kept the session");
    assert_eq!(store.case(held[0]).await.unwrap().unwrap().assignee, None);
    assert_eq!(store.case(held[1]).await.unwrap().unwrap().assignee.as_deref(), Some("siti"));
    let refused = store.change_user("admin", u.id, &UserChange::Office("99".into())).await;
    assert!(refused.is_err(), "moved to an office that does not exist");
    let actions: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    for a in
        ["user.unit", "user.role", "user.password_reset", "user.password_change", "user.unlock", "user.move"]
    {
        assert!(actions.contains(&a.to_string()), "{a} not audited: {actions:?}");
    }
});

contract!(a_deactivated_account_loses_its_sessions_until_turned_on, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    let u = store.create_user("admin", &user("siti", "33")).await.unwrap();
    let now = now_ms();
    let s = session("t1", u.id, now, 60_000);
    store.create_session(&s).await.unwrap();
    let off = store.change_user("admin", u.id, &UserChange::Active(false)).await.unwrap().unwrap();
    assert!(!off.active);
    assert!(store.session("t1", now).await.unwrap().is_none(), "a deactivated account kept its session");
    store.create_session(&session("t2", u.id, now, 60_000)).await.unwrap();
    assert!(store.session("t2", now).await.unwrap().is_none(), "an inactive account got a live session");
    let on = store.change_user("admin", u.id, &UserChange::Active(true)).await.unwrap().unwrap();
    assert!(on.active);
    assert!(store.session("t2", now).await.unwrap().is_some());
    assert!(store.change_user("admin", u.id + 99, &UserChange::Unlock).await.unwrap().is_none());
    let actions: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    assert!(
        actions.contains(&"user.deactivate".to_string()) && actions.contains(&"user.activate".to_string()),
        "{actions:?}"
    );
});

contract!(an_office_has_one_open_outage_at_a_time, |store, url| {
    store.upsert_office("test", &office("33", None)).await.unwrap();
    assert!(store.open_outage("33").await.unwrap().is_none());
    let o = store.declare_outage("admin", "33", "SIAK down", 1_000).await.unwrap();
    assert_eq!((o.ends_at, o.declared_by.as_str()), (None, "admin"));
    let again = store.declare_outage("admin", "33", "again", 2_000).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.open_outage("33").await.unwrap().map(|x| x.id), Some(o.id));
    let ended = store.end_outage("admin2", o.id, 5_000).await.unwrap().unwrap();
    assert_eq!((ended.ends_at, ended.ended_by.as_deref()), (Some(5_000), Some("admin2")));
    assert!(store.end_outage("admin2", o.id, 6_000).await.unwrap().is_none(), "ended twice");
    assert!(store.open_outage("33").await.unwrap().is_none());
    let next = store.declare_outage("admin", "33", "jaringan putus", 7_000).await.unwrap();
    let list: Vec<i64> = store.outages("33", 10).await.unwrap().iter().map(|x| x.id).collect();
    assert_eq!(list, [next.id, o.id], "newest first");
    let bad = store.declare_outage("admin", "99", "x", 1).await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "an unknown office: {bad:?}");
    let actions: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    assert_eq!(actions.iter().filter(|a| a.starts_with("outage.")).count(), 3, "{actions:?}");
});

contract!(every_change_and_access_is_in_the_verified_chain, |store, url| {
    store.upsert_office("admin", &office("33", None)).await.unwrap();
    store.create_user("admin", &user("siti", "33")).await.unwrap();
    store.log_access("siti", "3320••••••••0001", "case 42: verifikasi").await.unwrap();
    let rows = store.audit_entries(0, 100).await.unwrap();
    let actions: Vec<_> = rows.iter().map(|r| (r.kind.as_str(), r.action.as_str())).collect();
    assert_eq!(
        actions,
        [("change", "office.upsert"), ("change", "user.create"), ("access", "personal_data.read")]
    );
    assert_eq!(rows[2].object, "3320••••••••0001");
    assert_eq!(rows[2].detail, "case 42: verifikasi");
    let report = store.audit_verify().await.unwrap();
    assert!(report.ok && report.rows == 3, "{report:?}");
});

contract!(the_audit_log_refuses_updates_and_deletes, |store, url| {
    store.upsert_office("admin", &office("33", None)).await.unwrap();
    let t = raw(&url);
    assert!(t.exec("UPDATE audit_log SET actor = 'x' WHERE seq = 1").await.is_err());
    assert!(t.exec("DELETE FROM audit_log WHERE seq = 1").await.is_err());
    assert!(t.exec("DELETE FROM audit_log").await.is_err());
    // PostgreSQL's statement guards refuse a statement that matches no row,
    // and TRUNCATE, which fires no row trigger (SQLite has neither).
    if !url.starts_with("sqlite:") {
        assert!(t.exec("DELETE FROM audit_log WHERE seq < 0").await.is_err());
        let truncate = t.exec("TRUNCATE audit_log").await.unwrap_err().to_string();
        assert!(truncate.contains("append-only"), "{truncate}");
    }
    let r = store.audit_verify().await.unwrap();
    assert!(r.ok && r.rows == 1, "{r:?}");
});

contract!(a_checkpoint_shows_a_cut_tail_a_rewritten_chain_and_an_emptied_log, |store, url| {
    for code in ["11", "12", "13"] {
        store.upsert_office("admin", &office(code, None)).await.unwrap();
    }
    let heads = store.audit_heads().await.unwrap();
    assert_eq!(heads.iter().map(|h| h.seq).sum::<i64>(), 3, "{heads:?}");
    let r = store.audit_check_heads(&heads).await.unwrap();
    assert!(r.ok && r.rows == 3, "{r:?}");
    // Rows added after the checkpoint are fine.
    store.upsert_office("admin", &office("14", None)).await.unwrap();
    assert!(store.audit_check_heads(&heads).await.unwrap().ok);

    let t = raw(&url);
    t.drop_guards().await;
    // The last row of the longest chain is deleted: the chain still
    // verifies on its own, the checkpoint shows the cut.
    let longest = heads.iter().max_by_key(|h| h.seq).unwrap().clone();
    let now = store.audit_heads().await.unwrap();
    let last = now.iter().find(|h| h.chain == longest.chain).unwrap().seq;
    t.exec(&format!("DELETE FROM audit_log WHERE chain = {} AND seq >= {}", longest.chain, longest.seq))
        .await
        .unwrap();
    assert!(store.audit_verify().await.unwrap().ok);
    let r = store.audit_check_heads(&heads).await.unwrap();
    assert_eq!((r.ok, r.chain, r.broken_at), (false, longest.chain, Some(longest.seq)), "{r:?} {last}");
    assert!(r.reason.unwrap().contains("tail was deleted"));

    // The whole log is emptied and written again with fresh, valid hashes.
    t.exec("DELETE FROM audit_log").await.unwrap();
    let empty = store.audit_check_heads(&heads).await.unwrap();
    assert!(!empty.ok && empty.reason.unwrap().contains("holds 0 rows"), "emptied log passed");
    for code in ["11", "12", "13"] {
        store.upsert_office("admin", &office(code, None)).await.unwrap();
    }
    assert!(store.audit_verify().await.unwrap().ok, "a rewritten chain is self-consistent");
    let r = store.audit_check_heads(&heads).await.unwrap();
    assert!(!r.ok && r.reason.as_deref().unwrap().contains("rewritten"), "{r:?}");
});

contract!(the_test_databases_are_durable, |store, url| {
    let settings = store.durability().await.unwrap();
    let names: Vec<&str> = settings.iter().map(|d| d.setting.as_str()).collect();
    let expected: &[&str] = if url.starts_with("sqlite:") {
        &["synchronous"]
    } else {
        &["fsync", "synchronous_commit", "full_page_writes"]
    };
    assert_eq!(names, expected);
    assert!(settings.iter().all(|d| d.durable), "{settings:?}");
});

contract!(a_chain_moved_to_another_number_does_not_verify, |store, url| {
    store.upsert_office("admin", &office("11", None)).await.unwrap();
    store.upsert_office("admin", &office("11", None)).await.unwrap();
    let t = raw(&url);
    t.drop_guards().await;
    // Every row moved together: each still points at its predecessor, but
    // the hash covers the chain's number.
    t.exec("UPDATE audit_log SET chain = chain + 100").await.unwrap();
    let r = store.audit_verify().await.unwrap();
    assert!(!r.ok && r.reason.unwrap().contains("altered"), "moved chain passed");
});

contract!(audit_verify_finds_an_edited_and_a_deleted_row, |store, url| {
    // Four changes of one office: one object, so one chain (PostgreSQL has
    // several chains, by object).
    for name in ["A", "B", "C", "D"] {
        store.upsert_office("admin", &Office { name: name.into(), ..office("11", None) }).await.unwrap();
    }
    for code in ["12", "13", "14"] {
        store.upsert_office("admin", &office(code, None)).await.unwrap();
    }
    let rows = store.audit_entries(0, 100).await.unwrap();
    let chain = rows.iter().find(|e| e.object == "11").unwrap().chain;
    let seq_of =
        |name: &str| rows.iter().find(|e| e.object == "11" && e.detail.contains(name)).map(|e| e.seq);
    let (second, third) = (seq_of("\"B\"").unwrap(), seq_of("\"C\"").unwrap());
    let t = raw(&url);
    // Someone with database access removes the guard and edits a row.
    t.drop_guards().await;
    t.exec(&format!("UPDATE audit_log SET actor = 'intruder' WHERE chain = {chain} AND seq = {second}"))
        .await
        .unwrap();
    let r = store.audit_verify().await.unwrap();
    assert_eq!((r.ok, r.chain, r.broken_at), (false, chain, Some(second)), "{r:?}");
    assert!(r.reason.unwrap().contains("altered"));
    t.exec(&format!("DELETE FROM audit_log WHERE chain = {chain} AND seq = {second}")).await.unwrap();
    let r = store.audit_verify().await.unwrap();
    assert_eq!((r.ok, r.broken_at), (false, Some(third)), "{r:?}");
    assert!(r.reason.unwrap().contains("missing"));
});

/// Raw SQL on a test database, to play an intruder who bypasses the app.
struct RawConn(String);

fn raw(url: &str) -> RawConn {
    RawConn(url.to_string())
}

impl RawConn {
    async fn exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        if self.0.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.0).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
        } else {
            let mut c = sqlx::PgConnection::connect(&self.0).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
        }
        Ok(())
    }

    async fn drop_guards(&self) {
        let sql = if self.0.starts_with("sqlite:") {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        } else {
            "DROP TRIGGER audit_log_no_change ON audit_log; DROP TRIGGER audit_log_no_statement ON audit_log; \
             DROP TRIGGER audit_log_no_truncate ON audit_log;"
        };
        self.exec(sql).await.unwrap();
    }
}

async fn case_fixture(store: &Arc<dyn Store>) {
    store.upsert_office("test", &office("16", None)).await.unwrap();
    store.upsert_office("test", &office("16.06", Some("16"))).await.unwrap();
    let s = StoredStandard { office: "16.06".into(), slug: "ktp-el".into(), ..standard(1, "x") };
    store.put_standard("test", &s).await.unwrap();
}

fn new_case(code: &str, actor: &str, step_due: Option<i64>) -> store::NewCase {
    store::NewCase {
        tracking_code: code.into(),
        office: "16.06".into(),
        service: "ktp-el".into(),
        standard_version: 1,
        channel: "counter".into(),
        status: domain::Status::Submitted,
        current_step: Some("2".into()),
        current_actor: Some(actor.into()),
        applicant_name: "Siti".into(),
        applicant: domain::Applicant {
            name: "Siti".into(),
            nik: Some("1606015708900001".into()),
            phone: None,
            email: None,
            organisation: None,
        },
        fields: "{}".into(),
        created_by: "op".into(),
        created_at: now_ms(),
        files: Vec::new(),
        service_started_at: None,
        due_at: None,
        step_started_at: Some(0),
        step_due_at: step_due,
        institution_id: None,
        parent_id: None,
        linked_from: None,
        agreement_id: None,
        duty_period: None,
    }
}

fn upd(ch: &store::CaseChange) -> store::CaseUpdate {
    store::CaseUpdate { change: ch.clone(), journal: journal("advance", "in_progress"), ..Default::default() }
}

fn journal(action: &str, to: &str) -> store::NewJournal {
    store::NewJournal {
        actor: "op".into(),
        action: action.into(),
        to_status: to.into(),
        ..Default::default()
    }
}

contract!(cases_change_only_at_the_expected_version, |store, url| {
    case_fixture(&store).await;
    let c = store
        .create_case(
            &new_case("AAAA", "operator", Some(1000)),
            &[journal("submit", "submitted")],
            &[],
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!((c.version, c.status.as_str()), (1, "submitted"));
    let mut ch = store::CaseChange::from_case(&c);
    ch.status = domain::Status::InProgress;
    ch.current_step = Some("3".into());
    let c2 = store.update_case(c.id, 1, upd(&ch)).await.unwrap();
    assert_eq!((c2.version, c2.current_step.as_deref()), (2, Some("3")));
    let stale = store.update_case(c.id, 1, upd(&ch)).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    let j = store.journal(c.id).await.unwrap();
    assert_eq!(j.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["submit", "advance"]);
    assert_eq!(store.case_by_tracking("AAAA").await.unwrap().unwrap().version, 2);
    assert!(
        store.create_case(&new_case("AAAA", "operator", None), &[], &[], Vec::new()).await.is_err(),
        "duplicate tracking code"
    );
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(a_step_that_hands_on_opens_its_linked_case_in_the_same_transaction, |store, url| {
    case_fixture(&store).await;
    let c = store
        .create_case(&new_case("FROM", "operator", None), &[journal("submit", "submitted")], &[], Vec::new())
        .await
        .unwrap();
    let linked = |code: &str| {
        let mut case = new_case(code, "operator", None);
        case.linked_from = Some(c.id);
        Some(Box::new(store::CaseCreate {
            case,
            journal: vec![journal("submit", "submitted")],
            notes: Vec::new(),
            docs: Vec::new(),
        }))
    };
    let mut ch = store::CaseChange::from_case(&c);
    ch.current_step = Some("3".into());
    // A stale step writes neither the step nor the linked case.
    let stale = store.update_case(c.id, 7, store::CaseUpdate { linked: linked("LOST"), ..upd(&ch) }).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    assert!(store.case_by_tracking("LOST").await.unwrap().is_none());
    store.update_case(c.id, 1, store::CaseUpdate { linked: linked("TO"), ..upd(&ch) }).await.unwrap();
    let to = store.linked_cases(c.id).await.unwrap();
    assert_eq!(to.iter().map(|k| k.tracking_code.as_str()).collect::<Vec<_>>(), ["TO"]);
    assert_eq!(to[0].linked_from, Some(c.id));
    assert_eq!(store.journal(to[0].id).await.unwrap().len(), 1);
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(concurrent_actions_on_one_version_have_one_winner, |store, url| {
    case_fixture(&store).await;
    let c = store.create_case(&new_case("BBBB", "operator", None), &[], &[], Vec::new()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = store.clone();
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut ch = store::CaseChange::from_case(&c);
            ch.current_step = Some(format!("s{i}"));
            store.update_case(c.id, 1, upd(&ch)).await.is_ok()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    assert_eq!(store.journal(c.id).await.unwrap().len(), 1);
    assert_eq!(store.case(c.id).await.unwrap().unwrap().version, 2);
});

contract!(worklists_filter_by_actor_office_and_order_by_due_time, |store, url| {
    case_fixture(&store).await;
    store.create_case(&new_case("C1", "verifikator", Some(3000)), &[], &[], Vec::new()).await.unwrap();
    store.create_case(&new_case("C2", "verifikator", Some(1000)), &[], &[], Vec::new()).await.unwrap();
    store.create_case(&new_case("C3", "verifikator", None), &[], &[], Vec::new()).await.unwrap();
    store.create_case(&new_case("C4", "operator", Some(10)), &[], &[], Vec::new()).await.unwrap();
    let q = store::WorklistQuery {
        office: "16.06".into(),
        actors: vec!["verifikator".into()],
        username: "nobody".into(),
        limit: 2,
        ..Default::default()
    };
    let list = store.worklist(&q).await.unwrap();
    assert_eq!(list.total, 3);
    assert_eq!(list.per_service, [("ktp-el".to_string(), 3)]);
    assert_eq!(list.cases.iter().map(|c| c.tracking_code.as_str()).collect::<Vec<_>>(), ["C2", "C1"]);
    let page2 = store.worklist(&store::WorklistQuery { offset: 2, ..q.clone() }).await.unwrap();
    assert_eq!(page2.cases[0].tracking_code, "C3", "untimed steps come last");
    let other = store::WorklistQuery { office: "16".into(), ..q.clone() };
    assert_eq!(store.worklist(&other).await.unwrap().total, 0);
    // A case assigned to the user joins their list once, even when their
    // role also holds it; a service filter narrows the total only.
    let c5 = store.create_case(&new_case("C5", "operator", Some(5)), &[], &[], Vec::new()).await.unwrap();
    let c2 = store.case_by_tracking("C2").await.unwrap().unwrap();
    for c in [&c5, &c2] {
        let mut ch = store::CaseChange::from_case(c);
        ch.assignee = Some("verif.a".into());
        store.update_case(c.id, c.version, upd(&ch)).await.unwrap();
    }
    let mine = store::WorklistQuery { username: "verif.a".into(), ..q.clone() };
    let list = store.worklist(&mine).await.unwrap();
    assert_eq!(list.total, 4);
    assert_eq!(list.cases.iter().map(|c| c.tracking_code.as_str()).collect::<Vec<_>>(), ["C5", "C2"]);
    let none = store::WorklistQuery { service: Some("other".into()), ..mine.clone() };
    let list = store.worklist(&none).await.unwrap();
    assert_eq!((list.total, list.cases.len(), list.per_service.len()), (0, 0, 1));
    let counts = store.open_case_counts("16.06").await.unwrap();
    assert_eq!(counts.iter().map(|c| c.3).sum::<i64>(), 5);
});

contract!(worklists_sort_by_the_nearest_clock_of_any_kind, |store, url| {
    case_fixture(&store).await;
    store.create_case(&new_case("S1", "verifikator", Some(3000)), &[], &[], Vec::new()).await.unwrap();
    // Its step is untimed, but the service is due at 2000.
    let service_only = store::NewCase {
        service_started_at: Some(0),
        due_at: Some(2000),
        ..new_case("S2", "verifikator", None)
    };
    store.create_case(&service_only, &[], &[], Vec::new()).await.unwrap();
    // Its step is due at 4000, its service sooner, at 1000.
    let both = store::NewCase {
        service_started_at: Some(0),
        due_at: Some(1000),
        ..new_case("S3", "verifikator", Some(4000))
    };
    let s3 = store.create_case(&both, &[], &[], Vec::new()).await.unwrap();
    store.create_case(&new_case("S4", "verifikator", None), &[], &[], Vec::new()).await.unwrap();
    let q = store::WorklistQuery {
        office: "16.06".into(),
        actors: vec!["verifikator".into()],
        username: "nobody".into(),
        limit: 10,
        ..Default::default()
    };
    let codes = |l: store::WorklistPage| l.cases.iter().map(|c| c.tracking_code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(store.worklist(&q).await.unwrap()), ["S3", "S2", "S1", "S4"]);
    // Paused (waiting for the applicant), S3 has no running clock: last.
    let mut ch = store::CaseChange::from_case(&s3);
    ch.paused_at = Some(500);
    store.update_case(s3.id, s3.version, upd(&ch)).await.unwrap();
    assert_eq!(codes(store.worklist(&q).await.unwrap()), ["S2", "S1", "S3", "S4"]);
});

contract!(an_escalation_fires_once_even_when_raced, |store, url| {
    case_fixture(&store).await;
    let c = store.create_case(&new_case("DDDD", "operator", Some(100)), &[], &[], Vec::new()).await.unwrap();
    assert_eq!(store.cases_to_escalate(79, 10).await.unwrap().len(), 0);
    assert_eq!(store.cases_to_escalate(80, 10).await.unwrap().len(), 1);
    let note = store::NewNotification {
        office: "16.06".into(),
        channel: "staff".into(),
        recipient: "verifikator@16.06".into(),
        subject: "late".into(),
        body: "b".into(),
    };
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (store, note) = (store.clone(), note.clone());
        tasks.push(tokio::spawn(async move {
            let level = store::Escalation {
                clock: "2".into(),
                level: 1,
                journal: journal("escalate", "submitted"),
                notes: vec![note],
            };
            store.escalate(&[one(c.id, c.version, &[level], Some(101))]).await.unwrap()
        }));
    }
    let mut fired = 0;
    for t in tasks {
        fired += t.await.unwrap();
    }
    assert_eq!(fired, 1);
    assert_eq!(store.case_notifications(c.id).await.unwrap().len(), 1);
    assert_eq!(store.notifications("16.06", 10).await.unwrap()[0].status, "pending");
    let level2 = store::Escalation {
        clock: "2".into(),
        level: 2,
        journal: journal("escalate", "submitted"),
        notes: vec![],
    };
    assert_eq!(
        store.escalate(&[one(c.id, c.version, std::slice::from_ref(&level2), Some(201))]).await.unwrap(),
        1
    );
    // Rescheduled to its next moment, the case leaves the sweep until then;
    // a stale version leaves the time its newer action set.
    assert_eq!(store.cases_to_escalate(200, 10).await.unwrap().len(), 0);
    assert_eq!(store.cases_to_escalate(201, 10).await.unwrap().len(), 1);
    // A level fired before is not written again; a stale version leaves
    // the time its newer action set.
    assert_eq!(
        store.escalate(&[one(c.id, c.version + 1, std::slice::from_ref(&level2), None)]).await.unwrap(),
        0
    );
    assert_eq!(store.cases_to_escalate(201, 10).await.unwrap().len(), 1);
    store.escalate(&[one(c.id, c.version, &[], None)]).await.unwrap();
    assert_eq!(store.cases_to_escalate(i64::MAX, 10).await.unwrap().len(), 0);
    // An action puts the new step's first moment in place.
    let mut ch = store::CaseChange::from_case(&c);
    (ch.step_started_at, ch.step_due_at) = (Some(1000), Some(2000));
    store.update_case(c.id, c.version, upd(&ch)).await.unwrap();
    assert_eq!(store.cases_to_escalate(1799, 10).await.unwrap().len(), 0);
    assert_eq!(store.cases_to_escalate(1800, 10).await.unwrap().len(), 1);
});

contract!(case_files_are_listed_and_audited, |store, url| {
    case_fixture(&store).await;
    let c = store.create_case(&new_case("EEEE", "operator", None), &[], &[], Vec::new()).await.unwrap();
    let f = store::NewCaseFile {
        requirement: "f102".into(),
        filename: "f102.pdf".into(),
        content_type: "application/pdf".into(),
        size: 10,
        sha256: "ab".into(),
        uploaded_by: "op".into(),
    };
    store.add_case_file(c.id, &f).await.unwrap();
    assert_eq!(store.case_files(c.id).await.unwrap()[0].filename, "f102.pdf");
    assert!(store.audit_entries(0, 100).await.unwrap().iter().any(|a| a.action == "case.file"));
});

fn draft(code: String, fail: bool) -> store::DocumentDraft {
    store::DocumentDraft {
        code,
        office: "16.06".into(),
        case_id: None,
        doc_type: "skk".into(),
        year: 2026,
        holder: "S*** A*****".into(),
        actor: "op".into(),
        content: "{}".into(),
        make: Box::new(move |seq| {
            if fail {
                return Err("signing failed".into());
            }
            Ok(store::Made { number: format!("470/{seq}/SKK/2026"), payload: "v1.x.y".into() })
        }),
    }
}

contract!(fifty_concurrent_issuers_get_fifty_consecutive_numbers, |store, url| {
    case_fixture(&store).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.issue_document(draft(format!("CODE{i:04}"), false)).await.unwrap().seq
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=50).collect::<Vec<i64>>());
    // A failed issue rolls back and leaves no gap.
    assert!(store.issue_document(draft("FAIL".into(), true)).await.is_err());
    assert_eq!(store.issue_document(draft("NEXT".into(), false)).await.unwrap().number, "470/51/SKK/2026");
    assert!(store.document("FAIL").await.unwrap().is_none());
    // Revocation happens once and is audited.
    let r = store.revoke_document("NEXT", "kadin", "salah ketik nama").await.unwrap();
    assert_eq!(r.revoke_reason.as_deref(), Some("salah ketik nama"));
    assert!(matches!(store.revoke_document("NEXT", "kadin", "again").await, Err(StoreError::Conflict(_))));
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(bench_cases_are_generated_by_the_database, |store, url| {
    case_fixture(&store).await;
    // The bench's own methods: a second handle on the same database.
    let bench = store::connect_bench(&url).await.unwrap();
    let steps = vec![("2".to_string(), "operator".to_string()), ("3".to_string(), "verifikator".to_string())];
    let fill = store::CaseFill {
        office: "16.06".into(),
        service: "ktp-el".into(),
        version: 1,
        channel: "counter".into(),
        steps,
        first: 1,
        count: 10,
        now: 1_000_000,
        spread_ms: 10_000,
    };
    assert_eq!(bench.bench_fill_cases(&fill).await.unwrap(), 10);
    let q = store::WorklistQuery {
        office: "16.06".into(),
        actors: vec!["verifikator".into()],
        username: "nobody".into(),
        limit: 100,
        ..Default::default()
    };
    let list = store.worklist(&q).await.unwrap();
    assert_eq!(list.total, 5);
    assert!(
        list.cases
            .iter()
            .all(|c| c.current_step.as_deref() == Some("3") && c.status == domain::Status::InProgress)
    );
    let b7 = store.case_by_tracking("B7").await.unwrap().unwrap();
    let journal = store.journal(b7.id).await.unwrap();
    assert_eq!((journal.len(), journal[0].action.as_str()), (1, "submit"), "each case has its journal row");
    assert_eq!(b7.applicant.name, "Pemohon", "the generated applicant reads back");
    // The generated audit rows sit on a chain of their own.
    assert!(store.audit_chains().await.unwrap().contains(&99));
    // First escalation moments lie in the window after `now`, and agree
    // with each case's step times.
    assert!(store.cases_to_escalate(1_000_999, 100).await.unwrap().is_empty());
    let all = store.cases_to_escalate(1_011_000, 100).await.unwrap();
    assert_eq!(all.len(), 10);
    for c in &all {
        let first = domain::sla::escalation_at(c.step_started_at.unwrap(), c.step_due_at.unwrap(), 1);
        assert!((1_001_000..=1_011_000).contains(&first), "{first}");
        assert_eq!(
            store.cases_to_escalate(first - 1, 100).await.unwrap().iter().filter(|x| x.id == c.id).count(),
            0
        );
    }
    bench.bench_prepare().await.unwrap();
    bench.bench_raw_insert("x").await.unwrap();
});

/// Reports and dashboards read from the configured replica: here a second
/// database standing in for one (this machine has no streaming replica),
/// holding cases the primary has not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_read_from_the_replica_postgres() {
    let (Some(primary), Some(replica)) = (testing::postgres().await, testing::postgres().await) else {
        return;
    };
    case_fixture(&replica.store).await;
    replica.store.create_case(&new_case("R1", "operator", None), &[], &[], Vec::new()).await.unwrap();
    case_fixture(&primary.store).await;
    let both = store::connect_with_replica(&primary.url, Some(&replica.url)).await.unwrap();
    let counts = both.open_case_counts("16.06").await.unwrap();
    assert_eq!(counts.iter().map(|c| c.3).sum::<i64>(), 1, "counted on the replica");
    assert!(both.case_by_tracking("R1").await.unwrap().is_none(), "cases are read from the primary");
    let sqlite = testing::sqlite().await;
    assert!(store::connect_with_replica(&sqlite.url, Some(&replica.url)).await.is_err());
}

/// One case's escalation for `Store::escalate`.
fn one(
    case_id: i64,
    version: i64,
    levels: &[store::Escalation],
    next_at: Option<i64>,
) -> store::CaseEscalation {
    store::CaseEscalation { case_id, version, levels: levels.to_vec(), next_at }
}

contract!(an_institution_registers_with_its_account_atomically_and_is_decided_once, |store, url| {
    case_fixture(&store).await;
    let inst = store::NewInstitution {
        office: "16.06".into(),
        name: "PT Bank Uji".into(),
        kind: domain::InstitutionKind::Swasta,
        legal_basis: "Akta 1/2020".into(),
        address: "Sekayu".into(),
        officer_name: "Rina".into(),
        officer_position: "Kepatuhan".into(),
        email: "rina@bank.example".into(),
        phone: "0714 1".into(),
    };
    let mut account = user("bank.uji", "16.06");
    account.role = Role::Lembaga;
    let (i, u) = store.register_institution(&inst, &account).await.unwrap();
    assert_eq!((i.status.as_str(), u.institution_id, u.role), ("pending", Some(i.id), Role::Lembaga));
    // A taken username leaves no institution behind.
    assert!(matches!(store.register_institution(&inst, &account).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.institutions("16.06").await.unwrap().len(), 1);
    // Its verification case decides it, once.
    let c = store.create_case(&new_case("VERIF", "verifikator", None), &[], &[], Vec::new()).await.unwrap();
    store.set_institution_case(i.id, c.id).await.unwrap();
    assert_eq!(store.institution_of_case(c.id).await.unwrap().map(|x| x.id), Some(i.id));
    let decided = store.decide_institution("verif", c.id, true).await.unwrap().unwrap();
    assert_eq!(decided.status, "verified");
    assert!(decided.decided_at.is_some());
    assert!(store.decide_institution("verif", c.id, false).await.unwrap().is_none(), "decided twice");
    // Its own cases.
    let mut own = new_case("OWN", "verifikator", None);
    own.institution_id = Some(i.id);
    let own = store.create_case(&own, &[], &[], Vec::new()).await.unwrap();
    let ids: Vec<_> = store.institution_cases(i.id, 10).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, [own.id]);
    let actions: Vec<String> =
        store.audit_entries(0, 100).await.unwrap().into_iter().map(|a| a.action).collect();
    assert!(
        actions.contains(&"institution.register".into()) && actions.contains(&"institution.verified".into())
    );
});

contract!(an_access_code_is_used_once_within_its_tries, |store, url| {
    case_fixture(&store).await;
    let note = store::NewNotification {
        office: "16.06".into(),
        channel: "email".into(),
        recipient: "a@b.id".into(),
        subject: "Kode akses".into(),
        body: "123456".into(),
    };
    let code = store::NewAccessCode {
        nik_key: "k".into(),
        code_hash: "right".into(),
        sent_to: "a@b.id".into(),
        expires_at: now_ms() + 60_000,
    };
    store.issue_access_code(&code, &note).await.unwrap();
    assert_eq!(store.notifications("16.06", 10).await.unwrap().len(), 1, "its message is queued with it");
    let now = now_ms();
    assert_eq!(store.use_access_code("k", "wrong", now, 2).await.unwrap(), None);
    assert_eq!(store.use_access_code("k", "right", now, 2).await.unwrap().as_deref(), Some("a@b.id"));
    assert_eq!(store.use_access_code("k", "right", now, 2).await.unwrap(), None, "used twice");
    store.issue_access_code(&code, &note).await.unwrap();
    for _ in 0..2 {
        assert_eq!(store.use_access_code("k", "wrong", now, 2).await.unwrap(), None);
    }
    assert_eq!(store.use_access_code("k", "right", now, 2).await.unwrap(), None, "past its tries");
    store.issue_access_code(&code, &note).await.unwrap();
    assert_eq!(store.use_access_code("k", "right", now + 61_000, 2).await.unwrap(), None, "expired");
    // A person's cases by NIK.
    store.create_case(&new_case("MINE", "operator", None), &[], &[], Vec::new()).await.unwrap();
    assert_eq!(store.applicant_cases("1606015708900001", 10).await.unwrap().len(), 1);
    assert!(store.applicant_cases("1606015708900002", 10).await.unwrap().is_empty());
    assert!(store.applicant_cases("%", 10).await.unwrap().is_empty(), "no pattern from outside");
});

fn movement(office: &str, kind: &str, sign: i64, quantity: i64) -> store::NewMovement {
    store::NewMovement {
        office: office.into(),
        kind: kind.into(),
        quantity,
        sign,
        reason: "uji".into(),
        source_document: "BAST 1".into(),
        actor: "op".into(),
        at: now_ms(),
        ..Default::default()
    }
}

contract!(the_stock_ledger_derives_its_balance_and_never_goes_below_zero, |store, url| {
    store.upsert_office("test", &office("73", None)).await.unwrap();
    store.upsert_office("test", &office("73.09", Some("73"))).await.unwrap();
    assert_eq!(store.stock_balance("73").await.unwrap(), 0);
    store.record_movements(&[movement("73", "receipt", 1, 1000)]).await.unwrap();
    // A transfer moves both offices at once; one that cannot be covered
    // moves neither.
    let transfer = |n: i64| {
        [movement("73", "transfer_out", -1, n), movement("73.09", "transfer_in", 1, n)]
            .map(|mut m| {
                m.counterpart = Some(if m.office == "73" { "73.09" } else { "73" }.into());
                m
            })
            .to_vec()
    };
    store.record_movements(&transfer(400)).await.unwrap();
    let e = store.record_movements(&transfer(601)).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("600")), "{e}");
    assert_eq!(
        (store.stock_balance("73").await.unwrap(), store.stock_balance("73.09").await.unwrap()),
        (600, 400)
    );
    // The ledger sums: each row's balance is the sum of the deltas so far.
    let rows = store.stock_movements("73", None, 100).await.unwrap();
    assert_eq!(rows.iter().map(|m| m.delta).sum::<i64>(), rows[0].balance_after);
    assert_eq!(rows.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>(), ["transfer_out", "receipt"]);
    // Concurrent movements cannot overdraw: 40 takes of 20 from 600 leave 0.
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.record_movements(&[movement("73", "printed", -1, 20)]).await.is_ok()
        }));
    }
    let mut taken = 0;
    for t in tasks {
        taken += usize::from(t.await.unwrap());
    }
    assert_eq!((taken, store.stock_balance("73").await.unwrap()), (30, 0));
    let rows = store.stock_movements("73", None, 100).await.unwrap();
    assert_eq!(rows.len(), 32);
    assert!(rows.windows(2).all(|w| w[0].balance_after == w[1].balance_after + w[0].delta));
    // Append-only, and every movement is in the verified audit chain.
    let t = raw(&url);
    assert!(t.exec("UPDATE stock_movements SET quantity = 1").await.is_err());
    assert!(t.exec("DELETE FROM stock_movements").await.is_err());
    let overview = store.stock_overview("73", 0).await.unwrap();
    assert_eq!(overview, [("73".to_string(), 0, 600), ("73.09".to_string(), 400, 0)]);
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(twenty_bookings_of_a_slot_of_five_give_five, |store, url| {
    case_fixture(&store).await;
    let slot = store::NewSlot {
        office: "16.06".into(),
        service: "ktp-el".into(),
        starts_at: now_ms() + 86_400_000,
        minutes: 30,
        capacity: 5,
        meeting_link: "https://zoom.us/j/1".into(),
        created_by: "op".into(),
    };
    let same_time = slot.clone();
    let slot = store.create_slot(&slot).await.unwrap();
    assert!(matches!(store.create_slot(&same_time).await, Err(StoreError::Conflict(_))), "one slot per time");
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = store.clone();
        let c = store
            .create_case(&new_case(&format!("SL{i:02}"), "operator", None), &[], &[], Vec::new())
            .await
            .unwrap();
        tasks.push(tokio::spawn(async move {
            let note = store::NewNotification {
                office: "16.06".into(),
                channel: "whatsapp".into(),
                recipient: "0812".into(),
                subject: "Jadwal".into(),
                body: "tautan".into(),
            };
            store.book_slot(slot.id, c.id, &journal("booking", "submitted"), &[note]).await.is_ok()
        }));
    }
    let mut booked = 0;
    for t in tasks {
        booked += usize::from(t.await.unwrap());
    }
    assert_eq!(booked, 5);
    assert_eq!(store.slot(slot.id).await.unwrap().unwrap().booked, 5);
    let listed = store.slots("16.06", "ktp-el", now_ms(), 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    // A booked case cannot book again, even in a slot with room.
    let roomy = store::NewSlot { starts_at: now_ms() + 2 * 86_400_000, capacity: 9, ..Default::default() };
    let roomy = store
        .create_slot(&store::NewSlot {
            office: "16.06".into(),
            service: "ktp-el".into(),
            minutes: 30,
            meeting_link: "https://x".into(),
            created_by: "op".into(),
            ..roomy
        })
        .await
        .unwrap();
    let mut booked_case = None;
    for i in 0..20 {
        let c = store.case_by_tracking(&format!("SL{i:02}")).await.unwrap().unwrap();
        if store.booking_of_case(c.id).await.unwrap().is_some() {
            booked_case = Some(c.id);
        }
    }
    let again = store.book_slot(roomy.id, booked_case.unwrap(), &journal("booking", "submitted"), &[]).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.slot(roomy.id).await.unwrap().unwrap().booked, 0, "rolled back whole");
    assert!(store.audit_verify().await.unwrap().ok);
});

contract!(survey_responses_add_up_per_service_and_once_per_case, |store, url| {
    case_fixture(&store).await;
    let case = store
        .create_case(&new_case("SURVEY01", "operator", None), &[journal("submit", "submitted")], &[], vec![])
        .await
        .unwrap();
    let response = |case_id: Option<i64>, answers: [u8; 9], sex: &str, at: i64| store::NewSurvey {
        office: "16.06".into(),
        service: "ktp-el".into(),
        case_id,
        channel: if case_id.is_some() { "case" } else { "web" }.into(),
        answers,
        sex: sex.into(),
        age_band: "21-30".into(),
        education: "s1".into(),
        occupation: "pns".into(),
        comment: Some(format!("komentar {at}")),
        entered_by: None,
        at,
    };
    store.add_survey(&response(Some(case.id), [4; 9], "p", 1_000)).await.unwrap();
    let again = store.add_survey(&response(Some(case.id), [1; 9], "l", 1_001)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(store.case_surveyed(case.id).await.unwrap());
    store.add_survey(&response(None, [1, 2, 3, 4, 1, 2, 3, 4, 1], "l", 2_000)).await.unwrap();
    store.add_survey(&response(None, [2; 9], "l", 9_000)).await.unwrap();
    let t = store.survey_tallies("16.06", 0, 5_000).await.unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].service.as_str(), t[0].respondents), ("ktp-el", 2));
    assert_eq!(t[0].sums(), [5, 6, 7, 8, 5, 6, 7, 8, 5]);
    let profile = store.survey_profile("16.06", Some("ktp-el"), 0, 10_000).await.unwrap();
    let sex: Vec<_> =
        profile.iter().filter(|p| p.question == "sex").map(|p| (p.value.as_str(), p.respondents)).collect();
    assert_eq!(sex, [("l", 2), ("p", 1)]);
    assert_eq!(profile.iter().filter(|p| p.question == "education").map(|p| p.respondents).sum::<i64>(), 3);
    let comments = store.survey_comments("16.06", None, 0, 10_000, 2).await.unwrap();
    assert_eq!(comments, ["komentar 9000", "komentar 2000"]);
    assert_eq!(store.cases_per_service("16.06", 0, i64::MAX).await.unwrap(), [("ktp-el".to_string(), 1)]);
    // An answer outside 1-4 never reaches the table.
    assert!(store.add_survey(&response(None, [5; 9], "l", 3_000)).await.is_err());
});
