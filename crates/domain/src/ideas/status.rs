//! An idea's status. The main chain is `generated → approve_to_create → ready_for_review →
//! approved_to_post → posted`; `change_idea`, `change_video` and `rejected` are set aside from
//! it. Cycling moves one step along the chain; it is refused from the end of the chain and
//! from the three side statuses, which only an explicit set leaves. Setting takes any of the
//! eight values.

use std::fmt;

crate::wire_enum! {
    /// Where an idea stands.
    pub enum IdeaStatus {
        Generated = "generated",
        ApproveToCreate = "approve_to_create",
        ReadyForReview = "ready_for_review",
        ChangeIdea = "change_idea",
        ChangeVideo = "change_video",
        Rejected = "rejected",
        ApprovedToPost = "approved_to_post",
        Posted = "posted",
    }
}

/// The main chain, in order.
pub const MAIN_CHAIN: [IdeaStatus; 5] = [
    IdeaStatus::Generated,
    IdeaStatus::ApproveToCreate,
    IdeaStatus::ReadyForReview,
    IdeaStatus::ApprovedToPost,
    IdeaStatus::Posted,
];

/// Why a status cannot be cycled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMove {
    /// The idea is posted: the chain ends there.
    AtTheEnd,
    /// The idea is set aside (`change_idea`, `change_video`, `rejected`); set a status instead.
    SetAside(IdeaStatus),
}

impl fmt::Display for StatusMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusMove::AtTheEnd => f.write_str(
                "The idea is posted, the end of its status flow; set a status explicitly to move it.",
            ),
            StatusMove::SetAside(status) => write!(
                f,
                "An idea in {status} is outside the main status flow and cannot be cycled; set a status explicitly to move it."
            ),
        }
    }
}

impl IdeaStatus {
    /// The next status along the main chain.
    pub fn cycled(self) -> Result<IdeaStatus, StatusMove> {
        match MAIN_CHAIN.iter().position(|status| *status == self) {
            Some(at) => MAIN_CHAIN.get(at + 1).copied().ok_or(StatusMove::AtTheEnd),
            None => Err(StatusMove::SetAside(self)),
        }
    }

    /// Whether it is on the main chain.
    pub fn is_on_the_chain(self) -> bool {
        MAIN_CHAIN.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycling_walks_the_main_chain_and_stops_at_its_end() {
        let mut status = IdeaStatus::Generated;
        let mut walked = vec![status];
        while let Ok(next) = status.cycled() {
            walked.push(next);
            status = next;
        }
        assert_eq!(walked, MAIN_CHAIN);
        assert_eq!(IdeaStatus::Posted.cycled(), Err(StatusMove::AtTheEnd));
    }

    #[test]
    fn set_aside_statuses_cannot_be_cycled() {
        for status in [
            IdeaStatus::ChangeIdea,
            IdeaStatus::ChangeVideo,
            IdeaStatus::Rejected,
        ] {
            assert_eq!(status.cycled(), Err(StatusMove::SetAside(status)));
            assert!(!status.is_on_the_chain());
            assert!(
                status
                    .cycled()
                    .unwrap_err()
                    .to_string()
                    .contains(status.as_str())
            );
        }
    }

    #[test]
    fn every_status_has_gens_spelling() {
        let spellings: Vec<&str> = IdeaStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            spellings,
            [
                "generated",
                "approve_to_create",
                "ready_for_review",
                "change_idea",
                "change_video",
                "rejected",
                "approved_to_post",
                "posted"
            ]
        );
        assert!("approved".parse::<IdeaStatus>().is_err());
    }
}
