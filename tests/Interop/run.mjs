#!/usr/bin/env node
// Runs a .tflite model in an independent TFLite runtime, in plain Node (>= 20):
//   litert : LiteRT.js 2.5.3 (@litertjs/core, TFLite/LiteRT C++ -> WASM, XNNPACK CPU)  - primary reference
//   tfjs   : tfjs-tflite 0.0.1-alpha.10 (older TFLite -> WASM)                            - second opinion
//
// usage: node run.mjs --runtime litert|tfjs <model.tflite> <inputs.json> [options]
//   --strip-shape-signature  run on an in-memory copy whose tensors' shape_signature equals their shape
//                            (LiteRT.js rejects -1 signatures); the model file is not touched
//   --runs N                 after the first (warm-up) invocation, invoke N more times and report median_ms
//   --signature KEY          LiteRT.js: run this SignatureDef (default: the one on subgraph 0)
//   --litert-build B         auto (default) | plain | int8: which LiteRT.js JS layer to use (int8 = patched copy
//                            that maps int8/int16 tensors; auto picks it when an I/O tensor is int8/int16)
//   --out FILE               write the result JSON to FILE instead of stdout
//   --data                   also give each output as plain numbers under "data" (for reading by eye)
//   --verbose                echo the runtimes' log lines to stderr
// node run.mjs --info <model.tflite>   prints the model's inputs/outputs (order, dtype, shape, shape_signature)
//                             and SignatureDefs as this harness reads them
// node run.mjs --serve        persistent mode: one JSON request per stdin line, one JSON result per stdout line;
//                             a request is {"runtime","model","inputs":[...] | "inputs_file":path,
//                             "strip_shape_signature","runs","signature","litert_build","data"}
//
// inputs.json: [{"dtype":"float32|int32|uint8|int8|int16", "shape":[...], "data":[...]}]; instead of "data" a
// tensor may give "b64": base64 of its little-endian bytes. Inputs are in the order of the model's subgraph
// `inputs` list, outputs in the order of its `outputs` list, whatever order the runtime uses internally.
// Result (one JSON line): {"ok":true, "runtime", "outputs":[{"dtype","shape","name","b64"}], "run_ms",
// "median_ms" (with --runs), ...} or {"ok":false, "error":"..."}; exit code 0 when ok, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import util from 'node:util';
import readline from 'node:readline';
import {createRequire} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NM = path.join(HERE, 'node_modules');
const LITERT_WASM_DIR = path.join(NM, '@litertjs', 'core', 'wasm') + path.sep;
const TFJS_WASM_DIR = path.join(NM, '@tensorflow', 'tfjs-tflite', 'wasm') + path.sep;

// ---------------------------------------------------------------------------------------------------------------
// Log capture. LiteRT.js reports a failed prepare/invoke ONLY as an "ERROR: ..." log line and still returns (zero or
// garbage) outputs, so every line the runtimes print is collected and any line starting with ERROR fails the run.
// This must be in place before a runtime loads: emscripten binds console.log/console.error when its glue loads.
// Our own result is written with the saved stdout writer, so nothing a runtime prints can corrupt the JSON line.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
const realStderrWrite = process.stderr.write.bind(process.stderr);
const VERBOSE = Boolean(process.env.VERBOSE) || process.argv.includes('--verbose');
let errorLines = [];
function noteLog(text) {
  for (const line of String(text).split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (/^\s*ERROR\b/.test(line)) errorLines.push(line.trim());
    if (VERBOSE) realStderrWrite(line + '\n');
  }
}
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'])
  console[k] = (...a) => noteLog(util.format(...a));
