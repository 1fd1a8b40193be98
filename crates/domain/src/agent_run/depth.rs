//! How deep a research run goes: how many findings it asks each source for, and in how many
//! rounds (a later round searches again with the words the first round's findings share).

crate::wire_enum! {
    /// `quick`, `default` or `deep`, as GEN names them.
    pub enum Depth {
        Quick = "quick",
        Default = "default",
        Deep = "deep",
    }
}

impl Depth {
    /// The findings asked of each source per round.
    pub const fn findings_per_source(self) -> u32 {
        match self {
            Depth::Quick => 5,
            Depth::Default => 10,
            Depth::Deep => 20,
        }
    }

    /// The rounds of searching.
    pub const fn rounds(self) -> u32 {
        match self {
            Depth::Quick | Depth::Default => 1,
            Depth::Deep => 2,
        }
    }

    /// How many days back a round looks.
    pub const fn days(self) -> u32 {
        match self {
            Depth::Quick => 7,
            Depth::Default => 30,
            Depth::Deep => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_research_asks_for_more_in_more_rounds() {
        let effort = |depth: Depth| depth.findings_per_source() * depth.rounds();
        assert!(effort(Depth::Quick) < effort(Depth::Default));
        assert!(effort(Depth::Default) < effort(Depth::Deep));
        assert_eq!("deep".parse::<Depth>(), Ok(Depth::Deep));
        assert!("thorough".parse::<Depth>().is_err());
    }
}
