//! The `dump` output: each top-level CLIXML value as one line of JSON (NDJSON).
//!
//! The mapping is a contract that scripts rely on (it is documented in the
//! README): primitives become JSON scalars with no precision lost, objects
//! become JSON objects with `@`-prefixed metadata keys, and a `Ref` stays a
//! `{"@ref": id}` so output is linear in the input.

use std::io::{self, Write};

use super::{Base, Object, Property, RefId, Value};

/// Writes one value as a JSON line (terminated by `\n`).
pub fn write_line<W: Write>(out: &mut W, value: &Value) -> io::Result<()> {
    let mut line = Vec::with_capacity(256);
    write_value(&mut line, value)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Writes one value as JSON.
pub fn write_value(w: &mut Vec<u8>, value: &Value) -> io::Result<()> {
    match value {
        Value::Nil => w.extend_from_slice(b"null"),
        Value::Bool(b) => w.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(_, n) => write!(w, "{n}")?,
        Value::UInt(_, n) => write!(w, "{n}")?,
        Value::Single(f) => {
            if !write_special_float(w, f64::from(*f)) {
                serde_json::to_writer(&mut *w, f).map_err(io::Error::other)?;
            }
        }
        Value::Double(f) => {
            if !write_special_float(w, *f) {
                serde_json::to_writer(&mut *w, f).map_err(io::Error::other)?;
            }
        }
        Value::Text(_, s) => write_str(w, s)?,
        Value::Obj(o) => write_object(w, o)?,
        Value::Ref(id) => {
            w.extend_from_slice(b"{\"@ref\":");
            write_id(w, id)?;
            w.push(b'}');
        }
        Value::Progress(fields) => {
            w.extend_from_slice(b"{\"@types\":[\"System.Management.Automation.ProgressRecord\"]");
            for (name, v) in fields {
                w.push(b',');
                write_key(w, name)?;
                write_value(w, v)?;
            }
            w.push(b'}');
        }
        Value::MemberSet(members) => {
            w.push(b'{');
            write_props(w, members, &[])?;
            w.push(b'}');
        }
        Value::Unknown(u) => {
            w.extend_from_slice(b"{\"@unknown\":");
            write_str(w, &u.name)?;
            w.extend_from_slice(b",\"@text\":");
            write_str(w, &u.text)?;
            w.push(b'}');
        }
    }
    Ok(())
}

/// NaN and the infinities have no JSON number: they are written as the
/// strings CLIXML uses. Returns whether `f` was one of them.
fn write_special_float(w: &mut Vec<u8>, f: f64) -> bool {
    let s: &[u8] = if f.is_nan() {
        b"\"NaN\""
    } else if f == f64::INFINITY {
        b"\"INF\""
    } else if f == f64::NEG_INFINITY {
        b"\"-INF\""
    } else {
        return false;
    };
    w.extend_from_slice(s);
    true
}

fn write_str(w: &mut Vec<u8>, s: &str) -> io::Result<()> {
    serde_json::to_writer(w, s).map_err(io::Error::other)
}

fn write_id(w: &mut Vec<u8>, id: &RefId) -> io::Result<()> {
    match id {
        RefId::Num(n) => write!(w, "{n}"),
        // Ids PowerShell never writes (e.g. `RefId-0`) are kept as strings.
        RefId::Text(s) => write_str(w, s),
    }
}

/// Writes `"name":`, adding an `@` to names that begin with one so they can
/// never collide with the metadata keys.
fn write_key(w: &mut Vec<u8>, name: &str) -> io::Result<()> {
    if name.starts_with('@') {
        let mut k = String::with_capacity(name.len() + 1);
        k.push('@');
        k.push_str(name);
        write_str(w, &k)?;
    } else {
        write_str(w, name)?;
    }
    w.push(b':');
    Ok(())
}

fn write_object(w: &mut Vec<u8>, o: &Object) -> io::Result<()> {
    w.extend_from_slice(b"{\"@types\":[");
    for (i, t) in o.types.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        write_str(w, t)?;
    }
    w.push(b']');
    if let Some(id) = &o.id {
        w.extend_from_slice(b",\"@id\":");
        write_id(w, id)?;
    }
    if let Some(s) = &o.to_string {
        w.extend_from_slice(b",\"@tostring\":");
        write_str(w, s)?;
    }
    if !o.props.is_empty() {
        w.push(b',');
        write_props(w, &o.props, &[])?;
    }
    if !o.members.is_empty() {
        w.push(b',');
        write_props(w, &o.members, &o.props)?;
    }
    match &o.base {
        None => {}
        Some(Base::Value(v)) => {
            w.extend_from_slice(b",\"@value\":");
            write_value(w, v)?;
        }
        Some(Base::Items(_, items)) => {
            w.extend_from_slice(b",\"@items\":[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    w.push(b',');
                }
                write_value(w, v)?;
            }
            w.push(b']');
        }
        Some(Base::Entries(entries)) => {
            w.extend_from_slice(b",\"@entries\":[");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    w.push(b',');
                }
                w.push(b'[');
                write_value(w, k)?;
                w.push(b',');
                write_value(w, v)?;
                w.push(b']');
            }
            w.push(b']');
        }
    }
    if !o.unknown.is_empty() {
        w.extend_from_slice(b",\"@unknown\":[");
        for (i, v) in o.unknown.iter().enumerate() {
            if i > 0 {
                w.push(b',');
            }
            write_value(w, v)?;
        }
        w.push(b']');
    }
    w.push(b'}');
    Ok(())
}

