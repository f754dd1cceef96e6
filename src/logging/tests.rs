//! Tests of the hclog layer: levels, span fields on every line, `log` records, request ids.

use std::sync::{Arc, Mutex};

use super::*;

/// Runs `f` with a subscriber at `level` and returns the lines it wrote, parsed.
fn lines_of(level: LevelFilter, f: impl FnOnce()) -> Vec<Value> {
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink_lines = lines.clone();
    let sink: Sink = Arc::new(move |l: &str| sink_lines.lock().unwrap().push(l.to_owned()));
    tracing::subscriber::with_default(subscriber(level, sink), f);
    let lines = lines.lock().unwrap();
    lines
        .iter()
        .map(|l| {
            assert!(!l.contains('\n'), "one line: {l}");
            serde_json::from_str(l).unwrap()
        })
        .collect()
}

#[test]
fn tf_log_levels_map_like_terraform() {
    assert_eq!(level_from(Some("trace")), LevelFilter::TRACE);
    assert_eq!(level_from(Some("JSON")), LevelFilter::TRACE);
    assert_eq!(level_from(Some("WARN")), LevelFilter::WARN);
    assert_eq!(level_from(Some("bogus")), LevelFilter::OFF);
    assert_eq!(level_from(None), LevelFilter::OFF);
    assert_eq!(log_level(LevelFilter::DEBUG), log::LevelFilter::Debug);
    assert_eq!(log_level(LevelFilter::OFF), log::LevelFilter::Off);
}

#[test]
fn timestamps_have_the_microsecond_layout_go_plugin_parses() {
    let t = time::macros::datetime!(2026-11-23 12:59:23.637123947 UTC);
    assert_eq!(timestamp(t), "2026-11-23T12:59:23.637123Z");
}

#[test]
fn lines_are_hclog_json_with_escaped_messages() {
    let lines = lines_of(LevelFilter::INFO, || {
        tracing::info!("say \"hi\"\nbye");
    });
    assert_eq!(lines.len(), 1);
    let v = &lines[0];
    assert_eq!(v["@level"], "info");
    assert_eq!(v["@message"], "say \"hi\"\nbye");
    assert_eq!(v["@module"], "terraform-provider-ocp");
    assert_eq!(v["@timestamp"].as_str().unwrap().len(), 27);
}

#[test]
fn every_line_carries_the_fields_of_its_rpc_and_task_spans() {
    let lines = lines_of(LevelFilter::DEBUG, || {
        let rpc = rpc_span("ApplyResourceChange", Some("ocp_tenant"), None);
        let _rpc = rpc.enter();
        tracing::debug!(ocp_method = "GET", ocp_status = 200_u64, "OCP call");
        let task = tracing::info_span!("ocp_task", ocp_task_id = 42_i64);
        let _task = task.enter();
        tracing::info!("waiting");
    });
    assert_eq!(lines.len(), 2, "{lines:?}");
    for l in &lines {
        assert_eq!(l["tf_rpc"], "ApplyResourceChange");
        assert_eq!(l["tf_resource_type"], "ocp_tenant");
        assert_eq!(l["tf_provider_addr"], "registry.terraform.io/oceanbase/ocp");
        assert_eq!(l["tf_req_id"].as_str().unwrap().len(), 36);
        assert!(l.get("tf_data_source_type").is_none(), "unset: {l}");
    }
    assert_eq!(lines[0]["tf_req_id"], lines[1]["tf_req_id"]);
    assert_eq!(lines[0]["ocp_method"], "GET");
    assert_eq!(lines[0]["ocp_status"], "200", "integers as strings");
    assert!(lines[0].get("ocp_task_id").is_none());
    assert_eq!(lines[1]["ocp_task_id"], "42");
    assert_eq!(lines[1]["@message"], "waiting");
}

#[test]
fn fields_recorded_later_on_a_span_are_carried_too() {
    let lines = lines_of(LevelFilter::INFO, || {
        let span = tracing::info_span!("ocp_task", ocp_task_id = tracing::field::Empty);
        let _g = span.enter();
        tracing::info!("before");
        span.record("ocp_task_id", 7_i64);
        tracing::info!("after");
    });
    assert!(lines[0].get("ocp_task_id").is_none(), "{:?}", lines[0]);
    assert_eq!(lines[1]["ocp_task_id"], "7");
}

#[test]
fn levels_filter_own_events_and_keep_only_warnings_of_other_crates() {
    let lines = lines_of(LevelFilter::INFO, || {
        tracing::debug!("hidden");
        tracing::info!("shown");
        tracing::info!(target: "h2::codec", "frame");
        tracing::warn!(target: "h2::codec", "broken frame");
    });
    let msgs: Vec<&str> = lines
        .iter()
        .map(|l| l["@message"].as_str().unwrap())
        .collect();
    assert_eq!(msgs, ["shown", "broken frame"]);
    let at_trace = lines_of(LevelFilter::TRACE, || {
        tracing::trace!(target: "hyper::proto", "read 5 bytes");
        tracing::trace!("own trace");
    });
    assert_eq!(at_trace.len(), 1);
    assert_eq!(at_trace[0]["@message"], "own trace");
    assert!(lines_of(LevelFilter::OFF, || tracing::error!("off")).is_empty());
}

#[test]
fn log_records_become_events_with_the_span_fields() {
    // The `log` facade's records reach the thread's subscriber through LogTracer.
    let _ = tracing_log::LogTracer::init();
    let lines = lines_of(LevelFilter::INFO, || {
        let span = rpc_span("ReadDataSource", None, Some("ocp_cluster"));
        let _g = span.enter();
        log::info!("from log {}", 1);
        log::debug!("too detailed");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
    let l = &lines[0];
    assert_eq!(l["@message"], "from log 1");
    assert_eq!(l["tf_rpc"], "ReadDataSource");
    assert_eq!(l["tf_data_source_type"], "ocp_cluster");
    assert!(l["target"]
        .as_str()
        .unwrap()
        .starts_with("terraform_provider_ocp"));
    assert!(
        l.as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("log.")),
        "{l}"
    );
}

#[test]
fn request_ids_are_distinct_version_4_uuids() {
    let a = request_id();
    let b = request_id();
    assert_ne!(a, b);
    let parts: Vec<&str> = a.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('4'), "{a}");
    assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{a}");
}
