//! `decode_json` on arbitrary bytes, for a type chosen by the first input byte(s)
//! (see `terraform_provider_ocp_fuzz::split_input`); the rest of the input is the JSON text.
//! The decoder must never panic; what it accepts must survive JSON and msgpack round trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_ocp::value::decode_json;
use terraform_provider_ocp_fuzz::{check_round_trip, split_input, Codec};

fuzz_target!(|data: &[u8]| {
    let Some((ty, payload)) = split_input(data) else {
        return;
    };
    let Ok(v) = decode_json(payload, &ty) else {
        return;
    };
    assert!(v.is_wholly_known(), "JSON decoded an unknown value: {v:?}");
    check_round_trip(Codec::Json, &v, &ty);
    check_round_trip(Codec::Msgpack, &v, &ty);
});
