#!/bin/sh
# Builds static/vendor/echarts/echarts.min.js from entry.js with the pinned npm packages
# (package-lock.json). Run from anywhere: `sh frontend/echarts/build.sh` (or `npm run build`
# in this folder). Needs Node.js and npm; CI does not run it, the output is committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../static/vendor/echarts"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
version=$(node -p 'require("echarts/package.json").version')
npx esbuild entry.js --bundle --minify --format=iife --global-name=echarts \
  --target=es2018 --legal-comments=none \
  --define:process.env.NODE_ENV='"production"' \
  --banner:js="/*! Apache ECharts $version (trimmed: bar, line, grid, tooltip, legend, SVG renderer; frontend/echarts/entry.js). Apache License 2.0, see LICENSE and NOTICE. */" \
  --outfile="$out/echarts.min.js"
cp node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$out/"
ls -l "$out/echarts.min.js"
