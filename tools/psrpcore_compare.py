#!/usr/bin/env python3
"""Cross-check `mrs-triage dump` against the psrpcore CLIXML deserializer, leaf by leaf.

A developer tool, not a dependency of the project: run it in a throwaway venv
that has psrpcore (`python3 -m venv /tmp/venv-psrp && /tmp/venv-psrp/bin/pip install psrpcore`).

    /tmp/venv-psrp/bin/python tools/psrpcore_compare.py --bin target/debug/mrs-triage FILE_OR_DIR...

For every file it runs our `dump` and psrpcore's `deserialize_clixml`, walks both
trees together (our JSON mapping drives the walk: it says which element each value
was) and compares every primitive, type-name list, ToString, property name and
order, list item, dictionary entry and `Ref` target. Differences that are known
psrpcore bugs (clixml-format.md §8), where PowerShell's own rules decide for us,
are counted separately as "allowed" with the rule we follow; anything else is a
difference and makes the exit status 1.
"""

import argparse
import base64
import decimal
import json
import math
import os
import re
import subprocess
import sys

import psrpcore.types as pst
from psrpcore.types import _collection as col
from psrpcore.types import _primitive as prim

# Known psrpcore deviations from PowerShell, and the rule we follow instead.
ALLOWED = {
    "deserialized-prefix": "psrpcore adds (and doubles) `Deserialized.` on type names; dump keeps the names "
    "exactly as written, so both sides are compared without the prefix",
    "dict-duplicate-keys": "psrpcore collapses duplicate dictionary keys into a Python dict; PowerShell keeps "
    "every entry (clixml-format.md §3.6), and so does dump",
    "bool-one": "psrpcore reads <B>1</B> as false; .NET reads 1 and 0 as true and false",
    "type-name-escapes": "psrpcore does not decode `_xHHHH_` in <T> type names; PowerShell does (the writer "
    "encodes T text with EncodeString), and so does dump",
    "wrapped-object": "an Obj whose base value is another Obj (a PSObject wrapping a PSObject): psrpcore merges "
    "both objects' properties into one, the outer object's replacing the inner's of the same name; dump keeps the "
    "nesting as written (@value), so the merge is compared",
    "informational-record": "psrpcore rebuilds every Obj typed System.Management.Automation.{Verbose,Debug,Warning}"
    "Record as a live record (Message, InvocationInfo, PipelineIterationInfo; ToString dropped), the PSRP "
    "stream-message decoding of MS-PSRP 2.2.3.16; Import-Clixml rebuilds only CimInstance and the types types.ps1xml "
    "marks for rehydration, so PowerShell's object is the property bag as written, with its ToString, and so is "
    "dump's: the type names and the message are compared",
    "empty-root": "psrpcore cannot parse an empty `<Objs ... />` root; PowerShell reads it as a file with no "
    "objects, and so does dump",
}

XESC = re.compile(r"_[xX]([0-9A-Fa-f]{4})_")


def x_decode(s):
    return XESC.sub(lambda m: chr(int(m.group(1), 16)), s)


