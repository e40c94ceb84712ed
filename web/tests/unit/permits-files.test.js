import { describe, it, expect, vi } from 'vitest';
import {
  MAX_FILE_BYTES,
  canAttach,
  canRaiseHazard,
  checkFile,
  fileErrorKey,
  fileErrorText,
  fileType,
  formatSize,
  hazardPrefill,
  hazardsOfPermit,
  isImage,
  isPdf,
  jpegName,
  loadPermitHazards,
  permitHazardQuery,
  permitLinkOf,
  prefillFromQuery,
  uploadName,
  attachmentsOf,
  signatureFileIds,
} from '../../src/lib/permits/files.js';

const file = (name, type, size) => ({ name, type, size });

describe('fileType', () => {
  it.each([
    [file('a.png', 'image/png', 1), 'image/png'],
    [file('a.JPG', '', 1), 'image/jpeg'],
    [file('a.jpeg', '', 1), 'image/jpeg'],
    [file('scan.pdf', '', 1), 'application/pdf'],
    [file('a.webp', '', 1), 'image/webp'],
    [file('a.jpg', 'image/jpg', 1), 'image/jpeg'],
    [file('notes.txt', '', 1), ''],
    [file('noext', '', 1), ''],
  ])('%o → %s', (f, want) => expect(fileType(f)).toBe(want));
});

describe('checkFile', () => {
  it.each([
    ['an empty file', file('a.png', 'image/png', 0), 'empty'],
    ['a missing file', null, 'empty'],
    ['a Word document', file('a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 10), 'type'],
    ['a GIF', file('a.gif', 'image/gif', 10), 'type'],
    ['a PDF of exactly 10 MiB', file('a.pdf', 'application/pdf', MAX_FILE_BYTES), null],
    ['a PDF one byte over 10 MiB', file('a.pdf', 'application/pdf', MAX_FILE_BYTES + 1), 'size'],
    ['a JPEG photo', file('a.jpg', 'image/jpeg', 500000), null],
    ['a PNG named without a type', file('a.png', '', 1000), null],
  ])('%s → %s', (_, f, want) => expect(checkFile(f)).toBe(want));
  it('takes another limit', () => {
    expect(checkFile(file('a.jpg', 'image/jpeg', 2000), 1000)).toBe('size');
    expect(checkFile(file('a.jpg', 'image/jpeg', 2000), Infinity)).toBe(null);
  });
});

describe('upload errors', () => {
  const t = (key, args) => `${key}|${JSON.stringify(args)}`;
  it('maps local reasons and server codes to translated keys', () => {
    expect(fileErrorKey('type')).toBe('permit.files.badType');
    expect(fileErrorKey('size')).toBe('permit.files.tooLarge');
    expect(fileErrorKey('empty')).toBe('permit.files.emptyFile');
    expect(fileErrorKey({ code: 'permit.file_type' })).toBe('permit.files.badType');
    expect(fileErrorKey({ code: 'permit.file_too_large' })).toBe('permit.files.tooLarge');
    expect(fileErrorKey({ code: 'http.413' })).toBe('permit.files.tooLarge');
    expect(fileErrorKey({ code: 'permit.not_editable' })).toBe('permit.files.closed');
    expect(fileErrorKey({ code: 'auth.forbidden' })).toBe(null);
  });
  it('shows the limit in MB, and the server message for other errors', () => {
    expect(fileErrorText('size', t)).toBe('permit.files.tooLarge|{"mb":10}');
    expect(fileErrorText({ code: 'auth.forbidden', message: '无权操作' }, t)).toBe('无权操作');
    expect(fileErrorText({ code: 'x.y' }, t)).toBe('x.y');
  });
});

describe('names, kinds and sizes', () => {
  it('cleans the uploaded name', () => {
    expect(uploadName(file('C:\\photos\\现场照片.jpg'))).toBe('现场照片.jpg');
    expect(uploadName(file('/tmp/a/b.pdf'))).toBe('b.pdf');
    expect(uploadName(file('bad\u0001name.png'))).toBe('badname.png');
    expect(uploadName(file(''))).toBe('attachment');
    expect(uploadName(file('x'.repeat(200) + '.pdf')).length).toBe(120);
  });
  it('names a compressed photo .jpg', () => {
    expect(jpegName(file('IMG_0001.HEIC'))).toBe('IMG_0001.jpg');
    expect(jpegName(file('scan.png'))).toBe('scan.jpg');
    expect(jpegName(file(''))).toBe('photo.jpg');
  });
  it('tells images from PDFs', () => {
    expect(isImage('image/webp')).toBe(true);
    expect(isImage('application/pdf')).toBe(false);
    expect(isPdf('application/pdf')).toBe(true);
    expect(isPdf(undefined)).toBe(false);
  });
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [10239, '10.0 KB'],
    [10240, '10 KB'],
    [1048576, '1.0 MB'],
    [MAX_FILE_BYTES, '10.0 MB'],
  ])('formatSize(%d) = %s', (n, want) => expect(formatSize(n)).toBe(want));
});

describe('which permits take attachments and hazards', () => {
  it.each([
    ['draft', true, false],
    ['in_approval', true, false],
    ['issued', true, false],
    ['active', true, true],
    ['suspended', true, true],
    ['completed', true, true],
    ['closed', false, true],
    ['rejected', false, false],
    ['cancelled', false, false],
    ['expired', false, false],
  ])('%s: attach %s, raise hazard %s', (state, attach, raise) => {
    expect(canAttach({ state })).toBe(attach);
    expect(canRaiseHazard({ state })).toBe(raise);
  });
  it('nothing without a permit', () => {
    expect(canAttach(null)).toBe(false);
    expect(canRaiseHazard(null)).toBe(false);
  });
});

