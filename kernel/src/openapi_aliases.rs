// Shared by the `build.rs` of each crate that derives `utoipa::ToSchema` on
// types with id fields: utoipa documents every typed id as a plain `Uuid`
// (`{type: string, format: uuid}`, inline), exactly as before the ids were typed.
#[allow(unused_macros)]
macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        const ID_TYPE_NAMES: &[&str] = &[$(stringify!($name)),+];
    };
}

include!("id_list.rs");

pub fn write_utoipa_config() {
    println!("cargo::rerun-if-changed=../kernel/src/id_list.rs");
    let mut config = utoipa_config::Config::new();
    for name in ID_TYPE_NAMES {
        config = config.alias_for(name, "Uuid");
    }
    // Amounts that may pass 32 bits are a `Long` in GraphQL, an int64 in OpenAPI.
    config = config.alias_for("Long", "i64");
    config.write_to_file();
}
