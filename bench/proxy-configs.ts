/**
 * Configuration text for the origins and the third-party contenders. Pure functions: ports and
 * folders in, file contents out. Every proxy is set up the same way where the products allow
 * it: one worker on one core, round robin over the two origins (or sticky sessions by cookie,
 * for bench/sticky.ts), keep-alive both to the client and to the origins (with enough idle
 * upstream connections for 500 clients), no access log, errors only.
 */

/** An origin server: one nginx with one worker serving static bodies. */
export interface OriginAddress {
  /** `a` or `b`: sent back as the `X-Origin` response header. */
  readonly name: string;
  readonly port: number;
}

/**
 * How a proxy spreads requests over the origins: round robin (the main benchmark), or sticky
 * sessions keyed by the cookie `cookie` (bench/sticky.ts).
 */
export type Balancing =
  | { readonly kind: 'round-robin' }
  | { readonly kind: 'sticky-cookie'; readonly cookie: string };

export const ROUND_ROBIN: Balancing = { kind: 'round-robin' };

/** Idle keep-alive connections a proxy may hold to each origin (≥ the largest client count). */
export const UPSTREAM_IDLE_CONNECTIONS = 512;

function nginxPrelude(dir: string, name: string): string {
  return `worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
pid ${dir}/${name}.pid;
error_log ${dir}/${name}.error.log error;
events {
  worker_connections 8192;
}
`;
}

function nginxHttpCommon(dir: string, name: string): string {
  return `  access_log off;
  tcp_nodelay on;
  # The default (1000) would make wrk reconnect every 1000 requests per connection.
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path ${dir}/${name}-client-body;
  proxy_temp_path ${dir}/${name}-proxy;
  fastcgi_temp_path ${dir}/${name}-fastcgi;
  uwsgi_temp_path ${dir}/${name}-uwsgi;
  scgi_temp_path ${dir}/${name}-scgi;
`;
}

/**
 * An origin: static files from `wwwDir` (`/body-100`, `/body-16384`), tagged with
 * `X-Origin: <name>` so the harness can check that a proxy really alternates.
 */
export function nginxOriginConfig(dir: string, wwwDir: string, origin: OriginAddress): string {
  const name = `origin-${origin.name}`;
  return `${nginxPrelude(dir, name)}http {
${nginxHttpCommon(dir, name)}  sendfile on;
  open_file_cache max=16 inactive=600s;
  open_file_cache_valid 600s;
  server {
    listen 127.0.0.1:${origin.port} backlog=4096;
    root ${wwwDir};
    add_header X-Origin ${origin.name} always;
  }
}
`;
}

/**
 * nginx as a proxy: one worker, upstream keep-alive, HTTP/1.1 to the origins. `name` keeps the
 * pid, log and temp paths of two nginx proxies in one folder apart.
 *
 * nginx OSS cannot insert a cookie (that is `sticky cookie`, nginx Plus only), so its
 * `sticky-cookie` is the closest thing it has: `hash $cookie_<name> consistent` places a client
 * by the cookie it brings, which the origin application must have set. A client without the
 * cookie hashes the empty string: every such request goes to the same origin.
 */
export function nginxProxyConfig(
  dir: string,
  port: number,
  origins: readonly OriginAddress[],
  balancing: Balancing = ROUND_ROBIN,
  name = 'nginx',
): string {
  const servers = origins.map((o) => `    server 127.0.0.1:${o.port};`).join('\n');
  const hash = balancing.kind === 'sticky-cookie' ? `    hash $cookie_${balancing.cookie} consistent;\n` : '';
  return `${nginxPrelude(dir, name)}http {
${nginxHttpCommon(dir, name)}  upstream origins {
${hash}${servers}
    keepalive ${UPSTREAM_IDLE_CONNECTIONS};
    keepalive_requests 1000000;
    keepalive_timeout 75s;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://origins;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/**
 * HAProxy: one thread, round robin, idle server connections shared between clients. Sticky:
 * `cookie <name> insert indirect nocache` — a client without the cookie is placed by round robin
 * and gets `Set-Cookie: <name>=<server name>`; a client with it goes to that server, and
 * `indirect` strips the cookie from the request to the server and sets no cookie in the answer.
 */
export function haproxyConfig(port: number, origins: readonly OriginAddress[], balancing: Balancing = ROUND_ROBIN): string {
  const sticky = balancing.kind === 'sticky-cookie';
  const servers = origins.map((o) => `  server ${o.name} 127.0.0.1:${o.port}${sticky ? ` cookie ${o.name}` : ''}`).join('\n');
  const cookie = sticky ? `  cookie ${balancing.cookie} insert indirect nocache\n` : '';
  return `global
  nbthread 1
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 75s
  timeout server 75s
  timeout http-keep-alive 75s

frontend web
  bind 127.0.0.1:${port} backlog 4096
  default_backend origins

backend origins
  balance roundrobin
${cookie}${servers}
`;
}

/**
 * Caddy: the site matches any host on the port (the requests carry `Host: bench.example`),
 * admin endpoint and automatic HTTPS off, errors only. GOMAXPROCS=1 is set by the launcher.
 * Sticky: `lb_policy cookie <name>` — a client without the cookie gets a random origin (Caddy
 * 2.6 has no `fallback` choice) and `Set-Cookie: <name>=<HMAC-SHA256 of the origin's address>`
 * (no secret: an empty key); a client with it goes to the origin whose HMAC matches.
 */
export function caddyfile(port: number, origins: readonly OriginAddress[], balancing: Balancing = ROUND_ROBIN): string {
  const servers = origins.map((o) => `127.0.0.1:${o.port}`).join(' ');
  const policy = balancing.kind === 'sticky-cookie' ? `cookie ${balancing.cookie}` : 'round_robin';
  return `{
  admin off
  auto_https off
  log {
    level ERROR
  }
}

http://:${port} {
  bind 127.0.0.1
  reverse_proxy ${servers} {
    lb_policy ${policy}
    transport http {
      keepalive 75s
      keepalive_idle_conns ${UPSTREAM_IDLE_CONNECTIONS * origins.length}
      keepalive_idle_conns_per_host ${UPSTREAM_IDLE_CONNECTIONS}
    }
  }
}
`;
}
