//! Sheet pipelines (GEN documents the surface as coming soon; ace ships it): a trigger
//! ([`trigger`]), a chain of actions ([`action`]) and, for posting, a calendar of slots
//! ([`calendar`]). A run's status is one of [`RunStatus`].

pub mod action;
pub mod calendar;
pub mod trigger;

use crate::wire_enum;

wire_enum! {
    /// Where a pipeline run is.
    pub enum RunStatus {
        Running = "running",
        Completed = "completed",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl RunStatus {
    pub fn has_ended(self) -> bool {
        self != RunStatus::Running
    }
}

wire_enum! {
    /// What started a run.
    pub enum Started {
        Manual = "manual",
        Schedule = "schedule",
        Webhook = "webhook",
    }
}
