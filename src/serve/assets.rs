//! The page, embedded in the binary (no CDN, no build step): `web/index.html`, `style.css`,
//! the icon, its catalogues (`web/lang/*.json`, one per language, served together as
//! `/lang.js`) and the page's scripts, one per concern (`i18n.js`: the words in the page's
//! language; `heat.js`: heat maps and colour scales; `charts.js`: line charts; `app.js`: Draw
//! and Train; `confusion.js`: the confusion matrix; `forms.js`: the forms' checks; `runs.js`:
//! the page's runs; `links.js`: settings in the address, presets; `backward.js`: the Backward
//! panel; `units.js`: the first layer's units; `check.js` and `study.js`: their panels;
//! `tex.js`: the equations in TeX, typeset by KaTeX, whose script, style sheet and fonts are
//! embedded too, from `web/katex/`).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::state::SharedState;

/// Each script of the page, by the path it is served at, in the order the page loads them.
const SCRIPTS: [(&str, &str); 15] = [
    // KaTeX 0.19.1 (MIT, web/katex/LICENSE), from the npm registry: the equations typeset.
    (
        "/katex/katex.min.js",
        include_str!("../../web/katex/katex.min.js"),
    ),
    ("/i18n.js", include_str!("../../web/i18n.js")),
    ("/tex.js", include_str!("../../web/tex.js")),
    ("/heat.js", include_str!("../../web/heat.js")),
    ("/charts.js", include_str!("../../web/charts.js")),
    ("/app.js", include_str!("../../web/app.js")),
    ("/class.js", include_str!("../../web/class.js")),
    ("/confusion.js", include_str!("../../web/confusion.js")),
    ("/forms.js", include_str!("../../web/forms.js")),
    ("/runs.js", include_str!("../../web/runs.js")),
    ("/links.js", include_str!("../../web/links.js")),
    ("/backward.js", include_str!("../../web/backward.js")),
    ("/units.js", include_str!("../../web/units.js")),
    ("/check.js", include_str!("../../web/check.js")),
    ("/study.js", include_str!("../../web/study.js")),
];

/// KaTeX's style sheet and the fonts it names (`fonts/KaTeX_*.woff2`, relative to it; every
/// browser the page serves reads WOFF2, the first format the sheet offers).
const KATEX_CSS: &str = include_str!("../../web/katex/katex.min.css");

macro_rules! katex_fonts {
    ($($name:literal),* $(,)?) => {
        [$((concat!("/katex/fonts/", $name, ".woff2"),
            include_bytes!(concat!("../../web/katex/fonts/", $name, ".woff2")) as &[u8])),*]
    };
}

/// Each KaTeX font, by the path it is served at.
const KATEX_FONTS: [(&str, &[u8]); 20] = katex_fonts![
    "KaTeX_AMS-Regular",
    "KaTeX_Caligraphic-Bold",
    "KaTeX_Caligraphic-Regular",
    "KaTeX_Fraktur-Bold",
    "KaTeX_Fraktur-Regular",
    "KaTeX_Main-Bold",
    "KaTeX_Main-BoldItalic",
    "KaTeX_Main-Italic",
    "KaTeX_Main-Regular",
    "KaTeX_Math-BoldItalic",
    "KaTeX_Math-Italic",
    "KaTeX_SansSerif-Bold",
    "KaTeX_SansSerif-Italic",
    "KaTeX_SansSerif-Regular",
    "KaTeX_Script-Regular",
    "KaTeX_Size1-Regular",
    "KaTeX_Size2-Regular",
    "KaTeX_Size3-Regular",
    "KaTeX_Size4-Regular",
    "KaTeX_Typewriter-Regular",
];

// `LANGUAGES`: each language's code and catalogue, one per `web/lang/*.json` (build.rs).
include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// `/lang.js`: every catalogue, as `const CATALOGUES = {"en": {…}, "fr": {…}};`.
fn catalogues_script() -> String {
    let entries: Vec<String> = LANGUAGES
        .iter()
        .map(|(code, catalogue)| format!("{code:?}: {}", catalogue.trim()))
        .collect();
    format!("const CATALOGUES = {{\n{}\n}};\n", entries.join(",\n"))
}

/// The page's files as routes: `/`, `/style.css`, the icon and every script.
pub fn routes() -> Router<SharedState> {
    let mut router = Router::new()
        .route("/", get(index))
        .route("/style.css", get(style))
        .route("/favicon.ico", get(icon))
        .route("/favicon.svg", get(icon))
        .route("/lang.js", get(catalogues))
        .route(
            "/katex/katex.min.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    KATEX_CSS,
                )
            }),
        );
    for (path, body) in KATEX_FONTS {
        router = router.route(
            path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, "font/woff2"),
                        (header::CACHE_CONTROL, "max-age=86400"),
                    ],
                    body,
                )
            }),
        );
    }
    for (path, body) in SCRIPTS {
        router = router.route(
            path,
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    body,
                )
            }),
        );
    }
    router
}

