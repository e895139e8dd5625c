//! Short, safe excerpts of server text for error messages.

/// Shortest secret that can be replaced in text without also hiding ordinary words. With a
/// shorter one, response bodies are left out of messages entirely.
const MIN_REDACTABLE_SECRET: usize = 8;

/// Maximum length of a response body excerpt in an error message, in characters.
const EXCERPT_CHARS: usize = 120;

/// Shortest run of token-like characters that is treated as a credential and hidden. It is
/// longer than a UUID (36 characters), so clientIDs and traceIDs stay readable.
const CREDENTIAL_RUN: usize = 40;

/// Returns at most [`EXCERPT_CHARS`] characters of `body` as one line, with anything that
/// looks like a token or equals `secret` replaced by `[redacted]`.
pub(crate) fn excerpt(body: &[u8], secret: &str) -> String {
    if !secret.is_empty() && secret.len() < MIN_REDACTABLE_SECRET {
        return "[response body not shown because the secret is too short to redact]".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    one_line(&redact(&text, secret))
}

/// Cuts `text` to [`EXCERPT_CHARS`] characters on one line.
fn one_line(text: &str) -> String {
    let mut line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();

    if text.chars().count() > EXCERPT_CHARS {
        line.push('…');
    }
    line
}

/// Returns a server-sent field (a code, traceID or detail) as one short line with the secret
/// and anything token-like replaced. Unlike [`excerpt`] it keeps the text even for a short
/// secret, replacing each occurrence, because a short field loses little by that.
pub(crate) fn field(text: &str, secret: &str) -> String {
    one_line(&redact(text, secret))
}

/// Replaces `secret`, every run of at least [`CREDENTIAL_RUN`] token-like characters
/// (letters, digits, `-_.+/=`) and every run holding `eyJ` (the start of a base64 JSON
/// object, as in a JWT) in `text` with `[redacted]`.
fn redact(text: &str, secret: &str) -> String {
    let mut text = mask_credential_values(text);
    if !secret.is_empty() {
        for form in secret_forms(secret) {
            text = text.replace(&form, "[redacted]");
        }
    }

    let mut output = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
            continue;
        }
        flush_run(&mut output, &mut run);
        output.push(c);
    }
    flush_run(&mut output, &mut run);
    output
}

/// JSON keys whose string values are credentials, however short or opaque they are.
const CREDENTIAL_KEYS: [&str; 5] = [
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "secret",
];

/// Replaces the string value of every [`CREDENTIAL_KEYS`] member in JSON-like `text`, even in
/// a body that is not valid JSON.
fn mask_credential_values(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;

    while let Some(start) = rest.find('"') {
        let (before, quoted) = rest.split_at(start);
        output.push_str(before);
        let Some(end) = quoted[1..].find('"').map(|i| i + 2) else {
            output.push_str(quoted);
            return output;
        };
        let (name, after) = quoted.split_at(end);
        output.push_str(name);
        rest = after;

        let key = &name[1..name.len() - 1];
        if CREDENTIAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            rest = mask_value(rest, &mut output);
        }
    }
    output.push_str(rest);
    output
}

/// Copies `: "` from the start of `text` and masks the string that follows; returns the text
/// after it. Text that is not `: "value"` is left for the caller.
fn mask_value<'a>(text: &'a str, output: &mut String) -> &'a str {
    let trimmed = text.trim_start();
    let Some(after_colon) = trimmed.strip_prefix(':') else {
        return text;
    };
    let Some(value) = after_colon.trim_start().strip_prefix('"') else {
        return text;
    };

    let mut escaped = false;
    for (index, c) in value.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                output.push_str(":\"[redacted]\"");
                return &value[index + 1..];
            }
            _ => escaped = false,
        }
    }
    output.push_str(":\"[redacted]");
    ""
}

/// Returns the ways a server may echo `secret`: as sent, escaped in a JSON string, and
/// escaped for HTML.
fn secret_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    let ascii_json: String = json
        .chars()
        .map(|c| match c {
            c if c.is_ascii() => c.to_string(),
            c => c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect(),
        })
        .collect();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");

    let mut forms = vec![secret.to_owned(), json, ascii_json, html];
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    forms
}

fn flush_run(output: &mut String, run: &mut String) {
    if run.chars().count() >= CREDENTIAL_RUN || run.contains("eyJ") {
        output.push_str("[redacted]");
    } else {
        output.push_str(run);
    }
    run.clear();
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_tokens_and_secret() {
        let body =
            br#"{"token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","note":"pw hunter2-secret!"}"#;

        let text = excerpt(body, "hunter2-secret");

        assert!(!text.contains("eyJhbGciOiJSUzI1NiJ9"), "{text}");
        assert!(!text.contains("hunter2-secret"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains("note"), "{text}");
    }

    #[test]
    fn hides_escaped_secret() {
        let secret = "ab\"SECRET\\é<x>";
        let bodies = [
            r#"{"secret":"ab\"SECRET\\é<x>"}"#,
            r#"{"secret":"ab\"SECRET\\\u00e9<x>"}"#,
            "<p>ab&quot;SECRET\\é&lt;x&gt;</p>",
        ];

        for body in bodies {
            let text = excerpt(body.as_bytes(), secret);
            assert!(!text.contains("SECRET"), "{body} -> {text}");
        }
    }

    #[test]
    fn fields_kept_with_short_secret() {
        assert_eq!(field("invalid-api-key", "s3"), "invalid-api-key");
        assert_eq!(field("you sent s3", "s3"), "you sent [redacted]");
    }

    #[test]
    fn masks_credential_values() {
        let body = r#"{"token": "tok-y", "access_token":"a\"b", "detail":"kept", "secret":"#;

        let text = redact(body, "");

        assert!(!text.contains("tok-y"), "{text}");
        assert!(!text.contains("a\\\"b"), "{text}");
        assert!(text.contains(r#""detail":"kept""#), "{text}");
        assert!(text.contains(r#""token":"[redacted]""#), "{text}");
    }

    #[test]
    fn short_secret_hides_whole_body() {
        let text = excerpt(br#"{"secret":"xyz"}"#, "xyz");

        assert!(!text.contains("xyz"), "{text}");
    }

    #[test]
    fn keeps_identifiers() {
        let text = "clientID 4ea44210-93fa-4de2-836d-411297c459c8 traceID 1-2-3";

        assert_eq!(redact(text, "s3cr3t-value"), text);
    }

    #[test]
    fn hides_short_jwt_like_runs() {
        assert_eq!(redact("got eyJhbGci.e30.x", ""), "got [redacted]");
    }

    #[test]
    fn keeps_ordinary_words() {
        assert_eq!(
            redact("<html>Bad Gateway</html>", "s3cr3t-value"),
            "<html>Bad Gateway</html>"
        );
    }

    #[test]
    fn truncates_long_bodies() {
        let body = "word ".repeat(100);

        let text = excerpt(body.as_bytes(), "");

        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn flattens_control_characters() {
        assert_eq!(excerpt(b"line one\nline two", ""), "line one line two");
    }
}
