//! Where a step's clock stands, in one place: the moments it escalates
//! (80 % of its time used, past due, past twice its time) and the badge a
//! person sees. Times are milliseconds since the epoch.

/// The moment a step of `started`..`due` reaches escalation `level`:
/// 1 when 80% of its time is used, 2 once it is past due, 3 once it is past
/// twice its time.
pub fn escalation_at(started: i64, due: i64, level: i32) -> i64 {
    let span = (due - started).max(0);
    match level {
        1 => started + span * 4 / 5,
        2 => due + 1,
        _ => due + span + 1,
    }
}

/// The highest escalation level a step has reached at `now` (0: none).
pub fn escalation_level(started: i64, due: i64, now: i64) -> i32 {
    (1..=3).take_while(|&l| escalation_at(started, due, l) <= now).last().unwrap_or(0)
}

/// How a due time stands, for badges: `on_time`, `due_soon` (the first
/// escalation moment has come), `overdue`, `paused` or `untimed`.
pub fn state(started: Option<i64>, due: Option<i64>, paused: bool, now: i64) -> &'static str {
    match (paused, started, due) {
        (true, _, _) => "paused",
        (_, _, None) => "untimed",
        (_, _, Some(d)) if now > d => "overdue",
        (_, Some(s), Some(d)) if now >= escalation_at(s, d, 1) => "due_soon",
        _ => "on_time",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_follow_the_escalation_moments() {
        assert_eq!(state(Some(0), Some(100), false, 50), "on_time");
        assert_eq!(state(Some(0), Some(100), false, 80), "due_soon");
        assert_eq!(state(Some(0), Some(100), false, 101), "overdue");
        assert_eq!(state(Some(0), None, false, 101), "untimed");
        assert_eq!(state(Some(0), Some(100), true, 500), "paused");
    }

    #[test]
    fn escalation_levels_grow_with_lateness() {
        assert_eq!(escalation_level(0, 100, 79), 0);
        assert_eq!(escalation_level(0, 100, 80), 1);
        assert_eq!(escalation_level(0, 100, 100), 1);
        assert_eq!(escalation_level(0, 100, 101), 2);
        assert_eq!(escalation_level(0, 100, 200), 2);
        assert_eq!(escalation_level(0, 100, 201), 3);
    }
}
