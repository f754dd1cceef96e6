//! `GET /api/v2/time` and `GET /api/v2/info` (§1.1).
//!
//! * `/api/v2/time`: `data` is the server time as an ISO-8601 string with millis and `+08:00`
//!   (our decision; OCP clients only use the call as a liveness probe).
//! * `/api/v2/info`: `data` = `{version: "4.3.6", buildVersion, buildTime, ...}`.

use serde_json::json;

use crate::envelope::{Api, ApiResult};
use crate::util;

pub(crate) async fn time() -> ApiResult {
    Ok(Api::data(json!(util::iso(util::now_ms()))))
}

pub(crate) async fn info() -> ApiResult {
    Ok(Api::data(json!({
        "version": crate::OCP_VERSION,
        "buildVersion": format!("{}-20250317163012", crate::OCP_VERSION),
        "buildTime": "2025-03-17T16:30:12.000+08:00",
        "edition": "COMMUNITY",
        "simulator": true,
        "simulatorVersion": env!("CARGO_PKG_VERSION"),
    })))
}
