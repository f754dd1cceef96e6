#!/usr/bin/env python3
"""Writes the committed seed inputs of the fuzz targets into fuzz/seeds/<target>/.

Run from anywhere: `python3 fuzz/gen_seeds.py`. Seeds are small, realistic inputs; the input
layouts are described in fuzz/README.md (first byte = type selector for the value targets,
status/mask bytes for the envelope target). Type selector values index `fixed_types()` in
fuzz/src/lib.rs; keep the TYPES table below in the same order.
"""

import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")

# Indices of fixed_types() in fuzz/src/lib.rs.
TYPES = [
    "string", "number", "bool", "list_string", "set_number", "map_string", "object_abc_tags",
    "tuple_snb", "dynamic", "resource", "list_obj_dyn", "set_obj", "map_list_number",
    "object_empty", "tuple_empty", "set_set_string", "list_tuple_dyn", "set_dynamic",
]
T = {name: i for i, name in enumerate(TYPES)}


class Unknown:
    """Terraform's unknown value: msgpack fixext1 type 0 (d4 00 00)."""


class Bin(bytes):
    """msgpack bin (Terraform writes dynamic type JSON as bin)."""


class Raw(bytes):
    """Pre-encoded msgpack bytes."""


def mp(v):
    """A minimal msgpack encoder (enough for the seeds)."""
    if isinstance(v, Raw):
        return bytes(v)
    if v is None:
        return b"\xc0"
    if isinstance(v, Unknown):
        return b"\xd4\x00\x00"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 128:
            return bytes([v])
        if -32 <= v < 0:
            return struct.pack(">b", v)
        if 0 <= v < 2**64:
            return b"\xcf" + struct.pack(">Q", v) if v >= 2**63 else b"\xd3" + struct.pack(">q", v)
        return b"\xd3" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, Bin):
        assert len(v) < 256
        return b"\xc4" + bytes([len(v)]) + bytes(v)
    if isinstance(v, str):
        b = v.encode()
        if len(b) < 32:
            return bytes([0xa0 | len(b)]) + b
        assert len(b) < 256
        return b"\xd9" + bytes([len(b)]) + b
    if isinstance(v, list):
        assert len(v) < 16
        return bytes([0x90 | len(v)]) + b"".join(mp(x) for x in v)
    if isinstance(v, dict):
        assert len(v) < 16
        return bytes([0x80 | len(v)]) + b"".join(mp(k) + mp(x) for k, x in v.items())
    raise TypeError(v)


def dyn(type_json, value):
    """A msgpack dynamic value: [type JSON as bin, value]."""
    return [Bin(json.dumps(type_json, separators=(",", ":")).encode()), value]


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def zone(name, servers):
    return {"name": name, "region": "hz", "replica_type": "FULL", "servers": servers}


