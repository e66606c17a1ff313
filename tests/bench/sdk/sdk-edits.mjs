// make bench: K edits in a row with the official OpenAI Node SDK, sending
// the same pre-encoded PNG image and mask the plug-in sent, and writing
// each result to disk.  Prints one JSON line: the seconds each edit took.
//   node sdk-edits.mjs BASE_URL IMAGE MASK|- OUTDIR K MODEL SIZE N RESPONSE_FORMAT|-
import fs from "node:fs";
import path from "node:path";
import OpenAI, { toFile } from "openai";

const [baseURL, imagePath, maskPath, outDir, k, model, size, n, format] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "sk-bench-stand-in", maxRetries: 0 });
const image = fs.readFileSync(imagePath);
const mask = maskPath === "-" ? null : fs.readFileSync(maskPath);
const times = [];

for (let i = 0; i < Number(k); i++) {
  const start = process.hrtime.bigint();
  const params = {
    model, prompt: "bench: a red ball on the grass", n: Number(n), size,
    image: await toFile(image, "image.png", { type: "image/png" }),
  };
  if (mask) params.mask = await toFile(mask, "mask.png", { type: "image/png" });
  if (format !== "-") params.response_format = format;
  const result = await client.images.edit(params);
  for (const [j, item] of result.data.entries()) {
    const bytes = item.b64_json
      ? Buffer.from(item.b64_json, "base64")
      : Buffer.from(await (await fetch(item.url)).arrayBuffer());
    fs.writeFileSync(path.join(outDir, `sdk-${i}-${j}.png`), bytes);
  }
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
console.log(JSON.stringify({ times }));
