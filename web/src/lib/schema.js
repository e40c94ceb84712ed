// Turns an entity schema from GET /meta/entities into form fields, table columns, filters and
// payloads. Pure functions: the Vue components only render what these return.
import { fromRfc3339, toRfc3339, formatDateTime } from './datetime.js';

const WIDGET = {
  text: 'input',
  integer: 'number',
  number: 'number',
  bool: 'switch',
  date: 'date',
  datetime: 'datetime',
  enum: 'select',
  ref: 'ref',
  code_list: 'multiselect',
};

// Form fields for create/edit; computed fields are not editable and are left out.
export function buildFormFields(schema) {
  if (!schema || !Array.isArray(schema.fields)) return [];
  return schema.fields
    .filter((f) => !f.computed)
    .map((f) => {
      const field = {
        name: f.name,
        label: f.label || f.name,
        type: f.type,
        widget: WIDGET[f.type] || 'input',
        required: !!f.required,
        unique: !!f.unique,
      };
      if (f.type === 'text') {
        field.maxlength = f.max_length || undefined;
        field.multiline = (f.max_length || 0) > 200;
      }
      if (f.type === 'integer' || f.type === 'number') {
        field.min = f.min ?? undefined;
        field.max = f.max ?? undefined;
        field.precision = f.type === 'integer' ? 0 : undefined;
        field.step = f.type === 'integer' ? 1 : undefined;
      }
      if (f.type === 'enum' || f.type === 'code_list') {
        field.options = (f.options || []).map((o) => ({ value: o.code, label: o.label || o.code }));
      }
      if (f.type === 'code_list') field.multiple = true;
      if (f.type === 'ref') field.ref = f.ref;
      return field;
    });
}

export function emptyValue(field) {
  if (field.type === 'bool') return false;
  if (field.type === 'code_list') return [];
  return null;
}

// A fresh form model for "create".
export function emptyModel(fields) {
  const model = {};
  for (const f of fields) model[f.name] = emptyValue(f);
  return model;
}

// A form model from an existing record (edit).
export function modelFromRecord(fields, record) {
  const model = {};
  for (const f of fields) {
    let v = record ? record[f.name] : undefined;
    if (v === undefined) v = emptyValue(f);
    if (f.type === 'datetime') v = v ? fromRfc3339(v) : null;
    if (f.type === 'code_list') v = Array.isArray(v) ? [...v] : [];
    if (f.type === 'bool') v = !!v;
    model[f.name] = v;
  }
  return model;
}

// The JSON body for POST/PUT: empty → null, datetime → RFC 3339 with offset, trimmed text.
export function payloadFromModel(fields, model) {
  const body = {};
  for (const f of fields) {
    let v = model[f.name];
    if (v === undefined || v === '') v = null;
    if (v !== null) {
      switch (f.type) {
        case 'text':
          v = String(v).trim();
          if (v === '') v = null;
          break;
        case 'integer':
        case 'number':
        case 'ref':
          v = typeof v === 'number' ? v : Number(v);
          if (Number.isNaN(v)) v = null;
          break;
        case 'bool':
          v = !!v;
          break;
        case 'datetime':
          v = toRfc3339(v);
          break;
        case 'code_list':
          v = Array.isArray(v) ? v : [v];
          break;
        default:
          break;
      }
    } else if (f.type === 'bool') {
      v = false;
    } else if (f.type === 'code_list') {
      v = [];
    }
    body[f.name] = v;
  }
  return body;
}

export function optionLabel(field, code) {
  const o = (field.options || []).find((x) => x.code === code || x.value === code);
  return o ? o.label : code;
}

// Text for one cell of the list. t is the i18n translate function (for yes/no).
export function displayValue(field, record, t = (k) => k) {
  const v = record ? record[field.name] : undefined;
  if (v === null || v === undefined || v === '') return '';
  switch (field.type) {
    case 'bool':
      return v ? t('common.yes') : t('common.no');
    case 'enum':
      return optionLabel(field, v);
    case 'code_list':
      return (Array.isArray(v) ? v : [v]).map((c) => optionLabel(field, c)).join('、');
    case 'ref': {
      const title = record._refs ? record._refs[field.name] : undefined;
      return title || `#${v}`;
    }
    case 'datetime':
      return formatDateTime(v);
    default:
      return String(v);
  }
}

// Table columns: every field, computed ones included.
// Computed fields (e.g. a certificate's status) come right after the first field so that they
// are visible without scrolling.
export function buildColumns(schema) {
  if (!schema || !Array.isArray(schema.fields)) return [];
  const plain = schema.fields.filter((f) => !f.computed);
  const computed = schema.fields.filter((f) => f.computed);
  const ordered = plain.length ? [plain[0], ...computed, ...plain.slice(1)] : computed;
  return ordered.map((f) => ({
    name: f.name,
    label: f.label || f.name,
    type: f.type,
    field: f,
    sortable: f.type !== 'code_list' && !f.computed, // the API cannot sort on computed values
    minWidth: columnWidth(f),
  }));
}

function columnWidth(f) {
  switch (f.type) {
    case 'bool':
      return 90;
    case 'date':
      return 110;
    case 'datetime':
      return 150;
    case 'integer':
    case 'number':
      return 100;
    case 'code_list':
      return 180;
    case 'ref':
    case 'enum':
      return 150;
    default:
      return (f.max_length || 200) >= 100 ? 170 : 130;
  }
}

// Toolbar filters: stored enum and bool fields (not code lists; the API cannot filter on
// computed values such as a certificate's status).
export function buildFilters(schema) {
  if (!schema || !Array.isArray(schema.fields)) return [];
  return schema.fields
    .filter((f) => (f.type === 'enum' || f.type === 'bool') && !f.computed)
    .map((f) => ({
      name: f.name,
      label: f.label || f.name,
      type: f.type,
      options:
        f.type === 'bool'
          ? [
              { value: 'true', label: 'common.yes', translate: true },
              { value: 'false', label: 'common.no', translate: true },
            ]
          : (f.options || []).map((o) => ({ value: o.code, label: o.label || o.code })),
    }));
}

// "sort=field" / "sort=-field" from an Element Plus sort-change event.
export function sortParam(prop, order) {
  if (!prop || !order) return undefined;
  return order === 'descending' ? `-${prop}` : prop;
}

export function titleOf(schema, record) {
  if (!record) return '';
  const tf = schema && schema.title_field ? schema.title_field : 'name';
  const v = record[tf];
  return v !== undefined && v !== null && v !== '' ? String(v) : `#${record.id}`;
}