def msgpack_seeds():
    s = {}
    s["string"] = (T["string"], "hello")
    s["string_unknown"] = (T["string"], Unknown())
    s["number_int"] = (T["number"], 42)
    s["number_neg"] = (T["number"], -5)
    s["number_float"] = (T["number"], 1.5)
    s["number_u64"] = (T["number"], 2**64 - 1)
    s["number_decimal_string"] = (T["number"], "123456789012345678901234567890.5")
    s["bool"] = (T["bool"], True)
    s["list_string"] = (T["list_string"], ["a", "b", None])
    s["set_number"] = (T["set_number"], [1, 2, 3, 2.0])
    s["map_string"] = (T["map_string"], {"k": "v", "x": None})
    s["object_unknown_null"] = (
        T["object_abc_tags"], {"a": "x", "b": 3, "c": Unknown(), "tags": None})
    s["tuple"] = (T["tuple_snb"], ["s", 1, False])
    s["dynamic_string"] = (T["dynamic"], dyn("string", "x"))
    s["dynamic_list"] = (T["dynamic"], dyn(["list", "number"], [1, 2]))
    s["dynamic_object"] = (
        T["dynamic"], dyn(["object", {"a": "string", "b": ["set", "bool"]}],
                          {"a": "v", "b": [True]}))
    s["resource_planned"] = (T["resource"], {
        "id": Unknown(),
        "name": "tenant1",
        "cluster_id": 7,
        "root_password": "S3cret!pw",
        "parameters": {"ob_query_timeout": "10000000"},
        "zones": [zone("zone1", ["10.0.0.1:2882"]), zone("zone2", Unknown())],
        "timeouts": None,
        "extra": dyn(["map", "string"], {"k": "v"}),
    })
    s["resource_null_attrs"] = (T["resource"], {
        "id": "1001", "name": None, "cluster_id": None, "root_password": None,
        "parameters": None, "zones": [], "timeouts": {"create": "30m", "delete": None},
        "extra": None,
    })
    s["list_obj_dyn"] = (T["list_obj_dyn"], [
        {"name": "a", "value": dyn("number", 1)},
        {"name": "b", "value": dyn(["tuple", ["string", "bool"]], ["x", True])},
        {"name": "c", "value": None},
    ])
    s["set_obj"] = (T["set_obj"], [{"k": "a", "v": 1}, {"k": "b", "v": Unknown()}])
    s["map_list_number"] = (T["map_list_number"], {"a": [1, 2], "b": [], "c": None})
    s["object_empty"] = (T["object_empty"], {})
    s["tuple_empty"] = (T["tuple_empty"], [])
    s["set_set_string"] = (T["set_set_string"], [["a", "b"], ["c"], []])
    s["list_tuple_dyn"] = (T["list_tuple_dyn"], [["x", dyn("number", 5)], ["y", Unknown()]])
    s["set_dynamic"] = (T["set_dynamic"], [dyn("string", "a"), dyn("string", "b")])
    for name, (sel, v) in s.items():
        write("value_msgpack", name, bytes([sel]) + mp(v))
    # A generated type (selector >= 0xc0): list(object({a = string, id = number})).
    write("value_msgpack", "generated_list_object",
          bytes([0xc0, 4, 7, 2, 0, 0, 2, 1]) + mp([{"a": "x", "id": 1}, None]))
    # Wide integer and float encodings Terraform never writes but the decoder accepts.
    write("value_msgpack", "number_f32", bytes([T["number"], 0xca, 0x3f, 0, 0, 0]))
    write("value_msgpack", "number_u16", bytes([T["number"], 0xcd, 0x01, 0x00]))


def json_seeds():
    s = {
        "string": (T["string"], '"hello \\"w\\" \\u00e9"'),
        "string_from_number": (T["string"], "12.50"),
        "number": (T["number"], "-12.5"),
        "number_big": (T["number"], "123456789012345678901234567890.000000000000000000000001"),
        "number_exp": (T["number"], "1e400"),
        "number_string": (T["number"], '"1e2"'),
        "bool_string": (T["bool"], '"false"'),
        "list_string": (T["list_string"], '["a","b",null]'),
        "set_number": (T["set_number"], "[2,1,1.0]"),
        "map_string": (T["map_string"], '{"k":"v","x":null}'),
        "object_missing_attrs": (T["object_abc_tags"], '{"a":"x","tags":{"env":"dev"}}'),
        "tuple": (T["tuple_snb"], '["s",1,false]'),
        "dynamic": (T["dynamic"], '{"value":[1,2],"type":["list","number"]}'),
        "dynamic_object": (
            T["dynamic"],
            '{"type":["object",{"a":"string","b":["map","bool"]}],"value":{"a":"v","b":{"k":true}}}'),
        "resource_state": (T["resource"], json.dumps({
            "id": "1001", "name": "tenant1", "cluster_id": 7, "root_password": None,
            "parameters": {"ob_query_timeout": "10000000"},
            "zones": [zone("zone1", ["10.0.0.1:2882", "10.0.0.2:2882"])],
            "timeouts": {"create": "30m", "delete": None},
            "extra": {"value": {"k": "v"}, "type": ["map", "string"]},
        }, separators=(",", ":"))),
        "list_obj_dyn": (
            T["list_obj_dyn"],
            '[{"name":"a","value":{"value":1,"type":"number"}},{"name":"c","value":null}]'),
        "set_obj": (T["set_obj"], '[{"k":"a","v":1},{"k":"b","v":2}]'),
        "map_list_number": (T["map_list_number"], '{"a":[1,2],"b":[]}'),
        "object_empty": (T["object_empty"], "{}"),
        "tuple_empty": (T["tuple_empty"], "[]"),
        "set_set_string": (T["set_set_string"], '[["a","b"],["c"],[]]'),
        "list_tuple_dyn": (T["list_tuple_dyn"], '[["x",{"value":"s","type":"string"}]]'),
        "set_dynamic": (T["set_dynamic"], '[{"value":"a","type":"string"}]'),
        "null": (T["resource"], "null"),
    }
    for name, (sel, text) in s.items():
        write("value_json", name, bytes([sel]) + text.encode())
    write("value_json", "generated_list_object",
          bytes([0xc0, 4, 7, 2, 0, 0, 2, 1]) + b'[{"a":"x","id":1},null]')


