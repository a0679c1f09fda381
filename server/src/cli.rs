//! The command line: `server [--config FILE] [COMMAND]`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "Multi-tenant platform server for restaurants and shops"
)]
pub struct Cli {
    /// A TOML file whose keys are the environment variables in lower case;
    /// environment variables override it.
    #[arg(long, global = true, env = "CONFIG_FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP, GraphQL and websockets (the default).
    Serve,
    /// Create the database if missing and apply pending migrations.
    Migrate {
        /// Roll back this many migrations instead of applying.
        #[arg(long, value_name = "N")]
        down: Option<u32>,
    },
    /// Write the GraphQL SDL.
    ExportSchema {
        /// Where to write it; `-` writes to stdout.
        #[arg(long, default_value = "schema.graphql")]
        out: PathBuf,
    },
    /// Run the background job runner alone, without the HTTP server.
    Jobs,
    /// Create the demo café (menu, stock, recipes, a login per built-in
    /// role, an open shift) to try the point of sale. Does nothing if it exists.
    SeedDemo {
        /// The password of every demo login.
        #[arg(
            long,
            env = "DEMO_PASSWORD",
            default_value = "demo-coffee-2026",
            hide_env_values = true
        )]
        password: String,
    },
    /// Create a platform superadmin (or reset the password of an existing one).
    CreateSuperadmin {
        #[arg(long)]
        email: String,
        /// Read from SUPERADMIN_PASSWORD when not given, so it stays out of shell history.
        #[arg(long, env = "SUPERADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "Platform admin")]
        name: String,
    },
    /// Run a sandbox payment provider: a Stripe-shaped API and signed
    /// webhooks, kept in memory, for development and tests. Needs no database
    /// or Redis.
    SandboxBilling(SandboxBillingArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct SandboxBillingArgs {
    /// Where the sandbox API listens; port 0 picks a free one (logged as `addr`).
    #[arg(
        long,
        env = "SANDBOX_BILLING_LISTEN",
        default_value = "127.0.0.1:12111"
    )]
    pub listen: SocketAddr,
    /// Where webhook events are POSTed.
    #[arg(
        long,
        env = "SANDBOX_BILLING_WEBHOOK_URL",
        default_value = "http://127.0.0.1:8080/v1/billing/webhooks/sandbox"
    )]
    pub webhook_url: String,
    /// The secret each delivery's `Stripe-Signature` is made with.
    #[arg(
        long,
        env = "SANDBOX_BILLING_WEBHOOK_SECRET",
        default_value = "whsec_sandbox",
        hide_env_values = true
    )]
    pub webhook_secret: String,
    /// The bearer key clients must present.
    #[arg(
        long,
        env = "SANDBOX_BILLING_API_KEY",
        default_value = "sk_sandbox",
        hide_env_values = true
    )]
    pub api_key: String,
    /// The chance (0 to 1) that an event is delivered twice.
    #[arg(long, env = "SANDBOX_BILLING_DUPLICATE_RATE", default_value_t = 0.0, value_parser = rate)]
    pub duplicate_rate: f64,
    /// Collect events for a moment, then deliver each batch in random order.
    #[arg(long, env = "SANDBOX_BILLING_SHUFFLE")]
    pub shuffle: bool,
    /// Delivery attempts per event before the sandbox gives up on it.
    #[arg(long, env = "SANDBOX_BILLING_MAX_ATTEMPTS", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
}

fn rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("must be a number from 0 to 1".to_owned()),
    }
}
