//! The frame machine: what each element opens on the reader's explicit stack
//! (a frame), and what closing it hands to the element that contains it.
//! Objects are built in place on `Reader::objs`; finished type lists, objects
//! kept for `Ref`s and property counts per type are recorded here too.

use std::io::Read;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::frame::{Frame, TextRole, prim_of};
use super::options::Resolve;
use super::prim::trim_xml;
use super::state::{Reader, Res};
use crate::clixml::error::ErrorKind;
use crate::clixml::escape;
use crate::clixml::value::{
    Base, IntTag, ListKind, Name, Object, Property, RefId, TextTag, UnknownElement, Value,
};
use crate::clixml::xml::local;

impl<R: Read> Reader<R> {
    /// Opens an element; `Ok(false)` when an empty one was handled whole here
    /// (no frame to close).
    pub(super) fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Res<bool> {
        let qname = e.name();
        let tag: &str = local(qname.into_inner());
        // Inside an unknown element everything is just more of it.
        if let Some(Frame::Unknown { nested, .. }) = self.stack.last_mut() {
            *nested += 1;
            return Ok(true);
        }
        if self.stack.len() >= self.opts.max_depth {
            return Err(self.err_here(ErrorKind::TooDeep(self.opts.max_depth)));
        }
        if !self.root_seen {
            return self.start_root(e, tag).map(|()| true);
        }
        if self.stack.is_empty() {
            // A second root element: quick-xml tolerates it, PowerShell does not.
            return Err(self.err_here(ErrorKind::Syntax(format!(
                "unexpected <{tag}> after the end of <Objs>"
            ))));
        }
        let mut name = Name::default();
        let mut ref_id = None;
        self.attrs(e, &mut name, &mut ref_id)?;
        let start = self.event_start;
        let frame = match self.stack.last().expect("non-empty") {
            Frame::Text { .. } => {
                return Err(self.err_here(ErrorKind::Syntax(format!(
                    "unexpected element <{tag}> inside a value"
                ))));
            }
            f @ (Frame::Leaf { .. } | Frame::Skip) => {
                let parent = if matches!(f, Frame::Skip) { "TNRef" } else { "Ref" };
                return Err(self.err_here(ErrorKind::Syntax(format!(
                    "unexpected element <{tag}> inside <{parent}>"
                ))));
            }
            Frame::Tn { .. } if tag == "T" => {
                Frame::Text { role: TextRole::TypeName, name: Name::default(), start }
            }
            Frame::Dict(_) if tag == "En" => Frame::Entry { key: None, value: None, start },
            Frame::Obj { .. } => match tag {
                "TN" => Frame::Tn { id: ref_id, names: Vec::new() },
                "TNRef" => {
                    let id = ref_id.ok_or_else(|| {
                        self.err_here(ErrorKind::Syntax("<TNRef> without RefId".into()))
                    })?;
                    let types = match self.types.get(&id) {
                        Some(t) => t.clone(),
                        None => {
                            return Err(self.err_here(ErrorKind::UnknownTypeRef(id.to_string())));
                        }
                    };
                    if let Some(obj) = self.top_obj() {
                        obj.types = types;
                    }
                    if empty {
                        return Ok(false);
                    }
                    Frame::Skip
                }
                "ToString" => {
                    Frame::Text { role: TextRole::ToString, name: Name::default(), start }
                }
                "Props" => Frame::Props(Vec::with_capacity(self.shape_hint(false))),
                "MS" => Frame::Ms {
                    name: Name::default(),
                    members: Vec::with_capacity(self.shape_hint(true)),
                },
                "LST" => Frame::Items(ListKind::List, Vec::new()),
                "IE" => Frame::Items(ListKind::Enumerable, Vec::new()),
                "QUE" => Frame::Items(ListKind::Queue, Vec::new()),
                "STK" => Frame::Items(ListKind::Stack, Vec::new()),
                "DCT" => Frame::Dict(Vec::new()),
                _ => {
                    self.push_value_frame(tag, name, ref_id, start)?;
                    return Ok(true);
                }
            },
            Frame::Ms { .. } if tag == "MS" => Frame::Ms { name, members: Vec::new() },
            Frame::Progress { .. } if prim_of(tag).is_none() && tag != "Obj" && tag != "Ref" => {
                Frame::Text { role: TextRole::ProgressField(tag.to_string()), name, start }
            }
            Frame::Root
            | Frame::Props(_)
            | Frame::Ms { .. }
            | Frame::Items(..)
            | Frame::Entry { .. }
            | Frame::Progress { .. } => {
                self.push_value_frame(tag, name, ref_id, start)?;
                return Ok(true);
            }
            Frame::Tn { .. } | Frame::Dict(_) | Frame::Unknown { .. } => unknown(tag, name),
        };
        self.stack.push(frame);
        Ok(true)
    }

