'use strict';
// Builds the native addon from source with cargo and places it where native.js looks for
// it. Runs as the package's install script; it downloads no prebuilt binary or toolchain.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function platformSuffix() {
  const { platform, arch } = process;
  if (platform !== 'linux') return `${platform}-${arch}`;
  const glibc = process.report?.getReport()?.header?.glibcVersionRuntime;
  return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
}

function libraryName() {
  if (process.platform === 'win32') return 'setu_auth_node.dll';
  if (process.platform === 'darwin') return 'libsetu_auth_node.dylib';
  return 'libsetu_auth_node.so';
}

function targetDir() {
  const metadata = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(metadata).target_directory;
}

function main() {
  execFileSync('cargo', ['build', '--release', '--lib', '-p', 'setu-auth-node'], {
    cwd: root,
    stdio: 'inherit',
  });

  const built = path.join(targetDir(), 'release', libraryName());
  const destination = path.join(root, `setu-auth.${platformSuffix()}.node`);
  fs.copyFileSync(built, destination);
  console.log(`setu-auth: built ${path.basename(destination)}`);
}

main();
