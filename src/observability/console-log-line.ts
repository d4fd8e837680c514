/**
 * Traefik's `log.format: common` look (zerolog's console writer): `<time> <LVL> <message>
 * error=… key=value …`, fields sorted with `error` first, optional ANSI colours.
 */

const SHORT_LEVEL: Readonly<Record<string, string>> = {
  trace: 'TRC', debug: 'DBG', info: 'INF', warn: 'WRN', error: 'ERR', fatal: 'FTL', panic: 'PNC',
};

const LEVEL_COLOR: Readonly<Record<string, string>> = {
  trace: '35', debug: '33', info: '32', warn: '31', error: '1;31', fatal: '1;31', panic: '1;31',
};

function paint(text: string, code: string, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Quotes a string value when it holds spaces, quotes, backslashes or non-printable characters. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') {
    return /[\u0000-\u0020"\\\u007f-\uffff]/.test(value) ? JSON.stringify(value) : value;
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * Turns one JSON log record (`level`, `time`, `message` and fields) into a console line.
 * Lines that are not JSON objects pass through unchanged.
 */
export function formatConsoleLogLine(json: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json;
    record = parsed as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, message, ...fields } = record;
  const levelName = typeof level === 'string' ? level : '';
  const parts: string[] = [];
  if (typeof time === 'string') parts.push(paint(time, '90', color));
  parts.push(paint(SHORT_LEVEL[levelName] ?? '???', LEVEL_COLOR[levelName] ?? '0', color));
  if (message !== undefined && message !== '') parts.push(String(message));
  const names = Object.keys(fields).sort();
  const errorAt = names.indexOf('error');
  if (errorAt > 0) {
    names.splice(errorAt, 1);
    names.unshift('error');
  }
  for (const name of names) {
    const value = fields[name];
    // pino serialises an Error as {type, message, stack}; the console shows its message, as zerolog does.
    const text = name === 'error' && typeof value === 'object' && value !== null &&
      typeof (value as { message?: unknown }).message === 'string'
      ? fieldText((value as { message: string }).message)
      : fieldText(value);
    parts.push(paint(`${name}=`, '36', color) + (name === 'error' ? paint(text, '1;31', color) : text));
  }
  return `${parts.join(' ')}\n`;
}
