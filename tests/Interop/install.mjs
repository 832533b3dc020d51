// Post-install step of the interop harness (run by `npm ci` / `npm install` through the "postinstall" script,
// and again on demand by run.mjs when the file it writes is missing or stale).
//
// LiteRT.js 2.5.3's JS layer maps only float32/int32/uint8 tensors (its DATATYPES table); a model with int8 or
// int16 inputs/outputs fails at compile time with "Element type INT8 is not supported." although the WASM runtime
// handles those types. This writes node_modules/@litertjs/core/dist/index_int8.js: a copy of dist/index.js whose
// DATATYPES table also maps int8 (Int8Array) and int16 (Int16Array). The original index.js is left as it is.
//
// The copy starts with a stamp holding the SHA-256 of the index.js it was made from, so a changed package is noticed.
// It is written to a temporary file and renamed into place, so parallel test processes never see half a file.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const LITERT_DIST = path.join(HERE, 'node_modules', '@litertjs', 'core', 'dist');
export const LITERT_INDEX = path.join(LITERT_DIST, 'index.js');
export const LITERT_INDEX_INT8 = path.join(LITERT_DIST, 'index_int8.js');
const STAMP = '// modelopt-interop int8/int16 patch of index.js sha256=';

function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Returns the patched source for the given LiteRT.js dist/index.js source (throws if its layout is unknown). */
export function patchLiteRtSource(src) {
  // The table looks like:  var DATATYPES = Object.freeze([ {dtype: "float32", ...}, ..., {dtype: "uint8", ...} ]);
  const m = /var DATATYPES = Object\.freeze\(\[([\s\S]*?)\n\]\);/.exec(src);
  if (!m) throw new Error('LiteRT.js layout changed: "var DATATYPES = Object.freeze([ ... ]);" not found in dist/index.js');
  const body = m[1];
  if (!/ElementType\.UINT8/.test(body)) throw new Error('LiteRT.js layout changed: DATATYPES has no UINT8 entry');
  const extra = [];
  if (!/ElementType\.INT8\b/.test(body))
    extra.push('  { dtype: "int8", typedArrayConstructor: Int8Array, elementType: ElementType.INT8 }');
  if (!/ElementType\.INT16\b/.test(body))
    extra.push('  { dtype: "int16", typedArrayConstructor: Int16Array, elementType: ElementType.INT16 }');
  if (!/\bINT8: 9\b/.test(src) || !/\bINT16: 7\b/.test(src))
    throw new Error('LiteRT.js layout changed: ElementType.INT8/INT16 enum values not found');
  const newBody = extra.length ? `${body.replace(/\s*$/, '')},\n${extra.join(',\n')}` : body;
  return src.slice(0, m.index) + `var DATATYPES = Object.freeze([${newBody}\n]);` + src.slice(m.index + m[0].length);
}

/** True when index_int8.js exists and was made from the installed index.js. */
export function int8BuildIsCurrent() {
  if (!fs.existsSync(LITERT_INDEX_INT8)) return false;
  const want = STAMP + sha256(fs.readFileSync(LITERT_INDEX, 'utf8'));
  const fd = fs.openSync(LITERT_INDEX_INT8, 'r');
  try {
    const buf = Buffer.alloc(want.length);
    fs.readSync(fd, buf, 0, want.length, 0);
    return buf.toString('utf8') === want;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes index_int8.js if it is missing or stale; returns its path. */
export function ensureInt8Build() {
  if (!fs.existsSync(LITERT_INDEX))
    throw new Error(`${LITERT_INDEX} not found: run "npm ci" in ${HERE}`);
  if (int8BuildIsCurrent()) return LITERT_INDEX_INT8;
  const src = fs.readFileSync(LITERT_INDEX, 'utf8');
  const out = `${STAMP}${sha256(src)}\n${patchLiteRtSource(src)}`;
  const tmp = `${LITERT_INDEX_INT8}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, LITERT_INDEX_INT8);   // atomic on one file system: concurrent writers produce the same content
  return LITERT_INDEX_INT8;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const file = ensureInt8Build();
    console.log(`interop: wrote ${path.relative(HERE, file)} (LiteRT.js with int8/int16 I/O)`);
  } catch (e) {
    console.error(`interop: ${e.message}`);
    process.exitCode = 1;
  }
}
