//! HTML forms over the API's input types. A form's field names are the JSON paths of the input
//! (`title.kk`, `sectors[0].percentage`), so a posted form becomes the same JSON document the
//! API takes, is checked by the same code, and every error comes back to the field it names.

use crate::presentation::i18n::{self, t};
use semey_domain::error::FieldError;
use semey_domain::Lang;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A form's values and errors, and the helpers that draw its fields.
pub struct Form {
    lang: Lang,
    values: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl Form {
    pub fn new(lang: Lang, values: Vec<(String, String)>) -> Self {
        Self {
            lang,
            values,
            errors: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn chosen(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// How many rows of a repeated group (`sectors[0].…`, `sectors[1].…`) to draw: those with
    /// values and `spare` empty ones to add more.
    pub fn rows(&self, group: &str, spare: usize) -> Vec<usize> {
        let prefix = format!("{group}[");
        let used = self
            .values
            .iter()
            .filter_map(|(k, _)| k.strip_prefix(&prefix)?.split(']').next()?.parse().ok())
            .map(|i: usize| i + 1)
            .max()
            .unwrap_or(0);
        (0..used + spare).collect()
    }

    /// The translated messages of the errors about exactly this field (an error on a list
    /// item, `areas[2]`, shows at the list).
    fn messages(&self, name: &str) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| e.field == name || strip_index(&e.field) == name)
            .map(|e| message(self.lang, e))
            .collect()
    }

    /// The box at the top of a form listing every problem, each linking to its field.
    pub fn summary(&self) -> String {
        if self.errors.is_empty() {
            return String::new();
        }
        let mut out = format!(
            r#"<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>{}</h2><ul>"#,
            esc(&t(self.lang, "form-has-errors"))
        );
        for e in &self.errors {
            out.push_str(&format!(
                r##"<li><a href="#{}">{}</a>: {}</li>"##,
                field_id(&anchor_field(&e.field)),
                esc(&self.label_of(&e.field)),
                esc(&message(self.lang, e))
            ));
        }
        out.push_str("</ul></div>");
        out
    }

    /// A field path as the reader knows it: `sectors[1].code` → "Sectors 2: Code".
    fn label_of(&self, field: &str) -> String {
        let mut parts = Vec::new();
        for step in steps(field) {
            match step {
                Step::Key(k) => parts.push(match label_key(&k) {
                    Some(key) => t(self.lang, key),
                    None => k,
                }),
                Step::Index(i) => {
                    if let Some(last) = parts.last_mut() {
                        *last = format!("{last} {}", i + 1);
                    }
                }
            }
        }
        if parts.is_empty() {
            field.to_owned()
        } else {
            parts.join(": ")
        }
    }

    fn errors_html(&self, id: &str, messages: &[String]) -> String {
        if messages.is_empty() {
            return String::new();
        }
        format!(
            r#"<p class="field-error" id="{id}-error">{}</p>"#,
            esc(&messages.join(" "))
        )
    }

    fn wrap(&self, name: &str, label: &str, hint: Option<&str>, control: &str) -> String {
        let id = field_id(name);
        let messages = self.messages(name);
        let hint = hint
            .map(|h| format!(r#"<p class="hint" id="{id}-hint">{}</p>"#, esc(h)))
            .unwrap_or_default();
        format!(
            r#"<div class="field{}"><label for="{id}">{}</label>{hint}{}{control}</div>"#,
            if messages.is_empty() { "" } else { " invalid" },
            esc(label),
            self.errors_html(&id, &messages),
        )
    }

    fn described_by(&self, name: &str, hint: bool) -> String {
        let id = field_id(name);
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if !self.messages(name).is_empty() {
            ids.push(format!("{id}-error"));
        }
        if ids.is_empty() {
            String::new()
        } else {
            format!(
                r#" aria-describedby="{}"{}"#,
                ids.join(" "),
                if self.messages(name).is_empty() {
                    ""
                } else {
                    r#" aria-invalid="true""#
                }
            )
        }
    }

    /// A one-line input (`kind`: text, date, email, url…) labelled by the message `label`.
    pub fn input(&self, name: &str, label: &str, kind: &str) -> String {
        self.input_with(name, &t(self.lang, label), kind, None)
    }

    /// The same, with a hint (a message key) under the label.
    pub fn input_hint(&self, name: &str, label: &str, kind: &str, hint: &str) -> String {
        self.input_with(name, &t(self.lang, label), kind, Some(&t(self.lang, hint)))
    }

    /// An input of row `i` of a repeated group: `group[i].field`.
    pub fn row_input(&self, group: &str, i: &usize, field: &str, label: &str) -> String {
        self.input(&format!("{group}[{i}].{field}"), label, "text")
    }

    /// A select of row `i` of a repeated group.
    pub fn row_select(
        &self,
        group: &str,
        i: &usize,
        field: &str,
        label: &str,
        options: &[(String, String)],
    ) -> String {
        self.select(&format!("{group}[{i}].{field}"), label, options, true)
    }

    fn input_with(&self, name: &str, label: &str, kind: &str, hint: Option<&str>) -> String {
        let control = format!(
            r#"<input id="{}" name="{}" type="{kind}" value="{}"{}{}>"#,
            field_id(name),
            esc(name),
            esc(self.value(name)),
            self.described_by(name, hint.is_some()),
            if kind == "text" && name.ends_with("percentage") {
                r#" inputmode="decimal" size="6""#
            } else {
                ""
            }
        );
        self.wrap(name, label, hint, &control)
    }

    pub fn textarea(&self, name: &str, label: &str) -> String {
        self.textarea_with(name, &t(self.lang, label))
    }

    fn textarea_with(&self, name: &str, label: &str) -> String {
        let control = format!(
            r#"<textarea id="{}" name="{}" rows="3" cols="60"{}>{}</textarea>"#,
            field_id(name),
            esc(name),
            self.described_by(name, false),
            esc(self.value(name))
        );
        self.wrap(name, label, None, &control)
    }

    /// A choice of one; `blank` adds an empty first option.
    /// A choice among stored records (`list`: `organisations`, `places` or `programmes`).
    /// When the list holds as many as a form lists (the first `Page::MAX_LIMIT`), a search
    /// box beside it replaces the choices with the records whose names match, so any stored
    /// record can be chosen however many there are.
    pub fn pick(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        list: &str,
        blank: bool,
    ) -> String {
        let mut out = self.select(name, label, options, blank);
        if options.len() as i64 >= semey_store::Page::MAX_LIMIT {
            let id = field_id(name);
            let search = format!(
                r##"<input type="search" class="picker-search" id="{id}-search" name="choices_q" aria-label="{}" aria-controls="{id}" hx-get="/workspace/choices/{}" hx-trigger="input changed delay:300ms, search" hx-target="#{id}" hx-swap="innerHTML">"##,
                esc(&format!(
                    "{} — {}",
                    t(self.lang, label),
                    t(self.lang, "form-search-choices")
                )),
                esc(list),
            );
            // Inside the field, after the list.
            out.insert_str(out.len() - "</div>".len(), &search);
        }
        out
    }

    /// [`Form::pick`] in a row of a repeated group.
    pub fn row_pick(
        &self,
        group: &str,
        i: &usize,
        field: &str,
        label: &str,
        options: &[(String, String)],
        list: &str,
    ) -> String {
        self.pick(&format!("{group}[{i}].{field}"), label, options, list, true)
    }

    /// Every value the form holds (to find the records it names).
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|(_, v)| v.as_str())
    }

    pub fn select(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        blank: bool,
    ) -> String {
        let label = t(self.lang, label);
        let current = self.value(name);
        let mut control = format!(
            r#"<select id="{}" name="{}"{}>"#,
            field_id(name),
            esc(name),
            self.described_by(name, false)
        );
        if blank {
            control.push_str(&format!(
                r#"<option value="">{}</option>"#,
                esc(&t(self.lang, "form-none"))
            ));
        }
        for (v, l) in options {
            control.push_str(&format!(
                r#"<option value="{}"{}>{}</option>"#,
                esc(v),
                if v == current { " selected" } else { "" },
                esc(l)
            ));
        }
        control.push_str("</select>");
        self.wrap(name, &label, None, &control)
    }

    /// A choice of several, posted as `name[]`.
    pub fn checkboxes(&self, name: &str, legend: &str, options: &[(String, String)]) -> String {
        let chosen = self.chosen(&format!("{name}[]"));
        let messages = self.messages(name);
        let mut out = format!(
            r#"<fieldset class="field{}" id="{}"><legend>{}</legend>{}"#,
            if messages.is_empty() { "" } else { " invalid" },
            field_id(name),
            esc(&t(self.lang, legend)),
            self.errors_html(&field_id(name), &messages)
        );
        for (v, l) in options {
            let id = field_id(&format!("{name}-{v}"));
            out.push_str(&format!(
                r#"<div><input type="checkbox" id="{id}" name="{}[]" value="{}"{}> <label for="{id}">{}</label></div>"#,
                esc(name),
                esc(v),
                if chosen.contains(&v.as_str()) { " checked" } else { "" },
                esc(l)
            ));
        }
        out.push_str("</fieldset>");
        out
    }

    /// A text in the four languages (`name.kk` … `name.zh`), one input each.
    pub fn local_text(&self, name: &str, legend: &str, long: bool) -> String {
        let messages = self.messages(name);
        let mut out = format!(
            r#"<fieldset class="field{}" id="{}"><legend>{}</legend>{}"#,
            if messages.is_empty() { "" } else { " invalid" },
            field_id(name),
            esc(&t(self.lang, legend)),
            self.errors_html(&field_id(name), &messages)
        );
        for lang in Lang::ALL {
            let field = format!("{name}.{}", lang.code());
            let label = t(self.lang, &format!("language-{}", lang.code()));
            out.push_str(&if long {
                self.textarea_with(&field, &label)
            } else {
                self.input_with(&field, &label, "text", None)
            });
        }
        out.push_str("</fieldset>");
        out
    }

    /// Hidden inputs carrying the values under `prefix` (a row's id, a text the form does not
    /// show) from one version of a record to the next.
    pub fn hidden_under(&self, prefix: &str) -> String {
        self.values
            .iter()
            .filter(|(k, v)| {
                !v.is_empty()
                    && (k == prefix || k.strip_prefix(prefix).is_some_and(|r| r.starts_with('.')))
            })
            .map(|(k, v)| {
                format!(
                    r#"<input type="hidden" name="{}" value="{}">"#,
                    esc(k),
                    esc(v)
                )
            })
            .collect()
    }

    /// The errors about a whole group (e.g. sector percentages that do not add up).
    pub fn group_errors(&self, name: &str) -> String {
        self.errors_html(&field_id(name), &self.messages(name))
    }
}

/// The message naming a field of the forms.
fn label_key(name: &str) -> Option<&'static str> {
    Some(match name {
        "name" => "form-name",
        "acronym" => "form-acronym",
        "iati_id" => "form-iati-org-id",
        "org_type" => "form-org-type",
        "country" => "form-country",
        "mechanism_role" => "form-mechanism-role",
        "website" => "form-website",
        "contacts" => "form-contacts",
        "email" => "form-contact-email",
        "phone" => "form-contact-phone",
        "iati_identifier" => "form-iati-identifier",
        "title" => "form-title",
        "description" => "form-description",
        "status" => "form-status",
        "dates" => "form-dates",
        "planned_start" => "form-planned-start",
        "planned_end" => "form-planned-end",
        "actual_start" => "form-actual-start",
        "actual_end" => "form-actual-end",
        "areas" => "form-areas",
        "sectors" => "form-sectors",
        "vocabulary" => "form-vocabulary",
        "code" => "form-sector-code",
        "percentage" => "form-percentage",
        "sdg_targets" => "form-sdg-targets",
        "places" => "form-places",
        "place_id" => "form-place",
        "target_groups" => "form-target-groups",
        "participants" => "form-participants",
        "organisation_id" => "form-organisation",
        "role" => "form-role",
        "reporting_org_id" => "form-reporting-org",
        "parent_id" => "form-parent",
        "programme_id" => "form-programme",
        "period_start" => "form-period-start",
        "period_end" => "form-period-end",
        "reference" => "form-reference",
        "transaction_type" => "form-transaction-type",
        "date" => "form-date",
        "value_date" => "form-value-date",
        "provider_org_id" => "form-provider",
        "receiver_org_id" => "form-receiver",
        "amount" => "form-amount",
        "currency" => "form-currency",
        "terms" => "form-terms",
        "aid_type" => "form-aid-type",
        "finance_type" => "form-finance-type",
        "flow_type" => "form-flow-type",
        "tied_status" => "form-tied-status",
        "kk" => "language-kk",
        "ru" => "language-ru",
        "en" => "language-en",
        "zh" => "language-zh",
        _ => return None,
    })
}

/// `sectors[0].code` → `sectors-0-code`.
fn field_id(name: &str) -> String {
    let mut id = String::from("f-");
    for c in name.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        });
    }
    while id.ends_with('-') {
        id.pop();
    }
    id.replace("--", "-")
}

