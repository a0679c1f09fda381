# Everyday recipes. `just` is optional: each recipe is one cargo command.

# Run the server on its defaults (creates and migrates its database).
run:
    cargo run -p server

# Run every test (needs PostgreSQL and Redis on 127.0.0.1; see README).
test:
    cargo test --workspace

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Rewrite schema.graphql from the code.
export-schema:
    cargo run -q -p server -- export-schema

# Apply migrations without serving.
migrate:
    cargo run -p server -- migrate

# CI, locally.
ci:
    bash .ci/run
