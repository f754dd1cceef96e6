//! The simulator's clock: the wall clock (the default, for demos) or a virtual clock that only
//! moves when told to (`--clock virtual`, for tests).
//!
//! Every instant of the simulated world is read from the [`Store`](crate::Store)'s clock: task
//! progress (§2), backup schedules, creation and update times. Under the virtual clock a task
//! whose time has not come stays `RUNNING` until a test advances the clock
//! (`POST /_sim/clock/advance {"seconds": S}`) or finishes the task
//! (`POST /_sim/tasks/{id}/finish`, `/fail`); nothing happens behind the test's back. The
//! virtual clock starts at the wall clock's time when the simulator starts, so timestamps look
//! like real ones.

use serde::{Deserialize, Serialize};

use crate::util;

/// Which clock the simulator runs on (`--clock wall|virtual`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockKind {
    /// Time passes by itself (the default).
    #[default]
    Wall,
    /// Time passes only through [`Clock::advance`].
    Virtual,
}

impl std::str::FromStr for ClockKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "wall" => Ok(ClockKind::Wall),
            "virtual" => Ok(ClockKind::Virtual),
            other => Err(format!(
                "invalid clock {other:?}: expected \"wall\" or \"virtual\""
            )),
        }
    }
}

/// The simulator's clock, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// `Some(now)` under the virtual clock.
    virtual_now: Option<i64>,
}

impl Clock {
    /// A clock of `kind`; a virtual clock starts at the wall clock's now.
    pub fn new(kind: ClockKind) -> Self {
        Clock {
            virtual_now: (kind == ClockKind::Virtual).then(util::now_ms),
        }
    }

    /// Which clock this is.
    pub fn kind(&self) -> ClockKind {
        if self.virtual_now.is_some() {
            ClockKind::Virtual
        } else {
            ClockKind::Wall
        }
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        self.virtual_now.unwrap_or_else(util::now_ms)
    }

    /// Move a virtual clock forward by `ms` milliseconds. The wall clock cannot be moved.
    pub fn advance(&mut self, ms: i64) -> Result<i64, String> {
        match self.virtual_now.as_mut() {
            Some(now) if ms >= 0 => {
                *now = now.saturating_add(ms);
                Ok(*now)
            }
            Some(_) => Err("the clock cannot go backwards".into()),
            None => {
                Err("the simulator runs on the wall clock (start it with --clock virtual)".into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_moves_only_when_advanced() {
        let mut c = Clock::new(ClockKind::Virtual);
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        assert_eq!(c.advance(1500), Ok(t0 + 1500));
        assert_eq!(c.now(), t0 + 1500);
        assert!(c.advance(-1).is_err());
    }

    #[test]
    fn wall_clock_cannot_be_advanced() {
        let mut c = Clock::new(ClockKind::Wall);
        assert_eq!(c.kind(), ClockKind::Wall);
        assert!(c.advance(1).is_err());
        assert_eq!("virtual".parse::<ClockKind>(), Ok(ClockKind::Virtual));
        assert!("fast".parse::<ClockKind>().is_err());
    }
}
