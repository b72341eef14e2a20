//! `backprop serve`: the lab in the browser. A local web server (axum on tokio) with one page
//! (embedded, works offline) and the JSON API behind it: draw a digit and see what each layer
//! does with it, train and watch the curves and ‖dW_l‖ live (Server-Sent Events), run the
//! gradient check and the vanishing/exploding study. With `--class`, one server for a class:
//! students join by link, each with a lab of their own, runs share a fair queue, and the
//! teacher has a view of the class.

mod address;
mod assets;
mod backward;
mod bounds;
mod class;
mod connections;
mod events;
mod guard;
mod join;
mod lab;
mod limits;
mod memory;
mod predict;
mod reply;
mod reports;
mod requests;
mod run_end;
mod runs;
mod scheduler;
mod server;
mod session;
mod state;
mod teacher;
mod tls;
mod training;
mod web_observer;

pub use address::url_host;
pub use bounds::RunBounds;
pub use class::ClassOptions;
pub use connections::DEFAULT_REQUEST_TIMEOUT;
pub use requests::MAX_PAGE_ACTIVATIONS;
pub use server::{ClassSetup, ServeOptions, serve};
pub use training::DEFAULT_IDLE_STOP;
