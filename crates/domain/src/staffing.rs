//! The staffing model: given how often applications reach a step and how
//! long staff take on it (both in working time), how long do applications
//! wait for a free officer, how many are taken up within the standard's
//! time, and how many officers reach a target share. Erlang C (M/M/c)
//! answers when step times are roughly exponential; where they are far
//! from it (a coefficient of variation outside 0.5–1.5) a simulation of the
//! same queue draws the observed step times instead (M/G/c).
//!
//! Assumptions, which the dashboard states: arrivals are independent
//! (Poisson) at the average rate of the period; one queue per step served
//! first come, first served by interchangeable officers; working time only
//! (the clock stops outside office hours, so a day's queue carries over);
//! nobody leaves the queue.

use serde::Serialize;

/// P(wait > 0) for offered load `a` (Erlangs) on `c` servers: Erlang C,
/// through the Erlang B recursion (stable for hundreds of servers). `None`
/// when `c <= a`: the queue grows without bound.
pub fn erlang_c(a: f64, c: u32) -> Option<f64> {
    if a.is_nan() || a < 0.0 || f64::from(c) <= a {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let c = f64::from(c);
    Some(c * b / (c - a * (1.0 - b)))
}

/// The share of arrivals whose wait is at most `target` (same unit as
/// `service`, the mean step time): 1 − C · e^(−(c − a)·target / service).
pub fn service_level(a: f64, c: u32, service: f64, target: f64) -> Option<f64> {
    let p = erlang_c(a, c)?;
    Some(1.0 - p * (-(f64::from(c) - a) * target / service).exp())
}

/// The mean wait (same unit as `service`): C · service / (c − a).
pub fn mean_wait(a: f64, c: u32, service: f64) -> Option<f64> {
    Some(erlang_c(a, c)? * service / (f64::from(c) - a))
}

/// What the model says of one step.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Offered load in officers kept busy on average (Erlangs).
    pub load: f64,
    /// Busy share of today's officers; 1 or more: the queue grows.
    pub occupancy: f64,
    /// Share of applications that wait at all (none when overloaded).
    pub p_wait: Option<f64>,
    /// Mean wait in working minutes.
    pub mean_wait_minutes: Option<f64>,
    /// Share taken up within the target wait.
    pub within_target: Option<f64>,
    /// The fewest officers that reach the target share.
    pub fewest_staff: Option<u32>,
    /// `erlang_c`, or `simulation` when step times are far from exponential.
    pub method: &'static str,
}

/// One step's inputs: arrivals per working minute, the observed step
/// times (working minutes), today's officers, the longest acceptable wait
/// (working minutes) and the share that must not wait longer.
#[derive(Debug, Clone)]
pub struct StepLoad<'a> {
    pub arrivals_per_minute: f64,
    pub times: &'a [f64],
    pub staff: u32,
    pub target_wait: f64,
    pub target_share: f64,
}

/// The most officers the search for the fewest tries.
const MAX_STAFF: u32 = 200;

impl StepLoad<'_> {
    /// The model's answer for this step (`None` without observed times).
    pub fn outcome(&self) -> Option<Outcome> {
        let n = self.times.len() as f64;
        let mean = self.times.iter().sum::<f64>() / n;
        if self.times.is_empty() || mean.is_nan() || mean <= 0.0 {
            return None;
        }
        let sd = (self.times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / n).sqrt();
        let load = self.arrivals_per_minute * mean;
        let exponential = (0.5..=1.5).contains(&(sd / mean));
        let level = |c: u32| -> Option<f64> {
            if exponential {
                service_level(load, c, mean, self.target_wait)
            } else {
                simulate(self.arrivals_per_minute, self.times, c, self.target_wait).map(|s| s.within_target)
            }
        };
        let fewest =
            (load.floor() as u32 + 1..=MAX_STAFF).find(|c| level(*c).is_some_and(|l| l >= self.target_share));
        let (p_wait, mean_wait_minutes) = if exponential {
            (erlang_c(load, self.staff), mean_wait(load, self.staff, mean))
        } else {
            let s = simulate(self.arrivals_per_minute, self.times, self.staff, self.target_wait);
            (s.as_ref().map(|s| s.p_wait), s.as_ref().map(|s| s.mean_wait))
        };
        Some(Outcome {
            load,
            occupancy: if self.staff == 0 { f64::INFINITY } else { load / f64::from(self.staff) },
            p_wait,
            mean_wait_minutes,
            within_target: level(self.staff),
            fewest_staff: fewest,
            method: if exponential { "erlang_c" } else { "simulation" },
        })
    }
}

/// A simulation's measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    pub p_wait: f64,
    pub mean_wait: f64,
    pub within_target: f64,
}

/// The arrivals a simulation runs (after as many to warm up).
const SIMULATED: usize = 20_000;

