//! A worker: claims due jobs within its concurrency and lane limits, runs each on its
//! handler, keeps their leases alive, and settles the outcome (finish, retry later, or give
//! up) through its [`Settler`]. On shutdown it lets running jobs finish for a grace period,
//! then hands the rest back to the queue.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ace_db::notify::Heard;
use ace_db::queue::{self as store, Claim, QueuedJob};
use tokio::task::{Id, JoinSet};
use tracing::{debug, info, warn};

use crate::handler::{Context, Handler, Job, Outcome, StartError};
use crate::queue::{CANCEL_CHANNEL, Queue, WAKE_CHANNEL, millis, now_ms};
use crate::settler::{Settlement, Settler};

/// How a worker runs.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Jobs this worker runs at once.
    pub concurrency: usize,
    /// Jobs of one lane this worker runs at once, by lane; lanes not listed use
    /// `concurrency`.
    pub lane_limits: HashMap<String, usize>,
    /// Jobs of one lane that run at once across every worker sharing the database, by lane
    /// (a provider's account limit, say); lanes not listed have no shared cap.
    pub lane_caps: HashMap<String, usize>,
    /// How long a claim lasts without a heartbeat; a dead worker's jobs are reclaimed after it.
    pub lease: Duration,
    /// How often to look for due work when nobody says there is some.
    pub poll: Duration,
    /// How long running jobs may take to finish at shutdown before they are handed back.
    pub shutdown_grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 32,
            lane_limits: HashMap::new(),
            lane_caps: HashMap::new(),
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The most jobs one claim takes.
const CLAIM_BATCH: usize = 64;

/// Runs jobs until shut down.
pub struct Worker {
    queue: Queue,
    handlers: HashMap<&'static str, Arc<dyn Handler>>,
    config: WorkerConfig,
    id: String,
}

/// Background tasks that end with the worker.
struct Helpers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Helpers {
    fn drop(&mut self) {
        for helper in &self.0 {
            helper.abort();
        }
    }
}

struct Running {
    job_id: i64,
    lane: String,
}