describe('hazards raised from a permit', () => {
  const permit = { id: 42, area_id: 7, state: 'closed', events: [{ at: '2025-03-01T10:05:00+08:00' }, { at: '2025-03-01T09:30:00+08:00' }] };

  it('pre-fills the report form with the area and the permit as source', () => {
    expect(hazardPrefill(permit)).toEqual({ area_id: 7, source: 'permit', source_ref: 42 });
  });
  it('reads the pre-fill from a route query, dropping malformed values', () => {
    expect(prefillFromQuery({ area_id: '7', source: 'permit', source_ref: '42' })).toEqual({ area_id: 7, source: 'permit', source_ref: 42 });
    expect(prefillFromQuery({ area_id: '7' })).toEqual({ area_id: 7 });
    expect(prefillFromQuery({ area_id: 'x', source: 'permit', source_ref: '-1' })).toEqual({});
    expect(prefillFromQuery({ source: 'audit', source_ref: '42' })).toEqual({});
    expect(prefillFromQuery({ source: 'permit', source_ref: '0' })).toEqual({});
    expect(prefillFromQuery()).toEqual({});
  });
  it("queries the area's ledger from a minute before the permit's first event", () => {
    expect(permitHazardQuery(permit)).toEqual({ area_id: 7, sort: '-reported_at', page: 1, page_size: 500, from: '2025-03-01T01:29:00+00:00' });
    expect(permitHazardQuery({ id: 1, area_id: 3 }, 2, 50)).toEqual({ area_id: 3, sort: '-reported_at', page: 2, page_size: 50 });
  });
  it('keeps only hazards whose source is this permit', () => {
    const items = [
      { id: 1, source: 'permit', source_ref: 42 },
      { id: 2, source: 'permit', source_ref: 43 },
      { id: 3, source: 'ad_hoc', source_ref: 42 },
      { id: 4, source: 'permit', source_ref: '42' },
      null,
    ];
    expect(hazardsOfPermit(items, 42).map((h) => h.id)).toEqual([1, 4]);
    expect(hazardsOfPermit(undefined, 42)).toEqual([]);
  });
  it('walks the ledger pages until the total is covered', async () => {
    const pages = {
      1: { items: [{ id: 1, source: 'permit', source_ref: 42 }, { id: 2, source: 'ad_hoc', source_ref: 0 }], total: 5 },
      2: { items: [{ id: 3, source: 'inspection', source_ref: 9 }, { id: 4, source: 'permit', source_ref: 42 }], total: 5 },
      3: { items: [{ id: 5, source: 'permit', source_ref: 42 }], total: 5 },
    };
    const list = vi.fn(async (q) => pages[q.page]);
    const got = await loadPermitHazards(list, permit, { pageSize: 2 });
    expect(got.map((h) => h.id)).toEqual([1, 4, 5]);
    expect(list).toHaveBeenCalledTimes(3);
    expect(list.mock.calls[0][0]).toMatchObject({ area_id: 7, page: 1, page_size: 2 });
  });
  it('stops at a short page and at maxPages', async () => {
    const short = vi.fn(async () => ({ items: [{ id: 1, source: 'permit', source_ref: 42 }], total: 100 }));
    expect((await loadPermitHazards(short, permit, { pageSize: 2 })).length).toBe(1);
    expect(short).toHaveBeenCalledTimes(1);
    const full = vi.fn(async () => ({ items: [{ id: 1, source: 'permit', source_ref: 42 }, { id: 2 }], total: 1000 }));
    await loadPermitHazards(full, permit, { pageSize: 2, maxPages: 3 });
    expect(full).toHaveBeenCalledTimes(3);
  });
  it('links a hazard back to its permit on desktop and phone', () => {
    expect(permitLinkOf({ source: 'permit', source_ref: 42 })).toBe('/permits/42');
    expect(permitLinkOf({ source: 'permit', source_ref: 42 }, true)).toBe('/m/permits/42');
    expect(permitLinkOf({ source: 'permit', source_ref: 0 })).toBe(null);
    expect(permitLinkOf({ source: 'inspection', source_ref: 42 })).toBe(null);
    expect(permitLinkOf(null)).toBe(null);
  });
});

describe('attachmentsOf', () => {
  it('leaves out the drawn signatures of steps and acceptance', () => {
    const permit = {
      steps: [{ seq: 1, signature_file: 's1' }, { seq: 2, signature_file: '' }, { seq: 3 }],
      acceptance: { by: 'x', signature_file: 's2' },
      files: [
        { id: 's1', name: 'signature.png' },
        { id: 'a1', name: 'site.jpg' },
        { id: 's2', name: 'acceptance-signature.png' },
        { id: 'a2', name: 'plan.pdf' },
      ],
    };
    expect([...signatureFileIds(permit)].sort()).toEqual(['s1', 's2']);
    expect(attachmentsOf(permit).map((f) => f.id)).toEqual(['a1', 'a2']);
  });
  it('keeps every file when nothing is signed, and copes with no permit', () => {
    expect(attachmentsOf({ files: [{ id: 'a' }], steps: [] }).map((f) => f.id)).toEqual(['a']);
    expect(attachmentsOf(null)).toEqual([]);
    expect(attachmentsOf({})).toEqual([]);
  });
});
