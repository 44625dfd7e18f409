// Optimises wasm modules for size in place, as `wasm-opt -Oz` does and with the same output byte
// for byte, but with binaryen's library loaded once per worker instead of one `wasm-opt`
// process per module: the split build makes hundreds of small modules, and starting the
// command (a 15 MB script) cost more than optimising most of them. One worker per core; the
// largest modules go first so that the workers finish together.
//   node scripts/wasm-opt.mjs <file.wasm>...
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

if (isMainThread) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/wasm-opt.mjs <file.wasm>...');
    process.exit(2);
  }
  const queue = files
    .map((file) => ({ file, size: statSync(file).size }))
    .sort((a, b) => b.size - a.size)
    .map(({ file }) => file);
  const workers = Math.max(1, Math.min(availableParallelism(), queue.length));
  let failed = false;
  await Promise.all(
    Array.from({ length: workers }, () => new Promise((resolve) => {
      const worker = new Worker(new URL(import.meta.url));
      const next = () => {
        const file = queue.shift();
        if (file === undefined || failed) {
          worker.terminate().then(resolve);
        } else {
          worker.postMessage(file);
        }
      };
      worker.on('message', (result) => {
        if (result.error) {
          failed = true;
          console.error(`wasm-opt: ${result.file}: ${result.error}`);
        }
        next();
      });
      worker.on('error', (error) => {
        failed = true;
        console.error(`wasm-opt: ${error.stack ?? error}`);
        resolve();
      });
      next();
    })),
  );
  process.exit(failed ? 1 : 0);
} else {
  // The split modules' name sections carry a subsection binaryen does not know; it warns once
  // per module, which says nothing to whoever runs the build. Other messages still go through.
  const printError = console.error.bind(console);
  console.error = (...args) => {
    if (!String(args[0]).includes('unknown name subsection')) printError(...args);
  };
  const { default: binaryen } = await import('binaryen');
  // -Oz: the default pipeline at optimisation level 2, shrinking as much as it can.
  binaryen.setOptimizeLevel(2);
  binaryen.setShrinkLevel(2);
  // Like the command without -g: the output carries no names section.
  binaryen.setDebugInfo(false);
  // The command optimises the stack form of the code as its last step when it optimises; the
  // library does only if asked. With these the output is byte for byte the command's.
  binaryen.setGenerateStackIR(true);
  binaryen.setOptimizeStackIR(true);
  parentPort.on('message', (file) => {
    try {
      const module = binaryen.readBinary(readFileSync(file));
      // As the command does: the features the module's target_features section lists, with
      // binaryen's defaults, plus the two that scripts/build.sh always asked for.
      module.setFeatures(
        module.getFeatures() | binaryen.Features.BulkMemory | binaryen.Features.NontrappingFPToInt,
      );
      if (!module.validate()) throw new Error('the module does not validate');
      module.optimize();
      const out = module.emitBinary();
      module.dispose();
      writeFileSync(file, out);
      parentPort.postMessage({ file });
    } catch (error) {
      parentPort.postMessage({ file, error: String(error?.message ?? error) });
    }
  });
}
