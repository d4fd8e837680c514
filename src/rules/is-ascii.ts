/** True when every character is ASCII (Traefik refuses non-ASCII hosts: use punycode). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
