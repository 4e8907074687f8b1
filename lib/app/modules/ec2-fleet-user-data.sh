#!/bin/bash
# Class Lab EC2 fleet: a web page that says which instance and AZ answered, a health path,
# and a bounded CPU load for the scaling exercise. Needs nothing from the internet:
# Amazon Linux 2023 ships python3 and systemd, and the fleet subnets have no route out.
set -euo pipefail

install -d -m 0755 /opt/class-lab
cat > /opt/class-lab/web.py <<'PY'
import os, subprocess, threading, urllib.request
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

# Overridable only so the kit's tests can run this page against a fake metadata service.
IMDS = os.environ.get("CLASS_LAB_IMDS", "http://169.254.169.254/latest")
PORT = int(os.environ.get("CLASS_LAB_PORT", "80"))
MAX_LOAD_SECONDS = 600

def imds(path):
    # IMDSv2: a session token first, then the read (the launch template requires tokens).
    token_req = urllib.request.Request(IMDS + "/api/token", method="PUT",
                                       headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})
    token = urllib.request.urlopen(token_req, timeout=2).read().decode()
    req = urllib.request.Request(IMDS + "/meta-data/" + path, headers={"X-aws-ec2-metadata-token": token})
    return urllib.request.urlopen(req, timeout=2).read().decode()

INSTANCE_ID = imds("instance-id")
AZ = imds("placement/availability-zone")
load_lock = threading.Lock()
load_procs = []

def start_load(seconds):
    # One busy process per vCPU, each killed by timeout: the load always stops by itself.
    with load_lock:
        if any(p.poll() is None for p in load_procs):
            return False
        load_procs.clear()
        for _ in range(os.cpu_count() or 1):
            load_procs.append(subprocess.Popen(["timeout", str(seconds), "sha256sum", "/dev/zero"]))
        return True

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/health":
            self.reply(200, "ok\n")
        elif url.path == "/load":
            try:
                seconds = int(parse_qs(url.query).get("seconds", ["300"])[0])
            except ValueError:
                self.reply(400, "seconds must be a whole number\n")
                return
            seconds = max(1, min(seconds, MAX_LOAD_SECONDS))
            started = start_load(seconds)
            self.reply(202, "CPU load on %s for %d s\n" % (INSTANCE_ID, seconds) if started
                       else "CPU load already running on %s\n" % INSTANCE_ID)
        else:
            self.reply(200, "<h1>Class Lab EC2 fleet</h1><p>Answered by instance <b>%s</b> in <b>%s</b>.</p>"
                            "<p>Refresh to see the load balancer pick another instance.</p>\n" % (INSTANCE_ID, AZ))

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("", PORT), Handler).serve_forever()
PY

cat > /etc/systemd/system/class-lab-web.service <<'UNIT'
[Unit]
Description=Class Lab web page
After=network-online.target

[Service]
ExecStart=/usr/bin/python3 /opt/class-lab/web.py
Restart=always

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now class-lab-web.service
