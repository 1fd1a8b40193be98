//! What agent runs cost, as GEN's credits page prices them (in US dollars, through the credit
//! formula in the LLM tier): a simple chat $0.02 (~7 credits), an idea $0.034 (5 ideas ~59),
//! the research inside an ideas run $0.15 (5 ideas with research ~110), standalone research
//! (`web_research`) and a refinement $0.1015 (~35). The prices are entries of the price table,
//! so an operator can change them like any other.

use crate::credits::Credits;
use crate::generation::pricing::{PriceTable, Tier};

/// What a run does, as far as its price goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentWork {
    Chat,
    Ideas { count: u32, with_research: bool },
    Refine,
    Research,
}

impl PriceTable {
    /// What `work` costs.
    pub fn for_agent(&self, work: AgentWork) -> Credits {
        let usd = |key: &str| self.price_or_built_in(key).map_or(0.0, |price| price.usd);
        let spent = match work {
            AgentWork::Chat => usd("agent_run.chat"),
            AgentWork::Ideas {
                count,
                with_research,
            } => {
                let research = if with_research {
                    usd("agent_run.research")
                } else {
                    0.0
                };
                usd("agent_run.idea") * f64::from(count) + research
            }
            AgentWork::Refine => usd("agent_run.refine"),
            AgentWork::Research => usd("web_research"),
        };
        self.for_usd(spent, Tier::Llm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cost_what_gens_credits_page_says() {
        let table = PriceTable::default();
        let credits = |work| table.for_agent(work).as_f64();
        assert_eq!(credits(AgentWork::Chat), 7.0);
        assert_eq!(
            credits(AgentWork::Ideas {
                count: 5,
                with_research: false
            }),
            59.0
        );
        assert_eq!(
            credits(AgentWork::Ideas {
                count: 5,
                with_research: true
            }),
            110.0
        );
        assert_eq!(credits(AgentWork::Research), 35.0);
        assert_eq!(credits(AgentWork::Refine), 35.0);
        let dearer = PriceTable::default()
            .overridden("[prices.\"agent_run.chat\"]\nusd = 0.04\n")
            .unwrap();
        assert_eq!(dearer.for_agent(AgentWork::Chat).as_f64(), 14.0);
    }
}
