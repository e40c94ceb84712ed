// Role codes and labels come from the `roles` field options of the people schema.
export function roleOptions(meta) {
  const people = meta && meta.byName ? meta.byName('people') : null;
  const f = people ? people.fields.find((x) => x.name === 'roles') : null;
  return f && Array.isArray(f.options) ? f.options : [];
}

export function roleLabel(meta, code) {
  const o = roleOptions(meta).find((x) => x.code === code);
  return o ? o.label : code;
}
