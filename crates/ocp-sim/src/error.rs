//! The simulator's error: what OCP answers when a request cannot be served (§5 #3), as plain
//! data. The domain rules return it; [`crate::envelope`] renders it as an error envelope.

/// An OCP error: the status of the answer + `error.code` + `error.message`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Status of the answer (HTTP status, echoed in the envelope's `status`).
    pub status: u16,
    /// Upper-case string code, e.g. `OB_CLUSTER_NOT_FOUND`.
    pub code: String,
    /// Human readable message (`error.message`, the only field clients rely on).
    pub message: String,
    /// Seconds for a `Retry-After` header (only used by injected 429/503 faults).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Generic constructor.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `ILLEGAL_ARGUMENT`: validation failure of a parameter or body.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "ILLEGAL_ARGUMENT", message)
    }

    /// 400 `ILLEGAL_STATE`: the resource's status does not allow the operation.
    pub fn illegal_state(message: impl Into<String>) -> Self {
        Self::new(400, "ILLEGAL_STATE", message)
    }

    /// 400 `DUPLICATE_NAME`: create with a name that already exists (§5 #20).
    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(400, "DUPLICATE_NAME", message)
    }

    /// 400 `RESOURCE_BUSY`: another task is running on the same resource (§5 #21).
    pub fn busy(message: impl Into<String>) -> Self {
        Self::new(400, "RESOURCE_BUSY", message)
    }

    /// 404 `<KIND>_NOT_FOUND`, e.g. `not_found("OB_CLUSTER", "cluster 1 not found")`.
    pub fn not_found(kind: &str, message: impl Into<String>) -> Self {
        Self::new(404, format!("{kind}_NOT_FOUND"), message)
    }

    /// 401 `UNAUTHORIZED`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "UNAUTHORIZED", message)
    }

    /// 403 `ACCESS_DENIED`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "ACCESS_DENIED", message)
    }

    /// 500 `INTERNAL_ERROR`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL_ERROR", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Parse a JSON request body into `T`; malformed JSON is a 400 envelope.
/// An empty body is parsed as `null` so that `Option<T>` / defaulted structs accept it.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(text)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}

/// Parse an OCP id path segment; non-numeric ids are a 400 (Spring type mismatch).
pub fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::bad_request(format!("invalid {what} id: {raw:?}")))
}
