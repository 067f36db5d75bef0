/**
 * The consumer tier's installs: the package packed once per test run (exactly what `npm publish`
 * would upload; prepack builds dist/ first), and fresh apps installed from it and the npm registry.
 */
import { rmSync } from 'node:fs'
import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { run } from '../support/process.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const APPS = fileURLToPath(new URL('./apps', import.meta.url))
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc')

/** One app to install: its source folder under apps/, module type, dependencies and whether tsc builds it. */
export interface ConsumerApp {
  /** The folder the app is installed into. */
  name: string
  /** The folder under apps/ its sources come from (default `name`). */
  source?: string
  type: 'commonjs' | 'module'
  deps: string[]
  /** Started and signed in against; absent for a type-check-only app. */
  main?: string
  build?: boolean
}

let packed: Promise<{ workdir: string; tarball: string }> | undefined

/** Packs the package once (shared by every file of the tier); the folder goes when the process exits. */
export function packTarball(): Promise<{ workdir: string; tarball: string }> {
  packed ??= (async () => {
    const workdir = await mkdtemp(path.join(tmpdir(), 'passport-dintero-consumer-'))
    process.once('exit', () => rmSync(workdir, { recursive: true, force: true }))
    await run('npm', ['pack', '--pack-destination', workdir], { cwd: ROOT })
    const tarball = (await readdir(workdir)).find((f) => f.endsWith('.tgz'))
    if (!tarball) throw new Error('npm pack produced no tarball')
    return { workdir, tarball: path.join(workdir, tarball) }
  })()
  return packed
}

/** Installs `app` from the tarball and the registry (`--prefer-offline`), builds it if asked; returns its folder. */
export async function installApp(app: ConsumerApp): Promise<string> {
  const { workdir, tarball } = await packTarball()
  const dir = path.join(workdir, app.name)
  await cp(path.join(APPS, app.source ?? app.name), dir, { recursive: true })
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: app.name, private: true, type: app.type }))
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...app.deps], { cwd: dir })
  if (app.build) await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir })
  return dir
}