/// The form element an error's link should lead to: a list item's list, a text's fieldset.
fn anchor_field(field: &str) -> String {
    strip_index(field).to_owned()
}

/// `areas[2]` → `areas`; other names unchanged.
fn strip_index(field: &str) -> &str {
    match field.strip_suffix(']').and_then(|f| f.rsplit_once('[')) {
        Some((base, idx)) if idx.chars().all(|c| c.is_ascii_digit()) => base,
        _ => field,
    }
}

use crate::presentation::escape::html as esc;

/// An error in the reader's language: its code's message, else a general one.
pub fn message(lang: Lang, e: &FieldError) -> String {
    if !e.args.is_empty() {
        let args: Vec<(&str, fluent_templates::fluent_bundle::FluentValue<'static>)> = e
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone().into()))
            .collect();
        if let Some(text) = i18n::error_message_with(lang, &e.code, &args) {
            return text;
        }
    }
    i18n::error_message(lang, &e.code)
        .or_else(|| i18n::error_message(lang, "invalid_value"))
        .unwrap_or_else(|| e.message.clone())
}

/// Turns posted pairs into the input's JSON document and reads the input from it.
///
/// Empty values are left out (an optional field is then absent, a required one reported);
/// `name[]` pairs make a list; rows of repeated groups whose fields are all empty are dropped
/// and the rest renumbered (returned, so the form shows them as read); the names in `lists`
/// are comma-separated lists; `arrays` are lists present even when empty.
pub fn read<T: DeserializeOwned>(
    pairs: &[(String, String)],
    lists: &[&str],
    arrays: &[&str],
) -> Read<T> {
    let pairs = compact_rows(&renumber(pairs));
    let mut root = Map::new();
    for a in arrays {
        root.insert((*a).to_owned(), Value::Array(Vec::new()));
    }
    // Lists of checked values inside rows (`indicators[0].mandate_ids[]`), set once gathered.
    let mut nested: Vec<(String, Vec<Value>)> = Vec::new();
    for (name, value) in &pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if let Some(list) = name.strip_suffix("[]") {
            let v = Value::String(value.to_owned());
            if list.contains(['[', '.']) {
                match nested.iter_mut().find(|(n, _)| n == list) {
                    Some((_, items)) => items.push(v),
                    None => nested.push((list.to_owned(), vec![v])),
                }
            } else {
                push_list(&mut root, list, v);
            }
        } else if lists.contains(&name.as_str()) {
            for item in value
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                push_list(&mut root, name, Value::String(item.to_owned()));
            }
        } else if lists.contains(&without_indices(name).as_str()) {
            // A list inside a row (`indicators[0].levels`).
            let items = value
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect();
            set_path(&mut root, name, Value::Array(items));
        } else {
            set_path(&mut root, name, Value::String(value.to_owned()));
        }
    }
    for (name, items) in nested {
        set_path(&mut root, &name, Value::Array(items));
    }
    let (input, errors) = deserialize(Value::Object(root));
    Read {
        values: pairs,
        input,
        errors,
    }
}

