//! Generators for tests, installed with [`super::TestAppBuilder::generator`]: they behave
//! like providers (slow, failing, running a child process) without any model.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ace_providers::tool_chat::{ChatMessage, ChatTurn, ToolCall, ToolChat, ToolSpec};
use ace_providers::{Generator, Produced, ProviderError, Work};
use futures::future::BoxFuture;
use tokio::sync::Notify;

/// Writes a fixed text after a delay.
#[derive(Clone, Debug)]
pub struct Writes {
    pub text: String,
    pub delay: Duration,
    /// The provider cost it reports, if any.
    pub cost_usd: Option<f64>,
}

impl Writes {
    pub fn text(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            delay: Duration::ZERO,
            cost_usd: None,
        }
    }
}

impl Generator for Writes {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            Ok(Produced {
                text: Some(self.text.clone()),
                provider: "test".into(),
                model: "writes".into(),
                cost_usd: self.cost_usd,
                ..Produced::default()
            })
        })
    }
}

/// Answers with the prompt it was given (after substitution), as `said: <prompt>`, so a test
/// can see what reached the generator.
#[derive(Clone, Copy, Debug, Default)]
pub struct Echoes;

impl Generator for Echoes {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work.data["prompt"].as_str().unwrap_or_default();
            Ok(Produced {
                text: Some(format!("said: {prompt}")),
                provider: "test".into(),
                model: "echoes".into(),
                ..Produced::default()
            })
        })
    }
}

/// Runs `sleep 600` as a child process and waits for it; the child's pid is kept so a test
/// can check that stopping the generation killed it. Dropping the run (as a stop does) kills
/// the child and reaps it, and says so.
#[derive(Clone, Debug, Default)]
pub struct SleepsInAChild {
    pid: Arc<Mutex<Option<u32>>>,
    started: Arc<Notify>,
    reaped: Arc<AtomicBool>,
    reaped_now: Arc<Notify>,
}

impl SleepsInAChild {
    /// The running child's pid, once started.
    pub fn pid(&self) -> Option<u32> {
        *self.pid.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the child runs; returns its pid.
    pub async fn started(&self) -> u32 {
        loop {
            let started = self.started.notified();
            tokio::pin!(started);
            started.as_mut().enable();
            if let Some(pid) = self.pid() {
                return pid;
            }
            started.await;
        }
    }

    /// Waits until a dropped run's child has been killed and has exited.
    pub async fn reaped(&self) {
        loop {
            let reaped = self.reaped_now.notified();
            tokio::pin!(reaped);
            reaped.as_mut().enable();
            if self.reaped.load(Ordering::SeqCst) {
                return;
            }
            reaped.await;
        }
    }
}

/// Kills and reaps the child when the run holding it is dropped.
struct ReapOnDrop {
    child: Option<tokio::process::Child>,
    owner: SleepsInAChild,
}

impl Drop for ReapOnDrop {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = child.start_kill();
        let owner = self.owner.clone();
        tokio::spawn(async move {
            let _ = child.wait().await;
            owner.reaped.store(true, Ordering::SeqCst);
            owner.reaped_now.notify_waiters();
        });
    }
}

impl Generator for SleepsInAChild {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let child = tokio::process::Command::new("sleep")
                .arg("600")
                .kill_on_drop(true)
                .spawn()
                .map_err(|err| ProviderError::Permanent(err.to_string()))?;
            *self.pid.lock().unwrap_or_else(PoisonError::into_inner) = child.id();
            let mut held = ReapOnDrop {
                child: Some(child),
                owner: self.clone(),
            };
            self.started.notify_waiters();
            if let Some(child) = held.child.as_mut() {
                let _ = child.wait().await;
            }
            Err(ProviderError::Permanent("the child process ended".into()))
        })
    }
}

/// Fails a number of times (transiently or not), then writes `done`.
#[derive(Debug)]
pub struct FailsThenWrites {
    failures: AtomicU32,
    transient: bool,
    /// Runs so far.
    pub runs: AtomicU32,
}

impl FailsThenWrites {
    pub fn transiently(times: u32) -> Self {
        Self {
            failures: AtomicU32::new(times),
            transient: true,
            runs: AtomicU32::new(0),
        }
    }

    pub fn permanently() -> Self {
        Self {
            failures: AtomicU32::new(u32::MAX),
            transient: false,
            runs: AtomicU32::new(0),
        }
    }
}

impl Generator for FailsThenWrites {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            self.runs.fetch_add(1, Ordering::SeqCst);
            let left = self.failures.load(Ordering::SeqCst);
            if left > 0 {
                self.failures.store(left - 1, Ordering::SeqCst);
                return Err(if self.transient {
                    ProviderError::Transient("The provider is busy (429).".into())
                } else {
                    ProviderError::Permanent("The provider refused the prompt.".into())
                });
            }
            Ok(Produced {
                text: Some("done".into()),
                provider: "test".into(),
                model: "fails-then-writes".into(),
                ..Produced::default()
            })
        })
    }
}

/// Panics on its first run (a bug in a generator), then writes `done`.
#[derive(Debug, Default)]
pub struct PanicsOnce {
    /// Runs so far.
    pub runs: AtomicU32,
}

impl Generator for PanicsOnce {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("a generator bug");
            }
            Ok(Produced {
                text: Some("done".into()),
                provider: "test".into(),
                model: "panics-once".into(),
                ..Produced::default()
            })
        })
    }
}

