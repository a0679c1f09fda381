//! Reporting: exports a business can download (CSV reports, its own backup),
//! made by background jobs.

pub mod exports;
pub mod graphql;