/// Writes `"k":v,...` for a property list. A member whose name one of
/// `taken` already uses is written as `"@ms.NAME"`.
fn write_props(w: &mut Vec<u8>, list: &[Property], taken: &[Property]) -> io::Result<()> {
    // A set of the taken names keeps objects with thousands of properties
    // linear (found by fuzzing); small lists are cheaper to scan.
    let set: Option<std::collections::HashSet<&str>> =
        (taken.len() > 16).then(|| taken.iter().map(|t| t.name.as_str()).collect());
    let is_taken = |name: &str| match &set {
        Some(s) => s.contains(name),
        None => taken.iter().any(|t| t.name == name),
    };
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        if !taken.is_empty() && is_taken(&p.name) {
            write_str(w, &format!("@ms.{}", p.name))?;
            w.push(b':');
        } else {
            write_key(w, &p.name)?;
        }
        write_value(w, &p.value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clixml::Reader;

    fn dump(doc: &str) -> Vec<String> {
        let doc = format!(
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">{doc}</Objs>"
        );
        Reader::new(doc.as_bytes())
            .unwrap()
            .map(|v| {
                let mut out = Vec::new();
                write_value(&mut out, &v.unwrap()).unwrap();
                String::from_utf8(out).unwrap()
            })
            .collect()
    }

    #[test]
    fn primitives() {
        let got = dump(
            "<S>a_x000A_b</S><C>65</C><B>true</B><By>255</By><I64>-9223372036854775808</I64>\
             <U64>18446744073709551615</U64><Sg>1.5</Sg><Db>NaN</Db><Db>INF</Db><Db>-INF</Db>\
             <Db>1E+20</Db><D>1.50</D><DT>2024-03-01T12:34:56.789+01:00</DT><TS>PT0S</TS><Nil/>\
             <BA>AAEC/w==</BA><G>3f2504e0-4f89-11d3-9a0c-0305e82c3301</G>",
        );
        assert_eq!(
            got,
            [
                r#""a\nb""#,
                r#""A""#,
                "true",
                "255",
                "-9223372036854775808",
                "18446744073709551615",
                "1.5",
                r#""NaN""#,
                r#""INF""#,
                r#""-INF""#,
                "1e+20",
                r#""1.50""#,
                r#""2024-03-01T12:34:56.789+01:00""#,
                r#""PT0S""#,
                "null",
                r#""AAEC/w==""#,
                r#""3f2504e0-4f89-11d3-9a0c-0305e82c3301""#,
            ]
        );
    }

    #[test]
    fn objects_enums_and_collisions() {
        let got = dump(
            r#"<Obj RefId="0"><TN RefId="0"><T>My.Enum</T><T>System.Enum</T></TN><ToString>Failed</ToString><I32>99</I32></Obj>
               <Obj RefId="1"><TNRef RefId="0"/><Props><S N="@x">1</S><S N="Name">p</S></Props><MS><S N="Name">m</S><Ref N="Self" RefId="1"/></MS></Obj>
               <Obj RefId="2"><TN RefId="1"><T>System.Collections.Hashtable</T></TN><DCT><En><S N="Key">k</S><I32 N="Value">1</I32></En></DCT></Obj>"#,
        );
        assert_eq!(
            got[0],
            r#"{"@types":["My.Enum","System.Enum"],"@id":0,"@tostring":"Failed","@value":99}"#
        );
        assert_eq!(
            got[1],
            r#"{"@types":["My.Enum","System.Enum"],"@id":1,"@@x":"1","Name":"p","@ms.Name":"m","Self":{"@ref":1}}"#
        );
        assert_eq!(
            got[2],
            r#"{"@types":["System.Collections.Hashtable"],"@id":2,"@entries":[["k",1]]}"#
        );
    }
}