/// Writes `done` after a delay, counting how many of its runs overlap at most.
#[derive(Debug)]
pub struct CountsOverlap {
    delay: Duration,
    running: AtomicU32,
    /// The most runs that were in progress at once.
    pub peak: AtomicU32,
}

impl CountsOverlap {
    pub fn lasting(delay: Duration) -> Self {
        Self {
            delay,
            running: AtomicU32::new(0),
            peak: AtomicU32::new(0),
        }
    }
}

impl Generator for CountsOverlap {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            self.running.fetch_sub(1, Ordering::SeqCst);
            Ok(Produced {
                text: Some("done".into()),
                provider: "test".into(),
                model: "counts-overlap".into(),
                ..Produced::default()
            })
        })
    }
}

/// Hangs on its first run (as if its worker froze or died mid-call), then writes `done`.
#[derive(Debug, Default)]
pub struct HangsOnce {
    /// Runs so far.
    pub runs: AtomicU32,
    hanging: Notify,
}

impl HangsOnce {
    /// Waits until its first run hangs.
    pub async fn hanging(&self) {
        let hanging = self.hanging.notified();
        tokio::pin!(hanging);
        hanging.as_mut().enable();
        if self.runs.load(Ordering::SeqCst) == 0 {
            hanging.await;
        }
    }
}

impl Generator for HangsOnce {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
                self.hanging.notify_waiters();
                std::future::pending::<()>().await;
            }
            Ok(Produced {
                text: Some("done".into()),
                provider: "test".into(),
                model: "hangs-once".into(),
                ..Produced::default()
            })
        })
    }
}

/// Writes what the Ideas agent asks of the text model, by the field its prompt asks for, so
/// runs are deterministic: a title naming its angle, a script opening with a question until the
/// prompt insists on a statement, the second of several preferences, and a chat reply.
#[derive(Clone, Copy, Debug, Default)]
pub struct AgentWriter;

impl AgentWriter {
    pub fn answer(prompt: &str) -> String {
        if let Some(rest) = prompt
            .split("Write a catchy title for a short video about ")
            .nth(1)
        {
            let angle = rest.split(" that ").nth(1).unwrap_or_default();
            return format!(
                "Taco truth that {}",
                angle.split('.').next().unwrap_or_default()
            );
        }
        if prompt.contains("Rewrite the title") {
            return "Short taco title".into();
        }
        if prompt.contains("Write what the creator says") {
            let hook = if prompt.contains("Important:") {
                "This taco changed my mind."
            } else {
                "Is this the best taco in town?"
            };
            return format!("{hook} The salsa is smoky and the tortilla is fresh. Go tonight.");
        }
        if prompt.contains("Which preference do they mean") {
            return "2".into();
        }
        "Happy to help plan your next videos.".into()
    }
}

impl Generator for AgentWriter {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work.data["prompt"].as_str().unwrap_or_default();
            Ok(Produced {
                text: Some(Self::answer(prompt)),
                provider: "test".into(),
                model: "agent-writer".into(),
                ..Produced::default()
            })
        })
    }
}

/// A small model that calls tools as the embedded one does: once, not reading the results.
/// Asked for ideas it proposes two, asked what works it reads the knowledge base, asked what
/// you prefer it saves a preference you never stated, asked
/// "fill SHEET ROW COLUMN" it generates that cell,
/// asked "nonsense" it calls a tool ace does not have, and otherwise it replies. Its fields are written as [`AgentWriter`] writes them.
#[derive(Debug, Default)]
pub struct CallsOnce {
    /// The turns it was asked for.
    pub turns: AtomicU32,
}

impl Generator for CallsOnce {
    fn name(&self) -> &str {
        "test"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        AgentWriter.generate(work)
    }

    fn tool_chat(&self) -> Option<&dyn ToolChat> {
        Some(self)
    }
}

impl ToolChat for CallsOnce {
    fn turn<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        _tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ChatTurn, ProviderError>> {
        Box::pin(async move {
            self.turns.fetch_add(1, Ordering::SeqCst);
            let asked = messages.iter().rev().find_map(|message| match message {
                ChatMessage::User(text) => Some(text.as_str()),
                _ => None,
            });
            let call = |name: &str, arguments: serde_json::Value| {
                ChatTurn::Calls(vec![ToolCall {
                    id: "call_1".into(),
                    name: name.into(),
                    arguments,
                }])
            };
            Ok(match asked.unwrap_or_default() {
                text if text.contains("ideas") => {
                    call("propose_ideas", serde_json::json!({"count": 2}))
                }
                text if text.contains("prefer") => call(
                    "remember_preferences",
                    serde_json::json!({"rules": ["Remember every rule."]}),
                ),
                text if text.contains("what works") => {
                    call("query_knowledge", serde_json::json!({}))
                }
                text if text.starts_with("fill ") => {
                    let words: Vec<&str> = text.split_whitespace().collect();
                    let number = |at: usize| words.get(at).and_then(|w| w.parse::<i64>().ok());
                    call(
                        "generate",
                        serde_json::json!({"sheet_id": number(1), "row_id": number(2), "column": words.get(3)}),
                    )
                }
                text if text.contains("nonsense") => call("no_such_tool", serde_json::json!({})),
                _ => ChatTurn::Answer("Hello from the small model.".into()),
            })
        })
    }

    fn reads_results(&self) -> bool {
        false
    }
}
