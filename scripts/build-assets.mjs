// Copies the front-end libraries from node_modules into prepdeck/static/vendor (not committed).
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "prepdeck", "static", "vendor");
const files = {
  "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
  "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
  "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
  "socket.io/socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
  "chartjs/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
  "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
};

for (const [target, source] of Object.entries(files)) {
  const from = join(root, "node_modules", source);
  if (!existsSync(from)) {
    console.error(`missing ${source}: run npm ci first`);
    process.exit(1);
  }
  const to = join(out, target);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
console.log(`copied ${Object.keys(files).length} files to ${out}`);