/// M/G/c first come, first served: Poisson arrivals at `rate` per minute,
/// step times drawn from `times`, `c` officers. Deterministic (a fixed
/// seed), so a page shows the same figures on every load. `None` when
/// overloaded.
pub fn simulate(rate: f64, times: &[f64], c: u32, target: f64) -> Option<Simulated> {
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    if c == 0 || times.is_empty() || rate.is_nan() || rate <= 0.0 || rate * mean >= f64::from(c) {
        return None;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut free_at = vec![0.0f64; c as usize];
    let (mut now, mut waited, mut total_wait, mut within) = (0.0f64, 0usize, 0.0f64, 0usize);
    for i in 0..2 * SIMULATED {
        now += -(1.0 - rng.unit()).ln() / rate;
        let (slot, free) =
            free_at.iter().copied().enumerate().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or((0, 0.0));
        let start = now.max(free);
        let service = times[(rng.next() % times.len() as u64) as usize];
        free_at[slot] = start + service;
        if i >= SIMULATED {
            let wait = start - now;
            waited += usize::from(wait > 0.0);
            total_wait += wait;
            within += usize::from(wait <= target);
        }
    }
    let n = SIMULATED as f64;
    Some(Simulated { p_wait: waited as f64 / n, mean_wait: total_wait / n, within_target: within as f64 / n })
}

/// xorshift64*: enough randomness for a queue, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round3(x: f64) -> f64 {
        (x * 1000.0).round() / 1000.0
    }

    #[test]
    fn erlang_c_reproduces_the_textbook_call_centre() {
        // The classic worked example: 360 calls per half hour, 4 minutes
        // each (48 Erlangs), 55 agents, 15 seconds to answer: P(wait)
        // 0.2387, mean wait 8.18 s, service level 84.6 %.
        let a = 360.0 / 30.0 * 4.0;
        assert_eq!(a, 48.0);
        assert_eq!(round3(erlang_c(a, 55).unwrap()), 0.239);
        assert_eq!(round3(mean_wait(a, 55, 240.0).unwrap()), 8.184);
        assert_eq!(round3(service_level(a, 55, 240.0, 15.0).unwrap()), 0.846);
        // A customer a minute, 3 minutes each, 5 agents: 23.6 % wait.
        assert_eq!(round3(erlang_c(3.0, 5).unwrap()), 0.236);
        assert_eq!(erlang_c(48.0, 48), None, "as many agents as Erlangs: unstable");
        assert_eq!(erlang_c(1.0, 1), None);
    }

    #[test]
    fn the_fewest_staff_reach_the_target_and_one_fewer_does_not() {
        // Exponential-looking times (mean 20, sd 20): Erlang C.
        let times: Vec<f64> = (0..100).map(|i| if i % 2 == 0 { 0.0 } else { 40.0 }).collect();
        let step = StepLoad {
            arrivals_per_minute: 0.2,
            times: &times,
            staff: 2,
            target_wait: 15.0,
            target_share: 0.95,
        };
        let o = step.outcome().unwrap();
        assert_eq!((o.method, o.load), ("erlang_c", 4.0));
        assert!(o.p_wait.is_none() && o.occupancy == 2.0, "2 officers for a load of 4: overloaded");
        let c = o.fewest_staff.unwrap();
        assert!(service_level(4.0, c, 20.0, 15.0).unwrap() >= 0.95);
        assert!(service_level(4.0, c - 1, 20.0, 15.0).is_none_or(|l| l < 0.95), "{c} is the fewest");
    }

    #[test]
    fn near_constant_step_times_are_simulated_and_wait_less_than_erlang_c_says() {
        // Every step takes 10 minutes (no variation): M/D/c waits less than M/M/c.
        let times = [10.0; 50];
        let step = StepLoad {
            arrivals_per_minute: 0.25,
            times: &times,
            staff: 3,
            target_wait: 5.0,
            target_share: 0.9,
        };
        let o = step.outcome().unwrap();
        assert_eq!(o.method, "simulation");
        let exponential = mean_wait(2.5, 3, 10.0).unwrap();
        let simulated = o.mean_wait_minutes.unwrap();
        assert!(simulated < exponential && simulated > 0.3 * exponential, "{simulated} vs {exponential}");
        assert_eq!(step.outcome(), Some(o), "the same figures every time");
    }

    #[test]
    fn a_simulation_of_exponential_times_agrees_with_erlang_c() {
        // Exponential step times with mean 10 (quantiles of the distribution).
        let times: Vec<f64> = (0..1000).map(|i| -10.0 * (1.0 - (f64::from(i) + 0.5) / 1000.0).ln()).collect();
        let s = simulate(0.25, &times, 3, 5.0).unwrap();
        let p = erlang_c(2.5, 3).unwrap();
        assert!((s.p_wait - p).abs() < 0.05, "{} vs {p}", s.p_wait);
    }
}
