#!/usr/bin/env python3
"""Drives the SCF simulator with the official Tencent Cloud Python SDK (tencentcloud-sdk-python-scf).

Used by test/fidelity/python-sdk.test.ts; runnable by hand against `npm run sim`:

    PYTHONPATH=$(node scripts/python-sdk.js) python3 test/fidelity/python_sdk_client.py \
        --endpoint 127.0.0.1:9000 --secret-id AKID... --secret-key ...

Every call goes through `tencentcloud.scf.v20180416.scf_client.ScfClient` unchanged, only pointed at
the simulator with `HttpProfile(endpoint=..., protocol="http")`. It signs with TC3-HMAC-SHA256 over
POST JSON (the SDK default), TC3 over GET, and the v1 signature (HmacSHA256 / HmacSHA1, POST form
and GET query). The one non-SDK call is the simulator's admin API (`/_admin/holdInUpdating`), used to
keep a function in Updating long enough to observe the documented error.

Prints one JSON object (the summary) on stdout; the test asserts on it. Exits 0 even when a step
saw something unexpected: the summary records what was seen, the test decides.
"""
import argparse
import base64
import hashlib
import io
import json
import os
import sys
import time
import traceback
import urllib.request
import zipfile
from importlib import metadata

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.scf.v20180416 import models, scf_client

REGION = "ap-guangzhou"
COPY_REGION = "ap-shanghai"


def make_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


CODE_V1 = make_zip({"index.js": "exports.main_handler = async (event) => ({ version: 1, event });\n"})
CODE_V2 = make_zip({
    "index.js": "exports.main_handler = async (event, context) => "
                "({ version: 2, event, fn: context.function_name, env: process.env.GREETING });\n",
})


