//! The page, embedded in the binary (no CDN, no build step): `web/index.html`, its scripts
//! (`heat.js`: heat maps and colour scales; `app.js`: Draw, Train, Check, Study; `forms.js`: the
//! forms' checks; `runs.js`: the page's runs; `links.js`:
//! settings in the address, presets; `backward.js`: the Backward panel and the units) and `web/style.css`.

use axum::http::header;
use axum::response::IntoResponse;

pub async fn index() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../web/index.html"),
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/app.js"),
    )
}

pub async fn heat_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/heat.js"),
    )
}

pub async fn forms_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/forms.js"),
    )
}

pub async fn runs_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/runs.js"),
    )
}

pub async fn links_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/links.js"),
    )
}

pub async fn backward_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../web/backward.js"),
    )
}

pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../web/style.css"),
    )
}

/// The page's icon (also answers `/favicon.ico`, which browsers ask for on every load).
pub async fn icon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("../../web/favicon.svg"),
    )
}
