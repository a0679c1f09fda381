//! Email templates: a plain-text and an HTML body for each message.

pub use jobs::email::Email;

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

/// A support ticket as its emails name it.
#[derive(Debug, Clone)]
pub struct TicketMail {
    pub number: i32,
    pub subject: String,
    pub business: String,
    pub link: String,
}

/// One email from lines and a link: the text body is the lines, then the link.
fn mail(to: &str, subject: String, title: &str, lines: &[String], link: (&str, &str)) -> Email {
    let mut text = lines.join("\n\n");
    text.push_str(&format!("\n\n{}\n", link.1));
    Email {
        to: to.to_owned(),
        subject,
        text,
        html: html(title, lines, Some(link)),
    }
}

/// To the operator: a new ticket, or the business's reply.
pub fn ticket_for_operator(
    to: &str,
    name: &str,
    t: &TicketMail,
    opened: bool,
    author: &str,
    body: &str,
) -> Email {
    let what = if opened { "opened" } else { "replied to" };
    let lines = vec![
        format!("Hello {name},"),
        format!(
            "{author} of {} {what} ticket {}: {}",
            t.business, t.number, t.subject
        ),
        body.to_owned(),
    ];
    let subject = format!("[{}] #{} {}", t.business, t.number, t.subject);
    mail(
        to,
        subject,
        &format!("Ticket {}", t.number),
        &lines,
        ("Open the ticket", &t.link),
    )
}

/// To the requester: the operator's public answer.
pub fn ticket_answered(to: &str, name: &str, t: &TicketMail, author: &str, body: &str) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        format!("{author} answered your ticket {}: {}", t.number, t.subject),
        body.to_owned(),
        "Reply in the app to continue the conversation.".to_owned(),
    ];
    let subject = format!("Re: #{} {}", t.number, t.subject);
    mail(
        to,
        subject,
        &format!("Ticket {}", t.number),
        &lines,
        ("Reply", &t.link),
    )
}

/// To the requester: the ticket is solved (a reply reopens it).
pub fn ticket_solved(to: &str, name: &str, t: &TicketMail) -> Email {
    let lines = vec![
        format!("Hello {name},"),
        format!("Your ticket {} ({}) is solved.", t.number, t.subject),
        "If it is not, reply in the app and it reopens.".to_owned(),
    ];
    let subject = format!("Solved: #{} {}", t.number, t.subject);
    mail(
        to,
        subject,
        &format!("Ticket {} solved", t.number),
        &lines,
        ("See the ticket", &t.link),
    )
}

/// To the operator: an SLA clock is near its target, or past it.
pub fn sla_alert(to: &str, name: &str, t: &TicketMail, metric: &str, breached: bool) -> Email {
    let state = if breached {
        "breached"
    } else {
        "is near breach"
    };
    let lines = vec![
        format!("Hello {name},"),
        format!(
            "The {metric} target of ticket {} from {} ({}) {state}.",
            t.number, t.business, t.subject
        ),
    ];
    let subject = format!(
        "SLA {}: #{} {}",
        if breached { "breached" } else { "warning" },
        t.number,
        t.subject
    );
    mail(
        to,
        subject,
        &format!("Ticket {}", t.number),
        &lines,
        ("Open the ticket", &t.link),
    )
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
