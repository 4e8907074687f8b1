// Docker HEALTHCHECK for the sample app: exits 0 when the app answers its health path, 1 otherwise.
// It uses Node, because the slim base image has no curl. Try it in a running container:
//   docker exec <container> node healthcheck.js && echo healthy
'use strict';

const port = process.env.PORT ?? 8080;

// The app answers /health with or without its BASE_PATH prefix.
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
