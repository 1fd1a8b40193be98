//! Step 2's ideas: list an agent's ideas, cycle or set their status, and (ace additions)
//! delete one or make it a vidsheet.

pub mod cycle_status;
pub mod delete;
pub mod list;
pub mod make_vidsheet;
pub mod set_status;
