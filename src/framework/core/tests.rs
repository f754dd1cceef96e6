//! Tests of `framework::core`: the tfplugin5 RPCs on a toy provider, without the protocol.

use super::*;
use crate::framework::schema::Attr;
use std::time::Duration;

/// A provider block without settings whose configure gives what its function makes: the
/// test providers of the framework and of the lifecycle adapter.
pub(crate) struct TestConfig(pub fn() -> Option<Arc<dyn ProviderData>>);

#[tonic::async_trait]
impl Configurer for TestConfig {
    fn schema(&self) -> Schema {
        Schema::new("p")
    }
    fn validate(&self, _c: &Value, _d: &mut Diagnostics) {}
    async fn configure(&self, _c: &Value, _d: &mut Diagnostics) -> Option<Arc<dyn ProviderData>> {
        (self.0)()
    }
}

/// The attributes every toy resource of the tests has: a computed `id` and a required `name`.
pub(crate) fn toy_schema() -> Schema {
    Schema::new("toy")
        .attr(
            "id",
            Attr::string().computed().use_state_for_unknown().doc("d"),
        )
        .attr("name", Attr::string().required().doc("d"))
}

/// A resource whose behaviour is chosen by its `name`: "fail-after-create" records the id
/// then fails, "bad" returns a value that contradicts the plan, "slow" waits for Stop.
struct Toy;

#[tonic::async_trait]
impl Resource for Toy {
    fn type_name(&self) -> &'static str {
        "ocp_toy"
    }
    fn schema(&self) -> Schema {
        toy_schema()
            .version(2)
            .timeouts(&[("create", Duration::from_secs(60))])
    }
    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        match config.get("name").and_then(Value::as_str) {
            Some("refused") => diags.attr_error(AttrPath::root("name"), "Refused", "no"),
            Some("noted") => diags.warning("Noted", "a warning of validation"),
            _ => {}
        }
    }
    async fn create(&self, ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse) {
        let mut state = req.plan.clone();
        *state.get_mut("id").unwrap() = Value::string("42");
        match req.plan.get("name").and_then(Value::as_str) {
            Some("fail-after-create") => {
                resp.state = state;
                resp.private = b"task=9".to_vec();
                resp.diags.error("Unable to Create Toy", "task 9 failed");
            }
            Some("bad") => {
                *state.get_mut("name").unwrap() = Value::string("BAD");
                resp.state = state;
            }
            Some("slow") => {
                resp.state = state;
                ctx.cancel.cancelled().await;
                resp.diags.error("Interrupted", "stopped");
            }
            _ => {
                assert_eq!(req.timeout, Duration::from_secs(60));
                resp.state = state;
            }
        }
    }
    async fn read(&self, _ctx: &Ctx, req: StateRequest, resp: &mut StateResponse) {
        if req.state.get("id").and_then(Value::as_str) == Some("gone") {
            resp.remove();
        }
    }
    async fn update(&self, _ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse) {
        resp.state = req.plan;
    }
    async fn delete(&self, _ctx: &Ctx, req: StateRequest, resp: &mut DeleteResponse) {
        if req.state.get("name").and_then(Value::as_str) == Some("undeletable") {
            resp.diags.error("Unable to Delete Toy", "OCP refused");
        }
    }
    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut StateResponse) {
        resp.state = Some(Value::object([("id", Value::string(id))]));
    }
    fn upgrade_state(
        &self,
        from: i64,
        mut state: serde_json::Value,
        _d: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        // Version 1 called the attribute `title`.
        assert_eq!(from, 1);
        let title = state.as_object_mut()?.remove("title")?;
        state["name"] = title;
        Some(state)
    }
}

fn core() -> ProviderCore {
    ProviderCore::new(Box::new(TestConfig(|| None)), vec![Arc::new(Toy)], vec![])
}

/// A toy object with this id and name.
fn toy(id: Value, name: &str) -> Value {
    Value::object([
        ("id", id),
        ("name", Value::string(name)),
        ("timeouts", Value::Null),
    ])
}

/// Plans and applies the create of a toy named `name`.
fn create(c: &ProviderCore, name: &str) -> (Value, Vec<u8>, Diagnostics) {
    let plan = planned(c, name);
    rt().block_on(c.apply_resource_change("ocp_toy", Value::Null, plan.clone(), plan, vec![]))
}

