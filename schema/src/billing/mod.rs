//! Billing: plans, subscriptions, invoices and the payment provider behind them.
pub mod provider;
pub mod signature;
