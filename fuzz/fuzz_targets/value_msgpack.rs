//! `decode_msgpack` on arbitrary bytes, for a type chosen by the first input byte(s)
//! (see `terraform_provider_ocp_fuzz::split_input`). The decoder must never panic; what it
//! accepts must survive msgpack round trips, and — when wholly known and free of `dynamic` —
//! a JSON round trip too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_ocp::value::decode_msgpack;
use terraform_provider_ocp_fuzz::{check_round_trip, split_input, Codec};

fuzz_target!(|data: &[u8]| {
    let Some((ty, payload)) = split_input(data) else {
        return;
    };
    let Ok(v) = decode_msgpack(payload, &ty) else {
        return;
    };
    check_round_trip(Codec::Msgpack, &v, &ty);
    if v.is_wholly_known() {
        check_round_trip(Codec::Json, &v, &ty);
    }
});
