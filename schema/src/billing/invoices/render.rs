//! An invoice as a customer reads it: HTML for the portal and the email
//! body, plain text for the email's text part. Every figure is the stored
//! one; nothing is recomputed here.

use super::Invoice;
use crate::billing::currency::format;
use crate::notifications::templates::escape;

fn number(invoice: &Invoice) -> &str {
    invoice.number.as_deref().unwrap_or("DRAFT")
}

/// The invoice as plain text.
pub fn text(invoice: &Invoice, business: &str) -> String {
    let c = &invoice.currency;
    let mut out = format!(
        "Invoice {}\nBilled to: {business}\nStatus: {:?}\nPeriod: {} to {}\n\n",
        number(invoice),
        invoice.status,
        invoice.period_start.format("%Y-%m-%d"),
        invoice.period_end.format("%Y-%m-%d"),
    );
    for line in &invoice.lines {
        out.push_str(&format!(
            "{:<60} {:>18}\n",
            line.description,
            format(line.amount_minor.0, c)
        ));
    }
    let rate = crate::billing::arithmetic::percent(i64::from(invoice.tax_rate_ppm));
    out.push_str(&format!(
        "\n{:<60} {:>18}\n",
        "Subtotal",
        format(invoice.subtotal_minor.0, c)
    ));
    if invoice.discount_minor.0 != 0 {
        out.push_str(&format!(
            "{:<60} {:>18}\n",
            "Discount",
            format(-invoice.discount_minor.0, c)
        ));
    }
    out.push_str(&format!(
        "{:<60} {:>18}\n",
        format!("{} {rate} %", invoice.tax_name),
        format(invoice.tax_minor.0, c)
    ));
    out.push_str(&format!(
        "{:<60} {:>18}\n",
        "Total",
        format(invoice.total_minor.0, c)
    ));
    for note in &invoice.credit_notes {
        out.push_str(&format!(
            "{:<60} {:>18}\n",
            format!("Credit note {}", note.number),
            format(-note.amount_minor.0, c)
        ));
    }
    out.push_str(&format!(
        "{:<60} {:>18}\n",
        "Amount due",
        format(invoice.amount_due_minor.0, c)
    ));
    out
}

/// The invoice as an HTML page (inline styles, so mail clients keep them).
pub fn html(invoice: &Invoice, business: &str) -> String {
    let c = &invoice.currency;
    let row = |label: &str, amount: i64| {
        format!(
            "<tr><td>{}</td><td style=\"text-align:right\">{}</td></tr>",
            escape(label),
            escape(&format(amount, c))
        )
    };
    let mut rows = String::new();
    for line in &invoice.lines {
        rows.push_str(&row(&line.description, line.amount_minor.0));
    }
    let rate = crate::billing::arithmetic::percent(i64::from(invoice.tax_rate_ppm));
    let mut totals = row("Subtotal", invoice.subtotal_minor.0);
    if invoice.discount_minor.0 != 0 {
        totals.push_str(&row("Discount", -invoice.discount_minor.0));
    }
    totals.push_str(&row(
        &format!("{} {rate} %", invoice.tax_name),
        invoice.tax_minor.0,
    ));
    totals.push_str(&row("Total", invoice.total_minor.0));
    for note in &invoice.credit_notes {
        totals.push_str(&row(
            &format!("Credit note {}", note.number),
            -note.amount_minor.0,
        ));
    }
    totals.push_str(&row("Amount due", invoice.amount_due_minor.0));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invoice {n}</title></head>\
         <body style=\"font-family:sans-serif\"><h1>Invoice {n}</h1>\
         <p>Billed to: {b}<br>Status: {s:?}<br>Period: {from} to {to}</p>\
         <table style=\"border-collapse:collapse;min-width:480px\">{rows}{totals}</table></body></html>",
        n = escape(number(invoice)),
        b = escape(business),
        s = invoice.status,
        from = invoice.period_start.format("%Y-%m-%d"),
        to = invoice.period_end.format("%Y-%m-%d"),
    )
}
