//! `backprop serve`: the lab in the browser. A local web server (axum on tokio) with one page
//! (embedded, works offline) and the JSON API behind it: draw a digit and see what each layer
//! does with it, train and watch the curves and ‖dW_l‖ live (Server-Sent Events), run the
//! gradient check and the vanishing/exploding study.

mod assets;
mod backward;
mod connections;
mod guard;
mod limits;
mod predict;
mod reply;
mod reports;
mod requests;
mod run_end;
mod runs;
mod server;
mod state;
mod training;
mod web_observer;

pub use connections::DEFAULT_REQUEST_TIMEOUT;
pub use server::{ServeOptions, serve};
pub use training::DEFAULT_IDLE_STOP;
