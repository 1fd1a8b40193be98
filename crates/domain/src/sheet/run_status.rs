//! Where a row run, its steps and its batch stand. A run's status reads as a generation's
//! (GEN's words), except that a run of a batch may wait `queued` behind the others.

use crate::generation::GenerationStatus;

crate::wire_enum! {
    /// A run's lifecycle: `queued` (behind its batch's other runs) or `pending` →
    /// `processing` → `completed`, `failed` or `stopped`.
    pub enum RunStatus {
        Queued = "queued",
        Pending = "pending",
        Processing = "processing",
        Completed = "completed",
        Failed = "failed",
        Stopped = "stopped",
    }
}

impl RunStatus {
    /// Whether the run is over: completed, failed or stopped.
    pub const fn has_ended(self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Failed | RunStatus::Stopped
        )
    }

    /// The generations' word for it: a run waiting in its batch is pending.
    pub const fn as_generation_status(self) -> GenerationStatus {
        match self {
            RunStatus::Queued | RunStatus::Pending => GenerationStatus::Pending,
            RunStatus::Processing => GenerationStatus::Processing,
            RunStatus::Completed => GenerationStatus::Completed,
            RunStatus::Failed => GenerationStatus::Failed,
            RunStatus::Stopped => GenerationStatus::Stopped,
        }
    }
}

crate::wire_enum! {
    /// A step leaves `waiting` once: `started` with its generation, `kept` (its cell has a
    /// value the run leaves alone), `skipped` (the run stopped first) or `refused` (its
    /// generation could not start).
    pub enum StepState {
        Waiting = "waiting",
        Kept = "kept",
        Started = "started",
        Skipped = "skipped",
        Refused = "refused",
    }
}

crate::wire_enum! {
    /// A batch's lifecycle: `processing` while any of its runs is unfinished, then
    /// `completed` (every run completed), `failed` (one failed) or `stopped`.
    pub enum BatchStatus {
        Pending = "pending",
        Processing = "processing",
        Completed = "completed",
        Failed = "failed",
        Stopped = "stopped",
    }
}

impl BatchStatus {
    /// Whether the batch is over.
    pub const fn has_ended(self) -> bool {
        matches!(
            self,
            BatchStatus::Completed | BatchStatus::Failed | BatchStatus::Stopped
        )
    }
}

/// Whether a generation has ended as far as a run goes: completed, failed or stopped (a
/// stopped generation may be continued, but not by its run).
pub const fn generation_has_ended(status: GenerationStatus) -> bool {
    matches!(
        status,
        GenerationStatus::Completed | GenerationStatus::Failed | GenerationStatus::Stopped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_run_reads_as_pending_and_the_rest_as_themselves() {
        assert_eq!(
            RunStatus::Queued.as_generation_status(),
            GenerationStatus::Pending
        );
        for status in RunStatus::ALL
            .into_iter()
            .filter(|s| *s != RunStatus::Queued)
        {
            assert_eq!(status.as_generation_status().as_str(), status.as_str());
        }
    }

    #[test]
    fn runs_and_batches_end_completed_failed_or_stopped() {
        let ended: Vec<_> = RunStatus::ALL.iter().filter(|s| s.has_ended()).collect();
        assert_eq!(
            ended,
            [
                &RunStatus::Completed,
                &RunStatus::Failed,
                &RunStatus::Stopped
            ]
        );
        assert!(!BatchStatus::Processing.has_ended());
        assert!(BatchStatus::Stopped.has_ended());
    }
}