# Indices into STATUSES in fuzz/fuzz_targets/envelope.rs.
STATUS = {200: 0, 201: 1, 204: 2, 400: 4, 401: 5, 403: 6, 404: 7, 409: 9, 429: 11,
          500: 12, 502: 13, 503: 14, 302: 17}
NO_MASK, PASSWORD = b"\x00", b"\x01"


def envelope_seeds():
    ts = '"timestamp":"2025-03-20T16:47:00.342+08:00","duration":12,"server":"ocp-1"'
    s = {
        "ok_object": (200, PASSWORD,
                      '{"data":{"id":1,"name":"c","status":"RUNNING"},"successful":true,'
                      '"status":200,"traceId":"629da8eaec66effe",' + ts + '}'),
        "ok_paged": (200, PASSWORD,
                     '{"data":{"contents":[{"id":1,"name":"t1"},{"id":2,"name":"t2"}],'
                     '"page":{"number":1,"size":10,"totalElements":2,"totalPages":1}},'
                     '"successful":true,"status":200,"traceId":"x",' + ts + '}'),
        "ok_no_data": (200, NO_MASK, '{"successful":true,"status":200,"traceId":"f4783564b21746db"}'),
        "ok_null_data": (201, NO_MASK, '{"data":null,"successful":true,"status":201}'),
        "ok_no_successful": (200, NO_MASK, '{"data":{"id":3},"status":200}'),
        "ok_task": (200, PASSWORD,
                    '{"data":{"id":4242,"name":"Create tenant","status":"RUNNING"},'
                    '"successful":true,"status":200,"traceId":"t"}'),
        "empty_204": (204, NO_MASK, ""),
        "error_400": (400, PASSWORD,
                      '{"successful":false,"status":400,"traceId":"aaaabbbbccccdddd",'
                      '"error":{"code":"ILLEGAL_ARGUMENT","message":"zone zone9 does not exist"}}'),
        "error_numeric_code": (500, NO_MASK,
                               '{"successful":false,"status":500,"error":{"code":60018,"message":"x"}}'),
        "error_msg_field": (409, NO_MASK,
                            '{"successful":false,"status":409,"error":{"code":"ALREADY_EXISTS","msg":"tenant exists"}}'),
        "error_401_echo": (401, PASSWORD,
                           '{"successful":false,"status":401,"error":{"message":"bad S3cret!pw"}}'),
        "error_403": (403, PASSWORD,
                      '{"successful":false,"status":403,"error":{"message":"no permission"},"traceId":"z"}'),
        "spring_404": (404, NO_MASK,
                       '{"timestamp":"x","status":404,"error":"Not Found","message":"No handler","path":"/a"}'),
        "html_502": (502, NO_MASK, "<html><body>bad gateway</body></html>"),
        "ok_http_failed_envelope": (200, PASSWORD,
                                    '{"successful":false,"status":404,"error":{"message":"gone"}}'),
        "ok_http_status_500": (200, NO_MASK, '{"status":"500","error":{"message":"db down"}}'),
        "ok_not_object": (200, NO_MASK, "[1,2]"),
        "ok_truncated": (200, NO_MASK, '{"data": [1, 2'),
        "redirect": (302, NO_MASK, ""),
        "too_many": (429, NO_MASK, '{"successful":false,"status":429,"error":{"code":"RATE_LIMIT"}}'),
    }
    for name, (status, mask, body) in s.items():
        write("envelope", name, bytes([STATUS[status]]) + mask + body.encode())
    # A raw status (selector >= 0xf0, two bytes) and a password taken from the input.
    write("envelope", "raw_status_and_mask",
          b"\xf0\x01\xf4" + bytes([5]) + b"pw123"
          + b'{"successful":false,"error":{"code":"pw123","message":"pw123 wrong"},"traceId":"pw123"}')


def main():
    for target in ("value_msgpack", "value_json", "envelope"):
        shutil.rmtree(os.path.join(SEEDS, target), ignore_errors=True)
    msgpack_seeds()
    json_seeds()
    envelope_seeds()
    for target in sorted(os.listdir(SEEDS)):
        n = len(os.listdir(os.path.join(SEEDS, target)))
        print(f"{target}: {n} seeds")


if __name__ == "__main__":
    main()
