//! Whose lab a request acts on: the seam between the requests and the labs. Every `/api/`
//! request passes [`gate`]: without `--class` it acts on the one lab; in class mode it needs a
//! session cookie of a member (401 otherwise, and for a forged or unknown one), within the
//! member's rate (429), and then acts on that member's lab only. Handlers take a [`Caller`] and
//! never look at cookies themselves.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::class::{COOKIE, Class, Member, Role};
use super::lab::SharedLab;
use super::reply::ApiError;
use super::state::{Mode, SharedState};

/// The lab a request acts on, and the member asking (none without `--class`).
#[derive(Clone)]
pub struct Caller {
    pub lab: SharedLab,
    pub member: Option<Arc<Member>>,
}

impl Caller {
    /// Whether the caller is the class's teacher.
    pub fn is_teacher(&self) -> bool {
        self.member
            .as_ref()
            .is_some_and(|m| m.role == Role::Teacher)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("the request passed no session check"))
    }
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie_value<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// The member whose session cookie `headers` carry, if any.
pub fn member_of(class: &Class, headers: &axum::http::HeaderMap) -> Option<Arc<Member>> {
    class.member(cookie_value(headers, COOKIE)?)
}

/// The middleware: finds the caller of each `/api/` request (see the module's text).
pub async fn gate(State(state): State<SharedState>, mut request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let caller = match &state.mode {
        Mode::Single(lab) => Caller {
            lab: lab.clone(),
            member: None,
        },
        Mode::Class(class) => {
            let Some(member) = member_of(class, request.headers()) else {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "no class session: open the link your teacher gave you",
                )
                .into_response();
            };
            if !class.admit(&member) {
                return ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "too many requests from this session (at most {} a second); wait a moment",
                        class.options.requests_per_second
                    ),
                )
                .into_response();
            }
            Caller {
                lab: member.lab.clone(),
                member: Some(member),
            }
        }
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; backprop_class=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie_value(&headers, COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "b"), Some("2"));
        assert_eq!(cookie_value(&headers, "backprop"), None);
    }
}
