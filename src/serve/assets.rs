//! The page, embedded in the binary (no CDN, no build step): `web/index.html`, `style.css`,
//! the icon, and the page's scripts, one per concern (`heat.js`: heat maps and colour scales;
//! `charts.js`: line charts; `app.js`: Draw, Train, Check, Study; `confusion.js`: the confusion
//! matrix; `forms.js`: the forms' checks; `runs.js`: the page's runs; `links.js`: settings in
//! the address, presets; `backward.js`: the Backward panel; `units.js`: the first layer's units).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::state::SharedState;

/// Each script of the page, by the path it is served at, in the order the page loads them.
const SCRIPTS: [(&str, &str); 9] = [
    ("/heat.js", include_str!("../../web/heat.js")),
    ("/charts.js", include_str!("../../web/charts.js")),
    ("/app.js", include_str!("../../web/app.js")),
    ("/confusion.js", include_str!("../../web/confusion.js")),
    ("/forms.js", include_str!("../../web/forms.js")),
    ("/runs.js", include_str!("../../web/runs.js")),
    ("/links.js", include_str!("../../web/links.js")),
    ("/backward.js", include_str!("../../web/backward.js")),
    ("/units.js", include_str!("../../web/units.js")),
];

/// The page's files as routes: `/`, `/style.css`, the icon and every script.
pub fn routes() -> Router<SharedState> {
    let mut router = Router::new()
        .route("/", get(index))
        .route("/style.css", get(style))
        .route("/favicon.ico", get(icon))
        .route("/favicon.svg", get(icon));
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
    use super::SCRIPTS;

    #[test]
    fn the_page_loads_every_script_served_in_order() {
        let page = include_str!("../../web/index.html");
        let loaded: Vec<&str> = page
            .split("<script src=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let served: Vec<&str> = SCRIPTS.iter().map(|(path, _)| *path).collect();
        assert_eq!(loaded, served);
    }
}
