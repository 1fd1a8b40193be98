//! An agent's automation config: webhook and callback URLs, test sends, the signing secret
//! and the delivery log.

pub mod deliveries;
pub mod rotate_secret;
pub mod show;
pub mod test_callback;
pub mod test_webhook;
pub mod update;
