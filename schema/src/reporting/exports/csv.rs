//! CSV as the exports write it (RFC 4180 quoting).

use sea_orm::JsonValue;

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

pub(super) fn line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// A JSON value as a CSV cell: null is empty, strings unquoted.
pub(super) fn cell(value: &JsonValue) -> String {
    match value {
        JsonValue::Null => String::new(),
        JsonValue::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `columns` of each row, with a header line.
pub(super) fn table(columns: &[&str], rows: &[JsonValue]) -> String {
    let mut out = line(&columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
    for row in rows {
        out.push_str(&line(
            &columns.iter().map(|c| cell(&row[*c])).collect::<Vec<_>>(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_escapes_what_needs_it() {
        assert_eq!(
            line(&["a".into(), "b,c".into(), "say \"hi\"".into()]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
        let rows = vec![json!({"x": null, "y": 3})];
        assert_eq!(table(&["x", "y"], &rows), "x,y\n,3\n");
    }
}