fn planned(core: &ProviderCore, name: &str) -> Value {
    let config = toy(Value::Null, name);
    core.plan_resource_change("ocp_toy", &Value::Null, &config, &config, &[])
        .planned
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_create_that_fails_after_ocp_accepted_it_still_returns_the_object() {
    let c = core();
    let (state, private, diags) = create(&c, "fail-after-create");
    assert!(diags.has_errors());
    assert_eq!(
        state.get("id"),
        Some(&Value::string("42")),
        "Terraform records (and taints) it"
    );
    assert_eq!(private, b"task=9");
}

#[test]
fn a_result_that_contradicts_the_plan_is_reported_as_a_bug() {
    let c = core();
    let (_, _, diags) = create(&c, "bad");
    assert!(diags.0[0].summary.contains("Inconsistent"));
    assert!(diags.0[0].detail.contains("name"));
}

#[test]
fn stop_cancels_a_create_in_flight_and_the_state_keeps_the_id() {
    let c = Arc::new(core());
    let plan = planned(&c, "slow");
    let rt = rt();
    let c2 = c.clone();
    let (state, _, diags) = rt.block_on(async move {
        let task = tokio::spawn(async move {
            c2.apply_resource_change("ocp_toy", Value::Null, plan.clone(), plan, vec![])
                .await
        });
        // On this one-thread runtime, yielding runs the create until it waits for Stop.
        tokio::task::yield_now().await;
        c.stop();
        task.await.unwrap()
    });
    assert!(diags.has_errors());
    assert_eq!(state.get("id"), Some(&Value::string("42")));
}

#[test]
fn a_failed_delete_keeps_the_object_and_a_good_one_returns_null() {
    let c = core();
    let state = toy(Value::string("1"), "undeletable");
    let (s, _, d) = rt().block_on(c.apply_resource_change(
        "ocp_toy",
        state.clone(),
        Value::Null,
        Value::Null,
        vec![],
    ));
    assert!(d.has_errors());
    assert_eq!(s, state);
    let state = toy(Value::string("1"), "x");
    let (s, _, d) =
        rt().block_on(c.apply_resource_change("ocp_toy", state, Value::Null, Value::Null, vec![]));
    assert!(!d.has_errors());
    assert!(s.is_null());
}

#[test]
fn import_fills_every_attribute_of_the_schema() {
    let c = core();
    let (objs, d) = rt().block_on(c.import_resource_state("ocp_toy", "77"));
    assert!(d.is_empty());
    let (_, s, _) = &objs[0];
    assert_eq!(s.get("id"), Some(&Value::string("77")));
    assert_eq!(s.get("name"), Some(&Value::Null));
    assert_eq!(s.get("timeouts"), Some(&Value::Null));
}

#[test]
fn read_of_a_gone_object_returns_none() {
    let c = core();
    let state = toy(Value::string("gone"), "x");
    let (s, _, d) = rt().block_on(c.read_resource("ocp_toy", state, vec![]));
    assert!(s.is_none() && d.is_empty());
}

#[test]
fn older_state_is_upgraded_and_newer_state_refused() {
    let c = core();
    let (v, d) = c.upgrade_resource_state("ocp_toy", 1, br#"{"id":"5","title":"t"}"#, false);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(v.get("name"), Some(&Value::string("t")));
    let (v, d) = c.upgrade_resource_state("ocp_toy", 2, br#"{"id":"5","name":"n"}"#, false);
    assert!(d.is_empty());
    assert_eq!(v.get("name"), Some(&Value::string("n")));
    let (_, d) = c.upgrade_resource_state("ocp_toy", 3, br#"{"id":"5"}"#, false);
    assert!(d.0[0].detail.contains("newer provider"));
}

#[test]
fn the_plan_runs_validation_again_on_values_known_by_then() {
    let c = core();
    let config = |name: &str| {
        Value::object([
            ("id", Value::Null),
            ("name", Value::string(name)),
            ("timeouts", Value::Null),
        ])
    };
    // Unknown at validation (a reference), known in the final plan of the apply walk.
    let unknown = Value::object([
        ("id", Value::Null),
        ("name", Value::Unknown),
        ("timeouts", Value::Null),
    ]);
    assert!(c.validate_resource("ocp_toy", &unknown).is_empty());
    let r = c.plan_resource_change(
        "ocp_toy",
        &Value::Null,
        &config("refused"),
        &config("refused"),
        &[],
    );
    assert_eq!(r.diags.0.len(), 1);
    assert_eq!(r.diags.0[0].summary, "Refused");
    assert_eq!(r.diags.0[0].path, Some(AttrPath::root("name")));
    // Warnings were given by validation already: the plan does not repeat them.
    let r = c.plan_resource_change(
        "ocp_toy",
        &Value::Null,
        &config("noted"),
        &config("noted"),
        &[],
    );
    assert!(r.diags.is_empty(), "{:?}", r.diags);
}

#[test]
fn plans_of_unknown_types_are_errors() {
    let c = core();
    let r = c.plan_resource_change("ocp_other", &Value::Null, &Value::Null, &Value::Null, &[]);
    assert!(r.diags.has_errors());
}
