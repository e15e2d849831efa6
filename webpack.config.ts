// Pivot's webpack configuration: the scaffolded one (.config/webpack, never edited), extended as
// its README says, with one plugin that records the emitted chunk graph for scripts/bundle-size.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Compiler, Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

/** Where the chunk graph goes: outside dist/, so it is not shipped with the plugin. */
export const CHUNK_GRAPH_FILE = path.resolve(process.cwd(), 'node_modules/.cache/pivot/chunk-graph.json');

/**
 * Writes the build's chunks (id, files, whether initial, and the imports each was loaded for)
 * and entry points, from webpack's own stats, after every build.
 */
class ChunkGraphPlugin {
  apply(compiler: Compiler) {
    compiler.hooks.done.tap('PivotChunkGraph', (stats) => {
      const json = stats.toJson({ all: false, chunks: true, chunkOrigins: true, entrypoints: true, ids: true });
      const graph = {
        entrypoints: Object.fromEntries(
          Object.entries(json.entrypoints ?? {}).map(([name, entry]) => [name, { chunks: entry.chunks ?? [] }])
        ),
        chunks: (json.chunks ?? []).map((chunk) => ({
          id: chunk.id,
          initial: chunk.initial,
          files: chunk.files ?? [],
          origins: (chunk.origins ?? []).map((o) => ({ moduleName: o.moduleName, request: o.request })),
        })),
      };
      mkdirSync(path.dirname(CHUNK_GRAPH_FILE), { recursive: true });
      writeFileSync(CHUNK_GRAPH_FILE, JSON.stringify(graph, null, 1));
    });
  }
}

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return { ...base, plugins: [...(base.plugins ?? []), new ChunkGraphPlugin()] };
};

export default config;
