//! `backprop serve`: the lab as a local web page.

use clap::Args;

use super::args::{ArtifactArgs, RunArgs};
use crate::error::Result;
use crate::serve::{ServeOptions, serve};

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
}

/// Serves the page until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<()> {
    serve(ServeOptions {
        host: args.host,
        port: args.port,
        artifacts: args.output.artifacts(),
        data_dir: args.run.data_dir(),
        backend: args.run.backend,
    })
}
