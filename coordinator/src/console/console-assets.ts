import * as fs from 'fs';
import * as path from 'path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Where the build puts the bundle (coordinator/console-ui/build.mjs): next to the compiled server. */
export const CONSOLE_ASSETS = path.join(__dirname, '..', 'console-ui');

/**
 * Only the console's own files run: no inline script or style, no other origin, no framing.
 * `connect-src 'self'` covers the REST API and the live round's event stream (same origin).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/**
 * Serves the web console at /console from the bundle built at install time (nothing is fetched from a CDN).
 * Without the bundle, /console says how to build it instead of answering an empty 404.
 */
export function serveConsole(app: NestExpressApplication, dir = CONSOLE_ASSETS): void {
  app.use('/console', securityHeaders);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    app.use('/console', (_req: Request, res: Response) => {
      res
        .status(503)
        .type('text/plain')
        .send(`the web console is not built (${dir} is missing): run "npm run build" in the repository`);
    });
    return;
  }
  // Hashed file names never change content; index.html always revalidates so a new build shows at once.
  app.useStaticAssets(dir, {
    prefix: '/console/',
    index: 'index.html',
    redirect: true,
    setHeaders: (res, file) =>
      res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