def make_zip_stored(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def b64(data):
    return base64.b64encode(data).decode("ascii")


class Driver:
    def __init__(self, endpoint, secret_id, secret_key):
        self.endpoint = endpoint
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.summary = {
            "sdk": {"common": metadata.version("tencentcloud-sdk-python-common"),
                    "scf": metadata.version("tencentcloud-sdk-python-scf"),
                    "python": "%d.%d.%d" % sys.version_info[:3]},
            "steps": {}, "errors": {}, "failures": [], "signing": {}}

    # -- clients ---------------------------------------------------------------------------------
    def client(self, region=REGION, method="POST", sign="TC3-HMAC-SHA256", secret_key=None):
        cred = credential.Credential(self.secret_id, secret_key or self.secret_key)
        http = HttpProfile(endpoint=self.endpoint, protocol="http", reqMethod=method, reqTimeout=30)
        return scf_client.ScfClient(cred, region, ClientProfile(signMethod=sign, httpProfile=http))

    @staticmethod
    def req(cls, **fields):
        r = getattr(models, cls)()
        r.from_json_string(json.dumps(fields))
        return r

    def call(self, client, action, **fields):
        return getattr(client, action)(self.req(action + "Request", **fields))

    def error_of(self, fn):
        """Runs fn; returns {code, requestId, message} of the TencentCloudSDKException it raised, or None."""
        try:
            fn()
        except TencentCloudSDKException as e:
            return {"code": e.get_code(), "requestId": e.get_request_id(), "message": e.get_message()}
        return None

    def admin(self, name, body):
        data = json.dumps(body).encode("utf8")
        rq = urllib.request.Request("http://%s/_admin/%s" % (self.endpoint, name), data=data, method="POST",
                                    headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(rq, timeout=30) as resp:
            return json.loads(resp.read().decode("utf8"))

    def wait_status(self, client, name, want="Active", qualifier=None, timeout=15.0):
        seen = []
        deadline = time.time() + timeout
        while True:
            fields = {"FunctionName": name}
            if qualifier:
                fields["Qualifier"] = qualifier
            f = self.call(client, "GetFunction", **fields)
            if not seen or seen[-1] != f.Status:
                seen.append(f.Status)
            if f.Status == want:
                return f, seen
            if time.time() > deadline:
                raise RuntimeError("%s stuck in %s (wanted %s)" % (name, f.Status, want))
            time.sleep(0.02)

    def step(self, name, fn):
        try:
            self.summary["steps"][name] = fn()
        except Exception as e:  # noqa: BLE001 - recorded for the test to report
            code = e.get_code() if isinstance(e, TencentCloudSDKException) else type(e).__name__
            msg = e.get_message() if isinstance(e, TencentCloudSDKException) else str(e)
            self.summary["failures"].append({"step": name, "code": code, "message": msg,
                                             "trace": traceback.format_exc(limit=3)})

    # -- the scenario ----------------------------------------------------------------------------
    def run(self):
        c = self.client()
        fn = "py-fidelity"

        def create():
            r = self.call(c, "CreateFunction", FunctionName=fn, Runtime="Nodejs18.15", Handler="index.main_handler",
                          MemorySize=256, Timeout=10, Description="created by the Python SDK",
                          Environment={"Variables": [{"Key": "GREETING", "Value": "hello"}]},
                          Code={"ZipFile": b64(CODE_V1)})
            f, seen = self.wait_status(c, fn)
            return {"requestId": r.RequestId, "statusesSeen": seen, "runtime": f.Runtime, "handler": f.Handler,
                    "memorySize": f.MemorySize, "timeout": f.Timeout, "qualifier": f.Qualifier,
                    "environment": [{"Key": v.Key, "Value": v.Value} for v in f.Environment.Variables],
                    "codeSize": f.CodeSize, "availableStatus": f.AvailableStatus, "functionId": f.FunctionId}
        self.step("createFunction", create)

        def update_code():
            r = self.call(c, "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(CODE_V2), Handler="index.main_handler")
            status_after = self.call(c, "GetFunction", FunctionName=fn).Status
            # Keep it Updating (simulator admin API) so the second update deterministically meets that state.
            self.admin("holdInUpdating", {"region": REGION, "functionName": fn, "ms": 5000})
            second = self.error_of(lambda: self.call(c, "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(CODE_V1)))
            publish_while_updating = self.error_of(lambda: self.call(c, "PublishVersion", FunctionName=fn))
            self.admin("releaseHold", {"region": REGION, "functionName": fn})
            f, seen = self.wait_status(c, fn)
            return {"requestId": r.RequestId, "statusRightAfter": status_after, "updateWhileUpdating": second,
                    "publishWhileUpdating": publish_while_updating, "statusesSeen": seen, "codeSize": f.CodeSize}
        self.step("updateFunctionCode", update_code)

        def publish():
            r = self.call(c, "PublishVersion", FunctionName=fn, Description="v1 from python")
            f, seen = self.wait_status(c, fn, qualifier=r.FunctionVersion)
            return {"functionVersion": r.FunctionVersion, "description": r.Description, "codeSize": r.CodeSize,
                    "versionStatusesSeen": seen, "versionQualifier": f.Qualifier}
        self.step("publishVersion", publish)

        def list_versions():
            r = self.call(c, "ListVersionByFunction", FunctionName=fn)
            return {"functionVersion": r.FunctionVersion, "versions": [v.Version for v in (r.Versions or [])],
                    "statuses": [v.Status for v in (r.Versions or [])], "totalCount": r.TotalCount}
        self.step("listVersionByFunction", list_versions)

        def address():
            r = self.call(c, "GetFunctionAddress", FunctionName=fn, Qualifier="1")
            with urllib.request.urlopen(r.Url, timeout=30) as resp:
                body = resp.read()
            return {"codeSha256": r.CodeSha256, "downloadedSha256": sha256(body), "uploadedSha256": sha256(CODE_V2),
                    "urlIsHttp": r.Url.startswith("http")}
        self.step("getFunctionAddress", address)

        def invoke():
            r = self.call(c, "InvokeFunction", FunctionName=fn, Qualifier="1", Event=json.dumps({"from": "python"}))
            ret = json.loads(r.Result.RetMsg)
            r2 = self.call(c, "Invoke", FunctionName=fn, Qualifier="$LATEST", InvocationType="RequestResponse",
                           ClientContext=json.dumps({"n": 2}), LogType="Tail")
            return {"invokeResult": r.Result.InvokeResult, "retMsg": ret, "functionRequestId": r.Result.FunctionRequestId,
                    "billDuration": r.Result.BillDuration, "legacyInvokeResult": r2.Result.InvokeResult,
                    "legacyRetMsg": json.loads(r2.Result.RetMsg), "legacyLogIsString": isinstance(r2.Result.Log, str)}
        self.step("invoke", invoke)

        def alias():
            self.call(c, "CreateAlias", FunctionName=fn, Name="live", FunctionVersion="1", Description="py alias",
                      RoutingConfig={"AdditionalVersionWeights": [{"Version": "$LATEST", "Weight": 0.25}]})
            a = self.call(c, "GetAlias", FunctionName=fn, Name="live")
            weights = [{"Version": w.Version, "Weight": w.Weight} for w in
                       ((a.RoutingConfig.AdditionalVersionWeights or []) if a.RoutingConfig else [])]
            return {"name": a.Name, "functionVersion": a.FunctionVersion, "description": a.Description,
                    "weights": weights, "hasAddTime": bool(a.AddTime)}
        self.step("alias", alias)

        def copy():
            self.call(c, "CopyFunction", FunctionName=fn, NewFunctionName=fn + "-copy", TargetRegion=COPY_REGION,
                      CopyConfiguration=True)
            sh = self.client(region=COPY_REGION)
            f, seen = self.wait_status(sh, fn + "-copy")
            addr = self.call(sh, "GetFunctionAddress", FunctionName=fn + "-copy")
            missing_in_source = self.error_of(lambda: self.call(c, "GetFunction", FunctionName=fn + "-copy"))
            return {"statusesSeen": seen, "memorySize": f.MemorySize, "codeSha256": addr.CodeSha256,
                    "sourceRegionLookup": missing_in_source}
        self.step("copyFunction", copy)

        # -- error paths ------------------------------------------------------------------------
        errors = self.summary["errors"]
        bad = self.client(secret_key="wrong-" + self.secret_key)
        errors["wrongKey"] = self.error_of(lambda: self.call(bad, "GetFunction", FunctionName=fn))
        errors["missingFunction"] = self.error_of(lambda: self.call(c, "GetFunction", FunctionName="no-such-function"))
        errors["missingVersion"] = self.error_of(lambda: self.call(c, "GetFunction", FunctionName=fn, Qualifier="99"))
        errors["duplicateCreate"] = self.error_of(lambda: self.call(
            c, "CreateFunction", FunctionName=fn, Runtime="Nodejs18.15", Handler="index.main_handler", Code={"ZipFile": b64(CODE_V1)}))
        errors["badZip"] = self.error_of(lambda: self.call(
            c, "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(b"this is not a zip")))
        # Documented request-size limits: GET 32 KB; POST signed v1 (form body) 1 MB; POST TC3 takes more.
        big = make_zip_stored({"index.js": "exports.main_handler = async () => 1;\n", "blob.bin": os.urandom(800 * 1024)})
        mid = make_zip_stored({"index.js": "exports.main_handler = async () => 1;\n", "blob.bin": os.urandom(40 * 1024)})
        errors["getOver32KB"] = self.error_of(lambda: self.call(
            self.client(method="GET"), "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(mid)))
        errors["v1PostOver1MB"] = self.error_of(lambda: self.call(
            self.client(sign="HmacSHA256"), "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(big)))
        errors["tc3PostOver1MB"] = self.error_of(lambda: self.call(
            c, "UpdateFunctionCode", FunctionName=fn, ZipFile=b64(big)))
        self.wait_status(c, fn)
        errors["unknownRegion"] = self.error_of(lambda: self.call(self.client(region="xx-nowhere"), "GetFunction", FunctionName=fn))

        # -- other signing modes of the same SDK -------------------------------------------------
        self.signing_mode("tc3Get", "GET", "TC3-HMAC-SHA256", fn)
        self.signing_mode("hmacSha256Post", "POST", "HmacSHA256", fn)
        self.signing_mode("hmacSha1Post", "POST", "HmacSHA1", fn)
        self.signing_mode("hmacSha256Get", "GET", "HmacSHA256", fn)
        self.signing_mode("hmacSha1Get", "GET", "HmacSHA1", fn)
        return self.summary

    def signing_mode(self, label, method, sign, fn):
        c = self.client(method=method, sign=sign)
        out = {}
        self.summary["signing"][label] = out

        def record(name, f):
            try:
                out[name] = f()
            except TencentCloudSDKException as e:
                out[name] = {"error": e.get_code(), "message": e.get_message()}
            except Exception as e:  # noqa: BLE001
                out[name] = {"error": type(e).__name__, "message": str(e)}

        record("getFunction", lambda: self.call(c, "GetFunction", FunctionName=fn, Qualifier="1").Status)
        record("listVersions", lambda: self.call(c, "ListVersionByFunction", FunctionName=fn).FunctionVersion)
        record("invoke", lambda: json.loads(self.call(
            c, "InvokeFunction", FunctionName=fn, Qualifier="1", Event=json.dumps({"sign": label}),
            RoutingKey=json.dumps({"k": "v"})).Result.RetMsg)["event"])
        # Nested parameters: flattened (Environment.Variables.0.Key=...) for GET and the v1 form body.
        name = "py-%s" % label.lower()
        zip_b64 = b64(make_zip({"index.js": "exports.main_handler = async () => '%s';\n" % label}))
        create_fields = dict(FunctionName=name, Runtime="Nodejs18.15", Handler="index.main_handler", MemorySize=128,
                             Environment={"Variables": [{"Key": "MODE", "Value": label}]}, Code={"ZipFile": zip_b64})

        def create_and_read():
            self.call(c, "CreateFunction", **create_fields)
            f, _ = self.wait_status(c, name)
            return {"status": f.Status, "env": {v.Key: v.Value for v in f.Environment.Variables}}
        record("createNested", create_and_read)
        record("copyBoolean", lambda: (self.call(c, "CopyFunction", FunctionName=name, NewFunctionName=name + "-c",
                                                 Override=True, CopyConfiguration=False), "ok")[1])
        wrong = self.client(method=method, sign=sign, secret_key="wrong-" + self.secret_key)
        record("wrongKey", lambda: self.error_of(lambda: self.call(wrong, "GetFunction", FunctionName=fn)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True, help="host:port of the simulator")
    ap.add_argument("--secret-id", required=True)
    ap.add_argument("--secret-key", required=True)
    a = ap.parse_args()
    summary = Driver(a.endpoint, a.secret_id, a.secret_key).run()
    json.dump(summary, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
