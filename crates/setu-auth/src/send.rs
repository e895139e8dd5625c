//! Sending requests with reqwest: the auth headers added, and one retry after a 401.

use reqwest::{RequestBuilder, Response, StatusCode};

use crate::error::Error;
use crate::manager::TokenManager;
use crate::wire::transport_error;

impl TokenManager {
    /// Sends `request` with the auth headers. On a 401 it invalidates the token it used and
    /// sends the request once more with a new token; any other status, 403 included, is
    /// returned as it is.
    ///
    /// A request whose body cannot be cloned (a stream) is sent once, and its 401 returned.
    ///
    /// # Errors
    ///
    /// The error of [`TokenManager::token`], or [`crate::ErrorCode::Timeout`] /
    /// [`crate::ErrorCode::ConnectionFailed`] when the request itself fails.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, Error> {
        let retry = request.try_clone();
        let token = self.token().await?;
        let response = send_once(request.headers(self.headers_for(&token))).await?;

        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(retry) = retry else {
            return Ok(response);
        };

        tracing::debug!(target: "setu_auth", "the API answered 401; retrying once with a new token");
        self.invalidate(token.as_str());
        let token = self.token().await?;
        send_once(retry.headers(self.headers_for(&token))).await
    }
}

async fn send_once(request: RequestBuilder) -> Result<Response, Error> {
    request
        .send()
        .await
        .map_err(|error| transport_error(error, "sending the API request"))
}
