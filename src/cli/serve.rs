//! `backprop serve`: the lab as a local web page.

use clap::Args;

use super::args::{ArtifactArgs, RunArgs};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::limits::{MAX_EPOCHS, thousands};
use crate::serve::{
    ClassOptions, ClassSetup, DEFAULT_IDLE_STOP, DEFAULT_REQUEST_TIMEOUT, MAX_PAGE_ACTIVATIONS,
    RunBounds, ServeOptions, serve,
};

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: ArtifactArgs,
    /// Address to listen on; anything but 127.0.0.1 (or ::1) makes the page reachable from
    /// other machines (with no login unless --class; 0.0.0.0 for a class's network).
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
    /// Serve HTTPS with this PEM certificate chain (with --tls-key); session cookies are then
    /// marked Secure.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(flatten)]
    class: ClassArgs,
}

/// Flags of `serve --class`: one server for a whole class.
#[derive(Debug, Args)]
struct ClassArgs {
    /// One server for a class: students join by the printed student link, each with their own
    /// runs; the teacher link opens the class's view. State is kept in <artifact-dir>/class/.
    #[arg(long)]
    class: bool,
    /// Make new class links (the old ones stop working; students who joined stay).
    #[arg(long)]
    new_links: bool,
    /// Runs that train at once; the others wait in a queue served in turn (1 to 256; default:
    /// the cores less one, at least 1).
    #[arg(long)]
    workers: Option<usize>,
    /// The address students open (e.g. https://lab.school.example behind a reverse proxy):
    /// the links use it and requests naming it are accepted.
    #[arg(long)]
    public_url: Option<String>,
    /// Most sessions (students and teachers) the class holds (1 to 10,000).
    #[arg(long, default_value_t = 200)]
    max_sessions: usize,
    /// API requests a session may make per second (1 to 1,000); a burst of three times as many
    /// passes.
    #[arg(long, default_value_t = 20)]
    session_rate: u32,
    /// Event streams a session may hold open (1 to 64).
    #[arg(long, default_value_t = 4)]
    max_streams: usize,
    /// Resident memory in MB past which new runs are refused (64 to 1,048,576; default: 80 %
    /// of the memory).
    #[arg(long)]
    memory_budget_mb: Option<u64>,
    /// Most epochs a student's run may ask for (1 to 1,000).
    #[arg(long, default_value_t = 20)]
    class_max_epochs: usize,
    /// Most training images a student's run may use (1 to 60,000).
    #[arg(long, default_value_t = 60_000)]
    class_max_train_images: usize,
    /// Most activations (batch size × hidden units) a student's run may hold (1,024 to
    /// 16,777,216).
    #[arg(long, default_value_t = 1 << 20)]
    class_max_activations: usize,
}

impl ClassArgs {
    /// The class's setup, or `None` without `--class` (then no class flag may be given);
    /// `https` when the server speaks HTTPS itself.
    fn setup(&self, https: bool) -> Result<Option<ClassSetup>> {
        let range = |flag: &str, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(Error::Config(format!(
                    "--{flag}: must be between {} and {}, got {value}",
                    thousands(min as usize),
                    thousands(max as usize)
                )))
            }
        };
        if !self.class {
            let given = [
                ("new-links", self.new_links),
                ("workers", self.workers.is_some()),
                ("public-url", self.public_url.is_some()),
                ("memory-budget-mb", self.memory_budget_mb.is_some()),
            ];
            if let Some((flag, _)) = given.iter().find(|(_, on)| *on) {
                return Err(Error::Config(format!(
                    "--{flag}: only with --class (one server for a class)"
                )));
            }
            return Ok(None);
        }
        if let Some(workers) = self.workers {
            range("workers", workers as u64, 1, 256)?;
        }
        range("max-sessions", self.max_sessions as u64, 1, 10_000)?;
        range("session-rate", u64::from(self.session_rate), 1, 1_000)?;
        range("max-streams", self.max_streams as u64, 1, 64)?;
        if let Some(mb) = self.memory_budget_mb {
            range("memory-budget-mb", mb, 64, 1 << 20)?;
        }
        range(
            "class-max-epochs",
            self.class_max_epochs as u64,
            1,
            MAX_EPOCHS as u64,
        )?;
        range(
            "class-max-train-images",
            self.class_max_train_images as u64,
            1,
            60_000,
        )?;
        range(
            "class-max-activations",
            self.class_max_activations as u64,
            1_024,
            MAX_PAGE_ACTIVATIONS as u64,
        )?;
        if let Some(url) = &self.public_url
            && crate::serve::url_host(url).is_none()
        {
            return Err(Error::Config(format!(
                "--public-url: expected http://name[:port] or https://name[:port], got '{url}'"
            )));
        }
        let rate = f64::from(self.session_rate);
        Ok(Some(ClassSetup {
            options: ClassOptions {
                new_links: self.new_links,
                max_sessions: self.max_sessions,
                requests_per_second: rate,
                burst: 3.0 * rate,
                max_streams: self.max_streams,
                https: https
                    || self
                        .public_url
                        .as_deref()
                        .is_some_and(|u| u.starts_with("https://")),
            },
            workers: self.workers,
            public_url: self.public_url.clone(),
            memory_budget_mb: self.memory_budget_mb,
            bounds: RunBounds {
                epochs: self.class_max_epochs,
                train_images: self.class_max_train_images,
                activations: self.class_max_activations,
                class: true,
            },
        }))
    }
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
    let class = args.class.setup(args.tls_cert.is_some())?;
    serve(ServeOptions {
        host: args.host,
        port: args.port,
        artifacts: args.output.artifacts(),
        data_dir: args.run.data_dir(),
        backend: args.run.backend,
        idle_stop: Duration::from_secs(args.idle_stop),
        request_timeout: Duration::from_secs(args.request_timeout),
        class,
        tls: args.tls_cert.zip(args.tls_key),
    })
}
