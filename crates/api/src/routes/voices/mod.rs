//! The Voice API: an agent's voice library, voice design and cloning, previews, deletion, and
//! the agent's ElevenLabs connection.

pub mod clone;
pub mod connect_elevenlabs;
pub mod delete;
pub mod disconnect_elevenlabs;
pub mod elevenlabs_status;
pub mod finalize_design;
pub mod generate_description;
pub mod generate_samples;
pub mod generate_script;
pub mod library;
pub mod preview;
pub mod preview_status;
pub mod test_elevenlabs;
