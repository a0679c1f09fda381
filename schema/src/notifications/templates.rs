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

/// Formats minor units with the currency's own decimals and its code.
pub fn money(minor: i64, currency: &str) -> String {
    crate::billing::currency::format(minor, currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_two_decimals_and_a_sign() {
        assert_eq!(money(1025, "EUR"), "10.25 EUR");
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
