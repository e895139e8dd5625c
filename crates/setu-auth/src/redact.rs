//! Short, safe excerpts of server text for error messages.

/// Longest excerpt of a response body quoted in an error message, in characters.
const EXCERPT_CHARS: usize = 120;

/// Shortest run of token-like characters that is treated as a credential and hidden. It is
/// longer than a UUID (36 characters), so clientIDs and traceIDs stay readable.
const CREDENTIAL_RUN: usize = 40;

/// Returns at most [`EXCERPT_CHARS`] characters of `body` as one line, with anything that
/// looks like a token or equals `secret` replaced by `[redacted]`.
pub(crate) fn excerpt(body: &[u8], secret: &str) -> String {
    let text = String::from_utf8_lossy(body);
    let text = redact(&text, secret);
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

/// Replaces `secret`, every run of at least [`CREDENTIAL_RUN`] token-like characters
/// (letters, digits, `-_.+/=`) and every run holding `eyJ` (the start of a base64 JSON
/// object, as in a JWT) in `text` with `[redacted]`.
pub(crate) fn redact(text: &str, secret: &str) -> String {
    let text = if secret.len() >= 4 {
        text.replace(secret, "[redacted]")
    } else {
        text.to_owned()
    };

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
        let body = br#"{"token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","note":"pw hunter2!"}"#;

        let text = excerpt(body, "hunter2");

        assert!(!text.contains("eyJhbGciOiJSUzI1NiJ9"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains("note"), "{text}");
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
