//! Step 2's ideas: list an agent's ideas, cycle or set their status, delete one (an ace
//! addition).

pub mod cycle_status;
pub mod delete;
pub mod list;
pub mod set_status;