/// A posted form as read: its values (rows renumbered), the input when it could be read, and
/// the fields that could not.
pub struct Read<T> {
    pub values: Vec<(String, String)>,
    pub input: Option<T>,
    pub errors: Vec<FieldError>,
}

/// A field's name with its rows' indices left out (`indicators[2].levels` →
/// `indicators[].levels`): how fields inside rows are named in a form's lists.
pub(super) fn without_indices(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut inside = false;
    for ch in name.chars() {
        match ch {
            '[' => {
                inside = true;
                out.push('[');
            }
            ']' => {
                inside = false;
                out.push(']');
            }
            _ if inside => {}
            _ => out.push(ch),
        }
    }
    out
}

fn push_list(root: &mut Map<String, Value>, name: &str, v: Value) {
    match root
        .entry(name.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(a) => a.push(v),
        other => *other = Value::Array(vec![v]),
    }
}

/// One step of a path: a key or a list index.
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Step::Key(rest[..i].to_owned()));
            }
            rest = &rest[i..];
            while let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { break };
                if let Ok(n) = r[..end].parse() {
                    out.push(Step::Index(n));
                }
                rest = &r[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Step::Key(rest.to_owned()));
        }
    }
    out
}

fn set_path(root: &mut Map<String, Value>, path: &str, v: Value) {
    let steps = steps(path);
    let mut slot: &mut Value = match steps.first() {
        Some(Step::Key(k)) => root.entry(k.clone()).or_insert(Value::Null),
        _ => return,
    };
    for step in &steps[1..] {
        slot = match step {
            Step::Key(k) => {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot.as_object_mut()
                    .expect("made an object")
                    .entry(k.clone())
                    .or_insert(Value::Null)
            }
            Step::Index(i) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let a = slot.as_array_mut().expect("made an array");
                while a.len() <= *i {
                    a.push(Value::Object(Map::new()));
                }
                &mut a[*i]
            }
        };
    }
    *slot = v;
}

