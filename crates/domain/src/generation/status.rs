//! A generation's lifecycle: `pending → processing → completed | failed | stopped`, plus the
//! two ways back to `pending` (continue after a stop, retry after a worker lost its lease).

use std::fmt;
use std::str::FromStr;

/// Where a generation is in its lifecycle, spelled as GEN's `status` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GenerationStatus {
    /// Queued, waiting for a worker.
    Pending,
    /// A worker holds it and the model is generating.
    Processing,
    /// Done; the output is in `result` or `output_resources`.
    Completed,
    /// Gave up; the reason is in `failed_reason` and the pre-charge is refunded.
    Failed,
    /// Cancelled through the stop endpoint; may be continued.
    Stopped,
}

impl GenerationStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [GenerationStatus; 5] = [
        GenerationStatus::Pending,
        GenerationStatus::Processing,
        GenerationStatus::Completed,
        GenerationStatus::Failed,
        GenerationStatus::Stopped,
    ];

    /// The wire spelling: `pending`, `processing`, `completed`, `failed` or `stopped`.
    pub const fn as_str(self) -> &'static str {
        match self {
            GenerationStatus::Pending => "pending",
            GenerationStatus::Processing => "processing",
            GenerationStatus::Completed => "completed",
            GenerationStatus::Failed => "failed",
            GenerationStatus::Stopped => "stopped",
        }
    }

    /// Whether nothing further can happen: `completed` or `failed`. A stopped generation is not
    /// terminal, since it may be continued.
    pub const fn is_terminal(self) -> bool {
        matches!(self, GenerationStatus::Completed | GenerationStatus::Failed)
    }

    /// Whether the stop endpoint applies: the generation is queued or running.
    pub const fn can_stop(self) -> bool {
        matches!(
            self,
            GenerationStatus::Pending | GenerationStatus::Processing
        )
    }

    /// Whether the continue endpoint applies: only a stopped generation resumes.
    pub const fn can_continue(self) -> bool {
        matches!(self, GenerationStatus::Stopped)
    }

    /// Whether moving from `self` to `next` is a legal transition.
    ///
    /// - `pending` → `processing` (picked up), `stopped`, `failed` (e.g. rejected before start);
    /// - `processing` → `completed`, `failed`, `stopped`, or `pending` (re-queued after the
    ///   worker's lease was lost);
    /// - `stopped` → `pending` (continued);
    /// - `completed` and `failed` go nowhere.
    ///
    /// Staying in the same status is not a transition and is refused.
    pub const fn can_become(self, next: GenerationStatus) -> bool {
        use GenerationStatus::{Completed, Failed, Pending, Processing, Stopped};
        matches!(
            (self, next),
            (Pending, Processing | Stopped | Failed)
                | (Processing, Completed | Failed | Stopped | Pending)
                | (Stopped, Pending)
        )
    }
}

/// Text that is not a generation status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of pending, processing, completed, failed, stopped")]
pub struct InvalidStatus;

impl FromStr for GenerationStatus {
    type Err = InvalidStatus;

    fn from_str(text: &str) -> Result<Self, InvalidStatus> {
        GenerationStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(InvalidStatus)
    }
}

impl TryFrom<String> for GenerationStatus {
    type Error = InvalidStatus;

    fn try_from(text: String) -> Result<Self, InvalidStatus> {
        text.parse()
    }
}

impl fmt::Display for GenerationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::GenerationStatus::{Completed, Failed, Pending, Processing, Stopped};
    use super::*;

    const LEGAL: [(GenerationStatus, GenerationStatus); 8] = [
        (Pending, Processing),
        (Pending, Stopped),
        (Pending, Failed),
        (Processing, Completed),
        (Processing, Failed),
        (Processing, Stopped),
        (Processing, Pending),
        (Stopped, Pending),
    ];

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for status in GenerationStatus::ALL {
            assert_eq!(status.as_str().parse::<GenerationStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!("Pending".parse::<GenerationStatus>(), Err(InvalidStatus));
        assert_eq!("cancelled".parse::<GenerationStatus>(), Err(InvalidStatus));
    }

    #[test]
    fn only_completed_and_failed_are_terminal() {
        assert!(Completed.is_terminal());
        assert!(Failed.is_terminal());
        assert!(!Pending.is_terminal());
        assert!(!Processing.is_terminal());
        assert!(!Stopped.is_terminal());
    }

    #[test]
    fn queued_and_running_generations_can_be_stopped() {
        assert!(Pending.can_stop());
        assert!(Processing.can_stop());
        assert!(!Completed.can_stop());
        assert!(!Failed.can_stop());
        assert!(!Stopped.can_stop());
    }

    #[test]
    fn only_a_stopped_generation_can_be_continued() {
        for status in GenerationStatus::ALL {
            assert_eq!(status.can_continue(), status == Stopped, "{status}");
        }
    }

    #[test]
    fn every_listed_transition_is_legal() {
        for (from, to) in LEGAL {
            assert!(from.can_become(to), "{from} → {to} should be legal");
        }
    }

    #[test]
    fn every_other_pair_is_illegal() {
        for from in GenerationStatus::ALL {
            for to in GenerationStatus::ALL {
                if !LEGAL.contains(&(from, to)) {
                    assert!(!from.can_become(to), "{from} → {to} should be illegal");
                }
            }
        }
    }

    #[test]
    fn terminal_statuses_go_nowhere() {
        for to in GenerationStatus::ALL {
            assert!(!Completed.can_become(to));
            assert!(!Failed.can_become(to));
        }
    }

    #[test]
    fn a_stopped_generation_can_only_go_back_to_pending() {
        assert!(Stopped.can_become(Pending));
        assert!(!Stopped.can_become(Processing));
        assert!(!Stopped.can_become(Completed));
    }

    #[test]
    fn can_stop_agrees_with_the_transition_to_stopped() {
        for status in GenerationStatus::ALL {
            assert_eq!(status.can_stop(), status.can_become(Stopped), "{status}");
            assert_eq!(
                status.can_continue(),
                status != Processing && status.can_become(Pending),
                "{status}"
            );
        }
    }
}
