//! A lab's run as the pages follow it: `GET /api/train/events` (Server-Sent Events: the run's
//! events so far, then live ones; a bounded number per class session), and the idle stop of a
//! run no page has followed for `serve --idle-stop` seconds.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::class::Member;
use super::reply::ApiError;
use super::run_end::Cause;
use super::session::Caller;
use super::state::SharedState;

/// `GET /api/train/events`: the events of the lab's current (or last) run so far, then live
/// ones; in class mode at most `--max-streams` at once per session (429 past it).
pub async fn events(
    caller: Caller,
    State(state): State<SharedState>,
) -> std::result::Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>, ApiError>
{
    let held = match (&caller.member, state.class()) {
        (Some(member), Some(class)) => {
            let open = member.streams.fetch_add(1, Ordering::SeqCst);
            let held = StreamHeld(member.clone());
            if open >= class.options.max_streams {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "too many event streams open for this session (at most {}); close a tab",
                        class.options.max_streams
                    ),
                ));
            }
            Some(held)
        }
        _ => None,
    };
    let lab = caller.lab;
    let receiver = lab.events.subscribe();
    let past: Vec<String> = lab.history.lock().expect("history lock").clone();
    let live = stream::unfold((receiver, held), |(mut receiver, held)| async move {
        loop {
            match receiver.recv().await {
                Ok(text) => return Some((text, (receiver, held))),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::iter(past)
        .chain(live)
        .map(|text| Ok(Event::default().data(text)));
    Ok(Sse::new(all).keep_alive(KeepAlive::default()))
}

/// One open event stream of a member, counted while it lives.
struct StreamHeld(Arc<Member>);

impl Drop for StreamHeld {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Stops each run that no page has followed for the state's idle time; checks every second.
pub async fn idle_watch(state: SharedState) {
    let idle_stop = state.idle_stop;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        for lab in state.labs() {
            let followed = lab.events.receiver_count() > 0;
            let mut last = lab.last_follower.lock().expect("follower lock");
            if followed {
                *last = Instant::now();
            } else if last.elapsed() >= idle_stop
                && lab.run_state().running().is_some()
                && lab.stop_cause.lock().expect("stop cause lock").is_none()
            {
                *lab.stop_cause.lock().expect("stop cause lock") =
                    Some(Cause::StoppedIdle(idle_stop.as_secs()));
                lab.request_stop();
                lab.publish(json!({ "type": "idle", "message": format!(
                    "no page followed the run for {} s: stopping it", idle_stop.as_secs()) }));
            }
        }
    }
}
