use sea_orm::entity::prelude::*;

table! {
    "billing_sequences",
    key { kind: SequenceKind, year: i32 },
    pub last: i64,
}

text_enum! {
    /// What a gapless sequence numbers.
    SequenceKind {
        Invoice = "invoice",
        CreditNote = "credit_note",
    }
}