fn get_path_mut<'a>(root: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut slot = root;
    for step in steps(path) {
        slot = match step {
            Step::Key(k) => slot.as_object_mut()?.get_mut(&k)?,
            Step::Index(i) => slot.as_array_mut()?.get_mut(i)?,
        };
    }
    Some(slot)
}

/// Renumbers every list index of every field name, at every depth, from 0 in the order of the
/// posted indices (`title[0][9999999999]` becomes `title[0][0]`), so a list never holds more
/// items than the form posted values, whatever indices it names.
fn renumber(pairs: &[(String, String)]) -> Vec<(String, String)> {
    use std::collections::{BTreeSet, HashMap};
    /// The text before a bracket and what the bracket holds (`Ok`: a list index; `Err`:
    /// anything else, kept as it is, such as the empty `[]` of a list).
    type Piece<'a> = (&'a str, Result<u64, &'a str>);
    /// The name's pieces, and the text after the last bracket.
    fn pieces(name: &str) -> (Vec<Piece<'_>>, &str) {
        let mut out = Vec::new();
        let mut rest = name;
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find(']').map(|c| open + c) else {
                break;
            };
            let inside = &rest[open + 1..close];
            out.push((&rest[..open], inside.parse().map_err(|_| inside)));
            rest = &rest[close + 1..];
        }
        (out, rest)
    }
    let mut indices: HashMap<String, BTreeSet<u64>> = HashMap::new();
    for (name, _) in pairs {
        let mut prefix = String::new();
        for (text, inside) in pieces(name).0 {
            prefix.push_str(text);
            match inside {
                Ok(i) => {
                    indices.entry(prefix.clone()).or_default().insert(i);
                    prefix.push_str(&format!("[{i}]"));
                }
                Err(raw) => prefix.push_str(&format!("[{raw}]")),
            }
        }
    }
    let dense: HashMap<(&str, u64), usize> = indices
        .iter()
        .flat_map(|(prefix, set)| {
            set.iter()
                .enumerate()
                .map(move |(n, i)| ((prefix.as_str(), *i), n))
        })
        .collect();
    pairs
        .iter()
        .map(|(name, value)| {
            let (pieces, tail) = pieces(name);
            let mut prefix = String::new();
            let mut renamed = String::new();
            for (text, inside) in pieces {
                prefix.push_str(text);
                renamed.push_str(text);
                match inside {
                    Ok(i) => {
                        renamed.push_str(&format!("[{}]", dense[&(prefix.as_str(), i)]));
                        prefix.push_str(&format!("[{i}]"));
                    }
                    Err(raw) => {
                        renamed.push_str(&format!("[{raw}]"));
                        prefix.push_str(&format!("[{raw}]"));
                    }
                }
            }
            renamed.push_str(tail);
            (renamed, value.clone())
        })
        .collect()
}

