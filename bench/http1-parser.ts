// Micro-benchmark of the HTTP/1.1 request parser (not a test): parses per second for a typical
// ~400-byte request, a request split in two reads, and a chunked upload, next to llhttp driven
// through node's own binding (`_http_common`'s HTTPParser, what node:http uses) on the same bytes.
//
//   npx node bench/http1-parser.ts [--seconds=2]
import { createRequire } from 'node:module';
import { createRequestParser } from '../src/http1/request-parser.ts';

const seconds = Number(/^--seconds=(.+)$/.exec(process.argv.find((a) => a.startsWith('--seconds=')) ?? '')?.[1] ?? 2);

const typical = Buffer.from([
  'GET /api/v1/users/12345/profile?include=settings&format=json HTTP/1.1',
  'Host: api.example.com',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Accept: application/json, text/plain, */*',
  'Accept-Language: en-US,en;q=0.9',
  'Accept-Encoding: gzip, deflate, br',
  'Connection: keep-alive',
  'Cookie: session=4f2a9c1e7b3d; theme=dark',
  '', '',
].join('\r\n'), 'latin1');

const chunkedUpload = Buffer.concat([
  Buffer.from('POST /upload HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n', 'latin1'),
  ...Array.from({ length: 4 }, () => Buffer.concat([Buffer.from('1000\r\n'), Buffer.alloc(4096, 0x61), Buffer.from('\r\n')])),
  Buffer.from('0\r\n\r\n'),
]);

interface Contender {
  readonly name: string;
  /** Parses `pieces` as one request and returns how many messages completed (must be 1). */
  parse(pieces: readonly Buffer[]): number;
}

function switchyard(): Contender {
  let completed = 0;
  let bodyBytes = 0;
  const parser = createRequestParser({
    onHead: () => {},
    onBody: (chunk) => { bodyBytes += chunk.length; },
    onTrailers: () => {},
    onMessageComplete: () => { completed++; },
    onError: (code, message) => { throw new Error(`${code}: ${message}`); },
  });
  return {
    name: 'switchyard',
    parse(pieces) {
      completed = 0;
      for (const piece of pieces) parser.execute(piece);
      void bodyBytes;
      return completed;
    },
  };
}

interface NodeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  execute(chunk: Buffer): number | Error;
  [key: number]: unknown;
}
interface NodeHttpParserClass {
  new(): NodeHttpParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

function llhttp(): Contender | null {
  let HTTPParser: NodeHttpParserClass;
  try {
    HTTPParser = (createRequire(import.meta.url)('_http_common') as { HTTPParser: NodeHttpParserClass }).HTTPParser;
  } catch {
    return null;
  }
  let completed = 0;
  const parser = new HTTPParser();
  // The same callbacks node:http installs, reduced to what a proxy needs: the head (headers arrive
  // as a flat [name, value, …] array built in C++, like our pairs) and the body pieces.
  parser[HTTPParser.kOnHeaders] = () => {};
  parser[HTTPParser.kOnHeadersComplete] = () => 0;
  parser[HTTPParser.kOnBody] = () => {};
  parser[HTTPParser.kOnMessageComplete] = () => { completed++; };
  parser[HTTPParser.kOnExecute] = () => {};
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  return {
    name: 'llhttp (node binding)',
    parse(pieces) {
      completed = 0;
      for (const piece of pieces) {
        const result = parser.execute(piece);
        if (result instanceof Error) throw result;
      }
      return completed;
    },
  };
}

function measure(contender: Contender, pieces: readonly Buffer[]): number {
  if (contender.parse(pieces) !== 1) throw new Error(`${contender.name} did not complete the request`);
  for (let i = 0; i < 20_000; i++) contender.parse(pieces);
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 5_000; i++) contender.parse(pieces);
    count += 5_000;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

const scenarios: readonly { name: string; pieces: readonly Buffer[] }[] = [
  { name: `typical GET (${typical.length} B, one read)`, pieces: [typical] },
  { name: `typical GET split in two reads`, pieces: [typical.subarray(0, 150), typical.subarray(150)] },
  { name: `chunked upload (${chunkedUpload.length} B, 4 chunks)`, pieces: [chunkedUpload] },
];

const contenders = [switchyard(), llhttp()].filter((c): c is Contender => c !== null);
console.log(`node ${process.version}, ${seconds}s per measurement`);
for (const scenario of scenarios) {
  const rates = contenders.map((c) => ({ name: c.name, rate: measure(c, scenario.pieces) }));
  const base = rates.find((r) => r.name.startsWith('llhttp'))?.rate;
  console.log(`\n${scenario.name}`);
  for (const { name, rate } of rates) {
    const ratio = base === undefined ? '' : `  (${(rate / base).toFixed(2)}× llhttp)`;
    console.log(`  ${name.padEnd(24)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} parses/s${ratio}`);
  }
}
