//! `backprop serve`: the lab as a local web page.

use clap::Args;

use super::args::{ArtifactArgs, RunArgs};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::serve::{DEFAULT_IDLE_STOP, DEFAULT_REQUEST_TIMEOUT, ServeOptions, serve};

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: ArtifactArgs,
    /// Address to listen on; anything but 127.0.0.1 (or ::1) makes the page reachable from
    /// other machines, with no login.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0: any free port; the URL is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Stop a training run that no page has followed for this many seconds (1 to 86,400).
    #[arg(long, default_value_t = DEFAULT_IDLE_STOP.as_secs())]
    idle_stop: u64,
    /// Seconds a client has to send a request's headers, and then its body (1 to 3,600); a
    /// slower or idle connection is closed (408 for a body).
    #[arg(long, default_value_t = DEFAULT_REQUEST_TIMEOUT.as_secs())]
    request_timeout: u64,
}

/// Serves the page until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<()> {
    if !(1..=86_400).contains(&args.idle_stop) {
        return Err(Error::Config(format!(
            "--idle-stop: must be between 1 and 86,400 seconds, got {}",
            args.idle_stop
        )));
    }
    if !(1..=3_600).contains(&args.request_timeout) {
        return Err(Error::Config(format!(
            "--request-timeout: must be between 1 and 3,600 seconds, got {}",
            args.request_timeout
        )));
    }
    serve(ServeOptions {
        host: args.host,
        port: args.port,
        artifacts: args.output.artifacts(),
        data_dir: args.run.data_dir(),
        backend: args.run.backend,
        idle_stop: Duration::from_secs(args.idle_stop),
        request_timeout: Duration::from_secs(args.request_timeout),
    })
}
