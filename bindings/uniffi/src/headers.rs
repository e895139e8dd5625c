//! [`AuthHeaders`]: the headers for one Setu API call.

use std::collections::HashMap;
use std::fmt;

/// The `Authorization` header and, when configured, the product instance header. Its text
/// forms never show the token.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct AuthHeaders {
    authorization: String,
    product_instance_id: Option<String>,
}

impl AuthHeaders {
    pub(crate) fn new(token: &str, product_instance_id: Option<&str>) -> Self {
        Self {
            authorization: format!("Bearer {token}"),
            product_instance_id: product_instance_id.map(str::to_owned),
        }
    }
}

#[uniffi::export]
impl AuthHeaders {
    /// Returns the `Authorization` value, `Bearer <token>`.
    pub fn authorization(&self) -> String {
        self.authorization.clone()
    }

    /// Returns the `X-Setu-Product-Instance-ID` value, when configured.
    pub fn product_instance_id(&self) -> Option<String> {
        self.product_instance_id.clone()
    }

    /// Returns every header as a name-to-value map, with names as Setu spells them.
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::from([("Authorization".to_owned(), self.authorization.clone())]);
        if let Some(id) = &self.product_instance_id {
            map.insert(setu_auth::PRODUCT_INSTANCE_HEADER.to_owned(), id.clone());
        }
        map
    }
}

impl fmt::Debug for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthHeaders")
            .field("authorization", &"Bearer <redacted>")
            .field("product_instance_id", &self.product_instance_id)
            .finish()
    }
}

impl fmt::Display for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
