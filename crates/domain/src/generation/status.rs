//! A generation's lifecycle: `pending → processing → completed | failed | stopped`, plus the
//! two ways back to `pending` (continue after a stop, retry after a worker lost its lease).

crate::wire_enum! {
    /// Where a generation is in its lifecycle, spelled as GEN's `status` field.
    pub enum GenerationStatus {
        /// Queued, waiting for a worker.
        Pending = "pending",
        /// A worker holds it and the model is generating.
        Processing = "processing",
        /// Done; the output is in `result` or `output_resources`.
        Completed = "completed",
        /// Gave up; the reason is in `failed_reason` and the pre-charge is refunded.
        Failed = "failed",
        /// Cancelled through the stop endpoint; may be continued.
        Stopped = "stopped",
    }
}

impl GenerationStatus {
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
        assert!("Pending".parse::<GenerationStatus>().is_err());
        assert!("cancelled".parse::<GenerationStatus>().is_err());
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