    fn start_root(&mut self, e: &BytesStart<'_>, tag: &str) -> Res<()> {
        if tag != "Objs" {
            return Err(self.err_here(ErrorKind::NotClixml(tag.to_string())));
        }
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| self.err_here(ErrorKind::Syntax(err.to_string())))?;
            if attr.key.local_name().into_inner() == "Version" {
                let v = attr.value.trim();
                let major = v.split('.').next().unwrap_or("");
                if major != "1" {
                    return Err(self.err_here(ErrorKind::UnsupportedVersion(v.to_string())));
                }
            }
        }
        self.root_seen = true;
        self.stack.push(Frame::Root);
        Ok(())
    }

    /// Opens a value element (primitive, `Obj`, `Ref`, `PR`, or unknown).
    /// The frame is pushed here rather than returned: a large `Result`
    /// returned through memory and read back at once stalled the caller.
    fn push_value_frame(
        &mut self,
        tag: &str,
        name: Name,
        ref_id: Option<RefId>,
        start: u64,
    ) -> Res<()> {
        let frame = match tag {
            "Obj" => {
                if let Some(id) = &ref_id {
                    self.defined.insert(id);
                }
                self.objs.push(Object { id: ref_id, ..Object::default() });
                Frame::Obj { name }
            }
            "Ref" => {
                let id = ref_id.ok_or_else(|| {
                    self.err_here(ErrorKind::Syntax("<Ref> without RefId".into()))
                })?;
                if !self.defined.contains(&id) {
                    return Err(self.err_here(ErrorKind::UnknownRef(id.to_string())));
                }
                self.value_refs.push(id.clone());
                Frame::Leaf { name, value: Value::Ref(id) }
            }
            "PR" => Frame::Progress { name, fields: Vec::new() },
            _ => match prim_of(tag) {
                Some(p) => Frame::Text { role: TextRole::Prim(p), name, start },
                None => unknown(tag, name),
            },
        };
        self.stack.push(frame);
        Ok(())
    }

    /// Closes the innermost element and hands what it built to its parent.
    pub(super) fn end(&mut self) -> Res<()> {
        if let Some(Frame::Unknown { nested, .. }) = self.stack.last_mut()
            && *nested > 0
        {
            *nested -= 1;
            return Ok(());
        }
        let frame = self.stack.pop().expect("quick-xml checks end tags against start tags");
        match frame {
            Frame::Root => {
                self.root_closed = true;
                Ok(())
            }
            Frame::Skip => Ok(()),
            Frame::Text { role, name, start } => {
                let text = std::mem::take(&mut self.text);
                let r = self.finish_text(role, name, &text, start);
                self.text = text;
                self.text.clear();
                r
            }
            Frame::Leaf { name, value } => self.attach(value, name),
            Frame::Obj { name } => {
                let obj = Arc::new(self.objs.pop().expect("one object per Obj frame"));
                if let Some(id) = &obj.id {
                    self.keep(id, &obj);
                }
                self.attach(Value::Obj(obj), name)
            }
            Frame::Props(props) => {
                self.note_shape(false, props.len());
                if let Some(obj) = self.top_obj() {
                    if obj.props.is_empty() {
                        obj.props = props;
                    } else {
                        obj.props.extend(props);
                    }
                }
                Ok(())
            }
            Frame::Ms { name, members } => match self.stack.last_mut() {
                Some(Frame::Obj { .. }) => {
                    self.note_shape(true, members.len());
                    if let Some(obj) = self.top_obj() {
                        if obj.members.is_empty() {
                            obj.members = members;
                        } else {
                            obj.members.extend(members);
                        }
                    }
                    Ok(())
                }
                Some(Frame::Ms { members: outer, .. }) => {
                    outer.push(Property { name, value: Value::MemberSet(members) });
                    Ok(())
                }
                _ => Ok(()),
            },
            Frame::Items(kind, items) => {
                if let Some(obj) = self.top_obj() {
                    obj.base = Some(Base::Items(kind, items));
                }
                Ok(())
            }
            Frame::Dict(entries) => {
                if let Some(obj) = self.top_obj() {
                    obj.base = Some(Base::Entries(entries));
                }
                Ok(())
            }
            Frame::Entry { key, value, start } => {
                let key = match key {
                    None => return Err(self.err_at(ErrorKind::InvalidEntry("no key"), start)),
                    Some(Value::Nil) => {
                        return Err(self.err_at(ErrorKind::InvalidEntry("the key is null"), start));
                    }
                    Some(k) => k,
                };
                if let Some(Frame::Dict(entries)) = self.stack.last_mut() {
                    entries.push((key, value.unwrap_or(Value::Nil)));
                }
                Ok(())
            }
            Frame::Tn { id, names } => {
                let names: Arc<[String]> = names.into();
                if let Some(id) = id {
                    if let Some(list) = self.defined_types.as_mut() {
                        list.push((id.clone(), names.clone()));
                    }
                    self.types.insert(id, names.clone());
                }
                if let Some(obj) = self.top_obj() {
                    obj.types = names;
                }
                Ok(())
            }
            Frame::Progress { name, fields } => self.attach(Value::Progress(fields), name),
            Frame::Unknown { name, tag, text, .. } => {
                self.attach(Value::Unknown(Box::new(UnknownElement { name: tag, text })), name)
            }
        }
    }

    fn finish_text(&mut self, role: TextRole, name: Name, text: &str, start: u64) -> Res<()> {
        match role {
            TextRole::Prim(p) => {
                let v = self.finish_prim(p, text, start)?;
                self.attach(v, name)
            }
            TextRole::TypeName => {
                if let Some(Frame::Tn { names, .. }) = self.stack.last_mut() {
                    names.push(escape::decode(text).into_owned());
                }
                Ok(())
            }
            TextRole::ToString => {
                if let Some(obj) = self.top_obj() {
                    obj.to_string = Some(escape::decode(text).into_owned());
                }
                Ok(())
            }
            TextRole::ProgressField(field) => {
                let (name, numeric) = progress_field(&field);
                let text = escape::decode(text).into_owned();
                let value = match trim_xml(&text).parse::<i64>() {
                    Ok(n) if numeric => Value::Int(IntTag::I32, n),
                    _ => Value::Text(TextTag::S, text),
                };
                if let Some(Frame::Progress { fields, .. }) = self.stack.last_mut() {
                    fields.push((name.map_or(field, str::to_string), value));
                }
                Ok(())
            }
        }
    }

    /// The object of the innermost open element, if that element is an `Obj`.
    fn top_obj(&mut self) -> Option<&mut Object> {
        match self.stack.last() {
            Some(Frame::Obj { .. }) => self.objs.last_mut(),
            _ => None,
        }
    }

    /// Keeps a finished object for [`Reader::resolve`] as the options ask.
    fn keep(&mut self, id: &RefId, obj: &Arc<Object>) {
        match &self.opts.resolve {
            Resolve::None => {}
            Resolve::CurrentValue => {
                self.current.insert(id.clone(), obj.clone());
            }
            Resolve::Planned(plan) => {
                if let Some(&last) = plan.last_ref.get(id) {
                    self.retained.objects.insert(id.clone(), obj.clone());
                    self.retained.expiry.push(std::cmp::Reverse((last, id.clone())));
                }
            }
        }
    }

    /// The key of the open object's type list, for [`Self::shape_hint`].
    fn shape_key(&self) -> Option<usize> {
        let obj =
            self.objs.last().filter(|_| matches!(self.stack.last(), Some(Frame::Obj { .. })))?;
        (!obj.types.is_empty()).then(|| Arc::as_ptr(&obj.types).cast::<u8>() as usize)
    }

    /// How many properties (`members`: MS, else Props) the last object of the
    /// same type list had: objects of one type are written alike, and sizing
    /// the vector up front saves its growth copies (a move request has ~150).
    fn shape_hint(&self, members: bool) -> usize {
        self.shape_key()
            .and_then(|k| self.shapes.get(&k))
            .map_or(0, |&(p, m)| if members { m } else { p } as usize)
    }

    fn note_shape(&mut self, members: bool, len: usize) {
        if let Some(k) = self.shape_key() {
            let len = u32::try_from(len).unwrap_or(u32::MAX);
            let e = self.shapes.entry(k).or_default();
            if members { e.1 = len } else { e.0 = len }
        }
    }

    /// Hands a finished value to the element that contains it.
    fn attach(&mut self, value: Value, name: Name) -> Res<()> {
        match self.stack.last_mut() {
            Some(Frame::Root) => self.ready = Some(value),
            Some(Frame::Obj { .. }) => {
                if let Some(obj) = self.objs.last_mut() {
                    match value {
                        u @ Value::Unknown(_) => obj.unknown.push(u),
                        v => obj.base = Some(Base::Value(v)),
                    }
                }
            }
            Some(Frame::Props(list)) | Some(Frame::Ms { members: list, .. }) => {
                list.push(Property { name, value });
            }
            Some(Frame::Items(_, items)) => items.push(value),
            Some(Frame::Entry { key, value: slot, .. }) => {
                let is_key = match name.as_str() {
                    n if n.eq_ignore_ascii_case("Key") => true,
                    n if n.eq_ignore_ascii_case("Value") => false,
                    _ => key.is_none(),
                };
                if is_key { *key = Some(value) } else { *slot = Some(value) }
            }
            Some(Frame::Progress { fields, .. }) => {
                let field = if name.is_empty() {
                    "CurrentOperation".to_string()
                } else {
                    String::from(name)
                };
                fields.push((field, value));
            }
            // Unknown children of TN or DCT: keep them on the nearest object.
            _ => {
                if let Some(obj) = self.objs.last_mut() {
                    obj.unknown.push(value);
                }
            }
        }
        Ok(())
    }
}

fn unknown(tag: &str, name: Name) -> Frame {
    Frame::Unknown { name, tag: tag.to_string(), text: String::new(), nested: 0 }
}

/// The `PR` child elements, by the ProgressRecord property they hold, and
/// whether that property is a number.
fn progress_field(tag: &str) -> (Option<&'static str>, bool) {
    match tag {
        "AV" => (Some("Activity"), false),
        "AI" => (Some("ActivityId"), true),
        "PI" => (Some("ParentActivityId"), true),
        "PC" => (Some("PercentComplete"), true),
        "T" => (Some("RecordType"), false),
        "SR" => (Some("SecondsRemaining"), true),
        "SD" => (Some("StatusDescription"), false),
        _ => (None, false),
    }
}