def decode_file(path):
    data = open(path, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    if len(data) > 1 and data[1] == 0:
        return data.decode("utf-16-le")
    return data.decode("utf-8")


def strip_prefix(names):
    out = []
    for n in names or []:
        while n.startswith("Deserialized."):
            n = n[len("Deserialized."):]
        out.append(n)
    return out


DT_RE = re.compile(
    r"^\s*(-?\d{4,})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?(Z|[+-]\d\d:\d\d)?\s*$"
)
TS_RE = re.compile(r"^\s*(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?\s*$")


class Comparer:
    def __init__(self):
        self.leaves = 0
        self.diffs = []
        self.allowed = {}
        self.ours_by_id = {}
        self.visiting = set()

    def allow(self, key, path):
        self.allowed.setdefault(key, []).append(path)

    def diff(self, path, ours, theirs):
        self.diffs.append(f"{path}: ours={str(ours)[:160]!r} psrpcore={str(theirs)[:160]!r}")

    def index(self, v):
        """Remembers every object of our output by @id (ids are global to a file)."""
        if isinstance(v, dict):
            if "@id" in v:
                self.ours_by_id[json.dumps(v["@id"])] = v
            for k, x in v.items():
                self.index(x)
        elif isinstance(v, list):
            for x in v:
                self.index(x)

    # --- leaves -------------------------------------------------------------
    def leaf(self, path, ours, theirs):
        self.leaves += 1
        if theirs is None:
            if ours is not None:
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, bool) or isinstance(theirs, prim.PSBool):
            if ours != bool(theirs):
                if ours is True and theirs is False:
                    self.allow("bool-one", path)
                else:
                    self.diff(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSChar):
            if not (isinstance(ours, str) and len(ours) == 1 and ord(ours) == int(theirs)):
                if not (isinstance(ours, str) and ours == "\ufffd"):
                    self.diff(path, ours, int(theirs))
            return
        if isinstance(theirs, prim.PSDateTime):
            self.datetime(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSDuration):
            self.duration(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSDecimal) or isinstance(theirs, decimal.Decimal):
            try:
                ok = decimal.Decimal(ours.strip()) == theirs and str(decimal.Decimal(ours.strip())) == str(theirs)
            except Exception:
                ok = False
            if not ok:
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, (prim.PSByteArray, bytes, bytearray)):
            try:
                ok = base64.b64decode(ours) == bytes(theirs)
            except Exception:
                ok = False
            if not ok:
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSGuid):
            if str(ours).lower() != str(theirs).lower():
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSVersion):
            if str(ours) != str(theirs):
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, float):
            if isinstance(ours, str):
                want = {"NaN": math.nan, "INF": math.inf, "-INF": -math.inf}.get(ours)
                ok = want is not None and (
                    (math.isnan(want) and math.isnan(theirs)) or want == theirs
                )
            elif isinstance(ours, (int, float)) and not isinstance(ours, bool):
                if isinstance(theirs, prim.PSSingle):
                    import struct
                    ok = struct.pack("<f", float(ours)) == struct.pack("<f", float(theirs))
                else:
                    ok = float(ours) == float(theirs) and math.copysign(1, float(ours)) == math.copysign(1, float(theirs))
            else:
                ok = False
            if not ok:
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, int):
            if isinstance(ours, bool) or ours != int(theirs):
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, str):
            if ours != str(theirs):
                self.diff(path, ours, theirs)
            return
        if isinstance(theirs, prim.PSSecureString):
            return  # nothing to compare without the key; dump keeps the text
        self.diff(path, ours, f"<{type(theirs).__name__}>")

    def datetime(self, path, ours, theirs):
        m = DT_RE.match(ours or "")
        if not m:
            self.diff(path, ours, theirs)
            return
        y, mo, d, h, mi, s, frac, tz = m.groups()
        frac = (frac or "").ljust(7, "0")[:7]
        ok = (
            int(y) == theirs.year and int(mo) == theirs.month and int(d) == theirs.day
            and int(h or 0) == theirs.hour and int(mi or 0) == theirs.minute and int(s or 0) == theirs.second
            and int(frac[:6]) == theirs.microsecond
            and int(frac[6]) * 100 == getattr(theirs, "nanosecond", 0)
        )
        off = theirs.utcoffset()
        if tz is None:
            ok = ok and off is None
        elif tz == "Z":
            ok = ok and off is not None and off.total_seconds() == 0
        else:
            sign = -1 if tz[0] == "-" else 1
            want = sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
            ok = ok and off is not None and off.total_seconds() == want
        if not ok:
            self.diff(path, ours, theirs)

    def duration(self, path, ours, theirs):
        m = TS_RE.match(ours or "")
        if not m:
            self.diff(path, ours, theirs)
            return
        neg, d, h, mi, s, frac = m.groups()
        ticks = ((int(d or 0) * 24 + int(h or 0)) * 60 + int(mi or 0)) * 60 + int(s or 0)
        ticks = ticks * 10_000_000 + int((frac or "").ljust(7, "0")[:7])
        if neg:
            ticks = -ticks
        theirs_ticks = (theirs.days * 86400 + theirs.seconds) * 10_000_000 + theirs.microseconds * 10
        theirs_ticks += getattr(theirs, "nanoseconds", 0) // 100
        if ticks != theirs_ticks:
            self.diff(path, ours, theirs)

    # --- structure ----------------------------------------------------------
    def value(self, path, ours, theirs):
        if isinstance(ours, dict) and "@ref" in ours:
            key = json.dumps(ours["@ref"])
            target = self.ours_by_id.get(key)
            if target is None:
                self.diff(path, ours, "unresolved @ref")
                return
            mark = (key, id(theirs))
            if mark in self.visiting:
                return  # a cycle: already being compared further up
            self.visiting.add(mark)
            self.value(path + "->ref", target, theirs)
            self.visiting.discard(mark)
            return
        if isinstance(ours, dict) and "@types" in ours and "@unknown" not in ours:
            mark = (json.dumps(ours.get("@id")), id(theirs))
            if "@id" in ours and mark in self.visiting:
                return
            self.visiting.add(mark)
            self.obj(path, ours, theirs)
            self.visiting.discard(mark)
            return
        if isinstance(ours, (dict, list)):
            self.diff(path, "<structure>", theirs)
            return
        self.leaf(path, ours, theirs)

    def obj(self, path, ours, theirs):
        meta = getattr(theirs, "PSObject", None)
        if ours.get("@types") == ["System.Management.Automation.ProgressRecord"] and "@id" not in ours:
            self.progress(path, ours, theirs)
            return
        if meta is None:
            self.diff(path, ours, theirs)
            return
        self.leaves += 1
        ours_t, theirs_t = strip_prefix(ours["@types"]), strip_prefix(meta.type_names)
        if ours_t != theirs_t and ours["@types"]:
            if ours_t == [x_decode(t) for t in theirs_t]:
                self.allow("type-name-escapes", path)
            else:
                self.diff(path + ".@types", ours["@types"], meta.type_names)
        elif ours["@types"] != meta.type_names and ours["@types"]:
            self.allow("deserialized-prefix", path)
        if isinstance(theirs, pst.InformationalRecord) and "InformationalRecord_Message" in ours:
            self.allow("informational-record", path)
            self.leaf(path + ".InformationalRecord_Message", ours["InformationalRecord_Message"], theirs.Message)
            return
        if "@tostring" in ours:
            self.leaves += 1
            if ours["@tostring"] != meta.to_string:
                self.diff(path + ".@tostring", ours["@tostring"], meta.to_string)
        ours_props = self.properties_of(ours)
        theirs_props = [(p.name, p) for p in list(meta.adapted_properties) + list(meta.extended_properties)]
        wrapped = ours.get("@value")
        if isinstance(wrapped, dict) and "@types" in wrapped:
            merged = dict(self.properties_of(wrapped))
            merged.update(ours_props)
            if sorted(merged) == sorted(n for n, _ in theirs_props):
                self.allow("wrapped-object", path)
                by_name = dict(theirs_props)
                for name, ov in merged.items():
                    self.value(f"{path}.{name}", ov, by_name[name].get_value(theirs))
                return
        if [n for n, _ in ours_props] != [n for n, _ in theirs_props]:
            self.diff(path + ".<property names>", [n for n, _ in ours_props], [n for n, _ in theirs_props])
        else:
            for (name, ov), (_, prop) in zip(ours_props, theirs_props):
                try:
                    tv = prop.get_value(theirs)
                except Exception as e:  # noqa: BLE001
                    self.diff(f"{path}.{name}", ov, f"psrpcore error {e}")
                    continue
                self.value(f"{path}.{name}", ov, tv)
        if "@items" in ours:
            items = self.items_of(theirs)
            if items is None or len(items) != len(ours["@items"]):
                self.diff(path + ".@items", f"{len(ours['@items'])} items", items)
            else:
                for i, (a, b) in enumerate(zip(ours["@items"], items)):
                    self.value(f"{path}[{i}]", a, b)
        if "@entries" in ours:
            if not isinstance(theirs, dict):
                self.diff(path + ".@entries", ours["@entries"], theirs)
            else:
                entries = list(theirs.items())
                if len(entries) != len(ours["@entries"]):
                    self.allow("dict-duplicate-keys", path)
                    # Compare what psrpcore kept: the last value of each key.
                    last = {}
                    for k, v in ours["@entries"]:
                        last[json.dumps(k)] = v
                    self.leaves += len(entries)
                else:
                    for i, ((ok, ov), (tk, tv)) in enumerate(zip(ours["@entries"], entries)):
                        self.value(f"{path}{{{i}}}.key", ok, tk)
                        self.value(f"{path}{{{i}}}.value", ov, tv)
        if "@value" in ours:
            base = ours["@value"]
            if isinstance(base, dict):
                self.value(path + ".@value", base, theirs)
            else:
                self.leaf(path + ".@value", base, self.base_of(theirs))

    @staticmethod
    def properties_of(ours):
        """An object's properties in our dump, Props then MS, in document order."""
        props = []
        for k, v in ours.items():
            if k.startswith("@@"):
                props.append((k[1:], v))
            elif k.startswith("@ms."):
                props.append((k[4:], v))
            elif not k.startswith("@"):
                props.append((k, v))
        return props

    @staticmethod
    def base_of(theirs):
        # Extended primitives and enums: psrpcore's object is the primitive itself.
        if isinstance(theirs, prim.PSBool):
            return bool(theirs)
        if hasattr(theirs, "value") and not isinstance(theirs, (str, int, float)):
            return theirs.value
        return theirs

    @staticmethod
    def items_of(theirs):
        if isinstance(theirs, col.PSQueue) or hasattr(theirs, "queue"):
            return list(theirs.queue)
        if isinstance(theirs, (list, tuple)):
            return list(theirs)
        try:
            return list(theirs)
        except TypeError:
            return None

    def progress(self, path, ours, theirs):
        rec = theirs
        names = {
            "Activity": "activity", "ActivityId": "activity_id", "StatusDescription": "status_description",
            "CurrentOperation": "current_operation", "ParentActivityId": "parent_activity_id",
            "PercentComplete": "percent_complete", "SecondsRemaining": "seconds_remaining",
            "RecordType": "record_type",
        }
        for k, attr in names.items():
            if k not in ours:
                continue
            tv = getattr(rec, k, getattr(rec, attr, None))
            if k == "RecordType" and tv is not None:
                tv = getattr(tv, "name", str(tv))
            self.leaf(f"{path}.{k}", ours[k], tv)


