# Shared by the server benchmarks (run.sh, tracing.sh, semantic.sh): free ports, waiting for an
# HTTP answer, starting aisafe with the benchmarks' settings, and an nginx that answers every
# request with a fixed 200 (the baseline, or a stand-in collector or guard model). Sourced;
# the script then calls make_work, which sets $WORK (nginx and the servers keep their pids there).

# The run's temp dir and its cleanup on exit: this shell's jobs, servers started inside $(...)
# (not this shell's jobs: their pids are in $WORK/servers.pid), nginx, the dir.
make_work() {
  WORK=$(mktemp -d)
  trap 'kill $(jobs -p) $(cat "$WORK/servers.pid" 2>/dev/null) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts `aisafe serve` ($AISAFE) on a free port with the benchmarks' settings (SQLite in $WORK,
# warn logs, anonymous validation, limits far above what wrk sends) and the given VAR=value
# pairs; prints the port. Started inside $(...), it is not the caller's job: its pid goes to
# $WORK/servers.pid for the caller's cleanup.
start_server() {  # name, VAR=value...
  local name=$1 port
  shift
  port=$(free_port)
  env DATABASE_URL="sqlite://$WORK/$name.db" LOG_LEVEL=warn ALLOW_ANONYMOUS_VALIDATE=true \
    RATE_LIMIT_PER_MINUTE=1000000000 CHARACTERS_PER_MINUTE=1000000000000 \
    SECRET_KEY_FILE="$WORK/$name.key" "$@" "$AISAFE" serve --host 127.0.0.1 --port "$port" \
    >"$WORK/$name.log" 2>&1 &
  echo $! >>"$WORK/servers.pid"
  wait_http "$port" /health
  echo "$port"
}

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

wait_http() { for _ in $(seq 1 1200); do curl -fs -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.05; done; echo "no answer on port $1" >&2; return 1; }

start_nginx() {  # port, workers, body of the 200 answer
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx.conf" <<CONF
worker_processes $2;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_max_body_size 16m;
  client_body_buffer_size 1m;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$1;
    location / { default_type application/json; return 200 '$3'; }
  }
}
CONF
  nginx -c "$WORK/nginx.conf" -p "$WORK"
  wait_http "$1" /
}