/// Drops rows of repeated groups (`group[i].field`, at any depth: `locations[0].hours[1]`)
/// whose values are all empty, and renumbers the others from 0, keeping their order.
fn compact_rows(pairs: &[(String, String)]) -> Vec<(String, String)> {
    use std::collections::BTreeSet;
    // Every row a name lies in, outermost first: `locations[0].hours[1].day` lies in
    // `locations[0]` and in `locations[0].hours[1]` (a `[]` list is not a row).
    let rows_of = |name: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(open) = name[at..].find('[').map(|o| at + o) {
            let Some(close) = name[open..].find(']').map(|c| open + c) else {
                break;
            };
            if close > open + 1 {
                out.push(name[..=close].to_owned());
            }
            at = close + 1;
        }
        out
    };
    let filled: BTreeSet<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .flat_map(|(k, _)| rows_of(k))
        .collect();
    let kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| rows_of(k).iter().all(|r| filled.contains(r)))
        .cloned()
        .collect();
    renumber(&kept)
}

/// Reads `T` from a document of strings, turning a string into a number where the input
/// expects one. A field that cannot be read is reported under its path and left out, and
/// reading goes on, so one pass names every unreadable field; `T` comes back when the rest
/// could be read, for its own checks to add their findings.
fn deserialize<T: DeserializeOwned>(mut doc: Value) -> (Option<T>, Vec<FieldError>) {
    let mut errors: Vec<FieldError> = Vec::new();
    // Rows already left out of each top-level list (their indices as posted), so later
    // errors name the row as the person entered it.
    let mut dropped: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let report = |errors: &mut Vec<FieldError>,
                  dropped: &std::collections::HashMap<String, Vec<usize>>,
                  path: &str,
                  code: &str,
                  text: &str| {
        let field = as_posted(path, dropped);
        if !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(field, code, text));
        }
    };
    // Each round fixes one field; a document has far fewer fields than this.
    for _ in 0..500 {
        let err = match serde_path_to_error::deserialize::<_, T>(doc.clone()) {
            Ok(v) => return (Some(v), errors),
            Err(e) => e,
        };
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let text = err.inner().to_string();
        if let Some(missing) = text
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            let field = if path.is_empty() {
                missing.to_owned()
            } else {
                format!("{path}.{missing}")
            };
            report(&mut errors, &dropped, &field, "required", &text);
            // A row missing a field is left out and reading goes on; a missing top-level
            // field ends it.
            match row_of_path(&path) {
                Some((list, i)) => {
                    let original = as_posted_index(&list, i, &dropped);
                    if !remove_path(&mut doc, &path) {
                        return (None, errors);
                    }
                    let d = dropped.entry(list).or_default();
                    d.push(original);
                    d.sort_unstable();
                    continue;
                }
                None => return (None, errors),
            }
        }
        let Some(slot) = get_path_mut(&mut doc, &path) else {
            report(&mut errors, &dropped, &path, "invalid_value", &text);
            return (None, errors);
        };
        if text.starts_with("invalid type: string") {
            if let Value::String(s) = slot {
                if text.contains("expected a boolean") && (s == "true" || s == "false") {
                    *slot = Value::Bool(s == "true");
                    continue;
                }
                if let Ok(n) = s.trim().replace(',', ".").parse::<serde_json::Number>() {
                    *slot = Value::Number(n);
                    continue;
                }
                report(&mut errors, &dropped, &path, "not_a_number", &text);
                remove_path(&mut doc, &path);
                continue;
            }
        }
        let last = path.rsplit(['.', '[']).next().unwrap_or("");
        let code = if last.contains("date") || last.ends_with("_start") || last.ends_with("_end") {
            "invalid_date"
        } else {
            "invalid_value"
        };
        report(&mut errors, &dropped, &path, code, &text);
        if !remove_path(&mut doc, &path) {
            return (None, errors);
        }
    }
    (None, errors)
}

