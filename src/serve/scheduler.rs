//! The training queue: at most `workers` runs train at once; the others wait in a queue. Each
//! lab has at most one run queued or training, so the queue in order of arrival is a
//! round-robin by person: a student whose run ends and who starts another goes behind every
//! student already waiting, and no one can hold more than one place. A queued run can be
//! cancelled; each change of the queue tells every waiting page its place and an estimate of
//! its wait (`{"type": "queued", …}` on its event stream).

use std::collections::VecDeque;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

use super::lab::{RunState, SharedLab};

/// Finished runs whose durations make the wait estimate.
const DURATIONS_KEPT: usize = 20;

/// What starts a run once it has a slot: it gets the run's stop flag, and returns false when
/// the run could not start (its lab is then told and freed by the caller).
pub type Starter = Box<dyn FnOnce(Arc<AtomicBool>) -> bool + Send>;

/// A run waiting for a slot.
struct Ticket {
    lab: SharedLab,
    name: String,
    start: Starter,
}

/// Where a submitted run stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// It trains now.
    Started,
    /// It waits at this place (1: next), for about this many seconds (none before a run
    /// has finished).
    Queued {
        position: usize,
        wait_seconds: Option<f64>,
    },
}

struct Queue {
    running: Vec<(SharedLab, Instant)>,
    waiting: VecDeque<Ticket>,
    durations: VecDeque<f64>,
}

/// The training slots and the queue before them.
pub struct Scheduler {
    workers: usize,
    queue: Mutex<Queue>,
}

impl Scheduler {
    /// At most `workers` (≥ 1) runs at once.
    pub fn new(workers: usize) -> Self {
        Self {
            workers: workers.max(1),
            queue: Mutex::new(Queue {
                running: Vec::new(),
                waiting: VecDeque::new(),
                durations: VecDeque::new(),
            }),
        }
    }

    /// Runs that may train at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Queues run `name` of `lab`, or starts it at once when a slot is free; `Err` with the
    /// name of the lab's run already queued or training.
    pub fn submit(
        &self,
        lab: &SharedLab,
        name: String,
        start: Starter,
    ) -> Result<Placement, String> {
        let mut queue = self.queue.lock().expect("queue lock");
        {
            let state = lab.run.lock().expect("run lock");
            if let Some(busy) = state.name() {
                return Err(busy.to_string());
            }
        }
        lab.clear_last_run();
        if queue.running.len() < self.workers {
            let stop = self.mark_running(&mut queue, lab, &name);
            drop(queue);
            if !start(stop) {
                self.release(lab);
            }
            return Ok(Placement::Started);
        }
        *lab.run.lock().expect("run lock") = RunState::Queued { name: name.clone() };
        queue.waiting.push_back(Ticket {
            lab: lab.clone(),
            name,
            start,
        });
        let position = queue.waiting.len();
        let wait_seconds = self.estimate(&queue, position);
        self.tell_waiting(&queue);
        Ok(Placement::Queued {
            position,
            wait_seconds,
        })
    }

    /// The place (1: next) and wait estimate of `lab`'s queued run, if it has one.
    pub fn place_of(&self, lab: &SharedLab) -> Option<(usize, Option<f64>)> {
        let queue = self.queue.lock().expect("queue lock");
        let index = queue
            .waiting
            .iter()
            .position(|t| Arc::ptr_eq(&t.lab, lab))?;
        Some((index + 1, self.estimate(&queue, index + 1)))
    }

    /// Takes `lab`'s queued run out of the queue; its name, or `None` when it had none.
    pub fn cancel(&self, lab: &SharedLab) -> Option<String> {
        let mut queue = self.queue.lock().expect("queue lock");
        let index = queue
            .waiting
            .iter()
            .position(|t| Arc::ptr_eq(&t.lab, lab))?;
        let ticket = queue.waiting.remove(index)?;
        *lab.run.lock().expect("run lock") = RunState::Idle;
        lab.publish(json!({
            "type": "cancelled",
            "run": ticket.name,
            "message": format!("{} left the queue before it started.", ticket.name),
        }));
        self.tell_waiting(&queue);
        Some(ticket.name)
    }