async fn index() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../web/index.html"),
    )
}

async fn catalogues() -> impl IntoResponse {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT.get_or_init(catalogues_script).as_str(),
    )
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../web/style.css"),
    )
}

/// The page's icon (also answers `/favicon.ico`, which browsers ask for on every load).
async fn icon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("../../web/favicon.svg"),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{LANGUAGES, SCRIPTS};

    #[test]
    fn every_katex_font_the_style_sheet_names_is_served() {
        let named: BTreeSet<&str> = super::KATEX_CSS
            .split("url(fonts/")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
            .filter(|file| file.ends_with(".woff2"))
            .collect();
        let served: BTreeSet<&str> = super::KATEX_FONTS
            .iter()
            .map(|(path, _)| path.trim_start_matches("/katex/fonts/"))
            .collect();
        assert_eq!(named, served);
        assert!(
            super::KATEX_FONTS
                .iter()
                .all(|(_, bytes)| bytes.starts_with(b"wOF2"))
        );
    }

    #[test]
    fn the_page_loads_its_catalogues_then_every_script_served_in_order() {
        let page = include_str!("../../web/index.html");
        let loaded: Vec<&str> = page
            .split("<script src=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let served: Vec<&str> = std::iter::once("/lang.js")
            .chain(SCRIPTS.iter().map(|(path, _)| *path))
            .collect();
        assert_eq!(loaded, served);
    }

    /// Each catalogue as key → text.
    fn catalogues() -> BTreeMap<&'static str, BTreeMap<String, String>> {
        LANGUAGES
            .iter()
            .map(|(code, text)| {
                let catalogue = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("web/lang/{code}.json: {e}"));
                (*code, catalogue)
            })
            .collect()
    }

    /// The `{name}` places of a text.
    fn places(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .collect()
    }

    #[test]
    fn every_catalogue_has_the_same_keys_none_empty_and_the_same_places() {
        let catalogues = catalogues();
        assert!(catalogues.len() >= 2, "{:?}", catalogues.keys());
        let english = &catalogues["en"];
        for (code, catalogue) in &catalogues {
            let missing: Vec<_> = english
                .keys()
                .filter(|k| !catalogue.contains_key(*k))
                .collect();
            let extra: Vec<_> = catalogue
                .keys()
                .filter(|k| !english.contains_key(*k))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}: missing {missing:?}, not in en {extra:?}"
            );
            for (key, text) in catalogue {
                assert!(!text.trim().is_empty(), "{code}: {key} is empty");
                // The notation's names (`n.*`) may use the layer `l` or the size `n`, which
                // the page always passes, whether the language writes them or not.
                if key.starts_with("n.") {
                    assert!(places(text).is_subset(&["l", "n"].into()), "{code}: {key}");
                } else {
                    assert_eq!(
                        places(text),
                        places(&english[key]),
                        "{code}: {key} has other places than en"
                    );
                }
            }
        }
    }

    /// The keys the page names: its `data-i18n…` attributes, and every string of its scripts
    /// that is written like a key of a namespace the catalogues have (`"bw.step.loss"`).
    fn keys_used(namespaces: &BTreeSet<&str>) -> BTreeSet<String> {
        let page = include_str!("../../web/index.html");
        let mut keys: BTreeSet<String> = page
            .split("data-i18n")
            .skip(1)
            .filter_map(|rest| rest.split_once("=\"").map(|(_, value)| value))
            .filter_map(|value| value.split('"').next())
            .map(str::to_string)
            .collect();
        // The page's own scripts (not the vendored KaTeX).
        for (_, script) in SCRIPTS
            .iter()
            .filter(|(path, _)| !path.starts_with("/katex/"))
        {
            // Every piece between two quotes: code between strings never looks like a key.
            for literal in script.split('"') {
                let Some((namespace, rest)) = literal.split_once('.') else {
                    continue;
                };
                let looks_like_a_key = !rest.is_empty()
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
                let a_file = [".csv", ".png", ".json", ".safetensors"]
                    .iter()
                    .any(|e| literal.ends_with(e));
                if looks_like_a_key && !a_file && namespaces.contains(namespace) {
                    keys.insert(literal.to_string());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_page_uses_is_in_the_catalogues() {
        let catalogues = catalogues();
        let english = &catalogues["en"];
        let namespaces: BTreeSet<&str> =
            english.keys().filter_map(|k| k.split('.').next()).collect();
        let used = keys_used(&namespaces);
        assert!(used.len() > 250, "only {} keys found", used.len());
        let missing: Vec<_> = used.iter().filter(|k| !english.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "keys the page uses but no catalogue has: {missing:?}"
        );
        // The server's messages are matched by their prefix (i18n.js); every other key is named.
        let unused: Vec<_> = english
            .keys()
            .filter(|k| !k.starts_with("server.") && !used.contains(*k))
            .collect();
        assert!(
            unused.is_empty(),
            "keys no part of the page uses: {unused:?}"
        );
    }
}
