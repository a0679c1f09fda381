use sea_orm::entity::prelude::*;

table! {
    "billing_sequences",
    key { kind: String, year: i32 },
    pub last: i64,
}