def compare_file(binary, path, cmp):
    run = subprocess.run([binary, "dump", path], capture_output=True)
    ours = [json.loads(line) for line in run.stdout.decode("utf-8").split("\n") if line.strip()]
    err = run.stderr.decode("utf-8", "replace").strip()
    text = decode_file(path)
    try:
        theirs = pst.deserialize_clixml(text, None)
    except Exception as e:  # noqa: BLE001
        if re.fullmatch(r"\s*<Objs[^>]*/>\s*", text) and not ours and not err:
            cmp.allow("empty-root", path)
            return 0, None, err
        return len(ours), f"psrpcore failed: {type(e).__name__}: {e}", err
    for v in ours:
        cmp.index(v)
    if len(ours) != len(theirs):
        cmp.diff(f"{path}", f"{len(ours)} values", f"{len(theirs)} values")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        cmp.value(f"[{i}]", a, b)
    return len(ours), None, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/debug/mrs-triage")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    files = []
    for p in args.paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith((".xml", ".clixml")))
        else:
            files.append(p)
    total_values = total_leaves = total_diffs = 0
    allowed_total = {}
    skipped = []
    for f in files:
        cmp = Comparer()
        n, skip, err = compare_file(args.bin, f, cmp)
        if skip:
            skipped.append((f, skip, err))
            continue
        total_values += n
        total_leaves += cmp.leaves
        total_diffs += len(cmp.diffs)
        for k, v in cmp.allowed.items():
            allowed_total[k] = allowed_total.get(k, 0) + len(v)
        status = "ok" if not cmp.diffs else f"{len(cmp.diffs)} DIFFERENCES"
        print(f"{os.path.basename(f)}: {n} values, {cmp.leaves} leaves, {status}"
              + (f" (our error: {err})" if err else ""))
        for d in cmp.diffs[:20]:
            print("   ", d)
    print()
    print(f"files: {len(files) - len(skipped)} compared, {len(skipped)} not readable by psrpcore")
    for f, why, err in skipped:
        print(f"   {os.path.basename(f)}: {why}" + (f" | ours: {err}" if err else ""))
    print(f"values: {total_values}, leaves compared: {total_leaves}, differences: {total_diffs}")
    for k, n in sorted(allowed_total.items()):
        print(f"allowed ({k}, {n}x): {ALLOWED[k]}")
    sys.exit(1 if total_diffs else 0)


if __name__ == "__main__":
    main()
