/**
 * @jest-environment node
 *
 * The repository stands alone: what its files cite is in it. Every `docs/<page>.md#<heading>`
 * a comment, doc or config names must be a heading of that page, and every markdown document
 * a file names must be one of the repository's own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');

const TEXT = /\.(ts|tsx|js|mjs|md|ya?ml|json|sh)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', 'test-results', 'playwright-report']);

/** The repository's text files: as git tracks them, or by walking the tree where there is no git. */
function repositoryFiles(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\0');
  } catch {
    files = walk('');
  }
  return files.filter((f) => TEXT.test(f) && !f.endsWith('package-lock.json') && existsSync(join(ROOT, f)));
}

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      return SKIPPED_DIRS.has(entry.name) ? [] : walk(path);
    }
    return [path];
  });
}

/** GitHub's anchor for a heading: lowercase, punctuation other than - and _ dropped, spaces to -. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set(Array.from(text.matchAll(/^#{1,6}\s+(.+)$/gm), (m) => headingAnchor(m[1])));
}

describe('the repository stands alone', () => {
  const files = repositoryFiles();

  it('writes anchors as GitHub does', () => {
    expect(headingAnchor('Where trace_id lives: OTLP, logfmt')).toBe('where-trace_id-lives-otlp-logfmt');
    expect(headingAnchor('Service-graph metrics')).toBe('service-graph-metrics');
  });

  it('cites only headings that exist in its docs', () => {
    const broken: string[] = [];
    const cache = new Map<string, Set<string>>();
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // `docs/<page>.md#<anchor>`, and inside docs/ the relative `(<page>.md#<anchor>)` of a markdown link.
      for (const m of text.matchAll(/(?:(docs\/)|\()([a-z0-9-]+\.md)#([A-Za-z0-9_-]+)/g)) {
        const page = file.startsWith('docs/') || m[1] ? `docs/${m[2]}` : m[2];
        if (!existsSync(join(ROOT, page))) {
          broken.push(`${file}: ${page} does not exist`);
          continue;
        }
        if (!cache.has(page)) {
          cache.set(page, anchorsOf(page));
        }
        if (!cache.get(page)!.has(m[3])) {
          broken.push(`${file}: ${page}#${m[3]} is not a heading`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only markdown documents that are in the repository', () => {
    const missing: string[] = [];
    for (const file of files.filter((f) => !f.startsWith('.config/'))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // A document name, not part of a URL (`https://…/README.md` points elsewhere on purpose).
      for (const m of text.matchAll(/(?<![\w/.:-])([\w./-]*[\w-]+\.md)\b/g)) {
        const name = m[1];
        const candidates = [join(ROOT, name), join(ROOT, dirname(file), name), join(ROOT, 'docs', name)];
        if (!candidates.some((c) => existsSync(c))) {
          missing.push(`${file}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