/// `rows[3]` → (`rows`, 3): a row of a top-level list.
fn row_of_path(path: &str) -> Option<(String, usize)> {
    let (list, rest) = path.split_once('[')?;
    let idx = rest.strip_suffix(']')?;
    Some((list.to_owned(), idx.parse().ok()?))
}

/// The index a row had as posted, given the rows of its list left out before it.
fn as_posted_index(
    list: &str,
    i: usize,
    dropped: &std::collections::HashMap<String, Vec<usize>>,
) -> usize {
    let mut original = i;
    for d in dropped.get(list).map(Vec::as_slice).unwrap_or(&[]) {
        if *d <= original {
            original += 1;
        }
    }
    original
}

/// A path as the form posted it (rows renumbered back past the rows left out).
fn as_posted(path: &str, dropped: &std::collections::HashMap<String, Vec<usize>>) -> String {
    let Some((list, rest)) = path.split_once('[') else {
        return path.to_owned();
    };
    let Some((idx, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    match idx.parse::<usize>() {
        Ok(i) => format!("{list}[{}]{tail}", as_posted_index(list, i, dropped)),
        Err(_) => path.to_owned(),
    }
}

/// Leaves a field out of the document (a list item becomes absent from its list); false when
/// there is nothing to remove.
fn remove_path(doc: &mut Value, path: &str) -> bool {
    let mut all = steps(path);
    let Some(last) = all.pop() else {
        return false;
    };
    let mut slot = &mut *doc;
    for step in all {
        let next = match step {
            Step::Key(k) => slot.as_object_mut().and_then(|m| m.get_mut(&k)),
            Step::Index(i) => slot.as_array_mut().and_then(|a| a.get_mut(i)),
        };
        match next {
            Some(n) => slot = n,
            None => return false,
        }
    }
    match (last, slot) {
        (Step::Key(k), Value::Object(m)) => m.remove(&k).is_some(),
        (Step::Index(i), Value::Array(a)) if i < a.len() => {
            a.remove(i);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        code: String,
        share: u8,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Doc {
        name: String,
        count: u16,
        tags: Vec<String>,
        rows: Vec<Row>,
        note: Option<String>,
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_becomes_the_input_with_numbers_lists_and_rows() {
        let r = read::<Doc>(
            &pairs(&[
                ("name", "Kurchatov"),
                ("count", " 12 "),
                ("tags[]", "a"),
                ("tags[]", "b"),
                ("rows[0].code", ""),
                ("rows[0].share", ""),
                ("rows[1].code", "X"),
                ("rows[1].share", "40"),
                ("note", ""),
            ]),
            &[],
            &["rows"],
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let kept = r.values;
        assert_eq!(
            r.input.unwrap(),
            Doc {
                name: "Kurchatov".into(),
                count: 12,
                tags: vec!["a".into(), "b".into()],
                rows: vec![Row {
                    code: "X".into(),
                    share: 40
                }],
                note: None,
            }
        );
        assert!(
            kept.contains(&("rows[0].code".into(), "X".into())),
            "the empty row is dropped and the next renumbered: {kept:?}"
        );
    }

    #[test]
    fn checked_values_inside_rows_make_the_rows_lists() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Item {
            title: String,
            #[serde(default)]
            mandate_ids: Vec<String>,
        }
        #[derive(Debug, Deserialize)]
        struct Doc {
            indicators: Vec<Item>,
        }
        let r = read::<Doc>(
            &pairs(&[
                ("indicators[0].title", ""),
                ("indicators[1].title", "Screened"),
                ("indicators[1].mandate_ids[]", "m2"),
                ("indicators[1].mandate_ids[]", "m3"),
                ("indicators[2].title", "Trained"),
            ]),
            &[],
            &["indicators"],
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            r.input.unwrap().indicators,
            [
                Item {
                    title: "Screened".into(),
                    mandate_ids: vec!["m2".into(), "m3".into()]
                },
                Item {
                    title: "Trained".into(),
                    mandate_ids: vec![]
                }
            ]
        );
    }

    #[test]
    fn huge_indices_are_renumbered_to_the_rows_posted() {
        #[derive(Debug, Deserialize)]
        struct Deep {
            title: Vec<Vec<String>>,
            rows: Vec<Row>,
            areas: Vec<String>,
        }
        let read = read::<Deep>(
            &pairs(&[
                ("title[0][9999999999]", "x"),
                ("title[0][18446744073709551615]", "y"),
                ("rows[7].code", "A"),
                ("rows[7].share", "60"),
                ("rows[3].code", "B"),
                ("rows[3].share", "40"),
                ("areas[]", "health"),
            ]),
            &[],
            &[],
        );
        let deep = read.input.expect("read");
        assert_eq!(deep.title, vec![vec!["x".to_owned(), "y".to_owned()]]);
        assert_eq!(
            deep.rows[0].code, "B",
            "rows keep the order of their indices"
        );
        assert_eq!(deep.rows.len(), 2);
        assert_eq!(deep.areas, ["health"]);
    }

    #[test]
    fn unreadable_fields_are_named() {
        let codes = |r: Read<Doc>| {
            r.errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        let r = read::<Doc>(
            &pairs(&[
                ("name", "x"),
                ("count", "many"),
                ("note", "n"),
                ("tags[]", "a"),
            ]),
            &[],
            &["rows"],
        );
        assert_eq!(codes(r), [("count".to_owned(), "not_a_number".to_owned())]);
        let r = read::<Doc>(&pairs(&[("count", "3"), ("tags[]", "a")]), &[], &["rows"]);
        assert_eq!(codes(r), [("name".to_owned(), "required".to_owned())]);
        let r = read::<Doc>(
            &pairs(&[
                ("name", "x"),
                ("count", "3"),
                ("tags[]", "a"),
                ("rows[0].code", "Y"),
                ("rows[1].code", "Z"),
                ("rows[1].share", "lots"),
            ]),
            &[],
            &["rows"],
        );
        assert_eq!(
            codes(r),
            [
                ("rows[0].share".to_owned(), "required".to_owned()),
                ("rows[1].share".to_owned(), "not_a_number".to_owned())
            ],
            "every unreadable field is named, not only the first"
        );
    }

    #[test]
    fn field_ids_and_list_items() {
        assert_eq!(field_id("sectors[0].percentage"), "f-sectors-0-percentage");
        assert_eq!(strip_index("areas[2]"), "areas");
        assert_eq!(strip_index("sectors[0].code"), "sectors[0].code");
    }
}
