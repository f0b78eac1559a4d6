// Prints 1 when Gloo's headers and library and hiredis's headers (Gloo's Redis
// store includes them) are installed (Debian: apt-get install libgloo-dev
// libhiredis-dev), else 0; binding.gyp builds the optional collectives
// addon only then. NODEGRAD_NO_COLLECTIVES=1 forces 0.
'use strict';
const fs = require('node:fs');

const off = process.env.NODEGRAD_NO_COLLECTIVES === '1';
const header = ['/usr/include/gloo/config.h', '/usr/local/include/gloo/config.h'].some((f) => fs.existsSync(f));
const hiredis = ['/usr/include/hiredis/hiredis.h', '/usr/local/include/hiredis/hiredis.h'].some((f) => fs.existsSync(f));
const lib = ['/usr/lib/libgloo.so', '/usr/local/lib/libgloo.so', '/usr/lib/x86_64-linux-gnu/libgloo.so', '/usr/lib/aarch64-linux-gnu/libgloo.so'].some((f) =>
  fs.existsSync(f),
);
process.stdout.write(!off && header && hiredis && lib && process.platform === 'linux' ? '1' : '0');
