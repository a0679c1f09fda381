//! The platform server binary.

// The merged GraphQL roots nest deeper than the compiler's default allows.
#![recursion_limit = "256"]

mod cli;
mod config;
mod database;
mod http;
mod rest;
mod sandbox_billing;
mod serve;
mod state;
mod telemetry;

use clap::Parser;
use cli::{Cli, Command};
use config::Config;
use kernel::RequestContext;
use std::process::ExitCode;

fn main() -> ExitCode {
    // lettre and sqlx bring ring, reqwest could bring aws-lc: pin one provider
    // before anything builds a TLS config. Err means one is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let cli = Cli::parse();
    // The sandbox stands in for an outside service: it must start without
    // the platform's configuration, database or Redis.
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::SandboxBilling(args) => return block_on(sandbox_billing::run(args)),
        command => command,
    };
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    block_on(run(command, config))
}

fn block_on(work: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "exiting on error");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    if let Command::ExportSchema { out } = &command {
        return export_schema(out);
    }
    let mut telemetry = telemetry::init(&config)?;
    let result = match command {
        Command::Serve => serve::serve(config).await,
        Command::Migrate { down } => database::migrate_command(&config, down).await,
        Command::Jobs => serve::jobs_only(config).await,
        Command::CreateSuperadmin {
            email,
            password,
            name,
        } => {
            let db = database::prepare(&config).await?;
            let ctx = RequestContext::system(uuid::Uuid::now_v7().to_string());
            let outcome =
                schema::superadmin::service::ensure_superadmin(&db, &ctx, &email, &password, &name)
                    .await;
            db.close().await;
            match outcome? {
                schema::superadmin::service::Ensured::Created(id) => {
                    println!("created superadmin {email} ({id})")
                }
                schema::superadmin::service::Ensured::AlreadyExisted(id) => {
                    println!("superadmin {email} already exists ({id}); nothing changed")
                }
            }
            Ok(())
        }
        Command::SeedDemo { password } => {
            let db = database::prepare(&config).await?;
            let outcome = schema::demo::seed(&db, &password).await;
            db.close().await;
            match outcome? {
                None => println!(
                    "the demo business {} already exists; nothing changed",
                    schema::demo::SLUG
                ),
                Some(demo) => print_demo(&demo, &password, &config),
            }
            Ok(())
        }
        Command::ExportSchema { .. } | Command::SandboxBilling(_) => Ok(()),
    };
    telemetry.shutdown();
    result
}

fn print_demo(demo: &schema::demo::Demo, password: &str, config: &Config) {
    println!(
        "created the demo business \"{}\" ({})",
        demo.slug, demo.tenant_id
    );
    println!(
        "sign in with business {}, password {password}, as:",
        demo.slug
    );
    for (role, email) in &demo.logins {
        println!("  {role:<8} {email}");
    }
    println!("location    {}", demo.location_id);
    println!(
        "flat white  {} (oat milk modifier {})",
        demo.flat_white_id, demo.oat_milk_modifier_id
    );
    println!("croissant   {}", demo.croissant_id);
    println!(
        "GraphiQL: http://{}/graphql; README.md, \"Sell a coffee\", walks through a sale",
        config.bind_addr
    );
}

fn export_schema(out: &std::path::Path) -> anyhow::Result<()> {
    let sdl = schema::sdl();
    if out.as_os_str() == "-" {
        print!("{sdl}");
    } else {
        std::fs::write(out, sdl)?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}
