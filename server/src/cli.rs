//! The command line: `server [--config FILE] [COMMAND]`.

use clap::{Parser, Subcommand};
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
}
