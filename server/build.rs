include!("../kernel/src/openapi_aliases.rs");

fn main() {
    write_utoipa_config();
}