    /// Ends `lab`'s training run: `last` (its final event) is published and the lab freed
    /// under the queue's lock, so a page that starts its next run on that event is never
    /// refused; then the next queued run starts.
    pub fn finish(&self, lab: &SharedLab, last: serde_json::Value) {
        let mut queue = self.queue.lock().expect("queue lock");
        if let Some(index) = queue.running.iter().position(|(l, _)| Arc::ptr_eq(l, lab)) {
            let (_, since) = queue.running.remove(index);
            queue.durations.push_back(since.elapsed().as_secs_f64());
            if queue.durations.len() > DURATIONS_KEPT {
                queue.durations.pop_front();
            }
        }
        {
            let mut state = lab.run.lock().expect("run lock");
            lab.publish(last);
            *state = RunState::Idle;
        }
        self.start_next(queue);
    }

    /// The labs whose runs train now.
    pub fn running(&self) -> Vec<SharedLab> {
        let queue = self.queue.lock().expect("queue lock");
        queue.running.iter().map(|(lab, _)| lab.clone()).collect()
    }

    /// Runs queued now.
    pub fn queued(&self) -> usize {
        self.queue.lock().expect("queue lock").waiting.len()
    }

    /// Frees a slot whose run could not start.
    fn release(&self, lab: &SharedLab) {
        let mut queue = self.queue.lock().expect("queue lock");
        queue.running.retain(|(l, _)| !Arc::ptr_eq(l, lab));
        *lab.run.lock().expect("run lock") = RunState::Idle;
        self.start_next(queue);
    }

    /// Starts queued runs while slots are free.
    fn start_next(&self, mut queue: std::sync::MutexGuard<'_, Queue>) {
        let mut starting = Vec::new();
        while queue.running.len() < self.workers {
            let Some(ticket) = queue.waiting.pop_front() else {
                break;
            };
            let stop = self.mark_running(&mut queue, &ticket.lab, &ticket.name);
            starting.push((ticket, stop));
        }
        self.tell_waiting(&queue);
        drop(queue);
        for (ticket, stop) in starting {
            if !(ticket.start)(stop) {
                self.release(&ticket.lab);
            }
        }
    }

    fn mark_running(&self, queue: &mut Queue, lab: &SharedLab, name: &str) -> Arc<AtomicBool> {
        let stop = Arc::new(AtomicBool::new(false));
        *lab.run.lock().expect("run lock") = RunState::Running {
            name: name.to_string(),
            stop: stop.clone(),
        };
        queue.running.push((lab.clone(), Instant::now()));
        stop
    }

    /// About how long the run at `position` waits: the mean duration of recent runs for each
    /// round of `workers` runs ahead of it, less what the running ones have already done.
    fn estimate(&self, queue: &Queue, position: usize) -> Option<f64> {
        if queue.durations.is_empty() {
            return None;
        }
        let mean = queue.durations.iter().sum::<f64>() / queue.durations.len() as f64;
        let rounds = position.div_ceil(self.workers) as f64;
        let soonest = queue
            .running
            .iter()
            .map(|(_, since)| (mean - since.elapsed().as_secs_f64()).max(0.0))
            .fold(f64::INFINITY, f64::min);
        let first = if soonest.is_finite() { soonest } else { 0.0 };
        Some(first + (rounds - 1.0) * mean)
    }

    /// Tells each waiting lab its place.
    fn tell_waiting(&self, queue: &Queue) {
        for (index, ticket) in queue.waiting.iter().enumerate() {
            let position = index + 1;
            ticket.lab.publish(json!({
                "type": "queued",
                "run": ticket.name,
                "position": position,
                "wait_seconds": self.estimate(queue, position),
                "workers": self.workers,
            }));
        }
    }
}