impl Worker {
    pub fn new(queue: Queue, config: WorkerConfig) -> Self {
        Self {
            queue,
            handlers: HashMap::new(),
            config,
            id: format!("worker-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// Adds the handler of one job kind.
    #[must_use]
    pub fn handle(mut self, handler: Arc<dyn Handler>) -> Self {
        self.handlers.insert(handler.kind(), handler);
        self
    }

    /// This worker's identity in the queue.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        info!(worker = %self.id, concurrency = self.config.concurrency, "job worker started");
        // Stopped with the worker, however it stops: a worker dropped mid-run must stop
        // renewing its leases, or its jobs would never be reclaimed.
        let _helpers = Helpers(vec![
            tokio::spawn(follow_notices(self.queue.clone())),
            tokio::spawn(keep_leases(
                self.queue.clone(),
                self.id.clone(),
                self.config.lease,
            )),
        ]);
        let (settler, settling) = Settler::start(self.queue.clone(), self.id.clone());
        let mut tasks = JoinSet::new();
        let mut running: HashMap<Id, Running> = HashMap::new();
        tokio::pin!(shutdown);
        loop {
            while let Some(done) = tasks.try_join_next_with_id() {
                self.reap(&mut running, done, &settler);
            }
            let claimed = self
                .claim_and_start(&mut tasks, &mut running, &settler)
                .await;
            if claimed && tasks.len() < self.config.concurrency {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.queue.woken() => {}
                Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    self.reap(&mut running, done, &settler);
                }
                () = tokio::time::sleep(self.config.poll) => {}
            }
        }
        self.wind_down(tasks, running, &settler).await;
        drop(settler);
        if let Err(err) = settling.await {
            warn!(worker = %self.id, error = %err, "the settler stopped early");
        }
        info!(worker = %self.id, "job worker stopped");
    }

    /// Forgets a run that ended. One that panicked never settled: its job is queued again
    /// after a lease's wait (its attempts still count), instead of being held forever.
    fn reap(
        &self,
        running: &mut HashMap<Id, Running>,
        done: Result<(Id, ()), tokio::task::JoinError>,
        settler: &Settler,
    ) {
        let (id, panicked) = match done {
            Ok((id, ())) => (id, false),
            Err(err) => (err.id(), err.is_panic()),
        };
        let Some(job) = running.remove(&id) else {
            return;
        };
        self.queue.untrack(job.job_id);
        if panicked {
            warn!(job = job.job_id, "a job's run panicked; it will be retried");
            settler.settle(Settlement::Retry {
                id: job.job_id,
                run_at_ms: now_ms() + millis(self.config.lease),
                error: "the run stopped unexpectedly".into(),
            });
        }
    }

    /// Claims what there is room for and starts it; returns whether anything was claimed.
    async fn claim_and_start(
        &self,
        tasks: &mut JoinSet<()>,
        running: &mut HashMap<Id, Running>,
        settler: &Settler,
    ) -> bool {
        let free = self.config.concurrency.saturating_sub(tasks.len());
        if free == 0 {
            return false;
        }
        let mut lane_counts: HashMap<String, usize> = HashMap::new();
        for job in running.values() {
            *lane_counts.entry(job.lane.clone()).or_default() += 1;
        }
        let starting = match self.claim(free, lane_counts).await {
            Ok(starting) => starting,
            Err(err) => {
                warn!(worker = %self.id, error = %err, "could not claim jobs");
                return false;
            }
        };
        let any = !starting.is_empty();
        for (job, handler) in starting {
            let (job_id, lane) = (job.id, job.lane.clone());
            let handle = tasks.spawn(run_one(handler, job, settler.clone()));
            self.queue.track(job_id, &self.id, handle.clone());
            running.insert(handle.id(), Running { job_id, lane });
        }
        any
    }

    /// Claims up to `free` due jobs in one transaction: the ones this worker has no handler
    /// or lane room for go straight back, and each handler's [`Handler::started`] runs for
    /// the rest before the claim commits. Lanes with a shared cap are claimed one by one,
    /// before the others.
    async fn claim(
        &self,
        free: usize,
        mut lane_counts: HashMap<String, usize>,
    ) -> Result<Vec<(Job, Arc<dyn Handler>)>, StartError> {
        let local_room = |lane: &str, counts: &HashMap<String, usize>| {
            self.lane_limit(lane)
                .saturating_sub(counts.get(lane).copied().unwrap_or(0))
        };
        let mut skipped: Vec<String> = lane_counts
            .keys()
            .filter(|lane| local_room(lane, &lane_counts) == 0)
            .cloned()
            .collect();
        skipped.extend(self.config.lane_caps.keys().cloned());
        let now = now_ms();
        let mut claim = Claim {
            worker: &self.id,
            now_ms: now,
            lease_until_ms: now + millis(self.config.lease),
            skip_lanes: &skipped,
            limit: 0,
        };
        let mut tx = self.queue.db().begin().await?;
        // Capped lanes first: each takes at most its cap, so they cannot crowd out the rest,
        // while a backlog in uncapped lanes taking every free slot would starve them.
        let mut claimed = Vec::new();
        let mut capped: Vec<(&String, &usize)> = self.config.lane_caps.iter().collect();
        capped.sort();
        for (lane, cap) in capped {
            let room = free
                .saturating_sub(claimed.len())
                .min(local_room(lane, &lane_counts))
                .min(CLAIM_BATCH);
            if room == 0 {
                continue;
            }
            claim.limit = as_limit(room);
            let of_lane = store::claim_capped(&mut tx, &claim, lane, as_limit(*cap)).await?;
            claimed.extend(of_lane);
        }
        let room = free.saturating_sub(claimed.len()).min(CLAIM_BATCH);
        if room > 0 {
            claim.limit = as_limit(room);
            claimed.extend(store::claim(&mut tx, &claim).await?);
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut starting: Vec<(Job, Arc<dyn Handler>)> = Vec::with_capacity(claimed.len());
        for queued in claimed {
            let count = lane_counts.entry(queued.lane.clone()).or_default();
            let handler = self.handlers.get(queued.kind.as_str()).cloned();
            match handler {
                // Another process's kind, or no room in its lane: back untouched.
                None => store::requeue(&mut tx, queued.id, &self.id, now, None, true).await?,
                Some(_) if *count >= self.lane_limit(&queued.lane) => {
                    store::requeue(&mut tx, queued.id, &self.id, now, None, true).await?
                }
                Some(handler) => {
                    *count += 1;
                    starting.push((job_of(queued), handler));
                    continue;
                }
            };
        }
        let mut started = Vec::with_capacity(starting.len());
        for (kind, handler) in &self.handlers {
            let (mut jobs, rest): (Vec<_>, Vec<_>) =
                starting.into_iter().partition(|(job, _)| job.kind == *kind);
            starting = rest;
            if jobs.is_empty() {
                continue;
            }
            let mut of_kind: Vec<Job> = jobs.iter().map(|(job, _)| job.clone()).collect();
            handler.started(&mut tx, &mut of_kind).await?;
            for ((job, _), updated) in jobs.iter_mut().zip(of_kind) {
                *job = updated;
            }
            started.extend(jobs);
        }
        tx.commit().await?;
        Ok(started)
    }

    fn lane_limit(&self, lane: &str) -> usize {
        self.config
            .lane_limits
            .get(lane)
            .copied()
            .unwrap_or(self.config.concurrency)
    }

    /// Returns a claimed job to the queue as if it had never been claimed.
    async fn hand_back(&self, id: i64) {
        let result = async {
            let mut conn = self.queue.db().writer().await?;
            store::requeue(&mut conn, id, &self.id, now_ms(), None, true).await
        }
        .await;
        if let Err(err) = result {
            warn!(job = id, error = %err, "could not hand a job back; its lease will lapse");
        }
        self.queue.announce_settled();
    }

    async fn wind_down(
        &self,
        mut tasks: JoinSet<()>,
        mut running: HashMap<Id, Running>,
        settler: &Settler,
    ) {
        let drained = tokio::time::timeout(self.config.shutdown_grace, async {
            while let Some(done) = tasks.join_next_with_id().await {
                self.reap(&mut running, done, settler);
            }
        })
        .await;
        if drained.is_err() {
            tasks.abort_all();
            for job in running.into_values() {
                self.queue.untrack(job.job_id);
                self.hand_back(job.job_id).await;
                info!(
                    job = job.job_id,
                    "handed an unfinished job back to the queue"
                );
            }
        }
    }
}

fn as_limit(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn job_of(queued: QueuedJob) -> Job {
    Job {
        id: queued.id,
        kind: queued.kind,
        payload: queued.payload.0,
        lane: queued.lane,
        tenant: queued.tenant,
        attempt: u32::try_from(queued.attempts).unwrap_or(u32::MAX),
        max_attempts: u32::try_from(queued.max_attempts).unwrap_or(1),
        context: Context::default(),
    }
}

/// Runs one job and hands its outcome to the settler.
async fn run_one(handler: Arc<dyn Handler>, job: Job, settler: Settler) {
    let id = job.id;
    debug!(job = id, kind = %job.kind, attempt = job.attempt, "job running");
    let outcome = if job.attempt > job.max_attempts {
        let reason = format!(
            "It was interrupted {} times (its worker stopped responding) and was given up.",
            job.max_attempts
        );
        handler.give_up(job.clone(), reason).await;
        Outcome::Done
    } else {
        handler.run(job.clone()).await
    };
    let settlement = match outcome {
        Outcome::Done => Settlement::Finished(id),
        Outcome::Retry(error) if !job.is_last_attempt() => {
            let wait = handler.backoff(job.attempt);
            debug!(job = id, attempt = job.attempt, ?wait, %error, "job will be retried");
            Settlement::Retry {
                id,
                run_at_ms: now_ms() + millis(wait),
                error,
            }
        }
        Outcome::Retry(error) => {
            handler.give_up(job, error).await;
            Settlement::Finished(id)
        }
    };
    debug!(job = id, ?settlement, "job ran");
    settler.settle(settlement);
}

/// Renews this worker's leases every third of a lease, and aborts the jobs it no longer
/// holds (withdrawn, or reclaimed after a lapse).
async fn keep_leases(queue: Queue, worker: String, lease: Duration) {
    let mut ticks = tokio::time::interval(lease / 3);
    loop {
        ticks.tick().await;
        // Only jobs tracked before the heartbeat asks can be judged by its answer: a job
        // claimed meanwhile may be missing from it without having left the queue.
        let tracked = queue.running_for(&worker);
        let held = async {
            let mut conn = queue.db().writer().await?;
            store::heartbeat(&mut conn, &worker, now_ms() + millis(lease)).await
        }
        .await;
        match held {
            Ok(held) => {
                let held: HashSet<i64> = held.into_iter().collect();
                for id in tracked {
                    if !held.contains(&id) {
                        info!(job = id, "a running job left the queue; aborting it");
                        queue.abort_local(id);
                    }
                }
            }
            Err(err) => warn!(error = %err, "could not renew job leases"),
        }
    }
}

/// Hears other processes' wake-ups and cancellations (PostgreSQL only).
async fn follow_notices(queue: Queue) {
    loop {
        let listener = match queue.db().listen(&[WAKE_CHANNEL, CANCEL_CHANNEL]).await {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(err) => {
                warn!(error = %err, "could not listen for job notices; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let mut listener = listener;
        loop {
            match listener.next().await {
                Ok(Heard::Notice(notice)) if notice.channel == CANCEL_CHANNEL => {
                    if let Ok(id) = notice.payload.parse::<i64>() {
                        queue.abort_local(id);
                    }
                }
                Ok(Heard::Notice(_) | Heard::Gap) => queue.wake(),
                Err(err) => {
                    warn!(error = %err, "lost the job notice listener; reconnecting");
                    break;
                }
            }
        }
    }
}
