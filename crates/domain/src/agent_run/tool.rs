//! The tools a run calls. Those that spend credits or write outside the conversation wait for
//! the user's approval: by default making a vidsheet, running a row, generating a cell and
//! deep research; the list is a setting. Research at depth `deep` is gated under the name `deep_research`.

use serde_json::Value;

use super::Depth;

crate::wire_enum! {
    /// A tool the agent can call.
    pub enum Tool {
        /// Reads the knowledge base: posts ranked by engagement (or views, likes, growth,
        /// recency), and research findings.
        QueryKnowledge = "query_knowledge",
        /// Writes new ideas grounded in the knowledge base.
        ProposeIdeas = "propose_ideas",
        /// Changes, retypes or drops ideas of the conversation's latest set.
        ReviseIdeas = "revise_ideas",
        RememberPreferences = "remember_preferences",
        ForgetPreference = "forget_preference",
        ListPreferences = "list_preferences",
        /// Searches the research sources and keeps the findings.
        Research = "research",
        /// Turns an idea into a vidsheet row.
        MakeVidsheet = "make_vidsheet",
        /// Runs a vidsheet row: its generations, then its render.
        RunRow = "run_row",
        /// Generates one cell of a vidsheet row, as its column's creation card says.
        Generate = "generate",
    }
}

/// The name deep research is gated under.
pub const DEEP_RESEARCH: &str = "deep_research";

/// The tools gated unless configured otherwise.
pub const GATED_BY_DEFAULT: [&str; 4] = [
    Tool::MakeVidsheet.as_str(),
    Tool::RunRow.as_str(),
    Tool::Generate.as_str(),
    DEEP_RESEARCH,
];

impl Tool {
    /// The name a call of this tool with `arguments` is gated under.
    pub fn gate_name(self, arguments: &Value) -> &'static str {
        let deep = arguments.get("depth").and_then(Value::as_str) == Some(Depth::Deep.as_str());
        if self == Tool::Research && deep {
            DEEP_RESEARCH
        } else {
            self.as_str()
        }
    }

    /// Whether a call with `arguments` waits for approval, given the gated names.
    pub fn is_gated(self, arguments: &Value, gated: &[String]) -> bool {
        let name = self.gate_name(arguments);
        gated.iter().any(|gate| gate == name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn vidsheets_and_deep_research_wait_for_approval_by_default() {
        let gated: Vec<String> = GATED_BY_DEFAULT.map(str::to_owned).to_vec();
        assert!(Tool::MakeVidsheet.is_gated(&json!({"idea_id": 1}), &gated));
        assert!(Tool::RunRow.is_gated(&json!({"sheet_id": 1, "row_id": 2}), &gated));
        assert!(Tool::Generate.is_gated(&json!({"sheet_id": 1, "row_id": 2}), &gated));
        assert!(Tool::Research.is_gated(&json!({"depth": "deep"}), &gated));
        assert!(!Tool::Research.is_gated(&json!({"depth": "quick"}), &gated));
        assert!(!Tool::ProposeIdeas.is_gated(&json!({"count": 5}), &gated));
        assert!(!Tool::MakeVidsheet.is_gated(&json!({}), &[]));
    }
}
