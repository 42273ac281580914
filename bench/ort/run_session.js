#!/usr/bin/env node
// Times one ONNX model in ONNX Runtime (onnxruntime-node, CPU) the way tessel's demo programs
// time a network: read an NCHW float32 input file, run it, print each run's time and the
// median, write the output tensor as raw float32. bench/networks.py runs it between the demos.
//
//   node run_session.js --runtime DIR --model M.onnx --input IN.bin --shape 1,3,224,224
//       --threads N [--warmup W] [--repeat K] [--output OUT.bin]
//
// DIR is the onnxruntime-node package folder (bench/ort/setup.sh installs it).
'use strict';

const fs = require('fs');

function parseArgs(argv) {
  const args = { warmup: 1, repeat: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (i + 1 >= argv.length || !argv[i].startsWith('--')) {
      throw new Error(`expected --option value pairs, got '${argv[i]}'`);
    }
    args[key] = argv[i + 1];
  }
  for (const required of ['runtime', 'model', 'input', 'shape', 'threads']) {
    if (args[required] === undefined) throw new Error(`--${required} is required`);
  }
  return {
    ...args,
    shape: args.shape.split(',').map(Number),
    threads: Number(args.threads),
    warmup: Number(args.warmup),
    repeat: Number(args.repeat),
  };
}

// A Float32Array of its own: a Buffer's bytes may start at an offset that is not a multiple of 4.
function readFloats(path) {
  const bytes = fs.readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function median(sorted) {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = require(args.runtime);
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const feeds = {
    [session.inputNames[0]]: new ort.Tensor('float32', readFloats(args.input), args.shape),
  };
  const outputName = session.outputNames[0];

  // The first runs allocate and settle; they are not counted.
  let results;
  for (let i = 0; i < args.warmup; ++i) results = await session.run(feeds);
  const times = [];
  for (let i = 0; i < args.repeat; ++i) {
    const start = process.hrtime.bigint();
    results = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    console.log(`run ${i + 1}: ${times[i].toFixed(3)} ms`);
  }
  times.sort((a, b) => a - b);
  console.log(`onnxruntime: ${args.repeat} run(s), median ${median(times).toFixed(3)} ms, ` +
              `min ${times[0].toFixed(3)} ms, ${args.threads} intra-op thread(s)`);

  if (args.output !== undefined) {
    const data = results[outputName].data;
    fs.writeFileSync(args.output, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}

main().catch((error) => {
  console.error(`run_session.js: ${error.message}`);
  process.exit(1);
});
