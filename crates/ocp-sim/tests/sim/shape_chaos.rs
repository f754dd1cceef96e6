//! `--shape-chaos SEED` on the binary: answers are reshaped, errors and the admin API are not.

use serde_json::Value;

use crate::support::spawn_bin;

#[tokio::test]
async fn the_binary_reshapes_answers_with_shape_chaos() {
    let (mut child, url) = spawn_bin(&[
        "--listen",
        "127.0.0.1:0",
        "--username",
        "u1",
        "--password",
        "p1",
        "--shape-chaos",
        "42",
    ])
    .await;
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{url}{path}"))
            .basic_auth("u1", Some("p1"))
            .send()
    };
    let servers: Value = get("/api/v2/ob/clusters/1000001/servers")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let items = servers["data"]["contents"].as_array().expect("contents");
    assert_eq!(items.len(), 3, "{servers}");
    for s in items {
        assert_eq!(s["sqlPort"], 2881, "{s}");
        assert_eq!(s["port"], 2882, "OCP's shape: port is the RPC port: {s}");
        assert!(s.get("ip").is_none() && s.get("extInfo").is_some(), "{s}");
    }
    assert_eq!(servers["data"]["page"]["totalElements"], 3);
    let ids: Vec<i64> = items.iter().filter_map(|s| s["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let missing = get("/api/v2/ob/clusters/999").await.expect("request");
    assert_eq!(missing.status().as_u16(), 404);
    let body: Value = missing.json().await.expect("json");
    assert!(
        body["error"]["message"].is_string(),
        "errors untouched: {body}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