const captureWrite = (chunk, encoding, cb) => {
  noteLog(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
  const done = typeof encoding === 'function' ? encoding : cb;
  if (typeof done === 'function') process.nextTick(done);
  return true;
};
process.stdout.write = captureWrite;
process.stderr.write = captureWrite;

// ---------------------------------------------------------------------------------------------------------------
// Browser/worker globals both packages expect.
globalThis.self = globalThis;
delete globalThis.MessageChannel;            // tfjs-tflite: no MessageChannel -> its single-threaded WASM build
globalThis.importScripts = (url) => {        // both load their emscripten glue with importScripts() (worker style)
  const s = url.toString();
  const file = s.startsWith('file:') ? fileURLToPath(s) : s;
  const src = fs.readFileSync(file, 'utf8');
  if (file.includes(`${path.sep}@litertjs${path.sep}`)) {
    // LiteRT.js: the glue is a CommonJS module exporting the emscripten factory; @litertjs/wasm-utils then reads
    // self.ModuleFactory.
    const mod = {exports: {}};
    vm.runInThisContext(`(function(exports, require, module, __filename, __dirname){${src}\n})`, {filename: file})(
      mod.exports, createRequire(file), mod, file, path.dirname(file));
    globalThis.ModuleFactory = mod.exports;
  } else {
    // tfjs-tflite: the glue defines tflite_web_api_ModuleFactory; emscripten cannot fetch the .wasm in Node, so the
    // factory is wrapped to hand it the bytes.
    vm.runInThisContext(src, {filename: file});
    const factory = globalThis.tflite_web_api_ModuleFactory;
    const wasmBinary = fs.readFileSync(file.replace(/\.js$/, '.wasm'));
    globalThis.tflite_web_api_ModuleFactory = (opts) => factory({...opts, wasmBinary});
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Tensors.
const TYPED = {
  float32: Float32Array, int32: Int32Array, uint8: Uint8Array, int8: Int8Array, int16: Int16Array,
  float64: Float64Array, int64: BigInt64Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
};
// TFLite schema TensorType enum -> dtype name.
const TFLITE_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8',
  'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4', 'bfloat16'];

const numel = (shape) => shape.reduce((a, b) => a * b, 1);

function decodeInput(t, i) {
  if (!t || typeof t !== 'object') throw new Error(`input ${i}: not an object`);
  const TA = TYPED[t.dtype];
  if (!TA) throw new Error(`input ${i}: unsupported dtype ${JSON.stringify(t.dtype)}`);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`input ${i}: "shape" must be an array of non-negative integers`);
  let arr;
  if (typeof t.b64 === 'string') {
    const bytes = Buffer.from(t.b64, 'base64');
    if (bytes.length % TA.BYTES_PER_ELEMENT)
      throw new Error(`input ${i}: ${bytes.length} bytes is not a whole number of ${t.dtype} elements`);
    const ab = new ArrayBuffer(bytes.length);   // own, aligned buffer (a Buffer may sit unaligned in a pool)
    new Uint8Array(ab).set(bytes);
    arr = new TA(ab);
  } else if (Array.isArray(t.data)) {
    const flat = t.data.flat(Infinity);
    arr = TA === BigInt64Array ? BigInt64Array.from(flat, (v) => BigInt(v)) : TA.from(flat, Number);
  } else {
    throw new Error(`input ${i}: give its values as "data" (array) or "b64" (base64 of little-endian bytes)`);
  }
  const n = numel(t.shape);
  if (arr.length !== n)
    throw new Error(`input ${i}: shape [${t.shape}] needs ${n} elements, got ${arr.length}`);
  return {dtype: t.dtype, shape: t.shape.slice(), array: arr};
}

function encodeOutput(o, withData) {
  const a = o.array;
  const r = {dtype: o.dtype};
  if (o.shape) r.shape = Array.from(o.shape, Number);
  if (o.name !== undefined) r.name = o.name;
  r.b64 = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  if (withData) r.data = Array.from(a, (v) => (typeof v === 'bigint' ? v.toString() : v));
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Minimal FlatBuffer reader for the parts of the TFLite schema used here (tflite/schema/schema.fbs):
//   Model: subgraphs = field 2, signature_defs = field 7
//   SubGraph: tensors 0, inputs 1, outputs 2
//   Tensor: shape 0, type 1, name 3, shape_signature 7
//   SignatureDef: inputs 0, outputs 1, signature_key 2, subgraph_index 4 (3 is the deprecated tag)
//   TensorMap: name 0, tensor_index 1
class FlatBuf {
  constructor(buf) { this.b = buf; }
  u16(o) { return this.b.readUInt16LE(o); }
  u32(o) { return this.b.readUInt32LE(o); }
  i32(o) { return this.b.readInt32LE(o); }
  field(t, id) {                            // absolute position of field `id` of the table at `t`, or 0 if absent
    const vt = t - this.i32(t);
    const vtLen = this.u16(vt);
    const at = 4 + 2 * id;
    if (at + 2 > vtLen) return 0;
    const off = this.u16(vt + at);
    return off ? t + off : 0;
  }
  deref(p) { return p + this.u32(p); }
  table(t, id) { const p = this.field(t, id); return p ? this.deref(p) : 0; }
  vec(t, id) {                              // {pos: first element, len} or null
    const p = this.field(t, id);
    if (!p) return null;
    const v = this.deref(p);
    return {pos: v + 4, len: this.u32(v)};
  }
  str(t, id) {
    const v = this.vec(t, id);
    return v ? this.b.toString('utf8', v.pos, v.pos + v.len) : undefined;
  }
  tables(t, id) {
    const v = this.vec(t, id);
    const out = [];
    if (v) for (let i = 0; i < v.len; i++) out.push(this.deref(v.pos + 4 * i));
    return out;
  }
  ints(v) {
    const out = [];
    if (v) for (let i = 0; i < v.len; i++) out.push(this.i32(v.pos + 4 * i));
    return out;
  }
  u8(t, id, dflt) { const p = this.field(t, id); return p ? this.b.readUInt8(p) : dflt; }
  u32f(t, id, dflt) { const p = this.field(t, id); return p ? this.u32(p) : dflt; }
}

function readModel(buf) {
  if (buf.length < 8) throw new Error('model file is too small to be a TFLite FlatBuffer');
  const fb = new FlatBuf(buf);
  const root = fb.u32(0);
  const ident = buf.toString('latin1', 4, 8);
  const subgraphs = fb.tables(root, 2).map((sg) => ({
    tensors: fb.tables(sg, 0).map((t) => {
      const shapeVec = fb.vec(t, 0);
      const sigVec = fb.vec(t, 7);
      return {
        name: fb.str(t, 3) ?? '',
        type: TFLITE_TYPES[fb.u8(t, 1, 0)] ?? `type${fb.u8(t, 1, 0)}`,
        shape: fb.ints(shapeVec),
        shapeSignature: sigVec ? fb.ints(sigVec) : null,
        sigVec,
      };
    }),
    inputs: fb.ints(fb.vec(sg, 1)),
    outputs: fb.ints(fb.vec(sg, 2)),
  }));
  const tensorMaps = (sd, id) => fb.tables(sd, id).map((m) => ({name: fb.str(m, 0) ?? '', tensor: fb.u32f(m, 1, 0)}));
  const signatures = fb.tables(root, 7).map((sd) => ({
    key: fb.str(sd, 2) ?? '',
    subgraph: fb.u32f(sd, 4, 0),
    inputs: tensorMaps(sd, 0),
    outputs: tensorMaps(sd, 1),
  }));
  if (!subgraphs.length) throw new Error('model has no subgraphs');
  return {ident, subgraphs, signatures, fb};
}

// Overwrites, in `buf` (a private copy of the model), every -1 in a tensor's shape_signature with the matching entry
// of its shape. The vectors keep their length, so nothing moves. Returns the number of entries changed.
function stripShapeSignature(buf, model) {
  const done = new Map();                   // vector position -> values written (a vector shared by two tensors
  let changed = 0;                          // must not get two different contents)
  model.subgraphs.forEach((sg, s) => sg.tensors.forEach((t, ti) => {
    if (!t.shapeSignature || !t.shapeSignature.includes(-1)) return;
    if (t.shapeSignature.length !== t.shape.length)
      throw new Error(`subgraph ${s} tensor ${ti} "${t.name}": shape_signature [${t.shapeSignature}] and shape ` +
        `[${t.shape}] differ in rank; cannot patch in place`);
    const want = t.shapeSignature.map((d, k) => (d === -1 ? t.shape[k] : d));
    const key = t.sigVec.pos;
    const prev = done.get(key);
    if (prev !== undefined && prev !== want.join(','))
      throw new Error(`subgraph ${s} tensor ${ti} "${t.name}": its shape_signature vector is shared with a tensor ` +
        'of another shape; cannot patch in place');
    if (prev === undefined) {
      want.forEach((d, k) => { if (t.shapeSignature[k] === -1) { buf.writeInt32LE(d, key + 4 * k); changed++; } });
      done.set(key, want.join(','));
    }
    t.shapeSignature = want;
  }));
  return changed;
}

const hasDynamicIo = (model) => model.subgraphs.some((sg) => [...sg.inputs, ...sg.outputs].some(
  (i) => sg.tensors[i]?.shapeSignature?.includes(-1)));

// ---------------------------------------------------------------------------------------------------------------
// LiteRT.js
const liteRtBuilds = new Map();             // 'plain' | 'int8' -> Promise<module namespace>
async function loadLiteRtBuild(build) {
  if (!liteRtBuilds.has(build)) {
    liteRtBuilds.set(build, (async () => {
      let file = path.join(NM, '@litertjs', 'core', 'dist', 'index.js');
      if (build === 'int8') {
        const {ensureInt8Build} = await import('./install.mjs');
        file = ensureInt8Build();
      }
      const lib = await import(pathToFileURL(file).href);
      await lib.loadLiteRt(pathToFileURL(LITERT_WASM_DIR).href);
      return lib;
    })());
  }
  try {
    return await liteRtBuilds.get(build);
  } catch (e) {
    liteRtBuilds.delete(build);
    throw e;
  }
}

function chooseLiteRtBuild(req, model, inputs, sgIndex) {
  if (req.litert_build && req.litert_build !== 'auto') {
    if (!['plain', 'int8'].includes(req.litert_build)) throw new Error(`--litert-build must be auto, plain or int8`);
    return req.litert_build;
  }
  const sg = model ? model.subgraphs[sgIndex] ?? model.subgraphs[0] : null;
  const io = sg ? [...sg.inputs, ...sg.outputs].map((i) => sg.tensors[i]?.type) : [];
  const wide = (d) => d === 'int8' || d === 'int16';
  return io.some(wide) || inputs.some((t) => wide(t.dtype)) ? 'int8' : 'plain';
}

// Which SignatureDef the run uses: the requested key, else the one on subgraph 0, else the first.
function pickSignature(model, key) {
  if (!model) {
    if (key !== undefined && key !== null) throw new Error('cannot pick a signature: the model could not be parsed');
    return null;
  }
  if (key !== undefined && key !== null) {
    const sd = model.signatures.find((s) => s.key === key);
    if (!sd) throw new Error(`no signature "${key}" in model (has: ${model.signatures.map((s) => s.key).join(', ') || 'none'})`);
    return sd;
  }
  return model.signatures.find((s) => s.subgraph === 0) ?? model.signatures[0] ?? null;
}

// perm[j] = position in the subgraph's inputs (or outputs) list of the runtime's j-th tensor, or null if the names
// cannot be matched one to one.
function matchOrder(runtimeNames, sgList, sg, sigMaps) {
  if (!sg) return null;
  const perm = runtimeNames.map((name) => {
    let tensor;
    if (sigMaps) tensor = sigMaps.find((m) => m.name === name)?.tensor;
    else {
      const hits = sgList.filter((ti) => sg.tensors[ti]?.name === name);
      tensor = hits.length === 1 ? hits[0] : undefined;
    }
    return tensor === undefined ? -1 : sgList.indexOf(tensor);
  });
  const ok = perm.length === sgList.length && perm.every((p) => p >= 0) && new Set(perm).size === perm.length;
  return ok ? perm : null;
}

async function runLiteRt(req, modelBytes, model, inputs) {
  const sd = pickSignature(model, req.signature);
  const sgIndex = sd ? sd.subgraph : 0;
  const sg = model ? model.subgraphs[sgIndex] : null;
  if (model && !sg) throw new Error(`signature "${sd.key}" names subgraph ${sgIndex}, which the model lacks`);
  const build = chooseLiteRtBuild(req, model, inputs, sgIndex);
  const t0 = performance.now();
  const lib = await loadLiteRtBuild(build);
  const t1 = performance.now();
  const compiled = await lib.loadAndCompile(modelBytes, {accelerator: 'wasm'});
  const t2 = performance.now();
  const tensors = [];
  try {
    const runner = sd ? compiled.signatures[sd.key] : compiled.defaultSignature ?? compiled;
    if (!runner) throw new Error(`LiteRT.js has no signature "${sd.key}" (has: ${Object.keys(compiled.signatures).join(', ')})`);
    const inDetails = runner.getInputDetails();
    const outDetails = runner.getOutputDetails();
    if (inDetails.length !== inputs.length)
      throw new Error(`model takes ${inDetails.length} inputs, got ${inputs.length}`);
    const inPerm = matchOrder(inDetails.map((d) => d.name), sg?.inputs, sg, sd ? sd.inputs : null);
    const outPerm = matchOrder(outDetails.map((d) => d.name), sg?.outputs, sg, sd ? sd.outputs : null);
    for (let j = 0; j < inDetails.length; j++) {
      const x = inputs[inPerm ? inPerm[j] : j];
      tensors.push(new lib.Tensor(x.array, x.shape));
    }
    const readOutputs = (outs) => outs.map((o, j) => {
      const pos = outPerm ? outPerm[j] : j;
      return {pos, dtype: o.type.dtype, shape: o.type.layout.dimensions,
        name: sg ? sg.tensors[sg.outputs[pos]]?.name : outDetails[j]?.name,
        array: o.toTypedArray()};
    }).sort((a, b) => a.pos - b.pos);
    const deleteAll = (outs) => outs.forEach((o) => { try { o.delete(); } catch { /* already gone */ } });

    const errorsBefore = errorLines.length;
    const t3 = performance.now();
    let outs = await runner.run(tensors);
    const t4 = performance.now();
    const outputs = readOutputs(outs);
    deleteAll(outs);
    const times = [];
    for (let r = 0; r < (req.runs | 0) && errorLines.length === errorsBefore; r++) {
      const a = performance.now();
      outs = await runner.run(tensors);
      times.push(performance.now() - a);
      deleteAll(outs);
    }
    return {
      litert_build: build, signature: sd ? sd.key : null,
      order: inPerm && outPerm ? 'subgraph' : 'runtime',
      init_ms: t1 - t0, compile_ms: t2 - t1, run_ms: t4 - t3, times, outputs,
    };
  } finally {
    for (const t of tensors) { try { t.delete(); } catch { /* ignore */ } }
    try { compiled.delete(); } catch { /* ignore */ }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// tfjs-tflite. Its TFLiteModel.predict() only feeds float32/int32 tfjs tensors, widens int8/int16 outputs to int32
// and returns outputs keyed by name (two outputs with one name collapse), so the runner underneath is used directly:
// its getInputs()/getOutputs() are the interpreter's tensors in subgraph-0 order, with views into the WASM heap.
let tfjsLib = null;
function loadTfjs() {
  if (!tfjsLib) {
    globalThis.location ??= {origin: '', href: TFJS_WASM_DIR};   // its loader builds origin + absolute path
    const require = createRequire(path.join(HERE, 'run.mjs'));
    const tflite = require('@tensorflow/tfjs-tflite');
    tflite.setWasmPath(TFJS_WASM_DIR);
    tfjsLib = tflite;
  }
  return tfjsLib;
}

function bytesOf(a) { return new Uint8Array(a.buffer, a.byteOffset, a.byteLength); }

async function runTfjs(req, modelBytes, model, inputs) {
  if (req.signature !== undefined && req.signature !== null) {
    const sd = pickSignature(model, req.signature);
    if (sd.subgraph !== 0) throw new Error(`tfjs-tflite runs subgraph 0 only; signature "${sd.key}" is on subgraph ${sd.subgraph}`);
  }
  const t0 = performance.now();
  const tflite = loadTfjs();
  const t1 = performance.now();
  const ab = modelBytes.buffer.slice(modelBytes.byteOffset, modelBytes.byteOffset + modelBytes.byteLength);
  const tfliteModel = await tflite.loadTFLiteModel(ab, {numThreads: 1});
  const runner = tfliteModel.modelRunner;
  const t2 = performance.now();
  try {
    const infos = runner.getInputs();
    if (infos.length !== inputs.length) throw new Error(`model takes ${infos.length} inputs, got ${inputs.length}`);
    infos.forEach((info, i) => {          // as strict as LiteRT.js: same dtype and the same shape
      if (info.dataType !== inputs[i].dtype)
        throw new Error(`input ${i} ("${info.name}"): model expects ${info.dataType}, got ${inputs[i].dtype}`);
      if (info.shape !== inputs[i].shape.join(','))
        throw new Error(`input ${i} ("${info.name}"): model expects shape [${info.shape}], got [${inputs[i].shape}]`);
    });
    const setInputs = () => runner.getInputs().forEach((info, i) => {   // fresh views: the heap may have grown
      const view = info.data();
      const src = bytesOf(inputs[i].array);
      if (view.byteLength !== src.byteLength)
        throw new Error(`input ${i} ("${info.name}"): model tensor [${info.shape}] holds ${view.byteLength} bytes, ` +
          `got ${src.byteLength} (shape [${inputs[i].shape}]); tfjs-tflite cannot resize inputs`);
      bytesOf(view).set(src);
    });
    const invoke = () => { if (!runner.infer()) throw new Error('tfjs-tflite: infer() failed'); };
    setInputs();
    const t3 = performance.now();
    invoke();
    const t4 = performance.now();
    const outputs = runner.getOutputs().map((info) => ({
      dtype: info.dataType,
      shape: info.shape === '' ? [] : info.shape.split(',').map(Number),
      name: info.name,
      array: info.data().slice(),          // copy out of the WASM heap
    }));
    const times = [];
    for (let r = 0; r < (req.runs | 0); r++) {
      setInputs();
      const a = performance.now();
      invoke();
      times.push(performance.now() - a);
    }
    return {init_ms: t1 - t0, compile_ms: t2 - t1, run_ms: t4 - t3, times, outputs};
  } finally {
    try { runner.cleanUp?.(); } catch { /* ignore */ }
  }
}

// ---------------------------------------------------------------------------------------------------------------
const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Runs one request; never throws. `fatal` is set when the WASM module aborted (its state is then unusable).
async function handle(req) {
  errorLines = [];
  let res;
  let model = null;
  try {
    if (req.runtime !== 'litert' && req.runtime !== 'tfjs') throw new Error('--runtime must be litert or tfjs');
    if (!req.model) throw new Error('no model file given');
    if (!fs.existsSync(path.join(NM, req.runtime === 'litert' ? '@litertjs/core' : '@tensorflow/tfjs-tflite')))
      throw new Error(`node_modules missing: run "npm ci" in ${HERE}`);
    let rawInputs = req.inputs;
    if (rawInputs === undefined) {
      if (!req.inputs_file) throw new Error('no inputs file given');
      rawInputs = JSON.parse(fs.readFileSync(req.inputs_file, 'utf8'));
    }
    if (!Array.isArray(rawInputs)) throw new Error('inputs must be a JSON array of tensors');
    const inputs = rawInputs.map(decodeInput);
    const runs = Number(req.runs ?? 0);
    if (!Number.isInteger(runs) || runs < 0) throw new Error('--runs must be a non-negative integer');

    const bytes = Buffer.from(fs.readFileSync(req.model));   // private copy: the file is never written
    // The model is parsed here only to patch shape_signature, to map I/O order and to choose the LiteRT.js build.
    // A file this reader cannot walk is still handed to the runtime (whose verdict is what a test wants), unless
    // it has to be patched.
    try {
      model = readModel(bytes);
    } catch (e) {
      if (req.strip_shape_signature) throw new Error(`cannot read the model's FlatBuffer to patch it: ${e.message}`);
      model = null;
    }
    let stripped = 0;
    if (req.strip_shape_signature) stripped = stripShapeSignature(bytes, model);
    const r = req.runtime === 'litert'
      ? await runLiteRt({...req, runs}, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), model, inputs)
      : await runTfjs({...req, runs}, bytes, model, inputs);
    res = {ok: true, runtime: req.runtime};
    for (const k of ['litert_build', 'signature', 'order']) if (r[k] !== undefined) res[k] = r[k];
    if (req.strip_shape_signature) res.stripped_dims = stripped;
    Object.assign(res, {init_ms: r.init_ms, compile_ms: r.compile_ms, run_ms: r.run_ms});
    if (runs > 0) Object.assign(res, {runs: r.times.length, median_ms: median(r.times)});
    res.outputs = r.outputs.map((o) => encodeOutput(o, req.data));
  } catch (e) {
    res = {ok: false, runtime: req.runtime, error: String((e && e.message) || e)};
    if (process.env.INTEROP_STACK) res.stack = String(e && e.stack);
    if (e instanceof WebAssembly.RuntimeError || /\bAborted\(/.test(res.error)) res.fatal = true;
  }
  if (errorLines.length) {
    res.ok = false;
    delete res.outputs;
    res.error = [res.error, ...errorLines].filter(Boolean).join(' | ').slice(0, 4000);
    res.log_errors = errorLines.slice(0, 50);
  }
  if (!res.ok && req.runtime === 'litert' && !req.strip_shape_signature && model && hasDynamicIo(model) &&
      /does not match expected/.test(res.error ?? ''))
    res.hint = 'the model has -1 entries in shape_signature and LiteRT.js needs static shapes: pass --strip-shape-signature';
  if (!res.ok && req.runtime === 'litert' && model && /reading 'value'/.test(res.error ?? '') &&
      model.subgraphs[0].outputs.some((i) => model.subgraphs[0].tensors[i]?.shape.length === 0))
    res.hint = 'LiteRT.js 2.5.3 cannot hand back an output whose shape is known only after invoke (e.g. the outputs ' +
      'of a CUSTOM TFLite_Detection_PostProcess, stored with an empty shape); use --runtime tfjs for such a model';
  return res;
}

// --info: the model's I/O as this harness reads it (order of inputs/outputs, dtypes, shapes, signatures).
function modelInfo(file) {
  const model = readModel(Buffer.from(fs.readFileSync(file)));
  const io = (sg, list) => list.map((i) => {
    const t = sg.tensors[i] ?? {};
    const r = {tensor: i, name: t.name, dtype: t.type, shape: t.shape};
    if (t.shapeSignature) r.shape_signature = t.shapeSignature;
    return r;
  });
  return {
    ok: true, identifier: model.ident,
    subgraphs: model.subgraphs.map((sg) => ({inputs: io(sg, sg.inputs), outputs: io(sg, sg.outputs)})),
    signatures: model.signatures.map(({key, subgraph, inputs, outputs}) => ({key, subgraph, inputs, outputs})),
  };
}

function parseArgs(argv) {
  const req = {};
  const pos = [];
  const need = (i) => { if (i >= argv.length) throw new Error(`${argv[i - 1]} needs a value`); return argv[i]; };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--runtime': req.runtime = need(++i); break;
      case '--strip-shape-signature': req.strip_shape_signature = true; break;
      case '--runs': req.runs = Number(need(++i)); break;
      case '--signature': req.signature = need(++i); break;
      case '--litert-build': req.litert_build = need(++i); break;
      case '--out': req.out = need(++i); break;
      case '--data': req.data = true; break;
      case '--verbose': break;
      case '--serve': req.serve = true; break;
      case '--info': req.info = need(++i); break;
      case '-h': case '--help': req.help = true; break;
      default:
        if (a.startsWith('--runtime=')) req.runtime = a.slice(10);
        else if (a.startsWith('--runs=')) req.runs = Number(a.slice(7));
        else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        else pos.push(a);
    }
  }
  if (!req.serve && !req.help && !req.info) {
    if (pos.length !== 2) throw new Error('usage: node run.mjs --runtime litert|tfjs <model.tflite> <inputs.json> ' +
      '[--strip-shape-signature] [--runs N] [--signature KEY] [--litert-build auto|plain|int8] [--out FILE] [--data]');
    [req.model, req.inputs_file] = pos;
  }
  return req;
}

function emit(obj) {
  return new Promise((resolve) => realStdoutWrite(JSON.stringify(obj) + '\n', () => resolve()));
}

async function serve() {
  const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of rl) {
    if (!line.trim()) continue;
    let req;
    try { req = JSON.parse(line); } catch (e) { await emit({ok: false, error: `bad request line: ${e.message}`}); continue; }
    const res = await handle(req);
    if (req.id !== undefined) res.id = req.id;
    await emit(res);
    if (res.fatal) process.exit(2);         // an aborted WASM module cannot be trusted: the client starts a new one
  }
  process.exit(0);
}

async function main() {
  let req;
  try {
    req = parseArgs(process.argv.slice(2));
  } catch (e) {
    await emit({ok: false, error: e.message});
    process.exit(1);
  }
  if (req.help) {
    realStdoutWrite(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0] + '\n');
    process.exit(0);
  }
  if (req.serve) return serve();
  if (req.info) {
    let info;
    try { info = modelInfo(req.info); } catch (e) { info = {ok: false, error: e.message}; }
    await emit(info);
    process.exit(info.ok ? 0 : 1);
  }
  const res = await handle(req);
  if (req.out) fs.writeFileSync(req.out, JSON.stringify(res) + '\n');
  else await emit(res);
  process.exit(res.ok ? 0 : 1);             // explicit exit: a runtime may leave handles that keep Node alive
}

process.on('uncaughtException', (e) => {
  realStdoutWrite(JSON.stringify({ok: false, fatal: true, error: `uncaught: ${(e && e.message) || e}`,
    log_errors: errorLines.slice(0, 50)}) + '\n', () => process.exit(1));
});
process.on('unhandledRejection', (e) => { throw e; });

await main();
