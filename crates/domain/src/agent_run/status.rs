//! Where a run stands. ace keeps six states; GEN's endpoints know four (`running`,
//! `completed`, `failed`, `awaiting_approval`), so a queued run shows as `running` and a
//! cancelled one as `failed`, with `cancelled` as its reason.

crate::wire_enum! {
    /// A run's state.
    pub enum RunStatus {
        /// Waiting: behind another run of its conversation, or for a worker.
        Queued = "queued",
        Running = "running",
        /// Paused at a tool that needs the user's approval.
        AwaitingApproval = "awaiting_approval",
        Completed = "completed",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl RunStatus {
    /// The value GEN's endpoints show.
    pub const fn shown(self) -> &'static str {
        match self {
            RunStatus::Queued | RunStatus::Running => "running",
            RunStatus::AwaitingApproval => "awaiting_approval",
            RunStatus::Completed => "completed",
            RunStatus::Failed | RunStatus::Cancelled => "failed",
        }
    }

    /// Whether the run has ended, for good.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Failed | RunStatus::Cancelled
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gens_endpoints_see_four_states() {
        let shown: Vec<&str> = RunStatus::ALL.iter().map(|status| status.shown()).collect();
        assert_eq!(
            shown,
            [
                "running",
                "running",
                "awaiting_approval",
                "completed",
                "failed",
                "failed"
            ]
        );
        let finals: Vec<RunStatus> = RunStatus::ALL
            .into_iter()
            .filter(|status| status.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                RunStatus::Completed,
                RunStatus::Failed,
                RunStatus::Cancelled
            ]
        );
    }
}
