//! Email templates: a plain-text and an HTML body for each message.

use jobs::email::Email;

/// Escapes text for HTML bodies.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html(title: &str, paragraphs: &[String], link: Option<(&str, &str)>) -> String {
    let mut body = format!("<h1>{}</h1>", escape(title));
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", escape(p)));
    }
    if let Some((label, href)) = link {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(href),
            escape(label)
        ));
    }
    format!("<!doctype html><html><body style=\"font-family:sans-serif\">{body}</body></html>")
}

pub fn password_reset(to: &str, name: &str, link: &str, expires: &str) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        "Someone asked to reset the password of your account. If it was you, choose a new password with the link below.".to_owned(),
        format!("The link works once and expires at {expires}. If you did not ask, ignore this email."),
    ];
    Email {
        to: to.to_owned(),
        subject: "Reset your password".to_owned(),
        text: format!("{}\n\n{}\n\n{}\n\n{link}\n", lines[0], lines[1], lines[2]),
        html: html(
            "Reset your password",
            &lines,
            Some(("Choose a new password", link)),
        ),
    }
}

pub fn invitation(to: &str, name: &str, business: &str, link: &str, expires: &str) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        format!(
            "You have been invited to join {business}. Choose your password with the link below to sign in."
        ),
        format!("The invitation expires at {expires}."),
    ];
    Email {
        to: to.to_owned(),
        subject: format!("You are invited to {business}"),
        text: format!("{}\n\n{}\n\n{}\n\n{link}\n", lines[0], lines[1], lines[2]),
        html: html(
            &format!("Join {business}"),
            &lines,
            Some(("Accept the invitation", link)),
        ),
    }
}

pub fn tenant_approved(to: &str, name: &str, business: &str, slug: &str, link: &str) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        format!("{business} is approved: your point of sale, menu and stock are ready."),
        format!("Sign in with the business name \"{slug}\", your email and your password."),
    ];
    Email {
        to: to.to_owned(),
        subject: format!("{business} is approved"),
        text: format!("{}\n\n{}\n\n{}\n\n{link}\n", lines[0], lines[1], lines[2]),
        html: html(
            &format!("{business} is approved"),
            &lines,
            Some(("Sign in", link)),
        ),
    }
}

/// A stock level as the low-stock email shows it.
#[derive(Debug, Clone)]
pub struct StockFigures {
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub on_hand: String,
    pub reorder_point: String,
}

pub fn low_stock(to: &str, name: &str, business: &str, location: &str, s: &StockFigures) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        format!(
            "{} ({}) is low at {location}: {} {} left, reorder point {} {}.",
            s.name, s.sku, s.on_hand, s.unit, s.reorder_point, s.unit
        ),
        format!("Time to reorder for {business}."),
    ];
    Email {
        to: to.to_owned(),
        subject: format!("Low stock: {} at {location}", s.name),
        text: format!("{}\n\n{}\n\n{}\n", lines[0], lines[1], lines[2]),
        html: html(&format!("{} is low", s.name), &lines, None),
    }
}

/// One line of a receipt.
#[derive(Debug, Clone)]
pub struct ReceiptLine {
    pub name: String,
    pub quantity: i64,
    /// Minor units, already multiplied by the quantity.
    pub total_minor: i64,
}

/// Formats minor units with two decimals and the currency code.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

pub fn receipt(
    to: &str,
    business: &str,
    number: &str,
    lines: &[ReceiptLine],
    total_minor: i64,
    currency: &str,
) -> Email {
    let mut text = format!("{business}\nReceipt {number}\n\n");
    let mut rows = String::new();
    for line in lines {
        let amount = money(line.total_minor, currency);
        text.push_str(&format!("{} x {}  {amount}\n", line.quantity, line.name));
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td style=\"text-align:right\">{}</td></tr>",
            line.quantity,
            escape(&line.name),
            escape(&amount)
        ));
    }
    let total = money(total_minor, currency);
    text.push_str(&format!("\nTotal  {total}\n\nThank you!\n"));
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>{}</h1><p>Receipt {}</p><table>{rows}</table><p><strong>Total {}</strong></p><p>Thank you!</p></body></html>",
        escape(business),
        escape(number),
        escape(&total)
    );
    Email {
        to: to.to_owned(),
        subject: format!("Your receipt from {business}"),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_list_lines_and_total() {
        let lines = vec![
            ReceiptLine {
                name: "Flat white".into(),
                quantity: 2,
                total_minor: 700,
            },
            ReceiptLine {
                name: "Croissant <warm>".into(),
                quantity: 1,
                total_minor: 325,
            },
        ];
        let mail = receipt(
            "a@b.co",
            "Corner Cafe",
            "2026-11-24-0042",
            &lines,
            1025,
            "EUR",
        );
        assert!(mail.text.contains("2 x Flat white  7.00 EUR"));
        assert!(mail.text.contains("Total  10.25 EUR"));
        assert!(mail.html.contains("Croissant &lt;warm&gt;"));
        assert_eq!(money(-5, "EUR"), "-0.05 EUR");
    }

    #[test]
    fn html_is_escaped() {
        let mail = tenant_approved(
            "a@b.co",
            "<script>",
            "Tom & Jerry's",
            "tj",
            "https://x/?a=1&b=2",
        );
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.html.contains("Tom &amp; Jerry&#39;s"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.text.contains("Tom & Jerry's"));
    }
}
