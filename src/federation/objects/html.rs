//! HTML in and out of federation. What we publish is built from escaped text; what peers send
//! as HTML (actor summaries) is reduced to plain text before it is stored, so no remote markup
//! ever reaches a page.

/// Plain text as HTML paragraphs, escaped; blank lines separate paragraphs.
pub(crate) fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect()
}

/// Text escaped for an element's content.
pub(crate) fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// Text escaped for a double-quoted attribute value (`href="..."`).
pub(crate) fn attr(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

/// The text of remote HTML: tags removed (paragraphs and line breaks kept as new lines),
/// entities decoded.
pub(crate) fn to_text(html: &str) -> String {
    let spaced = html
        .replace("</p>", "\n\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let stripped = ammonia::Builder::empty().clean(&spaced).to_string();
    html_escape::decode_html_entities(&stripped)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_html_becomes_text() {
        let html =
            "<p>Médiation &amp; <b>libre</b></p><p>Ligne<br>deux<script>alert(1)</script></p>";
        assert_eq!(to_text(html), "Médiation & libre\n\nLigne\ndeux");
    }

    #[test]
    fn attributes_escape_quotes() {
        assert_eq!(
            attr("https://x.org/?a=\"b\"&c"),
            "https://x.org/?a=&quot;b&quot;&amp;c"
        );
    }

    #[test]
    fn text_becomes_escaped_paragraphs() {
        assert_eq!(
            paragraphs("<b>Un</b> & deux\n\ntrois"),
            "<p>&lt;b&gt;Un&lt;/b&gt; &amp; deux</p><p>trois</p>"
        );
    }
}
